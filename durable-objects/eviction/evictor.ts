/**
 * Making room before a write flagged `denyoom` (Redis's performEvictions, called from
 * processCommand). A shard enforces its share of `maxmemory`: maxmemory ÷ the number of shards.
 * Keys are evicted one at a time until the shard is under its share, at most EVICT_MAX_KEYS per
 * command: when the bound is reached having freed something, the write goes ahead and the next
 * write continues. Only when nothing can be evicted is the write refused (OOM).
 */
import { Notify } from "../pubsub/notify";
import type { ExecContext } from "../context";
import { exactKey, type Keyspace } from "../store/keyspace";
import { EvictionPool } from "./pool";
import { chooseVictim } from "./policies";

/** Keys evicted at most before one command. */
export const EVICT_MAX_KEYS = 64;

const pools = new WeakMap<Keyspace, EvictionPool>();

/** The shard's eviction pool (kept across evictions, as Redis keeps its pool). */
export function poolOf(ks: Keyspace): EvictionPool {
  let pool = pools.get(ks);
  if (!pool) pools.set(ks, (pool = new EvictionPool()));
  return pool;
}

/** This shard's share of `maxmemory` in bytes (0: no limit). */
export function shardBudget(ctx: ExecContext): number {
  const max = ctx.config.maxmemory;
  return max > 0 ? Math.max(1, Math.floor(max / Math.max(1, ctx.keyspace.shardCount))) : 0;
}

/** Evicts what the policy allows until the shard is under budget; false: the write must answer OOM. */
export function makeRoom(ctx: ExecContext): boolean {
  const budget = shardBudget(ctx);
  if (budget === 0) return true;
  const ks = ctx.keyspace;
  if (ks.memory.current() <= budget) return true;
  const policy = ctx.config.maxmemoryPolicy;
  if (policy === "noeviction") return false;
  // Inside a script, or over keys gathered from other shards: no eviction here; the next
  // command-level write makes room.
  if (ks.memory.writing || ctx.onlyKeys !== undefined) return true;
  const pool = poolOf(ks);
  for (let n = 0; n < EVICT_MAX_KEYS; n++) {
    const victim = chooseVictim(ks, pool, policy, ctx.config.maxmemorySamples, ctx.now, ks.access.random);
    if (!victim) return false;
    const row = ks.sql.exec<{ id: number; key: string; type: number; size: number | null } & Record<string, SqlStorageValue>>("SELECT id, key, type, size FROM keys WHERE id = ?", victim.id).one();
    exactKey(ks.sql, row);
    ks.deleteRow(row);
    ks.notify(Notify.Evicted, "evicted", row.key);
    pool.drop(victim.id);
    ctx.stats.incr("evicted_keys");
    if (ks.memory.used() <= budget) return true;
  }
  return true;
}
