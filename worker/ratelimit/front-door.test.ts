/**
 * Front-door mode through the product Worker's app, with the origin replaced by a recording
 * fetch: rules from configuration, proxying unchanged, 429s, the API on its own host, and
 * nothing different when ORIGIN is not configured.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../index";
import type { Env } from "../env";
import { parseRules } from "./front-door";

interface Seen {
  method: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

let seen: Seen[] = [];

function stubOrigin(): void {
  seen = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ method: req.method, url: req.url, body: await req.text(), headers: Object.fromEntries(req.headers) });
    return new Response(`origin says hi to ${new URL(req.url).pathname}`, { status: 201, headers: { "x-origin": "yes" } });
  });
}

afterEach(() => vi.restoreAllMocks());

let n = 0;
function worker(vars: Record<string, string>) {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const bindings = { ...(env as unknown as Env), ...vars } as Env;
  return (url: string, init: RequestInit = {}) => app.fetch(new Request(url, init), bindings, ctx);
}

function rules(): { json: string; tag: string } {
  const tag = `${Date.now()}-${n++}`;
  const json = JSON.stringify({
    [`/limited-${tag}/*`]: { algorithm: "fixed", limit: 2, window: 3_600_000, key: "ip" },
    [`POST /login-${tag}`]: { algorithm: "gcra", limit: 1, window: 3_600_000, key: "header:x-user" },
    [`shop.example/cart-${tag}`]: { algorithm: "bucket", limit: 1, window: 3_600_000, key: "global" },
  });
  return { json, tag };
}

describe("front door", () => {
  it("without ORIGIN the Worker is the API exactly as before, rules or not", async () => {
    stubOrigin();
    const call = worker({ RATE_LIMIT_RULES: JSON.stringify({ "/*": { limit: 1, window: 1000 } }) });
    for (let i = 0; i < 3; i++) {
      const res = await call("http://edgekv/", { method: "POST", body: '["PING"]', headers: { authorization: "Bearer test-token" } });
      expect(await res.json()).toEqual({ result: "PONG" });
    }
    expect((await call("http://edgekv/ping")).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it("proxies admitted requests unchanged, refuses over the limit with 429, passes unmatched ones", async () => {
    stubOrigin();
    const { json, tag } = rules();
    const call = worker({ ORIGIN: "https://origin.example/base/", RATE_LIMIT_RULES: json });
    const ip = { "cf-connecting-ip": "203.0.113.5" };
    for (let i = 1; i >= 0; i--) {
      const res = await call(`http://www.example/limited-${tag}/page?q=1`, { headers: { ...ip, cookie: "a=b" } });
      expect(res.status).toBe(201);
      expect(await res.text()).toBe(`origin says hi to /base/limited-${tag}/page`);
      expect(res.headers.get("x-origin")).toBe("yes");
      expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(i));
      expect(res.headers.get("RateLimit-Policy")).toBe('"edge";q=2;w=3600');
    }
    const refused = await call(`http://www.example/limited-${tag}/page`, { headers: ip });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).not.toBeNull();
    expect(seen.length).toBe(2);
    expect(seen[0]).toMatchObject({ method: "GET", url: `https://origin.example/base/limited-${tag}/page?q=1` });
    expect(seen[0]!.headers.cookie).toBe("a=b");

    const other = await call("http://www.example/free", { method: "PUT", body: "payload", headers: ip });
    expect(other.status).toBe(201);
    expect(other.headers.get("X-RateLimit-Limit")).toBeNull();
    expect(seen[2]).toMatchObject({ method: "PUT", url: "https://origin.example/base/free", body: "payload" });
  });

  it("method and host patterns, header and global keys", async () => {
    stubOrigin();
    const { json, tag } = rules();
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    const login = (user: string) => call(`http://www.example/login-${tag}`, { method: "POST", body: "pw", headers: { "x-user": user } });
    expect((await login("alice")).status).toBe(201);
    expect((await login("alice")).status).toBe(429);
    expect((await login("bob")).status).toBe(201);
    expect((await call(`http://www.example/login-${tag}`)).status).toBe(201);
    expect((await call(`http://shop.example/cart-${tag}`, { headers: { "cf-connecting-ip": "1.1.1.1" } })).status).toBe(201);
    expect((await call(`http://shop.example/cart-${tag}`, { headers: { "cf-connecting-ip": "2.2.2.2" } })).status).toBe(429);
    expect((await call(`http://other.example/cart-${tag}`)).status).toBe(201);
  });

  it("API_HOSTNAMES reach the API; bad rules are a clear 500", async () => {
    stubOrigin();
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules().json, API_HOSTNAMES: "api.example, edgekv" });
    const res = await call("http://edgekv/", { method: "POST", body: '["PING"]', headers: { authorization: "Bearer test-token" } });
    expect(await res.json()).toEqual({ result: "PONG" });
    expect(seen).toEqual([]);
    const bad = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: "{nope" });
    const r = await bad("http://www.example/");
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/not valid JSON/);
    const ns = env.SHARD as unknown as DurableObjectNamespace;
    expect(() => parseRules('{"/x": {"limit": 0, "window": 1000}}', 16, ns)).toThrow(/limit/);
    expect(() => parseRules('{"/x": {"limit": 1, "window": 1000, "key": "cookie"}}', 16, ns)).toThrow(/key/);
    expect(() => parseRules('{"/x": {"limit": 1, "window": 1000, "algorithm": "leaky"}}', 16, ns)).toThrow(/algorithm/);
  });
});
