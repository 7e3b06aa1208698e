/** Small pieces the type modules share. */
import type { Keyspace } from "../../store/keyspace";
import { RdbError, type RdbReader } from "../encoding";

/** Gives a key just written its expiry time (the stores create keys without one). */
export function expireNew(ks: Keyspace, key: string, expireAt: number | null): void {
  if (expireAt === null) return;
  const row = ks.find(key);
  if (row) ks.setExpire(row, expireAt);
}

/**
 * A collection's element count as the payload claims it: never trusted for an allocation (each
 * element takes at least one byte, so a claim past what is left is corrupt), and never 0 (Redis
 * refuses an empty collection: RDB_LOAD_ERR_EMPTY_KEY).
 */
export function collectionLength(r: RdbReader, bytesPerElement = 1): number {
  const n = r.length();
  if (n === 0) throw new RdbError("empty collection");
  if (n * bytesPerElement > r.remaining()) throw new RdbError("collection length past the payload");
  return n;
}

/** Throws on an empty decoded collection (a listpack or ziplist with no entries). */
export function nonEmpty<T>(items: T[]): T[] {
  if (items.length === 0) throw new RdbError("empty collection");
  return items;
}

/** A key for byte strings in a Set or Map (latin1: one char per byte, so distinct bytes stay distinct). */
export function byteKey(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/** Throws when the same element appears twice (Redis: "Duplicate … detected"). */
export function unique(items: Uint8Array[]): void {
  const seen = new Set<string>();
  for (const it of items) {
    const k = byteKey(it);
    if (seen.has(k)) throw new RdbError("duplicate element");
    seen.add(k);
  }
}
