/**
 * What scripts/serve.mjs gives each workerd process: WORKERS (1 when unset) and, with several
 * processes, the same settings in every process's config as in the single process's
 * (docs/self-hosting.md "Configuration").
 */
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the launcher, without types
import { edgekvBindings, workersSetting } from "../../scripts/serve.mjs";
// @ts-expect-error: a plain ES module of the launcher, without types
import { processConfig } from "../../scripts/serve/cluster.mjs";

const saved = { ...process.env };
afterEach(() => {
  for (const name of ["WORKERS", "KEY_CACHE_BYTES", "MAXMEMORY", "REPLICA_REGIONS"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("npm run serve's settings", () => {
  it("runs one process unless WORKERS says otherwise", () => {
    delete process.env.WORKERS;
    expect(workersSetting()).toBe(1);
    process.env.WORKERS = "";
    expect(workersSetting()).toBe(1);
    process.env.WORKERS = "3";
    expect(workersSetting()).toBe(3);
    for (const bad of ["0", "-1", "1.5", "two"]) {
      process.env.WORKERS = bad;
      expect(() => workersSetting()).toThrow(/WORKERS must be a positive integer/);
    }
  });

  it("refuses read replicas with several processes, and binds REPLICA only for one", () => {
    process.env.REPLICA_REGIONS = "weur";
    process.env.WORKERS = "2";
    expect(() => workersSetting()).toThrow(/REPLICA_REGIONS needs WORKERS=1/);
    process.env.WORKERS = "1";
    expect(workersSetting()).toBe(1);
    expect(edgekvBindings({ shards: "4", readOnly: false })).toContain('(name = "REPLICA", durableObjectNamespace = "Replica")');
    expect(edgekvBindings({ shards: "4", readOnly: false, replicas: false }).join()).not.toContain("REPLICA\"");
  });

  it("passes the Worker's settings (KEY_CACHE_BYTES, MAXMEMORY, …) to every process", () => {
    process.env.KEY_CACHE_BYTES = "12345";
    process.env.MAXMEMORY = "64mb";
    const bindings: string[] = edgekvBindings({ shards: "4", readOnly: false });
    expect(bindings).toContain('(name = "KEY_CACHE_BYTES", text = "12345")');
    expect(bindings).toContain('(name = "MAXMEMORY", text = "64mb")');
    for (let self = 0; self < 3; self++) {
      const config: string = processConfig({ self, processes: 3, dataDir: "/data", module: "edgekv-cluster.js", address: "127.0.0.1:8787", runDir: "/run", bindings });
      for (const binding of bindings) expect(config).toContain(binding);
      expect(config).toContain(`(name = "SERVE_PROCESS", text = "${self}")`);
    }
  });
});
