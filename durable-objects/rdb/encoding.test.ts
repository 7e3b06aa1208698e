import { describe, expect, it } from "vitest";
import { RDB_VERSION, RdbError, RdbReader, RdbWriter, verifyPayload } from "./encoding";
import fixtures from "./fixtures/redis-7.0-strings.json";
import { lzfCompress, lzfDecompress } from "./lzf";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/**
 * Each fixture is redis-server 7.0.15's `DUMP` of a string key holding `input`: type byte 0,
 * the string as rdbSaveRawString writes it (integer, LZF or verbatim), RDB version, CRC-64.
 */
describe("RDB strings against redis-server 7.0.15's DUMP", () => {
  for (const f of fixtures) {
    it(`writes and reads ${f.name}`, () => {
      const input = unhex(f.input);
      const dump = unhex(f.dump);
      expect(hex(new RdbWriter().byte(0).string(input).payload())).toBe(f.dump);
      expect(verifyPayload(dump)).toBe(RDB_VERSION);
      const reader = new RdbReader(dump, dump.length - 10);
      expect(reader.byte()).toBe(0);
      expect(hex(reader.string())).toBe(f.input);
      expect(reader.remaining()).toBe(0);
    });
  }

  it("the fixtures cover the integer, LZF and verbatim forms", () => {
    const kinds = new Set(fixtures.map((f) => unhex(f.dump)[1]! >> 6));
    expect(kinds).toEqual(new Set([0, 1, 3]));
    expect(fixtures.some((f) => f.dump.startsWith("00c3"))).toBe(true);
    expect(fixtures.some((f) => f.dump.startsWith("00c0"))).toBe(true);
  });
});

describe("RDB lengths", () => {
  it("uses 1, 2, 5 and 9 bytes and reads them back", () => {
    for (const [n, size] of [
      [0, 1],
      [63, 1],
      [64, 2],
      [16383, 2],
      [16384, 5],
      [0xffffffff, 5],
      [2 ** 32, 9],
    ] as const) {
      const b = new RdbWriter().length(n).bytes();
      expect(b.length).toBe(size);
      expect(new RdbReader(b).length()).toBe(n);
    }
    expect(hex(new RdbWriter().length(300).bytes())).toBe("412c");
    expect(hex(new RdbWriter().length(70000).bytes())).toBe("8000011170");
  });

  it("refuses a truncated stream, an unknown length byte and an encoding where a length belongs", () => {
    expect(() => new RdbReader(unhex("41")).length()).toThrow(RdbError);
    expect(() => new RdbReader(unhex("82")).length()).toThrow(RdbError);
    expect(() => new RdbReader(unhex("c0")).length()).toThrow(RdbError);
    expect(() => new RdbReader(unhex("05616263")).string()).toThrow(RdbError);
    expect(() => new RdbReader(unhex("c4")).string()).toThrow(RdbError);
    expect(() => new RdbReader(unhex("c30a05ffffff")).string()).toThrow(RdbError);
  });

  it("refuses a string longer than its limit, or an LZF one claiming more than LZF can expand to, before allocating", () => {
    // Claims 2^32-1 bytes from 2 compressed ones; then 89 bytes from 1.
    expect(() => new RdbReader(unhex("c3028000ffffffff" + "0000")).string()).toThrow(/length/);
    expect(() => new RdbReader(unhex("c3015900")).string()).toThrow(/length/);
    expect(() => new RdbReader(unhex("0461626364"), undefined, 3).string()).toThrow(/too long/);
    expect(new TextDecoder().decode(new RdbReader(unhex("0461626364"), undefined, 4).string())).toBe("abcd");
  });
});

describe("LZF", () => {
  it("round-trips and gives up when compression does not save the asked bytes", () => {
    const text = new TextEncoder().encode("hello hello hello hello hello hello");
    const packed = lzfCompress(text, text.length - 4)!;
    expect(packed.length).toBeLessThan(text.length - 4);
    expect(lzfDecompress(packed, text.length)).toEqual(text);
    expect(lzfCompress(new TextEncoder().encode("abcdefghijklmnopqrstuvwxyz"), 22)).toBeNull();
  });

  it("refuses corrupt input: a reference before the start, a short or long result", () => {
    expect(lzfDecompress(Uint8Array.of(0x20, 0x05), 3)).toBeNull();
    expect(lzfDecompress(Uint8Array.of(0x02, 0x61, 0x62, 0x63), 4)).toBeNull();
    expect(lzfDecompress(Uint8Array.of(0x02, 0x61, 0x62, 0x63), 2)).toBeNull();
    expect(lzfDecompress(Uint8Array.of(0x05, 0x61), 6)).toBeNull();
  });
});

describe("DUMP payload footer", () => {
  it("accepts a payload whose CRC-64 and version check out, and only that", () => {
    const good = new RdbWriter().string("abc").payload();
    expect(verifyPayload(good)).toBe(RDB_VERSION);
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i]! ^= 1;
      expect(verifyPayload(bad)).toBeNull();
    }
    expect(verifyPayload(new RdbWriter().string("abc").payload(RDB_VERSION + 1))).toBeNull();
    expect(verifyPayload(good.subarray(0, 9))).toBeNull();
  });
});
