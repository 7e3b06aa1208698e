/**
 * Hashes inside one shard: the storage layout (one row per field, the count in the key's row),
 * and per-field expiry (Redis 7.4 / 8.0 commands, which the reference redis-server 7.0 of the
 * conformance suite lacks): reply codes and error texts as Redis's, lazy deletion on access,
 * the alarm's sweep, and what HSET, HINCRBY, RENAME and COPY do to field expiry times.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../shard";
import { freshShard } from "../../test/workers/shard-client";

const shard = () => freshShard("hashes");

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * `read()` once it satisfies `done`, polling 20 ms at a time for at most 800 ms: an alarm that
 * came due fires by itself, and runDurableObjectAlarm does not wait for one already on its way.
 */
async function settled<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  let v = await read();
  for (let i = 0; i < 40 && !done(v); i++) {
    await sleep(20);
    v = await read();
  }
  return v;
}
const err = (error: string) => ({ error });
const FIELDS_MISSING = err("ERR Mandatory argument FIELDS is missing or not at the right position");
const MISMATCH = err("ERR The `numfields` parameter must match the number of arguments");
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");

describe("storage", () => {
  it("keeps one row per field and the count in the key's row", async () => {
    const { r, sql } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3");
    await r("HDEL", "h", "b");
    const { rows, meta } = await sql((s) => ({
      rows: s.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields").one().n,
      meta: new TextDecoder().decode(s.exec<{ value: ArrayBuffer }>("SELECT value FROM keys WHERE key = 'h'").one().value),
    }));
    expect(rows).toBe(2);
    expect(meta).toBe("2");
    expect(await r("HLEN", "h")).toBe(2);
  });

  it("deletes the field rows with the key (DEL, SET over it, FLUSHDB)", async () => {
    const { r, sql } = shard();
    const count = () => sql((s) => s.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields").one().n);
    await r("HSET", "h", "a", "1", "b", "2");
    await r("DEL", "h");
    expect(await count()).toBe(0);
    await r("HSET", "h", "a", "1");
    await r("SET", "h", "str");
    expect(await count()).toBe(0);
    await r("HSET", "h2", "a", "1");
    await r("FLUSHDB");
    expect(await count()).toBe(0);
  });

  it("HSCAN resumes after fields deleted and added between calls, and NOVALUES leaves values out", async () => {
    const { r } = shard();
    const args: string[] = [];
    for (let i = 0; i < 30; i++) args.push(`f${i}`, `v${i}`);
    await r("HSET", "h", ...args);
    const [cursor, first] = (await r("HSCAN", "h", 0, "COUNT", 10)) as [string, string[]];
    expect(first).toHaveLength(20);
    await r("HDEL", "h", "f0", "f29");
    await r("HSET", "h", "new", "x");
    const seen = new Set<string>();
    let c = cursor;
    do {
      const [next, items] = (await r("HSCAN", "h", c, "COUNT", 10, "NOVALUES")) as [string, string[]];
      for (const f of items) seen.add(f);
      c = next;
    } while (c !== "0");
    for (let i = 10; i < 29; i++) expect(seen.has(`f${i}`)).toBe(true);
    expect(seen.has("new")).toBe(true);
    expect([...seen].some((f) => f.startsWith("v"))).toBe(false);
  });

  it("HRANDFIELD refuses a huge negative count instead of building the reply", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1");
    expect(await r("HRANDFIELD", "h", -100000)).toHaveLength(100000);
    expect(await r("HRANDFIELD", "h", -100001, "WITHVALUES")).toEqual(
      err("ERR count is too large: at most 100000 elements can be returned with repetitions"),
    );
  });
});

describe("HEXPIRE family", () => {
  it("answers -2, 0, 1 or 2 per field", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3");
    expect(await r("HEXPIRE", "h", 100, "FIELDS", 2, "a", "nope")).toEqual([1, -2]);
    expect(await r("HEXPIRE", "h", 0, "FIELDS", 1, "b")).toEqual([2]);
    expect(await r("HGET", "h", "b")).toBe(null);
    expect(await r("HEXPIRE", "missing", 100, "FIELDS", 2, "a", "b")).toEqual([-2, -2]);
    expect(await r("HPEXPIREAT", "h", 1, "FIELDS", 2, "c", "c")).toEqual([2, -2]);
    expect(await r("HLEN", "h")).toBe(1);
  });

  it("NX, XX, GT and LT as Redis: a field without expiry counts as infinite", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    expect(await r("HEXPIRE", "h", 100, "XX", "FIELDS", 1, "a")).toEqual([0]);
    expect(await r("HEXPIRE", "h", 100, "GT", "FIELDS", 1, "a")).toEqual([0]);
    expect(await r("HEXPIRE", "h", 100, "LT", "FIELDS", 1, "a")).toEqual([1]);
    expect(await r("HEXPIRE", "h", 200, "NX", "FIELDS", 2, "a", "b")).toEqual([0, 1]);
    expect(await r("HEXPIRE", "h", 50, "GT", "FIELDS", 1, "a")).toEqual([0]);
    expect(await r("HEXPIRE", "h", 150, "GT", "FIELDS", 1, "a")).toEqual([1]);
    expect(await r("HEXPIRE", "h", 150, "LT", "FIELDS", 1, "a")).toEqual([0]);
    expect(await r("HEXPIRE", "h", 120, "lt", "FIELDS", 1, "a")).toEqual([1]);
    expect(await r("HEXPIRE", "h", 300, "XX", "FIELDS", 1, "b")).toEqual([1]);
    expect(await r("HEXPIRE", "h", 0, "XX", "FIELDS", 1, "missing")).toEqual([-2]);
    const [a, b] = (await r("HTTL", "h", "FIELDS", 2, "a", "b")) as number[];
    expect(a).toBeGreaterThan(110);
    expect(a).toBeLessThanOrEqual(120);
    expect(b).toBeGreaterThan(290);
    expect(b).toBeLessThanOrEqual(300);
  });

  it("the four forms set the same absolute time", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4");
    const at = Date.now() + 500_000;
    const atSec = Math.ceil(at / 1000);
    expect(await r("HPEXPIREAT", "h", at, "FIELDS", 1, "a")).toEqual([1]);
    expect(await r("HEXPIREAT", "h", atSec, "FIELDS", 1, "b")).toEqual([1]);
    expect(await r("HPEXPIRE", "h", 500_000, "FIELDS", 1, "c")).toEqual([1]);
    expect(await r("HEXPIRE", "h", 500, "FIELDS", 1, "d")).toEqual([1]);
    expect(await r("HPEXPIRETIME", "h", "FIELDS", 2, "a", "b")).toEqual([at, atSec * 1000]);
    expect(await r("HEXPIRETIME", "h", "FIELDS", 1, "b")).toEqual([atSec]);
    const [c, d] = (await r("HPEXPIRETIME", "h", "FIELDS", 2, "c", "d")) as number[];
    expect(Math.abs(c! - at)).toBeLessThan(5_000);
    expect(Math.abs(d! - at)).toBeLessThan(5_000);
  });

  it("argument errors, in Redis's order", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1");
    await r("SET", "s", "x");
    expect(await r("HEXPIRE", "s", "x", "FIELDS", 1, "a")).toEqual(WRONGTYPE);
    expect(await r("HEXPIRE", "h", "x", "FIELDS", 1, "a")).toEqual(err("ERR value is not an integer or out of range"));
    expect(await r("HEXPIRE", "h", -1, "FIELDS", 1, "a")).toEqual(err("ERR invalid expire time, must be >= 0"));
    expect(await r("HEXPIRE", "h", "70368744177664", "FIELDS", 1, "a")).toEqual(err("ERR invalid expire time in 'hexpire' command"));
    expect(await r("HPEXPIREAT", "h", "70368744177664", "FIELDS", 1, "a")).toEqual(err("ERR invalid expire time in 'hpexpireat' command"));
    expect(await r("HEXPIRE", "h", 10, "FIELD", 1, "a")).toEqual(FIELDS_MISSING);
    expect(await r("HEXPIRE", "h", 10, "NX", "XX", "FIELDS", 1, "a")).toEqual(FIELDS_MISSING);
    expect(await r("HEXPIRE", "h", 10, "FIELDS", 0, "a")).toEqual(err("ERR Parameter `numFields` should be greater than 0"));
    expect(await r("HEXPIRE", "h", 10, "FIELDS", "x", "a")).toEqual(err("ERR Parameter `numFields` should be greater than 0"));
    expect(await r("HEXPIRE", "h", 10, "FIELDS", 2, "a")).toEqual(MISMATCH);
    expect(await r("HEXPIRE", "h", 10, "FIELDS", 1, "a", "b")).toEqual(MISMATCH);
    expect(await r("HEXPIRE", "h", 10, "FIELDS", 1)).toEqual(err("ERR wrong number of arguments for 'hexpire' command"));
    expect(await r("HTTL", "h", "FIELDS", 0, "a")).toEqual(err("ERR Number of fields must be a positive integer"));
    expect(await r("HTTL", "h", "FIELDZ", 1, "a")).toEqual(FIELDS_MISSING);
    expect(await r("HPERSIST", "h", "FIELDS", 2, "a")).toEqual(MISMATCH);
    expect(await r("HTTL", "s", "FIELDS", 1, "a")).toEqual(WRONGTYPE);
    expect(await r("HTTL", "h", "FIELDS", 1, "a")).toEqual([-1]);
  });

  it("HTTL rounds up, HPTTL is exact, -1 without expiry, -2 without field", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    await r("HPEXPIRE", "h", 1500, "FIELDS", 1, "a");
    expect(await r("HTTL", "h", "FIELDS", 3, "a", "b", "c")).toEqual([2, -1, -2]);
    const [ms] = (await r("HPTTL", "h", "FIELDS", 1, "a")) as number[];
    expect(ms).toBeGreaterThan(1000);
    expect(ms).toBeLessThanOrEqual(1500);
    expect(await r("HTTL", "missing", "FIELDS", 1, "a")).toEqual([-2]);
  });

  it("HPERSIST removes an expiry: 1, -1, -2", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    await r("HEXPIRE", "h", 100, "FIELDS", 1, "a");
    expect(await r("HPERSIST", "h", "FIELDS", 3, "a", "b", "c")).toEqual([1, -1, -2]);
    expect(await r("HTTL", "h", "FIELDS", 1, "a")).toEqual([-1]);
    expect(await r("HPERSIST", "missing", "FIELDS", 1, "a")).toEqual([-2]);
  });
});

describe("what other commands do to a field's expiry", () => {
  it("HSET and HMSET clear it; HSETNX, HINCRBY and HINCRBYFLOAT keep it", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4");
    await r("HEXPIRE", "h", 100, "FIELDS", 4, "a", "b", "c", "d");
    await r("HSET", "h", "a", "10");
    await r("HMSET", "h", "b", "20");
    await r("HSETNX", "h", "c", "30");
    await r("HINCRBY", "h", "c", 1);
    await r("HINCRBYFLOAT", "h", "d", "0.5");
    const [a, b, c, d] = (await r("HTTL", "h", "FIELDS", 4, "a", "b", "c", "d")) as number[];
    expect([a, b]).toEqual([-1, -1]);
    expect(c).toBeGreaterThan(90);
    expect(d).toBeGreaterThan(90);
    expect(await r("HMGET", "h", "c", "d")).toEqual(["4", "4.5"]);
  });

  it("RENAME and COPY carry field expiry times", async () => {
    const { r } = shard();
    await r("HSET", "{t}src", "a", "1", "b", "2");
    await r("HPEXPIRE", "{t}src", 100_000, "FIELDS", 1, "a");
    const [at] = (await r("HPEXPIRETIME", "{t}src", "FIELDS", 1, "a")) as number[];
    expect(await r("COPY", "{t}src", "{t}copy")).toBe(1);
    expect(await r("RENAME", "{t}src", "{t}moved")).toBe("OK");
    expect(await r("HPEXPIRETIME", "{t}copy", "FIELDS", 2, "a", "b")).toEqual([at, -1]);
    expect(await r("HPEXPIRETIME", "{t}moved", "FIELDS", 2, "a", "b")).toEqual([at, -1]);
  });
});

describe("expired fields", () => {
  it("are gone for every read once their time has come, and HLEN follows", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3");
    expect(await r("HPEXPIRE", "h", 40, "FIELDS", 2, "a", "b")).toEqual([1, 1]);
    await sleep(80);
    expect(await r("HGET", "h", "a")).toBe(null);
    expect(await r("HEXISTS", "h", "b")).toBe(0);
    expect(await r("HLEN", "h")).toBe(1);
    expect(await r("HGETALL", "h")).toEqual(["c", "3"]);
    expect(await r("HTTL", "h", "FIELDS", 1, "a")).toEqual([-2]);
  });

  it("are deleted when a command opens the hash, with the count fixed, even before the alarm", async () => {
    const { r, sql } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3");
    await r("HEXPIRE", "h", 1000, "FIELDS", 2, "a", "b");
    await sql((s) => {
      s.exec("UPDATE hash_fields SET expire_at = 1 WHERE field IN (CAST('a' AS BLOB), CAST('b' AS BLOB))");
      s.exec("UPDATE keys SET value = CAST('3:1' AS BLOB) WHERE key = 'h'");
    });
    expect(await r("HLEN", "h")).toBe(1);
    const rows = await sql((s) => s.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields").one().n);
    expect(rows).toBe(1);
    expect(await r("HKEYS", "h")).toEqual(["c"]);
  });

  it("take the key with them when the last one goes", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    await r("HPEXPIRE", "h", 40, "FIELDS", 2, "a", "b");
    await sleep(80);
    expect(await r("EXISTS", "h")).toBe(0);
    expect(await r("TYPE", "h")).toBe("none");
    expect(await r("HSET", "h", "z", "1")).toBe(1);
    expect(await r("HTTL", "h", "FIELDS", 1, "z")).toEqual([-1]);
  });

  it("are swept by the alarm without any read, the emptied key deleted", async () => {
    const { stub, r, sql } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    await r("HSET", "g", "x", "1");
    await r("HPEXPIRE", "h", 400, "FIELDS", 1, "a");
    await r("HPEXPIRE", "g", 400, "FIELDS", 1, "x");
    const alarm = await runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.getAlarm());
    expect(alarm).not.toBe(null);
    expect(alarm!).toBeLessThanOrEqual(Date.now() + 400);
    await sleep(450);
    await runDurableObjectAlarm(stub);
    const state = await settled(
      () =>
        sql((s) => ({
          fields: s.exec<{ field: ArrayBuffer }>("SELECT field FROM hash_fields ORDER BY id").toArray().map((f) => new TextDecoder().decode(f.field)),
          keys: s.exec<{ key: string; value: ArrayBuffer }>("SELECT key, value FROM keys ORDER BY key").toArray().map((k) => [k.key, new TextDecoder().decode(k.value)]),
        })),
      (st) => st.fields.length === 1,
    );
    expect(state.fields).toEqual(["b"]);
    expect(state.keys).toEqual([["h", "1"]]);
  });

  it("the alarm sweeps many due fields of one key and fixes its count", async () => {
    const { stub, r, sql } = shard();
    const args: string[] = [];
    for (let i = 0; i < 1200; i++) args.push(`f${i}`, "v");
    await r("HSET", "h", ...args);
    await r("HSET", "h", "keep", "1");
    await runInDurableObject(stub, async (_: Shard, state: DurableObjectState) => {
      state.storage.sql.exec("UPDATE hash_fields SET expire_at = 1 WHERE field != CAST('keep' AS BLOB)");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await sql((s) => s.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields").one().n)).toBe(1);
    const meta = await sql((s) => new TextDecoder().decode(s.exec<{ value: ArrayBuffer }>("SELECT value FROM keys WHERE key = 'h'").one().value));
    expect(meta).toBe("1");
    expect(await r("HLEN", "h")).toBe(1);
  });
});

describe("after a restart", () => {
  it("the alarm is armed again for the earliest field expiry", async () => {
    const { stub, r } = shard();
    await r("HSET", "h", "a", "1");
    await r("HPEXPIRE", "h", 500_000, "FIELDS", 1, "a");
    const [at] = (await r("HPEXPIRETIME", "h", "FIELDS", 1, "a")) as number[];
    await runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.deleteAlarm());
    await evictDurableObject(stub);
    expect(await r("HLEN", "h")).toBe(1);
    const alarm = await settled(
      () => runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.getAlarm()),
      (t) => t !== null,
    );
    expect(alarm).toBe(at);
  });
});

describe("HGETDEL", () => {
  it("returns the values and deletes the fields; the key goes with the last", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2", "c", "3");
    expect(await r("HGETDEL", "h", "FIELDS", 3, "a", "x", "a")).toEqual(["1", null, null]);
    expect(await r("HLEN", "h")).toBe(2);
    expect(await r("HGETDEL", "h", "FIELDS", 2, "b", "c")).toEqual(["2", "3"]);
    expect(await r("EXISTS", "h")).toBe(0);
    expect(await r("HGETDEL", "h", "FIELDS", 1, "a")).toEqual([null]);
  });

  it("errors", async () => {
    const { r } = shard();
    await r("SET", "s", "x");
    expect(await r("HGETDEL", "s", "FIELDS", 1, "a")).toEqual(WRONGTYPE);
    expect(await r("HGETDEL", "h", "FIELD", 1, "a")).toEqual(FIELDS_MISSING);
    expect(await r("HGETDEL", "h", "FIELDS", -1, "a")).toEqual(err("ERR Number of fields must be a positive integer"));
    expect(await r("HGETDEL", "h", "FIELDS", 2, "a")).toEqual(MISMATCH);
  });
});

describe("HGETEX", () => {
  it("reads values and sets, keeps or removes their expiry", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    expect(await r("HGETEX", "h", "FIELDS", 2, "a", "x")).toEqual(["1", null]);
    expect(await r("HTTL", "h", "FIELDS", 1, "a")).toEqual([-1]);
    expect(await r("HGETEX", "h", "EX", 100, "FIELDS", 2, "a", "b")).toEqual(["1", "2"]);
    expect(await r("HTTL", "h", "FIELDS", 2, "a", "b")).toEqual([100, 100]);
    expect(await r("HGETEX", "h", "PERSIST", "FIELDS", 1, "a")).toEqual(["1"]);
    expect(await r("HTTL", "h", "FIELDS", 2, "a", "b")).toEqual([-1, 100]);
    const at = Date.now() + 200_000;
    expect(await r("HGETEX", "h", "PXAT", at, "FIELDS", 1, "a")).toEqual(["1"]);
    expect(await r("HPEXPIRETIME", "h", "FIELDS", 1, "a")).toEqual([at]);
    expect(await r("HGETEX", "missing", "EX", 10, "FIELDS", 1, "a")).toEqual([null]);
  });

  it("a time in the past deletes the fields after reading them, and the emptied key", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1", "b", "2");
    expect(await r("HGETEX", "h", "EXAT", 1, "FIELDS", 1, "a")).toEqual(["1"]);
    expect(await r("HKEYS", "h")).toEqual(["b"]);
    expect(await r("HGETEX", "h", "PX", 0, "FIELDS", 2, "b", "b")).toEqual(["2", null]);
    expect(await r("EXISTS", "h")).toBe(0);
  });

  it("errors", async () => {
    const { r } = shard();
    await r("HSET", "h", "a", "1");
    expect(await r("HGETEX", "h", "EX", -1, "FIELDS", 1, "a")).toEqual(err("ERR invalid expire time, must be >= 0"));
    expect(await r("HGETEX", "h", "EX", "x", "FIELDS", 1, "a")).toEqual(err("ERR value is not an integer or out of range"));
    expect(await r("HGETEX", "h", "KEEPTTL", "FIELDS", 1, "a")).toEqual(FIELDS_MISSING);
    expect(await r("HGETEX", "h", "PERSIST", "FIELDS", 0, "a")).toEqual(err("ERR Number of fields must be a positive integer"));
    expect(await r("HGETEX", "h", "EX", 10, "FIELDS", 3, "a")).toEqual(MISMATCH);
  });
});

describe("HSETEX", () => {
  it("sets fields with an expiry, or without one (clearing it), or keeping it", async () => {
    const { r } = shard();
    expect(await r("HSETEX", "h", "EX", 100, "FIELDS", 2, "a", "1", "b", "2")).toBe(1);
    expect(await r("HTTL", "h", "FIELDS", 2, "a", "b")).toEqual([100, 100]);
    expect(await r("HSETEX", "h", "KEEPTTL", "FIELDS", 1, "a", "10")).toBe(1);
    expect(await r("HSETEX", "h", "FIELDS", 1, "b", "20")).toBe(1);
    expect(await r("HTTL", "h", "FIELDS", 2, "a", "b")).toEqual([100, -1]);
    expect(await r("HMGET", "h", "a", "b")).toEqual(["10", "20"]);
  });

  it("FNX sets only if no field exists, FXX only if all do", async () => {
    const { r } = shard();
    expect(await r("HSETEX", "h", "FXX", "FIELDS", 1, "a", "1")).toBe(0);
    expect(await r("EXISTS", "h")).toBe(0);
    expect(await r("HSETEX", "h", "FNX", "FIELDS", 1, "a", "1")).toBe(1);
    expect(await r("HSETEX", "h", "FNX", "PX", 100000, "FIELDS", 2, "a", "2", "b", "2")).toBe(0);
    expect(await r("HSETEX", "h", "FXX", "FIELDS", 2, "a", "3", "b", "3")).toBe(0);
    expect(await r("HGETALL", "h")).toEqual(["a", "1"]);
    expect(await r("HSETEX", "h", "FXX", "EX", 50, "FIELDS", 1, "a", "4")).toBe(1);
    expect(await r("HGET", "h", "a")).toBe("4");
    expect(await r("HTTL", "h", "FIELDS", 1, "a")).toEqual([50]);
  });

  it("a time in the past sets nothing that lasts, and an emptied key is deleted", async () => {
    const { r } = shard();
    await r("HSET", "h", "keep", "1");
    expect(await r("HSETEX", "h", "PXAT", 1, "FIELDS", 1, "a", "1")).toBe(1);
    expect(await r("HKEYS", "h")).toEqual(["keep"]);
    expect(await r("HSETEX", "g", "EX", 0, "FIELDS", 1, "a", "1")).toBe(1);
    expect(await r("EXISTS", "g")).toBe(0);
  });

  it("errors, parsed before the key is looked at", async () => {
    const { r } = shard();
    await r("SET", "s", "x");
    const arity = err("ERR wrong number of arguments for 'hsetex' command");
    expect(await r("HSETEX", "s", "FIELDS", 1, "a", "1")).toEqual(WRONGTYPE);
    expect(await r("HSETEX", "s", "FIELDS", 2, "a", "1")).toEqual(arity);
    expect(await r("HSETEX", "s", "FIELDS", 1, "a", "1", "b")).toEqual(arity);
    expect(await r("HSETEX", "s", "FIELDS", 0, "a", "1")).toEqual(err("ERR invalid number of fields"));
    expect(await r("HSETEX", "s", "FNX", "FXX", "FIELDS", 1, "a", "1")).toEqual(err("ERR Only one of FXX or FNX arguments can be specified"));
    expect(await r("HSETEX", "s", "EX", 10, "KEEPTTL", "FIELDS", 1, "a", "1")).toEqual(
      err("ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified"),
    );
    expect(await r("HSETEX", "s", "EX", -1, "FIELDS", 1, "a", "1")).toEqual(err("ERR invalid expire time, must be >= 0"));
    expect(await r("HSETEX", "s", "EX", "70368744177664", "FIELDS", 1, "a", "1")).toEqual(err("ERR invalid expire time in 'hsetex' command"));
    expect(await r("HSETEX", "s", "NX", "FIELDS", 1, "a", "1")).toEqual(err("ERR unknown argument: NX"));
    expect(await r("HSETEX", "s", "FIELDS")).toEqual(arity);
  });
});
