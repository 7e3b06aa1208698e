/**
 * The rate-limit middleware through Hono's app.request, against the real shard Durable
 * Objects (bindingStore) and against test doubles for failures.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  ALGORITHMS,
  bindingStore,
  clientIp,
  httpStore,
  keyBy,
  rateLimit,
  RefusalCache,
  splitShare,
  UNKNOWN_CLIENT,
  type RateLimitOptions,
  type RateLimitStore,
} from "./index";

const shards = Number((env as { SHARDS?: string }).SHARDS ?? 16);
const real = bindingStore(env.SHARD as unknown as DurableObjectNamespace, shards);
let n = 0;
const fresh = () => `mw-${Date.now().toString(36)}-${n++}:`;

/** A store that counts the round trips it serves. */
function counting(inner: RateLimitStore): RateLimitStore & { calls: number } {
  const s = {
    calls: 0,
    run(argv: (string | number)[]) {
      s.calls++;
      return inner.run(argv);
    },
  };
  return s;
}

function app(o: Partial<RateLimitOptions> & { limit: number; windowMs: number }): Hono {
  const a = new Hono();
  a.use("/limited/*", rateLimit({ store: real, prefix: fresh(), ...o }));
  a.get("/limited/*", (c) => c.text("hello"));
  a.get("/open", (c) => c.text("open"));
  return a;
}

/** A request as Cloudflare's edge delivers it: with `request.cf` and the `CF-Connecting-IP` it set. */
const get = (a: Hono, path: string, ip = "203.0.113.7", headers: Record<string, string> = {}) =>
  a.request(path, { headers: { "cf-connecting-ip": ip, ...headers }, cf: { colo: "AMS" } } as RequestInit);

describe("rateLimit middleware", () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: admits the limit, then 429 with Retry-After and RateLimit headers`, async () => {
      const a = app({ algorithm, limit: 3, windowMs: 3_600_000 });
      for (let i = 2; i >= 0; i--) {
        const res = await get(a, "/limited/x");
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("hello");
        expect(res.headers.get("X-RateLimit-Limit")).toBe("3");
        expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(i));
        expect(res.headers.get("RateLimit-Policy")).toBe('"default";q=3;w=3600');
        expect(res.headers.get("RateLimit")).toMatch(new RegExp(`^"default";r=${i};t=\\d+$`));
      }
      const refused = await get(a, "/limited/x");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(refused.headers.get("X-RateLimit-Remaining")).toBe("0");
      expect((await get(a, "/open")).status).toBe(200);
      expect((await get(a, "/limited/x", "198.51.100.1")).status).toBe(200);
    });
  }

  it("the refusal cache answers repeated refusals without a round trip, and never changes a decision", async () => {
    const store = counting(real);
    const a = new Hono();
    a.use("*", rateLimit({ store, prefix: fresh(), algorithm: "fixed", limit: 2, windowMs: 3_600_000 }));
    a.get("*", (c) => c.text("ok"));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get(a, "/p")).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429, 429, 429]);
    expect(store.calls).toBe(3);
    // Another client is not affected.
    expect((await get(a, "/p", "192.0.2.99")).status).toBe(200);
  });

  it("a rule's name goes with each decision (RULE), and the cache's refusals with the next call (CACHED), once", async () => {
    const sent: (string | number)[][] = [];
    const recording: RateLimitStore = {
      run(argv) {
        sent.push(argv);
        return real.run(argv);
      },
    };
    const a = new Hono();
    a.use("*", rateLimit({ store: recording, prefix: fresh(), algorithm: "fixed", limit: 1, windowMs: 3_600_000, rule: "GET /p" }));
    a.get("*", (c) => c.text("ok"));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(a, "/p")).status);
    expect(statuses).toEqual([200, 429, 429, 429, 429]);
    expect(sent.map((argv) => argv.slice(5))).toEqual([["RULE", "GET /p"], ["RULE", "GET /p"]]);
    // Another client's first request carries the 3 refusals the cache answered, once.
    for (let i = 0; i < 2; i++) await get(a, "/p", "192.0.2.98");
    expect(sent.map((argv) => argv.slice(5))).toEqual([["RULE", "GET /p"], ["RULE", "GET /p"], ["RULE", "GET /p", "CACHED", 3], ["RULE", "GET /p"]]);
    // Without a rule, the command is as before.
    const plain: (string | number)[][] = [];
    const b = new Hono().use("*", rateLimit({ store: { run: (argv) => (plain.push(argv), real.run(argv)) }, prefix: fresh(), algorithm: "fixed", limit: 1, windowMs: 3_600_000 }));
    b.get("*", (c) => c.text("ok"));
    for (let i = 0; i < 3; i++) await get(b, "/p");
    expect(plain.map((argv) => argv.length)).toEqual([5, 5]);
    expect(() => rateLimit({ store: real, limit: 1, windowMs: 1000, rule: "" })).toThrow(/rule/);
  });

  it("RefusalCache: expires at retry-after, applies to requests of at least the refused cost, is bounded", () => {
    const cache = new RefusalCache(2);
    const refused = { allowed: false, limit: 5, remaining: 0, retryAfter: 100, resetAfter: 200 };
    cache.remember("k", 2, 1000, refused);
    expect(cache.check("k", 2, 1099)).toMatchObject({ allowed: false, retryAfter: 1, resetAfter: 101, cached: true });
    expect(cache.check("k", 1, 1050)).toBeNull();
    expect(cache.check("k", 2, 1100)).toBeNull();
    cache.remember("a", 1, 0, refused);
    cache.remember("b", 1, 0, refused);
    cache.remember("c", 1, 0, refused);
    expect(cache.size).toBe(2);
    expect(cache.check("a", 1, 10)).toBeNull();
    cache.remember("never", 1, 0, { ...refused, retryAfter: -1 });
    expect(cache.check("never", 1, 10)).toBeNull();
  });

  it("fails open by default and closed when asked", async () => {
    const broken: RateLimitStore = { run: () => Promise.reject(new Error("unreachable")) };
    const open = new Hono().use("*", rateLimit({ store: broken, limit: 1, windowMs: 1000 })).get("*", (c) => c.text("ok"));
    const closed = new Hono().use("*", rateLimit({ store: broken, limit: 1, windowMs: 1000, failure: "closed" })).get("*", (c) => c.text("ok"));
    const o = await get(open, "/");
    expect(o.status).toBe(200);
    expect(o.headers.get("X-RateLimit-Limit")).toBeNull();
    expect((await get(closed, "/")).status).toBe(503);
    // An error reply (a key holding another type) is a store failure too.
    const wrong: RateLimitStore = { run: async () => Promise.reject(new Error("WRONGTYPE")) };
    expect((await get(new Hono().use("*", rateLimit({ store: wrong, limit: 1, windowMs: 1000, failure: "closed" })).get("*", (c) => c.text("ok")), "/")).status).toBe(503);
  });

  it("httpStore speaks the HTTP API (through this Worker's app)", async () => {
    const { default: worker } = await import("../index");
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const store = httpStore({ url: "http://edgekv", token: "test-token", fetch: (req) => Promise.resolve(worker.fetch(req, env, ctx)) });
    const a = new Hono().use("*", rateLimit({ store, prefix: fresh(), algorithm: "gcra", limit: 1, windowMs: 3_600_000 })).get("*", (c) => c.text("ok"));
    expect((await get(a, "/")).status).toBe(200);
    expect((await get(a, "/")).status).toBe(429);
    const badToken = httpStore({ url: "http://edgekv", token: "wrong", fetch: (req) => Promise.resolve(worker.fetch(req, env, ctx)) });
    await expect(badToken.run(["RL.FIXED", "k", 1, 1000])).rejects.toThrow(/HTTP 401/);
  });

  it("keys: by header, by route; costs; a custom refusal", async () => {
    const a = new Hono();
    a.use(
      "/h/*",
      rateLimit({
        store: real,
        prefix: fresh(),
        limit: 3,
        windowMs: 3_600_000,
        key: keyBy.header("x-api-key"),
        cost: (c) => Number(c.req.query("cost") ?? 1),
        onRefused: (c, d) => c.json({ refused: true, retryAfter: d.retryAfter }, 429),
      }),
    );
    a.use("/r/*", rateLimit({ store: real, prefix: fresh(), limit: 1, windowMs: 3_600_000, key: keyBy.route }));
    a.get("*", (c) => c.text("ok"));
    expect((await get(a, "/h/1?cost=2", "1.1.1.1", { "x-api-key": "alice" })).status).toBe(200);
    const r = await get(a, "/h/1?cost=2", "2.2.2.2", { "x-api-key": "alice" });
    expect(r.status).toBe(429);
    expect(await r.json()).toMatchObject({ refused: true });
    expect((await get(a, "/h/1", "3.3.3.3", { "x-api-key": "alice" })).status).toBe(200);
    expect((await get(a, "/h/1", "3.3.3.3", { "x-api-key": "bob" })).status).toBe(200);
    expect((await get(a, "/r/a", "1.1.1.1")).status).toBe(200);
    expect((await get(a, "/r/a", "9.9.9.9")).status).toBe(429);
    expect((await get(a, "/r/b", "9.9.9.9")).status).toBe(200);
  });

  it("keyBy.ip: CF-Connecting-IP only through Cloudflare by default; the app's CLIENT_IP_HEADER; keyBy.ipFrom", async () => {
    const limited = (key?: RateLimitOptions["key"]) =>
      new Hono().use("*", rateLimit({ store: real, prefix: fresh(), algorithm: "fixed", limit: 1, windowMs: 3_600_000, key })).get("*", (c) => c.text("ok"));
    const local = async (a: Hono, headers: Record<string, string>, env?: Record<string, string>) => (await a.request("/", { headers }, env)).status;

    // Default: through Cloudflare (request.cf) each IP is its own client…
    const edge = limited();
    expect((await get(edge, "/", "203.0.113.1")).status).toBe(200);
    expect((await get(edge, "/", "203.0.113.2")).status).toBe(200);
    // …without it, neither CF-Connecting-IP nor X-Real-IP is trusted: one shared "unknown" client.
    const plain = limited();
    expect(await local(plain, { "cf-connecting-ip": "198.51.100.1" })).toBe(200);
    expect(await local(plain, { "cf-connecting-ip": "198.51.100.2" })).toBe(429);
    expect(await local(plain, { "x-real-ip": "198.51.100.3" })).toBe(429);

    // The app's CLIENT_IP_HEADER names the trusted header.
    const configured = limited();
    const vars = { CLIENT_IP_HEADER: "x-real-ip" };
    expect(await local(configured, { "x-real-ip": "192.0.2.1" }, vars)).toBe(200);
    expect(await local(configured, { "x-real-ip": "192.0.2.2" }, vars)).toBe(200);
    expect(await local(configured, { "x-real-ip": "192.0.2.2", "cf-connecting-ip": "192.0.2.9" }, vars)).toBe(429);

    // keyBy.ipFrom trusts the header it names, whatever the environment says.
    const fromHeader = limited(keyBy.ipFrom("x-client-ip"));
    expect(await local(fromHeader, { "x-client-ip": "192.0.2.1" })).toBe(200);
    expect(await local(fromHeader, { "x-client-ip": "192.0.2.2" })).toBe(200);
    expect(await local(fromHeader, { "x-client-ip": "192.0.2.2" })).toBe(429);
    expect(clientIp(new Request("http://h/", { headers: { "x-client-ip": "192.0.2.1" } }), "none")).toBe(UNKNOWN_CLIENT);
  });

  it("keyBy.route is the canonical route: /R/a/ and /r/a share a limiter", async () => {
    const a = new Hono().use("*", rateLimit({ store: real, prefix: fresh(), limit: 1, windowMs: 3_600_000, key: keyBy.route })).get("*", (c) => c.text("ok"));
    expect((await get(a, "/r/a")).status).toBe(200);
    expect((await get(a, "/R//a/")).status).toBe(429);
    expect((await get(a, "/r/b")).status).toBe(200);
  });

  it("split mode: never admits more than the limit; far above it, admits exactly the limit", async () => {
    const a = app({ algorithm: "fixed", limit: 10, windowMs: 3_600_000, split: 5 });
    let admitted = 0;
    for (let i = 0; i < 100; i++) if ((await get(a, "/limited/s")).status === 200) admitted++;
    expect(admitted).toBe(10);
    expect([0, 1, 2, 3, 4].map((i) => splitShare(12, 5, i))).toEqual([3, 3, 2, 2, 2]);
  });

  it("validates its options when built", () => {
    const base = { store: real, limit: 10, windowMs: 1000 };
    expect(() => rateLimit({ ...base, limit: 0 })).toThrow(/limit/);
    expect(() => rateLimit({ ...base, windowMs: 1.5 })).toThrow(/windowMs/);
    expect(() => rateLimit({ ...base, algorithm: "leaky" as never })).toThrow(/algorithm/);
    expect(() => rateLimit({ ...base, split: 11 })).toThrow(/split/);
    expect(() => rateLimit({ ...base, failure: "maybe" as never })).toThrow(/failure/);
    expect(() => rateLimit({ ...base, cost: -1 })).toThrow(/cost/);
  });
});
