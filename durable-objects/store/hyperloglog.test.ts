import { describe, expect, it } from "vitest";
import { CommandError } from "../reply";
import {
  DENSE_BYTES,
  HLL_SEED,
  REGISTERS,
  addElements,
  cardinality,
  countRegisters,
  emptyHll,
  isDense,
  isHll,
  mergeInto,
  mergedValue,
  registerOf,
  toDense,
} from "./hyperloglog";
import { murmurHash64A } from "./murmur64";

const enc = new TextEncoder();
const M64 = (1n << 64n) - 1n;

/** MurmurHash64A in BigInt, straight from its definition: the reference for the 32-bit version. */
function murmurRef(data: Uint8Array, seed: bigint): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const mul = (a: bigint, b: bigint) => (a * b) & M64;
  let h = seed ^ mul(BigInt(data.length), m);
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]!);
    k = mul(k, m);
    k ^= k >> 47n;
    k = mul(k, m);
    h ^= k;
    h = mul(h, m);
  }
  const rest = data.length & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]!) << BigInt(8 * j);
    h = mul(h, m);
  }
  h ^= h >> 47n;
  h = mul(h, m);
  h ^= h >> 47n;
  return h;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const elements = (n: number, prefix = "e") => Array.from({ length: n }, (_, i) => enc.encode(`${prefix}${i}`));

describe("MurmurHash64A", () => {
  it("equals the 64-bit reference for every length 0..40 and random bytes", () => {
    const rand = rng(7);
    for (let len = 0; len <= 40; len++) {
      for (let t = 0; t < 20; t++) {
        const data = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
        const [hi, lo] = murmurHash64A(data, HLL_SEED);
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(murmurRef(data, BigInt(HLL_SEED)));
      }
    }
  });

  it("register and run: the low 14 bits choose, the first 1 bit above them counts", () => {
    for (const e of elements(2000)) {
      const [hi, lo] = murmurHash64A(e, HLL_SEED);
      const h = (BigInt(hi) << 32n) | BigInt(lo);
      let rest = (h >> 14n) | (1n << 50n);
      let count = 1;
      while ((rest & 1n) === 0n) {
        count++;
        rest >>= 1n;
      }
      expect(registerOf(e)).toEqual({ index: Number(h & 0x3fffn), count });
    }
  });
});

describe("HLL representation", () => {
  it("the empty HLL is sparse, one XZERO of 16384, and counts 0", () => {
    const v = emptyHll();
    expect([...v]).toEqual([0x48, 0x59, 0x4c, 0x4c, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff]);
    expect(isHll(v)).toBe(true);
    expect(cardinality(v).card).toBe(0);
  });

  it("isHll: magic, encoding, exact dense length", () => {
    const v = addElements(null, elements(3)).value;
    expect(isHll(v)).toBe(true);
    expect(isHll(v.slice(0, 15))).toBe(false);
    expect(isHll(Uint8Array.from([...v.slice(0, 4), 2, ...v.slice(5)]))).toBe(false);
    expect(isHll(Uint8Array.from([0x30, ...v.slice(1)]))).toBe(false);
    expect(isHll(Uint8Array.from([...v.slice(0, 4), 0, ...v.slice(5)]))).toBe(false);
    const d = toDense(v);
    expect(d.length).toBe(DENSE_BYTES);
    expect(isHll(d)).toBe(true);
    expect(isHll(d.slice(0, DENSE_BYTES - 1))).toBe(false);
  });

  it("sparse and dense hold the same registers and count the same", () => {
    const rand = rng(3);
    for (let t = 0; t < 30; t++) {
      const els = elements(Math.floor(rand() * 400), `r${t}-`);
      const sparse = addElements(null, els).value;
      const dense = addElements(toDense(emptyHll()), els).value;
      expect(isDense(sparse)).toBe(false);
      expect(isDense(dense)).toBe(true);
      expect([...toDense(sparse).slice(16)]).toEqual([...dense.slice(16)]);
      expect(cardinality(sparse).card).toBe(cardinality(dense).card);
    }
  });

  it("turns dense past maxBytes, or for a run above 32", () => {
    const els = elements(200);
    expect(isDense(addElements(null, els, 3000).value)).toBe(false);
    const small = addElements(null, els, 100).value;
    expect(isDense(small)).toBe(true);
    expect([...small.slice(16)]).toEqual([...toDense(addElements(null, els).value).slice(16)]);
    // A register above 32 cannot be held sparse.
    const max = new Uint8Array(REGISTERS);
    max[5] = 33;
    const dense = mergedValue(null, max, false);
    expect(isDense(dense)).toBe(true);
    max[5] = 32;
    expect(isDense(mergedValue(null, max, false))).toBe(false);
  });

  it("PFADD's answer and the cache bit", () => {
    const first = addElements(null, []);
    expect(first.changed).toBe(true);
    expect(first.value[15]).toBe(0x80);
    const counted = cardinality(first.value).value!;
    expect(counted[15]).toBe(0);
    expect(cardinality(counted).value).toBeNull();
    const same = addElements(counted, []);
    expect(same.changed).toBe(false);
    expect(same.value[15]).toBe(0);
    const more = addElements(counted, elements(1));
    expect(more.changed).toBe(true);
    expect(more.value[15]).toBe(0x80);
  });

  it("a cached cardinality is returned as stored, beyond 2^53 as a bigint", () => {
    const v = emptyHll();
    v.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 8);
    expect(cardinality(v)).toEqual({ card: 2n ** 63n - 1n, value: null });
  });

  it("estimates stay within 2% over a range of sizes", () => {
    for (const n of [10, 100, 1000, 10000, 100000]) {
      const card = Number(cardinality(addElements(null, elements(n, `s${n}-`)).value).card);
      expect(Math.abs(card - n)).toBeLessThanOrEqual(Math.max(1, n * 0.02));
    }
  });

  it("merge: the union of registers, dense when asked", () => {
    const a = addElements(null, elements(100, "a")).value;
    const b = addElements(null, elements(3000, "b")).value;
    const max = new Uint8Array(REGISTERS);
    mergeInto(max, a);
    mergeInto(max, b);
    const both = addElements(addElements(null, elements(100, "a")).value, elements(3000, "b")).value;
    expect(countRegisters(max)).toBe(cardinality(both).card);
    const merged = mergedValue(null, max, true);
    expect(isDense(merged)).toBe(true);
    expect([...merged.slice(16)]).toEqual([...toDense(both).slice(16)]);
  });
});

describe("corrupt HLLs", () => {
  const isInvalidObj = (e: unknown) => e instanceof CommandError && e.reply.startsWith("INVALIDOBJ");

  it("opcodes that do not cover exactly 16384 registers are INVALIDOBJ", () => {
    const stale = addElements(null, []).value;
    const short = Uint8Array.from([...stale.slice(0, 16), 0x7f, 0xfe]);
    const long = Uint8Array.from([...stale, 0x00]);
    for (const v of [short, long]) {
      expect(() => cardinality(v)).toThrow(/INVALIDOBJ/);
      expect(() => mergeInto(new Uint8Array(REGISTERS), v)).toThrow(/INVALIDOBJ/);
      expect(() => toDense(v)).toThrow(/INVALIDOBJ/);
    }
  });

  it("random corruption never fails otherwise (Redis's fuzzing test)", () => {
    const rand = rng(99);
    const some = new Uint8Array(REGISTERS);
    for (let i = 0; i < REGISTERS; i += 97) some[i] = 1 + (i % 40);
    for (let t = 0; t < 30; t++) {
      let v = addElements(null, elements(Math.floor(rand() * (t % 3 === 0 ? 2500 : 300)), `f${t}-`)).value;
      v = v.slice();
      for (let i = 0; i < 5; i++) {
        v[Math.floor(rand() * v.length)] = Math.floor(rand() * 256);
        if (rand() < 0.5) break;
      }
      if (!isHll(v)) continue;
      for (const op of [
        () => cardinality(v),
        () => mergeInto(new Uint8Array(REGISTERS), v),
        () => addElements(v, elements(20, "z")),
        () => mergedValue(v, some, false),
      ]) {
        try {
          op();
        } catch (e) {
          expect(isInvalidObj(e)).toBe(true);
        }
      }
    }
  });
});
