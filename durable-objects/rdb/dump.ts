/**
 * DUMP's payload of one key and RESTORE's reading of one (Redis's createDumpPayload and
 * verifyDumpPayload + rdbLoadObject): the RDB object type byte, the object, the 2-byte RDB
 * version and the CRC-64 of all before it. The per-type work is in rdb/types/.
 *
 * Bounds: the value a payload written here holds is at most the value limit plus 1 MiB (what
 * one request may carry back), counted in its elements' bytes; a payload read here decodes to
 * at most as much, whatever its lengths claim, before anything is written.
 */
import { DumpErrors } from "../errors";
import { CommandError } from "../reply";
import type { KeyRow, Keyspace } from "../store/keyspace";
import { RdbError, RdbReader, RdbWriter, RDB_VERSION_HASH_TTL, verifyPayload } from "./encoding";
import { rdbTypeForCode, rdbTypeForKey, type RdbType } from "./registry";
import "./types/index";

/** What a payload may take beyond the value limit (as a request may: worker/env.ts). */
const PAYLOAD_OVERHEAD_BYTES = 1024 * 1024;

/** The most bytes a DUMP here holds, and a RESTORE may decode. */
function payloadLimit(ks: Keyspace): number {
  return ks.maxValueBytes + PAYLOAD_OVERHEAD_BYTES;
}

/** The DUMP payload of a live key, or null when it holds nothing after all. */
export function dumpKey(ks: Keyspace, row: KeyRow): Uint8Array | null {
  const type = rdbTypeForKey(row.type);
  if (!type) throw new CommandError(DumpErrors.badData);
  const limit = payloadLimit(ks);
  const tooLarge = (bytes: number) => {
    if (bytes > limit) throw new CommandError(DumpErrors.tooLarge(limit));
  };
  const value = type.read({ ks, row, check: tooLarge });
  if (value === null) return null;
  const payload = encodePayload(type, value);
  tooLarge(payload.length);
  return payload;
}

/** A value of `type` framed as a DUMP payload. */
export function encodePayload<V>(type: RdbType<V>, value: V): Uint8Array {
  const w = new RdbWriter();
  return w.payload(type.encode(value, w));
}

/** A decoded payload: the module of its type and its value. */
export interface Decoded {
  type: RdbType<unknown>;
  value: unknown;
}

/**
 * Decodes a payload (footer checked first); RdbError for a body that does not decode, null for
 * a bad footer. `maxString` bounds one string, `maxDecoded` all of them together.
 */
export function decodePayload(payload: Uint8Array, maxString: number, maxDecoded: number): Decoded | null {
  if (verifyPayload(payload, RDB_VERSION_HASH_TTL) === null) return null;
  const r = new RdbReader(payload, payload.length - 10, maxString, maxDecoded);
  const code = r.byte();
  const type = rdbTypeForCode(code);
  if (!type) throw new RdbError(`unknown RDB object type ${code}`);
  return { type, value: type.decode(code, r) };
}

/**
 * RESTORE's reading of a payload: the decoded value (at most the value limit per string, the
 * value limit plus 1 MiB in all); CommandError with Redis's texts for a bad
 * footer or a body that does not decode.
 */
export function readPayload(ks: Keyspace, payload: Uint8Array): Decoded {
  let decoded: Decoded | null;
  try {
    decoded = decodePayload(payload, ks.maxValueBytes, payloadLimit(ks));
  } catch (e) {
    if (e instanceof RdbError) throw new CommandError(DumpErrors.badData);
    throw e;
  }
  if (!decoded) throw new CommandError(DumpErrors.badPayload);
  return decoded;
}
