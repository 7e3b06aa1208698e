import type { Keyspace } from "./store/keyspace";

/** What a command handler may touch: the shard's keyspace and the batch's clock. */
export interface ExecContext {
  readonly keyspace: Keyspace;
  /** ms since the epoch, fixed for the batch. */
  readonly now: number;
  /** Set while a command runs over keys gathered from several shards: a script may touch only these. */
  readonly onlyKeys?: ReadonlySet<string>;
}

/**
 * Commands that keep state beside their key on its own shard (the lock fencing counters), so
 * they cannot run over copies of keys gathered from several shards: refused there.
 */
export const NOT_GATHERED: ReadonlySet<string> = new Set(["lock.acquire", "lock.release", "lock.extend", "lock.status"]);
