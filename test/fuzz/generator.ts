/**
 * Seeded random Redis commands for the differential fuzzer (differential.ts): every data type
 * edgekv and redis-server 7.0 both have, valid and invalid arguments mixed (wrong types, bad
 * numbers, wrong arity, unknown options, out-of-range indexes, COUNT 0, …), over a small key
 * space so that commands keep meeting each other's keys.
 *
 * Key space: three keys sharing the hash tag `{t}` (one shard, so multi-key commands may mix
 * them) and two untagged keys on other shards. A multi-key command draws all its keys from one
 * slot (the tagged group, or one key repeated): over several slots edgekv answers CROSSSLOT by
 * design, as Redis Cluster does. Fan-out commands (DEL, EXISTS, MGET, …) and the cross-shard
 * MSET/MSETNX draw from the whole key space.
 *
 * Left out or shaped on purpose:
 * - commands redis-server 7.0 lacks (hash field expiry, HGETDEL, HGETEX, HSETEX, …) and
 *   edgekv's own (LOCK.*, RL.*, DELIFEQ);
 * - commands whose answer is the machine's (INFO, TIME, COMMAND, DEBUG);
 * - databases other than 0 (SELECT, COPY … DB): edgekv has one, as Redis Cluster;
 * - short positive expiries: a key expiring between two commands makes the comparison a race,
 *   so expiries are 0, negative, in the past, or far away;
 * - SPOP and the other random commands: drawn so that their answer is deterministic (a count
 *   that takes the whole collection) or compared by shape (differential.ts, `normalize`);
 * - sorted sets stay small (under 128 short members): there Redis answers a lex range over
 *   members of different scores deterministically (its listpack walk), which edgekv follows;
 *   over a larger set Redis's answer depends on its skiplist's random levels;
 * - LPOS … RANK -9223372036854775808: redis-server 7.0 overflows it into RANK -1, a bug fixed
 *   in 7.2 (redis/redis#12167);
 * - keyspace-wide commands come in every kind of step; a transaction with one never also holds
 *   a command that reads before it writes across shards (`gatheredAcross`: CROSSSLOT by design);
 *   a scan in a batch finishes in one call (`wholeScan`);
 * - EVALSHA and SCRIPT EXISTS ask only for scripts SCRIPT LOAD cached (`LOADED`): EVAL caches
 *   its script on its own shard only, by design.
 */
import { createHash } from "node:crypto";
import { seededRandom } from "../random";

export type Argv = string[];

/** One step of a run: a single command, a pipeline (`/pipeline`) or a transaction (`/multi-exec`). */
export type Step = { kind: "single"; cmd: Argv } | { kind: "pipeline"; cmds: Argv[] } | { kind: "multi"; cmds: Argv[] };

/** The fuzzer's seeded generator (test/random.ts). */
export const rng = seededRandom;

export const TAGGED = ["{t}a", "{t}b", "{t}c"];
export const UNTAGGED = ["x", "y"];
export const KEYS = [...TAGGED, ...UNTAGGED];

/**
 * Commands that visit every shard (SCRIPT and FUNCTION too: scripts live per shard). In a
 * transaction over several shards edgekv runs them over every shard, each locked whole; such a
 * transaction must not also hold a command that reads before it writes across shards (then it
 * would run gathered, on copies of its keys, and edgekv answers CROSSSLOT by design: see
 * docs/cross-shard-transactions.md), so the generator leaves those out of it (`gatheredAcross`).
 */
export const KEYSPACE_WIDE = new Set(["keys", "dbsize", "scan", "randomkey", "flushdb", "flushall", "script", "function"]);

export interface StepOptions {
  /** Transactions over keys of several shards (edgekv's two-phase commit); on unless FUZZ_CROSS_SHARD_TX=0. */
  crossShardTx?: boolean;
}

/**
 * The scan family. A single step is iterated to its end (differential.ts); in a pipeline or a
 * transaction a scan cannot be continued, so there it asks for `COUNT 1000` (`wholeScan`),
 * which over this small key space returns everything in one call, with cursor 0, on both sides.
 */
export const SCANS = new Set(["scan", "sscan", "hscan", "zscan"]);

/**
 * A scan of a batch made to finish in one call: `COUNT 1000` appended (the last COUNT counts,
 * so any earlier one stays); one with an invalid COUNT (0, -1, abc) stays as it is, its error
 * is the reply.
 */
function wholeScan(argv: Argv): Argv {
  const counts = argv.flatMap((a, i) => (i > 1 && a.toUpperCase() === "COUNT" ? [argv[i + 1] ?? ""] : []));
  return counts.every((c) => /^[1-9][0-9]*$/.test(c)) ? [...argv, "COUNT", "1000"] : argv;
}

/**
 * Whether a command reads before it writes over keys that may be on several shards (MSETNX
 * over untagged keys, SORT … STORE into a key of another slot): with a keyspace-wide command in
 * one transaction that is CROSSSLOT by design in edgekv (`KEYSPACE_WIDE`).
 */
function gatheredAcross(argv: Argv): boolean {
  const name = argv[0]!.toLowerCase();
  if (name === "msetnx") return !oneSlot(argv.filter((_, i) => i % 2 === 1));
  if (name === "sort" || name === "sort_ro") {
    const store = argv.findIndex((a, i) => i > 1 && a.toLowerCase() === "store");
    return store > 0 && store + 1 < argv.length && !oneSlot([argv[1]!, argv[store + 1]!]);
  }
  return false;
}

/** Whether `keys` surely share a slot: all of the tagged group, or one key repeated. */
function oneSlot(keys: string[]): boolean {
  return keys.every((k) => TAGGED.includes(k)) || keys.every((k) => k === keys[0]);
}

const INTS = ["0", "1", "2", "3", "-1", "-2", "5", "10", "-10", "100"];
const BAD_INTS = ["abc", "1.5", "", " 1", "1 ", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0x10", "1e3", "+1", "-0"];
const FLOATS = ["0", "1", "1.5", "-2.5", "10", "-inf", "+inf", "inf", "3e2", ".5", "5.", "0.1", "-0"];
const BAD_FLOATS = ["abc", "nan", "", "1.5x", "--1", "1e400", " 1"];
const VALUES = ["a", "b", "hello", "", "1", "10", "-5", "3.5", "007", "9223372036854775807", "foo bar", "ü", "x".repeat(70)];
const MEMBERS = ["a", "b", "c", "d", "e", "1", "2", "-1", "ab", ""];
const LEX = ["-", "+", "[a", "(a", "[c", "(c", "[e", "[", "(", "a", "[aa", "(d"];
const SCORES = ["-inf", "+inf", "0", "1", "2", "(1", "(2", "3", "-1", "(-inf", "abc", "(", "1.5", "nan"];

export class Gen {
  /** While set, every key comes from the tagged group (one shard). */
  oneShard = false;
  /** Set when a command was mangled, so that it may name a key outside the drawn ones. */
  irregular = false;
  /** Set when a command drew keys that must share a slot (then it is never mangled). */
  slotBound = false;

  constructor(readonly rand: () => number) {}

  chance(p: number): boolean {
    return this.rand() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }
  key(): string {
    return this.oneShard || this.chance(0.7) ? this.pick(TAGGED) : this.pick(UNTAGGED);
  }
  /** `n` keys of one slot. */
  slotKeys(n: number): string[] {
    this.slotBound = true;
    if (this.chance(0.15)) {
      const k = this.key();
      return Array.from({ length: n }, () => k);
    }
    return Array.from({ length: n }, () => this.pick(TAGGED));
  }
  /** A numkeys argument for `n` keys: mostly right, sometimes 0, junk, too few or too many. */
  numkeys(n: number): string {
    if (this.chance(0.7)) return String(n);
    // Never one that turns a following argument into a key of another slot (CROSSSLOT by design).
    return this.pick(["0", "abc", "-1", n > 1 ? String(n - 1) : "0", "99"]);
  }
  anyKeys(n: number): string[] {
    return Array.from({ length: n }, () => this.key());
  }
  /** An integer argument: mostly valid, sometimes not. */
  num(bad = 0.1): string {
    return this.chance(bad) ? this.pick(BAD_INTS) : this.pick(INTS);
  }
  float(bad = 0.1): string {
    return this.chance(bad) ? this.pick(BAD_FLOATS) : this.chance(0.3) ? this.pick(INTS) : this.pick(FLOATS);
  }
  value(): string {
    return this.pick(VALUES);
  }
  member(): string {
    return this.pick(MEMBERS);
  }
  members(lo = 1, hi = 4): string[] {
    return Array.from({ length: this.int(lo, hi) }, () => this.member());
  }
  score(): string {
    return this.pick(SCORES);
  }
  lex(): string {
    return this.pick(LEX);
  }
  /** A count for the random-reply commands: the whole collection (deterministic), or a shape-only one. */
  randomCount(): string {
    return this.pick(["100", "100", "0", "-3", "2", "abc", "-9223372036854775808"]);
  }
  /** A TTL in seconds that cannot expire during a run, or one that deletes at once. */
  seconds(): string {
    return this.pick(["1000", "5000", "0", "-1", "100000", "abc", "9223372036854775807", "1.5"]);
  }
  /** An absolute unix time: far future, past, or junk. */
  unixSeconds(): string {
    return this.pick(["4000000000", "4100000000", "1", "100", "-5", "abc"]);
  }
  /** Picks up to `n` of `opts` (each maybe), in random order. */
  options(opts: readonly (() => string[])[], n = 2): string[] {
    const out: string[] = [];
    const k = this.int(0, n);
    for (let i = 0; i < k; i++) out.push(...this.pick(opts)());
    return out;
  }
  word(...ws: string[]): string {
    const w = this.pick(ws);
    return this.chance(0.3) ? w.toLowerCase() : w;
  }
}

type Maker = (g: Gen) => Argv;

function ttlOption(g: Gen): string[] {
  return g.pick([
    () => [g.word("EX"), g.seconds()],
    () => [g.word("PX"), g.pick(["1000000", "0", "-5", "abc"])],
    () => [g.word("EXAT"), g.unixSeconds()],
    () => [g.word("PXAT"), g.pick(["4000000000000", "1", "abc"])],
    () => [g.word("KEEPTTL")],
  ])();
}

const STRINGS: Record<string, Maker> = {
  get: (g) => ["GET", g.key()],
  set: (g) => ["SET", g.key(), g.value(), ...g.options([() => [g.word("NX", "XX")], () => [g.word("GET")], () => ttlOption(g)])],
  setnx: (g) => ["SETNX", g.key(), g.value()],
  setex: (g) => ["SETEX", g.key(), g.seconds(), g.value()],
  psetex: (g) => ["PSETEX", g.key(), g.pick(["1000000", "0", "abc", "-1"]), g.value()],
  getset: (g) => ["GETSET", g.key(), g.value()],
  getdel: (g) => ["GETDEL", g.key()],
  getex: (g) => ["GETEX", g.key(), ...g.options([() => ttlOption(g), () => [g.word("PERSIST")]], 1)],
  mget: (g) => ["MGET", ...g.anyKeys(g.int(1, 4))],
  mset: (g) => ["MSET", ...g.anyKeys(g.int(1, 3)).flatMap((k) => [k, g.value()])],
  msetnx: (g) => ["MSETNX", ...g.anyKeys(g.int(1, 3)).flatMap((k) => [k, g.value()])],
  incr: (g) => [g.pick(["INCR", "DECR"]), g.key()],
  incrby: (g) => [g.pick(["INCRBY", "DECRBY"]), g.key(), g.num(0.25)],
  incrbyfloat: (g) => ["INCRBYFLOAT", g.key(), g.float(0.2)],
  append: (g) => ["APPEND", g.key(), g.value()],
  strlen: (g) => ["STRLEN", g.key()],
  getrange: (g) => [g.pick(["GETRANGE", "SUBSTR"]), g.key(), g.num(), g.num()],
  setrange: (g) => ["SETRANGE", g.key(), g.pick(["0", "1", "3", "10", "-1", "abc", "536870912"]), g.value()],
  lcs: (g) => ["LCS", ...g.slotKeys(2), ...g.options([() => [g.word("LEN")], () => [g.word("IDX")], () => [g.word("MINMATCHLEN"), g.num()], () => [g.word("WITHMATCHLEN")]], 3)],
};

const KEYSPACE: Record<string, Maker> = {
  del: (g) => [g.pick(["DEL", "UNLINK"]), ...g.anyKeys(g.int(1, 3))],
  exists: (g) => [g.pick(["EXISTS", "TOUCH"]), ...g.anyKeys(g.int(1, 3))],
  type: (g) => ["TYPE", g.key()],
  expire: (g) => [g.pick(["EXPIRE", "PEXPIRE"]), g.key(), g.pick(["1000000", "5000000", "0", "-1", "abc", "9223372036854775807"]), ...g.options([() => [g.word("NX", "XX", "GT", "LT")]], 2)],
  expireat: (g) => [g.pick(["EXPIREAT", "PEXPIREAT"]), g.key(), g.pick(["4000000000000", "4100000000000", "1", "-5", "abc"]), ...g.options([() => [g.word("NX", "XX", "GT", "LT")]], 1)],
  ttl: (g) => [g.pick(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), g.key()],
  persist: (g) => ["PERSIST", g.key()],
  rename: (g) => [g.pick(["RENAME", "RENAMENX"]), ...g.slotKeys(2)],
  copy: (g) => ["COPY", ...g.slotKeys(2), ...g.options([() => [g.word("REPLACE")], () => [g.word("DB"), g.pick(["0", "0", "-1", "abc"])]], 2)],
  randomkey: () => ["RANDOMKEY"],
  keys: (g) => ["KEYS", g.pick(["*", "{t}*", "x", "?", "[xy]", "*a*", "{t}[a-b]"])],
  scan: (g) => ["SCAN", "0", ...g.options([() => [g.word("MATCH"), g.pick(["*", "{t}*", "x*"])], () => [g.word("COUNT"), g.pick(["1", "2", "10", "0", "-1", "abc"])], () => [g.word("TYPE"), g.pick(["string", "list", "hash", "set", "zset", "nosuch"])]], 2)],
  dbsize: () => ["DBSIZE"],
  // Rare (one maker in three draws a flush): each empties the whole key space.
  flush: (g) => (g.chance(0.33) ? [g.pick(["FLUSHDB", "FLUSHALL"]), ...(g.chance(0.3) ? [g.word("ASYNC", "SYNC", "LAZY")] : [])] : ["DBSIZE"]),
  ping: (g) => (g.chance(0.5) ? ["PING"] : g.chance(0.5) ? ["PING", g.value()] : ["ECHO", g.value()]),
};

const HASHES: Record<string, Maker> = {
  hset: (g) => [g.pick(["HSET", "HMSET"]), g.key(), ...g.members(1, 3).flatMap((f) => [f, g.value()])],
  hsetnx: (g) => ["HSETNX", g.key(), g.member(), g.value()],
  hget: (g) => ["HGET", g.key(), g.member()],
  hmget: (g) => ["HMGET", g.key(), ...g.members()],
  hdel: (g) => ["HDEL", g.key(), ...g.members()],
  hexists: (g) => [g.pick(["HEXISTS", "HSTRLEN"]), g.key(), g.member()],
  hlen: (g) => [g.pick(["HLEN", "HGETALL", "HKEYS", "HVALS"]), g.key()],
  hincrby: (g) => ["HINCRBY", g.key(), g.member(), g.num(0.25)],
  hincrbyfloat: (g) => ["HINCRBYFLOAT", g.key(), g.member(), g.float(0.2)],
  hrandfield: (g) => ["HRANDFIELD", g.key(), ...(g.chance(0.8) ? [g.randomCount(), ...(g.chance(0.4) ? [g.word("WITHVALUES")] : [])] : [])],
  hscan: (g) => ["HSCAN", g.key(), "0", ...g.options([() => [g.word("MATCH"), g.pick(["*", "a*", "?"])], () => [g.word("COUNT"), g.pick(["1", "10", "0", "-1", "abc"])]], 2)],
};

const LISTS: Record<string, Maker> = {
  push: (g) => [g.pick(["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]), g.key(), ...g.members()],
  pop: (g) => [g.pick(["LPOP", "RPOP"]), g.key(), ...(g.chance(0.4) ? [g.pick(["0", "1", "2", "10", "-1", "abc"])] : [])],
  llen: (g) => ["LLEN", g.key()],
  lrange: (g) => ["LRANGE", g.key(), g.num(), g.num()],
  lindex: (g) => ["LINDEX", g.key(), g.pick([...INTS, "-100", "abc", "1.5", "9223372036854775808", "-9223372036854775809", ""])],
  lset: (g) => ["LSET", g.key(), g.num(0.2), g.member()],
  lrem: (g) => ["LREM", g.key(), g.num(), g.member()],
  ltrim: (g) => ["LTRIM", g.key(), g.num(), g.num()],
  linsert: (g) => ["LINSERT", g.key(), g.word("BEFORE", "AFTER", "MIDDLE"), g.member(), g.member()],
  lpos: (g) => ["LPOS", g.key(), g.member(), ...g.options([() => [g.word("RANK"), g.pick(["1", "-1", "2", "0", "abc", "-9223372036854775807"])], () => [g.word("COUNT"), g.pick(["0", "1", "2", "-1"])], () => [g.word("MAXLEN"), g.pick(["0", "1", "2", "-1"])]], 3)],
  lmove: (g) =>
    g.chance(0.3) ? ["RPOPLPUSH", ...g.slotKeys(2)] : ["LMOVE", ...g.slotKeys(2), g.word("LEFT", "RIGHT"), g.word("LEFT", "RIGHT", "UP")],
  lmpop: (g) => {
    const n = g.int(1, 3);
    return ["LMPOP", g.numkeys(n), ...g.slotKeys(n), g.word("LEFT", "RIGHT", "UP"), ...(g.chance(0.4) ? [g.word("COUNT"), g.pick(["1", "2", "0", "-1", "abc"])] : [])];
  },
};

const SETS: Record<string, Maker> = {
  sadd: (g) => [g.pick(["SADD", "SREM"]), g.key(), ...g.members()],
  smembers: (g) => [g.pick(["SMEMBERS", "SCARD"]), g.key()],
  sismember: (g) => ["SISMEMBER", g.key(), g.member()],
  smismember: (g) => ["SMISMEMBER", g.key(), ...g.members()],
  spop: (g) => ["SPOP", g.key(), g.pick(["100", "0", "-1", "abc"])],
  srandmember: (g) => ["SRANDMEMBER", g.key(), ...(g.chance(0.8) ? [g.randomCount()] : [])],
  smove: (g) => ["SMOVE", ...g.slotKeys(2), g.member()],
  algebra: (g) => [g.pick(["SINTER", "SUNION", "SDIFF"]), ...g.slotKeys(g.int(1, 3))],
  store: (g) => [g.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), ...g.slotKeys(g.int(2, 4))],
  sintercard: (g) => {
    const n = g.int(1, 3);
    return ["SINTERCARD", g.numkeys(n), ...g.slotKeys(n), ...(g.chance(0.4) ? [g.word("LIMIT"), g.pick(["0", "1", "-1", "abc"])] : [])];
  },
  sscan: (g) => ["SSCAN", g.key(), "0", ...g.options([() => [g.word("MATCH"), g.pick(["*", "a*", "?"])], () => [g.word("COUNT"), g.pick(["1", "10", "0", "-1", "abc"])]], 2)],
};

function zaddPairs(g: Gen): string[] {
  return g.members(1, 3).flatMap((m) => [g.float(0.1), m]);
}

function limit(g: Gen): string[] {
  return [g.word("LIMIT"), g.pick(["0", "1", "-1", "abc"]), g.pick(["1", "2", "-1", "0", "abc"])];
}

/** `numkeys key… [WEIGHTS w…] [AGGREGATE …] [WITHSCORES]` of the algebra commands. */
function algebraArgs(g: Gen, store: boolean, diff: boolean): string[] {
  const n = g.int(1, 3);
  const keys = g.slotKeys(n + (store ? 1 : 0));
  const out = store ? [keys.shift()!] : [];
  out.push(g.numkeys(n), ...keys);
  if (!diff) {
    if (g.chance(0.3)) out.push(g.word("WEIGHTS"), ...Array.from({ length: g.pick([n, n, n - 1 || 1, n + 1]) }, () => g.float(0.2)));
    if (g.chance(0.3)) out.push(g.word("AGGREGATE"), g.word("SUM", "MIN", "MAX", "AVG"));
  }
  if (!store && g.chance(0.4)) out.push(g.word("WITHSCORES"));
  return out;
}

const ZSETS: Record<string, Maker> = {
  zadd: (g) => ["ZADD", g.key(), ...g.options([() => [g.word("NX", "XX")], () => [g.word("GT", "LT")], () => [g.word("CH")], () => [g.word("INCR")]], 2), ...zaddPairs(g)],
  zincrby: (g) => ["ZINCRBY", g.key(), g.float(0.2), g.member()],
  zrem: (g) => ["ZREM", g.key(), ...g.members()],
  zscore: (g) => ["ZSCORE", g.key(), g.member()],
  zmscore: (g) => ["ZMSCORE", g.key(), ...g.members()],
  zcard: (g) => ["ZCARD", g.key()],
  zcount: (g) => ["ZCOUNT", g.key(), g.score(), g.score()],
  zlexcount: (g) => ["ZLEXCOUNT", g.key(), g.lex(), g.lex()],
  zrank: (g) => [g.pick(["ZRANK", "ZREVRANK"]), g.key(), g.member()],
  zrange: (g) => {
    const by = g.pick(["", "", "BYSCORE", "BYLEX"]);
    const [a, b] = by === "BYSCORE" ? [g.score(), g.score()] : by === "BYLEX" ? [g.lex(), g.lex()] : [g.num(), g.num()];
    const opts = g.options([() => [g.word("REV")], () => limit(g), () => [g.word("WITHSCORES")]], 3);
    return ["ZRANGE", g.key(), a, b, ...(by ? [g.word(by)] : []), ...opts];
  },
  zrangestore: (g) => {
    const by = g.pick(["", "BYSCORE", "BYLEX"]);
    const [a, b] = by === "BYSCORE" ? [g.score(), g.score()] : by === "BYLEX" ? [g.lex(), g.lex()] : [g.num(), g.num()];
    return ["ZRANGESTORE", ...g.slotKeys(2), a, b, ...(by ? [g.word(by)] : []), ...g.options([() => [g.word("REV")], () => limit(g)], 2)];
  },
  zrevrange: (g) => ["ZREVRANGE", g.key(), g.num(), g.num(), ...(g.chance(0.4) ? [g.word("WITHSCORES")] : [])],
  zrangebyscore: (g) => [g.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), g.key(), g.score(), g.score(), ...g.options([() => limit(g), () => [g.word("WITHSCORES")]], 2)],
  zrangebylex: (g) => [g.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX"]), g.key(), g.lex(), g.lex(), ...(g.chance(0.3) ? limit(g) : [])],
  zremrangebyrank: (g) => ["ZREMRANGEBYRANK", g.key(), g.num(), g.num()],
  zremrangebyscore: (g) => ["ZREMRANGEBYSCORE", g.key(), g.score(), g.score()],
  zremrangebylex: (g) => ["ZREMRANGEBYLEX", g.key(), g.lex(), g.lex()],
  zrandmember: (g) => ["ZRANDMEMBER", g.key(), ...(g.chance(0.8) ? [g.randomCount(), ...(g.chance(0.4) ? [g.word("WITHSCORES")] : [])] : [])],
  zscan: (g) => ["ZSCAN", g.key(), "0", ...g.options([() => [g.word("MATCH"), g.pick(["*", "a*", "?"])], () => [g.word("COUNT"), g.pick(["1", "10", "0", "-1", "abc"])]], 2)],
  zunion: (g) => [g.pick(["ZUNION", "ZINTER"]), ...algebraArgs(g, false, false)],
  zdiff: (g) => ["ZDIFF", ...algebraArgs(g, false, true)],
  zstore: (g) => [g.pick(["ZUNIONSTORE", "ZINTERSTORE"]), ...algebraArgs(g, true, false)],
  zdiffstore: (g) => ["ZDIFFSTORE", ...algebraArgs(g, true, true)],
  zintercard: (g) => {
    const n = g.int(1, 3);
    return ["ZINTERCARD", g.numkeys(n), ...g.slotKeys(n), ...(g.chance(0.4) ? [g.word("LIMIT"), g.pick(["0", "1", "-1", "abc"])] : [])];
  },
  zpop: (g) => [g.pick(["ZPOPMIN", "ZPOPMAX"]), g.key(), ...(g.chance(0.5) ? [g.pick(["0", "1", "2", "10", "-1", "abc"])] : [])],
  zmpop: (g) => {
    const n = g.int(1, 3);
    return ["ZMPOP", g.numkeys(n), ...g.slotKeys(n), g.word("MIN", "MAX", "MID"), ...(g.chance(0.4) ? [g.word("COUNT"), g.pick(["1", "2", "0", "-1", "abc"])] : [])];
  },
};

/**
 * SORT and SORT_RO without key-forming BY/GET patterns: those must carry the sorted key's hash
 * tag (edgekv refuses others, as Redis Cluster does, and the reference runs standalone), and in
 * a cross-shard transaction edgekv refuses them unless the transaction's first key shares that
 * slot. BY nosort only with STORE: then Redis sorts a set ALPHA; without it a set comes back in
 * its hash order. Never mangled: a junk argument could become a GET pattern of another slot.
 */
const SORTS: Record<string, Maker> = {
  sort: (g) => {
    g.slotBound = true;
    const store = g.chance(0.4);
    const opts = g.options([() => limit(g), () => [g.word("GET"), "#"], () => [g.word("ASC", "DESC")], () => [g.word("ALPHA")], ...(store ? [() => [g.word("BY"), "nosort"]] : [])], 3);
    return ["SORT", g.key(), ...opts, ...(store ? [g.word("STORE"), g.key()] : [])];
  },
  sortro: (g) => {
    g.slotBound = true;
    return ["SORT_RO", g.key(), ...g.options([() => limit(g), () => [g.word("GET"), "#"], () => [g.word("ASC", "DESC")], () => [g.word("ALPHA")]], 3)];
  },
};

const BIT_OFFSETS = ["0", "1", "7", "8", "13", "31", "64", "100", "-1", "abc", "4294967296", "1.5"];
const BIT_INDEXES = ["0", "1", "2", "-1", "-2", "-5", "3", "10", "100", "-100", "abc"];

/** A BITFIELD operation: a type (sometimes invalid), an offset (`#n` too) and a value. */
function bitfieldOp(g: Gen, readOnly: boolean): string[] {
  const type = g.chance(0.1) ? g.pick(["u64", "i65", "i0", "U8", "x"]) : `${g.pick(["i", "u"])}${g.pick(["1", "2", "4", "5", "8", "13", "16", "32", "63"])}`;
  const offset = g.chance(0.3) ? g.pick(["#0", "#1", "#3", "#-1"]) : g.pick(["0", "1", "3", "7", "9", "20", "-1", "abc"]);
  const value = () => g.pick(["0", "1", "-1", "3", "100", "-100", "255", "9223372036854775807", "-9223372036854775808", "abc"]);
  const kind = readOnly && g.chance(0.8) ? "GET" : g.pick(["GET", "SET", "INCRBY", "OVERFLOW"]);
  if (kind === "OVERFLOW") return [g.word("OVERFLOW"), g.word("WRAP", "SAT", "FAIL", "NONE")];
  return kind === "GET" ? [g.word("GET"), type, offset] : [g.word(kind), type, offset, value()];
}

const BITMAPS: Record<string, Maker> = {
  setbit: (g) => ["SETBIT", g.key(), g.pick(BIT_OFFSETS), g.pick(["0", "1", "1", "2", "-1"])],
  getbit: (g) => ["GETBIT", g.key(), g.pick(BIT_OFFSETS)],
  bitcount: (g) => ["BITCOUNT", g.key(), ...(g.chance(0.7) ? [g.pick(BIT_INDEXES), g.pick(BIT_INDEXES), ...(g.chance(0.5) ? [g.word("BIT", "BYTE", "BITS")] : [])] : [])],
  bitpos: (g) => {
    const range = g.int(0, 3);
    const unit = range === 3 ? [g.word("BIT", "BYTE", "NOPE")] : [];
    return ["BITPOS", g.key(), g.pick(["0", "1", "1", "0", "2"]), ...Array.from({ length: Math.min(range, 2) }, () => g.pick(BIT_INDEXES)), ...unit];
  },
  bitop: (g) => {
    const op = g.word("AND", "OR", "XOR", "NOT", "NAND");
    return ["BITOP", op, ...g.slotKeys(op === "NOT" && g.chance(0.8) ? 2 : g.int(2, 4))];
  },
  bitfield: (g) => ["BITFIELD", g.key(), ...Array.from({ length: g.int(0, 3) }, () => bitfieldOp(g, false)).flat()],
  // All ones at the start of a value (a short one stays all ones): BITPOS 0's not-found rules.
  ones: (g) => ["BITFIELD", g.key(), "SET", g.pick(["i8", "i16", "u4"]), "#0", "-1", ...(g.chance(0.5) ? ["SET", "i8", "#1", "-1"] : [])],
  bitfieldro: (g) => ["BITFIELD_RO", g.key(), ...Array.from({ length: g.int(0, 2) }, () => bitfieldOp(g, true)).flat()],
};

const SCRIPTS = [
  "return redis.call('GET', KEYS[1])",
  "return redis.call('INCR', KEYS[1])",
  "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('STRLEN', KEYS[1])",
  "return redis.pcall('LPUSH', KEYS[1], ARGV[1])",
  "return {1, 'two', {3}, false, true}",
  "return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
  "return redis.call('HGETALL', KEYS[1])",
  "return redis.status_reply('FINE')",
  "return redis.error_reply('MY err')",
  "return tonumber(ARGV[1]) * 2",
  "return #KEYS + #ARGV",
];

/**
 * Scripts for SCRIPT LOAD, EVALSHA and SCRIPT EXISTS: some of SCRIPTS with a trailing comment, so
 * that EVAL never caches one of them. EVAL caches its script only on its key's shard in edgekv
 * (by design, as Redis Cluster: durable-objects/commands/scripting.ts), so an EVALSHA or SCRIPT
 * EXISTS that follows an EVAL on another shard differs from one Redis.
 */
const LOADED = SCRIPTS.slice(0, 4).map((s) => `${s} -- loaded`);

/** Their SHA1 digests, and one of no script. */
const SHAS = [...LOADED.map((s) => createHash("sha1").update(s).digest("hex")), "b2b9f5a3c3d2d1b9e1e5c0f6b8a0a6c1d9e6c0a1"];

/** A function library: one reading function, one declared no-writes. */
const LIBRARY = [
  "#!lua name=fuzzlib",
  "redis.register_function('fz_get', function(keys, args) return redis.call('GET', keys[1]) end)",
  "redis.register_function('fz_incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)",
  "redis.register_function{function_name='fz_count', callback=function(keys, args) return #keys + #args end, flags={'no-writes'}}",
].join("\n");

const SCRIPTING: Record<string, Maker> = {
  functionload: () => ["FUNCTION", "LOAD", "REPLACE", LIBRARY],
  fcall: (g) => {
    const [name, n] = g.pick([["fz_get", 1], ["fz_incr", 1], ["fz_count", 2], ["fz_count", 0], ["nosuch", 0]] as const);
    return [g.pick(["FCALL", "FCALL", "FCALL_RO"]), name, g.numkeys(n), ...g.slotKeys(n), g.num()];
  },
  eval: (g) => {
    const n = g.int(0, 2);
    return [g.pick(["EVAL", "EVAL", "EVAL_RO"]), g.pick(SCRIPTS), g.numkeys(n), ...g.slotKeys(n), ...g.members(0, 2)];
  },
  scriptload: (g) => ["SCRIPT", "LOAD", g.pick(LOADED)],
  scriptexists: (g) => ["SCRIPT", "EXISTS", ...Array.from({ length: g.int(1, 3) }, () => g.pick(SHAS))],
  scriptflush: (g) => ["SCRIPT", "FLUSH", ...(g.chance(0.3) ? [g.word("ASYNC", "SYNC", "LAZY")] : [])],
  functionadmin: (g) =>
    g.pick([
      () => ["FUNCTION", "DELETE", g.pick(["fuzzlib", "nosuch"])],
      () => ["FUNCTION", "FLUSH", ...(g.chance(0.3) ? [g.word("ASYNC", "SYNC", "LAZY")] : [])],
      () => ["FUNCTION", "LIST", ...g.options([() => [g.word("LIBRARYNAME"), g.pick(["fuzz*", "*", "nosuch"])], () => [g.word("WITHCODE")]], 2)],
      () => ["FUNCTION", "LOAD", LIBRARY],
    ])(),
  evalsha: (g) => {
    const n = g.int(0, 2);
    return [g.pick(["EVALSHA", "EVALSHA", "EVALSHA_RO"]), g.pick(SHAS), g.numkeys(n), ...g.slotKeys(n), ...g.members(0, 2)];
  },
};

const GROUPS: Record<string, Maker>[] = [STRINGS, KEYSPACE, HASHES, LISTS, SETS, ZSETS, SORTS, SCRIPTING, BITMAPS];
const MAKERS: Maker[] = GROUPS.flatMap((group) => Object.values(group));

/** A type-populating write for each type, so that reads and wrong-type errors meet real data. */
const SEEDERS: Maker[] = [STRINGS.set!, HASHES.hset!, LISTS.push!, SETS.sadd!, ZSETS.zadd!, ZSETS.zadd!];

/**
 * Not mangled: SPOP (it could pop at random), ZRANK/ZREVRANK (edgekv has 7.2's WITHSCORE, so
 * one more argument is no arity error there, by design).
 */
const NOT_MANGLED = new Set(["spop", "zrank", "zrevrank"]);

/**
 * One command, then sometimes mangled: an argument dropped, a junk one added, or one replaced
 * (never a command whose keys must share a slot: a junk key would be CROSSSLOT by design).
 */
export function command(g: Gen): Argv {
  g.slotBound = false;
  const argv = (g.chance(0.2) ? g.pick(SEEDERS) : g.pick(MAKERS))(g);
  const name = argv[0]!.toLowerCase();
  if (!g.chance(0.08) || g.slotBound || SCANS.has(name) || NOT_MANGLED.has(name)) return argv;
  g.irregular = true;
  const i = g.int(1, Math.max(1, argv.length - 1));
  switch (g.int(0, 2)) {
    case 0:
      argv.splice(i, 1);
      break;
    case 1:
      argv.splice(i, 0, g.pick(["NOSUCHOPT", "1", "-1", "abc", ""]));
      break;
    default:
      if (i < argv.length) argv[i] = g.pick(["abc", "-1", "0", "", "inf", "NOSUCHOPT"]);
  }
  return argv;
}

/**
 * A batch for a pipeline or a transaction: scans made whole (`wholeScan`); in a transaction,
 * never a keyspace-wide command together with one that reads before it writes across shards.
 */
function batch(g: Gen, multi: boolean, oneShard: boolean): Argv[] {
  g.oneShard = oneShard;
  const out: Argv[] = [];
  const n = g.int(1, 6);
  let wide = false;
  let gathered = false;
  while (out.length < n) {
    g.irregular = false;
    let c = command(g);
    const name = c[0]!.toLowerCase();
    if (oneShard && g.irregular) continue;
    if (multi && ((KEYSPACE_WIDE.has(name) && gathered) || (gatheredAcross(c) && wide))) continue;
    if (SCANS.has(name)) c = wholeScan(c);
    wide ||= KEYSPACE_WIDE.has(name);
    gathered ||= gatheredAcross(c);
    out.push(c);
  }
  g.oneShard = false;
  return out;
}

/** The next step of a run. */
export function step(g: Gen, opts: StepOptions = {}): Step {
  const r = g.rand();
  if (r < 0.1) return { kind: "pipeline", cmds: batch(g, false, false) };
  if (r < 0.2) return { kind: "multi", cmds: batch(g, true, !opts.crossShardTx) };
  return { kind: "single", cmd: command(g) };
}
