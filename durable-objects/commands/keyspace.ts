/**
 * Keyspace commands: existence, type, expiry, renaming and copying of keys of any type, and the
 * keyspace-wide walks (KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB). Each runs inside one shard;
 * the table's `cluster` field tells the Worker how to fan them out (DEL/EXISTS/TOUCH/UNLINK per
 * key, SCAN/KEYS/… on every shard) or to run them across shards (RENAME, RENAMENX and COPY by a
 * cross-shard planner that follows renameOutcome and copyOutcome below, gathered for a collection).
 */
import { rangeSpec } from "../key-specs";
import { ArgCursor, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, OK, err, int, type Reply } from "../reply";
import { compileGlob } from "../store/glob";
import { TYPE_NAMES } from "../store/keyspace";
import { Notify } from "../pubsub/notify";
import type { CommandSpec } from "../table";
import { observedType, replyOf, type ObservedType, type Outcome } from "./outcome";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
/** Databases a client may name (Redis's default `databases 16`); only db 0 exists here. */
const DATABASES = 16;
/** Rows one SCAN call examines at most, whatever COUNT asks (COUNT is a hint in Redis too). */
const SCAN_MAX_COUNT = 1000;

// DEL key [key ...] / UNLINK key [key ...]
function del(ctx: ExecContext, argv: Arg[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.keyspace.deleteNotified(text(argv[i]!))) n++;
  return n;
}

// EXISTS key [key ...] / TOUCH key [key ...]: a key named twice counts twice
function exists(ctx: ExecContext, argv: Arg[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.keyspace.exists(text(argv[i]!))) n++;
  return n;
}

// TYPE key
function type(ctx: ExecContext, argv: Arg[]): Reply {
  const row = ctx.keyspace.find(text(argv[1]!));
  return { status: row ? TYPE_NAMES[row.type]! : "none" };
}

type ExpireFlag = "NX" | "XX" | "GT" | "LT";

/** EXPIRE's NX|XX|GT|LT, checked as Redis does before the time is even parsed. */
function parseExpireFlags(argv: Arg[]): Set<ExpireFlag> {
  const flags = new Set<ExpireFlag>();
  for (let i = 3; i < argv.length; i++) {
    const opt = text(argv[i]!);
    const upper = opt.toUpperCase();
    if (upper === "NX" || upper === "XX" || upper === "GT" || upper === "LT") flags.add(upper);
    else throw new CommandError(Errors.unsupportedOption(opt));
  }
  if (flags.has("NX") && (flags.has("XX") || flags.has("GT") || flags.has("LT"))) {
    throw new CommandError(Errors.expireNxConflict);
  }
  if (flags.has("GT") && flags.has("LT")) throw new CommandError(Errors.expireGtLtConflict);
  return flags;
}

/**
 * EXPIRE key seconds [NX|XX|GT|LT] / PEXPIRE key ms [...] / EXPIREAT key unix-s [...] /
 * PEXPIREAT key unix-ms [...]: one generic function. A time at or before now deletes the key;
 * a key without expiry counts as an infinite TTL for GT and LT.
 */
function expireGeneric(unit: "s" | "ms", relative: boolean, cmd: string) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const flags = parseExpireFlags(argv);
    let when = parseI64(text(argv[2]!));
    if (when === null) throw new CommandError(Errors.notInteger);
    if (unit === "s") {
      if (when > I64_MAX / 1000n || when < I64_MIN / 1000n) throw new CommandError(Errors.invalidExpire(cmd));
      when *= 1000n;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (when > I64_MAX - base) throw new CommandError(Errors.invalidExpire(cmd));
    when += base;

    const ks = ctx.keyspace;
    const row = ks.find(text(argv[1]!));
    if (!row) return 0;
    const current = row.expire_at === null ? null : BigInt(Math.trunc(row.expire_at));
    if (flags.has("NX") && current !== null) return 0;
    if (flags.has("XX") && current === null) return 0;
    if (flags.has("GT") && (current === null || when <= current)) return 0;
    if (flags.has("LT") && current !== null && when >= current) return 0;

    if (when <= BigInt(ctx.now)) {
      ks.deleteRow(row);
      ks.notify(Notify.Generic, "del", row.key);
    } else {
      ks.setExpire(row, Number(when));
      ks.notify(Notify.Generic, "expire", row.key);
    }
    return 1;
  };
}

/** TTL key / PTTL key: -2 for a missing key, -1 without expiry; TTL rounds to the nearest second. */
function ttlGeneric(unit: "s" | "ms") {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const row = ctx.keyspace.find(text(argv[1]!));
    if (!row) return -2;
    if (row.expire_at === null) return -1;
    const ms = Math.max(0, row.expire_at - ctx.now);
    return unit === "ms" ? int(ms) : int(Math.floor((ms + 500) / 1000));
  };
}

/** EXPIRETIME key / PEXPIRETIME key: the absolute expiry (to the nearest second), -2 missing, -1 none. */
function expireTimeGeneric(unit: "s" | "ms") {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const row = ctx.keyspace.find(text(argv[1]!));
    if (!row) return -2;
    if (row.expire_at === null) return -1;
    return unit === "ms" ? int(row.expire_at) : int(Math.floor((row.expire_at + 500) / 1000));
  };
}

// PERSIST key
function persist(ctx: ExecContext, argv: Arg[]): Reply {
  const row = ctx.keyspace.find(text(argv[1]!));
  if (!row || row.expire_at === null) return 0;
  ctx.keyspace.setExpire(row, null);
  ctx.keyspace.notify(Notify.Generic, "persist", row.key);
  return 1;
}

/** What RENAME, RENAMENX and COPY observed: the source's type, whether the destination exists, one key or two. */
export interface MoveObservation {
  source: ObservedType;
  destinationExists: boolean;
  sameKey: boolean;
}

/**
 * RENAME / RENAMENX's rule (the shard handler and the cross-shard planner both follow it): a
 * missing source is "no such key" (RENAMENX included); a key renamed onto itself answers without
 * writing; RENAMENX onto an existing key is 0.
 */
export function renameOutcome(nx: boolean, o: MoveObservation): Outcome {
  if (o.source === "none") return { reply: err(Errors.noSuchKey), write: false };
  if (o.sameKey) return { reply: nx ? 0 : OK, write: false };
  if (nx && o.destinationExists) return { reply: 0, write: false };
  return { reply: nx ? 1 : OK, write: true };
}

/**
 * COPY's rule once its options are read: a key copied onto itself is an error before the source
 * is even looked up; a missing source is 0; an existing destination is 0 without REPLACE.
 */
export function copyOutcome(replace: boolean, o: MoveObservation): Outcome {
  if (o.sameKey) return { reply: err(Errors.sameObject), write: false };
  if (o.source === "none") return { reply: 0, write: false };
  if (o.destinationExists && !replace) return { reply: 0, write: false };
  return { reply: 1, write: true };
}

/** RENAME key newkey / RENAMENX key newkey: the value, its elements and its TTL move together. */
function renameGeneric(nx: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const from = text(argv[1]!);
    const to = text(argv[2]!);
    const ks = ctx.keyspace;
    const row = ks.find(from);
    const sameKey = from === to;
    const destinationExists = nx && row !== null && !sameKey && ks.exists(to);
    const outcome = renameOutcome(nx, { source: observedType(row), destinationExists, sameKey });
    if (outcome.write) {
      ks.rename(row!, to);
      ks.notify(Notify.Generic, "rename_from", from);
      ks.notify(Notify.Generic, "rename_to", to);
    }
    return replyOf(outcome);
  };
}

/** COPY's options: REPLACE and DB (only db 0 exists here, as in cluster mode), in any order. */
export function parseCopyOptions(argv: Arg[]): { replace: boolean } {
  const p = new ArgCursor(argv, 3);
  let replace = false;
  let db = 0;
  while (p.more()) {
    if (p.eat("REPLACE")) {
      replace = true;
    } else if (p.peekUpper() === "DB" && p.remaining() >= 2) {
      p.pos++;
      db = p.takeInt();
      if (db < 0 || db >= DATABASES) throw new CommandError(Errors.dbIndexOutOfRange);
    } else {
      p.syntaxError();
    }
  }
  if (db !== 0) throw new CommandError(Errors.copyToOtherDb);
  return { replace };
}

/** COPY names a database (even db 0): a form the Worker does not run across shards (CROSSSLOT). */
export function copyNamesDb(argv: Arg[]): boolean {
  return argv.slice(3).some((a) => text(a).toUpperCase() === "DB");
}

// COPY source destination [DB destination-db] [REPLACE]
function copy(ctx: ExecContext, argv: Arg[]): Reply {
  const { replace } = parseCopyOptions(argv);
  const from = text(argv[1]!);
  const to = text(argv[2]!);
  const ks = ctx.keyspace;
  const sameKey = from === to;
  const row = sameKey ? null : ks.find(from);
  const target = row ? ks.find(to) : null;
  const outcome = copyOutcome(replace, { source: observedType(row), destinationExists: target !== null, sameKey });
  if (outcome.write) {
    if (target) ks.deleteRow(target);
    ks.copy(row!, to);
    ks.notify(Notify.Generic, "copy_to", to);
  }
  return replyOf(outcome);
}

// RANDOMKEY
function randomkey(ctx: ExecContext): Reply {
  return ctx.keyspace.randomKey();
}

// KEYS pattern
function keys(ctx: ExecContext, argv: Arg[]): Reply {
  const glob = compileGlob(text(argv[1]!));
  const out: Reply[] = [];
  for (const { key } of ctx.keyspace.keysWithPrefix(glob.prefix)) if (glob.test(key)) out.push(key);
  return out;
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] [WITHTYPE]. Inside a shard the cursor is
 * the id of the last key examined (ids only grow, so a key present for the whole scan is returned
 * exactly once); "0" when the walk is done. The Worker packs (cursor, shard) into the client's
 * cursor. WITHTYPE is Upstash's: each key is followed by its type (`key1 string key2 zset …`).
 */
function scan(ctx: ExecContext, argv: Arg[]): Reply {
  const cursorText = text(argv[1]!);
  if (!/^[0-9]+$/.test(cursorText) || BigInt(cursorText) > 2n ** 64n - 1n) throw new CommandError(Errors.invalidCursor);
  const cursor = BigInt(cursorText);
  let count = 10;
  let match: ReturnType<typeof compileGlob> | null = null;
  let typeName: string | null = null;
  let withType = false;
  const p = new ArgCursor(argv, 2);
  while (p.more()) {
    if (p.eat("WITHTYPE")) {
      withType = true;
      continue;
    }
    if (p.remaining() < 2) p.syntaxError();
    const opt = p.peekUpper();
    p.pos++;
    if (opt === "COUNT") {
      const c = p.takeI64();
      if (c < 1n) p.syntaxError();
      count = c > BigInt(SCAN_MAX_COUNT) ? SCAN_MAX_COUNT : Number(c);
    } else if (opt === "MATCH") {
      match = compileGlob(p.takeText());
      if (match.all) match = null;
    } else if (opt === "TYPE") {
      typeName = p.takeText().toLowerCase();
    } else {
      p.syntaxError();
    }
  }
  if (cursor > BigInt(Number.MAX_SAFE_INTEGER)) return ["0", []];
  const ks = ctx.keyspace;
  const { rows, more } = ks.rowsAfter(Number(cursor), count);
  const out: Reply[] = [];
  for (const row of rows) {
    if (row.expire_at !== null && row.expire_at <= ctx.now) {
      ks.expireRow(row);
      continue;
    }
    if (typeName !== null && TYPE_NAMES[row.type]?.toLowerCase() !== typeName) continue;
    if (match && !match.test(row.key)) continue;
    out.push(row.key);
    if (withType) out.push(TYPE_NAMES[row.type] ?? "none");
  }
  return [more ? String(rows[rows.length - 1]!.id) : "0", out];
}

// DBSIZE
function dbsize(ctx: ExecContext): Reply {
  return ctx.keyspace.count();
}

// FLUSHDB [ASYNC|SYNC] / FLUSHALL [ASYNC|SYNC]: both empty this store's one database
function flush(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 2) throw new CommandError(Errors.syntax);
  if (argv.length === 2) {
    const mode = text(argv[1]!).toUpperCase();
    if (mode !== "ASYNC" && mode !== "SYNC") throw new CommandError(Errors.syntax);
  }
  ctx.keyspace.flush();
  return OK;
}

const SUM = { kind: "fanout", merge: "sum" } as const;

export const keyspaceCommands: CommandSpec[] = [
  { name: "del", arity: -2, flags: ["write"], keys: ALL_KEYS, cluster: SUM, summary: "DEL key [key ...]", keySpecs: [rangeSpec(["RM", "delete"], 1, -1)], run: del },
  {
    name: "unlink",
    keySpecs: [rangeSpec(["RM", "delete"], 1, -1)],
    arity: -2,
    flags: ["write", "fast"],
    keys: ALL_KEYS,
    cluster: SUM,
    summary: "UNLINK key [key ...]",
    run: del,
  },
  {
    name: "exists",
    keySpecs: [rangeSpec(["RO"], 1, -1)],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: ALL_KEYS,
    cluster: SUM,
    summary: "EXISTS key [key ...]",
    run: exists,
  },
  {
    name: "touch",
    keySpecs: [rangeSpec(["RO"], 1, -1)],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: ALL_KEYS,
    cluster: SUM,
    summary: "TOUCH key [key ...]",
    run: exists,
  },
  { name: "type", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, summary: "TYPE key", run: type },
  {
    name: "expire",
    keySpecs: [rangeSpec(["RW", "update"], 1)],
    arity: -3,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    summary: "EXPIRE key seconds [NX|XX|GT|LT]",
    run: expireGeneric("s", true, "expire"),
  },
  {
    name: "pexpire",
    arity: -3,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    summary: "PEXPIRE key milliseconds [NX|XX|GT|LT]",
    run: expireGeneric("ms", true, "pexpire"),
  },
  {
    name: "expireat",
    arity: -3,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    summary: "EXPIREAT key unix-time-seconds [NX|XX|GT|LT]",
    run: expireGeneric("s", false, "expireat"),
  },
  {
    name: "pexpireat",
    arity: -3,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    summary: "PEXPIREAT key unix-time-milliseconds [NX|XX|GT|LT]",
    run: expireGeneric("ms", false, "pexpireat"),
  },
  { name: "ttl", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, summary: "TTL key", run: ttlGeneric("s") },
  { name: "pttl", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, summary: "PTTL key", run: ttlGeneric("ms") },
  {
    name: "expiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: ONE_KEY,
    summary: "EXPIRETIME key",
    run: expireTimeGeneric("s"),
  },
  {
    name: "pexpiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: ONE_KEY,
    summary: "PEXPIRETIME key",
    run: expireTimeGeneric("ms"),
  },
  { name: "persist", arity: 2, flags: ["write", "fast"], keys: ONE_KEY, summary: "PERSIST key", run: persist },
  {
    name: "rename",
    keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["OW", "update"], 2)],
    cluster: { kind: "cross", planner: "rename", gather: true },
    arity: 3,
    flags: ["write"],
    keys: TWO_KEYS,
    summary: "RENAME key newkey",
    run: renameGeneric(false),
  },
  {
    name: "renamenx",
    keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["OW", "insert"], 2)],
    cluster: { kind: "cross", planner: "renamenx", gather: true },
    arity: 3,
    flags: ["write", "fast"],
    keys: TWO_KEYS,
    summary: "RENAMENX key newkey",
    run: renameGeneric(true),
  },
  {
    name: "copy",
    keySpecs: [rangeSpec(["RO", "access"], 1), rangeSpec(["OW", "update"], 2)],
    cluster: { kind: "cross", planner: "copy", gather: true },
    arity: -3,
    flags: ["write", "denyoom"],
    keys: TWO_KEYS,
    summary: "COPY source destination [DB destination-db] [REPLACE]",
    run: copy,
  },
  {
    name: "randomkey",
    arity: 1,
    flags: ["readonly", "random"],
    cluster: { kind: "all", merge: "random" },
    summary: "RANDOMKEY",
    run: randomkey,
  },
  {
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    cluster: { kind: "all", merge: "concat" },
    summary: "KEYS pattern",
    run: keys,
  },
  {
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    cluster: { kind: "all", merge: "scan" },
    summary: "SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]",
    run: scan,
  },
  {
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    cluster: { kind: "all", merge: "sum" },
    summary: "DBSIZE",
    run: dbsize,
  },
  {
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    cluster: { kind: "all", merge: "ok" },
    summary: "FLUSHDB [ASYNC|SYNC]",
    run: flush,
  },
  {
    name: "flushall",
    arity: -1,
    flags: ["write"],
    cluster: { kind: "all", merge: "ok" },
    summary: "FLUSHALL [ASYNC|SYNC]",
    run: flush,
  },
];
