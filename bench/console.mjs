/**
 * The console key browser table (docs/console.md, docs/performance.md): `npm run bench` prints it
 * after the queue tables (`--no-console` skips it); `node bench/console.mjs [--quick]` runs it alone.
 *
 * What one page of the key browser (worker/console/script.ts keysView) costs over HTTP, against
 * the edgekv Worker under bare workerd (bench/runtimes.mjs startWorkerd, 16 shards), at two
 * keyspace sizes side by side: 10k and 1M keys (quick: 10k and 100k). A page is exactly what the
 * script sends: `POST /pipeline` with one entry, `SCAN <cursor> MATCH <pattern> COUNT 100
 * [TYPE t]`, and then, when it returned keys, a second `POST /pipeline` of `TYPE k` and `PTTL k`
 * per key returned (both with `Upstash-Encoding: base64`, as the script). A page's time is from
 * before the SCAN request is sent to the arrival of the second reply (or of the SCAN's, when it
 * returned no keys), on the Node client's clock, one keep-alive connection (Node's fetch).
 *
 * Rows:
 * - first page: cursor 0, MATCH * (what opening the Keys view shows);
 * - later page: "Load more" deep into the scan: the pages that follow a cursor found (outside the
 *   timing, by SCAN COUNT 1000 pages) halfway through the keyspace, each round the next page;
 * - MATCH few: `MATCH user:*000`, 1 key in 1000, "Load more" from cursor 0 on, each round the next page;
 * - TYPE hash: `MATCH * TYPE hash`, 1 key in 1000 a hash, "Load more" from cursor 0 on likewise.
 * Each size has a workerd instance and a data directory of its own (a smaller keyspace beside a
 * larger one in one instance would be scanned through the larger one's keys). Keys are
 * `user:<i>`, i from 1; a string `v` each, except i % 1000 == 500, a hash (`HSET f v`). The fill
 * is pipelined SETs/HSETs, 10,000 per request, outside the timing, for at most `fillBudgetS`
 * seconds per size: a size the fill does not reach in it is measured at the size reached, and
 * the table says so. Then `pages` rounds after `warmup` unrecorded ones; each round times one
 * page of every row at every size in turn (rows and sizes interleaved, so the machine's load
 * moves them alike). Per row and size: median and p90 ms per page, the mean keys returned per
 * page, and the larger size's median ÷ the smaller's.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ROOT, bundle } from "../scripts/serve.mjs";
import { TOKEN, startWorkerd } from "./runtimes.mjs";

export const CONSOLE_PRESETS = {
  quick: { sizes: [10_000, 100_000], pages: 30, warmup: 3, fillBudgetS: 30 },
  full: { sizes: [10_000, 1_000_000], pages: 30, warmup: 3, fillBudgetS: 150 },
};

/** The key browser's page size (worker/console/script.ts PAGE). */
const PAGE = 100;
const FILL_STEP = 10_000;
const now = () => performance.now();
const log = (...a) => console.error(...a);
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null);

export const CONSOLE_ROWS = [
  { name: "first", label: "first page (cursor 0, MATCH *)", pattern: "*", type: null, from: "zero" },
  { name: "later", label: "later page (deep cursor, MATCH *)", pattern: "*", type: null, from: "deep" },
  { name: "match", label: "MATCH user:*000 (1 in 1000)", pattern: "user:*000", type: null, from: "walk" },
  { name: "type", label: "TYPE hash (1 in 1000)", pattern: "*", type: "hash", from: "walk" },
];

/** A client of one instance: `pipeline(cmds)` as the console's `run` sends it. */
function client(base) {
  const pipeline = async (cmds, encoded = true) => {
    const res = await fetch(`${base}/pipeline`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...(encoded && { "upstash-encoding": "base64" }) },
      body: JSON.stringify(cmds),
    });
    const body = await res.json();
    if (!Array.isArray(body)) throw new Error(`pipeline: ${res.status} ${JSON.stringify(body)}`);
    const bad = body.find((e) => e && typeof e.error === "string");
    if (bad) throw new Error(`pipeline: ${bad.error}`);
    return body.map((e) => e.result);
  };
  /** One page of the key browser: [next cursor, keys returned]. */
  const page = async (cursor, pattern, type) => {
    const cmd = ["SCAN", cursor, "MATCH", pattern, "COUNT", String(PAGE)];
    if (type) cmd.push("TYPE", type);
    const [[next, keys]] = await pipeline([cmd]);
    if (keys.length) {
      // Keys come back base64-encoded; the script decodes them and sends them as text again.
      const cmds = [];
      for (const k of keys) {
        const key = Buffer.from(k, "base64").toString("utf8");
        cmds.push(["TYPE", key], ["PTTL", key]);
      }
      const r = await pipeline(cmds);
      if (r.length !== 2 * keys.length) throw new Error("TYPE/PTTL: short reply");
    }
    return [Buffer.from(next, "base64").toString("latin1"), keys.length];
  };
  return { pipeline, page };
}

/** Pipelined SET/HSET batches up to `size` keys, for at most `budgetS` seconds. */
async function fill(c, size, budgetS) {
  let done = 0;
  const t0 = now();
  while (done < size) {
    const n = Math.min(FILL_STEP, size - done);
    const cmds = [];
    for (let i = done + 1; i <= done + n; i++) cmds.push(i % 1000 === 500 ? ["HSET", `user:${i}`, "f", "v"] : ["SET", `user:${i}`, "v"]);
    await c.pipeline(cmds, false);
    done += n;
    if (done < size && (now() - t0) / 1000 >= budgetS) break;
  }
  return { keys: done, seconds: (now() - t0) / 1000 };
}

/** A cursor about halfway through the scan: SCAN COUNT 1000 pages until half the keys are behind it. */
async function deepCursor(c, keys) {
  let cursor = "0";
  let seen = 0;
  for (let i = 0; seen < keys / 2 && i < 100_000; i++) {
    const [[next, found]] = await c.pipeline([["SCAN", cursor, "COUNT", "1000"]], false);
    seen += found.length;
    if (next === "0") break;
    cursor = next;
  }
  return cursor;
}

export async function consoleFigures({ buildDir, workDir, quick = false }) {
  const preset = CONSOLE_PRESETS[quick ? "quick" : "full"];
  const started = now();
  const instances = [];
  try {
    for (const size of preset.sizes) {
      const dataDir = join(workDir, `data-console-${size}`);
      mkdirSync(dataDir, { recursive: true });
      const rt = await startWorkerd({ buildDir, dataDir, edgekvOnly: true });
      instances.push({ size, rt, c: client(rt.edgekv) });
    }
    for (const inst of instances) {
      log(`  console: filling ${inst.size} keys`);
      inst.fill = await fill(inst.c, inst.size, preset.fillBudgetS);
      log(`  console: ${inst.fill.keys} keys in ${inst.fill.seconds.toFixed(1)} s`);
      inst.deep = await deepCursor(inst.c, inst.fill.keys);
      inst.cursors = Object.fromEntries(CONSOLE_ROWS.map((r) => [r.name, r.from === "deep" ? inst.deep : "0"]));
      inst.samples = Object.fromEntries(CONSOLE_ROWS.map((r) => [r.name, { ms: [], keys: [] }]));
    }
    log(`  console: ${preset.pages} rounds`);
    for (let round = -preset.warmup; round < preset.pages; round++) {
      for (const row of CONSOLE_ROWS) {
        for (const inst of instances) {
          const cursor = inst.cursors[row.name];
          const t = now();
          const [next, keys] = await inst.c.page(cursor, row.pattern, row.type);
          const ms = now() - t;
          // first page: always cursor 0; the others go on as "Load more" does (from the start again at the end).
          if (row.from !== "zero") inst.cursors[row.name] = next === "0" ? (row.from === "deep" ? inst.deep : "0") : next;
          if (round >= 0) {
            inst.samples[row.name].ms.push(ms);
            inst.samples[row.name].keys.push(keys);
          }
        }
      }
    }
  } finally {
    for (const inst of instances) await inst.rt.stop();
  }
  const out = { preset, sizes: preset.sizes, fill: {}, cells: {}, seconds: (now() - started) / 1000 };
  for (const inst of instances) {
    out.fill[inst.size] = inst.fill;
    for (const row of CONSOLE_ROWS) {
      const { ms, keys } = inst.samples[row.name];
      const sorted = [...ms].sort((a, b) => a - b);
      ((out.cells[row.name] ??= {})[inst.size] = {
        p50_ms: quantile(sorted, 0.5),
        p90_ms: quantile(sorted, 0.9),
        keys_per_page: keys.reduce((a, b) => a + b, 0) / keys.length,
        pages: ms.length,
      });
    }
  }
  return out;
}

const fmt = (x, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

export function printConsole(r) {
  const [small, large] = r.sizes;
  const name = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  console.log(
    `\nConsole key browser, one page over HTTP (SCAN … COUNT ${PAGE} as one pipeline, then TYPE and PTTL per key returned as a second; ` +
      `${r.preset.pages} pages per row and size, interleaved; ms on the Node client's clock)`,
  );
  const w = [34, 9, 9, 7, 9, 9, 7, 9];
  const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join(" ");
  const [a, b] = [name(small), name(large)];
  console.log(row(["page", `${a} p50`, `${a} p90`, "keys", `${b} p50`, `${b} p90`, "keys", `${b}÷${a}`]));
  for (const def of CONSOLE_ROWS) {
    const x = r.cells[def.name][small];
    const y = r.cells[def.name][large];
    console.log(row([def.label, fmt(x.p50_ms, 2), fmt(x.p90_ms, 2), fmt(x.keys_per_page, 1), fmt(y.p50_ms, 2), fmt(y.p90_ms, 2), fmt(y.keys_per_page, 1), fmt(y.p50_ms / x.p50_ms, 2)]));
  }
  for (const size of r.sizes) {
    const f = r.fill[size];
    if (f.keys < size) console.log(`${name(size)}: measured at ${f.keys} keys (the fill's budget of ${r.preset.fillBudgetS} s ran out)`);
  }
  console.log(`keys: mean keys returned per page. fills: ${r.sizes.map((s) => `${name(s)} ${r.fill[s].keys} keys in ${fmt(r.fill[s].seconds, 1)} s`).join("; ")}. console table: ${fmt(r.seconds)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const work = mkdtempSync(join(os.tmpdir(), "edgekv-bench-console-"));
  try {
    await bundle(join(ROOT, "worker/index.ts"), join(work, "edgekv.js"));
    printConsole(await consoleFigures({ buildDir: work, workDir: work, quick: values.quick }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
