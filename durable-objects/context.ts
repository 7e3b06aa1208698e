import type { Blocker } from "./blocking/waiters";
import type { ShardConfig } from "./config/params";
import type { MonitorFeed } from "./pubsub/monitor";
import type { Publisher, Subscriptions } from "./pubsub/publisher";
import type { ScriptState } from "./scripting/state";
import type { ShardCounters } from "./stats/counters";
import type { Keyspace } from "./store/keyspace";

/** What a command handler may touch: the shard's keyspace and scripting state, and the batch's clock. */
export interface ExecContext {
  readonly keyspace: Keyspace;
  /** The shard's scripts, functions and Lua engine (owned by the Shard object). */
  readonly scripts: ScriptState;
  /** The server parameters (CONFIG), as this shard holds them. */
  readonly config: ShardConfig;
  /** The shard's counters (INFO stats): in memory, merged over shards by INFO. */
  readonly stats: ShardCounters;
  /** ms since the epoch, fixed for the batch. */
  readonly now: number;
  /** Set while a command runs over keys gathered from several shards: a script may touch only these. */
  readonly onlyKeys?: ReadonlySet<string>;
  /**
   * Set with `onlyKeys`: the gathered key whose shard runs the command. Keys of its slot are this
   * shard's own (SORT's BY/GET keys, which are never gathered, are read only then).
   */
  readonly gatheredHome?: string;
  /** Pub/Sub (pubsub/): PUBLISH and keyspace notifications; absent where nothing can subscribe (unit tests). */
  readonly pubsub?: Publisher;
  /** MONITOR (pubsub/monitor.ts): set for a batch only while some gateway has a monitor. */
  readonly monitor?: MonitorFeed;
  /**
   * Set for a client's batch that may wait (blocking/waiters.ts): a blocking command with nothing
   * to take asks it to wait. Absent in transactions, scripts and cross-shard runs, where the
   * blocking forms answer as their non-blocking forms.
   */
  readonly blocker?: Blocker;
  /** Set while a script's redis.call runs the command (XREAD refuses BLOCK there, as Redis). */
  readonly inScript?: boolean;
  /** The shard's interest table as PUBSUB reads it; absent with `pubsub`. */
  readonly subscriptions?: Subscriptions;
  /** Clients waiting on this shard's keys (blocking pops): INFO's blocked_clients. */
  readonly blockedClients?: () => number;
}
