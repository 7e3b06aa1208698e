import type { Coordinator } from "../durable-objects/coordinator";
import type { LeaseHolder } from "../durable-objects/leases/holder";
import { DEFAULT_MAX_VALUE_BYTES } from "../durable-objects/limits";
import type { Replica } from "../durable-objects/replication/replica";
import type { Shard } from "../durable-objects/shard";

/** The Worker's bindings: see wrangler.toml and README "Configuration". */
export interface Env {
  SHARD: DurableObjectNamespace<Shard>;
  /** Coordinators of cross-shard transactions (durable-objects/coordinator.ts). */
  COORDINATOR: DurableObjectNamespace<Coordinator>;
  /** Regional rate-limit lease holders (durable-objects/leases/holder.ts), used with RATE_LIMIT_MODE=lease. */
  LEASES?: DurableObjectNamespace<LeaseHolder>;
  /** Rate-limit decisions of the front door and the middleware: "exact" (default) or "lease" (worker/ratelimit/modes.ts). */
  RATE_LIMIT_MODE?: string;
  /** With RATE_LIMIT_MODE=lease: the regions holding slices, comma-separated location hints (default every region). */
  RATE_LIMIT_LEASE_REGIONS?: string;
  /** Read replicas of the shards, `replica-<region>-<i>` (durable-objects/replication/replica.ts, docs/global.md §2). */
  REPLICA: DurableObjectNamespace<Replica>;
  /** Regions with read replicas, comma-separated location hints (`wnam,weur,apac`); unset: no replicas, no change log. */
  REPLICA_REGIONS?: string;
  /** How long a shard keeps change log rows its replicas have applied, ms (default 600000). */
  REPLICA_LOG_RETENTION_MS?: string;
  /** Tests and bench only: simulated round trips between regions (docs/global.md §5, durable-objects/replication/distance.ts). */
  SIMULATED_RTT?: string;
  /** Number of shards (default 16). */
  SHARDS?: string;
  /** Read-write token (a secret). With none configured every request is refused. */
  EDGEKV_TOKEN?: string;
  /** Optional read-only token (a secret): commands flagged `write` are refused with it. */
  EDGEKV_READONLY_TOKEN?: string;
  /** Optional token (a secret) that may read GET /metrics and nothing else; the read-write token may too. */
  METRICS_TOKEN?: string;
  /** Optional Workers Analytics Engine dataset the metrics are also written to (wrangler.toml, off by default; worker/metrics/analytics.ts). */
  METRICS_DATASET?: AnalyticsEngineDataset;
  /** With METRICS_DATASET: seconds between writes made from ordinary requests, per isolate (unset: only scrapes write). */
  METRICS_DATASET_INTERVAL?: string;
  /** Scheduled checkpoints (worker/pitr/schedule.ts): the interval, `900`/`900s`, `15m`, `1h` (unset: none). Needs a cron trigger. */
  PITR_CHECKPOINT_EVERY?: string;
  /** Scheduled checkpoints kept (older ones are forgotten; default 48). */
  PITR_CHECKPOINT_KEEP?: string;
  /** Largest accepted request body in bytes (default: the value limit plus REQUEST_OVERHEAD_BYTES, 33 MiB). */
  MAX_REQUEST_BYTES?: string;
  /** Largest string value in bytes (default 32 MiB; durable-objects/limits.ts). */
  MAX_VALUE_BYTES?: string;
  /** Most commands accepted in one /pipeline or /multi-exec request (default 10000). */
  MAX_PIPELINE_COMMANDS?: string;
  /**
   * The header trusted for the client's IP in rate limiting (worker/ratelimit/client-ip.ts):
   * unset for CF-Connecting-IP on requests through Cloudflare only, "none", or a header name.
   */
  CLIENT_IP_HEADER?: string;
  /**
   * Bytes a subscriber may fall behind (a WebSocket's unsent frames at its gateway, an SSE
   * stream's queue in the Worker) before it is cut off with the reason (default 32 MiB, Redis's
   * `client-output-buffer-limit pubsub` hard limit).
   */
  CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB?: string;
  /** What one request's replies may take in all, in bytes (default: the value limit plus REQUEST_OVERHEAD_BYTES, 33 MiB; README "Limits"). */
  MAX_REPLY_BYTES?: string;
  /**
   * Defaults of the CONFIG parameters, read by each shard when it starts (docs/config.md): one
   * var per parameter, its name upper-cased with `_` (`maxmemory-policy` → `MAXMEMORY_POLICY`),
   * in Redis's syntax (`100mb`). A value set by CONFIG SET is persisted and wins over the var.
   */
  MAXMEMORY?: string;
  MAXMEMORY_POLICY?: string;
  MAXMEMORY_SAMPLES?: string;
  MAXMEMORY_EVICTION_TENACITY?: string;
  LFU_LOG_FACTOR?: string;
  LFU_DECAY_TIME?: string;
  NOTIFY_KEYSPACE_EVENTS?: string;
  SLOWLOG_LOG_SLOWER_THAN?: string;
  SLOWLOG_MAX_LEN?: string;
  BUSY_REPLY_THRESHOLD?: string;
  /**
   * With read replicas (docs/global.md, README "Global deployment"; worker/global/route.ts): the
   * request header that names a request's region (unset: `request.cf`; set it only behind a
   * proxy you trust), and how long a replica read waits for the position its token asks (ms,
   * default 50) before the primary answers it.
   */
  REGION_HEADER?: string;
  REPLICA_WAIT_MS?: string;
  /** Tests only: replica reads ask for no position (test/global/ shows its checker catching it). */
  REPLICA_BREAK_TOKENS?: string;
  /** Under `npm run serve` with several processes: the shards this process owns (worker/serve/routing.ts). */
  SERVE_LOCAL_SHARDS?: number[];
}

export const DEFAULT_SHARDS = 16;
/** What a request may hold beyond one value of the largest size: the command, its key and options, JSON's quotes. */
export const REQUEST_OVERHEAD_BYTES = 1024 * 1024;
/** The default request limit for a value limit: one value of that size, plus the overhead. */
export function defaultMaxRequestBytes(maxValue: number): number {
  return maxValue + REQUEST_OVERHEAD_BYTES;
}
export const DEFAULT_MAX_REQUEST_BYTES = defaultMaxRequestBytes(DEFAULT_MAX_VALUE_BYTES);
/** Ten times what the official client sends in one auto-pipeline (1000). */
export const DEFAULT_MAX_PIPELINE_COMMANDS = 10_000;
/** The default for the replies of one request in all: one value of the largest size, plus the overhead (durable-objects/reply-budget.ts). */
export function defaultMaxReplyBytes(maxValue: number): number {
  return maxValue + REQUEST_OVERHEAD_BYTES;
}

export function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

declare global {
  namespace Cloudflare {
    // The bindings as the runtime's `env` (cloudflare:test, cloudflare:workers) sees them.
    interface Env {
      SHARD: DurableObjectNamespace<Shard>;
      COORDINATOR: DurableObjectNamespace<Coordinator>;
      LEASES?: DurableObjectNamespace<LeaseHolder>;
      REPLICA: DurableObjectNamespace<Replica>;
      REPLICA_REGIONS?: string;
      REPLICA_LOG_RETENTION_MS?: string;
      SIMULATED_RTT?: string;
      SHARDS?: string;
      MAX_VALUE_BYTES?: string;
    }
  }
}
