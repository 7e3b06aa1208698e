/**
 * Sorted set conformance cases, continued from zsets.ts: pops, random members, set algebra and
 * its stores, ZRANGESTORE, ZSCAN, type rules, arity and cross-shard routing.
 */
import { expect } from "vitest";
import { shardOf } from "../../../worker/slot";
import { error, type Case } from "../harness";
import { NOT_INT, SYNTAX, WRONGTYPE, abcde, sorted } from "./zsets-helpers";

export const zsetMultiKeyCases: Case[] = [
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
    name: "multi-key sorted set commands across shards run once over all their keys (gathered)",
    only: "sharded",
    async run({ r, spread, target }) {
      const a = spread("a");
      let b = spread("b");
      for (let i = 0; shardOf(a, target.shards) === shardOf(b, target.shards); i++) b = spread(`b${i}`);
      await r("ZADD", a, 1, "x");
      expect(await r("ZUNIONSTORE", b, 1, a)).toEqual(1);
      expect(await r("ZUNION", 2, a, b, "WITHSCORES")).toEqual(["x", "2"]);
      expect(await r("ZRANGESTORE", b, a, 0, -1)).toEqual(1);
      expect(await r("ZMPOP", 2, a, b, "MIN")).toEqual([a, [["x", "1"]]]);
      expect(await r("ZCARD", a)).toEqual(0);
      expect(await r("ZCARD", b)).toEqual(1);
    },
  },
];
