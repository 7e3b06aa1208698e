/**
 * The cache helpers through Hono's app.request, against the real shard Durable Objects
 * (bindingKv); each `createCache` stands for one isolate (its own single-flight map). The
 * clock is the cache's `now` option: freshness is decided by it, never by waiting.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { bindingKv, command, createCache, decodeEntry, lockKeyOf, msgpackCodec, type Cache, type CreateCacheOptions } from "./index";
import { slotOf } from "../slot";

const shards = Number((env as { SHARDS?: string }).SHARDS ?? 16);
const store = bindingKv(env.SHARD as unknown as DurableObjectNamespace, shards);
let n = 0;
const fresh = () => `ct-${Date.now().toString(36)}-${n++}:`;

/** A promise and the function that settles it. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => (open = r));
  return { p, open };
}

/** An app serving GET /item/:id from `cache` with `loader`. */
function app(cache: Cache, loader: (id: string) => Promise<unknown>, ttl = 60) {
  const a = new Hono();
  a.get("/item/:id", async (c) => c.json({ v: await cache.cached(`item:${c.req.param("id")}`, ttl, () => loader(c.req.param("id"))) }));
  return a;
}

describe("cached", () => {
  it("many concurrent requests for one missing key, over several isolates, call the loader once", async () => {
    const prefix = fresh();
    let calls = 0;
    const loader = async (id: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return { id, n: calls };
    };
    const apps = Array.from({ length: 4 }, () => app(createCache({ store, prefix }), loader));
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => apps[i % 4].request("/item/7")));
    const bodies = await Promise.all(res.map((r) => r.json()));
    expect(calls).toBe(1);
    for (const b of bodies) expect(b).toEqual({ v: { id: "7", n: 1 } });
    // The lock is gone after the load.
    expect(await command(store, ["EXISTS", lockKeyOf(`${prefix}item:7`).lock])).toBe(0);
  });

  it("a hit is one GET; a different key loads separately", async () => {
    const prefix = fresh();
    let calls = 0;
    const a = app(createCache({ store, prefix }), async (id) => (calls++, `v${id}`));
    expect(await (await a.request("/item/1")).json()).toEqual({ v: "v1" });
    expect(await (await a.request("/item/1")).json()).toEqual({ v: "v1" });
    expect(await (await a.request("/item/2")).json()).toEqual({ v: "v2" });
    expect(calls).toBe(2);
  });

  it("stale while refresh: while one isolate reloads a stale key, the others get the stale value", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    const o: CreateCacheOptions = { store, prefix, staleSeconds: 3600, now: () => clock };
    const a = createCache(o);
    const b = createCache(o);
    expect(await a.cached("k", 10, () => "v1")).toBe("v1");
    clock += 20_000; // past the TTL, inside the stale window
    const g = gate<string>();
    const refreshing = a.cached("k", 10, () => g.p);
    await new Promise((r) => setTimeout(r, 20)); // a holds the lock by now
    let bCalls = 0;
    expect(await b.cached("k", 10, () => (bCalls++, "from-b"))).toBe("v1");
    expect(bCalls).toBe(0);
    g.open("v2");
    expect(await refreshing).toBe("v2");
    expect(await b.cached("k", 10, () => (bCalls++, "from-b"))).toBe("v2");
    expect(bCalls).toBe(0);
  });

  it("with waitUntil the lock holder answers the stale value too and refreshes in the background", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    const background: Promise<unknown>[] = [];
    const c = createCache({ store, prefix, staleSeconds: 3600, now: () => clock, waitUntil: (p) => background.push(p) });
    expect(await c.cached("k", 10, () => "v1")).toBe("v1");
    clock += 20_000;
    expect(await c.cached("k", 10, () => "v2")).toBe("v1");
    expect(background.length).toBe(1);
    await Promise.all(background);
    expect(await c.cached("k", 10, () => "v3")).toBe("v2");
  });

  it("without a stale window an expired value is never answered", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    const c = createCache({ store, prefix, now: () => clock });
    await c.cached("k", 10, () => "v1");
    expect(await command(store, ["PTTL", `${prefix}k`])).toBeLessThanOrEqual(10_000);
    clock += 20_000;
    expect(await c.cached("k", 10, () => "v2")).toBe("v2");
  });

  it("negative caching: a loader's none is cached, for the shorter TTL", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    const c = createCache({ store, prefix, negativeTtlSeconds: 5, now: () => clock });
    let calls = 0;
    const none = async () => (calls++, null);
    expect(await c.cached("missing", 600, none)).toBeNull();
    expect(await c.cached("missing", 600, none)).toBeNull();
    expect(calls).toBe(1);
    const pttl = (await command(store, ["PTTL", `${prefix}missing`])) as number;
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
    expect(decodeEntry((await command(store, ["GET", `${prefix}missing`])) as string)?.negative).toBe(true);
    clock += 6_000;
    expect(await c.cached("missing", 600, async () => (calls++, "now-there"))).toBe("now-there");
    expect(calls).toBe(2);
  });

  it("writeThrough stores a fresh value that later reads answer without the loader", async () => {
    const prefix = fresh();
    const c = createCache({ store, prefix });
    let calls = 0;
    expect(await c.cached("u", 60, () => (calls++, { name: "Ada" }))).toEqual({ name: "Ada" });
    await c.writeThrough("u", { name: "Grace" }, 60);
    expect(await c.cached("u", 60, () => (calls++, { name: "loader" }))).toEqual({ name: "Grace" });
    expect(calls).toBe(1);
    expect(await command(store, ["PTTL", `${prefix}u`])).toBeGreaterThan(0);
    await c.invalidate("u");
    expect(await c.cached("u", 60, () => (calls++, { name: "again" }))).toEqual({ name: "again" });
  });

  it("the MessagePack codec: a load and a writeThrough round-trip through the shards (bindingKv)", async () => {
    const prefix = fresh();
    const c = createCache({ store, prefix, codec: msgpackCodec });
    const value = { raw: Uint8Array.from({ length: 256 }, (_, i) => i), big: -(2n ** 63n), at: new Date(-1) };
    let calls = 0;
    expect(await c.cached("m", 60, () => (calls++, value))).toEqual(value);
    expect(await c.cached("m", 60, () => (calls++, null))).toEqual(value);
    await c.writeThrough("m", [value], 60);
    expect(await c.cached("m", 60, () => (calls++, null))).toEqual([value]);
    expect(calls).toBe(1);
  });

  it("a load never overwrites a writeThrough made while it ran", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    const c = createCache({ store, prefix, staleSeconds: 3600, now: () => clock });
    await c.cached("k", 10, () => "old");
    clock += 20_000;
    const g = gate<string>();
    const loading = c.cached("k", 10, () => g.p);
    await new Promise((r) => setTimeout(r, 20));
    await c.writeThrough("k", "written", 10);
    g.open("loaded-before-the-write");
    expect(await loading).toBe("loaded-before-the-write");
    expect(await c.cached("k", 10, () => "loader")).toBe("written");
  });

  it("probabilistic early refresh reloads a fresh value when the draw says so", async () => {
    const prefix = fresh();
    let clock = 1_000_000;
    let draw = 0.999999;
    const c = createCache({ store, prefix, beta: 1, now: () => clock, random: () => draw });
    let calls = 0;
    const loader = async () => {
      calls++;
      clock += 100; // the load takes 100 ms of the cache's clock
      return `v${calls}`;
    };
    expect(await c.cached("k", 10, loader)).toBe("v1");
    clock += 9_000; // 1 s before expiry: -100·ln(0.999999) is far below 1 s
    expect(await c.cached("k", 10, loader)).toBe("v1");
    draw = 1e-300; // -100·ln(1e-300) ≈ 69 s: refresh now
    expect(await c.cached("k", 10, loader)).toBe("v2");
    expect(calls).toBe(2);
  });

  it("a failing loader caches nothing, releases the lock, and its error reaches the caller", async () => {
    const prefix = fresh();
    const c = createCache({ store, prefix });
    await expect(c.cached("k", 10, () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await command(store, ["EXISTS", `${prefix}k`, lockKeyOf(`${prefix}k`).lock])).toBe(0);
    expect(await c.cached("k", 10, () => "ok")).toBe("ok");
  });

  it("a caller that finds the lock held and nothing cached waits for the holder's value", async () => {
    const prefix = fresh();
    const a = createCache({ store, prefix });
    const b = createCache({ store, prefix });
    const g = gate<string>();
    const first = a.cached("k", 10, () => g.p);
    await new Promise((r) => setTimeout(r, 20));
    let bCalls = 0;
    const second = b.cached("k", 10, () => (bCalls++, "b"));
    setTimeout(() => g.open("a"), 40);
    expect(await first).toBe("a");
    expect(await second).toBe("a");
    expect(bCalls).toBe(0);
  });

  it("a value that is not a cache entry is never answered, and a load replaces it", async () => {
    const prefix = fresh();
    await command(store, ["SET", `${prefix}k`, "written by someone else"]);
    const c = createCache({ store, prefix });
    expect(await c.cached("k", 10, () => "loaded")).toBe("loaded");
    expect(decodeEntry((await command(store, ["GET", `${prefix}k`])) as string)?.payload).toBe('"loaded"');
  });

  it("pluggable codec", async () => {
    const prefix = fresh();
    const codec = { encode: (v: unknown) => btoa(JSON.stringify(v)), decode: (t: string) => JSON.parse(atob(t)) };
    const c = createCache({ store, prefix, codec });
    expect(await c.cached("k", 10, () => ({ a: 1 }))).toEqual({ a: 1 });
    expect(decodeEntry((await command(store, ["GET", `${prefix}k`])) as string)?.payload).toBe(btoa('{"a":1}'));
    expect(await c.cached("k", 10, () => ({ a: 2 }))).toEqual({ a: 1 });
  });

  it("the lock key shares its entry's slot when it can", () => {
    for (const k of ["cache:user:1", "cache:{u1}:x", "a{b", "{}x"]) {
      const { lock, sameSlot } = lockKeyOf(k);
      expect(sameSlot).toBe(slotOf(lock) === slotOf(k));
      if (!k.includes("{}")) expect(sameSlot).toBe(true);
    }
  });
});
