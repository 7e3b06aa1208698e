/**
 * Keyspace-wide commands whose replies need more than a sum or a concatenation to merge over
 * every shard (`all` cluster modes `scan`, `random`, `info`): SCAN's cursor over shards,
 * RANDOMKEY's pick of a shard, INFO's combined figures (merge-info.ts, with SLOWLOG GET's). Outside a transaction each runs its own
 * round trips; inside one (transaction.ts) every shard's reply is computed at commit and the
 * pure merges here (mergeScan, mergeRandomKey, mergeInfo) combine them.
 */
import { text, type Arg } from "../durable-objects/args";
import { Errors } from "../durable-objects/errors";
import { err, isError, type Reply } from "../durable-objects/reply";
import type { ExecOptions, ShardExec } from "./execute";
import { mergeInfo } from "./merge-info";

export { mergeInfo };

/** A SCAN over every shard, planned from its cursor: where it starts and how many keys it wants. */
export interface ScanAcross {
  argv: Arg[];
  shards: number;
  /** The cursor's shard and position within it. */
  shard: number;
  position: bigint;
  count: number;
  /** Reply entries per key: 2 with WITHTYPE (the key, then its type), else 1. */
  perKey: number;
}

/**
 * The cursor packs (position within shard, shard): `cursor = position * shards + shard`, so 0
 * is the start and the end. Each shard scans in key-id order, so a key present throughout the
 * scan is returned exactly once. An invalid cursor is the command's error.
 */
export function planScan(argv: Arg[], shards: number): ScanAcross | { error: string } {
  const cursorText = text(argv[1]!);
  if (!/^[0-9]+$/.test(cursorText) || BigInt(cursorText) > 2n ** 64n - 1n) return { error: Errors.invalidCursor };
  const cursor = BigInt(cursorText);
  const n = BigInt(shards);
  const perKey = argv.slice(2).some((a) => text(a).toUpperCase() === "WITHTYPE") ? 2 : 1;
  return { argv, shards, shard: Number(cursor % n), position: cursor / n, count: countOption(argv), perKey };
}

/** The SCAN that shard `shard` runs: the cursor's shard from its position, later shards from 0. */
export function scanArgv(scan: ScanAcross, shard: number): Arg[] {
  const position = shard === scan.shard ? scan.position : 0n;
  return [scan.argv[0]!, String(position), ...scan.argv.slice(2)];
}

/**
 * One shard's reply in the walk from the cursor's shard upwards (`keys` gathers what was found):
 * the merged reply when the walk ends at this shard, or null to go on to the next one.
 */
export function scanStep(scan: ScanAcross, shard: number, reply: Reply, keys: Reply[]): Reply | null {
  if (isError(reply)) return reply;
  const [next, found] = reply as [string, Reply[]];
  keys.push(...found);
  const nextPos = BigInt(next);
  if (nextPos !== 0n) return [String(nextPos * BigInt(scan.shards) + BigInt(shard)), keys];
  if (shard + 1 >= scan.shards) return ["0", keys];
  if (keys.length >= scan.count * scan.perKey) return [String(shard + 1), keys];
  return null;
}

/** The merged reply from every shard's precomputed reply (`replies[s]`: shard s's, from the cursor's shard on). */
export function mergeScan(scan: ScanAcross, replies: Reply[]): Reply {
  const keys: Reply[] = [];
  for (let shard = scan.shard; ; shard++) {
    const merged = scanStep(scan, shard, replies[shard]!, keys);
    if (merged !== null) return merged;
  }
}

/** SCAN over all shards, one shard at a time from the cursor's, until enough keys are found. */
export async function scanAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const scan = planScan(argv, opts.shards);
  if ("error" in scan) return err(scan.error);
  const keys: Reply[] = [];
  for (let shard = scan.shard; ; shard++) {
    const [reply] = await exec(shard, [scanArgv(scan, shard)]);
    const merged = scanStep(scan, shard, reply!, keys);
    if (merged !== null) return merged;
  }
}

/** SCAN's COUNT: the last one given counts, as Redis parses its options in order (10 without one). */
function countOption(argv: Arg[]): number {
  let count = 10;
  for (let i = 2; i + 1 < argv.length; i += 2) {
    const opt = text(argv[i]!).toUpperCase();
    if (opt === "WITHTYPE") i--;
    else if (opt === "COUNT") {
      const c = Number(text(argv[i + 1]!));
      if (Number.isFinite(c) && c > 0) count = c;
    }
  }
  return count;
}

export async function randomKeyAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const order = Array.from({ length: opts.shards }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const shard of order) {
    const [reply] = await exec(shard, [argv]);
    if (reply !== null) return reply!;
  }
  return null;
}

/** RANDOMKEY from every shard's reply: an error if one answered one, else a random non-null reply (null when all are). */
export function mergeRandomKey(replies: Reply[]): Reply {
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  const found = replies.filter((r) => r !== null);
  return found.length === 0 ? null : found[Math.floor(Math.random() * found.length)]!;
}

/** INFO over every shard in one round trip, merged (merge-info.ts). */
export async function infoAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const replies = await Promise.all(Array.from({ length: opts.shards }, (_, s) => exec(s, [argv]).then((r) => r[0]!)));
  return mergeInfo(replies, opts.shards);
}
