/**
 * Choosing the key to evict, per `maxmemory-policy` (docs/memory-eviction.md, "The policies").
 *
 * Sampling reads `maxmemory-samples` neighbouring keys in id order from a random point of the id
 * range: of every key for the allkeys policies, of the keys with a TTL (their own index of ids,
 * TTL_SAMPLE_MIGRATION) for the volatile ones, as Redis samples db->expires; as Redis's
 * dictGetSomeKeys walks neighbouring buckets from a random one. Key ids are random
 * (store/keyspace.ts `randomKeyId`), so neighbours are unrelated keys and how often a key is
 * found (the ids before it: the sum of `samples` gaps) is independent of its age, use or
 * expiry. (Points in the expiry times would find a key after a wide gap in them far more often
 * than one among close or equal expiries, and ids in creation order would make neighbours keys
 * created together, alike in age: the bench measured both, docs/memory-eviction.md.)
 */
import type { EvictionPolicy } from "../config/params";
import { exactKey, type Keyspace } from "../store/keyspace";
import { EvictionPool } from "./pool";
import { LFU_MAX } from "./tracking";

export interface Sampled {
  id: number;
  key: string;
  expire_at: number | null;
}

const SAMPLE_ALL_FROM = "SELECT id, key, expire_at FROM keys WHERE id >= ? ORDER BY id LIMIT ?";
const SAMPLE_ALL_BEFORE = "SELECT id, key, expire_at FROM keys WHERE id < ? ORDER BY id LIMIT ?";
/** The ids of the keys with a TTL, for sampling them (appended to store/schema.ts's MIGRATIONS). */
export const TTL_SAMPLE_MIGRATION = `CREATE INDEX keys_ttl_by_id ON keys(id) WHERE expire_at IS NOT NULL;`;
const TTL_KEYS = "keys INDEXED BY keys_ttl_by_id WHERE expire_at IS NOT NULL AND";
const SAMPLE_TTL_FROM = `SELECT id, key, expire_at FROM ${TTL_KEYS} id >= ? ORDER BY id LIMIT ?`;
const SAMPLE_TTL_BEFORE = `SELECT id, key, expire_at FROM ${TTL_KEYS} id < ? ORDER BY id LIMIT ?`;

function bounds(ks: Keyspace, volatile: boolean): { lo: number; hi: number } | null {
  const from = volatile ? "keys INDEXED BY keys_ttl_by_id WHERE expire_at IS NOT NULL" : "keys";
  // Two statements: a lone min() or max() is read from the index's end.
  const lo = ks.sql.exec<{ v: number | null }>(`SELECT min(id) AS v FROM ${from}`).one().v;
  const hi = ks.sql.exec<{ v: number | null }>(`SELECT max(id) AS v FROM ${from}`).one().v;
  return lo === null || hi === null ? null : { lo, hi };
}

/**
 * Up to `n` keys (of those with a TTL when `volatile`): the first `n` at or after a random point
 * of their id range, wrapping around to the lowest. Two indexed reads at most.
 */
export function sampleKeys(ks: Keyspace, n: number, volatile: boolean, random: () => number): Sampled[] {
  const b = bounds(ks, volatile);
  if (!b) return [];
  const start = b.lo + Math.floor(random() * (b.hi - b.lo + 1));
  const rows = ks.sql.exec<Sampled & Record<string, SqlStorageValue>>(volatile ? SAMPLE_TTL_FROM : SAMPLE_ALL_FROM, start, n).toArray();
  if (rows.length < n) rows.push(...ks.sql.exec<Sampled & Record<string, SqlStorageValue>>(volatile ? SAMPLE_TTL_BEFORE : SAMPLE_ALL_BEFORE, start, n - rows.length).toArray());
  for (const row of rows) exactKey(ks.sql, row);
  return rows;
}

/** How good a key is to evict under `policy` (higher is better), as Redis's evictionPoolPopulate scores it. */
export function score(ks: Keyspace, policy: EvictionPolicy, k: Sampled, now: number): number {
  switch (policy) {
    case "allkeys-lru":
    case "volatile-lru":
      return ks.access.idleMs(k.id, now);
    case "allkeys-lfu":
    case "volatile-lfu":
      return LFU_MAX - ks.access.frequency(k.id, now);
    case "volatile-ttl":
      return -(k.expire_at ?? Number.MAX_SAFE_INTEGER);
    default:
      return 0;
  }
}

export const isVolatile = (policy: EvictionPolicy) => policy.startsWith("volatile-");
export const isRandom = (policy: EvictionPolicy) => policy.endsWith("-random");
export const isLfu = (policy: EvictionPolicy) => policy.endsWith("-lfu");

/** Rounds of sampling per eviction before giving up on finding a live, unlocked key. */
const ROUNDS = 8;

/**
 * The key to evict next under `policy`, or null when there is none (a volatile policy and no
 * key with a TTL, or an empty shard). Keys locked by a cross-shard transaction are skipped.
 */
export function chooseVictim(
  ks: Keyspace,
  pool: EvictionPool,
  policy: EvictionPolicy,
  samples: number,
  now: number,
  random: () => number,
): Sampled | null {
  const volatile = isVolatile(policy);
  for (let round = 0; round < ROUNDS; round++) {
    const sampled = sampleKeys(ks, isRandom(policy) ? 1 : samples, volatile, random);
    if (sampled.length === 0 && pool.size === 0) return null;
    if (isRandom(policy)) {
      const k = sampled[0];
      if (k && !ks.lockedNow(k.key)) return k;
      continue;
    }
    for (const k of sampled) if (!ks.lockedNow(k.key)) pool.offer({ id: k.id, key: k.key, score: score(ks, policy, k, now) });
    for (let c = pool.take(); c; c = pool.take()) {
      // A pooled key may have gone (deleted, renamed, its TTL removed) since it was sampled.
      const row = ks.sql
        .exec<Sampled & Record<string, SqlStorageValue>>("SELECT id, key, expire_at FROM keys WHERE id = ? AND key = ?", c.id, c.key)
        .toArray()[0];
      if (row) row.key = c.key; // as sampled (exactKey), equal to the stored key
      if (!row || (volatile && row.expire_at === null) || ks.lockedNow(row.key)) continue;
      return row;
    }
  }
  return null;
}
