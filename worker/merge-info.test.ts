import { describe, expect, it } from "vitest";
import { mergeInfo, mergeMemoryStats, mergeSlowlog } from "./merge-info";

const shard = (used: number, hits: number, cmd: string, db: string, uptime: number) =>
  [
    "# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:" + uptime + "\r\nshards:1\r\n",
    "# Memory\r\nused_memory:" + used + "\r\nused_memory_human:x\r\nmaxmemory:100\r\nmaxmemory_policy:noeviction\r\n",
    "# Stats\r\ntotal_commands_processed:" + hits * 2 + "\r\nkeyspace_hits:" + hits + "\r\n",
    "# Commandstats\r\n" + cmd,
    "# Errorstats\r\nerrorstat_ERR:count=1\r\n",
    "# Keyspace\r\n" + db,
  ].join("\r\n");

describe("mergeInfo", () => {
  it("sums counters and sizes, keeps settings, takes the largest uptime, recomputes *_human", () => {
    const merged = mergeInfo(
      [
        shard(1024, 3, "cmdstat_get:calls=2,usec=10,usec_per_call=5.00,rejected_calls=1,failed_calls=0\r\n", "db0:keys=2,expires=1,avg_ttl=100\r\n", 5),
        shard(2048, 4, "cmdstat_get:calls=3,usec=20,usec_per_call=6.67,rejected_calls=0,failed_calls=2\r\ncmdstat_set:calls=1,usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0\r\n", "db0:keys=3,expires=3,avg_ttl=300\r\n", 9),
        shard(0, 0, "", "", 7),
      ],
      3,
    ) as string;
    expect(merged).toContain("\r\nuptime_in_seconds:9\r\nshards:3\r\n");
    expect(merged).toContain("# Memory\r\nused_memory:3072\r\nused_memory_human:3.00K\r\nmaxmemory:100\r\nmaxmemory_policy:noeviction\r\n");
    expect(merged).toContain("# Stats\r\ntotal_commands_processed:14\r\nkeyspace_hits:7\r\n");
    expect(merged).toContain(
      "# Commandstats\r\ncmdstat_get:calls=5,usec=30,usec_per_call=6.00,rejected_calls=1,failed_calls=2\r\ncmdstat_set:calls=1,usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0\r\n",
    );
    expect(merged).toContain("# Errorstats\r\nerrorstat_ERR:count=3\r\n");
    // avg_ttl weighted by keys with an expiry: (1×100 + 3×300) / 4 = 250
    expect(merged.endsWith("# Keyspace\r\ndb0:keys=5,expires=4,avg_ttl=250\r\n")).toBe(true);
    expect(merged.split("\r\n\r\n")).toHaveLength(6);
  });

  it("answers a shard's error", () => {
    expect(mergeInfo(["# Server\r\n", { error: "ERR boom" }], 2)).toEqual({ error: "ERR boom" });
  });
});

describe("mergeSlowlog", () => {
  const e = (id: number, time: number, cmd: string) => [id, time, 0, [cmd], "", ""];
  it("merges newest first by time, ids local × shards + shard, cut to count", () => {
    const replies = [[e(1, 20, "a1"), e(0, 10, "a0")], [e(5, 30, "b5"), e(4, 20, "b4")]];
    const all = mergeSlowlog(replies, 2, ["SLOWLOG", "GET", "-1"]) as unknown[][];
    expect(all.map((x) => [x[0], (x[3] as string[])[0]])).toEqual([[11, "b5"], [2, "a1"], [9, "b4"], [0, "a0"]]);
    expect((mergeSlowlog(replies, 2, ["SLOWLOG", "GET", "2"]) as unknown[]).length).toBe(2);
    expect((mergeSlowlog(replies, 2, ["SLOWLOG", "GET"]) as unknown[]).length).toBe(4);
    expect(mergeSlowlog(replies, 2, ["SLOWLOG", "GET", "-2"])).toEqual({ error: "ERR count should be greater than or equal to -1" });
  });
});

describe("mergeMemoryStats", () => {
  it("sums the shards' figures and computes the per-key size and percentages again", () => {
    const shard = (peak: number, used: number, keys: number) => [
      { status: "peak.allocated" }, peak, { status: "total.allocated" }, used, { status: "keys.count" }, keys,
      { status: "keys.bytes-per-key" }, Math.floor(used / keys), { status: "dataset.bytes" }, used,
      { status: "dataset.percentage" }, "100", { status: "peak.percentage" }, String((used / peak) * 100),
    ];
    const merged = mergeMemoryStats([shard(400, 300, 3), shard(100, 100, 1)]) as unknown[];
    const field = (name: string) => merged[merged.findIndex((r) => (r as { status?: string }).status === name) + 1];
    expect(field("peak.allocated")).toBe(500);
    expect(field("total.allocated")).toBe(400);
    expect(field("keys.count")).toBe(4);
    expect(field("keys.bytes-per-key")).toBe(100);
    expect(field("dataset.percentage")).toBe("100");
    expect(field("peak.percentage")).toBe("80");
  });

  it("answers a shard's error", () => {
    expect(mergeMemoryStats([[], { error: "ERR x" }])).toEqual({ error: "ERR x" });
  });
});
