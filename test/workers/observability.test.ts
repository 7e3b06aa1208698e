/**
 * Observability through the Worker over 16 shards: INFO merged and parsed by a real client,
 * SLOWLOG across shards (the threshold set to 0 in every shard, so nothing depends on the clock),
 * GET /metrics in the Prometheus text format, and what each token may do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { call, callWith, cmd, freshKey, keysOnDistinctShards, pipeline, READONLY_TOKEN, SHARDS, TOKEN } from "./http-helpers";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

/** INFO parsed as redis-py's parse_info does: `k:v` lines, `a=1,b=2` values as dicts, numbers as numbers. */
function parseInfoLikeRedisPy(text: string): Record<string, unknown> {
  const value = (v: string): unknown => {
    if (!v.includes(",") && !v.includes("=")) return /^-?\d+$/.test(v) ? Number.parseInt(v, 10) : /^-?\d+\.\d+$/.test(v) ? Number.parseFloat(v) : v;
    return Object.fromEntries(v.split(",").map((kv) => [kv.split("=")[0], value(kv.split("=").slice(1).join("="))]));
  };
  const out: Record<string, unknown> = {};
  for (const line of text.split("\r\n")) {
    if (!line || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    expect(colon, `line without ':' (${line})`).toBeGreaterThan(0);
    out[line.slice(0, colon)] = value(line.slice(colon + 1));
  }
  return out;
}

/** Sets a parameter on every shard (CONFIG SET reaches them all). */
async function setOnEveryShard(name: string, value: string): Promise<void> {
  expect((await cmd("CONFIG", "SET", name, value)).result).toBe("OK");
}

describe("INFO through the Worker", () => {
  it("is merged over the shards and parsed by the official client as redis-py parses it", async () => {
    const keys = keysOnDistinctShards("info", 4);
    for (const k of keys) await redis.set(k, "v", { ex: 1000 });
    const text = await redis.exec<string>(["INFO", "everything"]);
    const info = parseInfoLikeRedisPy(text);
    expect(info.redis_version).toBe("7.0.15");
    expect(info.shards).toBe(SHARDS);
    expect(info.role).toBe("master");
    expect(typeof info.total_commands_processed).toBe("number");
    expect(typeof info.keyspace_hits).toBe("number");
    expect(info.used_memory_human).toMatch(/^\d+(\.\d\d[KMGTP])?B?$/);
    const db0 = info.db0 as { keys: number; expires: number; avg_ttl: number };
    expect(db0.keys).toBeGreaterThanOrEqual(4);
    expect(db0.expires).toBeGreaterThanOrEqual(4);
    expect((info.cmdstat_set as { calls: number }).calls).toBeGreaterThanOrEqual(4);
  });

  it("counts the RESP bytes of commands and replies as total_net_input_bytes and total_net_output_bytes", async () => {
    const [k] = keysOnDistinctShards("net", 1);
    await cmd("SET", k!, "v");
    const stats = async () => parseInfoLikeRedisPy((await cmd("INFO", "stats")).result as string);
    const before = await stats();
    await cmd("GET", k!);
    const after = await stats();
    // Between the two INFOs: the second INFO (*2 $4 INFO $5 stats, on every shard) and GET k (*2 $3 GET $n k).
    const get = 4 + 9 + (1 + String(k!.length).length + 2 + k!.length + 2);
    const info = (4 + 10 + 11) * SHARDS;
    expect((after.total_net_input_bytes as number) - (before.total_net_input_bytes as number)).toBe(get + info);
    expect((after.total_net_output_bytes as number) - (before.total_net_output_bytes as number)).toBeGreaterThan(7);
  });

  it("MEMORY STATS speaks of every shard: keys.count is DBSIZE, dataset.bytes INFO's used_memory", async () => {
    for (const k of keysOnDistinctShards("memstats", 3)) await cmd("SET", k, "v".repeat(100));
    const [stats, dbsize, info] = [(await cmd("MEMORY", "STATS")).result as unknown[], (await cmd("DBSIZE")).result, (await cmd("INFO", "memory")).result as string];
    const field = (name: string) => stats[stats.indexOf(name) + 1];
    expect(field("keys.count")).toBe(dbsize);
    expect(field("dataset.bytes")).toBe(parseInfoLikeRedisPy(info).used_memory);
    expect(field("keys.bytes-per-key")).toBe(Math.floor((field("dataset.bytes") as number) / (dbsize as number)));
  });

  it("sums counters over shards: keyspace_hits moves by the hits on several shards", async () => {
    const keys = keysOnDistinctShards("hits", 3);
    for (const k of keys) await cmd("SET", k, "v");
    const before = parseInfoLikeRedisPy((await cmd("INFO", "stats")).result as string);
    for (const k of keys) await cmd("GET", k);
    const after = parseInfoLikeRedisPy((await cmd("INFO", "stats")).result as string);
    expect((after.keyspace_hits as number) - (before.keyspace_hits as number)).toBe(3);
  });

  it("counts commands the Worker refuses: NOPERM for the read-only token, and unknown commands", async () => {
    const stats = async () => parseInfoLikeRedisPy((await cmd("INFO", "all")).result as string);
    const before = await stats();
    const res = await call("/", { body: JSON.stringify(["SET", freshKey("ro"), "v"]), token: READONLY_TOKEN });
    expect(((await res.json()) as { error: string }).error).toMatch(/^NOPERM /);
    await cmd("NOSUCHCMD");
    const after = await stats();
    const rejected = (s: Record<string, unknown>) => (s.cmdstat_set as { rejected_calls: number }).rejected_calls;
    expect(rejected(after) - rejected(before)).toBe(1);
    const count = (s: Record<string, unknown>, p: string) => (s[`errorstat_${p}`] as { count: number } | undefined)?.count ?? 0;
    expect(count(after, "NOPERM") - count(before, "NOPERM")).toBe(1);
    expect(count(after, "ERR") - count(before, "ERR")).toBe(1);
  });

  it("the read-only token may read INFO and SLOWLOG but not reset the slow log", async () => {
    const ro = async (...argv: unknown[]) => (await call("/", { body: JSON.stringify(argv), token: READONLY_TOKEN })).json() as Promise<{ result?: unknown; error?: string }>;
    expect(typeof (await ro("INFO")).result).toBe("string");
    expect(Array.isArray((await ro("SLOWLOG", "GET")).result)).toBe(true);
    expect(typeof (await ro("SLOWLOG", "LEN")).result).toBe("number");
    expect((await ro("SLOWLOG", "RESET")).error).toBe("NOPERM this token is read-only and cannot run the 'slowlog|reset' command");
  });
});

describe("SLOWLOG across shards (CONFIG SET slowlog-log-slower-than 0)", () => {
  beforeAll(() => setOnEveryShard("slowlog-log-slower-than", "0"));
  afterAll(() => setOnEveryShard("slowlog-log-slower-than", "10000"));

  it("merges every shard's entries newest first, with ids unique across shards", async () => {
    expect((await cmd("SLOWLOG", "RESET")).result).toBe("OK");
    const keys = keysOnDistinctShards("slow", 5);
    for (const k of keys) await cmd("SET", k, "v");
    const entries = (await cmd("SLOWLOG", "GET", -1)).result as [number, number, number, string[], string, string][];
    const sets = entries.filter((e) => e[3][0] === "SET" && keys.includes(e[3][1]!));
    // Ordered by unix time (seconds) across shards; one key per shard here, so each once.
    expect(sets.map((e) => e[3][1]).sort()).toEqual([...keys].sort());
    for (const [id, time, usec, argv, addr, name] of sets) {
      expect(id % SHARDS).toBe(shardOf(argv[1]!, SHARDS));
      expect(Number.isInteger(time)).toBe(true);
      expect(usec).toBeGreaterThanOrEqual(0);
      expect(argv).toEqual(["SET", argv[1], "v"]);
      expect([addr, name]).toEqual(["", ""]);
    }
    const ids = entries.map((e) => e[0]);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < entries.length; i++) expect(entries[i - 1]![1]).toBeGreaterThanOrEqual(entries[i]![1]);
    for (let s = 0; s < SHARDS; s++) {
      const own = entries.filter((e) => e[0] % SHARDS === s).map((e) => e[0]);
      expect(own).toEqual([...own].sort((a, b) => b - a));
    }
    expect((await cmd("SLOWLOG", "LEN")).result).toBeGreaterThanOrEqual(5);
    expect(((await cmd("SLOWLOG", "GET", 2)).result as unknown[]).length).toBe(2);
    expect(((await cmd("SLOWLOG", "GET")).result as unknown[]).length).toBeLessThanOrEqual(10);
  });

  it("cuts argv as Redis: 32 arguments at most, 128 bytes per argument", async () => {
    const k = freshKey("cut");
    await cmd("SET", k, "a".repeat(200));
    const list = freshKey("cutlist");
    await cmd("RPUSH", list, ...Array.from({ length: 40 }, (_, i) => String(i + 1)));
    const entries = (await cmd("SLOWLOG", "GET", -1)).result as [number, number, number, string[]][];
    const set = entries.find((e) => e[3][0] === "SET" && e[3][1] === k)!;
    expect(set[3][2]).toBe("a".repeat(128) + "... (72 more bytes)");
    const rpush = entries.find((e) => e[3][0] === "RPUSH" && e[3][1] === list)!;
    expect(rpush[3]).toHaveLength(32);
    expect(rpush[3][31]).toBe("... (11 more arguments)");
    expect(rpush[3][30]).toBe("29");
  });

  it("slowlog-max-len bounds each shard's log; RESET empties every shard", async () => {
    await setOnEveryShard("slowlog-max-len", "2");
    const k = keysOnDistinctShards("maxlen", 1)[0]!;
    for (let i = 0; i < 5; i++) await cmd("SET", k, String(i));
    const mine = ((await cmd("SLOWLOG", "GET", -1)).result as [number, number, number, string[]][]).filter((e) => e[0] % SHARDS === shardOf(k, SHARDS));
    expect(mine.length).toBe(2);
    // Within a shard, newest first.
    expect(mine.map((e) => e[3])).toEqual([["SET", k, "4"], ["SET", k, "3"]]);
    await setOnEveryShard("slowlog-max-len", "128");
    await setOnEveryShard("slowlog-log-slower-than", "-1");
    expect((await cmd("SLOWLOG", "RESET")).result).toBe("OK");
    expect((await cmd("SLOWLOG", "LEN")).result).toBe(0);
    await setOnEveryShard("slowlog-log-slower-than", "0");
  });
});

/** The exposition's samples by `name{labels}`, after checking every line's form and that each metric was declared first. */
function parseExposition(text: string): Map<string, number> {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line);
    if (t) {
      expect(types.has(t[1]!), `${t[1]} declared twice`).toBe(false);
      types.set(t[1]!, t[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const base = m![1]!.replace(/_(bucket|sum|count)$/, "");
    expect(types.has(m![1]!) || types.get(base) === "histogram", `${m![1]} has no TYPE`).toBe(true);
    samples.set(`${m![1]}${m![2] ?? ""}`, Number(m![3]!));
  }
  return samples;
}

async function scrape(token: string | null = TOKEN): Promise<Map<string, number>> {
  const res = await call("/metrics", { token });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe("GET /metrics", () => {
  it("is the Prometheus text format, and its counters move after commands", async () => {
    const k = freshKey("metrics");
    await cmd("SET", k, "v");
    const before = await scrape();
    await cmd("GET", k);
    await cmd("GET", k);
    await cmd("GET", freshKey("missing"));
    await cmd("RL.FIXED", freshKey("rl"), 1, 60000);
    await cmd("RL.FIXED", `${k}:rl`, 1, 60000);
    await cmd("RL.FIXED", `${k}:rl`, 1, 60000);
    const after = await scrape();
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('edgekv_command_calls_total{command="get"}')).toBe(3);
    expect(delta("edgekv_keyspace_hits_total")).toBe(2);
    expect(delta("edgekv_keyspace_misses_total")).toBe(1);
    expect(delta('edgekv_ratelimit_decisions_total{algorithm="fixed",decision="admitted"}')).toBe(2);
    expect(delta('edgekv_ratelimit_decisions_total{algorithm="fixed",decision="refused"}')).toBe(1);
    expect(delta('edgekv_command_latency_seconds_count{group="string"}')).toBeGreaterThanOrEqual(3);
    expect(after.get(`edgekv_shard_up{shard="${shardOf(k, SHARDS)}"}`)).toBe(1);
    let keys = 0;
    for (let i = 0; i < SHARDS; i++) keys += after.get(`edgekv_keys{shard="${i}"}`) ?? 0;
    expect(keys).toBe((await cmd("DBSIZE")).result);
  });

  it("a histogram's buckets are cumulative and end at its count", async () => {
    await cmd("SET", freshKey("h"), "v");
    const m = await scrape();
    const buckets = [...m].filter(([name]) => name.startsWith('edgekv_command_latency_seconds_bucket{group="string"'));
    expect(buckets.length).toBe(8);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]![1]).toBeGreaterThanOrEqual(buckets[i - 1]![1]);
    expect(buckets.at(-1)![0]).toContain('le="+Inf"');
    expect(buckets.at(-1)![1]).toBe(m.get('edgekv_command_latency_seconds_count{group="string"}'));
  });

  it("counts Lua budget exhaustions and cross-shard transactions", async () => {
    const before = await scrape();
    expect((await cmd("EVAL", "while true do end", 0)).error).toMatch(/^BUSY /);
    const [a, b] = keysOnDistinctShards("mset", 2);
    expect((await cmd("MSET", a!, "1", b!, "2")).result).toBe("OK");
    const after = await scrape();
    expect((after.get("edgekv_lua_budget_exhausted_total") ?? 0) - (before.get("edgekv_lua_budget_exhausted_total") ?? 0)).toBe(1);
    const committed = 'edgekv_cross_shard_transactions_total{outcome="committed"}';
    expect((after.get(committed) ?? 0) - (before.get(committed) ?? 0)).toBe(1);
  });

  it("needs the read-write token or METRICS_TOKEN; the metrics token runs no command", async () => {
    expect((await call("/metrics", { token: READONLY_TOKEN })).status).toBe(401);
    expect((await call("/metrics", { token: null })).status).toBe(401);
    expect((await call("/metrics", { token: "wrong" })).status).toBe(401);
    const withMetricsToken = await callWith({ METRICS_TOKEN: "metrics-token" }, "/metrics", { token: "metrics-token" });
    expect(withMetricsToken.status).toBe(200);
    parseExposition(await withMetricsToken.text());
    expect((await callWith({ METRICS_TOKEN: "metrics-token" }, "/dbsize", { token: "metrics-token" })).status).toBe(401);
    const res = await pipeline([["DBSIZE"]], { token: "metrics-token" });
    expect(res.status).toBe(401);
  });
});
