/** The PITR orchestration against a fake of the shards' storage calls (workerd locally implements none of them). */
import { describe, expect, it } from "vitest";
import type { PitrAnswer } from "../../durable-objects/pitr/checkpoints";
import { isError } from "../../durable-objects/reply";
import type { TxBackend } from "../cross-shard";
import { runCrossCommand } from "../execute";
import { checkpointCommand, mergeCheckpoints, pickCheckpoint, restoreAll, restoreBookmarks, restoreCheckpoint, type Checkpoint, type PitrBackend } from "./restore";

/** Each shard's pending restore (null: none) and the calls made; `failing` shards refuse. */
function fakeBackend(shards: number, failing: Set<number> = new Set(), replicated = false) {
  const pending: (string | null)[] = new Array(shards).fill(null);
  const calls: [number, string][] = [];
  const backend: PitrBackend = {
    replicated,
    bookmark: async (s): Promise<PitrAnswer> => ({ ok: true, bookmark: `now-${s}` }),
    restore: async (s, b): Promise<PitrAnswer> => {
      calls.push([s, b]);
      if (failing.has(s)) return { ok: false, error: `ERR point-in-time restore: shard ${s} refused` };
      // Restoring to the undo bookmark (the present) cancels a pending restore.
      pending[s] = b === `undo-${s}` ? null : b;
      return { ok: true, bookmark: `undo-${s}` };
    },
  };
  return { backend, pending, calls };
}

const cps: Checkpoint[] = [
  { id: "100-a", time: 100, bookmarks: ["b0@100", "b1@100", "b2@100"] },
  { id: "200-b", time: 200, bookmarks: ["b0@200", "b1@200", "b2@200"] },
];

describe("PITR orchestration", () => {
  it("restores every shard to the newest checkpoint at or before the time and answers the undo bookmarks", async () => {
    const { backend, pending } = fakeBackend(3);
    expect(await restoreCheckpoint(backend, cps, "250")).toEqual(["200-b", 200, ["undo-0", "undo-1", "undo-2"]]);
    expect(pending).toEqual(["b0@200", "b1@200", "b2@200"]);
    const again = fakeBackend(3);
    expect(await restoreCheckpoint(again.backend, cps, "199")).toEqual(["100-a", 100, ["undo-0", "undo-1", "undo-2"]]);
    expect(again.pending).toEqual(["b0@100", "b1@100", "b2@100"]);
  });

  it("restores a checkpoint named by its id", async () => {
    const { backend, pending } = fakeBackend(3);
    expect(await restoreCheckpoint(backend, cps, "100-a")).toEqual(["100-a", 100, ["undo-0", "undo-1", "undo-2"]]);
    expect(pending).toEqual(["b0@100", "b1@100", "b2@100"]);
  });

  it("one shard failing sets the others back to their undo bookmarks and answers its error", async () => {
    const { backend, pending, calls } = fakeBackend(3, new Set([1]));
    expect(await restoreCheckpoint(backend, cps, "200-b")).toEqual({ error: "ERR point-in-time restore: shard 1 refused" });
    expect(pending).toEqual([null, null, null]);
    expect(calls).toContainEqual([0, "undo-0"]);
    expect(calls).toContainEqual([2, "undo-2"]);
  });

  it("a shard whose RPC throws counts as failed: the others are set back", async () => {
    const { backend, pending } = fakeBackend(2);
    const throwing: PitrBackend = { ...backend, restore: (s, b) => (s === 1 ? Promise.reject(new Error("network lost")) : backend.restore(s, b)) };
    expect(await restoreAll(throwing, ["x", "y"])).toEqual({ ok: false, error: "ERR point-in-time restore: network lost" });
    expect(pending).toEqual([null, null]);
  });

  it("no checkpoint at or before the time: an error naming the oldest, nothing set", async () => {
    const { backend, calls } = fakeBackend(3);
    expect(await restoreCheckpoint(backend, cps, "99")).toEqual({ error: "ERR no checkpoint at or before 99: the oldest is 100-a at 100" });
    expect(await restoreCheckpoint(backend, [], "99")).toEqual({ error: "ERR no checkpoint: take one with PITR.CHECKPOINT" });
    expect(await restoreCheckpoint(backend, cps, "nope")).toEqual({ error: "ERR no checkpoint nope on every shard" });
    expect(calls).toEqual([]);
  });

  it("refuses while REPLICA_REGIONS is set, touching no shard", async () => {
    const { backend, calls } = fakeBackend(3, new Set(), true);
    const reply = await restoreCheckpoint(backend, cps, "250");
    expect(isError(reply) && reply.error).toMatch(/REPLICA_REGIONS/);
    expect(isError(await restoreBookmarks(backend, 3, ["a", "b", "c"]))).toBe(true);
    expect(calls).toEqual([]);
  });

  it("PITR.RESTORE-BOOKMARKS takes one bookmark per shard", async () => {
    const { backend, pending } = fakeBackend(2);
    expect(await restoreBookmarks(backend, 2, ["a"])).toEqual({ error: "ERR PITR.RESTORE-BOOKMARKS takes one bookmark per shard (2)" });
    expect(await restoreBookmarks(backend, 2, ["a", "b"])).toEqual(["undo-0", "undo-1"]);
    expect(pending).toEqual(["a", "b"]);
  });

  it("merges shards' lists: only checkpoints present on every shard, oldest first", () => {
    const merged = mergeCheckpoints([
      [["200-b", 200, "s0b"], ["100-a", 100, "s0a"], ["300-c", 300, "s0c"]],
      [["100-a", 100, "s1a"], ["200-b", 200, "s1b"]],
    ]);
    expect(merged).toEqual([
      { id: "100-a", time: 100, bookmarks: ["s0a", "s1a"] },
      { id: "200-b", time: 200, bookmarks: ["s0b", "s1b"] },
    ]);
    expect(mergeCheckpoints([[], { error: "ERR down" }])).toEqual({ error: "ERR down" });
    expect(pickCheckpoint(merged as Checkpoint[], "200")).toMatchObject({ id: "200-b" });
  });
});

describe("PITR.CHECKPOINT's transaction", () => {
  /** A TxBackend that records what each shard prepared and had staged, and commits. */
  function fakeTx() {
    const prepared: { shard: number; lockAll?: true }[] = [];
    const staged = new Map<number, unknown[][]>();
    const committed: number[] = [];
    const tx: TxBackend = {
      prepare: async (shard, req) => (prepared.push({ shard, ...(req.lockAll ? { lockAll: true } : {}) }), { ok: true, reads: [] }),
      commit: async (shard) => (committed.push(shard), []),
      abort: async () => {},
      stage: async (shard, _txid, writes) => (staged.set(shard, writes), true),
      scratch: async () => {
        throw new Error("unused");
      },
      decide: async () => "committed",
      outcome: async () => "committed",
      forget: async () => {},
    };
    return { tx, prepared, staged, committed };
  }

  it("locks every shard whole, stages each shard's bookmark, commits and answers id and time", async () => {
    const { backend } = fakeBackend(3);
    const { tx, prepared, staged, committed } = fakeTx();
    const cross = checkpointCommand(3, backend, 1234, "1234-x");
    expect(await runCrossCommand(cross, { shards: 3, readOnly: false, tx })).toEqual(["1234-x", 1234]);
    expect(prepared.sort((a, b) => a.shard - b.shard)).toEqual([0, 1, 2].map((shard) => ({ shard, lockAll: true })));
    expect([...staged.entries()].sort()).toEqual([0, 1, 2].map((s) => [s, [["PITR.CHECKPOINT", "1234-x", "1234", `now-${s}`]]]));
    expect(committed.sort()).toEqual([0, 1, 2]);
  });

  it("a shard's bookmark error is the reply; nothing is staged or committed", async () => {
    const { backend } = fakeBackend(2);
    const failing: PitrBackend = { ...backend, bookmark: async (s) => (s === 1 ? { ok: false, error: "ERR point-in-time restore: no" } : backend.bookmark(s)) };
    const { tx, staged, committed } = fakeTx();
    expect(await runCrossCommand(checkpointCommand(2, failing, 1, "1-x"), { shards: 2, readOnly: false, tx })).toEqual({ error: "ERR point-in-time restore: no" });
    expect(staged.size).toBe(0);
    expect(committed).toEqual([]);
  });
});
