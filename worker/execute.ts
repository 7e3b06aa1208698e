/**
 * From commands to shards and back: validation from the command table, key → slot → shard,
 * per-shard batches run in parallel over RPC, replies merged and put back in request order.
 *
 * A pipeline is cut into segments at the few commands that need several sequential round
 * trips (SCAN, RANDOMKEY, INFO) or a cross-shard transaction (MSET, MSETNX, SMOVE over keys on
 * several shards, cross-commands.ts); within a segment each shard gets one RPC with its
 * commands in request order, so a pipeline reads its own writes. A transaction whose keys are
 * on one shard runs there in one RPC; across shards it runs as a cross-shard transaction
 * (cross-shard.ts), gathered as a whole when a command reads before it writes (cross-gathered.ts). It is refused as a whole (before anything runs) when a command is unknown,
 * has the wrong arity, or is a write under a read-only token.
 *
 * A batch that meets a key locked by a cross-shard transaction in progress is refused whole by
 * its shard (TRYAGAIN, nothing ran); the executor waits briefly and sends it again.
 */
import { text, type Arg } from "../durable-objects/args";
import { COMMANDS } from "../durable-objects/commands";
import { humanBytes } from "../durable-objects/commands/server";
import { Errors } from "../durable-objects/errors";
import { err, isError, type Reply } from "../durable-objects/reply";
import { validate, type CommandSpec } from "../durable-objects/table";
import { shardOf } from "./slot";
import { planCross, type CrossCommand } from "./cross-commands";
import { planGathered, planGatheredTransaction } from "./cross-gathered";
import { runCrossShard, type TxBackend, type TxOptions, type TxPart, type TxResult } from "./cross-shard";

/** How the executor reaches shard `i`: one RPC that runs a batch in order. */
export type ShardExec = (shard: number, batch: Arg[][]) => Promise<Reply[]>;

export interface ExecOptions {
  shards: number;
  readOnly: boolean;
  /** Cross-shard transactions; without it, multi-key work across shards answers CROSSSLOT. */
  tx?: TxBackend;
  txOptions?: TxOptions;
}

interface Part {
  shard: number;
  argv: Arg[];
}

/** One planned command: an error found before running, its parts on shards, or a special. */
type Plan =
  | { kind: "error"; error: string }
  | { kind: "parts"; parts: Part[]; merge: (replies: Reply[]) => Reply; everyShard?: true }
  | { kind: "special"; run: (exec: ShardExec) => Promise<Reply> }
  | { kind: "cross"; cross: CrossCommand };

/**
 * Keyless commands (PING, TIME, …) may run on any shard: inside a transaction they follow the
 * transaction's shard (FLOATING); elsewhere they run on shard 0.
 */
const FLOATING = -1;
const KEYLESS_SHARD = 0;

export function plan(argv: Arg[], opts: ExecOptions): Plan {
  const found = validate(COMMANDS, argv, { readOnly: opts.readOnly });
  if (!found.ok) return { kind: "error", error: found.error };
  const { spec, keys } = found;
  const mode = spec.cluster ?? { kind: "single" };
  switch (mode.kind) {
    case "fanout":
      return planFanout(spec, argv, keys, opts, mode.merge);
    case "all":
      return planAll(argv, opts, mode.merge);
    default:
      return planSingle(spec, argv, keys, opts);
  }
}

function planSingle(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions): Plan {
  const shard = keys.length === 0 ? FLOATING : shardOf(keys[0]!, opts.shards);
  for (let i = 1; i < keys.length; i++) {
    if (shardOf(keys[i]!, opts.shards) !== shard) return planAcross(spec, argv, keys, opts);
  }
  return { kind: "parts", parts: [{ shard, argv }], merge: (r) => r[0]! };
}

/**
 * A command whose keys span shards: what its entry's cluster mode declares — a cross-shard
 * transaction by its planner, gathered (run once over copies of its keys), or both (the
 * planner first, gathered when the planner answers CROSSSLOT); anything else is CROSSSLOT.
 */
function planAcross(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions): Plan {
  const mode = spec.cluster;
  if (!opts.tx || mode?.kind !== "cross") return { kind: "error", error: Errors.crossSlot };
  const gathered = () => (mode.gather ? planGathered(argv, keys, opts.shards) : null);
  const cross = (mode.planner ? planCross(mode.planner, argv, opts.shards) : null) ?? gathered();
  if (!cross) return { kind: "error", error: Errors.crossSlot };
  if ("error" in cross) return { kind: "error", error: cross.error };
  if (!cross.between) cross.fallback = gathered() ?? undefined;
  return { kind: "cross", cross };
}

/** MGET, DEL, EXISTS, …: the same command on each shard's share of the keys, merged. */
function planFanout(spec: CommandSpec, argv: Arg[], keys: string[], opts: ExecOptions, merge: "sum" | "concat"): Plan {
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
    argv: [argv[0]!, ...keyPositions.map((k) => keys[k]!)],
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

function sumReplies(replies: Reply[]): Reply {
  let total = 0;
  for (const r of replies) {
    if (isError(r)) return r;
    total += Number(r);
  }
  return total;
}

/** Keyspace-wide commands: every shard, merged. */
function planAll(argv: Arg[], opts: ExecOptions, merge: "sum" | "concat" | "ok" | "scan" | "random" | "info"): Plan {
  if (opts.shards === 1) return { kind: "parts", parts: [{ shard: 0, argv }], merge: (r) => r[0]! };
  if (merge === "scan") return { kind: "special", run: (exec) => scanAcrossShards(argv, opts, exec) };
  if (merge === "random") return { kind: "special", run: (exec) => randomKeyAcrossShards(argv, opts, exec) };
  if (merge === "info") return { kind: "special", run: (exec) => infoAcrossShards(argv, opts, exec) };
  const parts = Array.from({ length: opts.shards }, (_, shard) => ({ shard, argv }));
  const mergeFn = (replies: Reply[]): Reply => {
    const firstError = replies.find(isError);
    if (firstError) return firstError;
    if (merge === "sum") return sumReplies(replies);
    if (merge === "concat") return (replies as Reply[][]).flat();
    return replies[0]!;
  };
  return { kind: "parts", parts, merge: mergeFn, everyShard: true };
}

/**
 * SCAN over all shards. The cursor packs (position within shard, shard):
 * `cursor = position * shards + shard`, so 0 is the start and the end. Each shard scans in
 * key-id order, so a key present throughout the scan is returned exactly once.
 */
async function scanAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const cursorText = text(argv[1]!);
  if (!/^[0-9]+$/.test(cursorText) || BigInt(cursorText) > 2n ** 64n - 1n) return err(Errors.invalidCursor);
  const n = BigInt(opts.shards);
  const cursor = BigInt(cursorText);
  let shard = Number(cursor % n);
  let position = cursor / n;
  const count = countOption(argv);
  const keys: Reply[] = [];
  for (;;) {
    const [reply] = await exec(shard, [[argv[0]!, String(position), ...argv.slice(2)]]);
    if (isError(reply!)) return reply!;
    const [next, found] = reply as [string, Reply[]];
    keys.push(...found);
    const nextPos = BigInt(next);
    if (nextPos !== 0n) return [String(nextPos * n + BigInt(shard)), keys];
    shard++;
    position = 0n;
    if (shard >= opts.shards) return ["0", keys];
    if (keys.length >= count) return [String(shard), keys];
  }
}

function countOption(argv: Arg[]): number {
  for (let i = 2; i + 1 < argv.length; i += 2) {
    if (text(argv[i]!).toUpperCase() === "COUNT") {
      const c = Number(text(argv[i + 1]!));
      if (Number.isFinite(c) && c > 0) return c;
    }
  }
  return 10;
}

async function randomKeyAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
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

/**
 * INFO: shard 0's sections, with the per-shard figures combined: keyspace counts and
 * used_memory summed, avg_ttl weighted by each shard's keys with an expiry.
 */
async function infoAcrossShards(argv: Arg[], opts: ExecOptions, exec: ShardExec): Promise<Reply> {
  const replies = await Promise.all(Array.from({ length: opts.shards }, (_, s) => exec(s, [argv]).then((r) => r[0]!)));
  const firstError = replies.find(isError);
  if (firstError) return firstError;
  const texts = replies.map((r) => (typeof r === "string" ? r : r instanceof Uint8Array ? new TextDecoder().decode(r) : ""));
  let keys = 0;
  let expires = 0;
  let ttlSum = 0;
  let memory = 0;
  for (const t of texts) {
    const m = /^db0:keys=(\d+),expires=(\d+),avg_ttl=(\d+)/m.exec(t);
    if (m) {
      keys += Number(m[1]);
      expires += Number(m[2]);
      ttlSum += Number(m[2]) * Number(m[3]);
    }
    memory += Number(/^used_memory:(\d+)/m.exec(t)?.[1] ?? 0);
  }
  const db0 = `db0:keys=${keys},expires=${expires},avg_ttl=${expires > 0 ? Math.round(ttlSum / expires) : 0}`;
  let merged = texts[0]!.replace(/^db0:.*\r\n/m, "");
  if (keys > 0) merged = merged.replace(/# Keyspace\r\n/, `# Keyspace\r\n${db0}\r\n`);
  merged = merged.replace(/^used_memory:\d+/m, `used_memory:${memory}`);
  merged = merged.replace(/^used_memory_human:.*$/m, `used_memory_human:${humanBytes(memory)}`);
  return merged.replace(/^shards:\d+/m, `shards:${opts.shards}`);
}

/** Runs a pipeline: one reply per command, in request order; never throws for a shard fault. */
export async function runPipeline(cmds: Arg[][], opts: ExecOptions, shardExec: ShardExec): Promise<Reply[]> {
  const exec = retryingLocked(shardExec);
  const plans = cmds.map((c) => plan(c, opts));
  const out: Reply[] = new Array(cmds.length);
  let i = 0;
  while (i < plans.length) {
    let j = i;
    while (j < plans.length && plans[j]!.kind !== "special" && plans[j]!.kind !== "cross") j++;
    await runSegment(plans, i, j, out, exec);
    if (j < plans.length) {
      const p = plans[j]!;
      if (p.kind === "special") out[j] = await p.run(guarded(exec));
      else if (p.kind === "cross") out[j] = await runCrossCommand(p.cross, opts);
      j++;
    }
    i = j;
  }
  return out;
}

async function runSegment(plans: Plan[], from: number, to: number, out: Reply[], exec: ShardExec): Promise<void> {
  const batches = new Map<number, Arg[][]>();
  const where: { shard: number; index: number }[][] = [];
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind === "error") {
      out[c] = err(p.error);
      continue;
    }
    if (p.kind !== "parts") continue;
    where[c] = p.parts.map(({ shard: s, argv }) => {
      const shard = s === FLOATING ? KEYLESS_SHARD : s;
      let batch = batches.get(shard);
      if (!batch) batches.set(shard, (batch = []));
      batch.push(argv);
      return { shard, index: batch.length - 1 };
    });
  }
  const results = new Map<number, Reply[]>();
  const run = guarded(exec);
  await Promise.all([...batches].map(async ([shard, batch]) => results.set(shard, await run(shard, batch))));
  for (let c = from; c < to; c++) {
    const p = plans[c]!;
    if (p.kind !== "parts") continue;
    out[c] = p.merge(where[c]!.map(({ shard, index }) => results.get(shard)![index]!));
  }
}

/** One multi-key command over several shards, as a cross-shard transaction. */
async function runCrossCommand(cross: CrossCommand, opts: ExecOptions): Promise<Reply> {
  const result = await runCrossShard(cross.parts, cross.shouldCommit, opts.tx!, opts.txOptions, cross.between?.(opts.tx!));
  switch (result.status) {
    case "committed":
      return cross.reply(result.reads, true);
    case "aborted": {
      const reply = cross.reply(result.reads, false);
      if (cross.fallback && isError(reply) && reply.error === Errors.crossSlot) return runCrossCommand(cross.fallback, opts);
      return reply;
    }
    default:
      return err(txFailure(result));
  }
}

function txFailure(result: Exclude<TxResult, { status: "committed" } | { status: "aborted" }>): string {
  if (result.status === "busy") return Errors.txBusy;
  if (result.status === "unknown") return Errors.txOutcomeUnknown;
  return `ERR cross-shard transaction failed: ${result.error}`;
}

const LOCK_RETRY_MS = [2, 4, 8, 16, 32, 64, 128, 256, 512];

/** A batch refused because a key is locked (nothing ran) is sent again after a short wait. */
export function retryingLocked(exec: ShardExec): ShardExec {
  return async (shard, batch) => {
    let replies = await exec(shard, batch);
    for (const wait of LOCK_RETRY_MS) {
      if (!refusedAsLocked(replies)) break;
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
      replies = await exec(shard, batch);
    }
    return replies;
  };
}

/** Only a batch refused whole (every reply TRYAGAIN: nothing ran, or was rolled back) may be sent again. */
function refusedAsLocked(replies: Reply[]): boolean {
  return replies.length > 0 && replies.every((r) => isError(r) && r.error === Errors.txLocked);
}

/** A shard that cannot be reached answers an error reply for each of its commands. */
function guarded(exec: ShardExec): ShardExec {
  return async (shard, batch) => {
    try {
      return await exec(shard, batch);
    } catch (e) {
      const message = `ERR shard ${shard} unavailable: ${e instanceof Error ? e.message : String(e)}`;
      return batch.map(() => err(message));
    }
  };
}

export type TransactionResult = { ok: true; replies: Reply[] } | { ok: false; error: string };

/**
 * Runs a transaction atomically: in one RPC on the one shard that owns all its keys, or as a
 * cross-shard transaction over the shards that own them. Refused whole, before anything runs,
 * for a command error, or CROSSSLOT for what cannot join a cross-shard transaction (SCAN and
 * other keyspace-wide commands, and multi-key commands that must read before they write).
 */
export async function runTransaction(cmds: Arg[][], opts: ExecOptions, shardExec: ShardExec): Promise<TransactionResult> {
  const exec = retryingLocked(shardExec);
  const plans = cmds.map((c) => plan(c, opts));
  const shards = new Set<number>();
  let gather = false;
  // A command error discards the transaction (EXECABORT) before anything about where it runs.
  const refused = plans.find((p) => p.kind === "error");
  if (refused) return { ok: false, error: `${Errors.execAbortPrefix} ${refused.error}` };
  for (const p of plans) {
    if (p.kind === "error") continue;
    if (p.kind === "special") return { ok: false, error: Errors.crossSlot };
    if (p.kind === "cross") {
      if (p.cross.between || p.cross.parts.some((part) => part.reads.length > 0 || part.writes.length !== 1)) gather = true;
      for (const part of p.cross.parts) shards.add(part.shard);
      continue;
    }
    for (const part of p.parts) if (part.shard !== FLOATING) shards.add(part.shard);
    if (p.parts.length > 1 && p.everyShard) return { ok: false, error: Errors.crossSlot };
  }
  if (shards.size <= 1) {
    const only = shards.size === 0 ? KEYLESS_SHARD : [...shards][0]!;
    const replies = await exec(only, cmds);
    return { ok: true, replies: plans.map((p, i) => (p as Extract<Plan, { kind: "parts" }>).merge([replies[i]!])) };
  }
  if (!opts.tx) return { ok: false, error: Errors.crossSlot };
  if (gather) return runTransactionGathered(cmds, opts);
  return runTransactionAcross(plans as Exclude<Plan, { kind: "error" } | { kind: "special" }>[], opts, Math.min(...shards));
}

/** Each command's parts join their shard's batch (keyless ones the lowest shard's); replies are merged back. */
async function runTransactionAcross(
  plans: Exclude<Plan, { kind: "error" } | { kind: "special" }>[],
  opts: ExecOptions,
  keylessShard: number,
): Promise<TransactionResult> {
  const parts = new Map<number, TxPart>();
  const where: { shard: number; index: number }[][] = [];
  const add = (s: number, argv: Arg[]) => {
    const shard = s === FLOATING ? keylessShard : s;
    let part = parts.get(shard);
    if (!part) parts.set(shard, (part = { shard, keys: [], reads: [], writes: [] }));
    part.keys.push(...keysOf(argv));
    part.writes.push(argv);
    return { shard, index: part.writes.length - 1 };
  };
  plans.forEach((p, c) => {
    where[c] = p.kind === "cross" ? p.cross.parts.map((part) => add(part.shard, part.writes[0]!)) : p.parts.map((part) => add(part.shard, part.argv));
  });
  const list = [...parts.values()];
  const result = await runCrossShard(list, () => true, opts.tx!, opts.txOptions);
  if (result.status !== "committed") return { ok: false, error: txFailure(result as Exclude<TxResult, { status: "committed" } | { status: "aborted" }>) };
  const replies = new Map<number, Reply[] | null>(list.map((part, i) => [part.shard, result.replies[i]!]));
  return {
    ok: true,
    replies: plans.map((p, c) => {
      const got = where[c]!.map(({ shard, index }) => replies.get(shard)?.[index] ?? err(Errors.txReplyLost));
      const lost = got.find((r) => isError(r) && r.error === Errors.txReplyLost);
      if (lost) return lost;
      return p.kind === "cross" ? p.cross.reply([], true) : p.merge(got);
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
  const reply = cross.reply(result.reads, result.status === "committed");
  if (!Array.isArray(reply)) return { ok: false, error: reply !== null && isError(reply) ? reply.error : Errors.crossSlot };
  return { ok: true, replies: reply };
}

/** The keys of one command (for the locks of a cross-shard transaction). */
function keysOf(argv: Arg[]): string[] {
  const found = validate(COMMANDS, argv);
  return found.ok ? found.keys : [];
}
