/**
 * Pub/Sub figures (docs/pubsub.md "Measured"): `npm run bench` prints them as a table of their
 * own; `node bench/pubsub.mjs [--quick] [--no-redis]` runs this table alone.
 *
 * Under bare workerd (bench/runtimes.mjs startWorkerd), on loopback, from one Node process:
 *
 * - **Latency.** S subscribers (S = 1, 100, 1,000) on one channel, each a `/ws` socket placed on
 *   a gateway by the Worker (at random over the shards). One PUBLISH at a time over HTTP
 *   (`POST /`); a message's latency at one subscriber is its arrival (the socket's `message`
 *   event) minus the moment just before the PUBLISH request was sent, both on the Node client's
 *   clock (`performance.now()`). The next PUBLISH waits until every subscriber has the message.
 *   p50/p99 over every (message, subscriber) pair; "all" is the time until the last subscriber
 *   has a message. The client handles the S arrivals one after another on its one thread, so at
 *   S = 1,000 the figures include the client's own time per frame.
 * - **Fan-out rate.** PUBLISHes in pipelines (`POST /pipeline`, PIPE per request, 2 requests in
 *   flight) until every subscriber has every message: messages/s and frames/s from the first
 *   send to the last arrival, and the server's CPU per frame (workerd's user + system time).
 *   Once with 16 shards (the sockets spread over the gateways: the home sends one `deliver` RPC
 *   per gateway with subscribers, each gateway its frames) and once with SHARDS=1 (the home is the
 *   only gateway: one object writes every frame itself). Locally every object shares workerd's
 *   one thread, so the 16-shard figure is the whole deployment on one thread.
 * - **A command over an open socket vs HTTP.** `["GET","k"]` frames on one `/ws` socket, one at a
 *   time, against the same GET as `POST /` and as `GET /get/k` (one keep-alive connection),
 *   interleaved in rounds; medians of the rounds' p50 and p99, CPU ms per command.
 * - **Reference.** The same latency and fan-out with redis-server over RESP, when installed.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { TOKEN, cpuOf, freePort, startWorkerd } from "./runtimes.mjs";

export const PUBSUB_PRESETS = {
  quick: { latency: { 1: 100, 100: 40, 1000: 10 }, rate: { 1: 1000, 100: 200, 1000: 40 }, pipe: 20, commands: 300, rounds: 2 },
  full: { latency: { 1: 300, 100: 100, 1000: 30 }, rate: { 1: 4000, 100: 500, 1000: 100 }, pipe: 50, commands: 1000, rounds: 3 },
};

const now = () => performance.now();
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const log = (...a) => console.error(...a);

// ---- edgekv clients ----

/**
 * One `/ws` socket over a plain TCP connection (RFC 6455 framing by hand: the server's frames
 * are unmasked text frames, the client's masked). Node's built-in WebSocket costs the client
 * tens of µs per frame, which made the client, not the server, the limit at 1,000 subscribers;
 * this one costs about what the RESP client below does. Pushes go to `onPush(t, frame)`,
 * replies to the callers of `call`, in order.
 */
async function openSocket(base) {
  const { hostname, port } = new URL(base);
  const socket = net.createConnection({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  const replies = [];
  const sock = {
    onPush: (_t, _r) => {},
    call(cmd) {
      return new Promise((res) => {
        replies.push(res);
        sock.send(JSON.stringify(cmd));
      });
    },
    send(text, opcode = 1) {
      const payload = Buffer.from(text);
      const n = payload.length;
      const head = Buffer.alloc(n < 126 ? 6 : 8);
      head[0] = 0x80 | opcode;
      if (n < 126) head[1] = 0x80 | n;
      else {
        head[1] = 0x80 | 126;
        head.writeUInt16BE(n, 2);
      }
      const mask = randomBytes(4);
      mask.copy(head, head.length - 4);
      for (let i = 0; i < n; i++) payload[i] ^= mask[i & 3];
      socket.write(Buffer.concat([head, payload]));
    },
    close() {
      if (!socket.destroyed) sock.send("", 8);
      socket.end();
    },
  };
  const frame = (t, text) => {
    const f = JSON.parse(text);
    const r = f.result;
    if (Array.isArray(r) && r[0] === "message") sock.onPush(t, r);
    else replies.shift()?.(f);
  };
  await new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let open = false;
    socket.once("error", reject);
    socket.on("data", (chunk) => {
      const t = now();
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let at = 0;
      if (!open) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = buf.toString("latin1", 0, buf.indexOf("\r\n"));
        if (!status.startsWith("HTTP/1.1 101")) return reject(new Error(`/ws: ${status}`));
        open = true;
        at = end + 4;
        resolve(undefined);
      }
      while (buf.length - at >= 2) {
        const b0 = buf[at];
        let len = buf[at + 1] & 0x7f;
        let off = at + 2;
        if (len === 126) {
          if (buf.length - at < 4) break;
          len = buf.readUInt16BE(at + 2);
          off = at + 4;
        } else if (len === 127) {
          if (buf.length - at < 10) break;
          len = Number(buf.readBigUInt64BE(at + 2));
          off = at + 10;
        }
        if (buf.length < off + len) break;
        const opcode = b0 & 0x0f;
        if ((b0 & 0x80) === 0) throw new Error("/ws: a fragmented frame (not expected from the server)");
        if (opcode === 1) frame(t, buf.toString("utf8", off, off + len));
        else if (opcode === 9) sock.send(buf.toString("utf8", off, off + len), 10);
        at = off + len;
      }
      buf = buf.subarray(at);
    });
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET /ws?_token=${TOKEN} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  return sock;
}

/**
 * One keep-alive HTTP/1.1 connection by hand, requests one at a time: the HTTP side of the
 * command comparison, so that both sides pay the same small client cost.
 */
function httpConnection(base) {
  const { hostname, port } = new URL(base);
  const socket = net.createConnection({ host: hostname, port: Number(port) });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let pending = null;
  socket.on("data", (chunk) => {
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
      // chunked: the whole body has come once the last chunk has
      const last = buf.indexOf("\r\n0\r\n\r\n", end + 2);
      if (last < 0) return;
      const parts = [];
      let at = end + 4;
      for (;;) {
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
    done(JSON.parse(body));
  });
  const ready = new Promise((res, rej) => {
    socket.once("connect", res);
    socket.once("error", rej);
  });
  return {
    async request(method, path, body = "") {
      await ready;
      return new Promise((res) => {
        pending = res;
        const len = Buffer.byteLength(body);
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${len}\r\n\r\n${body}`);
      });
    },
    close: () => socket.end(),
  };
}

async function rest(base, body, path = "/") {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  return res.json();
}

/** Grows `socks` to `n` sockets subscribed to `channel` (100 opened at a time). */
async function subscribeUpTo(base, socks, n, channel) {
  while (socks.length < n) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, n - socks.length) }, () => openSocket(base)));
    const replies = await Promise.all(batch.map((s) => s.call(["SUBSCRIBE", channel])));
    for (const r of replies) if (!Array.isArray(r.result) || r.result[0] !== "subscribe") throw new Error(`SUBSCRIBE: ${JSON.stringify(r)}`);
    socks.push(...batch);
  }
}

/**
 * The shared core of both systems' measurements: `subs` receivers whose pushes are routed to
 * `arrive(t, index)`; `publishOne(i)` and `publishMany(from, count)` send messages by index.
 */
function tracker(count, subscribers) {
  const t0 = new Float64Array(count);
  const left = new Int32Array(count).fill(subscribers);
  const last = new Float64Array(count);
  const latencies = [];
  const done = [];
  return {
    t0,
    latencies,
    last,
    /** A promise for message i's last arrival. */
    wait: (i) => new Promise((res) => (done[i] = res)),
    arrive(t, i) {
      latencies.push(t - t0[i]);
      last[i] = t;
      if (--left[i] === 0) done[i]?.();
    },
    allIn: (i) => left[i] === 0,
  };
}

/** Latency: one message at a time. `publish(i)` resolves with the PUBLISH reply. */
async function latencyRun(count, subscribers, attach, publish) {
  const tr = tracker(count, subscribers);
  attach(tr);
  const replyMs = [];
  for (let i = 0; i < count; i++) {
    const arrived = tr.wait(i);
    tr.t0[i] = now();
    const reply = await publish(i);
    replyMs.push(now() - tr.t0[i]);
    if (reply !== subscribers) throw new Error(`PUBLISH counted ${reply}, expected ${subscribers}`);
    if (!tr.allIn(i)) await arrived;
  }
  const lat = tr.latencies.sort((a, b) => a - b);
  const all = Array.from({ length: count }, (_, i) => tr.last[i] - tr.t0[i]).sort((a, b) => a - b);
  return {
    subscribers,
    messages: count,
    samples: lat.length,
    p50_ms: quantile(lat, 0.5),
    p99_ms: quantile(lat, 0.99),
    all_p50_ms: quantile(all, 0.5),
    reply_p50_ms: median(replyMs),
  };
}

/** Fan-out rate: `count` messages in batches of `pipe`, 2 batches in flight. */
async function rateRun(count, subscribers, pipe, attach, publishBatch, pids) {
  const tr = tracker(count, subscribers);
  attach(tr);
  const cpu0 = cpuOf(pids);
  const client0 = process.cpuUsage();
  const start = now();
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const from = next;
      const n = Math.min(pipe, count - from);
      next += n;
      for (let i = from; i < from + n; i++) tr.t0[i] = now();
      await publishBatch(from, n);
    }
  };
  await Promise.all([sender(), sender()]);
  await Promise.all(Array.from({ length: count }, (_, i) => (tr.allIn(i) ? null : tr.wait(i))));
  const end = Math.max(...tr.last);
  const seconds = (end - start) / 1000;
  const cpu = cpuOf(pids) - cpu0;
  const client = process.cpuUsage(client0);
  return {
    subscribers,
    messages: count,
    pipe,
    seconds,
    messages_per_s: count / seconds,
    frames_per_s: (count * subscribers) / seconds,
    server_cpu_us_per_frame: pids.length ? (cpu * 1e6) / (count * subscribers) : null,
    client_cpu_pct: ((client.user + client.system) / 1e3 / (end - start)) * 100,
  };
}

async function edgekvPubsub(runtime, preset, levels, { latency, rate }) {
  const base = runtime.edgekv;
  const socks = [];
  const out = { latency: [], rate: [] };
  const attachTo = (channel) => (tr) => {
    for (const s of socks) s.onPush = (t, r) => r[1] === channel && tr.arrive(t, Number(r[2]));
  };
  for (const S of levels) {
    const before = socks.length;
    await subscribeUpTo(base, socks, S, "ps:lat");
    await Promise.all(socks.slice(before, S).map((s) => s.call(["SUBSCRIBE", "ps:rate"])));
    if (latency) {
      // A few messages first: wakes the gateways and their chains.
      await latencyRun(3, S, attachTo("ps:lat"), (i) => rest(base, ["PUBLISH", "ps:lat", String(i)]).then((r) => r.result));
      const r = await latencyRun(preset.latency[S], S, attachTo("ps:lat"), (i) => rest(base, ["PUBLISH", "ps:lat", String(i)]).then((r) => r.result));
      out.latency.push(r);
      log(`    ${S} subscriber(s): p50 ${r.p50_ms.toFixed(2)} ms, p99 ${r.p99_ms.toFixed(2)} ms`);
    }
    if (rate) {
      const batch = (from, n) =>
        rest(base, Array.from({ length: n }, (_, k) => ["PUBLISH", "ps:rate", String(from + k)]), "/pipeline").then((rs) => {
          for (const r of rs) if (r.result !== S) throw new Error(`PUBLISH in a pipeline: ${JSON.stringify(r)}`);
        });
      const r = await rateRun(preset.rate[S], S, preset.pipe, attachTo("ps:rate"), batch, runtime.pids);
      out.rate.push(r);
      log(`    ${S} subscriber(s): ${r.messages_per_s.toFixed(0)} msg/s, ${r.frames_per_s.toFixed(0)} frames/s`);
    }
  }
  for (const s of socks) s.close();
  return out;
}

/** A command over an open socket vs the same command over HTTP, interleaved in rounds. */
async function commandRuns(runtime, preset) {
  const base = runtime.edgekv;
  await rest(base, ["SET", "k", "v".repeat(32)]);
  const sock = await openSocket(base);
  const http = httpConnection(base);
  const ways = {
    "/ws frame": () => sock.call(["GET", "k"]),
    "POST /": () => http.request("POST", "/", '["GET","k"]'),
    "GET /get/k": () => http.request("GET", "/get/k"),
  };
  const samples = Object.fromEntries(Object.keys(ways).map((w) => [w, []]));
  for (const call of Object.values(ways)) for (let i = 0; i < 50; i++) await call();
  for (let round = 0; round < preset.rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(ways) : Object.keys(ways).reverse();
    for (const way of order) {
      const ms = [];
      const cpu0 = cpuOf(runtime.pids);
      for (let i = 0; i < preset.commands; i++) {
        const t = now();
        const r = await ways[way]();
        ms.push(now() - t);
        if (r.result !== "v".repeat(32)) throw new Error(`${way}: ${JSON.stringify(r)}`);
      }
      const cpu = cpuOf(runtime.pids) - cpu0;
      ms.sort((a, b) => a - b);
      samples[way].push({ p50_ms: quantile(ms, 0.5), p99_ms: quantile(ms, 0.99), cpu_ms_per_cmd: (cpu * 1000) / preset.commands });
    }
  }
  sock.close();
  http.close();
  return Object.entries(samples).map(([way, s]) => ({
    transport: way,
    commands: preset.commands,
    rounds: preset.rounds,
    p50_ms: median(s.map((x) => x.p50_ms)),
    p99_ms: median(s.map((x) => x.p99_ms)),
    cpu_ms_per_cmd: median(s.map((x) => x.cpu_ms_per_cmd)),
  }));
}

// ---- redis-server over RESP ----

/** A RESP2 connection: replies in order to `call`, pushes (`message` arrays) to `onPush`. */
function respConnection(port) {
  const socket = net.createConnection({ port, host: "127.0.0.1" });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  const replies = [];
  const conn = {
    socket,
    onPush: (_t, _r) => {},
    ready: new Promise((res, rej) => {
      socket.once("connect", res);
      socket.once("error", rej);
    }),
    /** Sends commands in one write; resolves with their replies. */
    send(cmds) {
      const parts = [];
      for (const cmd of cmds) {
        parts.push(`*${cmd.length}\r\n`);
        for (const a of cmd) parts.push(`$${Buffer.byteLength(String(a))}\r\n${a}\r\n`);
      }
      const all = cmds.map(() => new Promise((res) => replies.push(res)));
      socket.write(parts.join(""));
      return Promise.all(all);
    },
  };
  socket.on("data", (chunk) => {
    const t = now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const p = parseResp(buf, at);
      if (!p) break;
      at = p.end;
      if (Array.isArray(p.value) && p.value[0] === "message") conn.onPush(t, p.value);
      else replies.shift()?.(p.value);
    }
    buf = buf.subarray(at);
  });
  return conn;
}

function parseResp(buf, at) {
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
    const items = [];
    let end = nl + 2;
    for (let i = 0; i < n; i++) {
      const p = parseResp(buf, end);
      if (!p) return null;
      items.push(p.value);
      end = p.end;
    }
    return { value: items, end };
  }
  throw new Error(`RESP type ${type}`);
}

async function redisPubsub(preset, levels) {
  if (spawnSync("redis-server", ["--version"]).error) return null;
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxclients", "4000"], { stdio: "ignore" });
  const conns = [];
  try {
    let pub;
    for (let i = 0; i < 100; i++) {
      try {
        pub = respConnection(port);
        await pub.ready;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const out = { latency: [], rate: [] };
    const attachTo = (channel) => (tr) => {
      for (const c of conns) c.onPush = (t, r) => r[1] === channel && tr.arrive(t, Number(r[2]));
    };
    for (const S of levels) {
      while (conns.length < S) {
        const c = respConnection(port);
        await c.ready;
        await c.send([["SUBSCRIBE", "ps:lat", "ps:rate"]]).catch(() => null);
        conns.push(c);
      }
      // SUBSCRIBE's replies are pushes of their own kind; wait until the server counts them all.
      const [[, numsub]] = await pub.send([["PUBSUB", "NUMSUB", "ps:lat"]]);
      if (Number(numsub) !== S) throw new Error(`redis NUMSUB ${numsub}, expected ${S}`);
      out.latency.push(await latencyRun(preset.latency[S], S, attachTo("ps:lat"), (i) => pub.send([["PUBLISH", "ps:lat", String(i)]]).then((r) => r[0])));
      const batch = (from, n) => pub.send(Array.from({ length: n }, (_, k) => ["PUBLISH", "ps:rate", String(from + k)]));
      out.rate.push(await rateRun(preset.rate[S], S, preset.pipe, attachTo("ps:rate"), batch, [server.pid]));
    }
    pub.socket.destroy();
    return out;
  } finally {
    for (const c of conns) c.socket.destroy();
    server.kill("SIGTERM");
  }
}

// ---- the table ----

/**
 * Runs every part and returns the figures. `buildDir` must hold the edgekv bundle (edgekv.js);
 * workerd is started there (16 shards, then 1) with data under `workDir`.
 */
export async function pubsubFigures({ buildDir, workDir, quick = false, redis = true }) {
  const preset = PUBSUB_PRESETS[quick ? "quick" : "full"];
  const levels = [1, 100, 1000];
  const started = now();
  const result = { preset, levels };
  const start = async (name, shards) => {
    const dataDir = join(workDir, `pubsub-${name}`);
    mkdirSync(dataDir, { recursive: true });
    return startWorkerd({ buildDir, dataDir, shards, edgekvOnly: true });
  };
  log("  pub/sub: 16 shards");
  let rt = await start("16", "16");
  try {
    Object.assign(result, await edgekvPubsub(rt, preset, levels, { latency: true, rate: true }));
    log("  pub/sub: GET over /ws vs HTTP");
    result.commands = await commandRuns(rt, preset);
  } finally {
    await rt.stop();
  }
  log("  pub/sub: 1 shard (the home is the only gateway)");
  rt = await start("1", "1");
  try {
    result.rate_one_object = (await edgekvPubsub(rt, preset, levels, { latency: false, rate: true })).rate;
  } finally {
    await rt.stop();
  }
  if (redis) {
    log("  pub/sub: redis-server");
    result.redis = await redisPubsub(preset, levels);
  }
  result.seconds = (now() - started) / 1000;
  return result;
}

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));
const pad = (s, n) => String(s).padStart(n);

export function printPubsub(r) {
  const row = (cells, widths) => cells.map((c, i) => pad(c, widths[i])).join(" ");
  const byS = (rows, S) => rows?.find((x) => x.subscribers === S);
  console.log(
    `\nPub/Sub latency (bare workerd, 16 shards; /ws subscribers placed by the Worker; one PUBLISH at a time over POST /; ` +
      `Node client's clock, from just before the PUBLISH is sent to each arrival; p50/p99 over every message × subscriber)`,
  );
  let w = [11, 8, 8, 8, 8, 9, 9, 10, 10, 8];
  console.log(row(["subscribers", "messages", "p50 ms", "p99 ms", "all p50", "reply p50", "redis p50", "redis p99", "redis all", "÷redis"], w));
  for (const S of r.levels) {
    const e = byS(r.latency, S);
    const x = byS(r.redis?.latency, S);
    if (!e) continue;
    console.log(row([S, e.messages, fmt(e.p50_ms, 2), fmt(e.p99_ms, 2), fmt(e.all_p50_ms, 2), fmt(e.reply_p50_ms, 2), fmt(x?.p50_ms, 3), fmt(x?.p99_ms, 3), fmt(x?.all_p50_ms, 3), fmt(x ? e.p50_ms / x.p50_ms : null, 0)], w));
  }
  console.log("all p50: median time until the last subscriber has a message; reply p50: PUBLISH's HTTP round trip; ÷redis: p50 ÷ redis p50.");

  console.log(`\nPub/Sub fan-out per hub (PUBLISH in pipelines of ${r.preset.pipe}, 2 in flight, until every subscriber has every message)`);
  w = [22, 11, 8, 8, 10, 11, 9, 10, 11];
  console.log(row(["edgekv", "subscribers", "messages", "msg/s", "frames/s", "CPU µs/frm", "client %", "redis msg/s", "redis frm/s"], w));
  for (const [label, rows] of [["16 shards (gateways)", r.rate], ["1 shard (home only)", r.rate_one_object]]) {
    for (const S of r.levels) {
      const e = byS(rows, S);
      const x = byS(r.redis?.rate, S);
      if (!e) continue;
      console.log(row([label, S, e.messages, fmt(e.messages_per_s), fmt(e.frames_per_s), fmt(e.server_cpu_us_per_frame, 1), fmt(e.client_cpu_pct), fmt(x?.messages_per_s), fmt(x?.frames_per_s)], w));
    }
  }
  console.log("CPU µs/frm: workerd's CPU (every object and the Worker, one thread) ÷ frames delivered; client %: the Node client's CPU over the run (100 = one core).");

  console.log(`\nA command over an open /ws socket vs HTTP (GET of a 32-byte value, one at a time, one connection; ${r.commands[0].commands} per round, median of ${r.commands[0].rounds} rounds)`);
  w = [12, 8, 8, 11, 9, 9];
  const ws = r.commands.find((c) => c.transport === "/ws frame");
  console.log(row(["transport", "p50 ms", "p99 ms", "CPU ms/cmd", "÷ws p50", "÷ws CPU"], w));
  for (const c of r.commands) {
    console.log(row([c.transport, fmt(c.p50_ms, 3), fmt(c.p99_ms, 3), fmt(c.cpu_ms_per_cmd, 3), fmt(c.p50_ms / ws.p50_ms, 2), fmt(c.cpu_ms_per_cmd / ws.cpu_ms_per_cmd, 2)], w));
  }
  console.log(`pub/sub table: ${fmt(r.seconds)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, "no-redis": { type: "boolean", default: false } } });
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-pubsub-"));
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    const r = await pubsubFigures({ buildDir: work, workDir: work, quick: values.quick, redis: !values["no-redis"] });
    printPubsub(r);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
