/**
 * Stream commands: argv → typed arguments → store/streams.ts → reply (docs/streams.md).
 *
 * IDs are parsed as Redis's streamGenericParseIDOrReply: `<ms>-<seq>` or `<ms>` (the sequence
 * then 0 for a start, the largest for an end), each part as Redis's string2ull (strtoull's
 * leading blanks and sign included), `-` and `+` where a range allows them, `(` for an
 * exclusive bound, `<ms>-*` in XADD only.
 *
 * XREAD's keys must share a slot, as in Redis Cluster: the reply for several keys is one
 * snapshot, and a read served from several shards at different moments would not be.
 */
import { bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, StreamErrors } from "../errors";
import { Notify } from "../pubsub/notify";
import { BLOCKED } from "../blocking/waiters";
import { CommandError, OK, type Reply } from "../reply";
import { KeyType } from "../store/keyspace";
import { SHARD_REPLY_MAX_BYTES, replyBytes } from "../reply-budget";
import {
  MAX_ID,
  MIN_ID,
  U64_MAX,
  compareIds,
  createStream,
  findStream,
  formatId,
  nextId,
  previousId,
  type IdRequest,
  type StreamEntry,
  type StreamId,
  type TrimRequest,
} from "../store/streams";
import type { RefPolicy } from "../store/stream-refs";
import { keywordSpec } from "../key-specs";
import type { CommandSpec } from "../table";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** The most bytes one range reply may hold (the shard's reply budget for a batch). */
const RANGE_MAX_BYTES = SHARD_REPLY_MAX_BYTES;

/**
 * An unsigned 64-bit integer as Redis's string2ull reads it: a strict decimal when it is one
 * (a negative one refused), otherwise strtoull's reading (leading blanks, a sign, digits; a
 * `-` negates modulo 2^64); null when neither reads the whole text or it overflows.
 */
export function parseU64(s: string): bigint | null {
  if (/^(0|-?[1-9][0-9]*)$/.test(s)) {
    const v = BigInt(s);
    if (v >= -(1n << 63n) && v < 1n << 63n) return v < 0n ? null : v;
  }
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]!);
  if (v > U64_MAX) return null;
  return m[1] === "-" && v !== 0n ? (1n << 64n) - v : v;
}

interface ParsedId {
  id: StreamId;
  /** False for `<ms>-*` (XADD picks the sequence). */
  seqGiven: boolean;
}

/**
 * An ID argument: `strict` refuses `-` and `+`; `missingSeq` is the sequence of a bare `<ms>`;
 * `seqStar` allows `<ms>-*`.
 */
export function parseIdWith(a: Arg, missingSeq: bigint, strict: boolean, seqStar = false): ParsedId {
  const raw = bytes(a);
  if (raw.byteLength > 127) throw new CommandError(StreamErrors.invalidId);
  const s = text(a);
  if (s === "-" || s === "+") {
    if (strict) throw new CommandError(StreamErrors.invalidId);
    return { id: s === "-" ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = s.indexOf("-");
  const ms = parseU64(dash < 0 ? s : s.slice(0, dash));
  if (ms === null) throw new CommandError(StreamErrors.invalidId);
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const rest = s.slice(dash + 1);
  if (seqStar && rest === "*") return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) throw new CommandError(StreamErrors.invalidId);
  return { id: { ms, seq }, seqGiven: true };
}

/** A strict ID (no `-`/`+`), a bare `<ms>` meaning `<ms>-0`. */
export function parseStrictId(a: Arg): StreamId {
  return parseIdWith(a, 0n, true).id;
}

/** One bound of a range: `(` makes it exclusive (Redis's streamParseIntervalIDOrReply). */
export function parseBound(a: Arg, missingSeq: bigint): { id: StreamId; exclusive: boolean } {
  const s = text(a);
  if (s.length > 1 && s[0] === "(") return { id: parseIdWith(s.slice(1), missingSeq, true).id, exclusive: true };
  return { id: parseIdWith(a, missingSeq, false).id, exclusive: false };
}

/** A signed 64-bit integer argument, with Redis's getLongLongFromObjectOrReply error. */
export function takeI64(a: Arg): bigint {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(Errors.notInteger);
  return v;
}

export const isWord = (a: Arg | undefined, w: string) => a !== undefined && text(a).toLowerCase() === w;

interface AddOrTrim {
  trim: TrimRequest | null;
  noMkStream: boolean;
  /** XADD: the index of the ID argument (argv.length when there is none). */
  idPos: number;
  id: IdRequest;
}

/**
 * XADD's and XTRIM's options, as Redis's streamParseAddOrTrimArgsOrReply (same order of checks),
 * with Redis 8.2's KEEPREF | DELREF | ACKED (the last one given holds).
 */
function parseAddOrTrim(argv: Arg[], xadd: boolean): AddOrTrim {
  let strategy: TrimRequest["strategy"] | null = null;
  let approx = false;
  let maxlen = 0n;
  let minid = MIN_ID;
  let limit = 0n;
  let limitGiven = false;
  let noMkStream = false;
  let refs: RefPolicy = "keepref";
  let id: IdRequest = { kind: "auto" };
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = text(argv[i]!);
    const lower = opt.toLowerCase();
    if (xadd && opt === "*") break;
    if ((lower === "maxlen" || lower === "minid") && more > 0) {
      if (strategy !== null) throw new CommandError(StreamErrors.maxlenAndMinid);
      approx = false;
      const next = text(argv[i + 1]!);
      if (more >= 2 && next === "~") {
        approx = true;
        i++;
      } else if (more >= 2 && next === "=") i++;
      if (lower === "maxlen") {
        maxlen = takeI64(argv[i + 1]!);
        if (maxlen < 0n) throw new CommandError(StreamErrors.negativeMaxlen);
      } else minid = parseStrictId(argv[i + 1]!);
      i++;
      strategy = lower;
    } else if (lower === "limit" && more > 0) {
      limit = takeI64(argv[i + 1]!);
      if (limit < 0n) throw new CommandError(StreamErrors.negativeLimit);
      limitGiven = true;
      i++;
    } else if (lower === "keepref" || lower === "delref" || lower === "acked") {
      // Redis 8.2: what becomes of the references groups hold to trimmed entries.
      refs = lower;
    } else if (xadd && lower === "nomkstream") {
      noMkStream = true;
    } else if (xadd) {
      const p = parseIdWith(argv[i]!, 0n, true, true);
      id = p.seqGiven ? { kind: "exact", id: p.id } : { kind: "ms", ms: p.id.ms };
      break;
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  if (limit !== 0n && strategy === null) throw new CommandError(StreamErrors.limitWithoutStrategy);
  if (!xadd && strategy === null) throw new CommandError(StreamErrors.xtrimWithoutStrategy);
  if (limitGiven && !approx) throw new CommandError(StreamErrors.limitWithoutApprox);
  // `~` without LIMIT works on at most 100 nodes' worth (100 × stream-node-max-entries), as Redis.
  const work = limitGiven ? Number(limit > BigInt(2 ** 53) ? BigInt(2 ** 53) : limit) : approx ? 10_000 : 0;
  const trim = strategy === null ? null : { strategy, maxlen, minid, approx, limit: work, refs };
  return { trim, noMkStream, idPos: i, id };
}

/** An entry as Redis replies it: its ID and its fields and values. */
function entryReply(e: StreamEntry): Reply {
  return [formatId(e.id), e.fields];
}

/** Collects a range's entries, refusing a reply larger than RANGE_MAX_BYTES. */
export function collector(command: string): { out: Reply[]; each: (e: StreamEntry) => void } {
  const out: Reply[] = [];
  let size = 0;
  return {
    out,
    each(e) {
      const r = entryReply(e);
      size += replyBytes(r);
      if (size > RANGE_MAX_BYTES) throw new CommandError(Errors.replyTooLarge(command, size, RANGE_MAX_BYTES));
      out.push(r);
    },
  };
}

// XADD key [NOMKSTREAM] [KEEPREF|DELREF|ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value …]
function xadd(ctx: ExecContext, argv: Arg[]): Reply {
  const ks = ctx.keyspace;
  const key = text(argv[1]!);
  const opts = parseAddOrTrim(argv, true);
  const fieldPos = opts.idPos + 1;
  const pairs = argv.length - fieldPos;
  if (pairs < 2 || pairs % 2 === 1) throw new CommandError(Errors.wrongArity("xadd"));
  if (opts.id.kind === "exact" && compareIds(opts.id.id, MIN_ID) === 0) throw new CommandError(StreamErrors.xaddZero);
  let s = findStream(ks, key);
  if (!s) {
    if (opts.noMkStream) return null;
    s = createStream(ks, key);
  }
  if (compareIds(s.lastId, MAX_ID) === 0) throw new CommandError(StreamErrors.exhausted);
  const id = s.newId(opts.id, ctx.now);
  if (!id) throw new CommandError(StreamErrors.xaddNotGreater);
  s.append(id, argv.slice(fieldPos).map(bytes));
  ks.notify(Notify.Stream, "xadd", key);
  // Readers blocked on the stream may read now (a stream created here is signalled by its insert).
  ks.signalReady(key);
  if (opts.trim && s.trim(opts.trim) > 0) ks.notify(Notify.Stream, "xtrim", key);
  s.save();
  return formatId(id);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF|DELREF|ACKED]
function xtrim(ctx: ExecContext, argv: Arg[]): Reply {
  const opts = parseAddOrTrim(argv, false);
  const key = text(argv[1]!);
  const s = findStream(ctx.keyspace, key);
  if (!s) return 0;
  const deleted = s.trim(opts.trim!);
  if (deleted > 0) {
    s.save();
    ctx.keyspace.notify(Notify.Stream, "xtrim", key);
  }
  return deleted;
}

// XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count]
function rangeGeneric(reverse: boolean) {
  const name = reverse ? "xrevrange" : "xrange";
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const startArg = reverse ? argv[3]! : argv[2]!;
    const endArg = reverse ? argv[2]! : argv[3]!;
    const start = parseBound(startArg, 0n);
    let from: StreamId | null = start.id;
    if (start.exclusive && !(from = nextId(start.id))) throw new CommandError(StreamErrors.invalidStart);
    const end = parseBound(endArg, U64_MAX);
    let to: StreamId | null = end.id;
    if (end.exclusive && !(to = previousId(end.id))) throw new CommandError(StreamErrors.invalidEnd);
    let count = -1n;
    for (let j = 4; j < argv.length; j++) {
      if (isWord(argv[j], "count") && j + 1 < argv.length) {
        count = takeI64(argv[++j]!);
        if (count < 0n) count = 0n;
      } else throw new CommandError(Errors.syntax);
    }
    const s = findStream(ctx.keyspace, text(argv[1]!));
    if (!s) return [];
    if (count === 0n) return null;
    const c = collector(name);
    s.range(from, to, count < 0n ? 0 : Number(count > BigInt(2 ** 53) ? BigInt(2 ** 53) : count), reverse, c.each);
    return c.out;
  };
}

// XLEN key
function xlen(ctx: ExecContext, argv: Arg[]): Reply {
  return findStream(ctx.keyspace, text(argv[1]!))?.length ?? 0;
}

// XDEL key id [id …]
function xdel(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  const s = findStream(ctx.keyspace, key);
  if (!s) return 0;
  const ids = argv.slice(2).map(parseStrictId);
  const deleted = s.delete(ids);
  if (deleted > 0) {
    s.save();
    ctx.keyspace.notify(Notify.Stream, "xdel", key);
  }
  return deleted;
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
function xsetid(ctx: ExecContext, argv: Arg[]): Reply {
  const id = parseStrictId(argv[2]!);
  let entriesAdded = -1n;
  let maxDeleted = MIN_ID;
  for (let i = 3; i < argv.length; ) {
    const more = argv.length - 1 - i;
    if (isWord(argv[i], "entriesadded") && more > 0) {
      entriesAdded = takeI64(argv[i + 1]!);
      if (entriesAdded < 0n) throw new CommandError(StreamErrors.entriesAddedNegative);
      i += 2;
    } else if (isWord(argv[i], "maxdeletedid") && more > 0) {
      maxDeleted = parseStrictId(argv[i + 1]!);
      if (compareIds(id, maxDeleted) < 0) throw new CommandError(StreamErrors.xsetidBelowMaxDeleted);
      i += 2;
    } else throw new CommandError(Errors.syntax);
  }
  const key = text(argv[1]!);
  const s = findStream(ctx.keyspace, key);
  if (!s) throw new CommandError(Errors.noSuchKey);
  if (s.length > 0) {
    if (compareIds(id, s.lastEntryId()) < 0) throw new CommandError(StreamErrors.xsetidBelowTop);
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) throw new CommandError(StreamErrors.xsetidEntriesAdded);
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (compareIds(maxDeleted, MIN_ID) !== 0) s.maxDeleted = maxDeleted;
  s.save();
  ctx.keyspace.notify(Notify.Stream, "xsetid", key);
  return OK;
}

/** Where XREAD's keys are: after STREAMS, the first half of what follows (Redis's xreadGetKeys). */
export function xreadKeys(argv: Arg[]): number[] {
  let streams = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = text(argv[i]!).toLowerCase();
    if (a === "block" || a === "count") i++;
    else if (a === "group") i += 2;
    else if (a === "noack") continue;
    else if (a === "streams") {
      streams = i;
      break;
    } else break;
  }
  const n = argv.length - streams - 1;
  if (streams < 0 || n === 0 || n % 2 !== 0) return [];
  return Array.from({ length: n / 2 }, (_, j) => streams + 1 + j);
}

/** XREAD's key spec as Redis 7.0 declares it: after STREAMS (looked for from argv[1]), the first half of what follows. */
const XREAD_KEYS = keywordSpec(["RO", "access"], "STREAMS", 1, -1, 1, 2);

/** XREAD's and XREADGROUP's options, parsed in Redis's order (its xreadCommand serves both). */
export interface XreadOptions {
  count: bigint;
  block: bigint | null;
  noack: boolean;
  /** XREADGROUP's GROUP group consumer (null for XREAD, or when missing). */
  group: { name: string; consumer: string } | null;
  /** Where STREAMS' keys start, and how many there are. */
  streamsAt: number;
  keys: number;
}

/** Parses XREAD's (`group` false) or XREADGROUP's options; GROUP and NOACK are XREADGROUP's only. */
export function parseXreadOptions(ctx: ExecContext, argv: Arg[], group: boolean): XreadOptions {
  const o: XreadOptions = { count: 0n, block: null, noack: false, group: null, streamsAt: 0, keys: 0 };
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const word = text(argv[i]!).toLowerCase();
    if (word === "block" && more > 0) {
      if (ctx.inScript) throw new CommandError(StreamErrors.blockInScript(text(argv[0]!)));
      const t = parseI64(text(argv[++i]!));
      if (t === null) throw new CommandError(StreamErrors.timeoutNotFloat);
      if (t < 0n) throw new CommandError(StreamErrors.timeoutNegative);
      o.block = t;
    } else if (word === "count" && more > 0) {
      o.count = takeI64(argv[++i]!);
      if (o.count < 0n) o.count = 0n;
    } else if (word === "streams" && more > 0) {
      o.streamsAt = i + 1;
      const n = argv.length - o.streamsAt;
      if (n % 2 !== 0) throw new CommandError(StreamErrors.unbalancedXread);
      o.keys = n / 2;
      break;
    } else if (word === "group" && more >= 2) {
      if (!group) throw new CommandError(StreamErrors.groupOnlyXreadgroup);
      o.group = { name: text(argv[i + 1]!), consumer: text(argv[i + 2]!) };
      i += 2;
    } else if (word === "noack") {
      if (!group) throw new CommandError(StreamErrors.noackOnlyXreadgroup);
      o.noack = true;
    } else throw new CommandError(Errors.syntax);
  }
  if (o.streamsAt === 0) throw new CommandError(Errors.syntax);
  return o;
}

/**
 * What XREAD reads after for `+` (Redis 7.4, as fixed in 7.4.2): the ID before the last entry,
 * so the last entry is read; an empty stream's last ID and a missing key's 0-0, as `$`.
 */
function beforeLastEntry(s: ReturnType<typeof findStream>): StreamId {
  if (!s) return MIN_ID;
  if (s.length === 0) return s.lastId;
  return previousId(s.lastEntryId()) ?? MIN_ID;
}

// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key …] id|$|+ [id|$|+ …]
function xread(ctx: ExecContext, argv: Arg[]): Reply {
  const { count, block, streamsAt, keys } = parseXreadOptions(ctx, argv, false);
  const ks = ctx.keyspace;
  // Every ID is read (and every key's type checked) before anything is answered, as Redis.
  const after: (StreamId | null)[] = [];
  for (let j = 0; j < keys; j++) {
    const key = text(argv[streamsAt + j]!);
    const s = findStream(ks, key);
    const idArg = argv[streamsAt + keys + j]!;
    const idText = text(idArg);
    if (idText === "$") after.push(s ? s.lastId : MIN_ID);
    else if (idText === "+") after.push(beforeLastEntry(s));
    else if (idText === ">") throw new CommandError(StreamErrors.greaterOnlyXreadgroup);
    else after.push(parseStrictId(idArg));
  }
  const out: Reply[] = [];
  const c = collector("xread");
  const limit = count > BigInt(2 ** 53) ? 2 ** 53 : Number(count);
  // A blocked reader woken by one key answers that key's entries only (Redis 7.0's serve).
  const serving = ctx.blocker?.serving;
  for (let j = 0; j < keys; j++) {
    const key = text(argv[streamsAt + j]!);
    if (serving !== undefined && key !== serving) continue;
    const s = findStream(ks, key);
    if (!s) continue;
    const gt = after[j]!;
    // Served, Redis 7.0 compares the stream's last ID: an XADD trimmed away at once still answers, with no entries.
    const top = serving !== undefined ? s.lastId : s.length === 0 ? null : s.lastEntryId();
    if (top === null || compareIds(top, gt) <= 0) continue;
    const start = nextId(gt)!;
    const from = c.out.length;
    s.range(start, MAX_ID, limit, false, c.each);
    out.push([key, c.out.slice(from)]);
  }
  if (out.length > 0) return out;
  // Nothing to read now: without BLOCK (or where nothing may wait) a nil reply; with it the
  // reader waits for an XADD to one of its keys (docs/blocking.md). It is run again when served,
  // with each `$` and `+` resolved now, so it gets only the entries added after it blocked.
  if (block === null) return null;
  const rerun = argv.slice();
  for (let j = 0; j < keys; j++) {
    const idText = text(argv[streamsAt + keys + j]!);
    if (idText === "$" || idText === "+") rerun[streamsAt + keys + j] = formatId(after[j]!);
  }
  const names = argv.slice(streamsAt, streamsAt + keys).map(text);
  return ctx.blocker?.block(argv, names, KeyType.Stream, Number(block), rerun) ? BLOCKED : null;
}

export const streamCommands: CommandSpec[] = [
  { name: "xadd", arity: -5, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: xadd, summary: "XADD key [NOMKSTREAM] [KEEPREF | DELREF | ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]" },
  { name: "xtrim", arity: -4, flags: ["write"], keys: ONE_KEY, run: xtrim, summary: "XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF | DELREF | ACKED]" },
  { name: "xrange", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric(false), summary: "XRANGE key start end [COUNT count]" },
  { name: "xrevrange", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: rangeGeneric(true), summary: "XREVRANGE key end start [COUNT count]" },
  { name: "xlen", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, run: xlen, summary: "XLEN key" },
  { name: "xdel", arity: -3, flags: ["write", "fast"], keys: ONE_KEY, run: xdel, summary: "XDEL key id [id ...]" },
  { name: "xsetid", arity: -3, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, run: xsetid, summary: "XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]" },
  { name: "xread", arity: -4, flags: ["readonly", "blocking"], keys: xreadKeys, keySpecs: [XREAD_KEYS], run: xread, summary: "XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]" },
];
