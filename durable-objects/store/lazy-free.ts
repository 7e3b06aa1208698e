/**
 * Deleting a large key in bounded steps, as Redis's lazyfree: the key's row goes at once (the
 * key is gone for every command, its memory leaves the shard's total), and the rows it kept
 * beside it — a collection's elements, a large string's chunks — are freed afterwards, a
 * bounded number at a time.
 *
 * A key whose element rows cost at most LAZYFREE_THRESHOLD (its element count; a 64 KiB chunk
 * counts CHUNK_EFFORT) is deleted directly, with the statements it always took. A larger one is
 * recorded in `freed_keys` (its id, its type, the bytes it held) and left to `drain`, which the
 * shard calls at the end of every batch that wrote (LAZYFREE_BATCH_STEP rows) and from its
 * alarm (a sweeper: bounded batches, re-armed while rows remain). The table is durable, so a
 * restart in the middle of a free continues it: the constructor arms the alarm while an entry
 * is left.
 *
 * Nothing reads the orphaned rows: every element read goes through a live key row of the
 * element's type, and the key row is gone. The only way back to them is a new key given the
 * same id, so `claim` runs on every insert: an id with rows still pending has them all deleted
 * before it is used (with random 48-bit ids, a draw that hits one is about pending ÷ 2^48).
 * A key overwritten in place by a string (SET over a large hash) keeps its id while its old
 * elements are freed lazily: the id is then a string's, whose rows live in other tables, and a
 * key changes from string back to a collection only by being deleted and inserted again.
 * A chunked string overwritten in place keeps its chunk table, so its chunks are deleted
 * directly (at most MAX_VALUE_BYTES ÷ 64 KiB rows).
 *
 * Accounting: `used_memory` drops the key's size at once (the evictor sees the room it made,
 * and does not evict more keys while the rows drain); the bytes still to free are reported
 * beside it (INFO `lazyfree_pending_objects`, `edgekv_lazyfree_pending_bytes`), as Redis
 * reports `lazyfree_pending_objects`.
 */
import type { ElementStore, KeyType } from "./keyspace";

/** The schema change: keys whose element rows are still being freed (migration 15, store/schema.ts). */
export const LAZYFREE_MIGRATION = `CREATE TABLE freed_keys (
     id INTEGER NOT NULL,
     type INTEGER NOT NULL,
     mem INTEGER NOT NULL,
     PRIMARY KEY (id, type)
   ) WITHOUT ROWID;`;

/** Element rows a key may have and still be deleted directly (Redis's LAZYFREE_THRESHOLD is 64 allocations). */
export const LAZYFREE_THRESHOLD = 64;
/** What deleting one 64 KiB chunk row counts, in element rows. */
export const CHUNK_EFFORT = 16;
/** Rows freed at the end of a batch that wrote, while some are pending. */
export const LAZYFREE_BATCH_STEP = 1000;
/** Entries read per statement while draining. */
const DRAIN_ENTRIES = 16;

/** Rows the last statement on `sql` deleted, inserted or updated. */
export function rowsChanged(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
}

export class LazyFree {
  /** False only when `freed_keys` is known to be empty (a rolled-back entry leaves it true: one empty probe). */
  private maybePending = true;
  /** Keys whose rows were all freed lazily since the shard started (INFO lazyfreed_objects). */
  freed = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly stores: ReadonlyMap<KeyType, ElementStore>,
    /** Called when an entry is recorded, so the shard arms its alarm to drain it. */
    private readonly onPending: () => void,
  ) {}

  /** Records key `id`'s element rows of `type` (holding `mem` bytes) to be freed later. */
  defer(id: number, type: KeyType, mem: number): void {
    this.sql.exec(
      "INSERT INTO freed_keys (id, type, mem) VALUES (?, ?, ?) ON CONFLICT (id, type) DO UPDATE SET mem = mem + excluded.mem",
      id,
      type,
      mem,
    );
    this.maybePending = true;
    this.onPending();
  }

  /** Whether `claim` may find rows to delete (false once nothing is pending). */
  get mayClaim(): boolean {
    return this.maybePending;
  }

  /** A new key got id `id`: any rows still pending under it are deleted now, before it writes its own. */
  claim(id: number): void {
    if (!this.maybePending) return;
    const entries = this.sql.exec<{ type: number }>("SELECT type FROM freed_keys WHERE id = ?", id).toArray();
    if (entries.length === 0) return;
    for (const e of entries) this.stores.get(e.type as KeyType)?.dropSome(id, -1);
    this.sql.exec("DELETE FROM freed_keys WHERE id = ?", id);
    this.freed += entries.length;
  }

  /** Frees up to `limit` pending rows (a chunk counts CHUNK_EFFORT); returns how many: fewer than `limit` when none are left. */
  drain(limit: number): number {
    if (!this.maybePending) return 0;
    let done = 0;
    while (done < limit) {
      const entries = this.sql.exec<{ id: number; type: number }>("SELECT id, type FROM freed_keys LIMIT ?", DRAIN_ENTRIES).toArray();
      if (entries.length === 0) {
        this.maybePending = false;
        break;
      }
      for (const e of entries) {
        const want = limit - done;
        const store = this.stores.get(e.type as KeyType);
        const n = store ? store.dropSome(e.id, want) : 0;
        done += n;
        if (n < want) {
          this.sql.exec("DELETE FROM freed_keys WHERE id = ? AND type = ?", e.id, e.type);
          this.freed++;
        }
        if (done >= limit) break;
      }
    }
    return done;
  }

  /** The alarm's deadline for draining: now while anything is pending, else null. */
  earliest(now: number): number | null {
    if (!this.maybePending) return null;
    const any = this.sql.exec("SELECT 1 FROM freed_keys LIMIT 1").toArray().length > 0;
    if (!any) this.maybePending = false;
    return any ? now : null;
  }

  /** Keys with rows still to free, and the bytes they held (INFO memory). */
  pending(): { objects: number; bytes: number } {
    if (!this.maybePending) return { objects: 0, bytes: 0 };
    const r = this.sql.exec<{ n: number; b: number }>("SELECT count(*) AS n, total(mem) AS b FROM freed_keys").one();
    return { objects: r.n, bytes: r.b };
  }

  /** Every element row is gone (FLUSHDB). The flag stays: a rolled-back flush leaves its entries. */
  clear(): void {
    this.sql.exec("DELETE FROM freed_keys");
  }
}
