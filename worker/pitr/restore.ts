/**
 * Point-in-time restore, the Worker's side (docs/point-in-time.md): PITR.CHECKPOINT takes a
 * consistent cut of every shard, PITR.CHECKPOINTS lists the cuts present on every shard,
 * PITR.RESTORE sets every shard back to one, PITR.RESTORE-BOOKMARKS to bookmarks given (the undo
 * bookmarks a restore answered). A restore is a lock-all cross-shard transaction: every shard
 * locked whole, each sets its bookmark in `between`, and the coordinator's decision says whether
 * they restart restored (committed) or set back (aborted): durable-objects/pitr/pending.ts.
 */
import { text, type Arg } from "../../durable-objects/args";
import { PitrErrors, type PitrAnswer } from "../../durable-objects/pitr/checkpoints";
import { Errors } from "../../durable-objects/errors";
import { err, isError, type Reply } from "../../durable-objects/reply";
import type { CrossCommand } from "../cross-commands";

/** How the Worker reaches each shard's storage calls (RPC in production, a fake in tests). */
export interface PitrBackend {
  bookmark(shard: number): Promise<PitrAnswer>;
  /** Sets the shard's next start to `bookmark` under the lock-all transaction `txid`; answers the undo bookmark. */
  restore(shard: number, txid: string, bookmark: string): Promise<PitrAnswer>;
}

/** Runs a cross-shard command (runCrossCommand with the request's options). */
export type RunCross = (cross: CrossCommand) => Promise<Reply>;

/** Times a shard is asked to set its bookmark when the call fails on the way (an answered error is final). */
const TAKE_ATTEMPTS = 3;

export interface Checkpoint {
  id: string;
  time: number;
  /** One per shard, in shard order. */
  bookmarks: string[];
}

/** How an error answer of a call that failed on the way begins (the shard may not have answered). */
const CALL_FAILED = PitrErrors.storage("call failed: ");

/** A backend call that never throws: an RPC failure is an error answer. */
async function call(fn: () => Promise<PitrAnswer>): Promise<PitrAnswer> {
  try {
    return await fn();
  } catch (e) {
    return { ok: false, error: CALL_FAILED + (e instanceof Error ? e.message : String(e)) };
  }
}

/**
 * PITR.CHECKPOINT as a lock-all cross-shard transaction over every shard: once every shard is
 * prepared (locked whole, nothing else prepared anywhere), `between` asks each for its bookmark
 * and stages the row recording the checkpoint. A bookmark error answers that error, nothing written.
 */
export function checkpointCommand(shards: number, pitr: PitrBackend, now: number, id = checkpointId(now)): CrossCommand {
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

/** A checkpoint name (PITR.CHECKPOINT name): letters, digits and `_.:-`, at most 64, not all digits (a time). */
export const validName = (name: string): boolean => /^[A-Za-z0-9_.:-]{1,64}$/.test(name) && !/^\d+$/.test(name);

/** A checkpoint's id: `<time>-<8 hex digits>`, with `-<name>` after when named; never all digits. */
export function checkpointId(now: number, name?: string): string {
  const id = `${now}-${crypto.randomUUID().slice(0, 8)}`;
  return name === undefined ? id : `${id}-${name}`;
}

/** The name in a checkpoint's id, or null. */
export function nameOf(id: string): string | null {
  const m = /^\d+-[0-9a-f]{8}-(.+)$/.exec(id);
  return m ? m[1]! : null;
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

/** The checkpoint PITR.RESTORE's argument names: an id, the newest of a name, or the newest at or before a unix time in ms. */
export function pickCheckpoint(cps: Checkpoint[], arg: string): Checkpoint | { error: string } {
  if (cps.length === 0) return { error: PitrErrors.noCheckpoint };
  if (!/^\d+$/.test(arg)) {
    const named = cps.filter((cp) => nameOf(cp.id) === arg);
    return cps.find((cp) => cp.id === arg) ?? named[named.length - 1] ?? { error: PitrErrors.unknownCheckpoint(arg) };
  }
  const time = Number(arg);
  let best: Checkpoint | null = null;
  for (const cp of cps) if (cp.time <= time && (!best || cp.time >= best.time)) best = cp;
  if (best) return best;
  return { error: PitrErrors.noneBefore(time, cps[0]!.id, cps[0]!.time) };
}

/**
 * Asks a shard to set its bookmark under `txid`; a call that fails on the way (the storage may
 * have taken the bookmark, the reply was lost) is asked again: the shard answers the same undo
 * bookmark for the same transaction and bookmark.
 */
async function take(pitr: PitrBackend, shard: number, txid: string, bookmark: string): Promise<PitrAnswer> {
  let last: PitrAnswer = { ok: false, error: PitrErrors.storage("no answer") };
  for (let i = 0; i < TAKE_ATTEMPTS; i++) {
    last = await call(() => pitr.restore(shard, txid, bookmark));
    if (last.ok || !last.error.startsWith(CALL_FAILED)) return last;
  }
  return last;
}

/**
 * The restore of every shard to `bookmarks[i]` as a lock-all transaction: prepare locks every
 * shard whole (busy: TRYAGAIN, nothing touched); `between` has each set its bookmark; all set,
 * the decision commits and each shard restarts restored; one refused or never answered, the
 * transaction aborts and each shard that set one sets it back and restarts. `done` makes the
 * reply from the undo bookmarks.
 */
export function restoreCommand(pitr: PitrBackend, bookmarks: string[], done: (undo: string[]) => Reply): CrossCommand {
  const parts = bookmarks.map((_, shard) => ({ shard, keys: [], reads: [], writes: [], lockAll: true as const }));
  let failure: string | null = null;
  let undo: string[] = [];
  return {
    parts,
    shouldCommit: () => true,
    between: () => async (_reads, _dumps, txid) => {
      const answers = await Promise.all(parts.map((p) => take(pitr, p.shard, txid, bookmarks[p.shard]!)));
      const bad = answers.find((a) => !a.ok);
      if (bad && !bad.ok) {
        failure = bad.error;
        return null;
      }
      undo = answers.map((a) => (a.ok ? a.bookmark : ""));
      return { writes: parts.map(() => []) };
    },
    reply: (_reads, committed) => (committed ? done(undo) : err(failure ?? Errors.txBusy)),
  };
}

/** PITR.RESTORE's reply: the checkpoint, its time and the undo bookmarks (PITR.RESTORE-BOOKMARKS takes them). */
export async function restoreCheckpoint(pitr: PitrBackend, cps: Checkpoint[], arg: Arg, run: RunCross): Promise<Reply> {
  const cp = pickCheckpoint(cps, text(arg));
  if ("error" in cp) return err(cp.error);
  return run(restoreCommand(pitr, cp.bookmarks, (undo) => [cp.id, cp.time, undo]));
}

/** PITR.RESTORE-BOOKMARKS bookmark…: one per shard, in shard order. */
export async function restoreBookmarks(pitr: PitrBackend, shards: number, args: Arg[], run: RunCross): Promise<Reply> {
  if (args.length !== shards) return err(PitrErrors.bookmarkCount(shards));
  return run(restoreCommand(pitr, args.map(text), (undo) => undo));
}
