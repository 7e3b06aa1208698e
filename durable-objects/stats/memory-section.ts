/**
 * INFO's memory section: the one place its fields come from — the memory accounting's figures
 * (eviction/info.ts `memoryInfo`: what the data occupies, the same measure as MEMORY USAGE) —
 * and how the Worker merges each over the shards (MEMORY_MERGE).
 */
import type { ExecContext } from "../context";
import { memoryInfo } from "../eviction/info";
import type { FieldMerge, InfoField } from "./info-fields";

/** The shard's `used_memory` in bytes (also GET /metrics' per-shard memory). */
export function usedMemory(ctx: ExecContext): number {
  return ctx.keyspace.memory.current();
}

export function memorySection(ctx: ExecContext): InfoField[] {
  return Object.entries(memoryInfo(ctx));
}

/**
 * How each memory field merges over the shards (`*_human` fields follow their number). The
 * peak is the sum of the shards' peaks: at least the database's peak, reached if they peaked together.
 */
export const MEMORY_MERGE: Record<string, FieldMerge> = {
  used_memory: "sum",
  used_memory_peak: "sum",
  used_memory_dataset: "sum",
  maxmemory: "first",
  maxmemory_shard: "first",
  maxmemory_policy: "first",
  lazyfree_pending_objects: "sum",
  lazyfreed_objects: "sum",
  edgekv_lazyfree_pending_bytes: "sum",
  edgekv_key_cache_keys: "sum",
  edgekv_key_cache_bytes: "sum",
  edgekv_key_cache_hits: "sum",
  edgekv_key_cache_misses: "sum",
};
