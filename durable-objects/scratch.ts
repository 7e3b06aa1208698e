/**
 * Gather, run, scatter: a shard's side of a command whose keys span shards and that must run
 * once, over all of them (EVAL/FCALL, S*STORE, Z*STORE, SINTER…, LMPOP, LCS, RENAME/COPY of a
 * collection). docs/cross-shard-transactions.md has the protocol and its correctness argument.
 *
 * - gather: at prepare, under the transaction's locks, each participant dumps the keys it was
 *   asked for (`dumpKey`): type, absolute expiry, elements (and a hash's field expiries); a
 *   stream, with its groups, consumers and pending entries, as its DUMP payload. The dump reads
 *   in windows (a stream is measured in SQL first) and gives up with `tooLarge` past
 *   MAX_DUMP_ELEMENTS elements or MAX_DUMP_BYTES bytes, so a shard never loads a big
 *   collection whole for it.
 * - run: the home shard (`runScratch`) opens one SQLite transaction, writes the other shards'
 *   keys into its own keyspace from their dumps, runs the command with the shard's own handlers
 *   (a script may touch only its declared KEYS), dumps every key's new contents, and rolls the
 *   transaction back: nothing of the run stays on the home shard.
 * - scatter: each key's new contents go back to its own shard as ordinary write commands
 *   (`restoreCommands`; a stream's is RESTORE of its payload), staged under the still-held
 *   locks and applied at commit.
 */
import { bytes, text, type Arg } from "./args";
import { COMMANDS } from "./commands";
import type { ExecContext } from "./context";
import { dispatch } from "./dispatch";
import { dumpKey as payloadOf } from "./rdb/dump";
import { CommandError, isError, type Reply } from "./reply";
import { KeyType, type Keyspace } from "./store/keyspace";
import { streamByteCount, streamRowCount } from "./store/stream-snapshot";
import { findStream } from "./store/streams";

/** The most elements, and bytes, a key may hold to be moved between shards for one command. */
export const MAX_DUMP_ELEMENTS = 10_000;
export const MAX_DUMP_BYTES = 1 << 20;
/** The most bytes all the keys of one command may hold together. */
export const MAX_GATHERED_BYTES = 8 << 20;
/** Elements read per window while dumping, and per restoring command. */
const WINDOW = 500;
const CHUNK_BYTES = 256 * 1024;

type Bulk = string | Uint8Array;

/** A key's whole contents, as one shard hands it to another. */
export interface KeyDump {
  type: "string" | "hash" | "list" | "set" | "zset" | "json" | "stream";
  /** Absolute expiry in ms, or -1 for none. */
  expireAt: number;
  /** string: [value]; json: [its JSON text]; hash: field, value, …; list: elements in order; set: members; zset: member, score, …; stream: [its DUMP payload] */
  items: Bulk[];
  /** hash only: each field's absolute expiry in ms, or -1. */
  fieldExpireAt?: number[];
}

/** A dump, null for a missing key, or a refusal for a key above the caps. */
export type DumpResult = KeyDump | null | { tooLarge: true };

export interface ScratchRequest {
  /** One command, or a whole MULTI/EXEC transaction (each command's reply is an entry, as EXEC). */
  batch: Arg[][];
  /** Every key the commands may touch; their new contents are answered in this order. */
  keys: string[];
  /** The contents of the keys that live on other shards. */
  load: { key: string; dump: KeyDump | null }[];
}

export interface ScratchResult {
  replies: Reply[];
  after: DumpResult[];
  /** With notifications on: the keyspace events the commands raised (of the enabled classes), in order; each key's shard raises its own at commit. */
  events?: [type: number, event: string, key: string][];
  /** What the commands published (each answered 0 here), in order, with the index of the command that did: staged on the channels' homes. */
  published?: [command: number, channel: Uint8Array, message: Uint8Array, sharded: boolean][];
}

type Run = (argv: Arg[]) => Reply;

const sizeOf = (b: Bulk) => (typeof b === "string" ? b.length : b.byteLength);

function statusOf(r: Reply): string {
  return r !== null && typeof r === "object" && "status" in r ? r.status : "";
}

/**
 * A stream's DUMP payload (groups, consumers and pending entries included), or null when the
 * stream holds more than MAX_DUMP_ELEMENTS entries, groups, consumers and pending entries
 * together or MAX_DUMP_BYTES bytes: both measured in SQL before anything is read.
 */
function streamPayload(ks: Keyspace, key: string): Uint8Array | null {
  const row = ks.find(key);
  const s = row?.type === KeyType.Stream ? findStream(ks, key) : null;
  if (!row || !s) return null;
  const rows = streamRowCount(s, MAX_DUMP_ELEMENTS);
  if (rows > MAX_DUMP_ELEMENTS || streamByteCount(s, rows) > MAX_DUMP_BYTES) return null;
  try {
    const payload = payloadOf(ks, row);
    return payload && payload.byteLength <= MAX_DUMP_BYTES ? payload : null;
  } catch (e) {
    if (e instanceof CommandError) return null;
    throw e;
  }
}

/** The contents of `key` read with the shard's own read commands (a stream's through `ks`, its keyspace). */
export function dumpKey(run: Run, key: string, ks?: Keyspace): DumpResult {
  const type = statusOf(run(["TYPE", key]));
  if (type === "ReJSON-RL") {
    // A JSON document moves as its text, restored with JSON.SET at the root.
    const doc = run(["JSON.GET", key]) as string;
    if (sizeOf(doc) > MAX_DUMP_BYTES) return { tooLarge: true };
    return { type: "json", expireAt: Number(run(["PEXPIRETIME", key])), items: [doc] };
  }
  if (type === "stream") {
    const payload = ks ? streamPayload(ks, key) : null;
    return payload ? { type, expireAt: Number(run(["PEXPIRETIME", key])), items: [payload] } : { tooLarge: true };
  }
  if (type !== "string" && type !== "hash" && type !== "list" && type !== "set" && type !== "zset") return null;
  const expireAt = Number(run(["PEXPIRETIME", key]));
  const cardCommand = { string: "STRLEN", hash: "HLEN", list: "LLEN", set: "SCARD", zset: "ZCARD" }[type];
  const card = Number(run([cardCommand, key]));
  if (type === "string") {
    if (card > MAX_DUMP_BYTES) return { tooLarge: true };
    return { type, expireAt, items: [run(["GET", key]) as Bulk] };
  }
  if (card > MAX_DUMP_ELEMENTS) return { tooLarge: true };
  const items: Bulk[] = [];
  let size = 0;
  const take = (window: Reply): boolean => {
    for (const b of window as Bulk[]) {
      items.push(b);
      size += sizeOf(b);
    }
    return size <= MAX_DUMP_BYTES;
  };
  if (type === "list" || type === "zset") {
    for (let i = 0; i < card; i += WINDOW) {
      const window = type === "list" ? ["LRANGE", key, String(i), String(i + WINDOW - 1)] : ["ZRANGE", key, String(i), String(i + WINDOW - 1), "WITHSCORES"];
      if (!take(run(window))) return { tooLarge: true };
    }
    return { type, expireAt, items };
  }
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const [next, window] = run([type === "set" ? "SSCAN" : "HSCAN", key, cursor, "COUNT", String(WINDOW)]) as [Bulk, Bulk[]];
    const step = type === "set" ? 1 : 2;
    for (let i = 0; i < window.length; i += step) {
      const id = latin1(window[i]!);
      if (seen.has(id)) continue;
      seen.add(id);
      if (!take(window.slice(i, i + step)) || seen.size > MAX_DUMP_ELEMENTS) return { tooLarge: true };
    }
    cursor = typeof next === "string" ? next : latin1(next);
  } while (cursor !== "0");
  if (type === "set") return { type, expireAt, items };
  const fieldExpireAt: number[] = [];
  for (let i = 0; i < items.length; i += 2 * WINDOW) {
    const fields = items.slice(i, i + 2 * WINDOW).filter((_, j) => j % 2 === 0);
    const times = run(["HPEXPIRETIME", key, "FIELDS", String(fields.length), ...fields]) as Reply[];
    for (const t of times) fieldExpireAt.push(Number(t));
  }
  return { type, expireAt, items, fieldExpireAt };
}

/** Bytes of a dump's elements (0 for a missing key). */
export function dumpSize(d: DumpResult): number {
  return d !== null && "type" in d ? d.items.reduce((n, b) => n + sizeOf(b), 0) : 0;
}

/** Dumps `keys` in order; once they hold more than MAX_GATHERED_BYTES together, the rest are refused unread. */
export function dumpKeys(run: Run, keys: string[], ks?: Keyspace): DumpResult[] {
  let total = 0;
  return keys.map((key) => {
    if (total > MAX_GATHERED_BYTES) return { tooLarge: true };
    const d = dumpKey(run, key, ks);
    total += dumpSize(d);
    return total > MAX_GATHERED_BYTES ? { tooLarge: true } : d;
  });
}

/** Write commands that make `key` hold exactly `dump` (or nothing), expiries included. */
export function restoreCommands(key: Arg, dump: KeyDump | null): Arg[][] {
  const out: Arg[][] = [["DEL", key]];
  if (!dump) return out;
  const chunked = (command: string, items: Bulk[], step: number, order: (i: number) => Bulk[]) => {
    let argv: Arg[] = [command, key];
    let size = 0;
    for (let i = 0; i < items.length; i += step) {
      const part = order(i);
      argv.push(...part);
      size += part.reduce((n, b) => n + sizeOf(b), 0);
      if (argv.length - 2 >= WINDOW * step || size >= CHUNK_BYTES) {
        out.push(argv);
        argv = [command, key];
        size = 0;
      }
    }
    if (argv.length > 2) out.push(argv);
  };
  const { items } = dump;
  switch (dump.type) {
    case "string":
      out.push(["SET", key, items[0]!]);
      break;
    case "json":
      out.push(["JSON.SET", key, "$", items[0]!]);
      break;
    case "stream":
      out.push(["RESTORE", key, "0", items[0]!]);
      break;
    case "list":
      chunked("RPUSH", items, 1, (i) => [items[i]!]);
      break;
    case "set":
      chunked("SADD", items, 1, (i) => [items[i]!]);
      break;
    case "zset":
      chunked("ZADD", items, 2, (i) => [items[i + 1]!, items[i]!]);
      break;
    case "hash": {
      chunked("HSET", items, 2, (i) => [items[i]!, items[i + 1]!]);
      const byTime = new Map<number, Bulk[]>();
      dump.fieldExpireAt?.forEach((t, j) => {
        if (t < 0) return;
        let fields = byTime.get(t);
        if (!fields) byTime.set(t, (fields = []));
        fields.push(items[2 * j]!);
      });
      for (const [t, fields] of byTime) {
        for (let i = 0; i < fields.length; i += WINDOW) {
          const some = fields.slice(i, i + WINDOW);
          out.push(["HPEXPIREAT", key, String(t), "FIELDS", String(some.length), ...some]);
        }
      }
      break;
    }
  }
  if (dump.expireAt >= 0) out.push(["PEXPIREAT", key, String(dump.expireAt)]);
  return out;
}

/** True when two dumps describe the same contents (a set's members in any order). */
export function sameDump(a: DumpResult, b: DumpResult): boolean {
  if (a === null || b === null) return a === b;
  if (!("type" in a) || !("type" in b)) return false;
  if (a.type !== b.type || a.expireAt !== b.expireAt || a.items.length !== b.items.length) return false;
  const ai = a.items.map(latin1);
  const bi = b.items.map(latin1);
  if (a.type === "set") {
    ai.sort();
    bi.sort();
  }
  if (ai.some((x, i) => x !== bi[i])) return false;
  const af = a.fieldExpireAt ?? [];
  const bf = b.fieldExpireAt ?? [];
  return af.length === bf.length && af.every((t, i) => t === bf[i]);
}

function latin1(b: Bulk): string {
  const u = bytes(b);
  let s = "";
  for (let i = 0; i < u.length; i += 4096) s += String.fromCharCode(...u.subarray(i, i + 4096));
  return s;
}

class Rollback extends Error {}

/**
 * Runs `req.batch` over the keys of several shards on this one: loads the other shards' keys,
 * runs the commands in order (a script may touch only `req.keys`), dumps every key's new contents, then
 * rolls everything back. A load that fails is a bug; it throws and nothing stays.
 */
export function runScratch(ctx: ExecContext, req: ScratchRequest): ScratchResult {
  const atomically = <T>(fn: () => T) => ctx.keyspace.transaction(fn);
  const run: Run = (argv) => dispatch(COMMANDS, ctx, argv, atomically);
  let result: ScratchResult | undefined;
  try {
    ctx.keyspace.transaction(() => {
      for (const { key, dump } of req.load) {
        for (const argv of restoreCommands(key, dump)) {
          const r = run(argv);
          if (r !== null && isError(r)) throw new Error(`loading '${key}': ${r.error}`);
        }
      }
      const published: NonNullable<ScratchResult["published"]> = [];
      let command = 0;
      const pubsub = {
        publish: (channel: Uint8Array, message: Uint8Array, sharded: boolean) => (published.push([command, channel.slice(), message.slice(), sharded]), 0),
        interested: () => false,
      };
      const scoped = { ...ctx, pubsub, onlyKeys: new Set(req.keys), gatheredHome: req.keys[0] };
      // The commands' own events are recorded (not those of loading the borrowed keys, nor of the dumps' reads).
      const events: NonNullable<ScratchResult["events"]> = [];
      const quiet = ctx.keyspace.notifyTo;
      ctx.keyspace.notifyTo = ctx.config.notifyFlags ? { config: ctx.config, capture: events } : null;
      let replies: Reply[];
      try {
        replies = req.batch.map((argv, i) => ((command = i), dispatch(COMMANDS, scoped, argv, atomically)));
      } finally {
        ctx.keyspace.notifyTo = quiet;
      }
      result = { replies, after: dumpKeys(run, req.keys, ctx.keyspace), ...(ctx.config.notifyFlags ? { events } : {}), ...(published.length > 0 ? { published } : {}) };
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  for (const argv of req.batch) {
    const name = text(argv[0]!).toLowerCase();
    if ((name === "eval" || name === "eval_ro") && argv.length > 1) run(["SCRIPT", "LOAD", argv[1]!]);
  }
  return result!;
}
