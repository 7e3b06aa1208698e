/**
 * Sorted set commands: argv → typed arguments → store/zsets.ts → reply. Set algebra
 * (ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD) and the pops are in
 * zset-algebra.ts; argument parsing shared by both in zset-args.ts.
 */
import { Notify } from "../pubsub/notify";
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import { MAX_RANDOM_REPEATS } from "../store/sets";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { formatDouble } from "../format";
import { CommandError, type Reply } from "../reply";
import { globMatch } from "../store/glob";
import { storeZsetRanks } from "../store/zset-bulk";
import { findZset, zadd, type Entry, type Range, type RangeOptions, type SortedSet, type ZaddOptions } from "../store/zsets";
import type { CommandSpec } from "../table";
import { parseScanCursor } from "./hashes";
import { entriesReply, parseLexBound, parseScore, parseScoreBound } from "./zset-args";
import { zsetAlgebraCommands } from "./zset-algebra";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
function zaddCommand(ctx: ExecContext, argv: Arg[]): Reply {
  const opts: ZaddOptions = {};
  const p = new ArgCursor(argv, 2);
  let nx = false, xx = false, gt = false, lt = false;
  for (;;) {
    if (p.eat("NX")) nx = true;
    else if (p.eat("XX")) xx = true;
    else if (p.eat("GT")) gt = true;
    else if (p.eat("LT")) lt = true;
    else if (p.eat("CH")) opts.ch = true;
    else if (p.eat("INCR")) opts.incr = true;
    else break;
  }
  const n = p.remaining();
  if (n === 0 || n % 2 !== 0) p.syntaxError();
  if (nx && xx) throw new CommandError(Errors.zaddXxNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new CommandError(Errors.zaddGtLtNx);
  if (opts.incr && n > 2) throw new CommandError(Errors.zaddIncrPair);
  if (nx) opts.mode = "nx";
  if (xx) opts.mode = "xx";
  if (gt) opts.cmp = "gt";
  if (lt) opts.cmp = "lt";
  const items: Entry[] = [];
  while (p.more()) {
    const score = parseScore(p.take());
    items.push({ score, member: bytes(p.take()) });
  }
  const r = zadd(ctx.keyspace, text(argv[1]!), items, opts);
  if (typeof r === "number") return r;
  return r.score === null ? null : formatDouble(r.score);
}

// ZINCRBY key increment member
function zincrby(ctx: ExecContext, argv: Arg[]): Reply {
  const incr = parseScore(argv[2]!);
  const r = zadd(ctx.keyspace, text(argv[1]!), [{ score: incr, member: bytes(argv[3]!) }], { incr: true });
  return typeof r === "number" || r.score === null ? null : formatDouble(r.score);
}

// ZREM key member [member ...]
function zrem(ctx: ExecContext, argv: Arg[]): Reply {
  const set = findZset(ctx.keyspace, text(argv[1]!));
  if (!set) return 0;
  let n = 0;
  for (let i = 2; i < argv.length; i++) if (set.remove(bytes(argv[i]!))) n++;
  if (n > 0) ctx.keyspace.notify(Notify.ZSet, "zrem", set.row.key);
  set.deleteIfEmpty();
  return n;
}

// ZSCORE key member
function zscore(ctx: ExecContext, argv: Arg[]): Reply {
  const s = findZset(ctx.keyspace, text(argv[1]!))?.score(bytes(argv[2]!)) ?? null;
  return s === null ? null : formatDouble(s);
}

// ZMSCORE key member [member ...]
function zmscore(ctx: ExecContext, argv: Arg[]): Reply {
  const set = findZset(ctx.keyspace, text(argv[1]!));
  return argv.slice(2).map((m) => {
    const s = set?.score(bytes(m)) ?? null;
    return s === null ? null : formatDouble(s);
  });
}

// ZCARD key
function zcard(ctx: ExecContext, argv: Arg[]): Reply {
  return findZset(ctx.keyspace, text(argv[1]!))?.card() ?? 0;
}

// ZCOUNT key min max / ZLEXCOUNT key min max
function countGeneric(by: "score" | "lex") {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const range: Range =
      by === "score"
        ? { by, min: parseScoreBound(argv[2]!), max: parseScoreBound(argv[3]!) }
        : { by, min: parseLexBound(argv[2]!), max: parseLexBound(argv[3]!) };
    const set = findZset(ctx.keyspace, text(argv[1]!));
    if (!set) return 0;
    const [from, to] = set.span(range);
    return Math.max(0, to - from);
  };
}

// ZRANK key member [WITHSCORE] / ZREVRANK key member [WITHSCORE]
function rankGeneric(rev: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    let withScore = false;
    if (argv.length === 4 && text(argv[3]!).toUpperCase() === "WITHSCORE") withScore = true;
    else if (argv.length > 3) throw new CommandError(Errors.syntax);
    const set = findZset(ctx.keyspace, text(argv[1]!));
    const r = set?.rankOf(bytes(argv[2]!));
    if (!set || !r) return null;
    const rank = rev ? set.card() - 1 - r.rank : r.rank;
    return withScore ? [rank, formatDouble(r.score)] : rank;
  };
}

type RangeStyle = "zrange" | "zrevrange" | "byscore" | "revbyscore" | "bylex" | "revbylex";

/**
 * ZRANGE's generic function, for every range read and ZRANGESTORE:
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
 * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * ZREVRANGE key start stop [WITHSCORES]
 * ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] (ZREVRANGEBYSCORE key max min …)
 * ZRANGEBYLEX key min max [LIMIT offset count] (ZREVRANGEBYLEX key max min …)
 */
function rangeGeneric(style: RangeStyle, store: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const src = store ? 2 : 1;
    let by: "rank" | "score" | "lex" = style.endsWith("byscore") ? "score" : style.endsWith("bylex") ? "lex" : "rank";
    let rev = style.startsWith("rev") || style === "zrevrange";
    let withScores = false;
    let limit: RangeOptions["limit"];
    const p = new ArgCursor(argv, src + 3);
    while (p.more()) {
      if (!store && p.eat("WITHSCORES")) withScores = true;
      else if (p.remaining() >= 3 && p.eat("LIMIT")) limit = { offset: p.takeInt(), count: p.takeInt() };
      else if (style === "zrange" && p.eat("BYSCORE")) by = by === "rank" ? "score" : p.syntaxError();
      else if (style === "zrange" && p.eat("BYLEX")) by = by === "rank" ? "lex" : p.syntaxError();
      else if (style === "zrange" && !rev && p.eat("REV")) rev = true;
      else p.syntaxError();
    }
    if (limit && by === "rank") {
      // As Redis: a rank range only refuses a LIMIT that limits (any count but -1; the offset is ignored).
      if (limit.count !== -1) throw new CommandError(Errors.zrangeLimitNeedsBy);
      limit = undefined;
    }
    if (withScores && by === "lex") throw new CommandError(Errors.zrangeWithscoresBylex);
    let [a, b] = [argv[src + 1]!, argv[src + 2]!];
    if (rev && by !== "rank") [a, b] = [b, a];
    let range: Range;
    if (by === "rank") {
      const start = parseI64(text(a)), stop = parseI64(text(b));
      if (start === null || stop === null) throw new CommandError(Errors.notInteger);
      range = { by, start: clampRank(start), stop: clampRank(stop) };
    } else if (by === "score") {
      range = { by, min: parseScoreBound(a), max: parseScoreBound(b) };
    } else {
      range = { by, min: parseLexBound(a), max: parseLexBound(b) };
    }
    const set = findZset(ctx.keyspace, text(argv[src]!));
    if (store) {
      const w = set ? set.window(range, { rev, limit }) : { from: 0, to: 0 };
      return storeZsetRanks(ctx.keyspace, text(argv[1]!), set, w.from, w.to, "zrangestore");
    }
    return entriesReply(set ? set.range(range, { rev, limit }) : [], withScores);
  };
}

function clampRank(v: bigint): number {
  const lim = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > lim ? lim : v < -lim ? -lim : v);
}

// ZREMRANGEBYRANK key start stop / ZREMRANGEBYSCORE key min max / ZREMRANGEBYLEX key min max
function removeRangeGeneric(by: "rank" | "score" | "lex") {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    let range: Range;
    if (by === "rank") {
      const start = parseI64(text(argv[2]!)), stop = parseI64(text(argv[3]!));
      if (start === null || stop === null) throw new CommandError(Errors.notInteger);
      range = { by, start: clampRank(start), stop: clampRank(stop) };
    } else if (by === "score") {
      range = { by, min: parseScoreBound(argv[2]!), max: parseScoreBound(argv[3]!) };
    } else {
      range = { by, min: parseLexBound(argv[2]!), max: parseLexBound(argv[3]!) };
    }
    const set = findZset(ctx.keyspace, text(argv[1]!));
    if (!set) return 0;
    const w = set.window(range);
    return set.removeRanks(w.from, w.to, `zremrangeby${by}`);
  };
}

const RAND_COUNT_LIMIT = 2n ** 63n - 1n;

// ZRANDMEMBER key [count [WITHSCORES]]
function zrandmember(ctx: ExecContext, argv: Arg[]): Reply {
  let count: number | null = null;
  let withScores = false;
  if (argv.length >= 3) {
    const c = parseI64(text(argv[2]!));
    if (c === null) throw new CommandError(Errors.notInteger);
    if (c < -RAND_COUNT_LIMIT) throw new CommandError(Errors.randCountOutOfRange);
    if (c < -BigInt(MAX_RANDOM_REPEATS)) throw new CommandError(Errors.randomCountTooLarge(MAX_RANDOM_REPEATS));
    count = Number(c);
    if (argv.length === 4 && text(argv[3]!).toUpperCase() === "WITHSCORES") withScores = true;
    else if (argv.length > 3) throw new CommandError(Errors.syntax);
  }
  const set = findZset(ctx.keyspace, text(argv[1]!));
  if (count === null) {
    if (!set) return null;
    return pickOne(set);
  }
  if (!set || count === 0) return [];
  const card = set.card();
  if (count >= card) return entriesReply(set.read(0, card), withScores);
  const ranks = count < 0 ? Array.from({ length: -count }, () => randomInt(card)) : distinctRanks(count, card);
  return entriesReply(entriesAt(set, ranks), withScores);
}

/** `count` distinct ranks below `card` in random order (Floyd's sampling, then a shuffle). */
function distinctRanks(count: number, card: number): number[] {
  const picked = new Set<number>();
  for (let j = card - count; j < card; j++) {
    const t = randomInt(j + 1);
    picked.add(picked.has(t) ? j : t);
  }
  const out = [...picked];
  for (let i = out.length - 1; i > 0; i--) {
    const k = randomInt(i + 1);
    [out[i], out[k]] = [out[k]!, out[i]!];
  }
  return out;
}

/**
 * The members at `ranks` (in that order): one rank lookup each when they are few against the
 * set, else one ordered pass over the set (cheaper per member than a lookup).
 */
function entriesAt(set: SortedSet, ranks: number[]): Entry[] {
  if (ranks.length * 200 < set.card()) return ranks.map((r) => set.read(r, r + 1)[0]!);
  const order = ranks.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  const out: Entry[] = new Array(ranks.length);
  let rank = 0;
  let j = 0;
  for (const e of set.scan()) {
    while (j < order.length && order[j]![0] === rank) out[order[j++]![1]] = e;
    if (j === order.length) break;
    rank++;
  }
  return out;
}

function pickOne(set: SortedSet): Reply {
  const r = randomInt(set.card());
  return set.read(r, r + 1)[0]?.member ?? null;
}

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

/** Sets up to this size answer ZSCAN in one call (cursor 0), as Redis does for small sets. */
const SCAN_WHOLE_MAX = 128;

// ZSCAN key cursor [MATCH pattern] [COUNT count]
function zscan(ctx: ExecContext, argv: Arg[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  // As Redis: the cursor, then the key (a missing key is an empty scan, WRONGTYPE), then the options.
  const set = findZset(ctx.keyspace, text(argv[1]!));
  if (!set) return ["0", []];
  let match: Uint8Array | null = null;
  let count = 10;
  const p = new ArgCursor(argv, 3);
  while (p.more()) {
    if (p.remaining() >= 2 && p.eat("MATCH")) match = bytes(p.take());
    else if (p.remaining() >= 2 && p.eat("COUNT")) {
      count = p.takeInt();
      if (count < 1) p.syntaxError();
    } else p.syntaxError();
  }
  const page = set.card() <= SCAN_WHOLE_MAX ? { entries: set.read(0, set.card()), next: 0 } : set.scanPage(Number(cursor), count);
  // As Redis: MATCH * is no pattern at all (the bare matcher refuses `*` against an empty member).
  if (match && match.length === 1 && match[0] === 0x2a) match = null;
  const kept = match ? page.entries.filter((e) => globMatch(match, e.member)) : page.entries;
  return [String(page.next), entriesReply(kept, true)];
}

export const zsetCommands: CommandSpec[] = [
  { name: "zadd", arity: -4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: zaddCommand, summary: "ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]" },
  { name: "zincrby", arity: 4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: zincrby, summary: "ZINCRBY key increment member" },
  { name: "zrem", arity: -3, flags: ["write", "fast"], keys: ONE_KEY, run: zrem, summary: "ZREM key member [member ...]" },
  { name: "zscore", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: zscore, summary: "ZSCORE key member" },
  { name: "zmscore", arity: -3, flags: ["readonly", "fast"], keys: ONE_KEY, run: zmscore, summary: "ZMSCORE key member [member ...]" },
  { name: "zcard", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: zcard, summary: "ZCARD key" },
  { name: "zcount", arity: 4, flags: ["readonly", "fast"], keys: ONE_KEY, run: countGeneric("score"), summary: "ZCOUNT key min max" },
  { name: "zlexcount", arity: 4, flags: ["readonly", "fast"], keys: ONE_KEY, run: countGeneric("lex"), summary: "ZLEXCOUNT key min max" },
  { name: "zrank", arity: -3, flags: ["readonly", "fast"], keys: ONE_KEY, run: rankGeneric(false), summary: "ZRANK key member [WITHSCORE]" },
  { name: "zrevrank", arity: -3, flags: ["readonly", "fast"], keys: ONE_KEY, run: rankGeneric(true), summary: "ZREVRANK key member [WITHSCORE]" },
  { name: "zrange", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("zrange", false), summary: "ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]" },
  { name: "zrangestore", arity: -5, flags: ["write", "denyoom"], keys: TWO_KEYS, cluster: { kind: "cross", gather: true }, run: rangeGeneric("zrange", true), summary: "ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]" },
  { name: "zrevrange", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("zrevrange", false), summary: "ZREVRANGE key start stop [WITHSCORES]" },
  { name: "zrangebyscore", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("byscore", false), summary: "ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]" },
  { name: "zrevrangebyscore", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("revbyscore", false), summary: "ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]" },
  { name: "zrangebylex", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("bylex", false), summary: "ZRANGEBYLEX key min max [LIMIT offset count]" },
  { name: "zrevrangebylex", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric("revbylex", false), summary: "ZREVRANGEBYLEX key max min [LIMIT offset count]" },
  { name: "zremrangebyrank", arity: 4, flags: ["write"], keys: ONE_KEY, run: removeRangeGeneric("rank"), summary: "ZREMRANGEBYRANK key start stop" },
  { name: "zremrangebyscore", arity: 4, flags: ["write"], keys: ONE_KEY, run: removeRangeGeneric("score"), summary: "ZREMRANGEBYSCORE key min max" },
  { name: "zremrangebylex", arity: 4, flags: ["write"], keys: ONE_KEY, run: removeRangeGeneric("lex"), summary: "ZREMRANGEBYLEX key min max" },
  { name: "zrandmember", arity: -2, flags: ["readonly", "random"], keys: ONE_KEY, run: zrandmember, summary: "ZRANDMEMBER key [count [WITHSCORES]]" },
  { name: "zscan", arity: -3, flags: ["readonly", "random"], keys: ONE_KEY, run: zscan, summary: "ZSCAN key cursor [MATCH pattern] [COUNT count]" },
  ...zsetAlgebraCommands,
];
