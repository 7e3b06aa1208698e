/**
 * Payload decoding of the encodings redis-server 7.0 still reads but no longer writes (built
 * here from their documented layouts), of Redis 7.2 / 7.4 forms, and the bounds a hostile
 * payload meets. What redis-server 7.0 writes is checked against it in
 * test/node/rdb-types.redis.test.ts and the `dump` conformance cases.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/random";
import { crc64Footer } from "./crc64";
import { decodePayload, encodePayload } from "./dump";
import { RdbError, RdbWriter } from "./encoding";
import { ListpackWriter } from "./listpack";
import { rdbTypeForCode } from "./registry";
import type { HashField } from "./types/hash";

const enc = new TextEncoder();
const dec = new TextDecoder();
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const texts = (v: unknown) => (v as Uint8Array[]).map((b) => dec.decode(b));
const decode = (p: Uint8Array, maxDecoded = 1 << 30) => decodePayload(p, 1 << 26, maxDecoded);

/** A ziplist of small strings (prevlen 1 byte, 6-bit lengths). */
function ziplist(items: string[]): Uint8Array {
  const body: number[] = [];
  let prev = 0;
  for (const s of items) {
    const b = enc.encode(s);
    const entry = [prev, b.length, ...b];
    body.push(...entry);
    prev = entry.length;
  }
  const total = 10 + body.length + 1;
  return Uint8Array.from([total, 0, 0, 0, 0, 0, 0, 0, items.length, 0, ...body, 0xff]);
}

function listpack(items: string[]): Uint8Array {
  const lp = new ListpackWriter();
  for (const s of items) lp.add(enc.encode(s));
  return lp.bytes();
}

describe("RESTORE's decoding of older and newer encodings", () => {
  it("lists: plain (1), ziplist (10), quicklist of ziplists (14), quicklist 2 with a plain node (18)", () => {
    expect(texts(decode(new RdbWriter().byte(1).length(2).string("a").string("b").payload(6))!.value)).toEqual(["a", "b"]);
    expect(texts(decode(new RdbWriter().byte(10).string(ziplist(["x", "y"])).payload(6))!.value)).toEqual(["x", "y"]);
    const ql = new RdbWriter().byte(14).length(2).string(ziplist(["a"])).string(ziplist(["b", "c"])).payload(8);
    expect(texts(decode(ql)!.value)).toEqual(["a", "b", "c"]);
    const ql2 = new RdbWriter().byte(18).length(2).length(1).string("plain").length(2).string(listpack(["p", "7"])).payload();
    expect(texts(decode(ql2)!.value)).toEqual(["plain", "p", "7"]);
  });

  it("hashes: zipmap (9), ziplist (13); sets: listpack (20); sorted sets: ziplist (12), text scores (3)", () => {
    const zipmap = unhex("02" + "03666f6f" + "0300626172" + "0568656c6c6f" + "0500776f726c64" + "ff");
    const h = decode(new RdbWriter().byte(9).string(zipmap).payload(3))!;
    expect((h.value as HashField[]).map((f) => [dec.decode(f.field), dec.decode(f.value)])).toEqual([["foo", "bar"], ["hello", "world"]]);
    const hz = decode(new RdbWriter().byte(13).string(ziplist(["f", "1", "g", "2"])).payload(7))!;
    expect((hz.value as HashField[]).map((f) => dec.decode(f.field))).toEqual(["f", "g"]);
    expect(texts(decode(new RdbWriter().byte(20).string(listpack(["m", "12"])).payload(11))!.value)).toEqual(["m", "12"]);
    const zz = decode(new RdbWriter().byte(12).string(ziplist(["a", "1.5", "b", "-inf"])).payload(7))!;
    expect(zz.value).toEqual([{ member: enc.encode("a"), score: 1.5 }, { member: enc.encode("b"), score: -Infinity }]);
    const z3 = new RdbWriter().byte(3).length(2).string("a").byte(3).raw(enc.encode("2.5")).string("b").byte(254).payload(6);
    expect(decode(z3)!.value).toEqual([{ member: enc.encode("a"), score: 2.5 }, { member: enc.encode("b"), score: Infinity }]);
  });

  it("hashes with field TTLs: Redis 7.4's forms (24, 25) and its release candidates' (22, 23, absolute times)", () => {
    const hash = rdbTypeForCode(4)!;
    const fields: HashField[] = [
      { field: enc.encode("a"), value: enc.encode("1"), expireAt: 2_000_000_000_000 },
      { field: enc.encode("b"), value: enc.encode("2"), expireAt: null },
      { field: enc.encode("c"), value: enc.encode("3"), expireAt: 1_900_000_000_000 },
    ];
    const small = encodePayload(hash, fields);
    expect(small[0]).toBe(25);
    // Listpack order: by expiry, then the fields without one.
    expect((decode(small)!.value as HashField[]).map((f) => [dec.decode(f.field), f.expireAt])).toEqual([["c", 1_900_000_000_000], ["a", 2_000_000_000_000], ["b", null]]);
    const big = Array.from({ length: 600 }, (_, i) => ({ field: enc.encode(`f${i}`), value: enc.encode("v"), expireAt: i % 2 ? 1_800_000_000_000 + i : null }));
    const large = encodePayload(hash, big);
    expect(large[0]).toBe(24);
    expect(decode(large)!.value).toEqual(big);
    const lp = new ListpackWriter().add(enc.encode("x")).add(enc.encode("y")).addInt(1_700_000_000_000n).bytes();
    expect((decode(new RdbWriter().byte(23).string(lp).payload(12))!.value as HashField[])[0]!.expireAt).toBe(1_700_000_000_000);
    const meta = new RdbWriter().byte(22).length(1).length(1_700_000_000_000).string("x").string("y").payload(12);
    expect((decode(meta)!.value as HashField[])[0]!.expireAt).toBe(1_700_000_000_000);
  });

  it("a bad footer is null; a payload newer than Redis 7.4's RDB 12 is refused", () => {
    const p = new RdbWriter().byte(0).string("v").payload();
    expect(decode(p)).not.toBeNull();
    const flipped = p.slice();
    flipped[2]! ^= 1;
    expect(decode(flipped)).toBeNull();
    expect(decode(new RdbWriter().byte(0).string("v").payload(13))).toBeNull();
    expect(decode(new Uint8Array(9))).toBeNull();
  });
});

describe("hostile payloads: bounded work and memory, RdbError", () => {
  it("strings that decompress past the budget stop the decoding", () => {
    const w = new RdbWriter().byte(1).length(200);
    for (let i = 0; i < 200; i++) w.string(new Uint8Array(20_000).fill(97));
    const p = w.payload();
    expect(p.length).toBeLessThan(200 * 1000);
    expect(() => decode(p, 1_000_000)).toThrow(RdbError);
    expect(texts(decode(p, 10_000_000)!.value)).toHaveLength(200);
  });

  it("millions of tiny elements are refused by their count, not decoded (each costs ELEMENT_COST)", () => {
    const budget = 33 * 1024 * 1024;
    const lp = new ListpackWriter();
    for (let i = 0; i < 300_000; i++) lp.addInt(BigInt(i % 100));
    const quicklist = new RdbWriter().byte(18).length(1).length(2).string(lp.bytes()).payload();
    expect(() => decode(quicklist, budget)).toThrow(RdbError);
    const set = new RdbWriter().byte(2).length(300_000);
    for (let i = 0; i < 300_000; i++) set.string(Uint8Array.of(i & 0xff, (i >> 8) & 0xff, i >> 16));
    expect(() => decode(set.payload(), budget)).toThrow(RdbError);
    const fewer = new ListpackWriter();
    for (let i = 0; i < 100_000; i++) fewer.addInt(BigInt(i % 100));
    expect(decode(new RdbWriter().byte(18).length(1).length(2).string(fewer.bytes()).payload(), budget)!.value).toHaveLength(100_000);
  });

  it("two LZF strings that each fit one value but not both together: refused (the second is checked before it is allocated)", () => {
    const w = new RdbWriter().byte(1).length(2).string(new Uint8Array(2_000_000)).string(new Uint8Array(2_000_000));
    const p = w.payload();
    expect(p.length).toBeLessThan(100_000);
    expect(() => decodePayload(p, 2_500_000, 3_000_000)).toThrow(RdbError);
    expect(texts(decodePayload(p, 2_500_000, 5_000_000)!.value)).toHaveLength(2);
  });

  it("a count claiming more elements than the payload holds fails before reading them", () => {
    expect(() => decode(new RdbWriter().byte(2).length(2 ** 32 - 1).string("a").payload())).toThrow(RdbError);
    expect(() => decode(new RdbWriter().byte(5).length(1000).string("a").binaryDouble(1).payload())).toThrow(RdbError);
  });

  it("a string longer than what is left stops at the footer (Redis would read the footer as data)", () => {
    expect(() => decode(new RdbWriter().byte(0).raw(Uint8Array.of(5, 97)).payload())).toThrow(RdbError);
  });

  it("a string longer than one value may be is refused whatever its encoding", () => {
    const big = new RdbWriter().byte(0).string(new Uint8Array(70_000).fill(1)).payload();
    expect(() => decodePayload(big, 65_536, 1 << 30)).toThrow(RdbError);
  });

  it("duplicates, empty collections, NaN scores and odd pair counts are corrupt", () => {
    const bad = [
      new RdbWriter().byte(2).length(2).string("a").string("a").payload(),
      new RdbWriter().byte(4).length(2).string("f").string("1").string("f").string("2").payload(),
      new RdbWriter().byte(17).string(listpack(["a", "1", "a", "2"])).payload(),
      new RdbWriter().byte(17).string(listpack(["a", "nan"])).payload(),
      new RdbWriter().byte(16).string(listpack(["f", "1", "g"])).payload(),
      new RdbWriter().byte(18).length(1).length(2).string(listpack([])).payload(),
      new RdbWriter().byte(11).string(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0)).payload(),
      new RdbWriter().byte(99).payload(),
    ];
    for (const p of bad) expect(() => decode(p), String(p[0])).toThrow(RdbError);
  });
});

describe("seeded mutations of sound payloads (checksum recomputed, so the body decoder meets them)", () => {
  it("every mutation decodes or throws RdbError, nothing else", () => {
    const hash = rdbTypeForCode(4)!;
    const seeds: Uint8Array[] = [
      new RdbWriter().byte(0).string("a".repeat(100)).payload(),
      encodePayload(hash, [{ field: enc.encode("f"), value: enc.encode("12345"), expireAt: null }]),
      encodePayload(hash, [{ field: enc.encode("f"), value: enc.encode("v"), expireAt: 1_900_000_000_000 }]),
      encodePayload(hash, Array.from({ length: 600 }, (_, i) => ({ field: enc.encode(`f${i}`), value: enc.encode("v"), expireAt: i === 3 ? 1_900_000_000_000 : null }))),
      encodePayload(rdbTypeForCode(18)!, Array.from({ length: 300 }, (_, i) => enc.encode(i % 2 ? String(i * 1000) : "e".repeat(i)))),
      encodePayload(rdbTypeForCode(11)!, [enc.encode("1"), enc.encode("-70000")]),
      encodePayload(rdbTypeForCode(2)!, [enc.encode("x"), enc.encode("y")]),
      encodePayload(rdbTypeForCode(17)!, [{ member: enc.encode("m"), score: 1.5 }]),
      encodePayload(rdbTypeForCode(17)!, Array.from({ length: 200 }, (_, i) => ({ member: enc.encode(`m${i}`), score: i / 7 }))),
      new RdbWriter().byte(10).string(ziplist(["x", "y"])).payload(6),
    ];
    const next = seededRandom(11);
    const below = (n: number) => Math.floor(next() * n);
    let decoded = 0;
    for (let round = 0; round < 3000; round++) {
      const seed = seeds[round % seeds.length]!;
      const body = Array.from(seed.subarray(0, seed.length - 10));
      for (let k = 0, edits = 1 + below(4); k < edits; k++) {
        const at = below(body.length);
        const op = below(4);
        if (op === 0) body[at] = below(256);
        else if (op === 1) body[at]! ^= 1 << below(8);
        else if (op === 2) body.splice(at, 1 + below(4));
        else body.splice(at, 0, below(256));
      }
      const head = Uint8Array.from([...body, seed[seed.length - 10]!, seed[seed.length - 9]!]);
      const payload = Uint8Array.from([...head, ...crc64Footer(head)]);
      try {
        if (decode(payload, 1 << 22)) decoded++;
      } catch (e) {
        if (!(e instanceof RdbError)) throw new Error(`round ${round}: ${String(e)}`);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
