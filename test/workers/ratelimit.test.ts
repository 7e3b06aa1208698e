/**
 * Rate-limit commands: through the command table with a controlled clock (the shard's
 * dispatch with a chosen `now`), and through the Worker under concurrency: N parallel
 * decisions against a limit L admit exactly L.
 */
import { describe, expect, it } from "vitest";
import { Errors } from "../../durable-objects/errors";
import { call, cmd, freshKey, pipeline } from "./http-helpers";
import { withClock } from "./shard-client";

const T0 = 1_700_000_040_000;

describe("rate-limit commands with a controlled clock", () => {
  it("RL.FIXED: five integers, state in a string key that expires with the window", () =>
    withClock("ratelimit", (run) => {
      expect(run(T0 + 100, "RL.FIXED", "k", 2, 1000)).toEqual([0, 2, 1, -1, 900]);
      expect(run(T0 + 200, "RL.FIXED", "k", 2, 1000)).toEqual([0, 2, 0, -1, 800]);
      expect(run(T0 + 300, "RL.FIXED", "k", 2, 1000)).toEqual([1, 2, 0, 700, 700]);
      expect(run(T0 + 300, "GET", "k")).toEqual(new TextEncoder().encode("2"));
      expect(run(T0 + 300, "PTTL", "k")).toBe(700);
      expect(run(T0 + 1000, "RL.FIXED", "k", 2, 1000, 2)).toEqual([0, 2, 0, -1, 1000]);
      expect(run(T0 + 1000, "DEL", "k")).toBe(1);
      expect(run(T0 + 1000, "RL.FIXED", "k", 2, 1000, 0)).toEqual([0, 2, 2, -1, 0]);
      expect(run(T0 + 1000, "EXISTS", "k")).toBe(0);
    }));

  it("RL.SLIDING, RL.BUCKET, RL.GCRA: replies and expiry", () =>
    withClock("ratelimit", (run) => {
      for (let i = 0; i < 4; i++) run(T0 + 500, "RL.SLIDING", "s", 4, 1000);
      // Half-way through the next window, floor(4 × 0.5) = 2 of the previous window still count.
      expect(run(T0 + 1500, "RL.SLIDING", "s", 4, 1000)).toEqual([0, 4, 1, -1, 501]);
      expect(run(T0 + 1500, "RL.SLIDING", "s", 4, 1000)).toEqual([0, 4, 0, -1, 1001]);
      expect(run(T0 + 1500, "RL.SLIDING", "s", 4, 1000)).toEqual([1, 4, 0, 1, 1001]);
      expect(run(T0 + 1501, "RL.SLIDING", "s", 4, 1000)).toEqual([0, 4, 0, -1, 1166]);
      expect(run(T0 + 1500, "PTTL", "s")).toBe(1500);

      expect(run(T0, "RL.BUCKET", "b", 2, 1, 100)).toEqual([0, 2, 1, -1, 100]);
      expect(run(T0, "RL.BUCKET", "b", 2, 1, 100)).toEqual([0, 2, 0, -1, 200]);
      expect(run(T0 + 50, "RL.BUCKET", "b", 2, 1, 100)).toEqual([1, 2, 0, 50, 150]);
      expect(run(T0 + 250, "RL.BUCKET", "b", 2, 1, 100, 0)).toEqual([0, 2, 2, -1, 0]);

      expect(run(T0, "RL.GCRA", "g", 1, 10, 1000)).toEqual([0, 2, 1, -1, 100]);
      expect(run(T0, "RL.GCRA", "g", 1, 10, 1000)).toEqual([0, 2, 0, -1, 200]);
      expect(run(T0, "RL.GCRA", "g", 1, 10, 1000)).toEqual([1, 2, 0, 100, 200]);
      expect(run(T0, "PTTL", "g")).toBe(200);
    }));

  it("CL.THROTTLE: redis-cell's arguments and 5-integer reply in seconds", () =>
    withClock("ratelimit", (run) => {
      // 30 per 60 s with a burst of 15: 16 at once, then one every 2 s.
      for (let i = 15; i >= 0; i--) expect(run(T0, "CL.THROTTLE", "user123", 15, 30, 60)).toEqual([0, 16, i, -1, 2 * (16 - i)]);
      expect(run(T0, "CL.THROTTLE", "user123", 15, 30, 60)).toEqual([1, 16, 0, 2, 32]);
      expect(run(T0 + 2000, "CL.THROTTLE", "user123", 15, 30, 60)).toEqual([0, 16, 0, -1, 32]);
      expect(run(T0 + 2500, "CL.THROTTLE", "user123", 15, 30, 60, 0)).toEqual([0, 16, 0, -1, 32]);
      expect(run(T0, "CL.THROTTLE", "q", 4, 1, 1, 6)).toEqual([1, 5, 5, -1, 0]);
      expect(run(T0, "CL.THROTTLE", "z", 4, 0, 1)).toEqual({ error: Errors.zeroRate });
    }));

  it("RL.LOG: exact sliding log on a sorted set", () =>
    withClock("ratelimit", (run) => {
      expect(run(T0, "RL.LOG", "l", 3, 1000)).toEqual([0, 3, 2, -1, 1000]);
      expect(run(T0 + 100, "RL.LOG", "l", 3, 1000, 2)).toEqual([0, 3, 0, -1, 1000]);
      expect(run(T0 + 200, "TYPE", "l")).toEqual({ status: "zset" });
      expect(run(T0 + 200, "ZCARD", "l")).toBe(3);
      // The oldest unit leaves the window at T0 + 1000; the two of T0 + 100 at T0 + 1100.
      expect(run(T0 + 999, "RL.LOG", "l", 3, 1000)).toEqual([1, 3, 0, 1, 101]);
      expect(run(T0 + 1000, "RL.LOG", "l", 3, 1000, 2)).toEqual([1, 3, 1, 100, 100]);
      expect(run(T0 + 1000, "RL.LOG", "l", 3, 1000)).toEqual([0, 3, 0, -1, 1000]);
      expect(run(T0 + 1000, "ZCARD", "l")).toBe(3);
      expect(run(T0 + 1000, "PTTL", "l")).toBe(1000);
      expect(run(T0 + 1000, "RL.LOG", "l", 3, 1000, 4)).toEqual([1, 3, 0, -1, 1000]);
      expect(run(T0 + 5000, "RL.LOG", "l", 3, 1000, 0)).toEqual([0, 3, 3, -1, 0]);
    }));

  it("bad input: errors, nothing written", () =>
    withClock("ratelimit", (run) => {
      expect(run(T0, "RL.FIXED", "e", 0, 1000)).toEqual({ error: Errors.rateLimitParam("limit") });
      expect(run(T0, "RL.FIXED", "e", 10, -5)).toEqual({ error: Errors.rateLimitParam("window") });
      expect(run(T0, "RL.FIXED", "e", "x", 1000)).toEqual({ error: Errors.notInteger });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, -1)).toEqual({ error: Errors.rateLimitCost });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, 1, "extra")).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.BUCKET", "e", 10, 1)).toEqual({ error: Errors.wrongArity("rl.bucket") });
      expect(run(T0, "EXISTS", "e")).toBe(0);
      run(T0, "SET", "str", "hello");
      expect(run(T0, "RL.SLIDING", "str", 10, 1000)).toEqual({ error: Errors.rateLimitState });
      run(T0, "HSET", "h", "f", "v");
      expect(run(T0, "RL.BUCKET", "h", 10, 1, 100)).toEqual({ error: Errors.wrongType });
      expect(run(T0, "RL.FIXED", "str", 10, 1000)).toEqual({ error: Errors.rateLimitState });
      expect(run(T0, "GET", "str")).toEqual(new TextEncoder().encode("hello"));
    }));
});

describe("RULE and CACHED: decisions counted per rule on the shard", () => {
  it("change no decision; RULE may follow the cost or stand in its place; CL.THROTTLE takes none", () =>
    withClock("ratelimit", (run) => {
      const cases: [(string | number)[], (string | number)[]][] = [
        [["RL.FIXED", "f", 2, 1000], ["RULE", "r"]],
        [["RL.SLIDING", "s", 2, 1000, 1], ["RULE", "r", "CACHED", 3]],
        [["RL.LOG", "l", 2, 1000, 1], ["rule", "r"]],
        [["RL.BUCKET", "b", 2, 1, 100, 1], ["CACHED", 2, "RULE", "r"]],
        [["RL.GCRA", "g", 1, 10, 1000], ["RULE", "r"]],
      ];
      for (const [argv, tail] of cases) {
        const [name, key, ...rest] = argv;
        for (let i = 0; i < 3; i++) {
          expect(run(T0 + i, name!, `${key}-ruled`, ...rest, ...tail), `${name} ${i}`).toEqual(run(T0 + i, name!, key!, ...rest));
        }
      }
      expect(run(T0, "CL.THROTTLE", "c", 15, 30, 60, 1, "RULE", "r")).toEqual({ error: Errors.syntax });
    }));

  it("bad input: errors, nothing written or counted", () =>
    withClock("ratelimit", (run) => {
      expect(run(T0, "RL.FIXED", "e", 10, 1000, "RULE")).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, 1, "CACHED", 2)).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, 1, "RULE", "r", "CACHED", -1)).toEqual({ error: Errors.rateLimitNonNegative("cached") });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, 1, "RULE", "r", "EXTRA")).toEqual({ error: Errors.syntax });
      expect(run(T0, "RL.FIXED", "e", 10, 1000, "2x", "RULE", "r")).toEqual({ error: Errors.notInteger });
      expect(run(T0, "EXISTS", "e")).toBe(0);
    }));

  it("GET /metrics: per rule, summed over the shards, cached refusals included; errors count nothing", async () => {
    const rule = `POST /rule-${freshKey("m")}`;
    const keys = [freshKey("rule-a"), freshKey("rule-b"), freshKey("rule-c")];
    for (const k of keys) for (let i = 0; i < 2; i++) await cmd("RL.FIXED", k, 1, 1e12, 1, "RULE", rule);
    await cmd("RL.SLIDING", freshKey("rule-s"), 5, 1e12, 1, "RULE", rule, "CACHED", 4);
    await cmd("RL.SLIDING", keys[0]!, 5, 1e12, 1, "RULE", rule, "CACHED", 4); // the key holds RL.FIXED's state: an error
    await cmd("RL.FIXED", keys[0]!, 5, 1e12, 1, "RULE", rule, "CACHED", -4);
    await cmd("RL.FIXED", keys[0]!, 5, 1e12, 1, "RULE", rule, "bogus");
    const text = await (await call("/metrics")).text();
    const value = (decision: string) => {
      const esc = rule.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      const m = new RegExp(`^edgekv_ratelimit_rule_decisions_total\\{rule="${esc}",decision="${decision}"\\} (\\d+)$`, "m").exec(text);
      return m ? Number(m[1]) : 0;
    };
    // Three keys (on their shards): one admitted and one refused each; a sliding admission with 4 cached refusals.
    expect([value("admitted"), value("refused")]).toEqual([4, 7]);
  });
});

describe("rate limits through the Worker", () => {
  const cases: [string, (key: string) => (string | number)[]][] = [
    ["RL.FIXED", (k) => ["RL.FIXED", k, 100, 1e12]],
    ["RL.SLIDING", (k) => ["RL.SLIDING", k, 100, 1e12]],
    ["RL.LOG", (k) => ["RL.LOG", k, 100, 1e12]],
    ["RL.BUCKET", (k) => ["RL.BUCKET", k, 100, 1, 1e12]],
    ["RL.GCRA", (k) => ["RL.GCRA", k, 99, 1, 1e9]],
    ["CL.THROTTLE", (k) => ["CL.THROTTLE", k, 99, 1, 1e6]],
  ];
  for (const [name, argv] of cases) {
    it(`${name}: 300 concurrent requests against a limit of 100 admit exactly 100`, async () => {
      const key = freshKey(name);
      const replies = await Promise.all(
        Array.from({ length: 300 }, () => call("/", { body: JSON.stringify(argv(key)) }).then((r) => r.json() as Promise<{ result: number[] }>)),
      );
      const admitted = replies.filter((r) => r.result[0] === 0).length;
      expect(admitted).toBe(100);
      const remaining = replies.filter((r) => r.result[0] === 0).map((r) => r.result[2]).sort((a, b) => a - b);
      expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });
  }

  it("in pipelines and transactions, with a cost", async () => {
    const key = freshKey("pipe");
    const res = await pipeline([
      ["RL.FIXED", key, 5, 1e12, 3],
      ["RL.FIXED", key, 5, 1e12, 3],
      ["RL.FIXED", key, 5, 1e12, 2],
    ]);
    const body = (await res.json()) as { result: number[] }[];
    expect(body.map((e) => e.result.slice(0, 3))).toEqual([
      [0, 5, 2],
      [1, 5, 2],
      [0, 5, 0],
    ]);
    const multi = await call("/multi-exec", { body: JSON.stringify([["RL.FIXED", key, 5, 1e12], ["GET", key]]) });
    const entries = (await multi.json()) as { result: unknown }[];
    expect((entries[0]!.result as number[]).slice(0, 3)).toEqual([1, 5, 0]);
    expect(entries[1]!.result).toBe("5");
  });

  it("refused for a read-only token", async () => {
    const r = await cmd("RL.FIXED", freshKey("ro"), 1, 1000);
    expect(r.result).toEqual([0, 1, 0, -1, expect.any(Number)]);
    const ro = await call("/", { body: JSON.stringify(["RL.FIXED", "k", 1, 1000]), token: "test-readonly-token" });
    expect(((await ro.json()) as { error: string }).error).toMatch(/^NOPERM/);
  });
});
