/**
 * Bitmaps on values larger than a row: SETBIT, GETBIT and BITFIELD touch only the chunk they
 * address (the same statements and rows for a 1.2 MiB and a 12.5 MB bitmap), BITCOUNT and BITPOS
 * read sparse chunks as zeros, writes stop at the value limit, and a seeded model check compares
 * every command with the same operation on a plain byte array.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../args";
import { Errors } from "../errors";
import type { Reply } from "../reply";
import { inDirectShard } from "../../test/workers/shard-client";
import { seededRandom } from "../../test/random";
import type { Keyspace } from "./keyspace";
import { CHUNK_BYTES } from "./string-chunks";
import { MAX_STRING_BYTES } from "./strings";

/** The statements that wrote rows, and the rows read and written, since the last `take()`. */
interface SqlLog {
  take(): { writes: { query: string; bindings: unknown[] }[]; rowsRead: number; rowsWritten: number };
}

interface Fixture {
  ks: Keyspace;
  sql: SqlStorage;
  run: (...argv: (Arg | number)[]) => Reply;
  log: SqlLog;
}

function inShard<T>(fn: (f: Fixture) => T): Promise<T> {
  const seen: { query: string; bindings: unknown[]; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = [];
  const wrap = (raw: SqlStorage) =>
    ({
      exec(query: string, ...bindings: unknown[]) {
        const cursor = raw.exec(query, ...bindings);
        seen.push({ query, bindings, cursor });
        return cursor;
      },
      get databaseSize() {
        return raw.databaseSize;
      },
    }) as unknown as SqlStorage;
  const log: SqlLog = {
    take() {
      const out = {
        writes: seen.filter((s) => s.cursor.rowsWritten > 0).map(({ query, bindings }) => ({ query, bindings })),
        rowsRead: seen.reduce((n, s) => n + s.cursor.rowsRead, 0),
        rowsWritten: seen.reduce((n, s) => n + s.cursor.rowsWritten, 0),
      };
      seen.length = 0;
      return out;
    },
  };
  return inDirectShard("bitmaps", ({ ks, sql, run }) => fn({ ks, sql, run, log }), { wrap });
}

/** A bitmap of `bytes` bytes with a known pattern, written with one SET. */
function pattern(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 37 + (i >> 12)) & 0xff;
  return out;
}

/** The chunk numbers a batch of write statements wrote to `string_chunks`. */
function chunksWritten(writes: { query: string; bindings: unknown[] }[]): number[] {
  return writes.filter((w) => w.query.includes("string_chunks")).map((w) => w.bindings[1] as number);
}

describe("bitmaps larger than a row", () => {
  it("SETBIT at a high offset of a >1 MiB value rewrites one chunk, as on a 12.5 MB one", async () => {
    await inShard(({ run, log }) => {
      const small = MAX_STRING_BYTES + 5 * CHUNK_BYTES;
      const large = 12_500_000;
      expect(run("SET", "small", pattern(small))).toEqual({ status: "OK" });
      expect(run("SET", "large", pattern(large))).toEqual({ status: "OK" });
      log.take();
      const cost = (key: string, bytes: number) => {
        const offset = (bytes - 3) * 8 + 5;
        const before = run("GETBIT", key, offset);
        log.take();
        expect(run("SETBIT", key, offset, before === 1 ? 0 : 1)).toEqual(before);
        const step = log.take();
        expect(chunksWritten(step.writes)).toEqual([Math.floor((bytes - 3) / CHUNK_BYTES)]);
        expect(step.writes.length).toBe(1);
        expect(run("GETBIT", key, offset)).toEqual(before === 1 ? 0 : 1);
        const read = log.take();
        return { read: read.rowsRead, written: step.rowsWritten, readBySetbit: step.rowsRead };
      };
      const a = cost("small", small);
      const b = cost("large", large);
      // One chunk row written either way; the rows read differ at most by the key lookup's.
      expect(b.written).toBe(1);
      expect(a.written).toBe(1);
      for (const c of [a, b]) expect(c.readBySetbit).toBeLessThanOrEqual(5);
      expect(Math.abs(b.readBySetbit - a.readBySetbit)).toBeLessThanOrEqual(1);
      expect(run("STRLEN", "large")).toBe(large);
    });
  });

  it("BITFIELD on a chunked value writes only the chunks its fields touch, across a boundary too", async () => {
    await inShard(({ run, log }) => {
      const bytes = 3 * MAX_STRING_BYTES;
      run("SET", "k", pattern(bytes));
      log.take();
      const edge = (2 * MAX_STRING_BYTES + CHUNK_BYTES) * 8 - 20; // a u40 at this bit straddles chunks 32 and 33
      expect(run("BITFIELD", "k", "SET", "u40", edge, 0x1234567890, "GET", "u40", edge)).toEqual([expect.any(Number), 0x1234567890]);
      const step = log.take();
      expect(chunksWritten(step.writes).sort((x, y) => x - y)).toEqual([32, 33]);
      expect(run("BITFIELD_RO", "k", "GET", "u40", edge, "GET", "u8", "#10")).toEqual([0x1234567890, pattern(11)[10]!]);
      expect(chunksWritten(log.take().writes)).toEqual([]);
    });
  });

  it("a sparse chunked bitmap: BITCOUNT and BITPOS read the missing chunks as zeros", async () => {
    await inShard(({ run }) => {
      const far = 20 * MAX_STRING_BYTES * 8;
      expect(run("SETBIT", "k", far + 3, 1)).toBe(0);
      expect(run("STRLEN", "k")).toBe(far / 8 + 1);
      expect(run("BITCOUNT", "k")).toBe(1);
      expect(run("BITPOS", "k", 1)).toBe(far + 3);
      expect(run("BITPOS", "k", 0)).toBe(0);
      expect(run("BITPOS", "k", 1, -1)).toBe(far + 3);
      expect(run("BITPOS", "k", 0, far + 3, far + 3, "BIT")).toBe(-1);
      expect(run("BITCOUNT", "k", -1, -1)).toBe(1);
      expect(run("BITCOUNT", "k", 0, -2)).toBe(0);
      expect(run("SETBIT", "k", 5, 1)).toBe(0);
      expect(run("BITOP", "NOT", "n", "k")).toBe(far / 8 + 1);
      expect(run("BITCOUNT", "n")).toBe(far + 8 - 2);
      expect(run("BITPOS", "n", 0)).toBe(5);
      expect(run("BITPOS", "n", 0, 1)).toBe(far + 3);
    });
  });

  it("writes past the value limit answer SETRANGE's error and change nothing", async () => {
    await inShard(({ ks, run }) => {
      ks.maxValueBytes = 2 * MAX_STRING_BYTES;
      const tooLarge = { error: Errors.valueTooLarge(2 * MAX_STRING_BYTES) };
      const last = 2 * MAX_STRING_BYTES * 8 - 1;
      expect(run("SETBIT", "k", last + 1, 1)).toEqual(tooLarge);
      expect(run("BITFIELD", "k", "SET", "u8", last - 6, 1)).toEqual(tooLarge);
      expect(run("BITFIELD", "k", "GET", "u8", 0, "OVERFLOW", "FAIL", "INCRBY", "u2", 4294967294, 1)).toEqual(tooLarge);
      expect(run("EXISTS", "k")).toBe(0);
      expect(run("GETBIT", "k", 4294967295)).toBe(0);
      expect(run("SETBIT", "k", last, 1)).toBe(0);
      expect(run("STRLEN", "k")).toBe(2 * MAX_STRING_BYTES);
      expect(run("BITFIELD", "k", "SET", "u8", last - 7, 3)).toEqual([1]);
      expect(run("SETBIT", "k", 4294967295, 1)).toEqual(tooLarge);
      expect(run("BITCOUNT", "k")).toBe(2);
    });
  });
});

/** BITOP's result byte, from the byte of every source as Redis computes it (src/bitops.c's loop). */
function bitopByte(op: string, bytes: number[]): number {
  let out = op === "NOT" ? ~bytes[0]! & 0xff : bytes[0]!;
  let union = 0;
  let common = 0;
  for (const b of bytes.slice(1)) {
    if (op === "AND") out &= b;
    else if (op === "OR") out |= b;
    else if (op === "XOR") out ^= b;
    else if (op === "ONE") {
      common |= out & b;
      out = (out ^ b) & ~common;
    } else union |= b;
  }
  if (op === "DIFF") return out & ~union & 0xff;
  if (op === "DIFF1") return ~out & union & 0xff;
  if (op === "ANDOR") return out & union;
  return out & 0xff;
}

describe("BITOP", () => {
  it("every operation over sources in a row, in chunks and missing agrees with Redis's byte loop", async () => {
    await inShard(({ run }) => {
      const rand = seededRandom(5);
      const values: Record<string, Uint8Array> = {
        "{b}small": Uint8Array.from({ length: 300 }, () => Math.floor(rand() * 256)),
        "{b}tiny": Uint8Array.of(0xf0, 0x0f),
        "{b}big": Uint8Array.from({ length: MAX_STRING_BYTES + CHUNK_BYTES + 11 }, () => Math.floor(rand() * 256)),
        "{b}big2": Uint8Array.from({ length: MAX_STRING_BYTES + 7 }, () => Math.floor(rand() * 256)),
      };
      for (const [k, v] of Object.entries(values)) run("SET", k, v);
      const orders = [
        ["{b}small", "{b}big", "{b}tiny"],
        ["{b}big", "{b}missing", "{b}small", "{b}big2"],
        ["{b}tiny", "{b}big2"],
        ["{b}missing", "{b}tiny", "{b}small"],
      ];
      for (const op of ["AND", "OR", "XOR", "DIFF", "DIFF1", "ANDOR", "ONE"]) {
        for (const keys of orders) {
          const srcs = keys.map((k) => values[k] ?? new Uint8Array(0));
          const length = Math.max(...srcs.map((v) => v.length));
          expect(run("BITOP", op, "{b}dest", ...keys)).toBe(length);
          const got = run("GET", "{b}dest") as Uint8Array;
          expect(got.length).toBe(length);
          const bad = got.findIndex((b, i) => b !== bitopByte(op, srcs.map((v) => v[i] ?? 0)));
          expect(bad, `${op} ${keys.join(" ")}`).toBe(-1);
        }
      }
      expect(run("BITOP", "NOT", "{b}dest", "{b}big")).toBe(values["{b}big"]!.length);
      const not = run("GET", "{b}dest") as Uint8Array;
      expect(not.findIndex((b, i) => b !== (~values["{b}big"]![i]! & 0xff))).toBe(-1);
    });
  });
});

/** BITCOUNT/BITPOS over bits [from, to] of a byte array. */
function bitAt(v: Uint8Array, i: number): number {
  const b = Math.floor(i / 8);
  return b < v.length ? (v[b]! >> (7 - (i % 8))) & 1 : 0;
}

describe("model check", () => {
  it("SETBIT, GETBIT, BITFIELD, BITCOUNT and BITPOS agree with a byte array, in a row and in chunks", async () => {
    await inShard(({ run }) => {
      const rand = seededRandom(11);
      const int = (n: number) => Math.floor(rand() * n);
      for (const size of [3000, MAX_STRING_BYTES + 2 * CHUNK_BYTES + 17]) {
        const key = `k${size}`;
        let model: Uint8Array = pattern(size);
        run("SET", key, model);
        const bits = () => model.length * 8;
        for (let step = 0; step < 300; step++) {
          const kind = int(5);
          if (kind === 0) {
            const offset = int(bits() + 64);
            const on = int(2);
            const old = bitAt(model, offset);
            expect(run("SETBIT", key, offset, on)).toBe(old);
            if (Math.floor(offset / 8) >= model.length) {
              const grown = new Uint8Array(Math.floor(offset / 8) + 1);
              grown.set(model);
              model = grown;
            }
            const mask = 1 << (7 - (offset % 8));
            model[Math.floor(offset / 8)] = on ? model[Math.floor(offset / 8)]! | mask : model[Math.floor(offset / 8)]! & ~mask;
          } else if (kind === 1) {
            const offset = int(bits() + 16);
            expect(run("GETBIT", key, offset)).toBe(bitAt(model, offset));
          } else if (kind === 2) {
            const width = 1 + int(63);
            const offset = int(bits() - width);
            let v = 0n;
            for (let i = 0; i < width; i++) v = (v << 1n) | BigInt(bitAt(model, offset + i));
            const value = BigInt(int(1 << 30)) * BigInt(int(1 << 30));
            const stored = BigInt.asUintN(width, value);
            const reply = run("BITFIELD", key, "SET", `u${width}`, offset, value.toString(), "GET", `u${width}`, offset) as Reply[];
            expect(reply.map((x) => BigInt(x as number))).toEqual([v, stored]);
            for (let i = 0; i < width; i++) {
              const bit = Number((stored >> BigInt(width - 1 - i)) & 1n);
              const at = offset + i;
              const mask = 1 << (7 - (at % 8));
              model[Math.floor(at / 8)] = bit ? model[Math.floor(at / 8)]! | mask : model[Math.floor(at / 8)]! & ~mask;
            }
          } else {
            const a = int(bits() + 100) - 50;
            const b = int(bits() + 100) - 50;
            const norm = (x: number) => Math.min(Math.max(x < 0 ? x + bits() : x, 0), bits() - 1);
            const [from, to] = [norm(a), norm(b)];
            let count = 0;
            let first1 = -1;
            let first0 = -1;
            for (let i = from; i <= to; i++) {
              const bit = bitAt(model, i);
              count += bit;
              if (bit && first1 < 0) first1 = i;
              if (!bit && first0 < 0) first0 = i;
            }
            const empty = a < 0 && b < 0 && a > b;
            expect(run("BITCOUNT", key, a, b, "BIT")).toBe(empty || from > to ? 0 : count);
            expect(run("BITPOS", key, 1, a, b, "BIT")).toBe(from > to ? -1 : first1);
            expect(run("BITPOS", key, 0, a, b, "BIT")).toBe(from > to ? -1 : first0);
          }
        }
        const whole = run("GET", key) as Uint8Array;
        expect(whole.length).toBe(model.length);
        expect(whole.findIndex((b, i) => b !== model[i])).toBe(-1);
      }
    });
  });
});
