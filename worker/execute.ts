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
import { err, isError, type Reply } from "../durable-objects/reply";
import type { CrossCommand } from "./cross-commands";
import { runCrossShard, type TxBackend, type TxOptions, type TxResult } from "./cross-shard";
import { FLOATING, KEYLESS_SHARD, plan, type Plan } from "./plan";

/** How the executor reaches shard `i`: one RPC that runs a batch in order. */
export type ShardExec = (shard: number, batch: Arg[][]) => Promise<Reply[]>;

export interface ExecOptions {
  shards: number;
  readOnly: boolean;
  /** Cross-shard transactions; without it, multi-key work across shards answers CROSSSLOT. */
  tx?: TxBackend;
  txOptions?: TxOptions;
}


/** Runs a pipeline: one reply per command, in request order; never throws for a shard fault. */
export async function runPipeline(cmds: Arg[][], opts: ExecOptions, shardExec: ShardExec): Promise<Reply[]> {
  const exec = retryingLocked(shardExec);
  const plans = cmds.map((c) => plan(c, opts));
  const out: Reply[] = new Array(cmds.length);
  let i = 0;
  while (i < plans.length) {
    let j = i;
    while (j < plans.length && plans[j]!.kind !== "special" && plans[j]!.kind !== "cross") j++;
    await runSegment(plans, i, j, out, exec);
    if (j < plans.length) {
      const p = plans[j]!;
      if (p.kind === "special") out[j] = await p.run(guarded(exec));
      else if (p.kind === "cross") out[j] = await runCrossCommand(p.cross, opts);
      j++;
    }
    i = j;
  }
  return out;
}

async function runSegment(plans: Plan[], from: number, to: number, out: Reply[], exec: ShardExec): Promise<void> {
  const batches = new Map<number, Arg[][]>();
  const where: { shard: number; index: number }[][] = [];
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind === "error") {
      out[c] = err(p.error);
      continue;
    }
    if (p.kind !== "parts") continue;
    where[c] = p.parts.map(({ shard: s, argv }) => {
      const shard = s === FLOATING ? KEYLESS_SHARD : s;
      let batch = batches.get(shard);
      if (!batch) batches.set(shard, (batch = []));
      batch.push(argv);
      return { shard, index: batch.length - 1 };
    });
  }
  const results = new Map<number, Reply[]>();
  const run = guarded(exec);
  await Promise.all([...batches].map(async ([shard, batch]) => results.set(shard, await run(shard, batch))));
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind !== "parts") continue;
    out[c] = p.merge(where[c]!.map(({ shard, index }) => results.get(shard)![index]!));
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
  return async (shard, batch) => {
    let replies = await exec(shard, batch);
    for (const wait of LOCK_RETRY_MS) {
      if (!refusedAsLocked(replies)) break;
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
      replies = await exec(shard, batch);
    }
    return replies;
  };
}

/** Only a batch refused whole (every reply TRYAGAIN: nothing ran, or was rolled back) may be sent again. */
function refusedAsLocked(replies: Reply[]): boolean {
  return replies.length > 0 && replies.every((r) => isError(r) && r.error === Errors.txLocked);
}

/** A shard that cannot be reached answers an error reply for each of its commands. */
export function guarded(exec: ShardExec): ShardExec {
  return async (shard, batch) => {
    try {
      return await exec(shard, batch);
    } catch (e) {
      const message = `ERR shard ${shard} unavailable: ${e instanceof Error ? e.message : String(e)}`;
      return batch.map(() => err(message));
    }
  };
}

