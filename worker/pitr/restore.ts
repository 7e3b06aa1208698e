/**
 * Point-in-time restore, the Worker's side (docs/point-in-time.md): PITR.CHECKPOINT takes a
 * consistent cut of every shard, PITR.CHECKPOINTS lists the cuts present on every shard,
 * PITR.RESTORE sets every shard back to one, PITR.RESTORE-BOOKMARKS to bookmarks given (the undo
 * bookmarks a restore answered). All or nothing: a shard whose restore fails has every shard
 * already set put back to its undo bookmark.
 */
import { text, type Arg } from "../../durable-objects/args";
import { PitrErrors, type PitrAnswer } from "../../durable-objects/pitr/checkpoints";
import { err, isError, type Reply } from "../../durable-objects/reply";
import type { CrossCommand } from "../cross-commands";

/** How the Worker reaches each shard's storage calls (RPC in production, a fake in tests). */
export interface PitrBackend {
  bookmark(shard: number): Promise<PitrAnswer>;
  restore(shard: number, bookmark: string): Promise<PitrAnswer>;
  /** REPLICA_REGIONS is set: restores are refused (replicas cannot follow yet). */
  replicated: boolean;
}

export interface Checkpoint {
  id: string;
  time: number;
  /** One per shard, in shard order. */
  bookmarks: string[];
}

/** A backend call that never throws: an RPC failure is an error answer. */
async function call(fn: () => Promise<PitrAnswer>): Promise<PitrAnswer> {
  try {
    return await fn();
  } catch (e) {
    return { ok: false, error: PitrErrors.storage(e instanceof Error ? e.message : String(e)) };
  }
}

/**
 * PITR.CHECKPOINT as a lock-all cross-shard transaction over every shard: once every shard is
 * prepared (locked whole, nothing else prepared anywhere), `between` asks each for its bookmark
 * and stages the row recording the checkpoint. A bookmark error answers that error, nothing written.
 */
export function checkpointCommand(shards: number, pitr: PitrBackend, now: number, id = `${now}-${crypto.randomUUID().slice(0, 8)}`): CrossCommand {
  const parts = Array.from({ length: shards }, (_, shard) => ({ shard, keys: [], reads: [], writes: [], lockAll: true as const }));
  let failure: string | null = null;
  return {
    parts,
    shouldCommit: () => true,
    between: () => async () => {
      const answers = await Promise.all(parts.map((p) => call(() => pitr.bookmark(p.shard))));
      const bad = answers.find((a) => !a.ok);
      if (bad && !bad.ok) {
        failure = bad.error;
        return null;
      }
      return { writes: answers.map((a) => [["PITR.CHECKPOINT", id, String(now), a.ok ? a.bookmark : ""]]) };
    },
    reply: (_reads, committed) => (committed ? [id, now] : err(failure ?? PitrErrors.noCheckpoint)),
  };
}

/** The checkpoints present on every shard (each shard's PITR.CHECKPOINTS reply), oldest first. */
export function mergeCheckpoints(replies: Reply[]): Checkpoint[] | { error: string } {
  const first = replies.find(isError);
  if (first) return { error: first.error };
  const byId = new Map<string, Checkpoint>();
  replies.forEach((reply, shard) => {
    for (const row of reply as Reply[]) {
      const [id, time, bookmark] = row as [string, number, string];
      let cp = byId.get(id);
      if (!cp) {
        if (shard !== 0) continue;
        byId.set(id, (cp = { id, time: Number(time), bookmarks: [] }));
      }
      if (cp.bookmarks.length === shard) cp.bookmarks.push(bookmark);
    }
  });
  return [...byId.values()].filter((cp) => cp.bookmarks.length === replies.length).sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}

/** PITR.CHECKPOINTS' reply: [id, time] per checkpoint, oldest first. */
export const listReply = (cps: Checkpoint[]): Reply => cps.map((cp) => [cp.id, cp.time]);

/** The checkpoint PITR.RESTORE's argument names: an id, or the newest at or before a unix time in ms. */
export function pickCheckpoint(cps: Checkpoint[], arg: string): Checkpoint | { error: string } {
  if (cps.length === 0) return { error: PitrErrors.noCheckpoint };
  if (!/^\d+$/.test(arg)) return cps.find((cp) => cp.id === arg) ?? { error: PitrErrors.unknownCheckpoint(arg) };
  const time = Number(arg);
  let best: Checkpoint | null = null;
  for (const cp of cps) if (cp.time <= time && (!best || cp.time >= best.time)) best = cp;
  if (best) return best;
  return { error: PitrErrors.noneBefore(time, cps[0]!.id, cps[0]!.time) };
}

/**
 * Sets every shard's next start to its bookmark (`bookmarks[i]` for shard i), keeping the undo
 * bookmarks. If one fails, the shards already set are set back to their undo bookmarks and the
 * error is answered: nothing is restored.
 */
export async function restoreAll(pitr: PitrBackend, bookmarks: string[]): Promise<{ ok: true; undo: string[] } | { ok: false; error: string }> {
  const answers = await Promise.all(bookmarks.map((b, shard) => call(() => pitr.restore(shard, b))));
  const bad = answers.find((a) => !a.ok);
  if (!bad || bad.ok) return { ok: true, undo: answers.map((a) => (a.ok ? a.bookmark : "")) };
  await Promise.all(answers.map((a, shard) => (a.ok ? call(() => pitr.restore(shard, a.bookmark)) : null)));
  return { ok: false, error: bad.error };
}

/** PITR.RESTORE's reply: the checkpoint, its time and the undo bookmarks (PITR.RESTORE-BOOKMARKS takes them). */
export async function restoreCheckpoint(pitr: PitrBackend, cps: Checkpoint[], arg: Arg): Promise<Reply> {
  if (pitr.replicated) return err(PitrErrors.replicas);
  const cp = pickCheckpoint(cps, text(arg));
  if ("error" in cp) return err(cp.error);
  const done = await restoreAll(pitr, cp.bookmarks);
  if (!done.ok) return err(done.error);
  return [cp.id, cp.time, done.undo];
}

/** PITR.RESTORE-BOOKMARKS bookmark…: one per shard, in shard order. */
export async function restoreBookmarks(pitr: PitrBackend, shards: number, args: Arg[]): Promise<Reply> {
  if (pitr.replicated) return err(PitrErrors.replicas);
  if (args.length !== shards) return err(PitrErrors.bookmarkCount(shards));
  const done = await restoreAll(pitr, args.map(text));
  return done.ok ? done.undo : err(done.error);
}

