/**
 * `npm run bench [-- --quick]`: edgekv beside what a Workers user would pick instead, in one run.
 *
 * For each runtime (bench/runtimes.mjs) it loads the edgekv Worker and the benchmark Worker
 * (bench/worker.ts: bare Durable Object, Workers KV, D1, constant response), then runs every
 * workload (bench/workloads.mjs) against every store with autocannon on loopback, interleaved
 * (for each round, for each workload: edgekv, do, kv, d1 in turn; const once per round) and
 * reports medians over the rounds: req/s, p50, p99, and CPU ms per request of the server
 * processes (from /proc: utime + stime). Then in-shard engine figures, the collection
 * change log's cost (the same rows with REPLICA_REGIONS set, beside them), the collection
 * scaling table and the set algebra table (bench/engine.mjs; the last alone: bench/algebra.mjs),
 * redis-benchmark as the native reference (bench/redis.mjs),
 * and the Pub/Sub table under bare workerd (bench/pubsub.mjs: publish→receive latency, fan-out
 * per hub, a command over /ws vs HTTP, with redis-server beside it) and the queue tables
 * (bench/queues.mjs: BLPOP woken by an LPUSH; XADD and XREADGROUP+XACK on a stream of 1k and
 * 1M entries, in-shard and over HTTP; redis-server beside both), the console key browser table
 * (bench/console.mjs: one page of SCAN then TYPE and PTTL per key, over HTTP, at 10k and 1M
 * keys), and `npm run serve` with
 * WORKERS=1 beside WORKERS=2 (bench/serve-workers.mjs: spread-key GET and SET, req/s and CPU
 * per request), the rate-limit leases table (bench/leases.mjs: front-door decision latency
 * from a far region, exact vs leased, under SIMULATED_RTT; round trips; the early-refusal figure),
 * and the Global table (bench/global.mjs: read latency from a far region without and with a read
 * replica, read-your-writes right after a write, under a simulated distance).
 *
 * Options: --quick (under a minute), --rounds N, --duration S, --connections C,
 * --runtimes workerd,miniflare,wrangler, --workloads a,b,c, --no-engine, --no-log-cost (the change log's cost
 * beside the engine rows), --no-scaling, --no-algebra, --no-redis,
 * --no-pubsub, --no-queues, --no-stream-queue (the stream rows only; they take about 1.5 min of
 * a full run, most of it building the 1M-entry streams), --no-console (the console key browser table; about 70 s of a
 * full run, most of it filling the 1M-key keyspace), --no-serve-workers, --no-leases,
 * --no-global.
 * SHARDS=N in the environment overrides wrangler.toml's shard count for edgekv.
 * Writes bench/results/latest.json (git-ignored). See docs/performance.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { ROOT, bundle, compatibilityDate, workerdBinary } from "../scripts/serve.mjs";
import { spawnSync } from "node:child_process";
import { algebraFigures, engineFigures, logCostFigures, printAlgebra, printLogCost, scalingTable } from "./engine.mjs";
import { printPubsub, pubsubFigures } from "./pubsub.mjs";
import { printQueues, queueFigures } from "./queues.mjs";
import { consoleFigures, printConsole } from "./console.mjs";
import { printServeWorkers, serveWorkersFigures } from "./serve-workers.mjs";
import { leaseFigures, printLeases } from "./leases.mjs";
import { globalFigures, printGlobal } from "./global.mjs";
import { redisAlgebra, redisReference } from "./redis.mjs";
import { cpuOf, startMiniflare, startWorkerd, startWrangler } from "./runtimes.mjs";
import { COMMANDS_PER_REQUEST, EDGEKV_ONLY, FULL_ONLY, RUNTIME_WORKLOADS, WORKLOADS, loadSpec, preflight, preload } from "./workloads.mjs";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string" },
    runtimes: { type: "string" },
    workloads: { type: "string" },
    "no-engine": { type: "boolean", default: false },
    "no-log-cost": { type: "boolean", default: false },
    "no-scaling": { type: "boolean", default: false },
    "no-algebra": { type: "boolean", default: false },
    "no-redis": { type: "boolean", default: false },
    "no-pubsub": { type: "boolean", default: false },
    "no-queues": { type: "boolean", default: false },
    "no-stream-queue": { type: "boolean", default: false },
    "no-console": { type: "boolean", default: false },
    "no-serve-workers": { type: "boolean", default: false },
    "no-leases": { type: "boolean", default: false },
    "no-global": { type: "boolean", default: false },
  },
});

const PRESETS = {
  quick: {
    rounds: 1,
    duration: 0.3,
    connections: 10,
    runtimes: "workerd,miniflare",
    engineRuns: 3000,
    engineRounds: 1,
    logCostRounds: 3,
    levels: [1000, 10000],
    scaleRuns: 200,
    fillBudgetS: 5,
    algebraSize: 10000,
    redisRequests: 3000,
    serveRounds: 1,
    serveDuration: 0.5,
  },
  full: {
    rounds: 3,
    duration: 1.25,
    connections: 10,
    runtimes: "workerd,miniflare,wrangler",
    engineRuns: 30000,
    engineRounds: 3,
    logCostRounds: 5,
    levels: [1000, 100000, 1000000],
    scaleRuns: 1000,
    fillBudgetS: 40,
    algebraSize: 100000,
    redisRequests: 50000,
    serveRounds: 3,
    serveDuration: 2,
  },
};
const preset = PRESETS[flags.quick ? "quick" : "full"];
const opts = {
  ...preset,
  rounds: Number(flags.rounds ?? preset.rounds),
  duration: Number(flags.duration ?? preset.duration),
  connections: Number(flags.connections ?? preset.connections),
  runtimes: (flags.runtimes ?? preset.runtimes).split(","),
  // --workloads "": none (the in-shard tables alone).
  workloads: flags.workloads !== undefined ? flags.workloads.split(",").filter(Boolean) : WORKLOADS.filter((w) => !flags.quick || !FULL_ONLY.has(w)),
};
for (const w of opts.workloads) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}: one of ${WORKLOADS.join(", ")}`);
const STARTERS = { workerd: startWorkerd, miniflare: startMiniflare, wrangler: startWrangler };
const STORE_NAMES = { edgekv: "edgekv", do: "bare DO", kv: "Workers KV", d1: "D1", const: "constant" };

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const log = (...a) => console.error(...a);

/** One cell: for `duration` seconds, or for `amount` requests when requests are too slow for that. */
async function measure(runtime, store, workload, duration, amount) {
  const spec = loadSpec(runtime, store, workload);
  const cpu0 = cpuOf(runtime.pids);
  const t0 = performance.now();
  const bound = amount ? { amount, timeout: 60 } : { duration, timeout: 10 };
  const r = await autocannon({ ...spec, connections: opts.connections, pipelining: 1, ...bound });
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuOf(runtime.pids) - cpu0;
  const done = r["2xx"] + r.non2xx;
  // A closed loop of `connections` clients: with a fixed amount, autocannon's end waits for its
  // next 1-s tick, so the rate comes from the mean latency instead of the wall time.
  const rps = amount ? (opts.connections * 1000) / r.latency.average : done / elapsed;
  return {
    rps,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    cpu_ms_per_req: done ? (cpu * 1000) / done : null,
    requests: done,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

function summarize(samples) {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50_ms: median(samples.map((s) => s.p50_ms)),
    p99_ms: median(samples.map((s) => s.p99_ms)),
    cpu_ms_per_req: median(samples.map((s) => s.cpu_ms_per_req)),
    non2xx: samples.reduce((n, s) => n + s.non2xx, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    rounds: samples,
  };
}

async function benchRuntime(runtime) {
  const result = { stores: runtime.stores, cells: {}, unavailable: {} };
  for (const store of runtime.stores) await preload(runtime, store);
  const live = {};
  const slowest = {};
  const only = RUNTIME_WORKLOADS[runtime.name];
  const workloads = only ? opts.workloads.filter((w) => only.has(w)) : opts.workloads;
  for (const w of workloads) {
    live[w] = [];
    for (const store of runtime.stores) {
      if (EDGEKV_ONLY[w] && store !== "edgekv") continue;
      await preflight(runtime, store, w);
      const probe = await preflight(runtime, store, w);
      if (typeof probe === "string") result.unavailable[`${w}/${store}`] = probe;
      else {
        live[w].push(store);
        slowest[`${w}/${store}`] = probe.ms;
      }
    }
  }
  const samples = {};
  const hasConst = runtime.bench !== null;
  for (let round = 0; round < opts.rounds; round++) {
    log(`  ${runtime.name}: round ${round + 1}/${opts.rounds}`);
    if (hasConst) (samples["const"] ??= []).push(await measure(runtime, "const", "get_hit", opts.duration));
    for (const w of workloads) {
      const order = round % 2 === 0 ? live[w] : [...live[w]].reverse();
      for (const store of order) {
        // Requests that are slow even alone (100 KV calls) would not finish inside a short cell:
        // those cells run a fixed number of requests instead (two per connection; quick: one).
        const slow = (slowest[`${w}/${store}`] / 1000) * opts.connections * 1.5 > opts.duration;
        const amount = slow ? opts.connections * (flags.quick ? 1 : 2) : undefined;
        if (round === 0 && !flags.quick) await measure(runtime, store, w, 0.5, amount && opts.connections);
        ((samples[w] ??= {})[store] ??= []).push(await measure(runtime, store, w, opts.duration, amount));
      }
    }
  }
  const constant = hasConst ? summarize(samples["const"]) : null;
  for (const w of workloads) {
    result.cells[w] = {};
    for (const [store, s] of Object.entries(samples[w] ?? {})) result.cells[w][store] = summarize(s);
    for (const [store, s] of Object.entries(samples[EDGEKV_ONLY[w]] ?? {})) {
      if (store !== "edgekv") result.cells[w][store] = summarize(s);
    }
    if (constant) result.cells[w].const = constant;
  }
  return result;
}

// ---- output ----

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const pad = (s, n) => String(s).padStart(n);

function ratio(cells, store) {
  const a = cells.edgekv?.rps;
  const b = cells[store]?.rps;
  return a && b ? a / b : null;
}

function printMainTable(results) {
  const head = [
    "runtime", "workload", "edgekv req/s", "cmd/s", "p50 ms", "p99 ms", "CPU ms/req",
    "bare DO", "KV", "D1", "const", "÷DO", "÷KV", "÷D1", "÷const",
  ];
  const widths = [9, 14, 12, 8, 7, 7, 10, 14, 14, 14, 7, 5, 5, 5, 6];
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : pad(c, widths[i]))).join(" ");
  const out = [line(head), "-".repeat(widths.reduce((a, b) => a + b + 1, 0))];
  const other = (c) => (!c ? "n/a" : c.rps ? `${fmt(c.rps)} (${fmt(c.cpu_ms_per_req, 2)})` : `0 (${c.errors} err)`);
  for (const [name, r] of Object.entries(results)) {
    for (const w of opts.workloads) {
      if (!r.cells[w]) continue;
      const cells = r.cells[w];
      const e = cells.edgekv;
      out.push(
        line([
          name, w,
          e ? fmt(e.rps) + (e.non2xx || e.errors ? "!" : "") : "n/a",
          e ? fmt(e.rps * (COMMANDS_PER_REQUEST[w] ?? 1)) : "n/a",
          e ? fmt(e.p50_ms, 1) : "", e ? fmt(e.p99_ms, 1) : "", e ? fmt(e.cpu_ms_per_req, 2) : "",
          other(cells.do), other(cells.kv), other(cells.d1), cells.const ? fmt(cells.const.rps) : "n/a",
          fmt(ratio(cells, "do"), 2), fmt(ratio(cells, "kv"), 2), fmt(ratio(cells, "d1"), 2), fmt(ratio(cells, "const"), 2),
        ]),
      );
    }
  }
  console.log(out.join("\n"));
  console.log("bare DO / KV / D1 cells: req/s (CPU ms/req). Ratios: edgekv req/s ÷ that store's req/s, same runtime.");
  console.log("pipe100: 100 commands per request for every store (cmd/s = req/s × 100); KV 'incr' is get+put, not atomic.");
  console.log("rl_*, cl_throttle: one decision per request (req/s = decisions/s); lock_cycle: one acquire + release per request (cycles/s).");
  for (const [name, r] of Object.entries(results)) {
    for (const [cell, why] of Object.entries(r.unavailable)) {
      if (!why.startsWith("no ") && !why.includes("binding")) console.log(`  ${name} ${cell}: n/a (${why})`);
    }
  }
}

/** In-shard targets: µs per command at most (the engine table's best loop). */
const ENGINE_TARGETS_US = { GET: 2, SET: 8, INCR: 8, EVALSHA: 12 };
/** Set algebra targets: ms per command at most. */
const ALGEBRA_TARGETS_MS = { ZUNIONSTORE: 500 };

function targets(results, engine, algebra) {
  const lines = [];
  const check = (label, value, goal) => lines.push(`  ${value !== null && value >= goal ? "met " : value === null ? "n/a " : "MISS"} ${label}: ${fmt(value, 2)} (target ≥ ${goal})`);
  const atMost = (label, value, goal, unit) =>
    lines.push(`  ${value == null ? "n/a " : value <= goal ? "met " : "MISS"} ${label}: ${value == null ? "n/a" : `${fmt(value, 1)} ${unit}`} (target ≤ ${goal} ${unit})`);
  for (const [name, r] of Object.entries(results)) {
    const c = r.cells;
    if (c.get_hit?.do) check(`${name}: GET ÷ bare-DO get`, ratio(c.get_hit, "do"), 0.9);
    if (c.set?.do) check(`${name}: SET ÷ bare-DO put`, ratio(c.set, "do"), 0.8);
    if (c.get_hit?.kv) check(`${name}: GET ÷ KV get`, ratio(c.get_hit, "kv"), 1.2);
    if (c.set?.kv) check(`${name}: SET ÷ KV put`, ratio(c.set, "kv"), 2);
    if (c.get_hit?.d1) check(`${name}: GET ÷ D1 get`, ratio(c.get_hit, "d1"), 1);
    if (c.set?.d1) check(`${name}: SET ÷ D1 put`, ratio(c.set, "d1"), 1);
    const single = c.get_hit?.edgekv?.rps;
    for (const [w, goal] of [["pipe100", 15], ["pipe100_1shard", 50]]) {
      const pipe = c[w]?.edgekv?.rps;
      if (pipe && single) check(`${name}: ${w} cmd/s ÷ GET req/s`, (pipe * 100) / single, goal);
    }
  }
  for (const [command, goal] of Object.entries(ENGINE_TARGETS_US)) {
    const r = engine?.[command];
    if (r) atMost(`in-shard ${command}`, r.commands_per_s ? 1e6 / r.commands_per_s : null, goal, "µs");
  }
  for (const [command, goal] of Object.entries(ALGEBRA_TARGETS_MS)) {
    const r = algebra?.rows?.[command];
    if (r) atMost(`${command} of two ${algebra.size.toLocaleString("en")}-member sets`, r.ms ?? null, goal, "ms");
  }
  return lines;
}

function printEngine(engine) {
  console.log("\nIn-shard engine (no HTTP per command; one commit per loop; best of the rounds): commands/s (µs per command)");
  const cell = (r) => (r.error ? `n/a (${r.error.slice(0, 60)})` : `${fmt(r.commands_per_s)} (${fmt(1e6 / r.commands_per_s, 1)} µs)`);
  const width = Math.max(7, ...Object.keys(engine).map((c) => c.length));
  console.log(Object.entries(engine).map(([c, r]) => `  ${c.padEnd(width)} ${cell(r)}`).join("\n"));
}

function printScaling(scaling, levels) {
  const shared = Object.entries(scaling).filter(([, row]) => !row.own_levels);
  printScalingRows(`Collection scaling (µs per command, one collection of N elements, best of the rounds; ratio ${levels.at(-1)} ÷ ${levels[0]})`, shared, levels);
  // Entries with levels of their own (bitmaps: sizes in bits), one block per set of levels.
  const own = Object.entries(scaling).filter(([, row]) => row.own_levels);
  for (const key of new Set(own.map(([, row]) => JSON.stringify([row.own_levels, row.unit])))) {
    const rows = own.filter(([, row]) => JSON.stringify([row.own_levels, row.unit]) === key);
    const [ls, unit] = JSON.parse(key);
    printScalingRows(`Scaling in ${unit} (µs per command, one value of N ${unit}; ratio ${ls.at(-1)} ÷ ${ls[0]})`, rows, ls);
  }
}

function printScalingRows(title, rows, levels) {
  if (rows.length === 0) return;
  console.log(`\n${title}`);
  const width = Math.max(12, ...rows.map(([op]) => op.length));
  console.log(["command".padEnd(width), ...levels.map((l) => pad(l, 10)), pad("ratio", 7)].join(" "));
  for (const [op, row] of rows) {
    const cells = levels.map((l) => {
      const c = row.levels[l];
      return pad(c ? (c.error ? "n/a" : fmt(c.us_per_op, 1)) : "-", 10);
    });
    const note = row.stopped ? `  (${row.stopped.slice(0, 80)})` : Object.values(row.levels).find((c) => c.error)?.error.slice(0, 70) ?? "";
    console.log([op.padEnd(width), ...cells, pad(fmt(row.ratio, 2), 7)].join(" ") + (note ? `  ${note.trim()}` : ""));
  }
}

function printRedis(rows, connections) {
  console.log(`\nredis-server (native RESP, redis-benchmark, ${connections} connections, same machine)`);
  console.log(["workload".padEnd(22), pad("cmd/s", 9), pad("p50 ms", 7), pad("p99 ms", 7), pad("CPU ms/cmd", 10)].join(" "));
  for (const r of rows) {
    console.log([r.workload.padEnd(22), pad(fmt(r.commands_per_s), 9), pad(fmt(r.p50_ms, 2), 7), pad(fmt(r.p99_ms, 2), 7), pad(fmt(r.cpu_ms_per_command, 4), 10)].join(" "));
  }
}

function machine() {
  const cpus = os.cpus();
  const workerd = spawnSync(workerdBinary(), ["--version"], { encoding: "utf8" }).stdout.trim();
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, os: `${os.type()} ${os.release()}`, node: process.version, workerd, load };
}

async function main() {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0].toFixed(1);
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-"));
  const results = {};
  let engine = null;
  let logCost = null;
  let scaling = null;
  let algebra = null;
  try {
    log(`edgekv bench (${flags.quick ? "quick" : "full"}): ${opts.rounds} round(s) × ${opts.duration} s, ${opts.connections} connections, runtimes ${opts.runtimes.join(", ")}`);
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
    for (const name of opts.runtimes) {
      const dataDir = join(work, `data-${name}`);
      mkdirSync(dataDir, { recursive: true });
      log(`starting ${name}`);
      let runtime;
      try {
        runtime = await STARTERS[name]({ buildDir: work, dataDir });
      } catch (e) {
        log(`  ${name} did not start: ${e instanceof Error ? e.message : e}`);
        results[name] = { stores: [], cells: {}, unavailable: { start: String(e) } };
        continue;
      }
      try {
        results[name] = await benchRuntime(runtime);
        if (runtime.bench && !engine && !flags["no-engine"]) {
          log("  engine figures");
          engine = await engineFigures(runtime.bench, { runs: opts.engineRuns, rounds: opts.engineRounds });
        }
        if (runtime.bench && !logCost && !flags["no-engine"] && !flags["no-log-cost"]) {
          log("  change log cost");
          logCost = await logCostFigures(runtime.bench, { runs: opts.engineRuns, rounds: opts.logCostRounds, pids: runtime.pids });
        }
        if (runtime.bench && !scaling && !flags["no-scaling"]) {
          log("  scaling table");
          scaling = await scalingTable(runtime.bench, {
            levels: opts.levels,
            runs: opts.scaleRuns,
            rounds: opts.engineRounds,
            fillBudgetS: opts.fillBudgetS,
          });
        }
        if (runtime.bench && !algebra && !flags["no-algebra"]) {
          log("  algebra table");
          algebra = await algebraFigures(runtime.bench, { size: opts.algebraSize, rounds: opts.engineRounds, pids: runtime.pids });
        }
      } finally {
        await runtime.stop();
      }
    }
    const redis = flags["no-redis"] ? null : await redisReference({ requests: opts.redisRequests, connections: opts.connections });
    const redisBulk = flags["no-redis"] || !algebra ? null : await redisAlgebra({ size: opts.algebraSize });
    const pubsub = flags["no-pubsub"] ? null : await pubsubFigures({ buildDir: work, workDir: work, quick: flags.quick, redis: !flags["no-redis"] });
    const queues = flags["no-queues"] ? null : await queueFigures({ buildDir: work, workDir: work, quick: flags.quick, redis: !flags["no-redis"], stream: !flags["no-stream-queue"] });
    const consoleTable = flags["no-console"] ? null : await consoleFigures({ buildDir: work, workDir: work, quick: flags.quick });
    const serveWorkers = flags["no-serve-workers"]
      ? null
      : await serveWorkersFigures({ rounds: opts.serveRounds, duration: opts.serveDuration, connections: opts.connections, log });
    const leases = flags["no-leases"] ? null : await leaseFigures({ quick: flags.quick, connections: opts.connections, log });
    const globalTable = flags["no-global"] ? null : await globalFigures({ quick: flags.quick, log, buildDir: work });

    console.log(`\nedgekv bench, ${new Date().toISOString()}, ${flags.quick ? "--quick" : "full"}: ${opts.rounds} round(s) × ${opts.duration} s per cell, ${opts.connections} connections, medians`);
    printMainTable(results);
    console.log("\nTargets (edgekv req/s ÷ alternative req/s, same runtime; in-shard and set algebra from their tables below):");
    const targetLines = targets(results, engine, algebra);
    console.log(targetLines.join("\n"));
    if (serveWorkers) printServeWorkers(serveWorkers);
    if (leases) printLeases(leases);
    if (engine) printEngine(engine);
    if (logCost) printLogCost(logCost);
    if (scaling) printScaling(scaling, opts.levels);
    if (algebra) printAlgebra(algebra, redisBulk);
    if (redis) printRedis(redis, opts.connections);
    if (pubsub) printPubsub(pubsub);
    if (queues) printQueues(queues);
    if (consoleTable) printConsole(consoleTable);
    if (globalTable) printGlobal(globalTable);
    const seconds = (Date.now() - started) / 1000;
    console.log(`\n${seconds.toFixed(0)} s; 1-min load average at start ${loadAtStart}; machine: ${JSON.stringify(machine())}`);

    const json = {
      date: new Date().toISOString(),
      mode: flags.quick ? "quick" : "full",
      machine: { ...machine(), load_at_start: loadAtStart },
      compatibility_date: compatibilityDate(),
      options: opts,
      stores: STORE_NAMES,
      runtimes: results,
      targets: targetLines.map((l) => l.trim()),
      engine,
      log_cost: logCost,
      scaling,
      algebra: algebra && { ...algebra, redis_ms: redisBulk },
      redis,
      pubsub,
      queues,
      console: consoleTable,
      serve_workers: serveWorkers,
      leases,
      global: globalTable,
      seconds,
    };
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/latest.json"), JSON.stringify(json, null, 2) + "\n");
    log("wrote bench/results/latest.json");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

