/**
 * The rows of a string value too large for its key's row (strings.ts decides when).
 *
 * A Durable Object SQLite row, string or BLOB holds at most 2 MB, so a large value is cut into
 * chunks of CHUNK_BYTES: chunk `n` holds bytes [n·CHUNK_BYTES, (n+1)·CHUNK_BYTES) of the value,
 * one row of `string_chunks` keyed by (key id, n). The value's length lives in `keys.size`.
 * Chunks are sparse: a chunk row may be shorter than its span, or missing, and the bytes it
 * does not hold are zeros. So SETRANGE far past the end writes one row, not the zeros before
 * it, and APPEND, SETRANGE and GETRANGE read and write only the chunks their range overlaps:
 * their cost depends on the range, never on the value's length.
 */
import type { ElementStore } from "./keyspace";
import { CHUNK_EFFORT, rowsChanged } from "./lazy-free";

/** Bytes per chunk row: small enough that rewriting one for a small change stays cheap. */
export const CHUNK_BYTES = 64 * 1024;

/** Migration: the chunk rows, and each key's value length when its value is chunked. */
export const STRING_CHUNK_MIGRATION = `
  ALTER TABLE keys ADD COLUMN size INTEGER;
  CREATE TABLE string_chunks (
    key_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (key_id, n)
  );`;

/** Bytes [from, to) of key `id`'s chunked value (the caller keeps the range inside it). */
export function readChunks(sql: SqlStorage, id: number, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  if (to <= from) return out;
  const first = Math.floor(from / CHUNK_BYTES);
  const last = Math.floor((to - 1) / CHUNK_BYTES);
  const rows = sql.exec<{ n: number; bytes: ArrayBuffer }>(
    "SELECT n, bytes FROM string_chunks WHERE key_id = ? AND n BETWEEN ? AND ? ORDER BY n",
    id,
    first,
    last,
  );
  for (const row of rows) {
    const start = row.n * CHUNK_BYTES;
    const chunk = new Uint8Array(row.bytes);
    const lo = Math.max(from, start);
    const hi = Math.min(to, start + chunk.length);
    if (hi > lo) out.set(chunk.subarray(lo - start, hi - start), lo - from);
  }
  return out;
}

/**
 * Bytes [from, to) of key `id`'s chunked value when they lie in one chunk: SQLite cuts them out
 * (`substr` of the BLOB), so a read of a few bytes does not copy the chunk's 64 KiB into the
 * isolate. Bytes the chunk does not hold are zeros.
 */
export function readWithinChunk(sql: SqlStorage, id: number, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  if (to <= from) return out;
  const n = Math.floor(from / CHUNK_BYTES);
  if (Math.floor((to - 1) / CHUNK_BYTES) !== n) return readChunks(sql, id, from, to);
  const row = sql
    .exec<{ part: ArrayBuffer | null }>("SELECT substr(bytes, ?, ?) AS part FROM string_chunks WHERE key_id = ? AND n = ?", from - n * CHUNK_BYTES + 1, to - from, id, n)
    .toArray()[0];
  if (row?.part) out.set(new Uint8Array(row.part).subarray(0, out.length));
  return out;
}

/** Writes `patch` at byte `at` of key `id`'s chunked value, rewriting only the chunks it overlaps. */
export function writeChunks(sql: SqlStorage, id: number, at: number, patch: Uint8Array): void {
  let done = 0;
  while (done < patch.length) {
    const pos = at + done;
    const n = Math.floor(pos / CHUNK_BYTES);
    const start = n * CHUNK_BYTES;
    const within = pos - start;
    const take = Math.min(CHUNK_BYTES - within, patch.length - done);
    const part = patch.subarray(done, done + take);
    let bytes: Uint8Array;
    if (within === 0 && take === CHUNK_BYTES) {
      // A whole chunk: bound as a view of the patch (SQLite copies exactly its bytes).
      bytes = part;
    } else {
      const old = sql
        .exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM string_chunks WHERE key_id = ? AND n = ?", id, n)
        .toArray()[0];
      const oldBytes = old ? new Uint8Array(old.bytes) : new Uint8Array(0);
      bytes = new Uint8Array(Math.max(oldBytes.length, within + take));
      bytes.set(oldBytes, 0);
      bytes.set(part, within);
    }
    sql.exec(
      "INSERT INTO string_chunks (key_id, n, bytes) VALUES (?, ?, ?) ON CONFLICT (key_id, n) DO UPDATE SET bytes = excluded.bytes",
      id,
      n,
      bytes,
    );
    done += take;
  }
}

/** The chunk rows as the keyspace's element store of string keys: dropped, flushed and copied with their key. */
export function stringChunks(sql: SqlStorage): ElementStore {
  return {
    drop(row, limit) {
      if (row.size == null) return true;
      if (Math.ceil(row.size / CHUNK_BYTES) * CHUNK_EFFORT > limit) return false;
      sql.exec("DELETE FROM string_chunks WHERE key_id = ?", row.id);
      return true;
    },
    dropSome(id, limit) {
      // A chunk costs CHUNK_EFFORT rows: `limit` rows are that many fewer chunks (at least one).
      const chunks = limit < 0 ? -1 : Math.max(1, Math.floor(limit / CHUNK_EFFORT));
      sql.exec("DELETE FROM string_chunks WHERE key_id = ? AND n IN (SELECT n FROM string_chunks WHERE key_id = ? LIMIT ?)", id, id, chunks);
      const gone = rowsChanged(sql);
      return gone < chunks ? gone * CHUNK_EFFORT : Math.max(limit, gone * CHUNK_EFFORT);
    },
    dropAll: () => void sql.exec("DELETE FROM string_chunks"),
    copy: (from, to) => void sql.exec("INSERT INTO string_chunks (key_id, n, bytes) SELECT ?, n, bytes FROM string_chunks WHERE key_id = ?", to, from),
  };
}
