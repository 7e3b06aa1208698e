/**
 * The server parameters CONFIG GET/SET speak of, one entry each: Redis's name, its default, how
 * a value is written (Redis's syntax: `100mb`, `yes`), and whether edgekv honours it, only
 * reports it (read-only, as Redis's `maxclients`), or keeps it for a later part of the system.
 *
 * A shard reads its settings from its `ShardConfig` (ctx.config): typed values, read
 * synchronously on the command path (maxmemory before a write, slowlog thresholds after one).
 * Settings apply to the whole database: CONFIG SET reaches every shard as one cross-shard
 * transaction (commands/config.ts, worker/plan.ts) and each shard keeps what it applied in its
 * SQLite (store/config.ts), loaded over defaults and wrangler vars (config/store.ts; docs/config.md).
 */

/**
 * `events`: notify-keyspace-events' class letters (pubsub/notify.ts), checked as Redis does, kept
 * with every flag and shown as Redis shows them (`KEA` → `AKE`; `AKEn` also shows `AKE`).
 */
import { DEFAULT_KEY_CACHE_BYTES } from "../store/key-cache";

export type ParamKind = "bytes" | "int" | "enum" | "string" | "bool" | "events";

export interface Param {
  /** Redis's name, lower case. */
  readonly name: string;
  readonly kind: ParamKind;
  /** The default, as CONFIG GET shows it. */
  readonly default: string;
  /** For enums: the values allowed, lower case. */
  readonly values?: readonly string[];
  /** Integer bounds (bytes and ints), inclusive; no `max`: Redis's LLONG_MAX. */
  readonly min?: number;
  readonly max?: number;
  /** Shown by CONFIG GET, refused by CONFIG SET (Redis's "can't set immutable config"). */
  readonly readOnly?: boolean;
  /** Other names for the same setting (Redis's aliases: `lua-time-limit` for `busy-reply-threshold`). */
  readonly aliases?: readonly string[];
}

export const EVICTION_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** The policies in the order Redis lists them in its error text. */
const POLICIES_AS_LISTED = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];
/** Redis's INT_MAX bound (`int` configs); `long long` configs leave `max` out. */
const INT_MAX = 2147483647;

/** Redis's bounds (checked against redis-server 7.0.15), so CONFIG SET's range errors read the same. */
export const PARAMS: readonly Param[] = [
  { name: "maxmemory", kind: "bytes", default: "0", min: 0 },
  { name: "maxmemory-policy", kind: "enum", default: "noeviction", values: POLICIES_AS_LISTED },
  { name: "maxmemory-samples", kind: "int", default: "5", min: 1, max: INT_MAX },
  { name: "maxmemory-eviction-tenacity", kind: "int", default: "10", min: 0, max: 100 },
  { name: "lfu-log-factor", kind: "int", default: "10", min: 0, max: INT_MAX },
  { name: "lfu-decay-time", kind: "int", default: "1", min: 0, max: INT_MAX },
  { name: "notify-keyspace-events", kind: "events", default: "" },
  { name: "slowlog-log-slower-than", kind: "int", default: "10000", min: -1 },
  { name: "slowlog-max-len", kind: "int", default: "128", min: 0 },
  { name: "busy-reply-threshold", kind: "int", default: "5000", min: 0, aliases: ["lua-time-limit"] },
  // The value limit (MAX_VALUE_BYTES, durable-objects/limits.ts): set by deployment, not CONFIG SET.
  { name: "proto-max-bulk-len", kind: "bytes", default: "33554432", readOnly: true },
  // edgekv's own: each shard's in-memory cache of key rows (store/key-cache.ts); 0 turns it off.
  { name: "key-cache-bytes", kind: "bytes", default: String(DEFAULT_KEY_CACHE_BYTES), min: 0 },
  { name: "maxclients", kind: "int", default: "10000", readOnly: true },
  { name: "databases", kind: "int", default: "1", readOnly: true },
];

/** The most keys one eviction step samples, whatever `maxmemory-samples` says (Redis allows up to INT_MAX). */
export const MAX_EVICTION_SAMPLES = 64;

/** A shard's current settings, typed (config/store.ts keeps them and applies CONFIG SET). */
export interface ShardConfig {
  /** The value of a parameter as CONFIG GET shows it. */
  text(name: string): string;
  /** Whether `value` may be set for `name`: the parameter's own name and the value as shown, or why not. */
  check(name: string, value: string): { name: string; value: string } | { problem: string };
  /** Sets one parameter (persisted on a shard): null, or why the value is refused. */
  set(name: string, value: string): string | null;
  /** `maxmemory` in bytes: the whole database's budget (0: no limit). */
  readonly maxmemory: number;
  readonly maxmemoryPolicy: EvictionPolicy;
  /** `maxmemory-samples`, at most MAX_EVICTION_SAMPLES (CONFIG GET shows the value as set). */
  readonly maxmemorySamples: number;
  readonly maxmemoryEvictionTenacity: number;
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
  readonly slowlogLogSlowerThan: number;
  readonly slowlogMaxLen: number;
  readonly notifyKeyspaceEvents: string;
  /** notify-keyspace-events as Redis's NOTIFY_* flags (pubsub/notify.ts): 0 when notifications are off. */
  readonly notifyFlags: number;
  /** `busy-reply-threshold` (`lua-time-limit`) in ms: stored and shown; the Lua budget counts instructions (docs/config.md). */
  readonly busyReplyThreshold: number;
  /** `proto-max-bulk-len`: the value limit, MAX_VALUE_BYTES. */
  readonly protoMaxBulkLen: number;
  /** `key-cache-bytes`: the bound of each shard's key cache (0: off). */
  readonly keyCacheBytes: number;
}
