/**
 * Point-in-time restore, the shard's side (docs/point-in-time.md): the checkpoints recorded on
 * this shard, and the storage calls behind the `pitrBookmark` / `pitrRestore` RPCs.
 *
 * A checkpoint row (id, time, the shard's bookmark at the cut) is written by the commit of the
 * lock-all cross-shard transaction PITR.CHECKPOINT runs (worker/pitr/checkpoint.ts): the Worker
 * stages `PITR.CHECKPOINT <id> <time> <bookmark>` on every shard. Not logged to replicas
 * (replication/tables.ts): the bookmark is this object's own.
 */
import { text, type Arg } from "../args";
import { CommandError, err, OK, type Reply } from "../reply";
import type { ExecContext } from "../context";

export const PITR_MIGRATION = `CREATE TABLE pitr_checkpoints (id TEXT PRIMARY KEY, time INTEGER NOT NULL, bookmark TEXT NOT NULL);`;

/** What a shard answers the Worker: never a thrown error (no 5xx), a Redis-style error text instead. */
export type PitrAnswer = { ok: true; bookmark: string } | { ok: false; error: string };

export const PitrErrors = {
  storage: (message: string) => `ERR point-in-time restore: ${message}`,
  workerOnly: (name: string) => `ERR ${name} runs from the Worker over every shard`,
  inTransaction: (name: string) => `ERR ${name} is not allowed inside a transaction`,
  unavailable: "ERR point-in-time restore is not available on this endpoint",
  replicaFence: "ERR point-in-time restore: a read replica could not be told to stop serving; nothing restored",
  noCheckpoint: "ERR no checkpoint: take one with PITR.CHECKPOINT",
  badName: "ERR invalid checkpoint name: letters, digits and _.:- only, at most 64, not all digits",
  unknownCheckpoint: (id: string) => `ERR no checkpoint ${id} on every shard`,
  noneBefore: (time: number, oldestId: string, oldestTime: number) =>
    `ERR no checkpoint at or before ${time}: the oldest is ${oldestId} at ${oldestTime}`,
  bookmarkCount: (shards: number) => `ERR PITR.RESTORE-BOOKMARKS takes one bookmark per shard (${shards})`,
};

/** The storage calls a shard makes; answers errors as text. */
export async function currentBookmark(storage: { getCurrentBookmark(): Promise<string> }): Promise<PitrAnswer> {
  try {
    return { ok: true, bookmark: await storage.getCurrentBookmark() };
  } catch (e) {
    return { ok: false, error: PitrErrors.storage(e instanceof Error ? e.message : String(e)) };
  }
}

// PITR.CHECKPOINT <id> <time> <bookmark>: the write the Worker stages on each shard (alone, it runs from the Worker).
export function pitrCheckpoint(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length !== 4) throw new CommandError(PitrErrors.workerOnly("PITR.CHECKPOINT"));
  const time = Number(text(argv[2]!));
  if (!Number.isSafeInteger(time)) return err("ERR value is not an integer or out of range");
  ctx.keyspace.sql.exec(
    "INSERT INTO pitr_checkpoints (id, time, bookmark) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
    text(argv[1]!),
    time,
    text(argv[3]!),
  );
  return OK;
}

// PITR.CHECKPOINTS: this shard's checkpoints, oldest first, each [id, time, bookmark] (the Worker merges).
export function pitrCheckpoints(ctx: ExecContext): Reply {
  return ctx.keyspace.sql
    .exec<{ id: string; time: number; bookmark: string }>("SELECT id, time, bookmark FROM pitr_checkpoints ORDER BY time, id")
    .toArray()
    .map((r) => [r.id, Number(r.time), r.bookmark]);
}

// PITR.FORGET id: drops this shard's row of that checkpoint; 1 if it had one, else 0 (the Worker runs it on every shard).
export function pitrForget(ctx: ExecContext, argv: Arg[]): Reply {
  return ctx.keyspace.sql.exec("DELETE FROM pitr_checkpoints WHERE id = ? RETURNING id", text(argv[1]!)).toArray().length > 0 ? 1 : 0;
}

// PITR.RESTORE / PITR.RESTORE-BOOKMARKS reach a shard only when sent to it directly.
export const pitrWorkerOnly = (name: string) => (): Reply => err(PitrErrors.workerOnly(name));
