/**
 * Consumer groups of a stream (docs/streams.md): groups, their consumers and their pending
 * entries, each a row of its own keyed by the stream's key id, so that reading, acknowledging
 * and a consumer's history stay O(log n) per entry. Nothing here knows argv.
 *
 * - `stream_group` (key_id, name → last-delivered ID, entries-read): entries-read as decimal
 *   text, -1 when unknown (Redis's SCG_INVALID_ENTRIES_READ);
 * - `stream_consumer` (key_id, grp, name → seen time);
 * - `stream_pending` (key_id, grp, id → consumer, delivery time, delivery count): the group's
 *   pending entries list; the index by consumer is each consumer's own list. The count is
 *   Redis's unsigned 64-bit counter kept as the signed value Redis replies, bound and read as
 *   decimal text where it may pass 2^53.
 *
 * Names are compared bytewise (SQLite's BINARY collation), the order of Redis's radix trees.
 */
import { idBytes, idFromBytes, type Stream, type StreamId } from "./streams";

/** Migration that creates the consumer-group tables (appended to schema.ts's list). */
export const STREAM_GROUP_MIGRATION = `
  CREATE TABLE stream_group (
    key_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    last_id BLOB NOT NULL,
    entries_read TEXT NOT NULL,
    PRIMARY KEY (key_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE stream_consumer (
    key_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    name TEXT NOT NULL,
    seen_time INTEGER NOT NULL,
    PRIMARY KEY (key_id, grp, name)
  ) WITHOUT ROWID;
  CREATE TABLE stream_pending (
    key_id INTEGER NOT NULL,
    grp TEXT NOT NULL,
    id BLOB NOT NULL,
    consumer TEXT NOT NULL,
    delivery_time INTEGER NOT NULL,
    delivery_count INTEGER NOT NULL,
    PRIMARY KEY (key_id, grp, id)
  ) WITHOUT ROWID;
  CREATE INDEX stream_pending_by_consumer ON stream_pending (key_id, grp, consumer, id);`;

/** Entries-read when it is not known. */
export const ENTRIES_READ_UNKNOWN = -1n;

/** One pending entry as kept. */
export interface PendingEntry {
  id: StreamId;
  consumer: string;
  deliveryTime: number;
  /** Redis's unsigned 64-bit count as it replies it (signed); a bigint beyond 2^53. */
  deliveryCount: number | bigint;
}

/**
 * A delivery count one more, wrapping as Redis's unsigned 64-bit counter shows through its
 * signed reply (2^63 − 1 + 1 is −2^63); SQLite alone would turn the overflow into a float.
 */
const NEXT_COUNT = "CASE WHEN delivery_count = 9223372036854775807 THEN -9223372036854775807 - 1 ELSE delivery_count + 1 END";

/** A delivery count read exactly (selected as text): a number while safe, else a bigint. */
function countFrom(t: string): number | bigint {
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : BigInt(t);
}

/** What a claim does to an entry's delivery count: set it, count one more delivery, or keep it (JUSTID). */
export type ClaimCount = bigint | "increment" | "keep";

/** A consumer group of a live stream; `save` writes its last ID and entries-read back. */
export class Group {
  constructor(
    readonly stream: Stream,
    readonly name: string,
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  private get sql(): SqlStorage {
    return this.stream.ks.sql;
  }

  private get key(): number {
    return this.stream.id;
  }

  save(): void {
    this.sql.exec(
      "UPDATE stream_group SET last_id = ?, entries_read = ? WHERE key_id = ? AND name = ?",
      idBytes(this.lastId),
      this.entriesRead.toString(),
      this.key,
      this.name,
    );
  }

  destroy(): void {
    this.sql.exec("DELETE FROM stream_pending WHERE key_id = ? AND grp = ?", this.key, this.name);
    this.sql.exec("DELETE FROM stream_consumer WHERE key_id = ? AND grp = ?", this.key, this.name);
    this.sql.exec("DELETE FROM stream_group WHERE key_id = ? AND name = ?", this.key, this.name);
  }

  hasConsumer(name: string): boolean {
    return this.sql.exec("SELECT 1 FROM stream_consumer WHERE key_id = ? AND grp = ? AND name = ?", this.key, this.name, name).toArray().length > 0;
  }

  /** Creates the consumer unless it exists; answers whether it was created. */
  createConsumer(name: string, now: number): boolean {
    this.sql.exec("INSERT OR IGNORE INTO stream_consumer (key_id, grp, name, seen_time) VALUES (?, ?, ?, ?)", this.key, this.name, name, now);
    return this.sql.exec<{ n: number }>("SELECT changes() AS n").one().n === 1;
  }

  /** Marks the consumer seen now, creating it when missing; answers whether it was created. */
  touchConsumer(name: string, now: number): boolean {
    if (this.createConsumer(name, now)) return true;
    this.sql.exec("UPDATE stream_consumer SET seen_time = ? WHERE key_id = ? AND grp = ? AND name = ?", now, this.key, this.name, name);
    return false;
  }

  /** Deletes the consumer and its pending entries; answers how many it had, or null when it did not exist. */
  deleteConsumer(name: string): number | null {
    const gone = this.sql.exec("DELETE FROM stream_consumer WHERE key_id = ? AND grp = ? AND name = ? RETURNING 1", this.key, this.name, name).toArray();
    if (gone.length === 0) return null;
    this.sql.exec("DELETE FROM stream_pending WHERE key_id = ? AND grp = ? AND consumer = ?", this.key, this.name, name);
    return this.sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
  }

  /** Delivers `id` to `consumer` now: a new pending entry, or one moved to it with its count reset to 1, as Redis. */
  deliver(id: StreamId, consumer: string, now: number): void {
    this.sql.exec(
      `INSERT INTO stream_pending (key_id, grp, id, consumer, delivery_time, delivery_count) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT DO UPDATE SET consumer = excluded.consumer, delivery_time = excluded.delivery_time, delivery_count = 1`,
      this.key,
      this.name,
      idBytes(id),
      consumer,
      now,
    );
  }

  /** A pending entry delivered again now (a consumer reading its history). */
  redeliver(id: StreamId, now: number): void {
    this.sql.exec(
      `UPDATE stream_pending SET delivery_time = ?, delivery_count = ${NEXT_COUNT} WHERE key_id = ? AND grp = ? AND id = ?`,
      now,
      this.key,
      this.name,
      idBytes(id),
    );
  }

  /** Up to `count` (0: all) of the consumer's pending IDs from `start` on, in ID order. */
  consumerPending(consumer: string, start: StreamId, count: number): StreamId[] {
    return this.sql
      .exec<{ id: ArrayBuffer }>(
        "SELECT id FROM stream_pending WHERE key_id = ? AND grp = ? AND consumer = ? AND id >= ? ORDER BY id LIMIT ?",
        this.key,
        this.name,
        consumer,
        idBytes(start),
        count > 0 ? count : -1,
      )
      .toArray()
      .map((r) => idFromBytes(r.id));
  }

  /** XACK of one ID: answers whether it was pending. */
  ack(id: StreamId): boolean {
    return this.sql.exec("DELETE FROM stream_pending WHERE key_id = ? AND grp = ? AND id = ? RETURNING 1", this.key, this.name, idBytes(id)).toArray().length > 0;
  }

  /** XPENDING's summary: the count, the first and last IDs, and each consumer with pending entries and how many. */
  summary(): { count: number; first: StreamId | null; last: StreamId | null; consumers: [string, number][] } {
    const head = this.sql
      .exec<{ n: number; lo: ArrayBuffer | null; hi: ArrayBuffer | null }>(
        "SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM stream_pending WHERE key_id = ? AND grp = ?",
        this.key,
        this.name,
      )
      .one();
    const consumers = this.sql
      .exec<{ consumer: string; n: number }>(
        "SELECT consumer, count(*) AS n FROM stream_pending WHERE key_id = ? AND grp = ? GROUP BY consumer ORDER BY consumer",
        this.key,
        this.name,
      )
      .toArray()
      .map((r): [string, number] => [r.consumer, r.n]);
    return { count: head.n, first: head.lo ? idFromBytes(head.lo) : null, last: head.hi ? idFromBytes(head.hi) : null, consumers };
  }

  /** Up to `count` pending entries from `start` to `end`, of one consumer or all, delivered at least `minIdle` ms before `now`. */
  pendingRange(start: StreamId, end: StreamId, count: number, consumer: string | null, minIdle: number, now: number): PendingEntry[] {
    const out: PendingEntry[] = [];
    if (count <= 0) return out;
    const cursor = this.sql.exec<{ id: ArrayBuffer; consumer: string; delivery_time: number; delivery_count: string }>(
      `SELECT id, consumer, delivery_time, CAST(delivery_count AS TEXT) AS delivery_count FROM stream_pending
       WHERE key_id = ? AND grp = ? AND id >= ? AND id <= ?${consumer === null ? "" : " AND consumer = ?"} AND delivery_time <= ? ORDER BY id LIMIT ?`,
      ...([this.key, this.name, idBytes(start), idBytes(end)] as SqlStorageValue[]),
      ...(consumer === null ? [] : [consumer]),
      minIdle > 0 ? now - minIdle : Number.MAX_SAFE_INTEGER,
      count,
    );
    for (const r of cursor) out.push({ id: idFromBytes(r.id), consumer: r.consumer, deliveryTime: r.delivery_time, deliveryCount: countFrom(r.delivery_count) });
    return out;
  }

  // XCLAIM and XAUTOCLAIM (commands/stream-claim.ts): each entry examined or claimed is O(log n).

  /** The group's pending entry `id`: its consumer and delivery time, or null. */
  pendingEntry(id: StreamId): { consumer: string; deliveryTime: number } | null {
    const r = this.sql
      .exec<{ consumer: string; delivery_time: number }>(
        "SELECT consumer, delivery_time FROM stream_pending WHERE key_id = ? AND grp = ? AND id = ?",
        this.key,
        this.name,
        idBytes(id),
      )
      .toArray()[0];
    return r ? { consumer: r.consumer, deliveryTime: r.delivery_time } : null;
  }

  /** Up to `limit` of the group's pending entries from `start` on, in ID order: each ID and delivery time. */
  pendingFrom(start: StreamId, limit: number): { id: StreamId; deliveryTime: number }[] {
    return this.sql
      .exec<{ id: ArrayBuffer; delivery_time: number }>(
        "SELECT id, delivery_time FROM stream_pending WHERE key_id = ? AND grp = ? AND id >= ? ORDER BY id LIMIT ?",
        this.key,
        this.name,
        idBytes(start),
        limit,
      )
      .toArray()
      .map((r) => ({ id: idFromBytes(r.id), deliveryTime: r.delivery_time }));
  }

  /** Whether the stream still holds the entry `id` (a pending entry outlives its entry's XDEL or trim). */
  inStream(id: StreamId): boolean {
    return this.sql.exec("SELECT 1 FROM stream_entry WHERE key_id = ? AND id = ?", this.key, idBytes(id)).toArray().length > 0;
  }

  /**
   * Gives the pending entry `id` to `consumer`, delivered at `time`; one not pending is created
   * first with a count of 1 (XCLAIM FORCE, as Redis's new NACK), then `count` applies.
   */
  claim(id: StreamId, consumer: string, time: number, count: ClaimCount): void {
    const initial = typeof count === "bigint" ? count : count === "increment" ? 2n : 1n;
    const next = typeof count === "bigint" ? "excluded.delivery_count" : count === "increment" ? NEXT_COUNT : "delivery_count";
    this.sql.exec(
      `INSERT INTO stream_pending (key_id, grp, id, consumer, delivery_time, delivery_count) VALUES (?, ?, ?, ?, ?, CAST(? AS INTEGER))
       ON CONFLICT DO UPDATE SET consumer = excluded.consumer, delivery_time = excluded.delivery_time, delivery_count = ${next}`,
      this.key,
      this.name,
      idBytes(id),
      consumer,
      time,
      initial.toString(),
    );
  }
}

/** The group `name` of the stream, or null. */
export function findGroup(s: Stream, name: string): Group | null {
  const r = s.ks.sql
    .exec<{ last_id: ArrayBuffer; entries_read: string }>("SELECT last_id, entries_read FROM stream_group WHERE key_id = ? AND name = ?", s.id, name)
    .toArray()[0];
  return r ? new Group(s, name, idFromBytes(r.last_id), BigInt(r.entries_read)) : null;
}

/** Creates the group unless one of that name exists; answers whether it was created. */
export function createGroup(s: Stream, name: string, lastId: StreamId, entriesRead: bigint): boolean {
  s.ks.sql.exec(
    "INSERT OR IGNORE INTO stream_group (key_id, name, last_id, entries_read) VALUES (?, ?, ?, ?)",
    s.id,
    name,
    idBytes(lastId),
    entriesRead.toString(),
  );
  return s.ks.sql.exec<{ n: number }>("SELECT changes() AS n").one().n === 1;
}

/** Drops a stream's groups and consumers, and up to `limit` of its pending entries; answers the pending rows deleted. */
export function dropGroups(sql: SqlStorage, keyId: number, limit: number): number {
  sql.exec("DELETE FROM stream_group WHERE key_id = ?", keyId);
  sql.exec("DELETE FROM stream_consumer WHERE key_id = ?", keyId);
  sql.exec(
    "DELETE FROM stream_pending WHERE (key_id, grp, id) IN (SELECT key_id, grp, id FROM stream_pending WHERE key_id = ? LIMIT ?)",
    keyId,
    limit,
  );
  return sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
}

export function dropAllGroups(sql: SqlStorage): void {
  sql.exec("DELETE FROM stream_pending");
  sql.exec("DELETE FROM stream_consumer");
  sql.exec("DELETE FROM stream_group");
}

export function copyGroups(sql: SqlStorage, from: number, to: number): void {
  sql.exec("INSERT INTO stream_group (key_id, name, last_id, entries_read) SELECT ?, name, last_id, entries_read FROM stream_group WHERE key_id = ?", to, from);
  sql.exec("INSERT INTO stream_consumer (key_id, grp, name, seen_time) SELECT ?, grp, name, seen_time FROM stream_consumer WHERE key_id = ?", to, from);
  sql.exec(
    `INSERT INTO stream_pending (key_id, grp, id, consumer, delivery_time, delivery_count)
     SELECT ?, grp, id, consumer, delivery_time, delivery_count FROM stream_pending WHERE key_id = ?`,
    to,
    from,
  );
}
