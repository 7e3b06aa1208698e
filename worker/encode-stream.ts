/**
 * Response bodies that carry large values, encoded as a stream (docs/large-values.md).
 *
 * Encoding a 32 MiB value into one JSON string holds several whole copies at once (the text,
 * its base64, the JSON string, the response bytes): more than an isolate's 128 MB. When the
 * replies hold more than STREAM_BYTES of byte strings, the body is produced in pieces instead:
 * the JSON around the values as encode.ts writes it, and each long value decoded (or base64
 * encoded) PIECE_BYTES at a time, so the Worker holds the replies plus one piece. The text is
 * exactly what encode.ts would produce. Smaller replies (the hot path) are one string, as before.
 */
import { isError, isStatus, type Reply } from "../durable-objects/reply";
import { entryToJson, replyToJson, toBase64 } from "./encode";

/** Above this many bytes of byte strings in the replies, the body is streamed. */
export const STREAM_BYTES = 1024 * 1024;
/** A byte string at least this long is encoded piece by piece. */
const LONG_BYTES = 64 * 1024;
/** Bytes encoded per piece (a multiple of 3, so base64 pieces join without padding). */
const PIECE_BYTES = 3 * 256 * 1024;

const encoder = new TextEncoder();

/** A long value to encode piece by piece, quoted. */
interface Long {
  bytes: Uint8Array;
}
type Part = string | Long;

function bulkBytes(r: Reply): number {
  if (typeof r === "string") return r.length;
  if (r instanceof Uint8Array) return r.byteLength;
  if (Array.isArray(r)) return r.reduce((n: number, x) => n + bulkBytes(x), 0);
  return 0;
}

/** The JSON of `r` as encode.ts's replyToJson writes it, with long byte strings left as parts of their own. */
function replyParts(r: Reply, base64: boolean, out: Part[]): void {
  if (r instanceof Uint8Array && r.byteLength >= LONG_BYTES) out.push({ bytes: r });
  else if (typeof r === "string" && r.length >= LONG_BYTES) out.push({ bytes: encoder.encode(r) });
  else if (Array.isArray(r)) {
    out.push("[");
    r.forEach((x, i) => {
      if (i > 0) out.push(",");
      replyParts(x, base64, out);
    });
    out.push("]");
  } else out.push(replyToJson(r, base64));
}

function entryParts(r: Reply, base64: boolean, out: Part[]): void {
  if (isError(r) || (base64 && isStatus(r) && r.status === "OK") || bulkBytes(r) < LONG_BYTES) {
    out.push(entryToJson(r, base64));
    return;
  }
  out.push('{"result":');
  replyParts(r, base64, out);
  out.push("}");
}

/** The pieces of one long value's JSON string, quotes included. */
function* longPieces(bytes: Uint8Array, base64: boolean): Generator<string> {
  yield '"';
  const decoder = new TextDecoder();
  for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
    const piece = bytes.subarray(at, at + PIECE_BYTES);
    if (base64) yield toBase64(piece);
    else {
      const text = decoder.decode(piece, { stream: at + PIECE_BYTES < bytes.byteLength });
      yield JSON.stringify(text).slice(1, -1);
    }
  }
  yield '"';
}

function* pieces(parts: Part[], base64: boolean): Generator<string> {
  let small = "";
  for (const p of parts) {
    if (typeof p === "string") {
      small += p;
      continue;
    }
    if (small) yield small;
    small = "";
    yield* longPieces(p.bytes, base64);
  }
  if (small) yield small;
}

function streamOf(parts: Part[], base64: boolean): ReadableStream<Uint8Array> {
  const it = pieces(parts, base64);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

/** A pipeline's or transaction's body: `[entry, …]`, one string when small, else a stream. */
export function entriesBody(replies: Reply[], base64: boolean): string | ReadableStream<Uint8Array> {
  if (bulkBytes(replies) <= STREAM_BYTES) return "[" + replies.map((r) => entryToJson(r, base64)).join(",") + "]";
  const parts: Part[] = ["["];
  replies.forEach((r, i) => {
    if (i > 0) parts.push(",");
    entryParts(r, base64, parts);
  });
  parts.push("]");
  return streamOf(parts, base64);
}

/** One command's body: `{"result":…}` or `{"error":…}`, one string when small, else a stream. */
export function entryBody(reply: Reply, base64: boolean): string | ReadableStream<Uint8Array> {
  if (bulkBytes(reply) <= STREAM_BYTES) return entryToJson(reply, base64);
  const parts: Part[] = [];
  entryParts(reply, base64, parts);
  return streamOf(parts, base64);
}
