/**
 * XCLAIM and XAUTOCLAIM beyond the conformance cases: idle times on a clock the test sets,
 * the rows one claim reads in a long pending entries list, a reply over the budget rolled
 * back, and the read-only token refused.
 */
import { describe, expect, it } from "vitest";
import type { Reply } from "../../durable-objects/reply";
import { call, cmd, freshKey, READONLY_TOKEN } from "./http-helpers";
import { freshShard, inDirectShard, withClock } from "./shard-client";

describe("XCLAIM and XAUTOCLAIM on the batch's clock", () => {
  it("min-idle-time claims an entry idle at least that long; IDLE and TIME set its delivery time", () =>
    withClock("claim-clock", (run) => {
      run(1000, "XADD", "s", "1-1", "f", "v");
      run(1000, "XADD", "s", "2-1", "f", "v");
      run(1000, "XGROUP", "CREATE", "s", "g", "0");
      run(1000, "XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">");
      expect(run(1499, "XCLAIM", "s", "g", "b", "500", "1-1", "JUSTID")).toEqual([]);
      expect(run(1500, "XCLAIM", "s", "g", "b", "500", "1-1", "JUSTID")).toEqual(["1-1"]);
      // XPENDING's rows: ID, consumer, idle time, delivery count.
      expect(run(2000, "XPENDING", "s", "g", "-", "+", "10")).toEqual([
        ["1-1", "b", 500, 1],
        ["2-1", "a", 1000, 1],
      ]);
      expect(run(2000, "XCLAIM", "s", "g", "b", "0", "1-1", "IDLE", "300", "JUSTID")).toEqual(["1-1"]);
      expect(run(2000, "XCLAIM", "s", "g", "b", "0", "2-1", "TIME", "1800", "JUSTID")).toEqual(["2-1"]);
      expect(run(2100, "XPENDING", "s", "g", "-", "+", "10")).toEqual([
        ["1-1", "b", 400, 1],
        ["2-1", "b", 300, 1],
      ]);
      // A TIME after now, or an IDLE reaching before the epoch, is now.
      expect(run(2100, "XCLAIM", "s", "g", "b", "0", "1-1", "TIME", "2101", "JUSTID")).toEqual(["1-1"]);
      expect(run(2100, "XCLAIM", "s", "g", "b", "0", "2-1", "IDLE", "2101", "JUSTID")).toEqual(["2-1"]);
      expect(run(2150, "XPENDING", "s", "g", "-", "+", "10")).toEqual([
        ["1-1", "b", 50, 1],
        ["2-1", "b", 50, 1],
      ]);
      // XAUTOCLAIM: idle 50 is enough for 50, not for 51; a claim delivers now.
      expect(run(2150, "XAUTOCLAIM", "s", "g", "c", "51", "-", "JUSTID")).toEqual(["0-0", [], []]);
      expect(run(2150, "XAUTOCLAIM", "s", "g", "c", "50", "-", "COUNT", "1", "JUSTID")).toEqual(["2-1", ["1-1"], []]);
      expect(run(2160, "XPENDING", "s", "g", "-", "+", "10")).toEqual([
        ["1-1", "c", 10, 1],
        ["2-1", "b", 60, 1],
      ]);
    }));
});

describe("claims in a long pending entries list", () => {
  it("one XCLAIM, and an XAUTOCLAIM of COUNT entries, read rows in proportion to what they claim or examine", () => {
    // Every statement and its cursor, so a command's rows read can be summed.
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    const queries: string[] = [];
    const counting = (sql: SqlStorage) =>
      ({
        exec(query: string, ...bindings: unknown[]) {
          const c = sql.exec(query, ...bindings);
          cursors.push(c);
          queries.push(query);
          return c;
        },
      }) as unknown as SqlStorage;
    return inDirectShard(
      "claim-cost",
      ({ run }) => {
        const ADD = "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v') end return 1";
        expect(run("EVAL", ADD, 1, "s", 5000)).toBe(1);
        run("XGROUP", "CREATE", "s", "g", "0");
        expect((run("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">") as Reply[][])[0]![1]).toHaveLength(5000);
        expect(run("XDEL", "s", "2503-1")).toBe(1);
        const measured = (...argv: string[]): { reply: Reply; rows: number } => {
          cursors.length = 0;
          queries.length = 0;
          const reply = run(...argv);
          // The memory accounting every write of a stream ends with (its nodes counted) is not the claim's.
          const rows = cursors.reduce((sum, c, i) => sum + (queries[i]!.includes("count(*)") ? 0 : c.rowsRead), 0);
          return { reply, rows };
        };
        const one = measured("XCLAIM", "s", "g", "b", "0", "2500-1");
        expect((one.reply as Reply[]).length).toBe(1);
        expect(one.rows).toBeLessThan(20);
        // 2501-1 … 2510-1: nine claimed and the deleted 2503-1 dropped, ten of COUNT.
        const ten = measured("XAUTOCLAIM", "s", "g", "b", "0", "2501-1", "COUNT", "10");
        expect(ten.reply).toEqual(["2511-1", expect.any(Array), ["2503-1"]]);
        expect(((ten.reply as Reply[])[1] as Reply[]).length).toBe(9);
        expect(ten.rows).toBeLessThan(60);
        // Ten attempts, none idle enough: ten entries examined, not the 2400 after them.
        const idle = measured("XAUTOCLAIM", "s", "g", "b", "100000000", "2600-1", "COUNT", "1");
        expect(idle.reply).toEqual(["2610-1", [], []]);
        expect(idle.rows).toBeLessThan(40);
      },
      { wrap: counting },
    );
  });
});

describe("a claim that cannot be answered changes nothing", () => {
  it("an XAUTOCLAIM or XCLAIM whose reply does not fit the batch's reply budget is rolled back", async () => {
    const s = freshShard("claim-budget");
    const big = "x".repeat(2000);
    for (const id of ["1-1", "2-1"]) await s.r("XADD", "s", id, "f", big);
    await s.r("XGROUP", "CREATE", "s", "g", "0");
    await s.r("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">");
    const exec = s.rpc as unknown as { exec(b: string[][], l: { replyBytes: number }): Promise<Reply[]> };
    const [auto] = await exec.exec([["XAUTOCLAIM", "s", "g", "b", "0", "-"]], { replyBytes: 2048 });
    expect(auto).toEqual({ error: expect.stringMatching(/^ERR .*'xautoclaim'/) });
    const [claim] = await exec.exec([["XCLAIM", "s", "g", "b", "0", "1-1", "2-1", "LASTID", "9-9"]], { replyBytes: 2048 });
    expect(claim).toEqual({ error: expect.stringMatching(/^ERR .*'xclaim'/) });
    // Nothing claimed, no consumer made, the last-delivered ID kept.
    expect(await s.r("XPENDING", "s", "g")).toEqual([2, "1-1", "2-1", [["a", "2"]]]);
    expect(await s.r("XGROUP", "CREATECONSUMER", "s", "g", "b")).toBe(1);
    expect(await s.r("XADD", "s", "3-1", "f", "v")).toBe("3-1");
    expect(await s.r("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")).toEqual([["s", [["3-1", ["f", "v"]]]]]);
    // With room for the reply, the same claim is made.
    expect(((await s.r("XCLAIM", "s", "g", "b", "0", "1-1", "2-1")) as unknown[]).length).toBe(2);
  });

  it("the read-only token may not claim", async () => {
    const k = freshKey("claim-ro");
    await cmd("XADD", k, "1-1", "f", "v");
    await cmd("XGROUP", "CREATE", k, "g", "0");
    await cmd("XREADGROUP", "GROUP", "g", "a", "STREAMS", k, ">");
    for (const argv of [
      ["XCLAIM", k, "g", "b", "0", "1-1"],
      ["XAUTOCLAIM", k, "g", "b", "0", "-"],
    ]) {
      const res = await call("/", { body: JSON.stringify(argv), token: READONLY_TOKEN });
      expect(await res.json()).toEqual({ error: `NOPERM this token is read-only and cannot run the '${argv[0]!.toLowerCase()}' command` });
    }
    expect(await cmd("XPENDING", k, "g")).toEqual({ result: [1, "1-1", "1-1", [["a", "1"]]] });
  });
});
