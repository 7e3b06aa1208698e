/**
 * XCLAIM and XAUTOCLAIM (docs/streams.md): pending entries of a consumer group change owner,
 * argv → store/stream-groups.ts → reply, with Redis 7.0's order of checks and its errors.
 *
 * - An entry deleted from the stream (XDEL, a trim) since it was delivered leaves the pending
 *   entries list when either command meets it, as in Redis 7.0: XCLAIM leaves it out of its
 *   reply, XAUTOCLAIM lists it in the third element of its reply.
 * - A claimed entry moves to the consumer, delivered now (or at XCLAIM's IDLE / TIME), its
 *   count one more unless JUSTID (or set by RETRYCOUNT). min-idle-time 0 (or negative) claims
 *   whatever the idle time.
 * - The consumer is created (and its seen time set) only when an entry is claimed; its creation
 *   is notified as `xgroup-createconsumer`, after the reply is known to fit.
 * - Times are the batch's clock.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, StreamErrors } from "../errors";
import { Notify } from "../pubsub/notify";
import { CommandError, type Reply } from "../reply";
import { findGroup, type ClaimCount, type Group } from "../store/stream-groups";
import { compareIds, findStream, formatId, MIN_ID, nextId, type Stream, type StreamId } from "../store/streams";
import { rangeSpec } from "../key-specs";
import type { CommandSpec } from "../table";
import { collector, parseBound, parseStrictId } from "./streams";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** XAUTOCLAIM's largest COUNT: Redis's LONG_MAX / max(sizeof(streamID), attempts factor). */
const MAX_AUTOCLAIM_COUNT = (2n ** 63n - 1n) / 16n;
/** XAUTOCLAIM examines at most COUNT × this many pending entries. */
const ATTEMPTS_FACTOR = 10n;
/** Pending entries XAUTOCLAIM reads per query. */
const PAGE = 128;

/** A signed 64-bit argument, or `message` as the error. */
function takeI64Or(a: Arg, message: string): bigint {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(message);
  return v;
}

/** A min-idle-time argument: negative is 0; as a number (no idle time reaches 2^53). */
function minIdleArg(a: Arg, cmd: "XCLAIM" | "XAUTOCLAIM"): number {
  const v = takeI64Or(a, StreamErrors.invalidMinIdle(cmd));
  return v <= 0n ? 0 : v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** A strict ID, or null where it does not parse (XCLAIM's IDs end at the first such argument). */
function strictIdOrNull(a: Arg): StreamId | null {
  try {
    return parseStrictId(a);
  } catch (e) {
    if (e instanceof CommandError) return null;
    throw e;
  }
}

/** The stream and its group, as both commands look them up: WRONGTYPE, then NOGROUP (XPENDING's text). */
function streamAndGroup(ctx: ExecContext, argv: Arg[]): { key: string; s: Stream; g: Group } {
  const key = text(argv[1]!);
  const groupName = text(argv[2]!);
  const s = findStream(ctx.keyspace, key);
  const g = s ? findGroup(s, groupName) : null;
  if (!s || !g) throw new CommandError(StreamErrors.noGroupXpending(key, groupName));
  return { key, s, g };
}

/**
 * Claims for one command: the consumer created or touched at the first claim, each claimed
 * entry added to the reply (its ID with JUSTID, else the entry through the reply budget).
 */
function claimer(ctx: ExecContext, g: Group, consumer: string, justid: boolean, command: string) {
  const entries = collector(command);
  const ids: Reply[] = [];
  let touched = false;
  let created = false;
  return {
    /** Claims `id` (in the stream) for the consumer; reads the entry only when the reply shows it. */
    claim(s: Stream, id: StreamId, time: number, count: ClaimCount): void {
      if (!touched) {
        touched = true;
        created = g.touchConsumer(consumer, ctx.now);
      }
      g.claim(id, consumer, time, count);
      if (justid) ids.push(formatId(id));
      else s.range(id, id, 1, false, entries.each);
    },
    reply: (): Reply[] => (justid ? ids : entries.out),
    /** After the reply is known: the consumer's creation. */
    notify(key: string): void {
      if (created) ctx.keyspace.notify(Notify.Stream, "xgroup-createconsumer", key);
    },
  };
}

// XCLAIM key group consumer min-idle-time id [id …] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
function xclaim(ctx: ExecContext, argv: Arg[]): Reply {
  const { key, s, g } = streamAndGroup(ctx, argv);
  const minIdle = minIdleArg(argv[4]!, "XCLAIM");
  // The IDs run up to the first argument that is not one; the options follow.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = strictIdOrNull(argv[j]!);
    if (!id) break;
    ids.push(id);
  }
  const now = ctx.now;
  const nowMs = BigInt(Math.floor(now));
  let force = false;
  let justid = false;
  let deliveryTime: bigint | null = null;
  let retryCount = -1n;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = text(argv[j]!);
    const lower = opt.toLowerCase();
    if (lower === "force") force = true;
    else if (lower === "justid") justid = true;
    else if (lower === "idle" && more > 0) deliveryTime = nowMs - takeI64Or(argv[++j]!, StreamErrors.xclaimInvalidOption("IDLE"));
    else if (lower === "time" && more > 0) deliveryTime = takeI64Or(argv[++j]!, StreamErrors.xclaimInvalidOption("TIME"));
    else if (lower === "retrycount" && more > 0) retryCount = takeI64Or(argv[++j]!, StreamErrors.xclaimInvalidOption("RETRYCOUNT"));
    else if (lower === "lastid" && more > 0) lastId = parseStrictId(argv[++j]!);
    else throw new CommandError(StreamErrors.xclaimUnrecognized(opt));
  }
  // LASTID only moves the group's last-delivered ID forward, claimed or not.
  if (compareIds(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    g.save();
  }
  // A delivery time before the epoch or after now is now, as Redis takes it rather than failing.
  const time = deliveryTime === null || deliveryTime < 0n || deliveryTime > nowMs ? now : Number(deliveryTime);
  const count: ClaimCount = retryCount >= 0n ? retryCount : justid ? "keep" : "increment";
  const c = claimer(ctx, g, text(argv[3]!), justid, "xclaim");
  for (const id of ids) {
    const pending = g.pendingEntry(id);
    if (!g.inStream(id)) {
      // Deleted from the stream since it was delivered: it leaves the pending list.
      if (pending) g.ack(id);
      continue;
    }
    if (!pending && !force) continue;
    // An entry FORCE creates is claimed whatever min-idle-time says.
    if (pending && minIdle > 0 && now - pending.deliveryTime < minIdle) continue;
    c.claim(s, id, time, count);
  }
  c.notify(key);
  return c.reply();
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
function xautoclaim(ctx: ExecContext, argv: Arg[]): Reply {
  // Arguments are read before the key, as Redis reports syntax errors first.
  const minIdle = minIdleArg(argv[4]!, "XAUTOCLAIM");
  const start = parseBound(argv[5]!, 0n);
  let from: StreamId | null = start.id;
  if (start.exclusive && !(from = nextId(start.id))) throw new CommandError(StreamErrors.invalidStart);
  let limit = 100n;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const lower = text(argv[j]!).toLowerCase();
    if (lower === "count" && more > 0) {
      const v = parseI64(text(argv[++j]!));
      if (v === null || v < 1n || v > MAX_AUTOCLAIM_COUNT) throw new CommandError(StreamErrors.xautoclaimCount);
      limit = v;
    } else if (lower === "justid") justid = true;
    else throw new CommandError(Errors.syntax);
  }
  const { key, s, g } = streamAndGroup(ctx, argv);
  const now = ctx.now;
  const safe = (v: bigint) => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v));
  let count = safe(limit);
  let attempts = safe(limit * ATTEMPTS_FACTOR);
  const c = claimer(ctx, g, text(argv[3]!), justid, "xautoclaim");
  const deleted: string[] = [];
  // The group's pending entries from `start` on, in ID order, a page at a time; each costs one
  // attempt, a deleted or claimed one also one of COUNT.
  let next: StreamId | null = from;
  walk: while (next && attempts > 0 && count > 0) {
    // No more than COUNT could still take: a full claim reads no row it does not claim.
    const page = g.pendingFrom(next, Math.min(PAGE, attempts, count));
    if (page.length === 0) {
      next = null;
      break;
    }
    for (const p of page) {
      if (attempts === 0 || count === 0) break walk;
      attempts--;
      next = nextId(p.id);
      if (!g.inStream(p.id)) {
        g.ack(p.id);
        deleted.push(formatId(p.id));
        count--;
        continue;
      }
      if (minIdle > 0 && now - p.deliveryTime < minIdle) continue;
      c.claim(s, p.id, now, justid ? "keep" : "increment");
      count--;
    }
  }
  // The cursor: the first pending entry after the last one examined, 0-0 when there is none.
  const cursor = next ? (g.pendingFrom(next, 1)[0]?.id ?? MIN_ID) : MIN_ID;
  c.notify(key);
  return [formatId(cursor), c.reply(), deleted];
}

export const streamClaimCommands: CommandSpec[] = [
  {
    name: "xclaim",
    arity: -6,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    run: xclaim,
    summary: "XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]",
  },
  {
    name: "xautoclaim",
    arity: -6,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RW", "delete"], 1)],
    run: xautoclaim,
    summary: "XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]",
  },
];
