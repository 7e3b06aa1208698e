/**
 * One rule, two callers. The commands that move or set several keys atomically (RENAME,
 * RENAMENX, COPY, MSET, MSETNX, SMOVE, LMOVE, RPOPLPUSH) decide their outcome — which reply,
 * which error wins, whether anything is written — in one pure function beside their handler,
 * over what the command observed of its keys (their types, whether the destination exists, the
 * member, the element …). The shard handler calls it with what it reads from its own keyspace;
 * the Worker's cross-shard planner (worker/cross-commands.ts) calls it with the participants'
 * reads at prepare and commits exactly when it says to write. A change of rule is made once and
 * both paths follow it; worker/cross-commands.test.ts drives every function and planner over
 * every combination of observations, and the "one-shard and cross-shard agree" conformance
 * cases run each combination both ways.
 */
import type { KeyRow } from "../store/keyspace";
import { TYPE_NAMES } from "../store/keyspace";
import { CommandError, isError, isStatus, type Reply } from "../reply";

/** A key's type as TYPE names it ("string", "list", "set", "zset", "hash"), "none" when missing. */
export type ObservedType = string;

/** What a command answers and whether it writes. An error reply never writes. */
export interface Outcome {
  reply: Reply;
  write: boolean;
}

/** The type of a key row, as TYPE answers it. */
export function observedType(row: KeyRow | null): ObservedType {
  return row ? TYPE_NAMES[row.type]! : "none";
}

/** The type a TYPE read answered (a participant's read at prepare); "" for anything else. */
export function typeRead(r: Reply | undefined): ObservedType {
  return r !== undefined && isStatus(r) ? r.status : "";
}

/** The reply of `outcome` inside a handler: an error reply is thrown, as handlers end with errors. */
export function replyOf(outcome: Outcome): Reply {
  if (isError(outcome.reply)) throw new CommandError(outcome.reply.error);
  return outcome.reply;
}
