/**
 * JSON documents as keys: the keyspace commands, walks, expiry, scripts, moves between shards,
 * and the size limits (expectations from RedisJSON's docs and tests, as in json.ts).
 */
import { expect } from "vitest";
import { defineCases, error, sleep } from "../harness";
import { doc, TESTS } from "./json-helpers";

export const jsonKeyspaceCases = defineCases("json-keyspace", [
  {
    name: "Keyspace commands work on documents: RENAME, COPY, EXPIRE, DEL; updates keep the TTL",
    fromDocs: `${TESTS} (testCopyCommand, testRename)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":[1,2]}');
      expect(await r("COPY", key(), key("copy"))).toEqual(1);
      expect(await r("RENAME", key(), key("moved"))).toEqual("OK");
      expect(await r("JSON.GET", key("moved"), "$.a")).toEqual("[[1,2]]");
      expect(await r("JSON.SET", key("copy"), "$.a[0]", "9")).toEqual("OK");
      expect(await r("JSON.GET", key("copy"))).toEqual('{"a":[9,2]}');
      expect(await r("JSON.GET", key("moved"))).toEqual('{"a":[1,2]}');
      expect(await r("EXPIRE", key("moved"), "100")).toEqual(1);
      expect(await r("JSON.ARRAPPEND", key("moved"), "$.a", "3")).toEqual([3]);
      expect(await r("TTL", key("moved"))).toEqual(100);
      expect(await r("DEL", key("moved"), key("copy"))).toEqual(2);
    },
  },
  {
    name: "Documents in keyspace walks: SCAN WITHTYPE, KEYS, RANDOMKEY, DBSIZE, FLUSHDB; SORT and SORT_RO answer WRONGTYPE",
    fromDocs: "Upstash SCAN docs (WITHTYPE); Redis 7.0 db.c (getObjectTypeName: a module value's type name), sort.c (sortCommandGeneric: WRONGTYPE for a type not list, set or zset)",
    async run({ r, spread }) {
      expect(await r("FLUSHALL")).toEqual("OK");
      const [doc, other] = [spread("doc"), spread("other")];
      expect(await r("JSON.SET", doc, "$", '{"n":[3,1,2]}')).toEqual("OK");
      expect(await r("RANDOMKEY")).toEqual(doc);
      expect(await r("SET", other, "v")).toEqual("OK");
      expect([...((await r("KEYS", "*")) as string[])].sort()).toEqual([doc, other].sort());
      expect(await r("KEYS", doc)).toEqual([doc]);
      expect([doc, other]).toContain(await r("RANDOMKEY"));
      expect(await r("DBSIZE")).toEqual(2);
      const types = new Map<string, string>();
      let cursor = "0";
      for (let i = 0; i < 10_000; i++) {
        const [next, items] = (await r("SCAN", cursor, "WITHTYPE", "COUNT", 1)) as [string, string[]];
        for (let j = 0; j < items.length; j += 2) types.set(items[j]!, items[j + 1]!);
        cursor = next;
        if (cursor === "0") break;
      }
      expect(Object.fromEntries(types)).toEqual({ [doc]: "ReJSON-RL", [other]: "string" });
      const wrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");
      expect(await r("SORT", doc)).toEqual(wrongType);
      expect(await r("SORT", doc, "ALPHA", "LIMIT", 0, 1)).toEqual(wrongType);
      expect(await r("SORT_RO", doc)).toEqual(wrongType);
      expect(await r("SORT", doc, "STORE", spread("dst"))).toEqual(wrongType);
      expect(await r("EXISTS", spread("dst"))).toEqual(0);
      expect(await r("FLUSHDB")).toEqual("OK");
      expect(await r("DBSIZE")).toEqual(0);
      expect(await r("JSON.GET", doc)).toEqual(null);
      expect(await r("RANDOMKEY")).toEqual(null);
      expect(await r("JSON.SET", doc, "$", "[]")).toEqual("OK");
      expect(await r("JSON.GET", doc)).toEqual("[]");
    },
  },
  {
    name: "EXPIRE, PERSIST and expiry of a document: a past time deletes it, an expired one reads as missing",
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test.py (testRename: TTL kept); Redis 7.0 expire.c (a past time deletes the key)",
    async run({ r, key }) {
      expect(await r("JSON.SET", key("p"), "$", '{"a":1}')).toEqual("OK");
      expect(await r("PEXPIRE", key("p"), 100_000)).toEqual(1);
      expect(await r("PERSIST", key("p"))).toEqual(1);
      expect(await r("TTL", key("p"))).toEqual(-1);
      expect(await r("EXPIRE", key("p"), -1)).toEqual(1);
      expect(await r("EXISTS", key("p"))).toEqual(0);
      expect(await r("JSON.SET", key("t"), "$", '{"a":1}')).toEqual("OK");
      expect(await r("PEXPIRE", key("t"), 30)).toEqual(1);
      await sleep(80);
      expect(await r("JSON.GET", key("t"))).toEqual(null);
      expect(await r("JSON.TYPE", key("t"))).toEqual(null);
      expect(await r("TYPE", key("t"))).toEqual("none");
      expect(await r("JSON.SET", key("t"), "$.a", "2")).toEqual(error("ERR new objects must be created at the root"));
    },
  },
  {
    name: "JSON.GET through a script's redis.call",
    fromDocs: doc("get"),
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":[1,2]}');
      expect(await r("EVAL", "return redis.call('JSON.GET', KEYS[1], '$.a')", 1, key())).toEqual("[[1,2]]");
      expect(await r("EVAL", "return redis.call('JSON.ARRAPPEND', KEYS[1], '$.a', '3')", 1, key())).toEqual([3]);
    },
  },
  {
    name: "RENAME and COPY of a document between shards",
    fromDocs: `${TESTS} (testCopyCommand)`,
    async run({ r, spread }) {
      const [a, b, c] = [spread("a"), spread("b"), spread("c")];
      await r("JSON.SET", a, "$", '{"x":[1,2.0,"3"]}');
      expect(await r("PEXPIRE", a, "100000")).toEqual(1);
      expect(await r("RENAME", a, b)).toEqual("OK");
      expect(await r("COPY", b, c)).toEqual(1);
      expect(await r("JSON.GET", b)).toEqual('{"x":[1,2.0,"3"]}');
      expect(await r("JSON.GET", c, "$.x[1]")).toEqual("[2.0]");
      expect(await r("TYPE", c)).toEqual("ReJSON-RL");
      expect(Number(await r("PTTL", b))).toBeGreaterThan(90_000);
      expect(await r("EXISTS", a)).toEqual(0);
      await r("DEL", b, c);
      // A document in chunk rows (past 1 MiB), and one nested deeper than a value given to
      // JSON.SET may be, move whole; RENAME replaces a key of another type.
      const big = JSON.stringify({ big: "q".repeat(1_500_000), n: 1 });
      await r("JSON.SET", a, "$", big);
      await r("SET", b, "string");
      expect(await r("RENAME", a, b)).toEqual("OK");
      expect(await r("COPY", b, c)).toEqual(1);
      expect(await r("JSON.GET", c, "$.n")).toEqual("[1]");
      expect(await r("JSON.STRLEN", b, "$.big")).toEqual([1_500_000]);
      await r("JSON.SET", a, "$", "[".repeat(100) + "]".repeat(100));
      expect(await r("JSON.SET", a, "$" + "[0]".repeat(99), "[".repeat(100) + "]".repeat(100))).toEqual("OK");
      expect(await r("COPY", a, c, "REPLACE")).toEqual(1);
      expect(await r("JSON.GET", c)).toEqual("[".repeat(199) + "]".repeat(199));
      await r("DEL", a, b, c);
    },
  },
  {
    name: "A document larger than a row: set, updated at one path, read back; at most 8 MiB",
    fromDocs: `${doc("set")}; edgekv's own size limit (docs/json.md)`,
    async run({ r, key }) {
      const big = JSON.stringify({ n: 0, pad: "x".repeat(1_500_000), tail: [1] });
      expect(await r("JSON.SET", key(), "$", big)).toEqual("OK");
      expect(await r("JSON.SET", key(), "$.n", "42")).toEqual("OK");
      expect(await r("JSON.ARRAPPEND", key(), "$.tail", "2")).toEqual([2]);
      expect(await r("JSON.STRLEN", key(), "$.pad")).toEqual([1_500_000]);
      expect(await r("JSON.GET", key(), "$.n", "$.tail")).toEqual('{"$.n":[42],"$.tail":[[1,2]]}');
      expect(await r("JSON.SET", key(), "$.pad", '"small"')).toEqual("OK");
      expect(await r("JSON.GET", key())).toEqual('{"n":42,"pad":"small","tail":[1,2]}');
      const pad = JSON.stringify("y".repeat(4_500_000));
      expect(await r("JSON.ARRAPPEND", key(), "$.tail", pad, pad)).toEqual(error("ERR JSON document exceeds maximum allowed size (8388608 bytes)"));
      expect(await r("JSON.ARRLEN", key(), "$.tail")).toEqual([2]);
      // `$..*` over a deep document repeats each subtree: the reply stops at its limit.
      const deep = "[".repeat(40) + JSON.stringify("z".repeat(500_000)) + "]".repeat(40);
      expect(await r("JSON.SET", key("deep"), "$", deep)).toEqual("OK");
      expect(await r("JSON.GET", key("deep"), "$..*")).toEqual(error("ERR JSON reply exceeds 16777216 bytes"));
      expect(await r("JSON.STRLEN", key("deep"), "$..*")).toHaveLength(40);
      const many = Array.from({ length: 70 }, () => key("deep"));
      expect(await r("JSON.MGET", ...many, "$[0]")).toEqual(error("ERR JSON.MGET would read more than 33554432 bytes of documents; ask for fewer keys at once"));
    },
  },
  {
    name: "A document holds at most 200,000 values, however it grows",
    fromDocs: "edgekv's own limit (docs/json.md); RedisJSON has none",
    async run({ r, key }) {
      const TOO_MANY = error("ERR JSON document holds more than 200000 values");
      expect(await r("JSON.SET", key(), "$", `[${'"s",'.repeat(200_000)}"s"]`)).toEqual(TOO_MANY);
      expect(await r("JSON.SET", key("zeros"), "$", `[${"0,".repeat(200_000)}0]`)).toEqual("OK");
      expect(await r("JSON.ARRLEN", key("zeros"))).toEqual(200_001);
      expect(await r("JSON.SET", key(), "$", `{"a":[${"0,".repeat(1_000)}0],"b":[]}`)).toEqual("OK");
      const many = `[${"[],".repeat(999)}[]]`;
      expect(await r("JSON.ARRAPPEND", key(), "$.b", ...Array.from({ length: 100 }, () => many))).toEqual([100]);
      expect(await r("JSON.ARRAPPEND", key(), "$.b[*]", many, many, many)).toEqual(TOO_MANY);
      expect(await r("JSON.SET", key(), "$.b[*]", many)).toEqual("OK");
      expect(await r("JSON.ARRLEN", key(), "$.b")).toEqual([100]);
      expect(await r("JSON.ARRLEN", key(), "$.b[0]")).toEqual([1000]);
      expect(await r("EXISTS", key("none"))).toEqual(0);
    },
  },
]);
