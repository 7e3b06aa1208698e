/**
 * Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP
 * (docs/blocking.md). Each parses its timeout, then runs its non-blocking form (LMPOP, LMOVE,
 * ZMPOP's rules); with nothing to take it asks the batch's blocker to wait (blocking/waiters.ts)
 * and answers BLOCKED, or, where nothing may wait (MULTI/EXEC, a script), answers nil as Redis
 * does. A waiter is served by running the same handler again when one of its keys is created.
 */
import { rangeSpec, keynumSpec } from "../key-specs";
import { text, type Arg } from "../args";
import { BLOCKED } from "../blocking/waiters";
import { parseBlockTimeout } from "../blocking/timeout";
import type { ExecContext } from "../context";
import type { Reply } from "../reply";
import { KeyType } from "../store/keyspace";
import { listMultiPop, type End } from "../store/lists";
import { findZset } from "../store/zsets";
import type { CommandSpec } from "../table";
import { moveGeneric, multiPopGeneric, parseMoveEnds } from "./lists";
import { entriesReply, numkeysFinder } from "./zset-args";
import { zmpopGeneric } from "./zset-algebra";

const KEYS_BEFORE_TIMEOUT = { first: 1, last: -2, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };

/** Waits when the batch may (BLOCKED), else the non-blocking form's empty reply (nil). */
function waitOr(ctx: ExecContext, argv: Arg[], keys: string[], type: KeyType, timeoutMs: number): Reply {
  return ctx.blocker?.block(argv, keys, type, timeoutMs) ? BLOCKED : null;
}

// BLPOP key [key ...] timeout / BRPOP key [key ...] timeout
function blockingPop(end: End) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const timeout = parseBlockTimeout(argv[argv.length - 1]!);
    const keys = argv.slice(1, -1).map(text);
    const out = listMultiPop(ctx.keyspace, keys, end, 1);
    if (out) return [out[0], out[1][0]!];
    return waitOr(ctx, argv, keys, KeyType.List, timeout);
  };
}

function blockingMove(ctx: ExecContext, argv: Arg[], from: End, to: End, timeout: number): Reply {
  const src = text(argv[1]!);
  // Only a missing source waits; a source or destination of another type answers WRONGTYPE now.
  if (ctx.keyspace.find(src) === null) return waitOr(ctx, argv, [src], KeyType.List, timeout);
  return moveGeneric(ctx, src, text(argv[2]!), from, to);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
function blmove(ctx: ExecContext, argv: Arg[]): Reply {
  const [from, to] = parseMoveEnds(argv);
  return blockingMove(ctx, argv, from, to, parseBlockTimeout(argv[5]!));
}

// BRPOPLPUSH source destination timeout
function brpoplpush(ctx: ExecContext, argv: Arg[]): Reply {
  return blockingMove(ctx, argv, "right", "left", parseBlockTimeout(argv[3]!));
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
function blmpop(ctx: ExecContext, argv: Arg[]): Reply {
  let timeout = 0;
  const { keys, reply } = multiPopGeneric(ctx, argv, 2, () => (timeout = parseBlockTimeout(argv[1]!)));
  return reply ?? waitOr(ctx, argv, keys, KeyType.List, timeout);
}

// BZPOPMIN key [key ...] timeout / BZPOPMAX key [key ...] timeout
function blockingZpop(max: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const timeout = parseBlockTimeout(argv[argv.length - 1]!);
    const keys = argv.slice(1, -1).map(text);
    for (const key of keys) {
      const set = findZset(ctx.keyspace, key);
      if (set) return [key, ...entriesReply(set.pop(1, max), true)];
    }
    return waitOr(ctx, argv, keys, KeyType.ZSet, timeout);
  };
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
function bzmpop(ctx: ExecContext, argv: Arg[]): Reply {
  let timeout = 0;
  const { keys, reply } = zmpopGeneric(ctx, argv, 2, () => (timeout = parseBlockTimeout(argv[1]!)));
  return reply ?? waitOr(ctx, argv, keys, KeyType.ZSet, timeout);
}

const POPPED = rangeSpec(["RW", "access", "delete"], 1, -2);

export const blockingCommands: CommandSpec[] = [
  { name: "blpop", arity: -3, flags: ["write", "noscript", "blocking"], keys: KEYS_BEFORE_TIMEOUT, keySpecs: [POPPED], run: blockingPop("left"), summary: "BLPOP key [key ...] timeout" },
  { name: "brpop", arity: -3, flags: ["write", "noscript", "blocking"], keys: KEYS_BEFORE_TIMEOUT, keySpecs: [POPPED], run: blockingPop("right"), summary: "BRPOP key [key ...] timeout" },
  { name: "blmove", arity: 6, flags: ["write", "denyoom", "noscript", "blocking"], keys: TWO_KEYS, keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["RW", "insert"], 2)], run: blmove, summary: "BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout" },
  { name: "brpoplpush", arity: 4, flags: ["write", "denyoom", "noscript", "blocking"], keys: TWO_KEYS, keySpecs: [rangeSpec(["RW", "access", "delete"], 1), rangeSpec(["RW", "insert"], 2)], run: brpoplpush, summary: "BRPOPLPUSH source destination timeout" },
  { name: "blmpop", arity: -5, flags: ["write", "blocking"], keys: numkeysFinder(2), keySpecs: [keynumSpec(["RW", "access", "delete"], 2)], run: blmpop, summary: "BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]" },
  { name: "bzpopmin", arity: -3, flags: ["write", "noscript", "blocking", "fast"], keys: KEYS_BEFORE_TIMEOUT, keySpecs: [POPPED], run: blockingZpop(false), summary: "BZPOPMIN key [key ...] timeout" },
  { name: "bzpopmax", arity: -3, flags: ["write", "noscript", "blocking", "fast"], keys: KEYS_BEFORE_TIMEOUT, keySpecs: [POPPED], run: blockingZpop(true), summary: "BZPOPMAX key [key ...] timeout" },
  { name: "bzmpop", arity: -5, flags: ["write", "blocking"], keys: numkeysFinder(2), keySpecs: [keynumSpec(["RW", "access", "delete"], 2)], run: bzmpop, summary: "BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]" },
];
