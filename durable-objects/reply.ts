/**
 * Replies are plain values, so they cross Durable Object RPC unchanged (structured clone):
 *
 * | Redis reply        | here                                   |
 * | ------------------ | -------------------------------------- |
 * | simple string      | `{ status: "OK" }`                     |
 * | bulk string        | `Uint8Array` (bytes) or `string` (text) |
 * | integer            | `number` (safe range) or `bigint`      |
 * | nil                | `null`                                 |
 * | array              | `Reply[]`                              |
 * | error              | `{ error: "ERR …" }`                   |
 *
 * Errors are values, not exceptions: inside a transaction one failing command does not stop
 * the others. A thrown exception means a bug or a storage fault.
 */
export type Reply = null | number | bigint | string | Uint8Array | StatusReply | ErrorReply | Reply[];
export interface StatusReply {
  status: string;
}
export interface ErrorReply {
  error: string;
}

export const OK: StatusReply = Object.freeze({ status: "OK" }) as StatusReply;

export function status(s: string): StatusReply {
  return { status: s };
}

export function err(message: string): ErrorReply {
  return { error: message };
}

export function isError(r: Reply): r is ErrorReply {
  return r !== null && typeof r === "object" && !Array.isArray(r) && !(r instanceof Uint8Array) && "error" in r;
}

export function isStatus(r: Reply): r is StatusReply {
  return r !== null && typeof r === "object" && !Array.isArray(r) && !(r instanceof Uint8Array) && "status" in r;
}

/** An integer reply: a number while it is exact, a bigint beyond 2^53. */
export function int(n: bigint | number): number | bigint {
  if (typeof n === "number") return n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** Thrown inside a handler to end it with an error reply (caught by dispatch, never escapes). */
export class CommandError extends Error {
  constructor(readonly reply: string) {
    super(reply);
  }
}
