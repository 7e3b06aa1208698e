/**
 * PUBLISH inside a cross-shard transaction, heard by a `/ws` subscriber: counted and delivered
 * when its home commits, in the transaction's order, never at prepare, nothing when it aborts.
 * "Nothing was delivered" is checked without waiting: a later PUBLISH from the same home is
 * delivered through the same chain, so it must be the next frame.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Reply } from "../../durable-objects/reply";
import { runCrossShard, type TxBackend, type TxPart } from "../../worker/cross-shard";
import { shardOf } from "../../worker/slot";
import { LEASE_MS, real, recover } from "./cross-shard-fixture";
import { cmd, keysOnDistinctShards, multiExec, SHARDS } from "./http-helpers";
import { connect, type Client } from "./ws-client";

/** Keys on two shards and a channel on a third. */
function layout(name: string): { a: string; b: string; ch: string; shards: number[] } {
  const [a, b, ch] = keysOnDistinctShards(name, 3);
  return { a: a!, b: b!, ch: ch!, shards: [a!, b!, ch!].map((k) => shardOf(k, SHARDS)) };
}

async function subscriber(channel: string): Promise<Client> {
  const sub = await connect();
  expect(await sub.call(["SUBSCRIBE", channel])).toEqual([{ result: ["subscribe", channel, 1] }]);
  return sub;
}

/** The next frame is `marker`, published now: nothing else was delivered on `channel` before it. */
async function nothingBefore(sub: Client, channel: string, marker: string): Promise<void> {
  expect(await cmd("PUBLISH", channel, marker)).toEqual({ result: 1 });
  expect(await sub.next()).toEqual({ result: ["message", channel, marker] });
}

/** A transaction's parts as the Worker plans `SET a; PUBLISH ch m1; SET b; PUBLISH ch m2`. */
function parts(a: string, b: string, ch: string): TxPart[] {
  const byShard = new Map<number, TxPart>();
  const add = (shard: number, keys: string[], argv: string[]) => {
    const part = byShard.get(shard) ?? { shard, keys: [], reads: [], writes: [] };
    byShard.set(shard, part);
    part.keys.push(...keys);
    part.writes.push(argv);
  };
  add(shardOf(a, SHARDS), [a], ["SET", a, "1"]);
  add(shardOf(ch, SHARDS), [], ["PUBLISH", ch, "m1"]);
  add(shardOf(b, SHARDS), [b], ["SET", b, "1"]);
  add(shardOf(ch, SHARDS), [], ["PUBLISH", ch, "m2"]);
  return [...byShard.values()];
}

describe("PUBLISH in a cross-shard MULTI/EXEC", () => {
  it("the channel's home a third shard: each PUBLISH answers its receivers, delivered after the commit in order", async () => {
    const { a, b, ch } = layout("pstx3");
    const sub = await subscriber(ch);
    const res = await multiExec([["SET", a, "1"], ["PUBLISH", ch, "m1"], ["SET", b, "2"], ["PUBLISH", ch, "m2"], ["PUBLISH", `${ch}:none`, "x"]]);
    expect(await res.json()).toEqual([{ result: "OK" }, { result: 1 }, { result: "OK" }, { result: 1 }, { result: 0 }]);
    expect(await sub.next()).toEqual({ result: ["message", ch, "m1"] });
    expect(await sub.next()).toEqual({ result: ["message", ch, "m2"] });
    expect(await cmd("MGET", a, b)).toEqual({ result: ["1", "2"] });
    sub.ws.close();
  });

  it("the channel's home a participant with keys: delivered in order with the shard's writes", async () => {
    const [a, b] = keysOnDistinctShards("pstxp", 2);
    const ch = `{${a}}:ch`;
    const sub = await subscriber(ch);
    const res = await multiExec([["PUBLISH", ch, "first"], ["SET", a!, "1"], ["SET", b!, "2"], ["PUBLISH", ch, "second"]]);
    expect(await res.json()).toEqual([{ result: 1 }, { result: "OK" }, { result: "OK" }, { result: 1 }]);
    expect(await sub.next()).toEqual({ result: ["message", ch, "first"] });
    expect(await sub.next()).toEqual({ result: ["message", ch, "second"] });
    sub.ws.close();
  });

  it("run gathered (MSETNX reads before it writes): each PUBLISH staged on its channel's home, counted at its commit", async () => {
    const { a, b, ch } = layout("pstxg");
    const near = `{${a}}:ch`;
    const sub = await subscriber(ch);
    expect(await sub.call(["SUBSCRIBE", near])).toEqual([{ result: ["subscribe", near, 2] }]);
    const res = await multiExec([["PUBLISH", ch, "m1"], ["MSETNX", a, "1", b, "2"], ["PUBLISH", near, "m2"], ["PUBLISH", ch, "m3"], ["PUBLISH", `${ch}:none`, "x"]]);
    expect(await res.json()).toEqual([{ result: 1 }, { result: 1 }, { result: 1 }, { result: 1 }, { result: 0 }]);
    const got = [await sub.next(), await sub.next(), await sub.next()].map((f) => (f.result as string[]).slice(1));
    // One home's messages in the transaction's order; the two homes have no common order.
    expect(got.filter(([c]) => c === ch)).toEqual([[ch, "m1"], [ch, "m3"]]);
    expect(got.filter(([c]) => c === near)).toEqual([[near, "m2"]]);
    // Nothing written (MSETNX finds a key): the publishes are still sent, as EXEC runs them.
    const again = await multiExec([["MSETNX", a, "x", b, "y"], ["PUBLISH", ch, "m4"]]);
    expect(await again.json()).toEqual([{ result: 0 }, { result: 1 }]);
    expect(await sub.next()).toEqual({ result: ["message", ch, "m4"] });
    expect(await cmd("MGET", a, b)).toEqual({ result: ["1", "2"] });
    sub.ws.close();
  });

  it("a script over keys of two shards: what it published is sent at commit, from the channel's home when it takes part", async () => {
    const [a, b, c] = keysOnDistinctShards("pstxs", 3);
    const near = `{${a}}:ch`;
    const sub = await subscriber(near);
    // A channel homed on no participant: sent from the script's shard, as on one shard (pattern subscribers hear it).
    expect(await sub.call(["PSUBSCRIBE", `${c}*`])).toEqual([{ result: ["psubscribe", `${c}*`, 2] }]);
    const script = "redis.call('SET', KEYS[1], 'x'); redis.call('SET', KEYS[2], 'y'); return { redis.call('PUBLISH', ARGV[1], 'one'), redis.call('PUBLISH', ARGV[2], 'two'), redis.call('PUBLISH', ARGV[1], 'three') }";
    // Inside the script each count is 0: the channels' homes count them at commit.
    expect(await cmd("EVAL", script, 2, a!, b!, near, c!)).toEqual({ result: [0, 0, 0] });
    const got = [await sub.next(), await sub.next(), await sub.next()].map((f) => f.result);
    expect(got.filter((r) => (r as string[])[0] === "message")).toEqual([
      ["message", near, "one"],
      ["message", near, "three"],
    ]);
    expect(got).toContainEqual(["pmessage", `${c}*`, c, "two"]);
    expect(await cmd("MGET", a!, b!)).toEqual({ result: ["x", "y"] });
    sub.ws.close();
  });

  it("a participant fails at prepare: nothing is delivered", async () => {
    const { a, b, ch, shards } = layout("pstxfail");
    const sub = await subscriber(ch);
    const backend: TxBackend = { ...real, prepare: (s, req) => (s === shards[1] ? Promise.reject(new Error("participant down")) : real.prepare(s, req)) };
    expect(await runCrossShard(parts(a, b, ch), () => true, backend, { leaseMs: LEASE_MS })).toEqual({ status: "failed", error: "participant down" });
    await nothingBefore(sub, ch, "after abort");
    expect(await cmd("MGET", a, b)).toEqual({ result: [null, null] });
    sub.ws.close();
  });

  it("prepared and never decided: nothing at prepare, nothing once the leases run out", async () => {
    const { a, b, ch, shards } = layout("pstxlease");
    const sub = await subscriber(ch);
    const crashAt = (p: string) => {
      if (p === "prepared") throw new Error("the Worker died");
    };
    await expect(runCrossShard(parts(a, b, ch), () => true, real, { leaseMs: LEASE_MS, crashAt })).rejects.toThrow("the Worker died");
    // The home's part locks no key: a PUBLISH outside the transaction still runs there.
    await nothingBefore(sub, ch, "while prepared");
    await recover(shards);
    await nothingBefore(sub, ch, "after the abort");
    expect(await cmd("MGET", a, b)).toEqual({ result: [null, null] });
    sub.ws.close();
  });

  it("decided and the Worker gone: delivered when the home's alarm applies the commit", async () => {
    const { a, b, ch, shards } = layout("pstxalarm");
    const sub = await subscriber(ch);
    const crashAt = (p: string) => {
      if (p === "decided") throw new Error("the Worker died");
    };
    await expect(runCrossShard(parts(a, b, ch), () => true, real, { leaseMs: LEASE_MS, crashAt })).rejects.toThrow("the Worker died");
    await nothingBefore(sub, ch, "before the commit");
    await recover(shards);
    expect(await sub.next()).toEqual({ result: ["message", ch, "m1"] });
    expect(await sub.next()).toEqual({ result: ["message", ch, "m2"] });
    expect(await cmd("MGET", a, b)).toEqual({ result: ["1", "1"] });
    sub.ws.close();
  });
});

describe("a command rolled back drops what it published", () => {
  // Publishes, writes, then answers more than the reply budget lets through: rolled back whole.
  const script = (n: number) => `redis.call('PUBLISH', KEYS[1], 'from the script'); redis.call('SET', KEYS[2], 'x'); return string.rep('a', ${n})`;

  it("a write whose reply does not fit the batch's reply budget", async () => {
    const [k] = keysOnDistinctShards("psrb", 1);
    const ch = `{${k}}:ch`;
    const sub = await subscriber(ch);
    const shard = env.SHARD.getByName(`shard-${shardOf(k!, SHARDS)}`) as unknown as { exec(b: string[][], l: { replyBytes: number }): Promise<Reply[]> };
    const [reply] = await shard.exec([["EVAL", script(4096), "2", ch, k!]], { replyBytes: 2048 });
    expect(reply).toEqual({ error: expect.stringMatching(/^ERR .*eval/) });
    expect(await cmd("GET", k!)).toEqual({ result: null });
    await nothingBefore(sub, ch, "after the rollback");
    // The same script with room for its reply publishes once.
    expect((await shard.exec([["EVAL", script(16), "2", ch, k!]], { replyBytes: 1 << 20 }))[0]).toEqual(new TextEncoder().encode("a".repeat(16)));
    expect(await sub.next()).toEqual({ result: ["message", ch, "from the script"] });
    sub.ws.close();
  });

  it("a script that wrote and published, then met a key locked by a cross-shard transaction: rolled back, nothing sent", async () => {
    const [t, other] = keysOnDistinctShards("psrbl", 2);
    const [k, locked, ch] = [`{${t}}:k`, `{${t}}:locked`, `{${t}}:ch`];
    const shard = shardOf(k, SHARDS);
    expect(await cmd("CONFIG", "SET", "notify-keyspace-events", "K$")).toEqual({ result: "OK" });
    try {
      const sub = await subscriber(ch);
      expect(await sub.call(["SUBSCRIBE", `__keyspace@0__:${k}`])).toEqual([{ result: ["subscribe", `__keyspace@0__:${k}`, 2] }]);
      // A transaction prepared over `locked` whose Worker died: the key stays locked until its lease runs out.
      const crashAt = (p: string) => {
        if (p === "prepared") throw new Error("the Worker died");
      };
      const held: TxPart[] = [
        { shard, keys: [locked], reads: [], writes: [["SET", locked, "1"]] },
        { shard: shardOf(other!, SHARDS), keys: [other!], reads: [], writes: [["SET", other!, "1"]] },
      ];
      await expect(runCrossShard(held, () => true, real, { leaseMs: LEASE_MS, crashAt })).rejects.toThrow("the Worker died");
      const stub = env.SHARD.getByName(`shard-${shard}`) as unknown as { exec(b: string[][]): Promise<Reply[]> };
      // The locked key is not declared (a script may touch keys of its declared keys' slots): met where it is read.
      const script = "redis.call('SET', KEYS[1], 'v'); redis.call('PUBLISH', KEYS[2], 'from the script'); return redis.call('GET', ARGV[1])";
      expect(await stub.exec([["EVAL", script, "2", k, ch, locked]])).toEqual([{ error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" }]);
      expect(await cmd("GET", k)).toEqual({ result: null });
      await nothingBefore(sub, ch, "after the rollback");
      await recover([shard, shardOf(other!, SHARDS)]);
      sub.ws.close();
    } finally {
      await cmd("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });

  it("in a cross-shard transaction's commit: the part's write over the stored replies' bound", async () => {
    const [a, b] = keysOnDistinctShards("psrbtx", 2);
    const ch = `{${a}}:ch`;
    const sub = await subscriber(ch);
    const res = await multiExec([["SET", b!, "1"], ["EVAL", script(2_000_000), "2", ch, a!], ["PUBLISH", ch, "after"]]);
    const replies = (await res.json()) as { result?: unknown; error?: string }[];
    expect(replies[0]).toEqual({ result: "OK" });
    expect(replies[1]!.error).toMatch(/^ERR .*eval/);
    expect(replies[2]).toEqual({ result: 1 });
    expect(await cmd("MGET", a!, b!)).toEqual({ result: [null, "1"] });
    expect(await sub.next()).toEqual({ result: ["message", ch, "after"] });
    sub.ws.close();
  });
});
