/**
 * XINFO STREAM, GROUPS, CONSUMERS and HELP (docs/streams.md): argv → store/stream-info.ts →
 * reply, with Redis 7.0's fields, in its order, as RESP2 flat arrays of names and values.
 *
 * Every subcommand but HELP first looks its key up (`ERR no such key`, WRONGTYPE), as Redis's
 * xinfoCommand does before it reads anything else: XINFO STREAM's options are read after.
 *
 * A group's lag follows Redis 7.0's streamReplyWithCGLag: 0 for a stream nothing was ever added
 * to; the stream's entries-added less the group's entries-read while that is known and no
 * deleted entry lies after its last-delivered ID; otherwise the same with entries-read
 * estimated from the stream's counters (commands/stream-groups.ts), nil when it cannot be.
 *
 * `radix-tree-keys` and `radix-tree-nodes` are those of the radix tree Redis would keep for the
 * stream's nodes (store/stream-info.ts); they differ from Redis's where its nodes would be cut
 * by `stream-node-max-bytes`, which edgekv does not model.
 */
import { text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, StreamErrors } from "../errors";
import { CommandError, int, status, type Reply } from "../reply";
import { SHARD_REPLY_MAX_BYTES, replyBytes } from "../reply-budget";
import { ENTRIES_READ_UNKNOWN, findGroup, type Group } from "../store/stream-groups";
import { consumerCount, consumersOf, eachConsumerPending, eachGroupPending, groupCount, groupsOf, pendingCount, radixTree } from "../store/stream-info";
import { MAX_ID, MIN_ID, compareIds, findStream, formatId, type Stream, type StreamEntry, type StreamId } from "../store/streams";
import { container, type CommandSpec } from "../table";
import { distanceFromFirstEverEntry } from "./stream-groups";
import { isWord, takeI64 } from "./streams";

const KEY_2 = { first: 2, last: 2, step: 1 };
/** XINFO STREAM FULL's default COUNT. */
const FULL_COUNT = 10;
const MAX_COUNT = BigInt(2 ** 53);

/** The stream at argv[2], or Redis's error: every subcommand but HELP starts here. */
function streamAt(ctx: ExecContext, argv: Arg[]): Stream {
  const s = findStream(ctx.keyspace, text(argv[2]!));
  if (!s) throw new CommandError(Errors.noSuchKey);
  return s;
}

/** A reply built piece by piece (each piece counted once), refused once it would exceed the shard's reply budget. */
function budget(): <T extends Reply>(r: T) => T {
  let size = 0;
  return (r) => {
    size += replyBytes(r);
    if (size > SHARD_REPLY_MAX_BYTES) throw new CommandError(Errors.replyTooLarge("xinfo", size, SHARD_REPLY_MAX_BYTES));
    return r;
  };
}

const entryReply = (e: StreamEntry): Reply => [formatId(e.id), e.fields];

/** Redis's streamRangeHasTombstones from `start` to the stream's end. */
function tombstonesFrom(s: Stream, start: StreamId): boolean {
  if (s.length === 0 || compareIds(s.maxDeleted, MIN_ID) === 0) return false;
  if (compareIds(s.firstId, s.maxDeleted) > 0) return false;
  return compareIds(start, s.maxDeleted) <= 0;
}

/** The group's lag (Redis's streamReplyWithCGLag), nil when it cannot be told. */
function lag(s: Stream, g: Group): Reply {
  if (s.entriesAdded === 0n) return 0;
  if (g.entriesRead !== ENTRIES_READ_UNKNOWN && !tombstonesFrom(s, g.lastId)) return int(s.entriesAdded - g.entriesRead);
  const read = distanceFromFirstEverEntry(s, g.lastId);
  return read === ENTRIES_READ_UNKNOWN ? null : int(s.entriesAdded - read);
}

const entriesRead = (g: Group): Reply => (g.entriesRead === ENTRIES_READ_UNKNOWN ? null : int(g.entriesRead));

// XINFO STREAM key [FULL [COUNT count]]
function xinfoStream(ctx: ExecContext, argv: Arg[]): Reply {
  const s = streamAt(ctx, argv);
  const opts = argv.slice(3);
  const full = opts.length > 0;
  let count = BigInt(FULL_COUNT);
  if (full) {
    const syntax = () => new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "xinfo"));
    if ((opts.length !== 1 && opts.length !== 3) || !isWord(opts[0], "full")) throw syntax();
    if (opts.length === 3) {
      if (!isWord(opts[1], "count")) throw syntax();
      count = takeI64(opts[2]!);
      if (count < 0n) count = BigInt(FULL_COUNT);
    }
  }
  const tree = radixTree(s);
  const out: Reply[] = [
    "length", s.length,
    "radix-tree-keys", tree.keys,
    "radix-tree-nodes", tree.nodes,
    "last-generated-id", formatId(s.lastId),
    "max-deleted-entry-id", formatId(s.maxDeleted),
    "entries-added", int(s.entriesAdded),
    "recorded-first-entry-id", formatId(s.firstId),
  ];
  const add = budget();
  if (!full) {
    let first: Reply = null;
    let last: Reply = null;
    s.range(MIN_ID, MAX_ID, 1, false, (e) => void (first = add(entryReply(e))));
    s.range(MIN_ID, MAX_ID, 1, true, (e) => void (last = add(entryReply(e))));
    out.push("groups", groupCount(s), "first-entry", first, "last-entry", last);
    return out;
  }
  // 0: everything (entries, and each list of pending entries).
  const limit = Number(count > MAX_COUNT ? MAX_COUNT : count);
  const entries: Reply[] = [];
  s.range(MIN_ID, MAX_ID, limit, false, (e) => void entries.push(add(entryReply(e))));
  const groups: Reply[] = groupsOf(s).map((g) => {
    const pending: Reply[] = [];
    eachGroupPending(g, limit, (p) => void pending.push(add([formatId(p.id), p.consumer, p.deliveryTime, p.deliveryCount])));
    const consumers: Reply[] = consumersOf(g).map((c) => {
      const own: Reply[] = [];
      eachConsumerPending(g, c.name, limit, (p) => void own.push(add([formatId(p.id), p.deliveryTime, p.deliveryCount])));
      return [...add(["name", c.name, "seen-time", c.seenTime, "pel-count", c.pending, "pending"]), own];
    });
    const head = add(["name", g.name, "last-delivered-id", formatId(g.lastId), "entries-read", entriesRead(g), "lag", lag(s, g), "pel-count", pendingCount(g), "pending"]);
    return [...head, pending, "consumers", consumers];
  });
  out.push("entries", entries, "groups", groups);
  return out;
}

// XINFO GROUPS key
function xinfoGroups(ctx: ExecContext, argv: Arg[]): Reply {
  const s = streamAt(ctx, argv);
  return groupsOf(s).map((g) => [
    "name", g.name,
    "consumers", consumerCount(g),
    "pending", pendingCount(g),
    "last-delivered-id", formatId(g.lastId),
    "entries-read", entriesRead(g),
    "lag", lag(s, g),
  ]);
}

// XINFO CONSUMERS key group
function xinfoConsumers(ctx: ExecContext, argv: Arg[]): Reply {
  const s = streamAt(ctx, argv);
  const name = text(argv[3]!);
  const g = findGroup(s, name);
  if (!g) throw new CommandError(StreamErrors.noGroup(name, text(argv[2]!)));
  return consumersOf(g).map((c) => ["name", c.name, "pending", c.pending, "idle", Math.max(0, ctx.now - c.seenTime)]);
}

const XINFO_HELP = [
  "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
  "HELP",
  "    Prints this help.",
];

// XINFO HELP
function xinfoHelp(): Reply {
  return XINFO_HELP.map(status);
}

export const streamInfoCommands: CommandSpec[] = [
  container("xinfo", "XINFO <subcommand> [<arg> [value] [opt] ...]", [
    { name: "xinfo|stream", arity: -3, flags: ["readonly"], keys: KEY_2, run: xinfoStream, summary: "XINFO STREAM key [FULL [COUNT count]]" },
    { name: "xinfo|groups", arity: 3, flags: ["readonly"], keys: KEY_2, run: xinfoGroups, summary: "XINFO GROUPS key" },
    { name: "xinfo|consumers", arity: 4, flags: ["readonly"], keys: KEY_2, run: xinfoConsumers, summary: "XINFO CONSUMERS key group" },
    { name: "xinfo|help", arity: 2, flags: ["loading", "stale"], run: xinfoHelp, summary: "XINFO HELP" },
  ]),
];
