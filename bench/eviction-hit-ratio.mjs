/**
 * `node bench/eviction-hit-ratio.mjs [--keys N] [--ops N] [--fit F]`: the same cache trace replayed
 * against redis-server 7.0 and against an edgekv shard under each evicting `maxmemory-policy`,
 * and the hit ratios side by side (docs/memory-eviction.md has a run's table).
 *
 * The trace (seeded, so both servers see the same one): `ops` accesses to `keys` keys, popularity
 * Zipf-distributed (s = 0.99) over a random permutation of the keys; 90 % reads, 10 % writes. A
 * read is a GET, and a miss is followed by a SET of the key, as a cache-aside client fills its
 * cache; every other key has a TTL (for the volatile policies). Values are 100 bytes.
 *
 * Both servers get a budget that holds `fit` of the keys: each is loaded once with every key and
 * no limit, its memory per key measured (Redis's used_memory, edgekv's accounting); edgekv's
 * `maxmemory` is `fit × keys` keys' worth, Redis's is calibrated until loading every key leaves
 * `fit × keys` of them (its used memory includes more than the keys). Then, per policy, every key
 * is written once and the trace replayed. maxmemory-samples is 5 on both. Hit ratio: hits ÷
 * reads after the first 20 % of the trace (warm-up).
 *
 * edgekv runs in-shard (bench/worker.ts `/engine/replay`, under workerd), so no HTTP per access;
 * redis-server over a socket, one command at a time.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { freePort, startWorkerd } from "./runtimes.mjs";

const { values: flags } = parseArgs({
  options: {
    keys: { type: "string", default: "5000" },
    ops: { type: "string", default: "100000" },
    fit: { type: "string", default: "0.2" },
  },
});
const KEYS = Number(flags.keys);
const OPS = Number(flags.ops);
const FIT = Number(flags.fit);
const VALUE = "v".repeat(1000);
const POLICIES = ["allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"];
const WARMUP = Math.floor(OPS * 0.2);

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A key's TTL in seconds (0: none): nine keys in ten have one, so what must stay fits the budget. */
const ttlOf = (k) => (k % 10 === 0 ? 0 : 3600 + (k % 1000));

/** The trace: [kind, key, ttl seconds (0: none)] per access. */
function makeTrace() {
  const random = mulberry32(12);
  const perm = Array.from({ length: KEYS }, (_, i) => i);
  for (let i = KEYS - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const cdf = new Float64Array(KEYS);
  let sum = 0;
  for (let i = 0; i < KEYS; i++) cdf[i] = sum += 1 / Math.pow(i + 1, 0.99);
  const pick = () => {
    const u = random() * sum;
    let lo = 0;
    let hi = KEYS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo];
  };
  return Array.from({ length: OPS }, () => {
    const k = pick();
    return [random() < 0.9 ? "r" : "w", `key:${k}`, ttlOf(k)];
  });
}

/** A minimal RESP client: one command at a time. */
class Resp {
  constructor(port) {
    this.port = port;
    this.buf = Buffer.alloc(0);
    this.waiting = [];
  }
  async connect() {
    this.sock = net.connect(this.port, "127.0.0.1");
    await new Promise((res, rej) => this.sock.once("connect", res).once("error", rej));
    this.sock.on("data", (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
  }
  drain() {
    while (this.waiting.length) {
      const r = parse(this.buf, 0);
      if (!r) return;
      this.buf = this.buf.subarray(r.end);
      this.waiting.shift()(r.value);
    }
  }
  call(...args) {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${Buffer.byteLength(String(a))}\r\n${a}\r\n`);
    this.sock.write(parts.join(""));
    return new Promise((res) => this.waiting.push(res));
  }
  close() {
    this.sock.end();
  }
}

function parse(buf, at) {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return null;
  const line = buf.toString("utf8", at + 1, eol);
  switch (String.fromCharCode(buf[at])) {
    case "+":
      return { value: line, end: eol + 2 };
    case "-":
      return { value: { error: line }, end: eol + 2 };
    case ":":
      return { value: Number(line), end: eol + 2 };
    case "$": {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return null;
      return { value: buf.toString("utf8", eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case "*": {
      const n = Number(line);
      const out = [];
      let end = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, end);
        if (!r) return null;
        out.push(r.value);
        end = r.end;
      }
      return { value: out, end };
    }
  }
  throw new Error(`bad reply ${line}`);
}

const setArgs = (key, ttl) => (ttl > 0 ? ["SET", key, VALUE, "EX", ttl] : ["SET", key, VALUE]);

async function usedMemory(c) {
  const info = await c.call("INFO", "memory");
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function redisRatios(trace) {
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  try {
    for (let i = 0; i < 50; i++) {
      if (spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.includes("PONG")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const c = new Resp(port);
    await c.connect();
    const version = /redis_version:(\S+)/.exec(await c.call("INFO", "server"))[1];
    const empty = await usedMemory(c);
    for (let k = 0; k < KEYS; k++) await c.call(...setArgs(`key:${k}`, ttlOf(k)));
    const perKey = ((await usedMemory(c)) - empty) / KEYS;
    const out = {};
    for (const policy of POLICIES) {
      await c.call("FLUSHALL");
      await c.call("CONFIG", "RESETSTAT");
      await c.call("CONFIG", "SET", "maxmemory-policy", policy);
      await c.call("CONFIG", "SET", "maxmemory-samples", "5");
      // Redis's used memory includes more than the keys (and moves after a FLUSHALL): the limit is
      // calibrated until loading every key leaves `fit × keys` of them.
      const target = Math.round(FIT * KEYS);
      let limit = (await usedMemory(c)) + target * perKey;
      for (let round = 0; round < 6; round++) {
        await c.call("CONFIG", "SET", "maxmemory", String(Math.round(limit)));
        for (let k = 0; k < KEYS; k++) await c.call(...setArgs(`key:${k}`, ttlOf(k)));
        const n = await c.call("DBSIZE");
        if (Math.abs(n - target) <= target * 0.01) break;
        limit += (target - n) * perKey;
      }
      await c.call("CONFIG", "RESETSTAT");
      let hits = 0;
      let reads = 0;
      for (let i = 0; i < trace.length; i++) {
        const [kind, key, ttl] = trace[i];
        if (kind === "w") {
          await c.call(...setArgs(key, ttl));
          continue;
        }
        const got = await c.call("GET", key);
        if (i >= WARMUP) {
          reads++;
          if (got !== null) hits++;
        }
        if (got === null) await c.call(...setArgs(key, ttl));
      }
      const evicted = Number(/evicted_keys:(\d+)/.exec(await c.call("INFO", "stats"))[1]);
      out[policy] = { ratio: hits / reads, evicted, keys: await c.call("DBSIZE") };
      await c.call("CONFIG", "SET", "maxmemory", "0");
    }
    c.close();
    return { version, perKey, ratios: out };
  } finally {
    server.kill();
  }
}

async function engine(bench, op, body) {
  const res = await fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  // A replay's OOM replies are part of the result (a volatile policy with no key left to evict).
  if (res.status !== 200 || (out && out.error && !String(out.error).startsWith("OOM"))) throw new Error(`engine ${op}: ${out.error}`);
  return out;
}

async function edgekvRatios(trace) {
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-hit-ratio-"));
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    await bundle(join(ROOT, "bench/worker.ts"), join(work, "bench.js"));
    const dataDir = join(work, "data");
    mkdirSync(dataDir, { recursive: true });
    const runtime = await startWorkerd({ buildDir: work, dataDir });
    try {
      const CHUNK = 10_000;
      const replay = async (name, ops) => {
        let hits = 0;
        let misses = 0;
        let last = null;
        for (let at = 0; at < ops.length; at += CHUNK) {
          last = await engine(runtime.bench, "replay", { name, ops: ops.slice(at, at + CHUNK), value: VALUE });
          hits += last.hits;
          misses += last.misses;
        }
        return { hits, misses, evicted: last?.evicted ?? 0, used: last?.used ?? 0, keys: last?.keys ?? 0 };
      };
      const sizing = `hit-ratio-size-${Date.now()}`;
      await engine(runtime.bench, "config", { name: sizing, config: { maxmemory: "0" } });
      const loadAll = Array.from({ length: KEYS }, (_, k) => ["w", `key:${k}`, ttlOf(k)]);
      const loaded = await replay(sizing, loadAll);
      const perKey = loaded.used / KEYS;
      const out = {};
      for (const policy of POLICIES) {
        const name = `hit-ratio-${policy}-${Date.now()}`;
        await engine(runtime.bench, "config", { name, config: { maxmemory: String(Math.round(FIT * KEYS * perKey)), "maxmemory-policy": policy, "maxmemory-samples": "5" } });
        // As on redis-server: every key loaded once (what fits stays), then the trace.
        await replay(name, loadAll);
        await replay(name, trace.slice(0, WARMUP));
        const r = await replay(name, trace.slice(WARMUP));
        out[policy] = { ratio: r.hits / (r.hits + r.misses), evicted: r.evicted, keys: r.keys };
      }
      return { perKey, ratios: out };
    } finally {
      await runtime.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const trace = makeTrace();
console.log(`trace: ${KEYS} keys, ${OPS} accesses (Zipf 0.99, 90 % reads, cache-aside fill), budget ${FIT * 100} % of the keys, maxmemory-samples 5`);
const redis = await redisRatios(trace);
const edgekv = await edgekvRatios(trace);
console.log(`memory per key: redis-server ${redis.version} ${redis.perKey.toFixed(0)} B, edgekv ${edgekv.perKey.toFixed(0)} B`);
console.log("");
console.log(`| policy | redis-server ${redis.version} | edgekv | difference (points) | keys held at the end (redis / edgekv) |`);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const p of POLICIES) {
  const a = redis.ratios[p].ratio * 100;
  const b = edgekv.ratios[p].ratio * 100;
  console.log(`| ${p} | ${a.toFixed(1)} % | ${b.toFixed(1)} % | ${(b - a).toFixed(1)} | ${redis.ratios[p].keys} / ${edgekv.ratios[p].keys} |`);
}
