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
  if (v < 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitParam(name));
  return Number(v);
}

/** The optional trailing cost (default 1); anything after it is a syntax error. */
function costOf(p: ArgCursor): number {
  if (!p.more()) return 1;
  const v = p.takeI64();
  if (v < 0n || v > BigInt(MAX_PARAM)) throw new CommandError(Errors.rateLimitCost);
  if (p.more()) p.syntaxError();
  return Number(v);
}

/**
 * Counts a decision in the shard's counters (GET /metrics: admitted and refused per algorithm),
 * `ratelimit_admitted:<algorithm>` or `ratelimit_refused:<algorithm>`.
 */
function counted<D extends { allowed: boolean }>(ctx: ExecContext, algorithm: string, d: D): D {
  ctx.stats.incr(d.allowed ? `ratelimit_admitted:${algorithm}` : `ratelimit_refused:${algorithm}`);
  return d;
}

function reply(d: Decision): Reply {
  return [d.allowed ? 0 : 1, d.limit, d.remaining, d.retryAfter, d.resetAfter];
}

function windowParams(argv: Arg[]): WindowParams {
  const p = new ArgCursor(argv, 2);
  const limit = positive(p, "limit");
  const windowMs = positive(p, "window");
  return { limit, windowMs, cost: costOf(p) };
}

// RL.FIXED key limit window-ms [cost]
function rlFixed(ctx: ExecContext, argv: Arg[]): Reply {
  const params = windowParams(argv);
  return reply(counted(ctx, "fixed", decide(ctx.keyspace, text(argv[1]!), FIXED, (s) => fixedWindow(s, ctx.now, params))));
}

// RL.SLIDING key limit window-ms [cost]
function rlSliding(ctx: ExecContext, argv: Arg[]): Reply {
  const params = windowParams(argv);
  return reply(counted(ctx, "sliding", decide(ctx.keyspace, text(argv[1]!), SLIDING, (s) => slidingWindow(s, ctx.now, params))));
}

// RL.LOG key limit window-ms [cost]
function rlLog(ctx: ExecContext, argv: Arg[]): Reply {
  return reply(counted(ctx, "log", slidingLog(ctx.keyspace, text(argv[1]!), windowParams(argv))));
}

// RL.BUCKET key capacity refill-tokens refill-ms [cost]
function rlBucket(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const capacity = positive(p, "capacity");
  const refill = positive(p, "refill");
  const intervalMs = positive(p, "interval");
  const params = { capacity, refill, intervalMs, cost: costOf(p) };
  return reply(counted(ctx, "bucket", decide(ctx.keyspace, text(argv[1]!), BUCKET, (s) => tokenBucket(s, ctx.now, params))));
}

// RL.LEASE key limit window-ms want
/**
 * A slice of RL.FIXED's budget for a lease holder (docs/global.md §4): in the key's current
 * window, takes min(want, remaining) units as admitted and answers [granted, window-end-ms,
 * remaining]. `want` 0 only looks. Same state as RL.FIXED, so both share one budget.
 */
function rlLease(ctx: ExecContext, argv: Arg[]): Reply {
  const p = new ArgCursor(argv, 2);
  const limit = positive(p, "limit");
  const windowMs = positive(p, "window");
  const want = nonNegative(p, "want");
  if (p.more()) p.syntaxError();
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
  return [grant.granted, grant.windowEnd, grant.remaining];
}

/** GCRA's arguments: max_burst count period [quantity], the period in `unitNs` nanoseconds. */
function gcraDecision(ctx: ExecContext, argv: Arg[], unitNs: bigint): GcraDecision {
  const p = new ArgCursor(argv, 2);
  const maxBurst = nonNegative(p, "max_burst");
  const count = nonNegative(p, "count");
  const period = nonNegative(p, "period");
  const quantity = costOf(p);
  if (count === 0 || period === 0) throw new CommandError(Errors.zeroRate);
  return decideGcra(ctx.keyspace, text(argv[1]!), { maxBurst, count, periodNs: BigInt(period) * unitNs, quantity });
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
  return gcraReply(counted(ctx, "cl.throttle", gcraDecision(ctx, argv, SECOND_NS)), SECOND_NS);
}

// RL.GCRA key max_burst count period-ms [quantity]
function rlGcra(ctx: ExecContext, argv: Arg[]): Reply {
  return gcraReply(counted(ctx, "gcra", gcraDecision(ctx, argv, MS_NS)), MS_NS);
}

const FLAGS: CommandSpec["flags"] = ["write", "denyoom", "fast"];

export const rateLimitCommands: CommandSpec[] = [
  { name: "rl.fixed", arity: -4, flags: FLAGS, keys: ONE_KEY, run: rlFixed, summary: "RL.FIXED key limit window-ms [cost]" },
  { name: "rl.sliding", arity: -4, flags: FLAGS, keys: ONE_KEY, run: rlSliding, summary: "RL.SLIDING key limit window-ms [cost]" },
  { name: "rl.log", arity: -4, flags: ["write", "denyoom"], keys: ONE_KEY, run: rlLog, summary: "RL.LOG key limit window-ms [cost]" },
  {
    name: "rl.bucket",
    arity: -5,
    flags: FLAGS,
    keys: ONE_KEY,
    run: rlBucket,
    summary: "RL.BUCKET key capacity refill-tokens refill-ms [cost]",
  },
  {
    name: "rl.lease",
    arity: 5,
    flags: ["write", "denyoom", "fast"],
    keys: ONE_KEY,
    cluster: { kind: "pinned" },
    run: rlLease,
    summary: "RL.LEASE key limit window-ms want",
  },
  { name: "rl.gcra", arity: -5, flags: FLAGS, keys: ONE_KEY, run: rlGcra, summary: "RL.GCRA key max_burst count period-ms [quantity]" },
  {
    name: "cl.throttle",
    arity: -5,
    flags: FLAGS,
    keys: ONE_KEY,
    run: clThrottle,
    summary: "CL.THROTTLE key max_burst count period [quantity]",
  },
];
