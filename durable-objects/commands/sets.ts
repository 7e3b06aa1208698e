/**
 * Set commands: argv → typed arguments → store/sets.ts → reply.
 *
 * Multi-key commands (SINTER, SUNION, SDIFF, their STORE forms, SINTERCARD, SMOVE) run on one
 * shard, atomically; over keys on several shards the Worker runs them as a cross-shard
 * transaction (SMOVE by its planner, following smoveOutcome; the others gathered).
 */
import { rangeSpec } from "../key-specs";
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, err, type Reply } from "../reply";
import {
  setAdd,
  setCard,
  setHas,
  setMembers,
  setMove,
  setPop,
  setRandom,
  setRemove,
  setScan,
} from "../store/sets";
import { setAlgebra, setAlgebraStore, setInterCard, type SetOp } from "../store/set-algebra";
import type { CommandSpec } from "../table";
import { observedType, replyOf, type ObservedType, type Outcome } from "./outcome";
import { numkeysFinder } from "./zset-args";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const ALL_KEYS = { first: 1, last: -1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };

const LIMIT = 2 ** 53;
const U64_MAX = 2n ** 64n - 1n;

function clamp(v: bigint): number {
  return v > BigInt(LIMIT) ? LIMIT : v < BigInt(-LIMIT) ? -LIMIT : Number(v);
}

// SADD key member [member …]
function sadd(ctx: ExecContext, argv: Arg[]): Reply {
  return setAdd(ctx.keyspace, text(argv[1]!), argv.slice(2).map(bytes));
}

// SREM key member [member …]
function srem(ctx: ExecContext, argv: Arg[]): Reply {
  return setRemove(ctx.keyspace, text(argv[1]!), argv.slice(2).map(bytes));
}

// SMEMBERS key
function smembers(ctx: ExecContext, argv: Arg[]): Reply {
  return setMembers(ctx.keyspace, text(argv[1]!));
}

// SISMEMBER key member
function sismember(ctx: ExecContext, argv: Arg[]): Reply {
  return setHas(ctx.keyspace, text(argv[1]!), [bytes(argv[2]!)])[0]!;
}

// SMISMEMBER key member [member …]
function smismember(ctx: ExecContext, argv: Arg[]): Reply {
  return setHas(ctx.keyspace, text(argv[1]!), argv.slice(2).map(bytes));
}

// SCARD key
function scard(ctx: ExecContext, argv: Arg[]): Reply {
  return setCard(ctx.keyspace, text(argv[1]!));
}

// SPOP key [count]
function spop(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 3) throw new CommandError(Errors.syntax);
  if (argv.length === 2) return setPop(ctx.keyspace, text(argv[1]!), 1)?.[0] ?? null;
  const v = parseI64(text(argv[2]!));
  if (v === null || v < 0n) throw new CommandError(Errors.outOfRangePositive);
  return setPop(ctx.keyspace, text(argv[1]!), clamp(v)) ?? [];
}

// SRANDMEMBER key [count]
function srandmember(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 3) throw new CommandError(Errors.syntax);
  if (argv.length === 2) return setRandom(ctx.keyspace, text(argv[1]!), 1)?.[0] ?? null;
  const v = new ArgCursor(argv, 2).takeI64();
  if (v === -(2n ** 63n)) throw new CommandError(Errors.randCountOutOfRange);
  return setRandom(ctx.keyspace, text(argv[1]!), clamp(v)) ?? [];
}

/** What SMOVE observed: both keys' types, one key or two, whether the member is in the source. */
export interface SmoveObservation {
  source: ObservedType;
  destination: ObservedType;
  sameKey: boolean;
  isMember: boolean;
}

/**
 * SMOVE's rule (the shard handler and the cross-shard planner both follow it): a missing source
 * is 0 before any type check; then a source that is not a set, or a destination that exists and
 * is not one, is WRONGTYPE; then 1 when the member is in the source (moved, unless both keys are
 * one), else 0.
 */
export function smoveOutcome(o: SmoveObservation): Outcome {
  if (o.source === "none") return { reply: 0, write: false };
  if (o.source !== "set" || (o.destination !== "set" && o.destination !== "none")) return { reply: err(Errors.wrongType), write: false };
  return { reply: o.isMember ? 1 : 0, write: o.isMember && !o.sameKey };
}

// SMOVE source destination member
function smove(ctx: ExecContext, argv: Arg[]): Reply {
  const [src, dst, member] = [text(argv[1]!), text(argv[2]!), bytes(argv[3]!)];
  const ks = ctx.keyspace;
  const source = observedType(ks.find(src));
  const destination = observedType(ks.find(dst));
  const isMember = source === "set" && setHas(ks, src, [member])[0] === 1;
  const outcome = smoveOutcome({ source, destination, sameKey: src === dst, isMember });
  if (outcome.write) setMove(ks, src, dst, member);
  return replyOf(outcome);
}

// SINTER key [key …] / SUNION … / SDIFF …
function algebra(op: SetOp) {
  return (ctx: ExecContext, argv: Arg[]): Reply => setAlgebra(ctx.keyspace, op, argv.slice(1).map(text));
}

// SINTERSTORE destination key [key …] / SUNIONSTORE … / SDIFFSTORE …
function algebraStore(op: SetOp) {
  return (ctx: ExecContext, argv: Arg[]): Reply => setAlgebraStore(ctx.keyspace, op, text(argv[1]!), argv.slice(2).map(text));
}

// SINTERCARD numkeys key [key …] [LIMIT limit]
function sintercard(ctx: ExecContext, argv: Arg[]): Reply {
  const n = parseI64(text(argv[1]!));
  if (n === null || n < 1n) throw new CommandError(Errors.numkeysPositive);
  if (n > BigInt(argv.length - 2)) throw new CommandError(Errors.numkeysTooMany);
  const keys = argv.slice(2, 2 + Number(n)).map(text);
  const p = new ArgCursor(argv, 2 + Number(n));
  let limit = 0;
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("LIMIT")) {
      const v = parseI64(p.takeText());
      if (v === null || v < 0n) throw new CommandError(Errors.limitNegative);
      limit = clamp(v);
    } else {
      p.syntaxError();
    }
  }
  return setInterCard(ctx.keyspace, keys, limit);
}

/** A SCAN cursor as Redis's strtoul reads it (a negative one wraps around); null if invalid. */
function parseCursor(s: string): number | null {
  if (!/^[+-]?[0-9]*$/.test(s)) return null;
  const digits = s.replace(/^[+-]/, "");
  const v = digits === "" ? 0n : BigInt(digits);
  if (v > U64_MAX) return null;
  const u = s.startsWith("-") && v > 0n ? 2n ** 64n - v : v;
  return u > BigInt(LIMIT) ? LIMIT : Number(u);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
function sscan(ctx: ExecContext, argv: Arg[]): Reply {
  const cursor = parseCursor(text(argv[2]!));
  if (cursor === null) throw new CommandError(Errors.invalidCursor);
  const key = text(argv[1]!);
  // Redis looks the key up before reading options: a missing key is an empty scan.
  if (setCard(ctx.keyspace, key) === 0) return ["0", []];
  const p = new ArgCursor(argv, 3);
  let count = 10;
  let match: Uint8Array | null = null;
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("COUNT")) {
      count = clamp(p.takeI64());
      if (count < 1) p.syntaxError();
    } else if (p.remaining() >= 2 && p.eat("MATCH")) {
      match = bytes(p.take());
    } else {
      p.syntaxError();
    }
  }
  if (match && match.length === 1 && match[0] === 0x2a) match = null;
  const page = setScan(ctx.keyspace, key, cursor, count, match)!;
  return [String(page.next), page.members];
}

export const setCommands: CommandSpec[] = [
  { name: "sadd", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: sadd },
  { name: "srem", arity: -3, flags: ["write", "fast"], keys: ONE_KEY, run: srem },
  { name: "smembers", arity: 2, flags: ["readonly"], keys: ONE_KEY, run: smembers },
  { name: "sismember", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: sismember },
  { name: "smismember", arity: -3, flags: ["readonly", "fast"], keys: ONE_KEY, run: smismember },
  { name: "scard", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: scard },
  { name: "spop", arity: -2, flags: ["write", "random", "fast"], keys: ONE_KEY, run: spop },
  { name: "srandmember", arity: -2, flags: ["readonly", "random"], keys: ONE_KEY, run: srandmember },
  { name: "smove", arity: 4, flags: ["write", "fast"], keys: TWO_KEYS, cluster: { kind: "cross", planner: "smove" }, keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["RW", "insert"], 2)], run: smove },
  { name: "sinter", arity: -2, flags: ["readonly"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, run: algebra("inter") },
  { name: "sunion", arity: -2, flags: ["readonly"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, run: algebra("union") },
  { name: "sdiff", arity: -2, flags: ["readonly"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, run: algebra("diff") },
  { name: "sinterstore", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, keySpecs: [rangeSpec(["RW", "update"], 1), rangeSpec(["RO", "access"], 2, -1)], run: algebraStore("inter") },
  { name: "sunionstore", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, run: algebraStore("union") },
  { name: "sdiffstore", arity: -3, flags: ["write", "denyoom"], keys: ALL_KEYS, cluster: { kind: "cross", gather: true }, run: algebraStore("diff") },
  { name: "sintercard", arity: -3, flags: ["readonly"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, run: sintercard },
  { name: "sscan", arity: -3, flags: ["readonly", "random"], keys: ONE_KEY, run: sscan },
];
