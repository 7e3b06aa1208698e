/**
 * The `/metrics` figures written to a Workers Analytics Engine dataset, when the Worker has a
 * `METRICS_DATASET` binding (commented out in wrangler.toml: off by default). Shape, limits and
 * cost: docs/monitoring.md "Workers Analytics Engine".
 *
 * When: on every `GET /metrics` scrape (the figures are gathered for it already, so writing
 * them adds no RPC), and, if `METRICS_DATASET_INTERVAL` is set, from an ordinary request at most
 * once per that many seconds per isolate, after the reply (`ctx.waitUntil`): one `metrics()` RPC
 * per shard, then the points. `writeDataPoint` returns nothing and does not wait; any error is
 * swallowed, so a write never changes a reply.
 *
 * Limits (developers.cloudflare.com/analytics/analytics-engine/limits/): 20 blobs, 20 doubles
 * and one index per point, blobs at most 16 KB per point, an index at most 96 bytes, 250 points
 * per invocation. A write here is at most MAX_POINTS points, blobs are cut to MAX_BLOB_CHARS.
 */
import { LATENCY_BUCKETS_USEC } from "../../durable-objects/stats/counters";
import { mergeShards, type ShardMetrics } from "./index";
import { isolateCounters } from "./isolate";

/** Points written by one write; below the 250 per invocation Analytics Engine accepts. */
export const MAX_POINTS = 200;
/** Characters kept of one blob (a command name, a rule pattern): 20 of them stay far below 16 KB. */
export const MAX_BLOB_CHARS = 256;

/** Why the points were written: a scrape, or the interval from an ordinary request. */
export type WriteSource = "scrape" | "interval";

/** One point as writeDataPoint takes it; blobs[0] is the kind, the index is the kind too (the sampling key). */
export interface DataPoint {
  indexes: [string];
  blobs: string[];
  doubles: number[];
}

function point(kind: string, labels: string[], doubles: number[]): DataPoint {
  return { indexes: [kind], blobs: [kind, ...labels.map((l) => l.slice(0, MAX_BLOB_CHARS))], doubles };
}

/**
 * The points for one write, most important first, at most MAX_POINTS (the first point, `totals`,
 * says how many were left out):
 * - `totals` [source]: commands processed, keyspace hits, misses, expired, evicted, error replies,
 *   Lua budget exhaustions, shards up, shards asked, points left out
 * - `shard` [shard, source]: up, keys, keys with expiry, used_memory, slow-log entries, locked keys, start time (s)
 * - `ratelimit` [algorithm, source]: admitted, refused
 * - `isolate` [metric, label=value…, source]: value (cross-shard outcomes and retries, front-door rules)
 * - `latency` [group, source]: per-bucket counts (1 µs … 1 s, +Inf, not cumulative), sum (s)
 * - `error` [prefix, source]: error replies
 * - `command` [command, source]: calls, rejected, failed, seconds; the most called first
 */
export function dataPoints(shards: (ShardMetrics | null)[], source: WriteSource): DataPoint[] {
  const up = shards.filter((s): s is ShardMetrics => s !== null);
  const m = mergeShards(up);
  const c = (k: string) => m.counters.get(k) ?? 0;
  const rest: DataPoint[] = [];

  shards.forEach((s, i) =>
    rest.push(
      point("shard", [String(i), source], s ? [1, s.keys, s.expires, s.bytes, s.slowlog, s.locked, s.startedAt / 1000] : [0]),
    ),
  );
  const decisions = new Map<string, [number, number]>();
  for (const [k, v] of m.counters) {
    const r = /^ratelimit_(admitted|refused):(.+)$/.exec(k);
    if (!r) continue;
    const d = decisions.get(r[2]!) ?? [0, 0];
    d[r[1] === "admitted" ? 0 : 1] += v;
    decisions.set(r[2]!, d);
  }
  for (const [algorithm, d] of decisions) rest.push(point("ratelimit", [algorithm, source], d));
  for (const s of isolateCounters.series.values()) {
    const labels = Object.entries(s.labels)
      .slice(0, 17)
      .map(([k, v]) => `${k}=${v}`);
    rest.push(point("isolate", [s.name, ...labels, source], [s.value]));
  }
  for (const [group, h] of m.latency) {
    const counts = Array.from({ length: LATENCY_BUCKETS_USEC.length + 1 }, (_, i) => h.counts[i] ?? 0);
    rest.push(point("latency", [group, source], [...counts, h.sumUsec / 1e6]));
  }
  for (const [prefix, n] of m.errors) rest.push(point("error", [prefix, source], [n]));
  const commands = [...m.calls].sort((a, b) => b[1] - a[1]);
  for (const [name, calls] of commands) {
    rest.push(point("command", [name, source], [calls, m.rejected.get(name) ?? 0, m.failed.get(name) ?? 0, (m.usec.get(name) ?? 0) / 1e6]));
  }

  const kept = rest.slice(0, MAX_POINTS - 1);
  const totals = point("totals", [source], [
    c("total_commands_processed"),
    c("keyspace_hits"),
    c("keyspace_misses"),
    c("expired_keys"),
    c("evicted_keys"),
    c("total_error_replies"),
    c("lua_budget_exhausted"),
    up.length,
    shards.length,
    rest.length - kept.length,
  ]);
  return [totals, ...kept];
}

/** Writes the points when there is a dataset; never throws. */
export function writeDataset(dataset: AnalyticsEngineDataset | undefined, shards: (ShardMetrics | null)[], source: WriteSource): number {
  if (!dataset) return 0;
  let written = 0;
  try {
    for (const p of dataPoints(shards, source)) {
      dataset.writeDataPoint(p);
      written++;
    }
  } catch {
    // A dataset that refuses a point costs the rest of this write, never the request.
  }
  return written;
}

/** Seconds between interval writes from `METRICS_DATASET_INTERVAL`; 0 (off) when unset or not a positive number. */
export function intervalSeconds(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** When this isolate last started an interval write (ms), per dataset binding. */
const lastWrite = new WeakMap<AnalyticsEngineDataset, number>();

/**
 * From an ordinary request: when the dataset is bound, the interval set and due, starts one
 * write after the reply (`waitUntil`) and answers true. The time is taken before the write, so
 * concurrent requests of the isolate start one write, and a failed one waits for the next interval.
 */
export function maybeIntervalWrite(
  dataset: AnalyticsEngineDataset | undefined,
  interval: string | undefined,
  now: number,
  waitUntil: (p: Promise<unknown>) => void,
  gather: () => Promise<(ShardMetrics | null)[]>,
): boolean {
  const seconds = intervalSeconds(interval);
  if (!dataset || seconds === 0) return false;
  const last = lastWrite.get(dataset);
  if (last !== undefined && now - last < seconds * 1000) return false;
  lastWrite.set(dataset, now);
  try {
    waitUntil(
      gather()
        .then((shards) => writeDataset(dataset, shards, "interval"))
        .catch(() => 0),
    );
  } catch {
    return false;
  }
  return true;
}
