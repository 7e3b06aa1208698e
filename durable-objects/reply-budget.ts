/**
 * How many bytes a batch's replies may take, so that what a shard sends back stays under the
 * memory one request may make the Worker and the shard hold.
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
import { DEFAULT_MAX_VALUE_BYTES } from "./limits";
import { SPILL_MIN_BYTES } from "./transport";

/**
 * The most one shard's replies to one batch may take when the caller names no budget: one value
 * of the default largest size and 1 MiB more. The RPC limit (32 MiB) does not bind here: long
 * byte strings of a large reply travel in a stream (transport.ts); this bound is about memory.
 */
export const SHARD_REPLY_MAX_BYTES = DEFAULT_MAX_VALUE_BYTES + 1024 * 1024;
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
 * What the replies of one batch may hold outside the transport's stream (strings shorter than
 * SPILL_MIN_BYTES, and the structure around them): well under the 32 MiB an RPC message holds.
 */
export const INLINE_REPLY_MAX_BYTES = 24 * 1024 * 1024;

/** replyBytes(r) less the long byte strings that cross in the transport's stream. */
function inlineBytes(r: Reply, total: number): number {
  return total - longBytes(r);
}

function longBytes(r: Reply): number {
  if (typeof r === "string") return 2 * r.length >= SPILL_MIN_BYTES ? 2 * r.length : 0;
  if (r instanceof Uint8Array) return r.byteLength >= SPILL_MIN_BYTES ? r.byteLength : 0;
  if (Array.isArray(r)) {
    let n = 0;
    for (const x of r) n += longBytes(x);
    return n;
  }
  return 0;
}

/**
 * The replies of one batch against a budget of `limit` bytes in all, of which at most
 * INLINE_REPLY_MAX_BYTES outside the stream, so that the batch always fits one RPC message.
 */
export class ReplyBudget {
  private used = 0;
  private inline = 0;
  private readonly limit: number;
  /** The reply a write admitted inside its savepoint, already counted. */
  private admitted: Reply | undefined;

  constructor(limit: number | undefined, batchLength: number) {
    this.limit = Math.max(0, limit ?? SHARD_REPLY_MAX_BYTES - batchLength * SMALL_REPLY_BYTES);
  }

  /** Inside a write's savepoint: throws (rolling the write back) when its reply does not fit. */
  admitWrite(argv: Arg[], reply: Reply): Reply {
    const bytes = replyBytes(reply);
    if (!this.fits(reply, bytes)) throw new CommandError(Errors.writeReplyTooLarge(nameOf(argv), bytes, this.left()));
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
    if (this.fits(reply, bytes)) return reply;
    const refused = err(Errors.replyTooLarge(nameOf(argv), bytes, this.left()));
    this.used += replyBytes(refused);
    this.inline += replyBytes(refused);
    return refused;
  }

  /** Counts `reply` (of `bytes`) when it fits, or is small enough to be kept whatever the budget. */
  private fits(reply: Reply, bytes: number): boolean {
    const inline = bytes > SMALL_REPLY_BYTES ? inlineBytes(reply, bytes) : bytes;
    if (bytes > SMALL_REPLY_BYTES && (this.used + bytes > this.limit || this.inline + inline > INLINE_REPLY_MAX_BYTES)) return false;
    this.used += bytes;
    this.inline += inline;
    return true;
  }

  private left(): number {
    return Math.max(0, this.limit - this.used);
  }
}

function nameOf(argv: Arg[]): string {
  return text(argv[0]!).toLowerCase();
}
