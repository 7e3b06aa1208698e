/** Bytes ↔ text without loss (args.ts): UTF-8 as itself, other bytes as lone surrogates U+DC80–U+DCFF. */
import { describe, expect, it } from "vitest";
import { bytesText, storedText, text, textBytes, wellFormed } from "./args";

const enc = (s: string) => new TextEncoder().encode(s);

describe("bytesText / textBytes", () => {
  it("valid UTF-8 is its own text (a BOM kept)", () => {
    for (const s of ["", "abc", "é€😀", "\uFEFFk", "\u0000"]) {
      expect(bytesText(enc(s))).toBe(s);
      expect(textBytes(s)).toEqual(enc(s));
    }
  });

  it("each byte outside a valid sequence becomes U+DC00 + the byte, and comes back", () => {
    const cases: [number[], string][] = [
      [[0xff], "\udcff"],
      [[0x61, 0xff, 0x00, 0xfe], "a\udcff\u0000\udcfe"],
      [[0xc3], "\udcc3"],
      [[0xc3, 0xa9, 0xc3], "é\udcc3"],
      [[0xed, 0xa0, 0x80], "\udced\udca0\udc80"], // an encoded surrogate is not UTF-8
      [[0xe2, 0x82], "\udce2\udc82"],
      [[0xc0, 0xaf], "\udcc0\udcaf"],
      [[0xf4, 0x90, 0x80, 0x80], "\udcf4\udc90\udc80\udc80"],
      [[0xf0, 0x9f, 0x98, 0x80, 0x80], "😀\udc80"],
    ];
    for (const [bytes, s] of cases) {
      expect(bytesText(new Uint8Array(bytes)), bytes.join(",")).toBe(s);
      expect(textBytes(s)).toEqual(new Uint8Array(bytes));
    }
  });

  it("every byte string of length 1 and 2 round-trips, and no two share a text", () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
    for (let a = 0; a < 256; a++) {
      const one = new Uint8Array([a]);
      if (!same(textBytes(bytesText(one)), one)) wrong.push(String(a));
      seen.add(bytesText(one));
      for (let b = 0; b < 256; b++) {
        const two = new Uint8Array([a, b]);
        const t = bytesText(two);
        if (!same(textBytes(t), two)) wrong.push(`${a},${b}`);
        seen.add(t);
      }
    }
    expect(wrong).toEqual([]);
    expect(seen.size).toBe(256 + 256 * 256);
  });

  it("a lone surrogate that escapes no byte is U+FFFD's bytes, as TextEncoder writes it; text() and wellFormed", () => {
    expect(textBytes("a\ud800b")).toEqual(enc("a\ufffdb"));
    expect(textBytes("\udc7f")).toEqual(enc("\ufffd"));
    expect(text(new Uint8Array([0x6b, 0xff]))).toBe("k\udcff");
    expect(wellFormed("k\udcff😀")).toBe("k\ufffd😀");
    expect(wellFormed("plain")).toBe("plain");
  });
});

describe("storedText", () => {
  it("reads SQLite's bytes of a text with lone surrogates (3 bytes each) back as that text", () => {
    expect(storedText(new Uint8Array([0x6b, 0xed, 0xb3, 0xbf, 0xed, 0xb2, 0x80]))).toBe("k\udcff\udc80");
    expect(storedText(enc("k\ufffd"))).toBe("k\ufffd");
    expect(storedText(enc("é😀"))).toBe("é😀");
    expect(storedText(new Uint8Array([0xff]))).toBe("\udcff");
  });
});
