/**
 * Blocking pops through the Worker (docs/blocking.md): a request that waits, served by another
 * request's push, first come first served; timeouts; a cancelled wait that takes nothing; keys
 * deleted or retyped while clients wait; pushes from MULTI/EXEC and scripts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { cmd, freshKey, keysOnDistinctShards, multiExec, pipeline, SHARDS } from "./http-helpers";

interface BlockingShard {
  blockedClients(): Promise<{ clients: number; keys: number }>;
  exec(batch: string[][], limits?: { block?: string }): Promise<unknown>;
  unblock(id: string): Promise<boolean>;
}

function shardFor(key: string): BlockingShard {
  return env.SHARD.getByName(`shard-${shardOf(key, SHARDS)}`) as unknown as BlockingShard;
}

/** Waits (a bounded number of round trips, no clock) until `n` clients block on the shard of `key`. */
async function untilBlocked(key: string, n: number): Promise<void> {
  const shard = shardFor(key);
  for (let i = 0; i < 1000; i++) {
    if ((await shard.blockedClients()).clients >= n) return;
  }
  throw new Error(`fewer than ${n} clients blocked on ${key}`);
}

describe("blocking pops", () => {
  it("a BLPOP waits until another request's LPUSH serves it; the element is never in the list", async () => {
    const k = freshKey("blpop");
    const waiting = cmd("BLPOP", k, 0);
    await untilBlocked(k, 1);
    expect((await cmd("INFO", "clients")).result).toMatch(/\r\nblocked_clients:[1-9]/);
    expect(await cmd("LPUSH", k, "job")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ result: [k, "job"] });
    expect(await cmd("EXISTS", k)).toEqual({ result: 0 });
    expect((await shardFor(k).blockedClients()).clients).toBe(0);
  });

  it("two waiters are served first come first served, one element each", async () => {
    const k = freshKey("fifo");
    const first = cmd("BRPOP", k, 0);
    await untilBlocked(k, 1);
    const second = cmd("BRPOP", k, 0);
    await untilBlocked(k, 2);
    expect(await cmd("RPUSH", k, "a", "b", "c")).toEqual({ result: 3 });
    expect(await first).toEqual({ result: [k, "c"] });
    expect(await second).toEqual({ result: [k, "b"] });
    expect(await cmd("LRANGE", k, 0, -1)).toEqual({ result: ["a"] });
  });

  it("a short timeout answers nil", async () => {
    const k = `{${freshKey("timeout")}}`;
    expect(await cmd("BLPOP", k, "0.01")).toEqual({ result: null });
    expect(await cmd("BZPOPMIN", k, "0.01")).toEqual({ result: null });
    expect(await cmd("BLMOVE", k, `${k}:d`, "LEFT", "RIGHT", "0.01")).toEqual({ result: null });
    expect((await shardFor(k).blockedClients()).clients).toBe(0);
  });

  it("keys on several shards answer CROSSSLOT, as Redis Cluster", async () => {
    const [a, b] = keysOnDistinctShards("cross", 2) as [string, string];
    expect(await cmd("BLPOP", a, b, 0)).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    expect(await cmd("BLMOVE", a, b, "LEFT", "LEFT", 0)).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
  });

  it("a wait that is cancelled takes nothing: the pushed element stays in the list", async () => {
    const k = freshKey("cancel");
    const shard = shardFor(k);
    const waiting = shard.exec([["BLPOP", k, "0"]], { block: "cancel-1" });
    await untilBlocked(k, 1);
    expect(await shard.unblock("cancel-1")).toBe(true);
    expect(await shard.unblock("cancel-1")).toBe(false);
    expect(await cmd("LPUSH", k, "kept")).toEqual({ result: 1 });
    expect(await cmd("LRANGE", k, 0, -1)).toEqual({ result: ["kept"] });
    expect(await waiting).toEqual([{ error: "ERR the blocked client went away" }]);
  });

  it("a key retyped while clients wait leaves them waiting; a list created later serves them", async () => {
    const k = freshKey("retype");
    const waiting = cmd("BLPOP", k, 0);
    await untilBlocked(k, 1);
    expect(await cmd("SET", k, "x")).toEqual({ result: "OK" });
    expect((await shardFor(k).blockedClients()).clients).toBe(1);
    expect(await cmd("DEL", k)).toEqual({ result: 1 });
    expect(await cmd("RPUSH", k, "a")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ result: [k, "a"] });
  });

  it("a sorted set waiter is not served by a list, and is by a ZADD", async () => {
    const k = freshKey("bz");
    const waiting = cmd("BZPOPMAX", k, 0);
    await untilBlocked(k, 1);
    expect(await cmd("RPUSH", k, "a")).toEqual({ result: 1 });
    expect((await shardFor(k).blockedClients()).clients).toBe(1);
    await cmd("DEL", k);
    expect(await cmd("ZADD", k, 1, "m", 2, "n")).toEqual({ result: 2 });
    expect(await waiting).toEqual({ result: [k, "n", "2"] });
    expect(await cmd("ZRANGE", k, 0, -1)).toEqual({ result: ["m"] });
  });

  it("a push in MULTI/EXEC serves the waiter after the transaction, which saw the element", async () => {
    const k = freshKey("multi");
    const waiting = cmd("BLPOP", k, 0);
    await untilBlocked(k, 1);
    const res = await multiExec([["LPUSH", k, "a", "b"], ["LLEN", k]]);
    expect(await res.json()).toEqual([{ result: 2 }, { result: 2 }]);
    expect(await waiting).toEqual({ result: [k, "b"] });
    expect(await cmd("LRANGE", k, 0, -1)).toEqual({ result: ["a"] });
  });

  it("a script's push serves a waiter", async () => {
    const k = freshKey("script");
    const waiting = cmd("BLMPOP", 0, 1, k, "RIGHT", "COUNT", 5);
    await untilBlocked(k, 1);
    expect(await cmd("EVAL", "return redis.call('RPUSH', KEYS[1], 'x', 'y')", 1, k)).toEqual({ result: 2 });
    expect(await waiting).toEqual({ result: [k, ["y", "x"]] });
  });

  it("BLMOVE's push onto its destination serves the destination's waiter in the same turn", async () => {
    const src = `{${freshKey("chain")}}:src`;
    const dst = src.replace(/:src$/, ":dst");
    const mover = cmd("BLMOVE", src, dst, "LEFT", "RIGHT", 0);
    await untilBlocked(src, 1);
    const taker = cmd("BLPOP", dst, 0);
    await untilBlocked(src, 2);
    expect(await cmd("RPUSH", src, "x")).toEqual({ result: 1 });
    expect(await mover).toEqual({ result: "x" });
    expect(await taker).toEqual({ result: [dst, "x"] });
    expect(await cmd("EXISTS", src, dst)).toEqual({ result: 0 });
  });

  it("inside MULTI/EXEC a blocking pop on an empty key answers nil at once", async () => {
    const k = freshKey("multi-empty");
    const res = await multiExec([["BLPOP", k, 0], ["BZMPOP", 0, 1, k, "MIN"], ["RPUSH", k, "a"], ["BRPOP", k, 0]]);
    expect(await res.json()).toEqual([{ result: null }, { result: null }, { result: 1 }, { result: [k, "a"] }]);
  });

  it("a pipeline's commands after a blocked command run once it is served", async () => {
    const k = freshKey("pipe");
    const res = pipeline([["BLPOP", k, 0], ["LLEN", k], ["ECHO", "after"]]).then((r) => r.json());
    await untilBlocked(k, 1);
    await cmd("RPUSH", k, "a", "b");
    expect(await res).toEqual([{ result: [k, "a"] }, { result: 1 }, { result: "after" }]);
  });
});
