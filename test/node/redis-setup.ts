/**
 * Global setup of the `node` project: starts a throwaway redis-server (Debian's package) on a
 * free loopback port for the reference conformance run, with persistence off. Without
 * redis-server on PATH the reference run is skipped locally and fails under CI (CI=true).
 */
import { spawn, spawnSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { freePort, waitForPort } from "./ports";

declare module "vitest" {
  export interface ProvidedContext {
    redisPort: number;
  }
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
  await waitForPort(port, 10_000, "redis-server");
  project.provide("redisPort", port);
  return () => {
    child.kill("SIGTERM");
  };
}
