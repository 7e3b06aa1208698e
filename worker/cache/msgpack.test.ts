/**
 * MessagePack against byte vectors written from the format's spec (msgpack/msgpack spec.md):
 * every format family at its boundaries, both ways; refusals; the codec's round trip and size.
 */
import { describe, expect, it } from "vitest";
import { decodeMsgpack, encodeMsgpack, fromBase64, MsgpackError, MsgpackExt, msgpackCodec, toBase64 } from "./msgpack";
import { jsonCodec } from "./index";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const rep = (h: string, n: number) => h.repeat(n);

/** [value, its bytes]: encoded to exactly these bytes and decoded back to the value. */
const vectors: [unknown, string][] = [
  [null, "c0"],
  [false, "c2"],
  [true, "c3"],
  [0, "00"],
  [127, "7f"],
  [128, "cc80"],
  [255, "ccff"],
  [256, "cd0100"],
  [65535, "cdffff"],
  [65536, "ce00010000"],
  [4294967295, "ceffffffff"],
  [4294967296, "cf0000000100000000"],
  [Number.MAX_SAFE_INTEGER, "cf001fffffffffffff"],
  [-1, "ff"],
  [-32, "e0"],
  [-33, "d0df"],
  [-128, "d080"],
  [-129, "d1ff7f"],
  [-32768, "d18000"],
  [-32769, "d2ffff7fff"],
  [-2147483648, "d280000000"],
  [-2147483649, "d3ffffffff7fffffff"],
  [Number.MIN_SAFE_INTEGER, "d3ffe0000000000001"],
  [2n ** 64n - 1n, "cfffffffffffffffff"],
  [2n ** 53n, "cf0020000000000000"],
  [-(2n ** 63n), "d38000000000000000"],
  [1.5, "cb3ff8000000000000"],
  [-0, "cb8000000000000000"],
  [Infinity, "cb7ff0000000000000"],
  [2 ** 53, "cb4340000000000000"],
  ["", "a0"],
  ["a", "a161"],
  ["é", "a2c3a9"],
  ["x".repeat(31), "bf" + rep("78", 31)],
  ["x".repeat(32), "d920" + rep("78", 32)],
  ["x".repeat(255), "d9ff" + rep("78", 255)],
  ["x".repeat(256), "da0100" + rep("78", 256)],
  ["x".repeat(65536), "db00010000" + rep("78", 65536)],
  [new Uint8Array([]), "c400"],
  [new Uint8Array([1, 2, 3]), "c403010203"],
  [new Uint8Array(256), "c50100" + rep("00", 256)],
  [new Uint8Array(65536), "c600010000" + rep("00", 65536)],
  [[], "90"],
  [[1, [2]], "920191" + "02"],
  [Array(15).fill(0), "9f" + rep("00", 15)],
  [Array(16).fill(0), "dc0010" + rep("00", 16)],
  [Array(65536).fill(0), "dd00010000" + rep("00", 65536)],
  [{}, "80"],
  [{ a: 1 }, "81a16101"],
  [Object.fromEntries(Array.from({ length: 16 }, (_, i) => [String.fromCharCode(97 + i), null])), "de0010" + Array.from({ length: 16 }, (_, i) => "a1" + (0x61 + i).toString(16) + "c0").join("")],
  [new Map<unknown, unknown>([[1, "a"], [null, true]]), "8201a161c0c3"],
  [new MsgpackExt(5, hex("aa")), "d405aa"],
  [new MsgpackExt(5, hex("aabb")), "d505aabb"],
  [new MsgpackExt(-2, hex("00010203")), "d6fe00010203"],
  [new MsgpackExt(127, new Uint8Array(8)), "d77f" + rep("00", 8)],
  [new MsgpackExt(1, new Uint8Array(16)), "d801" + rep("00", 16)],
  [new MsgpackExt(1, hex("010203")), "c70301010203"],
  [new MsgpackExt(1, new Uint8Array(256)), "c8010001" + rep("00", 256)],
  [new MsgpackExt(1, new Uint8Array(65536)), "c90001000001" + rep("00", 65536)],
  // Timestamp 32 (seconds, no nanoseconds), 64 (30-bit nanoseconds, 34-bit seconds), 96.
  [new Date(0), "d6ff00000000"],
  [new Date(4294967295000), "d6ffffffffff"],
  [new Date(1500), "d7ff" + ((500_000_000n << 34n) | 1n).toString(16).padStart(16, "0")],
  [new Date(4294967296000), "d7ff0000000100000000"],
  [new Date(-1), "c70cff" + "3b8b87c0" + "ffffffffffffffff"],
  [new Date(2 ** 34 * 1000), "c70cff" + "00000000" + "0000000400000000"],
];

describe("MessagePack", () => {
  for (const [value, bytes] of vectors) {
    const label = typeof value === "string" || Array.isArray(value) ? `${typeof value} of ${(value as string).length}` : value instanceof Uint8Array ? `bin of ${value.length}` : String(value);
    it(`${label} ↔ ${bytes.slice(0, 24)}`, () => {
      expect(toHex(encodeMsgpack(value))).toBe(bytes);
      expect(decodeMsgpack(hex(bytes))).toEqual(value);
    });
  }

  it("reads the forms a writer may choose that this one does not: longer ints, float 32, long headers", () => {
    expect(decodeMsgpack(hex("cc05"))).toBe(5);
    expect(decodeMsgpack(hex("d3 0000000000000005"))).toBe(5);
    expect(decodeMsgpack(hex("d0 05"))).toBe(5);
    expect(decodeMsgpack(hex("ca 3fc00000"))).toBe(1.5);
    expect(decodeMsgpack(hex("d9 01 61"))).toBe("a");
    expect(decodeMsgpack(hex("dc 0001 c3"))).toEqual([true]);
    expect(decodeMsgpack(hex("df 00000001 a161 01"))).toEqual({ a: 1 });
    expect(decodeMsgpack(hex("c7 04 ff 00000001"))).toEqual(new Date(1000));
  });

  it("integers beyond 2^53 come back as bigint, smaller ones as numbers", () => {
    expect(decodeMsgpack(hex("cf 0020000000000001"))).toBe(2n ** 53n + 1n);
    expect(decodeMsgpack(hex("d3 ffdfffffffffffff"))).toBe(-(2n ** 53n) - 1n);
    expect(decodeMsgpack(encodeMsgpack(5n))).toBe(5);
    expect(() => encodeMsgpack(2n ** 64n)).toThrow(MsgpackError);
    expect(() => encodeMsgpack(-(2n ** 63n) - 1n)).toThrow(MsgpackError);
  });

  it("a map with other keys than strings is a Map; a __proto__ key is an own property", () => {
    expect(decodeMsgpack(hex("82 a161 01 02 03"))).toEqual(new Map<unknown, unknown>([["a", 1], [2, 3]]));
    const o = decodeMsgpack(hex("81 a9" + toHex(new TextEncoder().encode("__proto__")) + "01")) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(["__proto__"]);
    expect(o["__proto__"]).toBe(1);
  });

  it("objects as JSON sees them: own enumerable keys, undefined as nil", () => {
    expect(toHex(encodeMsgpack({ a: undefined }))).toBe("81a161c0");
    expect(toHex(encodeMsgpack(undefined))).toBe("c0");
  });

  it("refuses bytes that are not one whole value", () => {
    for (const bad of ["", "c1", "cd01", "a2 61", "92 01", "81 a161", "c0 c0", "d6 ff 0000", "c4 02 00", "a1 ff", "d7 ff ffffffff00000000", "c7 03 ff 000000"]) {
      expect(() => decodeMsgpack(hex(bad)), bad).toThrow(MsgpackError);
    }
    expect(() => decodeMsgpack(hex("91".repeat(600) + "c0"))).toThrow(/nested too deep/);
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < 600; i++) at.push((at = []));
    expect(() => encodeMsgpack(deep)).toThrow(/nested too deep/);
    expect(() => encodeMsgpack(() => 1)).toThrow(MsgpackError);
    expect(() => encodeMsgpack(Symbol("s"))).toThrow(MsgpackError);
    expect(() => encodeMsgpack(new Date(NaN))).toThrow(MsgpackError);
  });

  it("base64 of any bytes and back", () => {
    const all = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
    expect(fromBase64(toBase64(all))).toEqual(all);
    expect(toBase64(hex("00ff10"))).toBe("AP8Q");
    expect(() => fromBase64("not base64!")).toThrow(MsgpackError);
  });

  it("the codec round-trips what JSON cannot: bytes, bigints, Dates, Maps", () => {
    const value = { id: 2n ** 60n, at: new Date(1_700_000_000_123), raw: new Uint8Array([0, 255]), tags: new Map([[1, "x"]]), f: 0.1, neg: -7 };
    expect(msgpackCodec.decode(msgpackCodec.encode(value))).toEqual(value);
  });

  it("size: MessagePack bytes, their base64 text, JSON text", () => {
    // A typical record: the bytes are 78% of JSON's text, the base64 text they are stored as 104%.
    const user = { id: 123456, name: "Ada Lovelace", email: "ada@example.com", admin: false, score: 97.5, tags: ["math", "engines"], created: 1700000000000 };
    const json = jsonCodec.encode(user).length;
    const bytes = encodeMsgpack(user).length;
    const text = msgpackCodec.encode(user).length;
    expect([json, bytes, text]).toEqual([138, 107, 144]);
  });
});
