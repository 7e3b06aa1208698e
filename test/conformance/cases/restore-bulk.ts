/**
 * RESTORE of collections of thousands of elements (written whole: a sorted set's tree built
 * once, the others' rows in batches): what the restored key answers is what the dumped key
 * answers — ranks, ranges and scores of a sorted set with repeated and infinite scores, the
 * members, fields and entries (and a group's pending entries) of the others —
 * before and after they change, over an existing key with REPLACE and with a TTL.
 */
import { expect } from "vitest";
import { defineCases, type Call } from "../harness";
import { sorted } from "./common";

/** The same writes on each key. */
async function onBoth(r: Call, keys: string[], ...argv: (string | number)[]): Promise<void> {
  for (const k of keys) await r(argv[0]!, k, ...argv.slice(1));
}

export const restoreBulkCases = defineCases("restore-bulk", [
  {
    name: "a sorted set of thousands of members restores with its ranks, ranges and scores, then changes as the original",
    async run({ r, rb, key }) {
      const z = key("z");
      const copy = key("copy");
      // Scores repeat (ties ordered by member), some at ±inf, some fractional.
      const script = `for i = 0, tonumber(ARGV[1]) - 1 do
          local s = ((i * 7919) % 1000) - 500 + (i % 3) / 4
          if i % 501 == 0 then s = (i % 2 == 1) and 'inf' or '-inf' end
          redis.call('ZADD', KEYS[1], s, 'm' .. i) end`;
      await r("EVAL", script, 1, z, 3000);
      await r("ZADD", copy, 1, "old");
      const payload = (await rb("DUMP", z)) as Uint8Array;
      expect(await rb("RESTORE", copy, 60_000, payload, "REPLACE")).toEqual("OK");
      expect(await r("PTTL", copy)).toBeGreaterThan(50_000);
      const check = async () => {
        expect(await r("ZCARD", copy)).toEqual(await r("ZCARD", z));
        expect(await r("ZRANGE", copy, 0, -1, "WITHSCORES")).toEqual(await r("ZRANGE", z, 0, -1, "WITHSCORES"));
        const order = (await r("ZRANGE", z, 0, -1)) as string[];
        for (let rank = 0; rank < order.length; rank += 191) {
          expect(await r("ZRANK", copy, order[rank]!)).toEqual(rank);
          expect(await r("ZREVRANK", copy, order[rank]!)).toEqual(order.length - 1 - rank);
          expect(await r("ZSCORE", copy, order[rank]!)).toEqual(await r("ZSCORE", z, order[rank]!));
        }
        for (const [a, b] of [[0, 9], [1495, 1505], [-10, -1]]) expect(await r("ZRANGE", copy, a!, b!, "WITHSCORES")).toEqual(await r("ZRANGE", z, a!, b!, "WITHSCORES"));
        expect(await r("ZRANGE", copy, "(-100", 100, "BYSCORE", "LIMIT", 30, 40)).toEqual(await r("ZRANGE", z, "(-100", 100, "BYSCORE", "LIMIT", 30, 40));
        expect(await r("ZCOUNT", copy, "-inf", "(0")).toEqual(await r("ZCOUNT", z, "-inf", "(0"));
      };
      await check();
      await onBoth(r, [z, copy], "ZADD", 0.5, "fresh", 1e9, "m10", "-inf", "m11");
      await onBoth(r, [z, copy], "ZREM", "m20", "m30", "m1002");
      await onBoth(r, [z, copy], "ZPOPMIN", 7);
      await check();
    },
  },
  {
    name: "a set, a hash and a stream with a consumer group, of thousands of elements each, restore whole",
    async run({ r, rb, key }) {
      const n = 2000;
      const [s, h, x] = [key("s"), key("h"), key("x")];
      await r("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SADD', KEYS[1], 'm' .. ((i * 7) % tonumber(ARGV[1]))) end", 1, s, n);
      await r("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', KEYS[1], 'f' .. i, 'v' .. i) end", 1, h, n);
      await r("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v' .. i) end", 1, x, n);
      await r("XGROUP", "CREATE", x, "g", 0);
      await r("XREADGROUP", "GROUP", "g", "c", "COUNT", 300, "STREAMS", x, ">");
      for (const k of [s, h, x]) expect(await rb("RESTORE", `${k}:2`, 0, (await rb("DUMP", k)) as Uint8Array)).toEqual("OK");
      expect(sorted(await r("SMEMBERS", `${s}:2`))).toEqual(sorted(await r("SMEMBERS", s)));
      expect(await r("SCARD", `${s}:2`)).toEqual(n);
      expect(await r("SISMEMBER", `${s}:2`, (await r("SRANDMEMBER", `${s}:2`)) as string)).toEqual(1);
      expect(((await r("SPOP", `${s}:2`, 5)) as string[]).length).toEqual(5);
      expect(await r("SCARD", `${s}:2`)).toEqual(n - 5);
      expect(await r("HLEN", `${h}:2`)).toEqual(n);
      expect(sorted(await r("HGETALL", `${h}:2`))).toEqual(sorted(await r("HGETALL", h)));
      expect(await r("HGET", `${h}:2`, "f1234")).toEqual("v1234");
      expect(await r("XLEN", `${x}:2`)).toEqual(n);
      expect(await r("XRANGE", `${x}:2`, "-", "+")).toEqual(await r("XRANGE", x, "-", "+"));
      expect(await r("XPENDING", `${x}:2`, "g")).toEqual(await r("XPENDING", x, "g"));
      expect(await r("XADD", `${x}:2`, "*", "f", "new")).toEqual(expect.any(String));
      expect(await r("XLEN", `${x}:2`)).toEqual(n + 1);
    },
  },
]);
