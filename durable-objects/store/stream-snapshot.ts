/**
 * A whole stream as one value, for DUMP and RESTORE (rdb/types/stream.ts): read out in pages,
 * written back at once. Nothing here knows argv or the RDB format.
 *
 * A stream is its nodes (docs/streams.md, "Nodes and ~"), its counters, and its consumer groups
 * with their consumers and pending entries. Read, a node is its row (the first and last IDs
 * appended to it, its live entries) and its entries in ID order. Written, each node of the value
 * becomes one node row holding its entries, the last one the tail: its `appended` count (live
 * and deleted entries, as Redis counts a listpack's) decides whether the next append joins it.
 * So a stream restored from Redis's payload has Redis's nodes, and `~` trims what Redis trims.
 */
import { CommandError } from "../reply";
import { StreamErrors } from "../errors";
import { createStream, encodeFields, idBytes, idFromBytes, MAX_ENTRY_BYTES, type Stream, type StreamEntry, type StreamId } from "./streams";
import type { PendingEntry } from "./stream-groups";
import type { Keyspace } from "./keyspace";

/** One node as kept: the first and last IDs appended to it, and its live entries. */
export interface NodeRow {
  node: number;
  first: StreamId;
  last: StreamId;
  live: number;
}

/** One node of a stream value: its ID range, the entries appended to it (live and deleted), its live entries. */
export interface SnapshotNode {
  first: StreamId;
  last: StreamId;
  appended: number;
  entries: StreamEntry[];
}

export interface SnapshotConsumer {
  name: string;
  seenTime: number;
}

export interface SnapshotGroup {
  name: string;
  lastId: StreamId;
  entriesRead: bigint;
  /** In name order. */
  consumers: SnapshotConsumer[];
  /** The group's pending entries in ID order, each naming its consumer. */
  pending: PendingEntry[];
}

/** A whole stream: nodes in ID order, counters, groups in name order. */
export interface StreamSnapshot {
  nodes: SnapshotNode[];
  length: number;
  lastId: StreamId;
  firstId: StreamId;
  maxDeleted: StreamId;
  entriesAdded: bigint;
  groups: SnapshotGroup[];
}

/** Up to `limit` node rows after node number `after`, in order. */
export function nodePage(s: Stream, after: number, limit: number): NodeRow[] {
  return s.ks.sql
    .exec<{ node: number; first_id: ArrayBuffer; last_id: ArrayBuffer; live: number }>(
      "SELECT node, first_id, last_id, live FROM stream_node WHERE key_id = ? AND node > ? ORDER BY node LIMIT ?",
      s.id,
      after,
      limit,
    )
    .toArray()
    .map((r) => ({ node: r.node, first: idFromBytes(r.first_id), last: idFromBytes(r.last_id), live: r.live }));
}

/** Up to `limit` groups named after `after` (null: from the first), in name order, without their consumers and pending entries. */
export function groupPage(s: Stream, after: string | null, limit: number): Omit<SnapshotGroup, "consumers" | "pending">[] {
  return s.ks.sql
    .exec<{ name: string; last_id: ArrayBuffer; entries_read: string }>(
      "SELECT name, last_id, entries_read FROM stream_group WHERE key_id = ? AND (? IS NULL OR name > ?) ORDER BY name LIMIT ?",
      s.id,
      after,
      after,
      limit,
    )
    .toArray()
    .map((r) => ({ name: r.name, lastId: idFromBytes(r.last_id), entriesRead: BigInt(r.entries_read) }));
}

/** Up to `limit` consumers of `group` named after `after` (null: from the first), in name order. */
export function consumerPage(s: Stream, group: string, after: string | null, limit: number): SnapshotConsumer[] {
  return s.ks.sql
    .exec<{ name: string; seen_time: number }>(
      "SELECT name, seen_time FROM stream_consumer WHERE key_id = ? AND grp = ? AND (? IS NULL OR name > ?) ORDER BY name LIMIT ?",
      s.id,
      group,
      after,
      after,
      limit,
    )
    .toArray()
    .map((r) => ({ name: r.name, seenTime: r.seen_time }));
}

/** Up to `limit` pending entries of `group` from `from` on, in ID order. */
export function pendingPage(s: Stream, group: string, from: StreamId, limit: number): PendingEntry[] {
  return s.ks.sql
    .exec<{ id: ArrayBuffer; consumer: string; delivery_time: number; delivery_count: number }>(
      "SELECT id, consumer, delivery_time, delivery_count FROM stream_pending WHERE key_id = ? AND grp = ? AND id >= ? ORDER BY id LIMIT ?",
      s.id,
      group,
      idBytes(from),
      limit,
    )
    .toArray()
    .map((r) => ({ id: idFromBytes(r.id), consumer: r.consumer, deliveryTime: r.delivery_time, deliveryCount: r.delivery_count }));
}

/**
 * At most `limit` + 1: the entries, groups, consumers and pending entries of the stream
 * together, counted in SQL without reading them (a key moved between shards is capped by it).
 */
export function streamRowCount(s: Stream, limit: number): number {
  let n = s.length;
  for (const table of ["stream_group", "stream_consumer", "stream_pending"]) {
    if (n > limit) break;
    n += s.ks.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE key_id = ? LIMIT ?)`, s.id, limit + 1 - n).one().n;
  }
  return n;
}

/**
 * The bytes of the stream's fields, values and names, at most `limit` + 1 of them summed, over
 * at most `rows` entries (call after streamRowCount has bounded them).
 */
export function streamByteCount(s: Stream, rows: number): number {
  const sum = (q: string, ...args: SqlStorageValue[]) => s.ks.sql.exec<{ n: number | null }>(q, ...args).one().n ?? 0;
  return (
    sum("SELECT sum(length(fields)) AS n FROM (SELECT fields FROM stream_entry WHERE key_id = ? LIMIT ?)", s.id, rows) +
    sum("SELECT sum(length(CAST(name AS BLOB))) AS n FROM (SELECT name FROM stream_group WHERE key_id = ? LIMIT ?)", s.id, rows) +
    sum("SELECT sum(length(CAST(name AS BLOB))) AS n FROM (SELECT name FROM stream_consumer WHERE key_id = ? LIMIT ?)", s.id, rows) +
    16 * sum("SELECT count(*) AS n FROM (SELECT 1 FROM stream_pending WHERE key_id = ? LIMIT ?)", s.id, rows)
  );
}

/** Bound parameters one statement takes at most (the platform's limit is 100). */
const MAX_PARAMS = 99;

/** Inserts `rows` (values of `columns`) under key id `id`, as many rows a statement as its parameters allow. */
function insertRows(sql: SqlStorage, table: string, id: number, columns: string[], rows: unknown[][]): void {
  const per = Math.floor(MAX_PARAMS / columns.length);
  const one = `(${id}, ${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += per) {
    const batch = rows.slice(i, i + per);
    sql.exec(`INSERT INTO ${table} (key_id, ${columns.join(", ")}) VALUES ${batch.map(() => one).join(", ")}`, ...batch.flat());
  }
}

/**
 * Writes `v` as a new stream at `key` (which must not exist), its rows in batched INSERTs.
 * Every entry is checked against the row limit first, so a refusal writes nothing.
 */
export function writeStream(ks: Keyspace, key: string, v: StreamSnapshot): void {
  const blobs = v.nodes.map((n) =>
    n.entries.map((e) => {
      const blob = encodeFields(e.fields);
      if (blob.byteLength > MAX_ENTRY_BYTES) throw new CommandError(StreamErrors.tooLarge);
      return blob;
    }),
  );
  const s = createStream(ks, key);
  const sql = ks.sql;
  insertRows(sql, "stream_node", s.id, ["node", "first_id", "last_id", "live"], v.nodes.map((n, i) => [i + 1, idBytes(n.first), idBytes(n.last), n.entries.length]));
  insertRows(sql, "stream_entry", s.id, ["id", "node", "fields"], v.nodes.flatMap((n, i) => n.entries.map((e, j) => [idBytes(e.id), i + 1, blobs[i]![j]!])));
  const tail = v.nodes[v.nodes.length - 1];
  sql.exec(
    "UPDATE stream_meta SET length = ?, last_id = ?, first_id = ?, max_deleted = ?, entries_added = ?, tail_node = ?, tail_fill = ? WHERE key_id = ?",
    v.length,
    idBytes(v.lastId),
    idBytes(v.firstId),
    idBytes(v.maxDeleted),
    v.entriesAdded.toString(),
    v.nodes.length,
    tail?.appended ?? 0,
    s.id,
  );
  insertRows(sql, "stream_group", s.id, ["name", "last_id", "entries_read"], v.groups.map((g) => [g.name, idBytes(g.lastId), g.entriesRead.toString()]));
  insertRows(sql, "stream_consumer", s.id, ["grp", "name", "seen_time"], v.groups.flatMap((g) => g.consumers.map((c) => [g.name, c.name, c.seenTime])));
  insertRows(
    sql,
    "stream_pending",
    s.id,
    ["grp", "id", "consumer", "delivery_time", "delivery_count"],
    v.groups.flatMap((g) => g.pending.map((p) => [g.name, idBytes(p.id), p.consumer, p.deliveryTime, p.deliveryCount])),
  );
}
