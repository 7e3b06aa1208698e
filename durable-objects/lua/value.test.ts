/**
 * Lua strings at the boundary (value.ts): text and bytes become byte strings (one char per byte)
 * and back, the same on each side of the length where a byte array stops being converted in
 * one call, and for ASCII, non-ASCII and binary contents; strings read as numbers; tables'
 * hash parts, each its own from its first key.
 */
import { describe, expect, it } from "vitest";
import { LuaTable, fromBytes, fromUtf8, isAsciiText, stringToNumber, toBytes, toUtf8 } from "./value";

/** The byte string of `b` the slow way: one char per byte. */
function charPerByte(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

const LENGTHS = [0, 1, 255, 256, 257, 8191, 8192, 8193, 20_000];

describe("byte strings", () => {
  it("fromBytes gives one char per byte at every length, ASCII or not", () => {
    for (const n of LENGTHS) {
      const ascii = Uint8Array.from({ length: n }, (_, i) => 0x20 + (i % 95));
      const high = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      const lastHigh = Uint8Array.from({ length: n }, (_, i) => (i === n - 1 ? 0xc3 : 0x61));
      for (const b of [ascii, high, lastHigh]) {
        const s = fromBytes(b);
        expect(s.length).toBe(n);
        expect(s).toBe(charPerByte(b));
        expect(toBytes(s)).toEqual(b);
      }
    }
  });

  it("fromBytes of a view converts only the view's bytes", () => {
    const all = Uint8Array.from([0x41, 0xff, 0x42, 0x43, 0x80]);
    expect(fromBytes(all.subarray(1, 4))).toBe("\xffBC");
    const big = Uint8Array.from({ length: 1000 }, (_, i) => 0x61 + (i % 26));
    expect(fromBytes(big.subarray(500, 800))).toBe(charPerByte(big.subarray(500, 800)));
  });

  it("fromUtf8 gives the UTF-8 bytes of text, and toUtf8 reads them back", () => {
    for (const text of ["", "abc", "é", "ü€", "a\u0000b", "x".repeat(300) + "é", "😀".repeat(100)]) {
      const s = fromUtf8(text);
      expect(s).toBe(charPerByte(new TextEncoder().encode(text)));
      expect(toUtf8(s)).toBe(text);
    }
  });

  it("toUtf8 of bytes that are not UTF-8 replaces them as the decoder does", () => {
    expect(toUtf8("\xff")).toBe("\ufffd");
    expect(toUtf8("a\xc3")).toBe("a\ufffd");
  });

  it("isAsciiText is true only when every char is below 0x80", () => {
    expect(isAsciiText("")).toBe(true);
    expect(isAsciiText("abc\u007f")).toBe(true);
    expect(isAsciiText("abc\u0080")).toBe(false);
    expect(isAsciiText("é")).toBe(false);
    expect(isAsciiText("x".repeat(1000) + "\u0100")).toBe(false);
  });
});

describe("strings as numbers (Lua 5.1's luaO_str2d)", () => {
  it("reads what redis-server 7.0's tonumber reads, plain integers and the rest", () => {
    // Each pair as redis-server 7.0.15 answers tonumber(s) (-0 kept apart from 0).
    const cases: [string, number | undefined][] = [
      ["-0", -0], ["007", 7], ["-", undefined], ["", undefined], ["1e3", 1000], [" 12 ", 12],
      ["123456789012345", 123456789012345], ["1234567890123456", 1234567890123456], ["12345678901234567890", 12345678901234567890],
      ["-123456789012345", -123456789012345], ["0x10", 16], ["1.", 1], [".5", 0.5], ["+5", 5], ["--1", undefined], ["1-", undefined],
      ["9007199254740993", 9007199254740992], ["00", 0], ["-007", -7], ["1000000", 1000000], ["60000", 60000],
    ];
    for (const [s, n] of cases) expect(stringToNumber(s), JSON.stringify(s)).toBe(n);
  });
});

describe("tables", () => {
  it("give each table a hash part of its own from its first key", () => {
    const a = new LuaTable();
    const b = new LuaTable();
    a.rawSet("x", 1);
    expect(b.get("x")).toBeUndefined();
    expect(new LuaTable().get("x")).toBeUndefined();
    b.rawSet("x", 2);
    b.rawSet(2.5, "f");
    expect([a.get("x"), b.get("x"), b.get(2.5), a.get(2.5)]).toEqual([1, 2, "f", undefined]);
    const empty = new LuaTable();
    empty.rawSet("gone", undefined);
    expect(empty.next(undefined)).toBeUndefined();
    expect(new LuaTable().next(undefined)).toBeUndefined();
  });

  it("skip a kept key while it is nil, in lookups, walks and length", () => {
    const t = new LuaTable();
    t.rawSet("a", 1);
    t.setKept("KEYS", "k");
    expect(t.get("KEYS")).toBe("k");
    expect([...t.entries()]).toEqual([["a", 1], ["KEYS", "k"]]);
    t.setKept("KEYS", undefined);
    expect(t.get("KEYS")).toBeUndefined();
    expect([...t.entries()]).toEqual([["a", 1]]);
    expect(t.next(undefined)).toEqual(["a", 1]);
    expect(t.next("a")).toBeUndefined();
    expect(t.length()).toBe(0);
    t.setKept("KEYS", "again");
    expect(t.next("a")).toEqual(["KEYS", "again"]);
  });
});
