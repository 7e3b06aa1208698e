/**
 * How many bytes a batch's replies may take, so that what a shard sends back stays under the
 * runtime's RPC limit and within the memory one request may make the Worker hold.
 *
 * Sizes are estimated from the Reply values as they are built, never by serialising them: an
 * upper bound of their structured-clone size (a string counts two bytes a character).
 *
 * The shard measures each reply as it is produced. A reply of at most `SMALL_REPLY_BYTES`
 * (a status, an integer, an error, a short string) is always kept, so a write's acknowledgement
 * is never dropped. A larger reply that does not fit what is left of the budget is replaced by
 * an error entry of its own: for a read, `replyTooLarge`; for a write, the write is rolled back
 * first (it runs in a savepoint) and answers `writeReplyTooLarge`. Every other entry stays as it
 * was, so no entry ever claims that a committed write failed.
 */
import { text, type Arg } from "./args";
import { Errors } from "./errors";
import { CommandError, err, isError, isStatus, type Reply } from "./reply";

/** Serialized RPC arguments and return values are limited to 32 MiB by the runtime. */
export const RPC_MAX_BYTES = 32 * 1024 * 1024;
/** The most one shard's replies to one batch may take: the RPC limit less a margin for framing. */
export const SHARD_REPLY_MAX_BYTES = RPC_MAX_BYTES - 1024 * 1024;
/** A reply this small is always kept, whatever the budget. */
export const SMALL_REPLY_BYTES = 512;

/** An upper bound of the bytes `r` takes once serialised. */
export function replyBytes(r: Reply): number {
  if (r === null || typeof r === "number") return 9;
  if (typeof r === "bigint") return 16 + Math.ceil(r.toString(16).length / 2);
  if (typeof r === "string") return 8 + 2 * r.length;
  if (r instanceof Uint8Array) return 24 + r.byteLength;
  if (Array.isArray(r)) {
    let n = 8;
    for (const x of r) n += replyBytes(x);
    return n;
  }
  if (isStatus(r)) return 24 + 2 * r.status.length;
  if (isError(r)) return 24 + 2 * r.error.length;
  return 64;
}

/**
 * The replies of one batch against a budget of `limit` bytes (capped so that the batch, small
 * replies included, always fits one RPC).
 */
export class ReplyBudget {
  private used = 0;
  private readonly limit: number;
  /** The reply a write admitted inside its savepoint, already counted. */
  private admitted: Reply | undefined;

  constructor(limit: number | undefined, batchLength: number) {
    const cap = SHARD_REPLY_MAX_BYTES - batchLength * SMALL_REPLY_BYTES;
    this.limit = Math.max(0, Math.min(limit ?? cap, cap));
  }

  /** Inside a write's savepoint: throws (rolling the write back) when its reply does not fit. */
  admitWrite(argv: Arg[], reply: Reply): Reply {
    const bytes = replyBytes(reply);
    if (bytes > SMALL_REPLY_BYTES && this.used + bytes > this.limit) {
      throw new CommandError(Errors.writeReplyTooLarge(nameOf(argv), bytes, this.left()));
    }
    this.used += bytes;
    this.admitted = reply;
    return reply;
  }

  /** A reply as the batch will send it: itself when it fits, else an error entry in its place. */
  admit(argv: Arg[], reply: Reply): Reply {
    if (this.admitted !== undefined && reply === this.admitted) {
      this.admitted = undefined;
      return reply;
    }
    this.admitted = undefined;
    const bytes = replyBytes(reply);
    if (bytes > SMALL_REPLY_BYTES && this.used + bytes > this.limit) {
      const refused = err(Errors.replyTooLarge(nameOf(argv), bytes, this.left()));
      this.used += replyBytes(refused);
      return refused;
    }
    this.used += bytes;
    return reply;
  }

  private left(): number {
    return Math.max(0, this.limit - this.used);
  }
}

function nameOf(argv: Arg[]): string {
  return text(argv[0]!).toLowerCase();
}
