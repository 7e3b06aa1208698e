/**
 * Front-door mode through the product Worker's app, with the origin replaced by a recording
 * fetch: rules from configuration, proxying unchanged, 429s, the API on its own host, and
 * nothing different when ORIGIN is not configured; no spelling of a request escapes its
 * rule; which header is trusted for the client's IP.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../index";
import type { Env } from "../env";
import { parseRules } from "./front-door";
import { isolateCounters } from "../metrics/isolate";

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

/** Request options as Cloudflare's edge delivers a request: with `request.cf` and the client's IP. */
function viaCloudflare(ip: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), "cf-connecting-ip": ip }, cf: { colo: "AMS" } } as RequestInit;
}

const statusOf = async (res: Response | Promise<Response>) => (await res).status;

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
      const res = await call(`http://www.example/limited-${tag}/page?q=1`, viaCloudflare("203.0.113.5", { headers: { cookie: "a=b" } }));
      expect(res.status).toBe(201);
      expect(await res.text()).toBe(`origin says hi to /base/limited-${tag}/page`);
      expect(res.headers.get("x-origin")).toBe("yes");
      expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(i));
      expect(res.headers.get("RateLimit-Policy")).toBe('"edge";q=2;w=3600');
    }
    const refused = await call(`http://www.example/limited-${tag}/page`, viaCloudflare("203.0.113.5"));
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
    expect((await call(`http://shop.example/cart-${tag}`, viaCloudflare("1.1.1.1"))).status).toBe(201);
    expect((await call(`http://shop.example/cart-${tag}`, viaCloudflare("2.2.2.2"))).status).toBe(429);
    expect((await call(`http://other.example/cart-${tag}`)).status).toBe(201);
  });

  it("API_HOSTNAMES reach the API; bad rules are a clear 500", async () => {
    stubOrigin();
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules().json, API_HOSTNAMES: "api.example, edgekv" });
    const res = await call("http://edgekv/", { method: "POST", body: '["PING"]', headers: { authorization: "Bearer test-token" } });
    expect(await res.json()).toEqual({ result: "PONG" });
    // The API host in any spelling (case, trailing dot, port).
    const dotted = await call("http://EDGEKV.:8080/", { method: "POST", body: '["PING"]', headers: { authorization: "Bearer test-token" } });
    expect(await dotted.json()).toEqual({ result: "PONG" });
    expect(seen).toEqual([]);
    const bad = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: "{nope" });
    const r = await bad("http://www.example/");
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/not valid JSON/);
    const ns = env.SHARD as unknown as DurableObjectNamespace;
    expect(() => parseRules('{"/x": {"limit": 0, "window": 1000}}', 16, ns)).toThrow(/limit/);
    expect(() => parseRules('{"/x": {"limit": 1, "window": 1000, "key": "cookie"}}', 16, ns)).toThrow(/key/);
    expect(() => parseRules('{"/x": {"limit": 1, "window": 1000, "algorithm": "leaky"}}', 16, ns)).toThrow(/algorithm/);
    expect(() => parseRules('{"admin.example:8080/*": {"limit": 1, "window": 1000}}', 16, ns)).toThrow(/port/);
    const badHeader = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: rules().json, CLIENT_IP_HEADER: "x real ip" });
    const h = await badHeader("http://www.example/");
    expect(h.status).toBe(500);
    expect(await h.text()).toMatch(/CLIENT_IP_HEADER/);
  });
});

describe("front door: no spelling of a request escapes its rule", () => {
  it("POST /login at its limit: every spelling of /login is refused, none reaches the origin", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({
      [`POST /login-${tag}`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" },
      "/*": { algorithm: "fixed", limit: 1000, window: 3_600_000, key: "global" },
    });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    const post = (path: string, headers: Record<string, string> = {}) => statusOf(call(`http://www.example${path}`, { method: "POST", body: "pw", headers }));
    expect(await post(`/login-${tag}`)).toBe(201);
    const spellings = [
      `/login-${tag}/`,
      `//login-${tag}`,
      `/LOGIN-${tag.toUpperCase()}`,
      `/Login-${tag}`,
      `/%6cogin-${tag}`,
      `/%6C%6F%67%69%6E-${tag}`,
      `/a/../login-${tag}`,
      `/a/%2e%2e/login-${tag}`,
      `/./login-${tag}//`,
      `/x%2F..%2Flogin-${tag}`,
      `/x%5c..%5clogin-${tag}`,
      `/login-${tag};jsessionid=1`,
      `/login-${tag}?next=/`,
    ];
    for (const path of spellings) expect(await post(path), path).toBe(429);
    expect(await post(`/other`, { "x-http-method-override": "GET" })).toBe(201);
    // A GET or PUT of /login is another rule's business, unless it is overridden to POST.
    expect(await statusOf(call(`http://www.example/login-${tag}`))).toBe(201);
    expect(await statusOf(call(`http://www.example/login-${tag}`, { method: "PUT", headers: { "x-http-method-override": "POST" } }))).toBe(429);
    expect(await statusOf(call(`http://www.example/login-${tag}?_method=POST`, { method: "PUT" }))).toBe(429);
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual([`/login-${tag}`, "/other", `/login-${tag}`]);
  });

  it("an encoded slash stays a character: /login-x%2Fy is not /login-x/y (and no rule is looser for it)", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({ [`/files-${tag}/*`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" } });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    expect(await statusOf(call(`http://www.example/files-${tag}/a`))).toBe(201);
    // Under the rule both ways of reading it: as one segment and as a decoding server reads it.
    expect(await statusOf(call(`http://www.example/files-${tag}/a%2Fb`))).toBe(429);
    expect(await statusOf(call(`http://www.example/files-${tag}%2Fa`))).toBe(429);
    // Not resolved past the rule's prefix by a dot segment made of encoded slashes.
    expect(await statusOf(call(`http://www.example/files-${tag}/..%2F..%2Fx`))).toBe(429);
    // Forwarded as it arrived, never decoded.
    stubOrigin();
    const free = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: "{}" });
    await free(`http://www.example/A%2Fb/%6Cx//y/`);
    expect(seen[0]!.url).toBe("https://origin.example/A%2Fb/%6Cx//y/");
  });

  it("a host rule holds for the host's case, trailing dot and any port", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({ [`admin-${tag}.example/*`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" } });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    expect(await statusOf(call(`http://admin-${tag}.example/`))).toBe(201);
    for (const host of [`admin-${tag}.example.`, `admin-${tag}.example:8080`, `admin-${tag}.example.:443`, `ADMIN-${tag}.Example`]) {
      expect(await statusOf(call(`http://${host}/panel`)), host).toBe(429);
    }
    expect(await statusOf(call(`http://www-${tag}.example/panel`))).toBe(201);
  });

  it("GET rules hold for HEAD; a route key is the canonical route", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({
      [`GET /search-${tag}`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" },
      [`/r-${tag}/*`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "route" },
    });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    expect(await statusOf(call(`http://www.example/search-${tag}`))).toBe(201);
    expect(await statusOf(call(`http://www.example/search-${tag}`, { method: "HEAD" }))).toBe(429);
    expect(await statusOf(call(`http://www.example/r-${tag}/a`))).toBe(201);
    expect(await statusOf(call(`http://www.example/R-${tag}/A/`))).toBe(429);
    expect(await statusOf(call(`http://www.example/r-${tag}/b`))).toBe(201);
  });

  it("every matching rule applies, whatever their order: a broad rule listed first does not hide a strict one", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify([
      { pattern: `/app-${tag}/*`, algorithm: "fixed", limit: 3, window: 3_600_000, key: "global" },
      { pattern: `POST /app-${tag}/login`, algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" },
    ]);
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    const login = () => call(`http://www.example/app-${tag}/login`, { method: "POST" });
    const first = await login();
    expect(first.status).toBe(201);
    // The headers are those of the rule closest to refusing.
    expect(first.headers.get("X-RateLimit-Limit")).toBe("1");
    expect(first.headers.get("X-RateLimit-Remaining")).toBe("0");
    const second = await login();
    expect(second.status).toBe(429);
    expect(second.headers.get("X-RateLimit-Limit")).toBe("1");
    // Both requests counted under the broad rule too (3 − 2 = 1 left).
    const page = await call(`http://www.example/app-${tag}/page`);
    expect(page.status).toBe(201);
    expect(page.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect((await call(`http://www.example/app-${tag}/page`)).status).toBe(429);
  });

  it("patterns are folded as requests are: /Login/ and /login are one pattern", async () => {
    stubOrigin();
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({ [`POST /Login-${tag}/`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" } });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    expect(await statusOf(call(`http://www.example/login-${tag}`, { method: "POST" }))).toBe(201);
    expect(await statusOf(call(`http://www.example/LOGIN-${tag}`, { method: "POST" }))).toBe(429);
  });
});

describe("front door: the client's IP", () => {
  function ipRule(vars: Record<string, string> = {}) {
    const tag = `${Date.now()}-${n++}`;
    const json = JSON.stringify({ [`/ip-${tag}`]: { algorithm: "fixed", limit: 1, window: 3_600_000, key: "ip" } });
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json, ...vars });
    return (init: RequestInit) => statusOf(call(`http://www.example/ip-${tag}`, init));
  }

  it("by default CF-Connecting-IP is trusted only on requests through Cloudflare (with request.cf)", async () => {
    stubOrigin();
    const edge = ipRule();
    expect(await edge(viaCloudflare("203.0.113.1"))).toBe(201);
    expect(await edge(viaCloudflare("203.0.113.1"))).toBe(429);
    expect(await edge(viaCloudflare("203.0.113.2"))).toBe(201);
    // Without request.cf (bare workerd; wrangler dev fakes one, hence npm start's
    // CLIENT_IP_HEADER=none) a client's CF-Connecting-IP or X-Real-IP is its own claim: one
    // shared bucket.
    const local = ipRule();
    expect(await local({ headers: { "cf-connecting-ip": "198.51.100.1" } })).toBe(201);
    expect(await local({ headers: { "cf-connecting-ip": "198.51.100.2" } })).toBe(429);
    expect(await local({ headers: { "x-real-ip": "198.51.100.3" } })).toBe(429);
    expect(await local({})).toBe(429);
  });

  it("CLIENT_IP_HEADER=none trusts no header, even through Cloudflare", async () => {
    stubOrigin();
    const none = ipRule({ CLIENT_IP_HEADER: "none" });
    expect(await none(viaCloudflare("203.0.113.1"))).toBe(201);
    expect(await none(viaCloudflare("203.0.113.2"))).toBe(429);
  });

  it("CLIENT_IP_HEADER names the one trusted header (a proxy you run); CF-Connecting-IP is then ignored", async () => {
    stubOrigin();
    const proxied = ipRule({ CLIENT_IP_HEADER: "X-Real-IP" });
    expect(await proxied({ headers: { "x-real-ip": "192.0.2.1", "cf-connecting-ip": "1.1.1.1" } })).toBe(201);
    expect(await proxied({ headers: { "x-real-ip": "192.0.2.1", "cf-connecting-ip": "2.2.2.2" } })).toBe(429);
    expect(await proxied(viaCloudflare("3.3.3.3", { headers: { "x-real-ip": "192.0.2.1" } }))).toBe(429);
    expect(await proxied({ headers: { "x-real-ip": "2001:DB8::1" } })).toBe(201);
    expect(await proxied({ headers: { "x-real-ip": "2001:db8::1" } })).toBe(429);
    // A value that is not an IP is no client of its own.
    expect(await proxied({ headers: { "x-real-ip": "not-an-ip" } })).toBe(201);
    expect(await proxied({ headers: { "x-real-ip": "also-not" } })).toBe(429);
  });

  it("counts each rule's decisions for GET /metrics (this isolate's counters)", async () => {
    stubOrigin();
    const { json, tag } = rules();
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    const rule = `/limited-${tag}/*`;
    for (let i = 0; i < 3; i++) await call(`https://site.example/limited-${tag}/x`, viaCloudflare("203.0.113.9"));
    expect(isolateCounters.get("edgekv_front_door_decisions_total", { rule, decision: "admitted" })).toBe(2);
    expect(isolateCounters.get("edgekv_front_door_decisions_total", { rule, decision: "refused" })).toBe(1);
  });

  it("an origin that cannot be reached is answered 502 (counted), with the rule's headers; an origin's own 5xx passes as it is", async () => {
    const { json, tag } = rules();
    const call = worker({ ORIGIN: "https://origin.example", RATE_LIMIT_RULES: json });
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
    const before = isolateCounters.get("edgekv_front_door_origin_errors_total");
    const down = await call(`https://site.example/limited-${tag}/x`, viaCloudflare("203.0.113.10"));
    expect(down.status).toBe(502);
    expect(await down.text()).toBe("Bad Gateway: the origin did not answer\n");
    expect(down.headers.get("x-ratelimit-remaining") ?? down.headers.get("ratelimit")).toBeTruthy();
    expect(await statusOf(call("https://site.example/unmatched"))).toBe(502);
    expect(isolateCounters.get("edgekv_front_door_origin_errors_total")).toBe(before + 2);
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("origin broke", { status: 500 }));
    const broke = await call("https://site.example/unmatched");
    expect([broke.status, await broke.text()]).toEqual([500, "origin broke"]);
  });
});
