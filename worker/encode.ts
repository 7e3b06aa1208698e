/**
 * Replies → the Upstash REST JSON. Integers are JSON numbers (a bigint keeps all its digits),
 * bulk and status strings are JSON strings, nil is null, arrays nest. With base64 encoding
 * every string anywhere in the result is the base64 of its bytes; numbers and null stay; as
 * Upstash does, a whole result that is the status `OK` stays plain (the official client reads
 * both; inside an array it would not, so there it is encoded). Error replies nested in an
 * array (rare: a script's table) become their message text. An entry's `error` is never encoded.
 */
import { isError, isStatus, type Reply } from "../durable-objects/reply";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function replyToJson(r: Reply, base64: boolean): string {
  if (r === null) return "null";
  if (typeof r === "number") return Number.isFinite(r) ? String(r) : JSON.stringify(String(r));
  if (typeof r === "bigint") return r.toString();
  if (typeof r === "string") return JSON.stringify(base64 ? toBase64(encoder.encode(r)) : r);
  if (r instanceof Uint8Array) return JSON.stringify(base64 ? toBase64(r) : decoder.decode(r));
  if (Array.isArray(r)) return "[" + r.map((x) => replyToJson(x, base64)).join(",") + "]";
  if (isStatus(r)) return replyToJson(r.status, base64);
  if (isError(r)) return replyToJson(r.error, base64);
  return "null";
}

/** `{"result":…}` or `{"error":"…"}`: one pipeline entry, or the body of a single command. */
export function entryToJson(r: Reply, base64: boolean): string {
  if (isError(r)) return `{"error":${JSON.stringify(r.error)}}`;
  if (base64 && isStatus(r) && r.status === "OK") return `{"result":"OK"}`;
  return `{"result":${replyToJson(r, base64)}}`;
}

export function toBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}
