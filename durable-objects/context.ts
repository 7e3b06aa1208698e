import type { ScriptState } from "./scripting/state";
import type { Keyspace } from "./store/keyspace";

/** What a command handler may touch: the shard's keyspace and scripting state, and the batch's clock. */
export interface ExecContext {
  readonly keyspace: Keyspace;
  /** The shard's scripts, functions and Lua engine (owned by the Shard object). */
  readonly scripts: ScriptState;
  /** ms since the epoch, fixed for the batch. */
  readonly now: number;
  /** Set while a command runs over keys gathered from several shards: a script may touch only these. */
  readonly onlyKeys?: ReadonlySet<string>;
}

