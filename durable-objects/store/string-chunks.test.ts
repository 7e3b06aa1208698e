/**
 * String values larger than a row: kept in chunk rows, read and written by range, freed with
 * their key, and bounded by the keyspace's value limit. A seeded model check compares every
 * operation with the same operation on a plain byte array.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../args";
import { Errors } from "../errors";
import { CommandError, type Reply } from "../reply";
import { rowsReadPerStep, inDirectShard } from "../../test/workers/shard-client";
import type { Keyspace } from "./keyspace";
import { CHUNK_BYTES } from "./string-chunks";
import { appendString, getRange, getString, MAX_STRING_BYTES, setRange, setString, stringLength } from "./strings";
import { seededRandom } from "../../test/random";

/** A value just past the in-row limit, with every byte position distinguishable. */
function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7 + (i >> 16)) & 0xff;
  return out;
}

/** Byte equality without vitest's element-wise diff (slow on megabytes): the first differing index, or -1. */
function firstDifference(a: Uint8Array | Reply | null, b: Uint8Array): number {
  if (!(a instanceof Uint8Array)) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function expectBytes(actual: Uint8Array | Reply | null, expected: Uint8Array): void {
  expect(firstDifference(actual, expected)).toBe(-1);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

interface Fixture {
  ks: Keyspace;
  sql: SqlStorage;
  /** One command through the command table, its raw reply. */
  run: (...argv: Arg[]) => Reply;
  chunkRows: () => number;
}

function inShard<T>(fn: (f: Fixture) => T): Promise<T> {
  return inDirectShard("chunks", ({ ks, sql, run }) =>
    fn({ ks, sql, run, chunkRows: () => sql.exec<{ n: number }>("SELECT count(*) AS n FROM string_chunks").one().n }),
  );
}

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e.reply;
    throw e;
  }
  return undefined;
}

const BIG = MAX_STRING_BYTES + 3 * CHUNK_BYTES + 123;

describe("a value larger than a row", () => {
  it("is stored in chunk rows and read back whole, binary-safe", async () => {
    await inShard(({ ks, sql, chunkRows }) => {
      const v = pattern(BIG);
      setString(ks, "k", v);
      expectBytes(getString(ks, "k"), v);
      expect(stringLength(ks, "k")).toBe(BIG);
      const row = sql.exec<{ value: ArrayBuffer | null; size: number | null }>("SELECT value, size FROM keys WHERE key = 'k'").one();
      expect(row).toEqual({ value: null, size: BIG });
      expect(chunkRows()).toBe(Math.ceil(BIG / CHUNK_BYTES));
    });
  });

  it("keeps a value of up to MAX_STRING_BYTES in its key's row", async () => {
    await inShard(({ ks, sql, chunkRows }) => {
      setString(ks, "k", pattern(MAX_STRING_BYTES));
      expect(sql.exec("SELECT size FROM keys WHERE key = 'k'").one().size).toBeNull();
      expect(chunkRows()).toBe(0);
      expectBytes(getString(ks, "k"), pattern(MAX_STRING_BYTES));
    });
  });

  it("GETRANGE reads only the chunks the range overlaps, whatever the value's length", async () => {
    const rows = await inShard(({ sql }) =>
      rowsReadPerStep(sql, (ks, done) => {
        setString(ks, "small", pattern(BIG));
        setString(ks, "large", pattern(8 * MAX_STRING_BYTES));
        done("setup");
        expect(getRange(ks, "small", BigInt(CHUNK_BYTES - 2), BigInt(CHUNK_BYTES + 1))).toEqual(pattern(BIG).slice(CHUNK_BYTES - 2, CHUNK_BYTES + 2));
        done("small");
        const at = 5 * MAX_STRING_BYTES - 2;
        expect(getRange(ks, "large", BigInt(at), BigInt(at + 3))).toEqual(pattern(8 * MAX_STRING_BYTES).slice(at, at + 4));
        done("large");
      }),
    );
    // The key's row and the two chunks the four bytes span, for either value.
    expect(rows.large).toBe(rows.small);
    expect(rows.small).toBeLessThanOrEqual(4);
  });

  it("SETRANGE far past the end writes one chunk; the bytes before it read as zeros", async () => {
    await inShard(({ ks, chunkRows }) => {
      const at = 20 * MAX_STRING_BYTES;
      expect(setRange(ks, "k", BigInt(at), Uint8Array.of(1, 2, 3))).toBe(at + 3);
      expect(chunkRows()).toBe(1);
      expect(stringLength(ks, "k")).toBe(at + 3);
      expect(getRange(ks, "k", -5n, -1n)).toEqual(Uint8Array.of(0, 0, 1, 2, 3));
      expect(getRange(ks, "k", 0n, 3n)).toEqual(new Uint8Array(4));
      const whole = getString(ks, "k")!;
      expect(whole.length).toBe(at + 3);
      expect(whole.subarray(at)).toEqual(Uint8Array.of(1, 2, 3));
      expect(whole.subarray(0, at).every((b) => b === 0)).toBe(true);
    });
  });

  it("APPEND in steps moves the value out of its row once it outgrows it", async () => {
    await inShard(({ ks, sql }) => {
      const step = pattern(300 * 1024, 3);
      let model: Uint8Array = new Uint8Array(0);
      for (let i = 0; i < 6; i++) {
        expect(appendString(ks, "k", step)).toBe(step.length * (i + 1));
        model = concat(model, step);
      }
      expect(sql.exec("SELECT size FROM keys WHERE key = 'k'").one().size).toBe(model.length);
      expectBytes(getString(ks, "k"), model);
    });
  });

  it("APPEND and SETRANGE keep the expiry; SET replaces the value and frees its chunks", async () => {
    await inShard(({ ks, run, chunkRows }) => {
      run("SET", "k", pattern(BIG), "PX", "100000");
      run("APPEND", "k", "tail");
      run("SETRANGE", "k", "5", "xyz");
      expect(run("PTTL", "k")).toBeGreaterThan(0);
      expect(run("SET", "k", "small")).toEqual({ status: "OK" });
      expect(chunkRows()).toBe(0);
      expect(getString(ks, "k")).toEqual(new TextEncoder().encode("small"));
    });
  });

  it("DEL, UNLINK, GETDEL, expiry, FLUSHDB and a new type free the chunk rows", async () => {
    await inShard(({ ks, run, chunkRows }) => {
      const v = pattern(BIG);
      for (const k of ["a", "b", "c", "d", "e"]) run("SET", k, v);
      expect(chunkRows()).toBe(5 * Math.ceil(BIG / CHUNK_BYTES));
      expect(run("DEL", "a")).toBe(1);
      expect(run("UNLINK", "b")).toBe(1);
      expectBytes(run("GETDEL", "c"), v);
      // A value this large is freed in bounded steps after its key went (lazy-free.ts).
      expect(ks.sql.exec("SELECT count(*) AS n FROM freed_keys").one().n).toBe(3);
      ks.lazyFree.drain(1_000_000);
      expect(chunkRows()).toBe(2 * Math.ceil(BIG / CHUNK_BYTES));
      run("PEXPIREAT", "d", String(ks.now - 1 + 1000));
      ks.now += 2000;
      expect(ks.sweepExpired(10)).toBe(1);
      ks.lazyFree.drain(1_000_000);
      expect(chunkRows()).toBe(Math.ceil(BIG / CHUNK_BYTES));
      expect(run("FLUSHDB")).toEqual({ status: "OK" });
      expect(chunkRows()).toBe(0);
    });
  });

  it("COPY copies the chunks, RENAME moves them, and both keep the bytes", async () => {
    await inShard(({ ks, run, chunkRows }) => {
      const v = pattern(BIG);
      run("SET", "a", v);
      expect(run("COPY", "a", "b")).toBe(1);
      expect(run("RENAME", "a", "c")).toEqual({ status: "OK" });
      expect(run("EXISTS", "a")).toBe(0);
      expectBytes(run("GET", "b"), v);
      expectBytes(run("GET", "c"), v);
      expect(chunkRows()).toBe(2 * Math.ceil(BIG / CHUNK_BYTES));
      run("SET", "c", "x");
      expect(chunkRows()).toBe(Math.ceil(BIG / CHUNK_BYTES));
      expect(run("RENAME", "c", "b")).toEqual({ status: "OK" });
      ks.lazyFree.drain(1_000_000);
      expect(chunkRows()).toBe(0);
      expect(run("GET", "b")).toEqual(new TextEncoder().encode("x"));
    });
  });

  it("answers as a string everywhere a string is asked about", async () => {
    await inShard(({ run }) => {
      const v = pattern(BIG);
      run("SET", "k", v);
      expect(run("TYPE", "k")).toEqual({ status: "string" });
      expect(run("SCAN", "0", "TYPE", "string")).toEqual(["0", ["k"]]);
      expect(run("STRLEN", "k")).toBe(BIG);
      expect(run("INCR", "k")).toEqual({ error: Errors.notInteger });
      expect(run("INCRBYFLOAT", "k", "1")).toEqual({ error: Errors.notFloat });
      const [got, none] = run("MGET", "k", "nope") as Reply[];
      expectBytes(got!, v);
      expect(none).toBeNull();
      expectBytes(run("GETSET", "k", v.subarray(1)), v);
      expectBytes(run("GETEX", "k", "PX", "100000"), v.subarray(1));
      expectBytes(run("SET", "k", v, "IFEQ", v.subarray(1), "GET"), v.subarray(1));
      expectBytes(run("GET", "k"), v);
      expect(run("EVAL", "return #redis.call('GET', KEYS[1])", "1", "k")).toBe(BIG);
    });
  });
});

describe("the value limit", () => {
  it("SET, APPEND and SETRANGE refuse to pass it and change nothing", async () => {
    await inShard(({ ks, run, chunkRows }) => {
      ks.maxValueBytes = MAX_STRING_BYTES + 2 * CHUNK_BYTES;
      const limit = ks.maxValueBytes;
      const tooLarge = Errors.valueTooLarge(limit);
      expect(errorOf(() => setString(ks, "k", new Uint8Array(limit + 1)))).toBe(tooLarge);
      expect(chunkRows()).toBe(0);
      expect(setString(ks, "k", pattern(limit - 1)).written).toBe(true);
      expect(appendString(ks, "k", Uint8Array.of(9))).toBe(limit);
      expect(errorOf(() => appendString(ks, "k", Uint8Array.of(9)))).toBe(tooLarge);
      expect(errorOf(() => setRange(ks, "k", BigInt(limit), Uint8Array.of(1)))).toBe(tooLarge);
      expect(errorOf(() => setRange(ks, "j", 2n ** 62n, Uint8Array.of(1)))).toBe(tooLarge);
      expect(stringLength(ks, "k")).toBe(limit);
      expect(run("EXISTS", "j")).toBe(0);
      expect(run("MSET", "a", "1", "b", new Uint8Array(limit + 1))).toEqual({ error: tooLarge });
      expect(run("EXISTS", "a")).toBe(0);
    });
  });
});

const random = seededRandom;

describe("model check", () => {
  it("SETRANGE, APPEND and GETRANGE agree with a byte array", async () => {
    await inShard(({ ks }) => {
      const rnd = random(10);
      const span = MAX_STRING_BYTES + 6 * CHUNK_BYTES;
      let model: Uint8Array = new Uint8Array(0);
      for (let step = 0; step < 60; step++) {
        const pick = rnd();
        if (pick < 0.45) {
          const at = Math.floor(rnd() * span);
          const patch = pattern(1 + Math.floor(rnd() * 2 * CHUNK_BYTES), step);
          const next = new Uint8Array(Math.max(model.length, at + patch.length));
          next.set(model);
          next.set(patch, at);
          model = next;
          expect(setRange(ks, "k", BigInt(at), patch)).toBe(model.length);
        } else if (pick < 0.6) {
          const patch = pattern(1 + Math.floor(rnd() * CHUNK_BYTES), step);
          const next = new Uint8Array(model.length + patch.length);
          next.set(model);
          next.set(patch, model.length);
          model = next;
          expect(appendString(ks, "k", patch)).toBe(model.length);
        } else {
          const a = Math.floor(rnd() * (model.length + 10));
          const b = a + Math.floor(rnd() * 3 * CHUNK_BYTES);
          expectBytes(getRange(ks, "k", BigInt(a), BigInt(b)), model.slice(a, b + 1));
        }
      }
      expectBytes(getString(ks, "k"), model);
    });
  });
});
