/**
 * `node bench/worker-side.mjs [--base REF] [--files a,b,…] [--rounds N] [--workloads a,b]`: what the
 * edgekv Worker itself costs per request, before and after a change, with the in-shard engine
 * left out (bench/worker-side.ts: the app behind a stand-in shard that validates each command and
 * answers fixed replies).
 *
 * HTTP figures (bench/compare.mjs) of a pipeline are mostly the shards' SQL, so a change to the
 * Worker moves them less than the machine's noise does. Here both sides run in one bare workerd
 * process (two services), driven in turn (A B B A …) from inside the runtime (`app.fetch`, no
 * HTTP server), and the table shows the median CPU µs per request of that process. "before" is
 * the tree of REF (default HEAD), "after" that tree with the working-tree `--files` over it
 * (default: every tracked file that differs from REF), as in compare.mjs.
 *
 * Workloads: get (one GET), pipe100 (100 commands over 16 shards), pipe100_1shard (the same on
 * one shard), pipe100_base64 (pipe100_1shard with Upstash-Encoding: base64).
 */
import { execFileSync, execSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle, waitForHttp, workerdBinary, workerdConfig } from "../scripts/serve.mjs";
import { cpuOf, freePort } from "./runtimes.mjs";

const { values: flags } = parseArgs({
  options: {
    base: { type: "string", default: "HEAD" },
    files: { type: "string" },
    rounds: { type: "string", default: "10" },
    workloads: { type: "string", default: "get,pipe100,pipe100_1shard,pipe100_base64" },
  },
});
const rounds = Number(flags.rounds);
const workloads = flags.workloads.split(",").filter(Boolean);
const REQUESTS = { get: 2000, pipe100: 300, pipe100_1shard: 500, pipe100_base64: 500 };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const changed = flags.files
  ? flags.files.split(",")
  : execFileSync("git", ["diff", "--name-only", flags.base], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);

function tree(dir, files) {
  mkdirSync(dir, { recursive: true });
  execSync(`git archive ${flags.base} | tar -x -C ${JSON.stringify(dir)}`, { cwd: ROOT });
  // The harness is this checkout's, so that a base from before it existed can be measured.
  for (const f of [...files, "bench/worker-side.ts"]) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
}

function query(workload, n) {
  const base64 = workload === "pipe100_base64";
  const w = base64 ? "pipe100_1shard" : workload;
  return `/loop?workload=${w}&n=${n}${base64 ? "&base64=1" : ""}`;
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-worker-side-"));
let child;
try {
  const workers = [];
  const urls = {};
  for (const [side, files] of [["before", []], ["after", changed]]) {
    const src = join(work, `${side}-src`);
    tree(src, files);
    await bundle(join(src, "bench/worker-side.ts"), join(work, `${side}.js`));
    const port = await freePort();
    urls[side] = `http://127.0.0.1:${port}`;
    workers.push({
      name: side,
      module: `${side}.js`,
      address: `127.0.0.1:${port}`,
      bindings: [`(name = "SHARD", durableObjectNamespace = "StandInShard")`],
      durableObjects: ["StandInShard"],
    });
  }
  const data = join(work, "data");
  mkdirSync(data);
  writeFileSync(join(work, "config.capnp"), workerdConfig({ workers, dataDir: data }));
  child = spawn(workerdBinary(), ["serve", join(work, "config.capnp")], { stdio: ["ignore", "ignore", "inherit"] });
  for (const url of Object.values(urls)) await waitForHttp(url, 30_000, child);
  const run = async (side, workload, n) => {
    const res = await fetch(urls[side] + query(workload, n));
    const text = await res.text();
    if (text !== "ok") throw new Error(`${side} ${workload}: ${text}`);
  };
  for (const side of ["before", "after"]) for (const w of workloads) await run(side, w, Math.ceil(REQUESTS[w] / 4));
  const cpu = { before: {}, after: {} };
  for (let round = 0; round < rounds; round++) {
    console.error(`round ${round + 1}/${rounds}`);
    for (const w of workloads) {
      for (const side of round % 2 === 0 ? ["before", "after"] : ["after", "before"]) {
        const c0 = cpuOf([child.pid]);
        await run(side, w, REQUESTS[w]);
        ((cpu[side][w] ??= [])).push(((cpuOf([child.pid]) - c0) * 1e6) / REQUESTS[w]);
      }
    }
  }
  console.log(`\nWorker side, stand-in shard: before ${flags.base} / after (+ ${changed.join(", ") || "no changes"}), ${rounds} rounds, median CPU µs per request, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(["".padEnd(18), "before".padStart(8), "after".padStart(8), "change".padStart(9)].join(" "));
  for (const w of workloads) {
    const [b, a] = [median(cpu.before[w]), median(cpu.after[w])];
    console.log([w.padEnd(18), b.toFixed(0).padStart(8), a.toFixed(0).padStart(8), `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)} %`.padStart(9)].join(" "));
  }
} finally {
  child?.kill();
  rmSync(work, { recursive: true, force: true });
}
