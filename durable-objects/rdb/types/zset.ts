/**
 * Sorted sets (geo sets are sorted sets), written as Redis 7.0 writes them, byte-identical:
 * at most 128 members (zset-max-listpack-entries) each at most 64 bytes
 * (zset-max-listpack-value), RDB_TYPE_ZSET_LISTPACK (17), a listpack of member, score pairs in
 * (score, member) order, a score as an integer when it is one within ±2^62 (double2ll), else
 * as its `%.17g` text (d2string); larger, RDB_TYPE_ZSET_2 (5), the count, then from the
 * highest element to the lowest (Redis walks its skiplist backwards, so that loading appends)
 * each member and its score as a binary double.
 *
 * Read: those, the ziplist form (12) and the old RDB_TYPE_ZSET (3) with scores as text. A NaN
 * score is corrupt, as in Redis. A restored set is written whole (storeZset: its rows in
 * batches, then its tree built once), lowest score first (the SQL indexes take ascending
 * inserts best), not member by member.
 */
import { formatDouble } from "../../format";
import { KeyType } from "../../store/keyspace";
import { checkSize } from "../../store/strings";
import { storeZset } from "../../store/zset-bulk";
import { findZset, type Entry } from "../../store/zsets";
import { dumpCost, RdbError, RDB_VERSION, strtod, type RdbReader } from "../encoding";
import { ListpackWriter, readListpack, readZiplist } from "../listpack";
import { RdbTypes, type RdbType } from "../registry";
import { byteKey, collectionLength, expireNew, nonEmpty, unique } from "./common";

const MAX_LISTPACK_ENTRIES = 128;
const MAX_LISTPACK_VALUE = 64;
const HALF_LLONG = 2 ** 62;
const encoder = new TextEncoder();

export const zsetType: RdbType<Entry[]> = {
  name: "zset",
  keyType: KeyType.ZSet,
  reads: [RdbTypes.ZSET, RdbTypes.ZSET_2, RdbTypes.ZSET_ZIPLIST, RdbTypes.ZSET_LISTPACK],
  read(t) {
    const set = findZset(t.ks, t.row.key);
    if (!set) return null;
    const entries: Entry[] = [];
    let bytes = 0;
    for (const e of set.scan()) {
      entries.push(e);
      bytes += dumpCost(e.member.length) + 8;
      if (entries.length % 512 === 0) t.check(bytes);
    }
    t.check(bytes);
    return entries;
  },
  encode(entries, w) {
    if (entries.length <= MAX_LISTPACK_ENTRIES && entries.every((e) => e.member.length <= MAX_LISTPACK_VALUE)) {
      const lp = new ListpackWriter();
      for (const e of entries) {
        lp.add(e.member);
        if (Number.isInteger(e.score) && Math.abs(e.score) <= HALF_LLONG) lp.addInt(BigInt(e.score));
        else lp.add(encoder.encode(formatDouble(e.score)));
      }
      w.byte(RdbTypes.ZSET_LISTPACK).string(lp.bytes());
    } else {
      w.byte(RdbTypes.ZSET_2).length(entries.length);
      for (let i = entries.length - 1; i >= 0; i--) w.string(entries[i]!.member).binaryDouble(entries[i]!.score);
    }
    return RDB_VERSION;
  },
  decode(code, r) {
    const entries = nonEmpty(readEntries(code, r));
    unique(entries.map((e) => e.member));
    for (const e of entries) if (Number.isNaN(e.score)) throw new RdbError("sorted set with a NaN score");
    return entries;
  },
  store(ks, key, entries, expireAt) {
    for (const e of entries) checkSize(e.member.length);
    // Redis writes a large set from its highest element down: written lowest first again. The
    // key is absent (RESTORE deleted it); the event is RESTORE's own (it runs this quietly).
    const descending = entries.length > 1 && entries[0]!.score > entries.at(-1)!.score;
    storeZset(ks, key, descending ? [...entries].reverse() : entries, "restore");
    expireNew(ks, key, expireAt);
  },
};

function readEntries(code: number, r: RdbReader): Entry[] {
  if (code === RdbTypes.ZSET_ZIPLIST || code === RdbTypes.ZSET_LISTPACK) {
    const items = code === RdbTypes.ZSET_LISTPACK ? readListpack(r.string(), r.entry) : readZiplist(r.string(), r.entry);
    if (items.length % 2 !== 0) throw new RdbError("sorted set with a member and no score");
    const out: Entry[] = [];
    for (let i = 0; i < items.length; i += 2) out.push({ member: items[i]!, score: strtod(byteKey(items[i + 1]!)) });
    return out;
  }
  const n = collectionLength(r, 2);
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const member = r.string();
    out.push({ member, score: code === RdbTypes.ZSET_2 ? r.binaryDouble() : r.textDouble() });
  }
  return out;
}
