/**
 * Geo scaling check (not a test): GEOSEARCH and friends inside one shard against one geo set
 * of 1k, 100k and 1M points, to show that a search costs the cells around its centre (at most
 * 9 score ranges of the sorted set) and the points found there, not the size of the set.
 *
 * Usage: node bench/geo-scaling.mjs [--levels 1000,100000,1000000] [--runs 2000] [--rounds 3]
 *
 * Same method as bench/zset-scaling.mjs; the set is grown with GEOADD of 500 points per command
 * (bench/worker.ts `geoPoint`: in ascending score order, on a grid of about 9 km). "{r}" is a random
 * integer below N, so "m:{r}" is a random member.
 */
import { runScaling, scalingOptions } from "./scaling-common.mjs";

const KEY = "gscale";

const OPS = [
  ["GEOPOS", [["GEOPOS", KEY, "m:{r}"]]],
  ["GEODIST", [["GEODIST", KEY, "m:{r}", "m:{r+1}", "km"]]],
  ["GEOSEARCH 10 km", [["GEOSEARCH", KEY, "FROMMEMBER", "m:{r}", "BYRADIUS", "10", "km"]]],
  ["GEOSEARCH 100 km COUNT 10", [["GEOSEARCH", KEY, "FROMMEMBER", "m:{r}", "BYRADIUS", "100", "km", "COUNT", "10"]]],
  ["GEOSEARCH box 50 km WITHDIST", [["GEOSEARCH", KEY, "FROMMEMBER", "m:{r}", "BYBOX", "50", "50", "km", "WITHDIST"]]],
  ["GEOADD new + ZREM", [["GEOADD", KEY, "13.361389", "38.115556", "n:{r}"], ["ZREM", KEY, "n:{r}"]]],
];

await runScaling({ prefix: "gscale", fills: [["geo", KEY]], ops: OPS, caption: "one geo set of N points", ...scalingOptions(3) });
