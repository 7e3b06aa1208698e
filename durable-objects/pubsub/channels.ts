/**
 * A channel's home shard (docs/pubsub.md "Where things live"): the shard of its slot, as a key's.
 * A keyspace channel `__keyspace@<db>__:<key>` has its key's slot as home, so the shard that
 * writes the key publishes it locally. Keyevent channels (`__keyevent@<db>__:<event>`) are
 * published by every shard, so their subscriptions are registered at every shard, as patterns are.
 */
import { shardOf } from "../slots";
import type { InterestKind } from "./interest";

const KEYSPACE = /^__keyspace@[0-9]+__:/;

/** The shard whose interest table holds a channel's (or shard channel's) subscribers. */
export function channelShard(channel: string, shards: number): number {
  const m = KEYSPACE.exec(channel);
  return shardOf(m ? channel.slice(m[0].length) : channel, shards);
}

/** Subscriptions registered at every shard: patterns, keyevent channels and monitors (every shard runs commands). */
export function registeredEverywhere(kind: InterestKind, name: string): boolean {
  return kind === "p" || kind === "m" || (kind === "c" && name.startsWith("__keyevent@"));
}
