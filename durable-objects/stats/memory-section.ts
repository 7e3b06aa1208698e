/**
 * INFO's memory section: the one place its fields come from. Today: the bytes of the shard's
 * SQLite database (`used_memory`), and the budget and policy as CONFIG holds them. Memory
 * accounting (eviction/) replaces `used_memory` with what the data occupies and adds its own
 * fields here; each field says how the Worker merges it over the shards (MEMORY_MERGE).
 */
import type { ExecContext } from "../context";
import type { FieldMerge, InfoField } from "./info-fields";
import { humanBytes } from "./info-fields";

/** The shard's `used_memory` in bytes (also GET /metrics' per-shard memory). */
export function usedMemory(ctx: ExecContext): number {
  return ctx.keyspace.sql.databaseSize;
}

export function memorySection(ctx: ExecContext): InfoField[] {
  const used = usedMemory(ctx);
  const max = ctx.config.maxmemory;
  return [
    ["used_memory", used],
    ["used_memory_human", humanBytes(used)],
    ["maxmemory", max],
    ["maxmemory_human", humanBytes(max)],
    ["maxmemory_policy", ctx.config.maxmemoryPolicy],
  ];
}

/** How each memory field merges over the shards (`*_human` fields follow their number). */
export const MEMORY_MERGE: Record<string, FieldMerge> = {
  used_memory: "sum",
  maxmemory: "first",
  maxmemory_policy: "first",
};
