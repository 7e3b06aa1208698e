/**
 * Sorted set commands, named after Redis's own tests where one fits. Expectations come from a
 * real redis-server 7.0 (the reference target runs every case). This file: one-key reads,
 * writes, ranges and removals; zsets-multi.ts: pops, random members, set algebra, stores,
 * ZSCAN, types and routing.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { MINMAX_FLOAT, MINMAX_LEX, NOT_FLOAT, NOT_INT, SYNTAX, abcde, lex } from "./zsets-helpers";
import { zsetMultiKeyCases } from "./zsets-multi";

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
      await r("ZADD", key(), "1.00000762939453125", "n", "-1.00000762939453125", "o", "-2.5e-7", "p", "4.9e-324", "q");
      const scores = await r("ZMSCORE", key(), "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q");
      expect(scores).toEqual([
        "0.10000000000000001", "1e+20", "1.0000000000000001e-05", "1.2345678901234567e+19", "1.5", "0", "3",
        "1e+18", "inf", "-inf", "inf", "1.0000000000000002", "0.29999999999999999",
        "1.0000076293945312", "-1.0000076293945312", "-2.4999999999999999e-07", "4.9406564584124654e-324",
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
  ...zsetMultiKeyCases,
]);
