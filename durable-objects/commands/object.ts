/**
 * OBJECT ENCODING, FREQ, IDLETIME, REFCOUNT and HELP. A shard has no Redis object encodings:
 * ENCODING answers the name Redis 7.0 would use for the same value with its default thresholds
 * (below), judged from the value as it is now (Redis never converts back to a compact encoding,
 * and APPEND, SETRANGE, SETBIT and PFADD make a `raw` string whatever its content: here a short
 * value they wrote reads as `embstr`). IDLETIME and FREQ read the eviction tracker
 * (eviction/tracking.ts) without counting as an access.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { isLfu } from "../eviction/policies";
import { CommandError, status, type Reply } from "../reply";
import { KeyType, type KeyRow, type Keyspace } from "../store/keyspace";
import { treeOf } from "../store/zsets";
import { container, type CommandSpec } from "../table";

/** Redis 7.0.15's defaults (CONFIG GET on redis-server). */
const EMBSTR_MAX = 44;
const HASH_LISTPACK_ENTRIES = 512;
const HASH_LISTPACK_VALUE = 64;
const SET_INTSET_ENTRIES = 512;
const ZSET_LISTPACK_ENTRIES = 128;
const ZSET_LISTPACK_VALUE = 64;
/** Integers Redis shares (OBJ_SHARED_INTEGERS), and the refcount it reports for them. */
const SHARED_INTEGERS = 10_000;
const SHARED_REFCOUNT = 2147483647;

const decoder = new TextDecoder();

/** A canonical 64-bit integer (no sign but `-`, no leading zeros): what Redis stores as `int`. */
function integerOf(bytes: Uint8Array): bigint | null {
  if (bytes.length === 0 || bytes.length > 20) return null;
  const s = decoder.decode(bytes);
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  return parseI64(s);
}

function stringEncoding(row: KeyRow): string {
  if (row.size != null || row.value === null) return "raw";
  const bytes = new Uint8Array(row.value);
  if (integerOf(bytes) !== null) return "int";
  // A HyperLogLog is written as a whole buffer (raw in Redis), never an embedded string.
  if (bytes.length >= 4 && decoder.decode(bytes.subarray(0, 4)) === "HYLL") return "raw";
  return bytes.length <= EMBSTR_MAX ? "embstr" : "raw";
}

function hashEncoding(ks: Keyspace, row: KeyRow): string {
  const r = ks.sql
    .exec<{ n: number; longest: number | null }>(
      "SELECT count(*) AS n, max(max(length(field), length(value))) AS longest FROM (SELECT field, value FROM hash_fields WHERE key_id = ? LIMIT ?)",
      row.id,
      HASH_LISTPACK_ENTRIES + 1,
    )
    .one();
  return r.n <= HASH_LISTPACK_ENTRIES && (r.longest ?? 0) <= HASH_LISTPACK_VALUE ? "listpack" : "hashtable";
}

function setEncoding(ks: Keyspace, row: KeyRow): string {
  const members = ks.sql
    .exec<{ member: ArrayBuffer | string }>("SELECT member FROM set_member WHERE key_id = ? LIMIT ?", row.id, SET_INTSET_ENTRIES + 1)
    .toArray();
  if (members.length > SET_INTSET_ENTRIES) return "hashtable";
  const allIntegers = members.every((m) => integerOf(typeof m.member === "string" ? new TextEncoder().encode(m.member) : new Uint8Array(m.member)) !== null);
  return allIntegers ? "intset" : "hashtable";
}

function zsetEncoding(ks: Keyspace, row: KeyRow): string {
  if (treeOf(ks.sql).card(row.id) > ZSET_LISTPACK_ENTRIES) return "skiplist";
  const longest = ks.sql.exec<{ l: number | null }>("SELECT max(length(member)) AS l FROM zset_member WHERE key_id = ?", row.id).one().l;
  return (longest ?? 0) <= ZSET_LISTPACK_VALUE ? "listpack" : "skiplist";
}

/** The encoding Redis 7.0 would report for the key's value. */
export function encodingOf(ks: Keyspace, row: KeyRow): string {
  switch (row.type) {
    case KeyType.String:
      return stringEncoding(row);
    case KeyType.Hash:
      return hashEncoding(ks, row);
    case KeyType.List:
      return "quicklist";
    case KeyType.Set:
      return setEncoding(ks, row);
    case KeyType.ZSet:
      return zsetEncoding(ks, row);
    case KeyType.Stream:
      return "stream";
    default:
      return "raw";
  }
}

/** The key's row, looked up without counting as an access (Redis's LOOKUP_NOTOUCH). */
const peek = (ctx: ExecContext, argv: Arg[]) => ctx.keyspace.find(text(argv[2]!), false);

// OBJECT ENCODING key
function objectEncoding(ctx: ExecContext, argv: Arg[]): Reply {
  const row = peek(ctx, argv);
  return row ? encodingOf(ctx.keyspace, row) : null;
}

// OBJECT FREQ key
function objectFreq(ctx: ExecContext, argv: Arg[]): Reply {
  const row = peek(ctx, argv);
  if (!row) return null;
  if (!isLfu(ctx.config.maxmemoryPolicy)) throw new CommandError(Errors.lfuNotSelected);
  return ctx.keyspace.access.frequency(row.id, ctx.now);
}

// OBJECT IDLETIME key
function objectIdletime(ctx: ExecContext, argv: Arg[]): Reply {
  const row = peek(ctx, argv);
  if (!row) return null;
  if (isLfu(ctx.config.maxmemoryPolicy)) throw new CommandError(Errors.lfuSelected);
  return Math.floor(ctx.keyspace.access.idleMs(row.id, ctx.now) / 1000);
}

// OBJECT REFCOUNT key
function objectRefcount(ctx: ExecContext, argv: Arg[]): Reply {
  const row = peek(ctx, argv);
  if (!row) return null;
  // Redis shares the objects of small integers, unless maxmemory with an LRU or LFU policy is set.
  const policy = ctx.config.maxmemoryPolicy;
  const sharing = !(ctx.config.maxmemory > 0 && (policy.endsWith("-lru") || policy.endsWith("-lfu")));
  if (sharing && row.type === KeyType.String && row.size == null && row.value !== null) {
    const n = integerOf(new Uint8Array(row.value));
    if (n !== null && n >= 0n && n < BigInt(SHARED_INTEGERS)) return SHARED_REFCOUNT;
  }
  return 1;
}

const OBJECT_HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

// OBJECT HELP
function objectHelp(): Reply {
  return OBJECT_HELP.map(status);
}

const KEY_2 = { first: 2, last: 2, step: 1 };

export const objectCommands: CommandSpec[] = [
  container("object", "OBJECT <subcommand> [<arg> [value] [opt] ...]", [
    { name: "object|encoding", arity: 3, flags: ["readonly"], keys: KEY_2, summary: "OBJECT ENCODING key", run: objectEncoding },
    { name: "object|freq", arity: 3, flags: ["readonly"], keys: KEY_2, summary: "OBJECT FREQ key", run: objectFreq },
    { name: "object|idletime", arity: 3, flags: ["readonly"], keys: KEY_2, summary: "OBJECT IDLETIME key", run: objectIdletime },
    { name: "object|refcount", arity: 3, flags: ["readonly"], keys: KEY_2, summary: "OBJECT REFCOUNT key", run: objectRefcount },
    { name: "object|help", arity: 2, flags: ["loading", "stale"], summary: "OBJECT HELP", run: objectHelp },
  ]),
];
