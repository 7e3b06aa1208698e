/**
 * Writing a whole sorted set at once: the destination of ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE,
 * ZRANGESTORE and GEOSEARCHSTORE. Its member rows go in with INSERT … SELECT from the sources
 * (zset-algebra.ts, `storeZsetRanks`) or in batched INSERTs of entries computed in JavaScript
 * (`storeZset`); then its order-statistics tree is built in one pass over the rows
 * (ZsetTree.build), instead of one tree insert per member (several statements each).
 *
 * The key itself goes through the Keyspace, as any write: the old destination of any type is
 * deleted (its elements freed directly, or lazily when large), the new key inserted; the events
 * are Redis's: `new` when no key was there, then the command's own (`zunionstore`, …); an empty
 * result leaves no key, and a `del` when one went. A destination that is also a source is
 * computed under SCRATCH_ID first (no key has a negative id), then its rows move under the new
 * key's id.
 */
import { Notify } from "../pubsub/notify";
import { KeyType, type Keyspace, type KeyRow } from "./keyspace";
import { rowsChanged } from "./lazy-free";
import { treeOf, type Entry, type SortedSet } from "./zsets";

/** The key id under which a destination that is also a source is computed. */
export const SCRATCH_ID = -1;

/** Entries written per INSERT (three parameters each, under the 100 a statement binds). */
const ENTRY_BATCH = 33;

/**
 * Makes `key` a sorted set of the members `fill(id)` writes under key id `id` (answering how
 * many it wrote), or deletes it when it writes none; `fill` null: nothing to write. `readsKey`:
 * `fill` reads the current `key` (it is one of the sources). Returns the new cardinality.
 */
export function replaceZset(ks: Keyspace, key: string, event: string, fill: ((id: number) => number) | null, readsKey = false): number {
  const sql = ks.sql;
  let card = 0;
  if (fill && readsKey) {
    sql.exec("DELETE FROM zset_member WHERE key_id = ?", SCRATCH_ID);
    card = fill(SCRATCH_ID);
  }
  const old = ks.find(key);
  if (old) ks.deleteRow(old);
  if (!fill || (readsKey && card === 0)) return emptied(ks, key, old);
  const id = ks.insert(key, KeyType.ZSet, null, null, null, true);
  if (readsKey) sql.exec("UPDATE zset_member SET key_id = ? WHERE key_id = ?", id, SCRATCH_ID);
  else card = fill(id);
  if (card === 0) {
    ks.deleteRow({ id, key, type: KeyType.ZSet, size: null });
    return emptied(ks, key, old);
  }
  treeOf(sql).build(id, card);
  // The key is told as created only once it is known not to be empty.
  if (!old) ks.notify(Notify.New, "new", key);
  ks.notify(Notify.ZSet, event, key);
  return card;
}

/** An empty result: no key, and a `del` event when one was there. */
function emptied(ks: Keyspace, key: string, old: KeyRow | null): 0 {
  if (old) ks.notify(Notify.Generic, "del", key);
  return 0;
}

/**
 * Replaces `key` with a sorted set of `entries` computed in JavaScript (GEOSEARCHSTORE, the
 * algebra over many inputs): an existing key of any type is deleted first; no entries, no key.
 * A member given twice keeps its last score. Returns the new cardinality.
 */
export function storeZset(ks: Keyspace, key: string, entries: Entry[], event: string): number {
  return replaceZset(ks, key, event, entries.length === 0 ? null : (id) => insertEntries(ks.sql, id, entries));
}

/** Writes `entries` as the members of key id `id` (which has none), seq 1, 2, … in their order; answers the members written. */
function insertEntries(sql: SqlStorage, id: number, entries: Entry[]): number {
  for (let i = 0; i < entries.length; i += ENTRY_BATCH) {
    const batch = entries.slice(i, i + ENTRY_BATCH);
    const params: unknown[] = [];
    batch.forEach((e, k) => params.push(e.member, e.score + 0, i + k + 1));
    sql.exec(
      `INSERT INTO zset_member (key_id, member, score, seq) VALUES ${batch.map(() => `(${id}, ?, ?, ?)`).join(", ")}
       ON CONFLICT (key_id, member) DO UPDATE SET score = excluded.score`,
      ...params,
    );
  }
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM zset_member WHERE key_id = ?", id).one().n;
}

/**
 * ZRANGESTORE's write: `key` becomes the members of ranks [from, to) of `src`, copied in one
 * INSERT … SELECT along the score index, each with its seq in `src` (one of its own there:
 * numbering them afresh, row_number(), costs a pass of its own). Returns the new cardinality.
 */
export function storeZsetRanks(ks: Keyspace, key: string, src: SortedSet | null, from: number, to: number, event: string): number {
  const first = src && from < to ? src.tree.at(src.id, from) : null;
  if (!src || !first) return replaceZset(ks, key, event, null);
  const fill = (id: number) => {
    ks.sql.exec(
      `INSERT INTO zset_member (key_id, member, score, seq)
       SELECT ?, member, score, seq FROM (
         SELECT member, score, seq FROM zset_member WHERE key_id = ? AND (score, member) >= (?, ?) ORDER BY score, member LIMIT ?)`,
      id,
      src.id,
      first.score,
      first.member,
      to - from,
    );
    return rowsChanged(ks.sql);
  };
  return replaceZset(ks, key, event, fill, src.row.key === key);
}
