/**
 * The serving-processes table (docs/self-hosting.md "Cost"): `npm run serve` with WORKERS=1
 * beside WORKERS=2, in one run. `npm run bench` prints it after the main table
 * (`--no-serve-workers` skips it); `node bench/serve-workers.mjs [--quick] [--rounds N]
 * [--duration S] [--connections C]` runs it alone.
 *
 * Each server is scripts/serve.mjs itself (16 shards, its own throwaway data directory), both
 * started before the first cell; the one not being measured is idle. Workloads: `get_hit` (GET
 * of one of 1,000 preloaded keys, spread over every shard) and `set` (SET of one of 10,000
 * keys), from bench/workloads.mjs, by autocannon on loopback. Cells are interleaved (each round,
 * each workload: WORKERS=1 then 2, the order flipped every other round) and the table shows
 * medians over the rounds of req/s and of the CPU milliseconds per request of every process of
 * the server (the launcher and its workerd processes, from /proc). The load generator runs on
 * the same cores: on a machine with few cores it takes a share the processes would otherwise
 * have. Run alone, `--workloads a,b` measures other workloads of bench/workloads.mjs the same way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { cpuOf, startServe } from "./runtimes.mjs";
import { loadSpec, preload } from "./workloads.mjs";

export const SERVE_WORKLOADS = ["get_hit", "set"];
const SETTINGS = [1, 2];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

async function measure(server, workload, duration, connections) {
  const spec = loadSpec(server, "edgekv", workload);
  const cpu0 = cpuOf(server.pids);
  const t0 = performance.now();
  const r = await autocannon({ ...spec, connections, pipelining: 1, duration, timeout: 10 });
  const elapsed = (performance.now() - t0) / 1000;
  const done = r["2xx"] + r.non2xx;
  return { rps: done / elapsed, cpu_ms_per_req: done ? ((cpuOf(server.pids) - cpu0) * 1000) / done : null, non2xx: r.non2xx, errors: r.errors };
}

/** The table's figures: per workload, per WORKERS setting, medians over `rounds`. */
export async function serveWorkersFigures({ rounds, duration, connections, workloads = SERVE_WORKLOADS, log = () => {} }) {
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-serve-"));
  const servers = {};
  try {
    for (const workers of SETTINGS) {
      servers[workers] = await startServe({ dataDir: join(work, `data-${workers}`), workers, shards: 16 });
      await preload(servers[workers], "edgekv");
    }
    const samples = {};
    for (let round = 0; round < rounds; round++) {
      log(`  serve WORKERS: round ${round + 1}/${rounds}`);
      for (const w of workloads) {
        const order = round % 2 === 0 ? SETTINGS : [...SETTINGS].reverse();
        for (const workers of order) {
          if (round === 0) await measure(servers[workers], w, Math.min(0.5, duration), connections);
          ((samples[w] ??= {})[workers] ??= []).push(await measure(servers[workers], w, duration, connections));
        }
      }
    }
    const cells = {};
    for (const w of workloads) {
      cells[w] = {};
      for (const workers of SETTINGS) {
        const s = samples[w][workers];
        cells[w][workers] = {
          rps: median(s.map((x) => x.rps)),
          cpu_ms_per_req: median(s.map((x) => x.cpu_ms_per_req)),
          non2xx: s.reduce((n, x) => n + x.non2xx, 0),
          errors: s.reduce((n, x) => n + x.errors, 0),
          rounds: s,
        };
      }
    }
    return { rounds, duration, connections, cores: os.availableParallelism(), cells };
  } finally {
    for (const s of Object.values(servers)) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

/** Prints the table and its target line. */
export function printServeWorkers(f) {
  console.log(
    `\nnpm run serve, WORKERS=1 vs WORKERS=2 (16 shards, ${f.connections} connections, ${f.rounds} round(s) × ${f.duration} s, medians; ${f.cores} cores shared with the load generator)`,
  );
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(10) : String(c).padStart(13))).join(" ");
  console.log(line(["workload", "W=1 req/s", "W=1 CPU ms", "W=2 req/s", "W=2 CPU ms", "req/s ×", "CPU/req ×"]));
  for (const [w, c] of Object.entries(f.cells)) {
    const [one, two] = [c[1], c[2]];
    const flag = (x) => (x.non2xx || x.errors ? "!" : "");
    console.log(
      line([
        w,
        fmt(one.rps) + flag(one),
        fmt(one.cpu_ms_per_req, 3),
        fmt(two.rps) + flag(two),
        fmt(two.cpu_ms_per_req, 3),
        fmt(two.rps / one.rps, 2),
        fmt(two.cpu_ms_per_req / one.cpu_ms_per_req, 2),
      ]),
    );
  }
  const ratio = f.cells.get_hit ? f.cells.get_hit[2].rps / f.cells.get_hit[1].rps : null;
  console.log(`  ${ratio === null ? "n/a " : ratio >= 1.6 ? "met " : "MISS"} serve GET req/s, WORKERS=2 ÷ WORKERS=1: ${fmt(ratio, 2)} (target ≥ 1.6)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      duration: { type: "string" },
      connections: { type: "string", default: "10" },
      workloads: { type: "string" },
    },
  });
  const f = await serveWorkersFigures({
    rounds: Number(values.rounds ?? (values.quick ? 1 : 5)),
    duration: Number(values.duration ?? (values.quick ? 0.5 : 2)),
    connections: Number(values.connections),
    workloads: values.workloads ? values.workloads.split(",") : SERVE_WORKLOADS,
    log: (...a) => console.error(...a),
  });
  printServeWorkers(f);
}
