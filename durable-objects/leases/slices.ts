/**
 * A lease holder's slices (docs/global.md §4): per fixed-window limiter key, the units this
 * location took from the key's shard with RL.LEASE and has not admitted yet. A decision is made
 * here while the slice lasts and its window is current; otherwise the holder asks the shard for
 * a new slice, one request in flight per key (decisions that arrive meanwhile wait for it).
 *
 * Why it never over-admits: every unit admitted here was first counted on the shard as admitted
 * (RL.LEASE adds the grant to RL.FIXED's count), a unit is admitted at most once (`left` only
 * goes down between grants), and units of an ended window are dropped, never carried over. A
 * holder that restarts loses its memory, so only its unused units: they stay counted on the
 * shard, which refuses early by that many and never admits more.
 *
 * Slice size adapts per key: a slice spent while its window is still current doubles the next
 * one; a window that ended with units unused halves it; never more than
 * `limit ÷ (2 × regions)` (at least 1) and starting at an eighth of that. So at most
 * `regions × max slice ≤ limit ÷ 2` units of a window sit unused in holders: the bound on
 * refusing early.
 *
 * Decisions of a named rule (the front door's, `SliceRequest.rule`) made here from a slice never
 * reach the shard, so the holder counts them per rule and reports them with its next RL.LEASE to
 * the shard (`DECIDED rule admitted refused`), or at the latest REPORT_MS after the first one
 * counted (a `want 0` lease, which only looks): the shard adds them to its per-rule counters. A
 * holder that restarts loses what it had not reported yet, and so does a report whose call
 * fails (never counted twice). Exact decisions (RL.FIXED) carry the rule themselves.
 */
import type { Grant } from "./grant";
import { MAX_RULES, OTHER_RULE } from "../stats/counters";

/** A holder's decisions of one rule since its last report: [rule, admitted, refused]. */
export type RuleReport = [rule: string, admitted: number, refused: number];

/** The longest a holder keeps decisions of a rule before it reports them on its own. */
export const REPORT_MS = 1000;

/** What a holder asks of the key's shard. */
export interface Primary {
  /** RL.LEASE key limit window-ms want [DECIDED rule admitted refused ...]. */
  lease(key: string, limit: number, windowMs: number, want: number, decided?: RuleReport[]): Promise<Grant>;
  /** RL.FIXED key limit window-ms cost [RULE rule]: an exact decision (a look of cost 0, or the fallback). */
  fixed(key: string, limit: number, windowMs: number, cost: number, rule?: string): Promise<number[]>;
}

export interface SliceRequest {
  key: string;
  limit: number;
  windowMs: number;
  cost: number;
  /** Regions that may hold slices of this key (the cap's divisor). */
  regions: number;
  /** The rule the decision is counted under (RL.* `RULE`), if any. */
  rule?: string;
  /** Refusals of `rule` the caller answered from its refusal cache since its last call (`CACHED`). */
  cached?: number;
}

/** The five integers of a rate-limit decision (durable-objects/commands/ratelimit.ts). */
export type DecisionReply = [limited: number, limit: number, remaining: number, retryAfter: number, resetAfter: number];

interface Entry {
  /** The limiter key. */
  key: string;
  /** End of the window `left` belongs to; 0: no current slice. */
  windowEnd: number;
  /** Units of the slice not admitted yet. */
  left: number;
  /** The shard's remaining units after the last grant (an upper bound of what is left elsewhere). */
  primaryRemaining: number;
  /** The shard had nothing more in this window: refuse locally until it ends. */
  spent: boolean;
  /** Size to ask for next (before the cap). */
  next: number;
  inflight: Promise<void> | null;
}

/** Counters of one holder: decisions made from a slice (or refused as spent) and round trips to a shard. */
export interface SliceStats {
  local: number;
  roundTrips: number;
  keys: number;
  /** Units held in current slices (unused so far), summed over keys. */
  unused: number;
}

/** The largest slice for `limit` shared by `regions`: limit ÷ (2 × regions), at least 1. */
export function maxSlice(limit: number, regions: number): number {
  return Math.max(1, Math.floor(limit / (2 * Math.max(1, regions))));
}

/** The first slice a holder asks for: an eighth of the largest, at least 1. */
export function firstSlice(limit: number, regions: number): number {
  return Math.max(1, Math.ceil(maxSlice(limit, regions) / 8));
}

/** Decisions of one request retried after waiting for another's lease before it asks the shard directly. */
const MAX_WAITS = 16;

export class Slices {
  private readonly entries = new Map<string, Entry>();
  private local = 0;
  private roundTrips = 0;
  /** Decisions per rule not reported to the shard yet (at most MAX_RULES names, then OTHER_RULE). */
  private pending = new Map<string, [admitted: number, refused: number]>();
  /** A report is scheduled (REPORT_MS after the first decision counted since the last one). */
  private reportDue = false;

  constructor(
    private readonly primary: Primary,
    private readonly clock: () => number = Date.now,
    readonly maxKeys = 10_000,
    /** Runs `fn` after `ms` (the holder's timer; tests run it when they choose). */
    private readonly schedule: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms),
  ) {}

  /** One decision of `r.cost` units, from the slice when it can be, else after a lease. */
  async decide(r: SliceRequest): Promise<DecisionReply> {
    if (r.rule !== undefined && r.cached) this.count(r, 0, r.cached);
    return this.decideHere(r);
  }

  /** Decisions counted per rule and not reported yet, by rule. */
  unreported(): Map<string, [number, number]> {
    return new Map([...this.pending].map(([k, v]) => [k, [...v] as [number, number]]));
  }

  /** Notes decisions of `r.rule` made here (none without a rule), and schedules their report. */
  private count(r: SliceRequest, admitted: number, refused: number): void {
    if (r.rule === undefined) return;
    let name = r.rule;
    if (!this.pending.has(name) && this.pending.size >= MAX_RULES) name = OTHER_RULE;
    const p = this.pending.get(name) ?? [0, 0];
    p[0] += admitted;
    p[1] += refused;
    this.pending.set(name, p);
    if (!this.reportDue) {
      this.reportDue = true;
      const { key, limit, windowMs } = r;
      this.schedule(() => {
        this.reportDue = false;
        if (this.pending.size === 0) return;
        // want 0 only looks: the call carries the report and changes no limiter.
        this.primary.lease(key, limit, windowMs, 0, this.takeReport()).catch(() => {});
      }, REPORT_MS);
    }
  }

  /** The pending decisions as a report, forgotten here (a failed call loses them: never counted twice). */
  private takeReport(): RuleReport[] | undefined {
    if (this.pending.size === 0) return undefined;
    const out = [...this.pending].map(([rule, [a, f]]) => [rule, a, f] as RuleReport);
    this.pending = new Map();
    return out;
  }

  /** A decision made here: counted for its rule. */
  private decided(r: SliceRequest, d: DecisionReply): DecisionReply {
    if (d[0] === 0) this.count(r, 1, 0);
    else this.count(r, 0, 1);
    return d;
  }

  private async decideHere(r: SliceRequest): Promise<DecisionReply> {
    if (r.cost === 0 || r.cost > r.limit) {
      this.roundTrips++;
      return (await this.primary.fixed(r.key, r.limit, r.windowMs, r.cost, r.rule)) as DecisionReply;
    }
    const cap = maxSlice(r.limit, r.regions);
    for (let waits = 0; waits < MAX_WAITS; waits++) {
      const e = this.entry(r);
      const now = this.clock();
      this.roll(e, now);
      if (e.windowEnd > now && e.left >= r.cost) {
        this.local++;
        return this.decided(r, this.admit(e, r, now));
      }
      if (e.inflight) {
        await e.inflight;
        continue;
      }
      if (e.spent && e.windowEnd > now) {
        this.local++;
        const wait = e.windowEnd - now;
        return this.decided(r, [1, r.limit, e.left, wait, wait]);
      }
      // This request asks; it takes its units from the grant before anyone else sees it.
      const grew = e.windowEnd > now; // the slice ran out inside its window: it went fast
      if (grew) e.next = Math.min(cap, e.next * 2);
      const want = Math.max(r.cost - (e.windowEnd > now ? e.left : 0), Math.min(e.next, cap));
      let answer: DecisionReply | null = null;
      const asked = this.primary.lease(r.key, r.limit, r.windowMs, want, this.takeReport()).then((g) => {
        this.roundTrips++;
        const at = this.clock();
        this.roll(e, at);
        if (g.windowEnd <= at) return; // granted for a window that is already over: void
        if (g.windowEnd !== e.windowEnd) {
          e.windowEnd = g.windowEnd;
          e.left = 0;
        }
        e.left += g.granted;
        e.primaryRemaining = g.remaining;
        e.spent = g.remaining === 0;
        if (e.left >= r.cost) answer = this.admit(e, r, at);
        else if (e.spent) {
          const wait = e.windowEnd - at;
          answer = [1, r.limit, e.left, wait, wait];
        }
      });
      e.inflight = asked.finally(() => {
        e.inflight = null;
      });
      await e.inflight;
      if (answer) return this.decided(r, answer);
    }
    // Outrun by other requests of this key time after time: decide this one exactly.
    this.roundTrips++;
    return (await this.primary.fixed(r.key, r.limit, r.windowMs, r.cost, r.rule)) as DecisionReply;
  }

  /** The counters; `unused` and `keys` of the limiter `key` only when one is given. */
  stats(key?: string): SliceStats {
    const now = this.clock();
    let unused = 0;
    let keys = 0;
    for (const e of this.entries.values()) {
      if (key !== undefined && e.key !== key) continue;
      keys++;
      if (e.windowEnd > now) unused += e.left;
    }
    return { local: this.local, roundTrips: this.roundTrips, keys, unused };
  }

  private admit(e: Entry, r: SliceRequest, now: number): DecisionReply {
    e.left -= r.cost;
    const remaining = Math.min(r.limit, e.left + e.primaryRemaining);
    return [0, r.limit, remaining, -1, e.windowEnd - now];
  }

  /** A window that ended takes its unused units with it; if any were left, the next slice is halved. */
  private roll(e: Entry, now: number): void {
    if (e.windowEnd === 0 || e.windowEnd > now) return;
    if (e.left > 0) e.next = Math.max(1, Math.ceil(e.next / 2));
    e.windowEnd = 0;
    e.left = 0;
    e.spent = false;
    e.primaryRemaining = 0;
  }

  private entry(r: SliceRequest): Entry {
    const key = `${r.limit} ${r.windowMs} ${r.key}`;
    let e = this.entries.get(key);
    if (e) {
      // Most recently used last: the oldest go first when the map is full.
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = { key: r.key, windowEnd: 0, left: 0, primaryRemaining: 0, spent: false, next: firstSlice(r.limit, r.regions), inflight: null };
    this.entries.set(key, e);
    if (this.entries.size > this.maxKeys) {
      for (const [k, old] of this.entries) {
        if (this.entries.size <= this.maxKeys) break;
        if (!old.inflight) this.entries.delete(k);
      }
    }
    return e;
  }
}
