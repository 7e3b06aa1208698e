/**
 * The shard's SQLite schema, as an append-only list of numbered migrations. Never edit an
 * applied migration: add a new one. They run in the constructor (inside
 * blockConcurrencyWhile), each in its own transaction, and the applied version is kept in
 * the `meta` table.
 *
 * `keys` holds one row per key: its type, its value when it is a string, and its absolute
 * expiry time in ms (NULL: no expiry). The rowid `id` is stable for the life of a key (an
 * overwrite keeps it, RENAME keeps it), so collections key their element rows by `id` and
 * SCAN walks keys in `id` order. Collections (hash, list, set, sorted set) keep one row per
 * element in tables of their own, added by later migrations; so does a string value too large
 * for its key's row (`size` is then its length, its bytes are in `string_chunks`).
 */
import { CHANGELOG_MIGRATION } from "../replication/log";
import { MEMORY_MIGRATION } from "../eviction/accounting";
import { TTL_SAMPLE_MIGRATION } from "../eviction/policies";
import { INTEREST_MIGRATION, SUBSCRIPTION_MIGRATION } from "../pubsub/schema";
import { PITR_MIGRATION } from "../pitr/checkpoints";
import { CONFIG_MIGRATION } from "./config";
import { HASH_MIGRATION } from "./hashes";
import { LAZYFREE_MIGRATION } from "./lazy-free";
import { LIST_MIGRATION } from "./lists";
import { LOCK_MIGRATION } from "./locks";
import { SCRIPT_MIGRATION } from "./scripts";
import { SET_MIGRATION } from "./sets";
import { STREAM_GROUP_MIGRATION } from "./stream-groups";
import { STREAM_MIGRATION } from "./streams";
import { STRING_CHUNK_MIGRATION } from "./string-chunks";
import { TX_LOCK_ALL_MIGRATION, TX_MIGRATION } from "./tx";
import { ZSET_MIGRATION, ZSET_SEQ_MIGRATION } from "./zsets";

export const MIGRATIONS: readonly string[] = [
  // 1: keys, expiry index, meta.
  `CREATE TABLE keys (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL UNIQUE,
     type INTEGER NOT NULL,
     value BLOB,
     expire_at INTEGER
   );
   CREATE INDEX keys_by_expiry ON keys(expire_at) WHERE expire_at IS NOT NULL;`,
  // 2..5: element tables of the collection types.
  HASH_MIGRATION,
  LIST_MIGRATION,
  SET_MIGRATION,
  ZSET_MIGRATION,
  // 6: fencing counters of locks (outlive the lock keys).
  LOCK_MIGRATION,
  // 7: sorted set members get a stable scan order (ZSCAN).
  ZSET_SEQ_MIGRATION,
  // 8: the script cache and function libraries.
  SCRIPT_MIGRATION,
  // 9: cross-shard transactions: prepared records and key locks (participant.ts).
  TX_MIGRATION,
  // 10: string values larger than a row, in chunk rows (keys.size: their length).
  STRING_CHUNK_MIGRATION,
  // 11: whole-shard locks of cross-shard transactions with keyspace-wide commands (participant.ts).
  TX_LOCK_ALL_MIGRATION,
  // 12: settings applied by CONFIG SET (store/config.ts).
  CONFIG_MIGRATION,
  // 13: each key's size for memory accounting (eviction/accounting.ts).
  MEMORY_MIGRATION,
  // 14: the ids of the keys with a TTL, sampled by the volatile eviction policies (eviction/policies.ts).
  TTL_SAMPLE_MIGRATION,
  // 15: keys whose element rows are freed in bounded steps after the key went (store/lazy-free.ts).
  LAZYFREE_MIGRATION,
  // 16: Pub/Sub: the interest table of this home and the subscriptions of this gateway's sockets (pubsub/).
  `${INTEREST_MIGRATION};\n${SUBSCRIPTION_MIGRATION}`,
  // 17: streams: entries, nodes and counters (store/streams.ts).
  STREAM_MIGRATION,
  // 18: stream consumer groups: groups, consumers and pending entries (store/stream-groups.ts).
  STREAM_GROUP_MIGRATION,
  // 19: the change log read replicas apply (replication/log.ts); written only while replicas are configured.
  CHANGELOG_MIGRATION,
  // 20: point-in-time checkpoints: id, time, this shard's bookmark at the cut (pitr/checkpoints.ts).
  PITR_MIGRATION,
];

export function migrate(sql: SqlStorage, storage: DurableObjectStorage): number {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value)");
  const row = sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = 'schema_version'").toArray()[0];
  let version = row ? Number(row.value) : 0;
  while (version < MIGRATIONS.length) {
    const next = version + 1;
    storage.transactionSync(() => {
      sql.exec(MIGRATIONS[next - 1]!);
      sql.exec("INSERT INTO meta (name, value) VALUES ('schema_version', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", next);
    });
    version = next;
  }
  return version;
}
