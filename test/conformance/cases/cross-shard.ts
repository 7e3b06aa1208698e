/**
 * Multi-key commands whose atomicity Redis guarantees, over keys spread across shards (one
 * node for redis-server; cross-shard transactions for the Worker; one shard for the shard).
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";

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
]);
