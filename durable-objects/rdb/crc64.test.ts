import { describe, expect, it } from "vitest";
import { crc64, crc64Footer } from "./crc64";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("crc64 (Jones, reflected)", () => {
  it("matches Redis's test vector", () => {
    expect(crc64(0n, ascii("123456789"))).toBe(0xe9c6d914c4b8d9can);
  });

  it("matches Redis's long-text vector and continues across chunks", () => {
    // src/crc64.c's second vector: C's sizeof counts the terminating NUL.
    const li = ascii(
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.\0",
    );
    expect(crc64(0n, li)).toBe(0xc7794709e69683b3n);
    expect(crc64(crc64(0n, li.subarray(0, 50)), li.subarray(50))).toBe(0xc7794709e69683b3n);
  });

  it("is 0 for no bytes, and the footer is little-endian", () => {
    expect(crc64(0n, new Uint8Array())).toBe(0n);
    expect([...crc64Footer(ascii("123456789"))]).toEqual([0xca, 0xd9, 0xb8, 0xc4, 0x14, 0xd9, 0xc6, 0xe9]);
  });
});
