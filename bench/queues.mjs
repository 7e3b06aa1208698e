/**
 * The queue tables (docs/blocking.md, docs/queues.md): `npm run bench` prints them after
 * Pub/Sub; `node bench/queues.mjs [--quick] [--no-redis] [--no-stream-queue]` runs them alone.
 * Both run under bare workerd (bench/runtimes.mjs startWorkerd, 16 shards), with redis-server
 * (when installed) measured the same way beside it.
 *
 * Blocking pop wake-up latency. On loopback, from one Node process with two keep-alive
 * connections to the Worker: the waiter sends `BLPOP key 10` as `POST /` on one; once INFO
 * counts it among `blocked_clients` (polled on the other, outside the timed window), the pusher
 * sends `LPUSH key v` on the other. A round's wake-up latency is the arrival of the BLPOP's
 * reply minus the moment just before the LPUSH request is written, both on the Node client's
 * clock (`performance.now()`); the LPUSH's own round trip is kept beside it. p50/p99 over the
 * rounds, after a few unrecorded ones. redis-server the same way over RESP, two connections.
 *
 * Stream queue throughput (`--no-stream-queue` skips it): a producer's `XADD key * f v` and a
 * consumer's job, `XREADGROUP GROUP g c COUNT 1 STREAMS key >` then `XACK key g <its ID>`, on
 * one stream of N entries (1k and 1M; quick: 1k and 10k), each as
 * - in-shard: the product's Shard class in the benchmark Worker (bench/worker.ts EngineShard:
 *   `loop` for XADD, `consume` for the jobs), `shardOps` operations in one request, the time of
 *   that request divided by them (µs/op, and op/s); the stream built by the direct fill path;
 * - over HTTP: the edgekv Worker, `httpOps` operations shared by `connections` keep-alive
 *   connections, one request in flight on each (`POST /`; a job is two requests), op/s, the p50
 *   of one operation and workerd's CPU per operation; the stream built by pipelined XADDs of
 *   10,000 entries (one XADD each: about 25,000 entries/s on 2 cores), for at most
 *   `fillBudgetS` seconds: a level the fill does not reach in it is measured at the size
 *   reached, and the table says so;
 * - redis-server in-server: one EVAL whose Lua loop runs the same commands `shardOps` times
 *   (no network per command, as the in-shard loop), and over RESP with the same number of
 *   connections as HTTP.
 * Each level has a stream of its own on each side. Before each run (outside the timing) the
 * stream is trimmed back to N (`XTRIM MAXLEN N`) and the group set back to 0 (`XGROUP SETID g
 * 0`), so every run appends to, and reads the oldest entries of, a stream of N. Each figure is
 * the median of `runs` runs, levels and sides interleaved, after one unrecorded round.
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

export const QUEUE_PRESETS = {
  quick: { rounds: 100, warmup: 5, stream: { levels: [1000, 10000], runs: 3, shardOps: 1000, httpOps: 200, respOps: 1000, connections: 10, fillBudgetS: 20 } },
  full: { rounds: 200, warmup: 10, stream: { levels: [1000, 1000000], runs: 7, shardOps: 1000, httpOps: 300, respOps: 1000, connections: 10, fillBudgetS: 50 } },
};

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
    done.res([t, JSON.parse(body)]);
  });
  // A connection the server closes (an idle keep-alive one) fails its request instead of hanging.
  let closed = null;
  socket.on("close", () => {
    closed = new Error(`connection to ${base} closed`);
    pending?.rej(closed);
    pending = null;
  });
  const ready = new Promise((res, rej) => {
    socket.once("connect", res);
    socket.once("error", rej);
  });
  return {
    ready,
    post(command) {
      const body = JSON.stringify(command);
      return new Promise((res, rej) => {
        if (closed) return rej(closed);
        pending = { res, rej };
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
  if (type === "+") return { value: line, end: nl + 2 };
  if (type === "-") return { value: { error: line }, end: nl + 2 };
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

/** A throwaway redis-server with `n` RESP connections, or null when it is not installed. */
async function startRedis(n) {
  if (spawnSync("redis-server", ["--version"]).error) return null;
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const conns = [];
  const stop = () => {
    for (const c of conns) c.close();
    server.kill("SIGTERM");
  };
  try {
    for (let i = 0; i < n; i++) {
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
  } catch (e) {
    stop();
    throw e;
  }
  return { conns, pids: [server.pid], stop };
}

async function redisWake(preset) {
  const redis = await startRedis(3);
  if (!redis) return null;
  try {
    const [waiter, pusher, probe] = redis.conns;
    const call = (conn, argv) => conn.send(argv);
    const blocked = () => probe.send(["INFO", "clients"]).then(([, text]) => infoBlocked(text));
    return await wakeRuns({ waiter, pusher, call, blocked, ...preset, pids: redis.pids });
  } finally {
    redis.stop();
  }
}

// ---- stream queue throughput ----

const GROUP = "g";
const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
};
/** The first ID of an XREADGROUP reply ([[key, [[id, [field, value]]]]]), or null when it read nothing. */
const firstId = (reply) => (Array.isArray(reply) ? reply[0]?.[1]?.[0]?.[0] ?? null : null);

/** An error unless `ok(reply)`. */
function expect(what, reply, ok) {
  if (!ok(reply)) throw new Error(`${what}: ${JSON.stringify(reply)}`);
  return reply;
}

/**
 * `total` operations shared by the connections, one in flight on each (a closed loop);
 * `op(conn, i)` runs one on connection i. Answers op/s, the p50 of one operation (ms) and the
 * server's CPU per operation (ms).
 */
async function closedLoop(conns, total, op, pids) {
  let started = 0;
  const times = [];
  const cpu0 = cpuOf(pids);
  const t0 = now();
  await Promise.all(
    conns.map(async (c, i) => {
      while (started < total) {
        started++;
        const t = now();
        await op(c, i);
        times.push(now() - t);
      }
    }),
  );
  const seconds = (now() - t0) / 1000;
  const cpu = cpuOf(pids) - cpu0;
  times.sort((a, b) => a - b);
  return { ops_per_s: total / seconds, p50_ms: quantile(times, 0.5), cpu_ms_per_op: pids.length ? (cpu * 1000) / total : null };
}

/**
 * Grows a stream to `level` entries through `step(from, count)` (resolves with an error text or
 * null), at most `stepSize` entries a call, until it is there or `budgetS` seconds are spent.
 * Answers the size reached and the seconds spent.
 */
async function fillTo(size, level, stepSize, budgetS, step) {
  let seconds = 0;
  while (size < level) {
    const t = now();
    const count = Math.min(stepSize, level - size);
    const error = await step(size, count);
    if (error) throw new Error(`stream fill: ${error}`);
    size += count;
    seconds += (now() - t) / 1000;
    if (size < level && seconds >= budgetS) break;
  }
  return { size, seconds };
}

/**
 * `request()` once more when it fails to get an answer at all: a pooled keep-alive connection
 * that sat idle through a fill may have been closed by the server, and the request with it.
 */
async function retried(request) {
  try {
    return await request();
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return request();
  }
}

/** The in-shard side: the benchmark Worker's EngineShard `name`. */
function shardSide(bench, name) {
  const call = async (op, body) => {
    const res = await retried(() => fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify({ name, ...body }) }));
    const out = await res.json();
    if (res.status !== 200 || out.error) throw new Error(`engine ${op}: ${out.error ?? res.status}`);
    return out;
  };
  const run = (key, template, n = 1) => call("loop", { template, n, range: 1 });
  const timed = async (fn, n) => {
    const t = now();
    const r = await fn();
    if (r.runs !== n) throw new Error(`in-shard run stopped after ${r.runs} of ${n}`);
    const us = ((now() - t) * 1000) / n;
    return { us_per_op: us, ops_per_s: 1e6 / us };
  };
  return {
    fill: (key, from, count) => call("fill", { kind: "stream", key, from, count }).then(() => null),
    setup: (key) => run(key, [["XGROUP", "CREATE", key, GROUP, "0"]]),
    reset: (key, level) => run(key, [["XTRIM", key, "MAXLEN", String(level)], ["XGROUP", "SETID", key, GROUP, "0"]]),
    xadd: (key, n) => timed(() => run(key, [["XADD", key, "*", "f", "v"]], n), n),
    job: (key, n) => timed(() => call("consume", { key, group: GROUP, consumer: "c", n }), n),
  };
}

/**
 * The HTTP side: the edgekv Worker; each run opens `connections` keep-alive connections (before
 * its clock starts), so that none has sat idle through a fill.
 */
function httpSide(runtime, connections) {
  const post = async (path, body) => {
    const res = await retried(() => fetch(`${runtime.edgekv}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) }));
    return res.json();
  };
  const send = (c, argv) => c.post(argv).then(([, body]) => body);
  const run = async (n, op) => {
    const conns = Array.from({ length: connections }, () => httpConnection(runtime.edgekv));
    try {
      await Promise.all(conns.map((c) => c.ready));
      return await closedLoop(conns, n, op, runtime.pids);
    } finally {
      for (const c of conns) c.close();
    }
  };
  return {
    fill: async (key, from, count) => {
      const out = await post("/pipeline", Array.from({ length: count }, (_, i) => ["XADD", key, `${4_000_000_000_000 + from + i}-0`, "f", `v:${from + i}`]));
      const bad = Array.isArray(out) ? out.find((r) => r.error) : out;
      return bad ? JSON.stringify(bad) : null;
    },
    setup: async (key) => expect("XGROUP CREATE", await post("/", ["XGROUP", "CREATE", key, GROUP, "0"]), (b) => b.result === "OK"),
    reset: async (key, level) => {
      const out = await post("/pipeline", [["XTRIM", key, "MAXLEN", String(level)], ["XGROUP", "SETID", key, GROUP, "0"]]);
      expect("XTRIM, XGROUP SETID", out, (b) => Array.isArray(b) && typeof b[0].result === "number" && b[1].result === "OK");
    },
    xadd: (key, n) => run(n, async (c) => expect("XADD", await send(c, ["XADD", key, "*", "f", "v"]), (b) => typeof b.result === "string")),
    job: (key, n) =>
      run(n, async (c, i) => {
        const read = await send(c, ["XREADGROUP", "GROUP", GROUP, `c${i}`, "COUNT", "1", "STREAMS", key, ">"]);
        const id = expect("XREADGROUP", firstId(read.result), (x) => typeof x === "string");
        expect("XACK", await send(c, ["XACK", key, GROUP, id]), (b) => b.result === 1);
      }),
  };
}

const REDIS_FILL = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], '*', 'f', 'v:' .. i) end return 0";
const REDIS_XADD = "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'f', 'v') end return tonumber(ARGV[1])";
const REDIS_JOBS = `local n = 0
for i = 1, tonumber(ARGV[1]) do
  local r = redis.call('XREADGROUP', 'GROUP', '${GROUP}', 'c', 'COUNT', '1', 'STREAMS', KEYS[1], '>')
  if not r then break end
  redis.call('XACK', KEYS[1], '${GROUP}', r[1][2][1][1])
  n = n + 1
end
return n`;

/** redis-server: a Lua loop inside the server (µs/op) and RESP connections (op/s). */
function redisSide(redis) {
  const [first] = redis.conns;
  const send = async (argv, c = first) => {
    const [, reply] = await c.send(argv);
    if (reply && typeof reply === "object" && "error" in reply) throw new Error(`redis ${argv[0]}: ${reply.error}`);
    return reply;
  };
  const inServer = async (script, key, n) => {
    const t = now();
    const done = await send(["EVAL", script, "1", key, String(n)]);
    const us = ((now() - t) * 1000) / n;
    if (done !== n) throw new Error(`redis in-server run stopped after ${done} of ${n}`);
    return { us_per_op: us, ops_per_s: 1e6 / us };
  };
  return {
    fill: (key, from, count) => send(["EVAL", REDIS_FILL, "1", key, String(from), String(from + count - 1)]).then(() => null),
    setup: (key) => send(["XGROUP", "CREATE", key, GROUP, "0"]),
    reset: async (key, level) => {
      await send(["XTRIM", key, "MAXLEN", String(level)]);
      await send(["XGROUP", "SETID", key, GROUP, "0"]);
    },
    xadd: (key, n) => inServer(REDIS_XADD, key, n),
    job: (key, n) => inServer(REDIS_JOBS, key, n),
    respXadd: (key, n) => closedLoop(redis.conns, n, (c) => send(["XADD", key, "*", "f", "v"], c), redis.pids),
    respJob: (key, n) =>
      closedLoop(
        redis.conns,
        n,
        async (c, i) => {
          const id = expect("XREADGROUP", firstId(await send(["XREADGROUP", "GROUP", GROUP, `c${i}`, "COUNT", "1", "STREAMS", key, ">"], c)), (x) => typeof x === "string");
          expect("XACK", await send(["XACK", key, GROUP, id], c), (x) => x === 1);
        },
        redis.pids,
      ),
  };
}

/**
 * The stream queue rows: one stream per level and side, each filled to its level first; then
 * `runs` rounds (after an unrecorded one), each running, for every level, XADD and then the jobs
 * on every side in turn, the stream reset before each run. Levels and sides interleave, so that
 * a change in the machine's load moves them alike. Figures are medians over the rounds.
 */
async function streamQueue({ runtime, redis, preset }) {
  const { levels, runs, shardOps, httpOps, respOps, connections, fillBudgetS } = preset;
  const http = httpSide(runtime, connections);
  const rs = redis && redisSide(redis);
  // Each level's stream alone in its shard's database (a table's B-tree holds every key's rows):
  // in-shard, an EngineShard per level; over HTTP, hash tags on different shards of 16
  // (bench/workloads.mjs: {a} on shard 15, {b} on shard 3).
  const stamp = Date.now();
  const shards = Object.fromEntries(levels.map((l) => [l, shardSide(runtime.bench, `queues-${stamp}-${l}`)]));
  const tags = ["{a}", "{b}"];
  const out = { levels, runs, shard_ops: shardOps, http_ops: httpOps, resp_ops: respOps, connections, fill: {}, cells: {} };
  const key = (side, level) => `${tags[levels.indexOf(level) % tags.length]}q:stream:${side}:${level}`;
  const step = { shard: 50_000, http: 10_000, redis: 100_000 };
  const sizes = {};
  for (const level of levels) {
    log(`  stream queue: filling streams of ${level} entries`);
    sizes[level] = {};
    out.fill[level] = {};
    for (const [side, s] of Object.entries({ shard: shards[level], http, ...(rs && { redis: rs }) })) {
      const f = await fillTo(0, level, step[side], fillBudgetS, (from, count) => s.fill(key(side, level), from, count));
      sizes[level][side] = f.size;
      out.fill[level][side] = { entries: f.size, seconds: f.seconds };
      await s.setup(key(side, level));
    }
  }
  log(`  stream queue: ${runs} rounds`);
  const samples = {};
  // One unrecorded round first (compilation, each stream's pages in cache).
  for (let round = -1; round < runs; round++) {
    const add = (op, level, side, r) => round >= 0 && (((samples[op] ??= {})[level] ??= {})[side] ??= []).push(r);
    for (const level of levels) {
      const size = sizes[level];
      const shard = shards[level];
      for (const op of ["xadd", "job"]) {
        // A job run reads entries that are there: at most N of them.
        const n = (ops, side) => (op === "job" ? Math.min(ops, size[side]) : ops);
        await shard.reset(key("shard", level), size.shard);
        add(op, level, "shard", await shard[op](key("shard", level), n(shardOps, "shard")));
        await http.reset(key("http", level), size.http);
        add(op, level, "http", await http[op](key("http", level), n(httpOps, "http")));
        if (rs) {
          await rs.reset(key("redis", level), size.redis);
          add(op, level, "redis", await rs[op](key("redis", level), n(shardOps, "redis")));
          await rs.reset(key("redis", level), size.redis);
          add(op, level, "resp", await (op === "xadd" ? rs.respXadd : rs.respJob)(key("redis", level), n(respOps, "redis")));
        }
      }
    }
  }
  for (const [op, byLevel] of Object.entries(samples)) {
    for (const [level, bySide] of Object.entries(byLevel)) {
      const cell = ((out.cells[op] ??= {})[level] = { entries: { shard: sizes[level].shard, http: sizes[level].http, redis: sizes[level].redis ?? null } });
      for (const [side, rows] of Object.entries(bySide)) {
        cell[side] = {};
        for (const field of Object.keys(rows[0])) cell[side][field] = median(rows.map((r) => r[field]));
        cell[side].runs = rows;
      }
    }
  }
  return out;
}

/**
 * Runs the tables and returns their figures. `buildDir` must hold the edgekv bundle (edgekv.js)
 * and, for the stream queue rows, the benchmark Worker's (bench.js); workerd is started there
 * with data under `workDir`.
 */
export async function queueFigures({ buildDir, workDir, quick = false, redis = true, stream = true }) {
  const preset = QUEUE_PRESETS[quick ? "quick" : "full"];
  const started = now();
  const dataDir = join(workDir, "data-queues");
  mkdirSync(dataDir, { recursive: true });
  log("  blocking pop wake-up: edgekv");
  const rt = await startWorkerd({ buildDir, dataDir, edgekvOnly: !stream });
  const result = { preset };
  try {
    result.edgekv = await edgekvWake(rt, preset);
    if (stream) {
      const server = redis ? await startRedis(preset.stream.connections) : null;
      try {
        result.stream = await streamQueue({ runtime: rt, redis: server, preset: preset.stream });
      } finally {
        server?.stop();
      }
    }
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
  if (r.stream) printStreamQueue(r.stream);
  console.log(`queue tables: ${fmt(r.seconds)} s`);
}

const OPS = { xadd: "XADD *", job: "XREADGROUP+XACK" };
/** [header, side, field, decimals] of the stream queue table. */
const COLUMNS = [
  ["shard µs/op", "shard", "us_per_op", 1],
  ["shard op/s", "shard", "ops_per_s", 0],
  ["HTTP op/s", "http", "ops_per_s", 0],
  ["HTTP p50 ms", "http", "p50_ms", 2],
  ["CPU ms/op", "http", "cpu_ms_per_op", 2],
  ["redis µs/op", "redis", "us_per_op", 2],
  ["redis op/s", "redis", "ops_per_s", 0],
  ["RESP op/s", "resp", "ops_per_s", 0],
];

function printStreamQueue(t) {
  console.log(
    `\nStream queue throughput (one stream of N entries; XADD key * f v, and a job: XREADGROUP GROUP g c COUNT 1 STREAMS key > then XACK; ` +
      `medians of ${t.runs} runs; in-shard and redis in-server: ${t.shard_ops} per run in one request / EVAL; ` +
      `HTTP: ${t.http_ops} per run, RESP: ${t.resp_ops} per run, ${t.connections} connections)`,
  );
  const w = [16, 9, ...COLUMNS.map(([h]) => Math.max(9, h.length)), 9];
  const row = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(w[i]) : pad(c, w[i]))).join(" ");
  console.log(row(["op", "N", ...COLUMNS.map(([h]) => h), "÷redis"]));
  const [first, last] = [t.levels[0], t.levels.at(-1)];
  const notes = [];
  for (const [op, label] of Object.entries(OPS)) {
    const byLevel = t.cells[op];
    if (!byLevel) continue;
    for (const level of t.levels) {
      const c = byLevel[level];
      if (!c) continue;
      const ratio = c.shard && c.redis ? c.shard.us_per_op / c.redis.us_per_op : null;
      console.log(row([label, level, ...COLUMNS.map(([, side, field, d]) => fmt(c[side]?.[field], d)), fmt(ratio, 0)]));
      for (const [side, entries] of Object.entries(c.entries)) {
        if (entries !== null && entries < level) notes.push(`${label} at ${level}: ${side} measured at ${entries} entries (its fill's budget ran out)`);
      }
    }
    const a = byLevel[first];
    const b = byLevel[last];
    if (a && b && first !== last) {
      console.log(row([`  ${last} ÷ ${first}`, "", ...COLUMNS.map(([, side, field]) => fmt(b[side]?.[field] / a[side]?.[field], 2)), ""]));
    }
  }
  for (const n of new Set(notes)) console.log(n);
  const fills = Object.entries(t.fill).map(([level, sides]) => `${level}: ${Object.entries(sides).map(([side, f]) => `${side} ${fmt(f.seconds, 1)} s`).join(", ")}`);
  console.log(
    "shard: the Shard class in the benchmark Worker, the loop inside the object (no HTTP per command); HTTP: POST / to the edgekv Worker, a job is two requests, CPU: workerd's per op. " +
      "redis µs/op: a Lua loop in one EVAL; RESP: redis-server over its protocol. ÷redis: shard µs/op ÷ redis µs/op. " +
      `${last} ÷ ${first}: each column at ${last} ÷ at ${first} (µs and ms: above 1 costs more; op/s: below 1 is slower).`,
  );
  console.log(`stream fills: ${fills.join("; ")}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      "no-redis": { type: "boolean", default: false },
      "no-stream-queue": { type: "boolean", default: false },
    },
  });
  const stream = !values["no-stream-queue"];
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-queues-"));
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    if (stream) await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
    printQueues(await queueFigures({ buildDir: work, workDir: work, quick: values.quick, redis: !values["no-redis"], stream }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
