/**
 * A shard's used memory, kept current on every write (docs/memory-eviction.md): each key's size
 * as MEMORY USAGE measures it is kept in `keys.mem`, and the shard's total in memory, adjusted by
 * every change of a `mem` and written to `meta` at the end of each batch that changed it (the
 * same implicit transaction as the batch's writes).
 *
 * Plain strings are measured by the keyspace in the statement that writes them. Other keys
 * (collections, JSON, chunked strings) change through element rows the keyspace does not see:
 * while a write command runs, every such key it looks up is noted, and `settle` measures the
 * noted keys again — when the command ends if a `maxmemory` is set (eviction needs the exact
 * figure before the next write), otherwise lazily (`lazy`): when LAZY_NOTED_MAX keys are
 * waiting, when the alarm runs, and whenever the figure is read (`current`: INFO, MEMORY,
 * /metrics). Remeasuring costs a few statements, so a write to a collection does not pay them
 * each time when nothing enforces a budget. A key waiting when its shard restarts keeps its
 * last measured size until its next write.
 */
import type { KeyRow, Keyspace } from "../store/keyspace";
import { keyMemoryUsage } from "../store/memory-usage";

/** The schema change: each key's size (migration 13, store/schema.ts). */
export const MEMORY_MIGRATION = `ALTER TABLE keys ADD COLUMN mem INTEGER NOT NULL DEFAULT 0;`;

const META_NAME = "used_memory";
/** Keys whose size may wait to be remeasured while no `maxmemory` is set. */
export const LAZY_NOTED_MAX = 1024;
/** Keys measured per statement while a database made before MEMORY_MIGRATION is measured once. */
const BACKFILL_BATCH = 1000;

export class MemoryAccount {
  private total: number | null = null;
  /** The highest total seen since the shard started (INFO's used_memory_peak). */
  peak = 0;
  private dirty = false;
  /** Nesting of write commands (a script's redis.call runs inside EVAL). */
  private depth = 0;
  private readonly noted = new Set<number>();
  private settling = false;
  /** True when sizes may be remeasured lazily (the shard sets it: no `maxmemory`). */
  lazy: () => boolean = () => false;

  constructor(private readonly ks: Keyspace) {}

  /** The used memory with every waiting key remeasured (for readers: INFO, MEMORY, /metrics, eviction). */
  current(): number {
    if (this.depth === 0 && this.noted.size > 0) {
      this.settle();
      this.persist();
    }
    return this.used();
  }

  /** The shard's used memory in bytes. */
  used(): number {
    if (this.total === null) this.total = this.load();
    return this.total;
  }

  /** Adds `delta` to the total (a key's `mem` changed by it). */
  add(delta: number): void {
    if (delta === 0) return;
    this.total = this.used() + delta;
    if (this.total > this.peak) this.peak = this.total;
    this.dirty = true;
  }

  /** Every key is gone (FLUSHDB). */
  reset(): void {
    this.used();
    this.total = 0;
    this.dirty = true;
  }

  /** True while a write command runs. */
  get writing(): boolean {
    return this.depth > 0;
  }

  /**
   * A key whose size the running write may change without the keyspace seeing it; `always`
   * notes it outside a command too (the alarm's sweeps, which settle when they end).
   */
  note(id: number, always = false): void {
    if (this.depth > 0 || always) this.noted.add(id);
  }

  /** Marks the start of a write command; returns the total to restore if it is rolled back. */
  begin(): number {
    this.depth++;
    return this.used();
  }

  /** The write command ended: measures the keys it noted (the outermost command only). */
  end(): void {
    if (--this.depth > 0) return;
    if (this.lazy() && this.noted.size < LAZY_NOTED_MAX) return;
    this.settle();
  }

  /** How deep in write commands the running code is (a script's call runs inside EVAL). */
  get depthNow(): number {
    return this.depth;
  }

  /**
   * A write command failed. The outermost one ran in a savepoint that is rolled back: its deltas
   * go with it. A command inside a script keeps the writes it made (Redis's script semantics),
   * and so its deltas; the keys it noted are measured when the script ends. Noted keys stay
   * noted (remeasuring one measures what is really there, so a rolled-back key costs nothing wrong).
   */
  rollback(total: number, depth: number): void {
    this.depth = depth;
    if (depth > 0) return;
    this.total = total;
    this.dirty = true;
  }

  /** Measures the noted keys again and keeps their `mem` and the total current. */
  settle(): void {
    if (this.noted.size === 0 || this.settling) return;
    this.settling = true;
    try {
      for (const id of this.noted) this.remeasure(id);
    } finally {
      this.noted.clear();
      this.settling = false;
    }
  }

  private remeasure(id: number): void {
    const row = this.ks.sql
      .exec<KeyRow & Record<string, SqlStorageValue>>("SELECT id, key, type, value, expire_at, size, mem FROM keys WHERE id = ?", id)
      .toArray()[0];
    if (!row) return;
    const mem = keyMemoryUsage(this.ks, row);
    if (mem === row.mem) return;
    this.ks.writeMem(row, mem);
    this.add(mem - (row.mem ?? 0));
  }

  /** Writes the total to `meta` if it changed (call at the end of a batch, before any await). */
  persist(): void {
    if (!this.dirty || this.total === null) return;
    this.ks.sql.exec(
      "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      META_NAME,
      this.total,
    );
    this.dirty = false;
  }

  /** The total as persisted; a database made before MEMORY_MIGRATION has its keys measured once. */
  private load(): number {
    const row = this.ks.sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = ?", META_NAME).toArray()[0];
    if (row) return Number(row.value);
    for (;;) {
      const rows = this.ks.sql
        .exec<KeyRow & Record<string, SqlStorageValue>>(
          "SELECT id, key, type, value, expire_at, size, mem FROM keys WHERE mem = 0 LIMIT ?",
          BACKFILL_BATCH,
        )
        .toArray();
      if (rows.length === 0) break;
      for (const r of rows) this.ks.writeMem(r, Math.max(1, keyMemoryUsage(this.ks, r)));
    }
    const total = this.ks.sql.exec<{ t: number }>("SELECT total(mem) AS t FROM keys").one().t;
    this.dirty = true;
    return total;
  }
}
