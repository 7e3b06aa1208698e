/**
 * String commands: argv → typed arguments → store/strings.ts → reply.
 */
import { rangeSpec } from "../key-specs";
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, int, OK, type Reply } from "../reply";
import { longestCommonSubsequence } from "../store/lcs";
import {
  appendString,
  checkValueSizes,
  getDelString,
  getExString,
  getRange,
  getString,
  getStringPair,
  getStrings,
  incrementFloat,
  incrementInteger,
  setRange,
  setString,
  setStrings,
  stringLength,
  type ExpiryChange,
  type SetStringOptions,
} from "../store/strings";
import type { CommandSpec } from "../table";
import { absoluteExpiry, type ExpireUnit } from "./expire-options";
import { replyOf, type Outcome } from "./outcome";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };
const EVERY_OTHER_KEY = { first: 1, last: -1, step: 2 };
const I64_MIN = -(2n ** 63n);

// GET key
function get(ctx: ExecContext, argv: Arg[]): Reply {
  return getString(ctx.keyspace, text(argv[1]!));
}

/** SET's and GETEX's options, as Redis's parseExtendedStringArgumentsOrReply reads them. */
interface ExtendedArgs {
  mode?: "nx" | "xx";
  /** IFEQ/IFNE (Valkey 8.1, Redis 8.4): compare-and-set against the current value. */
  cond?: { equal: boolean; value: Uint8Array };
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  unit?: ExpireUnit;
  amount?: Arg;
}

const EXPIRE_UNITS: readonly string[] = ["EX", "PX", "EXAT", "PXAT"];

/**
 * Reads the options from argv[from] on. Only the syntax is checked here: the expire amount is
 * parsed later (a syntax error anywhere wins over a bad number). As in Redis, an option may be
 * repeated (the last EX wins) but two different expiry options may not be combined.
 */
function parseExtendedArgs(argv: Arg[], from: number, command: "set" | "getex"): ExtendedArgs {
  const o: ExtendedArgs = { get: false, keepTtl: false, persist: false };
  const isSet = command === "set";
  const p = new ArgCursor(argv, from);
  while (p.more()) {
    const opt = p.peekUpper()!;
    p.pos++;
    if (isSet && opt === "NX" && o.mode !== "xx" && !o.cond) o.mode = "nx";
    else if (isSet && opt === "XX" && o.mode !== "nx" && !o.cond) o.mode = "xx";
    else if (isSet && (opt === "IFEQ" || opt === "IFNE") && !o.mode && !o.cond && p.more())
      o.cond = { equal: opt === "IFEQ", value: bytes(p.take()) };
    else if (isSet && opt === "GET") o.get = true;
    else if (isSet && opt === "KEEPTTL" && !o.unit) o.keepTtl = true;
    else if (!isSet && opt === "PERSIST" && !o.unit) o.persist = true;
    else if (EXPIRE_UNITS.includes(opt) && !o.keepTtl && !o.persist && (!o.unit || o.unit === opt) && p.more()) {
      o.unit = opt as ExpireUnit;
      o.amount = p.take();
    } else p.syntaxError();
  }
  return o;
}

function expiryOf(o: ExtendedArgs, now: number, command: string): number | undefined {
  if (!o.unit || o.amount === undefined) return undefined;
  const amount = parseI64(text(o.amount));
  if (amount === null) throw new CommandError(Errors.notInteger);
  return absoluteExpiry(o.unit, amount, now, command);
}

// SET key value [NX|XX|IFEQ value|IFNE value] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
function set(ctx: ExecContext, argv: Arg[]): Reply {
  const o = parseExtendedArgs(argv, 3, "set");
  const opts: SetStringOptions = { mode: o.mode, get: o.get, keepTtl: o.keepTtl, cond: o.cond };
  opts.expireAt = expiryOf(o, ctx.now, "set") ?? null;
  return setGeneric(ctx, argv[1]!, argv[2]!, opts);
}

/** The family's one function: SET, SETNX, SETEX, PSETEX and GETSET differ only in options and reply. */
function setGeneric(ctx: ExecContext, key: Arg, value: Arg, opts: SetStringOptions): Reply {
  const r = setString(ctx.keyspace, text(key), bytes(value), opts);
  if (opts.get) return r.old;
  return r.written ? OK : null;
}

// SETNX key value
function setnx(ctx: ExecContext, argv: Arg[]): Reply {
  return setGeneric(ctx, argv[1]!, argv[2]!, { mode: "nx" }) === OK ? 1 : 0;
}

// SETEX key seconds value / PSETEX key milliseconds value
function setexGeneric(unit: "EX" | "PX", cmd: string) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const p = new ArgCursor(argv, 2);
    const expireAt = absoluteExpiry(unit, p.takeI64(), ctx.now, cmd);
    return setGeneric(ctx, argv[1]!, argv[3]!, { expireAt });
  };
}

// GETSET key value
function getset(ctx: ExecContext, argv: Arg[]): Reply {
  return setGeneric(ctx, argv[1]!, argv[2]!, { get: true });
}

// GETDEL key
function getdel(ctx: ExecContext, argv: Arg[]): Reply {
  return getDelString(ctx.keyspace, text(argv[1]!));
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
function getex(ctx: ExecContext, argv: Arg[]): Reply {
  const o = parseExtendedArgs(argv, 2, "getex");
  return getExString(ctx.keyspace, text(argv[1]!), (): ExpiryChange => {
    const at = expiryOf(o, ctx.now, "getex");
    if (at !== undefined) return { kind: "at", at };
    return o.persist ? { kind: "persist" } : { kind: "keep" };
  });
}

// MGET key [key ...]
function mget(ctx: ExecContext, argv: Arg[]): Reply {
  return getStrings(ctx.keyspace, argv.slice(1).map(text));
}

/** MSET's and MSETNX's key-value pairs; an odd count is the arity error Redis answers. */
export function msetPairs(argv: Arg[], onlyIfNoneExist: boolean): [Arg, Arg][] {
  if (argv.length % 2 === 0) throw new CommandError(Errors.wrongArity(onlyIfNoneExist ? "msetnx" : "mset"));
  const pairs: [Arg, Arg][] = [];
  for (let i = 1; i < argv.length; i += 2) pairs.push([argv[i]!, argv[i + 1]!]);
  return pairs;
}

/**
 * MSET / MSETNX's rule (the shard handler and the cross-shard planner both follow it): MSET
 * always writes every pair; MSETNX writes all of them (1) only when none of its keys exists, else
 * nothing (0).
 */
export function msetOutcome(onlyIfNoneExist: boolean, anyExists: boolean): Outcome {
  if (!onlyIfNoneExist) return { reply: OK, write: true };
  return anyExists ? { reply: 0, write: false } : { reply: 1, write: true };
}

// MSET key value [key value ...] / MSETNX key value [key value ...]
function msetGeneric(onlyIfNoneExist: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const pairs = msetPairs(argv, onlyIfNoneExist).map(([k, v]): [string, Uint8Array] => [text(k), bytes(v)]);
    const ks = ctx.keyspace;
    checkValueSizes(ks, pairs);
    const outcome = msetOutcome(onlyIfNoneExist, onlyIfNoneExist && pairs.some(([key]) => ks.exists(key)));
    if (outcome.write) setStrings(ks, pairs);
    return replyOf(outcome);
  };
}

/** INCR, DECR, INCRBY and DECRBY: one generic function over a signed 64-bit delta. */
function incrDecr(ctx: ExecContext, key: Arg, delta: bigint): Reply {
  return int(incrementInteger(ctx.keyspace, text(key), delta));
}

// INCR key / DECR key
function incrByOne(delta: bigint) {
  return (ctx: ExecContext, argv: Arg[]): Reply => incrDecr(ctx, argv[1]!, delta);
}

// INCRBY key increment
function incrby(ctx: ExecContext, argv: Arg[]): Reply {
  return incrDecr(ctx, argv[1]!, new ArgCursor(argv, 2).takeI64());
}

// DECRBY key decrement
function decrby(ctx: ExecContext, argv: Arg[]): Reply {
  const decrement = new ArgCursor(argv, 2).takeI64();
  if (decrement === I64_MIN) throw new CommandError(Errors.decrementOverflow);
  return incrDecr(ctx, argv[1]!, -decrement);
}

// INCRBYFLOAT key increment
function incrbyfloat(ctx: ExecContext, argv: Arg[]): Reply {
  return incrementFloat(ctx.keyspace, text(argv[1]!), text(argv[2]!));
}

// APPEND key value
function append(ctx: ExecContext, argv: Arg[]): Reply {
  return appendString(ctx.keyspace, text(argv[1]!), bytes(argv[2]!));
}

// STRLEN key
function strlen(ctx: ExecContext, argv: Arg[]): Reply {
  return stringLength(ctx.keyspace, text(argv[1]!));
}

// GETRANGE key start end (SUBSTR key start end)
function getrange(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const start = p.takeI64();
  const end = p.takeI64();
  return getRange(ctx.keyspace, text(argv[1]!), start, end);
}

// SETRANGE key offset value
function setrange(ctx: ExecContext, argv: Arg[]): Reply {
  const offset = new ArgCursor(argv, 2).takeI64();
  if (offset < 0n) throw new CommandError(Errors.offsetOutOfRange);
  return setRange(ctx.keyspace, text(argv[1]!), offset, bytes(argv[3]!));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
function lcs(ctx: ExecContext, argv: Arg[]): Reply {
  const [a, b] = getStringPair(ctx.keyspace, text(argv[1]!), text(argv[2]!));
  let idx = false;
  let len = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  const p = new ArgCursor(argv, 3);
  while (p.more()) {
    if (p.eat("IDX")) idx = true;
    else if (p.eat("LEN")) len = true;
    else if (p.eat("WITHMATCHLEN")) withMatchLen = true;
    else if (p.remaining() > 1 && p.eat("MINMATCHLEN")) minMatchLen = Math.max(0, Number(p.takeI64()));
    else p.syntaxError();
  }
  if (idx && len) throw new CommandError(Errors.lcsLenAndIdx);
  const r = longestCommonSubsequence(a, b, { walk: idx || !len, minMatchLen });
  if (idx) {
    const matches = r.matches.map((m): Reply => (withMatchLen ? [m.a, m.b, m.len] : [m.a, m.b]));
    return ["matches", matches, "len", r.len];
  }
  return len ? r.len : r.sequence;
}

/** SET answers the old value with GET (of any size): then it runs in a savepoint, so a reply over the budget undoes it. */
const setNeedsSavepoint = (argv: Arg[]) => argv.slice(3).some((a) => text(a).toUpperCase() === "GET");

export const stringCommands: CommandSpec[] = [
  { name: "get", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, keySpecs: [rangeSpec(["RO", "access"], 1)], run: get, summary: "GET key" },
  {
    name: "set",
    keySpecs: [rangeSpec(["RW", "access", "update", "variable_flags"], 1, 0, 1, "RW and ACCESS due to the optional `GET` argument")],
    arity: -3,
    flags: ["write", "denyoom"],
    keys: ONE_KEY,
    run: set,
    savepoint: setNeedsSavepoint,
    summary: "SET key value [NX|XX|IFEQ value|IFNE value] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
  },
  { name: "setnx", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: setnx, savepoint: false, summary: "SETNX key value" },
  { name: "setex", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: setexGeneric("EX", "setex"), savepoint: false, summary: "SETEX key seconds value" },
  { name: "psetex", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: setexGeneric("PX", "psetex"), savepoint: false, summary: "PSETEX key milliseconds value" },
  { name: "getset", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: getset, summary: "GETSET key value" },
  { name: "getdel", arity: 2, flags: ["write", "fast"], keys: ONE_KEY, keySpecs: [rangeSpec(["RW", "access", "delete"], 1)], run: getdel, summary: "GETDEL key" },
  {
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    run: getex,
    summary: "GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
  },
  {
    name: "mget",
    keySpecs: [rangeSpec(["RO", "access"], 1, -1)],
    arity: -2,
    flags: ["readonly", "fast"],
    keys: ALL_KEYS,
    cluster: { kind: "fanout", merge: "concat" },
    run: mget,
    summary: "MGET key [key ...]",
  },
  { name: "mset", arity: -3, flags: ["write", "denyoom"], keys: EVERY_OTHER_KEY, cluster: { kind: "cross", planner: "mset" }, keySpecs: [rangeSpec(["OW", "update"], 1, -1, 2)], run: msetGeneric(false), summary: "MSET key value [key value ...]" },
  { name: "msetnx", arity: -3, flags: ["write", "denyoom"], keys: EVERY_OTHER_KEY, cluster: { kind: "cross", planner: "msetnx" }, keySpecs: [rangeSpec(["OW", "insert"], 1, -1, 2)], run: msetGeneric(true), summary: "MSETNX key value [key value ...]" },
  { name: "incr", arity: 2, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, keySpecs: [rangeSpec(["RW", "access", "update"], 1)], run: incrByOne(1n), savepoint: false, summary: "INCR key" },
  { name: "decr", arity: 2, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: incrByOne(-1n), savepoint: false, summary: "DECR key" },
  { name: "incrby", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: incrby, savepoint: false, summary: "INCRBY key increment" },
  { name: "decrby", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: decrby, savepoint: false, summary: "DECRBY key decrement" },
  { name: "incrbyfloat", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: incrbyfloat, savepoint: false, summary: "INCRBYFLOAT key increment" },
  { name: "append", arity: 3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, keySpecs: [rangeSpec(["RW", "insert"], 1)], run: append, summary: "APPEND key value" },
  { name: "strlen", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: strlen, summary: "STRLEN key" },
  { name: "getrange", arity: 4, flags: ["readonly"], keys: ONE_KEY, run: getrange, summary: "GETRANGE key start end" },
  { name: "substr", arity: 4, flags: ["readonly"], keys: ONE_KEY, run: getrange, summary: "SUBSTR key start end" },
  { name: "setrange", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: setrange, summary: "SETRANGE key offset value" },
  {
    name: "lcs",
    keySpecs: [rangeSpec(["RO", "access"], 1, 1)],
    cluster: { kind: "cross", gather: true },
    arity: -3,
    flags: ["readonly"],
    keys: { first: 1, last: 2, step: 1 },
    run: lcs,
    summary: "LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
  },
];
