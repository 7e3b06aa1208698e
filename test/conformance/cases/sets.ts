/**
 * Set commands, checked against redis-server 7.0. Redis replies members in hash order, which
 * no other target shares: unordered replies are compared sorted (`sorted`).
 */
import { expect } from "vitest";
import { shardOf } from "../../../worker/slot";
import { defineCases, error, sleep, type Call, type CaseContext, type Value } from "../harness";

const NOT_INT = error("ERR value is not an integer or out of range");
const SYNTAX = error("ERR syntax error");
const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const NOT_POSITIVE = error("ERR value is out of range, must be positive");
const CROSSSLOT = error("CROSSSLOT Keys in request don't hash to the same slot");

/** Two untagged keys that live on different shards of the target. */
function onTwoShards({ spread, target }: CaseContext): [string, string] {
  const a = spread("a");
  for (let i = 0; ; i++) {
    const b = spread(`b${i}`);
    if (shardOf(a, target.shards) !== shardOf(b, target.shards)) return [a, b];
  }
}

/** An array reply sorted, for replies whose order Redis leaves to its hash table. */
function sorted(v: Value): Value {
  if (!Array.isArray(v)) return v;
  return [...v].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

async function members(r: Call, key: string): Promise<Value> {
  return sorted(await r("SMEMBERS", key));
}

/** Every member SSCAN returns over a full iteration, deduplicated and sorted. */
async function scanAll(r: Call, key: string, ...opts: (string | number)[]): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let i = 0; i < 1000; i++) {
    const reply = (await r("SSCAN", key, cursor, ...opts)) as [string, string[]];
    reply[1].forEach((m) => seen.add(m));
    cursor = reply[0];
    if (cursor === "0") break;
  }
  return [...seen].sort();
}

export const setCases = defineCases("sets", [
  {
    name: "SADD counts new members, SMEMBERS lists them",
    async run({ r, key }) {
      expect(await r("SADD", key(), "a", "b", "c")).toEqual(3);
      expect(await r("SADD", key(), "a", "d", "d")).toEqual(1);
      expect(await members(r, key())).toEqual(["a", "b", "c", "d"]);
      expect(await r("SCARD", key())).toEqual(4);
    },
  },
  {
    name: "SREM counts removed members",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b", "c");
      expect(await r("SREM", key(), "a", "zz", "a")).toEqual(1);
      expect(await members(r, key())).toEqual(["b", "c"]);
      expect(await r("SREM", key("missing"), "a")).toEqual(0);
    },
  },
  {
    name: "a set that loses its last member is deleted",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      expect(await r("SREM", key(), "a", "b")).toEqual(2);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("TYPE", key())).toEqual("none");
      await r("SADD", key("p"), "x");
      expect(await r("SPOP", key("p"))).toEqual("x");
      expect(await r("EXISTS", key("p"))).toEqual(0);
    },
  },
  {
    name: "SCARD, SMEMBERS and SISMEMBER of a missing key",
    async run({ r, key }) {
      expect(await r("SCARD", key())).toEqual(0);
      expect(await r("SMEMBERS", key())).toEqual([]);
      expect(await r("SISMEMBER", key(), "a")).toEqual(0);
    },
  },
  {
    name: "SISMEMBER and SMISMEMBER",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      expect(await r("SISMEMBER", key(), "a")).toEqual(1);
      expect(await r("SISMEMBER", key(), "z")).toEqual(0);
      expect(await r("SMISMEMBER", key(), "b", "zz", "a")).toEqual([1, 0, 1]);
      expect(await r("SMISMEMBER", key("missing"), "a", "b")).toEqual([0, 0]);
    },
  },
  {
    name: "SCARD follows adds and removes",
    async run({ r, key }) {
      for (let i = 0; i < 30; i++) await r("SADD", key(), `m${i % 20}`);
      expect(await r("SCARD", key())).toEqual(20);
      await r("SREM", key(), "m0", "m5", "m19", "nope");
      expect(await r("SCARD", key())).toEqual(17);
    },
  },
  {
    name: "SPOP without count removes one member",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b", "c");
      const popped = await r("SPOP", key());
      expect(["a", "b", "c"]).toContain(popped);
      expect(await r("SCARD", key())).toEqual(2);
      expect(await r("SISMEMBER", key(), popped as string)).toEqual(0);
      expect(await r("SPOP", key("missing"))).toEqual(null);
    },
  },
  {
    name: "SPOP with count removes distinct members",
    async run({ r, key }) {
      const all = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await r("SADD", key(), ...all);
      const popped = (await r("SPOP", key(), 7)) as string[];
      expect(popped).toHaveLength(7);
      expect(new Set(popped).size).toBe(7);
      for (const m of popped) expect(all).toContain(m);
      expect(await r("SCARD", key())).toEqual(13);
      const rest = (await r("SMEMBERS", key())) as string[];
      expect([...rest, ...popped].sort()).toEqual([...all].sort());
    },
  },
  {
    name: "SPOP with a count beyond the size empties and deletes the set",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b", "c");
      expect(sorted(await r("SPOP", key(), 10))).toEqual(["a", "b", "c"]);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SPOP count 0, on a missing key, and bad counts",
    async run({ r, key }) {
      await r("SADD", key(), "a");
      expect(await r("SPOP", key(), 0)).toEqual([]);
      expect(await r("SPOP", key("missing"), 1)).toEqual([]);
      expect(await r("SPOP", key("missing"), 0)).toEqual([]);
      expect(await r("SPOP", key(), -1)).toEqual(NOT_POSITIVE);
      expect(await r("SPOP", key(), "abc")).toEqual(NOT_POSITIVE);
      expect(await r("SPOP", key(), 1, 2)).toEqual(SYNTAX);
      expect(await r("SCARD", key())).toEqual(1);
    },
  },
  {
    name: "SPOP drains a set member by member",
    async run({ r, key }) {
      const all = Array.from({ length: 12 }, (_, i) => `m${i}`);
      await r("SADD", key(), ...all);
      const got: string[] = [];
      for (let i = 0; i < 12; i++) got.push((await r("SPOP", key())) as string);
      expect(got.sort()).toEqual([...all].sort());
      expect(await r("SPOP", key())).toEqual(null);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SRANDMEMBER without count, and on a missing key",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b", "c");
      expect(["a", "b", "c"]).toContain(await r("SRANDMEMBER", key()));
      expect(await r("SCARD", key())).toEqual(3);
      expect(await r("SRANDMEMBER", key("missing"))).toEqual(null);
      expect(await r("SRANDMEMBER", key("missing"), 2)).toEqual([]);
      expect(await r("SRANDMEMBER", key("missing"), -2)).toEqual([]);
    },
  },
  {
    name: "SRANDMEMBER with a positive count returns distinct members",
    async run({ r, key }) {
      const all = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await r("SADD", key(), ...all);
      for (const n of [1, 5, 10, 15, 19]) {
        const got = (await r("SRANDMEMBER", key(), n)) as string[];
        expect(got).toHaveLength(n);
        expect(new Set(got).size).toBe(n);
        for (const m of got) expect(all).toContain(m);
      }
      expect(sorted(await r("SRANDMEMBER", key(), 20))).toEqual([...all].sort());
      expect(sorted(await r("SRANDMEMBER", key(), 100))).toEqual([...all].sort());
      expect(await r("SCARD", key())).toEqual(20);
    },
  },
  {
    name: "SRANDMEMBER with a negative count may repeat members",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      const got = (await r("SRANDMEMBER", key(), -50)) as string[];
      expect(got).toHaveLength(50);
      for (const m of got) expect(["a", "b"]).toContain(m);
      expect(new Set(got).size).toBe(2);
      await r("SADD", key("one"), "x");
      expect(await r("SRANDMEMBER", key("one"), -3)).toEqual(["x", "x", "x"]);
    },
  },
  {
    name: "SRANDMEMBER count 0 and bad counts",
    async run({ r, key }) {
      await r("SADD", key(), "a");
      expect(await r("SRANDMEMBER", key(), 0)).toEqual([]);
      expect(await r("SRANDMEMBER", key(), "abc")).toEqual(NOT_INT);
      expect(await r("SRANDMEMBER", key(), "-9223372036854775808")).toEqual(
        error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
      );
      expect(await r("SRANDMEMBER", key(), "9223372036854775807")).toEqual(["a"]);
      expect(await r("SRANDMEMBER", key(), 1, 2)).toEqual(SYNTAX);
    },
  },
  {
    name: "SMOVE moves a member and creates the destination",
    async run({ r, key }) {
      await r("SADD", key("src"), "a", "b");
      expect(await r("SMOVE", key("src"), key("dst"), "a")).toEqual(1);
      expect(await members(r, key("src"))).toEqual(["b"]);
      expect(await members(r, key("dst"))).toEqual(["a"]);
      expect(await r("SMOVE", key("src"), key("dst"), "zz")).toEqual(0);
      await r("SADD", key("dst"), "b");
      expect(await r("SMOVE", key("src"), key("dst"), "b")).toEqual(1);
      expect(await r("EXISTS", key("src"))).toEqual(0);
      expect(await members(r, key("dst"))).toEqual(["a", "b"]);
    },
  },
  {
    name: "SMOVE from a missing source, and onto itself",
    async run({ r, key }) {
      expect(await r("SMOVE", key("missing"), key("dst"), "a")).toEqual(0);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      await r("SADD", key(), "a");
      expect(await r("SMOVE", key(), key(), "a")).toEqual(1);
      expect(await r("SMOVE", key(), key(), "zz")).toEqual(0);
      expect(await members(r, key())).toEqual(["a"]);
    },
  },
  {
    name: "SMOVE with wrong-type keys",
    async run({ r, key }) {
      await r("SET", key("str"), "v");
      await r("SADD", key("set"), "a");
      expect(await r("SMOVE", key("set"), key("str"), "a")).toEqual(WRONGTYPE);
      expect(await r("SMOVE", key("str"), key("set"), "a")).toEqual(WRONGTYPE);
      expect(await r("SMOVE", key("set"), key("str"), "zz")).toEqual(WRONGTYPE);
      expect(await r("SMOVE", key("missing"), key("str"), "a")).toEqual(0);
      expect(await members(r, key("set"))).toEqual(["a"]);
    },
  },
  {
    name: "SINTER",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3", "4");
      await r("SADD", key("b"), "2", "3", "5");
      await r("SADD", key("c"), "3", "2", "9", "10");
      expect(sorted(await r("SINTER", key("a"), key("b"), key("c")))).toEqual(["2", "3"]);
      expect(sorted(await r("SINTER", key("a")))).toEqual(["1", "2", "3", "4"]);
      expect(sorted(await r("SINTER", key("a"), key("a")))).toEqual(["1", "2", "3", "4"]);
      expect(await r("SINTER", key("a"), key("missing"))).toEqual([]);
    },
  },
  {
    name: "SUNION",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2");
      await r("SADD", key("b"), "2", "3");
      expect(sorted(await r("SUNION", key("a"), key("b"), key("missing")))).toEqual(["1", "2", "3"]);
      expect(await r("SUNION", key("missing"))).toEqual([]);
    },
  },
  {
    name: "SDIFF",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3", "4");
      await r("SADD", key("b"), "2");
      await r("SADD", key("c"), "4", "5");
      expect(sorted(await r("SDIFF", key("a"), key("b"), key("c")))).toEqual(["1", "3"]);
      expect(sorted(await r("SDIFF", key("a"), key("missing")))).toEqual(["1", "2", "3", "4"]);
      expect(await r("SDIFF", key("missing"), key("a"))).toEqual([]);
      expect(await r("SDIFF", key("a"), key("a"))).toEqual([]);
    },
  },
  {
    name: "set algebra with a wrong-type key, even after a missing one",
    async run({ r, key }) {
      await r("SET", key("str"), "v");
      await r("SADD", key("set"), "a");
      for (const cmd of ["SINTER", "SUNION", "SDIFF"]) {
        expect(await r(cmd, key("set"), key("str"))).toEqual(WRONGTYPE);
        expect(await r(cmd, key("missing"), key("str"))).toEqual(WRONGTYPE);
      }
      expect(await r("SINTERCARD", 2, key("missing"), key("str"))).toEqual(WRONGTYPE);
      expect(await r("SDIFFSTORE", key("d"), key("set"), key("str"))).toEqual(WRONGTYPE);
      expect(await r("SINTERSTORE", key("d"), key("str"))).toEqual(WRONGTYPE);
      expect(await r("EXISTS", key("d"))).toEqual(0);
    },
  },
  {
    name: "SINTERSTORE, SUNIONSTORE, SDIFFSTORE",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3");
      await r("SADD", key("b"), "2", "3", "4");
      expect(await r("SINTERSTORE", key("i"), key("a"), key("b"))).toEqual(2);
      expect(await members(r, key("i"))).toEqual(["2", "3"]);
      expect(await r("SUNIONSTORE", key("u"), key("a"), key("b"))).toEqual(4);
      expect(await members(r, key("u"))).toEqual(["1", "2", "3", "4"]);
      expect(await r("SDIFFSTORE", key("d"), key("a"), key("b"))).toEqual(1);
      expect(await members(r, key("d"))).toEqual(["1"]);
      expect(await r("SCARD", key("u"))).toEqual(4);
    },
  },
  {
    name: "a STORE result is a full set: add, remove, pop and scan work on it",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3", "4", "5");
      await r("SADD", key("b"), "4", "5", "6");
      expect(await r("SUNIONSTORE", key("u"), key("a"), key("b"))).toEqual(6);
      expect(await r("SADD", key("u"), "7", "1")).toEqual(1);
      expect(await r("SREM", key("u"), "3")).toEqual(1);
      expect(await r("SCARD", key("u"))).toEqual(6);
      expect(await scanAll(r, key("u"))).toEqual(["1", "2", "4", "5", "6", "7"]);
      const popped = (await r("SPOP", key("u"), 6)) as string[];
      expect(popped.sort()).toEqual(["1", "2", "4", "5", "6", "7"]);
      expect(await r("EXISTS", key("u"))).toEqual(0);
    },
  },
  {
    name: "STORE overwrites any destination, drops its TTL, and deletes it when empty",
    async run({ r, key }) {
      await r("SADD", key("a"), "1");
      await r("SET", key("d"), "string", "EX", 100);
      expect(await r("SUNIONSTORE", key("d"), key("a"))).toEqual(1);
      expect(await r("TYPE", key("d"))).toEqual("set");
      expect(await r("TTL", key("d"))).toEqual(-1);
      expect(await r("SINTERSTORE", key("d"), key("a"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
      await r("RPUSH", key("l"), "x");
      expect(await r("SDIFFSTORE", key("l"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("l"))).toEqual(0);
    },
  },
  {
    name: "STORE with the destination among the sources",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3");
      await r("SADD", key("b"), "2", "3", "4");
      expect(await r("SINTERSTORE", key("a"), key("a"), key("b"))).toEqual(2);
      expect(await members(r, key("a"))).toEqual(["2", "3"]);
      expect(await r("SUNIONSTORE", key("b"), key("b"), key("a"))).toEqual(3);
      expect(await members(r, key("b"))).toEqual(["2", "3", "4"]);
      expect(await r("SDIFFSTORE", key("b"), key("b"), key("a"))).toEqual(1);
      expect(await members(r, key("b"))).toEqual(["4"]);
      expect(await r("SDIFFSTORE", key("b"), key("b"), key("b"))).toEqual(0);
      expect(await r("EXISTS", key("b"))).toEqual(0);
      expect(await r("SADD", key("a"), "9")).toEqual(1);
      expect(await r("SCARD", key("a"))).toEqual(3);
    },
  },
  {
    name: "SINTERCARD with and without LIMIT",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3", "4");
      await r("SADD", key("b"), "2", "3", "4", "5");
      expect(await r("SINTERCARD", 2, key("a"), key("b"))).toEqual(3);
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "LIMIT", 2)).toEqual(2);
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "LIMIT", 0)).toEqual(3);
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "LIMIT", 10)).toEqual(3);
      expect(await r("SINTERCARD", 1, key("a"), "LIMIT", 1, "LIMIT", 3)).toEqual(3);
      expect(await r("SINTERCARD", 2, key("a"), key("missing"))).toEqual(0);
    },
  },
  {
    name: "SINTERCARD argument errors",
    async run({ r, key }) {
      expect(await r("SINTERCARD", 0, key())).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("SINTERCARD", "abc", key())).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("SINTERCARD", 3, key("a"), key("b"))).toEqual(error("ERR Number of keys can't be greater than number of args"));
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "LIMIT", -1)).toEqual(error("ERR LIMIT can't be negative"));
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "LIMIT", "abc")).toEqual(error("ERR LIMIT can't be negative"));
      expect(await r("SINTERCARD", 2, key("a"), key("b"), "FOO")).toEqual(SYNTAX);
      expect(await r("SINTERCARD", 1, key("a"), "LIMIT")).toEqual(SYNTAX);
    },
  },
  {
    name: "SSCAN returns every member over a full iteration",
    async run({ r, key }) {
      const all = Array.from({ length: 57 }, (_, i) => `m${String(i).padStart(2, "0")}`);
      await r("SADD", key(), ...all);
      expect(await scanAll(r, key())).toEqual(all);
      expect(await scanAll(r, key(), "COUNT", 7)).toEqual(all);
      expect(await scanAll(r, key(), "COUNT", 1000)).toEqual(all);
    },
  },
  {
    name: "SSCAN MATCH filters members",
    async run({ r, key }) {
      await r("SADD", key(), "apple", "apricot", "banana", "avocado", "cherry", "a*");
      expect(await scanAll(r, key(), "MATCH", "ap*")).toEqual(["apple", "apricot"]);
      expect(await scanAll(r, key(), "MATCH", "*an*", "COUNT", 2)).toEqual(["banana"]);
      expect(await scanAll(r, key(), "MATCH", "?????")).toEqual(["apple"]);
      expect(await scanAll(r, key(), "MATCH", "a\\*")).toEqual(["a*"]);
      expect(await scanAll(r, key(), "MATCH", "*")).toEqual(["a*", "apple", "apricot", "avocado", "banana", "cherry"]);
      expect(await scanAll(r, key(), "MATCH", "z*")).toEqual([]);
    },
  },
  {
    name: "SSCAN keeps members that stay while others come and go",
    async run({ r, key }) {
      const stay = Array.from({ length: 40 }, (_, i) => `s${i}`);
      await r("SADD", key(), ...stay, ...Array.from({ length: 20 }, (_, i) => `g${i}`));
      const seen = new Set<string>();
      let cursor = "0";
      let step = 0;
      do {
        const [next, page] = (await r("SSCAN", key(), cursor, "COUNT", 5)) as [string, string[]];
        page.forEach((m) => seen.add(m));
        cursor = next;
        await r("SREM", key(), `g${step}`);
        await r("SADD", key(), `new${step}`);
        step++;
      } while (cursor !== "0" && step < 500);
      for (const m of stay) expect(seen.has(m)).toBe(true);
    },
  },
  {
    name: "SSCAN of a missing key, and its argument errors",
    async run({ r, key }) {
      expect(await r("SSCAN", key("missing"), 0)).toEqual(["0", []]);
      await r("SADD", key(), "a");
      expect(await r("SSCAN", key(), "abc")).toEqual(error("ERR invalid cursor"));
      expect(await r("SSCAN", key(), "18446744073709551616")).toEqual(error("ERR invalid cursor"));
      expect(await r("SSCAN", key(), 0, "COUNT", 0)).toEqual(SYNTAX);
      expect(await r("SSCAN", key(), 0, "COUNT", -1)).toEqual(SYNTAX);
      expect(await r("SSCAN", key(), 0, "COUNT", "abc")).toEqual(NOT_INT);
      expect(await r("SSCAN", key(), 0, "MATCH")).toEqual(SYNTAX);
      expect(await r("SSCAN", key(), 0, "FOO", 1)).toEqual(SYNTAX);
      expect(await r("SSCAN", key(), 0)).toEqual(["0", ["a"]]);
    },
  },
  {
    name: "SSCAN on a wrong-type key: the cursor is checked first",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("SSCAN", key(), 0)).toEqual(WRONGTYPE);
      expect(await r("SSCAN", key(), "abc")).toEqual(error("ERR invalid cursor"));
    },
  },
  {
    name: "WRONGTYPE for every set command on a string",
    async run({ r, key }) {
      await r("SET", key(), "v");
      for (const cmd of [
        ["SADD", key(), "a"],
        ["SREM", key(), "a"],
        ["SMEMBERS", key()],
        ["SISMEMBER", key(), "a"],
        ["SMISMEMBER", key(), "a"],
        ["SCARD", key()],
        ["SPOP", key()],
        ["SPOP", key(), 2],
        ["SRANDMEMBER", key()],
        ["SRANDMEMBER", key(), -2],
      ]) {
        expect(await r(...cmd)).toEqual(WRONGTYPE);
      }
      expect(await r("GET", key())).toEqual("v");
    },
  },
  {
    name: "list and string commands on a set are WRONGTYPE; SET overwrites it",
    async run({ r, key }) {
      await r("SADD", key(), "a");
      expect(await r("LPUSH", key(), "a")).toEqual(WRONGTYPE);
      expect(await r("GET", key())).toEqual(WRONGTYPE);
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("SCARD", key())).toEqual(WRONGTYPE);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("SADD", key(), "b")).toEqual(1);
      expect(await members(r, key())).toEqual(["b"]);
    },
  },
  {
    name: "TYPE, DEL and EXISTS on a set",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      expect(await r("TYPE", key())).toEqual("set");
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("SCARD", key())).toEqual(0);
      expect(await r("SADD", key(), "c")).toEqual(1);
      expect(await members(r, key())).toEqual(["c"]);
    },
  },
  {
    name: "RENAME moves a set and replaces the destination",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2");
      await r("SADD", key("b"), "x");
      expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
      expect(await members(r, key("b"))).toEqual(["1", "2"]);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      expect(await r("SISMEMBER", key("b"), "x")).toEqual(0);
      expect(await r("SCARD", key("b"))).toEqual(2);
    },
  },
  {
    name: "COPY duplicates a set independently",
    async run({ r, key }) {
      await r("SADD", key("a"), "1", "2", "3");
      expect(await r("COPY", key("a"), key("b"))).toEqual(1);
      await r("SREM", key("a"), "1");
      await r("SADD", key("b"), "4");
      expect(await members(r, key("a"))).toEqual(["2", "3"]);
      expect(await members(r, key("b"))).toEqual(["1", "2", "3", "4"]);
      expect(await r("SCARD", key("b"))).toEqual(4);
      const popped = (await r("SPOP", key("b"), 4)) as string[];
      expect(popped.sort()).toEqual(["1", "2", "3", "4"]);
    },
  },
  {
    name: "EXPIRE on a set: it vanishes with its members",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      expect(await r("PEXPIRE", key(), 50)).toEqual(1);
      await sleep(120);
      expect(await r("SCARD", key())).toEqual(0);
      expect(await r("SISMEMBER", key(), "a")).toEqual(0);
      expect(await r("SADD", key(), "c")).toEqual(1);
      expect(await r("TTL", key())).toEqual(-1);
      expect(await members(r, key())).toEqual(["c"]);
    },
  },
  {
    name: "SADD and SREM keep a set's TTL",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      await r("EXPIRE", key(), 100);
      await r("SADD", key(), "c");
      await r("SREM", key(), "a");
      expect([99, 100]).toContain(await r("TTL", key()));
    },
  },
  {
    name: "members are binary-safe and compared as strings",
    async run({ r, key }) {
      expect(await r("SADD", key(), "", " ", "ünï", "1", "01", "1.0", 1)).toEqual(6);
      expect(await r("SISMEMBER", key(), "")).toEqual(1);
      expect(await r("SISMEMBER", key(), "ünï")).toEqual(1);
      expect(await r("SISMEMBER", key(), "001")).toEqual(0);
      expect(await r("SREM", key(), "")).toEqual(1);
      expect(await members(r, key())).toEqual([" ", "01", "1", "1.0", "ünï"]);
    },
  },
  {
    name: "integer members (intset in Redis) behave like any other",
    async run({ r, key }) {
      expect(await r("SADD", key(), 3, 1, 2, -5, "9223372036854775807")).toEqual(5);
      expect(await r("SISMEMBER", key(), -5)).toEqual(1);
      expect(await r("SADD", key(), "x")).toEqual(1);
      expect(await r("SREM", key(), 2)).toEqual(1);
      expect(await members(r, key())).toEqual(["-5", "1", "3", "9223372036854775807", "x"]);
    },
  },
  {
    name: "wrong arity of set commands",
    async run({ r, key }) {
      expect(await r("SADD", key())).toEqual(error("ERR wrong number of arguments for 'sadd' command"));
      expect(await r("SISMEMBER", key())).toEqual(error("ERR wrong number of arguments for 'sismember' command"));
      expect(await r("SMOVE", key(), key("b"))).toEqual(error("ERR wrong number of arguments for 'smove' command"));
      expect(await r("SINTERSTORE", key())).toEqual(error("ERR wrong number of arguments for 'sinterstore' command"));
      expect(await r("SINTERCARD", 1)).toEqual(error("ERR wrong number of arguments for 'sintercard' command"));
      expect(await r("SSCAN", key())).toEqual(error("ERR wrong number of arguments for 'sscan' command"));
    },
  },
  {
    name: "tags: SADD, SREM and SINTER across a few sets",
    async run({ r, key }) {
      await r("SADD", key("post:1"), "redis", "db", "fast");
      await r("SADD", key("post:2"), "redis", "cache");
      await r("SADD", key("post:3"), "db", "sql", "redis");
      expect(sorted(await r("SINTER", key("post:1"), key("post:2"), key("post:3")))).toEqual(["redis"]);
      expect(await r("SUNIONSTORE", key("all"), key("post:1"), key("post:2"), key("post:3"))).toEqual(5);
      await r("SREM", key("post:2"), "redis");
      expect(await r("SINTER", key("post:1"), key("post:2"), key("post:3"))).toEqual([]);
      expect(sorted(await r("SDIFF", key("all"), key("post:1")))).toEqual(["cache", "sql"]);
    },
  },
  {
    name: "SPOP and SRANDMEMBER after removals still see every member",
    async run({ r, key }) {
      const all = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await r("SADD", key(), ...all);
      await r("SREM", key(), ...all.filter((_, i) => i % 3 === 0));
      const left = all.filter((_, i) => i % 3 !== 0).sort();
      expect(sorted(await r("SRANDMEMBER", key(), 20))).toEqual(left);
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) for (const m of (await r("SRANDMEMBER", key(), -20)) as string[]) seen.add(m);
      for (const m of seen) expect(left).toContain(m);
      expect(sorted(await r("SPOP", key(), 20))).toEqual(left);
    },
  },
  {
    name: "64-bit extremes for counts and limits",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b");
      expect(await r("SINTERCARD", 1, key(), "LIMIT", "9223372036854775807")).toEqual(2);
      expect(await r("SSCAN", key(), 0, "COUNT", "9223372036854775807")).toEqual(["0", expect.arrayContaining(["a", "b"])]);
      expect(sorted(await r("SRANDMEMBER", key(), "9223372036854775807"))).toEqual(["a", "b"]);
      expect(sorted(await r("SPOP", key(), "9223372036854775807"))).toEqual(["a", "b"]);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "multi-key set commands across shards are refused with CROSSSLOT, as in Redis Cluster",
    only: "sharded",
    async run(c) {
      const [a, b] = onTwoShards(c);
      await c.r("SADD", a, "x");
      await c.r("SADD", b, "x");
      for (const cmd of ["SINTER", "SUNION", "SDIFF"]) expect(await c.r(cmd, a, b)).toEqual(CROSSSLOT);
      expect(await c.r("SINTERCARD", 2, a, b)).toEqual(CROSSSLOT);
      expect(await c.r("SUNIONSTORE", a, a, b)).toEqual(CROSSSLOT);
      expect(await c.r("SMOVE", a, b, "x")).toEqual(CROSSSLOT);
      expect(await c.r("SMEMBERS", a)).toEqual(["x"]);
    },
  },
]);
