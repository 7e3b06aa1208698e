/**
 * From commands to shards and back: each command planned from the command table (plan.ts),
 * per-shard batches run in parallel over RPC, replies merged and put back in request order.
 * Transactions are transaction.ts; keyspace-wide merges merge-all.ts.
 *
 * A pipeline is cut into segments at the few commands that need several sequential round
 * trips (SCAN, RANDOMKEY, INFO) or a cross-shard transaction (MSET, MSETNX, SMOVE over keys on
 * several shards, cross-commands.ts); within a segment each shard gets one RPC with its
 * commands in request order, so a pipeline reads its own writes.
 *
 * A batch that meets a key locked by a cross-shard transaction in progress is refused whole by
 * its shard (TRYAGAIN, nothing ran); the executor waits briefly and sends it again.
 */
import { type Arg } from "../durable-objects/args";
import { Errors } from "../durable-objects/errors";
import { COMMANDS } from "../durable-objects/commands";
import { err, isError, type Reply } from "../durable-objects/reply";
import { replyBytes, SHARD_REPLY_MAX_BYTES } from "../durable-objects/reply-budget";
import { changesState, lookupCommand } from "../durable-objects/table";
import type { CrossCommand } from "./cross-commands";
import { runCrossShard, type TxBackend, type TxOptions, type TxResult } from "./cross-shard";
import { FLOATING, KEYLESS_SHARD, onlyReply, plan, type Plan } from "./plan";
import type { PitrBackend } from "./pitr/restore";

/**
 * How the executor reaches shard `i`: one RPC that runs a batch in order, its replies taking at
 * most `replyLimit` bytes (durable-objects/reply-budget.ts; the shard's own cap when absent).
 */
export type ShardExec = (shard: number, batch: Arg[][], replyLimit?: number, mayBlock?: boolean) => Promise<Reply[]>;

export interface ExecOptions {
  shards: number;
  readOnly: boolean;
  /** Cross-shard transactions; without it, multi-key work across shards answers CROSSSLOT. */
  tx?: TxBackend;
  txOptions?: TxOptions;
  /** Point-in-time restore (worker/pitr/); without it PITR.CHECKPOINT and PITR.RESTORE answer an error. */
  pitr?: PitrBackend;
  /** What one request's replies may take in all (bytes, estimated): split over the shards each round trip touches. */
  replyBytes?: number;
  /**
   * Counts the commands refused here before reaching a shard (unknown, arity, NOPERM, CROSSSLOT)
   * in a shard's commandstats and errorstats, as Redis counts rejected calls. Errors are ignored:
   * counting never fails a request.
   */
  countRejected?: (rejected: Rejection[]) => Promise<void>;
}

/** A command refused before it ran: its name when it is a known command, and the error it answered. */
export interface Rejection {
  command?: string;
  error: string;
}

/** The refusals among a request's plans (not the planner's own errors, which the command answers as it runs). */
export function rejectionsOf(plans: Plan[]): Rejection[] {
  const out: Rejection[] = [];
  for (const p of plans) if (p.kind === "error" && !p.atExec) out.push({ command: p.command, error: p.error });
  return out;
}

/** Hands the refusals of a request to `opts.countRejected`, if any; never throws. */
export async function noteRejections(plans: Plan[], opts: ExecOptions): Promise<void> {
  if (!opts.countRejected) return;
  const rejected = rejectionsOf(plans);
  if (rejected.length === 0) return;
  try {
    await opts.countRejected(rejected);
  } catch {
    // A count lost to an unreachable shard is only a count.
  }
}

/** Runs a pipeline: one reply per command, in request order; never throws for a shard fault. */
export function runPipeline(cmds: Arg[][], opts: ExecOptions, shardExec: ShardExec): Promise<Reply[]> {
  return runPlans(planPipeline(cmds, opts), opts, shardExec);
}

/** Each command of a pipeline planned from its table entry (plan.ts), once. */
export function planPipeline(cmds: Arg[][], opts: ExecOptions): Plan[] {
  const plans: Plan[] = new Array(cmds.length);
  for (let i = 0; i < cmds.length; i++) plans[i] = plan(cmds[i]!, opts);
  return plans;
}

/** Whether a client's pipeline may wait at one of its commands (docs/blocking.md). */
export function mayWait(plans: Plan[]): boolean {
  for (const p of plans) if (p.kind === "parts" && p.blocking) return true;
  return false;
}

/** Runs planned commands (planPipeline): one reply per command, in request order; never throws for a shard fault. */
export async function runPlans(plans: Plan[], opts: ExecOptions, shardExec: ShardExec): Promise<Reply[]> {
  const exec = retryingLocked(shardExec);
  const counted = noteRejections(plans, opts);
  const out: Reply[] = new Array(plans.length);
  const budget = { left: opts.replyBytes ?? SHARD_REPLY_MAX_BYTES };
  let i = 0;
  while (i < plans.length) {
    let j = i;
    while (j < plans.length && plans[j]!.kind !== "special" && plans[j]!.kind !== "cross") j++;
    if (j > i) await runSegment(plans, i, j, out, exec, budget);
    if (j < plans.length) {
      const p = plans[j]!;
      if (p.kind === "special") out[j] = await p.run(guarded(exec));
      else if (p.kind === "cross") out[j] = await runCrossCommand(p.cross, opts);
      budget.left -= replyBytes(out[j]!);
      j++;
    }
    i = j;
  }
  await counted;
  return out;
}

/** One shard's batch of a round trip, and whether any of its commands may wait (docs/blocking.md). */
interface Batch {
  shard: number;
  argv: Arg[][];
  mayBlock: boolean;
  replies?: Reply[];
}

/**
 * One round trip: each shard's batch in parallel, the request's reply budget left split evenly
 * between them (so a request touching every shard holds at most its budget in all). A command
 * on one shard (nearly all) is found by its batch and position; one over several shards (fan-out)
 * by its parts'.
 */
async function runSegment(plans: Plan[], from: number, to: number, out: Reply[], exec: ShardExec, budget: { left: number }): Promise<void> {
  const byShard = new Map<number, Batch>();
  const batchAt: (Batch | undefined)[] = new Array(to - from);
  const indexAt = new Int32Array(to - from);
  const partsAt: { batch: Batch; index: number }[][] = [];
  const batchOf = (s: number): Batch => {
    const shard = s === FLOATING ? KEYLESS_SHARD : s;
    let batch = byShard.get(shard);
    if (!batch) byShard.set(shard, (batch = { shard, argv: [], mayBlock: false }));
    return batch;
  };
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind === "error") {
      out[c] = err(p.error);
      continue;
    }
    if (p.kind !== "parts") continue;
    if (p.parts.length === 1) {
      const batch = batchOf(p.parts[0]!.shard);
      if (p.blocking) batch.mayBlock = true;
      batchAt[c - from] = batch;
      indexAt[c - from] = batch.argv.push(p.parts[0]!.argv) - 1;
    } else {
      partsAt[c - from] = p.parts.map(({ shard, argv }) => {
        const batch = batchOf(shard);
        return { batch, index: batch.argv.push(argv) - 1 };
      });
    }
  }
  const run = guarded(exec);
  const share = Math.floor(Math.max(0, budget.left) / Math.max(1, byShard.size));
  // A client's pipeline may wait at a blocking command (docs/blocking.md); a transaction never does.
  const sent: Promise<void>[] = [];
  for (const batch of byShard.values()) sent.push(run(batch.shard, batch.argv, share, batch.mayBlock).then((r) => void (batch.replies = r)));
  await Promise.all(sent);
  if (to < plans.length) for (const batch of byShard.values()) for (const r of batch.replies!) budget.left -= replyBytes(r);
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind !== "parts") continue;
    const batch = batchAt[c - from];
    if (batch) {
      const reply = batch.replies![indexAt[c - from]!]!;
      out[c] = p.merge === onlyReply ? reply : p.merge([reply]);
    } else {
      out[c] = p.merge(partsAt[c - from]!.map(({ batch: b, index }) => b.replies![index]!));
    }
  }
}

/** One multi-key command over several shards, as a cross-shard transaction. */
export async function runCrossCommand(cross: CrossCommand, opts: ExecOptions): Promise<Reply> {
  const result = await runCrossShard(cross.parts, cross.shouldCommit, opts.tx!, opts.txOptions, cross.between?.(opts.tx!));
  switch (result.status) {
    case "committed":
      return cross.reply(result.reads, true);
    case "aborted": {
      const reply = cross.reply(result.reads, false);
      if (cross.fallback && isError(reply) && reply.error === Errors.crossSlot) return runCrossCommand(cross.fallback, opts);
      return reply;
    }
    default:
      return err(txFailure(result));
  }
}

export function txFailure(result: Exclude<TxResult, { status: "committed" } | { status: "aborted" }>): string {
  if (result.status === "busy") return Errors.txBusy;
  if (result.status === "unknown") return Errors.txOutcomeUnknown;
  return `ERR cross-shard transaction failed: ${result.error}`;
}

const LOCK_RETRY_MS = [2, 4, 8, 16, 32, 64, 128, 256, 512];

/** A batch refused because a key is locked (nothing ran) is sent again after a short wait. */
export function retryingLocked(exec: ShardExec): ShardExec {
  return async (shard, batch, limit, mayBlock) => {
    let replies = await exec(shard, batch, limit, mayBlock);
    for (const wait of LOCK_RETRY_MS) {
      if (!refusedAsLocked(replies)) break;
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
      replies = await exec(shard, batch, limit, mayBlock);
    }
    return replies;
  };
}

/** Only a batch refused whole (every reply TRYAGAIN: nothing ran, or was rolled back) may be sent again. */
function refusedAsLocked(replies: Reply[]): boolean {
  return replies.length > 0 && replies.every((r) => isError(r) && r.error === Errors.txLocked);
}

/**
 * A failed RPC answers an error entry for each command of its batch. The shard may have run the
 * batch before the failure (the reply can be lost on its way back), so a write's entry says its
 * outcome is unknown, never that it failed; a read's says the shard was unavailable.
 */
export function guarded(exec: ShardExec): ShardExec {
  return async (shard, batch, limit, mayBlock) => {
    try {
      return await exec(shard, batch, limit, mayBlock);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return batch.map((argv) => err(mayWrite(argv) ? Errors.shardOutcomeUnknown(shard, message) : Errors.shardUnavailable(shard, message)));
    }
  };
}

/** Whether a command may have changed anything: flagged `write` (or server state) in the table. */
function mayWrite(argv: Arg[]): boolean {
  const found = lookupCommand(COMMANDS, argv);
  return !found.ok || changesState(found.spec);
}

