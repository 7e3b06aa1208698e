/**
 * Rate-limit leases (docs/global.md §4): RL.LEASE through the command table with a controlled
 * clock, and RATE_LIMIT_MODE=lease through the front door and the middleware with clients in
 * several regions at once: never more admitted in a window than the limit (holders' and exact
 * decisions together), refusals while units sit unused elsewhere within the bound, requests
 * with no region decided exactly, and nothing different with the mode off.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../../worker/index";
import type { Env } from "../../worker/env";
import { Errors } from "../../durable-objects/errors";
import { holderName } from "../../durable-objects/leases/request";
import { maxSlice, type SliceStats } from "../../durable-objects/leases/slices";
import { shardOf } from "../../worker/slot";
import { modeStore, rateLimit } from "../../worker/ratelimit/index";
import { call, cmd, freshKey, SHARDS } from "./http-helpers";
import { withClock } from "./shard-client";

const T0 = 1_700_000_040_000;

describe("RL.LEASE", () => {
  it("takes min(want, remaining) of RL.FIXED's window and answers [granted, window-end, remaining]", () =>
    withClock("lease", (run) => {
      expect(run(T0 + 100, "RL.LEASE", "k", 10, 1000, 4)).toEqual([4, T0 + 1000, 6]);
      // One budget with RL.FIXED: its decisions see the leased units as admitted.
      expect(run(T0 + 200, "RL.FIXED", "k", 10, 1000)).toEqual([0, 10, 5, -1, 800]);
      expect(run(T0 + 200, "GET", "k")).toEqual(new TextEncoder().encode("5"));
      expect(run(T0 + 200, "PTTL", "k")).toBe(800);
      expect(run(T0 + 300, "RL.LEASE", "k", 10, 1000, 8)).toEqual([5, T0 + 1000, 0]);
      expect(run(T0 + 300, "RL.LEASE", "k", 10, 1000, 8)).toEqual([0, T0 + 1000, 0]);
      expect(run(T0 + 300, "RL.FIXED", "k", 10, 1000)).toEqual([1, 10, 0, 700, 700]);
      // The next window starts from nothing.
      expect(run(T0 + 1000, "RL.LEASE", "k", 10, 1000, 3)).toEqual([3, T0 + 2000, 7]);
      // want 0 only looks, and creates nothing.
      expect(run(T0 + 1000, "RL.LEASE", "k", 10, 1000, 0)).toEqual([0, T0 + 2000, 7]);
      expect(run(T0 + 1000, "RL.LEASE", "n", 10, 1000, 0)).toEqual([0, T0 + 2000, 10]);
      expect(run(T0 + 1000, "EXISTS", "n")).toBe(0);
      expect(run(T0 + 1000, "RL.FIXED", "k", 10, 1000, 7)).toEqual([0, 10, 0, -1, 1000]);
    }));

  it("bad input: Redis-style errors, nothing written", () =>
    withClock("lease", (run) => {
      expect(run(T0, "RL.LEASE", "e", 0, 1000, 1)).toEqual({ error: Errors.rateLimitParam("limit") });
      expect(run(T0, "RL.LEASE", "e", 10, -5, 1)).toEqual({ error: Errors.rateLimitParam("window") });
      expect(run(T0, "RL.LEASE", "e", 10, 1000, -1)).toEqual({ error: Errors.rateLimitNonNegative("want") });
      expect(run(T0, "RL.LEASE", "e", 10, 1000, "x")).toEqual({ error: Errors.notInteger });
      expect(run(T0, "RL.LEASE", "e", 10, 1000)).toEqual({ error: Errors.wrongArity("rl.lease") });
      expect(run(T0, "RL.LEASE", "e", 10, 1000, 1, 1)).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.LEASE", "e", 10, 1000, 1, "DECIDED", "r", 1)).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.LEASE", "e", 10, 1000, 1, "DECIDED", "r", 1, -1)).toEqual({ error: Errors.rateLimitNonNegative("refused") });
      expect(run(T0, "EXISTS", "e")).toBe(0);
      run(T0, "SET", "str", "hello");
      expect(run(T0, "RL.LEASE", "str", 10, 1000, 1)).toEqual({ error: Errors.rateLimitState });
      expect(run(T0, "GET", "str")).toEqual(new TextEncoder().encode("hello"));
      run(T0, "HSET", "h", "f", "v");
      expect(run(T0, "RL.LEASE", "h", 10, 1000, 1)).toEqual({ error: Errors.wrongType });
      run(T0, "RL.SLIDING", "sl", 10, 1000);
      expect(run(T0, "RL.LEASE", "sl", 10, 1000, 1)).toEqual({ error: Errors.rateLimitState });
    }));

  it("through the API: a write (refused for a read-only token), in transactions", async () => {
    const key = freshKey("lease");
    expect((await cmd("RL.LEASE", key, 5, 1e12, 2)).result).toEqual([2, expect.any(Number), 3]);
    const ro = await call("/", { body: JSON.stringify(["RL.LEASE", key, 5, 1e12, 1]), token: "test-readonly-token" });
    expect(((await ro.json()) as { error: string }).error).toMatch(/^NOPERM/);
    const multi = await call("/multi-exec", { body: JSON.stringify([["RL.LEASE", key, 5, 1e12, 9], ["RL.FIXED", key, 5, 1e12]]) });
    const entries = (await multi.json()) as { result: number[] }[];
    expect(entries[0]!.result.slice(0, 1).concat(entries[0]!.result[2]!)).toEqual([3, 0]);
    expect(entries[1]!.result[0]).toBe(1);
  });
});

afterEach(() => vi.restoreAllMocks());

function stubOrigin(): void {
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("origin", { status: 200 }));
}

function worker(vars: Record<string, string>) {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const bindings = { ...(env as unknown as Env), ...vars } as Env;
  return (url: string, init: RequestInit = {}) => app.fetch(new Request(url, init), bindings, ctx);
}

const REGIONS = ["wnam", "weur", "apac"];
const LEASE_VARS = { RATE_LIMIT_MODE: "lease", REGION_HEADER: "x-region", RATE_LIMIT_LEASE_REGIONS: REGIONS.join(",") };

interface HolderStub {
  stats(key?: string): Promise<SliceStats>;
}

function holder(region: string, key: string): HolderStub {
  return env.LEASES!.getByName(holderName(region, shardOf(key, SHARDS))) as unknown as HolderStub;
}

async function unusedIn(key: string): Promise<number> {
  let n = 0;
  for (const r of REGIONS) n += (await holder(r, key).stats(key)).unused;
  return n;
}

let n = 0;
/** A front door with one fixed-window rule of `limit` on one global key, its pattern unique to the test. */
function oneRule(limit: number) {
  const tag = `${Date.now().toString(36)}-${n++}`;
  const pattern = `/lease-${tag}/*`;
  return {
    url: `http://www.example/lease-${tag}/page`,
    key: `rl:fd:${pattern}:global`,
    rules: JSON.stringify({ [pattern]: { algorithm: "fixed", limit, window: 1e12, key: "global" } }),
  };
}

/** `perGroup` sequential requests from each of `clients` concurrent clients in each group (a region, or none); statuses. */
async function crowd(fetch: (url: string, init?: RequestInit) => Response | Promise<Response>, url: string, groups: (string | null)[], clients: number, perClient: number) {
  const statuses: number[] = [];
  await Promise.all(
    groups.flatMap((region) =>
      Array.from({ length: clients }, async () => {
        for (let i = 0; i < perClient; i++) {
          const res = await fetch(url, region ? { headers: { "x-region": region } } : {});
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      }),
    ),
  );
  return statuses;
}

describe("RATE_LIMIT_MODE=lease, the front door", () => {
  for (const limit of [5, 40, 150]) {
    it(`clients in three regions and exact ones: never more than ${limit} admitted; what is refused early sits in holders`, async () => {
      stubOrigin();
      const { url, key, rules } = oneRule(limit);
      const fetch = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, ...LEASE_VARS });
      const perClient = Math.ceil((2 * limit + 40) / 16);
      const statuses = await crowd(fetch, url, [...REGIONS, null], 4, perClient);
      const admitted = statuses.filter((s) => s === 200).length;
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      expect(admitted).toBeLessThanOrEqual(limit);
      // The shard counted every unit admitted or leased: the whole limit, as demand was twice it.
      const counted = Number((await cmd("GET", key)).result);
      expect(counted).toBe(limit);
      const unused = await unusedIn(key);
      expect(admitted + unused).toBe(limit);
      expect(unused).toBeLessThanOrEqual(REGIONS.length * maxSlice(limit, REGIONS.length));
      // The regions' decisions were made by their holders, mostly without a round trip.
      let local = 0;
      for (const r of REGIONS) local += (await holder(r, key).stats()).local;
      expect(local).toBeGreaterThan(0);
    });
  }

  it("under SIMULATED_RTT too (distant stubs): leased then exact decisions share one budget", async () => {
    stubOrigin();
    const { url, key, rules } = oneRule(20);
    const vars = { ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, ...LEASE_VARS, SIMULATED_RTT: '{"primary":"wnam","local":1,"far":3}' };
    const leased = await crowd(worker(vars), url, [...REGIONS, null], 3, 4);
    const admitted = leased.filter((s) => s === 200).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted + (await unusedIn(key))).toBe(20);
    const exact = await crowd(worker({ ...vars, RATE_LIMIT_MODE: "exact" }), url, [...REGIONS, null], 2, 2);
    expect(exact.filter((s) => s === 200)).toEqual([]);
    expect(Number((await cmd("GET", key)).result)).toBe(20);
  });

  it("decides requests with no region exactly, and those of a listed region in its holder", async () => {
    stubOrigin();
    const { url, key, rules } = oneRule(100);
    const fetch = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, ...LEASE_VARS });
    const before = await holder("weur", key).stats();
    for (let i = 0; i < 3; i++) expect((await fetch(url)).status).toBe(200);
    expect(Number((await cmd("GET", key)).result)).toBe(3);
    expect(await holder("weur", key).stats()).toEqual(before);
    for (let i = 0; i < 10; i++) expect((await fetch(url, { headers: { "x-region": "weur" } })).status).toBe(200);
    const after = await holder("weur", key).stats();
    expect(after.local + after.roundTrips - before.local - before.roundTrips).toBe(10);
    expect(after.roundTrips - before.roundTrips).toBeLessThan(10);
    // eeur is not listed: its nearest listed neighbour, weur, decides.
    await fetch(url, { headers: { "x-region": "eeur" } });
    const third = await holder("weur", key).stats();
    expect(third.local + third.roundTrips).toBe(after.local + after.roundTrips + 1);
  });

  it("with the mode off, regions change nothing: exactly the limit admitted, all on the shard", async () => {
    stubOrigin();
    const { url, key, rules } = oneRule(30);
    const fetch = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, REGION_HEADER: "x-region" });
    const statuses = await crowd(fetch, url, [...REGIONS, null], 3, 6);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(Number((await cmd("GET", key)).result)).toBe(30);
    expect(await unusedIn(key)).toBe(0);
  });

  it("a bad RATE_LIMIT_MODE, or lease mode without its binding, answers 500 with the reason", async () => {
    stubOrigin();
    const { url, rules } = oneRule(5);
    const bad = await worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, RATE_LIMIT_MODE: "fast" })(url);
    expect(bad.status).toBe(500);
    expect(await bad.text()).toMatch(/RATE_LIMIT_MODE must be "exact" or "lease"/);
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const bindings = { ...(env as unknown as Env), ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules, RATE_LIMIT_MODE: "lease", LEASES: undefined } as Env;
    const missing = await app.fetch(new Request(url), bindings, ctx);
    expect(missing.status).toBe(500);
    expect(await missing.text()).toMatch(/LEASES/);
  });
});

describe("RATE_LIMIT_MODE=lease, the middleware with modeStore", () => {
  it("admits from the region's slice and never more than the limit", async () => {
    const tag = freshKey("mw");
    const limit = 12;
    const mw = new Hono<{ Bindings: Env }>();
    mw.use("*", rateLimit({ store: modeStore, algorithm: "fixed", limit, windowMs: 1e12, key: () => tag, refusalCache: false }));
    mw.get("*", (c) => c.text("ok"));
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const bindings = { ...(env as unknown as Env), ...LEASE_VARS } as Env;
    const fetch = async (url: string, init?: RequestInit) => mw.fetch(new Request(url, init), bindings, ctx);
    const statuses = await crowd(fetch, "http://app/x", [...REGIONS, null], 2, 5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(limit);
    expect(Number((await cmd("GET", `rl:${tag}`)).result)).toBe(limit);
    let local = 0;
    for (const r of REGIONS) local += (await holder(r, `rl:${tag}`).stats()).local;
    expect(local).toBeGreaterThan(0);
  });
});

describe("RATE_LIMIT_MODE=lease: decisions per rule", () => {
  it("the holders' own decisions reach the shards' per-rule counters (reported, not lost), with the exact ones", async () => {
    const tag = freshKey("mw-rule");
    const rule = `GET /${tag}`;
    const limit = 12;
    const mw = new Hono<{ Bindings: Env }>();
    mw.use("*", rateLimit({ store: modeStore, algorithm: "fixed", limit, windowMs: 1e12, key: () => tag, refusalCache: false, rule }));
    mw.get("*", (c) => c.text("ok"));
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const bindings = { ...(env as unknown as Env), ...LEASE_VARS } as Env;
    const fetch = async (url: string, init?: RequestInit) => mw.fetch(new Request(url, init), bindings, ctx);
    const statuses = await crowd(fetch, "http://app/x", [...REGIONS, null], 2, 5);
    const admitted = statuses.filter((s) => s === 200).length;
    let local = 0;
    for (const r of REGIONS) local += (await holder(r, `rl:${tag}`).stats()).local;
    expect(local).toBeGreaterThan(0);
    // Each holder reports within REPORT_MS of its first unreported decision: poll (bounded) until every decision is counted.
    const counted = async () => {
      const text = await (await call("/metrics")).text();
      const of = (d: string) => Number(new RegExp(`^edgekv_ratelimit_rule_decisions_total\\{rule="${rule}",decision="${d}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
      return [of("admitted"), of("refused")];
    };
    let seen = await counted();
    for (let i = 0; i < 100 && seen[0]! + seen[1]! < statuses.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await counted();
    }
    expect(seen).toEqual([admitted, statuses.length - admitted]);
  });
});

