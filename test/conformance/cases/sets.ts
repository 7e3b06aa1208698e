/** Set commands, checked against redis-server 7.0 (type rules, keyspace commands and edge cases in sets-more.ts). */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { NOT_INT, SYNTAX, WRONGTYPE, NOT_POSITIVE, sorted } from "./common";
import { members, scanAll } from "./sets-helpers";
import { setMoreCases } from "./sets-more";

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
  ...setMoreCases,
]);
