/**
 * Hash scaling check (not a test): per-command cost inside one shard against one hash of 1k,
 * 100k and 1M fields, to show that one-field operations do not grow with N.
 *
 * Usage: node bench/hash-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000] [--rounds 1]
 *
 * Same method as bench/zset-scaling.mjs: the product's Shard class under bare workerd, the hash
 * grown with HSET of many fields per command (fields f:i → v:i), then each command run `runs`
 * times in a loop inside the object with a random field per run.
 */
import { runScaling, scalingOptions } from "./scaling-common.mjs";

const KEY = "hscale";

/** Commands timed at each size N; "{r}" is a random integer below N, one per run. */
const OPS = [
  ["HGET", [["HGET", KEY, "f:{r}"]]],
  ["HEXISTS", [["HEXISTS", KEY, "f:{r}"]]],
  ["HLEN", [["HLEN", KEY]]],
  ["HSET (update)", [["HSET", KEY, "f:{r}", "w"]]],
  ["HSET new + HDEL", [["HSET", KEY, "n:{r}", "x"], ["HDEL", KEY, "n:{r}"]]],
  ["HINCRBY", [["HINCRBY", KEY, "c:{r}", "1"]]],
  ["HRANDFIELD", [["HRANDFIELD", KEY]]],
  ["HSCAN COUNT 10", [["HSCAN", KEY, "{r}", "COUNT", "10"]]],
  ["HPEXPIRE + HPERSIST", [["HPEXPIRE", KEY, "100000", "FIELDS", "1", "f:{r}"], ["HPERSIST", KEY, "FIELDS", "1", "f:{r}"]]],
];

await runScaling({ prefix: "hscale", fills: [["hash", KEY]], ops: OPS, caption: "one hash of N fields", ...scalingOptions(1) });
