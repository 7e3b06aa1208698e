/**
 * Rate limiters: each algorithm is a pure function from (state, now, parameters) to a decision
 * and the next state, so it can be tested with a controlled clock; `decide` runs one of them
 * against a key in one synchronous step of the shard that owns the key (atomic: nothing
 * interleaves with a command).
 *
 * State lives in an ordinary string key with an expiry set to the moment the state becomes
 * equivalent to "no state" (an idle limiter costs nothing: the key expires and the alarm
 * deletes it). DEL resets a limiter, TTL shows when it resets, SCAN finds it.
 *
 * | algorithm | key holds                               | expires at                    |
 * | --------- | --------------------------------------- | ----------------------------- |
 * | fixed     | `count` (as INCR would)                 | the end of the aligned window |
 * | sliding   | `start current previous`                | two windows after `start`     |
 * | bucket    | `tokens refilledAt`                     | when the bucket is full again |
 * | gcra      | the theoretical arrival time in ns      | that time (as redis-cell)     |
 *
 * The exact sliding log (`slidingLog`) is a sorted set instead: one member per admitted unit,
 * scored by its admission time, expiring one window after the newest.
 * A refused decision writes nothing; a decision of cost 0 only looks.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { utf8 } from "../args";
import { KeyType, type Keyspace } from "./keyspace";
import { findOrCreateZset, findZset } from "./zsets";

/** One decision, in milliseconds (CL.THROTTLE converts to seconds). */
export interface Decision {
  allowed: boolean;
  /** The limiter's capacity: the most units that can be admitted at once. */
  limit: number;
  /** Units that could still be admitted now, after this decision. */
  remaining: number;
  /** When refused: ms until a request of the same cost would be admitted; -1 when allowed or never. */
  retryAfter: number;
  /** ms until the limiter is back to full capacity if nothing more is admitted. */
  resetAfter: number;
}

/** A step of an algorithm: the decision and, when something must be kept, the new state. */
export interface Step<S> {
  decision: Decision;
  /** The state to store, with its expiry; undefined: leave the key as it is. */
  next?: { state: S; expireAt: number };
}

export interface WindowParams {
  limit: number;
  windowMs: number;
  cost: number;
}

// ---- fixed window ------------------------------------------------------------------------

export interface FixedState {
  count: number;
  /** End of the window the count belongs to (the key's expiry). */
  windowEnd: number;
}

/** Fixed window aligned on multiples of the window: at most `limit` units per window. */
export function fixedWindow(state: FixedState | null, now: number, p: WindowParams): Step<FixedState> {
  const windowEnd = now - (now % p.windowMs) + p.windowMs;
  const count = state && state.windowEnd === windowEnd ? state.count : 0;
  const resetAfter = count > 0 ? windowEnd - now : 0;
  if (count + p.cost > p.limit) {
    const retryAfter = p.cost > p.limit ? -1 : windowEnd - now;
    return { decision: { allowed: false, limit: p.limit, remaining: Math.max(0, p.limit - count), retryAfter, resetAfter } };
  }
  const after = count + p.cost;
  const decision = { allowed: true, limit: p.limit, remaining: p.limit - after, retryAfter: -1, resetAfter: after > 0 ? windowEnd - now : 0 };
  if (p.cost === 0) return { decision };
  return { decision, next: { state: { count: after, windowEnd }, expireAt: windowEnd } };
}

// ---- sliding window (two-window weighted approximation) -----------------------------------

export interface SlidingState {
  /** Start of the current aligned window. */
  start: number;
  current: number;
  previous: number;
}

/** The state as seen at `now`: windows that have passed roll the counts forward. */
function rollSliding(state: SlidingState | null, now: number, w: number): SlidingState {
  const start = now - (now % w);
  if (!state || state.start + w < start) return { start, current: 0, previous: 0 };
  if (state.start + w === start) return { start, current: 0, previous: state.current };
  return state;
}

/** Time into the current window; a clock that stepped back (a restart elsewhere) counts as its start. */
function elapsedIn(s: SlidingState, now: number, w: number): number {
  return Math.min(w, Math.max(0, now - s.start));
}

/** floor(previous × (w − elapsed) / w) + current: the previous window's count weighted by its overlap. */
function slidingUsed(s: SlidingState, now: number, w: number): number {
  const left = BigInt(w - elapsedIn(s, now, w));
  return Number((BigInt(s.previous) * left) / BigInt(w)) + s.current;
}

/** Smallest t in ms (≥ 0) such that, with nothing more admitted, the estimate at now + t is ≤ room. */
function slidingWait(s: SlidingState, now: number, w: number, room: number): number {
  const elapsed = elapsedIn(s, now, w);
  // floor(prev × r / w) ≤ room  ⇔  r ≤ ceil((room + 1) × w / prev) − 1, with r the time left in the window.
  const maxLeft = (count: number, weightedRoom: number) =>
    count === 0 ? w : Number(ceilDiv(BigInt(weightedRoom + 1) * BigInt(w), BigInt(count))) - 1;
  if (s.current <= room) {
    const r = maxLeft(s.previous, room - s.current);
    return Math.max(0, w - elapsed - r);
  }
  // Only once this window has become the previous one can the estimate fall to `room`.
  const r = maxLeft(s.current, room);
  return w - elapsed + (r >= w ? 0 : w - r);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * Sliding window: the count of the current aligned window plus the previous window's count
 * weighted by how much of it the sliding window still covers (as Cloudflare and Upstash
 * estimate it). Assumes requests were spread evenly over the previous window.
 */
export function slidingWindow(state: SlidingState | null, now: number, p: WindowParams): Step<SlidingState> {
  const w = p.windowMs;
  const s = rollSliding(state, now, w);
  const used = slidingUsed(s, now, w);
  if (used + p.cost > p.limit) {
    const retryAfter = p.cost > p.limit ? -1 : slidingWait(s, now, w, p.limit - p.cost);
    return {
      decision: { allowed: false, limit: p.limit, remaining: Math.max(0, p.limit - used), retryAfter, resetAfter: slidingWait(s, now, w, 0) },
    };
  }
  const next: SlidingState = { start: s.start, current: s.current + p.cost, previous: s.previous };
  const decision = {
    allowed: true,
    limit: p.limit,
    remaining: p.limit - used - p.cost,
    retryAfter: -1,
    resetAfter: slidingWait(next, now, w, 0),
  };
  if (p.cost === 0) return { decision };
  return { decision, next: { state: next, expireAt: next.start + 2 * w } };
}

// ---- token bucket -------------------------------------------------------------------------

export interface BucketParams {
  capacity: number;
  /** Tokens added every `intervalMs`, in whole steps. */
  refill: number;
  intervalMs: number;
  cost: number;
}

export interface BucketState {
  tokens: number;
  /** Time of the last whole refill step (the phase of the refill clock). */
  refilledAt: number;
}

/**
 * Token bucket with discrete refills: a full bucket of `capacity` tokens; `refill` tokens come
 * back every `intervalMs` after the first one is spent; a request takes `cost` tokens or is refused.
 */
export function tokenBucket(state: BucketState | null, now: number, p: BucketParams): Step<BucketState> {
  let tokens = p.capacity;
  let refilledAt = now;
  if (state) {
    const steps = Math.floor((now - state.refilledAt) / p.intervalMs);
    tokens = state.tokens + steps * p.refill;
    refilledAt = state.refilledAt + steps * p.intervalMs;
    if (tokens >= p.capacity) {
      tokens = p.capacity;
      refilledAt = now;
    }
  }
  const waitFor = (have: number, need: number) =>
    need <= have ? 0 : refilledAt + Math.ceil((need - have) / p.refill) * p.intervalMs - now;
  if (p.cost > tokens) {
    const retryAfter = p.cost > p.capacity ? -1 : waitFor(tokens, p.cost);
    return { decision: { allowed: false, limit: p.capacity, remaining: tokens, retryAfter, resetAfter: waitFor(tokens, p.capacity) } };
  }
  const left = tokens - p.cost;
  const resetAfter = waitFor(left, p.capacity);
  const decision = { allowed: true, limit: p.capacity, remaining: left, retryAfter: -1, resetAfter };
  if (p.cost === 0) return { decision };
  return { decision, next: { state: { tokens: left, refilledAt }, expireAt: now + resetAfter } };
}

// ---- GCRA (redis-cell's CL.THROTTLE) ----------------------------------------------------------

export interface GcraParams {
  maxBurst: number;
  count: number;
  periodNs: bigint;
  quantity: number;
}

/** GCRA's decision in nanoseconds, as redis-cell computes it (retry/reset are rounded by the caller). */
export interface GcraDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** -1n when allowed, or when the quantity can never be admitted. */
  retryAfterNs: bigint;
  resetAfterNs: bigint;
}

/**
 * The generic cell rate algorithm as redis-cell implements it: one emission interval per unit
 * (period / count), a tolerance of (max_burst + 1) intervals, and the theoretical arrival time
 * (TAT) as the only state. `tat` is null when the key is absent.
 */
export function gcra(tat: bigint | null, nowNs: bigint, p: GcraParams): { decision: GcraDecision; next?: { tat: bigint; ttlNs: bigint } } {
  const emission = BigInt(Math.trunc(Number(p.periodNs) / p.count));
  if (emission <= 0n) throw new CommandError(Errors.zeroRate);
  const tolerance = emission * BigInt(p.maxBurst + 1);
  const increment = emission * BigInt(p.quantity);
  const limit = p.maxBurst + 1;
  const t = tat ?? nowNs;
  const newTat = (nowNs > t ? nowNs : t) + increment;
  const diff = nowNs - (newTat - tolerance);
  let allowed: boolean;
  let ttl: bigint;
  let retryAfterNs = -1n;
  if (diff < 0n) {
    if (increment <= tolerance) retryAfterNs = -diff;
    allowed = false;
    ttl = t - nowNs;
  } else {
    allowed = true;
    ttl = newTat - nowNs;
  }
  const next = tolerance - ttl;
  let remaining = 0;
  if (next > -emission) {
    const us = emission / 1000n;
    remaining = us > 0n ? Math.trunc(Number(next / 1000n) / Number(us)) : Math.trunc(Number(next) / Number(emission));
  }
  const decision = { allowed, limit, remaining, retryAfterNs, resetAfterNs: ttl };
  return allowed && ttl > 0n ? { decision, next: { tat: newTat, ttlNs: ttl } } : { decision };
}

// ---- running an algorithm against a key ------------------------------------------------------

const encoder = new TextEncoder();
const INT = /^(0|[1-9][0-9]{0,15})$/;

function ints(text: string, n: number): number[] {
  const parts = text.split(" ");
  if (parts.length !== n || !parts.every((p) => INT.test(p))) throw new CommandError(Errors.rateLimitState);
  return parts.map(Number);
}

/** How one algorithm's state is kept in its key's string value. */
export interface Codec<S> {
  decode(text: string, expireAt: number | null): S;
  encode(state: S): string;
}

export const FIXED: Codec<FixedState> = {
  decode: (text, expireAt) => ({ count: ints(text, 1)[0]!, windowEnd: expireAt ?? -1 }),
  encode: (s) => String(s.count),
};

export const SLIDING: Codec<SlidingState> = {
  decode: (text) => {
    const [start, current, previous] = ints(text, 3) as [number, number, number];
    return { start, current, previous };
  },
  encode: (s) => `${s.start} ${s.current} ${s.previous}`,
};

export const BUCKET: Codec<BucketState> = {
  decode: (text) => {
    const [tokens, refilledAt] = ints(text, 2) as [number, number];
    return { tokens, refilledAt };
  },
  encode: (s) => `${s.tokens} ${s.refilledAt}`,
};

/**
 * Runs one step of an algorithm against `key`: reads its state (WRONGTYPE for a non-string,
 * an error for a string that is not this algorithm's state), decides, writes the next state
 * with its expiry. Everything happens inside the running command: one atomic step.
 */
export function decide<S>(ks: Keyspace, key: string, codec: Codec<S>, step: (state: S | null) => Step<S>): Decision {
  const row = ks.findOfType(key, KeyType.String);
  const state = row ? codec.decode(row.value ? utf8(new Uint8Array(row.value)) : "", row.expire_at) : null;
  const { decision, next } = step(state);
  if (next && next.expireAt > ks.now) ks.writeString(key, encoder.encode(codec.encode(next.state)), next.expireAt, row);
  return decision;
}

/** CL.THROTTLE / RL.GCRA against `key`: the TAT in ns as a decimal string, expiring at the TAT. */
export function decideGcra(ks: Keyspace, key: string, p: GcraParams): GcraDecision {
  const row = ks.findOfType(key, KeyType.String);
  let tat: bigint | null = null;
  if (row) {
    const text = row.value ? utf8(new Uint8Array(row.value)) : "";
    if (!/^-?[0-9]{1,19}$/.test(text)) throw new CommandError(Errors.rateLimitState);
    tat = BigInt(text);
  }
  const nowNs = BigInt(ks.now) * 1_000_000n;
  const { decision, next } = gcra(tat, nowNs, p);
  if (next) {
    const expireAt = ks.now + Number((next.ttlNs + 999_999n) / 1_000_000n);
    ks.writeString(key, encoder.encode(String(next.tat)), expireAt, row);
  }
  return decision;
}

/**
 * Exact sliding log on a sorted set: members scored by admission time (one per admitted unit);
 * units older than the window are removed first, then `cost` units are admitted if at most
 * `limit` remain in the window. Memory is O(limit) per key; every step is O(log n) per unit.
 * Members are `<ms>:<seq>`, seq counting the units in the window, unique within one ms.
 */
export function slidingLog(ks: Keyspace, key: string, p: WindowParams): Decision {
  const now = ks.now;
  const w = p.windowMs;
  let set = findZset(ks, key);
  if (set) {
    const { from, to } = set.window({ by: "score", min: { value: -Infinity, exclusive: false }, max: { value: now - w, exclusive: false } });
    if (to > from) {
      set.removeRanks(from, to);
      set = findZset(ks, key);
    }
  }
  const count = set ? set.card() : 0;
  const newest = set && count > 0 ? set.read(count - 1, count)[0]!.score : null;
  if (count + p.cost > p.limit) {
    let retryAfter = -1;
    if (p.cost <= p.limit) {
      const oldestToGo = set!.read(count + p.cost - p.limit - 1, count + p.cost - p.limit)[0]!;
      retryAfter = oldestToGo.score + w - now;
    }
    const resetAfter = newest === null ? 0 : newest + w - now;
    return { allowed: false, limit: p.limit, remaining: Math.max(0, p.limit - count), retryAfter, resetAfter };
  }
  if (p.cost > 0) {
    const target = set ?? findOrCreateZset(ks, key);
    for (let i = 0; i < p.cost; i++) target.put(encoder.encode(`${now}:${count + i}`), now);
    ks.setExpire(target.row, now + w);
  }
  const after = count + p.cost;
  const last = p.cost > 0 ? now : newest;
  return { allowed: true, limit: p.limit, remaining: p.limit - after, retryAfter: -1, resetAfter: last === null ? 0 : last + w - now };
}
