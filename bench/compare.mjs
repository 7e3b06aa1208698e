/**
 * `node bench/compare.mjs [--base REF] [--files a,b,…]`: before/after figures of a code change,
 * side by side in one run (a noisy machine moves both sides alike).
 *
 * "before" is the tree of git REF (default HEAD); "after" is the same tree with the working-tree
 * versions of `--files` laid over it (default: every tracked file that differs from REF). Each
 * side is bundled and served by its own bare workerd (bench/runtimes.mjs), and the two are
 * measured in turn (A B B A …) for `--rounds` rounds; the table shows medians:
 *
 * - in-shard engine commands/s (bench/engine.mjs's loop: no HTTP per command),
 * - HTTP workloads of bench/workloads.mjs: req/s and CPU ms per request of that side's workerd, and
 * - with `--algebra`, rows of the algebra table (bench/engine.mjs ALGEBRA_COMMANDS): ms and CPU
 *   ms of one command over inputs of `--size` elements (100000), built in each side first.
 *
 * Options: --rounds N (5), --duration S per HTTP cell (1), --runs N per engine loop (10000),
 * --workloads a,b (get_hit,get_miss,set,incr_many,pipe100_1shard,rl_sliding; "" for none),
 * --engine GET,SET (PING,GET,SET,INCR,HSET,ZADD; "" for none; any row name of bench/engine.mjs's
 * ENGINE_COMMANDS, e.g. "EVALSHA,INCRBY (TTL)"), --algebra "ZUNIONSTORE,COPY zset" (none by default;
 * any row name of ALGEBRA_COMMANDS), --size N. In-shard rows also show the best loop of each
 * side (the least disturbed), as bench/engine.mjs reports.
 *
 * @example node bench/compare.mjs --workloads "" --engine "" --algebra ZUNIONSTORE --rounds 5
 */
import { execFileSync, execSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { ALGEBRA_COMMANDS, ENGINE_COMMANDS, algebraRun, fillAlgebra } from "./engine.mjs";
import { cpuOf, startWorkerd } from "./runtimes.mjs";
import { loadSpec, preload } from "./workloads.mjs";

const { values: flags } = parseArgs({
  options: {
    base: { type: "string", default: "HEAD" },
    files: { type: "string" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "1" },
    runs: { type: "string", default: "10000" },
    workloads: { type: "string", default: "get_hit,get_miss,set,incr_many,pipe100_1shard,rl_sliding" },
    engine: { type: "string", default: "PING,GET,SET,INCR,HSET,ZADD" },
    algebra: { type: "string", default: "" },
    size: { type: "string", default: "100000" },
  },
});
const rounds = Number(flags.rounds);
const runs = Number(flags.runs);
const workloads = flags.workloads.split(",").filter(Boolean);
const engineCommands = ENGINE_COMMANDS.filter((c) => flags.engine.split(",").includes(c.name));
const algebraCommands = ALGEBRA_COMMANDS.filter((c) => flags.algebra.split(",").includes(c.name));
const log = (...a) => console.error(...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const changed = flags.files
  ? flags.files.split(",")
  : execFileSync("git", ["diff", "--name-only", flags.base], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);

/** The tree of `base`, and optionally the working-tree `files` over it, in `dir` (node_modules linked). */
function tree(dir, files) {
  mkdirSync(dir, { recursive: true });
  execSync(`git archive ${flags.base} | tar -x -C ${JSON.stringify(dir)}`, { cwd: ROOT });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
}

/** One loop of `runs` commands inside a shard: [commands/s, CPU µs per command of that side's workerd]. */
async function engineLoop(runtime, name, template, range) {
  const bench = runtime.bench;
  const cpu0 = cpuOf(runtime.pids);
  const t0 = performance.now();
  const res = await fetch(`${bench}/engine/loop`, { method: "POST", body: JSON.stringify({ name, template, n: runs, range }) });
  const out = await res.json();
  if (res.status !== 200 || out.error) throw new Error(`engine loop: ${JSON.stringify(out)}`);
  const seconds = (performance.now() - t0) / 1000;
  return [runs / seconds, ((cpuOf(runtime.pids) - cpu0) * 1e6) / runs];
}

async function httpCell(runtime, workload, duration) {
  const cpu0 = cpuOf(runtime.pids);
  const t0 = performance.now();
  const r = await autocannon({ ...loadSpec(runtime, "edgekv", workload), connections: 10, duration });
  const done = r["2xx"] + r.non2xx;
  if (r.non2xx || r.errors) throw new Error(`${workload}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: done / ((performance.now() - t0) / 1000), cpu: ((cpuOf(runtime.pids) - cpu0) * 1000) / done };
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-compare-"));
const sides = {};
try {
  log(`before: ${flags.base}; after: ${flags.base} + ${changed.join(", ") || "(no changes)"}`);
  for (const [side, files] of [["before", []], ["after", changed]]) {
    const src = join(work, `${side}-src`);
    const build = join(work, `${side}-build`);
    const data = join(work, `${side}-data`);
    tree(src, files);
    mkdirSync(build);
    mkdirSync(data);
    await bundle(join(src, "worker/index.ts"), join(build, "edgekv.js"));
    await bundle(join(src, "bench/worker.ts"), join(build, "bench.js"));
    sides[side] = { runtime: await startWorkerd({ buildDir: build, dataDir: data }), engine: {}, http: {}, algebra: {} };
    if (workloads.length > 0) await preload(sides[side].runtime, "edgekv");
    for (const c of engineCommands) if (c.setup) await engineLoop(sides[side].runtime, "cmp", c.setup, c.range);
    if (algebraCommands.length > 0) log(`${side}: algebra inputs built in ${(await fillAlgebra(sides[side].runtime.bench, "cmp-algebra", Number(flags.size), algebraCommands)).toFixed(1)} s`);
  }
  for (const side of Object.values(sides)) for (const w of workloads) await httpCell(side.runtime, w, 0.3);
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1}/${rounds}`);
    const order = round % 2 === 0 ? ["before", "after"] : ["after", "before"];
    for (const c of engineCommands) {
      for (const side of order) {
        ((sides[side].engine[c.name] ??= [])).push(await engineLoop(sides[side].runtime, "cmp", c.template, c.range));
      }
    }
    for (const w of workloads) {
      for (const side of order) ((sides[side].http[w] ??= [])).push(await httpCell(sides[side].runtime, w, Number(flags.duration)));
    }
    for (const c of algebraCommands) {
      for (const side of order) {
        const { runtime } = sides[side];
        const r = await algebraRun(runtime.bench, "cmp-algebra", c, runtime.pids);
        if (r.error) throw new Error(`${side} ${c.name}: ${r.error}`);
        ((sides[side].algebra[c.name] ??= [])).push(r);
      }
    }
  }
  const pct = (a, b) => `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(1)} %`;
  const width = Math.max(
    30,
    ...engineCommands.map((c) => `in-shard ${c.name} cmd/s, best`.length),
    ...workloads.map((w) => `${w} CPU ms/req`.length),
    ...algebraCommands.map((c) => `${c.name} CPU ms`.length),
  );
  const row = (label, a, b, d) => console.log([label.padEnd(width), a.toFixed(d).padStart(10), b.toFixed(d).padStart(10), pct(a, b).padStart(9)].join(" "));
  console.log(`\nbefore ${flags.base} / after (+ ${changed.join(", ")}), ${rounds} rounds, medians, ${new Date().toISOString()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(["".padEnd(width), "before".padStart(10), "after".padStart(10), "change".padStart(9)].join(" "));
  for (const c of engineCommands) {
    const [b, a] = [sides.before.engine[c.name], sides.after.engine[c.name]];
    const rate = (xs) => xs.map((x) => x[0]);
    const cpu = (xs) => xs.map((x) => x[1]);
    row(`in-shard ${c.name} cmd/s`, median(rate(b)), median(rate(a)), 0);
    row(`in-shard ${c.name} cmd/s, best`, Math.max(...rate(b)), Math.max(...rate(a)), 0);
    row(`in-shard ${c.name} CPU µs/cmd`, median(cpu(b)), median(cpu(a)), 1);
  }
  for (const w of workloads) {
    const [b, a] = [sides.before.http[w], sides.after.http[w]];
    row(`${w} req/s`, median(b.map((x) => x.rps)), median(a.map((x) => x.rps)), 0);
    row(`${w} CPU ms/req`, median(b.map((x) => x.cpu)), median(a.map((x) => x.cpu)), 3);
  }
  for (const c of algebraCommands) {
    const [b, a] = [sides.before.algebra[c.name], sides.after.algebra[c.name]];
    row(`${c.name} ms`, median(b.map((x) => x.s * 1000)), median(a.map((x) => x.s * 1000)), 1);
    row(`${c.name} CPU ms`, median(b.map((x) => x.cpu_ms)), median(a.map((x) => x.cpu_ms)), 0);
  }
} finally {
  for (const side of Object.values(sides)) await side.runtime.stop();
  rmSync(work, { recursive: true, force: true });
}
