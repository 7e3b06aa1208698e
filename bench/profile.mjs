/**
 * `node bench/profile.mjs [workload] [seconds]`: where the edgekv Worker's CPU time goes.
 *
 * Starts bare workerd with its V8 inspector on loopback, samples a CPU profile of the edgekv
 * Worker (its isolate runs the Hono app and the shard Durable Objects) while autocannon runs one
 * workload of bench/workloads.mjs, and prints the functions with the most self time, then the
 * same grouped by source file. Time inside the runtime's native code (SQLite, RPC serialisation,
 * the HTTP server) shows up as the JavaScript function that called it, or as "(program)".
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { inspector } from "./inspector.mjs";
import { freePort, startWorkerd } from "./runtimes.mjs";
import { WORKLOADS, loadSpec, preload } from "./workloads.mjs";

const workload = process.argv[2] ?? "pipe100";
const seconds = Number(process.argv[3] ?? 5);
if (!WORKLOADS.includes(workload)) throw new Error(`workload must be one of ${WORKLOADS.join(", ")}`);

function report(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, t] of self) {
    const f = byId.get(id).callFrame;
    const file = f.url ? f.url.split("/").pop() : "";
    const name = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t);
    byFile.set(file || f.functionName, (byFile.get(file || f.functionName) ?? 0) + t);
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`)
      .join("\n");
  console.log(`self time by function (${(total / 1000).toFixed(0)} ms sampled):\n${top(byFunction, 30)}`);
  console.log(`\nself time by file:\n${top(byFile, 12)}`);
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-profile-"));
const dataDir = join(work, "data");
mkdirSync(dataDir);
let runtime;
try {
  await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
  await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
  const inspectorPort = await freePort();
  runtime = await startWorkerd({ buildDir: work, dataDir, extraArgs: [`--inspector-addr=127.0.0.1:${inspectorPort}`] });
  await preload(runtime, "edgekv");
  const ins = inspector(`ws://127.0.0.1:${inspectorPort}/edgekv`);
  await ins.opened;
  await ins.send("Profiler.enable");
  await ins.send("Profiler.setSamplingInterval", { interval: 200 });
  await ins.send("Profiler.start");
  const r = await autocannon({ ...loadSpec(runtime, "edgekv", workload), connections: 10, duration: seconds });
  const { result } = await ins.send("Profiler.stop");
  ins.close();
  console.log(`${workload}: ${r["2xx"]} responses in ${seconds} s (${r.non2xx} non-2xx) under the profiler\n`);
  report(result.profile);
} finally {
  await runtime?.stop();
  rmSync(work, { recursive: true, force: true });
}
