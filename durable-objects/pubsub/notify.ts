/**
 * Keyspace notifications (`notify-keyspace-events`), as Redis's notify.c: a write publishes its
 * event on `__keyspace@0__:<key>` (the message is the event's name) and `__keyevent@0__:<event>`
 * (the message is the key), for the classes the setting enables. They go out through the batch's
 * Publisher (publisher.ts), so they are delivered only once the write is durable, and dropped
 * with it when it rolls back.
 *
 * Who calls what (docs/pubsub.md "Keyspace notifications"): a command's own event is raised by
 * its handler or the typed operation that applies it (`lpush`, `zrembyscore`, …); the events
 * every type shares are raised in one place each: `new` where a key is created
 * (Keyspace.insert), `expired` where an expired key is deleted (Keyspace.find, sweepExpired,
 * hash fields in store/hashes.ts), `evicted` in eviction/evictor.ts, and `del` for a collection
 * emptied by a removal (Keyspace.deleteEmptied).
 *
 * Off (the default), a notification costs one integer test: the flags are kept as a number by
 * the shard's config (`notifyFlags`).
 */
import type { ShardConfig } from "../config/params";
import type { Publisher } from "./publisher";
import { textBytes } from "../args";

/** Redis's NOTIFY_* classes, bit for bit (server.h). */
export const enum Notify {
  /** K: publish on `__keyspace@0__:<key>`. */
  Keyspace = 1 << 0,
  /** E: publish on `__keyevent@0__:<event>`. */
  Keyevent = 1 << 1,
  /** g: generic commands (DEL, EXPIRE, RENAME, …). */
  Generic = 1 << 2,
  /** $: string commands. */
  String = 1 << 3,
  List = 1 << 4,
  Set = 1 << 5,
  Hash = 1 << 6,
  ZSet = 1 << 7,
  /** x: a key deleted because its time came. */
  Expired = 1 << 8,
  /** e: a key deleted by eviction. */
  Evicted = 1 << 9,
  /** t: stream commands (edgekv has no streams). */
  Stream = 1 << 10,
  /** m: a key looked up and not found; not part of A. */
  KeyMiss = 1 << 11,
  /** d: module key types (RedisJSON's events). */
  Module = 1 << 12,
  /** n: a key created; not part of A. */
  New = 1 << 13,
}

/** `A`: every class but m and n (Redis's NOTIFY_ALL). */
const ALL = Notify.Generic | Notify.String | Notify.List | Notify.Set | Notify.Hash | Notify.ZSet | Notify.Expired | Notify.Evicted | Notify.Stream | Notify.Module;

const LETTERS: Record<string, number> = {
  A: ALL,
  g: Notify.Generic,
  $: Notify.String,
  l: Notify.List,
  s: Notify.Set,
  h: Notify.Hash,
  z: Notify.ZSet,
  x: Notify.Expired,
  e: Notify.Evicted,
  K: Notify.Keyspace,
  E: Notify.Keyevent,
  t: Notify.Stream,
  m: Notify.KeyMiss,
  d: Notify.Module,
  n: Notify.New,
};

/** Redis's list of the letters, in the order its error text gives them. */
export const EVENT_LETTERS = "Ag$lshzxeKEtmdn";

/** The classes `A` stands for, in the order Redis prints them. */
const CLASS_ORDER: [string, number][] = [..."g$lshzxetd"].map((c) => [c, LETTERS[c]!]);

/** notify-keyspace-events' letters as flags (case matters: `e` is evicted, `E` keyevent), or null for a letter Redis does not know. */
export function parseEventFlags(value: string): number | null {
  let flags = 0;
  for (const c of value) {
    const f = LETTERS[c];
    if (f === undefined) return null;
    flags |= f;
  }
  return flags;
}

/**
 * The flags as CONFIG GET shows them, exactly as Redis's keyspaceEventsFlagsToString: `A` when
 * every class of A is set (and then no `n`, though new events are still sent), else the
 * classes one by one and `n`; then K, E and m.
 */
export function eventFlagsText(flags: number): string {
  return eventLetters(flags, true);
}

/** The flags written so that none is lost (`n` with all of A, which CONFIG GET does not show): what a shard persists. */
export function eventFlagsStored(flags: number): string {
  return eventLetters(flags, false);
}

/** The letters of `flags`: the classes (as `A` when all are set and `all` allows), `n`, then K, E and m. */
function eventLetters(flags: number, all: boolean): string {
  let out = "";
  if (all && (flags & ALL) === ALL) out = "A";
  else {
    for (const [c, f] of CLASS_ORDER) if (flags & f) out += c;
    if (flags & Notify.New) out += "n";
  }
  if (flags & Notify.Keyspace) out += "K";
  if (flags & Notify.Keyevent) out += "E";
  if (flags & Notify.KeyMiss) out += "m";
  return out;
}

/** What a notification needs: the setting, and where to publish (absent where nothing can subscribe). */
export interface NotifyContext {
  readonly config: Pick<ShardConfig, "notifyFlags">;
  readonly pubsub?: Publisher;
  /** Events are recorded here instead of published (a run over gathered keys: each key's shard raises them at commit). */
  readonly capture?: [type: Notify, event: string, key: string][];
}

const encoder = new TextEncoder();
const KEYSPACE_PREFIX = "__keyspace@0__:";
const KEYEVENT_PREFIX = "__keyevent@0__:";

/**
 * Redis's notifyKeyspaceEvent: `event` of class `type` happened to `key`. Publishes on the
 * keyspace channel, then the keyevent channel, as the setting asks; a message is built only for
 * a channel someone listens to.
 *
 * @example
 * notifyKeyspaceEvent(ctx, Notify.List, "lpush", key);
 */
export function notifyKeyspaceEvent(ctx: NotifyContext | null, type: Notify, event: string, key: string): void {
  if (!ctx) return;
  const flags = ctx.config.notifyFlags;
  if (!(flags & type)) return;
  if (ctx.capture) {
    ctx.capture.push([type, event, key]);
    return;
  }
  const pubsub = ctx.pubsub;
  if (!pubsub) return;
  if (flags & Notify.Keyspace) {
    const channel = textBytes(KEYSPACE_PREFIX + key);
    if (pubsub.interested(channel)) pubsub.publish(channel, encoder.encode(event), false);
  }
  if (flags & Notify.Keyevent) {
    const channel = encoder.encode(KEYEVENT_PREFIX + event);
    if (pubsub.interested(channel)) pubsub.publish(channel, textBytes(key), false);
  }
}
