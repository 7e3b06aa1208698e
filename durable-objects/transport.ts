/**
 * Large batches and replies between the Worker and a shard (docs/large-values.md).
 *
 * One Durable Object RPC call, and its result, is limited to 32 MiB serialized, so a batch or a
 * reply that carries a value near the value limit (32 MiB by default) cannot travel as one
 * message. Whatever crosses with more than INLINE_RPC_BYTES of byte strings travels in two
 * parts instead: the message itself, with each long byte string replaced by a `{ spilled: n }`
 * marker, and one byte stream (a ReadableStream, which RPC carries with flow control and no
 * size limit) with those strings' bytes, in the order of the markers. The receiver reads the
 * stream into one buffer and puts views of it back where the markers were.
 *
 * Small batches and replies (all of the hot path) are sent as they are: deciding costs one walk
 * over the arguments or replies, adding up lengths. Replies the caller asks for gathered (the
 * Worker's pipelines: `exec`'s `gather`) with several small byte strings carry those in one
 * buffer instead (`Gathered`): RPC spends a buffer of its own on each byte string, on both sides,
 * so 50 GET replies cost half as much to clone as one buffer and markers.
 */
import type { Arg } from "./args";
import { err, type Reply } from "./reply";
import { textBytes } from "./args";

/** Above this many bytes of byte strings, a batch or its replies go by stream (well under 32 MiB with the rest). */
export const INLINE_RPC_BYTES = 16 * 1024 * 1024;
/** Only byte strings at least this long leave the message. */
export const SPILL_MIN_BYTES = 64 * 1024;
/** Bytes per stream chunk. */
const PIECE_BYTES = 1024 * 1024;
/** A message with at least this many small byte strings may carry them in one buffer (`Gathered`). */
export const GATHER_MIN_STRINGS = 4;

/** Where a byte string of `spilled` bytes was: its bytes are the stream's next ones. */
export interface Spilled {
  spilled: number;
}

/** A message whose long byte strings travel in `body`, `bytes` bytes in all. */
export interface Streamed<T> {
  message: T;
  bytes: number;
  body: ReadableStream<Uint8Array>;
}

/**
 * A message whose small byte strings (`Uint8Array`s under SPILL_MIN_BYTES) travel in one buffer:
 * each is a `{ spilled: n }` marker in `message`, its bytes the next `n` of `gathered`. Each byte
 * string costs RPC a buffer of its own on both sides; one buffer and markers cost far less.
 */
export interface Gathered<T> {
  message: T;
  gathered: Uint8Array;
}

type Tree = Arg | Reply | Spilled | Tree[];

const encoder = new TextEncoder();

/** An upper bound of the serialized size of the byte strings in `tree` (a JS string may take 2 bytes a character). */
function bulkBytes(tree: Tree): number {
  if (typeof tree === "string") return 2 * tree.length;
  if (tree instanceof Uint8Array) return tree.byteLength;
  if (Array.isArray(tree)) {
    let n = 0;
    for (const t of tree) n += bulkBytes(t);
    return n;
  }
  return 0;
}

function isSpilled(t: unknown): t is Spilled {
  return t !== null && typeof t === "object" && !Array.isArray(t) && !(t instanceof Uint8Array) && "spilled" in t;
}

/** `tree` with its long byte strings replaced by markers, the strings pushed to `parts` in order. */
function spill(tree: Tree, parts: Uint8Array[]): Tree {
  if (typeof tree === "string" || tree instanceof Uint8Array) {
    if ((typeof tree === "string" ? 2 * tree.length : tree.byteLength) < SPILL_MIN_BYTES) return tree;
    const b = typeof tree === "string" ? textBytes(tree) : tree;
    parts.push(b);
    return { spilled: b.byteLength };
  }
  return Array.isArray(tree) ? tree.map((t) => spill(t, parts)) : tree;
}

/** `tree` with every marker replaced by the next `spilled` bytes of `body` (views of it), or by `lost(marker)`. */
function fill(tree: Tree, body: Uint8Array | null, at: { pos: number }, lost: () => Tree): Tree {
  if (isSpilled(tree)) {
    if (!body) return lost();
    const b = body.subarray(at.pos, at.pos + tree.spilled);
    at.pos += tree.spilled;
    return b;
  }
  return Array.isArray(tree) ? tree.map((t) => fill(t, body, at, lost)) : tree;
}

function contains(tree: Tree, test: (t: Tree) => boolean): boolean {
  return test(tree) || (Array.isArray(tree) && tree.some((t) => contains(t, test)));
}

/** A byte stream of `parts` in order, in pieces of at most PIECE_BYTES (views: nothing is copied). */
function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[i];
      if (!part) {
        controller.close();
        return;
      }
      const piece = part.subarray(at, at + PIECE_BYTES);
      at += piece.byteLength;
      if (at >= part.byteLength) {
        i++;
        at = 0;
      }
      controller.enqueue(piece);
    },
  });
}

/** Reads exactly `bytes` bytes of `body` into one buffer. */
async function readAll(body: ReadableStream<Uint8Array>, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  let at = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.byteLength > bytes) {
      await reader.cancel().catch(() => {});
      throw new Error(`stream carries more than the ${bytes} bytes announced`);
    }
    out.set(value, at);
    at += value.byteLength;
  }
  if (at !== bytes) throw new Error(`stream ended after ${at} of ${bytes} bytes`);
  return out;
}

/** `message` as it should cross: as it is when small, else split into a message and a stream. */
export function pack<T extends Tree[]>(message: T): T | Streamed<T> {
  if (bulkBytes(message) <= INLINE_RPC_BYTES) return message;
  const parts: Uint8Array[] = [];
  const skeleton = spill(message, parts) as T;
  return { message: skeleton, bytes: parts.reduce((n, p) => n + p.byteLength, 0), body: streamOf(parts) };
}

export function isStreamed<T>(m: T | Streamed<T> | Gathered<T>): m is Streamed<T> {
  return !Array.isArray(m) && "body" in (m as object);
}

export function isGathered<T>(m: T | Streamed<T> | Gathered<T>): m is Gathered<T> {
  return !Array.isArray(m) && "gathered" in (m as object);
}

/** Counts the small byte strings of `tree` and adds up their bytes. */
function smallBytes(tree: Tree, acc: { count: number; bytes: number }): void {
  if (tree instanceof Uint8Array) {
    if (tree.byteLength < SPILL_MIN_BYTES) {
      acc.count++;
      acc.bytes += tree.byteLength;
    }
  } else if (Array.isArray(tree)) {
    for (const t of tree) smallBytes(t, acc);
  }
}

/** A copy of `tree` (arrays are new: a reply may be kept elsewhere) with its small byte strings as markers, their bytes copied into `into` from `at.pos`. */
function gatherInto(tree: Tree[], into: Uint8Array, at: { pos: number }): Tree[] {
  const out: Tree[] = new Array(tree.length);
  for (let i = 0; i < tree.length; i++) {
    const t = tree[i]!;
    if (t instanceof Uint8Array && t.byteLength < SPILL_MIN_BYTES) {
      into.set(t, at.pos);
      at.pos += t.byteLength;
      out[i] = { spilled: t.byteLength };
    } else {
      out[i] = Array.isArray(t) ? gatherInto(t, into, at) : t;
    }
  }
  return out;
}

/**
 * Replies as they should cross when the caller takes them gathered (`exec`'s `gather`): `pack`'s
 * forms, or, with at least GATHER_MIN_STRINGS small byte strings among them, `Gathered`.
 */
export function packGathering(replies: Reply[]): Reply[] | Streamed<Reply[]> | Gathered<Reply[]> {
  const packed = pack(replies);
  if (packed !== replies) return packed;
  const acc = { count: 0, bytes: 0 };
  smallBytes(replies, acc);
  if (acc.count < GATHER_MIN_STRINGS) return replies;
  const gathered = new Uint8Array(acc.bytes);
  return { message: gatherInto(replies, gathered, { pos: 0 }) as Reply[], gathered };
}

/** A gathered message whole again: each marker replaced, in place (the message is the receiver's own copy), by a view of the buffer. */
export function ungather<T>(m: Gathered<T>): T {
  const at = { pos: 0 };
  const fillIn = (tree: Tree[]): void => {
    for (let i = 0; i < tree.length; i++) {
      const t = tree[i]!;
      if (Array.isArray(t)) fillIn(t);
      else if (isSpilled(t)) {
        tree[i] = m.gathered.subarray(at.pos, at.pos + t.spilled);
        at.pos += t.spilled;
      }
    }
  };
  fillIn(m.message as Tree[]);
  return m.message;
}

/** The batch a shard received by stream, whole. A stream that fails throws: nothing has run yet. */
export async function unpackBatch(m: Streamed<Arg[][]>): Promise<Arg[][]> {
  const body = await readAll(m.body, m.bytes);
  return fill(m.message as Tree, body, { pos: 0 }, () => []) as Arg[][];
}

/**
 * The replies a shard sent, whole. The commands have run by then, so a stream that fails must
 * not turn their replies into failures: only a reply that had bytes in the stream becomes an
 * error entry; every other reply (a write's OK among them) keeps its true value.
 */
export async function unpackReplies(m: Streamed<Reply[]>): Promise<Reply[]> {
  let body: Uint8Array | null = null;
  let failure = "";
  try {
    body = await readAll(m.body, m.bytes);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  const lost = () => err(`ERR reply lost in transit from the shard: ${failure}`) as Tree;
  const replies = m.message as Tree[];
  if (body) return fill(replies, body, { pos: 0 }, lost) as Reply[];
  return replies.map((r) => (contains(r, isSpilled) ? lost() : r)) as Reply[];
}
