/**
 * How many bytes a key takes in this shard's SQLite (MEMORY USAGE; the base of memory limits and
 * eviction): an estimate from the rows the key owns, one function per type, never a scan of
 * more rows than asked for.
 *
 * Every row and every index entry costs ROW_BYTES (SQLite's cell pointer, cell header and
 * record header), each integer or real column INT_BYTES (an upper bound: SQLite stores 0–8),
 * and each text or blob column its length. Per key:
 *
 * | what | bytes |
 * | --- | --- |
 * | the key (`keys` row + its `key` index entry) | 2·ROW + 2·len(key) + 5·INT (+ ROW + 2·INT with an expiry) |
 * | string | + len(value); a chunked value: + its length + (ROW + 2·INT) per 64 KiB of its length |
 * | JSON document | as a string: + len(its text); a chunked text: + its length + (ROW + 2·INT) per 64 KiB chunk |
 * | hash field (row + 2 indexes) | 3·ROW + 2·len(field) + len(value) + 7·INT (+ 2·ROW + 5·INT with a TTL) |
 * | list (`list_meta`) + element (row + index) | ROW + 3·INT, + 2·ROW + 6·INT + len(value) each |
 * | set (`set_meta`) + member (row + 2 indexes) | ROW + 3·INT, + 3·ROW + 7·INT + 3·len(member) each |
 * | sorted set member (row + 2 indexes) | 3·ROW + 7·INT + 3·len(member) each |
 * | sorted set rank-tree node (row + 2 indexes) | 3·ROW + 15·INT + 2·len(lowest member) each |
 * | stream (`stream_meta`) + node (`stream_node`) | ROW + 7·INT + 48, + ROW + 3·INT + 32 each |
 * | stream entry (`stream_entry`) | ROW + 2·INT + 16 + len(fields blob) each |
 * | consumer group (`stream_group`) | ROW + INT + 16 + len(name) + len(entries-read text) each |
 * | consumer (`stream_consumer`) | ROW + 2·INT + len(group) + len(name) each |
 * | pending entry (row + its index entry) | 2·ROW + 4·INT + 32 + 2·len(group) + 2·len(consumer) each |
 *
 * As Redis's MEMORY USAGE, the elements of a collection are sampled: the first `samples` of
 * them (in index order) are measured and their mean is multiplied by the element count;
 * `samples` 0 measures every element (one aggregate in SQLite, nothing loaded). A stream's
 * pending entries are sampled so too (their count is one aggregate over the stream's rows);
 * its groups and consumers are all measured, as Redis counts every one.
 */
import { KeyType, type KeyRow, type Keyspace } from "./keyspace";
import { CHUNK_BYTES } from "./string-chunks";
import { treeOf } from "./zsets";

export const ROW_BYTES = 16;
export const INT_BYTES = 8;

/** Redis's default number of sampled elements. */
export const DEFAULT_SAMPLES = 5;

const decoder = new TextDecoder();

/** What an expiry time adds to a key: its entry in the expiry index. */
export const EXPIRY_BYTES = ROW_BYTES + 2 * INT_BYTES;

/** The UTF-8 length of `s`, without encoding it (the accounting measures a key on every write). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** The key's own rows: its `keys` row (without the value) and its index entries. */
export function keyRowUsage(row: Pick<KeyRow, "key" | "expire_at">): number {
  const keyBytes = utf8Length(row.key);
  const expiry = row.expire_at === null ? 0 : EXPIRY_BYTES;
  return 2 * ROW_BYTES + 2 * keyBytes + 5 * INT_BYTES + expiry;
}

/**
 * A string's value: in its row, or in chunk rows, counted from its length (every chunk as
 * present and full, as Redis allocates a whole string): no chunk row is read.
 */
export function stringUsage(_ks: Keyspace, row: KeyRow): number {
  if (row.size == null) return row.value?.byteLength ?? 0;
  return row.size + Math.ceil(row.size / CHUNK_BYTES) * (ROW_BYTES + 2 * INT_BYTES);
}

/** A JSON document's text: kept as a string's value is (store/json.ts), in its row or in chunk rows. */
export function jsonUsage(ks: Keyspace, row: KeyRow): number {
  return stringUsage(ks, row);
}

/** Sum of `expr` over the first `samples` rows of `table` for the key (all rows when 0), and how many were read. */
function sampled(ks: Keyspace, table: string, expr: string, id: number, samples: number, order: string): { n: number; bytes: number } {
  const r = ks.sql
    .exec<{ n: number; b: number | null }>(
      `SELECT count(*) AS n, sum(${expr}) AS b FROM (SELECT * FROM ${table} WHERE key_id = ? ORDER BY ${order} LIMIT ?)`,
      id,
      samples > 0 ? samples : -1,
    )
    .one();
  return { n: r.n, bytes: r.b ?? 0 };
}

/** Mean bytes of the sampled elements times the element count. */
function extrapolate(s: { n: number; bytes: number }, count: number): number {
  return s.n === 0 ? 0 : Math.round((s.bytes / s.n) * count);
}

export function hashUsage(ks: Keyspace, row: KeyRow, samples: number): number {
  // The field count is kept in the key's row (hashes.ts: "count" or "count:earliest expiry").
  const kept = row.value === null ? NaN : Number(decoder.decode(row.value).split(":")[0]);
  const count = Number.isSafeInteger(kept)
    ? kept
    : ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hash_fields WHERE key_id = ?", row.id).one().n;
  const perField = `${3 * ROW_BYTES + 7 * INT_BYTES} + 2 * length(field) + length(value) + (CASE WHEN expire_at IS NULL THEN 0 ELSE ${2 * ROW_BYTES + 5 * INT_BYTES} END)`;
  return (row.value?.byteLength ?? 0) + extrapolate(sampled(ks, "hash_fields", perField, row.id, samples, "field"), count);
}

export function listUsage(ks: Keyspace, row: KeyRow, samples: number): number {
  const len = ks.sql.exec<{ len: number }>("SELECT len FROM list_meta WHERE key_id = ?", row.id).toArray()[0]?.len ?? 0;
  const perItem = `${2 * ROW_BYTES + 6 * INT_BYTES} + length(value)`;
  return ROW_BYTES + 3 * INT_BYTES + extrapolate(sampled(ks, "list_item", perItem, row.id, samples, "pos"), len);
}

export function setUsage(ks: Keyspace, row: KeyRow, samples: number): number {
  const card = ks.sql.exec<{ card: number }>("SELECT card FROM set_meta WHERE key_id = ?", row.id).toArray()[0]?.card ?? 0;
  const perMember = `${3 * ROW_BYTES + 7 * INT_BYTES} + 3 * length(member)`;
  return ROW_BYTES + 3 * INT_BYTES + extrapolate(sampled(ks, "set_member", perMember, row.id, samples, "member"), card);
}

export function zsetUsage(ks: Keyspace, row: KeyRow, samples: number): number {
  const card = treeOf(ks.sql).card(row.id);
  const perMember = `${3 * ROW_BYTES + 7 * INT_BYTES} + 3 * length(member)`;
  const members = extrapolate(sampled(ks, "zset_member", perMember, row.id, samples, "member"), card);
  const nodes = ks.sql
    .exec<{ n: number; b: number | null }>("SELECT count(*) AS n, sum(length(lo_member)) AS b FROM zset_node WHERE key_id = ?", row.id)
    .one();
  return members + nodes.n * (3 * ROW_BYTES + 15 * INT_BYTES) + 2 * (nodes.b ?? 0);
}

export function streamUsage(ks: Keyspace, row: KeyRow, samples: number): number {
  const length = ks.sql.exec<{ length: number }>("SELECT length FROM stream_meta WHERE key_id = ?", row.id).toArray()[0]?.length ?? 0;
  const nodes = ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_node WHERE key_id = ?", row.id).one().n;
  const perEntry = `${ROW_BYTES + 2 * INT_BYTES + 16} + length(fields)`;
  const entries = extrapolate(sampled(ks, "stream_entry", perEntry, row.id, samples, "id"), length);
  return ROW_BYTES + 7 * INT_BYTES + 48 + nodes * (ROW_BYTES + 3 * INT_BYTES + 32) + entries + streamGroupsUsage(ks, row.id, samples);
}

/** A stream's consumer-group rows: every group and consumer, and its pending entries sampled. */
function streamGroupsUsage(ks: Keyspace, id: number, samples: number): number {
  const groups = ks.sql
    .exec<{ b: number | null }>(`SELECT sum(${ROW_BYTES + INT_BYTES + 16} + length(CAST(name AS BLOB)) + length(entries_read)) AS b FROM stream_group WHERE key_id = ?`, id)
    .one().b;
  if (groups === null) return 0;
  const consumers = ks.sql
    .exec<{ b: number | null }>(`SELECT sum(${ROW_BYTES + 2 * INT_BYTES} + length(CAST(grp AS BLOB)) + length(CAST(name AS BLOB))) AS b FROM stream_consumer WHERE key_id = ?`, id)
    .one().b;
  const pendingCount = ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_pending WHERE key_id = ?", id).one().n;
  const perPending = `${2 * ROW_BYTES + 4 * INT_BYTES + 32} + 2 * length(CAST(grp AS BLOB)) + 2 * length(CAST(consumer AS BLOB))`;
  return groups + (consumers ?? 0) + extrapolate(sampled(ks, "stream_pending", perPending, id, samples, "grp, id"), pendingCount);
}

/** MEMORY USAGE of a live key's row: the key's rows and its type's. */
export function keyMemoryUsage(ks: Keyspace, row: KeyRow, samples = DEFAULT_SAMPLES): number {
  const own = keyRowUsage(row);
  switch (row.type) {
    case KeyType.String:
      return own + stringUsage(ks, row);
    case KeyType.Hash:
      return own + hashUsage(ks, row, samples);
    case KeyType.List:
      return own + listUsage(ks, row, samples);
    case KeyType.Set:
      return own + setUsage(ks, row, samples);
    case KeyType.ZSet:
      return own + zsetUsage(ks, row, samples);
    case KeyType.Json:
      return own + jsonUsage(ks, row);
    case KeyType.Stream:
      return own + streamUsage(ks, row, samples);
    default:
      return own + (row.value?.byteLength ?? 0);
  }
}
