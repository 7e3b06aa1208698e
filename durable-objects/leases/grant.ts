/**
 * RL.LEASE's step: a slice of a fixed-window limiter's budget taken out at once (docs/global.md
 * §4). It reads and writes exactly RL.FIXED's state (a count in a string key expiring at the end
 * of the aligned window), so leased units and RL.FIXED's admissions are one budget: a grant of
 * `g` units is `g` admissions made now, and whatever the holder does with them the window's
 * count never passes the limit.
 */
import type { FixedState } from "../store/ratelimit";

export interface LeaseParams {
  limit: number;
  windowMs: number;
  /** Units asked for; 0 only looks. */
  want: number;
}

/** What RL.LEASE answers, in its reply's order. */
export interface Grant {
  /** Units taken for the holder: min(want, remaining). */
  granted: number;
  /** End of the window the units belong to (ms since the epoch, the primary's clock); they are void after it. */
  windowEnd: number;
  /** Units left in the window after this grant (for the holder's `remaining`, and to know the window is spent). */
  remaining: number;
}

/** The grant for `state` at `now`, and the state to keep (none when nothing was taken). */
export function leaseStep(state: FixedState | null, now: number, p: LeaseParams): { grant: Grant; next?: FixedState } {
  const windowEnd = now - (now % p.windowMs) + p.windowMs;
  const count = state && state.windowEnd === windowEnd ? state.count : 0;
  const left = Math.max(0, p.limit - count);
  const granted = Math.min(p.want, left);
  const grant = { granted, windowEnd, remaining: left - granted };
  return granted > 0 ? { grant, next: { count: count + granted, windowEnd } } : { grant };
}

/** The reply `[granted, window-end-ms, remaining]` parsed; null when it is anything else. */
export function grantOf(reply: unknown): Grant | null {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === "number" && Number.isSafeInteger(n))) return null;
  const [granted, windowEnd, remaining] = reply as [number, number, number];
  return { granted, windowEnd, remaining };
}
