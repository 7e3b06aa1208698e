/**
 * Memory accounting (accounting.ts): the shard's total equals the sum of MEMORY USAGE over its
 * keys after every kind of write, survives a restart, is restored when a write rolls back; and
 * `noeviction` over budget answers OOM to denyoom writes while DEL and reads keep working.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { configure, inside, totals } from "../../test/workers/eviction-helpers";
import { freshShard } from "../../test/workers/shard-client";
import type { Shard } from "../shard";

describe("memory accounting", () => {
  it("keeps the total equal to the keys' MEMORY USAGE across writes of every type", async () => {
    const { r, stub } = freshShard("mem-acct");
    expect(await totals(stub)).toEqual({ used: 0, measured: 0 });
    await r("SET", "s", "x".repeat(100));
    await r("APPEND", "s", "yy");
    await r("INCR", "n");
    await r("EXPIRE", "s", 1000);
    await r("HSET", "h", "a", "1", "b", "22");
    await r("RPUSH", "l", "a", "b", "c");
    await r("SADD", "set", "m1", "m2");
    await r("ZADD", "z", 1, "a", 2, "b");
    await r("SETBIT", "bits", 1000, 1);
    await r("PFADD", "hll", "a", "b");
    await r("JSON.SET", "j", "$", '{"a":[1,2,3]}');
    let t = await totals(stub);
    expect(t.used).toBeGreaterThan(0);
    expect(t.used).toBe(t.measured);
    await r("HDEL", "h", "a");
    await r("LPOP", "l");
    await r("RENAME", "s", "s-renamed-longer");
    await r("COPY", "z", "z2");
    await r("PERSIST", "s-renamed-longer");
    await r("SUNIONSTORE", "set2", "set", "set");
    await r("DEL", "n", "bits");
    t = await totals(stub);
    expect(t.used).toBe(t.measured);
    await r("FLUSHDB");
    expect(await totals(stub)).toEqual({ used: 0, measured: 0 });
  });

  it("counts a key deleted by expiry", async () => {
    const { r, stub } = freshShard("mem-expiry");
    await r("SET", "a", "1", "PX", 1);
    await r("SET", "b", "2");
    await new Promise((res) => setTimeout(res, 5));
    expect(await r("GET", "a")).toBe(null);
    const t = await totals(stub);
    expect(t.used).toBe(t.measured);
  });

  it("counts hash fields deleted by the alarm's field-expiry sweep", async () => {
    const { r, stub } = freshShard("mem-field-expiry");
    await r("HSET", "h", "a", "1", "b", "x".repeat(200));
    expect(await r("HPEXPIRE", "h", 1, "FIELDS", 1, "b")).toEqual([1]);
    await new Promise((res) => setTimeout(res, 5));
    await runDurableObjectAlarm(stub);
    const count = await runInDurableObject(stub, (s: Shard) => inside(s).keyspace.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields").one().n);
    expect(count).toBe(1);
    const t = await totals(stub);
    expect(t.used).toBe(t.measured);
  });

  it("stays exact when a script fails half-way and when a command fails inside a script", async () => {
    const { r, stub } = freshShard("mem-script");
    await r("SET", "k", "v");
    const reply = await r("EVAL", "redis.call('SET', KEYS[1], string.rep('x', 1000)); redis.call('HSET', KEYS[2], 'f', 'v'); error('boom')", 2, "k", "h");
    expect(JSON.stringify(reply)).toMatch(/boom/);
    let t = await totals(stub);
    expect(t.used).toBe(t.measured);
    await r("EVAL", "redis.call('RPUSH', KEYS[1], 'a', 'b'); redis.pcall('HSET', KEYS[1], 'f', 'v'); return 1", 1, "l");
    t = await totals(stub);
    expect(t.used).toBe(t.measured);
  });

  it("without maxmemory remeasures a collection when the figure is read, with it after each write", async () => {
    const { r, stub } = freshShard("mem-lazy");
    const memOf = () => runInDurableObject(stub, (s: Shard) => inside(s).keyspace.sql.exec<{ mem: number }>("SELECT mem FROM keys WHERE key = 'h'").one().mem);
    await r("HSET", "h", "a", "1");
    const first = await memOf();
    await r("HSET", "h", "b", "x".repeat(500));
    expect(await memOf()).toBe(first);
    const t = await totals(stub);
    expect(t.used).toBe(t.measured);
    const measured = await memOf();
    expect(measured).toBeGreaterThan(first + 500);
    await configure(stub, { maxmemory: "10mb" });
    await r("HSET", "h", "c", "y".repeat(500));
    expect(await memOf()).toBeGreaterThan(measured + 500);
  });

  it("survives a restart: the total is read back from storage", async () => {
    const { r, stub } = freshShard("mem-restart");
    await r("HSET", "h", "a", "1");
    await r("SET", "s", "hello");
    const before = await totals(stub);
    await evictDurableObject(stub);
    expect(await totals(stub)).toEqual(before);
    await r("DEL", "h");
    const after = await totals(stub);
    expect(after.used).toBe(after.measured);
  });

  it("prints how close the total is to SQLite's database size", async () => {
    const sets: [string, (r: (...a: (string | number)[]) => Promise<unknown>) => Promise<void>][] = [
      ["2000 strings of 100 bytes", async (r) => { for (let i = 0; i < 20; i++) await r("MSET", ...Array.from({ length: 100 }, (_, j) => [`key:${i * 100 + j}`, "v".repeat(100)]).flat()); }],
      ["200 hashes of 50 fields of 20 bytes", async (r) => { for (let i = 0; i < 200; i++) await r("HSET", `h:${i}`, ...Array.from({ length: 50 }, (_, j) => [`field:${j}`, "x".repeat(20)]).flat()); }],
      ["100 sorted sets of 100 members", async (r) => { for (let i = 0; i < 100; i++) await r("ZADD", `z:${i}`, ...Array.from({ length: 100 }, (_, j) => [j, `member:${j}`]).flat()); }],
      ["100 lists of 100 elements of 50 bytes", async (r) => { for (let i = 0; i < 100; i++) await r("RPUSH", `l:${i}`, ...Array.from({ length: 100 }, () => "e".repeat(50))); }],
    ];
    for (const [name, load] of sets) {
      const { r, stub } = freshShard("mem-size");
      const size = () => runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.sql.databaseSize);
      const empty = await size();
      await load(r);
      const t = await totals(stub);
      const grown = (await size()) - empty;
      expect(t.used).toBe(t.measured);
      console.log(`memory accounting: ${name}: used_memory ${t.used}, databaseSize growth ${grown}, ratio ${(t.used / grown).toFixed(2)}`);
      expect(grown).toBeGreaterThan(0);
    }
  });
});

describe("noeviction", () => {
  it("answers OOM to denyoom writes over budget; DEL, reads and other writes keep working", async () => {
    const { r, stub } = freshShard("mem-oom");
    await r("SET", "a", "x".repeat(500));
    await r("SET", "b", "x".repeat(500));
    await configure(stub, { maxmemory: 600, "maxmemory-policy": "noeviction" });
    const oom = "OOM command not allowed when used memory > 'maxmemory'.";
    expect(await r("SET", "c", "1")).toEqual({ error: oom });
    expect(await r("HSET", "h", "f", "v")).toEqual({ error: oom });
    expect(await r("APPEND", "a", "x")).toEqual({ error: oom });
    expect(await r("EXISTS", "c", "h")).toBe(0);
    expect(await r("GET", "b")).toBe("x".repeat(500));
    expect(await r("STRLEN", "a")).toBe(500);
    expect(await r("EXPIRE", "a", 100)).toBe(1);
    expect(await r("DEL", "a")).toBe(1);
    // Under budget again: writes are accepted.
    expect(await r("SET", "c", "1")).toBe("OK");
    const t = await totals(stub);
    expect(t.used).toBe(t.measured);
  });

  it("has maxmemory 0 mean no limit", async () => {
    const { r, stub } = freshShard("mem-nolimit");
    await configure(stub, { maxmemory: 0, "maxmemory-policy": "noeviction" });
    for (let i = 0; i < 10; i++) expect(await r("SET", `k${i}`, "x".repeat(1000))).toBe("OK");
  });
});
