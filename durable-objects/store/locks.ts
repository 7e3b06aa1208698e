/**
 * Leases with fencing tokens, and compare-and-delete on strings.
 *
 * A held lock is an ordinary string key whose value is the owner and whose expiry is the end
 * of the lease, so the plain commands interoperate: GET shows the owner, PTTL the lease left,
 * DELIFEQ / DELEX IFEQ release it, and a lease that runs out is deleted like any key.
 *
 * The fencing token must outlive the key: it strictly increases per lock name across
 * expiries, releases, restarts and FLUSHALL. It lives in `lock_fence` (name → last token
 * issued), one small row per lock name ever acquired, never deleted (so a resource that
 * remembers the highest token it has seen can never be handed a lower one). The holder's
 * token is the last one issued for the name; a lock key written by other commands (SET)
 * has no token of its own and reports the last one issued.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { KeyType, type Keyspace, type KeyRow } from "./keyspace";

/** Migration: the per-name fencing counters (appended to schema.ts's list). */
export const LOCK_MIGRATION = `
  CREATE TABLE lock_fence (
    name TEXT PRIMARY KEY,
    token INTEGER NOT NULL
  ) WITHOUT ROWID;`;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function valueOf(row: KeyRow): Uint8Array {
  return row.value ? new Uint8Array(row.value) : new Uint8Array(0);
}

function heldBy(row: KeyRow | null, owner: Uint8Array): boolean {
  return row !== null && bytesEqual(valueOf(row), owner);
}

function lastToken(ks: Keyspace, name: string): number | null {
  const r = ks.sql.exec<{ token: number }>("SELECT token FROM lock_fence WHERE name = ?", name).toArray()[0];
  return r ? r.token : null;
}

function issueToken(ks: Keyspace, name: string): number {
  return ks.sql
    .exec<{ token: number }>(
      "INSERT INTO lock_fence (name, token) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET token = token + 1 RETURNING token",
      name,
    )
    .one().token;
}

/**
 * Takes the lock for `ttlMs` and returns a new fencing token, or null when another owner
 * holds it. The holder acquiring again extends its lease and keeps its token.
 */
export function acquireLock(ks: Keyspace, key: string, owner: Uint8Array, ttlMs: number): number | null {
  const row = ks.findOfType(key, KeyType.String);
  const expireAt = ks.now + ttlMs;
  if (row) {
    if (!heldBy(row, owner)) return null;
    ks.setExpire(row, expireAt);
    return lastToken(ks, key) ?? issueToken(ks, key);
  }
  const token = issueToken(ks, key);
  ks.writeString(key, owner, expireAt, null);
  return token;
}

/** Ends the lease if `owner` still holds it; true if it did. */
export function releaseLock(ks: Keyspace, key: string, owner: Uint8Array): boolean {
  return deleteIf(ks, key, (v) => bytesEqual(v, owner));
}

/** Sets the lease of a lock `owner` still holds to `ttlMs` from now; true if it did. */
export function extendLock(ks: Keyspace, key: string, owner: Uint8Array, ttlMs: number): boolean {
  const row = ks.findOfType(key, KeyType.String);
  if (!heldBy(row, owner)) return false;
  ks.setExpire(row!, ks.now + ttlMs);
  return true;
}

export interface LockStatus {
  owner: Uint8Array;
  token: number | null;
  /** ms left on the lease; -1 when the key has no expiry. */
  ttlMs: number;
}

/** Who holds the lock, with which token and for how long; null when it is free. */
export function lockStatus(ks: Keyspace, key: string): LockStatus | null {
  const row = ks.findOfType(key, KeyType.String);
  if (!row) return null;
  return { owner: valueOf(row), token: lastToken(ks, key), ttlMs: row.expire_at === null ? -1 : row.expire_at - ks.now };
}

/**
 * Deletes a string key when its value passes `test` (DELIFEQ, DELEX IFEQ/IFNE); false when
 * the key is missing or the test fails. A key of another type is WRONGTYPE.
 */
export function deleteIf(ks: Keyspace, key: string, test: (value: Uint8Array) => boolean): boolean {
  const row = ks.find(key);
  if (!row) return false;
  if (row.type !== KeyType.String) throw new CommandError(Errors.wrongType);
  if (!test(valueOf(row))) return false;
  ks.deleteRow(row);
  return true;
}
