/**
 * Rate-limit commands: one atomic decision per command inside the shard that owns the key.
 *
 * Every command replies with the same five integers, in the order of redis-cell's
 * CL.THROTTLE so that one client-side parser serves all of them:
 *
 *   1. limited: 0 when the request is admitted, 1 when it is refused
 *   2. limit: the limiter's capacity (limit, bucket capacity, or max_burst + 1 for GCRA)
 *   3. remaining: units that could still be admitted now
 *   4. retry-after: when refused, time until the same request would be admitted; -1 when
 *      admitted, or when the cost exceeds the capacity (never admitted)
 *   5. reset-after: time until the limiter is back to full capacity if nothing more comes
 *
 * RL.* take and reply milliseconds; CL.THROTTLE takes its period in seconds and replies
 * seconds rounded up, exactly as redis-cell. A cost of 0 looks without spending.
 *
 * The RL.* decisions (not CL.THROTTLE, which takes exactly redis-cell's arguments) end with
 * optional `RULE name` and `CACHED n`: the decision is also counted under the rule's name
 * (GET /metrics `edgekv_ratelimit_rule_decisions_total`, summed over the shards), and `n` more
 * refusals with it, those the caller answered from its refusal cache since its last call. They
 * change only the counters, never the decision.
 */
import { ArgCursor, text, utf8, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, type Reply } from "../reply";
import {
  BUCKET,
  decide,
  decideGcra,
  FIXED,
  fixedWindow,
  SLIDING,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Decision,
  type GcraDecision,
  type WindowParams,
} from "../store/ratelimit";
import { KeyType } from "../store/keyspace";
import type { CommandSpec } from "../table";
import { leaseStep } from "../leases/grant";

const ONE_KEY = { first: 1, last: 1, step: 1 };
/** Parameters beyond this are refused: every product of two stays an exact double. */
const MAX_PARAM = 2 ** 40;

function positive(p: ArgCursor, name: string): number {
  const v = p.takeI64();
  if (v <= 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitParam(name));
  return Number(v);
}

function nonNegative(p: ArgCursor, name: string): number {
  const v = p.takeI64();
  if (v < 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitNonNegative(name));
  return Number(v);
}

/** The rule a decision is counted under (`RULE name`), and the caller's cached refusals of it (`CACHED n`). */
interface RuleTail {
  rule: string | null;
  cached: number;
}

const NO_RULE: RuleTail = { rule: null, cached: 0 };

/** The optional trailing cost (default 1); anything after it is a syntax error. */
function costOf(p: ArgCursor): number {
  if (!p.more()) return 1;
  const v = p.takeI64();
  if (v < 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitCost);
  if (p.more()) p.syntaxError();
  return Number(v);
}

/** `[cost] [RULE name] [CACHED n]` (RL.* decisions): the cost (default 1) and the rule; CACHED needs RULE. */
function costAndRule(p: ArgCursor): { cost: number; tail: RuleTail } {
  let cost = 1;
  const word = p.peekUpper();
  if (word !== null && word !== "RULE" && word !== "CACHED") {
    const v = p.takeI64();
    if (v < 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitCost);
    cost = Number(v);
  }
  let rule: string | null = null;
  let cached = 0;
  while (p.more()) {
    if (p.eat("RULE")) rule = p.takeText();
    else if (p.eat("CACHED")) cached = nonNegative(p, "cached");
    else p.syntaxError();
  }
  if (cached > 0 && rule === null) p.syntaxError();
  return { cost, tail: rule === null ? NO_RULE : { rule, cached } };
}

/**
 * Counts a decision in the shard's counters (GET /metrics): admitted and refused per algorithm,
 * `ratelimit_admitted:<algorithm>` or `ratelimit_refused:<algorithm>`, and per rule when the
 * command named one (with the caller's cached refusals of it).
 */
function counted<D extends { allowed: boolean }>(ctx: ExecContext, algorithm: string, d: D, tail: RuleTail = NO_RULE): D {
  ctx.stats.incr(d.allowed ? `ratelimit_admitted:${algorithm}` : `ratelimit_refused:${algorithm}`);
  if (tail.rule !== null) ctx.stats.ruleDecisions(tail.rule, d.allowed ? 1 : 0, (d.allowed ? 0 : 1) + tail.cached);
  return d;
}

function reply(d: Decision): Reply {
  return [d.allowed ? 0 : 1, d.limit, d.remaining, d.retryAfter, d.resetAfter];
}

function windowParams(argv: Arg[]): { params: WindowParams; tail: RuleTail } {
  const p = new ArgCursor(argv, 2);
  const limit = positive(p, "limit");
  const windowMs = positive(p, "window");
  const { cost, tail } = costAndRule(p);
  return { params: { limit, windowMs, cost }, tail };
}

// RL.FIXED key limit window-ms [cost] [RULE name] [CACHED n]
function rlFixed(ctx: ExecContext, argv: Arg[]): Reply {
  const { params, tail } = windowParams(argv);
  return reply(counted(ctx, "fixed", decide(ctx.keyspace, text(argv[1]!), FIXED, (s) => fixedWindow(s, ctx.now, params)), tail));
}

// RL.SLIDING key limit window-ms [cost] [RULE name] [CACHED n]
function rlSliding(ctx: ExecContext, argv: Arg[]): Reply {
  const { params, tail } = windowParams(argv);
  return reply(counted(ctx, "sliding", decide(ctx.keyspace, text(argv[1]!), SLIDING, (s) => slidingWindow(s, ctx.now, params)), tail));
}

// RL.LOG key limit window-ms [cost] [RULE name] [CACHED n]
function rlLog(ctx: ExecContext, argv: Arg[]): Reply {
  const { params, tail } = windowParams(argv);
  return reply(counted(ctx, "log", slidingLog(ctx.keyspace, text(argv[1]!), params), tail));
}

// RL.BUCKET key capacity refill-tokens refill-ms [cost] [RULE name] [CACHED n]
function rlBucket(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const capacity = positive(p, "capacity");
  const refill = positive(p, "refill");
  const intervalMs = positive(p, "interval");
  const { cost, tail } = costAndRule(p);
  const params = { capacity, refill, intervalMs, cost };
  return reply(counted(ctx, "bucket", decide(ctx.keyspace, text(argv[1]!), BUCKET, (s) => tokenBucket(s, ctx.now, params)), tail));
}

// RL.LEASE key limit window-ms want [DECIDED rule admitted refused ...]
/**
 * A slice of RL.FIXED's budget for a lease holder (docs/global.md §4): in the key's current
 * window, takes min(want, remaining) units as admitted and answers [granted, window-end-ms,
 * remaining]. `want` 0 only looks. Same state as RL.FIXED, so both share one budget.
 *
 * Each `DECIDED rule admitted refused` is the holder's report of the decisions it made itself
 * (from its slices) under that rule since its last call to this shard: counted per rule, as a
 * RL.* `RULE` decision is (and not per algorithm: those count the shards' own decisions).
 */
function rlLease(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const limit = positive(p, "limit");
  const windowMs = positive(p, "window");
  const want = nonNegative(p, "want");
  const decided: [string, number, number][] = [];
  while (p.more()) {
    if (!p.eat("DECIDED")) p.syntaxError();
    decided.push([p.takeText(), nonNegative(p, "admitted"), nonNegative(p, "refused")]);
  }
  const key = text(argv[1]!);
  const ks = ctx.keyspace;
  const row = ks.findOfType(key, KeyType.String);
  const state = row ? FIXED.decode(row.value ? utf8(new Uint8Array(row.value)) : "", row.expire_at) : null;
  const { grant, next } = leaseStep(state, ctx.now, { limit, windowMs, want });
  if (next) {
    ks.writeString(key, new TextEncoder().encode(FIXED.encode(next)), next.windowEnd, row);
    ctx.stats.incr("ratelimit_leases");
    ctx.stats.incr("ratelimit_leased_units", grant.granted);
  }
  // Counted once the command cannot fail any more (a wrong type above counts nothing).
  for (const [rule, admitted, refused] of decided) ctx.stats.ruleDecisions(rule, admitted, refused);
  return [grant.granted, grant.windowEnd, grant.remaining];
}

/**
 * GCRA's arguments: max_burst count period [quantity], the period in `unitNs` nanoseconds;
 * with `rules` (RL.GCRA, not CL.THROTTLE) also [RULE name] [CACHED n]. Parsed whole before deciding.
 */
function gcraDecision(ctx: ExecContext, argv: Arg[], unitNs: bigint, rules: boolean): { d: GcraDecision; tail: RuleTail } {
  const p = new ArgCursor(argv, 2);
  const maxBurst = nonNegative(p, "max_burst");
  const count = nonNegative(p, "count");
  const period = nonNegative(p, "period");
  const { cost: quantity, tail } = rules ? costAndRule(p) : { cost: costOf(p), tail: NO_RULE };
  if (count === 0 || period === 0) throw new CommandError(Errors.zeroRate);
  return { d: decideGcra(ctx.keyspace, text(argv[1]!), { maxBurst, count, periodNs: BigInt(period) * unitNs, quantity }), tail };
}

/** A duration in ns to whole units, rounded up when there is a remainder of at least 1 ms (as redis-cell); -1 stays -1. */
function roundUp(ns: bigint, unitNs: bigint): number {
  if (ns === -1n) return -1;
  const whole = ns / unitNs;
  const subMs = (ns % unitNs) / 1_000_000n;
  return Number(subMs > 0n ? whole + 1n : whole);
}

function gcraReply(d: GcraDecision, unitNs: bigint): Reply {
  return [d.allowed ? 0 : 1, d.limit, d.remaining, roundUp(d.retryAfterNs, unitNs), roundUp(d.resetAfterNs, unitNs)];
}

const SECOND_NS = 1_000_000_000n;
const MS_NS = 1_000_000n;

// CL.THROTTLE key max_burst count period-seconds [quantity]
function clThrottle(ctx: ExecContext, argv: Arg[]): Reply {
  return gcraReply(counted(ctx, "cl.throttle", gcraDecision(ctx, argv, SECOND_NS, false).d), SECOND_NS);
}

// RL.GCRA key max_burst count period-ms [quantity] [RULE name] [CACHED n]
function rlGcra(ctx: ExecContext, argv: Arg[]): Reply {
  const { d, tail } = gcraDecision(ctx, argv, MS_NS, true);
  return gcraReply(counted(ctx, "gcra", d, tail), MS_NS);
}

const FLAGS: CommandSpec["flags"] = ["write", "denyoom", "fast"];

export const rateLimitCommands: CommandSpec[] = [
  { name: "rl.fixed", arity: -4, flags: FLAGS, keys: ONE_KEY, run: rlFixed, summary: "RL.FIXED key limit window-ms [cost] [RULE name] [CACHED n]" },
  { name: "rl.sliding", arity: -4, flags: FLAGS, keys: ONE_KEY, run: rlSliding, summary: "RL.SLIDING key limit window-ms [cost] [RULE name] [CACHED n]" },
  { name: "rl.log", arity: -4, flags: ["write", "denyoom"], keys: ONE_KEY, run: rlLog, summary: "RL.LOG key limit window-ms [cost] [RULE name] [CACHED n]" },
  {
    name: "rl.bucket",
    arity: -5,
    flags: FLAGS,
    keys: ONE_KEY,
    run: rlBucket,
    summary: "RL.BUCKET key capacity refill-tokens refill-ms [cost] [RULE name] [CACHED n]",
  },
  {
    name: "rl.lease",
    arity: -5,
    flags: ["write", "denyoom", "fast"],
    keys: ONE_KEY,
    cluster: { kind: "pinned" },
    run: rlLease,
    summary: "RL.LEASE key limit window-ms want [DECIDED rule admitted refused ...]",
  },
  { name: "rl.gcra", arity: -5, flags: FLAGS, keys: ONE_KEY, run: rlGcra, summary: "RL.GCRA key max_burst count period-ms [quantity] [RULE name] [CACHED n]" },
  {
    name: "cl.throttle",
    arity: -5,
    flags: FLAGS,
    keys: ONE_KEY,
    run: clThrottle,
    summary: "CL.THROTTLE key max_burst count period [quantity]",
  },
];
