/**
 * Typed operations on string keys. They take and return bytes; nothing here knows argv.
 *
 * A value of up to MAX_STRING_BYTES lives in its key's row of `keys` (the `value` BLOB), so
 * every operation on it is one lookup and at most one write of that row: the fast path. A
 * Durable Object SQLite row holds at most 2 MB, so a larger value (up to the keyspace's
 * `maxValueBytes`, 32 MiB by default: ../limits.ts) is kept in chunk rows instead
 * (string-chunks.ts): the row's `size` is its length and `value` is NULL. APPEND, SETRANGE and
 * GETRANGE on a chunked value touch only the chunks their range overlaps; STRLEN reads `size`.
 * A value never shrinks back into its row except by being replaced (SET and its family).
 * SET, APPEND and SETRANGE refuse to grow a value past the limit, before anything is written or
 * allocated.
 *
 * Numbers (INCR…, INCRBYFLOAT) are stored as their decimal text, as Redis shows them; INCR's
 * 64-bit arithmetic is BigInt and INCRBYFLOAT's is 80-bit long double (long-double.ts); a
 * chunked value is never a number. Updates in place (INCR, APPEND, SETRANGE) keep the key's
 * expiry; SET and its family replace it.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { parseI64, utf8 } from "../args";
import { KeyType, type KeyRow, type Keyspace } from "./keyspace";
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from "./long-double";
import { readChunks, writeChunks } from "./string-chunks";

/**
 * Largest value kept in its key's row, and largest element of a collection (a hash field and
 * value, a list element, a member): one SQLite row holds at most 2 MB on Durable Objects.
 */
export const MAX_STRING_BYTES = 1024 * 1024;

/** Refuses an element (or in-row value) larger than MAX_STRING_BYTES. */
export function checkSize(n: number): void {
  if (n > MAX_STRING_BYTES) throw new CommandError(Errors.valueTooLarge(MAX_STRING_BYTES));
}

/** Refuses a string value larger than the keyspace's limit (bitmaps.ts too). */
export function checkValueSize(ks: Keyspace, n: number | bigint): void {
  if (n > ks.maxValueBytes) throw new CommandError(Errors.valueTooLarge(ks.maxValueBytes));
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/** The length in bytes of a string row's value. */
export function lengthOf(row: KeyRow): number {
  return row.size ?? row.value?.byteLength ?? 0;
}

/** The whole value of a string row (a chunked one read from its chunks). */
function valueOf(ks: Keyspace, row: KeyRow): Uint8Array {
  if (row.size != null) return readChunks(ks.sql, row.id, 0, row.size);
  return row.value ? new Uint8Array(row.value) : EMPTY;
}

/** Bytes [from, to) of a string row's value (the caller keeps the range inside it). */
export function sliceOf(ks: Keyspace, row: KeyRow, from: number, to: number): Uint8Array {
  if (row.size != null) return readChunks(ks.sql, row.id, from, to);
  return row.value ? new Uint8Array(row.value, from, to - from).slice() : EMPTY;
}

/** Makes `key` hold `value`: in its row when it fits, else in chunks. Replaces any old value or type. */
export function writeValue(ks: Keyspace, key: string, value: Uint8Array, expireAt: number | null | undefined, row: KeyRow | null): void {
  if (value.length <= MAX_STRING_BYTES) {
    ks.writeString(key, value, expireAt, row);
    return;
  }
  ks.step(() => writeChunks(ks.sql, ks.writeChunkedString(key, value.length, expireAt, row), 0, value));
}

/**
 * Writes `patch` at byte `at` of string `key` (`row`: its row, null when missing), zero-padding
 * as needed, keeping its expiry; the new length. A value that outgrows its row moves to chunks.
 * The caller has checked the new length against the limit.
 */
export function writeAt(ks: Keyspace, key: string, row: KeyRow | null, at: number, patch: Uint8Array): number {
  const oldLength = row ? lengthOf(row) : 0;
  const length = Math.max(oldLength, at + patch.length);
  if (row && row.size != null) {
    writeChunks(ks.sql, row.id, at, patch);
    if (length !== row.size) ks.resizeChunkedString(row, length);
    return length;
  }
  if (length <= MAX_STRING_BYTES) {
    const value = new Uint8Array(length);
    if (row?.value) value.set(new Uint8Array(row.value), 0);
    value.set(patch, at);
    ks.writeString(key, value, undefined, row);
    return length;
  }
  const old = row?.value ? new Uint8Array(row.value) : EMPTY;
  const id = ks.writeChunkedString(key, length, undefined, row);
  writeChunks(ks.sql, id, 0, old);
  writeChunks(ks.sql, id, at, patch);
  return length;
}

/** The bytes of a string key, null if absent; WRONGTYPE for another type. */
export function getString(ks: Keyspace, key: string): Uint8Array | null {
  const row = ks.findOfType(key, KeyType.String);
  return row ? valueOf(ks, row) : null;
}

export interface SetStringOptions {
  /** Absolute expiry in ms; null: no expiry; undefined with keepTtl: keep the current one. */
  expireAt?: number | null;
  keepTtl?: boolean;
  /** Only set if the key does not exist (nx) / does exist (xx). */
  mode?: "nx" | "xx";
  /** Return the old value (WRONGTYPE if the key holds another type). */
  get?: boolean;
  /** Only set if the current string value equals (or, `equal` false, differs from) `value`; WRONGTYPE for another type. */
  cond?: { equal: boolean; value: Uint8Array };
}

export interface SetStringResult {
  written: boolean;
  /** The old value, when `get` was asked. */
  old: Uint8Array | null;
}

/** SET's one generic operation: SET, SETNX, SETEX, PSETEX, GETSET and MSET use it. */
export function setString(ks: Keyspace, key: string, value: Uint8Array, opts: SetStringOptions = {}): SetStringResult {
  checkValueSize(ks, value.length);
  const row = ks.find(key);
  let old: Uint8Array | null = null;
  if (opts.get && row) {
    if (row.type !== KeyType.String) throw new CommandError(Errors.wrongType);
    old = valueOf(ks, row);
  }
  if ((opts.mode === "nx" && row) || (opts.mode === "xx" && !row)) return { written: false, old };
  if (opts.cond) {
    if (row && row.type !== KeyType.String) throw new CommandError(Errors.wrongType);
    const equal = row !== null && lengthOf(row) === opts.cond.value.length && sameBytes(valueOf(ks, row), opts.cond.value);
    if (equal !== opts.cond.equal) return { written: false, old };
  }
  const expireAt = opts.keepTtl ? undefined : (opts.expireAt ?? null);
  if (expireAt !== undefined && expireAt !== null && expireAt <= ks.now) {
    // Already in the past: nothing is stored and any old value goes. Redis stores the key and
    // expires it at once: its events are those of a set, an expire and an expiry.
    if (row) ks.deleteRow(row);
    else ks.notify(Notify.New, "new", key);
    ks.notify(Notify.String, "set", key);
    ks.notify(Notify.Generic, "expire", key);
    ks.notify(Notify.Expired, "expired", key);
    return { written: true, old };
  }
  writeValue(ks, key, value, expireAt, row);
  ks.notify(Notify.String, "set", key);
  if (expireAt != null) ks.notify(Notify.Generic, "expire", key);
  return { written: true, old };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** GETDEL: the value of a string key, which is deleted; null if absent. */
export function getDelString(ks: Keyspace, key: string): Uint8Array | null {
  const row = ks.findOfType(key, KeyType.String);
  if (!row) return null;
  const value = valueOf(ks, row);
  ks.deleteRow(row);
  ks.notify(Notify.Generic, "del", key);
  return value;
}

/** What GETEX does to the expiry: keep it, remove it, or set it (a past time deletes the key). */
export type ExpiryChange = { kind: "keep" } | { kind: "persist" } | { kind: "at"; at: number };

/**
 * GETEX: the value of a string key, then its expiry changed. `change` is asked only once the
 * key is known to be a live string, as Redis validates the time only then.
 */
export function getExString(ks: Keyspace, key: string, change: () => ExpiryChange): Uint8Array | null {
  const row = ks.findOfType(key, KeyType.String);
  if (!row) return null;
  const c = change();
  const value = valueOf(ks, row);
  if (c.kind === "at" && c.at <= ks.now) {
    ks.deleteRow(row);
    ks.notify(Notify.Generic, "del", key);
  } else if (c.kind === "at") {
    ks.setExpire(row, c.at);
    ks.notify(Notify.Generic, "expire", key);
  } else if (c.kind === "persist" && row.expire_at !== null) {
    ks.setExpire(row, null);
    ks.notify(Notify.Generic, "persist", key);
  }
  return value;
}

/** MGET: one value per key, null for a missing key or a key of another type. */
export function getStrings(ks: Keyspace, keys: string[]): (Uint8Array | null)[] {
  return keys.map((key) => {
    const row = ks.find(key);
    return row && row.type === KeyType.String ? valueOf(ks, row) : null;
  });
}

/** Refuses any value above the size limit (MSET and MSETNX check every value before anything else). */
export function checkValueSizes(ks: Keyspace, pairs: [string, Uint8Array][]): void {
  for (const [, value] of pairs) checkValueSize(ks, value.length);
}

/**
 * MSET, and MSETNX once its rule (commands/strings.ts msetOutcome) says to write: every pair in
 * order, so a key named twice keeps its last value.
 */
export function setStrings(ks: Keyspace, pairs: [string, Uint8Array][]): void {
  checkValueSizes(ks, pairs);
  for (const [key, value] of pairs) {
    writeValue(ks, key, value, null, ks.find(key));
    ks.notify(Notify.String, "set", key);
  }
}

/** STRLEN: the length in bytes, 0 for a missing key. */
export function stringLength(ks: Keyspace, key: string): number {
  const row = ks.findOfType(key, KeyType.String);
  return row ? lengthOf(row) : 0;
}

/** APPEND: the new length. A missing key is created (even by an empty suffix). */
export function appendString(ks: Keyspace, key: string, suffix: Uint8Array): number {
  const row = ks.findOfType(key, KeyType.String);
  const length = row ? lengthOf(row) : 0;
  checkValueSize(ks, length + suffix.length);
  const n = writeAt(ks, key, row, length, suffix);
  ks.notify(Notify.String, "append", key);
  return n;
}

/**
 * GETRANGE with Redis 7's index rules: negative indexes count from the end, both ends are
 * clamped, and a range that is empty after clamping (or two negative indexes with start > end)
 * is the empty string. A missing key is the empty string.
 */
export function getRange(ks: Keyspace, key: string, start: bigint, end: bigint): Uint8Array {
  const row = ks.findOfType(key, KeyType.String);
  if (!row) return EMPTY;
  const n = BigInt(lengthOf(row));
  if (start < 0n && end < 0n && start > end) return EMPTY;
  if (start < 0n) start += n;
  if (end < 0n) end += n;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= n) end = n - 1n;
  if (start > end || n === 0n) return EMPTY;
  return sliceOf(ks, row, Number(start), Number(end) + 1);
}

/**
 * SETRANGE: writes `patch` at `offset` (zero-padding as needed) and returns the new length.
 * An empty patch changes nothing and creates no key. `offset` must not be negative.
 */
export function setRange(ks: Keyspace, key: string, offset: bigint, patch: Uint8Array): number {
  const row = ks.findOfType(key, KeyType.String);
  if (patch.length === 0) return row ? lengthOf(row) : 0;
  checkValueSize(ks, offset + BigInt(patch.length));
  const n = writeAt(ks, key, row, Number(offset), patch);
  ks.notify(Notify.String, "setrange", key);
  return n;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** INCRBY's one generic operation (INCR, DECR, INCRBY, DECRBY): the new value. */
export function incrementInteger(ks: Keyspace, key: string, delta: bigint): bigint {
  const row = ks.findOfType(key, KeyType.String);
  let current = 0n;
  if (row) {
    const parsed = row.size == null ? parseI64(utf8(valueOf(ks, row))) : null;
    if (parsed === null) throw new CommandError(Errors.notInteger);
    current = parsed;
  }
  const next = current + delta;
  if (next < I64_MIN || next > I64_MAX) throw new CommandError(Errors.overflow);
  ks.writeString(key, encoder.encode(next.toString()), undefined, row);
  ks.notify(Notify.String, "incrby", key);
  return next;
}

const LD_ZERO: LongDouble = { kind: "finite", neg: false, m: 0n, e: 0 };

/** INCRBYFLOAT: adds `increment` (text) in long double precision; the new value as Redis prints it. */
export function incrementFloat(ks: Keyspace, key: string, increment: string): string {
  const row = ks.findOfType(key, KeyType.String);
  const current = !row ? LD_ZERO : row.size == null ? parseLongDouble(utf8(valueOf(ks, row))) : null;
  if (!current) throw new CommandError(Errors.notFloat);
  const incr = parseLongDouble(increment);
  if (!incr) throw new CommandError(Errors.notFloat);
  const sum = addLongDouble(current, incr);
  if (sum.kind !== "finite") throw new CommandError(Errors.incrFloatNaN);
  const text = formatLongDouble(sum);
  ks.writeString(key, encoder.encode(text), undefined, row);
  ks.notify(Notify.String, "incrbyfloat", key);
  return text;
}

/** LCS's inputs: the values of both keys (a missing key is empty); an error unless both are strings. */
export function getStringPair(ks: Keyspace, a: string, b: string): [Uint8Array, Uint8Array] {
  const ra = ks.find(a);
  const rb = ks.find(b);
  if ((ra && ra.type !== KeyType.String) || (rb && rb.type !== KeyType.String)) {
    throw new CommandError(Errors.lcsNotStrings);
  }
  return [ra ? valueOf(ks, ra) : EMPTY, rb ? valueOf(ks, rb) : EMPTY];
}
