/**
 * The shared method of the per-type scaling checks (bench/{zset,hash,list-set}-scaling.mjs):
 * the product's Shard class under bare workerd (the benchmark Worker's EngineShard, see
 * bench/worker.ts), one collection per kind grown to each size N through the bench Worker's
 * `fill`, then each command run `runs` times in a loop inside the object with a random
 * integer below N for every "{r}", and the time of that one request divided by `runs`. Each
 * figure is the best of `rounds` loops, the one least disturbed by other processes.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { startWorkerd } from "./runtimes.mjs";

/** --levels, --runs and --rounds from the command line. */
export function scalingOptions(defaultRounds = 1) {
  const { values } = parseArgs({
    options: {
      levels: { type: "string", default: "1000,100000,1000000" },
      runs: { type: "string", default: "2000" },
      rounds: { type: "string", default: String(defaultRounds) },
    },
  });
  return { levels: values.levels.split(",").map(Number), runs: Number(values.runs), rounds: Number(values.rounds) };
}

async function call(bench, op, body) {
  const res = await fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`engine ${op}: ${JSON.stringify(out)}`);
  return out;
}

/**
 * Runs the check and prints the table.
 * @param {{ prefix: string, fills: [string, string][], ops: [string, string[][]][], caption: string,
 *   levels: number[], runs: number, rounds: number }} spec  fills: [kind, key] pairs for `fill`
 */
export async function runScaling({ prefix, fills, ops, caption, levels, runs, rounds }) {
  const work = mkdtempSync(join(os.tmpdir(), `edgekv-${prefix}-`));
  let runtime;
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
    const dataDir = join(work, "data");
    mkdirSync(dataDir, { recursive: true });
    runtime = await startWorkerd({ buildDir: work, dataDir });
    const name = `${prefix}-${Date.now()}`;
    const table = {};
    let size = 0;
    for (const level of levels) {
      const t0 = performance.now();
      while (size < level) {
        const count = Math.min(20_000, level - size);
        for (const [kind, key] of fills) {
          const r = await call(runtime.bench, "fill", { name, kind, key, from: size, count });
          if (r.error) throw new Error(r.error);
        }
        size += count;
      }
      console.error(`filled to ${level} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      for (const [op, template] of ops) {
        await call(runtime.bench, "loop", { name, template, n: Math.min(200, runs), range: level });
        let best = Infinity;
        for (let round = 0; round < rounds; round++) {
          const t = performance.now();
          const r = await call(runtime.bench, "loop", { name, template, n: runs, range: level });
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
    console.log(`µs per command (best of ${rounds} loop(s) of ${runs}), ${caption} in one shard (bare workerd)`);
  } finally {
    await runtime?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
