/**
 * Transactions (`/multi-exec`), atomic: in one RPC on the one shard that owns all their keys,
 * or as a cross-shard transaction over the shards that own them (cross-shard.ts), gathered as
 * a whole when a command reads before it writes (cross-gathered.ts). Refused as a whole, before
 * anything runs, when a command is unknown, has the wrong arity or is a write under a
 * read-only token (EXECABORT, whatever else the transaction holds), and with CROSSSLOT for what
 * cannot join a cross-shard transaction. A keyspace-wide command (KEYS, DBSIZE, SCAN, FLUSHDB, …)
 * makes it a cross-shard transaction over every shard, each locked whole.
 */
import { type Arg } from "../durable-objects/args";
import { COMMANDS } from "../durable-objects/commands";
import { Errors } from "../durable-objects/errors";
import { err, isError, type Reply } from "../durable-objects/reply";
import { validate } from "../durable-objects/table";
import { planGatheredTransaction } from "./cross-gathered";
import { runCrossShard, type TxPart, type TxResult } from "./cross-shard";
import { SHARD_REPLY_MAX_BYTES } from "../durable-objects/reply-budget";
import { guarded, noteRejections, retryingLocked, txFailure, type ExecOptions, type ShardExec } from "./execute";
import { FLOATING, KEYLESS_SHARD, plan, type Plan } from "./plan";

export type TransactionResult = { ok: true; replies: Reply[] } | { ok: false; error: string };

/**
 * Runs a transaction atomically: in one RPC on the one shard that owns all its keys, or as a
 * cross-shard transaction over the shards that own them. Refused whole, before anything runs,
 * for a command error, or CROSSSLOT for what cannot join a cross-shard transaction (a
 * keyspace-wide command together with a multi-key command that must read before it writes).
 */
export async function runTransaction(cmds: Arg[][], opts: ExecOptions, shardExec: ShardExec): Promise<TransactionResult> {
  const exec = retryingLocked(shardExec);
  const plans = cmds.map((c) => plan(c, opts));
  const shards = new Set<number>();
  let gather = false;
  // A command error discards the transaction (EXECABORT) before anything about where it runs.
  const refused = plans.find((p): p is Extract<Plan, { kind: "error" }> => p.kind === "error" && !p.atExec);
  if (refused) {
    // Redis counts each refused command, then EXEC's EXECABORT error.
    await noteRejections([...plans, { kind: "error", error: Errors.execAbortPrefix }], opts);
    return { ok: false, error: `${Errors.execAbortPrefix} ${refused.error}` };
  }
  let everyShard = false;
  for (const p of plans) {
    if (p.kind === "error") continue;
    if (p.kind === "special") {
      everyShard = true;
      continue;
    }
    if (p.kind === "cross") {
      if (p.cross.between || p.cross.parts.some((part) => part.reads.length > 0 || part.writes.length !== 1)) gather = true;
      for (const part of p.cross.parts) shards.add(part.shard);
      continue;
    }
    for (const part of p.parts) if (part.shard !== FLOATING) shards.add(part.shard);
    if (p.parts.length > 1 && p.everyShard) everyShard = true;
  }
  // A keyspace-wide command over several shards: a cross-shard transaction holding every shard
  // whole (not with one gathered: that runs on copies of its keys, not on the shards).
  if (everyShard) {
    if (!opts.tx || gather) return { ok: false, error: Errors.crossSlot };
    return runTransactionAcross(plans, opts, 0, opts.shards);
  }
  if (shards.size <= 1) {
    const only = shards.size === 0 ? KEYLESS_SHARD : [...shards][0]!;
    // One batch: its replies are EXEC's entries (an oversized read is an error entry, the writes stand).
    const replies = await guarded(exec)(only, cmds, opts.replyBytes ?? SHARD_REPLY_MAX_BYTES);
    return { ok: true, replies: plans.map((p, i) => (p.kind === "parts" ? p.merge([replies[i]!]) : replies[i]!)) };
  }
  if (!opts.tx) return { ok: false, error: Errors.crossSlot };
  if (gather) return runTransactionGathered(cmds, opts);
  return runTransactionAcross(plans, opts, Math.min(...shards));
}

/**
 * Each command's parts join their shard's batch (keyless ones the lowest shard's); replies are
 * merged back. With `everyShard` (the shard count), every shard takes part and is locked whole:
 * a keyspace-wide command's parts sit in every shard's batch at its position, so each shard's
 * part of it sees that shard after the transaction's earlier commands.
 */
async function runTransactionAcross(plans: Plan[], opts: ExecOptions, keylessShard: number, everyShard?: number): Promise<TransactionResult> {
  const parts = new Map<number, TxPart>();
  for (let shard = 0; shard < (everyShard ?? 0); shard++) parts.set(shard, { shard, keys: [], reads: [], writes: [], lockAll: true });
  const where: { shard: number; index: number }[][] = [];
  const add = (s: number, argv: Arg[]) => {
    const shard = s === FLOATING ? keylessShard : s;
    let part = parts.get(shard);
    if (!part) parts.set(shard, (part = { shard, keys: [], reads: [], writes: [] }));
    if (!part.lockAll) part.keys.push(...keysOf(argv));
    part.writes.push(argv);
    return { shard, index: part.writes.length - 1 };
  };
  plans.forEach((p, c) => {
    if (p.kind === "error") where[c] = [];
    else if (p.kind === "cross") where[c] = p.cross.parts.map((part) => add(part.shard, part.writes[0]!));
    else where[c] = (p.kind === "special" ? p.everyShard.parts : p.parts).map((part) => add(part.shard, part.argv));
  });
  const list = [...parts.values()];
  const result = await runCrossShard(list, () => true, opts.tx!, opts.txOptions);
  if (result.status !== "committed") return { ok: false, error: txFailure(result as Exclude<TxResult, { status: "committed" } | { status: "aborted" }>) };
  const replies = new Map<number, Reply[] | null>(list.map((part, i) => [part.shard, result.replies[i]!]));
  return {
    ok: true,
    replies: plans.map((p, c) => {
      if (p.kind === "error") return err(p.error);
      const got = where[c]!.map(({ shard, index }) => {
        const reply = replies.get(shard)?.[index];
        return reply === undefined ? err(Errors.txReplyLost) : reply;
      });
      const lost = got.find((r) => isError(r) && r.error === Errors.txReplyLost);
      if (lost) return lost;
      if (p.kind === "cross") return p.cross.reply([], true);
      return p.kind === "special" ? p.everyShard.merge(got) : p.merge(got);
    }),
  };
}

/**
 * A transaction with a command that must read before it writes across shards (MSETNX, SMOVE,
 * RENAME, a script, SUNIONSTORE, …): the whole transaction runs gathered on one shard over all
 * its keys (cross-gathered.ts), each command's reply an entry as in EXEC.
 */
async function runTransactionGathered(cmds: Arg[][], opts: ExecOptions): Promise<TransactionResult> {
  if (cmds.some((argv) => !validate(COMMANDS, argv, { gathered: true }).ok)) return { ok: false, error: Errors.crossSlot };
  const cross = planGatheredTransaction(cmds, cmds.flatMap(keysOf), opts.shards);
  if (!cross) return { ok: false, error: Errors.crossSlot };
  const result = await runCrossShard(cross.parts, cross.shouldCommit, opts.tx!, opts.txOptions, cross.between!(opts.tx!));
  if (result.status !== "committed" && result.status !== "aborted") return { ok: false, error: txFailure(result) };
  const reply = cross.reply(result.reads, result.status === "committed", result.status === "committed" ? result.replies : undefined);
  if (!Array.isArray(reply)) return { ok: false, error: reply !== null && isError(reply) ? reply.error : Errors.crossSlot };
  return { ok: true, replies: reply };
}

/** The keys of one command (for the locks of a cross-shard transaction). */
function keysOf(argv: Arg[]): string[] {
  const found = validate(COMMANDS, argv);
  return found.ok ? found.keys : [];
}
