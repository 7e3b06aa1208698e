/**
 * The official `@upstash/redis` client, unchanged (its defaults: `readYourWrites: true`, which
 * sends the last response's `upstash-sync-token` back on the next request, auto-pipelining,
 * base64 responses), against read replicas (docs/global.md §3): a client in a far region (apac,
 * named by REGION_HEADER) that writes then reads at once, while pushes to the replica lag
 * (each push to apac held 300 ms on the primary), always reads its write, and its reads do go to
 * the replica. With replicas that ignore the token (REPLICA_BREAK_TOKENS=1) it reads stale values.
 *
 * The client has no option for extra headers, so the region is added by the `fetch` it calls
 * (as a proxy in front of the Worker would), per client host.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Shard } from "../../durable-objects/shard";
import { shardOf } from "../../worker/slot";
import { countingReplicas, noCounts, REGION_HEADER, testEnv, workerWith, type Fetcher, type ReplicaCounts } from "./session-client";

const SHARDS = Number(testEnv.SHARDS ?? 16);
const HOST = "apac.edgekv.test";
let worker: Fetcher;
let tokensSent: (string | null)[] = [];

const restore: (() => Promise<unknown>)[] = [];
type Peer = (region: string) => { apply(push: unknown): Promise<unknown> };

/** Holds every push of `key`'s shard to apac `ms` before it is sent: the replica lags (it pulls when a read asks for more). */
async function lagPushes(key: string, ms: number): Promise<void> {
  await runInDurableObject(testEnv.SHARD.getByName(`shard-${shardOf(key, SHARDS)}`), (s: Shard) => {
    const r = (s as unknown as { replication: { peer: Peer } }).replication;
    const peer = r.peer;
    restore.push(() => runInDurableObject(testEnv.SHARD.getByName(`shard-${shardOf(key, SHARDS)}`), (t: Shard) => void ((t as unknown as { replication: { peer: Peer } }).replication.peer = peer)));
    r.peer = (region) => {
      const to = peer(region);
      return region === "apac" ? { apply: async (push) => (await new Promise((res) => setTimeout(res, ms)), to.apply(push)) } : to;
    };
  });
}

/** Writes then reads `rounds` times with the client's defaults; answers the values read that were not the one just written. */
async function writeThenRead(bindings: Record<string, unknown>, counts: ReplicaCounts, rounds: number): Promise<string[]> {
  worker = workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts), ...bindings });
  tokensSent = [];
  const redis = new Redis({ url: `http://${HOST}`, token: "test-token", UPSTASH_DISABLE_TELEMETRY: "1" });
  const key = `global:upstash:${Date.now().toString(36)}:${Math.random().toString(36).slice(2)}`;
  await lagPushes(key, 300);
  await lagPushes(`${key}:h`, 300);
  const wrong: string[] = [];
  for (let i = 0; i < rounds; i++) {
    expect(await redis.set(key, `v${i}`)).toBe("OK");
    const got = await redis.get(key);
    if (got !== `v${i}`) wrong.push(`GET ${String(got)} after v${i}`);
    expect(await redis.hset(`${key}:h`, { f: i })).toBeGreaterThanOrEqual(0);
    const f = await redis.hget(`${key}:h`, "f");
    if (f !== i) wrong.push(`HGET ${String(f)} after ${i}`);
  }
  return wrong;
}

const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (new URL(req.url).host !== HOST) return realFetch(input, init);
    const headers = new Headers(req.headers);
    headers.set(REGION_HEADER, "apac");
    tokensSent.push(headers.get("upstash-sync-token"));
    return worker(new Request(req, { headers }));
  }) as typeof fetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  for (const undo of restore.reverse()) await undo();
});

describe("@upstash/redis through read replicas", () => {
  it("reads its writes from a far region, every time, through the replica", async () => {
    const counts = noCounts();
    const ROUNDS = 20;
    expect(await writeThenRead({}, counts, ROUNDS)).toEqual([]);
    // The client sent our tokens back (the first request: an empty one).
    expect(tokensSent[0]).toBe("");
    expect(tokensSent.slice(1).every((t) => t?.startsWith("v1."))).toBe(true);
    // Every read asked the replica first, which served them (pulling what the lagging pushes had not brought) or sent them to the primary.
    expect(counts.reads).toBe(2 * ROUNDS);
    expect(counts.served).toBeGreaterThan(0);
    expect(counts.failed).toBe(0);
  });

  it("the same run against replicas that ignore the token reads stale values (the test can fail)", async () => {
    const counts = noCounts();
    const wrong = await writeThenRead({ REPLICA_BREAK_TOKENS: "1" }, counts, 5);
    expect(wrong.length).toBeGreaterThan(0);
  });
});
