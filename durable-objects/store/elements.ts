/**
 * Wires every collection type's element store into a shard's keyspace, so deleting, copying
 * or flushing a key of any type also handles its element rows.
 */
import { KeyType, type Keyspace } from "./keyspace";
import { hashElements } from "./hashes";
import { listElements } from "./lists";
import { setElements } from "./sets";
import { zsetElements } from "./zsets";

export function registerElementStores(ks: Keyspace): void {
  ks.registerElementStore(KeyType.Hash, hashElements(ks.sql));
  ks.registerElementStore(KeyType.List, listElements(ks.sql));
  ks.registerElementStore(KeyType.Set, setElements(ks.sql));
  ks.registerElementStore(KeyType.ZSet, zsetElements(ks.sql));
}
