/**
 * SORT beyond the conformance cases: the strtod score parser, the memory bound of one sort (and
 * BY nosort LIMIT reading only its range under it), and BY/GET patterns when the command runs
 * over keys gathered from several shards.
 */
import { describe, expect, it } from "vitest";
import { SORT_MAX_BYTES, sortScore } from "../../durable-objects/commands/sort";
import { Errors } from "../../durable-objects/errors";
import { shardOf } from "../../worker/slot";
import { cmd, freshKey, multiExec, SHARDS } from "./http-helpers";
import { freshShard } from "./shard-client";

const enc = new TextEncoder();
const score = (s: string) => sortScore(enc.encode(s));

describe("SORT scores", () => {
  it("parse as C's strtod over the whole value", () => {
    expect(score("")).toBe(0);
    expect(score("  \t\n+5")).toBe(5);
    expect(score("-0")).toBe(-0);
    expect(score("0x10")).toBe(16);
    expect(score("0x1.8p1")).toBe(3);
    expect(score("-0X.8")).toBe(-0.5);
    expect(score("INF")).toBe(Infinity);
    expect(score("-Infinity")).toBe(-Infinity);
    expect(score("1e308")).toBe(1e308);
    expect(score("2.2250738585072014e-308")).toBe(2.2250738585072014e-308);
    expect(score("0e-999")).toBe(0);
    expect(sortScore(Uint8Array.of(0x37, 0, 0x61))).toBe(7); // stops at a NUL byte, as a C string
    for (const bad of ["x", "5 ", "nan", "-nan(1)", "1e309", "1e-320", "0x", "0x1p", "1e+", "+", " ", "inff", "0x1p99999"]) {
      expect(score(bad), bad).toBe(null);
    }
  });
});

describe("SORT memory", () => {
  it("refuses a sort past SORT_MAX_BYTES; BY nosort LIMIT reads only its range", async () => {
    const { r } = shard();
    const big = "x".repeat(1024 * 1024 - 16);
    const n = Math.ceil(SORT_MAX_BYTES / big.length) + 1;
    for (let i = 0; i < n; i += 4) await r("RPUSH", "l", ...Array.from({ length: Math.min(4, n - i) }, () => big));
    expect(await r("SORT", "l", "ALPHA", "LIMIT", 0, 1)).toEqual({ error: Errors.sortTooLarge(SORT_MAX_BYTES) });
    expect(await r("SORT", "l", "ALPHA", "STORE", "dst")).toEqual({ error: Errors.sortTooLarge(SORT_MAX_BYTES) });
    expect(await r("EXISTS", "dst")).toBe(0);
    await r("RPUSH", "l", "tail");
    expect(await r("SORT", "l", "BY", "nosort", "DESC", "LIMIT", 0, 1)).toEqual(["tail"]);
    expect(await r("SORT_RO", "l", "BY", "nosort", "LIMIT", 1, 1)).toEqual([big]);
  });
});

function shard() {
  return freshShard("sort");
}

describe("SORT over gathered keys", () => {
  it("a STORE to another shard reads the sorted key's pattern keys; a transaction led by another slot refuses them", async () => {
    const tag = `{${freshKey("sorttag")}}`;
    const src = `${tag}:list`;
    let dst = "";
    let other = "";
    for (let i = 0; !dst || !other; i++) {
      const k = freshKey(`sortdst${i}`);
      if (shardOf(k, SHARDS) !== shardOf(src, SHARDS)) {
        if (!dst) dst = k;
        else other = k;
      }
    }
    await cmd("RPUSH", src, "a", "b", "c");
    await cmd("MSET", `${tag}:w_a`, "3", `${tag}:w_b`, "1", `${tag}:w_c`, "2", `${tag}:v_b`, "B");
    expect(await cmd("SORT", src, "BY", `${tag}:w_*`, "GET", `${tag}:v_*`, "GET", "#", "STORE", dst)).toEqual({ result: 6 });
    expect(await cmd("LRANGE", dst, 0, -1)).toEqual({ result: ["B", "b", "", "c", "", "a"] });

    // Led by a key of another slot, the gathered transaction runs on that key's shard: the
    // pattern keys are not there, so SORT refuses them (nothing stored); `GET #` is fine.
    const res = await multiExec([
      ["SET", other, "x"],
      ["SORT", src, "BY", `${tag}:w_*`, "STORE", dst],
      ["SORT", src, "GET", `${tag}:v_*`, "STORE", dst],
      ["SORT", src, "ALPHA", "DESC", "GET", "#", "STORE", dst],
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { result: "OK" },
      { error: Errors.sortPatternGathered("BY") },
      { error: Errors.sortPatternGathered("GET") },
      { result: 3 },
    ]);
    expect(await cmd("LRANGE", dst, 0, -1)).toEqual({ result: ["c", "b", "a"] });
  });
});
