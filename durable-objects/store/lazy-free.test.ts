/**
 * Large keys are deleted in bounded steps (lazy-free.ts): the key row goes at once, its element
 * rows afterwards, a bounded number per batch and per alarm run, also across a restart; a key
 * id with rows still pending is never handed to a new key with them; small keys stay direct.
 * Each step runs inside the object (one synchronous callback), so the runtime's own alarm cannot
 * run between a command and what the test reads after it.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fromReply } from "../../test/conformance/normalize";
import { freshShard } from "../../test/workers/shard-client";
import { configure, inside, totals } from "../../test/workers/eviction-helpers";
import type { Arg } from "../args";
import type { Reply } from "../reply";
import type { Shard } from "../shard";
import { LAZYFREE_BATCH_STEP, LAZYFREE_THRESHOLD } from "./lazy-free";

type Stub = ReturnType<typeof freshShard>["stub"];
/** A batch run by the object itself (as its `exec` RPC), its replies as the conformance suite's values. */
const execIn = (s: Shard, batch: Arg[][]) => (s as unknown as { exec(b: Arg[][]): Reply[] }).exec(batch).map(fromReply);

/** Element rows of every collection and chunk table under key id `id`. */
function rowsOf(sql: SqlStorage, id: number): number {
  let n = 0;
  for (const t of ["hash_fields", "list_item", "set_member", "zset_member", "zset_node", "string_chunks"]) {
    n += sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE key_id = ?`, id).one().n;
  }
  return n;
}

const idOf = (sql: SqlStorage, key: string) => sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = ?", key).one().id;
const pendingIds = (sql: SqlStorage) => sql.exec<{ id: number }>("SELECT id FROM freed_keys").toArray().map((r) => r.id);

/** A batch that builds `key` as a `type` of `n` elements, 100 per command. */
function build(type: "hash" | "list" | "set" | "zset", key: string, n: number): Arg[][] {
  const batch: Arg[][] = [];
  for (let from = 0; from < n; from += 100) {
    const args: string[] = [];
    for (let i = from; i < Math.min(n, from + 100); i++) {
      if (type === "hash") args.push(`f${i}`, `v${i}`);
      else if (type === "zset") args.push(String(i), `m${i}`);
      else args.push(`e${i}`);
    }
    const cmd = { hash: "HSET", list: "RPUSH", set: "SADD", zset: "ZADD" }[type];
    batch.push([cmd, key, ...args]);
  }
  return batch;
}

async function alarmAt(stub: Stub): Promise<number | null> {
  return runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.getAlarm());
}

describe("lazy free of large keys", () => {
  it("evicting a large hash deletes its key at once and its fields in bounded steps, then all of them (alarm)", async () => {
    const s = freshShard("lazyfree-evict");
    await s.rpc.exec(build("hash", "big", 25_000));
    await s.r("SET", "small", "v");
    const used = (await totals(s.stub)).used;
    await configure(s.stub, { maxmemory: used - 1, "maxmemory-policy": "allkeys-lru", "maxmemory-samples": 64 });
    const id = await runInDurableObject(s.stub, (shard: Shard) => {
      const ks = inside(shard).keyspace;
      const id = idOf(ks.sql, "big");
      // "big" idle longest: the LRU victim.
      ks.access.set(id, Date.now() - 3_600_000, 5);
      ks.access.set(idOf(ks.sql, "small"), Date.now(), 5);
      expect(execIn(shard, [["SET", "n", "v"]])).toEqual(["OK"]);
      expect(inside(shard).stats.get("evicted_keys")).toBe(1);
      // The key is gone for every command at once; most of its fields are still there.
      expect(execIn(shard, [["EXISTS", "big"], ["HLEN", "big"], ["HGET", "big", "f1"], ["GET", "small"]])).toEqual([0, 0, null, "v"]);
      const left = rowsOf(ks.sql, id);
      expect(left).toBeGreaterThanOrEqual(25_000 - LAZYFREE_THRESHOLD - LAZYFREE_BATCH_STEP);
      expect(left).toBeLessThan(25_000);
      expect(pendingIds(ks.sql)).toEqual([id]);
      return id;
    });
    // used_memory counts live keys only; the pending rows are reported beside it.
    const t = await totals(s.stub);
    expect(t.used).toBe(t.measured);
    const info = String(await s.r("INFO", "memory"));
    if (!info.includes("lazyfree_pending_objects:0")) {
      expect(info).toContain("lazyfree_pending_objects:1");
      expect(Number(/edgekv_lazyfree_pending_bytes:(\d+)/.exec(info)![1])).toBeGreaterThan(used / 2);
    }
    // Each alarm run frees at most SWEEP_STEPS × SWEEP_BATCH rows (10 000) and re-arms while rows remain
    // (measured inside the object: the runtime may also fire the alarm by itself between two calls).
    for (let i = 0; i < 10 && (await s.sql((sql) => rowsOf(sql, id))) > 0; i++) {
      await runInDurableObject(s.stub, async (shard: Shard, state: DurableObjectState) => {
        const before = rowsOf(inside(shard).keyspace.sql, id);
        await shard.alarm();
        const after = rowsOf(inside(shard).keyspace.sql, id);
        expect(before - after).toBeLessThanOrEqual(10_000);
        if (after > 0) expect(await state.storage.getAlarm()).not.toBe(null);
      });
    }
    expect(await s.sql((sql) => rowsOf(sql, id))).toBe(0);
    expect(await s.sql(pendingIds)).toEqual([]);
    expect(await s.r("INFO", "memory")).toContain("lazyfree_pending_objects:0");
    expect(await s.r("GET", "n")).toBe("v");
  });

  it("DEL of a small collection stays direct; of a large one, lazy for every type", async () => {
    const s = freshShard("lazyfree-del");
    await runInDurableObject(s.stub, (shard: Shard) => {
      const sql = inside(shard).keyspace.sql;
      for (const type of ["hash", "list", "set", "zset"] as const) {
        execIn(shard, build(type, `small-${type}`, LAZYFREE_THRESHOLD));
        const small = idOf(sql, `small-${type}`);
        expect(execIn(shard, [["DEL", `small-${type}`]])).toEqual([1]);
        expect(rowsOf(sql, small)).toBe(0);
        expect(pendingIds(sql)).toEqual([]);
        execIn(shard, build(type, `big-${type}`, 3_000));
        const big = idOf(sql, `big-${type}`);
        expect(execIn(shard, [["UNLINK", `big-${type}`]])).toEqual([1]);
        expect(execIn(shard, [["TYPE", `big-${type}`]])).toEqual(["none"]);
        expect(rowsOf(sql, big)).toBeGreaterThan(0);
        expect(pendingIds(sql)).toEqual([big]);
        // Write batches drain it, a bounded step each.
        for (let i = 0; i < 10 && rowsOf(sql, big) > 0; i++) execIn(shard, [["SET", "tick", String(i)]]);
        expect(rowsOf(sql, big)).toBe(0);
        execIn(shard, [["SET", "tick", "last"]]);
        expect(pendingIds(sql)).toEqual([]);
      }
    });
  });

  it("a large string's chunks and a large collection overwritten by SET are freed lazily; RENAME and COPY over a large key keep the moved key whole", async () => {
    const s = freshShard("lazyfree-overwrite");
    await runInDurableObject(s.stub, (shard: Shard) => {
      const sql = inside(shard).keyspace.sql;
      // Keys created after each large one, so that ids given out in order never reuse a pending one here.
      execIn(shard, [["SET", "str", "x".repeat(16 * 1024 * 1024)], ["SET", "after-str", "1"]]);
      const str = idOf(sql, "str");
      expect(rowsOf(sql, str)).toBe(256);
      execIn(shard, [["DEL", "str"]]);
      expect(pendingIds(sql)).toEqual([str]);

      execIn(shard, build("zset", "z", 3_000));
      const z = idOf(sql, "z");
      expect(execIn(shard, [["SET", "z", "now a string"], ["TYPE", "z"], ["GET", "z"]])).toEqual(["OK", "string", "now a string"]);
      expect(idOf(sql, "z")).toBe(z);
      expect(pendingIds(sql).sort()).toEqual([str, z].sort());

      execIn(shard, build("hash", "target", 3_000));
      execIn(shard, build("hash", "src", 10));
      const target = idOf(sql, "target");
      expect(execIn(shard, [["RENAME", "src", "target"], ["HLEN", "target"], ["HGET", "target", "f3"]])).toEqual(["OK", 10, "v3"]);
      expect(pendingIds(sql)).toContain(target);
      execIn(shard, [...build("set", "dst", 3_000), ["SET", "after-dst", "1"]]);
      const dst = idOf(sql, "dst");
      expect(execIn(shard, [["COPY", "target", "dst", "REPLACE"], ["HLEN", "dst"], ["HGET", "dst", "f9"], ["HLEN", "target"]])).toEqual([1, 10, "v9", 10]);
      expect(pendingIds(sql)).toContain(dst);
      for (let i = 0; i < 30 && pendingIds(sql).length > 0; i++) execIn(shard, [["SET", "tick", String(i)]]);
      expect(pendingIds(sql)).toEqual([]);
      for (const id of [str, target, dst]) expect(rowsOf(sql, id)).toBe(0);
      expect(execIn(shard, [["GET", "z"], ["HGETALL", "dst"]])[0]).toBe("now a string");
    });
    const t = await totals(s.stub);
    expect(t.used).toBe(t.measured);
  });

  it("an id whose rows are pending is cleared before a new key uses it: nothing reads stale elements", async () => {
    const s = freshShard("lazyfree-reuse");
    await runInDurableObject(s.stub, (shard: Shard) => {
      const sql = inside(shard).keyspace.sql;
      execIn(shard, [["SET", "a", "1"]]);
      execIn(shard, build("hash", "big", 3_000));
      const id = idOf(sql, "big");
      expect(execIn(shard, [["DEL", "big"]])).toEqual([1]);
      expect(pendingIds(sql)).toEqual([id]);
      // The next key gets the same id: the next rowid when ids are sequential, the drawn id when random.
      const random = Math.random;
      Math.random = () => (id - 1) / 2 ** 48;
      try {
        expect(execIn(shard, [["HSET", "fresh", "only", "one"]])).toEqual([1]);
      } finally {
        Math.random = random;
      }
      const fresh = idOf(sql, "fresh");
      if (fresh === id) {
        expect(rowsOf(sql, id)).toBe(1);
        expect(pendingIds(sql)).toEqual([]);
      }
      expect(execIn(shard, [["HGETALL", "fresh"], ["HLEN", "fresh"], ["HRANDFIELD", "fresh", "-5"]])).toEqual([["only", "one"], 1, ["only", "only", "only", "only", "only"]]);
    });
  });

  it("a free interrupted by a restart continues: the constructor arms the alarm", async () => {
    const s = freshShard("lazyfree-restart");
    const id = await runInDurableObject(s.stub, async (shard: Shard, state: DurableObjectState) => {
      const sql = inside(shard).keyspace.sql;
      execIn(shard, build("list", "l", 3_000));
      const id = idOf(sql, "l");
      execIn(shard, [["DEL", "l"]]);
      expect(rowsOf(sql, id)).toBeGreaterThan(0);
      // No alarm left: only the restarted object can arm one.
      await state.storage.deleteAlarm();
      return id;
    });
    expect(await alarmAt(s.stub)).toBe(null);
    await evictDurableObject(s.stub);
    expect(await s.r("LLEN", "l")).toBe(0);
    for (let i = 0; i < 10 && (await s.sql((sql) => rowsOf(sql, id))) > 0; i++) await runDurableObjectAlarm(s.stub);
    expect(await s.sql((sql) => rowsOf(sql, id))).toBe(0);
    expect(await s.sql(pendingIds)).toEqual([]);
  });

  it("FLUSHDB drops pending rows with everything else", async () => {
    const s = freshShard("lazyfree-flush");
    await runInDurableObject(s.stub, (shard: Shard) => {
      const sql = inside(shard).keyspace.sql;
      execIn(shard, build("set", "s", 3_000));
      const id = idOf(sql, "s");
      execIn(shard, [["DEL", "s"], ["FLUSHDB"]]);
      expect(rowsOf(sql, id)).toBe(0);
      expect(pendingIds(sql)).toEqual([]);
    });
  });
});
