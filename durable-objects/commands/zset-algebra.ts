/**
 * Sorted set commands over several keys or popping: ZUNION ZINTER ZDIFF (and their STORE
 * forms), ZINTERCARD, ZPOPMIN ZPOPMAX ZMPOP. The algebra runs in SQLite (store/zset-algebra.ts);
 * as in Redis, an input may also be a plain set, whose members all have score 1.
 */
import { keynumSpec, rangeSpec } from "../key-specs";
import { ArgCursor, parseI64, parseIntArg, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, type Reply } from "../reply";
import { algebraInterCard, algebraRead, algebraStore, openAlgebraInput, type Aggregate, type AlgebraOp } from "../store/zset-algebra";
import { findZset } from "../store/zsets";
import type { CommandSpec } from "../table";
import { entriesReply, numkeysFinder, pairsReply, parseScore } from "./zset-args";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** Parses `numkeys key [key …]` at `at`; returns the key names and the index after them. */
function parseKeys(argv: Arg[], at: number, cmd: string, zeroError?: string): { keys: string[]; next: number } {
  const n = parseI64(text(argv[at]!));
  if (n === null || n < -(2n ** 31n) || n >= 2n ** 31n) throw new CommandError(zeroError ?? Errors.notInteger);
  if (n < 1n) throw new CommandError(zeroError ?? Errors.atLeastOneInputKey(cmd));
  if (Number(n) > argv.length - at - 1) throw new CommandError(Errors.syntax);
  const keys = argv.slice(at + 1, at + 1 + Number(n)).map(text);
  return { keys, next: at + 1 + Number(n) };
}

/**
 * ZUNION/ZINTER/ZDIFF's generic function:
 * ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
 * ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
 * ZDIFF numkeys key [key ...] [WITHSCORES] / ZDIFFSTORE destination numkeys key [key ...]
 */
function algebraGeneric(op: AlgebraOp, store: boolean) {
  const cmd = `z${op}${store ? "store" : ""}`;
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const { keys, next } = parseKeys(argv, store ? 2 : 1, cmd);
    // As Redis: every input's type is checked before the options are parsed.
    const inputs = keys.map((k) => openAlgebraInput(ctx.keyspace, k));
    const weights = keys.map(() => 1);
    let how: Aggregate = "sum";
    let withScores = false;
    const p = new ArgCursor(argv, next);
    while (p.more()) {
      if (op !== "diff" && p.remaining() > keys.length && p.eat("WEIGHTS")) {
        for (let i = 0; i < keys.length; i++) weights[i] = parseScore(p.take(), Errors.weightNotFloat);
      } else if (op !== "diff" && p.remaining() >= 2 && p.eat("AGGREGATE")) {
        const a = p.takeText().toLowerCase();
        if (a !== "sum" && a !== "min" && a !== "max") p.syntaxError();
        how = a as Aggregate;
      } else if (!store && p.eat("WITHSCORES")) {
        withScores = true;
      } else {
        p.syntaxError();
      }
    }
    const spec = { op, inputs, weights, how };
    if (store) return algebraStore(ctx.keyspace, text(argv[1]!), spec, cmd);
    return entriesReply(algebraRead(ctx.keyspace, spec), withScores);
  };
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
function zintercard(ctx: ExecContext, argv: Arg[]): Reply {
  const { keys, next } = parseKeys(argv, 1, "zintercard");
  // As Redis: every input's type is checked before the options are parsed.
  const inputs = keys.map((k) => openAlgebraInput(ctx.keyspace, k));
  let limit = 0;
  const p = new ArgCursor(argv, next);
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("LIMIT")) {
      limit = parseIntArg(p.take(), Errors.limitNegative);
      if (limit < 0) throw new CommandError(Errors.limitNegative);
    } else p.syntaxError();
  }
  return algebraInterCard(ctx.keyspace, inputs, limit);
}

// ZPOPMIN key [count] / ZPOPMAX key [count]
function popGeneric(max: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    if (argv.length > 3) throw new CommandError(Errors.syntax);
    const count = argv.length === 3 ? parseIntArg(argv[2]!, Errors.outOfRangePositive) : 1;
    if (count < 0) throw new CommandError(Errors.outOfRangePositive);
    const set = findZset(ctx.keyspace, text(argv[1]!));
    if (!set || count === 0) return [];
    return entriesReply(set.pop(count, max), true);
  };
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
function zmpop(ctx: ExecContext, argv: Arg[]): Reply {
  return zmpopGeneric(ctx, argv, 1).reply;
}

/** ZMPOP from its numkeys at `at` (BZMPOP's is after the timeout): the keys and the reply (nil when every set is empty); `parsed` as multiPopGeneric's (lists.ts). */
export function zmpopGeneric(ctx: ExecContext, argv: Arg[], at: number, parsed?: () => void): { keys: string[]; reply: Reply } {
  const { keys, next } = parseKeys(argv, at, at === 1 ? "zmpop" : "bzmpop", Errors.numkeysPositive);
  const p = new ArgCursor(argv, next);
  const where = p.more() ? p.takeText().toUpperCase() : p.syntaxError();
  if (where !== "MIN" && where !== "MAX") p.syntaxError();
  let count: number | null = null;
  while (p.more()) {
    if (count === null && p.remaining() >= 2 && p.eat("COUNT")) {
      count = parseIntArg(p.take(), Errors.countPositive);
      if (count < 1) throw new CommandError(Errors.countPositive);
    } else p.syntaxError();
  }
  parsed?.();
  for (const key of keys) {
    const set = findZset(ctx.keyspace, key);
    if (set) return { keys, reply: [key, pairsReply(set.pop(count ?? 1, where === "MAX"))] };
  }
  return { keys, reply: null };
}

export const zsetAlgebraCommands: CommandSpec[] = [
  { name: "zunion", arity: -3, flags: ["readonly"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, keySpecs: [keynumSpec(["RO", "access"], 1)], run: algebraGeneric("union", false), summary: "ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]" },
  { name: "zinter", arity: -3, flags: ["readonly"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, run: algebraGeneric("inter", false), summary: "ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]" },
  { name: "zdiff", arity: -3, flags: ["readonly"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, run: algebraGeneric("diff", false), summary: "ZDIFF numkeys key [key ...] [WITHSCORES]" },
  { name: "zunionstore", arity: -4, flags: ["write", "denyoom"], keys: numkeysFinder(2, [1]), cluster: { kind: "cross", gather: true }, keySpecs: [rangeSpec(["OW", "update"], 1), keynumSpec(["RO", "access"], 2)], run: algebraGeneric("union", true), summary: "ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]" },
  { name: "zinterstore", arity: -4, flags: ["write", "denyoom"], keys: numkeysFinder(2, [1]), cluster: { kind: "cross", gather: true }, run: algebraGeneric("inter", true), summary: "ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]" },
  { name: "zdiffstore", arity: -4, flags: ["write", "denyoom"], keys: numkeysFinder(2, [1]), cluster: { kind: "cross", gather: true }, run: algebraGeneric("diff", true), summary: "ZDIFFSTORE destination numkeys key [key ...]" },
  { name: "zintercard", arity: -3, flags: ["readonly"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, run: zintercard, summary: "ZINTERCARD numkeys key [key ...] [LIMIT limit]" },
  { name: "zpopmin", arity: -2, flags: ["write", "fast"], keys: ONE_KEY, run: popGeneric(false), summary: "ZPOPMIN key [count]" },
  { name: "zpopmax", arity: -2, flags: ["write", "fast"], keys: ONE_KEY, run: popGeneric(true), summary: "ZPOPMAX key [count]" },
  { name: "zmpop", arity: -4, flags: ["write"], keys: numkeysFinder(1), cluster: { kind: "cross", gather: true }, run: zmpop, summary: "ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]" },
];
