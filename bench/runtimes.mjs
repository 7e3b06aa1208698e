/**
 * The runtimes the benchmark measures, each started on loopback with a throwaway data directory:
 *
 * - `workerd`: bare `workerd serve` with a generated config (what `npm run serve` runs): the
 *   edgekv Worker and the benchmark Worker in one process, Durable Objects on local disk.
 *   Workers KV and D1 are not available there (they are simulated by Miniflare).
 * - `miniflare`: the runtime `wrangler dev` puts a Worker in (Miniflare over workerd, KV and D1
 *   simulated, state persisted to disk), each Worker reached directly on its own port.
 * - `wrangler`: edgekv through `npm start` (wrangler dev and its proxy), what a user gets locally.
 *
 * A runtime reports the process ids whose CPU time counts as the server's.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import {
  ROOT,
  compatibilityDate,
  compatibilityFlags,
  edgekvBindings,
  LEASE_BINDING,
  SINGLE_PROCESS_CLASSES,
  waitForHttp,
  workerdBinary,
  workerdConfig,
  wranglerValue,
} from "../scripts/serve.mjs";

export const TOKEN = "bench-token";
const CLK_TCK = 100;

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on("error", rej);
  });
}

/** CPU seconds (user + system) a process has used, or 0 if it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

export function cpuOf(pids) {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/**
 * CPU seconds the threads of `pids` have run, from /proc/<pid>/task/<tid>/schedstat (nanoseconds,
 * where the 10 ms ticks of cpuOf are too coarse for a loop of a few tens of ms); cpuOf's ticks
 * where the kernel keeps no schedstat.
 */
export function preciseCpuOf(pids) {
  let ns = 0;
  try {
    for (const pid of pids) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        } catch {
          // the thread ended while we looked
        }
      }
    }
  } catch {
    return cpuOf(pids);
  }
  return ns > 0 ? ns / 1e9 : cpuOf(pids);
}

/** `pid` and all its descendants (Linux /proc). */
function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

function stopChild(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      res();
    });
    child.kill("SIGTERM");
  });
}

function edgekvVars() {
  return {
    SHARDS: process.env.SHARDS || wranglerValue("SHARDS") || "16",
    EDGEKV_TOKEN: TOKEN,
    MAX_REQUEST_BYTES: wranglerValue("MAX_REQUEST_BYTES") ?? "10485760",
  };
}

/**
 * Bare workerd: one process, both Workers. `shards` overrides the shard count; `edgekvOnly`
 * serves the edgekv Worker alone (then `bench` is null and only edgekv.js need be built).
 */
export async function startWorkerd({ buildDir, dataDir, extraArgs = [], shards = undefined, edgekvOnly = false }) {
  const [edgekvPort, benchPort] = [await freePort(), await freePort()];
  const edgekvWorker = {
    name: "edgekv",
    module: "edgekv.js",
    address: `127.0.0.1:${edgekvPort}`,
    bindings: [...edgekvBindings({ shards: shards ?? edgekvVars().SHARDS, readOnly: false }), LEASE_BINDING],
    durableObjects: SINGLE_PROCESS_CLASSES,
  };
  const config = workerdConfig({
    dataDir,
    workers: edgekvOnly ? [edgekvWorker] : [
      edgekvWorker,
      {
        name: "bench",
        module: "bench.js",
        address: `127.0.0.1:${benchPort}`,
        bindings: [
          `(name = "BARE", durableObjectNamespace = "BareStore")`,
          `(name = "ENGINE", durableObjectNamespace = "EngineShard")`,
          // The engine shard with its change log on, and its replica (bench/worker.ts LoggedEngineShard).
          `(name = "SHARD", durableObjectNamespace = "LoggedEngineShard")`,
          `(name = "REPLICA", durableObjectNamespace = "Replica")`,
        ],
        durableObjects: ["BareStore", "EngineShard", "LoggedEngineShard", "Replica"],
      },
    ],
  });
  writeFileSync(join(buildDir, "config.capnp"), config);
  const child = spawn(workerdBinary(), ["serve", join(buildDir, "config.capnp"), ...extraArgs], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, EDGEKV_TOKEN: TOKEN },
  });
  const edgekv = `http://127.0.0.1:${edgekvPort}`;
  const bench = edgekvOnly ? null : `http://127.0.0.1:${benchPort}`;
  await waitForHttp(edgekv, 30_000, child);
  if (bench) await waitForHttp(bench, 30_000, child);
  return { name: "workerd", edgekv, bench, stores: ["edgekv", "do"], pids: [child.pid], stop: () => stopChild(child) };
}

/**
 * `npm run serve` itself (scripts/serve.mjs) with `workers` processes: its launcher and every
 * workerd process it starts count as the server.
 */
export async function startServe({ dataDir, workers, shards = 16 }) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "scripts/serve.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PORT: String(port), EDGEKV_DATA: dataDir, EDGEKV_TOKEN: TOKEN, WORKERS: String(workers), SHARDS: String(shards) },
  });
  await new Promise((res, rej) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("edgekv serving on")) res();
    });
    child.once("exit", (code) => rej(new Error(`npm run serve exited with ${code}`)));
  });
  child.removeAllListeners("exit");
  child.stdout.resume();
  return {
    name: `serve-${workers}`,
    edgekv: `http://127.0.0.1:${port}`,
    bench: null,
    stores: ["edgekv"],
    pids: processTree(child.pid),
    stop: () => stopChild(child),
  };
}

/** Miniflare (wrangler dev's runtime), in a child process with its workerd processes. */
export async function startMiniflare({ buildDir, dataDir }) {
  const cfgPath = join(buildDir, "miniflare.json");
  writeFileSync(
    cfgPath,
    JSON.stringify({
      compatibilityDate: compatibilityDate(),
      compatibilityFlags: compatibilityFlags(),
      dataDir,
      edgekvScript: join(buildDir, "edgekv.js"),
      benchScript: join(buildDir, "bench.js"),
      edgekvPort: await freePort(),
      benchPort: await freePort(),
      edgekvVars: edgekvVars(),
    }),
  );
  const child = spawn(process.execPath, [join(ROOT, "bench/miniflare-host.mjs"), cfgPath], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const urls = await new Promise((res, rej) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) res(JSON.parse(line));
    });
    child.on("exit", (code) => rej(new Error(`miniflare host exited with ${code}`)));
  });
  return {
    name: "miniflare",
    edgekv: urls.edgekv,
    bench: urls.bench,
    stores: ["edgekv", "do", "kv", "d1"],
    pids: processTree(child.pid),
    stop: () => stopChild(child),
  };
}

/** edgekv through `npm start` (wrangler dev with its proxy Worker, quiet defaults). */
export async function startWrangler({ dataDir }) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "scripts/start.mjs"), "--persist-to", dataDir], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PORT: String(port), EDGEKV_TOKEN: TOKEN, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    detached: true,
  });
  const edgekv = `http://127.0.0.1:${port}`;
  await waitForHttp(edgekv, 90_000, child);
  return {
    name: "wrangler",
    edgekv,
    bench: null,
    stores: ["edgekv"],
    pids: processTree(child.pid),
    stop: async () => {
      const exited = new Promise((res) => child.once("exit", res));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export { compatibilityDate };
