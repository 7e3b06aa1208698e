/**
 * The differential fuzzer (test/fuzz/) against a real redis-server 7.0 and edgekv under
 * `npm run serve` (bare workerd, 4 shards unless FUZZ_SHARDS says otherwise), each started
 * here on its own so that the fuzzer owns both whole databases. CI runs a fixed budget (the
 * seeds and operation counts below); a bigger run by hand:
 *
 *   FUZZ_SEEDS=1-200 FUZZ_OPS=1000 npx vitest run test/node/differential.test.ts
 *
 * FUZZ_SEEDS is a list of seeds and ranges (`7`, `1-50`, `3,9,100-120`); FUZZ_OPS the number of
 * steps per seed; FUZZ_CROSS_SHARD_TX=0 leaves out transactions over several shards; FUZZ_SHARDS
 * the number of shards edgekv runs with. A difference fails with its seed and a shrunk reproduction.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgekvSide, redisSide, report, runSeed, type Side } from "../fuzz/differential";
import { freePort, waitForPort } from "./ports";
import { RespClient } from "./resp-client";

const CI_SEEDS = "1-10";
const CI_OPS = 200;

const root = resolve(import.meta.dirname, "../..");
const token = "differential-token";
const hasRedis = !spawnSync("redis-server", ["--version"]).error;

/** `"1-3,7"` → [1, 2, 3, 7]. */
function parseSeeds(spec: string): number[] {
  return spec.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map((s) => Number(s.trim()));
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new Error(`FUZZ_SEEDS: bad part ${part}`);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

const seeds = parseSeeds(process.env.FUZZ_SEEDS ?? CI_SEEDS);
const ops = Number(process.env.FUZZ_OPS ?? CI_OPS);
const crossShardTx = process.env.FUZZ_CROSS_SHARD_TX !== "0";
const shards = process.env.FUZZ_SHARDS ?? "4";

function startDetached(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

function stopGroup(child: ChildProcess | undefined): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

describe.runIf(hasRedis || process.env.CI)("differential fuzzer: edgekv against redis-server", () => {
  let redisChild: ChildProcess | undefined;
  let serveChild: ChildProcess | undefined;
  let client: RespClient | undefined;
  let dataDir = "";
  let redis: Side;
  let edgekv: Side;

  beforeAll(async () => {
    const redisPort = await freePort();
    redisChild = startDetached("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]).child;
    await waitForPort(redisPort, 10_000, "redis-server");
    client = new RespClient(redisPort);
    redis = redisSide(client);

    dataDir = mkdtempSync(join(tmpdir(), "edgekv-differential-"));
    const port = await freePort();
    const serve = startDetached(process.execPath, [join(root, "scripts/serve.mjs")], {
      ...process.env,
      PORT: String(port),
      EDGEKV_DATA: dataDir,
      EDGEKV_TOKEN: token,
      SHARDS: shards,
    });
    serveChild = serve.child;
    const until = Date.now() + 60_000;
    while (!serve.output().includes("edgekv serving on")) {
      if (serveChild.exitCode !== null || Date.now() > until) throw new Error(`npm run serve did not start:\n${serve.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    edgekv = edgekvSide(`http://127.0.0.1:${port}`, token);
  });

  afterAll(() => {
    client?.close();
    stopGroup(serveChild);
    stopGroup(redisChild);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${seeds.length} seeds × ${ops} steps answer as redis-server does`, { timeout: Math.max(120_000, seeds.length * ops * 40) }, async () => {
    const failures: string[] = [];
    let compared = 0;
    for (const seed of seeds) {
      const result = await runSeed(seed, ops, redis, edgekv, { crossShardTx });
      compared += result.compared;
      if (result.difference) failures.push(report(result.difference));
    }
    console.log(`differential: ${seeds.length} seeds, ${compared} steps compared, ${failures.length} seeds differ`);
    if (failures.length > 0) expect.fail(`${failures.length} of ${seeds.length} seeds differ:\n\n${failures.join("\n\n")}`);
  });
});
