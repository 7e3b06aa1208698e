/** List commands, checked against redis-server 7.0 (type rules, keyspace commands and edge cases in lists-more.ts). */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { NOT_INT, SYNTAX, WRONGTYPE, NOT_POSITIVE } from "./common";
import { listMoreCases } from "./lists-more";

export const listCases = defineCases("lists", [
  {
    name: "LPUSH and RPUSH build the list in order and answer the length",
    async run({ r, key }) {
      expect(await r("RPUSH", key(), "b", "c")).toEqual(2);
      expect(await r("LPUSH", key(), "a", "z")).toEqual(4);
      expect(await r("RPUSH", key(), "d")).toEqual(5);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["z", "a", "b", "c", "d"]);
      expect(await r("LLEN", key())).toEqual(5);
    },
  },
  {
    name: "LPUSHX and RPUSHX only push onto an existing list",
    async run({ r, key }) {
      expect(await r("LPUSHX", key(), "a")).toEqual(0);
      expect(await r("RPUSHX", key(), "a", "b")).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(0);
      await r("RPUSH", key(), "m");
      expect(await r("LPUSHX", key(), "l", "k")).toEqual(3);
      expect(await r("RPUSHX", key(), "n")).toEqual(4);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["k", "l", "m", "n"]);
    },
  },
  {
    name: "LPOP and RPOP without count",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c");
      expect(await r("LPOP", key())).toEqual("a");
      expect(await r("RPOP", key())).toEqual("c");
      expect(await r("LPOP", key())).toEqual("b");
      expect(await r("LPOP", key())).toEqual(null);
      expect(await r("RPOP", key("missing"))).toEqual(null);
    },
  },
  {
    name: "LPOP and RPOP with count",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "d", "e");
      expect(await r("LPOP", key(), 2)).toEqual(["a", "b"]);
      expect(await r("RPOP", key(), 2)).toEqual(["e", "d"]);
      expect(await r("RPOP", key(), 10)).toEqual(["c"]);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "LPOP with count 0, and with count on a missing key",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("LPOP", key(), 0)).toEqual([]);
      expect(await r("RPOP", key(), 0)).toEqual([]);
      expect(await r("LPOP", key("missing"), 0)).toEqual(null);
      expect(await r("LPOP", key("missing"), 2)).toEqual(null);
      expect(await r("LLEN", key())).toEqual(1);
    },
  },
  {
    name: "LPOP with a negative or invalid count",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("LPOP", key(), -1)).toEqual(NOT_POSITIVE);
      expect(await r("RPOP", key(), "abc")).toEqual(NOT_POSITIVE);
      expect(await r("LPOP", key(), "9223372036854775808")).toEqual(NOT_POSITIVE);
      expect(await r("LPOP", key(), 1, 2)).toEqual(error("ERR wrong number of arguments for 'lpop' command"));
      expect(await r("LPOP", key(), "9223372036854775807")).toEqual(["a"]);
    },
  },
  {
    name: "LLEN of a missing key is 0",
    async run({ r, key }) {
      expect(await r("LLEN", key())).toEqual(0);
    },
  },
  {
    name: "LRANGE with negative and out-of-range indexes",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "d");
      expect(await r("LRANGE", key(), 1, 2)).toEqual(["b", "c"]);
      expect(await r("LRANGE", key(), -3, -2)).toEqual(["b", "c"]);
      expect(await r("LRANGE", key(), -100, 100)).toEqual(["a", "b", "c", "d"]);
      expect(await r("LRANGE", key(), 3, 1)).toEqual([]);
      expect(await r("LRANGE", key(), 4, 10)).toEqual([]);
      expect(await r("LRANGE", key(), 0, -5)).toEqual([]);
      expect(await r("LRANGE", key(), "-9223372036854775808", "9223372036854775807")).toEqual(["a", "b", "c", "d"]);
      expect(await r("LRANGE", key("missing"), 0, -1)).toEqual([]);
      expect(await r("LRANGE", key(), "a", 1)).toEqual(NOT_INT);
    },
  },
  {
    name: "LINDEX with positive and negative indexes",
    async run({ r, key }) {
      await r("LPUSH", key(), "c", "b", "a");
      expect(await r("LINDEX", key(), 0)).toEqual("a");
      expect(await r("LINDEX", key(), 2)).toEqual("c");
      expect(await r("LINDEX", key(), -1)).toEqual("c");
      expect(await r("LINDEX", key(), -3)).toEqual("a");
      expect(await r("LINDEX", key(), 3)).toEqual(null);
      expect(await r("LINDEX", key(), -4)).toEqual(null);
      expect(await r("LINDEX", key("missing"), 0)).toEqual(null);
      expect(await r("LINDEX", key(), "x")).toEqual(NOT_INT);
    },
  },
  {
    name: "LINDEX after pushes at both ends",
    async run({ r, key }) {
      for (let i = 0; i < 10; i++) await r(i % 2 ? "LPUSH" : "RPUSH", key(), String(i));
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["9", "7", "5", "3", "1", "0", "2", "4", "6", "8"]);
      expect(await r("LINDEX", key(), 4)).toEqual("1");
      expect(await r("LINDEX", key(), 5)).toEqual("0");
      expect(await r("LINDEX", key(), -2)).toEqual("6");
    },
  },
  {
    name: "LSET replaces an element",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c");
      expect(await r("LSET", key(), 1, "B")).toEqual("OK");
      expect(await r("LSET", key(), -1, "C")).toEqual("OK");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a", "B", "C"]);
    },
  },
  {
    name: "LSET errors: no such key, index out of range, bad index",
    async run({ r, key }) {
      expect(await r("LSET", key(), 0, "x")).toEqual(error("ERR no such key"));
      await r("RPUSH", key(), "a");
      expect(await r("LSET", key(), 1, "x")).toEqual(error("ERR index out of range"));
      expect(await r("LSET", key(), -2, "x")).toEqual(error("ERR index out of range"));
      expect(await r("LSET", key(), "abc", "x")).toEqual(NOT_INT);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a"]);
    },
  },
  {
    name: "LREM from the head, from the tail and all",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "a", "c", "a", "b", "a");
      expect(await r("LREM", key(), 2, "a")).toEqual(2);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c", "a", "b", "a"]);
      expect(await r("LREM", key(), -1, "b")).toEqual(1);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c", "a", "a"]);
      expect(await r("LREM", key(), 0, "a")).toEqual(2);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c"]);
      expect(await r("LINDEX", key(), 1)).toEqual("c");
      expect(await r("LREM", key(), 0, "zz")).toEqual(0);
    },
  },
  {
    name: "LREM keeps indexes contiguous when it removes many",
    async run({ r, key }) {
      const items: string[] = [];
      for (let i = 0; i < 40; i++) items.push(i % 3 === 0 ? "x" : `v${i}`);
      await r("RPUSH", key(), ...items);
      await r("LPUSH", key(), "x", "head");
      expect(await r("LREM", key(), 0, "x")).toEqual(15);
      const rest = ["head", ...items.filter((v) => v !== "x")];
      expect(await r("LRANGE", key(), 0, -1)).toEqual(rest);
      for (const i of [0, 1, 13, 26]) expect(await r("LINDEX", key(), i)).toEqual(rest[i]);
      expect(await r("LLEN", key())).toEqual(rest.length);
      expect(await r("RPOP", key())).toEqual(rest[rest.length - 1]);
    },
  },
  {
    name: "LREM from the tail near the head keeps order",
    async run({ r, key }) {
      await r("RPUSH", key(), "x", "a", "x", "b", "c", "d", "e", "f", "g");
      expect(await r("LREM", key(), -5, "x")).toEqual(2);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
      expect(await r("LPUSH", key(), "z")).toEqual(8);
      expect(await r("LINDEX", key(), 1)).toEqual("a");
    },
  },
  {
    name: "LREM that empties the list deletes it; missing key and bad count",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "a");
      expect(await r("LREM", key(), 0, "a")).toEqual(2);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("LREM", key("missing"), 1, "a")).toEqual(0);
      expect(await r("LREM", key(), "abc", "a")).toEqual(NOT_INT);
    },
  },
  {
    name: "LTRIM keeps a range",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "d", "e");
      expect(await r("LTRIM", key(), 1, -2)).toEqual("OK");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c", "d"]);
      expect(await r("LTRIM", key(), -100, 100)).toEqual("OK");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c", "d"]);
      expect(await r("LTRIM", key(), 1, 1)).toEqual("OK");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["c"]);
      expect(await r("LPUSH", key(), "x")).toEqual(2);
      expect(await r("LINDEX", key(), 1)).toEqual("c");
    },
  },
  {
    name: "LTRIM to an empty range deletes the list",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b");
      expect(await r("LTRIM", key(), 5, 1)).toEqual("OK");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("LTRIM", key("missing"), 0, 1)).toEqual("OK");
      expect(await r("LTRIM", key(), "a", 1)).toEqual(NOT_INT);
    },
  },
  {
    name: "LINSERT BEFORE and AFTER the first match",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "b", "a");
      expect(await r("LINSERT", key(), "BEFORE", "b", "x")).toEqual(6);
      expect(await r("LINSERT", key(), "after", "a", "y")).toEqual(7);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a", "y", "x", "b", "c", "b", "a"]);
      expect(await r("LINSERT", key(), "AFTER", "c", "z")).toEqual(8);
      expect(await r("LINSERT", key(), "BEFORE", "a", "h")).toEqual(9);
      expect(await r("LINSERT", key(), "AFTER", "a", "t")).toEqual(10);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["h", "a", "t", "y", "x", "b", "c", "z", "b", "a"]);
      for (const [i, v] of [[0, "h"], [6, "c"], [9, "a"], [-3, "z"]] as const) expect(await r("LINDEX", key(), i)).toEqual(v);
    },
  },
  {
    name: "LINSERT: missing pivot, missing key, bad direction",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("LINSERT", key(), "BEFORE", "zz", "x")).toEqual(-1);
      expect(await r("LINSERT", key("missing"), "BEFORE", "a", "x")).toEqual(0);
      expect(await r("EXISTS", key("missing"))).toEqual(0);
      expect(await r("LINSERT", key(), "MIDDLE", "a", "x")).toEqual(SYNTAX);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a"]);
    },
  },
  {
    name: "LPOS finds the first match, RANK picks the nth from either end",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "1", "2", "3", "c", "c");
      expect(await r("LPOS", key(), "c")).toEqual(2);
      expect(await r("LPOS", key(), "c", "RANK", 2)).toEqual(6);
      expect(await r("LPOS", key(), "c", "RANK", -1)).toEqual(7);
      expect(await r("LPOS", key(), "c", "RANK", -3)).toEqual(2);
      expect(await r("LPOS", key(), "c", "RANK", 4)).toEqual(null);
      expect(await r("LPOS", key(), "zz")).toEqual(null);
      expect(await r("LPOS", key(), "c", "RANK", "9223372036854775807")).toEqual(null);
    },
  },
  {
    name: "LPOS COUNT and MAXLEN",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "1", "2", "3", "c", "c");
      expect(await r("LPOS", key(), "c", "COUNT", 2)).toEqual([2, 6]);
      expect(await r("LPOS", key(), "c", "COUNT", 0)).toEqual([2, 6, 7]);
      expect(await r("LPOS", key(), "c", "COUNT", 0, "RANK", -1)).toEqual([7, 6, 2]);
      expect(await r("LPOS", key(), "c", "COUNT", 0, "RANK", 2)).toEqual([6, 7]);
      expect(await r("LPOS", key(), "c", "COUNT", 0, "MAXLEN", 7)).toEqual([2, 6]);
      expect(await r("LPOS", key(), "c", "COUNT", 0, "RANK", -1, "MAXLEN", 2)).toEqual([7, 6]);
      expect(await r("LPOS", key(), "a", "RANK", -1, "MAXLEN", 3)).toEqual(null);
      expect(await r("LPOS", key(), "zz", "COUNT", 0)).toEqual([]);
      expect(await r("LPOS", key("missing"), "a")).toEqual(null);
      expect(await r("LPOS", key("missing"), "a", "COUNT", 0)).toEqual([]);
    },
  },
  {
    name: "LPOS option errors",
    async run({ r, key }) {
      await r("RPUSH", key(), "a");
      expect(await r("LPOS", key(), "a", "RANK", 0)).toEqual(
        error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
      );
      expect(await r("LPOS", key(), "a", "COUNT", -1)).toEqual(error("ERR COUNT can't be negative"));
      expect(await r("LPOS", key(), "a", "MAXLEN", -1)).toEqual(error("ERR MAXLEN can't be negative"));
      expect(await r("LPOS", key(), "a", "RANK", "x")).toEqual(NOT_INT);
      expect(await r("LPOS", key(), "a", "RANK")).toEqual(SYNTAX);
      expect(await r("LPOS", key(), "a", "FOO", 1)).toEqual(SYNTAX);
    },
  },
  {
    name: "LMOVE between two lists, every direction",
    async run({ r, key }) {
      await r("RPUSH", key("src"), "a", "b", "c", "d");
      await r("RPUSH", key("dst"), "x");
      expect(await r("LMOVE", key("src"), key("dst"), "LEFT", "LEFT")).toEqual("a");
      expect(await r("LMOVE", key("src"), key("dst"), "LEFT", "RIGHT")).toEqual("b");
      expect(await r("LMOVE", key("src"), key("dst"), "right", "left")).toEqual("d");
      expect(await r("LMOVE", key("src"), key("dst"), "RIGHT", "RIGHT")).toEqual("c");
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["d", "a", "x", "b", "c"]);
      expect(await r("EXISTS", key("src"))).toEqual(0);
    },
  },
  {
    name: "LMOVE onto a missing destination creates it; missing source is nil",
    async run({ r, key }) {
      await r("RPUSH", key("src"), "a");
      expect(await r("LMOVE", key("src"), key("dst"), "LEFT", "RIGHT")).toEqual("a");
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["a"]);
      expect(await r("LMOVE", key("src"), key("dst"), "LEFT", "RIGHT")).toEqual(null);
      expect(await r("LMOVE", key("src"), key("dst"), "LEFT", "UP")).toEqual(SYNTAX);
    },
  },
  {
    name: "LMOVE a list onto itself rotates it and keeps its TTL",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c");
      expect(await r("LMOVE", key(), key(), "LEFT", "RIGHT")).toEqual("a");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["b", "c", "a"]);
      expect(await r("LMOVE", key(), key(), "RIGHT", "LEFT")).toEqual("a");
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["a", "b", "c"]);
      await r("RPUSH", key("one"), "x");
      await r("EXPIRE", key("one"), 100);
      expect(await r("LMOVE", key("one"), key("one"), "LEFT", "RIGHT")).toEqual("x");
      expect(await r("LRANGE", key("one"), 0, -1)).toEqual(["x"]);
      expect([99, 100]).toContain(await r("TTL", key("one")));
    },
  },
  {
    name: "RPOPLPUSH",
    async run({ r, key }) {
      await r("RPUSH", key("src"), "a", "b");
      expect(await r("RPOPLPUSH", key("src"), key("dst"))).toEqual("b");
      expect(await r("RPOPLPUSH", key("src"), key("dst"))).toEqual("a");
      expect(await r("RPOPLPUSH", key("src"), key("dst"))).toEqual(null);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["a", "b"]);
      expect(await r("RPOPLPUSH", key("dst"), key("dst"))).toEqual("b");
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["b", "a"]);
    },
  },
  {
    name: "LMOVE and RPOPLPUSH with a wrong-type source or destination",
    async run({ r, key }) {
      await r("SET", key("str"), "v");
      await r("RPUSH", key("list"), "a");
      expect(await r("LMOVE", key("list"), key("str"), "LEFT", "RIGHT")).toEqual(WRONGTYPE);
      expect(await r("LMOVE", key("str"), key("list"), "LEFT", "RIGHT")).toEqual(WRONGTYPE);
      expect(await r("RPOPLPUSH", key("list"), key("str"))).toEqual(WRONGTYPE);
      expect(await r("LRANGE", key("list"), 0, -1)).toEqual(["a"]);
      expect(await r("LMOVE", key("missing"), key("str"), "LEFT", "RIGHT")).toEqual(null);
    },
  },
  {
    name: "LMPOP pops from the first non-empty list",
    async run({ r, key }) {
      expect(await r("LMPOP", 2, key("a"), key("b"), "LEFT")).toEqual(null);
      await r("RPUSH", key("b"), "1", "2", "3");
      expect(await r("LMPOP", 2, key("a"), key("b"), "RIGHT", "COUNT", 2)).toEqual([key("b"), ["3", "2"]]);
      await r("RPUSH", key("a"), "x");
      expect(await r("LMPOP", 2, key("a"), key("b"), "left", "count", 5)).toEqual([key("a"), ["x"]]);
      expect(await r("LMPOP", 2, key("a"), key("b"), "LEFT", "COUNT", 5)).toEqual([key("b"), ["1"]]);
      expect(await r("EXISTS", key("a"), key("b"))).toEqual(0);
    },
  },
  {
    name: "LMPOP argument errors",
    async run({ r, key }) {
      expect(await r("LMPOP", 0, key(), "LEFT")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("LMPOP", -1, key(), "LEFT")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("LMPOP", "abc", key(), "LEFT")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("LMPOP", 2, key(), "LEFT")).toEqual(SYNTAX);
      expect(await r("LMPOP", 1, key(), "MIDDLE")).toEqual(SYNTAX);
      expect(await r("LMPOP", 1, key(), "LEFT", "COUNT", 0)).toEqual(error("ERR count should be greater than 0"));
      expect(await r("LMPOP", 1, key(), "LEFT", "COUNT", "abc")).toEqual(error("ERR count should be greater than 0"));
      expect(await r("LMPOP", 1, key(), "LEFT", "COUNT", 1, "COUNT", 2)).toEqual(SYNTAX);
      expect(await r("LMPOP", 1, key(), "LEFT", "FOO")).toEqual(SYNTAX);
      expect(await r("LMPOP", 1, key())).toEqual(error("ERR wrong number of arguments for 'lmpop' command"));
    },
  },
  {
    name: "LMPOP with a wrong-type key before or after a list",
    async run({ r, key }) {
      await r("SET", key("str"), "v");
      await r("RPUSH", key("list"), "1", "2");
      expect(await r("LMPOP", 2, key("str"), key("list"), "LEFT")).toEqual(WRONGTYPE);
      expect(await r("LMPOP", 2, key("list"), key("str"), "LEFT")).toEqual([key("list"), ["1"]]);
    },
  },
  ...listMoreCases,
]);
