/**
 * The Durable Object SQL types that durable-objects/store/ names, for the node tests that import
 * modules beside the store (the RDB codecs of test/node/rdb-types.redis.test.ts): the node
 * project has no workerd globals. Shapes as @cloudflare/workers-types declares them; nothing
 * here runs.
 */
type SqlStorageValue = ArrayBuffer | string | number | null;
interface SqlStorageCursor<T extends Record<string, SqlStorageValue>> {
  next(): IteratorResult<T, undefined>;
  toArray(): T[];
  one(): T;
  [Symbol.iterator](): IterableIterator<T>;
}
interface SqlStorage {
  exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T>;
}
