/**
 * The official `@upstash/redis` client, unchanged (its defaults: `readYourWrites: true`, which
 * sends the last response's `upstash-sync-token` back on the next request, auto-pipelining,
 * base64 responses), against read replicas (docs/global.md §3): a client in a far region (apac,
 * named by REGION_HEADER) that writes then reads at once, while pushes to the replica lag
 * (SIMULATED_RTT far 50 ms), always reads its write, and its reads do go to the replica.
 *
 * The client has no option for extra headers, so the region is added by the `fetch` it calls
 * (as a proxy in front of the Worker would), per client host.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingReplicas, noCounts, REGION_HEADER, testEnv, workerWith } from "./session-client";

const counts = noCounts();
const worker = workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts) });
const HOST = "apac.edgekv.test";
const tokensSent: (string | null)[] = [];

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
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe("@upstash/redis through read replicas", () => {
  it("reads its writes from a far region, every time, through the replica", async () => {
    const redis = new Redis({ url: `http://${HOST}`, token: "test-token", UPSTASH_DISABLE_TELEMETRY: "1" });
    const key = `global:upstash:${Date.now().toString(36)}`;
    const ROUNDS = 30;
    for (let i = 0; i < ROUNDS; i++) {
      expect(await redis.set(key, `v${i}`)).toBe("OK");
      expect(await redis.get(key)).toBe(`v${i}`);
      expect(await redis.hset(`${key}:h`, { f: i })).toBeGreaterThanOrEqual(0);
      expect(await redis.hget(`${key}:h`, "f")).toBe(i);
    }
    // The client sent our tokens back (the first request: an empty one).
    expect(tokensSent[0]).toBe("");
    expect(tokensSent.slice(1).every((t) => t?.startsWith("v1."))).toBe(true);
    // Every read asked the replica first; some it served (others waited past REPLICA_WAIT_MS for a lagging push and went to the primary).
    expect(counts.reads).toBe(2 * ROUNDS);
    expect(counts.served).toBeGreaterThan(0);
    expect(counts.failed).toBe(0);
  });
});
