/**
 * Read-only views of a stream for XINFO (docs/streams.md): its radix-tree figures, its groups
 * with their counts, each group's consumers, and pending entries with their delivery data.
 * Nothing here writes or knows argv.
 *
 * Redis keeps a stream as a radix tree (rax) whose keys are the master IDs of its listpack
 * nodes, 16 bytes each (milliseconds then sequence, big-endian, as `idBytes`). edgekv models
 * those nodes in `stream_node`, each row's `first_id` being the master ID Redis would give it,
 * so XINFO's `radix-tree-keys` is the count of those rows and `radix-tree-nodes` the node count
 * of the compressed radix tree over their IDs. Redis's rax keeps one shape for a set of keys
 * none of which is a prefix of another (insertion splits, removal merges single-child chains
 * back), so that count is a function of the IDs alone:
 * - the head always exists (an empty tree is one node);
 * - a run of bytes shared below a node is one compressed node;
 * - where keys part there is one branching node, and below it each branch is counted again;
 * - a key alone below a branch is one compressed node (of one byte or more) and its leaf, or
 *   only its leaf when no byte is left.
 */
import { idFromBytes, type Stream, type StreamId } from "./streams";
import { Group, type PendingEntry } from "./stream-groups";

/** A consumer as XINFO shows it. */
export interface ConsumerInfo {
  name: string;
  seenTime: number;
  pending: number;
}

/** The radix tree Redis would keep for the stream: its keys (nodes) and its rax node count. */
export function radixTree(s: Stream): { keys: number; nodes: number } {
  // In node order (the primary key's): that is the IDs' order but after an XSETID back on an emptied stream.
  const keys = s.ks.sql
    .exec<{ first_id: ArrayBuffer }>("SELECT first_id FROM stream_node WHERE key_id = ? ORDER BY node", s.id)
    .toArray()
    .map((r) => new Uint8Array(r.first_id))
    .sort(byteOrder)
    // One key per ID, as a radix tree holds (two nodes of one master ID can only follow such an XSETID).
    .filter((k, i, all) => i === 0 || byteOrder(all[i - 1]!, k) !== 0);
  return { keys: keys.length, nodes: raxNodeCount(keys) };
}

function byteOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The node count of Redis's rax over distinct keys of one length, in byte order (duplicates: see radixTree). */
export function raxNodeCount(keys: Uint8Array[]): number {
  if (keys.length === 0) return 1;
  const width = keys[0]!.length;
  // keys[lo..hi) share their first `depth` bytes: the nodes of the subtree below that point.
  const below = (lo: number, hi: number, depth: number): number => {
    if (hi - lo === 1) return depth === width ? 1 : 2;
    const first = keys[lo]!;
    const last = keys[hi - 1]!;
    let at = depth;
    while (at < width && first[at] === last[at]) at++;
    if (at === width) throw new Error("raxNodeCount: duplicate keys");
    let n = (at > depth ? 1 : 0) + 1;
    for (let i = lo; i < hi; ) {
      let j = i + 1;
      while (j < hi && keys[j]![at] === keys[i]![at]) j++;
      n += below(i, j, at + 1);
      i = j;
    }
    return n;
  };
  return below(0, keys.length, 0);
}

/** The stream's groups in name order (bytewise, as Redis's radix tree of groups). */
export function groupsOf(s: Stream): Group[] {
  return s.ks.sql
    .exec<{ name: string; last_id: ArrayBuffer; entries_read: string }>(
      "SELECT name, last_id, entries_read FROM stream_group WHERE key_id = ? ORDER BY name",
      s.id,
    )
    .toArray()
    .map((r) => new Group(s, r.name, idFromBytes(r.last_id), BigInt(r.entries_read)));
}

export function groupCount(s: Stream): number {
  return s.ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_group WHERE key_id = ?", s.id).one().n;
}

export function consumerCount(g: Group): number {
  return g.stream.ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_consumer WHERE key_id = ? AND grp = ?", g.stream.id, g.name).one().n;
}

/** The group's pending entries count (its PEL's size). */
export function pendingCount(g: Group): number {
  return g.stream.ks.sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_pending WHERE key_id = ? AND grp = ?", g.stream.id, g.name).one().n;
}

/** The group's consumers in name order, with their seen time and pending entries count. */
export function consumersOf(g: Group): ConsumerInfo[] {
  return g.stream.ks.sql
    .exec<{ name: string; seen_time: number; pending: number }>(
      `SELECT name, seen_time,
         (SELECT count(*) FROM stream_pending p WHERE p.key_id = c.key_id AND p.grp = c.grp AND p.consumer = c.name) AS pending
       FROM stream_consumer c WHERE key_id = ? AND grp = ? ORDER BY name`,
      g.stream.id,
      g.name,
    )
    .toArray()
    .map((r) => ({ name: r.name, seenTime: r.seen_time, pending: r.pending }));
}

/** Up to `count` (0: all) of the group's pending entries, in ID order, each handed to `each`. */
export function eachGroupPending(g: Group, count: number, each: (p: PendingEntry) => void): void {
  const cursor = g.stream.ks.sql.exec<{ id: ArrayBuffer; consumer: string; delivery_time: number; delivery_count: number }>(
    "SELECT id, consumer, delivery_time, delivery_count FROM stream_pending WHERE key_id = ? AND grp = ? ORDER BY id LIMIT ?",
    g.stream.id,
    g.name,
    count > 0 ? count : -1,
  );
  for (const r of cursor) each({ id: idFromBytes(r.id), consumer: r.consumer, deliveryTime: r.delivery_time, deliveryCount: r.delivery_count });
}

/** Up to `count` (0: all) of one consumer's pending entries, in ID order, each handed to `each`. */
export function eachConsumerPending(g: Group, consumer: string, count: number, each: (p: { id: StreamId; deliveryTime: number; deliveryCount: number }) => void): void {
  const cursor = g.stream.ks.sql.exec<{ id: ArrayBuffer; delivery_time: number; delivery_count: number }>(
    "SELECT id, delivery_time, delivery_count FROM stream_pending WHERE key_id = ? AND grp = ? AND consumer = ? ORDER BY id LIMIT ?",
    g.stream.id,
    g.name,
    consumer,
    count > 0 ? count : -1,
  );
  for (const r of cursor) each({ id: idFromBytes(r.id), deliveryTime: r.delivery_time, deliveryCount: r.delivery_count });
}
