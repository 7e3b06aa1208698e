/**
 * The serializers of DUMP and RESTORE, one module per data type (rdb/types/*.ts), registered
 * here by rdb/types/index.ts. A module says which key type it dumps and which RDB object types
 * (the first byte of a payload, Redis's `RDB_TYPE_*`) it reads; adding a type to DUMP/RESTORE is
 * one more module and one more `registerRdbType` call, nothing else.
 *
 * Dumping reads the key's rows into the type's value in memory, then encodes it; RESTORE decodes
 * a body into a value (bounded by the reader's limits) and stores it only once everything it
 * must check has been checked. Encoding and decoding never touch storage, so they are tested
 * against redis-server's bytes directly.
 */
import type { KeyRow, KeyType, Keyspace } from "../store/keyspace";
import type { RdbReader, RdbWriter } from "./encoding";

/** What a type's read of a key may use: the key's row, and a check of the payload's size. */
export interface DumpTarget {
  readonly ks: Keyspace;
  readonly row: KeyRow;
  /** Throws when `bytes` (what the value read so far will take) is past the payload limit. */
  check(bytes: number): void;
}

/**
 * One type's serializer. `V` is the type's value in memory (a string's bytes, a hash's fields
 * with their expiry, …): read from a key, encoded to a payload; decoded from one, stored.
 */
export interface RdbType<V = unknown> {
  /** For messages and tests: "string", "hash", … */
  readonly name: string;
  /** The key type whose keys this module dumps. */
  readonly keyType: KeyType;
  /** The RDB object types this module reads. */
  readonly reads: readonly number[];
  /**
   * The value of a live key, read in pages (calling `t.check` as it grows); null when it turns
   * out to hold nothing (a hash whose last fields expired on the way).
   */
  read(t: DumpTarget): V | null;
  /** Writes the object type byte and the body; answers the RDB version the payload must carry. */
  encode(v: V, w: RdbWriter): number;
  /** Decodes a body of object type `rdbType`; throws RdbError on anything malformed. */
  decode(rdbType: number, r: RdbReader): V;
  /** Writes `v` under `key`, which does not exist, with this expiry (ms, or null). */
  store(ks: Keyspace, key: string, v: V, expireAt: number | null): void;
}

/** Some RdbType<V>: the registry holds modules of every value type. */
type AnyRdbType = RdbType<any>;
const byKeyType = new Map<KeyType, AnyRdbType>();
const byRdbType = new Map<number, AnyRdbType>();

export function registerRdbType<V>(t: RdbType<V>): void {
  byKeyType.set(t.keyType, t);
  for (const code of t.reads) byRdbType.set(code, t);
}

/** The module that dumps keys of this type, if any. */
export function rdbTypeForKey(type: KeyType): AnyRdbType | undefined {
  return byKeyType.get(type);
}

/** The module that reads this RDB object type, if any. */
export function rdbTypeForCode(code: number): AnyRdbType | undefined {
  return byRdbType.get(code);
}

/** Redis's RDB object type numbers (src/rdb.h) that the modules here write or read. */
export const RdbTypes = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;
