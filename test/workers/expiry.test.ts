/**
 * Active expiry through the shard's alarm: armed at the earliest expiry, deleting due keys in
 * bounded batches without any read, harmless when it fires early or twice, and surviving an
 * eviction of the Durable Object (data and pending expiries both).
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Shard } from "../../durable-objects/shard";
import { freshShard } from "./shard-client";

const shard = () => freshShard("expiry");

type Stub = ReturnType<typeof shard>["stub"];

/** Rows in the `keys` table, read directly: no command runs, so nothing expires lazily. */
function rows(stub: Stub, key?: string): Promise<number> {
  return runInDurableObject(stub, (_: Shard, state: DurableObjectState) => {
    const sql = state.storage.sql;
    const r = key === undefined ? sql.exec<{ n: number }>("SELECT count(*) AS n FROM keys") : sql.exec<{ n: number }>("SELECT count(*) AS n FROM keys WHERE key = ?", key);
    return r.one().n;
  });
}

function alarmAt(stub: Stub): Promise<number | null> {
  return runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.getAlarm());
}

function expireAt(stub: Stub, key: string): Promise<number | null> {
  return runInDurableObject(stub, (_: Shard, state: DurableObjectState) =>
    state.storage.sql.exec<{ t: number | null }>("SELECT expire_at AS t FROM keys WHERE key = ?", key).one().t,
  );
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * The alarm time once no alarm is due any more: an alarm set for now fires by itself (while it
 * runs, getAlarm answers null), so wait for it, 20 ms at a time, for at most 800 ms.
 */
async function settledAlarm(stub: Stub): Promise<number | null> {
  let at = await alarmAt(stub);
  for (let i = 0; i < 40 && (at === null || at <= Date.now()); i++) {
    await sleep(20);
    at = await alarmAt(stub);
  }
  return at;
}

describe("shard alarm", () => {
  it("is armed at the earliest expiry of any key", async () => {
    const { stub, r } = shard();
    expect(await alarmAt(stub)).toBe(null);
    await r("SET", "late", "v", "EX", "1000");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "late"));
    await r("SET", "early", "v", "EX", "100");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "early"));
    await r("SET", "later", "v", "EX", "5000");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "early"));
  });

  it("deletes a key whose TTL ran out without any read", async () => {
    const { stub, r } = shard();
    await r("SET", "k", "v", "PX", "200");
    await r("SET", "keep", "v");
    expect(await rows(stub)).toBe(2);
    await sleep(250);
    // The runtime may already have fired the alarm by itself; either way no command read the key.
    await runDurableObjectAlarm(stub);
    expect(await rows(stub, "k")).toBe(0);
    expect(await rows(stub, "keep")).toBe(1);
    expect(await alarmAt(stub)).toBe(null);
  });

  it("deletes a JSON document, its chunk rows too, whose TTL ran out without any read; a RESTOREd one arms the alarm", async () => {
    const { stub, r, call } = shard();
    await r("JSON.SET", "doc", "$", JSON.stringify({ big: "z".repeat(1_500_000) }));
    await r("JSON.SET", "keep", "$", "[1]");
    const dump = (await call("DUMP", "keep")) as Uint8Array;
    expect(dump).toBeInstanceOf(Uint8Array);
    await r("PEXPIRE", "doc", "200");
    const chunks = () =>
      runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM string_chunks").one().n);
    expect(await chunks()).toBeGreaterThan(0);
    await sleep(250);
    await runDurableObjectAlarm(stub);
    expect(await rows(stub, "doc")).toBe(0);
    expect(await chunks()).toBe(0);
    expect(await rows(stub, "keep")).toBe(1);
    expect(await call("RESTORE", "restored", "100000", dump)).toEqual({ status: "OK" });
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "restored"));
  });

  it("firing early deletes nothing and re-arms for the next expiry", async () => {
    const { stub, r } = shard();
    await r("SET", "k", "v", "EX", "100");
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await r("GET", "k")).toBe("v");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "k"));
  });

  it("firing twice is harmless", async () => {
    const { stub, r } = shard();
    await r("SET", "a", "v", "PX", "100");
    await r("SET", "b", "v", "EX", "100");
    await sleep(150);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rows(stub, "a")).toBe(0);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await r("GET", "b")).toBe("v");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "b"));
  });

  it("moves with the earliest expiry when a TTL is removed or shortened", async () => {
    const { stub, r } = shard();
    await r("SET", "a", "v", "EX", "100");
    await r("SET", "b", "v", "EX", "200");
    await r("PERSIST", "a");
    await r("PEXPIRE", "b", "300");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "b"));
    await sleep(350);
    await runDurableObjectAlarm(stub);
    expect(await rows(stub)).toBe(1);
    expect(await r("TTL", "a")).toBe(-1);
  });

  it("deletes due keys in bounded batches and re-arms at once while work is left", async () => {
    const { stub, r } = shard();
    await r("PING");
    const past = Date.now() - 1000;
    await runInDurableObject(stub, (_: Shard, state: DurableObjectState) => {
      state.storage.sql.exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050) INSERT INTO keys (key, type, value, expire_at) SELECT 'k' || i, 0, x'76', ? FROM n",
        past,
      );
    });
    await r("SET", "keep", "v", "EX", "100");
    expect(await rows(stub)).toBe(10051);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // One run stops after its bounded batches: the rest is left to an alarm re-armed for now,
    // which the runtime fires by itself.
    expect(await settledAlarm(stub)).toBe(await expireAt(stub, "keep"));
    expect(await rows(stub)).toBe(1);
  });

  it("sweeps at most `limit` keys per batch", async () => {
    const { stub, r } = shard();
    await r("PING");
    const swept = await runInDurableObject(stub, (instance: Shard, state: DurableObjectState) => {
      const past = Date.now() - 1000;
      for (let i = 0; i < 5; i++) {
        state.storage.sql.exec("INSERT INTO keys (key, type, value, expire_at) VALUES (?, 0, x'76', ?)", `k${i}`, past);
      }
      const ks = (instance as unknown as { keyspace: { now: number; sweepExpired(limit: number): number } }).keyspace;
      ks.now = Date.now();
      return [ks.sweepExpired(2), ks.sweepExpired(2), ks.sweepExpired(2), ks.sweepExpired(2)];
    });
    expect(swept[0]! + swept[1]! + swept[2]! + swept[3]!).toBe(5);
    expect(Math.max(...swept)).toBeLessThanOrEqual(2);
  });

  it("re-arms an alarm that was lost long past due", async () => {
    const { stub, r } = shard();
    await r("SET", "k", "v", "EX", "100");
    await runInDurableObject(stub, async (instance: Shard, state: DurableObjectState) => {
      await state.storage.deleteAlarm();
      (instance as unknown as { alarmAt: number }).alarmAt = Date.now() - 3600_000;
    });
    await r("SET", "j", "v", "EX", "200");
    expect(await settledAlarm(stub)).toBe(await expireAt(stub, "k"));
  });
});

describe("expiry across an eviction", () => {
  it("keeps data and pending expiries, and the alarm still deletes the key", async () => {
    const { stub, r } = shard();
    await r("SET", "keep", "v");
    await r("SET", "soon", "v", "PX", "300");
    await r("SET", "later", "v", "EX", "100");
    const armed = await alarmAt(stub);
    await evictDurableObject(stub);
    expect(await r("GET", "keep")).toBe("v");
    expect(await alarmAt(stub)).toBe(armed);
    await evictDurableObject(stub);
    await sleep(350);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await rows(stub, "soon")).toBe(0);
    expect(await r("TTL", "later")).toBeGreaterThan(90);
    expect(await r("DBSIZE")).toBe(2);
  });

  it("the constructor re-arms a missing alarm from the stored expiries", async () => {
    const { stub, r } = shard();
    await r("SET", "k", "v", "EX", "100");
    await runInDurableObject(stub, (_: Shard, state: DurableObjectState) => state.storage.deleteAlarm());
    expect(await alarmAt(stub)).toBe(null);
    await evictDurableObject(stub);
    await r("PING");
    expect(await alarmAt(stub)).toBe(await expireAt(stub, "k"));
  });

  it("a key read after its time is gone even when the alarm has not run", async () => {
    const { stub, r } = shard();
    await r("SET", "k", "v", "PX", "50");
    await evictDurableObject(stub);
    await sleep(80);
    expect(await r("GET", "k")).toBe(null);
    expect(await rows(stub, "k")).toBe(0);
  });
});
