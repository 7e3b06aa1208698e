/**
 * Keyspace-wide commands: KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB and FLUSHALL. Other cases of
 * the same run write to the same keyspace (one redis-server, one shard, one Worker), so these
 * cases either match on their own hash tag or start with FLUSHALL (cases run one at a time).
 */
import { expect } from "vitest";
import { defineCases, error, sleep, type Call, type Value } from "../harness";

/** Every key a full SCAN returns, following the cursor until it comes back to 0. */
async function scanAll(r: Call, ...options: (string | number)[]): Promise<string[]> {
  const seen: string[] = [];
  let cursor = "0";
  for (let i = 0; i < 10_000; i++) {
    const [next, keys] = (await r("SCAN", cursor, ...options)) as [string, string[]];
    seen.push(...keys);
    cursor = next;
    if (cursor === "0") return seen;
  }
  throw new Error("SCAN did not finish");
}

const sorted = (v: Value) => [...(v as string[])].sort();

export const keyspaceWalkCases = defineCases("keyspace-walk", [
  {
    name: "KEYS with a pattern on the case's own tag",
    async run({ r, key }) {
      for (const n of ["user:1", "user:2", "user:10", "order:1"]) await r("SET", key(n), "v");
      expect(sorted(await r("KEYS", key("user:*")))).toEqual([key("user:1"), key("user:10"), key("user:2")]);
      expect(sorted(await r("KEYS", key("user:?")))).toEqual([key("user:1"), key("user:2")]);
      expect(sorted(await r("KEYS", key("*:1")))).toEqual([key("order:1"), key("user:1")]);
      expect(await r("KEYS", key("user:[13]0"))).toEqual([key("user:10")]);
      expect(await r("KEYS", key("nothing*"))).toEqual([]);
    },
  },
  {
    name: "KEYS escapes and is case-sensitive",
    async run({ r, key }) {
      await r("SET", key("a*b"), "v");
      await r("SET", key("axb"), "v");
      await r("SET", key("A*B"), "v");
      expect(await r("KEYS", key("a\\*b"))).toEqual([key("a*b")]);
      expect(sorted(await r("KEYS", key("a*b")))).toEqual([key("a*b"), key("axb")]);
      expect(await r("KEYS", key("A[*]B"))).toEqual([key("A*B")]);
    },
  },
  {
    name: "KEYS skips expired keys",
    async run({ r, key }) {
      await r("SET", key("live"), "v");
      await r("SET", key("gone"), "v", "PX", 30);
      await sleep(80);
      expect(await r("KEYS", key("*"))).toEqual([key("live")]);
    },
  },
  {
    name: "KEYS * after FLUSHALL, over keys on every shard",
    async run({ r, spread }) {
      expect(await r("FLUSHALL")).toEqual("OK");
      const keys = ["a", "b", "c", "d", "e"].map((n) => spread(n));
      for (const k of keys) await r("SET", k, "v");
      expect(sorted(await r("KEYS", "*"))).toEqual([...keys].sort());
    },
  },
  {
    name: "SCAN with MATCH walks to cursor 0 and returns each key once",
    async run({ r, key }) {
      const keys = Array.from({ length: 25 }, (_, i) => key(`k${i}`));
      for (const k of keys) await r("SET", k, "v");
      const seen = await scanAll(r, "MATCH", key("k*"), "COUNT", 3);
      expect(seen.length).toEqual(25);
      expect([...seen].sort()).toEqual([...keys].sort());
    },
  },
  {
    name: "SCAN over keys spread on every shard returns each once",
    async run({ r, spread }) {
      const keys = Array.from({ length: 30 }, (_, i) => spread(`s${i}`));
      for (const k of keys) await r("SET", k, "v");
      const seen = (await scanAll(r, "COUNT", 7)).filter((k) => keys.includes(k));
      expect(seen.length).toEqual(30);
      expect([...seen].sort()).toEqual([...keys].sort());
    },
  },
  {
    name: "SCAN returns every key present for the whole walk while others come and go",
    async run({ r, key, spread }) {
      const stay = Array.from({ length: 12 }, (_, i) => [key(`stay${i}`), spread(`stay${i}`)]).flat();
      const go = Array.from({ length: 6 }, (_, i) => spread(`go${i}`));
      for (const k of [...stay, ...go]) await r("SET", k, "v");
      const seen = new Set<string>();
      let cursor = "0";
      let step = 0;
      do {
        const [next, keys] = (await r("SCAN", cursor, "COUNT", 5)) as [string, string[]];
        keys.forEach((k) => seen.add(k));
        cursor = next;
        if (step < go.length) {
          await r("DEL", go[step]!);
          await r("SET", spread(`new${step}`), "v");
        }
        step++;
      } while (cursor !== "0");
      expect(stay.filter((k) => !seen.has(k))).toEqual([]);
    },
  },
  {
    name: "SCAN takes the last COUNT given, over keys on every shard",
    async run({ r, spread }) {
      expect(await r("FLUSHALL")).toEqual("OK");
      const keys = Array.from({ length: 20 }, (_, i) => spread(`c${i}`));
      for (const k of keys) await r("SET", k, "v");
      const [cursor, found] = (await r("SCAN", 0, "COUNT", 1, "COUNT", 1000)) as [string, string[]];
      expect(cursor).toEqual("0");
      expect([...found].sort()).toEqual([...keys].sort());
    },
  },
  {
    name: "SCAN TYPE filters by type, case-insensitively",
    async run({ r, key }) {
      await r("SET", key("s"), "v");
      expect(await scanAll(r, "MATCH", key("*"), "TYPE", "string")).toEqual([key("s")]);
      expect(await scanAll(r, "MATCH", key("*"), "TYPE", "STRING")).toEqual([key("s")]);
      expect(await scanAll(r, "MATCH", key("*"), "TYPE", "hash")).toEqual([]);
      expect(await scanAll(r, "MATCH", key("*"), "TYPE", "nosuchtype")).toEqual([]);
    },
  },
  {
    name: "SCAN TYPE finds keys of every type",
    async run({ r, key }) {
      await r("SET", key("s"), "v");
      await r("HSET", key("h"), "f", "v");
      await r("RPUSH", key("l"), "a");
      await r("SADD", key("set"), "a");
      await r("ZADD", key("z"), 1, "a");
      await r("PFADD", key("hll"), "a");
      await r("GEOADD", key("geo"), 13.361389, 38.115556, "p");
      const of = async (type: string) => [...(await scanAll(r, "MATCH", key("*"), "COUNT", 100, "TYPE", type))].sort();
      expect(await of("string")).toEqual([key("hll"), key("s")].sort());
      expect(await of("hash")).toEqual([key("h")]);
      expect(await of("list")).toEqual([key("l")]);
      expect(await of("set")).toEqual([key("set")]);
      expect(await of("zset")).toEqual([key("geo"), key("z")].sort());
    },
  },
  {
    name: "SCAN WITHTYPE follows each key with its type",
    fromDocs: "Upstash SCAN docs and @upstash/redis scan.test.ts (WITHTYPE: [cursor, [key, type, …]])",
    async run({ r, key }) {
      await r("SET", key("s"), "v");
      await r("HSET", key("h"), "f", "v");
      await r("ZADD", key("z"), 1, "a");
      const pairs = new Map<string, string>();
      let cursor = "0";
      for (let i = 0; i < 10_000; i++) {
        const [next, items] = (await r("SCAN", cursor, "MATCH", key("*"), "WITHTYPE", "COUNT", 2)) as [string, string[]];
        expect(items.length % 2).toEqual(0);
        for (let j = 0; j < items.length; j += 2) pairs.set(items[j]!, items[j + 1]!);
        cursor = next;
        if (cursor === "0") break;
      }
      expect(Object.fromEntries(pairs)).toEqual({ [key("s")]: "string", [key("h")]: "hash", [key("z")]: "zset" });
      expect(await scanAll(r, "MATCH", key("*"), "TYPE", "hash", "WITHTYPE")).toEqual([key("h"), "hash"]);
      expect(await r("SCAN", 0, "WITHTYPE", "COUNT")).toEqual(error("ERR syntax error"));
    },
  },
  {
    name: "SCAN never returns an expired key",
    async run({ r, key }) {
      await r("SET", key("live"), "v");
      await r("SET", key("gone"), "v", "PX", 30);
      await sleep(80);
      expect(await scanAll(r, "MATCH", key("*"))).toEqual([key("live")]);
    },
  },
  {
    name: "SCAN argument errors",
    async run({ r }) {
      expect(await r("SCAN", "abc")).toEqual(error("ERR invalid cursor"));
      expect(await r("SCAN", "18446744073709551616")).toEqual(error("ERR invalid cursor"));
      expect(await r("SCAN", 0, "COUNT", 0)).toEqual(error("ERR syntax error"));
      expect(await r("SCAN", 0, "COUNT", -1)).toEqual(error("ERR syntax error"));
      expect(await r("SCAN", 0, "COUNT", "x")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("SCAN", 0, "MATCH")).toEqual(error("ERR syntax error"));
      expect(await r("SCAN", 0, "TYPE")).toEqual(error("ERR syntax error"));
      expect(await r("SCAN", 0, "FOO", "bar")).toEqual(error("ERR syntax error"));
      expect(await r("SCAN")).toEqual(error("ERR wrong number of arguments for 'scan' command"));
    },
  },
  {
    name: "RANDOMKEY: nil on an empty database, else a live key",
    async run({ r, spread }) {
      await r("FLUSHALL");
      expect(await r("RANDOMKEY")).toEqual(null);
      await r("SET", spread("only"), "v");
      expect(await r("RANDOMKEY")).toEqual(spread("only"));
      await r("SET", spread("other"), "v");
      expect([spread("only"), spread("other")]).toContain(await r("RANDOMKEY"));
    },
  },
  {
    name: "RANDOMKEY skips expired keys",
    async run({ r, spread }) {
      await r("FLUSHALL");
      await r("SET", spread("gone"), "v", "PX", 30);
      await sleep(80);
      expect(await r("RANDOMKEY")).toEqual(null);
    },
  },
  {
    name: "DBSIZE counts the keys of every shard",
    async run({ r, spread }) {
      await r("FLUSHALL");
      expect(await r("DBSIZE")).toEqual(0);
      for (const n of ["a", "b", "c", "d", "e", "f", "g"]) await r("SET", spread(n), "v");
      expect(await r("DBSIZE")).toEqual(7);
      await r("DEL", spread("a"));
      expect(await r("DBSIZE")).toEqual(6);
      expect(await r("DBSIZE", "x")).toEqual(error("ERR wrong number of arguments for 'dbsize' command"));
    },
  },
  {
    name: "FLUSHDB and FLUSHALL empty every shard",
    async run({ r, spread }) {
      for (const n of ["a", "b", "c", "d"]) await r("SET", spread(n), "v", "EX", 100);
      expect(await r("FLUSHDB")).toEqual("OK");
      expect(await r("DBSIZE")).toEqual(0);
      expect(await r("EXISTS", spread("a"))).toEqual(0);
      for (const n of ["a", "b", "c", "d"]) await r("SET", spread(n), "v");
      expect(await r("FLUSHALL", "async")).toEqual("OK");
      expect(await r("KEYS", "*")).toEqual([]);
      expect(await r("FLUSHDB", "SYNC")).toEqual("OK");
    },
  },
  {
    name: "FLUSHDB and FLUSHALL option errors change nothing",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("FLUSHDB", "now")).toEqual(error("ERR syntax error"));
      expect(await r("FLUSHALL", "ASYNC", "SYNC")).toEqual(error("ERR syntax error"));
      expect(await r("GET", key())).toEqual("v");
    },
  },
]);
