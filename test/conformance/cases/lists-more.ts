/**
 * List conformance cases, continued from lists.ts: type rules, empty-list deletion, TYPE/DEL/
 * RENAME/COPY/EXPIRE on lists, binary elements, arity, usage patterns, 64-bit extremes and
 * cross-shard routing.
 */
import { expect } from "vitest";
import { error, sleep, type Case } from "../harness";
import { WRONGTYPE, onTwoShards } from "./common";

export const listMoreCases: Case[] = [
  {
    name: "WRONGTYPE for every list command on a string",
    async run({ r, key }) {
      await r("SET", key(), "v");
      for (const cmd of [
        ["LPUSH", key(), "a"],
        ["RPUSHX", key(), "a"],
        ["LPOP", key()],
        ["RPOP", key(), 2],
        ["LLEN", key()],
        ["LRANGE", key(), 0, 1],
        ["LINDEX", key(), 0],
        ["LSET", key(), 0, "a"],
        ["LREM", key(), 0, "a"],
        ["LTRIM", key(), 0, 1],
        ["LINSERT", key(), "BEFORE", "a", "b"],
        ["LPOS", key(), "a"],
      ]) {
        expect(await r(...cmd)).toEqual(WRONGTYPE);
      }
      expect(await r("GET", key())).toEqual("v");
    },
  },
  {
    name: "string commands on a list are WRONGTYPE",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("GET", key())).toEqual(WRONGTYPE);
      expect(await r("SADD", key(), "a")).toEqual(WRONGTYPE);
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GET", key())).toEqual("v");
      expect(await r("LLEN", key())).toEqual(WRONGTYPE);
    },
  },
  {
    name: "a list that loses its last element is deleted",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("RPOP", key())).toEqual("a");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("TYPE", key())).toEqual("none");
      expect(await r("LPUSHX", key(), "b")).toEqual(0);
    },
  },
  {
    name: "TYPE, DEL and EXISTS on a list",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b");
      expect(await r("TYPE", key())).toEqual("list");
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("LRANGE", key(), 0, -1)).toEqual([]);
      expect(await r("RPUSH", key(), "c")).toEqual(1);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["c"]);
    },
  },
  {
    name: "RENAME moves a list and replaces the destination",
    async run({ r, key }) {
      await r("RPUSH", key("a"), "1", "2");
      await r("RPUSH", key("b"), "x", "y", "z");
      expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
      expect(await r("LRANGE", key("b"), 0, -1)).toEqual(["1", "2"]);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      expect(await r("RPUSH", key("a"), "n")).toEqual(1);
      expect(await r("LLEN", key("b"))).toEqual(2);
    },
  },
  {
    name: "COPY duplicates a list independently",
    async run({ r, key }) {
      await r("RPUSH", key("a"), "1", "2", "3");
      expect(await r("COPY", key("a"), key("b"))).toEqual(1);
      expect(await r("RPOP", key("a"))).toEqual("3");
      expect(await r("LPUSH", key("b"), "0")).toEqual(4);
      expect(await r("LRANGE", key("a"), 0, -1)).toEqual(["1", "2"]);
      expect(await r("LRANGE", key("b"), 0, -1)).toEqual(["0", "1", "2", "3"]);
      expect(await r("LINDEX", key("b"), -1)).toEqual("3");
    },
  },
  {
    name: "COPY REPLACE onto a list",
    async run({ r, key }) {
      await r("RPUSH", key("a"), "1");
      await r("RPUSH", key("b"), "x", "y");
      expect(await r("COPY", key("a"), key("b"))).toEqual(0);
      expect(await r("COPY", key("a"), key("b"), "REPLACE")).toEqual(1);
      expect(await r("LRANGE", key("b"), 0, -1)).toEqual(["1"]);
    },
  },
  {
    name: "EXPIRE on a list: it vanishes with its elements",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b");
      expect(await r("PEXPIRE", key(), 50)).toEqual(1);
      await sleep(120);
      expect(await r("LLEN", key())).toEqual(0);
      expect(await r("LRANGE", key(), 0, -1)).toEqual([]);
      expect(await r("RPUSH", key(), "c")).toEqual(1);
      expect(await r("TTL", key())).toEqual(-1);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["c"]);
    },
  },
  {
    name: "pushes keep a list's TTL",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      await r("EXPIRE", key(), 100);
      await r("LPUSH", key(), "b");
      await r("LPOP", key());
      expect([99, 100]).toContain(await r("TTL", key()));
    },
  },
  {
    name: "elements are binary-safe: empty strings, spaces and unicode",
    async run({ r, key }) {
      expect(await r("RPUSH", key(), "", " ", "ünï", "a\nb")).toEqual(4);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["", " ", "ünï", "a\nb"]);
      expect(await r("LPOS", key(), "")).toEqual(0);
      expect(await r("LPOS", key(), "ünï")).toEqual(2);
      expect(await r("LREM", key(), 0, "")).toEqual(1);
      expect(await r("LINDEX", key(), 0)).toEqual(" ");
    },
  },
  {
    name: "numeric-looking elements are compared as strings",
    async run({ r, key }) {
      await r("RPUSH", key(), "1", "01", "1.0", 1);
      expect(await r("LPOS", key(), "1", "COUNT", 0)).toEqual([0, 3]);
      expect(await r("LREM", key(), 0, "01")).toEqual(1);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["1", "1.0", "1"]);
    },
  },
  {
    name: "wrong arity of list commands",
    async run({ r, key }) {
      expect(await r("LPUSH", key())).toEqual(error("ERR wrong number of arguments for 'lpush' command"));
      expect(await r("LRANGE", key(), 0)).toEqual(error("ERR wrong number of arguments for 'lrange' command"));
      expect(await r("LINSERT", key(), "BEFORE", "a")).toEqual(error("ERR wrong number of arguments for 'linsert' command"));
      expect(await r("LMOVE", key(), key("b"), "LEFT")).toEqual(error("ERR wrong number of arguments for 'lmove' command"));
      expect(await r("RPOP", key(), 1, 2)).toEqual(error("ERR wrong number of arguments for 'rpop' command"));
    },
  },
  {
    name: "a queue: RPUSH then LPOP in order",
    async run({ r, key }) {
      for (let i = 0; i < 20; i++) await r("RPUSH", key(), `job${i}`);
      const got: unknown[] = [];
      for (let i = 0; i < 5; i++) got.push(await r("LPOP", key(), 4));
      expect(got.flat()).toEqual(Array.from({ length: 20 }, (_, i) => `job${i}`));
      expect(await r("LPOP", key())).toEqual(null);
    },
  },
  {
    name: "a capped feed: LPUSH then LTRIM",
    async run({ r, key }) {
      for (let i = 0; i < 12; i++) {
        await r("LPUSH", key(), `e${i}`);
        await r("LTRIM", key(), 0, 4);
      }
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["e11", "e10", "e9", "e8", "e7"]);
      expect(await r("LINDEX", key(), 4)).toEqual("e7");
    },
  },
  {
    name: "LSET after LINSERT and LREM hits the right element",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "d", "e", "f");
      await r("LINSERT", key(), "BEFORE", "e", "x");
      await r("LREM", key(), 1, "b");
      expect(await r("LSET", key(), 3, "X")).toEqual("OK");
      expect(await r("LSET", key(), 0, "A")).toEqual("OK");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["A", "c", "d", "X", "e", "f"]);
    },
  },
  {
    name: "64-bit extremes for indexes, counts and options",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "a");
      expect(await r("LPOS", key(), "a", "COUNT", "9223372036854775807")).toEqual([0, 2]);
      expect(await r("LPOS", key(), "a", "COUNT", "9223372036854775807", "MAXLEN", "9223372036854775807")).toEqual([0, 2]);
      expect(await r("LREM", key(), "9223372036854775807", "zz")).toEqual(0);
      expect(await r("LREM", key(), "-9223372036854775808", "zz")).toEqual(0);
      expect(await r("LINDEX", key(), "9223372036854775807")).toEqual(null);
      expect(await r("LSET", key(), "-9223372036854775808", "x")).toEqual(error("ERR index out of range"));
      expect(await r("LMPOP", 1, key(), "RIGHT", "COUNT", "9223372036854775807")).toEqual([key(), ["a", "b", "a"]]);
    },
  },
  {
    name: "LMPOP across shards pops from the first non-empty list (gathered)",
    only: "sharded",
    async run(c) {
      const [a, b] = onTwoShards(c);
      await c.r("RPUSH", a, "x", "y");
      expect(await c.r("LMPOP", 2, b, a, "LEFT")).toEqual([a, ["x"]]);
      expect(await c.r("LRANGE", a, 0, -1)).toEqual(["y"]);
      expect(await c.r("EXISTS", b)).toEqual(0);
    },
  },
];
