/**
 * List keys: typed operations and the element store. Nothing here knows argv.
 *
 * Storage: one row per element in `list_item` (key_id, pos, value) with an index on
 * (key_id, pos), and one row per list in `list_meta` (key_id → head, len). Positions are
 * integers, contiguous from head to tail: the element at index i (0-based from the head)
 * sits at pos = head + i, the tail at head + len - 1. So
 * - LPUSH writes head - 1 and RPUSH head + len, LPOP/RPOP delete at the ends: O(log n) each;
 * - LINDEX/LSET i read or write pos head + i: one index seek, O(log n);
 * - LRANGE is one range scan over the index, O(log n + k); LTRIM deletes two ranges.
 * Positions may go negative (pushes at the head) and are never reused across keys because
 * every row carries the key's id (`keys.id`, stable across RENAME and overwrite).
 *
 * Only LINSERT and LREM, which are O(n) in Redis too, renumber: LINSERT shifts whichever side
 * of the insertion point is shorter by one; LREM deletes the matches and renumbers the shorter
 * side with one windowed UPDATE. The index is deliberately not UNIQUE: a shifting UPDATE
 * passes through transient duplicates that a UNIQUE index would refuse row by row.
 *
 * A list whose last element goes is deleted with its key (Redis semantics): `save` does it.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { KeyType, type ElementStore, type Keyspace, type KeyRow } from "./keyspace";
import { checkSize } from "./strings";
import { rowsChanged } from "./lazy-free";

/** Migration that creates this type's element tables (appended to schema.ts's list). */
export const LIST_MIGRATION = `
  CREATE TABLE list_meta (
    key_id INTEGER PRIMARY KEY,
    head INTEGER NOT NULL,
    len INTEGER NOT NULL
  );
  CREATE TABLE list_item (
    key_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    value BLOB NOT NULL
  );
  CREATE INDEX list_item_by_pos ON list_item(key_id, pos);`;

export function listElements(sql: SqlStorage): ElementStore {
  return {
    drop(row, limit) {
      const len = sql.exec<{ len: number }>("DELETE FROM list_meta WHERE key_id = ? RETURNING len", row.id).toArray()[0]?.len ?? 0;
      if (len > limit) return false;
      sql.exec("DELETE FROM list_item WHERE key_id = ?", row.id);
      return true;
    },
    dropSome(id, limit) {
      sql.exec("DELETE FROM list_meta WHERE key_id = ?", id);
      sql.exec("DELETE FROM list_item WHERE rowid IN (SELECT rowid FROM list_item WHERE key_id = ? LIMIT ?)", id, limit);
      return rowsChanged(sql);
    },
    dropAll() {
      sql.exec("DELETE FROM list_item");
      sql.exec("DELETE FROM list_meta");
    },
    copy(from, to) {
      sql.exec("INSERT INTO list_item (key_id, pos, value) SELECT ?, pos, value FROM list_item WHERE key_id = ?", to, from);
      sql.exec("INSERT INTO list_meta (key_id, head, len) SELECT ?, head, len FROM list_meta WHERE key_id = ?", to, from);
    },
  };
}

export type End = "left" | "right";

/** Rows per multi-row INSERT: three bound parameters each, under the limit of 100. */
const INSERT_CHUNK = 32;

function blob(v: ArrayBuffer): Uint8Array {
  return new Uint8Array(v);
}

/** A live list: its key row and its head/length, written back by `save`. */
export class List {
  constructor(
    readonly ks: Keyspace,
    readonly row: KeyRow,
    public head: number,
    public len: number,
  ) {}

  private get sql(): SqlStorage {
    return this.ks.sql;
  }

  get id(): number {
    return this.row.id;
  }

  /** Writes head/len back, or deletes the key when the list is empty. */
  save(): void {
    if (this.len === 0) this.ks.deleteEmptied(this.row);
    else this.sql.exec("UPDATE list_meta SET head = ?, len = ? WHERE key_id = ?", this.head, this.len, this.id);
  }

  /** Inserts `values` at consecutive positions from `first` stepping by `step` (±1). */
  private insertRun(first: number, step: number, values: Uint8Array[]): void {
    for (let i = 0; i < values.length; i += INSERT_CHUNK) {
      const chunk = values.slice(i, i + INSERT_CHUNK);
      const params: (number | Uint8Array)[] = [];
      chunk.forEach((v, j) => params.push(this.id, first + (i + j) * step, v));
      this.sql.exec(`INSERT INTO list_item (key_id, pos, value) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`, ...params);
    }
  }

  /** LPUSH/RPUSH: each value in turn at the given end. */
  push(end: End, values: Uint8Array[]): void {
    if (end === "left") {
      this.insertRun(this.head - 1, -1, values);
      this.head -= values.length;
    } else {
      this.insertRun(this.head + this.len, 1, values);
    }
    this.len += values.length;
  }

  /** Removes up to `count` elements from one end, nearest first. */
  pop(end: End, count: number): Uint8Array[] {
    const k = Math.min(count, this.len);
    if (k <= 0) return [];
    const lo = end === "left" ? this.head : this.head + this.len - k;
    const hi = lo + k - 1;
    const order = end === "left" ? "ASC" : "DESC";
    const out = this.sql
      .exec<{ value: ArrayBuffer }>(
        `SELECT value FROM list_item WHERE key_id = ? AND pos BETWEEN ? AND ? ORDER BY pos ${order}`,
        this.id,
        lo,
        hi,
      )
      .toArray()
      .map((r) => blob(r.value));
    this.sql.exec("DELETE FROM list_item WHERE key_id = ? AND pos BETWEEN ? AND ?", this.id, lo, hi);
    if (end === "left") this.head += k;
    this.len -= k;
    return out;
  }

  /** The element at index `i` (0 ≤ i < len). */
  at(i: number): Uint8Array {
    const r = this.sql.exec<{ value: ArrayBuffer }>("SELECT value FROM list_item WHERE key_id = ? AND pos = ?", this.id, this.head + i).one();
    return blob(r.value);
  }

  setAt(i: number, value: Uint8Array): void {
    this.sql.exec("UPDATE list_item SET value = ? WHERE key_id = ? AND pos = ?", value, this.id, this.head + i);
  }

  /** Elements at indexes start..stop (inclusive, already clamped to the list). */
  slice(start: number, stop: number): Uint8Array[] {
    return this.sql
      .exec<{ value: ArrayBuffer }>(
        "SELECT value FROM list_item WHERE key_id = ? AND pos BETWEEN ? AND ? ORDER BY pos",
        this.id,
        this.head + start,
        this.head + stop,
      )
      .toArray()
      .map((r) => blob(r.value));
  }

  /** Keeps indexes start..stop (inclusive, 0 ≤ start ≤ stop < len). */
  keep(start: number, stop: number): void {
    const lo = this.head + start;
    const hi = this.head + stop;
    // Two range deletes: a single `pos < lo OR pos > hi` may walk every row of the list.
    if (start > 0) this.sql.exec("DELETE FROM list_item WHERE key_id = ? AND pos < ?", this.id, lo);
    if (stop < this.len - 1) this.sql.exec("DELETE FROM list_item WHERE key_id = ? AND pos > ?", this.id, hi);
    this.head = lo;
    this.len = stop - start + 1;
  }

  /**
   * Indexes of elements equal to `value`, scanning from the head (`fromHead`) or the tail,
   * skipping the first `skip` matches, at most `limit` of them (-1: all), looking only at the
   * first `maxlen` elements from that end (0: all).
   */
  positions(value: Uint8Array, fromHead: boolean, skip: number, limit: number, maxlen: number): number[] {
    const span = maxlen > 0 ? Math.min(maxlen, this.len) : this.len;
    const lo = fromHead ? this.head : this.head + this.len - span;
    const hi = lo + span - 1;
    return this.sql
      .exec<{ pos: number }>(
        `SELECT pos FROM list_item WHERE key_id = ? AND pos BETWEEN ? AND ? AND value = ?
         ORDER BY pos ${fromHead ? "ASC" : "DESC"} LIMIT ? OFFSET ?`,
        this.id,
        lo,
        hi,
        value,
        limit,
        Math.min(skip, this.len),
      )
      .toArray()
      .map((r) => r.pos - this.head);
  }

  /** Inserts `value` so that it ends at index `i` (0 ≤ i ≤ len), shifting the shorter side. */
  insertAt(i: number, value: Uint8Array): void {
    const q = this.head + i;
    if (this.len - i <= i) {
      this.sql.exec("UPDATE list_item SET pos = pos + 1 WHERE key_id = ? AND pos >= ?", this.id, q);
      this.insertRun(q, 1, [value]);
    } else {
      this.sql.exec("UPDATE list_item SET pos = pos - 1 WHERE key_id = ? AND pos < ?", this.id, q);
      this.insertRun(q - 1, 1, [value]);
      this.head--;
    }
    this.len++;
  }

  /**
   * LREM: deletes up to `count` elements equal to `value` (count > 0 from the head, < 0 from
   * the tail, 0 all) and closes the gaps; returns how many went.
   */
  remove(count: number, value: Uint8Array): number {
    const found = this.positions(value, count >= 0, 0, count === 0 ? -1 : Math.abs(count), 0).map((i) => this.head + i);
    if (found.length === 0) return 0;
    found.sort((a, b) => a - b);
    const first = found[0]!;
    const last = found[found.length - 1]!;
    const tail = this.head + this.len - 1;
    this.sql.exec("DELETE FROM list_item WHERE key_id = ? AND pos IN (SELECT value FROM json_each(?))", this.id, JSON.stringify(found));
    if (tail - first <= last - this.head) {
      // Survivors after the first hole slide toward the head, in order, from `first` on.
      this.sql.exec(
        `UPDATE list_item SET pos = r.np FROM (
           SELECT rowid AS rid, ? + row_number() OVER (ORDER BY pos) AS np FROM list_item WHERE key_id = ? AND pos > ?
         ) AS r WHERE list_item.rowid = r.rid`,
        first - 1,
        this.id,
        first,
      );
    } else {
      // Survivors before the last hole slide toward the tail, ending at `last`.
      this.sql.exec(
        `UPDATE list_item SET pos = r.np FROM (
           SELECT rowid AS rid, ? - row_number() OVER (ORDER BY pos DESC) AS np FROM list_item WHERE key_id = ? AND pos < ?
         ) AS r WHERE list_item.rowid = r.rid`,
        last + 1,
        this.id,
        last,
      );
      this.head += found.length;
    }
    this.len -= found.length;
    return found.length;
  }
}

/** The list at `key`, or null; WRONGTYPE for another type. */
export function findList(ks: Keyspace, key: string): List | null {
  const row = ks.findOfType(key, KeyType.List);
  if (!row) return null;
  const m = ks.sql.exec<{ head: number; len: number }>("SELECT head, len FROM list_meta WHERE key_id = ?", row.id).one();
  return new List(ks, row, m.head, m.len);
}

/** Creates an empty list at `key` (which must not exist); `save` must follow a push. */
function createList(ks: Keyspace, key: string, replacing = false): List {
  const id = ks.insert(key, KeyType.List, null, null, null, replacing);
  ks.sql.exec("INSERT INTO list_meta (key_id, head, len) VALUES (?, 0, 0)", id);
  return new List(ks, { id, key, type: KeyType.List, value: null, expire_at: null }, 0, 0);
}

/** Turns a Redis index (negative counts from the tail) into 0..len-1, or null when outside. */
function normalizeIndex(i: number, len: number): number | null {
  const j = i < 0 ? len + i : i;
  return j >= 0 && j < len ? j : null;
}

/** Clamps a Redis start/stop pair to the list; null when the range is empty. */
function normalizeRange(start: number, stop: number, len: number): [number, number] | null {
  let s = start < 0 ? len + start : start;
  let e = stop < 0 ? len + stop : stop;
  if (s < 0) s = 0;
  if (s > e || s >= len) return null;
  if (e >= len) e = len - 1;
  return [s, e];
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX: the new length (0 when `onlyIfExists` and there is no list). */
export function listPush(ks: Keyspace, key: string, end: End, values: Uint8Array[], onlyIfExists = false): number {
  for (const v of values) checkSize(v.length);
  let list = findList(ks, key);
  if (!list) {
    if (onlyIfExists) return 0;
    list = createList(ks, key);
  }
  list.push(end, values);
  ks.notify(Notify.List, end === "left" ? "lpush" : "rpush", key);
  list.save();
  return list.len;
}

/**
 * Replaces `key` with a list of `values` (SORT … STORE): an existing key of any type is deleted
 * first, and no values means no key. Returns the new length.
 */
export function storeList(ks: Keyspace, key: string, values: Uint8Array[]): number {
  for (const v of values) checkSize(v.length);
  const old = ks.find(key);
  if (old) ks.deleteRow(old);
  if (values.length === 0) {
    if (old) ks.notify(Notify.Generic, "del", key);
    return 0;
  }
  const list = createList(ks, key, old !== null);
  list.push("right", values);
  list.save();
  ks.notify(Notify.List, "sortstore", key);
  return list.len;
}

/** LPOP/RPOP: up to `count` elements, or null when there is no list. */
export function listPop(ks: Keyspace, key: string, end: End, count: number): Uint8Array[] | null {
  const list = findList(ks, key);
  if (!list) return null;
  const out = list.pop(end, count);
  if (out.length > 0) ks.notify(Notify.List, popEvent(end), key);
  list.save();
  return out;
}

function popEvent(end: End): string {
  return end === "left" ? "lpop" : "rpop";
}

export function listLength(ks: Keyspace, key: string): number {
  return findList(ks, key)?.len ?? 0;
}

export function listRange(ks: Keyspace, key: string, start: number, stop: number): Uint8Array[] {
  const list = findList(ks, key);
  if (!list) return [];
  const r = normalizeRange(start, stop, list.len);
  return r ? list.slice(r[0], r[1]) : [];
}

export function listIndex(ks: Keyspace, key: string, index: number): Uint8Array | null {
  const list = findList(ks, key);
  if (!list) return null;
  const i = normalizeIndex(index, list.len);
  return i === null ? null : list.at(i);
}

/** LSET: ERR no such key / ERR index out of range as Redis. */
export function listSet(ks: Keyspace, key: string, index: number, value: Uint8Array): void {
  checkSize(value.length);
  const list = findList(ks, key);
  if (!list) throw new CommandError(Errors.noSuchKey);
  const i = normalizeIndex(index, list.len);
  if (i === null) throw new CommandError(Errors.indexOutOfRange);
  list.setAt(i, value);
  ks.notify(Notify.List, "lset", key);
}

export function listTrim(ks: Keyspace, key: string, start: number, stop: number): void {
  const list = findList(ks, key);
  if (!list) return;
  const r = normalizeRange(start, stop, list.len);
  if (r) list.keep(r[0], r[1]);
  else list.len = 0;
  ks.notify(Notify.List, "ltrim", key);
  list.save();
}

export function listRemove(ks: Keyspace, key: string, count: number, value: Uint8Array): number {
  const list = findList(ks, key);
  if (!list) return 0;
  const n = list.remove(count, value);
  if (n > 0) ks.notify(Notify.List, "lrem", key);
  list.save();
  return n;
}

/** LINSERT: the new length, -1 when the pivot is not found, 0 when there is no list. */
export function listInsert(ks: Keyspace, key: string, before: boolean, pivot: Uint8Array, value: Uint8Array): number {
  checkSize(value.length);
  const list = findList(ks, key);
  if (!list) return 0;
  const at = list.positions(pivot, true, 0, 1, 0)[0];
  if (at === undefined) return -1;
  list.insertAt(before ? at : at + 1, value);
  ks.notify(Notify.List, "linsert", key);
  list.save();
  return list.len;
}

export interface PosOptions {
  /** 1-based match to start from; negative: from the tail. Never 0. */
  rank: number;
  /** Matches to return; 0: all. */
  count: number;
  /** Elements to look at from the start end; 0: all. */
  maxlen: number;
}

/** LPOS: the indexes of matching elements (empty when there is no list). */
export function listPositions(ks: Keyspace, key: string, value: Uint8Array, o: PosOptions): number[] {
  const list = findList(ks, key);
  if (!list) return [];
  return list.positions(value, o.rank > 0, Math.abs(o.rank) - 1, o.count === 0 ? -1 : o.count, o.maxlen);
}

/** LMOVE/RPOPLPUSH: the moved element, null when the source is missing. */
export function listMove(ks: Keyspace, src: string, dst: string, from: End, to: End): Uint8Array | null {
  const source = findList(ks, src);
  if (!source) return null;
  if (src === dst) {
    const [v] = source.pop(from, 1);
    source.push(to, [v!]);
    ks.notify(Notify.List, to === "left" ? "lpush" : "rpush", dst);
    ks.notify(Notify.List, popEvent(from), src);
    source.save();
    return v!;
  }
  const target = findList(ks, dst) ?? createList(ks, dst);
  const [v] = source.pop(from, 1);
  target.push(to, [v!]);
  target.save();
  // As Redis: the push is told first, then the pop (and the source's deletion if it emptied).
  ks.notify(Notify.List, to === "left" ? "lpush" : "rpush", dst);
  ks.notify(Notify.List, popEvent(from), src);
  source.save();
  return v!;
}

/** LMPOP: the first non-empty list's name and up to `count` elements, or null. */
export function listMultiPop(ks: Keyspace, keys: string[], end: End, count: number): [string, Uint8Array[]] | null {
  for (const key of keys) {
    const list = findList(ks, key);
    if (!list) continue;
    const out = list.pop(end, count);
    ks.notify(Notify.List, popEvent(end), key);
    list.save();
    return [key, out];
  }
  return null;
}
