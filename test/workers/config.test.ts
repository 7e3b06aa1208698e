/**
 * CONFIG across the database: a CONFIG SET through the Worker reaches every shard (one
 * cross-shard transaction), is kept in each shard's SQLite across a restart, is refused whole
 * when one pair is bad, and is refused to the read-only token; a shard that misses the commit
 * converges by the transaction protocol's recovery. Each test restores what it set.
 */
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import type { Shard } from "../../durable-objects/shard";
import { fromReply } from "../conformance/normalize";
import { FLOATING, plan } from "../../worker/plan";
import { runCrossShard, type TxBackend, type TxPart } from "../../worker/cross-shard";
import { real, recover, shardStub } from "./cross-shard-fixture";
import { call, callWith, cmd, multiExec, READONLY_TOKEN, SHARDS } from "./http-helpers";

const stubOf = (shard: number) => env.SHARD.getByName(`shard-${shard}`);

/** What shard `shard` itself holds for `param` (its own CONFIG GET, not through the Worker). */
async function onShard(shard: number, param: string): Promise<unknown> {
  const [reply] = (await (stubOf(shard) as unknown as { exec(b: Arg[][]): Promise<Reply[]> }).exec([["CONFIG", "GET", param]])) as Reply[];
  const flat = fromReply(reply!) as string[];
  return flat[1];
}

async function everyShard(param: string): Promise<unknown[]> {
  return Promise.all(Array.from({ length: SHARDS }, (_, s) => onShard(s, param)));
}

afterEach(async () => {
  expect(await cmd("CONFIG", "SET", "lfu-decay-time", "1", "maxmemory-eviction-tenacity", "10")).toEqual({ result: "OK" });
});

describe("CONFIG SET over every shard", () => {
  it("reaches every shard, in Redis's canonical form, and CONFIG GET answers it", async () => {
    expect(await cmd("CONFIG", "SET", "lfu-decay-time", "7", "maxmemory-eviction-tenacity", "42")).toEqual({ result: "OK" });
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("7"));
    expect(await everyShard("maxmemory-eviction-tenacity")).toEqual(new Array(SHARDS).fill("42"));
    expect(await cmd("CONFIG", "GET", "lfu-decay-time")).toEqual({ result: ["lfu-decay-time", "7"] });
  });

  it("proto-max-bulk-len shows the configured value limit, read-only", async () => {
    const limit = String((env as { MAX_VALUE_BYTES?: string }).MAX_VALUE_BYTES ?? 33554432);
    expect(await cmd("CONFIG", "GET", "proto-max-bulk-len")).toEqual({ result: ["proto-max-bulk-len", limit] });
    expect(await cmd("CONFIG", "SET", "proto-max-bulk-len", "2mb")).toEqual({
      error: "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - can't set immutable config",
    });
  });

  it("survives a restart of a shard (kept in its SQLite)", async () => {
    expect(await cmd("CONFIG", "SET", "lfu-decay-time", "9")).toEqual({ result: "OK" });
    for (const s of [0, SHARDS - 1]) {
      await evictDurableObject(stubOf(s));
      expect(await onShard(s, "lfu-decay-time")).toBe("9");
    }
    expect(await cmd("CONFIG", "GET", "lfu-decay-time")).toEqual({ result: ["lfu-decay-time", "9"] });
  });

  it("a bad pair changes nothing on any shard", async () => {
    const res = await cmd("CONFIG", "SET", "lfu-decay-time", "5", "maxmemory-eviction-tenacity", "101");
    expect(res).toEqual({ error: "ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') - argument must be between 0 and 100 inclusive" });
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("1"));
  });

  it("inside MULTI/EXEC it is part of the transaction, on every shard", async () => {
    const res = await multiExec([
      ["CONFIG", "SET", "lfu-decay-time", "3"],
      ["CONFIG", "GET", "lfu-decay-time"],
    ]);
    expect(await res.json()).toEqual([{ result: "OK" }, { result: ["lfu-decay-time", "3"] }]);
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("3"));
  });

  it("is refused to the read-only token, which may still CONFIG GET", async () => {
    const ro = async (...argv: string[]) => (await call("/", { body: JSON.stringify(argv), token: READONLY_TOKEN })).json();
    expect(await ro("CONFIG", "SET", "lfu-decay-time", "8")).toEqual({ error: expect.stringMatching(/^NOPERM .*'config\|set'/) });
    expect(await ro("CONFIG", "RESETSTAT")).toEqual({ error: expect.stringMatching(/^NOPERM .*'config\|resetstat'/) });
    expect(await ro("CONFIG", "GET", "lfu-decay-time")).toEqual({ result: ["lfu-decay-time", "1"] });
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("1"));
  });

  it("without cross-shard transactions it still reaches every shard (in parallel)", async () => {
    const res = await callWith({ COORDINATOR: undefined }, "/", { body: JSON.stringify(["CONFIG", "SET", "lfu-decay-time", "4"]) });
    expect(await res.json()).toEqual({ result: "OK" });
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("4"));
  });

  it("CONFIG RESETSTAT resets the counters of every shard", async () => {
    type Counted = { stats: { incr(n: string): void; get(n: string): number } };
    const counter = (s: number, fn: (stats: Counted["stats"]) => number | void) =>
      runInDurableObject(stubOf(s), (instance: Shard) => fn((instance as unknown as Counted).stats));
    for (let s = 0; s < SHARDS; s++) await counter(s, (stats) => stats.incr("config_test_counter"));
    expect(await counter(SHARDS - 1, (stats) => stats.get("config_test_counter"))).toBeGreaterThan(0);
    expect(await cmd("CONFIG", "RESETSTAT")).toEqual({ result: "OK" });
    for (let s = 0; s < SHARDS; s++) expect(await counter(s, (stats) => stats.get("config_test_counter"))).toBe(0);
  });
});

describe("planning CONFIG SET", () => {
  const tx = {} as NonNullable<Parameters<typeof plan>[1]["tx"]>;
  it("runs as a transaction over every shard, is refused by the Worker itself, falls back to every shard without transactions", () => {
    const atomic = plan(["CONFIG", "SET", "lfu-decay-time", "2"], { shards: 16, readOnly: false, tx });
    expect(atomic.kind).toBe("special");
    expect(atomic.kind === "special" && atomic.everyShard.parts.map((p) => p.shard)).toEqual([...Array(16).keys()]);
    const refused = plan(["CONFIG", "SET", "lfu-decay-time", "x"], { shards: 16, readOnly: false, tx });
    expect(refused).toEqual({ kind: "error", atExec: true, error: "ERR CONFIG SET failed (possibly related to argument 'lfu-decay-time') - argument couldn't be parsed into an integer" });
    const parallel = plan(["CONFIG", "SET", "lfu-decay-time", "2"], { shards: 16, readOnly: false });
    expect(parallel.kind === "parts" && parallel.parts.length).toBe(16);
    expect(plan(["CONFIG", "GET", "maxmemory"], { shards: 16, readOnly: true, tx })).toMatchObject({ kind: "parts", parts: [{ shard: FLOATING }] });
  });
});

describe("a shard that misses CONFIG SET's commit", () => {
  it("refuses CONFIG GET until it learns the outcome, then applies it, across a restart", async () => {
    const every = Array.from({ length: SHARDS }, (_, s) => s);
    const missing = SHARDS - 1;
    const parts: TxPart[] = every.map((shard) => ({ shard, keys: [], reads: [], writes: [["CONFIG", "SET", "lfu-decay-time", "6"]], lockAll: true }));
    const backend: TxBackend = { ...real, commit: (s, txid) => (s === missing ? Promise.reject(new Error("lost")) : real.commit(s, txid)) };
    // A lease long enough that the missing shard cannot resolve the outcome by itself (its alarm
    // after the lease) before the CONFIG GET below, however slow the machine.
    const leaseMs = 1000;
    const result = await runCrossShard(parts, () => true, backend, { leaseMs });
    expect(result.status).toBe("committed");
    expect(await onShard(0, "lfu-decay-time")).toBe("6");
    const [pending] = await shardStub(missing).exec([["CONFIG", "GET", "lfu-decay-time"]]);
    expect(pending).toEqual({ error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" });
    await evictDurableObject(stubOf(missing));
    await recover(every, leaseMs);
    expect(await everyShard("lfu-decay-time")).toEqual(new Array(SHARDS).fill("6"));
  });
});
