/**
 * `GET /metrics`: edgekv's figures in the Prometheus text exposition format (version 0.0.4).
 * Each scrape asks every shard for its counters (one `metrics()` RPC per shard, in parallel) and
 * adds this isolate's own (isolate.ts). What each metric means, how it merges and what survives a
 * restart: docs/monitoring.md.
 *
 * Access: the read-write token, or `METRICS_TOKEN` when configured (a token that can read the
 * metrics and nothing else). The read-only token is refused: metrics name commands and rules.
 *
 * Optionally the same figures go to a Workers Analytics Engine dataset (analytics.ts).
 */
import type { Context } from "hono";
import { LATENCY_BUCKETS_USEC, type CountersSnapshot, type Histogram } from "../../durable-objects/stats/counters";
import { constantTimeEqual, tokenFrom } from "../auth";
import { writeDataset } from "./analytics";
import { isolateCounters, type Labels } from "./isolate";

/** What one shard answers for a scrape (durable-objects/shard.ts `metrics`). */
export interface ShardMetrics {
  counts: CountersSnapshot;
  keys: number;
  expires: number;
  bytes: number;
  slowlog: number;
  locked: number;
  startedAt: number;
}

export interface MetricsRpc {
  metrics(): Promise<ShardMetrics>;
}

/** Prometheus label values: backslash, double quote and line feed escaped. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
}

/** Builds an exposition: each metric once, with its HELP and TYPE lines before its samples. */
export class Exposition {
  private out = "";
  private readonly declared = new Set<string>();

  metric(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.out += `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
    }
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.out += `${name}${labelText(labels)} ${num(value)}\n`;
    return this;
  }

  /** A histogram's samples from per-bucket counts (LATENCY_BUCKETS_USEC, then +Inf) and a sum in µs. */
  histogram(name: string, labels: Labels, h: Histogram): this {
    let cumulative = 0;
    LATENCY_BUCKETS_USEC.forEach((le, i) => {
      cumulative += h.counts[i] ?? 0;
      this.sample(`${name}_bucket`, { ...labels, le: String(le / 1e6) }, cumulative);
    });
    cumulative += h.counts[LATENCY_BUCKETS_USEC.length] ?? 0;
    this.sample(`${name}_bucket`, { ...labels, le: "+Inf" }, cumulative);
    this.sample(`${name}_sum`, labels, h.sumUsec / 1e6);
    this.sample(`${name}_count`, labels, cumulative);
    return this;
  }

  text(): string {
    return this.out;
  }
}

function sumInto(into: Map<string, number>, key: string, n: number): void {
  into.set(key, (into.get(key) ?? 0) + n);
}

/** The shards' counters summed: per counter, per command (calls, rejected, failed, µs), per error prefix, per latency group. */
export interface MergedCounts {
  counters: Map<string, number>;
  calls: Map<string, number>;
  rejected: Map<string, number>;
  failed: Map<string, number>;
  usec: Map<string, number>;
  errors: Map<string, number>;
  latency: Map<string, Histogram>;
}

export function mergeShards(up: ShardMetrics[]): MergedCounts {
  const m: MergedCounts = {
    counters: new Map(),
    calls: new Map(),
    rejected: new Map(),
    failed: new Map(),
    usec: new Map(),
    errors: new Map(),
    latency: new Map(),
  };
  for (const s of up) {
    for (const [k, v] of Object.entries(s.counts.counters)) sumInto(m.counters, k, v);
    for (const [k, v] of Object.entries(s.counts.commands)) {
      sumInto(m.calls, k, v.calls);
      sumInto(m.rejected, k, v.rejected);
      sumInto(m.failed, k, v.failed);
      sumInto(m.usec, k, v.usec);
    }
    for (const [k, v] of Object.entries(s.counts.errors)) sumInto(m.errors, k, v);
    for (const [group, h] of Object.entries(s.counts.latency)) {
      const acc = m.latency.get(group) ?? { counts: new Array<number>(h.counts.length).fill(0), sumUsec: 0 };
      h.counts.forEach((c, i) => (acc.counts[i] = (acc.counts[i] ?? 0) + c));
      acc.sumUsec += h.sumUsec;
      m.latency.set(group, acc);
    }
  }
  return m;
}

/** The exposition from every shard's answer (`null`: the shard did not answer) and this isolate's counters. */
export function renderMetrics(shards: (ShardMetrics | null)[]): string {
  const e = new Exposition();
  e.metric("edgekv_shard_up", "gauge", "1 when the shard answered this scrape, 0 when it did not.");
  shards.forEach((s, i) => e.sample("edgekv_shard_up", { shard: String(i) }, s ? 1 : 0));
  const up = shards.map((s, i) => [i, s] as const).filter((x): x is readonly [number, ShardMetrics] => x[1] !== null);

  const perShard: [string, string, (s: ShardMetrics) => number][] = [
    ["edgekv_keys", "Live keys on the shard (DBSIZE of the shard).", (s) => s.keys],
    ["edgekv_keys_with_expiry", "Live keys with an expiry on the shard.", (s) => s.expires],
    ["edgekv_used_memory_bytes", "The shard's used_memory (INFO memory).", (s) => s.bytes],
    ["edgekv_slowlog_entries", "Entries in the shard's slow log.", (s) => s.slowlog],
    ["edgekv_locked_keys", "Keys locked on the shard by prepared cross-shard transactions.", (s) => s.locked],
    ["edgekv_shard_start_time_seconds", "When the shard object last started (its in-memory counters count from then).", (s) => s.startedAt / 1000],
  ];
  for (const [name, help, of] of perShard) {
    e.metric(name, "gauge", help);
    for (const [i, s] of up) e.sample(name, { shard: String(i) }, of(s));
  }

  const { counters, calls, rejected, failed, usec, errors, latency } = mergeShards(up.map(([, s]) => s));

  const simple: [string, string, string][] = [
    ["edgekv_commands_processed_total", "Commands run by the shards (INFO total_commands_processed).", "total_commands_processed"],
    ["edgekv_keyspace_hits_total", "Key lookups of read commands that found the key.", "keyspace_hits"],
    ["edgekv_keyspace_misses_total", "Key lookups of read commands that did not find the key.", "keyspace_misses"],
    ["edgekv_expired_keys_total", "Keys deleted because their time came (on access and by the alarm).", "expired_keys"],
    ["edgekv_evicted_keys_total", "Keys evicted to stay within maxmemory.", "evicted_keys"],
    ["edgekv_error_replies_total", "Error replies (INFO total_error_replies).", "total_error_replies"],
    ["edgekv_lua_budget_exhausted_total", "Scripts stopped because they spent their instruction budget.", "lua_budget_exhausted"],
  ];
  for (const [name, help, key] of simple) e.metric(name, "counter", help).sample(name, {}, counters.get(key) ?? 0);

  e.metric("edgekv_command_calls_total", "counter", "Calls per command (INFO commandstats calls).");
  for (const [k, v] of calls) e.sample("edgekv_command_calls_total", { command: k }, v);
  e.metric("edgekv_command_rejected_calls_total", "counter", "Calls refused before running, per command (arity, NOPERM, CROSSSLOT, OOM).");
  for (const [k, v] of rejected) e.sample("edgekv_command_rejected_calls_total", { command: k }, v);
  e.metric("edgekv_command_failed_calls_total", "counter", "Calls that ran and answered an error, per command.");
  for (const [k, v] of failed) e.sample("edgekv_command_failed_calls_total", { command: k }, v);
  e.metric("edgekv_command_duration_seconds_total", "counter", "Time spent running each command, as the shard's clock measures it.");
  for (const [k, v] of usec) e.sample("edgekv_command_duration_seconds_total", { command: k }, v / 1e6);
  e.metric("edgekv_errors_total", "counter", "Error replies by error prefix (INFO errorstats).");
  for (const [k, v] of errors) e.sample("edgekv_errors_total", { prefix: k }, v);
  e.metric("edgekv_command_latency_seconds", "histogram", "Command durations per command group, as the shard's clock measures them.");
  for (const [group, h] of latency) e.histogram("edgekv_command_latency_seconds", { group }, h);

  e.metric("edgekv_ratelimit_decisions_total", "counter", "RL.* and CL.THROTTLE decisions per algorithm.");
  for (const [k, v] of counters) {
    const m = /^ratelimit_(admitted|refused):(.+)$/.exec(k);
    if (m) e.sample("edgekv_ratelimit_decisions_total", { algorithm: m[2]!, decision: m[1]! }, v);
  }
  e.metric(
    "edgekv_ratelimit_rule_decisions_total",
    "counter",
    "Rate-limit decisions per rule (RL.* RULE: front-door rules and named limiters), summed over the shards; cached refusals and lease holders' decisions as reported.",
  );
  for (const [k, v] of counters) {
    const m = /^ratelimit_rule_(admitted|refused):(.*)$/s.exec(k);
    if (m) e.sample("edgekv_ratelimit_rule_decisions_total", { rule: m[2]!, decision: m[1]! }, v);
  }

  const isolate: [string, string][] = [
    ["edgekv_cross_shard_transactions_total", "Cross-shard transactions by outcome, as counted by this Worker isolate."],
    ["edgekv_cross_shard_retries_total", "Cross-shard transaction attempts after the first, as counted by this Worker isolate."],
    ["edgekv_front_door_decisions_total", "Front-door rate-limit decisions per rule, as counted by this Worker isolate."],
    ["edgekv_front_door_origin_errors_total", "Front-door requests the origin did not answer (502), as counted by this Worker isolate."],
  ];
  for (const [name, help] of isolate) {
    e.metric(name, "counter", help);
    for (const s of isolateCounters.series.values()) if (s.name === name) e.sample(name, s.labels, s.value);
  }
  e.metric("edgekv_isolate_start_time_seconds", "gauge", "When the Worker isolate that answered this scrape started.");
  e.sample("edgekv_isolate_start_time_seconds", {}, isolateCounters.startedAt / 1000);
  return e.text();
}

/** May this request read the metrics? The read-write token, or METRICS_TOKEN when set. */
export function metricsAccess(req: Request, readWrite: string | undefined, metricsToken: string | undefined): boolean {
  const token = tokenFrom(req, new URL(req.url));
  if (token === null) return false;
  if (metricsToken && constantTimeEqual(token, metricsToken)) return true;
  return !!readWrite && constantTimeEqual(token, readWrite);
}

/** Every shard's answer, asked in parallel; `null` for a shard that failed. */
export function gatherShards(shards: number, stubOf: (shard: number) => MetricsRpc): Promise<(ShardMetrics | null)[]> {
  return Promise.all(
    Array.from({ length: shards }, async (_, i) => {
      try {
        return await stubOf(i).metrics();
      } catch {
        return null;
      }
    }),
  );
}

/**
 * The `/metrics` handler: every shard asked in parallel; a shard that fails is `edgekv_shard_up 0`.
 * With a `METRICS_DATASET` binding the same figures are also written to it (analytics.ts).
 */
export async function metricsResponse(
  c: Context,
  shards: number,
  stubOf: (shard: number) => MetricsRpc,
  dataset?: AnalyticsEngineDataset,
): Promise<Response> {
  const answers = await gatherShards(shards, stubOf);
  writeDataset(dataset, answers, "scrape");
  return c.body(renderMetrics(answers), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
}
