/**
 * The native-protocol reference: `redis-benchmark` against a throwaway local `redis-server`
 * (persistence off), when both are installed. Same connection count as the HTTP workloads.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpuOf, freePort } from "./runtimes.mjs";

const has = (bin) => !spawnSync(bin, ["--version"], { encoding: "utf8" }).error;

const TESTS = [
  ["get_hit", ["GET", "key:__rand_int__"], {}],
  ["set", ["SET", "key:__rand_int__", "v".repeat(32)], {}],
  ["incr_hot", ["INCR", "bench:hot"], {}],
  ["incr_many", ["INCR", "ctr:__rand_int__"], {}],
  ["mget10", ["MGET", ...Array.from({ length: 10 }, () => "key:__rand_int__")], {}],
  ["pipe100 (GET, -P 100)", ["GET", "key:__rand_int__"], { pipeline: 100 }],
];

/** Rows {workload, rps, p50_ms, p99_ms, cpu_ms_per_req}, or null when redis is not installed. */
export async function redisReference({ requests, connections }) {
  if (!has("redis-server") || !has("redis-benchmark")) return null;
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  try {
    for (let i = 0; i < 100; i++) {
      if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.includes("PONG")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const base = ["-h", "127.0.0.1", "-p", String(port), "-c", String(connections), "-r", "1000", "--csv"];
    spawnSync("redis-benchmark", [...base, "-n", "20000", "SET", "key:__rand_int__", "v".repeat(32)]);
    const rows = [];
    for (const [workload, cmd, { pipeline }] of TESTS) {
      const n = pipeline ? requests * 20 : requests;
      const cpu0 = cpuOf([server.pid]);
      const r = spawnSync("redis-benchmark", [...base, "-n", String(n), ...(pipeline ? ["-P", String(pipeline)] : []), ...cmd], {
        encoding: "utf8",
      });
      const cpu = cpuOf([server.pid]) - cpu0;
      const line = r.stdout.trim().split("\n").pop() ?? "";
      const cells = line.split(",").map((c) => c.replace(/"/g, ""));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const rps = Number(cells[1]);
      if (!Number.isFinite(rps)) continue;
      rows.push({
        workload,
        commands_per_s: Math.round(rps),
        p50_ms: Number(cells[4]),
        p99_ms: Number(cells[6]),
        cpu_ms_per_command: (cpu * 1000) / n,
      });
    }
    return rows;
  } finally {
    server.kill("SIGTERM");
  }
}
