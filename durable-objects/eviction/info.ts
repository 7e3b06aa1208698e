/**
 * What a shard reports of its memory: INFO's memory section (`memoryInfo`, called by INFO memory)
 * and MEMORY STATS (`memoryStats`). Used memory is the accounting's total (accounting.ts), the
 * same measure as MEMORY USAGE; there is no allocator, so fragmentation and RSS fields are not
 * reported.
 */
import type { ExecContext } from "../context";
import { shardBudget } from "./evictor";

/** Redis's bytesToHuman: `1.50K`, `12.00M`, `123B`. */
export function bytesToHuman(n: number): string {
  const units = ["B", "K", "M", "G", "T", "P"];
  if (n < 1024) return `${n}B`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

/**
 * INFO memory's fields for this shard, by Redis's names. `maxmemory` is the database's budget;
 * `maxmemory_shard` this shard's share of it (edgekv's own field). INFO sums `used_memory` over
 * the shards. `evicted_keys` is a stats counter (ctx.stats), not reported here. Keys deleted
 * lazily (store/lazy-free.ts) are out of `used_memory` at once; what they still hold while their
 * rows are freed is `lazyfree_pending_objects` (keys) and `edgekv_lazyfree_pending_bytes`.
 */
export function memoryInfo(ctx: ExecContext): Record<string, string | number> {
  const used = ctx.keyspace.memory.current();
  const peak = Math.max(used, ctx.keyspace.memory.peak);
  const max = ctx.config.maxmemory;
  const pending = ctx.keyspace.lazyFree.pending();
  const cache = ctx.keyspace.cache;
  return {
    used_memory: used,
    used_memory_human: bytesToHuman(used),
    used_memory_peak: peak,
    used_memory_peak_human: bytesToHuman(peak),
    used_memory_dataset: used,
    maxmemory: max,
    maxmemory_human: bytesToHuman(max),
    maxmemory_shard: shardBudget(ctx),
    maxmemory_policy: ctx.config.maxmemoryPolicy,
    lazyfree_pending_objects: pending.objects,
    lazyfreed_objects: ctx.keyspace.lazyFree.freed,
    edgekv_lazyfree_pending_bytes: pending.bytes,
    // The key cache (store/key-cache.ts): what it holds, and how often a lookup needed no SQL.
    edgekv_key_cache_keys: cache.size.keys,
    edgekv_key_cache_bytes: cache.size.bytes,
    edgekv_key_cache_hits: cache.hits,
    edgekv_key_cache_misses: cache.misses,
  };
}

/** MEMORY STATS for this shard: Redis's field names where they mean something here. */
export function memoryStats(ctx: ExecContext): [string, number | string][] {
  const used = ctx.keyspace.memory.current();
  const peak = Math.max(used, ctx.keyspace.memory.peak);
  const keys = ctx.keyspace.count();
  const pct = (part: number, whole: number) => String(whole === 0 ? 0 : (part / whole) * 100);
  return [
    ["peak.allocated", peak],
    ["total.allocated", used],
    ["startup.allocated", 0],
    ["replication.backlog", 0],
    ["clients.slaves", 0],
    ["clients.normal", 0],
    ["cluster.links", 0],
    ["aof.buffer", 0],
    ["overhead.total", 0],
    ["keys.count", keys],
    ["keys.bytes-per-key", keys === 0 ? 0 : Math.floor(used / keys)],
    ["dataset.bytes", used],
    ["dataset.percentage", pct(used, used)],
    ["peak.percentage", pct(used, peak)],
  ];
}
