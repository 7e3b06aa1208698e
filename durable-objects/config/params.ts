/**
 * The server parameters CONFIG GET/SET speak of, one entry each: Redis's name, its default, how
 * a value is written (Redis's syntax: `100mb`, `yes`), and whether edgekv honours it, only
 * reports it (read-only, as Redis's `maxclients`), or keeps it for a later part of the system.
 *
 * A shard reads its settings from its `ShardConfig` (ctx.config): typed values, read
 * synchronously on the command path (maxmemory before a write, slowlog thresholds after one).
 * Settings apply to the whole database; how CONFIG SET reaches every shard and survives a
 * restart is config/store.ts's (docs/config.md).
 */

export type ParamKind = "bytes" | "int" | "enum" | "string" | "bool";

export interface Param {
  /** Redis's name, lower case. */
  readonly name: string;
  readonly kind: ParamKind;
  /** The default, as CONFIG GET shows it. */
  readonly default: string;
  /** For enums: the values allowed, lower case. */
  readonly values?: readonly string[];
  /** Integer bounds (bytes and ints), inclusive. */
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

export const PARAMS: readonly Param[] = [
  { name: "maxmemory", kind: "bytes", default: "0", min: 0 },
  { name: "maxmemory-policy", kind: "enum", default: "noeviction", values: EVICTION_POLICIES },
  { name: "maxmemory-samples", kind: "int", default: "5", min: 1, max: 64 },
  { name: "maxmemory-eviction-tenacity", kind: "int", default: "10", min: 0, max: 100 },
  { name: "lfu-log-factor", kind: "int", default: "10", min: 0 },
  { name: "lfu-decay-time", kind: "int", default: "1", min: 0 },
  { name: "notify-keyspace-events", kind: "string", default: "" },
  { name: "slowlog-log-slower-than", kind: "int", default: "10000", min: -1 },
  { name: "slowlog-max-len", kind: "int", default: "128", min: 0 },
  { name: "busy-reply-threshold", kind: "int", default: "5000", min: 0, aliases: ["lua-time-limit"] },
  { name: "proto-max-bulk-len", kind: "bytes", default: "33554432", readOnly: true },
  { name: "maxclients", kind: "int", default: "10000", readOnly: true },
  { name: "databases", kind: "int", default: "1", readOnly: true },
];

/** A shard's current settings, typed (config/store.ts keeps them and applies CONFIG SET). */
export interface ShardConfig {
  /** The value of a parameter as CONFIG GET shows it. */
  text(name: string): string;
  /** `maxmemory` in bytes: the whole database's budget (0: no limit). */
  readonly maxmemory: number;
  readonly maxmemoryPolicy: EvictionPolicy;
  readonly maxmemorySamples: number;
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
  readonly slowlogLogSlowerThan: number;
  readonly slowlogMaxLen: number;
  readonly notifyKeyspaceEvents: string;
}
