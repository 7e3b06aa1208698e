/**
 * Read replicas through the Worker (docs/global.md §3): which requests a replica answers, what
 * the sync token carries, and that whatever is not a plain read stays on the primary.
 * The project runs with replicas in weur and apac, the region named by x-edgekv-region, and
 * SIMULATED_RTT far 50 ms (vitest.config.ts, `global`).
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { parseToken, type KnownEntry } from "../../worker/global/token";
import { caughtUp, countingReplicas, noCounts, READONLY_TOKEN, Session, testEnv, workerWith, type ReplicaCounts } from "./session-client";

const SHARDS = Number(testEnv.SHARDS ?? 16);
let n = 0;
const fresh = (name: string) => `global:${name}:${Date.now().toString(36)}:${n++}`;

function counted(extra: Record<string, unknown> = {}): { counts: ReplicaCounts; session: (region: string) => Session } {
  const counts = noCounts();
  const fetch = workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts), ...extra });
  return { counts, session: (region) => new Session(fetch, region) };
}

describe("sync tokens", () => {
  it("every response carries a v1 token that holds the positions it observed; CORS exposes it", async () => {
    const key = fresh("tok");
    const res = await SELF.fetch(
      new Request("http://edgekv/", { method: "POST", body: JSON.stringify(["SET", key, "v"]), headers: { authorization: "Bearer test-token", "x-edgekv-region": "weur" } }),
    );
    expect(await res.json()).toEqual({ result: "OK" });
    expect(res.headers.get("access-control-expose-headers")).toContain("upstash-sync-token");
    const token = parseToken(res.headers.get("upstash-sync-token"), SHARDS);
    expect(token).not.toBeNull();
    expect((token!.get(shardOf(key, SHARDS)) as KnownEntry).position).toBeGreaterThan(0);
  });

  it("a request's token is carried on: entries of shards it did not touch stay", async () => {
    const { session } = counted();
    const s = session("weur");
    const [a, b] = [fresh("a"), fresh("b")];
    await s.command(["SET", a, "1"]);
    const before = parseToken(s.token, SHARDS)!;
    await s.command(["SET", b, "2"]);
    const after = parseToken(s.token, SHARDS)!;
    expect((after.get(shardOf(a, SHARDS)) as KnownEntry).position).toBeGreaterThanOrEqual((before.get(shardOf(a, SHARDS)) as KnownEntry).position);
    expect(after.has(shardOf(b, SHARDS))).toBe(true);
  });

  it("a malformed token asks for nothing: served by the primary, answered with a fresh session token", async () => {
    const { counts, session } = counted();
    const s = session("weur");
    const r = await s.command(["GET", fresh("none")], { syncToken: "v1.0:x:1:2" });
    expect(r).toEqual({ result: null });
    expect(counts.reads).toBe(0);
  });
});

describe("where reads run", () => {
  it("reads your writes: a read after a write, with its token, from a far region sees the write (on the replica or, if behind, the primary)", async () => {
    const { counts, session } = counted();
    const s = session("weur");
    const key = fresh("ryw");
    for (let i = 0; i < 5; i++) {
      expect(await s.command(["SET", key, `v${i}`])).toEqual({ result: "OK" });
      expect(await s.command(["GET", key])).toEqual({ result: `v${i}` });
    }
    expect(counts.reads).toBe(5);
    // Settled: the replica has every write; a read with the token is served there.
    await caughtUp(key, "weur", SHARDS);
    const served = counts.served;
    expect(await s.command(["GET", key])).toEqual({ result: "v4" });
    expect(counts.served).toBe(served + 1);
  });

  it("a read without a token, or from a region without a replica near it, runs on the primary", async () => {
    const { counts, session } = counted();
    const key = fresh("strong");
    await session("wnam").command(["SET", key, "x"]);
    expect(await session("weur").command(["GET", key])).toEqual({ result: "x" });
    const s = session("wnam");
    await s.command(["GET", key]);
    expect(await s.command(["GET", key])).toEqual({ result: "x" });
    expect(counts.reads).toBe(0);
  });

  it("max-staleness: a read without a token may use a replica caught up recently enough", async () => {
    const { counts, session } = counted();
    const key = fresh("stale");
    const writer = session("wnam");
    await writer.command(["SET", key, "x"]);
    await caughtUp(key, "apac", SHARDS);
    const reader = session("apac");
    expect(await reader.command(["GET", key], { maxStalenessMs: 60_000, syncToken: null })).toEqual({ result: "x" });
    expect(counts.reads).toBe(1);
    expect(counts.served).toBe(1);
  });

  it("writes, MULTI/EXEC, scripts, rate limits, locks, blocking and keyspace-wide commands run on the primary", async () => {
    const { counts, session } = counted();
    const s = session("weur");
    const key = fresh("primary");
    await s.command(["SET", key, "1"]);
    await s.command(["INCR", key]);
    expect(await s.multiExec([["GET", key]])).toEqual([{ result: "2" }]);
    expect(await s.command(["EVAL", "return redis.call('GET', KEYS[1])", 1, key])).toEqual({ result: "2" });
    expect(await s.command(["EVAL_RO", "return redis.call('GET', KEYS[1])", 1, key])).toEqual({ result: "2" });
    expect((await s.command(["RL.FIXED", fresh("rl"), 10, 1000])).error).toBeUndefined();
    expect((await s.command(["LOCK.STATUS", fresh("lock")])).error).toBeUndefined();
    expect((await s.command(["BLPOP", fresh("list"), "0.01"])).result).toBeNull();
    expect((await s.command(["DBSIZE"])).error).toBeUndefined();
    expect((await s.command(["SCAN", 0, "COUNT", 5])).error).toBeUndefined();
    expect(await s.pipeline([["GET", key], ["SET", key, "3"]])).toEqual([{ result: "2" }, { result: "OK" }]);
    expect(counts.reads).toBe(0);
    // The same session's plain read does use the replica.
    await caughtUp(key, "weur", SHARDS);
    expect(await s.command(["GET", key])).toEqual({ result: "3" });
    expect(counts.reads).toBe(1);
  });

  it("falls back to the primary when the replica is behind the token (after REPLICA_WAIT_MS) or unreachable", async () => {
    const key = fresh("behind");
    const shard = shardOf(key, SHARDS);
    const writer = new Session(workerWith({}), "wnam");
    await writer.command(["SET", key, "v"]);
    const entry = parseToken(writer.token, SHARDS)!.get(shard) as KnownEntry;
    // A token from the future: no replica reaches it, the primary answers.
    const ahead = `v1.${shard}:${entry.epoch}:${entry.position + 1000}`;
    const { counts, session } = counted({ REPLICA_WAIT_MS: "5" });
    expect(await session("weur").command(["GET", key], { syncToken: ahead })).toEqual({ result: "v" });
    expect(counts).toMatchObject({ reads: 1, refused: 1, served: 0 });

    const failing = noCounts();
    const s = new Session(workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, failing, true) }), "weur");
    s.token = writer.token;
    expect(await s.command(["GET", key])).toEqual({ result: "v" });
    expect(await s.command(["MGET", key, fresh("other")])).toEqual({ result: ["v", null] });
    expect(failing.failed).toBeGreaterThanOrEqual(2);
  });

  it("the read-only token reads through replicas and still changes nothing", async () => {
    const { counts, session } = counted();
    const key = fresh("ro");
    const s = session("weur");
    await s.command(["SET", key, "v"]);
    await caughtUp(key, "weur", SHARDS);
    expect(await s.command(["GET", key], { token: READONLY_TOKEN })).toEqual({ result: "v" });
    expect(counts.reads).toBe(1);
    const refused = await s.command(["SET", key, "w"], { token: READONLY_TOKEN });
    expect(refused.error).toMatch(/^NOPERM/);
    expect(await s.command(["GET", key])).toEqual({ result: "v" });
  });

  it("with no REPLICA_REGIONS the token is a fresh random id and no replica is asked", async () => {
    const counts = noCounts();
    const s = new Session(workerWith({ REPLICA_REGIONS: undefined, SIMULATED_RTT: undefined, REPLICA: countingReplicas(testEnv.REPLICA!, counts) }), "weur");
    s.token = "v1.";
    await s.command(["SET", fresh("off"), "1"]);
    expect(s.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await s.command(["GET", fresh("off")]);
    expect(counts.reads).toBe(0);
  });
});
