/**
 * The rate-limit leases table (docs/global.md §4, docs/rate-limiting.md "Lease mode"): front-door
 * decision latency from the primary's region and from a far one, `RATE_LIMIT_MODE=exact`
 * beside `lease`, under `SIMULATED_RTT` {"primary":"wnam","local":2,"far":150}; the fraction of
 * decisions that waited a far round trip; and the early-refusal figure: how much of a window's
 * limit lease mode leaves unadmitted when demand moves from three regions to one.
 * `npm run bench` prints it (`--no-leases` skips it); `node bench/leases.mjs [--quick]` runs it
 * alone.
 *
 * Each mode is its own bare workerd (one process, 16 shards, throwaway data) in front of a
 * local origin (a Node server answering 200); requests name their region with the
 * `x-region` header (REGION_HEADER) and go to `localhost` (the front door; the API stays on
 * 127.0.0.1). A closed loop of `connections` clients per cell, each request timed on its own.
 * The decisions that needed a round trip to the key's shard are the shards' RL.LEASE and RL.FIXED
 * calls during the cell (GET /metrics, `edgekv_command_calls_total`) over the decisions made.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, LEASE_BINDING, SINGLE_PROCESS_CLASSES, bundle, edgekvBindings, waitForHttp, workerdBinary, workerdConfig } from "../scripts/serve.mjs";
import { TOKEN, freePort } from "./runtimes.mjs";

export const SIMULATED = { primary: "wnam", local: 2, far: 150 };
const LEASE_REGIONS = ["wnam", "weur", "apac"];
const HOT_LIMIT = 100_000;
const DRAIN_LIMIT = 3_000;
const WINDOW_MS = 3_600_000;
const RULES = {
  "/hot/*": { algorithm: "fixed", limit: HOT_LIMIT, window: WINDOW_MS, key: "global" },
  "/drain/*": { algorithm: "fixed", limit: DRAIN_LIMIT, window: WINDOW_MS, key: "global" },
};

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

/** One bare workerd serving the edgekv Worker with the lease binding and `vars`. */
async function startEdgekv({ work, name, vars }) {
  const port = await freePort();
  const dataDir = join(work, `data-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const saved = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  let bindings;
  try {
    bindings = [...edgekvBindings({ shards: 16, readOnly: false }), LEASE_BINDING];
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const config = workerdConfig({
    dataDir,
    // The origin is on the loopback: let the Worker's fetch reach it.
    outbound: ["public", "127.0.0.1/32"],
    workers: [{ name: "edgekv", module: "edgekv.js", address: `127.0.0.1:${port}`, bindings, durableObjects: SINGLE_PROCESS_CLASSES }],
  });
  const configPath = join(work, `${name}.capnp`);
  writeFileSync(configPath, config);
  const child = spawn(workerdBinary(), ["serve", configPath], { cwd: work, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, EDGEKV_TOKEN: TOKEN } });
  await waitForHttp(`http://127.0.0.1:${port}`, 30_000, child);
  return {
    url: `http://localhost:${port}`,
    api: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * `connections` clients in `region`, each sending requests one after another until `stop(i,
 * status of its last response)` says so; every latency and status.
 */
async function closedLoop(url, region, connections, stop) {
  const samples = [];
  await Promise.all(
    Array.from({ length: connections }, async () => {
      let last = null;
      for (let i = 0; !stop(i, last); i++) {
        const t0 = performance.now();
        const res = await fetch(url, { headers: { "x-region": region } });
        await res.arrayBuffer();
        last = res.status;
        samples.push({ ms: performance.now() - t0, status: res.status });
      }
    }),
  );
  return samples;
}

/** The shards' RL.LEASE plus RL.FIXED calls so far: one per decision that reached a shard. */
async function shardTrips(server) {
  const text = await (await fetch(`${server.api}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  let n = 0;
  for (const m of text.matchAll(/^edgekv_command_calls_total\{command="rl\.(?:lease|fixed)"\} (\d+)/gim)) n += Number(m[1]);
  return n;
}

function summary(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    decisions: samples.length,
    p50_ms: quantile(ms, 0.5),
    p99_ms: quantile(ms, 0.99),
    refused: samples.filter((s) => s.status === 429).length,
    other: samples.filter((s) => s.status !== 200 && s.status !== 429).length,
  };
}

/** The table's figures. */
export async function leaseFigures({ quick = false, connections = 10, log = () => {} } = {}) {
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-leases-"));
  const origin = http.createServer((req, res) => {
    req.resume();
    res.end("ok");
  });
  await new Promise((r) => origin.listen(0, "127.0.0.1", r));
  const servers = {};
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    const common = {
      ORIGIN: `http://127.0.0.1:${origin.address().port}`,
      API_HOSTNAMES: "127.0.0.1",
      RATE_LIMIT_RULES: JSON.stringify(RULES),
      REGION_HEADER: "x-region",
      RATE_LIMIT_LEASE_REGIONS: LEASE_REGIONS.join(","),
      SIMULATED_RTT: JSON.stringify(SIMULATED),
    };
    for (const mode of ["exact", "lease"]) servers[mode] = await startEdgekv({ work, name: mode, vars: { ...common, RATE_LIMIT_MODE: mode } });
    const perConnection = quick ? 8 : 30;
    const rows = [];
    for (const region of ["apac", "wnam"]) {
      for (const mode of ["exact", "lease"]) {
        log(`  leases: ${mode} from ${region}`);
        await closedLoop(`${servers[mode].url}/hot/warm`, region, 2, (i) => i >= 2);
        const trips0 = await shardTrips(servers[mode]);
        const samples = await closedLoop(`${servers[mode].url}/hot/page`, region, connections, (i) => i >= perConnection);
        const trips = (await shardTrips(servers[mode])) - trips0;
        rows.push({ mode, region, ...summary(samples), round_trip_fraction: trips / samples.length });
      }
    }
    // Early refusal: three regions take slices of one window's limit, then only apac asks, until
    // each of its clients has been refused. Exact mode admits the whole limit (by construction,
    // and tested); lease mode leaves out what wnam's and weur's holders still hold.
    const drain = {};
    for (const mode of ["lease"]) {
      log(`  leases: drain, ${mode}`);
      const url = `${servers[mode].url}/drain/page`;
      const trips0 = await shardTrips(servers[mode]);
      const warm = await Promise.all(LEASE_REGIONS.map((r) => closedLoop(url, r, connections, (i) => i >= (quick ? 10 : 25))));
      const last = await closedLoop(url, "apac", connections, (i, status) => status === 429 || i > DRAIN_LIMIT);
      const all = [...warm.flat(), ...last];
      const admitted = all.filter((s) => s.status === 200).length;
      const trips = (await shardTrips(servers[mode])) - trips0;
      drain[mode] = { limit: DRAIN_LIMIT, decisions: all.length, admitted, shortfall: DRAIN_LIMIT - admitted, round_trip_fraction: trips / all.length, other: summary(all).other };
    }
    const cap = Math.floor(DRAIN_LIMIT / (2 * LEASE_REGIONS.length));
    return { simulated: SIMULATED, regions: LEASE_REGIONS, hot_limit: HOT_LIMIT, rows, drain, bound: LEASE_REGIONS.length * cap };
  } finally {
    for (const s of Object.values(servers)) await s.stop();
    origin.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

export function printLeases(f) {
  console.log(
    `\nRate-limit leases (front door, fixed window; SIMULATED_RTT ${JSON.stringify(f.simulated)}; lease regions ${f.regions.join(",")}; limit ${f.hot_limit.toLocaleString("en")} per hour)`,
  );
  const line = (c) => [c[0].padEnd(8), c[1].padEnd(7), ...c.slice(2).map((x, i) => String(x).padStart([10, 8, 8, 12][i] ?? 8))].join(" ");
  console.log(line(["from", "mode", "decisions", "p50 ms", "p99 ms", "round trips"]));
  for (const r of f.rows) {
    console.log(line([r.region, r.mode, r.decisions + (r.other ? "!" : ""), fmt(r.p50_ms, 1), fmt(r.p99_ms, 1), `${fmt(100 * r.round_trip_fraction, 1)}%`]));
  }
  console.log("round trips: decisions that reached the key's shard (RL.LEASE + RL.FIXED calls ÷ decisions). Exact mode admits a window's whole limit.");
  for (const [mode, d] of Object.entries(f.drain)) {
    console.log(
      `  early refusal, ${mode}: ${d.admitted} of ${d.limit} admitted (${d.decisions} decisions) after demand moved from 3 regions to apac (shortfall ${d.shortfall}, ${fmt((100 * d.shortfall) / d.limit, 1)}%; bound ${f.bound}); round trips ${fmt(100 * d.round_trip_fraction, 1)}%${d.other ? `; ${d.other} other statuses` : ""}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, connections: { type: "string", default: "10" } } });
  const f = await leaseFigures({ quick: values.quick, connections: Number(values.connections), log: (...a) => console.error(...a) });
  printLeases(f);
}
