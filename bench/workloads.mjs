/**
 * The HTTP workloads, and how each store expresses them.
 *
 * - get_hit    read one of 1,000 preloaded keys (32-byte values)
 * - get_miss   read a key that does not exist
 * - set        write one of 10,000 keys (32-byte value)
 * - incr_hot   increment one counter (every request on the same key)
 * - incr_many  increment one of 10,000 counters
 * - mget10     read 10 preloaded keys in one request (edgekv: MGET, fanned out over shards)
 * - pipe100    100 mixed commands in one request: 50 GET, 30 SET, 20 INCR (commands/s = req/s × 100)
 * - pipe100_1shard  the same with every key under one hash tag, so edgekv runs it on one shard
 *              (the other stores have no shards: their pipe100 figures stand for both)
 * - evalsha    EVALSHA of @upstash/ratelimit's fixed-window limiter script (loaded beforehand;
 *              bench/limiter-script.mjs) on one of 10,000 counters, a limit every call passes
 * - rl_fixed, rl_sliding, rl_log, rl_bucket, rl_gcra, cl_throttle
 *              one rate-limit decision of that algorithm on one of 10,000 keys (limits high
 *              enough that every decision allows and writes)
 * - rl_hot     one sliding-window decision, every request on the same key
 * - lock_cycle LOCK.ACQUIRE then LOCK.RELEASE of one of 10,000 locks in one /pipeline
 *              (one request = one cycle = two commands)
 *              (the other stores have none of these: their incr_many figures stand beside them)
 * - mset2_1shard / mset2_2shards    MSET of two keys on one shard (a shared hash tag) or on two
 *              shards (a cross-shard transaction: prepare, decide, commit); edgekv only
 * - multi2_1shard / multi2_2shards  /multi-exec of DECRBY a / INCRBY b, a and b on one shard or
 *              on two; edgekv only
 * - eval2_1shard / eval2_2shards  EVAL of a two-key transfer script (DECRBY KEYS[1], INCRBY
 *              KEYS[2]), keys on one shard or on two (gather, run, scatter); edgekv only
 *
 * Stores: edgekv (the product Worker, Upstash REST: POST / and POST /pipeline), do (a bare
 * Durable Object over RPC, one object), kv (Workers KV; no INCR: get then put, not atomic),
 * d1 (one table, key primary key; INCR is one UPSERT … RETURNING), const (a constant response).
 */
import { FIXED_WINDOW_SCRIPT, FIXED_WINDOW_SHA } from "./limiter-script.mjs";
import { TOKEN } from "./runtimes.mjs";

export const WORKLOADS = [
  "get_hit", "get_miss", "set", "incr_hot", "incr_many", "mget10", "pipe100", "pipe100_1shard",
  "evalsha", "rl_fixed", "rl_sliding", "rl_log", "rl_bucket", "rl_gcra", "cl_throttle", "rl_hot", "lock_cycle",
  "mset2_1shard", "mset2_2shards", "multi2_1shard", "multi2_2shards", "eval2_1shard", "eval2_2shards",
];
/** Workloads left out of `--quick` (it keeps rl_sliding and lock_cycle). */
export const FULL_ONLY = new Set(["rl_fixed", "rl_log", "rl_bucket", "rl_gcra", "cl_throttle", "rl_hot"]);
/**
 * Workloads per runtime, so that the full run stays within its ten-minute budget. Bare workerd
 * runs them all. Miniflare (the runtime of `wrangler dev`) runs those that KV and D1 are
 * compared on, plus one script and one rate-limit decision. Through `npm start` (wrangler's proxy
 * in front) only the core ones: the rest would repeat the same ~2 ms of proxy CPU per request.
 */
const CORE = ["get_hit", "get_miss", "set", "incr_hot", "incr_many", "mget10", "pipe100", "pipe100_1shard"];
export const RUNTIME_WORKLOADS = {
  miniflare: new Set([...CORE, "evalsha", "rl_sliding", "lock_cycle"]),
  wrangler: new Set([...CORE.filter((w) => w !== "incr_hot"), "rl_sliding"]),
};
export const COMMANDS_PER_REQUEST = { pipe100: 100, pipe100_1shard: 100, lock_cycle: 2 };
/** Workloads only edgekv runs; the other stores' figures are those of the workload named. */
export const EDGEKV_ONLY = {
  pipe100_1shard: "pipe100",
  evalsha: "incr_many",
  rl_fixed: "incr_many",
  rl_sliding: "incr_many",
  rl_log: "incr_many",
  rl_bucket: "incr_many",
  rl_gcra: "incr_many",
  cl_throttle: "incr_many",
  rl_hot: "incr_many",
  lock_cycle: "incr_many",
  // No other store has cross-shard transactions: "none" names no workload, so their cells stay empty.
  mset2_1shard: "none",
  mset2_2shards: "none",
  multi2_1shard: "none",
  multi2_2shards: "none",
  eval2_1shard: "none",
  eval2_2shards: "none",
};
export const HIT_KEYS = 1000;
const VALUE = "v".repeat(32);

const rand = (n) => Math.floor(Math.random() * n);
const hitKey = (tag = "") => `${tag}bench:hit:${rand(HIT_KEYS)}`;
const missKey = () => `bench:miss:${rand(1e9)}`;
const setKey = (tag = "") => `${tag}bench:set:${rand(10000)}`;
const ctrKey = (tag = "") => `${tag}bench:ctr:${rand(10000)}`;
const TAG = "{pipe}";
const TRANSFER_SCRIPT = "redis.call('DECRBY', KEYS[1], ARGV[1]) return redis.call('INCRBY', KEYS[2], ARGV[1])";
/** Each rate-limit workload has its own keys (an algorithm refuses another's state). */
const rlKey = (workload) => `bench:${workload}:${rand(10000)}`;
/** Hash tags on different shards of 16: slot("a") = 15495 (shard 15), slot("b") = 3300 (shard 3). */
const SHARD_A = "{a}";
const SHARD_B = "{b}";

/** The mixed pipeline as neutral ops: [op, key, value?]. */
function mixedOps(tag = "") {
  const ops = [];
  for (let i = 0; i < 100; i++) {
    const m = i % 10;
    if (m < 5) ops.push(["get", hitKey(tag)]);
    else if (m < 8) ops.push(["put", setKey(tag), VALUE]);
    else ops.push(["incr", ctrKey(tag)]);
  }
  return ops;
}

const REDIS_OP = { get: "GET", put: "SET", incr: "INCR" };

/** Body of one request of `workload` for edgekv: [path, JSON body]. */
function edgekvRequest(workload) {
  switch (workload) {
    case "get_hit":
      return ["/", ["GET", hitKey()]];
    case "get_miss":
      return ["/", ["GET", missKey()]];
    case "set":
      return ["/", ["SET", setKey(), VALUE]];
    case "incr_hot":
      return ["/", ["INCR", "bench:hot"]];
    case "incr_many":
      return ["/", ["INCR", ctrKey()]];
    case "mget10":
      return ["/", ["MGET", ...Array.from({ length: 10 }, hitKey)]];
    case "rl_fixed":
      return ["/", ["RL.FIXED", rlKey(workload), "1000000", "60000"]];
    case "rl_sliding":
      return ["/", ["RL.SLIDING", rlKey(workload), "1000000", "60000"]];
    case "rl_log":
      return ["/", ["RL.LOG", rlKey(workload), "1000000", "60000"]];
    case "rl_bucket":
      return ["/", ["RL.BUCKET", rlKey(workload), "1000000", "1000", "1000"]];
    case "rl_gcra":
      return ["/", ["RL.GCRA", rlKey(workload), "1000000", "1000000", "60000"]];
    case "cl_throttle":
      return ["/", ["CL.THROTTLE", rlKey(workload), "1000000", "1000000", "60"]];
    case "rl_hot":
      return ["/", ["RL.SLIDING", "bench:rl:hot", "1000000", "60000"]];
    case "lock_cycle": {
      const k = `bench:lock:${rand(10000)}`;
      const owner = `o:${rand(1e9)}`;
      return ["/pipeline", [["LOCK.ACQUIRE", k, owner, "10000"], ["LOCK.RELEASE", k, owner]]];
    }
    case "evalsha":
      return ["/", ["EVALSHA", FIXED_WINDOW_SHA, "1", `bench:evalsha:${rand(10000)}`, "1000000", "60000", "1"]];
    case "mset2_1shard":
    case "mset2_2shards": {
      const n = rand(10000);
      const other = workload === "mset2_1shard" ? SHARD_A : SHARD_B;
      return ["/", ["MSET", `${SHARD_A}bench:ms:${n}`, VALUE, `${other}bench:ms:${n}`, VALUE]];
    }
    case "multi2_1shard":
    case "multi2_2shards": {
      const n = rand(10000);
      const other = workload === "multi2_1shard" ? SHARD_A : SHARD_B;
      return ["/multi-exec", [["DECRBY", `${SHARD_A}bench:acct:${n}`, "1"], ["INCRBY", `${other}bench:acct:${n}`, "1"]]];
    }
    case "eval2_1shard":
    case "eval2_2shards": {
      const n = rand(10000);
      const other = workload === "eval2_1shard" ? SHARD_A : SHARD_B;
      return ["/", ["EVAL", TRANSFER_SCRIPT, "2", `${SHARD_A}bench:ev:${n}`, `${other}bench:ev:${n}`, "1"]];
    }
    case "pipe100":
    case "pipe100_1shard":
      return [
        "/pipeline",
        mixedOps(workload === "pipe100" ? "" : TAG).map(([op, k, v]) => (v === undefined ? [REDIS_OP[op], k] : [REDIS_OP[op], k, v])),
      ];
  }
}

/** Body of one request of `workload` for a bench-Worker store (do, kv, d1). */
function storeRequest(store, workload) {
  switch (workload) {
    case "get_hit":
      return [`/${store}/get`, { k: hitKey() }];
    case "get_miss":
      return [`/${store}/get`, { k: missKey() }];
    case "set":
      return [`/${store}/put`, { k: setKey(), v: VALUE }];
    case "incr_hot":
      return [`/${store}/incr`, { k: "bench:hot" }];
    case "incr_many":
      return [`/${store}/incr`, { k: ctrKey() }];
    case "mget10":
      return [`/${store}/mget`, { ks: Array.from({ length: 10 }, hitKey) }];
    case "pipe100":
      return [`/${store}/pipeline`, { ops: mixedOps() }];
  }
}

/** autocannon options (url, headers, requests) for `store` running `workload` on `runtime`. */
export function loadSpec(runtime, store, workload) {
  if (store === "const") return { url: `${runtime.bench}/const`, requests: [{ method: "GET" }] };
  const edgekv = store === "edgekv";
  const next = () => (edgekv ? edgekvRequest(workload) : storeRequest(store, workload));
  return {
    url: edgekv ? runtime.edgekv : runtime.bench,
    headers: edgekv ? { authorization: `Bearer ${TOKEN}` } : {},
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const [path, body] = next();
          return { ...req, path, body: JSON.stringify(body) };
        },
      },
    ],
  };
}

async function post(url, path, body, headers = {}) {
  const res = await fetch(url + path, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

/** Sends one request: {ms} if it works (its latency), else why not (an error reply, a missing binding). */
export async function preflight(runtime, store, workload) {
  if (store === "const") return { ms: 0 };
  const edgekv = store === "edgekv";
  const [path, body] = edgekv ? edgekvRequest(workload) : storeRequest(store, workload);
  const t0 = performance.now();
  const { status, text } = await post(edgekv ? runtime.edgekv : runtime.bench, path, body, edgekv ? { authorization: `Bearer ${TOKEN}` } : {});
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 120)}`;
  const m = /"error":"([^"]*)"/.exec(text);
  if (m) return m[1].slice(0, 120);
  return { ms: performance.now() - t0 };
}

/** Writes the keys the read workloads hit. */
export async function preload(runtime, store) {
  const keys = Array.from({ length: HIT_KEYS }, (_, i) => `bench:hit:${i}`);
  if (store === "edgekv") {
    keys.push(...keys.map((k) => TAG + k));
    await post(runtime.edgekv, "/", ["SCRIPT", "LOAD", FIXED_WINDOW_SCRIPT], { authorization: `Bearer ${TOKEN}` });
  }
  for (let i = 0; i < keys.length; i += 100) {
    const chunk = keys.slice(i, i + 100);
    let r;
    if (store === "edgekv") {
      r = await post(runtime.edgekv, "/pipeline", chunk.map((k) => ["SET", k, VALUE]), { authorization: `Bearer ${TOKEN}` });
    } else {
      if (store === "d1" && i === 0) await post(runtime.bench, "/d1/setup", {});
      r = await post(runtime.bench, `/${store}/pipeline`, { ops: chunk.map((k) => ["put", k, VALUE]) });
    }
    if (r.status !== 200) throw new Error(`preload of ${store} on ${runtime.name} failed: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  }
}
