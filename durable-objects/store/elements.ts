/**
 * Wires every type's element store into a shard's keyspace (collections' elements, large
 * strings' chunks), so deleting, copying or flushing a key of any type also handles its rows.
 */
import { KeyType, type Keyspace } from "./keyspace";
import { hashElements } from "./hashes";
import { listElements } from "./lists";
import { setElements } from "./sets";
import { streamElements } from "./streams";
import { stringChunks } from "./string-chunks";
import { zsetElements } from "./zsets";

export function registerElementStores(ks: Keyspace): void {
  ks.registerElementStore(KeyType.String, stringChunks(ks.sql));
  ks.registerElementStore(KeyType.Hash, hashElements(ks.sql));
  ks.registerElementStore(KeyType.List, listElements(ks.sql));
  ks.registerElementStore(KeyType.Set, setElements(ks.sql));
  ks.registerElementStore(KeyType.ZSet, zsetElements(ks.sql));
  ks.registerElementStore(KeyType.Stream, streamElements(ks.sql));
  // A large JSON document keeps its text in the same chunk rows as a large string.
  ks.registerElementStore(KeyType.Json, stringChunks(ks.sql));
}
