/**
 * Typed storage of JSON documents (RedisJSON's `ReJSON-RL` type): a document is one value, its
 * compact JSON text (as JSON.GET prints it), kept like a string: in the key's row up to
 * MAX_STRING_BYTES, above that in the chunk rows of string-chunks.ts (`size` is its length),
 * up to MAX_DOCUMENT_BYTES (or the keyspace's `maxValueBytes`, if lower).
 *
 * A document holds at most MAX_DOCUMENT_VALUES values (value.ts: what bounds its memory once
 * parsed), checked whenever one is written, so reading a stored document never fails.
 *
 * A command reads the document once (one parse) and, if it changed it, writes it once: an
 * update of one path costs one rewrite of the document, never more. A document nests at most
 * MAX_DOCUMENT_DEPTH containers (a value given to a command: value.ts's MAX_VALUE_DEPTH),
 * so every walk over it recurses a bounded depth. Nothing here knows argv.
 */
import { CommandError } from "../reply";
import { JsonErrors } from "../errors";
import { KeyType, type KeyRow, type Keyspace } from "./keyspace";
import { MAX_STRING_BYTES } from "./strings";
import { readChunks, writeChunks } from "./string-chunks";
import { JsonTextTooLongError, JsonTooManyValuesError, MAX_DOCUMENT_VALUES, countValues, parseJson, serialize, type JValue } from "../json/value";

/** The deepest a whole document may nest (containers), across values set at deep paths. */
export const MAX_DOCUMENT_DEPTH = 512;

/**
 * The longest a document's text may be (or the keyspace's value limit, if lower): a command
 * holds the text, the parsed document and the new text at once, about five times this.
 */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export function maxDocumentBytes(ks: Keyspace): number {
  return Math.min(ks.maxValueBytes, MAX_DOCUMENT_BYTES);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A document read for a command: its key row and its parsed value. */
export interface JsonDoc {
  row: KeyRow;
  root: JValue;
}

/** The document at `key`, or null; RedisJSON's wrong-type error for a key of another type. */
export function readJson(ks: Keyspace, key: string): JsonDoc | null {
  const row = findJsonRow(ks, key);
  return row ? loadJson(ks, row) : null;
}

/** The stored text of a document's row (compact JSON, UTF-8). */
export function jsonText(ks: Keyspace, row: KeyRow): Uint8Array {
  return row.size == null ? new Uint8Array(row.value!) : readChunks(ks.sql, row.id, 0, row.size);
}

/** The document of a row already found (findJsonRow). */
export function loadJson(ks: Keyspace, row: KeyRow): JsonDoc {
  return { row, root: parseJson(decoder.decode(jsonText(ks, row)), MAX_DOCUMENT_DEPTH) };
}

/**
 * The key's row, null if absent; a key of another type answers RedisJSON's own text ("Existing
 * key has wrong Redis type", not Redis's WRONGTYPE), before anything is parsed.
 */
export function findJsonRow(ks: Keyspace, key: string): KeyRow | null {
  const row = ks.find(key);
  if (row && row.type !== KeyType.Json) throw new CommandError(JsonErrors.wrongRedisType);
  return row;
}

/** The bytes a document takes stored; refuses one larger than the keyspace's value limit. */
export function encodeJson(ks: Keyspace, root: JValue): Uint8Array {
  if (countValues(root) > MAX_DOCUMENT_VALUES) throw new CommandError(new JsonTooManyValuesError().message);
  const max = maxDocumentBytes(ks);
  let text: string;
  try {
    text = serialize(root, undefined, max);
  } catch (e) {
    if (e instanceof JsonTextTooLongError) throw new CommandError(JsonErrors.tooLarge(max));
    throw e;
  }
  const bytes = encoder.encode(text);
  if (bytes.length > max) throw new CommandError(JsonErrors.tooLarge(max));
  return bytes;
}

/**
 * Writes `root` as the document of `key`: a new key (no expiry) when `row` is null, else in
 * place (its expiry kept, as RedisJSON's updates keep it).
 */
export function writeJson(ks: Keyspace, key: string, row: KeyRow | null, root: JValue): void {
  const bytes = encodeJson(ks, root);
  const big = bytes.length > MAX_STRING_BYTES;
  if (!row) {
    const id = ks.insert(key, KeyType.Json, big ? null : bytes, null, big ? bytes.length : null);
    if (big) writeChunks(ks.sql, id, 0, bytes);
    return;
  }
  if (row.size != null) ks.sql.exec("DELETE FROM string_chunks WHERE key_id = ?", row.id);
  if (big) {
    ks.writeRowValue(row, null, bytes.length);
    writeChunks(ks.sql, row.id, 0, bytes);
  } else {
    ks.writeRowValue(row, bytes);
  }
}

/** Deletes a document's key (JSON.DEL / JSON.FORGET of the root). */
export function deleteJson(ks: Keyspace, row: KeyRow): void {
  ks.deleteRow(row);
}
