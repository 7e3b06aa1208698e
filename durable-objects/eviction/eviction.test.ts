/**
 * The evicting policies with a controlled access pattern: access times and LFU counters are set
 * in the tracker (no sleeps), sampling covers every key (maxmemory-samples 64 points spread evenly),
 * so the victims are known: the right keys go, in order; the budget holds after each write (over
 * by at most the last write's own size, as in Redis); volatile policies never touch keys without
 * a TTL and answer OOM when none is left; eviction is bounded per command and survives a restart.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshShard } from "../../test/workers/shard-client";
import type { Shard } from "../shard";
import { configure, inside, totals, type Stub } from "../../test/workers/eviction-helpers";
import { EVICT_MAX_KEYS } from "./evictor";
import { sampleKeys } from "./policies";
import { lfuDecay, lfuLogIncr, LFU_INIT_VAL } from "./tracking";

const VALUE = "v".repeat(100);
const OOM = { error: "OOM command not allowed when used memory > 'maxmemory'." };

interface KeySetup {
  /** Seconds since the last access. */
  idle?: number;
  /** LFU counter. */
  freq?: number;
  /** TTL in seconds. */
  ttl?: number;
}

/** Keys k0..k(n-1) (same sizes), their access data set, the shard just over its budget under `policy`. */
async function setup(prefix: string, policy: string, keys: KeySetup[]) {
  const s = freshShard(prefix);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    expect(await s.r("SET", `k${i}`, VALUE, ...(k.ttl ? ["EX", k.ttl] : []))).toBe("OK");
  }
  const used = (await totals(s.stub)).used;
  await runInDurableObject(s.stub, (shard: Shard) => {
    const ks = inside(shard).keyspace;
    // A low-discrepancy sequence: 64 sampling points cover every key of these small shards.
    let n = 0;
    ks.access.random = () => (n++ * 0.6180339887) % 1;
    const now = Date.now();
    keys.forEach((k, i) => {
      const id = ks.sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = ?", `k${i}`).one().id;
      ks.access.set(id, now - (k.idle ?? 0) * 1000, k.freq ?? LFU_INIT_VAL);
    });
  });
  await configure(s.stub, { maxmemory: used - 1, "maxmemory-policy": policy, "maxmemory-samples": 64, "lfu-decay-time": 0 });
  return { ...s, budget: used - 1, keySize: used / keys.length };
}

/** The keys of k0..k(n-1) that are gone (read from the table: a lookup would count as an access). */
async function gone(s: { stub: Stub }, n: number): Promise<string[]> {
  const present = await runInDurableObject(s.stub, (shard: Shard) =>
    inside(shard).keyspace.sql.exec<{ key: string }>("SELECT key FROM keys").toArray().map((row) => row.key),
  );
  return Array.from({ length: n }, (_, i) => `k${i}`).filter((k) => !present.includes(k));
}

const evictedKeys = (stub: Stub) => runInDurableObject(stub, (shard: Shard) => inside(shard).stats.get("evicted_keys"));

/** Writes `count` new keys; after each, the shard is within budget but for that write's own size. */
let written = 0;
async function writeAndCheck(s: { r: (...a: (string | number)[]) => Promise<unknown>; stub: Stub; budget: number; keySize: number }, count: number, extra = 0) {
  for (let i = 0; i < count; i++) {
    expect(await s.r("SET", `n${written++ % 10}`, VALUE + "+".repeat(extra))).toBe("OK");
    const t = await totals(s.stub);
    expect(t.used).toBe(t.measured);
    expect(t.used).toBeLessThanOrEqual(s.budget + s.keySize + extra);
  }
}

describe("eviction policies", () => {
  it("allkeys-lru evicts the least recently used keys first", async () => {
    const s = await setup("evict-lru", "allkeys-lru", [{ idle: 10 }, { idle: 500 }, { idle: 5 }, { idle: 300 }, { idle: 1 }, { idle: 400 }]);
    await writeAndCheck(s, 1);
    expect(await gone(s, 6)).toEqual(["k1"]);
    await writeAndCheck(s, 2);
    expect(await gone(s, 6)).toEqual(["k1", "k3", "k5"]);
    expect(await evictedKeys(s.stub)).toBe(3);
  });

  it("a read refreshes a key under allkeys-lru", async () => {
    const s = await setup("evict-lru-read", "allkeys-lru", [{ idle: 500 }, { idle: 400 }, { idle: 1 }]);
    expect(await s.r("GET", "k0")).toBe(VALUE);
    await writeAndCheck(s, 1);
    expect(await gone(s, 3)).toEqual(["k1"]);
  });

  it("allkeys-lfu evicts the least frequently used keys first", async () => {
    const s = await setup("evict-lfu", "allkeys-lfu", [{ freq: 50 }, { freq: 2 }, { freq: 200 }, { freq: 1 }, { freq: 30 }]);
    await writeAndCheck(s, 2);
    expect(await gone(s, 5)).toEqual(["k1", "k3"]);
  });

  it("allkeys-random evicts some key and keeps the budget", async () => {
    const s = await setup("evict-random", "allkeys-random", [{}, {}, {}, {}]);
    await writeAndCheck(s, 3);
    // Any key may go, a new one too: three evictions, one per write.
    expect(await evictedKeys(s.stub)).toBe(3);
  });

  it("volatile-lru evicts the least recently used of the keys with a TTL only", async () => {
    const s = await setup("evict-vlru", "volatile-lru", [{ idle: 900 }, { idle: 100, ttl: 1000 }, { idle: 800 }, { idle: 300, ttl: 1000 }, { idle: 5, ttl: 1000 }]);
    await writeAndCheck(s, 2, 32);
    expect(await gone(s, 5)).toEqual(["k1", "k3"]);
  });

  it("volatile-lfu evicts the least frequently used of the keys with a TTL only", async () => {
    const s = await setup("evict-vlfu", "volatile-lfu", [{ freq: 0 }, { freq: 40, ttl: 1000 }, { freq: 10, ttl: 1000 }, { freq: 100, ttl: 1000 }]);
    await writeAndCheck(s, 2, 32);
    expect(await gone(s, 4)).toEqual(["k1", "k2"]);
  });

  it("volatile-ttl evicts the keys nearest to expiry first, then answers OOM", async () => {
    const s = await setup("evict-vttl", "volatile-ttl", [{ ttl: 5000 }, {}, { ttl: 100 }, { ttl: 9000 }]);
    await writeAndCheck(s, 2, 32);
    expect(await gone(s, 4)).toEqual(["k0", "k2"]);
    await writeAndCheck(s, 1, 32);
    expect(await gone(s, 4)).toEqual(["k0", "k2", "k3"]);
    expect(await s.r("SET", "more", VALUE)).toEqual(OOM);
    expect(await s.r("EXISTS", "k1")).toBe(1);
  });

  it("samples every key with a TTL, however their expiries lie", async () => {
    // A hundred keys sharing one expiry (written together with one TTL), one far later, and
    // keys without a TTL among them. Sampling reads runs of five neighbouring ids from random
    // points; ids are random, so each key with a TTL is found about 5 × 2000 ÷ 101 ≈ 99 times
    // (the ids before it decide how often: a sum of five random gaps, never near nothing).
    const s = freshShard("evict-ttl-sampling");
    const at = Date.now() + 3_600_000;
    for (let i = 0; i < 100; i++) {
      await s.r("SET", `c${i}`, VALUE, "PXAT", at);
      await s.r("SET", `p${i}`, VALUE);
    }
    await s.r("SET", "far", VALUE, "PXAT", at + 1_000_000_000);
    const counts = await runInDurableObject(s.stub, (shard: Shard) => {
      const ks = inside(shard).keyspace;
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const seen: Record<string, number> = {};
      for (let i = 0; i < 2000; i++) for (const k of sampleKeys(ks, 5, true, random)) seen[k.key] = (seen[k.key] ?? 0) + 1;
      return seen;
    });
    expect(Object.keys(counts).sort()).toEqual([...Array.from({ length: 100 }, (_, i) => `c${i}`), "far"].sort());
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(500);
    }
  });

  it("makes room before a script, as before any write, and not inside it", async () => {
    const s = await setup("evict-script", "allkeys-lru", [{ idle: 10 }, { idle: 500 }, { idle: 5 }]);
    // Over budget by one key's worth: EVAL is not `denyoom`, but it may write, so room is made first.
    await s.r("SET", "more", VALUE);
    const before = await evictedKeys(s.stub);
    await configure(s.stub, { maxmemory: s.budget - Math.ceil(s.keySize) });
    expect(await s.r("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", 1, "k0", VALUE)).toBe("OK");
    expect(await evictedKeys(s.stub)).toBeGreaterThan(before);
    const t = await totals(s.stub);
    expect(t.used).toBe(t.measured);
  });

  it("volatile-random evicts only keys with a TTL, then answers OOM", async () => {
    const s = await setup("evict-vrandom", "volatile-random", [{}, { ttl: 1000 }, {}, { ttl: 1000 }]);
    await writeAndCheck(s, 2, 32);
    expect(await gone(s, 4)).toEqual(["k1", "k3"]);
    expect(await s.r("SET", "more", VALUE)).toEqual(OOM);
  });

  it("evicts in bounded steps: at most EVICT_MAX_KEYS keys before one write", async () => {
    const s = freshShard("evict-bounded");
    const n = EVICT_MAX_KEYS + 36;
    for (let i = 0; i < n; i += 50) await s.r("MSET", ...Array.from({ length: Math.min(50, n - i) }, (_, j) => [`b${i + j}`, VALUE]).flat());
    await configure(s.stub, { maxmemory: 1, "maxmemory-policy": "allkeys-lru" });
    expect(await s.r("SET", "x", VALUE)).toBe("OK");
    expect(await s.r("DBSIZE")).toBe(n - EVICT_MAX_KEYS + 1);
    expect(await s.r("SET", "y", VALUE)).toBe("OK");
    expect(await s.r("DBSIZE")).toBe(1);
  });

  it("survives a restart: the accounting is read back and eviction goes on", async () => {
    const s = await setup("evict-restart", "allkeys-lru", [{}, {}, {}, {}, {}]);
    await evictDurableObject(s.stub);
    // The access data is gone (in memory only); the settings are set again as after a restart.
    await configure(s.stub, { maxmemory: s.budget, "maxmemory-policy": "allkeys-lru", "maxmemory-samples": 64 });
    await writeAndCheck(s, 3);
    // Every key counts as accessed at the restart, the new ones as accessed at that time too when
    // the clock has not moved: the keys evicted may be old or new, one per write.
    expect(await evictedKeys(s.stub)).toBe(3);
  });

  it("evicts collections and keeps the accounting exact", async () => {
    const s = freshShard("evict-collections");
    for (let i = 0; i < 10; i++) await s.r("HSET", `h${i}`, "a", VALUE, "b", VALUE);
    for (let i = 0; i < 10; i++) await s.r("ZADD", `z${i}`, 1, VALUE, 2, "x");
    const used = (await totals(s.stub)).used;
    await configure(s.stub, { maxmemory: Math.floor(used / 2), "maxmemory-policy": "allkeys-lru" });
    await s.r("RPUSH", "list", VALUE);
    const t = await totals(s.stub);
    expect(t.used).toBe(t.measured);
    expect(t.used).toBeLessThanOrEqual(Math.floor(used / 2) + 1000);
  });
});

describe("LFU counter", () => {
  it("grows with probability 1 / ((c - LFU_INIT_VAL) * factor + 1), at most 255", () => {
    expect(lfuLogIncr(5, 10, () => 0.99)).toBe(6);
    expect(lfuLogIncr(6, 10, () => 0.5)).toBe(6);
    expect(lfuLogIncr(6, 10, () => 0.05)).toBe(7);
    expect(lfuLogIncr(255, 0, () => 0)).toBe(255);
  });

  it("decays by one per lfu-decay-time minutes", () => {
    expect(lfuDecay(10, 100, 103, 1)).toBe(7);
    expect(lfuDecay(10, 100, 103, 2)).toBe(9);
    expect(lfuDecay(2, 100, 200, 1)).toBe(0);
    expect(lfuDecay(10, 100, 200, 0)).toBe(10);
  });
});

describe("OBJECT FREQ and IDLETIME", () => {
  it("read the tracker: idle seconds under LRU, the decayed counter under LFU, each refusing the other", async () => {
    const s = freshShard("object-tracker");
    await s.r("SET", "k", "v");
    await runInDurableObject(s.stub, (shard: Shard) => {
      const ks = inside(shard).keyspace;
      const id = ks.sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = 'k'").one().id;
      ks.access.set(id, Date.now() - 125_000, 42);
    });
    await configure(s.stub, { "maxmemory-policy": "allkeys-lru" });
    const idle = (await s.r("OBJECT", "IDLETIME", "k")) as number;
    expect(idle).toBeGreaterThanOrEqual(125);
    expect(idle).toBeLessThan(135);
    expect(await s.r("OBJECT", "FREQ", "k")).toEqual({ error: expect.stringMatching(/^ERR An LFU maxmemory policy is not selected/) });
    await configure(s.stub, { "maxmemory-policy": "volatile-lfu", "lfu-decay-time": 1 });
    // 125 s since the last decrement: two or three minute boundaries passed, one less each.
    expect([39, 40]).toContain(await s.r("OBJECT", "FREQ", "k"));
    expect(await s.r("OBJECT", "IDLETIME", "k")).toEqual({ error: expect.stringMatching(/^ERR An LFU maxmemory policy is selected, idle time not tracked/) });
    // OBJECT is not an access; GET is (with lfu-log-factor 0 every access counts).
    await configure(s.stub, { "lfu-decay-time": 0, "lfu-log-factor": 0 });
    expect(await s.r("OBJECT", "FREQ", "k")).toBe(42);
    await s.r("GET", "k");
    await s.r("GET", "k");
    expect(await s.r("OBJECT", "FREQ", "k")).toBe(44);
  });

  it("RESTORE sets them as Redis's objectSetLRUOrLFU: FREQ under an LFU policy, IDLETIME under any other", async () => {
    const s = freshShard("object-restore");
    await s.r("SET", "src", "v");
    const payload = (await s.call("DUMP", "src")) as Uint8Array;
    await configure(s.stub, { "maxmemory-policy": "allkeys-lfu", "lfu-decay-time": 0 });
    expect(await s.call("RESTORE", "f", "0", payload, "FREQ", "77")).toEqual({ status: "OK" });
    expect(await s.r("OBJECT", "FREQ", "f")).toBe(77);
    // IDLETIME under an LFU policy has no effect: the counter is the new key's.
    expect(await s.call("RESTORE", "i", "0", payload, "IDLETIME", "500")).toEqual({ status: "OK" });
    expect(await s.r("OBJECT", "FREQ", "i")).toBe(LFU_INIT_VAL);
    await configure(s.stub, { "maxmemory-policy": "allkeys-lru" });
    expect(await s.call("RESTORE", "i2", "0", payload, "IDLETIME", "500")).toEqual({ status: "OK" });
    const idle = (await s.r("OBJECT", "IDLETIME", "i2")) as number;
    expect(idle >= 500 && idle <= 501).toBe(true);
    expect(await s.call("RESTORE", "f2", "0", payload, "FREQ", "9")).toEqual({ status: "OK" });
    expect(await s.r("OBJECT", "IDLETIME", "f2")).toBe(0);
  });
});
