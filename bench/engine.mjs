/**
 * In-shard figures, without HTTP per command: the benchmark Worker's EngineShard (the product's
 * Shard class plus a loop entry point) runs a command many times inside the object; the time is
 * taken around that one request, so one HTTP request and one RPC are spread over all runs.
 * Writes made by one loop are committed once, at its end (one implicit transaction).
 *
 * - engine: commands/s of one small command per type (GET, SET, INCR, HSET, ZADD, LPUSH, SADD,
 *   SETBIT, GETBIT, PFADD, PFCOUNT, XADD, GEOADD, JSON.SET, JSON.GET), PING (no storage: the cost of
 *   dispatch alone), RL.FIXED without and with `RULE` (the per-rule count's cost), and EVALSHA of @upstash/ratelimit's fixed-window limiter script
 *   (bench/limiter-script.mjs) on one of 1,000 counters, and the INCRBY it calls alone on the same
 *   counters; XADD appends to one of 1,000 streams. Below them, the platform's floor
 *   (`PLATFORM_FLOOR`): the runtime's own cost of one SQL statement and of a KV get and put.
 * - log cost: some of those rows again on LoggedEngineShard (the change log on, one replica),
 *   beside the plain shard, with CPU µs per command until the replica has them (logCostFigures).
 * - scaling: µs per command against one collection of 1k, 100k and 1M elements (quick: 1k, 10k),
 *   and the ratio largest ÷ smallest (1.0 means the cost does not grow with the collection). The
 *   stream's fill may stop short of the last size; it is measured at the size reached.
 * - algebra: ms per command of set algebra and whole-collection commands over collections of
 *   100k elements (quick: 10k), built outside the timing (`ALGEBRA_COMMANDS`).
 */
import { FIXED_WINDOW_SCRIPT, FIXED_WINDOW_SHA } from "./limiter-script.mjs";
import { cpuOf, preciseCpuOf } from "./runtimes.mjs";

/** maxmemory on (1 GB, never reached by the loops) with allkeys-lru, and back to the defaults. */
const LRU_ON = { maxmemory: "1073741824", "maxmemory-policy": "allkeys-lru" };
const LRU_OFF = { maxmemory: "0", "maxmemory-policy": "noeviction" };

export const ENGINE_COMMANDS = [
  { name: "PING", template: [["PING"]], range: 1 },
  { name: "GET", setup: [["SET", "eng:k:{r}", "v".repeat(32)]], template: [["GET", "eng:k:{r}"]], range: 1000 },
  { name: "SET", template: [["SET", "eng:k:{r}", "v".repeat(32)]], range: 1000 },
  // The same two with maxmemory set (far above what the loop writes) and allkeys-lru: the cost of
  // the memory check and the access tracking, beside the rows above.
  { name: "GET (allkeys-lru)", config: LRU_ON, setup: [["SET", "eng:k:{r}", "v".repeat(32)]], template: [["GET", "eng:k:{r}"]], range: 1000 },
  { name: "SET (allkeys-lru)", config: LRU_ON, template: [["SET", "eng:k:{r}", "v".repeat(32)]], range: 1000 },
  { name: "INCR", template: [["INCR", "eng:c:{r}"]], range: 1000 },
  { name: "SET+DEL", template: [["SET", "eng:d:{r}", "v"], ["DEL", "eng:d:{r}"]], range: 1000 },
  { name: "HSET+DEL", template: [["HSET", "eng:dh:{r}", "f", "v", "g", "w"], ["DEL", "eng:dh:{r}"]], range: 1000 },
  { name: "HSET", template: [["HSET", "eng:h", "f:{r}", "v"]], range: 1000 },
  { name: "ZADD", template: [["ZADD", "eng:z", "{r}", "m:{r}"]], range: 1000 },
  { name: "LPUSH", template: [["LPUSH", "eng:l:{r}", "v"]], range: 1000 },
  { name: "SADD", template: [["SADD", "eng:s", "m:{r}"]], range: 1000 },
  { name: "SETBIT", template: [["SETBIT", "eng:b:{r}", "{i}", "1"]], range: 1000 },
  { name: "GETBIT", template: [["GETBIT", "eng:b:{r}", "{i}"]], range: 1000 },
  { name: "PFADD", template: [["PFADD", "eng:p:{r}", "e:{i}"]], range: 1000 },
  { name: "PFCOUNT", setup: [["PFADD", "eng:p:{r}", "e:{i}"]], template: [["PFCOUNT", "eng:p:{r}"]], range: 1000 },
  { name: "XADD", template: [["XADD", "eng:x:{r}", "*", "f", "v"]], range: 1000 },
  { name: "GEOADD", template: [["GEOADD", "eng:g", "13.361389", "38.115556", "m:{r}"]], range: 1000 },
  { name: "JSON.SET", template: [["JSON.SET", "eng:j:{r}", "$", '{"a":{r},"b":[1,2,3],"c":{"d":"x"}}']], range: 1000 },
  { name: "JSON.GET", setup: [["JSON.SET", "eng:j:{r}", "$", '{"a":{r},"b":[1,2,3],"c":{"d":"x"}}']], template: [["JSON.GET", "eng:j:{r}", "$.c.d"]], range: 1000 },
  {
    name: "EVALSHA",
    setup: [["EVAL", FIXED_WINDOW_SCRIPT, "1", "eng:rl:{r}", "1000000", "60000", "1"]],
    template: [["EVALSHA", FIXED_WINDOW_SHA, "1", "eng:rl:{r}", "1000000", "60000", "1"]],
    range: 1000,
  },
  // A fixed-window decision, and the same counted under a rule's name (the front door's RULE,
  // docs/rate-limiting.md "Decisions per rule"): the difference is the per-rule count's cost.
  { name: "RL.FIXED", template: [["RL.FIXED", "eng:rf:{r}", "1000000", "60000", "1"]], range: 1000 },
  { name: "RL.FIXED RULE", template: [["RL.FIXED", "eng:rf:{r}", "1000000", "60000", "1", "RULE", "POST /login"]], range: 1000 },
  // The command that script calls, alone, on the same counters (keys with a TTL): EVALSHA's
  // cost less this is what the script host and the interpreter cost.
  {
    name: "INCRBY (TTL)",
    setup: [["EVAL", FIXED_WINDOW_SCRIPT, "1", "eng:rl:{r}", "1000000", "60000", "1"]],
    template: [["INCRBY", "eng:rl:{r}", "1"]],
    range: 1000,
  },
];

/**
 * The platform's floor beside those rows: what the runtime itself costs for the pieces a command
 * is made of, timed the same way (bench/worker.ts `floor`): one sql.exec of an UPDATE by primary
 * key, of a SELECT by primary key, of a statement that matches no row (the call's fixed cost), and
 * the bare Durable Object's synchronous KV get and put.
 */
export const PLATFORM_FLOOR = [
  { name: "platform: sql UPDATE", op: "update" },
  { name: "platform: sql SELECT", op: "select" },
  { name: "platform: sql no row", op: "none" },
  { name: "platform: kv.get", op: "kv.get" },
  { name: "platform: kv.put", op: "kv.put" },
];

/**
 * Per collection type: how to grow it and which commands to time (N = current size): [name,
 * template, and optionally the range of "{r}" at size N (default N)]. ZRANGE reads 10 members
 * by rank from a random rank. An entry may bring its own `levels` (sizes in its own `unit`) when
 * the table's element counts do not fit it, and `fillStep`, the most it grows per fill request.
 */
const SCALING = [
  {
    kind: "zset",
    script: "bench/zset-scaling.mjs",
    key: "scale:z",
    ops: [
      ["ZADD", (n) => [["ZADD", "scale:z", "{r}", "m:{r}"]]],
      ["ZSCORE", () => [["ZSCORE", "scale:z", "m:{r}"]]],
      ["ZRANK", () => [["ZRANK", "scale:z", "m:{r}"]]],
      ["ZRANGE (10)", () => [["ZRANGE", "scale:z", "{r}", "{r+9}"]], (n) => n - 10],
    ],
  },
  {
    kind: "hash",
    script: "bench/hash-scaling.mjs",
    key: "scale:h",
    ops: [
      ["HSET", () => [["HSET", "scale:h", "f:{r}", "x"]]],
      ["HGET", () => [["HGET", "scale:h", "f:{r}"]]],
    ],
  },
  {
    kind: "list",
    script: "bench/list-set-scaling.mjs",
    key: "scale:l",
    ops: [
      ["LPUSH", () => [["LPUSH", "scale:l", "x"]]],
      ["RPOP", () => [["RPOP", "scale:l"]]],
      ["LINDEX", () => [["LINDEX", "scale:l", "{r}"]]],
    ],
  },
  {
    kind: "set",
    script: "bench/list-set-scaling.mjs",
    key: "scale:s",
    ops: [
      ["SADD", () => [["SADD", "scale:s", "m:{r}"]]],
      ["SISMEMBER", () => [["SISMEMBER", "scale:s", "m:{r}"]]],
    ],
  },
  {
    kind: "geo",
    script: "bench/geo-scaling.mjs",
    key: "scale:g",
    // GEOADD costs a sorted-set insert: 1M points take about 50 s on 2 cores, so that the
    // table shows GEOSEARCH on 1M members the geo fill may take twice the run's budget.
    fillBudgetFactor: 2,
    ops: [
      ["GEOPOS", () => [["GEOPOS", "scale:g", "m:{r}"]]],
      ["GEOSEARCH 10 km", () => [["GEOSEARCH", "scale:g", "FROMMEMBER", "m:{r}", "BYRADIUS", "10", "km"]]],
    ],
  },
  {
    // Entry i has ID (4000000000000 + i)-0 (bench/worker.ts fill, ahead of the clock), so XRANGE
    // from "{r+4000000000000}" starts at a random entry and reads ten. XADD appends with "*"
    // (the fill's last milliseconds, next sequence number, as Redis when the clock is behind).
    // The fill appends the entries through the stream store directly (bench/worker.ts
    // fillStream, about 75,000 entries/s on 2 cores); should it still overrun the budget, the
    // last size is measured at the size the fill reached in it (`partial`), and the table names it.
    kind: "stream",
    script: "bench/engine.mjs",
    key: "scale:x",
    partial: true,
    ops: [
      ["XADD *", () => [["XADD", "scale:x", "*", "f", "v"]]],
      ["XRANGE (10)", () => [["XRANGE", "scale:x", "{r+4000000000000}", "+", "COUNT", "10"]]],
      ["XLEN", () => [["XLEN", "scale:x"]]],
    ],
  },
  {
    // N elements added: sparse at 1k, dense (12 kB) from a few thousand on, as Redis converts.
    kind: "hll",
    script: "bench/engine.mjs",
    key: "scale:p",
    ops: [
      ["PFADD (new element)", () => [["PFADD", "scale:p", "new:{r}:{i}"]]],
      ["PFCOUNT (after a PFADD)", () => [["PFADD", "scale:p", "c:{r}:{i}"], ["PFCOUNT", "scale:p"]]],
    ],
  },
  {
    // A 1 kB bitmap (in its key's row), a 16 Mbit one (2 MB) and a 100 Mbit one (12.5 MB), both
    // in 64 KiB chunk rows: a SETBIT or GETBIT at a random offset touches one chunk, whatever
    // the bitmap's size (the step from 1 kB is a 64 KiB chunk instead of a 1 kB row).
    kind: "bitmap",
    script: "bench/engine.mjs",
    key: "scale:b",
    unit: "bits",
    levels: [8_000, 16_000_000, 100_000_000],
    fillStep: 8 * 1024 * 1024 * 8,
    ops: [
      ["SETBIT", () => [["SETBIT", "scale:b", "{r}", "1"]]],
      ["GETBIT", () => [["GETBIT", "scale:b", "{r}"]]],
    ],
  },
  {
    // N is the document's size in bytes (1k: a 1 kB document, 1M: 1 MB): one path set in it.
    kind: "json",
    script: "bench/worker.ts (fill)",
    key: "scale:j",
    ops: [["JSON.SET path", () => [["JSON.SET", "scale:j", "$.n", "{r}"]]]],
  },
];

/**
 * The algebra table's inputs: sorted sets alg:za (m:0 … m:N-1, score i) and alg:zb (m:N/2 …
 * m:3N/2-1), sets alg:sa and alg:sb with the same members, a list alg:l, a hash alg:h and a
 * stream alg:x of N elements; so a union has 1.5 N members and an intersection 0.5 N. The sorted
 * sets and sets are written whole by the bench Worker's `fill-direct`; the others by `fill`.
 */
export const ALGEBRA_FILLS = [
  ["fill-direct", "zset", "alg:za", 0],
  ["fill-direct", "zset", "alg:zb", 0.5],
  ["fill-direct", "set", "alg:sa", 0],
  ["fill-direct", "set", "alg:sb", 0.5],
  ["fill", "list", "alg:l", 0],
  ["fill", "hash", "alg:h", 0],
  ["fill", "stream", "alg:x", 0],
];

/** RESTORE of a DUMP of KEYS[1] at KEYS[2], in one script (a payload cannot be a bench argument). */
const DUMP_RESTORE = "redis.call('RESTORE', KEYS[2], 0, redis.call('DUMP', KEYS[1]), 'REPLACE') return 1";

/** The algebra table's commands (each run alone, its reply built in the shard as for a client). */
export const ALGEBRA_COMMANDS = [
  { name: "ZUNIONSTORE", argv: ["ZUNIONSTORE", "alg:zd", "2", "alg:za", "alg:zb"] },
  { name: "ZUNIONSTORE onto a source", argv: ["ZUNIONSTORE", "alg:zc", "2", "alg:zc", "alg:zb"], setup: ["COPY", "alg:za", "alg:zc", "REPLACE"] },
  { name: "ZINTERSTORE", argv: ["ZINTERSTORE", "alg:zd", "2", "alg:za", "alg:zb"] },
  { name: "ZDIFFSTORE", argv: ["ZDIFFSTORE", "alg:zd", "2", "alg:za", "alg:zb"] },
  { name: "ZUNION WITHSCORES (reply)", argv: ["ZUNION", "2", "alg:za", "alg:zb", "WITHSCORES"] },
  { name: "ZINTERCARD", argv: ["ZINTERCARD", "2", "alg:za", "alg:zb"] },
  { name: "ZRANGESTORE 0 -1", argv: ["ZRANGESTORE", "alg:zd", "alg:za", "0", "-1"] },
  { name: "SUNIONSTORE", argv: ["SUNIONSTORE", "alg:sd", "alg:sa", "alg:sb"] },
  { name: "SINTERSTORE", argv: ["SINTERSTORE", "alg:sd", "alg:sa", "alg:sb"] },
  { name: "SDIFFSTORE", argv: ["SDIFFSTORE", "alg:sd", "alg:sa", "alg:sb"] },
  { name: "SUNION (reply)", argv: ["SUNION", "alg:sa", "alg:sb"] },
  { name: "SINTERCARD", argv: ["SINTERCARD", "2", "alg:sa", "alg:sb"] },
  { name: "COPY zset", argv: ["COPY", "alg:za", "alg:zcopy", "REPLACE"] },
  { name: "COPY set", argv: ["COPY", "alg:sa", "alg:scopy", "REPLACE"] },
  { name: "COPY hash", argv: ["COPY", "alg:h", "alg:hcopy", "REPLACE"] },
  { name: "COPY list", argv: ["COPY", "alg:l", "alg:lcopy", "REPLACE"] },
  { name: "COPY stream", argv: ["COPY", "alg:x", "alg:xcopy", "REPLACE"] },
  { name: "RENAME zset", argv: ["RENAME", "alg:zren", "alg:zren2"], setup: ["COPY", "alg:za", "alg:zren", "REPLACE"] },
  { name: "DUMP zset", argv: ["DUMP", "alg:za"] },
  { name: "DUMP + RESTORE zset (script)", argv: ["EVAL", DUMP_RESTORE, "2", "alg:za", "alg:zrest"] },
  { name: "SMEMBERS", argv: ["SMEMBERS", "alg:sa"] },
  { name: "ZRANGE 0 -1 WITHSCORES", argv: ["ZRANGE", "alg:za", "0", "-1", "WITHSCORES"] },
  { name: "LRANGE 0 -1", argv: ["LRANGE", "alg:l", "0", "-1"] },
  { name: "HGETALL", argv: ["HGETALL", "alg:h"] },
];

/**
 * The change log's cost (docs/global.md §7): these ENGINE_COMMANDS rows on the plain engine
 * shard and on LoggedEngineShard (bench/worker.ts: the same shard with REPLICA_REGIONS naming
 * one region, so its triggers log row images and it pushes to a replica in the same process).
 * GET is the control: a read logs nothing (one lookup per step).
 */
export const LOG_COST_COMMANDS = ["GET", "SET", "INCR", "HSET", "ZADD (new score)", "EVALSHA"];
/**
 * Rows of their own here: the engine table's ZADD re-adds one of 1,000 members with the score it
 * already has (after the first thousand runs mostly a no-op that writes nothing, so logs nothing);
 * this one gives the member a new score (the run number) every time.
 */
const LOG_COST_TEMPLATES = {
  "ZADD (new score)": { template: [["ZADD", "eng:zl", "{i}", "m:{r}"]], range: 1000 },
};
/** Of those, the ones also run one command per RPC (each its own step: commit, boundary, push). */
export const LOG_COST_STEP_COMMANDS = ["SET", "INCR", "EVALSHA"];
/** The logged shard's name: `shard-<i>`, as its replica calls its primary. */
const LOGGED_NAME = "shard-0";

async function call(bench, op, body) {
  const res = await fetch(`${bench}/engine/${op}`, { method: "POST", body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`engine ${op}: ${out.error}`);
  return out;
}

/** Runs a loop; returns [seconds, first error or null]. */
async function timedLoop(bench, name, template, n, range) {
  const t0 = performance.now();
  const r = await call(bench, "loop", { name, template, n, range });
  return [(performance.now() - t0) / 1000, r.error];
}

/**
 * Commands/s of each engine command, the best of `rounds` loops (the one least disturbed by other
 * processes), or an error text when the command does not exist.
 */
export async function engineFigures(bench, { runs, rounds }) {
  const name = `engine-${Date.now()}`;
  const out = {};
  for (const c of ENGINE_COMMANDS) {
    await call(bench, "config", { name, config: c.config ?? LRU_OFF });
    if (c.setup) await timedLoop(bench, name, c.setup, c.range * 3, c.range);
    const [, error] = await timedLoop(bench, name, c.template, 1, c.range);
    if (error) {
      out[c.name] = { error };
      continue;
    }
    let best = 0;
    for (let i = 0; i < rounds; i++) {
      const [s] = await timedLoop(bench, name, c.template, runs, c.range);
      best = Math.max(best, runs / s);
    }
    out[c.name] = { commands_per_s: Math.round(best) };
  }
  for (const f of PLATFORM_FLOOR) {
    let best = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const r = await call(bench, "floor", { name, op: f.op, n: runs });
      if (r.error) throw new Error(`engine floor ${f.op}: ${r.error}`);
      best = Math.max(best, runs / ((performance.now() - t0) / 1000));
    }
    out[f.name] = { commands_per_s: Math.round(best) };
  }
  return out;
}

/**
 * The change log's cost, each row off and on in turn within every round (so both meet the same
 * load; which goes first alternates), medians over `rounds`:
 * - loop rows: `runs` commands in one RPC (one commit; every command is its own log step, but
 *   the pushes coalesce: one is in flight from the first step, the rest of the loop's rows go
 *   after the reply, in pushes of up to PUSH_ROWS rows);
 * - step rows ("1 per RPC"): `runs / 10` commands, each its own RPC from the bench Worker, so
 *   its own commit, log step and push (a push in flight takes the next steps' rows with it).
 * Per row: µs per command until the reply, and with the log on also until the replica has
 * acknowledged everything (`replicated`); CPU µs per command of the server's `pids` (the whole
 * runtime: shard, pushes and the replica's apply) from the loop's start until then.
 */
export async function logCostFigures(bench, { runs, rounds, pids }) {
  const plain = `logcost-${Date.now()}`;
  const modes = [
    { mode: "off", name: plain, log: false },
    { mode: "on", name: LOGGED_NAME, log: true },
  ];
  let position = 0;
  const settle = async (m) => {
    if (!m.log) return null;
    const r = await call(bench, "replicated", { name: m.name, log: true });
    if (r.error) throw new Error(`log cost: ${r.error}`);
    position = r.position;
    return r;
  };
  const rows = {};
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const measure = async (label, c, op, n, per) => {
    const samples = { off: [], on: [] };
    for (let i = 0; i < rounds; i++) {
      // Off first in even rounds, on first in odd ones: neither always follows the other.
      for (const m of i % 2 ? [...modes].reverse() : modes) {
        const from = position;
        const cpu0 = preciseCpuOf(pids);
        const t0 = performance.now();
        const r = await call(bench, op, { name: m.name, log: m.log, template: c.template, n, per, range: c.range });
        if (r.error) return { error: r.error };
        const t1 = performance.now();
        await settle(m);
        const t2 = performance.now();
        const cpu = preciseCpuOf(pids) - cpu0;
        samples[m.mode].push({ reply: ((t1 - t0) * 1000) / n, replicated: ((t2 - t0) * 1000) / n, cpu: (cpu * 1e6) / n, logged: (position - from) / n });
      }
    }
    const pick = (mode, k) => median(samples[mode].map((x) => x[k]));
    const row = {
      off: { us: pick("off", "reply"), cpu_us: pick("off", "cpu") },
      on: { us: pick("on", "reply"), replicated_us: pick("on", "replicated"), cpu_us: pick("on", "cpu"), log_rows_per_command: pick("on", "logged") },
    };
    row.ratio = row.on.us / row.off.us;
    row.cpu_ratio = row.on.cpu_us / row.off.cpu_us;
    rows[label] = row;
    return row;
  };
  for (const command of LOG_COST_COMMANDS) {
    const c = LOG_COST_TEMPLATES[command] ?? ENGINE_COMMANDS.find((x) => x.name === command);
    for (const m of modes) {
      await call(bench, "config", { name: m.name, log: m.log, config: LRU_OFF });
      if (c.setup) await call(bench, "loop", { name: m.name, log: m.log, template: c.setup, n: c.range * 3, range: c.range });
      await settle(m);
    }
    const r = await measure(command, c, "loop", runs, runs);
    if (r.error) {
      rows[command] = { error: r.error };
      continue;
    }
    if (LOG_COST_STEP_COMMANDS.includes(command)) await measure(`${command} (1 per RPC)`, c, "steps", Math.max(10, Math.round(runs / 10)), 1);
  }
  const state = await settle(modes[1]);
  return { region: "weur", rounds, runs, log_rows: state.rows, rows };
}

/** The table of logCostFigures: off and on side by side, and their ratios. */
export function printLogCost(figures) {
  const { rows, runs, rounds } = figures;
  console.log(
    `\nThe change log's cost (in-shard; log on: REPLICA_REGIONS=${figures.region}, one replica in the same process; ` +
      `loop rows ${runs.toLocaleString("en")} commands in one RPC, "1 per RPC" rows ${Math.max(10, Math.round(runs / 10)).toLocaleString("en")} RPCs; medians of ${rounds} rounds): µs per command`,
  );
  const width = Math.max(20, ...Object.keys(rows).map((k) => k.length));
  const f = (x) => (x == null ? "" : x.toFixed(1));
  console.log(
    ["command".padEnd(width), "off µs".padStart(8), "off CPU".padStart(8), "on µs".padStart(8), "on repl.".padStart(9), "on CPU".padStart(8), "÷ µs".padStart(6), "÷ CPU".padStart(6), "rows".padStart(5)].join(" "),
  );
  for (const [name, r] of Object.entries(rows)) {
    if (r.error) {
      console.log(`${name.padEnd(width)} n/a (${r.error.slice(0, 60)})`);
      continue;
    }
    console.log(
      [name.padEnd(width), f(r.off.us).padStart(8), f(r.off.cpu_us).padStart(8), f(r.on.us).padStart(8), f(r.on.replicated_us).padStart(9), f(r.on.cpu_us).padStart(8), r.ratio.toFixed(2).padStart(6), r.cpu_ratio.toFixed(2).padStart(6), r.on.log_rows_per_command.toFixed(1).padStart(5)].join(" "),
    );
  }
  console.log(
    "µs: until the reply; on repl.: until the replica acknowledged every row; CPU: the runtime's CPU µs per command from the loop's start until then " +
      "(pushes and the replica's apply included); rows: log rows per command (row images, deletions and the step's boundary).",
  );
}

/**
 * The scaling table: for each collection type, grow one collection through `levels` and time
 * each command at each level (best of `rounds` loops). A type whose fill is unsupported, or whose filling in total takes
 * longer than `fillBudgetS` (times the entry's `fillBudgetFactor`, judged from the fill rate so far), stops there (later levels are
 * reported as not measured). `kinds` limits the table to those types.
 */
export async function scalingTable(bench, { levels, runs, rounds, fillBudgetS, kinds = null }) {
  const name = `scale-${Date.now()}`;
  const rows = {};
  for (const t of SCALING) {
    if (kinds && !kinds.includes(t.kind)) continue;
    let size = 0;
    let stopped = null;
    let fillSeconds = 0;
    let short = false;
    const own = t.levels ?? levels;
    for (const level of own) {
      if (stopped) break;
      while (size < level) {
        const fillStart = performance.now();
        const count = Math.min(t.fillStep ?? 20_000, level - size);
        const r = await call(bench, "fill", { name, kind: t.kind, key: t.key, from: size, count });
        if (r.error) {
          stopped = r.error;
          break;
        }
        size += count;
        fillSeconds += (performance.now() - fillStart) / 1000;
        // Stop as soon as the rate so far says the level cannot be reached within the budget,
        // rather than after spending it.
        const rate = Math.round(size / fillSeconds);
        const budget = fillBudgetS * (t.fillBudgetFactor ?? 1);
        if (size < level && fillSeconds + (level - size) / rate > budget) {
          // A partial entry goes on filling until the budget is spent, then measures there.
          if (t.partial && fillSeconds < budget) continue;
          if (t.partial && level !== own[0]) short = true;
          else stopped = `fill ${rate}/s: ${level} needs > ${budget} s; see ${t.script}`;
          break;
        }
      }
      if (stopped) break;
      const reached = size;
      for (const [op, template, rangeOf] of t.ops) {
        const row = (rows[op] ??= { levels: {} });
        let best = Infinity;
        let error = null;
        for (let i = 0; i < rounds && !error; i++) {
          const [s, e] = await timedLoop(bench, name, template(level), runs, rangeOf ? rangeOf(reached) : reached);
          error = e;
          best = Math.min(best, s);
        }
        row.levels[level] = error ? { error } : { us_per_op: (best * 1e6) / runs, ...(reached < level && { at: reached }) };
      }
      if (short) {
        stopped = `${level}: measured at ${reached} entries (fill ${Math.round(reached / fillSeconds)}/s, ${fillSeconds.toFixed(0)} s)`;
        break;
      }
    }
    for (const [op] of t.ops) {
      const row = (rows[op] ??= { levels: {} });
      row.fill = { elements: size, seconds: fillSeconds };
      if (t.levels) Object.assign(row, { own_levels: t.levels, unit: t.unit });
      if (stopped) row.stopped = stopped;
    }
  }
  for (const row of Object.values(rows)) {
    const own = row.own_levels ?? levels;
    const first = row.levels[own[0]]?.us_per_op;
    // A row measured short of the last size (the stream's) compares its largest measured size.
    const measured = own.filter((l) => row.levels[l]?.us_per_op);
    const last = row.levels[measured.at(-1) === own.at(-1) || row.levels[measured.at(-1)]?.at ? measured.at(-1) : own.at(-1)]?.us_per_op;
    row.ratio = first && last ? last / first : null;
  }
  return rows;
}

/**
 * Builds the inputs of ALGEBRA_FILLS at `size` elements each under engine object `name`: all
 * of them, or with `commands`, only those whose keys those commands name. Answers the seconds taken.
 */
export async function fillAlgebra(bench, name, size, commands = null) {
  const t0 = performance.now();
  const named = commands && new Set(commands.flatMap((c) => [...c.argv, ...(c.setup ?? [])]));
  for (const [op, kind, key, offset] of ALGEBRA_FILLS) {
    if (named && !named.has(key)) continue;
    const from = offset * size;
    const step = op === "fill" ? 20_000 : size;
    for (let done = 0; done < size; done += step) {
      const r = await call(bench, op, { name, kind, key, from: from + done, count: Math.min(step, size - done) });
      if (r.error) throw new Error(`${op} ${kind}: ${r.error}`);
    }
  }
  return (performance.now() - t0) / 1000;
}

/**
 * One run of an ALGEBRA_COMMANDS entry `c` (after its `setup` and the lazy free of what earlier
 * runs deleted, both untimed): {s, cpu_ms, error}, cpu_ms the CPU time of the server's `pids`
 * over the run (null without them).
 */
export async function algebraRun(bench, name, c, pids = null) {
  if (c.setup) await timedLoop(bench, name, [c.setup], 1, 1);
  await call(bench, "settle", { name });
  const cpu0 = pids ? cpuOf(pids) : 0;
  const [s, error] = await timedLoop(bench, name, [c.argv], 1, 1);
  return { s, cpu_ms: pids ? (cpuOf(pids) - cpu0) * 1000 : null, error };
}

/**
 * The algebra table: the inputs of ALGEBRA_FILLS at `size` elements each (outside the timing;
 * with `only`, those its commands read), then each command of ALGEBRA_COMMANDS (those named in
 * `only`, when given) run alone `rounds` times: ms per command, the best round (after its
 * `setup`, untimed), and with the server's `pids`, its CPU ms in that round (steadier than the
 * time when other work shares the cores). `fill_s` is how long the inputs took to build.
 */
export async function algebraFigures(bench, { size, rounds, only = null, pids = null }) {
  const name = `algebra-${Date.now()}`;
  const commands = ALGEBRA_COMMANDS.filter((c) => !only || only.includes(c.name));
  const fill_s = await fillAlgebra(bench, name, size, only && commands);
  const rows = {};
  for (const c of commands) {
    let best = null;
    for (let i = 0; i < rounds && !best?.error; i++) {
      const r = await algebraRun(bench, name, c, pids);
      if (!best || r.error || r.s < best.s) best = r;
    }
    rows[c.name] = best.error ? { error: best.error } : { ms: best.s * 1000, cpu_ms: best.cpu_ms };
  }
  return { size, fill_s, rows };
}

/** The table: ms per command in the shard, redis-server's beside it, and their ratio. */
export function printAlgebra(edgekv, redis) {
  const n = edgekv.size.toLocaleString("en");
  console.log(`\nSet algebra and whole collections (ms per command; inputs of ${n} elements, half shared; built in ${edgekv.fill_s.toFixed(1)} s, outside the timing)`);
  const width = Math.max(26, ...Object.keys(edgekv.rows).map((k) => k.length));
  console.log(["command".padEnd(width), "edgekv".padStart(9), "CPU ms".padStart(9), "redis".padStart(9), "÷redis".padStart(7)].join(" "));
  for (const [name, row] of Object.entries(edgekv.rows)) {
    const r = redis?.[name];
    const cells = row.error ? [`n/a (${row.error.slice(0, 50)})`] : [row.ms.toFixed(1).padStart(9), (row.cpu_ms == null ? "" : row.cpu_ms.toFixed(0)).padStart(9)];
    console.log([name.padEnd(width), ...cells, (r == null ? "n/a" : r.toFixed(1)).padStart(9), (r && row.ms ? (row.ms / r).toFixed(1) : "").padStart(7)].join(" "));
  }
}
