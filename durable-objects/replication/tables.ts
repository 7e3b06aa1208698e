/**
 * Which of the shard's tables the change log covers (docs/global.md §1), and their columns.
 *
 * The data tables are those a read command reads: `keys` and every element table of the
 * collection types. Each has a fixed number (`tbl` in a log row: never reuse or renumber one),
 * its columns in declared order (a row image's c0..cn), and its primary key (a deletion's
 * c0..ck; `rowid` for a table without a declared one). Everything else is the primary's own
 * business and is named in NOT_LOGGED. tables.test.ts lists every table of the schema and fails
 * for one in neither list, and checks these columns against PRAGMA table_info, so a new table or
 * column cannot be forgotten.
 */

export interface LoggedTable {
  /** The table's number in log rows. */
  readonly tbl: number;
  readonly name: string;
  /** Columns in declared order (`rowid` first for a table without a declared primary key). */
  readonly columns: readonly string[];
  /** The primary key's columns, a prefix-free subset of `columns`. */
  readonly pk: readonly string[];
}

export const LOGGED: readonly LoggedTable[] = [
  { tbl: 1, name: "keys", columns: ["id", "key", "type", "value", "expire_at", "size", "mem"], pk: ["id"] },
  { tbl: 2, name: "hash_fields", columns: ["id", "key_id", "field", "value", "expire_at"], pk: ["id"] },
  { tbl: 3, name: "list_meta", columns: ["key_id", "head", "len"], pk: ["key_id"] },
  { tbl: 4, name: "list_item", columns: ["rowid", "key_id", "pos", "value"], pk: ["rowid"] },
  { tbl: 5, name: "set_meta", columns: ["key_id", "card", "next_seq"], pk: ["key_id"] },
  { tbl: 6, name: "set_member", columns: ["key_id", "member", "ord", "seq"], pk: ["key_id", "member"] },
  { tbl: 7, name: "zset_member", columns: ["key_id", "member", "score", "seq"], pk: ["key_id", "member"] },
  { tbl: 8, name: "zset_node", columns: ["id", "key_id", "parent", "seq", "level", "size", "cnt", "lo_score", "lo_member"], pk: ["id"] },
  { tbl: 9, name: "string_chunks", columns: ["key_id", "n", "bytes"], pk: ["key_id", "n"] },
  { tbl: 10, name: "stream_meta", columns: ["key_id", "length", "last_id", "first_id", "max_deleted", "entries_added", "tail_node", "tail_fill"], pk: ["key_id"] },
  { tbl: 11, name: "stream_entry", columns: ["key_id", "id", "node", "fields"], pk: ["key_id", "id"] },
  { tbl: 12, name: "stream_node", columns: ["key_id", "node", "first_id", "last_id", "live"], pk: ["key_id", "node"] },
  { tbl: 13, name: "stream_group", columns: ["key_id", "name", "last_id", "entries_read"], pk: ["key_id", "name"] },
  { tbl: 14, name: "stream_consumer", columns: ["key_id", "grp", "name", "seen_time"], pk: ["key_id", "grp", "name"] },
  { tbl: 15, name: "stream_pending", columns: ["key_id", "grp", "id", "consumer", "delivery_time", "delivery_count"], pk: ["key_id", "grp", "id"] },
];

/** Tables that are not logged: the primary's own state, or the log itself. */
export const NOT_LOGGED: readonly string[] = [
  "meta", // schema version, memory total, counters snapshot, the log's epoch
  "changelog", // the log
  "lock_fence", // fencing counters of the lock commands (pinned: primary only)
  "scripts",
  "function_libraries",
  "tx",
  "tx_lock",
  "tx_lock_all",
  "config", // CONFIG SET rows: each object applies its own
  "freed_keys", // the lazy-free queue: its deletions arrive as log rows
  "pubsub_interest",
  "pubsub_subscriptions",
  "pitr_checkpoints", // bookmarks are each object's own (docs/point-in-time.md)
];

/** Columns a log row has (c0..c{LOG_COLUMNS-1}): the widest logged table's. */
export const LOG_COLUMNS = 10;

export const LOGGED_BY_TBL: ReadonlyMap<number, LoggedTable> = new Map(LOGGED.map((t) => [t.tbl, t]));
export const LOGGED_BY_NAME: ReadonlyMap<string, LoggedTable> = new Map(LOGGED.map((t) => [t.name, t]));

/** Whether a table name is SQLite's or the runtime's own (never part of the schema). */
export const isInternalTable = (name: string) => name.startsWith("sqlite_") || name.startsWith("_cf_");
