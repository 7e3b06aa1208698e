/**
 * The "Global" table (docs/global.md §5, docs/performance.md): what a read replica saves a far
 * client, under a simulated distance (SIMULATED_RTT {"primary":"wnam","local":2,"far":150}:
 * every shard in wnam, a call between regions waits 150 ms, within one 2 ms). The edgekv Worker
 * runs under Miniflare with a replica region `weur` and REGION_HEADER naming each request's
 * region; requests are sequential (one client), so each row is the latency a client sees.
 *
 * Rows (p50 / p99 over the samples):
 * - `near read (wnam, primary)`: GET from the primary's region, the baseline.
 * - `far read, no replica (weur)`: GET from weur without a sync token: strong, the primary
 *   answers (what every read costs without replicas: one far round trip).
 * - `far read, replica (weur)`: GET from weur with the session's token: the weur replica.
 * - `read-your-writes (weur)`: a GET right after the session's SET of that key, with its
 *   token: the replica waits for the push (up to REPLICA_WAIT_MS) or the primary answers.
 *   The SET's own latency is in `write (weur)`.
 *
 * `npm run bench` prints it (`--no-global` skips it); `node bench/global.mjs [--quick]` runs it alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ROOT, bundle, compatibilityDate, compatibilityFlags, wranglerRequire } from "../scripts/serve.mjs";
import { freePort } from "./runtimes.mjs";

export const GLOBAL_RTT = { primary: "wnam", local: 2, far: 150 };
const TOKEN = "bench-token";
const HEADER = "x-edgekv-region";

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
}

async function startEdgekv(script, dataDir) {
  // As bench/miniflare-host.mjs builds its instances (the installed Miniflare takes its v4 options converted).
  const { Miniflare, convertV4MiniflareOptions } = wranglerRequire("miniflare");
  const options = convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: await freePort(),
    modules: true,
    compatibilityDate: compatibilityDate(),
    compatibilityFlags: compatibilityFlags(),
    name: "edgekv",
    modulesRoot: dirname(script),
    scriptPath: script,
    bindings: {
      EDGEKV_TOKEN: TOKEN,
      SHARDS: "16",
      REPLICA_REGIONS: "weur",
      REGION_HEADER: HEADER,
      SIMULATED_RTT: JSON.stringify(GLOBAL_RTT),
    },
    durableObjects: {
      SHARD: { className: "Shard", useSQLite: true },
      COORDINATOR: { className: "Coordinator", useSQLite: true },
      REPLICA: { className: "Replica", useSQLite: true },
    },
  });
  const mf = new Miniflare({ ...options, resourcePersistencePath: join(dataDir, "edgekv"), logRequests: false, unsafeObservability: false, telemetry: { enabled: false } });
  const url = await mf.ready;
  return { url: url.origin, stop: () => mf.dispose() };
}

/** One client session: sends back each response's sync token (when `session`). */
function client(base, region, session) {
  let token = null;
  return async (argv) => {
    const headers = { authorization: `Bearer ${TOKEN}`, [HEADER]: region };
    if (session && token) headers["upstash-sync-token"] = token;
    const t0 = performance.now();
    const res = await fetch(`${base}/`, { method: "POST", body: JSON.stringify(argv), headers });
    const body = await res.json();
    const ms = performance.now() - t0;
    if (session) token = res.headers.get("upstash-sync-token");
    if (body.error) throw new Error(`${argv[0]}: ${body.error}`);
    return { ms, result: body.result };
  };
}

/** The table's rows: { row: { p50_ms, p99_ms, n } }. */
export async function globalFigures({ quick = false, log = () => {}, buildDir } = {}) {
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-global-"));
  const samples = quick ? 12 : 60;
  const script = join(buildDir ?? work, "edgekv.js");
  if (!buildDir) await bundle(join(ROOT, "worker/index.ts"), script);
  const server = await startEdgekv(script, work);
  try {
    const keys = Array.from({ length: 32 }, (_, i) => `global:bench:${i}`);
    const near = client(server.url, "wnam", true);
    for (const k of keys) await near(["SET", k, "v".repeat(100)]);
    const rows = {};
    const time = async (name, n, step) => {
      log(`  global: ${name}`);
      const ms = [];
      for (let i = 0; i < n; i++) ms.push(await step(i));
      rows[name] = { p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99), n };
    };
    await time("near read (wnam, primary)", samples, async (i) => (await near(["GET", keys[i % keys.length]])).ms);
    const strong = client(server.url, "weur", false);
    await time("far read, no replica (weur)", samples, async (i) => (await strong(["GET", keys[i % keys.length]])).ms);
    const far = client(server.url, "weur", true);
    await far(["GET", keys[0]]); // the session's first token (from the primary)
    await new Promise((r) => setTimeout(r, 2 * GLOBAL_RTT.far)); // the replica caught up
    await time("far read, replica (weur)", samples, async (i) => (await far(["GET", keys[i % keys.length]])).ms);
    const writes = [];
    await time("read-your-writes (weur)", samples, async (i) => {
      const k = keys[i % keys.length];
      writes.push((await far(["SET", k, `w${i}`])).ms);
      const r = await far(["GET", k]);
      if (r.result !== `w${i}`) throw new Error(`read-your-writes: ${k} answered ${r.result}, not w${i}`);
      return r.ms;
    });
    rows["write (weur)"] = { p50_ms: percentile(writes, 50), p99_ms: percentile(writes, 99), n: writes.length };
    return { rtt: GLOBAL_RTT, rows };
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export function printGlobal(figures) {
  const { rtt, rows } = figures;
  console.log(`\nGlobal (read replicas; SIMULATED_RTT primary ${rtt.primary}, local ${rtt.local} ms, far ${rtt.far} ms; one client, sequential)`);
  const width = Math.max(...Object.keys(rows).map((r) => r.length));
  console.log(["row".padEnd(width), "p50 ms".padStart(8), "p99 ms".padStart(8), "n".padStart(4)].join(" "));
  for (const [name, r] of Object.entries(rows)) {
    console.log([name.padEnd(width), (r.p50_ms?.toFixed(1) ?? "-").padStart(8), (r.p99_ms?.toFixed(1) ?? "-").padStart(8), String(r.n).padStart(4)].join(" "));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  globalFigures({ quick: values.quick, log: (...a) => console.error(...a) })
    .then(printGlobal)
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
