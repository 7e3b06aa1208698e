/**
 * Sorted set commands, named after Redis's own tests where one fits. Expectations come from a
 * real redis-server 7.0 (the reference target runs every case).
 */
import { expect } from "vitest";
import { shardOf } from "../../../worker/slot";
import { defineCases, error, type Call, type Value } from "../harness";

const NOT_FLOAT = error("ERR value is not a valid float");
const NOT_INT = error("ERR value is not an integer or out of range");
const MINMAX_FLOAT = error("ERR min or max is not a float");
const MINMAX_LEX = error("ERR min or max not valid string range item");
const SYNTAX = error("ERR syntax error");
const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");

/** a:1 b:2 c:3 d:4 e:5 */
async function abcde(r: Call, k: string): Promise<void> {
  expect(await r("ZADD", k, 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")).toEqual(5);
}

/** Same score, lex order: a b c d e f g. */
async function lex(r: Call, k: string): Promise<void> {
  expect(await r("ZADD", k, 0, "a", 0, "b", 0, "c", 0, "d", 0, "e", 0, "f", 0, "g")).toEqual(7);
}

function sorted(v: Value): Value[] {
  return [...(v as string[])].sort();
}

export const zsetCases = defineCases("zsets", [
  {
    name: "ZADD adds, ZSCORE reads, re-adding counts nothing",
    async run({ r, key }) {
      expect(await r("ZADD", key(), 10, "x", 20, "y")).toEqual(2);
      expect(await r("ZADD", key(), 30, "x", 40, "z")).toEqual(1);
      expect(await r("ZSCORE", key(), "x")).toEqual("30");
      expect(await r("ZSCORE", key(), "nope")).toEqual(null);
      expect(await r("ZSCORE", key("missing"), "x")).toEqual(null);
      expect(await r("TYPE", key())).toEqual("zset");
      expect(await r("ZADD", key(), 1, "a", 2, "a")).toEqual(1);
      expect(await r("ZSCORE", key(), "a")).toEqual("2");
    },
  },
  {
    name: "ZADD CH counts added and changed members",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a", 2, "b");
      expect(await r("ZADD", key(), "CH", 1, "a", 3, "b", 4, "c")).toEqual(2);
      expect(await r("ZADD", key(), "ch", 1, "a")).toEqual(0);
    },
  },
  {
    name: "ZADD NX and XX",
    async run({ r, key }) {
      expect(await r("ZADD", key(), "XX", 1, "a")).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("ZADD", key(), "NX", 1, "a")).toEqual(1);
      expect(await r("ZADD", key(), "NX", 5, "a", 2, "b")).toEqual(1);
      expect(await r("ZSCORE", key(), "a")).toEqual("1");
      expect(await r("ZADD", key(), "XX", "CH", 5, "a", 9, "new")).toEqual(1);
      expect(await r("ZRANGE", key(), 0, -1, "WITHSCORES")).toEqual(["b", "2", "a", "5"]);
    },
  },
  {
    name: "ZADD GT and LT only move scores one way",
    async run({ r, key }) {
      await r("ZADD", key(), 10, "a");
      expect(await r("ZADD", key(), "GT", "CH", 5, "a")).toEqual(0);
      expect(await r("ZADD", key(), "GT", "CH", 15, "a")).toEqual(1);
      expect(await r("ZADD", key(), "LT", "CH", 20, "a")).toEqual(0);
      expect(await r("ZADD", key(), "LT", "CH", 1, "a")).toEqual(1);
      expect(await r("ZADD", key(), "GT", 3, "b")).toEqual(1);
      expect(await r("ZADD", key(), "XX", "GT", "CH", 7, "b", 8, "c")).toEqual(1);
      expect(await r("ZRANGE", key(), 0, -1, "WITHSCORES")).toEqual(["a", "1", "b", "7"]);
    },
  },
  {
    name: "ZADD INCR works like ZINCRBY and answers nil when refused",
    async run({ r, key }) {
      expect(await r("ZADD", key(), "INCR", 2.5, "a")).toEqual("2.5");
      expect(await r("ZADD", key(), "INCR", 2.5, "a")).toEqual("5");
      expect(await r("ZADD", key(), "NX", "INCR", 1, "a")).toEqual(null);
      expect(await r("ZADD", key(), "XX", "INCR", 1, "b")).toEqual(null);
      expect(await r("ZADD", key(), "GT", "INCR", -1, "a")).toEqual(null);
      expect(await r("ZADD", key(), "LT", "INCR", -1, "a")).toEqual("4");
      expect(await r("ZADD", key(), "INCR", 1, "a", 2, "b")).toEqual(error("ERR INCR option supports a single increment-element pair"));
    },
  },
  {
    name: "ZADD option and argument errors change nothing",
    async run({ r, key }) {
      expect(await r("ZADD", key(), "NX", "XX", 1, "a")).toEqual(error("ERR XX and NX options at the same time are not compatible"));
      const gtlt = error("ERR GT, LT, and/or NX options at the same time are not compatible");
      expect(await r("ZADD", key(), "GT", "LT", 1, "a")).toEqual(gtlt);
      expect(await r("ZADD", key(), "GT", "NX", 1, "a")).toEqual(gtlt);
      expect(await r("ZADD", key(), 1, "a", 2)).toEqual(SYNTAX);
      expect(await r("ZADD", key(), "NX", 1)).toEqual(SYNTAX);
      expect(await r("ZADD", key(), 1)).toEqual(error("ERR wrong number of arguments for 'zadd' command"));
      expect(await r("ZADD", key(), 1, "a", "nan", "b")).toEqual(NOT_FLOAT);
      expect(await r("ZADD", key(), 1, "a", "abc", "b")).toEqual(NOT_FLOAT);
      expect(await r("ZADD", key(), "1e400", "a")).toEqual(NOT_FLOAT);
      expect(await r("ZADD", key(), "-1e-400", "a")).toEqual(NOT_FLOAT);
      expect(await r("ZINCRBY", key(), "1e400", "a")).toEqual(NOT_FLOAT);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "ZSCORE formats scores with 17 significant digits",
    async run({ r, key }) {
      await r("ZADD", key(), 0.1, "a", "1e20", "b", "1e-5", "c", "12345678901234567890", "d", "1.5", "e", "-0", "f", "3.0", "g", "1e18", "h");
      await r("ZADD", key(), "inf", "i", "-inf", "j", "+inf", "k", "1.0000000000000002", "l", "0.3", "m");
      const scores = await r("ZMSCORE", key(), "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m");
      expect(scores).toEqual([
        "0.10000000000000001", "1e+20", "1.0000000000000001e-05", "1.2345678901234567e+19", "1.5", "0", "3",
        "1e+18", "inf", "-inf", "inf", "1.0000000000000002", "0.29999999999999999",
      ]);
    },
  },
  {
    name: "ZINCRBY creates, adds, reaches infinity, refuses NaN",
    async run({ r, key }) {
      expect(await r("ZINCRBY", key(), 5, "a")).toEqual("5");
      expect(await r("ZINCRBY", key(), -2.5, "a")).toEqual("2.5");
      expect(await r("ZINCRBY", key(), "inf", "a")).toEqual("inf");
      expect(await r("ZINCRBY", key(), "-inf", "a")).toEqual(error("ERR resulting score is not a number (NaN)"));
      expect(await r("ZADD", key(), "INCR", "-inf", "a")).toEqual(error("ERR resulting score is not a number (NaN)"));
      expect(await r("ZSCORE", key(), "a")).toEqual("inf");
      expect(await r("ZINCRBY", key(), "abc", "a")).toEqual(NOT_FLOAT);
    },
  },
  {
    name: "ZREM removes members and the key with the last one",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a", 2, "b", 3, "c");
      expect(await r("ZREM", key(), "a", "x", "a")).toEqual(1);
      expect(await r("ZCARD", key())).toEqual(2);
      expect(await r("ZREM", key(), "b", "c")).toEqual(2);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("ZREM", key(), "a")).toEqual(0);
    },
  },
  {
    name: "ZMSCORE and ZCARD",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a", 2, "b");
      expect(await r("ZMSCORE", key(), "a", "x", "b")).toEqual(["1", null, "2"]);
      expect(await r("ZMSCORE", key("missing"), "a", "b")).toEqual([null, null]);
      expect(await r("ZCARD", key())).toEqual(2);
      expect(await r("ZCARD", key("missing"))).toEqual(0);
    },
  },
  {
    name: "ZCOUNT with inclusive, exclusive and infinite bounds",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZCOUNT", key(), 2, 4)).toEqual(3);
      expect(await r("ZCOUNT", key(), "(2", 4)).toEqual(2);
      expect(await r("ZCOUNT", key(), "(2", "(4")).toEqual(1);
      expect(await r("ZCOUNT", key(), "-inf", "+inf")).toEqual(5);
      expect(await r("ZCOUNT", key(), 4, 2)).toEqual(0);
      expect(await r("ZCOUNT", key(), "(3", "(3")).toEqual(0);
      expect(await r("ZCOUNT", key(), 3, 3)).toEqual(1);
      expect(await r("ZCOUNT", key(), 2.5, 100)).toEqual(3);
      expect(await r("ZCOUNT", key("missing"), 0, 10)).toEqual(0);
      expect(await r("ZCOUNT", key(), "a", 2)).toEqual(MINMAX_FLOAT);
      expect(await r("ZCOUNT", key(), 1, "(")).toEqual(0);
      expect(await r("ZCOUNT", key(), "(", 1)).toEqual(1);
      expect(await r("ZCOUNT", key(), "1e400", 2)).toEqual(0);
      expect(await r("ZCOUNT", key(), "(nan", 1)).toEqual(MINMAX_FLOAT);
      expect(await r("ZCOUNT", key(), "nan", 1)).toEqual(MINMAX_FLOAT);
    },
  },
  {
    name: "ZLEXCOUNT",
    async run({ r, key }) {
      await lex(r, key());
      expect(await r("ZLEXCOUNT", key(), "-", "+")).toEqual(7);
      expect(await r("ZLEXCOUNT", key(), "[b", "[d")).toEqual(3);
      expect(await r("ZLEXCOUNT", key(), "(b", "(d")).toEqual(1);
      expect(await r("ZLEXCOUNT", key(), "[bb", "+")).toEqual(5);
      expect(await r("ZLEXCOUNT", key(), "+", "-")).toEqual(0);
      expect(await r("ZLEXCOUNT", key(), "[d", "[b")).toEqual(0);
      expect(await r("ZLEXCOUNT", key(), "a", "[b")).toEqual(MINMAX_LEX);
      expect(await r("ZLEXCOUNT", key("missing"), "-", "+")).toEqual(0);
    },
  },
  {
    name: "ZRANGE by rank with negative and out-of-range indices",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["a", "b", "c", "d", "e"]);
      expect(await r("ZRANGE", key(), 1, 2)).toEqual(["b", "c"]);
      expect(await r("ZRANGE", key(), -2, -1)).toEqual(["d", "e"]);
      expect(await r("ZRANGE", key(), -100, 1)).toEqual(["a", "b"]);
      expect(await r("ZRANGE", key(), 3, 100)).toEqual(["d", "e"]);
      expect(await r("ZRANGE", key(), 5, 10)).toEqual([]);
      expect(await r("ZRANGE", key(), 3, 1)).toEqual([]);
      expect(await r("ZRANGE", key(), 0, "9223372036854775807")).toEqual(["a", "b", "c", "d", "e"]);
      expect(await r("ZRANGE", key(), "a", 1)).toEqual(NOT_INT);
      expect(await r("ZRANGE", key("missing"), 0, -1)).toEqual([]);
    },
  },
  {
    name: "ZRANGE WITHSCORES and REV",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANGE", key(), 0, 1, "WITHSCORES")).toEqual(["a", "1", "b", "2"]);
      expect(await r("ZRANGE", key(), 0, 1, "REV")).toEqual(["e", "d"]);
      expect(await r("ZRANGE", key(), -2, -1, "REV", "WITHSCORES")).toEqual(["b", "2", "a", "1"]);
      expect(await r("ZRANGE", key(), 1, 3, "rev")).toEqual(["d", "c", "b"]);
    },
  },
  {
    name: "ZRANGE BYSCORE with LIMIT, REV swaps the bounds",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANGE", key(), 2, 4, "BYSCORE")).toEqual(["b", "c", "d"]);
      expect(await r("ZRANGE", key(), "(1", "+inf", "BYSCORE", "LIMIT", 1, 2)).toEqual(["c", "d"]);
      expect(await r("ZRANGE", key(), "+inf", "(1", "BYSCORE", "REV", "LIMIT", 1, 2, "WITHSCORES")).toEqual(["d", "4", "c", "3"]);
      expect(await r("ZRANGE", key(), 2, 4, "BYSCORE", "REV")).toEqual([]);
      expect(await r("ZRANGE", key(), 4, 2, "BYSCORE", "REV")).toEqual(["d", "c", "b"]);
      expect(await r("ZRANGE", key(), "-inf", "+inf", "BYSCORE", "LIMIT", 3, -1)).toEqual(["d", "e"]);
      expect(await r("ZRANGE", key(), "-inf", "+inf", "BYSCORE", "LIMIT", -1, 2)).toEqual([]);
      expect(await r("ZRANGE", key(), "-inf", "+inf", "BYSCORE", "LIMIT", 10, 2)).toEqual([]);
      expect(await r("ZRANGE", key(), "-inf", "+inf", "BYSCORE", "LIMIT", 0, 0)).toEqual([]);
    },
  },
  {
    name: "ZRANGE BYLEX with REV and LIMIT",
    async run({ r, key }) {
      await lex(r, key());
      expect(await r("ZRANGE", key(), "[b", "(e", "BYLEX")).toEqual(["b", "c", "d"]);
      expect(await r("ZRANGE", key(), "(e", "[b", "BYLEX", "REV")).toEqual(["d", "c", "b"]);
      expect(await r("ZRANGE", key(), "-", "+", "BYLEX", "LIMIT", 2, 3)).toEqual(["c", "d", "e"]);
      expect(await r("ZRANGE", key(), "+", "-", "BYLEX", "REV", "LIMIT", 0, 2)).toEqual(["g", "f"]);
    },
  },
  {
    name: "ZRANGE option errors",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANGE", key(), 0, -1, "LIMIT", 0, 1)).toEqual(
        error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
      );
      expect(await r("ZRANGE", key(), "-", "+", "BYLEX", "WITHSCORES")).toEqual(
        error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
      );
      expect(await r("ZRANGE", key(), 0, -1, "BYSCORE", "BYLEX")).toEqual(SYNTAX);
      expect(await r("ZRANGE", key(), 0, -1, "FOO")).toEqual(SYNTAX);
      expect(await r("ZRANGE", key(), 0, 1, "BYSCORE", "LIMIT", 1)).toEqual(SYNTAX);
      expect(await r("ZRANGE", key(), 0, 1, "BYSCORE", "LIMIT", 1, "x")).toEqual(NOT_INT);
      expect(await r("ZRANGE", key(), "x", 1, "BYSCORE")).toEqual(MINMAX_FLOAT);
      expect(await r("ZRANGE", key(), "x", "+", "BYLEX")).toEqual(MINMAX_LEX);
    },
  },
  {
    name: "ZREVRANGE",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZREVRANGE", key(), 0, 1)).toEqual(["e", "d"]);
      expect(await r("ZREVRANGE", key(), -1, -1, "WITHSCORES")).toEqual(["a", "1"]);
      expect(await r("ZREVRANGE", key(), 0, -1, "BYSCORE")).toEqual(SYNTAX);
    },
  },
  {
    name: "ZRANGEBYSCORE and ZREVRANGEBYSCORE",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANGEBYSCORE", key(), "(1", "(5")).toEqual(["b", "c", "d"]);
      expect(await r("ZRANGEBYSCORE", key(), "-inf", 2, "WITHSCORES")).toEqual(["a", "1", "b", "2"]);
      expect(await r("ZRANGEBYSCORE", key(), "-inf", "+inf", "LIMIT", 1, 2, "WITHSCORES")).toEqual(["b", "2", "c", "3"]);
      expect(await r("ZRANGEBYSCORE", key(), 1, 3, "LIMIT", 1)).toEqual(SYNTAX);
      expect(await r("ZREVRANGEBYSCORE", key(), 4, 2)).toEqual(["d", "c", "b"]);
      expect(await r("ZREVRANGEBYSCORE", key(), 2, 4)).toEqual([]);
      expect(await r("ZREVRANGEBYSCORE", key(), "+inf", "-inf", "LIMIT", 1, 1, "WITHSCORES")).toEqual(["d", "4"]);
      expect(await r("ZRANGEBYSCORE", key(), "a", "b")).toEqual(MINMAX_FLOAT);
    },
  },
  {
    name: "ZRANGEBYLEX and ZREVRANGEBYLEX",
    async run({ r, key }) {
      await lex(r, key());
      expect(await r("ZRANGEBYLEX", key(), "-", "[c")).toEqual(["a", "b", "c"]);
      expect(await r("ZRANGEBYLEX", key(), "(c", "+", "LIMIT", 1, 2)).toEqual(["e", "f"]);
      expect(await r("ZRANGEBYLEX", key(), "[aa", "(d")).toEqual(["b", "c"]);
      expect(await r("ZREVRANGEBYLEX", key(), "[c", "-")).toEqual(["c", "b", "a"]);
      expect(await r("ZREVRANGEBYLEX", key(), "+", "(e", "LIMIT", 0, 1)).toEqual(["g"]);
      expect(await r("ZRANGEBYLEX", key(), "[a", "[z", "LIMIT", 0, -1)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
      expect(await r("ZRANGEBYLEX", key(), "a", "b")).toEqual(MINMAX_LEX);
      expect(await r("ZRANGEBYLEX", key(), "[a", "+", "WITHSCORES")).toEqual(
        error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
      );
    },
  },
  {
    name: "ZRANK and ZREVRANK",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZRANK", key(), "a")).toEqual(0);
      expect(await r("ZRANK", key(), "d")).toEqual(3);
      expect(await r("ZREVRANK", key(), "a")).toEqual(4);
      expect(await r("ZREVRANK", key(), "e")).toEqual(0);
      expect(await r("ZRANK", key(), "nope")).toEqual(null);
      expect(await r("ZREVRANK", key("missing"), "a")).toEqual(null);
    },
  },
  {
    name: "ZREMRANGEBYRANK",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZREMRANGEBYRANK", key(), 1, 2)).toEqual(2);
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["a", "d", "e"]);
      expect(await r("ZREMRANGEBYRANK", key(), -1, -1)).toEqual(1);
      expect(await r("ZREMRANGEBYRANK", key(), 5, 10)).toEqual(0);
      expect(await r("ZREMRANGEBYRANK", key(), "a", 1)).toEqual(NOT_INT);
      expect(await r("ZREMRANGEBYRANK", key(), 0, -1)).toEqual(2);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("ZREMRANGEBYRANK", key(), 0, -1)).toEqual(0);
    },
  },
  {
    name: "ZREMRANGEBYSCORE",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZREMRANGEBYSCORE", key(), "(1", 3)).toEqual(2);
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["a", "d", "e"]);
      expect(await r("ZREMRANGEBYSCORE", key(), 10, 20)).toEqual(0);
      expect(await r("ZREMRANGEBYSCORE", key(), "x", 20)).toEqual(MINMAX_FLOAT);
      expect(await r("ZREMRANGEBYSCORE", key(), "-inf", "+inf")).toEqual(3);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "ZREMRANGEBYLEX",
    async run({ r, key }) {
      await lex(r, key());
      expect(await r("ZREMRANGEBYLEX", key(), "[b", "(e")).toEqual(3);
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["a", "e", "f", "g"]);
      expect(await r("ZREMRANGEBYLEX", key(), "(g", "+")).toEqual(0);
      expect(await r("ZREMRANGEBYLEX", key(), "b", "+")).toEqual(MINMAX_LEX);
      expect(await r("ZREMRANGEBYLEX", key(), "-", "+")).toEqual(4);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "ZPOPMIN and ZPOPMAX",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZPOPMIN", key())).toEqual(["a", "1"]);
      expect(await r("ZPOPMAX", key(), 2)).toEqual(["e", "5", "d", "4"]);
      expect(await r("ZPOPMIN", key(), 0)).toEqual([]);
      expect(await r("ZPOPMIN", key(), -1)).toEqual(error("ERR value is out of range, must be positive"));
      expect(await r("ZPOPMIN", key(), "x")).toEqual(error("ERR value is out of range, must be positive"));
      expect(await r("ZPOPMIN", key(), 10)).toEqual(["b", "2", "c", "3"]);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("ZPOPMIN", key())).toEqual([]);
      expect(await r("ZPOPMAX", key(), 3)).toEqual([]);
    },
  },
  {
    name: "ZMPOP pops from the first non-empty key",
    async run({ r, key }) {
      await r("ZADD", key("b"), 1, "x", 2, "y", 3, "z");
      expect(await r("ZMPOP", 2, key("a"), key("b"), "MIN")).toEqual([key("b"), [["x", "1"]]]);
      expect(await r("ZMPOP", 2, key("a"), key("b"), "MAX", "COUNT", 5)).toEqual([key("b"), [["z", "3"], ["y", "2"]]]);
      expect(await r("EXISTS", key("b"))).toEqual(0);
      expect(await r("ZMPOP", 2, key("a"), key("b"), "MIN")).toEqual(null);
    },
  },
  {
    name: "ZMPOP argument errors",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "x");
      expect(await r("ZMPOP", 0, key(), "MIN")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("ZMPOP", "x", key(), "MIN")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("ZMPOP", 3, key(), "MIN")).toEqual(SYNTAX);
      expect(await r("ZMPOP", 1, key(), "FOO")).toEqual(SYNTAX);
      expect(await r("ZMPOP", 1, key(), "MIN", "COUNT", 0)).toEqual(error("ERR count should be greater than 0"));
      expect(await r("ZMPOP", 1, key(), "MIN", "COUNT", 1, "COUNT", 2)).toEqual(SYNTAX);
      expect(await r("ZCARD", key())).toEqual(1);
    },
  },
  {
    name: "ZRANDMEMBER without count, positive, negative and large counts",
    async run({ r, key }) {
      await abcde(r, key());
      const all = ["a", "b", "c", "d", "e"];
      expect(all).toContain(await r("ZRANDMEMBER", key()));
      expect(await r("ZRANDMEMBER", key("missing"))).toEqual(null);
      expect(await r("ZRANDMEMBER", key("missing"), 3)).toEqual([]);
      expect(await r("ZRANDMEMBER", key(), 0)).toEqual([]);
      const three = (await r("ZRANDMEMBER", key(), 3)) as string[];
      expect(new Set(three).size).toBe(3);
      for (const m of three) expect(all).toContain(m);
      expect(sorted(await r("ZRANDMEMBER", key(), 10))).toEqual(all);
      const many = (await r("ZRANDMEMBER", key(), -20)) as string[];
      expect(many.length).toBe(20);
      for (const m of many) expect(all).toContain(m);
      const ws = (await r("ZRANDMEMBER", key(), 2, "WITHSCORES")) as string[];
      expect(ws.length).toBe(4);
      expect(String(all.indexOf(ws[0]!) + 1)).toEqual(ws[1]);
      expect(await r("ZRANDMEMBER", key(), 1, "FOO")).toEqual(SYNTAX);
      expect(await r("ZRANDMEMBER", key(), "x")).toEqual(NOT_INT);
      expect(await r("ZRANDMEMBER", key(), "-9223372036854775808")).toEqual(
        error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
      );
    },
  },
  {
    name: "ZUNION and ZUNIONSTORE with WEIGHTS and AGGREGATE",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y");
      await r("ZADD", key("b"), 10, "y", 20, "z");
      expect(await r("ZUNION", 2, key("a"), key("b"), "WITHSCORES")).toEqual(["x", "1", "y", "12", "z", "20"]);
      expect(await r("ZUNION", 2, key("a"), key("b"), "WEIGHTS", 2, 0.5, "WITHSCORES")).toEqual(["x", "2", "y", "9", "z", "10"]);
      expect(await r("ZUNION", 2, key("a"), key("b"), "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["x", "1", "y", "2", "z", "20"]);
      expect(await r("ZUNION", 2, key("a"), key("b"), "AGGREGATE", "max")).toEqual(["x", "y", "z"]);
      expect(await r("ZUNIONSTORE", key("d"), 3, key("a"), key("b"), key("missing"))).toEqual(3);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "1", "y", "12", "z", "20"]);
      expect(await r("ZUNION", 1, key("missing"))).toEqual([]);
    },
  },
  {
    name: "ZUNIONSTORE with infinite scores and zero weights",
    async run({ r, key }) {
      await r("ZADD", key("a"), "inf", "x", "-inf", "y", 1, "z");
      await r("ZADD", key("b"), "-inf", "x", "-inf", "y");
      expect(await r("ZUNION", 2, key("a"), key("b"), "WITHSCORES")).toEqual(["y", "-inf", "x", "0", "z", "1"]);
      expect(await r("ZUNIONSTORE", key("d"), 1, key("a"), "WEIGHTS", 0)).toEqual(3);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "0", "y", "0", "z", "0"]);
    },
  },
  {
    name: "ZINTER and ZINTERSTORE",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y", 3, "w");
      await r("ZADD", key("b"), 10, "y", 20, "z", 30, "w");
      expect(await r("ZINTER", 2, key("a"), key("b"), "WITHSCORES")).toEqual(["y", "12", "w", "33"]);
      expect(await r("ZINTER", 2, key("a"), key("b"), "AGGREGATE", "MAX", "WEIGHTS", 1, -1, "WITHSCORES")).toEqual(["y", "2", "w", "3"]);
      expect(await r("ZINTER", 2, key("a"), key("b"), "WEIGHTS", 1, -1, "WITHSCORES")).toEqual(["w", "-27", "y", "-8"]);
      expect(await r("ZINTERSTORE", key("d"), 2, key("a"), key("b"), "AGGREGATE", "MIN")).toEqual(2);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["y", "2", "w", "3"]);
      expect(await r("ZINTER", 2, key("a"), key("missing"))).toEqual([]);
      expect(await r("ZINTERSTORE", key("d"), 2, key("a"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
    },
  },
  {
    name: "ZDIFF and ZDIFFSTORE",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y", 3, "w");
      await r("ZADD", key("b"), 10, "y");
      await r("ZADD", key("c"), 10, "w");
      expect(await r("ZDIFF", 2, key("a"), key("b"), "WITHSCORES")).toEqual(["x", "1", "w", "3"]);
      expect(await r("ZDIFF", 3, key("a"), key("b"), key("c"))).toEqual(["x"]);
      expect(await r("ZDIFF", 2, key("missing"), key("a"))).toEqual([]);
      expect(await r("ZDIFFSTORE", key("d"), 2, key("a"), key("missing"))).toEqual(3);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "1", "y", "2", "w", "3"]);
      expect(await r("ZDIFF", 1, key("a"), "WEIGHTS", 1)).toEqual(SYNTAX);
    },
  },
  {
    name: "ZINTERCARD with LIMIT",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y", 3, "w");
      await r("ZADD", key("b"), 10, "y", 20, "z", 30, "w");
      expect(await r("ZINTERCARD", 2, key("a"), key("b"))).toEqual(2);
      expect(await r("ZINTERCARD", 2, key("a"), key("b"), "LIMIT", 1)).toEqual(1);
      expect(await r("ZINTERCARD", 2, key("a"), key("b"), "LIMIT", 0)).toEqual(2);
      expect(await r("ZINTERCARD", 2, key("a"), key("missing"))).toEqual(0);
      expect(await r("ZINTERCARD", 1, key("a"), "LIMIT", -1)).toEqual(error("ERR LIMIT can't be negative"));
      expect(await r("ZINTERCARD", 0, key("a"))).toEqual(error("ERR at least 1 input key is needed for 'zintercard' command"));
      expect(await r("ZINTERCARD", 3, key("a"), key("b"))).toEqual(SYNTAX);
    },
  },
  {
    name: "set algebra takes plain sets as inputs with score 1",
    async run({ r, key }) {
      await r("SADD", key("s"), "x", "q");
      await r("ZADD", key("z"), 2, "x", 3, "y");
      expect(await r("ZUNION", 2, key("z"), key("s"), "WITHSCORES")).toEqual(["q", "1", "x", "3", "y", "3"]);
      expect(await r("ZINTER", 2, key("z"), key("s"), "WEIGHTS", 1, 10, "WITHSCORES")).toEqual(["x", "12"]);
      expect(await r("ZDIFF", 2, key("s"), key("z"), "WITHSCORES")).toEqual(["q", "1"]);
      expect(await r("ZINTERCARD", 2, key("s"), key("z"))).toEqual(1);
      expect(await r("ZDIFFSTORE", key("d"), 1, key("s"))).toEqual(2);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["q", "1", "x", "1"]);
      expect(await r("ZINTER", 1, key("s"))).toEqual(["q", "x"]);
      expect(await r("ZRANGESTORE", key("d"), key("s"), 0, -1)).toEqual(WRONGTYPE);
      expect(await r("SCARD", key("s"))).toEqual(2);
    },
  },
  {
    name: "set algebra argument errors",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x");
      expect(await r("ZUNIONSTORE", key("d"), 0, key("a"))).toEqual(error("ERR at least 1 input key is needed for 'zunionstore' command"));
      expect(await r("ZUNION", 0, key("a"))).toEqual(error("ERR at least 1 input key is needed for 'zunion' command"));
      expect(await r("ZINTER", -1, key("a"))).toEqual(error("ERR at least 1 input key is needed for 'zinter' command"));
      expect(await r("ZUNION", "x", key("a"))).toEqual(NOT_INT);
      expect(await r("ZUNIONSTORE", key("d"), 2, key("a"))).toEqual(SYNTAX);
      expect(await r("ZUNION", 1, key("a"), "WEIGHTS", "x")).toEqual(error("ERR weight value is not a float"));
      expect(await r("ZUNION", 1, key("a"), "WEIGHTS", 1, 2)).toEqual(SYNTAX);
      expect(await r("ZUNION", 1, key("a"), "AGGREGATE", "AVG")).toEqual(SYNTAX);
      expect(await r("ZINTERSTORE", key("d"), 1, key("a"), "WITHSCORES")).toEqual(SYNTAX);
      expect(await r("EXISTS", key("d"))).toEqual(0);
    },
  },
  {
    name: "Z*STORE replaces a destination of another type, an empty result deletes it",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x");
      await r("SET", key("d"), "string");
      expect(await r("ZUNIONSTORE", key("d"), 1, key("a"))).toEqual(1);
      expect(await r("TYPE", key("d"))).toEqual("zset");
      expect(await r("ZINTERSTORE", key("d"), 2, key("a"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
      expect(await r("ZUNIONSTORE", key("a"), 2, key("a"), key("a"))).toEqual(1);
      expect(await r("ZSCORE", key("a"), "x")).toEqual("2");
    },
  },
  {
    name: "ZRANGESTORE by rank, score and lex",
    async run({ r, key }) {
      await abcde(r, key("src"));
      expect(await r("ZRANGESTORE", key("d"), key("src"), 1, 2)).toEqual(2);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["b", "2", "c", "3"]);
      expect(await r("ZRANGESTORE", key("d"), key("src"), 5, "(3", "BYSCORE", "REV", "LIMIT", 0, 1)).toEqual(1);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["e", "5"]);
      expect(await r("ZRANGESTORE", key("d"), key("src"), "[a", "[b", "BYLEX")).toEqual(2);
      expect(await r("ZRANGESTORE", key("d"), key("src"), 10, 20)).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
      expect(await r("ZRANGESTORE", key("d"), key("src"), 0, -1, "WITHSCORES")).toEqual(SYNTAX);
      expect(await r("ZRANGESTORE", key("d"), key("src"), 0, -1, "LIMIT", 0, 1)).toEqual(
        error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
      );
      expect(await r("ZRANGESTORE", key("src"), key("src"), 0, 0)).toEqual(1);
      expect(await r("ZRANGE", key("src"), 0, -1)).toEqual(["a"]);
    },
  },
  {
    name: "ZSCAN returns a small set in one call",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZSCAN", key(), 0)).toEqual(["0", ["a", "1", "b", "2", "c", "3", "d", "4", "e", "5"]]);
      expect(await r("ZSCAN", key(), 0, "MATCH", "[bd]", "COUNT", 1)).toEqual(["0", ["b", "2", "d", "4"]]);
      expect(await r("ZSCAN", key("missing"), 0)).toEqual(["0", []]);
      expect(await r("ZSCAN", key(), "abc")).toEqual(error("ERR invalid cursor"));
      expect(await r("ZSCAN", key(), 0, "COUNT", 0)).toEqual(SYNTAX);
      expect(await r("ZSCAN", key(), 0, "FOO", 1)).toEqual(SYNTAX);
    },
  },
  {
    name: "ZSCAN walks a big set to cursor 0 and sees every member",
    async run({ r, key }) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 300; i++) args.push(i, `m${i}`);
      expect(await r("ZADD", key(), ...args)).toEqual(300);
      const seen = new Set<string>();
      let cursor = "0";
      let rounds = 0;
      do {
        const [next, items] = (await r("ZSCAN", key(), cursor, "COUNT", 50)) as [string, string[]];
        for (let i = 0; i < items.length; i += 2) {
          seen.add(items[i]!);
          expect(items[i + 1]).toEqual(items[i]!.slice(1));
        }
        cursor = next;
        rounds++;
      } while (cursor !== "0" && rounds < 1000);
      expect(seen.size).toBe(300);
    },
  },
  {
    name: "equal scores order by member bytes",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "b", 1, "B", 1, "ab", 1, "", 1, "a", 0, "z", 1, "é", 1, "a\u0000");
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["z", "", "B", "a", "a\u0000", "ab", "b", "é"]);
      expect(await r("ZRANK", key(), "")).toEqual(1);
      expect(await r("ZRANK", key(), "é")).toEqual(7);
    },
  },
  {
    name: "infinite scores sort at the ends",
    async run({ r, key }) {
      await r("ZADD", key(), "+inf", "top", "-inf", "bottom", 0, "zero", "1e308", "huge");
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["bottom", "zero", "huge", "top"]);
      expect(await r("ZRANGEBYSCORE", key(), "(-inf", "(+inf")).toEqual(["zero", "huge"]);
      expect(await r("ZCOUNT", key(), "-inf", "-inf")).toEqual(1);
      expect(await r("ZRANK", key(), "top")).toEqual(3);
    },
  },
  {
    name: "a sorted set of 1000 members: ranks, ranges and counts",
    async run({ r, key }) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 1000; i++) args.push(i * 2, `m${String(i).padStart(4, "0")}`);
      expect(await r("ZADD", key(), ...args)).toEqual(1000);
      expect(await r("ZCARD", key())).toEqual(1000);
      expect(await r("ZRANK", key(), "m0777")).toEqual(777);
      expect(await r("ZREVRANK", key(), "m0777")).toEqual(222);
      expect(await r("ZRANGE", key(), 500, 502, "WITHSCORES")).toEqual(["m0500", "1000", "m0501", "1002", "m0502", "1004"]);
      expect(await r("ZRANGE", key(), 0, 1, "REV")).toEqual(["m0999", "m0998"]);
      expect(await r("ZCOUNT", key(), 100, "(1100")).toEqual(500);
      expect(await r("ZRANGEBYSCORE", key(), "(1500", "+inf", "LIMIT", 100, 2)).toEqual(["m0851", "m0852"]);
      expect(await r("ZREMRANGEBYRANK", key(), 100, 899)).toEqual(800);
      expect(await r("ZRANK", key(), "m0900")).toEqual(100);
      expect(await r("ZRANGE", key(), 99, 100)).toEqual(["m0099", "m0900"]);
      expect(await r("ZINCRBY", key(), -10000, "m0950")).toEqual("-8100");
      expect(await r("ZRANK", key(), "m0950")).toEqual(0);
      expect(await r("ZCARD", key())).toEqual(200);
    },
  },
  {
    name: "ZADD GT and LT still add new members; NX adds a repeated member once",
    async run({ r, key }) {
      expect(await r("ZADD", key(), "GT", 5, "a", "LT", 6, "b")).toEqual(SYNTAX);
      expect(await r("ZADD", key(), "LT", "CH", 5, "a", 6, "b")).toEqual(2);
      expect(await r("ZADD", key(), "NX", 1, "c", 2, "c")).toEqual(1);
      expect(await r("ZSCORE", key(), "c")).toEqual("1");
      expect(await r("ZADD", key(), "LT", "INCR", 1, "c")).toEqual(null);
      expect(await r("ZADD", key(), "GT", "INCR", "-inf", "a")).toEqual(null);
    },
  },
  {
    name: "ZINCRBY moves a member in rank order",
    async run({ r, key }) {
      await abcde(r, key());
      expect(await r("ZINCRBY", key(), 10, "a")).toEqual("11");
      expect(await r("ZRANK", key(), "a")).toEqual(4);
      expect(await r("ZINCRBY", key(), -8.5, "a")).toEqual("2.5");
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["b", "a", "c", "d", "e"]);
      await r("ZADD", key(), "+inf", "top");
      expect(await r("ZINCRBY", key(), -1, "top")).toEqual("inf");
    },
  },
  {
    name: "ZADD keeps the key's TTL; popping the last member deletes the key",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a");
      expect(await r("EXPIRE", key(), 100)).toEqual(1);
      await r("ZADD", key(), 2, "b");
      expect(await r("TTL", key())).toBeGreaterThan(90);
      expect(await r("ZPOPMAX", key(), 2)).toEqual(["b", "2", "a", "1"]);
      expect(await r("TYPE", key())).toEqual("none");
      expect(await r("TTL", key())).toEqual(-2);
    },
  },
  {
    name: "score ranges with equal and infinite exclusive bounds",
    async run({ r, key }) {
      await r("ZADD", key(), "-inf", "lo", 1, "a", 1, "b", 2, "c", "+inf", "hi");
      expect(await r("ZRANGEBYSCORE", key(), "(1", "(1")).toEqual([]);
      expect(await r("ZRANGEBYSCORE", key(), 1, 1)).toEqual(["a", "b"]);
      expect(await r("ZRANGEBYSCORE", key(), "(-inf", "(+inf", "WITHSCORES")).toEqual(["a", "1", "b", "1", "c", "2"]);
      expect(await r("ZRANGEBYSCORE", key(), "-inf", "-inf")).toEqual(["lo"]);
      expect(await r("ZREVRANGEBYSCORE", key(), "+inf", "(1")).toEqual(["hi", "c"]);
      expect(await r("ZREMRANGEBYSCORE", key(), "(-inf", "(+inf")).toEqual(3);
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["lo", "hi"]);
    },
  },
  {
    name: "lex bounds: empty inclusive and exclusive values",
    async run({ r, key }) {
      await r("ZADD", key(), 0, "", 0, "a", 0, "b");
      expect(await r("ZLEXCOUNT", key(), "[", "+")).toEqual(3);
      expect(await r("ZLEXCOUNT", key(), "(", "+")).toEqual(2);
      expect(await r("ZRANGEBYLEX", key(), "-", "(a")).toEqual([""]);
      expect(await r("ZREVRANGEBYLEX", key(), "(b", "(")).toEqual(["a"]);
      expect(await r("ZRANGEBYLEX", key(), "+", "+")).toEqual([]);
      expect(await r("ZRANGEBYLEX", key(), "-", "-")).toEqual([]);
    },
  },
  {
    name: "lex ranges over 600 members of one score",
    async run({ r, key }) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 600; i++) args.push(0, `k${String(i).padStart(3, "0")}`);
      expect(await r("ZADD", key(), ...args)).toEqual(600);
      expect(await r("ZLEXCOUNT", key(), "[k100", "(k200")).toEqual(100);
      expect(await r("ZLEXCOUNT", key(), "(k100", "+")).toEqual(499);
      expect(await r("ZRANGEBYLEX", key(), "[k1", "+", "LIMIT", 250, 2)).toEqual(["k350", "k351"]);
      expect(await r("ZREVRANGEBYLEX", key(), "(k500", "-", "LIMIT", 10, 1)).toEqual(["k489"]);
      expect(await r("ZREMRANGEBYLEX", key(), "[k000", "(k300")).toEqual(300);
      expect(await r("ZRANGE", key(), 0, 0)).toEqual(["k300"]);
      expect(await r("ZRANK", key(), "k599")).toEqual(299);
    },
  },
  {
    name: "ZPOPMIN and ZPOPMAX on a big set",
    async run({ r, key }) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 400; i++) args.push(i, `p${i}`);
      await r("ZADD", key(), ...args);
      const low = (await r("ZPOPMIN", key(), 150)) as string[];
      expect(low.length).toBe(300);
      expect(low.slice(0, 4)).toEqual(["p0", "0", "p1", "1"]);
      expect(low.slice(-2)).toEqual(["p149", "149"]);
      expect(await r("ZPOPMAX", key(), 2)).toEqual(["p399", "399", "p398", "398"]);
      expect(await r("ZRANK", key(), "p200")).toEqual(50);
      expect(((await r("ZPOPMAX", key(), 1000)) as string[]).length).toBe(496);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "ZRANDMEMBER WITHSCORES keeps each member with its own score",
    async run({ r, key }) {
      await abcde(r, key());
      const many = (await r("ZRANDMEMBER", key(), -30, "WITHSCORES")) as string[];
      expect(many.length).toBe(60);
      for (let i = 0; i < many.length; i += 2) expect(many[i + 1]).toEqual(String("abcde".indexOf(many[i]!) + 1));
      const all = (await r("ZRANDMEMBER", key(), 5, "WITHSCORES")) as string[];
      expect(all.length).toBe(10);
    },
  },
  {
    name: "ZUNIONSTORE and ZDIFFSTORE onto one of their inputs",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y");
      await r("ZADD", key("b"), 5, "y", 7, "z");
      expect(await r("ZUNIONSTORE", key("a"), 2, key("a"), key("b"), "AGGREGATE", "MAX", "WEIGHTS", -1, 1)).toEqual(3);
      expect(await r("ZRANGE", key("a"), 0, -1, "WITHSCORES")).toEqual(["x", "-1", "y", "5", "z", "7"]);
      expect(await r("ZDIFFSTORE", key("b"), 2, key("b"), key("a"))).toEqual(0);
      expect(await r("EXISTS", key("b"))).toEqual(0);
      expect(await r("ZINTERCARD", 1, key("a"))).toEqual(3);
    },
  },
  {
    name: "ZRANGE BYLEX and BYSCORE with LIMIT past the end, REV with offset",
    async run({ r, key }) {
      await lex(r, key());
      expect(await r("ZRANGE", key(), "-", "+", "BYLEX", "LIMIT", 7, 5)).toEqual([]);
      expect(await r("ZRANGE", key(), "+", "-", "BYLEX", "REV", "LIMIT", 5, 5)).toEqual(["b", "a"]);
      expect(await r("ZRANGE", key(), "+inf", "-inf", "BYSCORE", "REV", "LIMIT", 6, 10, "WITHSCORES")).toEqual(["a", "0"]);
      expect(await r("ZRANGE", key(), 0, 0, "BYSCORE", "LIMIT", 2, -5)).toEqual(["c", "d", "e", "f", "g"]);
    },
  },
  {
    name: "ZMSCORE and ZREM with binary-safe members",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a b", 2, "ü", 3, "\u0001x", 4, "line\nbreak");
      expect(await r("ZMSCORE", key(), "a b", "ü", "\u0001x", "line\nbreak", "a")).toEqual(["1", "2", "3", "4", null]);
      expect(await r("ZREM", key(), "ü", "line\nbreak")).toEqual(2);
      expect(await r("ZRANGE", key(), 0, -1)).toEqual(["a b", "\u0001x"]);
    },
  },
  {
    name: "WRONGTYPE for every sorted set command on a string",
    async run({ r, key }) {
      await r("SET", key("s"), "x");
      await r("ZADD", key("z"), 1, "a");
      const s = key("s");
      for (const cmd of [
        ["ZADD", s, 1, "a"], ["ZINCRBY", s, 1, "a"], ["ZREM", s, "a"], ["ZSCORE", s, "a"], ["ZMSCORE", s, "a"],
        ["ZCARD", s], ["ZCOUNT", s, 0, 1], ["ZLEXCOUNT", s, "-", "+"], ["ZRANGE", s, 0, -1], ["ZREVRANGE", s, 0, -1],
        ["ZRANGEBYSCORE", s, 0, 1], ["ZREVRANGEBYSCORE", s, 1, 0], ["ZRANGEBYLEX", s, "-", "+"], ["ZREVRANGEBYLEX", s, "+", "-"],
        ["ZRANK", s, "a"], ["ZREVRANK", s, "a"], ["ZREMRANGEBYRANK", s, 0, 1], ["ZREMRANGEBYSCORE", s, 0, 1],
        ["ZREMRANGEBYLEX", s, "-", "+"], ["ZPOPMIN", s], ["ZPOPMAX", s], ["ZRANDMEMBER", s], ["ZSCAN", s, 0],
        ["ZUNION", 2, key("z"), s], ["ZINTER", 2, key("z"), s], ["ZDIFF", 2, key("z"), s], ["ZINTERCARD", 2, key("z"), s],
        ["ZUNIONSTORE", key("d"), 2, key("z"), s], ["ZRANGESTORE", key("d"), s, 0, -1], ["ZMPOP", 1, s, "MIN"],
      ] as (string | number)[][]) {
        expect([cmd[0], await r(...cmd)]).toEqual([cmd[0], WRONGTYPE]);
      }
      expect(await r("GET", s)).toEqual("x");
      expect(await r("EXISTS", key("d"))).toEqual(0);
    },
  },
  {
    name: "string commands on a sorted set are WRONGTYPE; SET replaces it",
    async run({ r, key }) {
      await r("ZADD", key(), 1, "a", 2, "b");
      expect(await r("GET", key())).toEqual(WRONGTYPE);
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GET", key())).toEqual("v");
      expect(await r("ZCARD", key())).toEqual(WRONGTYPE);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("ZADD", key(), 5, "c")).toEqual(1);
      expect(await r("ZRANGE", key(), 0, -1, "WITHSCORES")).toEqual(["c", "5"]);
    },
  },
  {
    name: "DEL, EXPIRE, RENAME and COPY carry a sorted set's members",
    async run({ r, key }) {
      await abcde(r, key("a"));
      expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
      expect(await r("ZRANGE", key("b"), 0, -1)).toEqual(["a", "b", "c", "d", "e"]);
      expect(await r("COPY", key("b"), key("c"))).toEqual(1);
      expect(await r("ZREM", key("c"), "a")).toEqual(1);
      expect(await r("ZCARD", key("b"))).toEqual(5);
      expect(await r("ZRANK", key("c"), "e")).toEqual(3);
      expect(await r("EXPIRE", key("b"), 100)).toEqual(1);
      expect(await r("DEL", key("b"), key("c"))).toEqual(2);
      expect(await r("ZCARD", key("b"))).toEqual(0);
      expect(await r("ZADD", key("b"), 1, "n")).toEqual(1);
      expect(await r("ZRANGE", key("b"), 0, -1)).toEqual(["n"]);
    },
  },
  {
    name: "wrong arity of sorted set commands",
    async run({ r, key }) {
      for (const [cmd, args] of [
        ["zincrby", [key(), 1]], ["zscore", [key()]], ["zcard", []], ["zcount", [key(), 1]], ["zrange", [key(), 0]],
        ["zrangestore", [key(), key("s"), 0]], ["zunionstore", [key(), 1]], ["zmpop", [1, key()]], ["zrem", [key()]],
        ["zremrangebyrank", [key(), 0]], ["zunion", [1]], ["zscan", [key()]],
      ] as [string, (string | number)[]][]) {
        expect(await r(cmd, ...args)).toEqual(error(`ERR wrong number of arguments for '${cmd}' command`));
      }
    },
  },
  {
    name: "multi-key sorted set commands across shards answer CROSSSLOT",
    only: "sharded",
    async run({ r, spread, target }) {
      const a = spread("a");
      let b = spread("b");
      for (let i = 0; shardOf(a, target.shards) === shardOf(b, target.shards); i++) b = spread(`b${i}`);
      const crossslot = error("CROSSSLOT Keys in request don't hash to the same slot");
      await r("ZADD", a, 1, "x");
      expect(await r("ZUNIONSTORE", b, 1, a)).toEqual(crossslot);
      expect(await r("ZUNION", 2, a, b)).toEqual(crossslot);
      expect(await r("ZRANGESTORE", b, a, 0, -1)).toEqual(crossslot);
      expect(await r("ZMPOP", 2, a, b, "MIN")).toEqual(crossslot);
      expect(await r("ZCARD", a)).toEqual(1);
    },
  },
]);
