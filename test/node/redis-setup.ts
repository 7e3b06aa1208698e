/**
 * Global setup of the `node` project: starts a throwaway redis-server (Debian's package) on a
 * free loopback port for the reference conformance run, with persistence off. Without
 * redis-server on PATH the reference run is skipped locally and fails under CI (CI=true).
 */
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisPort: number;
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => res(port));
    });
    srv.on("error", rej);
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((res) => {
      const s = net.createConnection({ port, host: "127.0.0.1" }, () => (s.destroy(), res(true)));
      s.on("error", () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

export default async function setup(project: TestProject) {
  const found = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (found.error) {
    if (process.env.CI) throw new Error("redis-server is required under CI for the reference conformance run");
    console.warn("redis-server not found: the reference conformance run is skipped (apt-get install redis-server)");
    project.provide("redisPort", 0);
    return;
  }
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await waitForPort(port, 10_000);
  project.provide("redisPort", port);
  return () => {
    child.kill("SIGTERM");
  };
}
