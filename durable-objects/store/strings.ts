/**
 * Typed operations on string keys. They take and return bytes; nothing here knows argv.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { KeyType, type Keyspace } from "./keyspace";

/** Largest string value: a SQLite row holds at most 2 MB on Durable Objects. */
export const MAX_STRING_BYTES = 1024 * 1024;

export function checkSize(n: number): void {
  if (n > MAX_STRING_BYTES) throw new CommandError(Errors.valueTooLarge(MAX_STRING_BYTES));
}

/** The bytes of a string key, null if absent; WRONGTYPE for another type. */
export function getString(ks: Keyspace, key: string): Uint8Array | null {
  const row = ks.findOfType(key, KeyType.String);
  return row ? new Uint8Array(row.value ?? new ArrayBuffer(0)) : null;
}

export interface SetStringOptions {
  /** Absolute expiry in ms; null: no expiry; undefined with keepTtl: keep the current one. */
  expireAt?: number | null;
  keepTtl?: boolean;
  /** Only set if the key does not exist (nx) / does exist (xx). */
  mode?: "nx" | "xx";
  /** Return the old value (WRONGTYPE if the key holds another type). */
  get?: boolean;
}

export interface SetStringResult {
  written: boolean;
  /** The old value, when `get` was asked. */
  old: Uint8Array | null;
}

/** SET's one generic operation: SET, SETNX, SETEX, PSETEX, GETSET and MSET use it. */
export function setString(ks: Keyspace, key: string, value: Uint8Array, opts: SetStringOptions = {}): SetStringResult {
  checkSize(value.length);
  const row = ks.find(key);
  let old: Uint8Array | null = null;
  if (opts.get && row) {
    if (row.type !== KeyType.String) throw new CommandError(Errors.wrongType);
    old = new Uint8Array(row.value ?? new ArrayBuffer(0));
  }
  if ((opts.mode === "nx" && row) || (opts.mode === "xx" && !row)) return { written: false, old };
  const expireAt = opts.keepTtl ? undefined : (opts.expireAt ?? null);
  if (expireAt !== undefined && expireAt !== null && expireAt <= ks.now) {
    // Already in the past: Redis stores nothing and deletes any old value.
    if (row) ks.deleteRow(row);
    return { written: true, old };
  }
  ks.writeString(key, value, expireAt, row);
  return { written: true, old };
}
