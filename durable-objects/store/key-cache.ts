/**
 * The shard's in-memory cache of `keys` rows ([key-cache.md](../../docs/key-cache.md)): a key's
 * row (id, type, expiry, size, measured memory, and its value when small) or the fact that the
 * key has no row. SQLite stays the source of truth; the cache is written through: every statement
 * that changes a key's row is followed, in the same synchronous step, by the same change here
 * (Keyspace does both), so a lookup served from memory reads exactly what SQLite holds.
 *
 * Bounded in bytes (`limit`, CONFIG `key-cache-bytes`), least recently used first out,
 * approximately (CLOCK, as Redis approximates LRU: a hit only marks its entry; eviction passes over
 * entries in insertion order, gives a marked one a second chance at the end, takes an unmarked
 * one), so a hit costs one Map lookup; 0 turns it off. Empty after a restart (never persisted).
 *
 * Rollback: a change made inside a transaction (a write command's savepoint, a cross-shard stage,
 * a gathered run that is always rolled back) is journaled; when that transaction rolls back, the
 * keys it changed are forgotten, and the next lookup reads SQLite again. Forgetting is always
 * safe, so anything unsure (a row changed by id elsewhere) forgets too.
 */
import type { KeyRow } from "./keyspace";

/** A row as cached: every field of KeyRow, the value a private copy; `used`: read since it was last passed over. */
type Cached = Required<Pick<KeyRow, "id" | "key" | "type" | "value" | "expire_at" | "size" | "mem">> & { used: boolean };
/** A key known to have no row. */
type Absent = { used: boolean };
type Entry = Cached | Absent;
const isRow = (e: Entry): e is Cached => "id" in e;

/** Bookkeeping bytes counted per entry beyond its key and value (the Map slot, the row object). */
const ENTRY_OVERHEAD = 96;
/** The default bound of one shard's cache (several shards may share one 128 MB isolate). */
export const DEFAULT_KEY_CACHE_BYTES = 8 * 1024 * 1024;
/** Values larger than this are not cached (their row is read from SQLite each time). */
const MAX_CACHED_VALUE = 16 * 1024;

const sizeOf = (key: string, e: Entry) => ENTRY_OVERHEAD + key.length * 2 + (isRow(e) ? (e.value?.byteLength ?? 0) : 0);

export class KeyCache {
  /** key → its row, or that it has none. Map order: insertion, oldest first. */
  private readonly rows = new Map<string, Entry>();
  private used = 0;
  private bound = DEFAULT_KEY_CACHE_BYTES;
  /** Keys changed inside the open transactions, outermost first. */
  private readonly journal: string[] = [];
  private depth = 0;
  /** Lookups answered from memory and from SQLite (INFO's edgekv section, tests). */
  hits = 0;
  misses = 0;

  /** Whether a transaction is open (`transaction` is running). */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** The byte bound; lowering it evicts at once. */
  get limit(): number {
    return this.bound;
  }
  set limit(bytes: number) {
    this.bound = Math.max(0, bytes);
    this.shrink();
  }

  /** Entries and the bytes they are counted at. */
  get size(): { keys: number; bytes: number } {
    return { keys: this.rows.size, bytes: this.used };
  }

  /**
   * The cached row of `key` as a fresh object the caller may change (its value a copy), null when
   * the key is known to have no row, undefined when the cache does not know.
   */
  get(key: string): KeyRow | null | undefined {
    const row = this.rows.get(key);
    if (row === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    row.used = true;
    if (!isRow(row)) return null;
    return { id: row.id, key: row.key, type: row.type, value: row.value === null ? null : row.value.slice(0), expire_at: row.expire_at, size: row.size, mem: row.mem };
  }

  /** Records `row` (as read from or just written to SQLite) or, null, that `key` has no row. */
  set(key: string, row: KeyRow | null, value?: Uint8Array | null): void {
    if (this.bound === 0) return;
    const bytes = value !== undefined ? value : row?.value ? new Uint8Array(row.value) : null;
    if (bytes && bytes.byteLength > MAX_CACHED_VALUE) {
      this.forget(key);
      return;
    }
    if (row && row.mem === undefined) {
      // A row selected without its measured size cannot serve later writes: read it next time.
      this.forget(key);
      return;
    }
    const cached: Entry = row
      ? { id: row.id, key, type: row.type, value: bytes ? bytes.slice().buffer : null, expire_at: row.expire_at, size: row.size ?? null, mem: row.mem!, used: false }
      : { used: false };
    this.remove(key);
    this.rows.set(key, cached);
    this.used += sizeOf(key, cached);
    if (this.depth > 0) this.journal.push(key);
    this.shrink();
  }

  /** Changes fields of `key`'s cached row, if it is cached as row `id`; otherwise nothing is cached for it. */
  patch(key: string, id: number, fields: { value?: Uint8Array | null; expire_at?: number | null; size?: number | null; mem?: number }): void {
    const row = this.rows.get(key);
    if (!row || !isRow(row) || row.id !== id || (fields.value != null && fields.value.byteLength > MAX_CACHED_VALUE)) {
      this.forget(key);
      return;
    }
    if (fields.value !== undefined) {
      this.used += (fields.value?.byteLength ?? 0) - (row.value?.byteLength ?? 0);
      row.value = fields.value === null ? null : fields.value.slice().buffer;
    }
    if (fields.expire_at !== undefined) row.expire_at = fields.expire_at;
    if (fields.size !== undefined) row.size = fields.size;
    if (fields.mem !== undefined) row.mem = fields.mem;
    if (this.depth > 0) this.journal.push(key);
    this.shrink();
  }

  /** Drops what the cache knows of `key`. */
  forget(key: string): void {
    this.remove(key);
  }

  /** Drops everything (FLUSHDB, a restore of the whole shard). */
  clear(): void {
    this.rows.clear();
    this.used = 0;
  }

  /**
   * Runs `fn`, a transaction of SQLite (`run` wraps it: transactionSync); when it throws (rolled
   * back), the keys changed inside it are forgotten. Nested transactions journal into the outer one.
   */
  transaction<T>(run: (fn: () => T) => T, fn: () => T): T {
    const mark = this.journal.length;
    this.depth++;
    try {
      return run(fn);
    } catch (e) {
      for (let i = mark; i < this.journal.length; i++) this.remove(this.journal[i]!);
      this.journal.length = mark;
      throw e;
    } finally {
      if (--this.depth === 0) this.journal.length = 0;
    }
  }

  private remove(key: string): void {
    const old = this.rows.get(key);
    if (old === undefined) return;
    this.rows.delete(key);
    this.used -= sizeOf(key, old);
  }

  private shrink(): void {
    // Each pass over an entry either takes it or clears its mark: at most two passes per entry.
    let budget = 2 * this.rows.size + 1;
    while (this.used > this.bound && budget-- > 0) {
      const first = this.rows.entries().next();
      if (first.done) return;
      const [key, entry] = first.value;
      this.rows.delete(key);
      if (entry.used) {
        entry.used = false;
        this.rows.set(key, entry);
      } else this.used -= sizeOf(key, entry);
    }
  }
}
