/**
 * Reaching into a shard for the memory and eviction tests (durable-objects/eviction/*.test.ts):
 * its keyspace, settings and counters, the accounting's total beside a fresh measurement, and
 * settings set as CONFIG SET would.
 */
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { ConfigStore } from "../../durable-objects/config/store";
import type { Shard } from "../../durable-objects/shard";
import type { KeyRow, Keyspace } from "../../durable-objects/store/keyspace";
import { keyMemoryUsage } from "../../durable-objects/store/memory-usage";
import type { freshShard } from "./shard-client";

/** The shard's internals a test reaches into. */
export interface ShardInside {
  keyspace: Keyspace;
  config: ConfigStore;
  stats: { get(name: string): number };
}
export const inside = (s: Shard) => s as unknown as ShardInside;
/** A shard's stub, as freshShard answers it. */
export type Stub = ReturnType<typeof freshShard>["stub"];

/** The shard's running total and the sum of MEMORY USAGE over its keys, measured afresh. */
export async function totals(stub: Stub): Promise<{ used: number; measured: number }> {
  return runInDurableObject(stub, (s: Shard) => {
    const ks = inside(s).keyspace;
    const rows = ks.sql.exec<KeyRow & Record<string, SqlStorageValue>>("SELECT id, key, type, value, expire_at, size FROM keys").toArray();
    let measured = 0;
    for (const row of rows) measured += keyMemoryUsage(ks, row);
    return { used: ks.memory.current(), measured };
  });
}

/** Sets parameters on the shard (as CONFIG SET would) and makes it its database's only shard. */
export async function configure(stub: Stub, params: Record<string, string | number>): Promise<void> {
  await runInDurableObject(stub, (s: Shard) => {
    inside(s).keyspace.shardCount = 1;
    for (const [name, value] of Object.entries(params)) expect(inside(s).config.set(name, String(value))).toBeNull();
  });
}
