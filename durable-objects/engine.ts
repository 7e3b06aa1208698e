/**
 * What runs commands over a shard's SQLite, built the same way by the shard (shard.ts) and by a
 * read replica (replication/replica.ts): the schema, the keyspace with its element stores and
 * limits, the scripting state, the server parameters (defaults, vars, CONFIG SET's rows) and
 * the counters.
 */
import { COMMANDS, commandGroup } from "./commands";
import { ConfigStore, defaultsFromVars } from "./config/store";
import type { ExecContext } from "./context";
import { maxValueBytes } from "./limits";
import { ScriptState } from "./scripting/state";
import { ShardCounters } from "./stats/counters";
import { PersistedCounters } from "./stats/persisted";
import { ConfigTable } from "./store/config";
import { registerElementStores } from "./store/elements";
import { Keyspace } from "./store/keyspace";
import { migrate } from "./store/schema";

/** Shards the database has when the SHARDS var is not set (worker/env.ts's default). */
const DEFAULT_SHARD_COUNT = 16;

export interface Engine {
  readonly keyspace: Keyspace;
  /** Scripts, functions and the Lua engine. */
  readonly scripts: ScriptState;
  /** The server parameters applied here (CONFIG). */
  readonly config: ConfigStore;
  /** Counters (INFO stats): since the first start or CONFIG RESETSTAT, less what a restart lost. */
  readonly stats: ShardCounters;
  /** The counters' totals in storage, written with batches that write anyway (stats/persisted.ts). */
  readonly persistedStats: PersistedCounters;
}

/** Migrates `storage` and builds the engine over it; `armAlarm` is told of every new deadline. */
export function createEngine(storage: DurableObjectStorage, env: Cloudflare.Env, armAlarm: (at: number) => void): Engine {
  migrate(storage.sql, storage);
  const stats = new ShardCounters(commandGroup);
  const keyspace = new Keyspace(storage.sql, armAlarm, (fn) => storage.transactionSync(fn));
  keyspace.maxValueBytes = maxValueBytes(env.MAX_VALUE_BYTES);
  keyspace.counters = stats;
  const shards = Number(env.SHARDS);
  keyspace.shardCount = Number.isSafeInteger(shards) && shards > 0 ? shards : DEFAULT_SHARD_COUNT;
  registerElementStores(keyspace);
  const persistedStats = new PersistedCounters(storage.sql, stats, Date.now());
  persistedStats.load();
  stats.onReset = () => persistedStats.clear(keyspace.now);
  const scripts = new ScriptState(storage.sql, COMMANDS);
  // Defaults, then wrangler vars, then what CONFIG SET persisted here (docs/config.md).
  const config = new ConfigStore(defaultsFromVars(env as unknown as Record<string, unknown>, keyspace.maxValueBytes));
  const settings = new ConfigTable(storage.sql);
  config.attach(settings.load(), settings);
  keyspace.access.params = config;
  keyspace.memory.lazy = () => config.maxmemory === 0;
  keyspace.memory.used();
  return { keyspace, scripts, config, stats, persistedStats };
}

/** The context of a step at `now` (the keyspace's clock set, its cache bound from the config). */
export function engineContext(e: Engine, now: number): ExecContext {
  e.keyspace.now = now;
  e.keyspace.cache.limit = e.config.keyCacheBytes;
  return { keyspace: e.keyspace, scripts: e.scripts, config: e.config, stats: e.stats, now };
}
