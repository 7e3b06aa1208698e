/**
 * Stream keys: typed operations and the element store (docs/streams.md). Nothing here knows argv.
 *
 * Storage, one row per entry and a few per stream:
 * - `stream_entry` (key_id, id, node, fields): the entry's ID as 16 bytes, its milliseconds and
 *   sequence big-endian, so SQLite's byte order of `id` is the numeric order of IDs and the
 *   primary key (key_id, id) answers appends, ranges and point deletes in O(log n);
 * - `stream_meta` (key_id → length, last ID, first ID, max deleted ID, entries added, tail
 *   node): the stream's own counters, updated with every write;
 * - `stream_node` (key_id, node → first ID, last ID, live entries): Redis keeps a stream as
 *   a radix tree of listpack nodes of up to `stream-node-max-entries` (100) entries, and its
 *   `~` trimming removes whole nodes only. The nodes are kept here as numbered groups of up to
 *   NODE_ENTRIES consecutive appends, so `MAXLEN ~` and `MINID ~` remove what Redis removes
 *   (Redis also closes a node at `stream-node-max-bytes`, 4 KiB: not modelled, see the doc).
 *
 * A stream is a key even when empty (XDEL or XTRIM of every entry keeps it, as Redis).
 */
import { CommandError } from "../reply";
import { StreamErrors } from "../errors";
import { KeyType, type ElementStore, type Keyspace, type KeyRow } from "./keyspace";
import { rowsChanged } from "./lazy-free";
import { copyGroups, dropAllGroups, dropGroups } from "./stream-groups";
import { StreamRefs, type RefPolicy } from "./stream-refs";

/** Migration that creates the stream tables (appended to schema.ts's list). */
export const STREAM_MIGRATION = `
  CREATE TABLE stream_meta (
    key_id INTEGER PRIMARY KEY,
    length INTEGER NOT NULL,
    last_id BLOB NOT NULL,
    first_id BLOB NOT NULL,
    max_deleted BLOB NOT NULL,
    entries_added TEXT NOT NULL,
    tail_node INTEGER NOT NULL,
    tail_fill INTEGER NOT NULL
  );
  CREATE TABLE stream_entry (
    key_id INTEGER NOT NULL,
    id BLOB NOT NULL,
    node INTEGER NOT NULL,
    fields BLOB NOT NULL,
    PRIMARY KEY (key_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE stream_node (
    key_id INTEGER NOT NULL,
    node INTEGER NOT NULL,
    first_id BLOB NOT NULL,
    last_id BLOB NOT NULL,
    live INTEGER NOT NULL,
    PRIMARY KEY (key_id, node)
  ) WITHOUT ROWID;`;

/** Entries per node (Redis's default `stream-node-max-entries`). */
export const NODE_ENTRIES = 100;
/** The most bytes an entry's fields and values may take together (one row). */
export const MAX_ENTRY_BYTES = 1024 * 1024;

export const U64_MAX = (1n << 64n) - 1n;

/** A stream entry ID: two unsigned 64-bit integers. */
export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export const MIN_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The ID right after `id`, or null past the last one (Redis's streamIncrID). */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The ID right before `id`, or null before 0-0 (Redis's streamDecrID). */
export function previousId(id: StreamId): StreamId | null {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return null;
}

/** The 16 bytes an ID is stored as: big-endian ms then seq, ordered as the IDs are. */
export function idBytes(id: StreamId): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, id.ms);
  v.setBigUint64(8, id.seq);
  return b;
}

export function idFromBytes(buf: ArrayBuffer): StreamId {
  const v = new DataView(buf);
  return { ms: v.getBigUint64(0), seq: v.getBigUint64(8) };
}

/** Fields and values as one blob: each a 4-byte big-endian length and its bytes. */
export function encodeFields(pairs: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of pairs) size += 4 + p.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of pairs) {
    view.setUint32(at, p.byteLength);
    out.set(p, at + 4);
    at += 4 + p.byteLength;
  }
  return out;
}

export function decodeFields(buf: ArrayBuffer): Uint8Array[] {
  const all = new Uint8Array(buf);
  const view = new DataView(buf);
  const out: Uint8Array[] = [];
  for (let at = 0; at < all.byteLength; ) {
    const n = view.getUint32(at);
    out.push(all.slice(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

export function streamElements(sql: SqlStorage): ElementStore {
  return {
    drop(row, limit) {
      const len = sql.exec<{ length: number }>("DELETE FROM stream_meta WHERE key_id = ? RETURNING length", row.id).toArray()[0]?.length ?? 0;
      sql.exec("DELETE FROM stream_node WHERE key_id = ?", row.id);
      // Groups and consumers go now; pending entries beyond the limit go with the entries, lazily.
      if (dropGroups(sql, row.id, limit + 1) > limit) return false;
      if (len > limit) return false;
      sql.exec("DELETE FROM stream_entry WHERE key_id = ?", row.id);
      return true;
    },
    dropSome(id, limit) {
      sql.exec("DELETE FROM stream_meta WHERE key_id = ?", id);
      sql.exec("DELETE FROM stream_node WHERE key_id = ?", id);
      // Pending entries first, then entries, `limit` rows in all (-1: no limit).
      const pending = dropGroups(sql, id, limit);
      if (limit >= 0 && pending >= limit) return pending;
      sql.exec("DELETE FROM stream_entry WHERE key_id = ? AND id IN (SELECT id FROM stream_entry WHERE key_id = ? ORDER BY id LIMIT ?)", id, id, limit < 0 ? -1 : limit - pending);
      return pending + rowsChanged(sql);
    },
    dropAll() {
      sql.exec("DELETE FROM stream_entry");
      sql.exec("DELETE FROM stream_node");
      sql.exec("DELETE FROM stream_meta");
      dropAllGroups(sql);
    },
    copy(from, to) {
      sql.exec("INSERT INTO stream_entry (key_id, id, node, fields) SELECT ?, id, node, fields FROM stream_entry WHERE key_id = ?", to, from);
      sql.exec("INSERT INTO stream_node (key_id, node, first_id, last_id, live) SELECT ?, node, first_id, last_id, live FROM stream_node WHERE key_id = ?", to, from);
      sql.exec(
        `INSERT INTO stream_meta (key_id, length, last_id, first_id, max_deleted, entries_added, tail_node, tail_fill)
         SELECT ?, length, last_id, first_id, max_deleted, entries_added, tail_node, tail_fill FROM stream_meta WHERE key_id = ?`,
        to,
        from,
      );
      copyGroups(sql, from, to);
    },
  };
}

/** One entry as read: its ID and its fields and values in order. */
export interface StreamEntry {
  id: StreamId;
  fields: Uint8Array[];
}

/** How an append's ID is chosen: `*`, `<ms>-*`, or given whole. */
export type IdRequest = { kind: "auto" } | { kind: "ms"; ms: bigint } | { kind: "exact"; id: StreamId };

/**
 * MAXLEN/MINID trimming: `approx` for `~`; `limit` 0 for none; `refs` what becomes of the
 * references groups hold to trimmed entries (Redis's streamAddTrimArgs).
 */
export interface TrimRequest {
  strategy: "maxlen" | "minid";
  maxlen: bigint;
  minid: StreamId;
  approx: boolean;
  limit: number;
  refs: RefPolicy;
}

interface MetaRow {
  length: number;
  last_id: ArrayBuffer;
  first_id: ArrayBuffer;
  max_deleted: ArrayBuffer;
  entries_added: string;
  tail_node: number;
  tail_fill: number;
}

const ZERO = idBytes(MIN_ID);

/** A live stream: its key row and its counters, written back by `save`. */
export class Stream {
  length: number;
  lastId: StreamId;
  firstId: StreamId;
  maxDeleted: StreamId;
  entriesAdded: bigint;
  private tailNode: number;
  private tailFill: number;

  constructor(
    readonly ks: Keyspace,
    readonly row: KeyRow,
    meta: MetaRow,
  ) {
    this.length = meta.length;
    this.lastId = idFromBytes(meta.last_id);
    this.firstId = idFromBytes(meta.first_id);
    this.maxDeleted = idFromBytes(meta.max_deleted);
    this.entriesAdded = BigInt(meta.entries_added);
    this.tailNode = meta.tail_node;
    this.tailFill = meta.tail_fill;
  }

  private get sql(): SqlStorage {
    return this.ks.sql;
  }

  get id(): number {
    return this.row.id;
  }

  save(): void {
    this.sql.exec(
      "UPDATE stream_meta SET length = ?, last_id = ?, first_id = ?, max_deleted = ?, entries_added = ?, tail_node = ?, tail_fill = ? WHERE key_id = ?",
      this.length,
      idBytes(this.lastId),
      idBytes(this.firstId),
      idBytes(this.maxDeleted),
      this.entriesAdded.toString(),
      this.tailNode,
      this.tailFill,
      this.id,
    );
  }

  /**
   * The ID an append would get (Redis's streamAppendItem and streamNextID), or null when it
   * is not above the last one. `now` is the batch's clock.
   */
  newId(req: IdRequest, now: number): StreamId | null {
    let id: StreamId;
    if (req.kind === "exact") id = req.id;
    else if (req.kind === "ms") {
      if (req.ms === this.lastId.ms) {
        if (this.lastId.seq === U64_MAX) return null;
        id = { ms: req.ms, seq: this.lastId.seq + 1n };
      } else id = { ms: req.ms, seq: 0n };
    } else {
      const ms = BigInt(Math.floor(now));
      const next = nextId(this.lastId);
      if (ms > this.lastId.ms) id = { ms, seq: 0n };
      else if (next) id = next;
      else return null;
    }
    return compareIds(id, this.lastId) > 0 ? id : null;
  }

  /** Appends an entry with `id` (above the last one): into the tail node, or a new one when it is full or gone. */
  append(id: StreamId, pairs: Uint8Array[]): void {
    const fields = encodeFields(pairs);
    if (fields.byteLength > MAX_ENTRY_BYTES) throw new CommandError(StreamErrors.tooLarge);
    const key = idBytes(id);
    const tail = this.tailFill < NODE_ENTRIES && this.sql.exec("SELECT 1 FROM stream_node WHERE key_id = ? AND node = ?", this.id, this.tailNode).toArray().length > 0;
    if (tail) {
      this.sql.exec("UPDATE stream_node SET last_id = ?, live = live + 1 WHERE key_id = ? AND node = ?", key, this.id, this.tailNode);
      this.tailFill++;
    } else {
      this.tailNode++;
      this.tailFill = 1;
      this.sql.exec("INSERT INTO stream_node (key_id, node, first_id, last_id, live) VALUES (?, ?, ?, ?, 1)", this.id, this.tailNode, key, key);
    }
    this.sql.exec("INSERT INTO stream_entry (key_id, id, node, fields) VALUES (?, ?, ?, ?)", this.id, key, this.tailNode, fields);
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.lastId = id;
    this.entriesAdded++;
  }

  /**
   * Up to `count` entries (0: all) from `start` to `end` inclusive, in ID order or reversed;
   * `each` sees them one at a time and may stop the walk by answering false.
   */
  range(start: StreamId, end: StreamId, count: number, reverse: boolean, each: (e: StreamEntry) => boolean | void): void {
    if (compareIds(start, end) > 0) return;
    const cursor = this.sql.exec<{ id: ArrayBuffer; fields: ArrayBuffer }>(
      `SELECT id, fields FROM stream_entry WHERE key_id = ? AND id >= ? AND id <= ? ORDER BY id ${reverse ? "DESC" : "ASC"} LIMIT ?`,
      this.id,
      idBytes(start),
      idBytes(end),
      count > 0 ? count : -1,
    );
    for (const r of cursor) {
      if (each({ id: idFromBytes(r.id), fields: decodeFields(r.fields) }) === false) return;
    }
  }

  /** The ID of the last entry, or 0-0 when empty (Redis's streamLastValidID). */
  lastEntryId(): StreamId {
    const r = this.sql.exec<{ id: ArrayBuffer }>("SELECT id FROM stream_entry WHERE key_id = ? ORDER BY id DESC LIMIT 1", this.id).toArray()[0];
    return r ? idFromBytes(r.id) : MIN_ID;
  }

  private firstEntryId(): StreamId {
    const r = this.sql.exec<{ id: ArrayBuffer }>("SELECT id FROM stream_entry WHERE key_id = ? ORDER BY id LIMIT 1", this.id).toArray()[0];
    return r ? idFromBytes(r.id) : MIN_ID;
  }

  /** XDEL: deletes the entries with these IDs; answers how many there were. */
  delete(ids: StreamId[]): number {
    let deleted = 0;
    let first = false;
    for (const id of ids) {
      const gone = this.sql
        .exec<{ node: number }>("DELETE FROM stream_entry WHERE key_id = ? AND id = ? RETURNING node", this.id, idBytes(id))
        .toArray()[0];
      if (!gone) continue;
      const node = this.sql
        .exec<{ live: number }>("UPDATE stream_node SET live = live - 1 WHERE key_id = ? AND node = ? RETURNING live", this.id, gone.node)
        .toArray()[0];
      // A node whose last entry went is freed, as Redis frees the listpack.
      if (node && node.live === 0) this.sql.exec("DELETE FROM stream_node WHERE key_id = ? AND node = ?", this.id, gone.node);
      this.length--;
      deleted++;
      if (compareIds(id, this.firstId) === 0) first = true;
      if (compareIds(id, this.maxDeleted) > 0) this.maxDeleted = id;
    }
    if (deleted > 0) {
      if (this.length === 0) this.firstId = MIN_ID;
      else if (first) this.firstId = this.firstEntryId();
    }
    return deleted;
  }

  /**
   * Trims from the head as Redis's streamTrim. KEEPREF (the default): whole nodes, then (exact
   * only) entries of the first node left. DELREF and ACKED go entry by entry through every node
   * that could go whole (with `~` too), DELREF dropping each trimmed entry from every group's
   * pending entries, ACKED passing over the entries a group still needs (store/stream-refs.ts),
   * and then (exact only) through the node the threshold falls in.
   */
  trim(t: TrimRequest): number {
    const refs = t.refs === "keepref" ? null : new StreamRefs(this.sql, this.id);
    let deleted = 0;
    // Nodes walked entry by entry stay; the walk goes on after them.
    let after = -1;
    for (;;) {
      if (t.strategy === "maxlen" && BigInt(this.length) <= t.maxlen) break;
      const node = this.sql
        .exec<StreamNodeRow>("SELECT node, first_id, last_id, live FROM stream_node WHERE key_id = ? AND node > ? ORDER BY node LIMIT 1", this.id, after)
        .toArray()[0];
      if (!node) break;
      if (t.limit && deleted + node.live > t.limit) break;
      const whole =
        t.strategy === "maxlen" ? BigInt(this.length - node.live) >= t.maxlen : compareIds(idFromBytes(node.last_id), t.minid) < 0;
      if (refs) {
        if (!whole && t.approx) break;
        // ACKED: no entry above the groups' least last-delivered ID may go, here or further on.
        if (t.refs === "acked" && refs.allReferencedFrom(idFromBytes(node.first_id))) break;
        deleted += this.trimEntries(node, t, refs);
        if (!whole) break;
        after = node.node;
        continue;
      }
      if (whole) {
        this.sql.exec("DELETE FROM stream_entry WHERE key_id = ? AND id >= ? AND id <= ?", this.id, node.first_id, node.last_id);
        this.sql.exec("DELETE FROM stream_node WHERE key_id = ? AND node = ?", this.id, node.node);
        this.length -= node.live;
        deleted += node.live;
        continue;
      }
      if (t.approx) break;
      // Within the node: its oldest entries while the stream is too long or they are below MINID.
      const n =
        t.strategy === "maxlen"
          ? this.length - Number(t.maxlen)
          : this.sql
              .exec<{ n: number }>("SELECT count(*) AS n FROM stream_entry WHERE key_id = ? AND id >= ? AND id < ?", this.id, node.first_id, idBytes(t.minid))
              .one().n;
      if (n > 0) {
        this.sql.exec(
          "DELETE FROM stream_entry WHERE key_id = ? AND id IN (SELECT id FROM stream_entry WHERE key_id = ? AND id >= ? ORDER BY id LIMIT ?)",
          this.id,
          this.id,
          node.first_id,
          n,
        );
        // The node stays even when this empties it, as Redis keeps the listpack.
        this.sql.exec("UPDATE stream_node SET live = live - ? WHERE key_id = ? AND node = ?", n, this.id, node.node);
        this.length -= n;
        deleted += n;
      }
      break;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted > 0) this.firstId = this.firstEntryId();
    return deleted;
  }

  /**
   * DELREF's or ACKED's walk through one node: its oldest entries while the stream is too long
   * or they are below MINID, ACKED passing over the referenced ones. The node stays, as Redis
   * keeps the listpack. O(log n) per entry deleted (ACKED: per entry looked at, per group).
   */
  private trimEntries(node: StreamNodeRow, t: TrimRequest, refs: StreamRefs): number {
    const first = idFromBytes(node.first_id);
    const last = idFromBytes(node.last_id);
    const below = t.strategy === "minid" ? t.minid : null;
    const room = t.strategy === "maxlen" ? this.length - Number(t.maxlen) : node.live;
    if (room <= 0) return 0;
    let ids: StreamId[];
    if (t.refs === "acked") ids = refs.unreferenced(first, last, below, room);
    else {
      ids = this.sql
        .exec<{ id: ArrayBuffer }>(
          "SELECT id FROM stream_entry WHERE key_id = ? AND id >= ? AND id <= ? ORDER BY id LIMIT ?",
          this.id,
          node.first_id,
          node.last_id,
          room,
        )
        .toArray()
        .map((r) => idFromBytes(r.id))
        // `room` is the node's every live entry for MINID: those below it go.
        .filter((id) => !below || compareIds(id, below) < 0);
    }
    for (const id of ids) {
      if (t.refs === "delref") refs.drop(id);
      this.sql.exec("DELETE FROM stream_entry WHERE key_id = ? AND id = ?", this.id, idBytes(id));
    }
    if (ids.length > 0) {
      this.sql.exec("UPDATE stream_node SET live = live - ? WHERE key_id = ? AND node = ?", ids.length, this.id, node.node);
      this.length -= ids.length;
    }
    return ids.length;
  }
}

type StreamNodeRow = {
  node: number;
  first_id: ArrayBuffer;
  last_id: ArrayBuffer;
  live: number;
};

/** The stream at `key`, or null; WRONGTYPE for a key of another type. */
export function findStream(ks: Keyspace, key: string): Stream | null {
  const row = ks.findOfType(key, KeyType.Stream);
  return row ? loadStream(ks, row) : null;
}

function loadStream(ks: Keyspace, row: KeyRow): Stream {
  const meta = ks.sql
    .exec<MetaRow & Record<string, SqlStorageValue>>(
      "SELECT length, last_id, first_id, max_deleted, entries_added, tail_node, tail_fill FROM stream_meta WHERE key_id = ?",
      row.id,
    )
    .one();
  return new Stream(ks, row, meta);
}

/** A new empty stream at `key` (which must not exist). */
export function createStream(ks: Keyspace, key: string): Stream {
  const id = ks.insert(key, KeyType.Stream, null, null);
  ks.sql.exec(
    "INSERT INTO stream_meta (key_id, length, last_id, first_id, max_deleted, entries_added, tail_node, tail_fill) VALUES (?, 0, ?, ?, ?, '0', 0, 0)",
    id,
    ZERO,
    ZERO,
    ZERO,
  );
  return loadStream(ks, ks.find(key, false)!);
}
