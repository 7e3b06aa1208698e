/**
 * Multi-key commands whose atomicity Redis guarantees, planned as cross-shard transactions when
 * their keys span shards (worker/cross-shard.ts runs them). Each planner says what every
 * participant locks, reads at prepare and writes at commit. When to commit and the reply are
 * not decided here: the command's own rule beside its shard handler (msetOutcome, smoveOutcome,
 * lmoveOutcome, renameOutcome, copyOutcome; durable-objects/commands/outcome.ts) is called with
 * the participants' reads, as the handler calls it with its own, so both paths answer alike.
 * Argument parsing is the handler's too (msetPairs, parseMoveEnds, parseCopyOptions).
 *
 * Covered: MSET, MSETNX, SMOVE, LMOVE, RPOPLPUSH; RENAME, RENAMENX and COPY (without DB) of a
 * string key or a JSON document. RENAME/RENAMENX/COPY of a collection fall back to gather, run, scatter
 * (cross-gathered.ts, which also covers scripts, *STORE, set and zset algebra, LMPOP, ZMPOP and
 * LCS). Whatever has neither plan still answers CROSSSLOT (never silently non-atomic).
 */
import { text, type Arg } from "../durable-objects/args";
import { copyNamesDb, copyOutcome, parseCopyOptions, renameOutcome } from "../durable-objects/commands/keyspace";
import { lmoveOutcome, parseMoveEnds } from "../durable-objects/commands/lists";
import { typeRead, type Outcome } from "../durable-objects/commands/outcome";
import { smoveOutcome } from "../durable-objects/commands/sets";
import { msetOutcome, msetPairs } from "../durable-objects/commands/strings";
import { Errors } from "../durable-objects/errors";
import { Notify } from "../durable-objects/pubsub/notify";
import { encodePayload } from "../durable-objects/rdb/dump";
import { jsonType } from "../durable-objects/rdb/types/json";
import { CommandError, err, type Reply } from "../durable-objects/reply";
import type { End } from "../durable-objects/store/lists";
import type { CrossPlanner } from "../durable-objects/table";
import type { Between, TxBackend, TxPart } from "./cross-shard";
import { shardOf } from "./slot";

export interface CrossCommand {
  parts: TxPart[];
  shouldCommit(reads: Reply[][]): boolean;
  /** The reply; a gathered transaction's PUBLISH entries come from `replies`, its parts' commit replies. */
  reply(reads: Reply[][], committed: boolean, replies?: (Reply[] | null)[]): Reply;
  /** Gather, run, scatter (cross-gathered.ts): runs between prepare and the decision. */
  between?: (backend: TxBackend) => Between;
  /** Run instead when this plan answers CROSSSLOT (RENAME of a collection: gathered). */
  fallback?: CrossCommand;
}

/** A plan, a command error, or null when this form has no cross-shard plan (CROSSSLOT). */
type Planner = (argv: Arg[], shards: number) => CrossCommand | { error: string } | null;

/**
 * A plan that commits exactly when the command's own rule (`decide`, over the participants'
 * reads) says to write, and answers what it says.
 */
function decided(parts: TxPart[], decide: (reads: Reply[][]) => Outcome): CrossCommand {
  return { parts, shouldCommit: (reads) => decide(reads).write, reply: (reads) => decide(reads).reply };
}

/** A planner whose argument parsing is the command's own: what it throws is the command's reply. */
function parsing(plan: Planner): Planner {
  return (argv, shards) => {
    try {
      return plan(argv, shards);
    } catch (e) {
      if (e instanceof CommandError) return { error: e.reply };
      throw e;
    }
  };
}

const encoder = new TextEncoder();

const isElement = (r: Reply | undefined): r is Uint8Array | string => typeof r === "string" || r instanceof Uint8Array;

/** MSET / MSETNX: each shard's pairs are one MSET; MSETNX first reads EXISTS of every key (msetOutcome decides). */
function msetPlanner(onlyIfNoneExist: boolean): Planner {
  return parsing((argv, shards) => {
    const byShard = new Map<number, { keys: string[]; pairs: Arg[] }>();
    for (const [k, v] of msetPairs(argv, onlyIfNoneExist)) {
      const key = text(k);
      const s = shardOf(key, shards);
      let part = byShard.get(s);
      if (!part) byShard.set(s, (part = { keys: [], pairs: [] }));
      part.keys.push(key);
      part.pairs.push(k, v);
    }
    const parts: TxPart[] = [...byShard].map(([shard, { keys, pairs }]) => ({
      shard,
      keys,
      reads: onlyIfNoneExist ? [["EXISTS", ...keys]] : [],
      writes: [["MSET", ...pairs]],
    }));
    return decided(parts, (reads) => msetOutcome(onlyIfNoneExist, onlyIfNoneExist && !reads.every((r) => r[0] === 0)));
  });
}

/** SMOVE source destination member: reads both types and membership (smoveOutcome decides); SREM + SADD. */
const smovePlanner: Planner = (argv, shards) => {
  const [src, dst, member] = [argv[1]!, argv[2]!, argv[3]!];
  const parts: TxPart[] = [
    { shard: shardOf(text(src), shards), keys: [text(src)], reads: [["TYPE", src], ["SISMEMBER", src, member]], writes: [["SREM", src, member]] },
    { shard: shardOf(text(dst), shards), keys: [text(dst)], reads: [["TYPE", dst]], writes: [["SADD", dst, member]] },
  ];
  return decided(parts, (reads) =>
    smoveOutcome({
      source: typeRead(reads[0]![0]),
      destination: typeRead(reads[1]![0]),
      sameKey: text(src) === text(dst),
      isMember: reads[0]![1] === 1,
    }),
  );
};

/**
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT / RPOPLPUSH source destination: the source
 * reads its type and the end element and pops it at commit; the destination, prepared after
 * it, reads its type and pushes that element (lmoveOutcome decides).
 */
function lmovePlanner(fixed?: [End, End]): Planner {
  return parsing((argv, shards) => {
    const [from, to] = fixed ?? parseMoveEnds(argv);
    const [src, dst] = [argv[1]!, argv[2]!];
    const parts: TxPart[] = [
      {
        shard: shardOf(text(src), shards),
        keys: [text(src)],
        reads: [["TYPE", src], ["LINDEX", src, from === "left" ? "0" : "-1"]],
        writes: [[from === "left" ? "LPOP" : "RPOP", src]],
      },
      {
        shard: shardOf(text(dst), shards),
        keys: [text(dst)],
        reads: [["TYPE", dst]],
        writes: [],
        writesFrom: (earlier) => {
          const element = earlier[0]?.[1];
          return isElement(element) ? [[to === "left" ? "LPUSH" : "RPUSH", dst, element]] : [];
        },
      },
    ];
    return decided(parts, (reads) => {
      const element = reads[0]![1];
      return lmoveOutcome({ source: typeRead(reads[0]![0]), destination: typeRead(reads[1]![0]), element: isElement(element) ? element : null });
    });
  });
}

/**
 * RENAME / RENAMENX / COPY [REPLACE] of a string key or a JSON document: the source reads its
 * type, value (GET; JSON.GET for a document) and absolute expiry (and is deleted at commit unless
 * copied); the destination, prepared after it, reads whether it exists and is overwritten with
 * the value and expiry (a document as RESTORE … REPLACE of its DUMP payload, built here from
 * the text, so any document the source holds is taken whole). renameOutcome and
 * copyOutcome decide; when they say to move a collection, which these reads cannot carry, the
 * plan answers CROSSSLOT and the command runs gathered (its fallback) instead. COPY … DB is
 * not planned (CROSSSLOT).
 */
function movePlanner(kind: "rename" | "renamenx" | "copy"): Planner {
  return (argv, shards) => {
    if (kind === "copy" && copyNamesDb(argv)) return null;
    let replace = false;
    if (kind === "copy") {
      // An option error is answered by the handler itself, run gathered (planGathered).
      try {
        replace = parseCopyOptions(argv).replace;
      } catch (e) {
        if (e instanceof CommandError) return null;
        throw e;
      }
    }
    const [src, dst] = [argv[1]!, argv[2]!];
    const parts: TxPart[] = [
      {
        shard: shardOf(text(src), shards),
        keys: [text(src)],
        reads: [["TYPE", src], ["GET", src], ["PEXPIRETIME", src], ["JSON.GET", src]],
        writes: kind === "copy" ? [] : [["DEL", src]],
        // The command's own events, as its handler raises them on one shard: rename_from here, new and rename_to (copy_to) there.
        ...(kind === "copy" ? {} : { events: [[Notify.Generic, "rename_from", text(src)]] }),
      },
      {
        shard: shardOf(text(dst), shards),
        keys: [text(dst)],
        reads: [["EXISTS", dst]],
        writes: [],
        events: [
          [Notify.New, "new", text(dst)],
          [Notify.Generic, kind === "copy" ? "copy_to" : "rename_to", text(dst)],
        ],
        writesFrom: (earlier) => {
          const [type, value, expireAt, doc] = earlier[0] ?? [];
          const at = Number(expireAt);
          if (typeRead(type) === "ReJSON-RL" && isElement(doc)) {
            const payload = encodePayload(jsonType, { text: typeof doc === "string" ? encoder.encode(doc) : doc });
            return [at >= 0 ? ["RESTORE", dst, String(expireAt), payload, "REPLACE", "ABSTTL"] : ["RESTORE", dst, "0", payload, "REPLACE"]];
          }
          if (!isElement(value)) return [];
          return [at >= 0 ? ["SET", dst, value, "PXAT", String(expireAt)] : ["SET", dst, value]];
        },
      },
    ];
    return decided(parts, (reads) => {
      const source = typeRead(reads[0]![0]);
      const observed = { source, destinationExists: reads[1]![0] !== 0, sameKey: text(src) === text(dst) };
      const outcome = kind === "copy" ? copyOutcome(replace, observed) : renameOutcome(kind === "renamenx", observed);
      return outcome.write && source !== "string" && source !== "ReJSON-RL" ? { reply: err(Errors.crossSlot), write: false } : outcome;
    });
  };
}

/** The planners by the name an entry's cluster mode declares (`{ kind: "cross", planner }`, durable-objects/table.ts). */
const PLANNERS: Record<CrossPlanner, Planner> = {
  mset: msetPlanner(false),
  msetnx: msetPlanner(true),
  smove: smovePlanner,
  lmove: lmovePlanner(),
  rpoplpush: lmovePlanner(["right", "left"]),
  rename: movePlanner("rename"),
  renamenx: movePlanner("renamenx"),
  copy: movePlanner("copy"),
};

/** The cross-shard plan of `argv` by `planner` over keys on several shards, or null when this form has none. */
export function planCross(planner: CrossPlanner, argv: Arg[], shards: number): CrossCommand | { error: string } | null {
  return PLANNERS[planner](argv, shards);
}
