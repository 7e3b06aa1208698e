/**
 * End to end: the real local server (`npm start`, i.e. wrangler dev) as a front door to a
 * local origin. Rules and origin come from configuration (--var); admitted requests reach
 * the origin unchanged, refused ones get 429, whatever the spelling of the path or host; a
 * client's own CF-Connecting-IP is not trusted; the API keeps answering on its own host name,
 * and its rate-limit commands stay exact under concurrency.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";

const token = "front-door-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-front-door-"));
let server: LocalServer;
let origin: http.Server;
let port = 0;
const seen: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];

const RULES = {
  "/api/*": { algorithm: "fixed", limit: 3, window: 3_600_000, key: "ip" },
  "POST /login": { algorithm: "sliding", limit: 1, window: 3_600_000, key: "header:x-user" },
  "admin.site.test/*": { algorithm: "fixed", limit: 1, window: 3_600_000, key: "global" },
  "/*": { algorithm: "fixed", limit: 1000, window: 3_600_000, key: "global" },
};

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      res.writeHead(200, { "content-type": "text/plain", "x-origin": "local" });
      res.end(`origin: ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  const originPort = (origin.address() as AddressInfo).port;
  port = await freePort();
  server = await startLocalServer({
    port,
    persistDir,
    token,
    extraArgs: [
      "--var",
      `ORIGIN:http://127.0.0.1:${originPort}`,
      "--var",
      "API_HOSTNAMES:127.0.0.1",
      "--var",
      `RATE_LIMIT_RULES:${JSON.stringify(RULES)}`,
    ],
  });
});

afterAll(async () => {
  await server?.stop();
  await new Promise((r) => origin?.close(r));
  rmSync(persistDir, { recursive: true, force: true });
});

/** A request to the server under a website's host name (the front door). */
function site(path: string, o: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: o.method ?? "GET", headers: { host: o.host ?? "www.site.test", ...o.headers } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

function api(argv: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
  return fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(argv) }).then(
    (r) => r.json() as Promise<{ result?: unknown; error?: string }>,
  );
}

describe("front door in front of a local origin", () => {
  it("admitted requests are proxied unchanged with RateLimit headers; over the limit, 429", async () => {
    const ip = { "cf-connecting-ip": "203.0.113.9", "x-custom": "kept" };
    for (let i = 2; i >= 0; i--) {
      const res = await site("/api/items?page=2", { headers: ip });
      expect(res.status).toBe(200);
      expect(res.body).toBe("origin: GET /api/items?page=2");
      expect(res.headers["x-origin"]).toBe("local");
      expect(res.headers["x-ratelimit-remaining"]).toBe(String(i));
      expect(res.headers["ratelimit-policy"]).toBe('"edge";q=3;w=3600');
    }
    const refused = await site("/api/items?page=2", { headers: ip });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(seen.filter((s) => s.url === "/api/items?page=2").length).toBe(3);
    expect(seen[0]!.headers["x-custom"]).toBe("kept");
    // A CF-Connecting-IP sent by the client is its own claim under wrangler dev (npm start
    // trusts no header): it does not make another client.
    expect((await site("/api/items", { headers: { "cf-connecting-ip": "198.51.100.4" } })).status).toBe(429);
    expect((await site("/api/items", { headers: { "x-real-ip": "198.51.100.5" } })).status).toBe(429);
  });

  it("at its limit, no spelling of POST /login or of the admin host reaches the origin", async () => {
    const post = (path: string) => site(path, { method: "POST", headers: { "x-user": "mallory" }, body: "pw" });
    expect((await post("/login")).status).toBe(200);
    const before = seen.length;
    for (const path of ["/login", "/login/", "//login", "/LOGIN", "/Login", "/%6cogin", "/a/../login", "/x%2F..%2Flogin", "/login;x=1"]) {
      expect((await post(path)).status, path).toBe(429);
    }
    expect((await site("/panel", { host: "admin.site.test" })).status).toBe(200);
    for (const host of ["admin.site.test.", "admin.site.test:8080", "ADMIN.site.test"]) {
      expect((await site("/panel", { host })).status, host).toBe(429);
    }
    expect(seen.length).toBe(before + 1);
  });

  it("bodies and methods pass through; rules by method and header", async () => {
    const login = (user: string) => site("/login", { method: "POST", headers: { "x-user": user, "content-type": "text/plain" }, body: `user=${user}` });
    const first = await login("alice");
    expect(first.status).toBe(200);
    expect(first.body).toBe("origin: POST /login");
    expect(seen.at(-1)!.body).toBe("user=alice");
    expect((await login("alice")).status).toBe(429);
    expect((await login("bob")).status).toBe(200);
    const free = await site("/about", { method: "PUT", body: "x" });
    expect(free.status).toBe(200);
    // Only the catch-all matches: its headers.
    expect(free.headers["x-ratelimit-limit"]).toBe("1000");
    // The login rule is the one closest to refusing: its headers, not the catch-all's.
    expect((await login("carol")).headers["x-ratelimit-limit"]).toBe("1");
  });

  it("the API keeps answering on its host name, and its decisions are exact under concurrency", async () => {
    expect(await api(["PING"])).toEqual({ result: "PONG" });
    const key = `e2e:rl:${Date.now()}`;
    const replies = await Promise.all(Array.from({ length: 200 }, () => api(["RL.SLIDING", key, 50, 3_600_000])));
    expect(replies.filter((r) => (r.result as number[])[0] === 0).length).toBe(50);
    const lock = await api(["LOCK.ACQUIRE", `e2e:lock:${Date.now()}`, "me", 10_000]);
    expect(typeof lock.result).toBe("number");
  });
});
