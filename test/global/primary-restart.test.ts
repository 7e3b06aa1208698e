/**
 * A primary shard restarting under its replicas (docs/global.md §2 "Restarts"): its log and
 * epoch are in its SQLite, so a replica keeps serving at its position while the primary is
 * evicted mid-stream of writes, catches up after, and never rebuilds (same epoch).
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { caughtUp, countingReplicas, noCounts, Session, testEnv, workerWith } from "./session-client";

const SHARDS = Number(testEnv.SHARDS ?? 16);

describe("a primary restart under its replicas", () => {
  it("the replica serves through it, catches up after, same epoch, no rebuild", async () => {
    const key = `global:restart:${Date.now().toString(36)}`;
    const shard = shardOf(key, SHARDS);
    const primary = testEnv.SHARD.getByName(`shard-${shard}`);
    const replica = testEnv.REPLICA!.getByName(`replica-weur-${shard}`, { locationHint: "weur" });
    const counts = noCounts();
    const s = new Session(workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts) }), "weur");

    await s.command(["SET", key, "v0"]);
    await caughtUp(key, "weur", SHARDS);
    const before = await replica.state();
    expect(before.readable).toBe(true);

    for (let i = 1; i <= 20; i++) {
      expect(await s.command(["SET", key, `v${i}`])).toEqual({ result: "OK" });
      if (i === 10) {
        const served = counts.served;
        await evictDurableObject(primary);
        // The primary is gone: the replica still answers at its position.
        const at = await replica.state();
        expect(at).toMatchObject({ epoch: before.epoch, readable: true, rebuilding: false });
        const { result } = await s.command(["GET", key], { syncToken: `v1.${shard}:${before.epoch}:${before.position}` });
        expect(result).toMatch(/^v([0-9]|10)$/);
        expect(counts.served).toBe(served + 1);
      }
      expect(await s.command(["GET", key])).toEqual({ result: `v${i}` });
    }

    await caughtUp(key, "weur", SHARDS);
    const after = await replica.state();
    const primaryAt = await (primary as unknown as { position(): Promise<{ epoch: string; position: number }> }).position();
    expect(after).toMatchObject({ epoch: before.epoch, readable: true, rebuilding: false, rebuilds: before.rebuilds });
    expect(primaryAt.epoch).toBe(before.epoch);
    expect(after.position).toBe(primaryAt.position);
    expect(after.position).toBeGreaterThan(before.position);
    // Reads with the session's token are served there again.
    const served = counts.served;
    expect(await s.command(["GET", key])).toEqual({ result: "v20" });
    expect(counts.served).toBe(served + 1);
  });
});
