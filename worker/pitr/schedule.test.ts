/** Scheduled checkpoints (worker/pitr/schedule.ts) against fake shards: when one is due, and which are forgotten. */
import { describe, expect, it } from "vitest";
import type { Arg } from "../../durable-objects/args";
import type { PitrAnswer } from "../../durable-objects/pitr/checkpoints";
import type { Reply } from "../../durable-objects/reply";
import type { TxBackend } from "../cross-shard";
import type { ShardExec } from "../execute";
import { parseEvery, parseKeep, runSchedule } from "./schedule";

/** Shards holding checkpoint rows [id, time, bookmark]; the checkpoint's transaction writes them at commit. */
function fakeShards(shards: number) {
  const rows: [string, number, string][][] = Array.from({ length: shards }, () => []);
  const staged = new Map<number, Arg[][]>();
  const exec: ShardExec = async (s, batch) =>
    batch.map((argv): Reply => {
      const name = String(argv[0]).toUpperCase();
      if (name === "PITR.CHECKPOINTS") return [...rows[s]!].sort((a, b) => a[1] - b[1]);
      if (name === "PITR.FORGET") {
        const before = rows[s]!.length;
        rows[s] = rows[s]!.filter((r) => r[0] !== String(argv[1]));
        return rows[s]!.length < before ? 1 : 0;
      }
      return { error: "ERR unexpected" };
    });
  const tx: TxBackend = {
    prepare: async () => ({ ok: true, reads: [] }),
    stage: async (s, _txid, writes) => (staged.set(s, writes), true),
    commit: async (s) => {
      for (const [, id, time, bookmark] of staged.get(s) ?? []) rows[s]!.push([String(id), Number(time), String(bookmark)]);
      return [];
    },
    abort: async () => {},
    scratch: async () => {
      throw new Error("unused");
    },
    decide: async () => "committed",
    outcome: async () => "committed",
    forget: async () => {},
  };
  const pitr = { bookmark: async (s: number): Promise<PitrAnswer> => ({ ok: true, bookmark: `b${s}` }), restore: async (): Promise<PitrAnswer> => ({ ok: false, error: "unused" }) };
  return { rows, exec, opts: { shards, readOnly: false, tx, pitr } };
}

const MIN = 60_000;

describe("scheduled checkpoints", () => {
  it("PITR_CHECKPOINT_EVERY takes seconds (bare or s), minutes or hours; anything else is off", () => {
    expect(parseEvery("900")).toBe(900_000);
    expect(parseEvery("900s")).toBe(900_000);
    expect(parseEvery("15m")).toBe(15 * MIN);
    expect(parseEvery("2h")).toBe(7_200_000);
    for (const off of [undefined, "", "0", "-5", "1.5m", "15 minutes", "1d"]) expect(parseEvery(off)).toBeNull();
    expect(parseKeep(undefined)).toBe(48);
    expect(parseKeep("3")).toBe(3);
    expect(parseKeep("0")).toBe(48);
  });

  it("takes one when none exists, not again within the interval, again once it has passed (less a tenth's slack)", async () => {
    const { rows, exec, opts } = fakeShards(2);
    const first = await runSchedule(exec, opts, 15 * MIN, 48, 1_000_000);
    expect(first.taken).toMatch(/^1000000-[0-9a-f]{8}-scheduled$/);
    expect(rows.map((r) => r.map((x) => x[0]))).toEqual([[first.taken], [first.taken]]);
    expect(await runSchedule(exec, opts, 15 * MIN, 48, 1_000_000 + 10 * MIN)).toEqual({ forgotten: [] });
    const due = await runSchedule(exec, opts, 15 * MIN, 48, 1_000_000 + 15 * MIN - 30_000);
    expect(due.taken).toMatch(/-scheduled$/);
    expect(rows[0]!.length).toBe(2);
  });

  it("forgets the oldest scheduled checkpoints beyond PITR_CHECKPOINT_KEEP, on every shard; hand-taken ones stay", async () => {
    const { rows, exec, opts } = fakeShards(2);
    for (const r of rows) r.push(["500-0000000a-before-deploy", 500, "x"], ["600-0000000b", 600, "x"]);
    const taken: string[] = [];
    for (let k = 0; k < 4; k++) {
      const r = await runSchedule(exec, opts, MIN, 2, 1_000_000 + k * MIN);
      taken.push(r.taken!);
      if (k >= 2) expect(r.forgotten).toEqual([taken[k - 2]]);
    }
    for (const r of rows) expect(r.map((x) => x[0]).sort()).toEqual(["500-0000000a-before-deploy", "600-0000000b", taken[2], taken[3]].sort());
  });

  it("a shard's error is the run's error; nothing taken", async () => {
    const { exec, opts } = fakeShards(2);
    const failing: ShardExec = async (s, batch) => (s === 1 ? [{ error: "ERR down" }] : exec(s, batch));
    expect(await runSchedule(failing, opts, MIN, 2, 1)).toEqual({ forgotten: [], error: "ERR down" });
  });
});
