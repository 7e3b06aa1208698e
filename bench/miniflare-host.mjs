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
import { dirname, join } from "node:path";
import { wranglerRequire } from "../scripts/serve.mjs";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { Miniflare, convertV4MiniflareOptions } = wranglerRequire("miniflare");

/** As wrangler dev builds its user-Worker instance, with `npm start`'s quiet defaults. */
function instance(name, port, worker) {
  const options = convertV4MiniflareOptions({
    host: "127.0.0.1",
    port,
    modules: true,
    compatibilityDate: cfg.compatibilityDate,
    compatibilityFlags: cfg.compatibilityFlags,
    name,
    modulesRoot: dirname(worker.scriptPath),
    ...worker,
  });
  return new Miniflare({
    ...options,
    resourcePersistencePath: join(cfg.dataDir, name),
    logRequests: false,
    unsafeObservability: false,
    telemetry: { enabled: false },
  });
}

const edgekv = instance("edgekv", cfg.edgekvPort, {
  scriptPath: cfg.edgekvScript,
  bindings: cfg.edgekvVars,
  durableObjects: {
    SHARD: { className: "Shard", useSQLite: true },
    COORDINATOR: { className: "Coordinator", useSQLite: true },
    LEASES: { className: "LeaseHolder", useSQLite: true },
    REPLICA: { className: "Replica", useSQLite: true },
  },
});
const bench = instance("bench", cfg.benchPort, {
  scriptPath: cfg.benchScript,
  kvNamespaces: ["KV"],
  d1Databases: ["DB"],
  durableObjects: {
    BARE: { className: "BareStore", useSQLite: true },
    ENGINE: { className: "EngineShard", useSQLite: true },
    SHARD: { className: "LoggedEngineShard", useSQLite: true },
    REPLICA: { className: "Replica", useSQLite: true },
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
