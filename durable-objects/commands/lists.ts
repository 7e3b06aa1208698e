/**
 * List commands: argv → typed arguments → store/lists.ts → reply.
 *
 * The blocking variants (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) are in blocking.ts; they
 * share LMOVE's and LMPOP's rules from here.
 */
import { keynumSpec, rangeSpec } from "../key-specs";
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, OK, err, type Reply } from "../reply";
import {
  listIndex,
  listInsert,
  listLength,
  listMove,
  listMultiPop,
  listPop,
  listPositions,
  listPush,
  listRange,
  listRemove,
  listSet,
  listTrim,
  type End,
} from "../store/lists";
import type { CommandSpec } from "../table";
import { observedType, replyOf, type ObservedType, type Outcome } from "./outcome";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };

const LIMIT = 2 ** 53;

/** A 64-bit index or count as a number, clamped to ±2^53 (beyond any list's length). */
function takeIndex(p: ArgCursor): number {
  const v = p.takeI64();
  return v > BigInt(LIMIT) ? LIMIT : v < BigInt(-LIMIT) ? -LIMIT : Number(v);
}

/** LEFT|RIGHT, case-insensitive. */
export function takeEnd(p: ArgCursor): End {
  if (p.eat("LEFT")) return "left";
  if (p.eat("RIGHT")) return "right";
  p.syntaxError();
}

/** A count that must be ≥ 0 with Redis's getPositiveLong error for anything else. */
function positiveCount(a: Arg): number {
  const v = parseI64(text(a));
  if (v === null || v < 0n) throw new CommandError(Errors.outOfRangePositive);
  return v > BigInt(LIMIT) ? LIMIT : Number(v);
}

/** A count in 0..LONG_MAX, with `error` for anything else, unparsable included (LPOS's COUNT and MAXLEN). */
function nonNegative(a: Arg, error: string): number {
  const v = parseI64(text(a));
  if (v === null || v < 0n) throw new CommandError(error);
  return v > BigInt(LIMIT) ? LIMIT : Number(v);
}

/** A count in 1..LONG_MAX, with `error` for anything else (LMPOP's numkeys and COUNT). */
function atLeastOne(a: Arg, error: string): number {
  const v = parseI64(text(a));
  if (v === null || v < 1n) throw new CommandError(error);
  return v > BigInt(LIMIT) ? LIMIT : Number(v);
}

// LPUSH key element [element …] / RPUSH … / LPUSHX … / RPUSHX …
function pushGeneric(end: End, onlyIfExists: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply =>
    listPush(ctx.keyspace, text(argv[1]!), end, argv.slice(2).map(bytes), onlyIfExists);
}

// LPOP key [count] / RPOP key [count]
function popGeneric(end: End, name: string) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    if (argv.length > 3) throw new CommandError(Errors.wrongArity(name));
    const count = argv.length === 3 ? positiveCount(argv[2]!) : null;
    const out = listPop(ctx.keyspace, text(argv[1]!), end, count ?? 1);
    if (out === null) return null;
    return count === null ? (out[0] ?? null) : out;
  };
}

// LLEN key
function llen(ctx: ExecContext, argv: Arg[]): Reply {
  return listLength(ctx.keyspace, text(argv[1]!));
}

// LRANGE key start stop
function lrange(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const start = takeIndex(p);
  const stop = takeIndex(p);
  return listRange(ctx.keyspace, text(argv[1]!), start, stop);
}

// LINDEX key index
function lindex(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  // As Redis: the key is looked up (nil, WRONGTYPE) before the index is parsed.
  if (listLength(ctx.keyspace, key) === 0) return null;
  return listIndex(ctx.keyspace, key, takeIndex(new ArgCursor(argv, 2)));
}

// LSET key index element
function lset(ctx: ExecContext, argv: Arg[]): Reply {
  // As Redis: the key is looked up (no such key, WRONGTYPE) before the index is parsed.
  if (listLength(ctx.keyspace, text(argv[1]!)) === 0) throw new CommandError(Errors.noSuchKey);
  listSet(ctx.keyspace, text(argv[1]!), takeIndex(new ArgCursor(argv, 2)), bytes(argv[3]!));
  return OK;
}

// LREM key count element
function lrem(ctx: ExecContext, argv: Arg[]): Reply {
  return listRemove(ctx.keyspace, text(argv[1]!), takeIndex(new ArgCursor(argv, 2)), bytes(argv[3]!));
}

// LTRIM key start stop
function ltrim(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const start = takeIndex(p);
  const stop = takeIndex(p);
  listTrim(ctx.keyspace, text(argv[1]!), start, stop);
  return OK;
}

// LINSERT key BEFORE|AFTER pivot element
function linsert(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const before = p.eat("BEFORE");
  if (!before && !p.eat("AFTER")) p.syntaxError();
  return listInsert(ctx.keyspace, text(argv[1]!), before, bytes(argv[3]!), bytes(argv[4]!));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
function lpos(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 3);
  let rank = 1;
  let count: number | null = null;
  let maxlen = 0;
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("RANK")) {
      rank = takeIndex(p);
      if (rank === 0) throw new CommandError(Errors.lposRankZero);
    } else if (p.remaining() >= 2 && p.eat("COUNT")) {
      count = nonNegative(p.take(), Errors.lposCountNegative);
    } else if (p.remaining() >= 2 && p.eat("MAXLEN")) {
      maxlen = nonNegative(p.take(), Errors.lposMaxlenNegative);
    } else {
      p.syntaxError();
    }
  }
  const found = listPositions(ctx.keyspace, text(argv[1]!), bytes(argv[2]!), { rank, count: count ?? 1, maxlen });
  return count === null ? (found[0] ?? null) : found;
}

/** LMOVE's ends (argv[3], argv[4]): LEFT|RIGHT each, else a syntax error. */
export function parseMoveEnds(argv: Arg[]): [End, End] {
  const p = new ArgCursor(argv, 3);
  return [takeEnd(p), takeEnd(p)];
}

/** What LMOVE and RPOPLPUSH observed: both keys' types and the element at the source's end (null if none). */
export interface LmoveObservation {
  source: ObservedType;
  destination: ObservedType;
  element: Uint8Array | string | null;
}

/**
 * LMOVE / RPOPLPUSH's rule (the shard handler and the cross-shard planner both follow it): a
 * missing source is nil before the destination is looked at; a source that is not a list is
 * WRONGTYPE; then a destination that exists and is not a list is WRONGTYPE; else the element
 * moves (a list moved onto itself rotates) and is the reply.
 */
export function lmoveOutcome(o: LmoveObservation): Outcome {
  if (o.source === "none") return { reply: null, write: false };
  if (o.source !== "list") return { reply: err(Errors.wrongType), write: false };
  if (o.element === null) return { reply: null, write: false };
  if (o.destination !== "list" && o.destination !== "none") return { reply: err(Errors.wrongType), write: false };
  return { reply: o.element, write: true };
}

export function moveGeneric(ctx: ExecContext, src: string, dst: string, from: End, to: End): Reply {
  const ks = ctx.keyspace;
  const source = observedType(ks.find(src));
  const destination = observedType(ks.find(dst));
  const element = source === "list" ? listIndex(ks, src, from === "left" ? 0 : -1) : null;
  const outcome = lmoveOutcome({ source, destination, element });
  if (outcome.write) listMove(ks, src, dst, from, to);
  return replyOf(outcome);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
function lmove(ctx: ExecContext, argv: Arg[]): Reply {
  const [from, to] = parseMoveEnds(argv);
  return moveGeneric(ctx, text(argv[1]!), text(argv[2]!), from, to);
}

// RPOPLPUSH source destination
function rpoplpush(ctx: ExecContext, argv: Arg[]): Reply {
  return moveGeneric(ctx, text(argv[1]!), text(argv[2]!), "right", "left");
}

/** LMPOP's keys for routing: numkeys keys after argv[1], when numkeys is valid. */
function lmpopKeys(argv: Arg[]): number[] {
  const n = argv[1] === undefined ? null : parseI64(text(argv[1]));
  if (n === null || n < 1n || n > BigInt(argv.length - 3)) return [];
  return Array.from({ length: Number(n) }, (_, i) => 2 + i);
}

// LMPOP numkeys key [key …] LEFT|RIGHT [COUNT count]
function lmpop(ctx: ExecContext, argv: Arg[]): Reply {
  return multiPopGeneric(ctx, argv, 1).reply;
}

/**
 * LMPOP from its numkeys at `at` (BLMPOP's is after the timeout): the keys and the reply (nil
 * when every list is empty). `parsed` runs once the arguments are read, before anything pops
 * (BLMPOP checks its timeout there, as Redis does).
 */
export function multiPopGeneric(ctx: ExecContext, argv: Arg[], at: number, parsed?: () => void): { keys: string[]; reply: Reply } {
  const numkeys = atLeastOne(argv[at]!, Errors.numkeysPositive);
  if (numkeys > argv.length - at - 2) throw new CommandError(Errors.syntax);
  const keys = argv.slice(at + 1, at + 1 + numkeys).map(text);
  const p = new ArgCursor(argv, at + 1 + numkeys);
  const end = takeEnd(p);
  let count: number | null = null;
  while (p.more()) {
    if (count === null && p.remaining() >= 2 && p.eat("COUNT")) count = atLeastOne(p.take(), Errors.countPositive);
    else p.syntaxError();
  }
  parsed?.();
  const out = listMultiPop(ctx.keyspace, keys, end, count ?? 1);
  return { keys, reply: out && [out[0], out[1]] };
}

export const listCommands: CommandSpec[] = [
  { name: "lpush", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, keySpecs: [rangeSpec(["RW", "insert"], 1)], run: pushGeneric("left", false) },
  { name: "rpush", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: pushGeneric("right", false) },
  { name: "lpushx", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: pushGeneric("left", true) },
  { name: "rpushx", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: pushGeneric("right", true) },
  { name: "lpop", arity: -2, flags: ["write", "fast"], keys: ONE_KEY, run: popGeneric("left", "lpop") },
  { name: "rpop", arity: -2, flags: ["write", "fast"], keys: ONE_KEY, run: popGeneric("right", "rpop") },
  { name: "llen", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: llen },
  { name: "lrange", arity: 4, flags: ["readonly"], keys: ONE_KEY, run: lrange },
  { name: "lindex", arity: 3, flags: ["readonly"], keys: ONE_KEY, run: lindex },
  { name: "lset", arity: 4, flags: ["write", "denyoom"], keys: ONE_KEY, run: lset },
  { name: "lrem", arity: 4, flags: ["write"], keys: ONE_KEY, run: lrem },
  { name: "ltrim", arity: 4, flags: ["write"], keys: ONE_KEY, run: ltrim },
  { name: "linsert", arity: 5, flags: ["write", "denyoom"], keys: ONE_KEY, run: linsert },
  { name: "lpos", arity: -3, flags: ["readonly"], keys: ONE_KEY, run: lpos },
  { name: "lmove", arity: 5, flags: ["write", "denyoom"], keys: TWO_KEYS, cluster: { kind: "cross", planner: "lmove" }, keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["RW", "insert"], 2)], run: lmove },
  { name: "rpoplpush", arity: 3, flags: ["write", "denyoom"], keys: TWO_KEYS, cluster: { kind: "cross", planner: "rpoplpush" }, keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["RW", "insert"], 2)], run: rpoplpush },
  { name: "lmpop", arity: -4, flags: ["write"], keys: lmpopKeys, cluster: { kind: "cross", gather: true }, keySpecs: [keynumSpec(["RW", "access", "delete"], 1)], run: lmpop },
];
