/**
 * The front door under `npm run serve` (bare workerd): an origin on 127.0.0.1 is reached (the
 * launcher lets the Worker's outbound fetch reach ORIGIN's own address, docs/self-hosting.md
 * "Front door"), requests are proxied as they arrived and rate-limited by RATE_LIMIT_RULES; an
 * origin that does not answer gets 502 from the front door.
 */
import { startServeProcess, stopServeProcess } from "./serve-process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./ports";

const token = "serve-front-door-token";
const rules = JSON.stringify({ "POST /login": { algorithm: "fixed", limit: 2, window: 600_000, key: "global" } });

/** A tiny origin: echoes the method, path and body it got. */
function startOrigin(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-origin": "yes" });
      res.end(JSON.stringify({ method: req.method, url: req.url, body, host: req.headers.host }));
    });
  });
  return new Promise((res) => server.listen(port, "127.0.0.1", () => res(server)));
}

async function withServe(env: NodeJS.ProcessEnv, run: (url: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "edgekv-serve-fd-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  try {
    child = await startServeProcess({ PORT: String(port), EDGEKV_DATA: dataDir, EDGEKV_TOKEN: token, SHARDS: "2", API_HOSTNAMES: "localhost", ...env }, 60_000);
    await run(`http://127.0.0.1:${port}`);
  } finally {
    await stopServeProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("npm run serve as a front door to an origin on 127.0.0.1", () => {
  let origin: Server;
  let originPort: number;

  beforeAll(async () => {
    originPort = await freePort();
    origin = await startOrigin(originPort);
  });
  afterAll(async () => {
    await new Promise((r) => origin.close(r));
  });

  for (const workers of [undefined, "2"]) {
    it(`proxies requests to the origin and rate-limits those the rules match; the API stays on API_HOSTNAMES (WORKERS=${workers ?? "unset"})`, async () => {
      await withServe({ ORIGIN: `http://127.0.0.1:${originPort}`, RATE_LIMIT_RULES: rules, WORKERS: workers }, async (url) => {
        const page = await fetch(`${url}/some/page?q=1`);
        expect(page.status).toBe(200);
        expect(page.headers.get("x-origin")).toBe("yes");
        expect(await page.json()).toMatchObject({ method: "GET", url: "/some/page?q=1" });
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await fetch(`${url}/login`, { method: "POST", body: `attempt ${i}` });
          statuses.push(r.status);
          if (r.status === 200) expect(await r.json()).toMatchObject({ method: "POST", url: "/login", body: `attempt ${i}` });
          else await r.text();
        }
        expect(statuses).toEqual([200, 200, 429]);
        const api = await fetch(url.replace("127.0.0.1", "localhost"), { method: "POST", headers: { authorization: `Bearer ${token}` }, body: '["PING"]' });
        expect(await api.json()).toEqual({ result: "PONG" });
      });
    });
  }

  it("an origin that does not answer gets 502 from the front door, with the rate-limit decision still made", async () => {
    const closed = await freePort();
    await withServe({ ORIGIN: `http://127.0.0.1:${closed}`, RATE_LIMIT_RULES: rules, WORKERS: undefined }, async (url) => {
      const r = await fetch(`${url}/page`);
      expect(r.status).toBe(502);
      expect(await r.text()).toMatch(/origin did not answer/);
      const login = await fetch(`${url}/login`, { method: "POST" });
      expect(login.status).toBe(502);
      expect(login.headers.get("ratelimit-policy") ?? login.headers.get("x-ratelimit-limit")).toBeTruthy();
      await login.text();
    });
  });
});
