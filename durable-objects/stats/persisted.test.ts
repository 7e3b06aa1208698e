/**
 * The counters' totals survive a restart (persisted.ts): written with a batch that writes anyway
 * once the last snapshot is STATS_FLUSH_MS old (the test sets when the last one was, no sleeps),
 * never by a read-only batch, cleared by CONFIG RESETSTAT.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fromReply } from "../../test/conformance/normalize";
import { freshShard } from "../../test/workers/shard-client";
import type { Arg } from "../args";
import type { Reply } from "../reply";
import type { Shard } from "../shard";
import type { CountersSnapshot, ShardCounters } from "./counters";
import type { PersistedCounters } from "./persisted";

interface Inside {
  stats: ShardCounters;
  persistedStats: PersistedCounters;
  exec(batch: Arg[][]): Reply[];
}
const inside = (s: Shard) => s as unknown as Inside;
type Stub = ReturnType<typeof freshShard>["stub"];

const snapshot = (stub: Stub): Promise<CountersSnapshot> => runInDurableObject(stub, (s: Shard) => inside(s).stats.snapshot());
const savedRow = (stub: Stub) =>
  runInDurableObject(stub, (_: Shard, state: DurableObjectState) =>
    state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE name = 'counters'").toArray()[0]?.value ?? null,
  );
/** Makes the next batch that writes also write a snapshot (the last one was long ago), or never (`due` false). */
const flushDue = (stub: Stub, due: boolean) =>
  runInDurableObject(stub, (s: Shard) => {
    inside(s).persistedStats.lastFlush = due ? 0 : Number.MAX_SAFE_INTEGER;
  });

async function traffic(r: (...a: (string | number)[]) => Promise<unknown>) {
  await r("SET", "k", "v");
  await r("GET", "k");
  await r("GET", "missing");
  await r("HSET", "h", "f", "v");
  await r("GET", "h");
  await r("INCR", "k");
  await r("RL.FIXED", "rl", "1", "60000");
}

describe("persisted counters", () => {
  it("survive a restart: named counters, commandstats, errorstats and latency histograms", async () => {
    const s = freshShard("stats-restart");
    await traffic(s.r);
    await flushDue(s.stub, true);
    await s.r("SET", "last", "1");
    const before = await snapshot(s.stub);
    expect(before.counters.total_commands_processed).toBeGreaterThanOrEqual(8);
    expect(before.counters.keyspace_hits).toBeGreaterThan(0);
    expect(before.errors.WRONGTYPE).toBe(1);
    expect(await savedRow(s.stub)).not.toBe(null);
    await evictDurableObject(s.stub);
    expect(await snapshot(s.stub)).toEqual(before);
    // Counting goes on from the restored totals.
    await s.r("GET", "k");
    const after = await snapshot(s.stub);
    expect(after.counters.total_commands_processed).toBe(before.counters.total_commands_processed! + 1);
    expect(after.commands.get!.calls).toBe(before.commands.get!.calls + 1);
  });

  it("a write batch does not write them before STATS_FLUSH_MS, and then only once", async () => {
    const s = freshShard("stats-interval");
    await flushDue(s.stub, false);
    await traffic(s.r);
    expect(await savedRow(s.stub)).toBe(null);
    await evictDurableObject(s.stub);
    expect((await snapshot(s.stub)).counters.total_commands_processed).toBe(0);
    await flushDue(s.stub, true);
    await s.r("SET", "a", "1");
    const first = await savedRow(s.stub);
    expect(first).not.toBe(null);
    await s.r("SET", "a", "2");
    expect(await savedRow(s.stub)).toBe(first);
  });

  it("a read-only batch writes nothing, even when a snapshot is due", async () => {
    const s = freshShard("stats-reads");
    await s.r("SET", "k", "v");
    await flushDue(s.stub, true);
    await runInDurableObject(s.stub, (shard: Shard, state: DurableObjectState) => {
      const changes = () => state.storage.sql.exec<{ n: number }>("SELECT total_changes() AS n").one().n;
      const before = changes();
      const replies = inside(shard).exec([["GET", "k"], ["EXISTS", "k", "nope"], ["TTL", "k"], ["INFO", "stats"]]).map(fromReply);
      expect(replies.slice(0, 3)).toEqual(["v", 1, -1]);
      expect(changes()).toBe(before);
    });
    expect(await savedRow(s.stub)).toBe(null);
    await s.r("SET", "k", "w");
    expect(JSON.parse((await savedRow(s.stub))!).counters.keyspace_hits).toBeGreaterThan(0);
  });

  it("CONFIG RESETSTAT clears the persisted totals too", async () => {
    const s = freshShard("stats-reset");
    await traffic(s.r);
    await flushDue(s.stub, true);
    await s.r("SET", "x", "1");
    expect(await savedRow(s.stub)).not.toBe(null);
    expect(await s.r("CONFIG", "RESETSTAT")).toBe("OK");
    expect(await savedRow(s.stub)).toBe(null);
    await evictDurableObject(s.stub);
    const after = await snapshot(s.stub);
    expect(after.counters.total_commands_processed).toBe(0);
    expect(after.counters.keyspace_hits).toBe(0);
    expect(after.errors).toEqual({});
    expect(after.commands).toEqual({});
  });
});
