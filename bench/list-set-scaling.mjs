/**
 * List and set scaling check (not a test): per-command cost inside one shard against one list
 * and one set of 1k, 100k and 1M elements, to show that one-element operations (both ends of
 * a list, indexing, membership, random picks) do not grow with N.
 *
 * Usage: node bench/list-set-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000] [--rounds 1]
 *
 * Same method as bench/hash-scaling.mjs: the product's Shard class under bare workerd, the
 * list grown with RPUSH (v:i) and the set with SADD (m:i), many elements per command, then each
 * command run `runs` times in a loop inside the object with a random index or member per run.
 */
import { runScaling, scalingOptions } from "./scaling-common.mjs";

const LIST = "lscale";
const SET = "sscale";

/** Commands timed at each size N; "{r}" is a random integer below N, one per run. */
const OPS = [
  ["LPUSH + LPOP", [["LPUSH", LIST, "x"], ["LPOP", LIST]]],
  ["RPUSH + RPOP", [["RPUSH", LIST, "x"], ["RPOP", LIST]]],
  ["LINDEX (random)", [["LINDEX", LIST, "{r}"]]],
  ["LSET (random)", [["LSET", LIST, "{r}", "w"]]],
  ["LRANGE 0 9", [["LRANGE", LIST, "0", "9"]]],
  ["LLEN", [["LLEN", LIST]]],
  ["LMOVE (rotate)", [["LMOVE", LIST, LIST, "RIGHT", "LEFT"]]],
  ["SADD new + SREM", [["SADD", SET, "n:{r}"], ["SREM", SET, "n:{r}"]]],
  ["SISMEMBER", [["SISMEMBER", SET, "m:{r}"]]],
  ["SCARD", [["SCARD", SET]]],
  ["SRANDMEMBER", [["SRANDMEMBER", SET]]],
  ["SRANDMEMBER -10", [["SRANDMEMBER", SET, "-10"]]],
  ["SPOP + SADD", [["SPOP", SET], ["SADD", SET, "m:{r}"]]],
  ["SSCAN COUNT 10", [["SSCAN", SET, "{r}", "COUNT", "10"]]],
];

await runScaling({ prefix: "lsscale", fills: [["list", LIST], ["set", SET]], ops: OPS, caption: "one list and one set of N elements", ...scalingOptions(1) });
