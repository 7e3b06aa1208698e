/**
 * Replies → the Upstash REST JSON. Integers are JSON numbers (a bigint keeps all its digits),
 * bulk and status strings are JSON strings, nil is null, arrays nest. With base64 encoding
 * every string anywhere in the result is the base64 of its bytes; numbers and null stay; as
 * Upstash does, a whole result that is the status `OK` stays plain (the official client reads
 * both; inside an array it would not, so there it is encoded). Error replies nested in an
 * array (rare: a script's table) become their message text. An entry's `error` is never encoded.
 *
 * Memory: a small response is built as one string. A large one (a value over `PIECE_BYTES`, or
 * more than `CHUNK_CHARS` of JSON in all) is streamed: entries are encoded as the client reads,
 * large values in pieces, and each reply is let go once encoded, so the Worker holds the replies
 * and one chunk of JSON at a time, never the replies plus the whole JSON text plus its UTF-8 copy.
 */
import { isError, isStatus, type Reply } from "../durable-objects/reply";
import { replyBytes } from "../durable-objects/reply-budget";
import { textBytes, wellFormed } from "../durable-objects/args";

/** A value larger than this is encoded in pieces of this size (a multiple of 3, so base64 pieces join). */
const PIECE_BYTES = 48 * 1024;
/** A response with more JSON than this is streamed in chunks of about this many characters. */
const CHUNK_CHARS = 256 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function replyToJson(r: Reply, base64: boolean): string {
  if (r instanceof Uint8Array) return JSON.stringify(base64 ? toBase64(r) : decoder.decode(r));
  switch (typeof r) {
    case "number":
      return Number.isFinite(r) ? String(r) : JSON.stringify(String(r));
    case "string":
      return JSON.stringify(base64 ? toBase64(textBytes(r)) : wellFormed(r));
    case "bigint":
      return r.toString();
  }
  if (r === null) return "null";
  if (Array.isArray(r)) {
    let out = "[";
    for (let i = 0; i < r.length; i++) out += (i > 0 ? "," : "") + replyToJson(r[i]!, base64);
    return out + "]";
  }
  if (isStatus(r)) return replyToJson(r.status, base64);
  if (isError(r)) return replyToJson(r.error, base64);
  return "null";
}

/** `{"result":…}` or `{"error":"…"}`: one pipeline entry, or the body of a single command. */
export function entryToJson(r: Reply, base64: boolean): string {
  if (r !== null && typeof r === "object" && !Array.isArray(r) && !(r instanceof Uint8Array)) {
    if (isError(r)) return `{"error":${JSON.stringify(r.error)}}`;
    if (base64 && isStatus(r) && r.status === "OK") return `{"result":"OK"}`;
  }
  return `{"result":${replyToJson(r, base64)}}`;
}

/** The runtime's native `Uint8Array.prototype.toBase64`, where it has one. */
const nativeBase64 = (Uint8Array.prototype as { toBase64?: (this: Uint8Array) => string }).toBase64;

export function toBase64(b: Uint8Array): string {
  if (nativeBase64) return nativeBase64.call(b);
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function isLarge(r: Reply): boolean {
  if (r instanceof Uint8Array) return r.byteLength > PIECE_BYTES;
  if (typeof r === "string") return r.length > PIECE_BYTES;
  return Array.isArray(r) && replyBytes(r) > PIECE_BYTES;
}

/**
 * The body of a pipeline or transaction: `[entry,…]`, as a string when small, else a stream.
 * The stream takes over `replies` and empties it as it goes.
 */
export function entriesBody(replies: Reply[], base64: boolean): string | ReadableStream<Uint8Array> {
  let text = "[";
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    if (text.length > CHUNK_CHARS || isLarge(r)) return stream(allPieces(replies, base64));
    if (i > 0) text += ",";
    text += entryToJson(r, base64);
  }
  return text + "]";
}

/** The body of a single command: `{"result":…}` or `{"error":…}`, streamed when large. */
export function entryBody(r: Reply, base64: boolean): string | ReadableStream<Uint8Array> {
  return isLarge(r) ? stream(entryPieces(r, base64)) : entryToJson(r, base64);
}

function* allPieces(replies: Reply[], base64: boolean): Generator<string> {
  yield "[";
  for (let i = 0; i < replies.length; i++) {
    if (i > 0) yield ",";
    yield* entryPieces(replies[i]!, base64);
    replies[i] = null;
  }
  yield "]";
}

function* entryPieces(r: Reply, base64: boolean): Generator<string> {
  if (!isLarge(r)) {
    yield entryToJson(r, base64);
    return;
  }
  yield '{"result":';
  yield* valuePieces(r, base64);
  yield "}";
}

/** What replyToJson gives, in pieces. */
function* valuePieces(r: Reply, base64: boolean): Generator<string> {
  if (!isLarge(r)) {
    yield replyToJson(r, base64);
  } else if (Array.isArray(r)) {
    yield "[";
    for (let i = 0; i < r.length; i++) {
      if (i > 0) yield ",";
      yield* valuePieces(r[i]!, base64);
    }
    yield "]";
  } else if (typeof r === "string" && !base64) {
    // Escaped slices join into the escaped whole; a slice never ends between the halves of a surrogate pair.
    yield '"';
    for (let at = 0; at < r.length; ) {
      let end = Math.min(at + PIECE_BYTES, r.length);
      if (end < r.length && isHighSurrogate(r.charCodeAt(end - 1))) end++;
      yield escapeJson(r.slice(at, end));
      at = end;
    }
    yield '"';
  } else {
    const bytes = typeof r === "string" ? textBytes(r) : (r as Uint8Array);
    const text = new TextDecoder();
    yield '"';
    for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) {
      const piece = bytes.subarray(at, at + PIECE_BYTES);
      yield base64 ? toBase64(piece) : escapeJson(text.decode(piece, { stream: at + PIECE_BYTES < bytes.byteLength }));
    }
    yield '"';
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function escapeJson(s: string): string {
  const quoted = JSON.stringify(s);
  return quoted.slice(1, quoted.length - 1);
}

/** Pieces gathered into UTF-8 chunks of about `CHUNK_CHARS`, made only as the client reads. */
function stream(pieces: Generator<string>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        let chunk = "";
        while (chunk.length < CHUNK_CHARS) {
          const next = pieces.next();
          if (next.done) {
            if (chunk !== "") controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      },
    },
    { highWaterMark: 0 },
  );
}
