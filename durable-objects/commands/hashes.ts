/**
 * Hash commands: argv → typed arguments → store/hashes.ts → reply. The per-field expiry
 * commands of Redis 7.4 / 8.0 (HEXPIRE …, HGETEX, HSETEX) are in hash-expiry.ts.
 */
import { Notify } from "../pubsub/notify";
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import { MAX_RANDOM_REPEATS } from "../store/sets";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, int, OK, type Reply } from "../reply";
import { globMatch } from "../store/glob";
import {
  incrementField,
  incrementFieldFloat,
  openHash,
  updateHash,
  type Hash,
  type HashEntry,
} from "../store/hashes";
import { parseLongDouble } from "../store/long-double";
import type { CommandSpec } from "../table";
import { hashExpiryCommands } from "./hash-expiry";

const ONE_KEY = { first: 1, last: 1, step: 1 };

function keyOf(argv: Arg[]): string {
  return text(argv[1]!);
}

// HSET key field value [field value ...] / HMSET key field value [field value ...]
function hsetGeneric(name: "hset" | "hmset") {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    if (argv.length % 2 === 1) throw new CommandError(Errors.wrongArity(name));
    const created = updateHash(ctx.keyspace, keyOf(argv), (h) => {
      let n = 0;
      for (let i = 2; i < argv.length; i += 2) if (h.set(bytes(argv[i]!), bytes(argv[i + 1]!))) n++;
      return n;
    });
    ctx.keyspace.notify(Notify.Hash, "hset", keyOf(argv));
    return name === "hset" ? created : OK;
  };
}

// HSETNX key field value
function hsetnx(ctx: ExecContext, argv: Arg[]): Reply {
  return updateHash(ctx.keyspace, keyOf(argv), (h) => {
    const field = bytes(argv[2]!);
    if (h.get(field) !== null) return 0;
    h.set(field, bytes(argv[3]!));
    ctx.keyspace.notify(Notify.Hash, "hset", keyOf(argv));
    return 1;
  });
}

// HGET key field
function hget(ctx: ExecContext, argv: Arg[]): Reply {
  return openHash(ctx.keyspace, keyOf(argv))?.get(bytes(argv[2]!)) ?? null;
}

// HMGET key field [field ...]
function hmget(ctx: ExecContext, argv: Arg[]): Reply {
  const h = openHash(ctx.keyspace, keyOf(argv));
  return argv.slice(2).map((f) => h?.get(bytes(f)) ?? null);
}

// HDEL key field [field ...]
function hdel(ctx: ExecContext, argv: Arg[]): Reply {
  const h = openHash(ctx.keyspace, keyOf(argv));
  if (!h) return 0;
  let n = 0;
  for (const f of argv.slice(2)) if (h.delete(bytes(f))) n++;
  if (n > 0) ctx.keyspace.notify(Notify.Hash, "hdel", keyOf(argv));
  h.save();
  return n;
}

// HEXISTS key field
function hexists(ctx: ExecContext, argv: Arg[]): Reply {
  return openHash(ctx.keyspace, keyOf(argv))?.get(bytes(argv[2]!)) != null ? 1 : 0;
}

// HLEN key
function hlen(ctx: ExecContext, argv: Arg[]): Reply {
  return openHash(ctx.keyspace, keyOf(argv))?.size ?? 0;
}

// HSTRLEN key field
function hstrlen(ctx: ExecContext, argv: Arg[]): Reply {
  return openHash(ctx.keyspace, keyOf(argv))?.get(bytes(argv[2]!))?.length ?? 0;
}

// HGETALL key / HKEYS key / HVALS key
function hgetallGeneric(fields: boolean, values: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const h = openHash(ctx.keyspace, keyOf(argv));
    const out: Reply[] = [];
    if (!h) return out;
    for (const e of h.entries()) {
      if (fields) out.push(e.field);
      if (values) out.push(e.value);
    }
    return out;
  };
}

// HINCRBY key field increment
function hincrby(ctx: ExecContext, argv: Arg[]): Reply {
  const delta = parseI64(text(argv[3]!));
  if (delta === null) throw new CommandError(Errors.notInteger);
  const value = updateHash(ctx.keyspace, keyOf(argv), (h) => incrementField(h, bytes(argv[2]!), delta));
  ctx.keyspace.notify(Notify.Hash, "hincrby", keyOf(argv));
  return int(value);
}

// HINCRBYFLOAT key field increment
function hincrbyfloat(ctx: ExecContext, argv: Arg[]): Reply {
  const incr = parseLongDouble(text(argv[3]!));
  if (incr === null) throw new CommandError(Errors.notFloat);
  if (incr.kind !== "finite") throw new CommandError(Errors.incrNaNOrInfinity);
  const value = updateHash(ctx.keyspace, keyOf(argv), (h) => incrementFieldFloat(h, bytes(argv[2]!), incr));
  ctx.keyspace.notify(Notify.Hash, "hincrbyfloat", keyOf(argv));
  return value;
}

const LONG_MAX = 2n ** 63n - 1n;
function entriesReply(entries: Iterable<HashEntry>, withValues: boolean): Reply[] {
  const out: Reply[] = [];
  for (const e of entries) {
    out.push(e.field);
    if (withValues) out.push(e.value);
  }
  return out;
}

// HRANDFIELD key [count [WITHVALUES]]
function hrandfield(ctx: ExecContext, argv: Arg[]): Reply {
  let count: number | null = null;
  let withValues = false;
  if (argv.length >= 3) {
    const c = parseI64(text(argv[2]!));
    if (c === null) throw new CommandError(Errors.notInteger);
    if (c < -LONG_MAX) throw new CommandError(Errors.randCountOutOfRange);
    if (argv.length > 4 || (argv.length === 4 && text(argv[3]!).toUpperCase() !== "WITHVALUES")) {
      throw new CommandError(Errors.syntax);
    }
    withValues = argv.length === 4;
    if (withValues && (c < -LONG_MAX / 2n || c > LONG_MAX / 2n)) throw new CommandError(Errors.valueOutOfRange);
    if (c < -BigInt(MAX_RANDOM_REPEATS)) throw new CommandError(Errors.randomCountTooLarge(MAX_RANDOM_REPEATS));
    count = c > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(c);
  }
  const h = openHash(ctx.keyspace, keyOf(argv));
  if (count === null) return h ? h.random().field : null;
  if (!h || count === 0) return [];
  if (count < 0) {
    return entriesReply(h.randomPicks(-count), withValues);
  }
  if (count >= h.size) return entriesReply(h.entries(), withValues);
  return entriesReply(h.sample(count), withValues);
}

const U64_MAX = 2n ** 64n - 1n;

/** A SCAN cursor as Redis's strtoul reads it: digits with an optional sign (negatives wrap), "" is 0. */
export function parseScanCursor(a: Arg): bigint {
  const s = text(a);
  if (s === "") return 0n;
  if (!/^[+-]?\d+$/.test(s)) throw new CommandError(Errors.invalidCursor);
  const negative = s.startsWith("-");
  const v = BigInt(negative || s.startsWith("+") ? s.slice(1) : s);
  if (v > U64_MAX) throw new CommandError(Errors.invalidCursor);
  return negative && v !== 0n ? 2n ** 64n - v : v;
}

// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]
function hscan(ctx: ExecContext, argv: Arg[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  const h = openHash(ctx.keyspace, keyOf(argv));
  if (!h) return ["0", []];
  let pattern: Uint8Array | null = null;
  let count = 10;
  let noValues = false;
  const p = new ArgCursor(argv, 3);
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("COUNT")) {
      count = p.takeInt();
      if (count < 1) p.syntaxError();
    } else if (p.remaining() >= 2 && p.eat("MATCH")) {
      const m = bytes(p.take());
      pattern = m.length === 1 && m[0] === 0x2a ? null : m;
    } else if (p.eat("NOVALUES")) {
      noValues = true;
    } else {
      p.syntaxError();
    }
  }
  return scanPage(h, cursor, count, pattern, noValues);
}

/** One HSCAN step: visits up to `count` fields from position `cursor`; the next cursor is the position after the last visited. */
function scanPage(h: Hash, cursor: bigint, count: number, pattern: Uint8Array | null, noValues: boolean): Reply {
  if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) return ["0", []];
  const { rows, more } = h.page(Number(cursor), count);
  const out: Reply[] = [];
  for (const r of rows) {
    if (pattern && !globMatch(pattern, r.field)) continue;
    out.push(r.field);
    if (!noValues) out.push(r.value);
  }
  const next = more && rows.length > 0 ? String(rows[rows.length - 1]!.id + 1) : "0";
  return [next, out];
}

export const hashCommands: CommandSpec[] = [
  { name: "hset", arity: -4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hsetGeneric("hset"), summary: "HSET key field value [field value ...]" },
  { name: "hmset", arity: -4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hsetGeneric("hmset"), summary: "HMSET key field value [field value ...]" },
  { name: "hsetnx", arity: 4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hsetnx, summary: "HSETNX key field value" },
  { name: "hget", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: hget, summary: "HGET key field" },
  { name: "hmget", arity: -3, flags: ["readonly", "fast"], keys: ONE_KEY, run: hmget, summary: "HMGET key field [field ...]" },
  { name: "hdel", arity: -3, flags: ["write", "fast"], keys: ONE_KEY, run: hdel, summary: "HDEL key field [field ...]" },
  { name: "hexists", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: hexists, summary: "HEXISTS key field" },
  { name: "hlen", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: hlen, summary: "HLEN key" },
  { name: "hstrlen", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: hstrlen, summary: "HSTRLEN key field" },
  { name: "hgetall", arity: 2, flags: ["readonly"], keys: ONE_KEY, run: hgetallGeneric(true, true), summary: "HGETALL key" },
  { name: "hkeys", arity: 2, flags: ["readonly"], keys: ONE_KEY, run: hgetallGeneric(true, false), summary: "HKEYS key" },
  { name: "hvals", arity: 2, flags: ["readonly"], keys: ONE_KEY, run: hgetallGeneric(false, true), summary: "HVALS key" },
  { name: "hincrby", arity: 4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hincrby, summary: "HINCRBY key field increment" },
  { name: "hincrbyfloat", arity: 4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: hincrbyfloat, summary: "HINCRBYFLOAT key field increment" },
  { name: "hrandfield", arity: -2, flags: ["readonly", "random"], keys: ONE_KEY, run: hrandfield, summary: "HRANDFIELD key [count [WITHVALUES]]" },
  { name: "hscan", arity: -3, flags: ["readonly", "random"], keys: ONE_KEY, run: hscan, summary: "HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]" },
  ...hashExpiryCommands,
];
