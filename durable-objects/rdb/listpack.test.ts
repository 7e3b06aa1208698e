import { describe, expect, it } from "vitest";
import { RdbError } from "./encoding";
import { ListpackWriter, readIntset, readListpack, readZiplist, readZipmap, writeIntset } from "./listpack";

const enc = new TextEncoder();
const dec = new TextDecoder();
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

describe("listpack", () => {
  it("integers take the narrowest of Redis's encodings, at every boundary", () => {
    const cases: [bigint, string][] = [
      [0n, "00"],
      [127n, "7f"],
      [128n, "c080"],
      [-1n, "dfff"],
      [-4096n, "d000"],
      [4095n, "cfff"],
      [4096n, "f10010"],
      [-32768n, "f10080"],
      [32768n, "f2008000"],
      [-8388608n, "f2000080"],
      [8388608n, "f300008000"],
      [-(2n ** 31n), "f300000080"],
      [2n ** 31n, "f40000008000000000"],
      [2n ** 63n - 1n, "f4ffffffffffffff7f"],
      [-(2n ** 63n), "f40000000000000080"],
    ];
    for (const [v, entry] of cases) {
      const lp = new ListpackWriter().add(enc.encode(String(v))).bytes();
      const body = hex(lp.subarray(6, lp.length - 1));
      expect(body.slice(0, entry.length), String(v)).toBe(entry);
      expect(readListpack(lp).map((b) => dec.decode(b))).toEqual([String(v)]);
    }
  });

  it("text that is not a canonical integer stays a string", () => {
    for (const s of ["-0", "01", "+1", " 1", "9223372036854775808", "1.5", ""]) {
      const lp = new ListpackWriter().add(enc.encode(s)).bytes();
      expect(lp[6]! >> 6, s).toBe(2);
      expect(readListpack(lp).map((b) => dec.decode(b))).toEqual([s]);
    }
  });

  it("string lengths at the 6-bit, 12-bit and 32-bit boundaries, and backlens of 1 to 3 bytes as lpEncodeBacklen", () => {
    for (const n of [0, 63, 64, 4095, 4096, 16378, 20000]) {
      const s = new Uint8Array(n).fill(120);
      const lp = new ListpackWriter().add(s).bytes();
      expect(readListpack(lp)[0]!.length, String(n)).toBe(n);
    }
    // An entry of 16383 bytes (5-byte header + 16378) is past the 2-byte backlen's `< 16383`.
    const lp = new ListpackWriter().add(new Uint8Array(16378).fill(120)).bytes();
    expect(hex(lp.subarray(lp.length - 4, lp.length - 1))).toBe("00ffff");
    const short = new ListpackWriter().add(new Uint8Array(16377).fill(120)).bytes();
    expect(hex(short.subarray(short.length - 3, short.length - 1))).toBe("7ffe");
  });

  it("refuses a wrong total, a wrong count, a bad backlen, a missing terminator", () => {
    const good = new ListpackWriter().add(enc.encode("ab")).add(enc.encode("7")).bytes();
    expect(readListpack(good).map((b) => dec.decode(b))).toEqual(["ab", "7"]);
    const bad = (edit: (b: Uint8Array) => Uint8Array) => () => readListpack(edit(good.slice()));
    expect(bad((b) => ((b[0] = 99), b))).toThrow(RdbError);
    expect(bad((b) => ((b[4] = 5), b))).toThrow(RdbError);
    expect(bad((b) => ((b[9] = 2), b))).toThrow(RdbError);
    expect(bad((b) => ((b[b.length - 1] = 0), b))).toThrow(RdbError);
    expect(() => readListpack(new Uint8Array(3))).toThrow(RdbError);
    const unknownCount = good.slice();
    unknownCount[4] = 0xff;
    unknownCount[5] = 0xff;
    expect(readListpack(unknownCount)).toHaveLength(2);
  });
});

describe("ziplist, intset, zipmap (read as Redis 7.0 reads older payloads)", () => {
  it("the ziplist of ziplist.c's example: 2, 5, then 'Hello World'", () => {
    expect(readZiplist(unhex("0f0000000c0000000200" + "00f3" + "02f6" + "ff")).map((b) => dec.decode(b))).toEqual(["2", "5"]);
    const hello = "0200" + "00f3" + "02f6" + "020b48656c6c6f20576f726c64";
    const zl = unhex("20000000" + "13000000" + "0300" + hello.slice(4) + "ff");
    zl[0] = zl.length;
    expect(readZiplist(zl).map((b) => dec.decode(b))).toEqual(["2", "5", "Hello World"]);
  });

  it("ziplist integers of every width and 14-bit and 32-bit string lengths", () => {
    const entries = ["00fe80", "03c0ff7f", "04f0000080", "05d0ffffff7f", "06e0ffffffffffffff7f", "0a" + "4050" + "61".repeat(80)];
    const body = entries.join("");
    const total = 10 + body.length / 2 + 1;
    const zl = unhex(total.toString(16).padStart(2, "0") + "000000" + "00000000" + "0600" + body + "ff");
    expect(readZiplist(zl).map((b) => dec.decode(b))).toEqual(["-128", "32767", "-8388608", "2147483647", "9223372036854775807", "a".repeat(80)]);
    expect(() => readZiplist(zl.subarray(0, zl.length - 2))).toThrow(RdbError);
  });

  it("intsets round trip in the narrowest width and must be sorted", () => {
    expect(hex(writeIntset([3n, 1n, 2n]))).toBe("0200000003000000010002000300");
    expect(readIntset(writeIntset([5n, -70000n])).map((b) => dec.decode(b))).toEqual(["-70000", "5"]);
    expect(writeIntset([2n ** 40n])[0]).toBe(8);
    expect(() => readIntset(unhex("020000000200000002000100"))).toThrow(RdbError);
    expect(() => readIntset(unhex("03000000010000000100"))).toThrow(RdbError);
    expect(() => readIntset(unhex("0200000005000000"))).toThrow(RdbError);
  });

  it("the zipmap of zipmap.c's example: foo => bar, hello => world", () => {
    const zm = unhex("02" + "03666f6f" + "0300626172" + "0568656c6c6f" + "0500776f726c64" + "ff");
    expect(readZipmap(zm).map((b) => dec.decode(b))).toEqual(["foo", "bar", "hello", "world"]);
    expect(() => readZipmap(zm.subarray(0, 8))).toThrow(RdbError);
  });
});
