/**
 * What scripts/serve.mjs gives each workerd process: WORKERS (1 when unset) and, with several
 * processes, the same settings in every process's config as in the single process's
 * (docs/self-hosting.md "Configuration").
 */
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the launcher, without types
import { edgekvBindings, outboundAllow, workerdConfig, workersSetting } from "../../scripts/serve.mjs";
// @ts-expect-error: a plain ES module of the launcher, without types
import { processConfig } from "../../scripts/serve/cluster.mjs";

const saved = { ...process.env };
afterEach(() => {
  for (const name of ["WORKERS", "KEY_CACHE_BYTES", "MAXMEMORY", "REPLICA_REGIONS", "ORIGIN", "OUTBOUND_ALLOW"]) {
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

  it("lets the Worker's fetch reach public addresses, ORIGIN's own IP and OUTBOUND_ALLOW, nothing else", () => {
    process.env.ORIGIN = "";
    process.env.OUTBOUND_ALLOW = "";
    expect(outboundAllow()).toEqual(["public"]);
    process.env.ORIGIN = "http://127.0.0.1:3000";
    expect(outboundAllow()).toEqual(["public", "127.0.0.1/32"]);
    process.env.ORIGIN = "http://[::1]:3000/";
    expect(outboundAllow()).toEqual(["public", "::1/128"]);
    process.env.ORIGIN = "http://localhost:3000";
    expect(outboundAllow()).toEqual(["public", "127.0.0.1/32", "::1/128"]);
    process.env.ORIGIN = "https://origin.example.com";
    expect(outboundAllow()).toEqual(["public"]);
    process.env.OUTBOUND_ALLOW = "10.0.0.0/8, 192.168.1.20,private,fd00::/8";
    expect(outboundAllow()).toEqual(["public", "10.0.0.0/8", "192.168.1.20/32", "private", "fd00::/8"]);
    process.env.OUTBOUND_ALLOW = "everything";
    expect(() => outboundAllow()).toThrow(/OUTBOUND_ALLOW: "everything" is not/);
  });

  it("writes the allowed addresses into every process's config (one process or several), and none without them", () => {
    const allow = ["public", "127.0.0.1/32"];
    const service = '(name = "internet", network = (allow = ["public", "127.0.0.1/32"], tlsOptions = (trustBrowserCas = true)))';
    const worker = { name: "edgekv", module: "edgekv.js", address: "127.0.0.1:8787", bindings: [], durableObjects: ["Shard"] };
    expect(workerdConfig({ dataDir: "/data", workers: [worker], outbound: allow })).toContain(service);
    expect(workerdConfig({ dataDir: "/data", workers: [worker] })).not.toContain('"internet"');
    for (let self = 0; self < 2; self++) {
      expect(processConfig({ self, processes: 2, dataDir: "/data", module: "m.js", address: "127.0.0.1:8787", runDir: "/run", bindings: [], outbound: allow })).toContain(service);
    }
  });
});
