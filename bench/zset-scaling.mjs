/**
 * Sorted-set scaling check (not a test): per-command cost inside one shard against one sorted
 * set of 1k, 100k and 1M members, to show that ranks and rank ranges do not grow with N.
 *
 * Usage: node bench/zset-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000] [--rounds 3]
 *
 * It runs the product's Shard class under bare workerd (the benchmark Worker's EngineShard, see
 * bench/worker.ts): the set is grown with ZADD of 500 members per command, then each command
 * runs `runs` times in a loop inside the object with a random member/rank per run, and the time
 * of that one request is divided by `runs` (one HTTP request and one RPC spread over all runs).
 * Each figure is the best of `rounds` such loops, the one least disturbed by other processes.
 */
import { runScaling, scalingOptions } from "./scaling-common.mjs";

const KEY = "zscale";

/**
 * Commands timed at each size N; "{r}" is a random integer below N, one per run. Member m:i has
 * score i, so rank r is score r: "ZRANGE {r} {r+9}" and "ZRANGEBYSCORE {r} +inf LIMIT 0 10" read
 * ten members from a random rank ("{r+9}" is the run's random integer plus 9).
 */
const OPS = [
  ["ZSCORE", [["ZSCORE", KEY, "m:{r}"]]],
  ["ZRANK", [["ZRANK", KEY, "m:{r}"]]],
  ["ZREVRANK", [["ZREVRANK", KEY, "m:{r}"]]],
  ["ZRANGE rank, 1", [["ZRANGE", KEY, "{r}", "{r}"]]],
  ["ZRANGE rank, 10", [["ZRANGE", KEY, "{r}", "{r+9}"]]],
  ["ZRANGE REV rank, 1", [["ZRANGE", KEY, "{r}", "{r}", "REV"]]],
  ["ZRANGE 0 9 (first 10)", [["ZRANGE", KEY, "0", "9"]]],
  ["ZRANGEBYSCORE LIMIT 10", [["ZRANGEBYSCORE", KEY, "{r}", "+inf", "LIMIT", "0", "10"]]],
  ["ZCOUNT", [["ZCOUNT", KEY, "{r}", "+inf"]]],
  ["ZINCRBY (moves)", [["ZINCRBY", KEY, "0.5", "m:{r}"]]],
  ["ZADD new + ZREM", [["ZADD", KEY, "{r}.25", "n:{r}"], ["ZREM", KEY, "n:{r}"]]],
];

await runScaling({ prefix: "zscale", fills: [["zset", KEY]], ops: OPS, caption: "one sorted set of N members", ...scalingOptions(3) });
