/**
 * Multi-key commands whose atomicity Redis guarantees, planned as cross-shard transactions when
 * their keys span shards (worker/cross-shard.ts runs them). Each planner says what every
 * participant locks, reads at prepare and writes at commit, when to commit, and the reply.
 *
 * Covered: MSET, MSETNX, SMOVE, LMOVE, RPOPLPUSH; RENAME, RENAMENX and COPY (without DB) of a
 * string key. RENAME/RENAMENX/COPY of a collection fall back to gather, run, scatter
 * (cross-gathered.ts, which also covers scripts, *STORE, set and zset algebra, LMPOP, ZMPOP and
 * LCS). Whatever has neither plan still answers CROSSSLOT (never silently non-atomic).
 */
import { text, type Arg } from "../durable-objects/args";
import { Errors } from "../durable-objects/errors";
import { err, isError, OK, type Reply } from "../durable-objects/reply";
import type { CrossPlanner } from "../durable-objects/table";
import type { Between, TxBackend, TxPart } from "./cross-shard";
import { shardOf } from "./slot";

export interface CrossCommand {
  parts: TxPart[];
  shouldCommit(reads: Reply[][]): boolean;
  reply(reads: Reply[][], committed: boolean): Reply;
  /** Gather, run, scatter (cross-gathered.ts): runs between prepare and the decision. */
  between?: (backend: TxBackend) => Between;
  /** Run instead when this plan answers CROSSSLOT (RENAME of a collection: gathered). */
  fallback?: CrossCommand;
}

/** A plan, a command error, or null when this form has no cross-shard plan (CROSSSLOT). */
type Planner = (argv: Arg[], shards: number) => CrossCommand | { error: string } | null;

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

function typeOf(r: Reply | undefined): string {
  return r && typeof r === "object" && "status" in r ? r.status : "";
}

/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT / RPOPLPUSH source destination: the source
 * reads its type and the end element and pops it at commit; the destination, prepared after
 * it, reads its type and pushes that element. A missing source is nil before the destination's
 * type is checked, as Redis.
 */
function lmovePlanner(fixed?: [string, string]): Planner {
  return (argv, shards) => {
    const from = fixed ? fixed[0] : text(argv[3]!).toUpperCase();
    const to = fixed ? fixed[1] : text(argv[4]!).toUpperCase();
    if ((from !== "LEFT" && from !== "RIGHT") || (to !== "LEFT" && to !== "RIGHT")) return { error: Errors.syntax };
    const [src, dst] = [argv[1]!, argv[2]!];
    const parts: TxPart[] = [
      {
        shard: shardOf(text(src), shards),
        keys: [text(src)],
        reads: [["TYPE", src], ["LINDEX", src, from === "LEFT" ? "0" : "-1"]],
        writes: [[from === "LEFT" ? "LPOP" : "RPOP", src]],
      },
      {
        shard: shardOf(text(dst), shards),
        keys: [text(dst)],
        reads: [["TYPE", dst]],
        writes: [],
        writesFrom: (earlier) => {
          const element = earlier[0]?.[1];
          return typeof element === "string" || element instanceof Uint8Array ? [[to === "LEFT" ? "LPUSH" : "RPUSH", dst, element]] : [];
        },
      },
    ];
    const check = (reads: Reply[][]): Reply => {
      const srcType = typeOf(reads[0]![0]);
      if (srcType === "none") return null;
      if (srcType !== "list") return err(Errors.wrongType);
      const dstType = typeOf(reads[1]![0]);
      if (dstType !== "list" && dstType !== "none") return err(Errors.wrongType);
      return reads[0]![1]!;
    };
    return {
      parts,
      shouldCommit: (reads) => {
        const r = check(reads);
        return r !== null && !isError(r);
      },
      reply: (reads) => check(reads),
    };
  };
}

/**
 * RENAME / RENAMENX / COPY [REPLACE] of a string key: the source reads its type, value and
 * absolute expiry (and is deleted at commit unless copied); the destination, prepared after it,
 * reads whether it exists and is overwritten with the value and expiry.
 */
function movePlanner(kind: "rename" | "renamenx" | "copy"): Planner {
  return (argv, shards) => {
    let replace = kind === "rename";
    if (kind === "copy") {
      if (argv.length > 4 || (argv.length === 4 && text(argv[3]!).toUpperCase() !== "REPLACE")) return null;
      replace = argv.length === 4;
    }
    const [src, dst] = [argv[1]!, argv[2]!];
    const parts: TxPart[] = [
      {
        shard: shardOf(text(src), shards),
        keys: [text(src)],
        reads: [["TYPE", src], ["GET", src], ["PEXPIRETIME", src]],
        writes: kind === "copy" ? [] : [["DEL", src]],
      },
      {
        shard: shardOf(text(dst), shards),
        keys: [text(dst)],
        reads: [["EXISTS", dst]],
        writes: [],
        writesFrom: (earlier) => {
          const [, value, expireAt] = earlier[0] ?? [];
          if (typeof value !== "string" && !(value instanceof Uint8Array)) return [];
          const at = Number(expireAt);
          return [at >= 0 ? ["SET", dst, value, "PXAT", String(expireAt)] : ["SET", dst, value]];
        },
      },
    ];
    const check = (reads: Reply[][]): Reply => {
      const srcType = typeOf(reads[0]![0]);
      if (srcType === "none") return kind === "copy" ? 0 : err(Errors.noSuchKey);
      if (srcType !== "string") return err(Errors.crossSlot);
      if (!replace && reads[1]![0] !== 0) return 0;
      return kind === "rename" ? OK : 1;
    };
    return {
      parts,
      shouldCommit: (reads) => {
        const r = check(reads);
        return r === OK || r === 1;
      },
      reply: (reads) => check(reads),
    };
  };
}

/** The planners by the name an entry's cluster mode declares (`{ kind: "cross", planner }`, durable-objects/table.ts). */
const PLANNERS: Record<CrossPlanner, Planner> = {
  mset: msetPlanner(false),
  msetnx: msetPlanner(true),
  smove: smovePlanner,
  lmove: lmovePlanner(),
  rpoplpush: lmovePlanner(["RIGHT", "LEFT"]),
  rename: movePlanner("rename"),
  renamenx: movePlanner("renamenx"),
  copy: movePlanner("copy"),
};

/** The cross-shard plan of `argv` by `planner` over keys on several shards, or null when this form has none. */
export function planCross(planner: CrossPlanner, argv: Arg[], shards: number): CrossCommand | { error: string } | null {
  return PLANNERS[planner](argv, shards);
}
