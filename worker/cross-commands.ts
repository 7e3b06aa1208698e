/**
 * Multi-key commands whose atomicity Redis guarantees, planned as cross-shard transactions when
 * their keys span shards (worker/cross-shard.ts runs them). Each planner says what every
 * participant locks, reads at prepare and writes at commit, when to commit, and the reply.
 *
 * Covered: MSET, MSETNX, SMOVE. Every other multi-key command whose keys span shards still
 * answers CROSSSLOT (never silently non-atomic).
 */
import { text, type Arg } from "../durable-objects/args";
import { Errors } from "../durable-objects/errors";
import { err, isError, OK, type Reply } from "../durable-objects/reply";
import type { TxPart } from "./cross-shard";
import { shardOf } from "./slot";

export interface CrossCommand {
  parts: TxPart[];
  shouldCommit(reads: Reply[][]): boolean;
  reply(reads: Reply[][], committed: boolean): Reply;
}

type Planner = (argv: Arg[], shards: number) => CrossCommand | { error: string };

/** MSET / MSETNX: each shard's pairs are one MSET; MSETNX first reads EXISTS of every key. */
function msetPlanner(onlyIfNoneExist: boolean): Planner {
  return (argv, shards) => {
    if (argv.length % 2 === 0) return { error: Errors.wrongArity(onlyIfNoneExist ? "msetnx" : "mset") };
    const byShard = new Map<number, { keys: string[]; pairs: Arg[] }>();
    for (let i = 1; i < argv.length; i += 2) {
      const key = text(argv[i]!);
      const s = shardOf(key, shards);
      let part = byShard.get(s);
      if (!part) byShard.set(s, (part = { keys: [], pairs: [] }));
      part.keys.push(key);
      part.pairs.push(argv[i]!, argv[i + 1]!);
    }
    const parts: TxPart[] = [...byShard].map(([shard, { keys, pairs }]) => ({
      shard,
      keys,
      reads: onlyIfNoneExist ? [["EXISTS", ...keys]] : [],
      writes: [["MSET", ...pairs]],
    }));
    if (!onlyIfNoneExist) return { parts, shouldCommit: () => true, reply: () => OK };
    return {
      parts,
      shouldCommit: (reads) => reads.every((r) => r[0] === 0),
      reply: (_, committed) => (committed ? 1 : 0),
    };
  };
}

/** SMOVE source destination member: reads both types and membership (a missing source is 0 before any type check, as Redis); SREM + SADD. */
const smovePlanner: Planner = (argv, shards) => {
  const [src, dst, member] = [argv[1]!, argv[2]!, argv[3]!];
  const srcShard = shardOf(text(src), shards);
  const dstShard = shardOf(text(dst), shards);
  const parts: TxPart[] = [
    { shard: srcShard, keys: [text(src)], reads: [["TYPE", src], ["SISMEMBER", src, member]], writes: [["SREM", src, member]] },
    { shard: dstShard, keys: [text(dst)], reads: [["TYPE", dst]], writes: [["SADD", dst, member]] },
  ];
  const typeOf = (r: Reply | undefined) => (r && typeof r === "object" && "status" in r ? r.status : "");
  const check = (reads: Reply[][]): Reply => {
    const srcType = typeOf(reads[0]![0]);
    const dstType = typeOf(reads[1]![0]);
    if (srcType === "none") return 0;
    if (srcType !== "set" || (dstType !== "set" && dstType !== "none")) return err(Errors.wrongType);
    const member = reads[0]![1]!;
    if (isError(member)) return member;
    return member === 1 ? 1 : 0;
  };
  return { parts, shouldCommit: (reads) => check(reads) === 1, reply: (reads) => check(reads) };
};

const PLANNERS: Record<string, Planner> = {
  mset: msetPlanner(false),
  msetnx: msetPlanner(true),
  smove: smovePlanner,
};

/** The cross-shard plan of `name` over keys on several shards, or null when it has none (CROSSSLOT). */
export function planCross(name: string, argv: Arg[], shards: number): CrossCommand | { error: string } | null {
  const planner = PLANNERS[name];
  return planner ? planner(argv, shards) : null;
}
