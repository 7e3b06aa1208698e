/**
 * edgekv's rate limiters (RL.FIXED, RL.SLIDING, RL.LOG, RL.BUCKET, RL.GCRA, RL.LEASE, and
 * redis-cell's CL.THROTTLE): the same replies and errors on every edgekv target. The reference
 * redis-server has none of them, so every case is `edgekv`. Exact timings are tested with a
 * controlled clock in test/workers/ratelimit.test.ts; here a window of 2^40 ms (the largest
 * accepted, about 35 years) keeps every case inside one window whatever the wall clock does.
 */
import { expect } from "vitest";
import { defineCases, error, type Value } from "../harness";

const EDGEKV = "RL.* and CL.THROTTLE are edgekv's rate limiters (CL.THROTTLE as redis-cell's)";
const W = 2 ** 40;

/** The five integers of a decision, with the two times checked for shape and replaced by "t" (or -1). */
function decision(v: Value): Value {
  expect(Array.isArray(v) && v.length === 5).toBe(true);
  const [limited, limit, remaining, retry, reset] = v as number[];
  for (const t of [retry, reset]) expect(t === -1 || (Number.isInteger(t) && t >= 0)).toBe(true);
  return [limited!, limit!, remaining!, retry === -1 ? -1 : "t", reset! > 0 ? "t" : reset!];
}

export const rateLimitCases = defineCases("rate limiting (edgekv only)", [
  {
    name: "RL.FIXED admits up to the limit, then refuses with a retry time; a cost of 0 looks; the state is a counter that expires",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const k = key();
      expect(decision(await r("RL.FIXED", k, 3, W))).toEqual([0, 3, 2, -1, "t"]);
      expect(decision(await r("RL.FIXED", k, 3, W, 2))).toEqual([0, 3, 0, -1, "t"]);
      const refused = (await r("RL.FIXED", k, 3, W)) as number[];
      expect(decision(refused)).toEqual([1, 3, 0, "t", "t"]);
      expect(refused[3]).toEqual(refused[4]);
      expect(decision(await r("RL.FIXED", k, 3, W, 0))).toEqual([0, 3, 0, -1, "t"]);
      expect(await r("GET", k)).toEqual("3");
      expect(await r("TTL", k)).toBeGreaterThan(0);
      // A cost above the capacity is never admitted: no retry time, nothing spent.
      const other = key("other");
      expect(decision(await r("RL.FIXED", other, 3, W, 4))).toEqual([1, 3, 3, -1, 0]);
      expect(await r("EXISTS", other)).toEqual(0);
    },
  },
  {
    name: "RL.SLIDING, RL.BUCKET, RL.GCRA and CL.THROTTLE admit their capacity, then refuse",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const s = key("s");
      expect(decision(await r("RL.SLIDING", s, 2, W))).toEqual([0, 2, 1, -1, "t"]);
      expect(decision(await r("RL.SLIDING", s, 2, W))).toEqual([0, 2, 0, -1, "t"]);
      expect(decision(await r("RL.SLIDING", s, 2, W))).toEqual([1, 2, 0, "t", "t"]);
      const b = key("b");
      expect(decision(await r("RL.BUCKET", b, 2, 1, W))).toEqual([0, 2, 1, -1, "t"]);
      expect(decision(await r("RL.BUCKET", b, 2, 1, W))).toEqual([0, 2, 0, -1, "t"]);
      expect(decision(await r("RL.BUCKET", b, 2, 1, W))).toEqual([1, 2, 0, "t", "t"]);
      // GCRA: max_burst 1 allows 2 at once.
      const g = key("g");
      expect(decision(await r("RL.GCRA", g, 1, 1, W))).toEqual([0, 2, 1, -1, "t"]);
      expect(decision(await r("RL.GCRA", g, 1, 1, W))).toEqual([0, 2, 0, -1, "t"]);
      expect(decision(await r("RL.GCRA", g, 1, 1, W))).toEqual([1, 2, 0, "t", "t"]);
      // CL.THROTTLE: the period in seconds, replies in seconds.
      const c = key("c");
      expect(decision(await r("CL.THROTTLE", c, 0, 1, 1_000_000))).toEqual([0, 1, 0, -1, "t"]);
      const refused = (await r("CL.THROTTLE", c, 0, 1, 1_000_000)) as number[];
      expect(decision(refused)).toEqual([1, 1, 0, "t", "t"]);
      expect(refused[3]).toBeLessThanOrEqual(1_000_000);
      expect(refused[3]).toBeGreaterThan(999_000);
    },
  },
  {
    name: "RL.LOG keeps one sorted-set member per admitted unit and refuses what does not fit",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const l = key();
      expect(decision(await r("RL.LOG", l, 3, W, 2))).toEqual([0, 3, 1, -1, "t"]);
      expect(decision(await r("RL.LOG", l, 3, W, 2))).toEqual([1, 3, 1, "t", "t"]);
      expect(decision(await r("RL.LOG", l, 3, W))).toEqual([0, 3, 0, -1, "t"]);
      expect(await r("TYPE", l)).toEqual("zset");
      expect(await r("ZCARD", l)).toEqual(3);
    },
  },
  {
    name: "RL.LEASE takes a slice of RL.FIXED's budget: the two share one window",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const k = key();
      const first = (await r("RL.LEASE", k, 10, W, 4)) as number[];
      expect(first[0]).toEqual(4);
      expect(first[2]).toEqual(6);
      expect(first[1]).toBeGreaterThan(Date.now() - 60_000);
      expect(decision(await r("RL.FIXED", k, 10, W))).toEqual([0, 10, 5, -1, "t"]);
      expect(await r("RL.LEASE", k, 10, W, 100)).toEqual([5, first[1]!, 0]);
      expect(await r("RL.LEASE", k, 10, W, 0)).toEqual([0, first[1]!, 0]);
      expect(decision(await r("RL.FIXED", k, 10, W))).toEqual([1, 10, 0, "t", "t"]);
      expect(await r("GET", k)).toEqual("10");
    },
  },
  {
    name: "RULE and CACHED name the decision's rule for the counters: the same decisions as without; bad tails refused, nothing spent",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const k = key();
      expect(decision(await r("RL.FIXED", k, 3, W, "RULE", "login"))).toEqual([0, 3, 2, -1, "t"]);
      expect(decision(await r("RL.FIXED", k, 3, W, 1, "RULE", "login", "CACHED", 5))).toEqual([0, 3, 1, -1, "t"]);
      expect(decision(await r("RL.FIXED", k, 3, W, "rule", "login", "cached", 0))).toEqual([0, 3, 0, -1, "t"]);
      expect(decision(await r("RL.FIXED", k, 3, W, "RULE", "login"))).toEqual([1, 3, 0, "t", "t"]);
      const b = key("b");
      for (const tail of [["CACHED", 2], ["RULE"], [1, "BOGUS"], [1, "RULE", "x", 2]]) {
        expect(await r("RL.BUCKET", b, 2, 1, W, ...tail)).toEqual(error("ERR syntax error"));
      }
      expect(await r("RL.BUCKET", b, 2, 1, W, "RULE", "x", "CACHED", -1)).toEqual(error("ERR cached must be a non-negative integer"));
      expect(await r("EXISTS", b)).toEqual(0);
      expect(decision(await r("RL.GCRA", key("g"), 1, 1, W, 2, "RULE", "api"))).toEqual([0, 2, 0, -1, "t"]);
      // CL.THROTTLE takes exactly redis-cell's arguments.
      const c = key("c");
      expect(await r("CL.THROTTLE", c, 0, 1, 1_000_000, 1, "RULE", "x")).toEqual(error("ERR syntax error"));
      expect(await r("EXISTS", c)).toEqual(0);
      // A lease holder reports its own decisions with DECIDED; the grant is as without.
      const l = key("l");
      const lease = (await r("RL.LEASE", l, 10, W, 4, "DECIDED", "login", 3, 1, "DECIDED", "api", 0, 2)) as number[];
      expect([lease[0], lease[2]]).toEqual([4, 6]);
      expect(await r("RL.LEASE", l, 10, W, 1, "DECIDED", "login", -1, 0)).toEqual(error("ERR admitted must be a non-negative integer"));
      expect(await r("RL.LEASE", l, 10, W, 1, "DECIDED", "login", 1)).toEqual(error("ERR syntax error"));
      expect(await r("RL.LEASE", l, 10, W, -1)).toEqual(error("ERR want must be a non-negative integer"));
      expect(await r("GET", l)).toEqual("4");
    },
  },
  {
    name: "bad arguments and foreign state: clear errors, nothing written",
    edgekv: EDGEKV,
    async run({ r, key }) {
      const e = key("e");
      expect(await r("RL.FIXED", e, 0, 1000)).toEqual(error("ERR limit must be a positive integer"));
      expect(await r("RL.FIXED", e, 10, -5)).toEqual(error("ERR window must be a positive integer"));
      expect(await r("RL.FIXED", e, 10, W + 1)).toEqual(error("ERR window must be a positive integer"));
      expect(await r("RL.FIXED", e, "x", 1000)).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("RL.FIXED", e, 10, 1000, -1)).toEqual(error("ERR cost must be a non-negative integer"));
      expect(await r("RL.BUCKET", e, 10, 1)).toEqual(error("ERR wrong number of arguments for 'rl.bucket' command"));
      expect(await r("RL.BUCKET", e, 10, 0, 100)).toEqual(error("ERR refill must be a positive integer"));
      expect(await r("RL.GCRA", e, 1, 0, 1000)).toEqual(error("ERR zero rates are not supported"));
      expect(await r("CL.THROTTLE", e, 1, 1, 0)).toEqual(error("ERR zero rates are not supported"));
      expect(await r("RL.LEASE", e, 10, 1000)).toEqual(error("ERR wrong number of arguments for 'rl.lease' command"));
      expect(await r("EXISTS", e)).toEqual(0);
      const str = key("str");
      await r("SET", str, "hello");
      expect(await r("RL.SLIDING", str, 10, 1000)).toEqual(
        error("ERR the key holds a string that is not this rate limiter's state (was it used with another algorithm?)"),
      );
      expect(await r("RL.FIXED", str, 10, 1000)).toEqual(
        error("ERR the key holds a string that is not this rate limiter's state (was it used with another algorithm?)"),
      );
      expect(await r("GET", str)).toEqual("hello");
      const h = key("h");
      await r("HSET", h, "f", "v");
      expect(await r("RL.BUCKET", h, 10, 1, 100)).toEqual(error("WRONGTYPE Operation against a key holding the wrong kind of value"));
      expect(await r("RL.LOG", h, 10, 1000)).toEqual(error("WRONGTYPE Operation against a key holding the wrong kind of value"));
      expect(await r("HGETALL", h)).toEqual(["f", "v"]);
    },
  },
]);
