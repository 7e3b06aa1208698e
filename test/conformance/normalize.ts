/** Target-side normalization of replies to the suite's `Value`. */
import type { Reply } from "../../durable-objects/reply";
import type { BinaryValue, Value } from "./harness";

const decoder = new TextDecoder();

/** A shard's Reply (as returned by its RPC) → Value. */
export function fromReply(r: Reply): Value {
  if (r === null || typeof r === "string" || typeof r === "number") return r;
  if (typeof r === "bigint") return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
  if (r instanceof Uint8Array) return decoder.decode(r);
  if (Array.isArray(r)) return r.map(fromReply);
  if ("status" in r) return r.status;
  return { error: r.error };
}

const encoder = new TextEncoder();

/** A shard's Reply → BinaryValue: bulk strings as bytes, statuses as text. */
export function fromReplyBinary(r: Reply): BinaryValue {
  if (r === null || typeof r === "number") return r;
  if (typeof r === "string") return encoder.encode(r);
  if (typeof r === "bigint") return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
  if (r instanceof Uint8Array) return r;
  if (Array.isArray(r)) return r.map(fromReplyBinary);
  if ("status" in r) return r.status;
  return { error: r.error };
}

/** An Upstash REST entry answered with `Upstash-Encoding: base64` → BinaryValue (a whole `OK` stays text). */
export function fromEntryBase64(entry: unknown): BinaryValue {
  const e = entry as { result?: unknown; error?: string };
  if (typeof e.error === "string") return { error: e.error };
  if (e.result === "OK") return "OK";
  const decode = (v: unknown): BinaryValue => {
    if (typeof v === "string") return Uint8Array.from(atob(v), (c) => c.charCodeAt(0));
    if (Array.isArray(v)) return v.map(decode);
    return (v ?? null) as BinaryValue;
  };
  return decode(e.result);
}

/** JSON with integers beyond 2^53 kept exact (as bigint), using JSON.parse's source access. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source) {
      return BigInt(context.source);
    }
    return value;
  });
}

/** An Upstash REST entry (`{result}` or `{error}`) → Value. */
export function fromEntry(entry: unknown): Value {
  const e = entry as { result?: Value; error?: string };
  if (typeof e.error === "string") return { error: e.error };
  return e.result ?? null;
}
