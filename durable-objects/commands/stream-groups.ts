/**
 * Consumer-group commands: XGROUP, XREADGROUP, XACK, XPENDING (docs/streams.md), argv →
 * store/stream-groups.ts → reply, with Redis 7.0's order of checks and its errors.
 *
 * XGROUP's subcommands share Redis's prelude (xgroupCommand): the options after the ID, the
 * key's type, the missing key (unless MKSTREAM), and the missing group (SETID, CREATECONSUMER,
 * DELCONSUMER), before the subcommand's own work.
 */
import { text, type Arg } from "../args";
import { BLOCKED } from "../blocking/waiters";
import type { ExecContext } from "../context";
import { Errors, StreamErrors } from "../errors";
import { Notify } from "../pubsub/notify";
import { CommandError, err, OK, status, type Reply } from "../reply";
import { createGroup, ENTRIES_READ_UNKNOWN, findGroup, type Group } from "../store/stream-groups";
import { MAX_ID, MIN_ID, compareIds, createStream, findStream, formatId, nextId, previousId, type Stream, type StreamEntry, type StreamId } from "../store/streams";
import { KeyType } from "../store/keyspace";
import { keywordSpec } from "../key-specs";
import { container, type CommandSpec } from "../table";
import { collector, isWord, parseBound, parseIdWith, parseStrictId, parseXreadOptions, takeI64, xreadKeys } from "./streams";

const KEY_2 = { first: 2, last: 2, step: 1 };
const ONE_KEY = { first: 1, last: 1, step: 1 };
const MAX_COUNT = BigInt(2 ** 53);

interface Prelude {
  key: string;
  stream: Stream | null;
  group: Group | null;
  mkstream: boolean;
  entriesRead: bigint;
}

/** Redis's xgroupCommand before its dispatch, for every subcommand but HELP. */
function prelude(ctx: ExecContext, argv: Arg[]): Prelude {
  const sub = text(argv[1]!).toLowerCase();
  const create = sub === "create";
  let mkstream = false;
  let entriesRead = ENTRIES_READ_UNKNOWN;
  for (let i = 5; i < argv.length; ) {
    if (create && isWord(argv[i], "mkstream")) {
      mkstream = true;
      i++;
    } else if ((create || sub === "setid") && isWord(argv[i], "entriesread") && i + 1 < argv.length) {
      entriesRead = takeI64(argv[i + 1]!);
      if (entriesRead < 0n && entriesRead !== ENTRIES_READ_UNKNOWN) throw new CommandError(StreamErrors.entriesReadNegative);
      i += 2;
    } else throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "xgroup"));
  }
  const key = text(argv[2]!);
  const stream = findStream(ctx.keyspace, key);
  const name = text(argv[3]!);
  let group: Group | null = null;
  if (!mkstream) {
    if (!stream) throw new CommandError(StreamErrors.xgroupKeyRequired);
    group = findGroup(stream, name);
    if (!group && (sub === "setid" || sub === "createconsumer" || sub === "delconsumer")) throw new CommandError(StreamErrors.noGroup(name, key));
  }
  return { key, stream, group, mkstream, entriesRead };
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
function xgroupCreate(ctx: ExecContext, argv: Arg[]): Reply {
  const p = prelude(ctx, argv);
  if (argv.length > 8) throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "xgroup"));
  const id = text(argv[4]!) === "$" ? (p.stream?.lastId ?? MIN_ID) : parseStrictId(argv[4]!);
  const s = p.stream ?? createStream(ctx.keyspace, p.key);
  if (!createGroup(s, text(argv[3]!), id, p.entriesRead)) throw new CommandError(StreamErrors.busyGroup);
  ctx.keyspace.notify(Notify.Stream, "xgroup-create", p.key);
  return OK;
}

// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
function xgroupSetid(ctx: ExecContext, argv: Arg[]): Reply {
  const p = prelude(ctx, argv);
  if (argv.length !== 5 && argv.length !== 7) throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "xgroup"));
  const g = p.group!;
  g.lastId = text(argv[4]!) === "$" ? p.stream!.lastId : parseIdWith(argv[4]!, 0n, false).id;
  g.entriesRead = p.entriesRead;
  g.save();
  ctx.keyspace.notify(Notify.Stream, "xgroup-setid", p.key);
  return OK;
}

// XGROUP DESTROY key group
function xgroupDestroy(ctx: ExecContext, argv: Arg[]): Reply {
  const p = prelude(ctx, argv);
  if (!p.group) return 0;
  p.group.destroy();
  ctx.keyspace.notify(Notify.Stream, "xgroup-destroy", p.key);
  // Readers blocked on the group are answered NOGROUP.
  ctx.keyspace.signalReady(p.key);
  return 1;
}

// XGROUP CREATECONSUMER key group consumer
function xgroupCreateConsumer(ctx: ExecContext, argv: Arg[]): Reply {
  const p = prelude(ctx, argv);
  if (!p.group!.createConsumer(text(argv[4]!), ctx.now)) return 0;
  ctx.keyspace.notify(Notify.Stream, "xgroup-createconsumer", p.key);
  return 1;
}

// XGROUP DELCONSUMER key group consumer
function xgroupDelConsumer(ctx: ExecContext, argv: Arg[]): Reply {
  const p = prelude(ctx, argv);
  const pending = p.group!.deleteConsumer(text(argv[4]!));
  if (pending === null) return 0;
  ctx.keyspace.notify(Notify.Stream, "xgroup-delconsumer", p.key);
  return pending;
}

const XGROUP_HELP = [
  "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
  "HELP",
  "    Prints this help.",
];

// XGROUP HELP
function xgroupHelp(): Reply {
  return XGROUP_HELP.map(status);
}

/**
 * Entries-read of a group after reading `id` (Redis's streamReplyWithRange): counted on while
 * it is known and no deleted entry lies ahead, otherwise estimated from the stream's counters.
 */
function entriesReadAfter(s: Stream, g: Group, id: StreamId): bigint {
  const tombstonesAhead = s.length > 0 && compareIds(s.maxDeleted, MIN_ID) !== 0 && compareIds(s.firstId, s.maxDeleted) <= 0 && compareIds(id, s.maxDeleted) <= 0;
  if (g.entriesRead !== ENTRIES_READ_UNKNOWN && !tombstonesAhead) return g.entriesRead + 1n;
  if (s.entriesAdded === 0n) return g.entriesRead;
  return distanceFromFirstEverEntry(s, id);
}

/** Redis's streamEstimateDistanceFromFirstEverEntry. */
export function distanceFromFirstEverEntry(s: Stream, id: StreamId): bigint {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const last = compareIds(id, s.lastId);
  if (last === 0) return s.entriesAdded;
  if (last > 0) return ENTRIES_READ_UNKNOWN;
  const first = compareIds(id, s.firstId);
  if (compareIds(s.maxDeleted, MIN_ID) === 0 || compareIds(s.maxDeleted, s.firstId) < 0) {
    if (first < 0) return s.entriesAdded - BigInt(s.length);
    if (first === 0) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return ENTRIES_READ_UNKNOWN;
}

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key …] id [id …]
function xreadgroup(ctx: ExecContext, argv: Arg[]): Reply {
  const { count, block, noack, group, streamsAt, keys } = parseXreadOptions(ctx, argv, true);
  if (group === null) throw new CommandError(StreamErrors.missingGroup);
  const { name: groupName, consumer } = group;
  const ks = ctx.keyspace;
  // A blocked reader (all its IDs `>`) woken by one key reads that key only, as Redis 7.0 serves it.
  const serving = ctx.blocker?.serving;
  // Every key's type and group, and every ID, checked before anything is read, as Redis.
  const reads: { key: string; s: Stream; g: Group; after: StreamId | null }[] = [];
  for (let j = 0; j < keys; j++) {
    const key = text(argv[streamsAt + j]!);
    if (serving !== undefined && key !== serving) continue;
    const s = findStream(ks, key);
    const g = s ? findGroup(s, groupName) : null;
    if (!s || !g) throw new CommandError(serving !== undefined ? StreamErrors.noGroupBlocked : StreamErrors.noGroupXreadgroup(key, groupName));
    const idArg = argv[streamsAt + keys + j]!;
    const idText = text(idArg);
    if (idText === "$") throw new CommandError(StreamErrors.dollarInXreadgroup);
    if (idText === "+") throw new CommandError(StreamErrors.plusInXreadgroup);
    // `>` (and the largest ID, which Redis reads as `>`): entries never delivered to the group.
    const id = idText === ">" ? MAX_ID : parseStrictId(idArg);
    reads.push({ key, s, g, after: compareIds(id, MAX_ID) === 0 ? null : id });
  }
  const limit = count > MAX_COUNT ? 2 ** 53 : Number(count);
  const c = collector("xreadgroup");
  const out: Reply[] = [];
  // Writes wait until the whole reply is known (it may be refused as too large).
  const writes: (() => void)[] = [];
  for (const { key, s, g, after } of reads) {
    // Served, Redis 7.0 compares the stream's last ID: an XADD trimmed away at once still answers, with no entries.
    const top = serving !== undefined ? s.lastId : s.length === 0 ? null : s.lastEntryId();
    if (after === null && (top === null || compareIds(top, g.lastId) <= 0)) continue;
    writes.push(() => {
      if (g.touchConsumer(consumer, ctx.now)) ks.notify(Notify.Stream, "xgroup-createconsumer", key);
    });
    if (after !== null) {
      // The consumer's history: its pending entries after `after`, a deleted one as its ID and nil.
      const from = nextId(after);
      const items: Reply[] = [];
      if (from) {
        for (const id of g.consumerPending(consumer, from, limit)) {
          let found: StreamEntry | null = null;
          s.range(id, id, 1, false, (e) => {
            found = e;
          });
          if (found) {
            const before = c.out.length;
            c.each(found);
            items.push(c.out[before]!);
            writes.push(() => g.redeliver(id, ctx.now));
          } else items.push([formatId(id), null]);
        }
      }
      out.push([key, items]);
      continue;
    }
    const before = c.out.length;
    const ids: StreamId[] = [];
    s.range(nextId(g.lastId)!, MAX_ID, limit, false, (e) => {
      c.each(e);
      ids.push(e.id);
    });
    out.push([key, c.out.slice(before)]);
    writes.push(() => {
      for (const id of ids) {
        g.entriesRead = entriesReadAfter(s, g, id);
        g.lastId = id;
        if (!noack) g.deliver(id, consumer, ctx.now);
      }
      g.save();
    });
  }
  for (const w of writes) w();
  if (out.length > 0) return out;
  // Nothing new: without BLOCK (or where nothing may wait) a nil reply; with it the reader waits
  // for an XADD to one of its keys, the destruction of its group, or of a key (docs/blocking.md).
  if (block === null) return null;
  const names = argv.slice(streamsAt, streamsAt + keys).map(text);
  return ctx.blocker?.block(argv, names, KeyType.Stream, Number(block), undefined, err(StreamErrors.keyGoneBlocked)) ? BLOCKED : null;
}

// XACK key group id [id …]
function xack(ctx: ExecContext, argv: Arg[]): Reply {
  const s = findStream(ctx.keyspace, text(argv[1]!));
  const g = s ? findGroup(s, text(argv[2]!)) : null;
  if (!g) return 0;
  const ids = argv.slice(3).map(parseStrictId);
  let acked = 0;
  for (const id of ids) if (g.ack(id)) acked++;
  return acked;
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
function xpending(ctx: ExecContext, argv: Arg[]): Reply {
  const n = argv.length;
  if (n !== 3 && (n < 6 || n > 9)) throw new CommandError(Errors.syntax);
  let range: { start: StreamId; end: StreamId; count: bigint; consumer: string | null; minIdle: bigint } | null = null;
  if (n >= 6) {
    let at = 3;
    let minIdle = 0n;
    if (isWord(argv[3], "idle")) {
      minIdle = takeI64(argv[4]!);
      if (n < 8) throw new CommandError(Errors.syntax);
      at += 2;
    }
    let count = takeI64(argv[at + 2]!);
    if (count < 0n) count = 0n;
    const start = parseBound(argv[at]!, 0n);
    let from: StreamId | null = start.id;
    if (start.exclusive && !(from = nextId(start.id))) throw new CommandError(StreamErrors.invalidStart);
    const end = parseBound(argv[at + 1]!, MAX_ID.seq);
    let to: StreamId | null = end.id;
    if (end.exclusive && !(to = previousId(end.id))) throw new CommandError(StreamErrors.invalidEnd);
    range = { start: from, end: to, count, consumer: at + 3 < n ? text(argv[at + 3]!) : null, minIdle };
  }
  const key = text(argv[1]!);
  const groupName = text(argv[2]!);
  const s = findStream(ctx.keyspace, key);
  const g = s ? findGroup(s, groupName) : null;
  if (!g) throw new CommandError(StreamErrors.noGroupXpending(key, groupName));
  if (!range) {
    const sum = g.summary();
    if (sum.count === 0) return [0, null, null, null];
    return [sum.count, formatId(sum.first!), formatId(sum.last!), sum.consumers.map(([name, k]) => [name, String(k)])];
  }
  if (range.consumer !== null && !g.hasConsumer(range.consumer)) return [];
  const count = range.count > MAX_COUNT ? 2 ** 53 : Number(range.count);
  // A negative IDLE filters nothing, as Redis compares every idle time with it.
  const minIdle = range.minIdle > 0n ? Number(range.minIdle > MAX_COUNT ? MAX_COUNT : range.minIdle) : 0;
  return g
    .pendingRange(range.start, range.end, count, range.consumer, minIdle, ctx.now)
    .map((p) => [formatId(p.id), p.consumer, Math.max(0, ctx.now - p.deliveryTime), p.deliveryCount]);
}

export const streamGroupCommands: CommandSpec[] = [
  container("xgroup", "XGROUP <subcommand> [<arg> [value] [opt] ...]", [
    { name: "xgroup|create", arity: -5, flags: ["write", "denyoom"], keys: KEY_2, run: xgroupCreate, summary: "XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]" },
    { name: "xgroup|setid", arity: -5, flags: ["write"], keys: KEY_2, run: xgroupSetid, summary: "XGROUP SETID key group id|$ [ENTRIESREAD entries-read]" },
    { name: "xgroup|destroy", arity: 4, flags: ["write"], keys: KEY_2, run: xgroupDestroy, summary: "XGROUP DESTROY key group" },
    { name: "xgroup|createconsumer", arity: 5, flags: ["write", "denyoom"], keys: KEY_2, run: xgroupCreateConsumer, summary: "XGROUP CREATECONSUMER key group consumer" },
    { name: "xgroup|delconsumer", arity: 5, flags: ["write"], keys: KEY_2, run: xgroupDelConsumer, summary: "XGROUP DELCONSUMER key group consumer" },
    { name: "xgroup|help", arity: 2, flags: ["loading", "stale"], run: xgroupHelp, summary: "XGROUP HELP" },
  ]),
  { name: "xreadgroup", arity: -7, flags: ["write", "blocking"], keys: xreadKeys, keySpecs: [keywordSpec(["RO", "access"], "STREAMS", 4, -1, 1, 2)], run: xreadgroup, summary: "XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]" },
  { name: "xack", arity: -4, flags: ["write", "fast"], keys: ONE_KEY, run: xack, summary: "XACK key group id [id ...]" },
  { name: "xpending", arity: -3, flags: ["readonly"], keys: ONE_KEY, run: xpending, summary: "XPENDING key group [[IDLE min-idle-time] start end count [consumer]]" },
];
