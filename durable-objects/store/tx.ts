/**
 * Storage of cross-shard transactions on a participant shard (the protocol is in
 * ../participant.ts): `tx` holds one record per transaction (PREPARED 0, DONE 1, ABORTED 2)
 * with its coordinator and lease; `tx_lock` one row per locked key; `tx_lock_all` one row per
 * transaction holding the whole shard (a keyspace-wide command in a cross-shard transaction). A transaction's write
 * commands and its replies live in the object's sync KV storage, which commits with SQLite.
 */
/** Migration: transaction records and key locks (appended to schema.ts's list). */
export const TX_MIGRATION = `
  CREATE TABLE tx (
    txid TEXT PRIMARY KEY,
    coordinator TEXT NOT NULL,
    state INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    done_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX tx_by_lease ON tx(lease_until) WHERE state = 0;
  CREATE INDEX tx_by_done ON tx(done_at) WHERE done_at IS NOT NULL;
  CREATE TABLE tx_lock (
    key TEXT PRIMARY KEY,
    txid TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX tx_lock_by_tx ON tx_lock(txid);`;


/** Migration: whole-shard locks (appended to schema.ts's list). */
export const TX_LOCK_ALL_MIGRATION = `
  CREATE TABLE tx_lock_all (
    txid TEXT PRIMARY KEY
  ) WITHOUT ROWID;`;
