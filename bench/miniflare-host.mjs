/**
 * Runs the edgekv Worker and the benchmark Worker under Miniflare — the runtime `wrangler dev`
 * (`npm start`) runs a Worker in — in their own process, so that the benchmark can measure the
 * CPU time of this process and its workerd children apart from the load generator.
 *
 * Usage: node bench/miniflare-host.mjs <config.json>; prints one JSON line {edgekv, bench} with
 * both URLs when ready, then serves until SIGTERM. Each Worker is reached on its own port
 * directly, not through wrangler's proxy Worker.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { wranglerRequire } from "../scripts/serve.mjs";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { Miniflare } = wranglerRequire("miniflare");

const common = {
  modules: true,
  compatibilityDate: cfg.compatibilityDate,
  host: "127.0.0.1",
  durableObjectsPersist: join(cfg.dataDir, "do"),
  kvPersist: join(cfg.dataDir, "kv"),
  d1Persist: join(cfg.dataDir, "d1"),
  cachePersist: join(cfg.dataDir, "cache"),
};

const edgekv = new Miniflare({
  ...common,
  name: "edgekv",
  scriptPath: cfg.edgekvScript,
  port: cfg.edgekvPort,
  bindings: cfg.edgekvVars,
  durableObjects: { SHARD: { className: "Shard", useSQLite: true } },
});
const bench = new Miniflare({
  ...common,
  name: "bench",
  scriptPath: cfg.benchScript,
  port: cfg.benchPort,
  kvNamespaces: ["KV"],
  d1Databases: ["DB"],
  durableObjects: {
    BARE: { className: "BareStore", useSQLite: true },
    ENGINE: { className: "EngineShard", useSQLite: true },
  },
});

const [edgekvUrl, benchUrl] = await Promise.all([edgekv.ready, bench.ready]);
console.log(JSON.stringify({ edgekv: edgekvUrl.origin, bench: benchUrl.origin }));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([edgekv.dispose(), bench.dispose()]);
    process.exit(0);
  });
}
