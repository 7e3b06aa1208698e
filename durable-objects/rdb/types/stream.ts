/**
 * Streams, written as Redis 7.0 writes them: RDB_TYPE_STREAM_LISTPACKS_2 (19) (rdb.c
 * rdbSaveObject), byte-identical for a stream none of whose live nodes lost entries:
 *
 * - the nodes: their count, then per node its master ID (16 bytes, milliseconds then sequence,
 *   big-endian: the radix tree key) and its listpack as an RDB string. The listpack starts
 *   with the master entry (live count, deleted count, the field names of the node's first
 *   entry, 0), then per entry its flags (2: the master's field names, 1: deleted), its ID as
 *   the difference from the master ID (milliseconds, sequence), the number of fields and their
 *   names unless flag 2, the values, and the count of the entry's listpack elements
 *   (t_stream.c streamAppendItem);
 * - the length, the last ID, the first ID, the largest deleted ID, entries added;
 * - the groups in name order: name, last-delivered ID, entries-read (-1 as 2^64 - 1), the
 *   pending entries in ID order (ID as 16 raw bytes, delivery time in ms, delivery count),
 *   then the consumers in name order (name, seen time, the IDs of their pending entries).
 *
 * Each node written is a node of store/streams.ts with its live entries: a node whose entries
 * all went is left out, and one that lost some is written with those only (Redis keeps them
 * flagged deleted, which edgekv cannot, not keeping their fields), its master entry's field
 * names those of its first live entry — a difference in layout only.
 *
 * Read: 19, RDB_TYPE_STREAM_LISTPACKS (15: Redis 5 and 6, no first ID, largest deleted ID,
 * entries added or entries-read, which are derived as Redis 7.0 derives them) and
 * RDB_TYPE_STREAM_LISTPACKS_3 (21: Redis 7.2, a consumer's active time after its seen time,
 * dropped: edgekv keeps no active time). Each listpack becomes one node (store/stream-snapshot.ts),
 * so `~` trims a restored stream as Redis trims it. Refused as corrupt (`Bad data format`),
 * beyond what Redis refuses (a node key not 16 bytes, an empty listpack, a node, a group, a
 * consumer or a pending entry twice, a consumer's pending entry missing from its group's):
 * listpack counts or element counts that disagree with the entries, live entries out of order
 * or overlapping nodes, a length that is not the number of live entries, a last ID below a live
 * entry, a pending entry of no consumer or of two (Redis checks these with
 * `sanitize-dump-payload yes`, or not at all), a group or consumer name that is the same as
 * another once read as UTF-8 (names are text here), a count or time past 2^53.
 */
import { parseI64, utf8 } from "../../args";
import { KeyType } from "../../store/keyspace";
import { consumerPage, groupPage, nodePage, pendingPage, writeStream, type SnapshotGroup, type SnapshotNode, type StreamSnapshot } from "../../store/stream-snapshot";
import type { PendingEntry } from "../../store/stream-groups";
import { compareIds, findStream, idBytes, idFromBytes, MAX_ID, MIN_ID, nextId, type StreamEntry, type StreamId } from "../../store/streams";
import { dumpCost, ELEMENT_COST, RdbError, RDB_VERSION, type RdbReader, type RdbWriter } from "../encoding";
import { ListpackWriter, readListpack } from "../listpack";
import { RdbTypes, type DumpTarget, type RdbType } from "../registry";
import { expireNew } from "./common";

const FLAG_DELETED = 1n;
const FLAG_SAMEFIELDS = 2n;
const PAGE = 512;
const I64_MAX = (1n << 63n) - 1n;
const encoder = new TextEncoder();

export const streamType: RdbType<StreamSnapshot> = {
  name: "stream",
  keyType: KeyType.Stream,
  reads: [RdbTypes.STREAM_LISTPACKS, RdbTypes.STREAM_LISTPACKS_2, RdbTypes.STREAM_LISTPACKS_3],
  read: readStream,
  encode(v, w) {
    const nodes = v.nodes.filter((n) => n.entries.length > 0);
    w.byte(RdbTypes.STREAM_LISTPACKS_2).length(nodes.length);
    for (const n of nodes) w.string(idBytes(n.first)).string(nodeListpack(n));
    w.length(v.length);
    writeId(w, v.lastId);
    writeId(w, v.firstId);
    writeId(w, v.maxDeleted);
    w.bigLength(v.entriesAdded).length(v.groups.length);
    for (const g of v.groups) {
      w.string(g.name);
      writeId(w, g.lastId);
      w.bigLength(BigInt.asUintN(64, g.entriesRead)).length(g.pending.length);
      const owned = new Map<string, StreamId[]>();
      for (const p of g.pending) {
        w.raw(idBytes(p.id)).millis(p.deliveryTime).bigLength(BigInt.asUintN(64, BigInt(p.deliveryCount)));
        let ids = owned.get(p.consumer);
        if (!ids) owned.set(p.consumer, (ids = []));
        ids.push(p.id);
      }
      w.length(g.consumers.length);
      for (const c of g.consumers) {
        const ids = owned.get(c.name) ?? [];
        w.string(c.name).millis(c.seenTime).length(ids.length);
        for (const id of ids) w.raw(idBytes(id));
      }
    }
    return RDB_VERSION;
  },
  decode(code, r) {
    return checked(readBody(code, r));
  },
  store(ks, key, v, expireAt) {
    writeStream(ks, key, v);
    expireNew(ks, key, expireAt);
  },
};

function writeId(w: RdbWriter, id: StreamId): void {
  w.bigLength(id.ms).bigLength(id.seq);
}

/** A node's listpack as streamAppendItem builds it, from its live entries. */
function nodeListpack(n: SnapshotNode): Uint8Array {
  const lp = new ListpackWriter();
  const master = n.entries[0]!.fields.filter((_, i) => i % 2 === 0);
  lp.addInt(BigInt(n.entries.length)).addInt(0n).addInt(BigInt(master.length));
  for (const f of master) lp.add(f);
  lp.addInt(0n);
  for (const e of n.entries) {
    const pairs = e.fields.length / 2;
    const same = pairs === master.length && master.every((f, i) => sameBytes(f, e.fields[2 * i]!));
    lp.addInt(same ? FLAG_SAMEFIELDS : 0n)
      .addInt(BigInt.asIntN(64, e.id.ms - n.first.ms))
      .addInt(BigInt.asIntN(64, e.id.seq - n.first.seq));
    if (same) {
      for (let i = 1; i < e.fields.length; i += 2) lp.add(e.fields[i]!);
      lp.addInt(BigInt(pairs + 3));
    } else {
      lp.addInt(BigInt(pairs));
      for (const f of e.fields) lp.add(f);
      lp.addInt(BigInt(2 * pairs + 4));
    }
  }
  return lp.bytes();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The stream read in pages, every element counted (dumpCost) as RESTORE will charge it: an
 * entry's fields and values and its four fixed listpack elements, a node's key and master
 * entry, names, pending IDs.
 */
function readStream(t: DumpTarget): StreamSnapshot | null {
  const s = findStream(t.ks, t.row.key);
  if (!s) return null;
  let cost = 0;
  const add = (n: number) => {
    cost += n;
    t.check(cost);
  };
  const nodes: SnapshotNode[] = [];
  for (let after = 0; ; ) {
    const page = nodePage(s, after, 64);
    for (const row of page) {
      if (row.live === 0) continue;
      const entries: StreamEntry[] = [];
      s.range(row.first, row.last, 0, false, (e) => {
        entries.push(e);
        add(e.fields.reduce((n, f) => n + dumpCost(f.length), 5 * dumpCost(0)));
      });
      if (entries.length === 0) continue;
      add(dumpCost(16) + 4 * dumpCost(0) + entries[0]!.fields.reduce((n, f, i) => (i % 2 === 0 ? n + dumpCost(f.length) : n), 0));
      nodes.push({ first: row.first, last: row.last, appended: entries.length, entries });
    }
    if (page.length < 64) break;
    after = page[page.length - 1]!.node;
  }
  const groups: SnapshotGroup[] = [];
  for (let after: string | null = null; ; ) {
    const page = groupPage(s, after, PAGE);
    for (const g of page) {
      add(dumpCost(encoder.encode(g.name).length) + 3 * dumpCost(0));
      const group: SnapshotGroup = { ...g, consumers: [], pending: [] };
      for (let from: StreamId | null = MIN_ID; from; ) {
        const pending = pendingPage(s, g.name, from, PAGE);
        for (const p of pending) group.pending.push(p);
        add(pending.length * 2 * dumpCost(16));
        from = pending.length < PAGE ? null : nextId(pending[pending.length - 1]!.id);
      }
      for (let name: string | null = null; ; ) {
        const consumers = consumerPage(s, g.name, name, PAGE);
        for (const c of consumers) {
          group.consumers.push(c);
          add(dumpCost(encoder.encode(c.name).length) + dumpCost(0));
        }
        if (consumers.length < PAGE) break;
        name = consumers[consumers.length - 1]!.name;
      }
      groups.push(group);
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.name;
  }
  return { nodes, length: s.length, lastId: s.lastId, firstId: s.firstId, maxDeleted: s.maxDeleted, entriesAdded: s.entriesAdded, groups };
}

/** A count the payload claims, each of whose items takes at least `bytes` bytes: never past what is left. */
function count(r: RdbReader, bytes: number): number {
  const n = r.length();
  if (n * bytes > r.remaining()) throw new RdbError("count past the payload");
  return n;
}

function readId(r: RdbReader): StreamId {
  const ms = r.bigLength();
  return { ms, seq: r.bigLength() };
}

function safe(v: bigint, what: string): number {
  if (v < -BigInt(Number.MAX_SAFE_INTEGER) || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError(`${what} out of range`);
  return Number(v);
}

function readBody(code: number, r: RdbReader): StreamSnapshot {
  const nodes: SnapshotNode[] = [];
  for (let i = 0, n = count(r, 2); i < n; i++) {
    const key = r.string();
    if (key.length !== 16) throw new RdbError("stream node key is not the size of a stream ID");
    const node = readNode(idFromBytes(key.slice().buffer), readListpack(r.string(), r.entry));
    if (node) nodes.push(node);
  }
  nodes.sort((a, b) => compareIds(a.first, b.first));
  const length = r.length();
  const lastId = readId(r);
  let firstId: StreamId;
  let maxDeleted = MIN_ID;
  let entriesAdded = BigInt(length);
  if (code === RdbTypes.STREAM_LISTPACKS) {
    // rdbLoadObject: the first live entry's ID (the largest ID when there is none).
    firstId = nodes.find((n) => n.entries.length > 0)?.entries[0]!.id ?? MAX_ID;
  } else {
    firstId = readId(r);
    maxDeleted = readId(r);
    entriesAdded = r.bigLength();
    if (entriesAdded > I64_MAX) throw new RdbError("entries added out of range");
  }
  const counters = { length, lastId, firstId, maxDeleted, entriesAdded };
  const groups: SnapshotGroup[] = [];
  for (let i = 0, n = count(r, 4); i < n; i++) {
    const name = utf8(r.string());
    const groupLast = readId(r);
    const entriesRead = code === RdbTypes.STREAM_LISTPACKS ? distanceFromFirstEverEntry(counters, groupLast) : BigInt.asIntN(64, r.bigLength());
    const pending: PendingEntry[] = [];
    const claimed = new Map<string, string | null>();
    for (let j = 0, m = count(r, 25); j < m; j++) {
      const raw = r.raw(16);
      r.charge(16 + ELEMENT_COST);
      const deliveryTime = safe(r.millis(), "delivery time");
      const deliveryCount = safe(r.bigLength(), "delivery count");
      const k = idKey(raw);
      if (claimed.has(k)) throw new RdbError("duplicate pending entry in a group");
      claimed.set(k, null);
      pending.push({ id: idFromBytes(raw.slice().buffer), consumer: "", deliveryTime, deliveryCount });
    }
    const byId = new Map(pending.map((p) => [idKey(idBytes(p.id)), p]));
    const consumers: SnapshotGroup["consumers"] = [];
    for (let j = 0, m = count(r, 10); j < m; j++) {
      const cname = utf8(r.string());
      const seenTime = safe(r.millis(), "seen time");
      if (code === RdbTypes.STREAM_LISTPACKS_3) r.millis();
      for (let k = 0, own = count(r, 16); k < own; k++) {
        const raw = r.raw(16);
        r.charge(16 + ELEMENT_COST);
        const key = idKey(raw);
        if (!claimed.has(key)) throw new RdbError("consumer pending entry not in its group's");
        if (claimed.get(key) !== null) throw new RdbError("pending entry of two consumers");
        claimed.set(key, cname);
        byId.get(key)!.consumer = cname;
      }
      consumers.push({ name: cname, seenTime });
    }
    for (const owner of claimed.values()) if (owner === null) throw new RdbError("pending entry of no consumer");
    pending.sort((a, b) => compareIds(a.id, b.id));
    consumers.sort((a, b) => compareNames(a.name, b.name));
    distinct(consumers.map((c) => c.name), "consumer");
    groups.push({ name, lastId: groupLast, entriesRead, consumers, pending });
  }
  groups.sort((a, b) => compareNames(a.name, b.name));
  distinct(groups.map((g) => g.name), "group");
  return { nodes, ...counters, groups };
}

/**
 * One listpack as a node: its live entries, its first ID (the master ID, or a live entry below
 * it) and last (its last entry's, deleted or not, or a live entry above it); null for a
 * listpack with no entries.
 */
function readNode(master: StreamId, items: Uint8Array[]): SnapshotNode | null {
  let p = 0;
  const int = (): bigint => {
    const b = items[p++];
    if (b === undefined) throw new RdbError("stream listpack ends inside an entry");
    let s = "";
    for (const x of b) s += String.fromCharCode(x);
    const v = parseI64(s);
    if (v === null) throw new RdbError("stream listpack integer expected");
    return v;
  };
  const take = (n: bigint): Uint8Array[] => {
    if (n < 0n || n > BigInt(items.length - p)) throw new RdbError("stream listpack field count past its end");
    const out = items.slice(p, p + Number(n));
    p += Number(n);
    return out;
  };
  const live = int();
  const deleted = int();
  const fields = take(int());
  if (int() !== 0n) throw new RdbError("stream master entry without its terminator");
  const entries: StreamEntry[] = [];
  let appended = 0;
  let last: StreamId | null = null;
  while (p < items.length) {
    const flags = int();
    const id = { ms: BigInt.asUintN(64, master.ms + int()), seq: BigInt.asUintN(64, master.seq + int()) };
    let pairs: Uint8Array[];
    let elements: bigint;
    if (flags & FLAG_SAMEFIELDS) {
      const values = take(BigInt(fields.length));
      pairs = values.flatMap((v, i) => [fields[i]!, v]);
      elements = BigInt(fields.length) + 3n;
    } else {
      const n = int();
      pairs = take(2n * n);
      elements = 2n * n + 4n;
    }
    if (int() !== elements) throw new RdbError("stream entry's element count is wrong");
    appended++;
    last = id;
    if (flags & FLAG_DELETED) continue;
    if (entries.length > 0 && compareIds(id, entries[entries.length - 1]!.id) <= 0) throw new RdbError("stream entries out of order");
    entries.push({ id, fields: pairs });
  }
  if (live !== BigInt(entries.length) || deleted !== BigInt(appended - entries.length)) throw new RdbError("stream listpack counts are wrong");
  if (!last) return null;
  const first = entries.length > 0 && compareIds(entries[0]!.id, master) < 0 ? entries[0]!.id : master;
  const top = entries.length > 0 && compareIds(entries[entries.length - 1]!.id, last) > 0 ? entries[entries.length - 1]!.id : last;
  return { first, last: top, appended, entries };
}

/** What edgekv's storage needs of a decoded stream (module doc): throws RdbError otherwise. */
function checked(v: StreamSnapshot): StreamSnapshot {
  let live = 0;
  let top: StreamId | null = null;
  for (let i = 0; i < v.nodes.length; i++) {
    const n = v.nodes[i]!;
    const next = v.nodes[i + 1];
    if (next && compareIds(n.last, next.first) >= 0) throw new RdbError("stream nodes overlap");
    live += n.entries.length;
    if (n.entries.length > 0) top = n.entries[n.entries.length - 1]!.id;
  }
  if (live !== v.length) throw new RdbError("stream length is not its number of entries");
  if (top && compareIds(top, v.lastId) > 0) throw new RdbError("stream entry above the last ID");
  return v;
}

function idKey(raw: Uint8Array): string {
  return String.fromCharCode(...raw);
}

/** Bytewise order of names' UTF-8, the order of Redis's radix trees and of SQLite's BINARY collation. */
function compareNames(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function distinct(sortedNames: string[], what: string): void {
  for (let i = 1; i < sortedNames.length; i++) if (sortedNames[i] === sortedNames[i - 1]) throw new RdbError(`duplicate ${what}`);
}

/** Redis's streamEstimateDistanceFromFirstEverEntry, over a decoded stream's counters (RDB type 15's entries-read). */
function distanceFromFirstEverEntry(s: Pick<StreamSnapshot, "length" | "lastId" | "firstId" | "maxDeleted" | "entriesAdded">, id: StreamId): bigint {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const last = compareIds(id, s.lastId);
  if (last === 0) return s.entriesAdded;
  if (last > 0) return -1n;
  const first = compareIds(id, s.firstId);
  if (compareIds(s.maxDeleted, MIN_ID) === 0 || compareIds(s.maxDeleted, s.firstId) < 0) {
    if (first < 0) return s.entriesAdded - BigInt(s.length);
    if (first === 0) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return -1n;
}
