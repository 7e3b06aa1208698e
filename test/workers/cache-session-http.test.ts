/**
 * `edgekv/cache` and `edgekv/session` over the HTTP API: `httpKv` with SELF's fetch, and
 * `upstashKv` over the official `@upstash/redis` client whose requests go to SELF.
 */
import { SELF } from "cloudflare:test";
import { Redis } from "@upstash/redis/cloudflare";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command, createCache, decodeEntry, httpKv, msgpackCodec, upstashKv, type KvStore } from "../../worker/cache/index";
import { session, type SessionEnv } from "../../worker/session/index";

const HOST = "edgekv.test";
const http = httpKv({ url: `http://${HOST}`, token: "test-token", fetch: (r) => SELF.fetch(r) });

const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    new URL(input instanceof Request ? input.url : input.toString()).host === HOST ? SELF.fetch(input, init) : realFetch(input, init)) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
const upstash = upstashKv(new Redis({ url: `http://${HOST}`, token: "test-token", automaticDeserialization: false, UPSTASH_DISABLE_TELEMETRY: "1" }));

let n = 0;
const fresh = () => `ch-${Date.now().toString(36)}-${n++}:`;

for (const [name, store] of [["httpKv", http], ["upstashKv", upstash]] as [string, KvStore][]) {
  describe(`cache and session over the HTTP API (${name})`, () => {
    it("concurrent requests for one missing key over several isolates call the loader once", async () => {
      const prefix = fresh();
      let calls = 0;
      const loader = async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 30));
        return { n: calls, s: "123" };
      };
      const apps = Array.from({ length: 3 }, () => {
        const cache = createCache({ store, prefix });
        const a = new Hono();
        a.get("/", async (c) => c.json(await cache.cached("hot", 60, loader)));
        return a;
      });
      const bodies = await Promise.all(Array.from({ length: 12 }, (_, i) => Promise.resolve(apps[i % 3].request("/")).then((r) => r.json())));
      expect(calls).toBe(1);
      for (const b of bodies) expect(b).toEqual({ n: 1, s: "123" });
    });

    it("negative caching and writeThrough", async () => {
      const cache = createCache({ store, prefix: fresh(), negativeTtlSeconds: 5 });
      let calls = 0;
      expect(await cache.cached("k", 60, () => (calls++, null))).toBeNull();
      expect(await cache.cached("k", 60, () => (calls++, "x"))).toBeNull();
      await cache.writeThrough("k", 42, 60);
      expect(await cache.cached("k", 60, () => (calls++, 0))).toBe(42);
      expect(calls).toBe(1);
    });

    it("a MessagePack entry round-trips through the store exactly (bytes, bigints, Dates, Maps)", async () => {
      const prefix = fresh();
      const cache = createCache({ store, prefix, codec: msgpackCodec });
      const value = { id: 2n ** 60n, at: new Date(1_700_000_000_123), raw: Uint8Array.from({ length: 256 }, (_, i) => i), tags: new Map([[1, "é"]]), f: 0.1 };
      await cache.writeThrough("m", value, 60);
      let calls = 0;
      expect(await cache.cached("m", 60, () => (calls++, null))).toEqual(value);
      expect(calls).toBe(0);
      const raw = await command(store, ["GET", `${prefix}m`]);
      expect(msgpackCodec.decode(decodeEntry(raw as string)!.payload)).toEqual(value);
      // A load writes back with the same codec (IFEQ the entry it read) and answers it.
      expect(await createCache({ store, prefix, codec: msgpackCodec }).cached("n", 60, () => value)).toEqual(value);
      expect(await cache.cached("n", 60, () => (calls++, null))).toEqual(value);
      expect(calls).toBe(0);
    });

    it("a session: signed cookie, data, rolling TTL, regenerate", async () => {
      const prefix = fresh();
      const a = new Hono<SessionEnv>();
      a.use("*", session({ store, secret: "another-test-secret-0123456789abcdef", prefix, ttlSeconds: 600 }));
      a.post("/set", (c) => (c.get("session").set("n", "7"), c.text("ok")));
      a.post("/login", async (c) => (await c.get("session").regenerate(), c.text(c.get("session").id)));
      a.get("/", (c) => c.json(c.get("session").all()));
      const cookieOf = (r: Response) => r.headers.getSetCookie().find((h) => h.startsWith("sid="))!.split(";")[0];
      const first = cookieOf(await a.request("/set", { method: "POST" }));
      const id = decodeURIComponent(first.slice(4)).split(".")[0];
      await command(store, ["PEXPIRE", prefix + id, 10_000]);
      expect(await (await a.request("/", { headers: { cookie: first } })).json()).toEqual({ n: "7" });
      expect(await command(store, ["PTTL", prefix + id])).toBeGreaterThan(500_000);
      const login = await a.request("/login", { method: "POST", headers: { cookie: first } });
      const newId = await login.text();
      expect(await command(store, ["EXISTS", prefix + id])).toBe(0);
      expect(await (await a.request("/", { headers: { cookie: cookieOf(login) } })).json()).toEqual({ n: "7" });
      expect(await command(store, ["EXISTS", prefix + newId])).toBe(1);
    });
  });
}
