/**
 * A point-in-time restore with read replicas (docs/point-in-time.md "Read replicas"): every
 * replica of a restored shard stops serving the rewound history before the restore is set, the
 * restored primary starts its log over with a new epoch before it acknowledges anything, and a
 * sync token from before the restore never has a replica serve that history. workerd cannot
 * restore: the shards' restore storage calls are replaced by a simulation (pitr-simulated.ts,
 * test-only) that rewinds each shard's SQLite to its checkpoint's copy at the restart.
 */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { cmd, freshKey, SHARDS } from "./http-helpers";
import { simulateRestores } from "./pitr-simulated";
import { sleep, type PrimaryRpc, type ReplicaRpc } from "./replication-helpers";

const REGIONS = ["weur", "apac"];
const shardStub = (i: number) => env.SHARD.getByName(`shard-${i}`);
const primary = (i: number) => shardStub(i) as unknown as PrimaryRpc & { lockedKeys(): Promise<number> };
const replica = (region: string, i: number) => env.REPLICA.getByName(`replica-${region}-${i}`) as unknown as ReplicaRpc;
const shards = Array.from({ length: SHARDS }, (_, i) => i);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Until no shard holds a lock (a restored shard holds its checkpoint's until its lease resolves it); bounded. */
async function untilUnlocked(): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const locked = await Promise.all(shards.map((i) => primary(i).lockedKeys()));
    if (locked.every((n) => n === 0)) return;
    await Promise.all(shards.map((i) => (locked[i] ? runDurableObjectAlarm(shardStub(i)) : null)));
    await sleep(50);
  }
  throw new Error("a shard stayed locked");
}

describe("point-in-time restore with read replicas", () => {
  // Every replica catches up (or rebuilds) before the file ends, so nothing is left running at teardown.
  afterAll(async () => {
    await Promise.all(REGIONS.flatMap((region) => shards.map((i) => replica(region, i).catchUp())));
  });

  it("fences every replica, starts the restored primary's log over, and a pre-restore token is never served the rewound history", { timeout: 60_000 }, async () => {
    await Promise.all(shards.map((i) => simulateRestores(shardStub(i), `shard-${i}`)));
    const key = freshKey("pitr-fence");
    const i = shardOf(key, SHARDS);
    expect(await cmd("SET", key, "at the checkpoint")).toEqual({ result: "OK" });
    const taken = await cmd("PITR.CHECKPOINT");
    expect(taken.error).toBeUndefined();
    const [id, time] = taken.result as [string, number];
    expect(await cmd("SET", key, "rewound")).toEqual({ result: "OK" });

    // The replica holds the history the restore rewinds, and serves it to a token of that history.
    const weur = replica("weur", i);
    const before = await weur.catchUp();
    const token = { epoch: before.epoch, position: before.position, waitMs: 0 };
    expect(await weur.read([["GET", key]], undefined, token)).toMatchObject({ ok: true, replies: [bytes("rewound")] });

    const restored = await cmd("PITR.RESTORE", id);
    expect(restored.error).toBeUndefined();
    expect(restored.result).toEqual([id, time, expect.any(Array)]);
    // Fenced before the restore was set: nothing of the rewound history is served, with that token or none.
    for (const region of REGIONS) {
      expect(await replica(region, i).read([["GET", key]], undefined, token)).toEqual({ ok: false });
      expect(await replica(region, i).read([["GET", key]], undefined, { position: 0, waitMs: 0 })).toEqual({ ok: false });
    }

    // The restored shard holds its checkpoint's lock-all until its lease resolves it; then it has a new epoch.
    await untilUnlocked();
    const now = await primary(i).position();
    expect(now.epoch).not.toBe("");
    expect(now.epoch).not.toBe(before.epoch);
    expect(await cmd("GET", key)).toEqual({ result: "at the checkpoint" });
    for (const s of shards) expect((await primary(s).position()).epoch).not.toBe("");

    // Every replica rebuilds from the new epoch and serves the restored state; the old token still proves nothing there.
    for (const region of REGIONS) {
      const r = replica(region, i);
      expect((await r.catchUp()).epoch).toBe(now.epoch);
      expect(await r.read([["GET", key]], undefined, { position: 0, waitMs: 0 })).toMatchObject({ ok: true, replies: [bytes("at the checkpoint")] });
      expect(await r.read([["GET", key]], undefined, token)).toEqual({ ok: false });
    }
    // Writable again, and the write reaches the replicas under the new epoch.
    expect(await cmd("SET", key, "after")).toEqual({ result: "OK" });
    const after = await primary(i).position();
    expect(await weur.read([["GET", key]], undefined, { epoch: after.epoch, position: after.position, waitMs: 5_000 })).toMatchObject({ ok: true, replies: [bytes("after")] });
  });
});
