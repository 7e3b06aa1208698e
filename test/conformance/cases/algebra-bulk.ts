/**
 * Set and sorted set algebra as it runs in SQL (store/zset-algebra.ts, store/sets.ts), at its
 * edges: weights and scores at infinity, NaN products, ties of 0 and -0, the order Redis takes
 * its inputs in (smallest first, stably), duplicate inputs, destinations that are sources or of
 * another type, plain sets among sorted sets, empty and missing inputs, more inputs than one
 * statement joins, and sets of a few thousand members built by a script, whose stored results
 * (and their order-statistics trees, built in bulk) are read back by rank.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";
import { WRONGTYPE, sorted } from "./common";

/** ZADD of members m:from … m:to with score i × mul + add, in one script. */
async function zfill(r: Call, key: string, from: number, to: number, mul = 1, add = 0): Promise<void> {
  const script = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('ZADD', KEYS[1], i * tonumber(ARGV[3]) + tonumber(ARGV[4]), 'm:' .. i) end";
  await r("EVAL", script, 1, key, from, to, mul, add);
}

/** SADD of members m:from … m:to, in one script. */
async function sfill(r: Call, key: string, from: number, to: number): Promise<void> {
  await r("EVAL", "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('SADD', KEYS[1], 'm:' .. i) end", 1, key, from, to);
}

/** A model's members as ZRANGE … WITHSCORES replies them: by score, then member bytes. */
function rangeOf(model: Map<string, number>): string[] {
  const byOrder = [...model.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return byOrder.flatMap(([m, s]) => [m, String(s)]);
}

/** Checks a stored sorted set against its model by rank: ZCARD, ZRANGE windows, ZRANK, ZREVRANK. */
async function checkByRank(r: Call, key: string, model: Map<string, number>): Promise<void> {
  const all = rangeOf(model);
  const n = model.size;
  expect(await r("ZCARD", key)).toEqual(n);
  expect(await r("ZRANGE", key, 0, -1, "WITHSCORES")).toEqual(all);
  for (const at of [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 10]) {
    expect(await r("ZRANGE", key, at, at + 9, "WITHSCORES")).toEqual(all.slice(2 * at, 2 * at + 20));
    const member = all[2 * at]!;
    expect(await r("ZRANK", key, member)).toEqual(at);
    expect(await r("ZREVRANK", key, member)).toEqual(n - 1 - at);
  }
}

export const algebraBulkCases = defineCases("algebra-bulk", [
  {
    name: "weights at infinity: a zero score times inf counts 0, and sums of inf and -inf are 0",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 0, "y", -2, "z");
      await r("ZADD", key("b"), 3, "x", "inf", "w");
      expect(await r("ZUNION", 2, key("a"), key("b"), "WEIGHTS", "inf", 1, "WITHSCORES")).toEqual(["z", "-inf", "y", "0", "w", "inf", "x", "inf"]);
      expect(await r("ZUNION", 2, key("a"), key("b"), "WEIGHTS", 0, 0, "WITHSCORES")).toEqual(["w", "0", "x", "0", "y", "0", "z", "-0"]);
      expect(await r("ZUNION", 2, key("a"), key("b"), "WEIGHTS", "-inf", 0, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["w", "0", "x", "0", "y", "0", "z", "inf"]);
      expect(await r("ZINTER", 2, key("a"), key("b"), "WEIGHTS", "inf", "-inf", "WITHSCORES")).toEqual(["x", "0"]);
      expect(await r("ZUNIONSTORE", key("d"), 2, key("a"), key("b"), "WEIGHTS", "inf", "-inf")).toEqual(4);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["w", "-inf", "z", "-inf", "x", "0", "y", "0"]);
    },
  },
  {
    name: "inputs are folded smallest first, inputs of one size in argument order",
    async run({ r, key }) {
      await r("ZADD", key("A"), "inf", "m");
      await r("ZADD", key("B"), "-inf", "m");
      await r("ZADD", key("C"), 5, "m");
      // inf + -inf = 0 (then + 5), against inf + 5 + -inf = 0 and so on: the order decides.
      expect(await r("ZUNION", 3, key("A"), key("B"), key("C"), "WITHSCORES")).toEqual(["m", "5"]);
      expect(await r("ZUNION", 3, key("A"), key("C"), key("B"), "WITHSCORES")).toEqual(["m", "0"]);
      expect(await r("ZINTER", 3, key("A"), key("B"), key("C"), "WITHSCORES")).toEqual(["m", "5"]);
      expect(await r("ZINTER", 3, key("C"), key("A"), key("B"), "WITHSCORES")).toEqual(["m", "0"]);
      // A grows to two members: B and C (one each) come first, whatever the argument order.
      await r("ZADD", key("A"), 1, "a");
      expect(await r("ZUNION", 3, key("A"), key("B"), key("C"), "WITHSCORES")).toEqual(["m", "0", "a", "1"]);
      expect(await r("ZUNIONSTORE", key("d"), 3, key("A"), key("B"), key("C"))).toEqual(2);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["m", "0", "a", "1"]);
      expect(await r("ZINTERSTORE", key("d"), 3, key("A"), key("B"), key("C"))).toEqual(1);
      expect(await r("ZSCORE", key("d"), "m")).toEqual("0");
    },
  },
  {
    name: "an intersection's NaN product: SUM becomes 0, MIN and MAX keep what they had; a union counts it 0",
    async run({ r, key }) {
      await r("ZADD", key("a"), 5, "m");
      await r("ZADD", key("b"), "inf", "m", 1, "x");
      const inter = (how: string) => r("ZINTER", 2, key("a"), key("b"), "WEIGHTS", 1, 0, "AGGREGATE", how, "WITHSCORES");
      const union = (how: string) => r("ZUNION", 2, key("a"), key("b"), "WEIGHTS", 1, 0, "AGGREGATE", how, "WITHSCORES");
      expect(await inter("MIN")).toEqual(["m", "5"]);
      expect(await inter("MAX")).toEqual(["m", "5"]);
      expect(await inter("SUM")).toEqual(["m", "0"]);
      expect(await union("MIN")).toEqual(["m", "0", "x", "0"]);
      expect(await union("MAX")).toEqual(["x", "0", "m", "5"]);
      expect(await union("SUM")).toEqual(["x", "0", "m", "5"]);
      // The smallest input's own NaN product counts 0.
      expect(await r("ZINTER", 2, key("a"), key("b"), "WEIGHTS", 0, 1, "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["m", "0"]);
      await r("ZADD", key("c"), "-inf", "m", 3, "x", 4, "y");
      expect(await r("ZINTER", 3, key("a"), key("b"), key("c"), "WEIGHTS", 1, 0, 1, "WITHSCORES")).toEqual(["m", "-inf"]);
      expect(await r("ZINTER", 3, key("a"), key("b"), key("c"), "WEIGHTS", 1, 0, 1, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["m", "5"]);
      expect(await r("ZINTERSTORE", key("d"), 2, key("a"), key("b"), "WEIGHTS", 1, 0, "AGGREGATE", "MIN")).toEqual(1);
      expect(await r("ZSCORE", key("d"), "m")).toEqual("5");
    },
  },
  {
    name: "zero's sign: replies keep -0, a tie keeps the value already there, stored scores are 0",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 0, "y", -2, "z");
      await r("ZADD", key("c"), 0, "y");
      expect(await r("ZUNION", 1, key("a"), "WEIGHTS", -1, "WITHSCORES")).toEqual(["x", "-1", "y", "-0", "z", "2"]);
      expect(await r("ZUNION", 2, key("a"), key("a"), "WEIGHTS", -1, -1, "WITHSCORES")).toEqual(["x", "-2", "y", "-0", "z", "4"]);
      expect(await r("ZUNION", 2, key("c"), key("a"), "WEIGHTS", -1, 1, "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["z", "-2", "y", "-0", "x", "1"]);
      expect(await r("ZUNION", 2, key("c"), key("a"), "WEIGHTS", 1, -1, "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["x", "-1", "y", "0", "z", "2"]);
      expect(await r("ZUNION", 2, key("c"), key("a"), "WEIGHTS", 1, -1, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["x", "-1", "y", "0", "z", "2"]);
      expect(await r("ZUNION", 2, key("c"), key("a"), "WEIGHTS", -1, 1, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["z", "-2", "y", "-0", "x", "1"]);
      expect(await r("ZINTER", 2, key("c"), key("a"), "WEIGHTS", 0, 1, "WITHSCORES")).toEqual(["y", "0"]);
      expect(await r("ZUNIONSTORE", key("d"), 1, key("a"), "WEIGHTS", -1)).toEqual(3);
      expect(await r("ZSCORE", key("d"), "y")).toEqual("0");
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "-1", "y", "0", "z", "2"]);
    },
  },
  {
    name: "one key given several times, with MIN, MAX and SUM",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 0, "y", -2, "z");
      await r("ZADD", key("b"), 3, "x", "inf", "w");
      expect(await r("ZINTER", 3, key("a"), key("a"), key("a"), "WEIGHTS", 1, 2, 3, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["z", "-2", "y", "0", "x", "3"]);
      expect(await r("ZINTER", 3, key("a"), key("a"), key("a"), "WEIGHTS", 1, 2, 3, "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["z", "-6", "y", "0", "x", "1"]);
      expect(await r("ZUNION", 3, key("a"), key("b"), key("a"), "WEIGHTS", 1, 2, 3, "AGGREGATE", "MIN", "WITHSCORES")).toEqual(["z", "-6", "y", "0", "x", "1", "w", "inf"]);
      expect(await r("ZUNIONSTORE", key("d"), 3, key("a"), key("b"), key("a"), "WEIGHTS", 1, 2, 3)).toEqual(4);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["z", "-8", "y", "0", "x", "10", "w", "inf"]);
      expect(await r("ZINTERCARD", 3, key("a"), key("a"), key("b"))).toEqual(1);
      expect(await r("ZDIFF", 2, key("a"), key("a"))).toEqual([]);
    },
  },
  {
    name: "the destination as one of the sources",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y", 3, "z");
      await r("ZADD", key("b"), 10, "y", 20, "w");
      expect(await r("ZINTERSTORE", key("a"), 2, key("b"), key("a"), "AGGREGATE", "MAX")).toEqual(1);
      expect(await r("ZRANGE", key("a"), 0, -1, "WITHSCORES")).toEqual(["y", "10"]);
      expect(await r("ZUNIONSTORE", key("b"), 2, key("a"), key("b"), "WEIGHTS", 2, 1)).toEqual(2);
      expect(await r("ZRANGE", key("b"), 0, -1, "WITHSCORES")).toEqual(["w", "20", "y", "30"]);
      expect(await r("ZDIFFSTORE", key("b"), 2, key("b"), key("a"))).toEqual(1);
      expect(await r("ZRANGE", key("b"), 0, -1, "WITHSCORES")).toEqual(["w", "20"]);
      expect(await r("ZRANGESTORE", key("b"), key("b"), 0, 0)).toEqual(1);
      expect(await r("ZRANGESTORE", key("b"), key("b"), 1, 2)).toEqual(0);
      expect(await r("EXISTS", key("b"))).toEqual(0);
      expect(await r("ZINTERSTORE", key("a"), 2, key("a"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("a"))).toEqual(0);
    },
  },
  {
    name: "the destination as one of the sources: its TTL goes, its place in the fold stays",
    async run({ r, key }) {
      await r("ZADD", key("A"), "inf", "m");
      await r("ZADD", key("B"), "-inf", "m");
      await r("ZADD", key("C"), 5, "m", 1, "x");
      // C is folded last (it is the largest): inf + -inf = 0, then + 5.
      expect(await r("ZUNIONSTORE", key("C"), 3, key("C"), key("A"), key("B"))).toEqual(2);
      expect(await r("ZRANGE", key("C"), 0, -1, "WITHSCORES")).toEqual(["x", "1", "m", "5"]);
      await r("ZADD", key("C"), 7, "y");
      expect(await r("ZUNIONSTORE", key("C"), 3, key("A"), key("B"), key("C"), "AGGREGATE", "MIN")).toEqual(3);
      expect(await r("ZRANGE", key("C"), 0, -1, "WITHSCORES")).toEqual(["m", "-inf", "x", "1", "y", "7"]);
      await r("ZADD", key("a"), 1, "x", 2, "y", 3, "z");
      await r("ZADD", key("b"), 10, "y", 20, "w");
      await r("EXPIRE", key("a"), 100);
      expect(await r("ZUNIONSTORE", key("a"), 2, key("a"), key("b"), "WEIGHTS", 3, 1, "AGGREGATE", "MAX")).toEqual(4);
      expect(await r("TTL", key("a"))).toEqual(-1);
      expect(await r("ZRANGE", key("a"), 0, -1, "WITHSCORES")).toEqual(["x", "3", "z", "9", "y", "10", "w", "20"]);
      expect(await r("ZRANK", key("a"), "y")).toEqual(2);
      await r("EXPIRE", key("a"), 100);
      expect(await r("ZDIFFSTORE", key("a"), 2, key("a"), key("missing"))).toEqual(4);
      expect(await r("TTL", key("a"))).toEqual(-1);
      expect(await r("ZDIFFSTORE", key("a"), 3, key("a"), key("b"), key("missing"))).toEqual(2);
      expect(await r("ZRANGE", key("a"), 0, -1, "WITHSCORES")).toEqual(["x", "3", "z", "9"]);
      await r("SADD", key("s"), "x", "z", "q");
      expect(await r("ZDIFFSTORE", key("a"), 2, key("a"), key("s"))).toEqual(0);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      expect(await r("ZUNIONSTORE", key("s"), 2, key("s"), key("b"))).toEqual(5);
      expect(await r("ZRANGE", key("s"), 0, -1, "WITHSCORES")).toEqual(["q", "1", "x", "1", "z", "1", "y", "10", "w", "20"]);
    },
  },
  {
    name: "a destination of another type is replaced (its TTL too); WRONGTYPE of an input writes nothing",
    async run({ r, key }) {
      await r("ZADD", key("a"), 1, "x", 2, "y");
      await r("SET", key("str"), "v");
      await r("RPUSH", key("list"), "1", "2");
      await r("HSET", key("hash"), "f", "v");
      await r("EXPIRE", key("hash"), 100);
      expect(await r("ZUNIONSTORE", key("str"), 1, key("a"))).toEqual(2);
      expect(await r("TYPE", key("str"))).toEqual("zset");
      expect(await r("ZRANGESTORE", key("list"), key("a"), 1, 1)).toEqual(1);
      expect(await r("ZRANGE", key("list"), 0, -1, "WITHSCORES")).toEqual(["y", "2"]);
      expect(await r("ZINTERSTORE", key("hash"), 2, key("a"), key("a"))).toEqual(2);
      expect(await r("TTL", key("hash"))).toEqual(-1);
      expect(await r("ZRANGE", key("hash"), 0, -1, "WITHSCORES")).toEqual(["x", "2", "y", "4"]);
      await r("SET", key("str2"), "v");
      expect(await r("ZDIFFSTORE", key("str2"), 2, key("a"), key("a"))).toEqual(0);
      expect(await r("EXISTS", key("str2"))).toEqual(0);
      expect(await r("ZUNIONSTORE", key("d"), 2, key("a"), key("list"))).toEqual(2);
      expect(await r("ZUNIONSTORE", key("d"), 2, key("a"), key("nostr"), "WEIGHTS", 1)).toEqual(error("ERR syntax error"));
      await r("SET", key("s"), "v");
      expect(await r("ZUNIONSTORE", key("d"), 2, key("a"), key("s"))).toEqual(WRONGTYPE);
      expect(await r("ZINTERSTORE", key("d"), 2, key("s"), key("missing"))).toEqual(WRONGTYPE);
      expect(await r("ZDIFFSTORE", key("d"), 2, key("missing"), key("s"))).toEqual(WRONGTYPE);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "1", "y", "4"]);
    },
  },
  {
    name: "plain sets among sorted sets score 1, weighted like any input",
    async run({ r, key }) {
      await r("ZADD", key("z"), 2, "x", 3, "y", "-inf", "n");
      await r("SADD", key("s"), "x", "q", "n");
      expect(await r("ZUNIONSTORE", key("d"), 3, key("z"), key("s"), key("missing"), "WEIGHTS", 2, 3, 4, "AGGREGATE", "MAX")).toEqual(4);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["n", "3", "q", "3", "x", "4", "y", "6"]);
      expect(await r("ZUNION", 2, key("s"), key("z"), "WEIGHTS", "inf", 1, "WITHSCORES")).toEqual(["n", "0", "y", "3", "q", "inf", "x", "inf"]);
      expect(await r("ZINTER", 2, key("s"), key("z"), "WEIGHTS", 0.5, 1, "WITHSCORES")).toEqual(["n", "-inf", "x", "2.5"]);
      expect(await r("ZINTERSTORE", key("d"), 2, key("s"), key("s"))).toEqual(3);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["n", "2", "q", "2", "x", "2"]);
      expect(await r("ZDIFFSTORE", key("d"), 2, key("s"), key("z"))).toEqual(1);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["q", "1"]);
      expect(await r("ZDIFF", 2, key("z"), key("s"), "WITHSCORES")).toEqual(["y", "3"]);
      expect(await r("ZINTERCARD", 2, key("z"), key("s"), "LIMIT", 1)).toEqual(1);
      expect(await r("TYPE", key("s"))).toEqual("set");
    },
  },
  {
    name: "empty and missing inputs",
    async run({ r, key }) {
      await r("ZADD", key("d"), 1, "old");
      expect(await r("ZUNIONSTORE", key("d"), 2, key("m1"), key("m2"))).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
      expect(await r("ZUNION", 2, key("m1"), key("m2"), "WITHSCORES")).toEqual([]);
      expect(await r("ZINTER", 1, key("m1"))).toEqual([]);
      expect(await r("ZDIFF", 2, key("m1"), key("m2"))).toEqual([]);
      expect(await r("ZINTERCARD", 2, key("m1"), key("m2"))).toEqual(0);
      await r("ZADD", key("a"), 1, "x");
      await r("ZADD", key("b"), 2, "y");
      expect(await r("ZINTERSTORE", key("d"), 2, key("a"), key("b"))).toEqual(0);
      expect(await r("EXISTS", key("d"))).toEqual(0);
      expect(await r("ZINTERCARD", 2, key("a"), key("b"))).toEqual(0);
      expect(await r("ZDIFFSTORE", key("d"), 3, key("a"), key("m1"), key("b"))).toEqual(1);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "1"]);
      expect(await r("ZUNIONSTORE", key("d"), 3, key("m1"), key("a"), key("m2"), "WEIGHTS", 5, 2, 5)).toEqual(1);
      expect(await r("ZRANGE", key("d"), 0, -1, "WITHSCORES")).toEqual(["x", "2"]);
    },
  },
  {
    name: "forty inputs: more than one statement joins",
    async run({ r, key }) {
      const keys = Array.from({ length: 40 }, (_, i) => key(`i${i}`));
      for (let i = 0; i < 40; i++) await r("ZADD", keys[i]!, i, "all", i, `only${i}`, 100 - i, i % 2 ? "odd" : "even");
      const weights = keys.map((_, i) => (i === 7 ? "inf" : String(i % 3)));
      const union = (await r("ZUNION", 40, ...keys, "WEIGHTS", ...weights, "WITHSCORES")) as string[];
      expect(union.length).toBe(2 * 43);
      expect(union.slice(-6)).toEqual(["all", "inf", "odd", "inf", "only7", "inf"]);
      expect(await r("ZUNIONSTORE", key("d"), 40, ...keys, "WEIGHTS", ...weights, "AGGREGATE", "MIN")).toEqual(43);
      expect(await r("ZSCORE", key("d"), "even")).toEqual("0");
      expect(await r("ZSCORE", key("d"), "only39")).toEqual("0");
      expect(await r("ZINTER", 40, ...keys, "WEIGHTS", ...weights, "WITHSCORES")).toEqual(["all", "inf"]);
      expect(await r("ZINTER", 40, ...keys, "AGGREGATE", "MAX", "WITHSCORES")).toEqual(["all", "39"]);
      expect(await r("ZINTERSTORE", key("d"), 40, ...keys)).toEqual(1);
      expect(await r("ZSCORE", key("d"), "all")).toEqual("780");
      expect(await r("ZINTERCARD", 40, ...keys)).toEqual(1);
      await r("ZADD", keys[39]!, 5, "only0");
      expect(await r("ZDIFF", 40, ...keys, "WITHSCORES")).toEqual([]);
      expect(await r("ZDIFF", 40, keys[1]!, ...keys.slice(2), keys[0]!, "WITHSCORES")).toEqual(["only1", "1"]);
      expect(await r("ZDIFFSTORE", key("d"), 40, keys[1]!, ...keys.slice(2), keys[0]!)).toEqual(1);
      expect(await r("ZRANGE", key("d"), 0, -1)).toEqual(["only1"]);
    },
  },
  {
    name: "set algebra over forty sets, and over a set given twice",
    async run({ r, key }) {
      const keys = Array.from({ length: 40 }, (_, i) => key(`s${i}`));
      for (let i = 0; i < 40; i++) await r("SADD", keys[i]!, "all", `only${i}`, i % 2 ? "odd" : "even");
      expect(sorted(await r("SINTER", ...keys))).toEqual(["all"]);
      expect(((await r("SUNION", ...keys)) as Value[]).length).toBe(43);
      expect(sorted(await r("SDIFF", ...keys))).toEqual(["only0"]);
      expect(await r("SINTERCARD", 40, ...keys)).toEqual(1);
      expect(await r("SUNIONSTORE", key("d"), ...keys, key("missing"))).toEqual(43);
      expect(await r("SINTERSTORE", key("d"), ...keys)).toEqual(1);
      expect(await r("SDIFFSTORE", key("d"), keys[1]!, ...keys.slice(2), keys[0]!)).toEqual(1);
      expect(await r("SMEMBERS", key("d"))).toEqual(["only1"]);
      expect(await r("SUNIONSTORE", keys[0]!, keys[0]!, keys[0]!)).toEqual(3);
      expect(sorted(await r("SMEMBERS", keys[0]!))).toEqual(["all", "even", "only0"]);
      expect(await r("SADD", keys[0]!, "more")).toEqual(1);
      expect(await r("SCARD", keys[0]!)).toEqual(4);
      expect(await r("SDIFF", keys[0]!, keys[0]!)).toEqual([]);
    },
  },
  {
    name: "sorted sets of thousands of members: stores read back by rank, then changed",
    async run({ r, key }) {
      await zfill(r, key("A"), 1, 2000);
      await zfill(r, key("B"), 1001, 3000, 3, -1000);
      const a = (i: number) => i;
      const b = (i: number) => 3 * i - 1000;
      const union = new Map<string, number>();
      for (let i = 1; i <= 3000; i++) union.set(`m:${i}`, (i <= 2000 ? 2 * a(i) : 0) + (i > 1000 ? b(i) : 0));
      expect(await r("ZUNIONSTORE", key("u"), 2, key("A"), key("B"), "WEIGHTS", 2, 1)).toEqual(3000);
      await checkByRank(r, key("u"), union);
      const inter = new Map<string, number>();
      for (let i = 1001; i <= 2000; i++) inter.set(`m:${i}`, Math.min(a(i), b(i)));
      expect(await r("ZINTERSTORE", key("i"), 2, key("B"), key("A"), "AGGREGATE", "MIN")).toEqual(1000);
      await checkByRank(r, key("i"), inter);
      const diff = new Map<string, number>();
      for (let i = 2001; i <= 3000; i++) diff.set(`m:${i}`, b(i));
      expect(await r("ZDIFFSTORE", key("f"), 2, key("B"), key("A"))).toEqual(1000);
      await checkByRank(r, key("f"), diff);
      expect(await r("ZRANGESTORE", key("g"), key("u"), 100, 1599)).toEqual(1500);
      const window = new Map(rangeOf(union).flatMap((v, k, all) => (k % 2 === 0 && k >= 200 && k < 3200 ? [[v, Number(all[k + 1])] as const] : [])));
      await checkByRank(r, key("g"), window);
      // The bulk-built trees take inserts, removals and score changes as any other.
      const changes = "for i = 0, 299 do redis.call('ZADD', KEYS[1], i * 7, 'new:' .. i); redis.call('ZREM', KEYS[1], 'm:' .. (i * 9 + 1)) end";
      await r("EVAL", changes, 1, key("u"));
      for (let i = 0; i < 300; i++) {
        union.set(`new:${i}`, i * 7);
        union.delete(`m:${i * 9 + 1}`);
      }
      await r("ZINCRBY", key("u"), 5000, "m:2999");
      union.set("m:2999", union.get("m:2999")! + 5000);
      await checkByRank(r, key("u"), union);
      expect(await r("ZCOUNT", key("u"), 1000, 2000)).toEqual([...union.values()].filter((s) => s >= 1000 && s <= 2000).length);
      // The destination as a source, at size.
      expect(await r("ZUNIONSTORE", key("A"), 2, key("A"), key("B"))).toEqual(3000);
      expect(await r("ZSCORE", key("A"), "m:1500")).toEqual(String(a(1500) + b(1500)));
      expect(await r("ZRANK", key("A"), "m:3000")).toEqual(2999);
    },
  },
  {
    name: "plain sets of thousands of members in sorted set algebra",
    async run({ r, key }) {
      await sfill(r, key("S"), 1, 2000);
      await zfill(r, key("Z"), 1501, 2500, -1);
      const model = new Map<string, number>();
      for (let i = 1; i <= 2500; i++) model.set(`m:${i}`, (i <= 2000 ? 10 : 0) + (i > 1500 ? -i : 0));
      expect(await r("ZUNIONSTORE", key("d"), 2, key("S"), key("Z"), "WEIGHTS", 10, 1)).toEqual(2500);
      await checkByRank(r, key("d"), model);
      expect(await r("ZINTERCARD", 2, key("Z"), key("S"))).toEqual(500);
      expect(await r("ZINTERCARD", 2, key("Z"), key("S"), "LIMIT", 100)).toEqual(100);
      const inter = (await r("ZINTER", 2, key("Z"), key("S"), "WITHSCORES")) as Value[];
      expect(inter.slice(0, 4)).toEqual(["m:2000", "-1999", "m:1999", "-1998"]);
      expect(await r("ZDIFFSTORE", key("d"), 2, key("S"), key("Z"))).toEqual(1500);
      expect(await r("ZRANGE", key("d"), 0, 1, "WITHSCORES")).toEqual(["m:1", "1", "m:10", "1"]);
    },
  },
  {
    name: "SUNIONSTORE, SINTERSTORE and SDIFFSTORE of thousands of members, onto a source and over another type",
    async run({ r, key }) {
      await sfill(r, key("a"), 1, 2000);
      await sfill(r, key("b"), 1501, 3000);
      await r("SET", key("d"), "string");
      expect(await r("SUNIONSTORE", key("d"), key("a"), key("b"))).toEqual(3000);
      expect(await r("TYPE", key("d"))).toEqual("set");
      expect(await r("SCARD", key("d"))).toEqual(3000);
      expect(await r("SISMEMBER", key("d"), "m:2999")).toEqual(1);
      expect(await r("SINTERSTORE", key("i"), key("b"), key("a"), key("d"))).toEqual(500);
      expect(await r("SINTERCARD", 2, key("a"), key("b"))).toEqual(500);
      expect(await r("SDIFFSTORE", key("a"), key("a"), key("b"))).toEqual(1500);
      expect(await r("SISMEMBER", key("a"), "m:1501")).toEqual(0);
      expect(await r("SISMEMBER", key("a"), "m:1500")).toEqual(1);
      expect(await r("SUNIONSTORE", key("a"), key("a"), key("i"))).toEqual(2000);
      expect(sorted(await r("SRANDMEMBER", key("a"), 2000))).toEqual(sorted(await r("SMEMBERS", key("a"))));
      expect(((await r("SPOP", key("a"), 1999)) as Value[]).length).toBe(1999);
      expect(await r("SCARD", key("a"))).toEqual(1);
      expect(await r("SINTERSTORE", key("a"), key("a"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      const scan: Value[] = [];
      let cursor = "0";
      do {
        const [next, page] = (await r("SSCAN", key("i"), cursor, "COUNT", 300)) as [string, Value[]];
        scan.push(...page);
        cursor = next;
      } while (cursor !== "0");
      expect(new Set(scan).size).toBe(500);
    },
  },
]);
