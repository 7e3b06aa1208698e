/**
 * List and set scaling check (not a test): per-command cost inside one shard against one list
 * and one set of 1k, 100k and 1M elements, to show that one-element operations (both ends of
 * a list, indexing, membership, random picks) do not grow with N.
 *
 * Usage: node bench/list-set-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000]
 *
 * Same method as bench/hash-scaling.mjs: the product's Shard class under bare workerd, the
 * list grown with RPUSH (v:i) and the set with SADD (m:i), many elements per command, then each
 * command run `runs` times in a loop inside the object with a random index or member per run.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { startWorkerd } from "./runtimes.mjs";

const { values } = parseArgs({
  options: { levels: { type: "string", default: "1000,100000,1000000" }, runs: { type: "string", default: "2000" } },
});
const levels = values.levels.split(",").map(Number);
const runs = Number(values.runs);
const LIST = "lscale";
const SET = "sscale";

/** Commands timed at each size N; "{r}" is a random integer below N, one per run. */
const OPS = [
  ["LPUSH + LPOP", [["LPUSH", LIST, "x"], ["LPOP", LIST]]],
  ["RPUSH + RPOP", [["RPUSH", LIST, "x"], ["RPOP", LIST]]],
  ["LINDEX (random)", [["LINDEX", LIST, "{r}"]]],
  ["LSET (random)", [["LSET", LIST, "{r}", "w"]]],
  ["LRANGE 0 9", [["LRANGE", LIST, "0", "9"]]],
  ["LLEN", [["LLEN", LIST]]],
  ["LMOVE (rotate)", [["LMOVE", LIST, LIST, "RIGHT", "LEFT"]]],
  ["SADD new + SREM", [["SADD", SET, "n:{r}"], ["SREM", SET, "n:{r}"]]],
  ["SISMEMBER", [["SISMEMBER", SET, "m:{r}"]]],
  ["SCARD", [["SCARD", SET]]],
  ["SRANDMEMBER", [["SRANDMEMBER", SET]]],
  ["SRANDMEMBER -10", [["SRANDMEMBER", SET, "-10"]]],
  ["SPOP + SADD", [["SPOP", SET], ["SADD", SET, "m:{r}"]]],
  ["SSCAN COUNT 10", [["SSCAN", SET, "{r}", "COUNT", "10"]]],
];

async function call(bench, op, body) {
  const res = await fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`engine ${op}: ${JSON.stringify(out)}`);
  return out;
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-lsscale-"));
let runtime;
try {
  await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
  await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
  const dataDir = join(work, "data");
  mkdirSync(dataDir, { recursive: true });
  runtime = await startWorkerd({ buildDir: work, dataDir });
  const name = `lsscale-${Date.now()}`;
  const table = {};
  let size = 0;
  for (const level of levels) {
    const t0 = performance.now();
    while (size < level) {
      const count = Math.min(20_000, level - size);
      for (const [kind, key] of [["list", LIST], ["set", SET]]) {
        const r = await call(runtime.bench, "fill", { name, kind, key, from: size, count });
        if (r.error) throw new Error(r.error);
      }
      size += count;
    }
    console.error(`filled to ${level} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [op, template] of OPS) {
      const range = level;
      await call(runtime.bench, "loop", { name, template, n: Math.min(200, runs), range });
      const t = performance.now();
      const r = await call(runtime.bench, "loop", { name, template, n: runs, range });
      if (r.error) throw new Error(`${op}: ${r.error}`);
      (table[op] ??= {})[level] = ((performance.now() - t) * 1000) / runs;
    }
  }
  const pad = (s, n) => String(s).padStart(n);
  console.log(["command".padEnd(24), ...levels.map((l) => pad(`${l}`, 10)), pad("ratio", 7)].join(" "));
  for (const [op, row] of Object.entries(table)) {
    const ratio = row[levels.at(-1)] / row[levels[0]];
    console.log([op.padEnd(24), ...levels.map((l) => pad(row[l].toFixed(1), 10)), pad(ratio.toFixed(2), 7)].join(" "));
  }
  console.log(`µs per command, ${runs} runs each, one list and one set of N elements in one shard (bare workerd)`);
} finally {
  await runtime?.stop();
  rmSync(work, { recursive: true, force: true });
}
