/**
 * Multi-key commands whose atomicity Redis guarantees, over keys spread across shards (one
 * node for redis-server; cross-shard transactions for the Worker; one shard for the shard).
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { moveCases } from "./cross-shard-moves";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");

export const crossShardCases = defineCases("cross-shard", [
  {
    name: "MSET and MSETNX over spread keys",
    async run({ r, spread }) {
      const names = "abcdefghij".split("");
      expect(await r("MSET", ...names.flatMap((n) => [spread(n), n]))).toEqual("OK");
      expect(await r("MGET", ...names.map((n) => spread(n)))).toEqual(names);
      expect(await r("MSETNX", spread("k"), "1", spread("l"), "2", spread("a"), "x")).toEqual(0);
      expect(await r("EXISTS", spread("k"), spread("l"))).toEqual(0);
      expect(await r("GET", spread("a"))).toEqual("a");
      expect(await r("MSETNX", spread("k"), "1", spread("l"), "2", spread("m"), "3")).toEqual(1);
      expect(await r("MGET", spread("k"), spread("l"), spread("m"))).toEqual(["1", "2", "3"]);
      expect(await r("MSET", spread("k"), "1", spread("l"))).toEqual(error("ERR wrong number of arguments for 'mset' command"));
    },
  },
  {
    name: "SMOVE over spread keys",
    async run({ r, spread }) {
      for (let i = 0; i < 6; i++) {
        const [src, dst, str] = [spread(`src${i}`), spread(`dst${i}`), spread(`str${i}`)];
        await r("SADD", src, "m", "n");
        await r("SET", str, "x");
        expect(await r("SMOVE", src, dst, "m")).toEqual(1);
        expect(await r("SMOVE", src, dst, "m")).toEqual(0);
        expect(await r("SMEMBERS", dst)).toEqual(["m"]);
        expect(await r("SMOVE", src, str, "n")).toEqual(WRONGTYPE);
        expect(await r("SMOVE", str, dst, "n")).toEqual(WRONGTYPE);
        expect(await r("SMOVE", spread(`none${i}`), str, "n")).toEqual(0);
        expect(await r("SMEMBERS", src)).toEqual(["n"]);
      }
    },
  },
  {
    name: "LMOVE and RPOPLPUSH over spread keys",
    async run({ r, spread }) {
      for (let i = 0; i < 6; i++) {
        const [l, d, str] = [spread(`l${i}`), spread(`d${i}`), spread(`s${i}`)];
        await r("RPUSH", l, "a", "b", "c");
        await r("SET", str, "x");
        expect(await r("LMOVE", l, d, "LEFT", "RIGHT")).toEqual("a");
        expect(await r("LMOVE", l, d, "left", "bogus")).toEqual(error("ERR syntax error"));
        expect(await r("LMOVE", spread(`none${i}`), str, "LEFT", "LEFT")).toEqual(null);
        expect(await r("LMOVE", l, str, "LEFT", "LEFT")).toEqual(WRONGTYPE);
        expect(await r("LMOVE", str, d, "LEFT", "LEFT")).toEqual(WRONGTYPE);
        expect(await r("RPOPLPUSH", l, d)).toEqual("c");
        expect(await r("LRANGE", d, 0, -1)).toEqual(["c", "a"]);
        expect(await r("RPOPLPUSH", l, d)).toEqual("b");
        expect(await r("EXISTS", l)).toEqual(0);
        expect(await r("LMOVE", l, d, "LEFT", "LEFT")).toEqual(null);
        expect(await r("LRANGE", d, 0, -1)).toEqual(["b", "c", "a"]);
      }
    },
  },
  {
    name: "RENAME, RENAMENX and COPY of strings over spread keys",
    async run({ r, spread }) {
      for (let i = 0; i < 6; i++) {
        const [s, d, e, p, q] = [spread(`s${i}`), spread(`d${i}`), spread(`e${i}`), spread(`p${i}`), spread(`q${i}`)];
        await r("SET", s, "v", "PX", 100000);
        expect(await r("RENAME", spread(`none${i}`), d)).toEqual(error("ERR no such key"));
        expect(await r("RENAMENX", spread(`none${i}`), d)).toEqual(error("ERR no such key"));
        expect(await r("COPY", spread(`none${i}`), d)).toEqual(0);
        await r("SET", d, "x");
        expect(await r("RENAMENX", s, d)).toEqual(0);
        expect(await r("COPY", s, d)).toEqual(0);
        expect(await r("COPY", s, d, "REPLACE")).toEqual(1);
        expect(await r("GET", d)).toEqual("v");
        expect(Number(await r("PTTL", d))).toBeGreaterThan(90000);
        expect(await r("RENAME", s, e)).toEqual("OK");
        expect(await r("GET", e)).toEqual("v");
        expect(await r("EXISTS", s)).toEqual(0);
        expect(Number(await r("PTTL", e))).toBeGreaterThan(90000);
        await r("SET", p, "1");
        expect(await r("RENAMENX", p, q)).toEqual(1);
        expect(await r("TTL", q)).toEqual(-1);
        expect(await r("EXISTS", p)).toEqual(0);
      }
    },
  },
  {
    name: "EVAL and EVALSHA over spread KEYS: one atomic run, writes land on each key",
    async run({ r, spread }) {
      const transfer = "local a = redis.call('DECRBY', KEYS[1], ARGV[1]) local b = redis.call('INCRBY', KEYS[2], ARGV[1]) return {a, b}";
      const sha = (await r("SCRIPT", "LOAD", transfer)) as string;
      for (let i = 0; i < 5; i++) {
        const [a, b] = [spread(`a${i}`), spread(`b${i}`)];
        await r("SET", a, "100", "PX", 100000);
        expect(await r("EVAL", transfer, 2, a, b, 30)).toEqual([70, 30]);
        expect(await r("EVALSHA", sha, 2, a, b, 5)).toEqual([65, 35]);
        expect(await r("MGET", a, b)).toEqual(["65", "35"]);
        expect(Number(await r("PTTL", a))).toBeGreaterThan(90000);
        expect(await r("TTL", b)).toEqual(-1);
      }
    },
  },
  {
    name: "EVAL over spread KEYS: collections, deletes, reads, and an error after a write keeps the write",
    async run({ r, spread }) {
      for (let i = 0; i < 5; i++) {
        const [h, l, z, s] = [spread(`h${i}`), spread(`l${i}`), spread(`z${i}`), spread(`s${i}`)];
        await r("HSET", h, "f", "1", "g", "2");
        await r("RPUSH", l, "x", "y");
        await r("ZADD", z, 1, "m", 2.5, "n");
        await r("SET", s, "str");
        const script =
          "redis.call('HINCRBY', KEYS[1], 'f', 10) redis.call('RPUSH', KEYS[2], redis.call('HGET', KEYS[1], 'g')) " +
          "redis.call('ZINCRBY', KEYS[3], 1, 'm') return {redis.call('HGET', KEYS[1], 'f'), redis.call('LLEN', KEYS[2]), redis.call('ZSCORE', KEYS[3], 'm')}";
        expect(await r("EVAL", script, 3, h, l, z)).toEqual(["11", 3, "2"]);
        expect(await r("HGETALL", h)).toEqual(["f", "11", "g", "2"]);
        expect(await r("LRANGE", l, 0, -1)).toEqual(["x", "y", "2"]);
        expect(await r("ZRANGE", z, 0, -1, "WITHSCORES")).toEqual(["m", "2", "n", "2.5"]);
        expect(await r("EVAL", "return {redis.call('LRANGE', KEYS[1], 0, -1), redis.call('GET', KEYS[2])}", 2, l, s)).toEqual([["x", "y", "2"], "str"]);
        expect(await r("EVAL", "redis.call('DEL', KEYS[1]) redis.call('SET', KEYS[2], 'new') return 1", 2, h, s)).toEqual(1);
        expect(await r("EXISTS", h)).toEqual(0);
        expect(await r("GET", s)).toEqual("new");
        const failing = await r("EVAL", "redis.call('LPUSH', KEYS[1], 'w') return redis.call('INCR', KEYS[2])", 2, l, s);
        expect(failing).toEqual(error("ERR value is not an integer or out of range script: 4a1efe3cdeaf67cb5aa9855e4363e667768a1ad9, on @user_script:1."));
        expect(await r("LRANGE", l, 0, 0)).toEqual(["w"]);
        expect(await r("EVAL_RO", "return redis.call('ZCARD', KEYS[1]) + redis.call('LLEN', KEYS[2])", 2, z, l)).toEqual(6);
      }
    },
  },
  {
    name: "S*STORE and Z*STORE over spread keys",
    async run({ r, spread }) {
      for (let i = 0; i < 4; i++) {
        const [a, b, d, z1, z2, zd, str] = [spread(`a${i}`), spread(`b${i}`), spread(`d${i}`), spread(`z1${i}`), spread(`z2${i}`), spread(`zd${i}`), spread(`str${i}`)];
        await r("SADD", a, "1", "2", "3");
        await r("SADD", b, "2", "3", "4");
        await r("SET", d, "old", "EX", 1000);
        expect(await r("SUNIONSTORE", d, a, b)).toEqual(4);
        expect(((await r("SMEMBERS", d)) as string[]).sort()).toEqual(["1", "2", "3", "4"]);
        expect(await r("TTL", d)).toEqual(-1);
        expect(await r("SINTERSTORE", d, a, b)).toEqual(2);
        expect(((await r("SMEMBERS", d)) as string[]).sort()).toEqual(["2", "3"]);
        expect(await r("SDIFFSTORE", d, a, b)).toEqual(1);
        expect(await r("SMEMBERS", d)).toEqual(["1"]);
        expect(await r("SINTERSTORE", d, a, spread(`none${i}`))).toEqual(0);
        expect(await r("EXISTS", d)).toEqual(0);
        await r("SET", str, "x");
        expect(await r("SUNIONSTORE", d, a, str)).toEqual(WRONGTYPE);
        await r("ZADD", z1, 1, "a", 2, "b");
        await r("ZADD", z2, 10, "b", 20, "c");
        expect(await r("ZUNIONSTORE", zd, 2, z1, z2, "WEIGHTS", 1, 2)).toEqual(3);
        expect(await r("ZRANGE", zd, 0, -1, "WITHSCORES")).toEqual(["a", "1", "b", "22", "c", "40"]);
        expect(await r("ZINTERSTORE", zd, 2, z1, z2, "AGGREGATE", "MAX")).toEqual(1);
        expect(await r("ZRANGE", zd, 0, -1, "WITHSCORES")).toEqual(["b", "10"]);
        expect(await r("ZDIFFSTORE", zd, 2, z1, z2)).toEqual(1);
        expect(await r("ZRANGE", zd, 0, -1, "WITHSCORES")).toEqual(["a", "1"]);
        expect(await r("ZRANGESTORE", zd, z2, 0, 0, "REV")).toEqual(1);
        expect(await r("ZRANGE", zd, 0, -1, "WITHSCORES")).toEqual(["c", "20"]);
        expect(await r("ZUNIONSTORE", zd, 2, z1, str)).toEqual(WRONGTYPE);
        expect(await r("ZRANGE", zd, 0, -1, "WITHSCORES")).toEqual(["c", "20"]);
      }
    },
  },
  {
    name: "set and sorted-set algebra, LMPOP, ZMPOP and LCS over spread keys",
    async run({ r, spread }) {
      for (let i = 0; i < 4; i++) {
        const [a, b, z1, z2, l1, l2, s1, s2] = "a b z1 z2 l1 l2 s1 s2".split(" ").map((n) => spread(`${n}${i}`));
        await r("SADD", a!, "1", "2", "3");
        await r("SADD", b!, "2", "3", "4");
        expect(((await r("SINTER", a!, b!)) as string[]).sort()).toEqual(["2", "3"]);
        expect(((await r("SUNION", a!, b!)) as string[]).sort()).toEqual(["1", "2", "3", "4"]);
        expect(await r("SDIFF", a!, b!)).toEqual(["1"]);
        expect(await r("SINTERCARD", 2, a!, b!, "LIMIT", 1)).toEqual(1);
        await r("ZADD", z1!, 1, "a", 2, "b");
        await r("ZADD", z2!, 10, "b", 20, "c");
        expect(await r("ZUNION", 2, z1!, z2!, "WITHSCORES")).toEqual(["a", "1", "b", "12", "c", "20"]);
        expect(await r("ZINTER", 2, z1!, z2!, "WITHSCORES")).toEqual(["b", "12"]);
        expect(await r("ZDIFF", 2, z2!, z1!)).toEqual(["c"]);
        expect(await r("ZINTERCARD", 2, z1!, z2!)).toEqual(1);
        await r("RPUSH", l2!, "p", "q", "r");
        expect(await r("LMPOP", 2, l1!, l2!, "LEFT", "COUNT", 2)).toEqual([l2, ["p", "q"]]);
        expect(await r("LRANGE", l2!, 0, -1)).toEqual(["r"]);
        expect(await r("ZMPOP", 2, spread(`none${i}`), z2!, "MAX")).toEqual([z2, [["c", "20"]]]);
        expect(await r("ZRANGE", z2!, 0, -1)).toEqual(["b"]);
        expect(await r("LMPOP", 2, spread(`none${i}`), spread(`none2${i}`), "LEFT")).toEqual(null);
        await r("SET", s1!, "ohmytext");
        await r("SET", s2!, "mynewtext");
        expect(await r("LCS", s1!, s2!)).toEqual("mytext");
        expect(await r("LCS", s1!, s2!, "LEN")).toEqual(6);
      }
    },
  },
  {
    name: "RENAME, RENAMENX and COPY of collections over spread keys keep contents and expiry",
    async run({ r, spread }) {
      for (let i = 0; i < 4; i++) {
        const [h, l, s, z, d, e, x] = "h l s z d e x".split(" ").map((n) => spread(`${n}${i}`));
        await r("HSET", h!, "f", "1", "g", "2");
        await r("PEXPIRE", h!, 100000);
        await r("RPUSH", l!, "c", "b", "a");
        await r("SADD", s!, "m", "n");
        await r("ZADD", z!, 1.5, "m", "-inf", "n");
        expect(await r("RENAME", h!, d!)).toEqual("OK");
        expect(await r("EXISTS", h!)).toEqual(0);
        expect(await r("HGETALL", d!)).toEqual(["f", "1", "g", "2"]);
        expect(Number(await r("PTTL", d!))).toBeGreaterThan(90000);
        expect(await r("RENAMENX", l!, d!)).toEqual(0);
        expect(await r("RENAMENX", l!, e!)).toEqual(1);
        expect(await r("LRANGE", e!, 0, -1)).toEqual(["c", "b", "a"]);
        expect(await r("COPY", s!, e!)).toEqual(0);
        expect(await r("COPY", s!, e!, "REPLACE")).toEqual(1);
        expect(((await r("SMEMBERS", e!)) as string[]).sort()).toEqual(["m", "n"]);
        expect(((await r("SMEMBERS", s!)) as string[]).sort()).toEqual(["m", "n"]);
        expect(await r("RENAME", z!, x!)).toEqual("OK");
        expect(await r("ZRANGE", x!, 0, -1, "WITHSCORES")).toEqual(["n", "-inf", "m", "1.5"]);
        expect(await r("TTL", x!)).toEqual(-1);
      }
    },
  },
  ...moveCases,
]);
