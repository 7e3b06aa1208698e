/**
 * The Worker's side of a shard's `exec` RPC: a batch too large for one RPC message is sent with
 * its long arguments in a byte stream (`execStreamed`), and replies that came back the same way
 * are made whole again (durable-objects/transport.ts). Small batches cost one size check.
 */
import type { Arg } from "../durable-objects/args";
import type { Reply } from "../durable-objects/reply";
import { isStreamed, pack, unpackReplies, type Streamed } from "../durable-objects/transport";

/** What a batch's replies may take (durable-objects/reply-budget.ts). */
export interface ExecLimits {
  replyBytes?: number;
  /** The batch may wait at a blocking command under this name (docs/blocking.md); `unblock` ends the wait. */
  block?: string;
}

/** A shard's RPC surface for batches (typed here once: the generated stub type of a recursive Reply is too deep). */
export interface ShardBatchRpc {
  exec(batch: Arg[][], limits?: ExecLimits): Promise<Reply[] | Streamed<Reply[]>>;
  execStreamed(batch: Streamed<Arg[][]>, limits?: ExecLimits): Promise<Reply[] | Streamed<Reply[]>>;
  unblock(id: string): Promise<boolean>;
}

/** Runs `batch` on the shard behind `stub`: one reply per command, in order. */
export async function execOnShard(stub: ShardBatchRpc, batch: Arg[][], limits?: ExecLimits): Promise<Reply[]> {
  const sent = pack(batch);
  const result = isStreamed(sent) ? await stub.execStreamed(sent, limits) : await stub.exec(batch, limits);
  return isStreamed(result) ? unpackReplies(result) : result;
}
