/**
 * The keyspace of one shard: one row per key in `keys` (see schema.ts). Typed operations for
 * each data type sit on top of this (strings.ts, …); nothing here knows argv or HTTP.
 *
 * Expiry is lazy on lookup (an expired key is deleted and reported absent) and active through
 * the shard's alarm (`sweepExpired`). `now` is the time of the running command batch: every
 * command of a batch sees one clock, as Redis sees one clock per command.
 *
 * Keys locked by a prepared cross-shard transaction (participant.ts): while a client batch runs,
 * `guarded` makes every lookup and insert of a key check the locks, so no command — a script
 * touching a key it did not declare included — reads or writes a locked key: it throws
 * KeyLockedError, which aborts the command (and its writes) with TRYAGAIN.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { DEFAULT_MAX_VALUE_BYTES } from "../limits";
import { MemoryAccount } from "../eviction/accounting";
import { AccessTracker } from "../eviction/tracking";
import { EXPIRY_BYTES, keyRowUsage } from "./memory-usage";
import { LAZYFREE_THRESHOLD, LazyFree } from "./lazy-free";
import { Notify, notifyKeyspaceEvent, type NotifyContext } from "../pubsub/notify";
import { KeyCache } from "./key-cache";
import { storedText } from "../args";

/** Where the keyspace counts lookups and expiries (the shard's counters, stats/counters.ts). */
export interface LookupCounters {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
}

export const enum KeyType {
  String = 0,
  Hash = 1,
  List = 2,
  Set = 3,
  ZSet = 4,
  /** A RedisJSON document (store/json.ts): its text in the row's value, or in chunk rows when large. */
  Json = 5,
  /** A stream (store/streams.ts): entries, nodes and counters in rows of their own. */
  Stream = 6,
}

export const TYPE_NAMES: Record<number, string> = { 0: "string", 1: "hash", 2: "list", 3: "set", 4: "zset", 5: "ReJSON-RL", 6: "stream" };

/**
 * `row` with its key exactly as written. A key that is not UTF-8 is text with lone surrogates
 * (durable-objects/args.ts); SQLite keeps their bytes, compares and orders them, but gives them
 * back as U+FFFD, so a key read with one is read again as its bytes. Returns `row`, changed in place.
 */
export function exactKey<R extends { id: number; key: string }>(sql: SqlStorage, row: R): R {
  if (row.key.includes("\uFFFD")) {
    const raw = sql.exec<{ k: ArrayBuffer }>("SELECT CAST(key AS BLOB) AS k FROM keys WHERE id = ?", row.id).toArray()[0];
    if (raw) row.key = storedText(new Uint8Array(raw.k));
  }
  return row;
}

export interface KeyRow {
  id: number;
  key: string;
  type: KeyType;
  /**
   * The in-row value. Read-only: a row from `find` may share these bytes with the key cache, so a
   * change is made on a copy and written back (writeString, writeRowValue), never in place.
   */
  value: ArrayBuffer | null;
  expire_at: number | null;
  /** A string too large for this row: its length, its bytes in chunk rows (string-chunks.ts); else null or absent. */
  size?: number | null;
  /** The key's size as last measured (eviction/accounting.ts); absent when not selected. */
  mem?: number;
}

/**
 * How a type keeps rows beside its key: called when a key of that type is deleted or copied. A
 * string has such rows only when it is chunked (`size` not null).
 */
export interface ElementStore {
  /**
   * Deletes every element row of `row` (whose key row is being deleted or overwritten) when that
   * costs at most `limit` rows, read from what the key keeps (a count, a length), and answers
   * true; otherwise answers false, leaving the rows to `dropSome` (store/lazy-free.ts). It may
   * delete a per-key row on the way (a list's or set's meta row): nothing reads it any more.
   */
  drop(row: Pick<KeyRow, "id" | "value" | "size">, limit: number): boolean;
  /** Deletes at most `limit` element rows of key `id` (-1: all); answers how many: fewer than `limit` when none are left. */
  dropSome(id: number, limit: number): number;
  /** Deletes the element rows of every key (FLUSHDB). */
  dropAll(): void;
  /** Copies every element row of key `from` to key `to` (which has none). */
  copy(from: number, to: number): void;
}

/** A command met a key locked by a prepared cross-shard transaction: it must not run now. */
export class KeyLockedError extends Error {
  constructor(readonly key: string) {
    super(`key is locked by a cross-shard transaction in progress`);
  }
}

/**
 * A new key's id: random in [1, 2^48], not the next rowid. Eviction and RANDOMKEY sample keys by
 * random points of the id range (eviction/policies.ts); with ids in creation order the gaps
 * between neighbouring ids follow the keyspace's history (keys created together sit close,
 * deleted ones leave wide gaps), so how often a key was found depended on its age. Random ids
 * make each key's gap independent of everything about it. A taken id (about one in 2^48 / keys)
 * is drawn again.
 */
const randomKeyId = () => 1 + Math.floor(Math.random() * 2 ** 48);
const INSERT_KEY =
  "INSERT INTO keys (id, key, type, value, expire_at, size, mem) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING id";

const DELETE_KEY_WITH_META = `DELETE FROM keys WHERE id = ? RETURNING mem, iif(type = ${KeyType.Hash}, value, NULL) AS value`;
const SELECT_KEY = "SELECT id, key, type, value, expire_at, size, mem FROM keys WHERE key = ?";
const UPDATE_STRING = "UPDATE keys SET type = ?, value = ?, expire_at = ?, mem = ? WHERE id = ?";
const UPDATE_STRING_VALUE = "UPDATE keys SET value = ?, mem = ? WHERE id = ?";
const UPDATE_STRING_UNCHUNKED = "UPDATE keys SET type = ?, value = ?, expire_at = ?, size = NULL, mem = ? WHERE id = ?";

/** A string kept whole in its key's row: its size is known from the row alone. */
const isPlainString = (type: KeyType, size: number | null | undefined) => type === KeyType.String && size == null;

export class Keyspace {
  /** Time of the running batch, ms since the epoch. */
  now = Date.now();
  /** Largest string value in bytes (strings.ts refuses to grow a value past it). */
  maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  /** Shards the database is split over: a shard's share of `maxmemory` is maxmemory ÷ this. */
  shardCount = 1;
  /** Used memory (keys.mem and the shard's total). */
  readonly memory = new MemoryAccount(this);
  /** Access times and LFU counters for eviction, in memory. */
  readonly access = new AccessTracker();
  /** Key rows in memory, written through (key-cache.ts): a cached lookup runs no SQL. */
  readonly cache = new KeyCache();
  private readonly elementStores = new Map<KeyType, ElementStore>();
  /** Large keys' element rows, freed in bounded steps after their key row went (lazy-free.ts). */
  readonly lazyFree: LazyFree;
  /**
   * Where lookups are counted (keyspace_hits/misses, as Redis's lookupKeyRead): set by dispatch
   * while a command not flagged `write` runs, null otherwise.
   */
  lookups: LookupCounters | null = null;
  /** Where expiries are counted (expired_keys: lazy here, active in sweepExpired). */
  counters: LookupCounters | null = null;

  /**
   * Where keyspace notifications go (pubsub/notify.ts): the running batch's context, set by the
   * shard; null where nothing can subscribe.
   */
  notifyTo: NotifyContext | null = null;
  /**
   * The shard's blocked clients (blocking/waiters.ts): told of every key created, as Redis's
   * dbAdd signals a key ready, and of what `signalReady` names.
   */
  waiting: { noteCreated(key: string): void; noteReady(key: string): void; noteGone(key: string): void; noteAllGone(): void } | null = null;

  constructor(
    readonly sql: SqlStorage,
    /** Called when a key gets an expiry time, so the shard can arm its alarm. */
    private readonly onExpiry: (at: number) => void,
    /** The storage's synchronous transaction (transactionSync): `transaction` runs in it. */
    private readonly transactionSync: <T>(fn: () => T) => T = (fn) => fn(),
  ) {
    this.lazyFree = new LazyFree(sql, this.elementStores, () => this.onExpiry(this.now));
  }

  /** While a client batch runs with keys locked on this shard: true for a locked key. */
  private isLocked: ((key: string) => boolean) | null = null;

  /** Runs `fn` with every key lookup and insert checked against `isLocked` (see the file's comment). */
  guarded<T>(isLocked: (key: string) => boolean, fn: () => T): T {
    const outer = this.isLocked;
    this.isLocked = isLocked;
    try {
      return fn();
    } finally {
      this.isLocked = outer;
    }
  }

  /**
   * Runs `fn` in a transaction of the storage (nested: a savepoint), all-or-nothing for SQLite and
   * the key cache alike: every caller that may roll back keyspace writes goes through here.
   */
  transaction<T>(fn: () => T): T {
    return this.cache.transaction(this.transactionSync, fn);
  }

  /**
   * Runs `fn`, statements that must stand or fall together, in a transaction of its own unless one
   * is open (a write command's savepoint): a command that runs without a savepoint (table.ts
   * `savepoint`) still writes all or nothing.
   */
  step<T>(fn: () => T): T {
    return this.cache.inTransaction ? fn() : this.transaction(fn);
  }

  /** Runs `fn` raising no keyspace notification (a command made of typed operations that raises its own). */
  quietly<T>(fn: () => T): T {
    const to = this.notifyTo;
    this.notifyTo = null;
    try {
      return fn();
    } finally {
      this.notifyTo = to;
    }
  }

  /** Raises keyspace event `event` of class `type` on `key` (Redis's notifyKeyspaceEvent). */
  notify(type: Notify, event: string, key: string): void {
    notifyKeyspaceEvent(this.notifyTo, type, event, key);
  }

  private checkLock(key: string): void {
    if (this.isLocked?.(key)) throw new KeyLockedError(key);
  }

  /** True if `key` is locked by a prepared cross-shard transaction while this batch runs (eviction skips it). */
  lockedNow(key: string): boolean {
    return this.isLocked?.(key) ?? false;
  }

  registerElementStore(type: KeyType, store: ElementStore): void {
    this.elementStores.set(type, store);
  }

  /**
   * The live row of `key`, or null (an expired key is deleted on the way). A lookup is an
   * access for eviction (`touch`: its LRU time and LFU counter, in memory).
   */
  find(key: string, touch = true): KeyRow | null {
    this.checkLock(key);
    let row = this.cache.get(key);
    if (row === undefined) {
      row = this.sql.exec<KeyRow & Record<string, SqlStorageValue>>(SELECT_KEY, key).toArray()[0] ?? null;
      if (row) row.key = key; // as asked (SQLite reads a key that is not UTF-8 back with U+FFFD: see exactKey)
      this.cache.set(key, row);
    }
    if (row && row.expire_at !== null && row.expire_at <= this.now) {
      this.expireRow(row);
      if (this.lookups) {
        this.lookups.keyspaceMisses++;
        this.notify(Notify.KeyMiss, "keymiss", key);
      }
      return null;
    }
    if (this.lookups) {
      if (row) this.lookups.keyspaceHits++;
      else {
        this.lookups.keyspaceMisses++;
        this.notify(Notify.KeyMiss, "keymiss", key);
      }
    }
    if (!row) return null;
    if (touch) this.access.touch(row.id, this.now);
    if (!isPlainString(row.type, row.size)) this.memory.note(row.id);
    return row;
  }

  /** Like find, but a key of another type is a WRONGTYPE error. */
  findOfType(key: string, type: KeyType): KeyRow | null {
    const row = this.find(key);
    if (row && row.type !== type) throw new CommandError(Errors.wrongType);
    return row;
  }

  /** Whether `key` is live; not an access (Redis's EXISTS looks up without touching). */
  exists(key: string): boolean {
    return this.find(key, false) !== null;
  }

  /** An existing key that may serve clients waiting on it now (a stream XADD appended to), as Redis's signalKeyAsReady. */
  signalReady(key: string): void {
    this.waiting?.noteReady(key);
  }

  /**
   * Inserts a new key (it must not exist) and returns its id; a `new` event, as Redis's dbAdd,
   * unless `replacing`: the key was deleted just before to be written again (a *STORE command's
   * destination, which Redis overwrites in place).
   */
  insert(key: string, type: KeyType, value: Uint8Array | null, expireAt: number | null, size: number | null = null, replacing = false): number {
    this.checkLock(key);
    // Claiming an id may delete rows a freed key left under it: with the insert, one step.
    if (this.lazyFree.mayClaim) return this.step(() => this.insertRow(key, type, value, expireAt, size, replacing));
    return this.insertRow(key, type, value, expireAt, size, replacing);
  }

  private insertRow(key: string, type: KeyType, value: Uint8Array | null, expireAt: number | null, size: number | null, replacing: boolean): number {
    const mem = keyRowUsage({ key, expire_at: expireAt }) + (value?.byteLength ?? 0);
    let id = 0;
    while (id === 0) {
      const wanted = randomKeyId();
      const row = this.sql
        .exec<{ id: number }>(INSERT_KEY, wanted, key, type, value, expireAt, size, mem)
        .toArray()[0];
      if (row) id = row.id;
    }
    this.cache.set(key, { id, key, type, value: null, expire_at: expireAt, size, mem }, value);
    this.memory.add(mem);
    if (!replacing) this.notify(Notify.New, "new", key);
    this.waiting?.noteCreated(key);
    this.access.created(id, this.now);
    if (!isPlainString(type, size)) this.memory.note(id);
    if (expireAt !== null) this.onExpiry(expireAt);
    this.lazyFree.claim(id);
    return id;
  }

  /**
   * Makes `key` a string holding `value` in its row. An existing key of any type is replaced in
   * place (its id kept, its elements or chunks dropped); `expireAt` undefined keeps the current
   * expiry (KEEPTTL).
   */
  writeString(key: string, value: Uint8Array, expireAt: number | null | undefined, existing?: KeyRow | null): void {
    const row = existing === undefined ? this.find(key) : existing;
    if (!row) {
      this.insert(key, KeyType.String, value, expireAt ?? null);
      return;
    }
    // Over another type or a chunked value: its rows go in the same step as the new value comes.
    if (!isPlainString(row.type, row.size)) this.step(() => this.replaceString(key, value, expireAt, row));
    else this.replaceString(key, value, expireAt, row);
  }

  private replaceString(key: string, value: Uint8Array, expireAt: number | null | undefined, row: KeyRow): void {
    this.dropElements(row);
    const at = expireAt === undefined ? row.expire_at : expireAt;
    // A value that was chunked also loses its length; any other keeps the fast path's statement.
    const mem = keyRowUsage({ key: row.key, expire_at: at }) + value.byteLength;
    const before = this.memOf(row);
    // A string over a string with the same expiry sets only what changed: the expiry index is not touched.
    if (row.type === KeyType.String && row.size == null && at === row.expire_at) {
      this.sql.exec(UPDATE_STRING_VALUE, value, mem, row.id);
      this.cache.patch(key, row.id, { value, mem });
    } else {
      this.sql.exec(row.size != null ? UPDATE_STRING_UNCHUNKED : UPDATE_STRING, KeyType.String, value, at, mem, row.id);
      this.cache.set(key, { id: row.id, key, type: KeyType.String, value: null, expire_at: at, size: null, mem }, value);
    }
    this.memory.add(mem - before);
    row.mem = mem;
    if (at !== null && at !== row.expire_at) this.onExpiry(at);
  }

  /**
   * Makes `key` a chunked string of `size` bytes with no chunk rows yet (all zeros, see
   * string-chunks.ts) and returns its id, to write the chunks under. Replaces as writeString does.
   */
  writeChunkedString(key: string, size: number, expireAt: number | null | undefined, existing?: KeyRow | null): number {
    const row = existing === undefined ? this.find(key) : existing;
    if (!row) return this.insert(key, KeyType.String, null, expireAt ?? null, size);
    this.dropElements(row);
    const at = expireAt === undefined ? row.expire_at : expireAt;
    this.sql.exec("UPDATE keys SET type = ?, value = NULL, expire_at = ?, size = ? WHERE id = ?", KeyType.String, at, size, row.id);
    this.cache.forget(key);
    this.memory.note(row.id);
    if (at !== null && at !== row.expire_at) this.onExpiry(at);
    return row.id;
  }

  /**
   * Rewrites the value of a key's row in place, its type and expiry kept: a hash's field count
   * (hashes.ts), a document's text (`size` set: its length, the text in chunk rows; json.ts).
   */
  writeRowValue(row: Pick<KeyRow, "id" | "key">, value: Uint8Array | null, size: number | null = null): void {
    this.sql.exec("UPDATE keys SET value = ?, size = ? WHERE id = ?", value, size, row.id);
    this.cache.patch(row.key, row.id, { value, size });
  }

  /** Sets the measured size of key row `id` (eviction/accounting.ts). */
  writeMem(row: Pick<KeyRow, "id" | "key">, mem: number): void {
    this.sql.exec("UPDATE keys SET mem = ? WHERE id = ?", mem, row.id);
    this.cache.patch(row.key, row.id, { mem });
  }

  /** Sets the length of a chunked string (APPEND and SETRANGE grow it in place). */
  resizeChunkedString(row: KeyRow, size: number): void {
    this.sql.exec("UPDATE keys SET size = ? WHERE id = ?", size, row.id);
    this.cache.forget(row.key);
    this.memory.note(row.id);
    row.size = size;
  }

  /**
   * Drops the rows a key overwritten in place kept beside its own: a collection's elements (a
   * large collection's lazily: the id becomes a string's, lazy-free.ts), a chunked string's or
   * document's chunks (directly: the new value may write chunks under the same id).
   */
  private dropElements(row: KeyRow): void {
    if (isPlainString(row.type, row.size)) return;
    if (row.type === KeyType.Stream) this.waiting?.noteGone(row.key);
    const store = this.elementStores.get(row.type);
    if (!store) return;
    if (row.type === KeyType.String || row.type === KeyType.Json) store.dropSome(row.id, -1);
    else if (!store.drop(row, LAZYFREE_THRESHOLD)) this.lazyFree.defer(row.id, row.type, this.memOf(row));
  }

  /** Makes sure the shard's alarm fires by `at`, for deadlines kept outside `keys` (hash fields). */
  armExpiry(at: number): void {
    this.onExpiry(at);
  }

  setExpire(row: KeyRow, at: number | null): void {
    const delta = (at === null ? 0 : EXPIRY_BYTES) - (row.expire_at === null ? 0 : EXPIRY_BYTES);
    this.sql.exec("UPDATE keys SET expire_at = ?, mem = mem + ? WHERE id = ?", at, delta, row.id);
    this.memory.add(delta);
    if (row.mem !== undefined) {
      row.mem += delta;
      this.cache.patch(row.key, row.id, { expire_at: at, mem: row.mem });
    } else this.cache.forget(row.key);
    row.expire_at = at;
    if (at !== null) this.onExpiry(at);
  }

  /** Deletes `key` and its elements; true if it existed (and was live). No event: the command raises its own. */
  delete(key: string): boolean {
    const row = this.find(key);
    if (!row) return false;
    this.deleteRow(row);
    return true;
  }

  /** Deletes a key whose time has come: counted (expired_keys) and an `expired` event, as Redis's deleteExpiredKeyAndPropagate. */
  expireRow(row: Pick<KeyRow, "id" | "type" | "size" | "key">): void {
    this.deleteRow(row);
    if (this.counters) this.counters.expiredKeys++;
    this.notify(Notify.Expired, "expired", row.key);
  }

  /** DEL's delete: as `delete`, with the `del` event when the key was there. */
  deleteNotified(key: string): boolean {
    if (!this.delete(key)) return false;
    this.notify(Notify.Generic, "del", key);
    return true;
  }

  /** Deletes a collection its command emptied, with the `del` event that follows the command's own in Redis. */
  deleteEmptied(row: Pick<KeyRow, "id" | "type" | "size" | "key">): void {
    this.deleteRow(row);
    this.notify(Notify.Generic, "del", row.key);
  }

  /**
   * Deletes a key's row and the rows it keeps beside it: directly when they are few, else in
   * bounded steps after the key row went (lazy-free.ts). Either way the key is gone at once.
   */
  deleteRow(row: Pick<KeyRow, "id" | "type" | "size" | "key">): void {
    if (row.type === KeyType.Stream) this.waiting?.noteGone(row.key);
    if (isPlainString(row.type, row.size)) {
      const gone = this.sql.exec<{ mem: number }>("DELETE FROM keys WHERE id = ? RETURNING mem", row.id).toArray()[0];
      this.cache.set(row.key, null);
      if (gone) this.memory.add(-gone.mem);
    } else this.step(() => this.deleteWithElements(row));
    this.access.forget(row.id);
  }

  private deleteWithElements(row: Pick<KeyRow, "id" | "type" | "size" | "key">): void {
    // A hash's row value is its field count (hashes.ts); other types' counts sit in their own rows.
    const gone = this.sql.exec<{ mem: number; value: ArrayBuffer | null }>(DELETE_KEY_WITH_META, row.id).toArray()[0];
    this.cache.set(row.key, null);
    if (!gone) return;
    this.memory.add(-gone.mem);
    const store = this.elementStores.get(row.type);
    if (store && !store.drop({ id: row.id, value: gone.value, size: row.size }, LAZYFREE_THRESHOLD)) {
      this.lazyFree.defer(row.id, row.type, gone.mem);
    }
  }

  /** The `mem` of a row, read when the row was selected without it. */
  private memOf(row: KeyRow): number {
    if (row.mem !== undefined) return row.mem;
    return this.sql.exec<{ mem: number }>("SELECT mem FROM keys WHERE id = ?", row.id).toArray()[0]?.mem ?? 0;
  }

  /**
   * Renames a live key; an existing `to` is deleted first. The id (and so the elements) move with
   * it. `to` is a key created, as in Redis (a `new` event); the command raises rename_from/rename_to.
   */
  rename(row: KeyRow, to: string): void {
    if (row.key === to) return;
    const target = this.find(to);
    if (target) this.deleteRow(target);
    this.notify(Notify.New, "new", to);
    // The key is gone from its name and created at `to`, as Redis's dbDelete and dbAdd signal them.
    if (row.type === KeyType.Stream) this.waiting?.noteGone(row.key);
    this.waiting?.noteCreated(to);
    const delta = keyRowUsage({ key: to, expire_at: null }) - keyRowUsage({ key: row.key, expire_at: null });
    this.sql.exec("UPDATE keys SET key = ?, mem = mem + ? WHERE id = ?", to, delta, row.id);
    this.cache.set(row.key, null);
    this.memory.add(delta);
    if (row.mem !== undefined) row.mem += delta;
    // Only a row as `find` read it (every field) may be cached under its new name.
    if (row.mem !== undefined && row.value !== undefined) this.cache.set(to, { ...row, key: to });
    else this.cache.forget(to);
  }

  /** Copies a live key to `to` (which must not exist): value, elements and expiry. */
  copy(row: KeyRow, to: string): void {
    const id = this.insert(to, row.type, row.value === null ? null : new Uint8Array(row.value), row.expire_at, row.size ?? null);
    if (row.type !== KeyType.String || row.size != null) this.elementStores.get(row.type)?.copy(row.id, id);
  }

  /** Live keys in this shard. */
  count(): number {
    return this.sql.exec<{ n: number }>(
      "SELECT count(*) AS n FROM keys WHERE expire_at IS NULL OR expire_at > ?",
      this.now,
    ).one().n;
  }

  /** Deletes every key and element. */
  flush(): void {
    this.waiting?.noteAllGone();
    for (const store of this.elementStores.values()) store.dropAll();
    this.lazyFree.clear();
    this.sql.exec("DELETE FROM keys");
    this.cache.clear();
    this.memory.reset();
    this.access.clear();
  }

  /**
   * Up to `limit` rows with id greater than `after`, in id order, expired ones included (SCAN
   * filters them); `more` tells whether rows remain past the last one returned.
   */
  rowsAfter(after: number, limit: number): { rows: KeyRow[]; more: boolean } {
    const rows = this.sql
      .exec<KeyRow & Record<string, SqlStorageValue>>(
        "SELECT id, key, type, NULL AS value, expire_at, size FROM keys WHERE id > ? ORDER BY id LIMIT ?",
        after,
        limit + 1,
      )
      .toArray();
    const more = rows.length > limit;
    if (more) rows.pop();
    for (const row of rows) exactKey(this.sql, row);
    return { rows, more };
  }

  /**
   * Live keys starting with `prefix`, in key order, streamed from the key index (KEYS narrows
   * its walk with the pattern's literal prefix).
   */
  *keysWithPrefix(prefix: string): Generator<{ key: string; type: KeyType }> {
    const cursor = this.sql.exec<{ id: number; key: string; type: number; expire_at: number | null }>(
      "SELECT id, key, type, expire_at FROM keys WHERE key >= ? ORDER BY key",
      prefix,
    );
    for (const row of cursor) {
      exactKey(this.sql, row);
      if (!row.key.startsWith(prefix)) return;
      if (row.expire_at !== null && row.expire_at <= this.now) continue;
      yield { key: row.key, type: row.type };
    }
  }

  /** A live key picked at random, or null when there is none. */
  randomKey(): string | null {
    // Two statements: SQLite answers a lone min() or max() of the rowid from the b-tree's ends,
    // but scans the whole table when both are in one statement.
    const lo = this.sql.exec<{ v: number | null }>("SELECT min(id) AS v FROM keys").one().v;
    const hi = this.sql.exec<{ v: number | null }>("SELECT max(id) AS v FROM keys").one().v;
    if (lo === null || hi === null) return null;
    const bounds = { lo, hi };
    for (let attempt = 0; attempt < 100; attempt++) {
      const pick = bounds.lo + Math.floor(Math.random() * (bounds.hi - bounds.lo + 1));
      const row = this.sql
        .exec<KeyRow & Record<string, SqlStorageValue>>(
          "SELECT id, key, type, NULL AS value, expire_at, size FROM keys WHERE id >= ? ORDER BY id LIMIT 1",
          pick,
        )
        .toArray()[0];
      if (!row) continue;
      if (row.expire_at === null || row.expire_at > this.now) return exactKey(this.sql, row).key;
      this.expireRow(row);
    }
    const live = this.sql
      .exec<{ id: number; key: string }>("SELECT id, key FROM keys WHERE expire_at IS NULL OR expire_at > ? LIMIT 1", this.now)
      .toArray()[0];
    return live ? exactKey(this.sql, live).key : null;
  }

  /** Counts for INFO's keyspace line: live keys, live keys with an expiry, their mean TTL in ms. */
  stats(): { keys: number; expires: number; avgTtl: number } {
    const e = this.sql
      .exec<{ n: number; t: number | null }>(
        "SELECT count(*) AS n, avg(expire_at) AS t FROM keys WHERE expire_at IS NOT NULL AND expire_at > ?",
        this.now,
      )
      .one();
    return { keys: this.count(), expires: e.n, avgTtl: e.t === null ? 0 : Math.max(0, Math.round(e.t - this.now)) };
  }

  /** The earliest expiry time of any key, or null. */
  earliestExpiry(): number | null {
    const row = this.sql.exec<{ t: number | null }>("SELECT min(expire_at) AS t FROM keys WHERE expire_at IS NOT NULL").one();
    return row.t;
  }

  /** Deletes up to `limit` keys whose time has come; returns how many. */
  sweepExpired(limit: number): number {
    const due = this.sql
      .exec<{ id: number; key: string; type: number; size: number | null }>(
        "SELECT id, key, type, size FROM keys WHERE expire_at IS NOT NULL AND expire_at <= ? ORDER BY expire_at LIMIT ?",
        this.now,
        limit,
      )
      .toArray();
    for (const row of due) this.expireRow(exactKey(this.sql, row));
    return due.length;
  }
}
