/**
 * The algebra table alone (not a test): set algebra and whole-collection commands over
 * collections of N elements, inside one shard under bare workerd, with redis-server beside it.
 *
 * Usage: node bench/algebra.mjs [--size 100000] [--rounds 3] [--only "ZUNIONSTORE,SUNIONSTORE"] [--no-redis]
 *
 * The inputs (bench/engine.mjs ALGEBRA_FILLS) are built outside the timing; each command then
 * runs alone in the benchmark Worker's EngineShard (one request, no HTTP per command), the best
 * of `rounds` (bench/engine.mjs algebraFigures). `npm run bench` prints the same table.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { algebraFigures, printAlgebra } from "./engine.mjs";
import { redisAlgebra } from "./redis.mjs";
import { startWorkerd } from "./runtimes.mjs";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "100000" },
    rounds: { type: "string", default: "3" },
    only: { type: "string" },
    "no-redis": { type: "boolean", default: false },
  },
});
const size = Number(values.size);
const only = values.only ? values.only.split(",") : null;
const work = mkdtempSync(join(os.tmpdir(), "edgekv-algebra-"));
let runtime;
try {
  await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
  await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
  mkdirSync(join(work, "data"));
  runtime = await startWorkerd({ buildDir: work, dataDir: join(work, "data") });
  const edgekv = await algebraFigures(runtime.bench, { size, rounds: Number(values.rounds), only, pids: runtime.pids });
  await runtime.stop();
  runtime = null;
  const redis = values["no-redis"] ? null : await redisAlgebra({ size, only });
  printAlgebra(edgekv, redis);
} finally {
  await runtime?.stop();
  rmSync(work, { recursive: true, force: true });
}

