/** The PITR orchestration against a fake of the shards' storage calls (workerd locally implements no restore). */
import { describe, expect, it } from "vitest";
import type { PitrAnswer } from "../../durable-objects/pitr/checkpoints";
import { isError } from "../../durable-objects/reply";
import { PendingRestore } from "../../durable-objects/pitr/pending";
import type { CrossCommand } from "../cross-commands";
import type { TxBackend, TxOptions } from "../cross-shard";
import { runCrossCommand } from "../execute";
import { checkpointCommand, checkpointId, mergeCheckpoints, nameOf, validName, pickCheckpoint, restoreBookmarks, restoreCheckpoint, type Checkpoint, type PitrBackend } from "./restore";

/**
 * A fake cluster: each shard's lock-all holder, its storage's pending restore and what its
 * restarts did, with the shard's real restore guard (durable-objects/pitr/pending.ts) and the
 * real transaction runner (worker/cross-shard.ts) over a fake coordinator. A restart applies the
 * pending bookmark: an undo bookmark (`undo-<s>`) is the state just before the restart, so
 * nothing changes (R stays prepared, released at its lease); any other is a restored state.
 */
function fakeCluster(shards: number, opts: { refusing?: Set<number>; lostReplies?: Map<number, number> } = {}) {
  type FakeShard = { lockedBy: string | null; pending: string | null; restoredTo: string | null; restarts: number; guard: PendingRestore; events: string[] };
  const cluster: FakeShard[] = [];
  const newGuard = (s: number) =>
    new PendingRestore(
      {
        getCurrentBookmark: async () => `now-${s}`,
        onNextSessionRestoreBookmark: async (b) => {
          if (opts.refusing?.has(s)) throw new Error(`shard ${s} refused`);
          cluster[s]!.pending = b;
          cluster[s]!.events.push(`set ${b}`);
          return `undo-${s}`;
        },
      },
      () => restart(s),
    );
  const restart = (s: number) => {
    const sh = cluster[s]!;
    sh.restarts++;
    if (sh.pending !== null && sh.pending !== `undo-${s}`) {
      sh.restoredTo = sh.pending;
      sh.lockedBy = null; // the restored state's own lock is the checkpoint's, resolved at its lease
    }
    sh.events.push(sh.pending !== null && sh.pending !== `undo-${s}` ? `restart restored ${sh.pending}` : "restart unchanged");
    sh.pending = null;
    sh.guard = newGuard(s); // a new session keeps nothing in memory
  };
  for (let s = 0; s < shards; s++) cluster.push({ lockedBy: null, pending: null, restoredTo: null, restarts: 0, guard: newGuard(s), events: [] });
  const decisions = new Map<string, "committed" | "aborted">();
  const release = (s: number, txid: string) => {
    if (cluster[s]!.lockedBy === txid) {
      cluster[s]!.lockedBy = null;
      cluster[s]!.events.push("released");
    }
  };
  const tx: TxBackend = {
    prepare: async (s, req) => {
      const sh = cluster[s]!;
      if (sh.lockedBy !== null) return { ok: false, reason: "busy" };
      if (req.lockAll) sh.lockedBy = req.txid;
      sh.events.push("locked");
      return { ok: true, reads: [] };
    },
    commit: async (s, txid) => {
      if (!cluster[s]!.guard.committed(txid)) release(s, txid);
      return [];
    },
    abort: async (s, txid) => {
      if (!(await cluster[s]!.guard.aborted(txid))) release(s, txid);
    },
    stage: async () => true,
    scratch: async () => {
      throw new Error("unused");
    },
    decide: async (_c, txid) => {
      if (!decisions.has(txid)) decisions.set(txid, "committed");
      return decisions.get(txid)!;
    },
    outcome: async (_c, txid) => {
      if (!decisions.has(txid)) decisions.set(txid, "aborted");
      return decisions.get(txid)!;
    },
    forget: async () => {},
  };
  const lost = new Map(opts.lostReplies ?? []);
  const pitr: PitrBackend = {
    bookmark: async (s): Promise<PitrAnswer> => ({ ok: true, bookmark: `now-${s}` }),
    restore: async (s, txid, b): Promise<PitrAnswer> => {
      const answer = await cluster[s]!.guard.take(txid, b, () => cluster[s]!.lockedBy === txid);
      const left = lost.get(s) ?? 0;
      if (left > 0) {
        // The storage took the bookmark; the reply is lost on its way back.
        lost.set(s, left - 1);
        throw new Error("network lost");
      }
      return answer;
    },
  };
  /** A shard's lease ran out: it asks the coordinator and resolves what it holds, as Shard.recoverTransactions does. */
  const leaseRunsOut = async (s: number) => {
    const sh = cluster[s]!;
    const txid = sh.lockedBy;
    if (txid === null) return;
    const d = await tx.outcome("coordinator-0", txid);
    if (d === "committed") await tx.commit(s, txid);
    else await tx.abort(s, txid);
  };
  const run = (options: TxOptions = {}) => (c: CrossCommand) => runCrossCommand(c, { shards, readOnly: false, tx, txOptions: options });
  return { cluster, tx, pitr, run, leaseRunsOut };
}

const cps: Checkpoint[] = [
  { id: "100-a", time: 100, bookmarks: ["b0@100", "b1@100", "b2@100"] },
  { id: "200-b", time: 200, bookmarks: ["b0@200", "b1@200", "b2@200"] },
];

describe("PITR.RESTORE: a lock-all transaction whose decision restarts every shard", () => {
  it("restores every shard to the newest checkpoint at or before the time and answers the undo bookmarks", async () => {
    const { cluster, pitr, run } = fakeCluster(3);
    expect(await restoreCheckpoint(pitr, cps, "250", run())).toEqual(["200-b", 200, ["undo-0", "undo-1", "undo-2"]]);
    expect(cluster.map((s) => s.restoredTo)).toEqual(["b0@200", "b1@200", "b2@200"]);
    // Locked, set, restarted: never released before the restart (no write acknowledged in between).
    for (const s of cluster) expect(s.events).toEqual(["locked", `set ${s.restoredTo}`, `restart restored ${s.restoredTo}`]);
    const again = fakeCluster(3);
    expect(await restoreCheckpoint(again.pitr, cps, "199", again.run())).toEqual(["100-a", 100, ["undo-0", "undo-1", "undo-2"]]);
    expect(again.cluster.map((s) => s.restoredTo)).toEqual(["b0@100", "b1@100", "b2@100"]);
  });

  it("restores a checkpoint named by its id", async () => {
    const { cluster, pitr, run } = fakeCluster(3);
    expect(await restoreCheckpoint(pitr, cps, "100-a", run())).toEqual(["100-a", 100, ["undo-0", "undo-1", "undo-2"]]);
    expect(cluster.map((s) => s.restoredTo)).toEqual(["b0@100", "b1@100", "b2@100"]);
  });

  it("one shard refusing: the others set back to their undo bookmarks and restart still locked; nothing restored", async () => {
    const { cluster, pitr, run, leaseRunsOut } = fakeCluster(3, { refusing: new Set([1]) });
    expect(await restoreCheckpoint(pitr, cps, "200-b", run())).toEqual({ error: "ERR point-in-time restore: shard 1 refused" });
    expect(cluster.map((s) => s.restoredTo)).toEqual([null, null, null]);
    expect(cluster[0]!.events).toEqual(["locked", "set b0@200", "set undo-0", "restart unchanged"]);
    expect(cluster[1]!.events).toEqual(["locked", "released"]);
    // Shards 0 and 2 came back with R prepared (the undo state): released at their lease (presumed abort).
    expect(cluster.map((s) => s.lockedBy !== null)).toEqual([true, false, true]);
    await leaseRunsOut(0);
    await leaseRunsOut(2);
    expect(cluster.map((s) => s.lockedBy)).toEqual([null, null, null]);
    expect(cluster.map((s) => s.restoredTo)).toEqual([null, null, null]);
  });

  it("a shard whose reply was lost after its storage took the bookmark is asked again and answers the same undo bookmark", async () => {
    const { cluster, pitr, run } = fakeCluster(3, { lostReplies: new Map([[1, 2]]) });
    expect(await restoreCheckpoint(pitr, cps, "200-b", run())).toEqual(["200-b", 200, ["undo-0", "undo-1", "undo-2"]]);
    expect(cluster.map((s) => s.restoredTo)).toEqual(["b0@200", "b1@200", "b2@200"]);
    expect(cluster[1]!.events).toEqual(["locked", "set b1@200", "restart restored b1@200"]);
  });

  it("a shard whose replies keep being lost after its storage took the bookmark: called off, and that shard sets back too", async () => {
    const { cluster, pitr, run } = fakeCluster(3, { lostReplies: new Map([[1, 99]]) });
    const reply = await restoreCheckpoint(pitr, cps, "200-b", run());
    expect(isError(reply) && reply.error).toBe("ERR point-in-time restore: call failed: network lost");
    expect(cluster.map((s) => s.restoredTo)).toEqual([null, null, null]);
    expect(cluster[1]!.events).toEqual(["locked", "set b1@200", "set undo-1", "restart unchanged"]);
  });

  it("the Worker vanishing before the decision: each shard's lease finds it aborted and sets back", async () => {
    const { cluster, pitr, run, leaseRunsOut } = fakeCluster(2);
    const dies = run({ crashAt: (p) => {
      if (p === "prepared") throw new Error("worker gone");
    } });
    await expect(restoreBookmarks(pitr, 2, ["x0", "x1"], dies)).rejects.toThrow("worker gone");
    expect(cluster.map((s) => s.pending)).toEqual(["x0", "x1"]);
    for (const s of [0, 1]) await leaseRunsOut(s);
    expect(cluster.map((s) => s.restoredTo)).toEqual([null, null]);
    expect(cluster.map((s) => s.events.slice(-2))).toEqual([["set undo-0", "restart unchanged"], ["set undo-1", "restart unchanged"]]);
  });

  it("the Worker vanishing after the decision: each shard's lease finds it committed and restarts restored", async () => {
    const { cluster, pitr, run, leaseRunsOut } = fakeCluster(2);
    const dies = run({ crashAt: (p) => {
      if (p === "decided") throw new Error("worker gone");
    } });
    await expect(restoreBookmarks(pitr, 2, ["x0", "x1"], dies)).rejects.toThrow("worker gone");
    for (const s of [0, 1]) await leaseRunsOut(s);
    expect(cluster.map((s) => s.restoredTo)).toEqual(["x0", "x1"]);
  });

  it("a shard held by another transaction: TRYAGAIN, no bookmark set anywhere", async () => {
    const { cluster, pitr, run } = fakeCluster(2);
    cluster[1]!.lockedBy = "other";
    expect(await restoreBookmarks(pitr, 2, ["x0", "x1"], run({ attempts: 1 }))).toEqual({ error: "TRYAGAIN Cross-shard transaction kept meeting locked keys; try again" });
    expect(cluster.map((s) => s.events.filter((e) => e.startsWith("set")))).toEqual([[], []]);
  });

  it("no checkpoint at or before the time: an error naming the oldest, nothing set", async () => {
    const { cluster, pitr, run } = fakeCluster(3);
    expect(await restoreCheckpoint(pitr, cps, "99", run())).toEqual({ error: "ERR no checkpoint at or before 99: the oldest is 100-a at 100" });
    expect(await restoreCheckpoint(pitr, [], "99", run())).toEqual({ error: "ERR no checkpoint: take one with PITR.CHECKPOINT" });
    expect(await restoreCheckpoint(pitr, cps, "nope", run())).toEqual({ error: "ERR no checkpoint nope on every shard" });
    expect(cluster.flatMap((s) => s.events)).toEqual([]);
  });

  it("PITR.RESTORE-BOOKMARKS takes one bookmark per shard", async () => {
    const { cluster, pitr, run } = fakeCluster(2);
    expect(await restoreBookmarks(pitr, 2, ["a"], run())).toEqual({ error: "ERR PITR.RESTORE-BOOKMARKS takes one bookmark per shard (2)" });
    expect(await restoreBookmarks(pitr, 2, ["a", "b"], run())).toEqual(["undo-0", "undo-1"]);
    expect(cluster.map((s) => s.restoredTo)).toEqual(["a", "b"]);
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

  it("a named checkpoint's id ends with its name; PITR.RESTORE by name takes the newest of that name", () => {
    const id = checkpointId(5, "before-deploy");
    expect(id).toMatch(/^5-[0-9a-f]{8}-before-deploy$/);
    expect(nameOf(id)).toBe("before-deploy");
    expect(nameOf(checkpointId(5))).toBeNull();
    expect(validName("nightly.1")).toBe(true);
    for (const bad of ["", "123", "a b", "x".repeat(65)]) expect(validName(bad)).toBe(false);
    const named: Checkpoint[] = [
      { id: "1-0000000a-daily", time: 1, bookmarks: [] },
      { id: "2-0000000b", time: 2, bookmarks: [] },
      { id: "3-0000000c-daily", time: 3, bookmarks: [] },
    ];
    expect(pickCheckpoint(named, "daily")).toMatchObject({ id: "3-0000000c-daily" });
    expect(pickCheckpoint(named, "1-0000000a-daily")).toMatchObject({ time: 1 });
    expect(pickCheckpoint(named, "weekly")).toEqual({ error: "ERR no checkpoint weekly on every shard" });
  });
});

/** Each shard's bookmark now (the checkpoint's transaction asks it). */
function fakeBackend(): { backend: PitrBackend } {
  return {
    backend: {
      bookmark: async (s): Promise<PitrAnswer> => ({ ok: true, bookmark: `now-${s}` }),
      restore: async () => ({ ok: false, error: "unused" }),
    },
  };
}

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
    const { backend } = fakeBackend();
    const { tx, prepared, staged, committed } = fakeTx();
    const cross = checkpointCommand(3, backend, 1234, "1234-x");
    expect(await runCrossCommand(cross, { shards: 3, readOnly: false, tx })).toEqual(["1234-x", 1234]);
    expect(prepared.sort((a, b) => a.shard - b.shard)).toEqual([0, 1, 2].map((shard) => ({ shard, lockAll: true })));
    expect([...staged.entries()].sort()).toEqual([0, 1, 2].map((s) => [s, [["PITR.CHECKPOINT", "1234-x", "1234", `now-${s}`]]]));
    expect(committed.sort()).toEqual([0, 1, 2]);
  });

  it("a shard's bookmark error is the reply; nothing is staged or committed", async () => {
    const { backend } = fakeBackend();
    const failing: PitrBackend = { ...backend, bookmark: async (s) => (s === 1 ? { ok: false, error: "ERR point-in-time restore: no" } : backend.bookmark(s)) };
    const { tx, staged, committed } = fakeTx();
    expect(await runCrossCommand(checkpointCommand(2, failing, 1, "1-x"), { shards: 2, readOnly: false, tx })).toEqual({ error: "ERR point-in-time restore: no" });
    expect(staged.size).toBe(0);
    expect(committed).toEqual([]);
  });
});
