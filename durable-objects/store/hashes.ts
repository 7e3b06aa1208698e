/**
 * Hash keys: typed operations and the element store.
 *
 * Storage. One row per field in `hash_fields`, keyed by the key's `id` in `keys`:
 *
 *   hash_fields(id INTEGER PRIMARY KEY, key_id, field BLOB, value BLOB, expire_at)
 *     UNIQUE (key_id, field)              one field: O(log n) lookup, insert, update, delete
 *     INDEX  (key_id)  (+ rowid)          fields of one key in insertion (`id`) order
 *     INDEX  (key_id, expire_at) partial  due fields of one key (lazy expiry)
 *     INDEX  (expire_at)         partial  due fields of the shard (the alarm's sweeper)
 *
 * Why a rowid table rather than (key_id, field) WITHOUT ROWID: the rowid gives each field a
 * stable integer position. HSCAN's cursor is that position (the next `id` to visit), so a scan
 * resumes with one index seek, never an OFFSET walk; HRANDFIELD samples by seeking to a random
 * `id` between the key's first and last one; HGETALL, HKEYS and HVALS answer in insertion order,
 * as a small Redis hash does. The partial indexes hold only fields that carry an expiry time.
 *
 * Metadata in the key's row. `keys.value` of a hash holds "<count>" or "<count>:<minExpire>" as
 * ASCII bytes: the number of fields (HLEN is O(1): read from the row that the type check reads
 * anyway) and a lower bound of the earliest field expiry (absent: no field has one). A command
 * that opens a hash whose bound has passed first deletes the key's due fields (one index range)
 * and recomputes the bound, so every later statement of the command sees only live fields and
 * the count stays exact. The bound may lag behind (HPERSIST, HDEL do not raise it): a stale
 * bound costs one empty range probe, then is corrected. A hash with no fields does not exist:
 * the key row is created with the first field and deleted with the last.
 *
 * Field expiry, actively: `hashFieldSweeper` gives the shard's alarm the earliest field expiry
 * of the shard and deletes due fields in bounded batches, deleting a key whose last field went.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { exactKey, KeyType, type ElementStore, type KeyRow, type Keyspace } from "./keyspace";
import { parseI64 } from "../args";
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from "./long-double";
import { checkSize } from "./strings";
import { rowsChanged } from "./lazy-free";

/** Migration that creates this type's element tables (appended to schema.ts's list). */
export const HASH_MIGRATION = `CREATE TABLE hash_fields (
     id INTEGER PRIMARY KEY,
     key_id INTEGER NOT NULL,
     field BLOB NOT NULL,
     value BLOB NOT NULL,
     expire_at INTEGER
   );
   CREATE UNIQUE INDEX hash_fields_by_field ON hash_fields(key_id, field);
   CREATE INDEX hash_fields_by_key ON hash_fields(key_id);
   CREATE INDEX hash_fields_by_key_expiry ON hash_fields(key_id, expire_at) WHERE expire_at IS NOT NULL;
   CREATE INDEX hash_fields_by_expiry ON hash_fields(expire_at) WHERE expire_at IS NOT NULL;`;

export function hashElements(sql: SqlStorage): ElementStore {
  return {
    drop(row, limit) {
      const count = decodeMeta(row.value)?.count;
      if (count === undefined || count > limit) return false;
      sql.exec("DELETE FROM hash_fields WHERE key_id = ?", row.id);
      return true;
    },
    dropSome(id, limit) {
      sql.exec("DELETE FROM hash_fields WHERE id IN (SELECT id FROM hash_fields WHERE key_id = ? LIMIT ?)", id, limit);
      return rowsChanged(sql);
    },
    dropAll() {
      sql.exec("DELETE FROM hash_fields");
    },
    copy(from, to) {
      sql.exec(
        "INSERT INTO hash_fields (key_id, field, value, expire_at) SELECT ?, field, value, expire_at FROM hash_fields WHERE key_id = ? ORDER BY id",
        to,
        from,
      );
    },
  };
}

export interface HashEntry {
  field: Uint8Array;
  value: Uint8Array;
}

/** A field with its position (`id`) and expiry, as HSCAN and the expiry commands see it. */
export interface HashRow extends HashEntry {
  id: number;
  expireAt: number | null;
}

interface FieldRow extends Record<string, SqlStorageValue> {
  id: number;
  field: ArrayBuffer;
  value: ArrayBuffer;
  expire_at: number | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes as SQLite should bind them: an exact ArrayBuffer, never a view into a larger one. */
function blob(b: Uint8Array): ArrayBuffer {
  return (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer) as ArrayBuffer;
}

/** Rows per multi-row INSERT of new fields: three bound parameters each, under the limit of 100. */
const NEW_BATCH = 33;

function toRow(r: FieldRow): HashRow {
  return { id: r.id, field: new Uint8Array(r.field), value: new Uint8Array(r.value), expireAt: r.expire_at };
}

function encodeMeta(count: number, minExpire: number | null): Uint8Array {
  return encoder.encode(minExpire === null ? String(count) : `${count}:${minExpire}`);
}

/**
 * One hash key, opened by a command: its live fields and metadata. Writes go through it and
 * `save()` writes the metadata back once (or deletes the key when no field is left).
 */
export class Hash {
  private dirty = false;

  constructor(
    private readonly ks: Keyspace,
    readonly key: string,
    private row: KeyRow | null,
    private count: number,
    private minExpire: number | null,
  ) {}

  /** Number of fields (HLEN), from the key's row. */
  get size(): number {
    return this.count;
  }

  exists(): boolean {
    return this.row !== null && this.count > 0;
  }

  private get sql(): SqlStorage {
    return this.ks.sql;
  }

  /** The field's row, or null. */
  find(field: Uint8Array): HashRow | null {
    if (!this.row) return null;
    const r = this.sql
      .exec<FieldRow>("SELECT id, field, value, expire_at FROM hash_fields WHERE key_id = ? AND field = ?", this.row.id, blob(field))
      .toArray()[0];
    return r ? toRow(r) : null;
  }

  get(field: Uint8Array): Uint8Array | null {
    if (!this.row) return null;
    const r = this.sql
      .exec<{ value: ArrayBuffer }>("SELECT value FROM hash_fields WHERE key_id = ? AND field = ?", this.row.id, blob(field))
      .toArray()[0];
    return r ? new Uint8Array(r.value) : null;
  }

  /**
   * Sets a field. Without `keepTtl` an existing field loses its expiry (HSET); with it the
   * expiry stays (HINCRBY, HSETEX KEEPTTL). True if the field is new. A field and its value
   * share one SQLite row (at most 2 MB), so together they may hold MAX_STRING_BYTES.
   */
  set(field: Uint8Array, value: Uint8Array, keepTtl = false): boolean {
    checkSize(field.length + value.length);
    const id = this.ensureRow();
    const old = this.sql
      .exec<{ id: number; expire_at: number | null }>("SELECT id, expire_at FROM hash_fields WHERE key_id = ? AND field = ?", id, blob(field))
      .toArray()[0];
    if (old) {
      // Writing expire_at costs two more index probes (its partial indexes): only when it changes.
      if (keepTtl || old.expire_at === null) this.sql.exec("UPDATE hash_fields SET value = ? WHERE id = ?", blob(value), old.id);
      else this.sql.exec("UPDATE hash_fields SET value = ?, expire_at = NULL WHERE id = ?", blob(value), old.id);
      return false;
    }
    this.sql.exec("INSERT INTO hash_fields (key_id, field, value) VALUES (?, ?, ?)", id, blob(field), blob(value));
    this.count++;
    this.dirty = true;
    return true;
  }

  /** Deletes a field; true if it existed. */
  delete(field: Uint8Array): boolean {
    if (!this.row) return false;
    const gone = this.sql
      .exec("DELETE FROM hash_fields WHERE key_id = ? AND field = ? RETURNING id", this.row.id, blob(field))
      .toArray().length;
    if (gone === 0) return false;
    this.count--;
    this.dirty = true;
    return true;
  }

  /** Sets (a time) or removes (null) the expiry of an existing field. */
  setExpiry(field: HashRow, at: number | null): void {
    this.sql.exec("UPDATE hash_fields SET expire_at = ? WHERE id = ?", at, field.id);
    field.expireAt = at;
    if (at !== null) {
      if (this.minExpire === null || at < this.minExpire) {
        this.minExpire = at;
        this.dirty = true;
      }
      this.ks.armExpiry(at);
    }
  }

  /**
   * Adds fields known to be new and distinct (a restored payload), NEW_BATCH to a statement,
   * each with its own expiry time (null: none), in their order; `save` must follow.
   */
  addAllNew(fields: { field: Uint8Array; value: Uint8Array; expireAt: number | null }[]): void {
    for (const f of fields) checkSize(f.field.length + f.value.length);
    const id = this.ensureRow();
    for (let i = 0; i < fields.length; i += NEW_BATCH) {
      const batch = fields.slice(i, i + NEW_BATCH);
      this.sql.exec(
        `INSERT INTO hash_fields (key_id, field, value, expire_at) VALUES ${batch.map(() => `(${id}, ?, ?, ?)`).join(", ")}`,
        ...batch.flatMap((f) => [blob(f.field), blob(f.value), f.expireAt]),
      );
    }
    this.count += fields.length;
    this.dirty = true;
    for (const f of fields) if (f.expireAt !== null && (this.minExpire === null || f.expireAt < this.minExpire)) this.minExpire = f.expireAt;
    if (this.minExpire !== null) this.ks.armExpiry(this.minExpire);
  }

  /** Every field in insertion order (HGETALL, HKEYS, HVALS). */
  *entries(): Generator<HashEntry> {
    if (!this.row) return;
    const cursor = this.sql.exec<FieldRow>(
      "SELECT field, value FROM hash_fields WHERE key_id = ? ORDER BY id",
      this.row.id,
    );
    for (const r of cursor) yield { field: new Uint8Array(r.field), value: new Uint8Array(r.value) };
  }

  /** Up to `limit` fields with `id >= from`, in id order, and whether more follow. */
  page(from: number, limit: number): { rows: HashRow[]; more: boolean } {
    if (!this.row) return { rows: [], more: false };
    const rows = this.sql
      .exec<FieldRow>(
        "SELECT id, field, value, expire_at FROM hash_fields WHERE key_id = ? AND id >= ? ORDER BY id LIMIT ?",
        this.row.id,
        from,
        limit + 1,
      )
      .toArray()
      .map(toRow);
    const more = rows.length > limit;
    if (more) rows.pop();
    return { rows, more };
  }

  /** A field picked at random (uniform over positions, so gaps left by deletions weigh in). */
  random(): HashRow {
    return this.randomPicks(1)[0]!;
  }

  /**
   * `n` fields picked at random, repeats allowed (HRANDFIELD with a negative count). When `n`
   * reaches the hash's size the fields are read once and picked from; otherwise each pick is
   * one index seek to a random position between the key's first and last one.
   */
  randomPicks(n: number): HashRow[] {
    const id = this.row!.id;
    const out: HashRow[] = [];
    if (n >= this.count) {
      const all = this.page(0, this.count).rows;
      for (let i = 0; i < n; i++) out.push(all[Math.floor(Math.random() * all.length)]!);
      return out;
    }
    // Two statements: SQLite answers a lone min() or max() with one index seek, both at once with a scan.
    const lo = this.sql.exec<{ id: number }>("SELECT min(id) AS id FROM hash_fields WHERE key_id = ?", id).one().id;
    const hi = this.sql.exec<{ id: number }>("SELECT max(id) AS id FROM hash_fields WHERE key_id = ?", id).one().id;
    for (let i = 0; i < n; i++) {
      const pick = lo + Math.floor(Math.random() * (hi - lo + 1));
      const r = this.sql
        .exec<FieldRow>("SELECT id, field, value, expire_at FROM hash_fields WHERE key_id = ? AND id >= ? ORDER BY id LIMIT 1", id, pick)
        .one();
      out.push(toRow(r));
    }
    return out;
  }

  /**
   * `count` distinct fields at random (count < size). Few of many: random picks, duplicates
   * retried; a large share: one pass of selection sampling (Knuth's algorithm S), which reads
   * every field once but keeps only the chosen ones.
   */
  sample(count: number): HashEntry[] {
    if (count * 3 <= this.count) {
      const chosen = new Map<number, HashEntry>();
      for (let round = 0; chosen.size < count && round < 20; round++) {
        for (const e of this.randomPicks(count - chosen.size)) chosen.set(e.id, { field: e.field, value: e.value });
      }
      if (chosen.size === count) return [...chosen.values()];
    }
    const out: HashEntry[] = [];
    let seen = 0;
    for (const e of this.entries()) {
      if (Math.random() * (this.count - seen) < count - out.length) out.push(e);
      seen++;
      if (out.length === count) break;
    }
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Writes the metadata back; deletes the key when its last field went. */
  save(): void {
    if (!this.row || !this.dirty) return;
    this.dirty = false;
    if (this.count <= 0) {
      this.ks.deleteEmptied(this.row);
      this.row = null;
      this.count = 0;
      this.minExpire = null;
      return;
    }
    this.ks.writeRowValue(this.row, encodeMeta(this.count, this.minExpire));
  }

  private ensureRow(): number {
    if (this.row) return this.row.id;
    const id = this.ks.insert(this.key, KeyType.Hash, encodeMeta(0, null), null);
    this.row = { id, key: this.key, type: KeyType.Hash, value: null, expire_at: null };
    this.dirty = true;
    return id;
  }

  /** Deletes the key's fields whose time has come (lazy expiry) and recomputes the bound. */
  purgeDue(): void {
    const row = this.row!;
    const now = this.ks.now;
    const due = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields WHERE key_id = ? AND expire_at <= ?", row.id, now)
      .one().n;
    if (due > 0) {
      this.sql.exec("DELETE FROM hash_fields WHERE key_id = ? AND expire_at <= ?", row.id, now);
      this.count -= due;
      this.ks.notify(Notify.Hash, "hexpired", row.key);
    }
    this.minExpire = this.sql
      .exec<{ t: number | null }>("SELECT min(expire_at) AS t FROM hash_fields WHERE key_id = ? AND expire_at IS NOT NULL", row.id)
      .one().t;
    this.dirty = true;
    this.save();
  }
}

function decodeMeta(value: ArrayBuffer | null): { count: number; minExpire: number | null } | null {
  if (value === null) return null;
  const [count, min] = decoder.decode(value).split(":");
  const n = Number(count);
  if (!Number.isSafeInteger(n)) return null;
  return { count: n, minExpire: min === undefined ? null : Number(min) };
}

function fromRow(ks: Keyspace, key: string, row: KeyRow): Hash | null {
  let meta = decodeMeta(row.value);
  if (!meta) {
    const n = ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields WHERE key_id = ?", row.id).one().n;
    meta = { count: n, minExpire: -Infinity };
  }
  const h = new Hash(ks, key, row, meta.count, meta.minExpire);
  if (meta.minExpire !== null && meta.minExpire <= ks.now) h.purgeDue();
  return h.exists() ? h : null;
}

/** The live hash at `key` (due fields deleted first), or null; WRONGTYPE for another type. */
export function openHash(ks: Keyspace, key: string): Hash | null {
  const row = ks.findOfType(key, KeyType.Hash);
  return row ? fromRow(ks, key, row) : null;
}

/** Like openHash, but an absent hash is returned empty, ready to be written (created on the first field). */
export function openHashForWrite(ks: Keyspace, key: string): Hash {
  return openHash(ks, key) ?? new Hash(ks, key, null, 0, null);
}

/** Runs `fn` on the hash at `key` opened for writing, then saves it. */
export function updateHash<T>(ks: Keyspace, key: string, fn: (h: Hash) => T): T {
  const h = openHashForWrite(ks, key);
  const result = fn(h);
  h.save();
  return result;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** HINCRBY: adds `delta` to the field's integer (0 if absent), keeping its expiry; the new value. */
export function incrementField(h: Hash, field: Uint8Array, delta: bigint): bigint {
  const old = h.get(field);
  let current = 0n;
  if (old !== null) {
    const v = parseI64(decoder.decode(old));
    if (v === null) throw new CommandError(Errors.hashNotInteger);
    current = v;
  }
  const next = current + delta;
  if (next < I64_MIN || next > I64_MAX) throw new CommandError(Errors.overflow);
  h.set(field, encoder.encode(next.toString()), true);
  return next;
}

/** HINCRBYFLOAT: adds `incr` in long double precision (as INCRBYFLOAT), keeping the field's expiry; the new text. */
export function incrementFieldFloat(h: Hash, field: Uint8Array, incr: LongDouble): string {
  const old = h.get(field);
  let current: LongDouble = { kind: "finite", neg: false, m: 0n, e: 0 };
  if (old !== null) {
    const v = parseLongDouble(decoder.decode(old));
    if (v === null) throw new CommandError(Errors.hashNotFloat);
    current = v;
  }
  const sum = addLongDouble(current, incr);
  if (sum.kind !== "finite") throw new CommandError(Errors.incrFloatNaN);
  const text = formatLongDouble(sum);
  h.set(field, encoder.encode(text), true);
  return text;
}

/**
 * The alarm's sweeper for field expiry: the earliest field deadline of the shard, and a sweep
 * that deletes up to `limit` due fields (in deadline order), fixing each touched key's count
 * and deleting a key whose last field went.
 */
export function hashFieldSweeper(ks: Keyspace): { earliest(): number | null; sweep(limit: number): number } {
  const sql = ks.sql;
  return {
    earliest() {
      return sql.exec<{ t: number | null }>("SELECT min(expire_at) AS t FROM hash_fields WHERE expire_at IS NOT NULL").one().t;
    },
    sweep(limit) {
      const due = sql
        .exec<{ id: number; key_id: number }>(
          "SELECT id, key_id FROM hash_fields WHERE expire_at IS NOT NULL AND expire_at <= ? ORDER BY expire_at LIMIT ?",
          ks.now,
          limit,
        )
        .toArray();
      const perKey = new Map<number, number>();
      for (const r of due) {
        sql.exec("DELETE FROM hash_fields WHERE id = ?", r.id);
        perKey.set(r.key_id, (perKey.get(r.key_id) ?? 0) + 1);
      }
      for (const [keyId, gone] of perKey) {
        const row = sql
          .exec<KeyRow & Record<string, SqlStorageValue>>("SELECT id, key, type, value, expire_at FROM keys WHERE id = ?", keyId)
          .toArray()[0];
        if (!row || row.type !== KeyType.Hash) continue;
        exactKey(sql, row);
        ks.memory.note(row.id, true);
        const meta = decodeMeta(row.value);
        const count = meta
          ? meta.count - gone
          : sql.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields WHERE key_id = ?", keyId).one().n;
        ks.notify(Notify.Hash, "hexpired", row.key);
        if (count <= 0) {
          ks.deleteEmptied(row);
          continue;
        }
        const min = sql
          .exec<{ t: number | null }>("SELECT min(expire_at) AS t FROM hash_fields WHERE key_id = ? AND expire_at IS NOT NULL", keyId)
          .one().t;
        ks.writeRowValue(row, encodeMeta(count, min));
      }
      return due.length;
    },
  };
}
