/**
 * The worked examples of docs/queues.md, run through the Worker so that they cannot drift from
 * what the server answers: the reliable list queue (LPUSH, BLMOVE into a processing list, LREM
 * and ZREM when done, the reaper script, whose text is taken from the page itself) and the
 * stream job queue (XGROUP CREATE MKSTREAM, XADD, XREADGROUP BLOCK, XACK, XPENDING, a
 * dead-letter stream, XAUTOCLAIM), each with the REST requests of the page's curl lines and
 * with the page's @upstash/redis calls.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import queuesPage from "../../docs/queues.md?raw";
import { call, cmd, freshKey, multiExec, untilBlocked } from "./http-helpers";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();
/** The page's second client: no auto-pipelining, for the blocking calls. */
const blocking = new Redis({ url: "http://edgekv.test", token: "test-token", enableAutoPipelining: false, UPSTASH_DISABLE_TELEMETRY: "1" });

/** The reaper script exactly as docs/queues.md shows it (its only ```lua block). */
const REAPER_LUA = /```lua\n([\s\S]*?)```/.exec(queuesPage)![1]!;

/** The example's keys under a fresh hash tag. */
function listQueue() {
  const tag = `{${freshKey("jobs")}}`;
  return { pending: `${tag}:pending`, processing: `${tag}:processing`, leases: `${tag}:leases` };
}

async function scriptLoad(script: string): Promise<string> {
  // As the page: the path form, the raw body being the script.
  const res = await call("/script/load", { body: script });
  const { result } = (await res.json()) as { result: string };
  expect(result).toMatch(/^[0-9a-f]{40}$/);
  return result;
}

describe("docs/queues.md: a reliable queue with BLMOVE", () => {
  it("producer, consumers, the reaper putting a stale job back, over the REST API", async () => {
    const q = listQueue();
    const reaper = await scriptLoad(REAPER_LUA);
    const reap = (now: number) => cmd("EVALSHA", reaper, 3, q.processing, q.leases, q.pending, now, 30000);

    // A consumer waits on the empty queue; the producer's LPUSH serves it at once.
    const consumerA = cmd("BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", "5");
    await untilBlocked(q.pending, 1);
    expect(await cmd("LPUSH", q.pending, "resize:photo-17")).toEqual({ result: 1 });
    expect(await consumerA).toEqual({ result: "resize:photo-17" });
    expect(await cmd("LRANGE", q.processing, 0, -1)).toEqual({ result: ["resize:photo-17"] });
    expect(await cmd("EXISTS", q.pending)).toEqual({ result: 0 });

    // Two more jobs; the oldest is taken first.
    await cmd("LPUSH", q.pending, "resize:photo-18");
    await cmd("LPUSH", q.pending, "crop:photo-19");
    expect(await cmd("BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", "5")).toEqual({ result: "resize:photo-18" });

    // The reaper's first pass gives every job in processing a lease and moves nothing.
    expect(await reap(1000)).toEqual({ result: [] });
    expect(await cmd("ZRANGE", q.leases, 0, -1, "WITHSCORES")).toEqual({ result: ["resize:photo-17", "31000", "resize:photo-18", "31000"] });

    // Consumer B finishes photo-18: LREM and ZREM in one transaction.
    const done = await multiExec([["LREM", q.processing, "1", "resize:photo-18"], ["ZREM", q.leases, "resize:photo-18"]]);
    expect(await done.json()).toEqual([{ result: 1 }, { result: 1 }]);

    // Consumer A never finishes photo-17: before its deadline nothing moves, at it the job goes back
    // to the right end of the queue, taken next.
    expect(await reap(30999)).toEqual({ result: [] });
    expect(await reap(31000)).toEqual({ result: ["resize:photo-17"] });
    expect(await cmd("LRANGE", q.pending, 0, -1)).toEqual({ result: ["crop:photo-19", "resize:photo-17"] });
    expect(await cmd("EXISTS", q.processing, q.leases)).toEqual({ result: 0 });

    // Consumer C takes it again and finishes it before the reaper sees it (ZREM answers 0).
    expect(await cmd("BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", "5")).toEqual({ result: "resize:photo-17" });
    const retried = await multiExec([["LREM", q.processing, "1", "resize:photo-17"], ["ZREM", q.leases, "resize:photo-17"]]);
    expect(await retried.json()).toEqual([{ result: 1 }, { result: 0 }]);

    // A job finished just before the reaper's pass is not put back.
    expect(await cmd("BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", "5")).toEqual({ result: "crop:photo-19" });
    expect(await reap(40000)).toEqual({ result: [] });
    expect((await (await multiExec([["LREM", q.processing, "1", "crop:photo-19"], ["ZREM", q.leases, "crop:photo-19"]])).json())).toEqual([{ result: 1 }, { result: 1 }]);
    expect(await reap(100000)).toEqual({ result: [] });
    expect(await cmd("EXISTS", q.pending, q.processing, q.leases)).toEqual({ result: 0 });

    // With nothing queued the wait ends with nil at its timeout.
    expect(await cmd("BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", "0.01")).toEqual({ result: null });
  });

  it("the same with @upstash/redis: exec for BLMOVE, multi for LREM + ZREM, createScript for the reaper", async () => {
    const q = listQueue();
    const reaper = redis.createScript<string[]>(REAPER_LUA);
    const consumer = blocking.exec<string | null>(["BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", 5]);
    await untilBlocked(q.pending, 1);
    expect(await redis.lpush(q.pending, "resize:photo-17")).toBe(1);
    const job = await consumer;
    expect(job).toBe("resize:photo-17");

    expect(await reaper.exec([q.processing, q.leases, q.pending], ["1000", "30000"])).toEqual([]);
    expect(await reaper.exec([q.processing, q.leases, q.pending], ["31000", "30000"])).toEqual(["resize:photo-17"]);
    const again = await blocking.exec<string | null>(["BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", 5]);
    expect(again).toBe("resize:photo-17");
    const tx = redis.multi();
    tx.lrem(q.processing, 1, again!);
    tx.zrem(q.leases, again!);
    expect(await tx.exec()).toEqual([1, 0]);
    expect(await redis.exists(q.pending, q.processing, q.leases)).toBe(0);
    expect(await blocking.exec(["BLMOVE", q.pending, q.processing, "RIGHT", "LEFT", 0.01])).toBeNull();
  });
});

type Entry = [id: string, fields: string[]];

describe("docs/queues.md: a job queue on a stream", () => {
  it("XGROUP CREATE MKSTREAM, XADD, XREADGROUP BLOCK, XACK; a restarted worker's own entries; XPENDING and a dead-letter stream", async () => {
    const tag = `{${freshKey("jobs")}}`;
    const stream = `${tag}:stream`;
    const dead = `${tag}:dead`;
    expect(await cmd("XGROUP", "CREATE", stream, "workers", "$", "MKSTREAM")).toEqual({ result: "OK" });
    expect(await cmd("XGROUP", "CREATE", stream, "workers", "$", "MKSTREAM")).toEqual({ error: "BUSYGROUP Consumer Group name already exists" });

    // A worker waits for new entries; the producer's XADD serves it.
    const read = ["XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "BLOCK", "5000", "STREAMS", stream, ">"];
    const waiting = cmd(...read);
    await untilBlocked(stream, 1);
    const { result: id } = await cmd("XADD", stream, "*", "task", "resize", "photo", "17");
    expect(id).toMatch(/^\d+-\d+$/);
    expect(await waiting).toEqual({ result: [[stream, [[id, ["task", "resize", "photo", "17"]]]]] });
    expect(await cmd("XACK", stream, "workers", id as string)).toEqual({ result: 1 });
    expect(await cmd("XPENDING", stream, "workers")).toEqual({ result: [0, null, null, null] });

    // w1 takes two more and dies before acknowledging them; restarted, it reads its own with 0.
    const { result: a } = await cmd("XADD", stream, "*", "task", "crop", "photo", "18");
    const { result: b } = await cmd("XADD", stream, "*", "task", "crop", "photo", "19");
    expect(await cmd(...read)).toEqual({ result: [[stream, [[a, ["task", "crop", "photo", "18"]], [b, ["task", "crop", "photo", "19"]]]]] });
    expect(await cmd("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "STREAMS", stream, "0")).toEqual({
      result: [[stream, [[a, ["task", "crop", "photo", "18"]], [b, ["task", "crop", "photo", "19"]]]]],
    });

    // Nothing has been idle for a minute yet; without IDLE, each pending entry with its deliveries.
    expect(await cmd("XPENDING", stream, "workers", "IDLE", "60000", "-", "+", "10")).toEqual({ result: [] });
    const { result: pending } = (await cmd("XPENDING", stream, "workers", "-", "+", "10")) as { result: [string, string, number, number][] };
    expect(pending.map(([pid, consumer, , deliveries]) => [pid, consumer, deliveries])).toEqual([[a, "w1", 2], [b, "w1", 2]]);

    // A poison job goes to the dead-letter stream and is acknowledged, in one transaction.
    const moved = await multiExec([["XADD", dead, "*", "id", a, "task", "crop", "photo", "18"], ["XACK", stream, "workers", a]]);
    const [added, acked] = (await moved.json()) as { result: unknown }[];
    expect(added!.result).toMatch(/^\d+-\d+$/);
    expect(acked).toEqual({ result: 1 });
    expect(await cmd("XPENDING", stream, "workers")).toEqual({ result: [1, b, b, [["w1", "1"]]] });
    expect(await cmd("XLEN", dead)).toEqual({ result: 1 });
  });

  it("the same with @upstash/redis: xgroup, xadd, xreadgroup with blockMS, xack", async () => {
    const stream = `{${freshKey("jobs")}}:stream`;
    expect(await redis.xgroup(stream, { type: "CREATE", group: "workers", id: "$", options: { MKSTREAM: true } })).toBe("OK");
    const waiting = blocking.xreadgroup("workers", "w1", stream, ">", { count: 10, blockMS: 5000 });
    await untilBlocked(stream, 1);
    const id = await redis.xadd(stream, "*", { task: "resize", photo: "17" });
    const res = (await waiting) as [string, Entry[]][] | null;
    // The client JSON-parses what parses: "17" comes back as 17.
    expect(res).toEqual([[stream, [[id, ["task", "resize", "photo", 17]]]]]);
    const handled: string[] = [];
    for (const [entry] of res?.[0]?.[1] ?? []) {
      handled.push(entry);
      expect(await redis.xack(stream, "workers", entry)).toBe(1);
    }
    expect(handled).toEqual([id]);
    expect(await blocking.xreadgroup("workers", "w1", stream, ">", { count: 10, blockMS: 10 })).toBeNull();
  });

  it("retries with XAUTOCLAIM: [next-cursor, entries, deleted-ids], over the REST API", async () => {
    const stream = `{${freshKey("jobs")}}:stream`;
    await cmd("XGROUP", "CREATE", stream, "workers", "$", "MKSTREAM");
    const ids: string[] = [];
    for (const photo of ["17", "18", "19"]) ids.push((await cmd("XADD", stream, "*", "task", "resize", "photo", photo)).result as string);
    const [a, b, c] = ids as [string, string, string];
    // w1 takes all three and dies.
    expect(((await cmd("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "STREAMS", stream, ">")).result as [string, Entry[]][])[0]![1]).toHaveLength(3);

    // The page's call: nothing has been idle for a minute.
    expect(await cmd("XAUTOCLAIM", stream, "workers", "w2", "60000", "0-0", "COUNT", "10")).toEqual({ result: ["0-0", [], []] });
    // With a min-idle-time of 0 every pending entry qualifies; one deleted meanwhile is reported and dropped.
    expect(await cmd("XDEL", stream, b)).toEqual({ result: 1 });
    expect(await cmd("XAUTOCLAIM", stream, "workers", "w2", "0", "0-0", "COUNT", "10")).toEqual({
      result: ["0-0", [[a, ["task", "resize", "photo", "17"]], [c, ["task", "resize", "photo", "19"]]], [b]],
    });
    const { result: pending } = (await cmd("XPENDING", stream, "workers", "-", "+", "10")) as { result: [string, string, number, number][] };
    expect(pending.map(([pid, consumer, , deliveries]) => [pid, consumer, deliveries])).toEqual([[a, "w2", 2], [c, "w2", 2]]);
    // COUNT bounds one call: the cursor says where the next one starts; JUSTID leaves the counts alone.
    expect(await cmd("XAUTOCLAIM", stream, "workers", "w3", "0", "0-0", "COUNT", "1", "JUSTID")).toEqual({ result: [c, [a], []] });
    expect(await cmd("XAUTOCLAIM", stream, "workers", "w3", "0", c, "COUNT", "1", "JUSTID")).toEqual({ result: ["0-0", [c], []] });
    expect(await cmd("XACK", stream, "workers", a, c)).toEqual({ result: 2 });
    expect(await cmd("XPENDING", stream, "workers")).toEqual({ result: [0, null, null, null] });
  });

  it("retries with XAUTOCLAIM through @upstash/redis: the page's cursor loop", async () => {
    const stream = `{${freshKey("jobs")}}:stream`;
    await redis.xgroup(stream, { type: "CREATE", group: "workers", id: "$", options: { MKSTREAM: true } });
    const ids: string[] = [];
    for (const photo of ["17", "18", "19"]) ids.push(await redis.xadd(stream, "*", { task: "resize", photo }));
    await redis.xreadgroup("workers", "w1", stream, ">", { count: 10 });

    const handled: string[] = [];
    let cursor = "0-0";
    let calls = 0;
    do {
      const [next, entries] = (await redis.xautoclaim(stream, "workers", "w2", 0, cursor, { count: 2 })) as [string, Entry[], string[]];
      for (const [id] of entries) {
        handled.push(id);
        await redis.xack(stream, "workers", id);
      }
      cursor = next;
    } while (cursor !== "0-0" && ++calls < 10);
    expect(handled).toEqual(ids);
    expect(await redis.xpending(stream, "workers", "-", "+", 10)).toEqual([]);
  });
});
