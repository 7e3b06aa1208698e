/**
 * Sorted-set scaling check (not a test): per-command cost inside one shard against one sorted
 * set of 1k, 100k and 1M members, to show that ranks and rank ranges do not grow with N.
 *
 * Usage: node bench/zset-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000] [--rounds 3]
 *
 * It runs the product's Shard class under bare workerd (the benchmark Worker's EngineShard, see
 * bench/worker.ts): the set is grown with ZADD of 500 members per command, then each command
 * runs `runs` times in a loop inside the object with a random member/rank per run, and the time
 * of that one request is divided by `runs` (one HTTP request and one RPC spread over all runs).
 * Each figure is the best of `rounds` such loops, the one least disturbed by other processes.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { startWorkerd } from "./runtimes.mjs";

const { values } = parseArgs({
  options: {
    levels: { type: "string", default: "1000,100000,1000000" },
    runs: { type: "string", default: "2000" },
    rounds: { type: "string", default: "3" },
  },
});
const rounds = Number(values.rounds);
const levels = values.levels.split(",").map(Number);
const runs = Number(values.runs);
const KEY = "zscale";

/**
 * Commands timed at each size N; "{r}" is a random integer below N, one per run. Member m:i has
 * score i, so rank r is score r: "ZRANGE {r} {r+9}" and "ZRANGEBYSCORE {r} +inf LIMIT 0 10" read
 * ten members from a random rank ("{r+9}" is the run's random integer plus 9).
 */
const OPS = [
  ["ZSCORE", [["ZSCORE", KEY, "m:{r}"]]],
  ["ZRANK", [["ZRANK", KEY, "m:{r}"]]],
  ["ZREVRANK", [["ZREVRANK", KEY, "m:{r}"]]],
  ["ZRANGE rank, 1", [["ZRANGE", KEY, "{r}", "{r}"]]],
  ["ZRANGE rank, 10", [["ZRANGE", KEY, "{r}", "{r+9}"]]],
  ["ZRANGE REV rank, 1", [["ZRANGE", KEY, "{r}", "{r}", "REV"]]],
  ["ZRANGE 0 9 (first 10)", [["ZRANGE", KEY, "0", "9"]]],
  ["ZRANGEBYSCORE LIMIT 10", [["ZRANGEBYSCORE", KEY, "{r}", "+inf", "LIMIT", "0", "10"]]],
  ["ZCOUNT", [["ZCOUNT", KEY, "{r}", "+inf"]]],
  ["ZINCRBY (moves)", [["ZINCRBY", KEY, "0.5", "m:{r}"]]],
  ["ZADD new + ZREM", [["ZADD", KEY, "{r}.25", "n:{r}"], ["ZREM", KEY, "n:{r}"]]],
];

async function call(bench, op, body) {
  const res = await fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`engine ${op}: ${JSON.stringify(out)}`);
  return out;
}

const work = mkdtempSync(join(os.tmpdir(), "edgekv-zscale-"));
let runtime;
try {
  await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
  await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
  const dataDir = join(work, "data");
  mkdirSync(dataDir, { recursive: true });
  runtime = await startWorkerd({ buildDir: work, dataDir });
  const name = `zscale-${Date.now()}`;
  const table = {};
  let size = 0;
  for (const level of levels) {
    const t0 = performance.now();
    while (size < level) {
      const count = Math.min(20_000, level - size);
      const r = await call(runtime.bench, "fill", { name, kind: "zset", key: KEY, from: size, count });
      if (r.error) throw new Error(r.error);
      size += count;
    }
    console.error(`filled to ${level} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [op, template] of OPS) {
      const range = level;
      await call(runtime.bench, "loop", { name, template, n: Math.min(200, runs), range });
      let best = Infinity;
      for (let round = 0; round < rounds; round++) {
        const t = performance.now();
        const r = await call(runtime.bench, "loop", { name, template, n: runs, range });
        if (r.error) throw new Error(`${op}: ${r.error}`);
        best = Math.min(best, ((performance.now() - t) * 1000) / runs);
      }
      (table[op] ??= {})[level] = best;
    }
  }
  const pad = (s, n) => String(s).padStart(n);
  console.log(["command".padEnd(24), ...levels.map((l) => pad(`${l}`, 10)), pad("ratio", 7)].join(" "));
  for (const [op, row] of Object.entries(table)) {
    const ratio = row[levels.at(-1)] / row[levels[0]];
    console.log([op.padEnd(24), ...levels.map((l) => pad(row[l].toFixed(1), 10)), pad(ratio.toFixed(2), 7)].join(" "));
  }
  console.log(`µs per command (best of ${rounds} loops of ${runs}), one sorted set of N members in one shard (bare workerd)`);
} finally {
  await runtime?.stop();
  rmSync(work, { recursive: true, force: true });
}
