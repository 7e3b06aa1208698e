/**
 * Hashes, written as redis-server writes them:
 *
 * - no field with a TTL, at most 512 fields (hash-max-listpack-entries) each field and value at
 *   most 64 bytes (hash-max-listpack-value): RDB_TYPE_HASH_LISTPACK (16), one listpack of
 *   field, value, … in insertion order, as Redis 7.0 keeps a small hash: byte-identical;
 * - no field with a TTL, larger: RDB_TYPE_HASH (4), the count then field, value strings. Redis
 *   writes these in its hash table's order; here insertion order (restorable, not identical);
 * - a field with its own TTL (HEXPIRE …): Redis 7.4's forms, so RDB version 12 in the footer
 *   (redis-server 7.0 refuses such a payload, as it refuses Redis 7.4's):
 *   small as above, RDB_TYPE_HASH_LISTPACK_EX (25): the smallest field expiry (8 bytes, ms),
 *   then a listpack of field, value, expiry-ms-or-0 triplets ordered by expiry, fields without
 *   one last; larger, RDB_TYPE_HASH_METADATA (24): the smallest expiry, the count, then per field
 *   its expiry as a length (0: none, else expiry - smallest + 1), field, value.
 *
 * Read: all of those, the 7.4 release candidates' forms (22, 23: absolute expiries), and the
 * older ziplist (13) and zipmap (9) hashes that Redis 7.0 still reads.
 */
import { KeyType } from "../../store/keyspace";
import { openHash, openHashForWrite } from "../../store/hashes";
import { dumpCost, RdbError, RDB_VERSION, RDB_VERSION_HASH_TTL, type RdbReader } from "../encoding";
import { ListpackWriter, readListpack, readZiplist, readZipmap } from "../listpack";
import { RdbTypes, type DumpTarget, type RdbType } from "../registry";
import { collectionLength, expireNew, nonEmpty, unique } from "./common";

const MAX_LISTPACK_ENTRIES = 512;
const MAX_LISTPACK_VALUE = 64;
/** EB_EXPIRE_TIME_MAX: the largest field expiry Redis accepts (2^48 - 1 ms). */
const MAX_FIELD_EXPIRE = 2 ** 48 - 1;

/** A hash's value: its fields in insertion order, each with its expiry (ms) or null. */
export interface HashField {
  field: Uint8Array;
  value: Uint8Array;
  expireAt: number | null;
}

function allRows(t: DumpTarget): HashField[] | null {
  const h = openHash(t.ks, t.row.key);
  if (!h) return null;
  const rows: HashField[] = [];
  let bytes = 0;
  for (let from = 0; ; ) {
    const page = h.page(from, 512);
    for (const r of page.rows) {
      rows.push({ field: r.field, value: r.value, expireAt: r.expireAt });
      bytes += dumpCost(r.field.length) + dumpCost(r.value.length);
    }
    t.check(bytes);
    if (!page.more || page.rows.length === 0) break;
    from = page.rows[page.rows.length - 1]!.id + 1;
  }
  return rows;
}

export const hashType: RdbType<HashField[]> = {
  name: "hash",
  keyType: KeyType.Hash,
  reads: [
    RdbTypes.HASH,
    RdbTypes.HASH_ZIPMAP,
    RdbTypes.HASH_ZIPLIST,
    RdbTypes.HASH_LISTPACK,
    RdbTypes.HASH_METADATA_PRE_GA,
    RdbTypes.HASH_LISTPACK_EX_PRE_GA,
    RdbTypes.HASH_METADATA,
    RdbTypes.HASH_LISTPACK_EX,
  ],
  read: allRows,
  encode(rows, w) {
    const small = rows.length <= MAX_LISTPACK_ENTRIES && rows.every((r) => r.field.length <= MAX_LISTPACK_VALUE && r.value.length <= MAX_LISTPACK_VALUE);
    let minExpire: number | null = null;
    for (const r of rows) if (r.expireAt !== null && (minExpire === null || r.expireAt < minExpire)) minExpire = r.expireAt;
    if (minExpire === null) {
      if (small) {
        const lp = new ListpackWriter();
        for (const r of rows) lp.add(r.field).add(r.value);
        w.byte(RdbTypes.HASH_LISTPACK).string(lp.bytes());
      } else {
        w.byte(RdbTypes.HASH).length(rows.length);
        for (const r of rows) w.string(r.field).string(r.value);
      }
      return RDB_VERSION;
    }
    if (small) {
      const timed = rows.filter((r) => r.expireAt !== null).sort((a, b) => a.expireAt! - b.expireAt!);
      const lp = new ListpackWriter();
      for (const r of [...timed, ...rows.filter((r) => r.expireAt === null)]) lp.add(r.field).add(r.value).addInt(BigInt(r.expireAt ?? 0));
      w.byte(RdbTypes.HASH_LISTPACK_EX).millis(minExpire).string(lp.bytes());
    } else {
      w.byte(RdbTypes.HASH_METADATA).millis(minExpire).length(rows.length);
      for (const r of rows) w.length(r.expireAt === null ? 0 : r.expireAt - minExpire + 1).string(r.field).string(r.value);
    }
    return RDB_VERSION_HASH_TTL;
  },
  decode(code, r) {
    const fields = readFields(code, r);
    unique(fields.map((f) => f.field));
    return fields;
  },
  store(ks, key, fields, expireAt) {
    // Distinct (decode checked), and the key absent (RESTORE deleted it): written in batches.
    const h = openHashForWrite(ks, key);
    h.addAllNew(fields);
    h.save();
    expireNew(ks, key, expireAt);
  },
};

function readFields(code: number, r: RdbReader): HashField[] {
  switch (code) {
    case RdbTypes.HASH: {
      const n = collectionLength(r, 2);
      const out: HashField[] = [];
      for (let i = 0; i < n; i++) out.push({ field: r.string(), value: r.string(), expireAt: null });
      return out;
    }
    case RdbTypes.HASH_METADATA:
    case RdbTypes.HASH_METADATA_PRE_GA: {
      const min = code === RdbTypes.HASH_METADATA ? expiry(r.millis()) : 0;
      const n = collectionLength(r, 3);
      const out: HashField[] = [];
      for (let i = 0; i < n; i++) {
        const ttl = r.length();
        const at = ttl === 0 ? null : code === RdbTypes.HASH_METADATA ? ttl + min - 1 : ttl;
        if (at !== null && at > MAX_FIELD_EXPIRE) throw new RdbError("invalid field expiry");
        out.push({ field: r.string(), value: r.string(), expireAt: at });
      }
      return out;
    }
    case RdbTypes.HASH_LISTPACK_EX:
    case RdbTypes.HASH_LISTPACK_EX_PRE_GA: {
      if (code === RdbTypes.HASH_LISTPACK_EX) expiry(r.millis());
      const items = nonEmpty(readListpack(r.string(), r.entry));
      if (items.length % 3 !== 0) throw new RdbError("listpack hash with a missing value or expiry");
      const out: HashField[] = [];
      for (let i = 0; i < items.length; i += 3) {
        const at = expiry(decimalOf(items[i + 2]!));
        out.push({ field: items[i]!, value: items[i + 1]!, expireAt: at === 0 ? null : at });
      }
      return out;
    }
    default: {
      const blob = r.string();
      const items = nonEmpty(code === RdbTypes.HASH_ZIPMAP ? readZipmap(blob, r.entry) : code === RdbTypes.HASH_ZIPLIST ? readZiplist(blob, r.entry) : readListpack(blob, r.entry));
      if (items.length % 2 !== 0) throw new RdbError("hash with a field and no value");
      const out: HashField[] = [];
      for (let i = 0; i < items.length; i += 2) out.push({ field: items[i]!, value: items[i + 1]!, expireAt: null });
      return out;
    }
  }
}

function expiry(v: bigint): number {
  if (v < 0n || v > BigInt(MAX_FIELD_EXPIRE)) throw new RdbError("invalid field expiry");
  return Number(v);
}

function decimalOf(b: Uint8Array): bigint {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  if (!/^-?\d{1,20}$/.test(s)) throw new RdbError("field expiry is not an integer");
  return BigInt(s);
}
