/**
 * SORT and SORT_RO over lists, sets and sorted sets (after Redis's tests/unit/sort.tcl).
 * Expectations are redis-server 7.0.15's. Every BY/GET pattern carries the sorted key's hash
 * tag (`key("w_*")`), as a cluster requires; the refusal of other patterns is Redis 7.2's
 * cluster rule, which the standalone reference does not apply (`fromDocs`).
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { NOT_INT, SYNTAX, WRONGTYPE, onTwoShards } from "./common";

const NOT_DOUBLE = error("ERR One or more scores can't be converted into double");
const BY_DENIED = error("ERR BY option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.");
const GET_DENIED = error("ERR GET option of SORT denied in Cluster mode when keys formed by the pattern may be in different slots.");

export const sortCases = defineCases("sort", [
  {
    name: "SORT of a list sorts numerically, ties by the elements' bytes; DESC reverses",
    async run({ r, key }) {
      await r("RPUSH", key(), "3", "10", "1", "2.5", "-inf", "01", "1.0", "1");
      expect(await r("SORT", key())).toEqual(["-inf", "01", "1", "1", "1.0", "2.5", "3", "10"]);
      expect(await r("SORT", key(), "DESC")).toEqual(["10", "3", "2.5", "1.0", "1", "1", "01", "-inf"]);
      expect(await r("SORT", key(), "desc", "ASC")).toEqual(["-inf", "01", "1", "1", "1.0", "2.5", "3", "10"]);
      expect(await r("SORT_RO", key(), "DESC", "LIMIT", 0, 2)).toEqual(["10", "3"]);
    },
  },
  {
    name: "SORT parses scores as strtod: spaces, hex, inf and '' are numbers",
    async run({ r, key }) {
      await r("RPUSH", key(), "", "  +5", "0x10", "0x1p3", "infinity", "-0", "1.", ".5", "1e2");
      expect(await r("SORT", key())).toEqual(["", "-0", ".5", "1.", "  +5", "0x1p3", "0x10", "1e2", "infinity"]);
    },
  },
  {
    name: "SORT refuses scores that are not doubles, NaN or out of range",
    async run({ r, key }) {
      for (const bad of ["a", "5 ", "1_0", "nan", "1e500", "1e-400", "1e-310", "0x", "1e", "+", " "]) {
        await r("DEL", key());
        await r("RPUSH", key(), "1", bad);
        expect(await r("SORT", key())).toEqual(NOT_DOUBLE);
      }
      await r("SET", key("dst"), "kept");
      expect(await r("SORT", key(), "STORE", key("dst"))).toEqual(NOT_DOUBLE);
      expect(await r("GET", key("dst"))).toEqual("kept");
      expect(await r("SORT", key(), "ALPHA")).toEqual([" ", "1"]);
    },
  },
  {
    name: "SORT ALPHA compares bytes",
    async run({ r, key }) {
      await r("RPUSH", key(), "b", "a", "c", "2", "10", "B", "ab");
      expect(await r("SORT", key(), "ALPHA")).toEqual(["10", "2", "B", "a", "ab", "b", "c"]);
      expect(await r("SORT", key(), "ALPHA", "DESC", "LIMIT", 1, 3)).toEqual(["b", "ab", "a"]);
      expect(await r("SORT", key())).toEqual(NOT_DOUBLE);
    },
  },
  {
    name: "SORT LIMIT clamps offset and count as Redis",
    async run({ r, key }) {
      await r("RPUSH", key(), "5", "4", "3", "2", "1");
      expect(await r("SORT", key(), "LIMIT", 1, 2)).toEqual(["2", "3"]);
      expect(await r("SORT", key(), "LIMIT", 0, -5)).toEqual(["1", "2", "3", "4", "5"]);
      expect(await r("SORT", key(), "LIMIT", -3, 2)).toEqual(["1", "2"]);
      expect(await r("SORT", key(), "LIMIT", 3, "9223372036854775807")).toEqual(["4", "5"]);
      expect(await r("SORT", key(), "LIMIT", 5, 1)).toEqual([]);
      expect(await r("SORT", key(), "LIMIT", "9223372036854775807", 1)).toEqual([]);
      expect(await r("SORT", key(), "LIMIT", 2, 0)).toEqual([]);
      expect(await r("SORT", key(), "LIMIT", 0, 1, "LIMIT", 4, 1)).toEqual(["5"]);
      expect(await r("SORT", key(), "LIMIT", "a", 1)).toEqual(NOT_INT);
      expect(await r("SORT", key(), "LIMIT", 0, "9223372036854775808")).toEqual(NOT_INT);
      expect(await r("SORT", key(), "LIMIT", 0)).toEqual(SYNTAX);
      expect(await r("SORT", key(), "LIMIT")).toEqual(SYNTAX);
    },
  },
  {
    name: "SORT BY nosort keeps a list's order (DESC from the tail) and reads only the LIMIT range",
    async run({ r, key }) {
      await r("RPUSH", key(), "c", "a", "b", "d", "e");
      expect(await r("SORT", key(), "BY", "nosort")).toEqual(["c", "a", "b", "d", "e"]);
      expect(await r("SORT", key(), "BY", "nosort", "DESC")).toEqual(["e", "d", "b", "a", "c"]);
      expect(await r("SORT", key(), "BY", "nosort", "LIMIT", 1, 2)).toEqual(["a", "b"]);
      expect(await r("SORT", key(), "BY", "nosort", "DESC", "LIMIT", 1, 2)).toEqual(["d", "b"]);
      expect(await r("SORT", key(), "BY", "nosort", "LIMIT", 4, 10)).toEqual(["e"]);
      expect(await r("SORT", key(), "BY", "nosort", "LIMIT", 5, 10)).toEqual([]);
      expect(await r("SORT", key(), "BY", "nosort", "ALPHA", "DESC")).toEqual(["e", "d", "b", "a", "c"]);
    },
  },
  {
    name: "SORT of a sorted set: by member values, or BY nosort in score order",
    async run({ r, key }) {
      await r("ZADD", key(), 3, "10", 1, "30", 2, "20", 2, "5");
      expect(await r("SORT", key())).toEqual(["5", "10", "20", "30"]);
      expect(await r("SORT", key(), "ALPHA")).toEqual(["10", "20", "30", "5"]);
      expect(await r("SORT", key(), "BY", "nosort")).toEqual(["30", "20", "5", "10"]);
      expect(await r("SORT", key(), "BY", "nosort", "DESC")).toEqual(["10", "5", "20", "30"]);
      expect(await r("SORT", key(), "BY", "nosort", "LIMIT", 1, 2)).toEqual(["20", "5"]);
      expect(await r("SORT", key(), "BY", "nosort", "DESC", "LIMIT", 1, 2)).toEqual(["5", "20"]);
      expect(await r("SORT_RO", key(), "BY", "nosort", "LIMIT", 3, 5)).toEqual(["10"]);
    },
  },
  {
    name: "SORT of a set; BY nosort with STORE sorts ALPHA",
    async run({ r, key }) {
      await r("SADD", key(), "3", "1", "2", "10");
      expect(await r("SORT", key())).toEqual(["1", "2", "3", "10"]);
      expect(await r("SORT", key(), "DESC", "LIMIT", 0, 2)).toEqual(["10", "3"]);
      expect(await r("SORT", key(), "BY", "nosort", "STORE", key("dst"))).toEqual(4);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["1", "10", "2", "3"]);
      expect(await r("SORT", key(), "BY", "nosort", "DESC", "STORE", key("dst"))).toEqual(4);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["3", "2", "10", "1"]);
    },
  },
  {
    name: "SORT BY a pattern: string keys, hash fields, missing keys as 0",
    async run({ r, key }) {
      await r("RPUSH", key(), "a", "b", "c", "d");
      await r("MSET", key("w_a"), "3", key("w_b"), "1", key("w_c"), "2");
      await r("HSET", key("h_a"), "f", "20", "g", "x");
      await r("HSET", key("h_b"), "f", "10");
      await r("HSET", key("h_d"), "f", "-5");
      expect(await r("SORT", key(), "BY", key("w_*"))).toEqual(["d", "b", "c", "a"]);
      expect(await r("SORT", key(), "BY", key("w_*"), "DESC")).toEqual(["a", "c", "b", "d"]);
      expect(await r("SORT", key(), "BY", key("h_*->f"))).toEqual(["d", "c", "b", "a"]);
      expect(await r("SORT", key(), "BY", key("h_*->f"), "LIMIT", 1, 2)).toEqual(["c", "b"]);
      expect(await r("SORT", key(), "BY", key("none_*"))).toEqual(["a", "b", "c", "d"]);
      expect(await r("SORT", key(), "BY", key("h_*->g"))).toEqual(NOT_DOUBLE);
      expect(await r("SORT", key(), "BY", key("h_*->g"), "ALPHA")).toEqual(["b", "c", "d", "a"]);
      // A string key read with ->field, or a hash read as a string, is missing.
      expect(await r("SORT", key(), "BY", key("w_*->f"))).toEqual(["a", "b", "c", "d"]);
      expect(await r("SORT", key(), "BY", key("h_*"), "DESC")).toEqual(["d", "c", "b", "a"]);
    },
  },
  {
    name: "SORT BY ALPHA sorts missing BY values first",
    async run({ r, key }) {
      await r("RPUSH", key(), "1", "2", "3");
      await r("MSET", key("w_1"), "b", key("w_3"), "a");
      expect(await r("SORT", key(), "BY", key("w_*"), "ALPHA")).toEqual(["2", "3", "1"]);
      expect(await r("SORT", key(), "BY", key("w_*"), "ALPHA", "DESC")).toEqual(["1", "3", "2"]);
      expect(await r("SORT", key(), "BY", key("w_*"))).toEqual(NOT_DOUBLE);
    },
  },
  {
    name: "SORT GET: #, string keys, hash fields, nil for missing",
    async run({ r, key }) {
      await r("RPUSH", key(), "2", "1", "3");
      await r("MSET", key("v_1"), "one", key("v_2"), "two");
      await r("HSET", key("h_1"), "f", "F1", "g", "G1");
      await r("HSET", key("h_3"), "f", "F3");
      expect(await r("SORT", key(), "GET", "#")).toEqual(["1", "2", "3"]);
      expect(await r("SORT", key(), "GET", key("v_*"))).toEqual(["one", "two", null]);
      expect(await r("SORT", key(), "GET", "#", "GET", key("v_*"), "GET", key("h_*->f"))).toEqual([
        "1", "one", "F1", "2", "two", null, "3", null, "F3",
      ]);
      expect(await r("SORT", key(), "DESC", "LIMIT", 0, 1, "GET", key("h_*->f"), "GET", key("h_*->g"))).toEqual(["F3", null]);
      // "->" with nothing after it is part of the key name; a key without `*` is never read.
      expect(await r("SORT", key(), "GET", key("h_*->"), "GET", key("v_1"))).toEqual([null, null, null, null, null, null]);
      expect(await r("SORT", key(), "BY", "nosort", "GET", key("v_*"))).toEqual(["two", "one", null]);
    },
  },
  {
    name: "SORT BY and GET together, with STORE writing '' for missing values",
    async run({ r, key }) {
      await r("SADD", key(), "a", "b", "c");
      await r("MSET", key("w_a"), "3", key("w_b"), "1", key("w_c"), "2", key("o_a"), "A", key("o_c"), "C");
      expect(await r("SORT", key(), "BY", key("w_*"), "GET", key("o_*"), "GET", "#")).toEqual([null, "b", "C", "c", "A", "a"]);
      expect(await r("SORT", key(), "BY", key("w_*"), "GET", key("o_*"), "STORE", key("dst"))).toEqual(3);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["", "C", "A"]);
    },
  },
  {
    name: "SORT STORE replaces the destination, drops its TTL, and deletes it for an empty result",
    async run({ r, key }) {
      await r("RPUSH", key(), "3", "1", "2");
      await r("SET", key("dst"), "x", "EX", 100);
      expect(await r("SORT", key(), "STORE", key("dst"))).toEqual(3);
      expect(await r("TYPE", key("dst"))).toEqual("list");
      expect(await r("TTL", key("dst"))).toEqual(-1);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["1", "2", "3"]);
      expect(await r("SORT", key(), "LIMIT", 0, 1, "STORE", key("dst"), "GET", "#", "GET", "#")).toEqual(2);
      expect(await r("LRANGE", key("dst"), 0, -1)).toEqual(["1", "1"]);
      expect(await r("SORT", key(), "LIMIT", 5, 1, "STORE", key("dst"))).toEqual(0);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      await r("SADD", key("dst"), "m");
      expect(await r("SORT", key("missing"), "STORE", key("dst"))).toEqual(0);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      expect(await r("SORT", key(), "STORE", key())).toEqual(3);
      expect(await r("LRANGE", key(), 0, -1)).toEqual(["1", "2", "3"]);
      expect(await r("SORT", key(), "STORE", key("a"), "STORE", key("b"))).toEqual(3);
      expect(await r("EXISTS", key("a"), key("b"))).toEqual(1);
    },
  },
  {
    name: "SORT of a missing key is empty; of another type WRONGTYPE, after the options",
    async run({ r, key }) {
      expect(await r("SORT", key())).toEqual([]);
      expect(await r("SORT_RO", key(), "BY", "nosort", "LIMIT", 0, 1)).toEqual([]);
      await r("SET", key("s"), "1");
      await r("HSET", key("h"), "f", "1");
      expect(await r("SORT", key("s"))).toEqual(WRONGTYPE);
      expect(await r("SORT_RO", key("h"))).toEqual(WRONGTYPE);
      expect(await r("SORT", key("s"), "BOGUS")).toEqual(SYNTAX);
      expect(await r("SORT", key("s"), "LIMIT", "x", 0)).toEqual(NOT_INT);
      await r("SET", key("dst"), "kept");
      expect(await r("SORT", key("s"), "STORE", key("dst"))).toEqual(WRONGTYPE);
      expect(await r("GET", key("dst"))).toEqual("kept");
    },
  },
  {
    name: "SORT syntax: options need their arguments; SORT_RO has no STORE",
    async run({ r, key }) {
      await r("RPUSH", key(), "1");
      expect(await r("SORT")).toEqual(error("ERR wrong number of arguments for 'sort' command"));
      expect(await r("SORT_RO")).toEqual(error("ERR wrong number of arguments for 'sort_ro' command"));
      expect(await r("SORT", key(), "BY")).toEqual(SYNTAX);
      expect(await r("SORT", key(), "GET")).toEqual(SYNTAX);
      expect(await r("SORT", key(), "STORE")).toEqual(SYNTAX);
      expect(await r("SORT_RO", key(), "STORE", key("dst"))).toEqual(SYNTAX);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      expect(await r("SORT", key(), "ALPHA", "alpha", "asc", "by", "nosort", "limit", 0, 1)).toEqual(["1"]);
    },
  },
  {
    name: "SORT STORE to a destination on another shard",
    only: "sharded",
    async run(c) {
      const { r } = c;
      const [src, dst] = onTwoShards(c);
      await r("RPUSH", src, "3", "1", "2");
      expect(await r("SORT", src, "DESC", "STORE", dst)).toEqual(3);
      expect(await r("LRANGE", dst, 0, -1)).toEqual(["3", "2", "1"]);
      expect(await r("SORT", src, "LIMIT", 9, 1, "STORE", dst)).toEqual(0);
      expect(await r("EXISTS", dst)).toEqual(0);
      expect(await r("SORT_RO", src)).toEqual(["1", "2", "3"]);
    },
  },
  {
    name: "SORT BY/GET patterns with the key's hash tag, STORE on another shard",
    only: "sharded",
    async run(c) {
      const { r } = c;
      const [, dst] = onTwoShards(c);
      const src = "{sorttag}:list";
      await r("DEL", src, "{sorttag}:w_a", "{sorttag}:w_b", "{sorttag}:v_a");
      await r("RPUSH", src, "a", "b");
      await r("MSET", "{sorttag}:w_a", "2", "{sorttag}:w_b", "1", "{sorttag}:v_a", "A");
      expect(await r("SORT", src, "BY", "{sorttag}:w_*", "GET", "{sorttag}:v_*", "GET", "#", "STORE", dst)).toEqual(4);
      expect(await r("LRANGE", dst, 0, -1)).toEqual(["", "b", "A", "a"]);
      await r("DEL", src, dst, "{sorttag}:w_a", "{sorttag}:w_b", "{sorttag}:v_a");
    },
  },
  {
    name: "SORT refuses BY/GET patterns whose keys may be in another slot",
    fromDocs: "Redis 7.2 sort.c and tests/unit/sort.tcl 'sort by in cluster mode' (the reference runs standalone)",
    async run({ r, key }) {
      await r("RPUSH", key(), "1", "2");
      expect(await r("SORT", key(), "BY", "w_*")).toEqual(BY_DENIED);
      expect(await r("SORT_RO", key(), "BY", "w_*")).toEqual(BY_DENIED);
      expect(await r("SORT", key(), "GET", "v_*")).toEqual(GET_DENIED);
      expect(await r("SORT", key(), "GET", "#", "GET", "v_*", "STORE", key("dst"))).toEqual(GET_DENIED);
      expect(await r("SORT", key(), "BY", "*{x}")).toEqual(BY_DENIED);
      expect(await r("SORT", key(), "GET", "constant")).toEqual(GET_DENIED);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      // A BY without `*` is not a pattern (nosort); `#` forms no key.
      expect(await r("SORT", key(), "BY", "nosort", "GET", "#", "DESC")).toEqual(["2", "1"]);
      expect(await r("SORT", key(), "BY", `${key("w_*")}`, "GET", key("v_*"))).toEqual([null, null]);
    },
  },
]);
