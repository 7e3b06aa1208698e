/**
 * The native-protocol reference: `redis-benchmark` against a throwaway local `redis-server`
 * (persistence off), when both are installed. Same connection count as the HTTP workloads.
 */
import { spawn, spawnSync } from "node:child_process";
import { ALGEBRA_COMMANDS, ALGEBRA_FILLS } from "./engine.mjs";
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

/** A throwaway redis-server (persistence off) on a free port, answering PING. */
async function startRedis() {
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  for (let i = 0; i < 100; i++) {
    if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.includes("PONG")) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, server };
}

/** Rows {workload, rps, p50_ms, p99_ms, cpu_ms_per_req}, or null when redis is not installed. */
export async function redisReference({ requests, connections }) {
  if (!has("redis-server") || !has("redis-benchmark")) return null;
  const { port, server } = await startRedis();
  try {
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

/** Lua that builds each kind of ALGEBRA_FILLS input: elements ARGV[1] … ARGV[2] of KEYS[1]. */
const FILL_SCRIPTS = {
  zset: "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('ZADD', KEYS[1], i, 'm:' .. i) end",
  set: "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('SADD', KEYS[1], 'm:' .. i) end",
  list: "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('RPUSH', KEYS[1], 'v:' .. i) end",
  hash: "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('HSET', KEYS[1], 'f:' .. i, 'v:' .. i) end",
  // The bench Worker's stream fill: entry i has ID (4·10^12 + i)-0 and field f = v:i.
  stream: "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], (4000000000000 + i) .. '-0', 'f', 'v:' .. i) end",
};

/**
 * The algebra table on redis-server: the same inputs (built by Lua loops), then each command
 * of ALGEBRA_COMMANDS through redis-benchmark, one connection, `runs` times (after its setup):
 * {name: ms} from the mean latency, or null when redis is not installed.
 */
export async function redisAlgebra({ size, runs = 3, only = null }) {
  if (!has("redis-server") || !has("redis-benchmark")) return null;
  const { port, server } = await startRedis();
  const cli = (...args) => spawnSync("redis-cli", ["-p", String(port), ...args.map(String)], { encoding: "utf8" });
  try {
    for (const [, kind, key, offset] of ALGEBRA_FILLS) cli("EVAL", FILL_SCRIPTS[kind], 1, key, offset * size, offset * size + size - 1);
    const out = {};
    for (const c of ALGEBRA_COMMANDS) {
      if (only && !only.includes(c.name)) continue;
      if (c.setup) cli(...c.setup);
      // A setup (COPY back) must precede every run: time one run per redis-benchmark call then.
      const times = [];
      for (let i = 0; i < (c.setup ? runs : 1); i++) {
        if (c.setup && i > 0) cli(...c.setup);
        const r = spawnSync("redis-benchmark", ["-h", "127.0.0.1", "-p", String(port), "-c", "1", "-n", String(c.setup ? 1 : runs), "--csv", ...c.argv], { encoding: "utf8" });
        // The last line: "test","rps","avg_latency_ms",… five more; the test's name may hold commas.
        const cells = (r.stdout.trim().split("\n").pop() ?? "").split(",").map((x) => x.replace(/"/g, ""));
        times.push(Number(cells[cells.length - 6]));
      }
      const ms = Math.min(...times);
      out[c.name] = Number.isFinite(ms) ? ms : null;
    }
    return out;
  } finally {
    server.kill("SIGTERM");
  }
}
