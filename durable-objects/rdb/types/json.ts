/**
 * JSON documents (RedisJSON's `ReJSON-RL` module type), written as Redis with RedisJSON 2.x
 * writes them, so a payload moves between the two both ways:
 *
 * - RDB_TYPE_MODULE_2 (7), then the module type id as an RDB length (Redis's rdbSaveObject):
 *   the 9-character type name, each character as its 6-bit index in Redis's module type name
 *   character set (`A–Z a–z 0–9 - _`), first character highest, shifted left 10 bits and OR'd
 *   with the module's 10-bit encoding version (moduleTypeEncodeId); 64 bits, so the length is
 *   0x81 and 8 bytes big-endian;
 * - the module's values, each an opcode (a length) then the value: RedisJSON 2.x's rdb_save at
 *   encoding version 3 saves one string, the document's compact JSON text
 *   (RDB_MODULE_OPCODE_STRING 5, then an RDB string: integer, LZF or verbatim as any string);
 * - RDB_MODULE_OPCODE_EOF (0).
 *
 * Read: the encoding versions of RedisJSON 2.x's rdb_load whose payload is the JSON text:
 * 3, and 2 (the text, an unsigned count, and when it is not 0 two more strings, which are read
 * and dropped). Refused as `ERR Bad data format`, as Redis refuses a module value it cannot
 * load: another module type, version 0 (RedisJSON 1.x's tree of typed nodes) and 1 (which
 * RedisJSON 2.x refuses too), version 4 and later (RedisJSON 8's binary encoding), a missing
 * opcode or EOF, text that is not UTF-8 or not JSON. The text is then a document as JSON.SET
 * takes one: at most the document size limit (checked before it is parsed), the value count
 * and nesting limits of a stored document (store/json.ts), each with JSON.SET's error.
 */
import { CommandError } from "../../reply";
import { JsonErrors } from "../../errors";
import { JsonSyntaxError, JsonTooManyValuesError, parseJson, type JValue } from "../../json/value";
import { KeyType } from "../../store/keyspace";
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, jsonText, writeJson } from "../../store/json";
import { RdbError, RDB_VERSION, type RdbReader } from "../encoding";
import { RdbTypes, type RdbType } from "../registry";
import { expireNew } from "./common";

/** Redis's ModuleTypeNameCharSet: a type name's characters, 6 bits each. */
const MODULE_TYPE_NAME_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** moduleTypeEncodeId: a 9-character type name and a 10-bit encoding version as one 64-bit id. */
export function moduleTypeId(name: string, encodingVersion: number): bigint {
  if (name.length !== 9 || encodingVersion < 0 || encodingVersion > 1023) throw new RangeError("not a module type name or version");
  let id = 0n;
  for (const ch of name) {
    const at = MODULE_TYPE_NAME_CHARSET.indexOf(ch);
    if (at < 0) throw new RangeError(`'${ch}' is not in a module type name's character set`);
    id = (id << 6n) | BigInt(at);
  }
  return (id << 10n) | BigInt(encodingVersion);
}

/** RedisJSON's module type name. */
export const JSON_MODULE_TYPE = "ReJSON-RL";
/** The encoding version RedisJSON 2.x writes (REDIS_JSON_TYPE_VERSION). */
export const JSON_ENCODING_VERSION = 3;

/** The RDB_MODULE_OPCODE_* that a module value here is made of (src/rdb.h). */
const ModuleOpcode = { EOF: 0, UINT: 2, STRING: 5 } as const;

/** The id's name part (Redis matches a module type on the id without its 10 version bits). */
const JSON_TYPE_NAME_ID = moduleTypeId(JSON_MODULE_TYPE, 0) >> 10n;

/** A document as DUMP reads it (its stored text) or RESTORE decodes it (the text, parsed). */
export interface JsonValue {
  text: Uint8Array;
  root?: JValue;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function moduleString(r: RdbReader): Uint8Array {
  if (r.length() !== ModuleOpcode.STRING) throw new RdbError("module value: a string expected");
  return r.string();
}

/** The document of a payload's text, parsed as a stored document is; throws what JSON.SET would. */
function parseText(text: Uint8Array, maxBytes: number): JValue {
  if (text.length > maxBytes) throw new CommandError(JsonErrors.tooLarge(maxBytes));
  let s: string;
  try {
    s = utf8.decode(text);
  } catch {
    throw new RdbError("module value: the JSON text is not UTF-8");
  }
  try {
    return parseJson(s, MAX_DOCUMENT_DEPTH);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new RdbError(`module value: ${e.message}`);
    if (e instanceof JsonTooManyValuesError) throw new CommandError(e.message);
    throw e;
  }
}

export const jsonType: RdbType<JsonValue> = {
  name: "json",
  keyType: KeyType.Json,
  reads: [RdbTypes.MODULE_2],
  read({ ks, row, check }) {
    const text = jsonText(ks, row);
    check(text.length);
    return { text };
  },
  encode({ text }, w) {
    w.byte(RdbTypes.MODULE_2).bigLength(moduleTypeId(JSON_MODULE_TYPE, JSON_ENCODING_VERSION));
    w.length(ModuleOpcode.STRING).string(text);
    w.length(ModuleOpcode.EOF);
    return RDB_VERSION;
  },
  decode(_code, r) {
    const id = r.bigLength();
    if (id >> 10n !== JSON_TYPE_NAME_ID) throw new RdbError("module value of a type not loaded here");
    const version = Number(id & 1023n);
    if (version !== 2 && version !== 3) throw new RdbError(`RedisJSON encoding version ${version} is not read here`);
    const text = moduleString(r);
    if (version === 2) {
      if (r.length() !== ModuleOpcode.UINT) throw new RdbError("module value: an unsigned expected");
      if (r.bigLength() > 0n) {
        moduleString(r);
        moduleString(r);
      }
    }
    if (r.length() !== ModuleOpcode.EOF) throw new RdbError("module value not terminated by EOF");
    return { text, root: parseText(text, Math.min(r.maxString, MAX_DOCUMENT_BYTES)) };
  },
  store(ks, key, { text, root }, expireAt) {
    writeJson(ks, key, null, root ?? parseText(text, Math.min(ks.maxValueBytes, MAX_DOCUMENT_BYTES)));
    expireNew(ks, key, expireAt);
  },
};
