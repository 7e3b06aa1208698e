/**
 * Lists, written as Redis 7.0 writes every list: RDB_TYPE_LIST_QUICKLIST_2 (18), the number of
 * nodes, then per node its container (2: a listpack) and the listpack as an RDB string. Nodes
 * are filled from the head as RPUSH fills them under list-max-listpack-size -2: an element
 * joins the last node while the node's listpack bytes + the element's length + 8 stay within
 * 8 KiB (quicklist.c _quicklistNodeAllowInsert). A list built by RPUSH, or one that fits one
 * node, gives redis-server's bytes; Redis's nodes of a list built otherwise (LPUSH, LINSERT,
 * deletions) can split elsewhere, a difference in layout only.
 *
 * Read: quicklist 2 (plain or packed nodes), quicklist of ziplists (14), one ziplist (10) and
 * the plain list of strings (1).
 */
import { KeyType } from "../../store/keyspace";
import { findList, listPush } from "../../store/lists";
import { dumpCost, RdbError, RDB_VERSION, type RdbReader } from "../encoding";
import { ListpackWriter, readListpack, readZiplist } from "../listpack";
import { RdbTypes, type RdbType } from "../registry";
import { collectionLength, expireNew, nonEmpty } from "./common";

const NODE_BYTES = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;
const PAGE = 512;

export const listType: RdbType<Uint8Array[]> = {
  name: "list",
  keyType: KeyType.List,
  reads: [RdbTypes.LIST, RdbTypes.LIST_ZIPLIST, RdbTypes.LIST_QUICKLIST, RdbTypes.LIST_QUICKLIST_2],
  read(t) {
    const list = findList(t.ks, t.row.key);
    if (!list) return null;
    const values: Uint8Array[] = [];
    let bytes = 0;
    for (let i = 0; i < list.len; i += PAGE) {
      for (const v of list.slice(i, Math.min(i + PAGE, list.len) - 1)) {
        values.push(v);
        bytes += dumpCost(v.length);
      }
      t.check(bytes);
    }
    return values;
  },
  encode(values, w) {
    const nodes: Uint8Array[] = [];
    let node: ListpackWriter | null = null;
    for (const v of values) {
      if (node && node.bytesLength + v.length + SIZE_ESTIMATE_OVERHEAD > NODE_BYTES) {
        nodes.push(node.bytes());
        node = null;
      }
      (node ??= new ListpackWriter()).add(v);
    }
    if (node) nodes.push(node.bytes());
    w.byte(RdbTypes.LIST_QUICKLIST_2).length(nodes.length);
    for (const lp of nodes) w.length(CONTAINER_PACKED).string(lp);
    return RDB_VERSION;
  },
  decode(code, r) {
    return nonEmpty(readElements(code, r));
  },
  store(ks, key, values, expireAt) {
    listPush(ks, key, "right", values);
    expireNew(ks, key, expireAt);
  },
};

function readElements(code: number, r: RdbReader): Uint8Array[] {
  if (code === RdbTypes.LIST_ZIPLIST) return readZiplist(r.string(), r.entry);
  const n = collectionLength(r);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (code === RdbTypes.LIST) {
      out.push(r.string());
    } else if (code === RdbTypes.LIST_QUICKLIST) {
      for (const v of readZiplist(r.string(), r.entry)) out.push(v);
    } else {
      const container = r.length();
      if (container === CONTAINER_PLAIN) out.push(r.string());
      else if (container === CONTAINER_PACKED) for (const v of readListpack(r.string(), r.entry)) out.push(v);
      else throw new RdbError("unknown quicklist node container");
    }
  }
  return out;
}
