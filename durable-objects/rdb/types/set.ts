/**
 * Sets, written as Redis 7.0 writes them: at most 512 members (set-max-intset-entries) that are
 * all canonical 64-bit integers, RDB_TYPE_SET_INTSET (11), an intset in an RDB string —
 * byte-identical; any other set, RDB_TYPE_SET (2), the count then the members. Redis writes
 * those in its hash table's order; here in member order (restorable, not identical).
 *
 * Read: those, and Redis 7.2's listpack sets (20).
 */
import { parseI64 } from "../../args";
import { KeyType } from "../../store/keyspace";
import { createSetOf, findSet } from "../../store/sets";
import { dumpCost, RdbError, RDB_VERSION, type RdbReader } from "../encoding";
import { readIntset, readListpack, writeIntset } from "../listpack";
import { RdbTypes, type RdbType } from "../registry";
import { byteKey, collectionLength, expireNew, nonEmpty, unique } from "./common";

const MAX_INTSET_ENTRIES = 512;
const PAGE = 512;

export const setType: RdbType<Uint8Array[]> = {
  name: "set",
  keyType: KeyType.Set,
  reads: [RdbTypes.SET, RdbTypes.SET_INTSET, RdbTypes.SET_LISTPACK],
  read(t) {
    const set = findSet(t.ks, t.row.key);
    if (!set) return null;
    const members: Uint8Array[] = [];
    let bytes = 0;
    for (let cursor = 0; ; ) {
      const page = set.scan(cursor, PAGE);
      for (const m of page.members) {
        members.push(m);
        bytes += dumpCost(m.length);
      }
      t.check(bytes);
      if (page.next === 0) break;
      cursor = page.next;
    }
    return members;
  },
  encode(members, w) {
    const ints = members.length <= MAX_INTSET_ENTRIES ? members.map((m) => parseI64(byteKey(m))) : [null];
    if (ints.every((v) => v !== null)) {
      w.byte(RdbTypes.SET_INTSET).string(writeIntset(ints as bigint[]));
    } else {
      w.byte(RdbTypes.SET).length(members.length);
      for (const m of [...members].sort(compare)) w.string(m);
    }
    return RDB_VERSION;
  },
  decode(code, r) {
    const members = nonEmpty(readMembers(code, r));
    unique(members);
    return members;
  },
  store(ks, key, members, expireAt) {
    // Distinct (decode checked), and the key absent (RESTORE deleted it): written in batches.
    createSetOf(ks, key, members);
    expireNew(ks, key, expireAt);
  },
};

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function readMembers(code: number, r: RdbReader): Uint8Array[] {
  if (code === RdbTypes.SET_INTSET) return readIntset(r.string(), r.entry);
  if (code === RdbTypes.SET_LISTPACK) return readListpack(r.string(), r.entry);
  const n = collectionLength(r);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.string());
  return out;
}
