/**
 * Set conformance cases, continued from sets.ts: type rules, TYPE/DEL/RENAME/COPY/EXPIRE on
 * sets, binary and integer members, arity, usage patterns, 64-bit extremes and cross-shard routing.
 */
import { expect } from "vitest";
import { error, sleep, type Case } from "../harness";
import { WRONGTYPE, onTwoShards, sorted } from "./common";
import { members } from "./sets-helpers";

export const setMoreCases: Case[] = [
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
    name: "multi-key set commands across shards run once over all their keys (gathered)",
    only: "sharded",
    async run(c) {
      const [a, b] = onTwoShards(c);
      await c.r("SADD", a, "x");
      await c.r("SADD", b, "x", "y");
      expect(await c.r("SINTER", a, b)).toEqual(["x"]);
      expect(sorted(await c.r("SUNION", a, b))).toEqual(["x", "y"]);
      expect(await c.r("SDIFF", b, a)).toEqual(["y"]);
      expect(await c.r("SINTERCARD", 2, a, b)).toEqual(1);
      expect(await c.r("SUNIONSTORE", a, a, b)).toEqual(2);
      expect(sorted(await c.r("SMEMBERS", a))).toEqual(["x", "y"]);
    },
  },
];
