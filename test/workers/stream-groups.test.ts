/**
 * Consumer-group rows go with their stream: at once for a small stream, in bounded steps
 * (store/lazy-free.ts) for a large one, and all of them on FLUSHALL.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshShard } from "./shard-client";

const TABLES = ["stream_group", "stream_consumer", "stream_pending", "stream_entry"] as const;

function rowCounts(sql: SqlStorage): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${t}`).one().n;
  return out;
}

/** A stream `key` of `n` entries, read whole by two groups (every entry pending twice). */
async function pendingStream(s: ReturnType<typeof freshShard>, key: string, n: number): Promise<void> {
  const adds = Array.from({ length: n }, (_, i) => ["XADD", key, `${i + 1}-1`, "f", "v"]);
  await s.rpc.exec(adds);
  for (const g of ["g1", "g2"]) {
    expect(await s.r("XGROUP", "CREATE", key, g, "0")).toBe("OK");
    const read = (await s.r("XREADGROUP", "GROUP", g, "c", "STREAMS", key, ">")) as [string, unknown[]][];
    expect(read[0]![1]).toHaveLength(n);
  }
}

describe("stream consumer-group storage", () => {
  it("DEL of a small stream drops its groups, consumers and pending entries at once", async () => {
    const s = freshShard("stream-groups-small");
    await pendingStream(s, "s", 10);
    expect(await s.sql(rowCounts)).toEqual({ stream_group: 2, stream_consumer: 2, stream_pending: 20, stream_entry: 10 });
    expect(await s.r("DEL", "s")).toBe(1);
    expect(await s.sql(rowCounts)).toEqual({ stream_group: 0, stream_consumer: 0, stream_pending: 0, stream_entry: 0 });
  });

  it("DEL of a large stream drops its groups at once and its pending entries and entries lazily", async () => {
    const s = freshShard("stream-groups-large");
    // More rows than a batch frees at its end (LAZYFREE_BATCH_STEP), so some are left to the alarm.
    await pendingStream(s, "s", 700);
    expect(await s.r("DEL", "s")).toBe(1);
    const after = await s.sql(rowCounts);
    expect(after.stream_group).toBe(0);
    expect(after.stream_consumer).toBe(0);
    expect(after.stream_pending + after.stream_entry).toBeGreaterThan(0);
    // A new stream of the same name starts with no groups.
    expect(await s.r("XADD", "s", "1-1", "f", "v")).toBe("1-1");
    expect(await s.r("XPENDING", "s", "g1")).toEqual({ error: "NOGROUP No such key 's' or consumer group 'g1'" });
    for (let i = 0; i < 100 && (await s.sql(rowCounts)).stream_pending > 0; i++) await runDurableObjectAlarm(s.stub);
    expect(await s.sql(rowCounts)).toEqual({ stream_group: 0, stream_consumer: 0, stream_pending: 0, stream_entry: 1 });
  });

  it("FLUSHALL drops every group row", async () => {
    const s = freshShard("stream-groups-flush");
    await pendingStream(s, "a", 5);
    await pendingStream(s, "b", 100);
    expect(await s.r("FLUSHALL")).toBe("OK");
    expect(await s.sql(rowCounts)).toEqual({ stream_group: 0, stream_consumer: 0, stream_pending: 0, stream_entry: 0 });
  });
});
