/**
 * The Worker's side of a shard's `exec` RPC: a batch too large for one RPC message is sent with
 * its long arguments in a byte stream (`execStreamed`), and replies that came back the same way
 * are made whole again (durable-objects/transport.ts), as are replies whose small byte strings
 * came gathered in one buffer. Small batches cost one size check.
 */
import type { Arg } from "../durable-objects/args";
import type { Reply } from "../durable-objects/reply";
import { isGathered, isStreamed, pack, ungather, unpackReplies, type Gathered, type Streamed } from "../durable-objects/transport";
import type { ShardExec } from "./execute";

/** What a batch's replies may take (durable-objects/reply-budget.ts). */
export interface ExecLimits {
  replyBytes?: number;
  /** The batch may wait at a blocking command under this name (docs/blocking.md); `unblock` ends the wait. */
  block?: string;
  /** Replies may come gathered (durable-objects/transport.ts `Gathered`); execOnShard always asks. */
  gather?: boolean;
  /** With read replicas (docs/global.md §3): the answer is `{ replies, epoch, position }`, the shard's log position after the batch. */
  position?: boolean;
}

/** A batch's replies with the shard's log position after it (ExecLimits `position`). */
export interface Positioned<T> {
  replies: T;
  epoch: string;
  position: number;
  /** The shard holds prepared cross-shard transactions (durable-objects/shard.ts `position`). */
  pending?: boolean;
}

type ExecResult = Reply[] | Streamed<Reply[]> | Gathered<Reply[]>;

function isPositioned(r: ExecResult | Positioned<ExecResult>): r is Positioned<ExecResult> {
  return !Array.isArray(r) && typeof r === "object" && r !== null && "replies" in r && "position" in r;
}

/** A shard's RPC surface for batches (typed here once: the generated stub type of a recursive Reply is too deep). */
export interface ShardBatchRpc {
  exec(batch: Arg[][], limits?: ExecLimits): Promise<ExecResult | Positioned<ExecResult>>;
  execStreamed(batch: Streamed<Arg[][]>, limits?: ExecLimits): Promise<ExecResult | Positioned<ExecResult>>;
  unblock(id: string): Promise<boolean>;
}

/** What a shard reported of its log position after a batch (`shard` is the batch's). */
export type PositionObserver = (shard: number, epoch: string, position: number, pending?: boolean) => void;

/**
 * Runs `batch` on the shard behind `stub`: one reply per command, in order. With `observed`
 * (read replicas configured), the shard is asked for its log position too and it is handed there.
 */
export async function execOnShard(stub: ShardBatchRpc, batch: Arg[][], limits?: ExecLimits, observed?: { shard: number; observe: PositionObserver }): Promise<Reply[]> {
  const sent = pack(batch);
  const asked = observed ? { ...limits, gather: true, position: true } : { ...limits, gather: true };
  let result = isStreamed(sent) ? await stub.execStreamed(sent, asked) : await stub.exec(batch, asked);
  if (isPositioned(result)) {
    observed?.observe(observed.shard, result.epoch, result.position, result.pending === true);
    result = result.replies;
  }
  if (Array.isArray(result)) return result;
  return isGathered(result) ? ungather(result) : unpackReplies(result);
}

/**
 * Batches to shards over RPC (`stubOf` names a shard's stub), for a client's pipeline. A batch
 * that may block waits under a fresh name; when `signal` aborts (the client's request was
 * cancelled, its socket closed), the shard is told to stop waiting, so nothing is taken for a
 * client that is gone (docs/blocking.md).
 */
export function blockingShardExec(
  stubOf: (shard: number) => ShardBatchRpc,
  signal?: AbortSignal,
  waitUntil?: (p: Promise<unknown>) => void,
  observe?: PositionObserver,
): ShardExec {
  return async (shard, batch, replyLimit, mayBlock) => {
    const stub = stubOf(shard);
    const limits = replyLimit === undefined ? undefined : { replyBytes: replyLimit };
    const observed = observe && { shard, observe };
    // A client already gone does not wait: its blocking commands answer at once.
    if (!mayBlock || signal?.aborted) return execOnShard(stub, batch, limits, observed);
    const block = crypto.randomUUID();
    const cancel = () => {
      const sent = stub.unblock(block).catch(() => false);
      waitUntil?.(sent);
    };
    signal?.addEventListener("abort", cancel, { once: true });
    try {
      return await execOnShard(stub, batch, { ...limits, block }, observed);
    } finally {
      signal?.removeEventListener("abort", cancel);
    }
  };
}
