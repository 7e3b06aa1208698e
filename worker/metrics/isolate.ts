/**
 * Counters kept by one Worker isolate, in memory: cross-shard transaction outcomes and retries
 * (cross-shard.ts), front-door decisions per rule (ratelimit/front-door.ts). They are per
 * isolate: each isolate counts what it served since it started, a scrape sees the isolate that
 * answered it, and an isolate's restart loses them (docs/monitoring.md). Label sets are bounded
 * by the code (outcomes) and the configuration (rules).
 */

/** A metric's labels, as Prometheus writes them. */
export type Labels = Record<string, string>;

/** Distinct (metric, labels) series kept at most; later new ones are not counted. */
const MAX_SERIES = 1000;

class IsolateCounters {
  readonly series = new Map<string, { name: string; labels: Labels; value: number }>();
  readonly startedAt = Date.now();

  incr(name: string, labels: Labels = {}, n = 1): void {
    const id = `${name}${JSON.stringify(labels)}`;
    const s = this.series.get(id);
    if (s) s.value += n;
    else if (this.series.size < MAX_SERIES) this.series.set(id, { name, labels, value: n });
  }

  get(name: string, labels: Labels = {}): number {
    return this.series.get(`${name}${JSON.stringify(labels)}`)?.value ?? 0;
  }
}

/** This isolate's counters. */
export const isolateCounters = new IsolateCounters();
