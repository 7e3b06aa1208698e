/**
 * `node bench/profile-engine.mjs [COMMAND] [runs] [loops]`: where an in-shard engine command's
 * CPU time goes (a row of bench/engine.mjs's ENGINE_COMMANDS; default EVALSHA, 20,000 runs, 5
 * loops). `TREE=0.005` also prints the call tree down to frames of at least 0.5 % of the samples.
 *
 * Bundles the benchmark Worker with a source map, starts bare workerd with its V8 inspector,
 * times the loop without the profiler (best of three), then samples a CPU profile of the
 * benchmark Worker while it runs the loop `loops` times, and prints self time by source
 * function and by source file, then each sample in one part of a command: for a script, the
 * handlers of the commands it calls (store and SQL), the dispatch around them, redis.call's own
 * checks, the script host and interpreter; for any command, its savepoint, the rest of its
 * dispatch, the batch around it, and GC/idle. Time in the runtime's native code (SQLite, the
 * savepoint) shows as the JavaScript function that called it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { ROOT, wranglerRequire } from "../scripts/serve.mjs";
import { ENGINE_COMMANDS } from "./engine.mjs";
import { inspector } from "./inspector.mjs";
import { freePort, startWorkerd } from "./runtimes.mjs";

const name = process.argv[2] ?? "EVALSHA";
const runs = Number(process.argv[3] ?? 20000);
const loops = Number(process.argv[4] ?? 5);
const command = ENGINE_COMMANDS.find((c) => c.name === name);
if (!command) throw new Error(`command must be one of ${ENGINE_COMMANDS.map((c) => c.name).join(", ")}`);
const { SourceMapConsumer } = createRequire(import.meta.url)("source-map-js");

async function loop(bench, template) {
  const res = await fetch(`${bench}/engine/loop`, { method: "POST", body: JSON.stringify({ name: "prof", template, n: runs, range: command.range }) });
  const out = await res.json();
  if (res.status !== 200 || out.error) throw new Error(`engine loop: ${JSON.stringify(out)}`);
}

function report(profile, map, usEach) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const where = new Map();
  const origin = (id) => {
    if (where.has(id)) return where.get(id);
    const f = byId.get(id).callFrame;
    let out = { file: f.url ? f.url.split("/").pop() : f.functionName, fn: f.functionName || "(anonymous)", line: f.lineNumber + 1 };
    if (f.url.endsWith("bench.js") && f.lineNumber >= 0) {
      const o = map.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
      if (o.source) out = { file: relative(ROOT, resolve(work, o.source)), fn: (f.functionName || "(anonymous)").replace(/\d+$/, ""), line: o.line };
    }
    where.set(id, out);
    return out;
  };
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, t] of self) {
    const o = origin(id);
    const key = `${o.fn} ${o.file}:${o.line}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    byFile.set(o.file, (byFile.get(o.file) ?? 0) + t);
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join("\n");
  console.log(`self time by function (${(total / 1000).toFixed(0)} ms sampled):\n${top(byFunction, 40)}`);
  console.log(`\nself time by file:\n${top(byFile, 25)}`);

  // Inclusive time of a part: the samples with such a frame on their stack (outermost counted once).
  const stack = (id) => {
    const out = [];
    for (let n = id; n !== undefined; n = parent.get(n)) out.push(n);
    return out.reverse();
  };
  // Each sample in exactly one part, by the frames on its stack (outermost first).
  const PARTS = [
    "commands a script calls: their handlers (store and SQL)",
    "commands a script calls: dispatch and validate around them",
    "redis.call's own checks (ScriptHost.call)",
    "the script host and the interpreter",
    "the command's savepoint (transactionSync's own time)",
    "the command itself, the rest: dispatch, validate, its handler outside a script",
    "the batch around it (Shard.run, counters, the loop)",
    "GC, (program), (idle)",
  ];
  const [, , , , SAVEPOINT, COMMAND, BATCH, IDLE] = PARTS;
  const partOf = (ids) => {
    let hostCall = false;
    let inner = false;
    let script = false;
    let command = false;
    for (const n of ids) {
      const o = origin(n);
      if (o.fn === "dispatch" && o.file === "durable-objects/dispatch.ts") {
        if (hostCall) inner = true;
        else command = true;
      } else if (o.fn === "call" && o.file === "durable-objects/scripting/host.ts") hostCall = true;
      else if (inner && o.file.startsWith("durable-objects/commands/")) return PARTS[0];
      else if (command && o.file === "durable-objects/commands/scripting.ts") script = true;
    }
    const leaf = origin(ids[ids.length - 1]).fn;
    if (["(garbage collector)", "(program)", "(idle)"].includes(leaf)) return IDLE;
    if (inner) return PARTS[1];
    if (hostCall) return PARTS[2];
    if (script) return PARTS[3];
    if (command && leaf === "transactionSync") return SAVEPOINT;
    return command ? COMMAND : BATCH;
  };
  const inclusive = Object.fromEntries(PARTS.map((k) => [k, 0]));
  for (const [id, t] of self) inclusive[partOf(stack(id))] += t;
  if (process.env.TREE) {
    // Top-down tree: inclusive time per frame, children merged by function and file.
    const incl = new Map();
    const walk = (id) => {
      let t = self.get(id) ?? 0;
      for (const c of byId.get(id).children ?? []) t += walk(c);
      incl.set(id, t);
      return t;
    };
    walk(profile.nodes[0].id);
    const print = (ids, depth) => {
      const groups = new Map();
      for (const id of ids) {
        const o = origin(id);
        const k = `${o.fn} ${o.file}:${o.line}`;
        const g = groups.get(k) ?? { t: 0, self: 0, kids: [] };
        g.t += incl.get(id);
        g.self += self.get(id) ?? 0;
        g.kids.push(...(byId.get(id).children ?? []));
        groups.set(k, g);
      }
      for (const [k, g] of [...groups].sort((a, b) => b[1].t - a[1].t)) {
        if (g.t / total < Number(process.env.TREE)) continue;
        console.log(`${((100 * g.t) / total).toFixed(1).padStart(5)} % ${((100 * g.self) / total).toFixed(1).padStart(5)} % ${"  ".repeat(depth)}${k}`);
        print(g.kids, depth + 1);
      }
    };
    console.log("\ntree (inclusive %, self %):");
    print([profile.nodes[0].id], 0);
  }
  console.log(`\nwhere a command's time goes (share of the samples; that share of ${usEach.toFixed(1)} µs, a command's time without the profiler):`);
  for (const [k, t] of Object.entries(inclusive)) console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${((usEach * t) / total).toFixed(1).padStart(6)} µs  ${k}`);
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-profile-engine-"));
const dataDir = join(work, "data");
mkdirSync(dataDir);
let runtime;
try {
  const esbuild = wranglerRequire("esbuild");
  const common = { bundle: true, format: "esm", platform: "neutral", target: "es2024", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], external: ["cloudflare:*", "node:*"], logLevel: "warning" };
  await esbuild.build({ ...common, entryPoints: [join(ROOT, "worker/index.ts")], outfile: join(work, "edgekv.js") });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, "bench/worker.ts")], outfile: join(work, "bench.js"), sourcemap: "external", sourceRoot: "" });
  const map = new SourceMapConsumer(JSON.parse(readFileSync(join(work, "bench.js.map"), "utf8")));
  const inspectorPort = await freePort();
  runtime = await startWorkerd({ buildDir: work, dataDir, extraArgs: [`--inspector-addr=127.0.0.1:${inspectorPort}`] });
  if (command.setup) await loop(runtime.bench, command.setup);
  await loop(runtime.bench, command.template);
  // The best of three loops without the profiler: what the profile's shares are shares of.
  let usEach = Infinity;
  for (let i = 0; i < 3; i++) {
    const u0 = performance.now();
    await loop(runtime.bench, command.template);
    usEach = Math.min(usEach, ((performance.now() - u0) * 1000) / runs);
  }
  console.log(`${name}: ${usEach.toFixed(2)} µs each without the profiler (best of 3 loops)`);
  const ins = inspector(`ws://127.0.0.1:${inspectorPort}/bench`);
  await ins.opened;
  await ins.send("Profiler.enable");
  await ins.send("Profiler.setSamplingInterval", { interval: 200 });
  await ins.send("Profiler.start");
  const t0 = performance.now();
  for (let i = 0; i < loops; i++) await loop(runtime.bench, command.template);
  const ms = performance.now() - t0;
  const { result } = await ins.send("Profiler.stop");
  ins.close();
  console.log(`${name}: ${runs * loops} commands in ${ms.toFixed(0)} ms under the profiler (${((ms * 1000) / (runs * loops)).toFixed(2)} µs each)\n`);
  report(result.profile, map, usEach);
} finally {
  await runtime?.stop();
  rmSync(work, { recursive: true, force: true });
}
