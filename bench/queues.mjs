/**
 * Blocking pop wake-up latency (docs/blocking.md): `npm run bench` prints it as a table of its
 * own; `node bench/queues.mjs [--quick] [--no-redis]` runs this table alone.
 *
 * Under bare workerd (bench/runtimes.mjs startWorkerd, 16 shards), on loopback, from one Node
 * process with two keep-alive connections to the Worker: the waiter sends `BLPOP key 10` as
 * `POST /` on one; once INFO counts it among `blocked_clients` (polled on the other, outside
 * the timed window), the pusher sends `LPUSH key v` on the other. A round's wake-up latency is
 * the arrival of the BLPOP's reply minus the moment just before the LPUSH request is written,
 * both on the Node client's clock (`performance.now()`); the LPUSH's own round trip is kept
 * beside it. p50/p99 over the rounds, after a few unrecorded ones.
 *
 * Reference: redis-server (when installed) the same way over RESP, two connections.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { TOKEN, cpuOf, freePort, startWorkerd } from "./runtimes.mjs";

export const QUEUE_PRESETS = { quick: { rounds: 100, warmup: 5 }, full: { rounds: 200, warmup: 10 } };

const KEY = "q:wake";
const now = () => performance.now();
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
const log = (...a) => console.error(...a);

// ---- clients: one request at a time per connection, the arrival time of each reply ----

/**
 * A keep-alive HTTP/1.1 connection to the Worker over a plain TCP socket, so that a reply's
 * arrival is timed at the socket's `data` event rather than after a client library's work.
 * `post(body)` resolves with [arrival time, parsed JSON body].
 */
function httpConnection(base) {
  const { hostname, port } = new URL(base);
  const socket = net.createConnection({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let pending = null;
  socket.on("data", (chunk) => {
    const t = now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0 || !pending) return;
    const head = buf.toString("latin1", 0, end).toLowerCase();
    let body;
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    if (length) {
      const n = Number(length[1]);
      if (buf.length < end + 4 + n) return;
      body = buf.toString("utf8", end + 4, end + 4 + n);
      buf = buf.subarray(end + 4 + n);
    } else {
      const last = buf.indexOf("\r\n0\r\n\r\n", end + 2);
      if (last < 0) return;
      const parts = [];
      for (let at = end + 4; ; ) {
        const nl = buf.indexOf("\r\n", at);
        const n = parseInt(buf.toString("latin1", at, nl), 16);
        if (n === 0) break;
        parts.push(buf.toString("utf8", nl + 2, nl + 2 + n));
        at = nl + 2 + n + 2;
      }
      body = parts.join("");
      buf = buf.subarray(last + 7);
    }
    const done = pending;
    pending = null;
    done([t, JSON.parse(body)]);
  });
  const ready = new Promise((res, rej) => {
    socket.once("connect", res);
    socket.once("error", rej);
  });
  return {
    ready,
    post(command) {
      const body = JSON.stringify(command);
      return new Promise((res) => {
        pending = res;
        socket.write(`POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
    },
    close: () => socket.destroy(),
  };
}

/** A RESP2 connection; `send(argv)` resolves with [arrival time, reply]. */
function respConnection(port) {
  const socket = net.createConnection({ port, host: "127.0.0.1" });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  const waiting = [];
  socket.on("data", (chunk) => {
    const t = now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    for (let p; (p = readReply(buf, at)); ) {
      at = p.end;
      waiting.shift()?.([t, p.value]);
    }
    buf = buf.subarray(at);
  });
  const ready = new Promise((res, rej) => {
    socket.once("connect", res);
    socket.once("error", rej);
  });
  return {
    ready,
    send(argv) {
      const parts = [`*${argv.length}\r\n`];
      for (const a of argv) parts.push(`$${Buffer.byteLength(String(a))}\r\n${a}\r\n`);
      return new Promise((res) => {
        waiting.push(res);
        socket.write(parts.join(""));
      });
    },
    close: () => socket.destroy(),
  };
}

function readReply(buf, at) {
  const nl = buf.indexOf("\r\n", at);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString("latin1", at + 1, nl);
  if (type === "+" || type === "-") return { value: line, end: nl + 2 };
  if (type === ":") return { value: Number(line), end: nl + 2 };
  if (type === "$") {
    const n = Number(line);
    if (n < 0) return { value: null, end: nl + 2 };
    if (buf.length < nl + 2 + n + 2) return null;
    return { value: buf.toString("utf8", nl + 2, nl + 2 + n), end: nl + 2 + n + 2 };
  }
  if (type === "*") {
    const n = Number(line);
    if (n < 0) return { value: null, end: nl + 2 };
    const items = [];
    let end = nl + 2;
    for (let i = 0; i < n; i++) {
      const p = readReply(buf, end);
      if (!p) return null;
      items.push(p.value);
      end = p.end;
    }
    return { value: items, end };
  }
  throw new Error(`RESP type ${type}`);
}

// ---- the rounds ----

/**
 * `rounds` wake-ups (after `warmup` unrecorded ones). `call(conn, argv)` resolves with
 * [arrival, reply]; `blocked()` with INFO's blocked_clients.
 */
async function wakeRuns({ waiter, pusher, call, blocked, rounds, warmup, pids }) {
  const wake = [];
  const push = [];
  let cpu = 0;
  for (let i = 0; i < warmup + rounds; i++) {
    const value = `v${i}`;
    const popped = call(waiter, ["BLPOP", KEY, "10"]);
    // Outside the timed window: wait until the server counts the waiter (bounded).
    let polls = 0;
    while ((await blocked()) < 1) {
      if (++polls > 2000) throw new Error("BLPOP never counted among blocked_clients");
    }
    const cpu0 = cpuOf(pids);
    const t0 = now();
    const [pushed, length] = await call(pusher, ["LPUSH", KEY, value]);
    const [arrived, reply] = await popped;
    const spent = cpuOf(pids) - cpu0;
    if (length !== 1 || !Array.isArray(reply) || reply[1] !== value) throw new Error(`round ${i}: LPUSH ${JSON.stringify(length)}, BLPOP ${JSON.stringify(reply)}`);
    if (i < warmup) continue;
    wake.push(arrived - t0);
    push.push(pushed - t0);
    cpu += spent;
  }
  wake.sort((a, b) => a - b);
  push.sort((a, b) => a - b);
  return {
    rounds,
    p50_ms: quantile(wake, 0.5),
    p99_ms: quantile(wake, 0.99),
    max_ms: wake.at(-1),
    push_p50_ms: quantile(push, 0.5),
    cpu_ms_per_round: pids.length ? (cpu * 1000) / rounds : null,
  };
}

const infoBlocked = (text) => Number(/blocked_clients:(\d+)/.exec(String(text))?.[1] ?? 0);

async function edgekvWake(runtime, preset) {
  const waiter = httpConnection(runtime.edgekv);
  const pusher = httpConnection(runtime.edgekv);
  const probe = httpConnection(runtime.edgekv);
  try {
    await Promise.all([waiter.ready, pusher.ready, probe.ready]);
    const call = (conn, argv) => conn.post(argv).then(([t, body]) => [t, body.result ?? body]);
    const blocked = () => probe.post(["INFO", "clients"]).then(([, body]) => infoBlocked(body.result));
    return await wakeRuns({ waiter, pusher, call, blocked, ...preset, pids: runtime.pids });
  } finally {
    for (const c of [waiter, pusher, probe]) c.close();
  }
}

async function redisWake(preset) {
  if (spawnSync("redis-server", ["--version"]).error) return null;
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const conns = [];
  try {
    for (let i = 0; i < 3; i++) {
      for (let attempt = 0; ; attempt++) {
        const c = respConnection(port);
        try {
          await c.ready;
          conns.push(c);
          break;
        } catch (e) {
          if (attempt > 100) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    const [waiter, pusher, probe] = conns;
    const call = (conn, argv) => conn.send(argv);
    const blocked = () => probe.send(["INFO", "clients"]).then(([, text]) => infoBlocked(text));
    return await wakeRuns({ waiter, pusher, call, blocked, ...preset, pids: [server.pid] });
  } finally {
    for (const c of conns) c.close();
    server.kill("SIGTERM");
  }
}

/**
 * Runs the table and returns its figures. `buildDir` must hold the edgekv bundle (edgekv.js);
 * workerd is started there with data under `workDir`.
 */
export async function queueFigures({ buildDir, workDir, quick = false, redis = true }) {
  const preset = QUEUE_PRESETS[quick ? "quick" : "full"];
  const started = now();
  const dataDir = join(workDir, "data-queues");
  mkdirSync(dataDir, { recursive: true });
  log("  blocking pop wake-up: edgekv");
  const rt = await startWorkerd({ buildDir, dataDir, edgekvOnly: true });
  const result = { preset };
  try {
    result.edgekv = await edgekvWake(rt, preset);
  } finally {
    await rt.stop();
  }
  if (redis) {
    log("  blocking pop wake-up: redis-server");
    result.redis = await redisWake(preset);
  }
  result.seconds = (now() - started) / 1000;
  return result;
}

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const pad = (s, n) => String(s).padStart(n);

export function printQueues(r) {
  console.log(
    `\nBlocking pop wake-up latency (BLPOP waiting on an empty list, then LPUSH from another connection; ${r.preset.rounds} rounds; ` +
      `Node client's clock, from just before the LPUSH is written to the BLPOP's reply)`,
  );
  const w = [28, 8, 8, 8, 10, 11];
  const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : pad(c, w[i]))).join(" ");
  console.log(row(["server", "p50 ms", "p99 ms", "max ms", "LPUSH p50", "CPU ms/rnd"]));
  const line = (label, x, d) => x && console.log(row([label, fmt(x.p50_ms, d), fmt(x.p99_ms, d), fmt(x.max_ms, d), fmt(x.push_p50_ms, d), fmt(x.cpu_ms_per_round, 3)]));
  line("edgekv (workerd, POST /)", r.edgekv, 2);
  line("redis-server (RESP)", r.redis, 3);
  if (r.redis) console.log(`÷redis p50: ${fmt(r.edgekv.p50_ms / r.redis.p50_ms, 0)}. LPUSH p50: the pusher's own round trip; CPU ms/rnd: the server's CPU per round (INFO polls outside the window excluded).`);
  console.log(`blocking pop table: ${fmt(r.seconds)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, "no-redis": { type: "boolean", default: false } } });
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-queues-"));
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    printQueues(await queueFigures({ buildDir: work, workDir: work, quick: values.quick, redis: !values["no-redis"] }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
