/**
 * Keyspace commands on keys of every type: TYPE, RENAME and COPY move or copy the elements and
 * the TTL, and DEL, expiry, overwrite and FLUSHALL leave no element behind (a key created again
 * under the same name starts empty).
 */
import { expect } from "vitest";
import { defineCases, sleep, type Call, type Value } from "../harness";

interface TypeOps {
  name: string;
  /** Creates `key` holding a few elements. */
  create(r: Call, key: string): Promise<void>;
  /** Creates `key` holding one other element. */
  createOther(r: Call, key: string): Promise<void>;
  /** The elements of `key`, in a canonical order. */
  read(r: Call, key: string): Promise<Value>;
  /** Adds one element to `key`. */
  add(r: Call, key: string): Promise<void>;
  /** Where the expectations come from, for a type the reference redis-server lacks (a module's). */
  fromDocs?: string;
}

const sortPairs = (v: Value) => {
  const flat = v as string[];
  const pairs: string[][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
};

const TYPES: TypeOps[] = [
  {
    name: "hash",
    create: async (r, k) => void (await r("HSET", k, "f1", "v1", "f2", "v2")),
    createOther: async (r, k) => void (await r("HSET", k, "x", "y")),
    read: async (r, k) => sortPairs(await r("HGETALL", k)),
    add: async (r, k) => void (await r("HSET", k, "f3", "v3")),
  },
  {
    name: "zset",
    create: async (r, k) => void (await r("ZADD", k, 1, "a", 2, "b")),
    createOther: async (r, k) => void (await r("ZADD", k, 5, "x")),
    read: (r, k) => r("ZRANGE", k, 0, -1, "WITHSCORES"),
    add: async (r, k) => void (await r("ZADD", k, 3, "c")),
  },
  {
    name: "list",
    create: async (r, k) => void (await r("RPUSH", k, "a", "b", "c")),
    createOther: async (r, k) => void (await r("RPUSH", k, "x")),
    read: (r, k) => r("LRANGE", k, 0, -1),
    add: async (r, k) => void (await r("LPUSH", k, "z")),
  },
  {
    name: "set",
    create: async (r, k) => void (await r("SADD", k, "a", "b", "c")),
    createOther: async (r, k) => void (await r("SADD", k, "x")),
    read: async (r, k) => [...((await r("SMEMBERS", k)) as string[])].sort(),
    add: async (r, k) => void (await r("SADD", k, "d")),
  },
  {
    name: "ReJSON-RL",
    create: async (r, k) => void (await r("JSON.SET", k, "$", '{"a":[1,2],"b":"x"}')),
    createOther: async (r, k) => void (await r("JSON.SET", k, "$", '{"x":true}')),
    read: (r, k) => r("JSON.GET", k),
    add: async (r, k) => void (await r("JSON.ARRAPPEND", k, "$.a", "3")),
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test.py (testCopyCommand, testRename); Redis 7.0 db.c (SCAN TYPE: the module type's name, case-insensitive)",
  },
];

function casesFor(t: TypeOps) {
  return [
    {
      name: `TYPE, RENAME and COPY of a ${t.name} keep its elements and TTL`,
      fromDocs: t.fromDocs,
      async run({ r, key }: { r: Call; key: (n?: string) => string }) {
        await t.create(r, key("a"));
        const elements = await t.read(r, key("a"));
        expect(await r("TYPE", key("a"))).toEqual(t.name);
        await r("EXPIRE", key("a"), 100);
        expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
        expect(await r("EXISTS", key("a"))).toEqual(0);
        expect(await t.read(r, key("b"))).toEqual(elements);
        expect([99, 100]).toContain(await r("TTL", key("b")));
        expect(await r("COPY", key("b"), key("c"))).toEqual(1);
        expect(await t.read(r, key("c"))).toEqual(elements);
        expect([99, 100]).toContain(await r("TTL", key("c")));
        await t.add(r, key("c"));
        expect(await t.read(r, key("b"))).toEqual(elements);
        expect(await t.read(r, key("c"))).not.toEqual(elements);
      },
    },
    {
      name: `a ${t.name} deleted, expired, overwritten or renamed over leaves no elements behind`,
      fromDocs: t.fromDocs,
      async run({ r, key }: { r: Call; key: (n?: string) => string }) {
        const fresh = async (k: string) => {
          await t.createOther(r, k);
          const other = await t.read(r, key("other"));
          expect(await t.read(r, k)).toEqual(other);
        };
        await t.createOther(r, key("other"));
        await t.create(r, key("del"));
        expect(await r("DEL", key("del"))).toEqual(1);
        await fresh(key("del"));
        await t.create(r, key("exp"));
        await r("PEXPIRE", key("exp"), 30);
        await sleep(80);
        expect(await r("EXISTS", key("exp"))).toEqual(0);
        await fresh(key("exp"));
        await t.create(r, key("set"));
        expect(await r("SET", key("set"), "s")).toEqual("OK");
        expect(await r("TYPE", key("set"))).toEqual("string");
        await r("DEL", key("set"));
        await fresh(key("set"));
        await t.create(r, key("dst"));
        await r("SET", key("src"), "s");
        expect(await r("RENAME", key("src"), key("dst"))).toEqual("OK");
        expect(await r("GET", key("dst"))).toEqual("s");
        await r("DEL", key("dst"));
        await fresh(key("dst"));
        await t.create(r, key("cp"));
        await r("SET", key("cpsrc"), "s");
        expect(await r("COPY", key("cpsrc"), key("cp"), "REPLACE")).toEqual(1);
        expect(await r("TYPE", key("cp"))).toEqual("string");
        await r("DEL", key("cp"));
        await fresh(key("cp"));
      },
    },
    {
      name: `SCAN TYPE ${t.name} and FLUSHALL of ${t.name} elements`,
      fromDocs: t.fromDocs,
      async run({ r, key }: { r: Call; key: (n?: string) => string }) {
        await r("FLUSHALL");
        await t.create(r, key("a"));
        await r("SET", key("s"), "v");
        let cursor = "0";
        const seen: string[] = [];
        do {
          const [next, keys] = (await r("SCAN", cursor, "TYPE", t.name)) as [string, string[]];
          seen.push(...keys);
          cursor = next;
        } while (cursor !== "0");
        expect(seen).toEqual([key("a")]);
        await r("FLUSHALL");
        await t.createOther(r, key("a"));
        await t.createOther(r, key("b"));
        expect(await t.read(r, key("a"))).toEqual(await t.read(r, key("b")));
      },
    },
  ];
}

export const keyspaceTypeCases = defineCases("keyspace-types", TYPES.flatMap(casesFor));
