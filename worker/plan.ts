/**
 * Planning: one command of a request → where it runs, from its table entry. `validate`
 * (durable-objects/table.ts) checks it; its cluster mode says whether it runs on the one
 * shard of its keys, fans out over shards and merges, visits every shard, or runs as a
 * cross-shard transaction by its declared planner or gathered (cross-commands.ts,
 * cross-gathered.ts). Nothing here sends anything.
 */
import { text, type Arg } from "../durable-objects/args";
import { COMMANDS } from "../durable-objects/commands";
import { Errors } from "../durable-objects/errors";
import { validate, type CommandSpec } from "../durable-objects/table";
import { planCross, type CrossCommand } from "./cross-commands";
import { planGathered } from "./cross-gathered";
import type { ExecOptions, ShardExec } from "./execute";
import { err, isError, type Reply } from "../durable-objects/reply";
import { infoAcrossShards, mergeInfo, mergeRandomKey, mergeScan, planScan, randomKeyAcrossShards, scanAcrossShards, scanArgv } from "./merge-all";
import { mergeMemoryStats, mergeSlowlog } from "./merge-info";
import { shardOf } from "./slot";
import { channelShard } from "../durable-objects/pubsub/channels";
import { runTransaction } from "./transaction";
import { planPitr } from "./pitr/plan";

export interface Part {
  shard: number;
  argv: Arg[];
}

/** One planned command: an error found before running, its parts on shards, or a special. */
export type Plan =
  /** `command`: the known command refused (its rejected_calls count it, execute.ts). */
  | { kind: "error"; error: string; atExec?: true; command?: string }
  /** `blocking`: the command may wait for a key (flagged `blocking`: BLPOP, BZPOPMIN, …; docs/blocking.md). */
  | { kind: "parts"; parts: Part[]; merge: (replies: Reply[]) => Reply; everyShard?: true; blocking?: true }
  /**
   * Several sequential round trips (SCAN, RANDOMKEY, INFO over shards); inside a transaction,
   * `everyShard` instead: each shard's part runs at commit and `merge` combines their replies.
   */
  | { kind: "special"; run: (exec: ShardExec) => Promise<Reply>; everyShard: { parts: Part[]; merge: (replies: Reply[]) => Reply } }
  | { kind: "cross"; cross: CrossCommand };

/**
 * Keyless commands (PING, TIME, …) may run on any shard: inside a transaction they follow the
 * transaction's shard (FLOATING); elsewhere they run on shard 0.
 */
export const FLOATING = -1;
export const KEYLESS_SHARD = 0;

/** The merge of a command that runs whole on one shard: its one reply. */
export const onlyReply = (replies: Reply[]): Reply => replies[0]!;

export function plan(argv: Arg[], opts: ExecOptions): Plan {
  const found = validate(COMMANDS, argv, { readOnly: opts.readOnly });
  if (!found.ok) return { kind: "error", error: found.error, command: found.spec?.name };
  const { spec, keys } = found;
  const mode = spec.cluster ?? { kind: "single" };
  switch (mode.kind) {
    case "fanout":
      return planFanout(spec, argv, keys, opts, mode.merge, mode.tail ?? 0);
    case "all":
      return mode.atomic ? planAllAtomic(argv, opts, mode.check?.(argv) ?? null) : planAll(argv, opts, mode.merge);
    case "pitr":
      return planPitr(spec, argv, opts);
    default: {
      const planned = planSingle(spec, argv, keys, opts);
      if (planned.kind === "parts" && spec.flags.includes("blocking")) planned.blocking = true;
      return planned;
    }
  }
}

function planSingle(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions): Plan {
  // PUBLISH: keyless, but it runs on its channel's home shard (docs/pubsub.md).
  if (spec.channel !== undefined) return { kind: "parts", parts: [{ shard: channelShard(text(argv[spec.channel]!), opts.shards), argv }], merge: onlyReply };
  const shard = keys.length === 0 ? FLOATING : shardOf(keys[0]!, opts.shards);
  for (let i = 1; i < keys.length; i++) {
    if (shardOf(keys[i]!, opts.shards) !== shard) return planAcross(spec, argv, keys, opts);
  }
  return { kind: "parts", parts: [{ shard, argv }], merge: onlyReply };
}

/**
 * A command whose keys span shards: what its entry's cluster mode declares — a cross-shard
 * transaction by its planner, gathered (run once over copies of its keys), or both (the
 * planner first, gathered when the planner answers CROSSSLOT); anything else is CROSSSLOT.
 */
function planAcross(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions): Plan {
  const mode = spec.cluster;
  if (!opts.tx || mode?.kind !== "cross") return { kind: "error", error: Errors.crossSlot, command: spec.name };
  const gathered = () => (mode.gather ? planGathered(argv, keys, opts.shards) : null);
  const cross = (mode.planner ? planCross(mode.planner, argv, opts.shards) : null) ?? gathered();
  if (!cross) return { kind: "error", error: Errors.crossSlot, command: spec.name };
  // The planner's own refusal (MSET's odd arguments) is what the command answers when it runs:
  // inside a transaction an entry of EXEC's reply, as Redis, not a reason to discard it.
  if ("error" in cross) return { kind: "error", error: cross.error, atExec: true };
  if (!cross.between) cross.fallback = gathered() ?? undefined;
  return { kind: "cross", cross };
}

/** MGET, DEL, EXISTS, …: the same command on each shard's share of the keys, merged. */
function planFanout(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions, merge: "sum" | "concat", tail: number): Plan {
  const byShard = new Map<number, number[]>();
  keys.forEach((key, keyPos) => {
    const s = shardOf(key, opts.shards);
    let list = byShard.get(s);
    if (!list) byShard.set(s, (list = []));
    list.push(keyPos);
  });
  if (byShard.size <= 1) return planSingle(spec, argv, keys, opts);
  const groups = [...byShard.entries()];
  const parts = groups.map(([shard, keyPositions]) => ({
    shard,
    argv: [argv[0]!, ...keyPositions.map((k) => keys[k]!), ...argv.slice(argv.length - tail)],
  }));
  if (merge === "sum") return { kind: "parts", parts, merge: sumReplies };
  return {
    kind: "parts",
    parts,
    merge: (replies) => {
      const firstError = replies.find(isError);
      if (firstError) return firstError;
      const out: Reply[] = new Array(keys.length);
      groups.forEach(([, keyPositions], g) => {
        const r = replies[g] as Reply[];
        keyPositions.forEach((k, j) => (out[k] = r[j]!));
      });
      return out;
    },
  };
}

/** PUBSUB NUMSUB from every shard: the same channel/count pairs, each count the sum (a channel's subscribers are counted at its home only). */
export function mergeNumsub(replies: Reply[][]): Reply {
  const out = replies[0]!.slice();
  for (let i = 1; i < out.length; i += 2) out[i] = replies.reduce((n, r) => n + Number(r[i]), 0);
  return out;
}

export function sumReplies(replies: Reply[]): Reply {
  let total = 0;
  for (const r of replies) {
    if (isError(r)) return r;
    total += Number(r);
  }
  return total;
}

/**
 * A command that must reach every shard or none (CONFIG SET): outside a transaction it runs as
 * a one-command transaction over every shard, each locked whole (transaction.ts, cross-shard.ts),
 * so no shard misses it and none sees it before the others; inside one, it is part of that
 * transaction's. Every shard answers the same (its checks do not depend on the shard): the first
 * reply; what the entry's `check` refuses is answered here, without a round trip.
 */
function planAllAtomic(argv: Arg[], opts: ExecOptions, refused: string | null): Plan {
  // Refused by its own rule: the error, as the shards would answer it (inside a transaction: at EXEC).
  if (refused !== null) return { kind: "error", error: refused, atExec: true };
  const all = planAll(argv, opts, "ok");
  if (all.kind !== "parts" || !opts.tx || opts.shards === 1) return all;
  const everyShard = { parts: all.parts, merge: all.merge };
  const run = async (exec: ShardExec): Promise<Reply> => {
    const result = await runTransaction([argv], opts, exec);
    return result.ok ? result.replies[0]! : err(result.error);
  };
  return { kind: "special", run, everyShard };
}

/** Keyspace-wide commands: every shard, merged. */
function planAll(argv: Arg[], opts: ExecOptions, merge: "sum" | "concat" | "ok" | "scan" | "random" | "info" | "slowlog" | "memory" | "numsub"): Plan {
  if (opts.shards === 1) return { kind: "parts", parts: [{ shard: 0, argv }], merge: onlyReply };
  const parts = Array.from({ length: opts.shards }, (_, shard) => ({ shard, argv }));
  if (merge === "scan") {
    const scan = planScan(argv, opts.shards);
    const everyShard =
      "error" in scan
        ? { parts: [], merge: () => err(scan.error) }
        : {
            // The cursor's shard and those after it; the merge reads each shard's reply at its index.
            parts: parts.slice(scan.shard).map(({ shard }) => ({ shard, argv: scanArgv(scan, shard) })),
            merge: (replies: Reply[]) => mergeScan(scan, [...new Array<Reply>(scan.shard).fill(null), ...replies]),
          };
    return { kind: "special", run: (exec) => scanAcrossShards(argv, opts, exec), everyShard };
  }
  if (merge === "random") return { kind: "special", run: (exec) => randomKeyAcrossShards(argv, opts, exec), everyShard: { parts, merge: mergeRandomKey } };
  if (merge === "info") return { kind: "special", run: (exec) => infoAcrossShards(argv, opts, exec), everyShard: { parts, merge: (r) => mergeInfo(r, opts.shards) } };
  if (merge === "slowlog") return { kind: "parts", parts, merge: (r) => mergeSlowlog(r, opts.shards, argv), everyShard: true };
  if (merge === "memory") return { kind: "parts", parts, merge: mergeMemoryStats, everyShard: true };
  const mergeFn = (replies: Reply[]): Reply => {
    const firstError = replies.find(isError);
    if (firstError) return firstError;
    if (merge === "sum") return sumReplies(replies);
    if (merge === "concat") return (replies as Reply[][]).flat();
    if (merge === "numsub") return mergeNumsub(replies as Reply[][]);
    return replies[0]!;
  };
  return { kind: "parts", parts, merge: mergeFn, everyShard: true };
}

