/**
 * Blocking pops through the Worker (docs/blocking.md): a request that waits, served by another
 * request's push, first come first served; timeouts; a cancelled wait that takes nothing; keys
 * deleted or retyped while clients wait; pushes from MULTI/EXEC and scripts; XREAD BLOCK; waits
 * over `/ws`.
 */
import { describe, expect, it } from "vitest";
import { blockingShardFor, cmd, freshKey, keysOnDistinctShards, multiExec, pipeline, untilBlocked } from "./http-helpers";
import { connect } from "./ws-client";

describe("blocking pops", () => {
  it("a BLPOP waits until another request's LPUSH serves it; the element is never in the list", async () => {
    const k = freshKey("blpop");
    const waiting = cmd("BLPOP", k, 0);
    await untilBlocked(k, 1);
    expect((await cmd("INFO", "clients")).result).toMatch(/\r\nblocked_clients:[1-9]/);
    expect(await cmd("LPUSH", k, "job")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ result: [k, "job"] });
    expect(await cmd("EXISTS", k)).toEqual({ result: 0 });
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(0);
  });

  it("a long timeout (30 days, past a 32-bit count of ms) still waits", async () => {
    const k = freshKey("long");
    const waiting = cmd("BLPOP", k, 30 * 86400);
    await untilBlocked(k, 1);
    expect(await cmd("RPUSH", k, "late")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ result: [k, "late"] });
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
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(0);
  });

  it("keys on several shards answer CROSSSLOT, as Redis Cluster", async () => {
    const [a, b] = keysOnDistinctShards("cross", 2) as [string, string];
    expect(await cmd("BLPOP", a, b, 0)).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    expect(await cmd("BLMOVE", a, b, "LEFT", "LEFT", 0)).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
  });

  it("a wait that is cancelled takes nothing: the pushed element stays in the list", async () => {
    const k = freshKey("cancel");
    const shard = blockingShardFor(k);
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
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(1);
    expect(await cmd("DEL", k)).toEqual({ result: 1 });
    expect(await cmd("RPUSH", k, "a")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ result: [k, "a"] });
  });

  it("a RENAME onto the key a BLPOP waits on serves it, as Redis's dbAdd signals the new name", async () => {
    const [src, dst] = [freshKey("{rn}src"), freshKey("{rn}dst")];
    await cmd("RPUSH", src, "a", "b");
    const waiting = cmd("BLPOP", dst, 0);
    await untilBlocked(dst, 1);
    expect(await cmd("RENAME", src, dst)).toEqual({ result: "OK" });
    expect(await waiting).toEqual({ result: [dst, "a"] });
    expect(await cmd("LRANGE", dst, 0, -1)).toEqual({ result: ["b"] });
  });

  it("a sorted set waiter is not served by a list, and is by a ZADD", async () => {
    const k = freshKey("bz");
    const waiting = cmd("BZPOPMAX", k, 0);
    await untilBlocked(k, 1);
    expect(await cmd("RPUSH", k, "a")).toEqual({ result: 1 });
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(1);
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

describe("XREAD BLOCK", () => {
  const entry = (id: string, ...fv: string[]) => [id, fv];

  it("waits until an XADD to the stream; `$` is the last ID when it blocked, so only new entries come", async () => {
    const k = freshKey("xread");
    await cmd("XADD", k, "1-1", "old", "1");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "$");
    await untilBlocked(k, 1);
    // Both XADDs run before the reader is served: `$` resolved at serve time would find nothing new.
    const res = await multiExec([["XADD", k, "2-1", "a", "1"], ["XADD", k, "3-1", "b", "2"]]);
    expect(await res.json()).toEqual([{ result: "2-1" }, { result: "3-1" }]);
    expect(await waiting).toEqual({ result: [[k, [entry("2-1", "a", "1"), entry("3-1", "b", "2")]]] });
    expect(await cmd("XLEN", k)).toEqual({ result: 3 });
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(0);
  });

  it("a stream created by XADD serves a reader of a missing key; every reader gets the entry, COUNT applies", async () => {
    const k = freshKey("xread-new");
    const first = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "$");
    await untilBlocked(k, 1);
    const second = cmd("XREAD", "COUNT", 1, "BLOCK", 0, "STREAMS", k, "0");
    await untilBlocked(k, 2);
    const res = await multiExec([["XADD", k, "5-1", "f", "v"], ["XADD", k, "6-1", "g", "w"]]);
    expect(await res.json()).toEqual([{ result: "5-1" }, { result: "6-1" }]);
    expect(await first).toEqual({ result: [[k, [entry("5-1", "f", "v"), entry("6-1", "g", "w")]]] });
    expect(await second).toEqual({ result: [[k, [entry("5-1", "f", "v")]]] });
  });

  it("a reader of several keys is served with the first key made ready, and that key only", async () => {
    const s = `{${freshKey("xmulti")}}:s`;
    const t = s.replace(/:s$/, ":t");
    await cmd("XADD", s, "1-1", "a", "1");
    const res = pipeline([["XREAD", "BLOCK", 0, "STREAMS", s, t, "$", "$"], ["ECHO", "after"]]).then((r) => r.json());
    await untilBlocked(s, 1);
    await multiExec([["XADD", t, "5-1", "x", "1"], ["XADD", s, "2-1", "y", "2"]]);
    expect(await res).toEqual([{ result: [[t, [entry("5-1", "x", "1")]]] }, { result: "after" }]);
  });

  it("an XADD at or below the ID waited after does not serve; one above does", async () => {
    const k = freshKey("xread-id");
    await cmd("XADD", k, "1-1", "f", "v");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "100-0");
    await untilBlocked(k, 1);
    await cmd("XADD", k, "50-1", "f", "v");
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(1);
    await cmd("XADD", k, "150-1", "g", "w");
    expect(await waiting).toEqual({ result: [[k, [entry("150-1", "g", "w")]]] });
  });

  it("an XADD trimmed away at once serves the reader with no entries, as Redis 7.0", async () => {
    const k = freshKey("xread-trim");
    await cmd("XADD", k, "1-1", "f", "v");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "$");
    await untilBlocked(k, 1);
    expect(await cmd("XADD", k, "MAXLEN", 0, "2-1", "f", "v")).toEqual({ result: "2-1" });
    expect(await waiting).toEqual({ result: [[k, []]] });
  });

  it("a key of another type leaves the reader waiting; a stream created later serves it", async () => {
    const k = freshKey("xread-retype");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "$");
    await untilBlocked(k, 1);
    await cmd("RPUSH", k, "a");
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(1);
    await cmd("DEL", k);
    await cmd("XADD", k, "7-1", "q", "1");
    expect(await waiting).toEqual({ result: [[k, [entry("7-1", "q", "1")]]] });
  });

  it("a timeout answers nil; in MULTI/EXEC it answers nil at once", async () => {
    const k = freshKey("xread-timeout");
    expect(await cmd("XREAD", "BLOCK", 10, "STREAMS", k, "$")).toEqual({ result: null });
    const res = await multiExec([["XREAD", "BLOCK", 0, "STREAMS", k, "$"], ["XADD", k, "1-1", "f", "v"], ["XREAD", "BLOCK", 0, "STREAMS", k, "0"]]);
    expect(await res.json()).toEqual([{ result: null }, { result: "1-1" }, { result: [[k, [entry("1-1", "f", "v")]]] }]);
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(0);
  });

  it("a cancelled reader leaves no waiter", async () => {
    const k = freshKey("xread-cancel");
    const shard = blockingShardFor(k);
    const waiting = shard.exec([["XREAD", "BLOCK", "0", "STREAMS", k, "$"]], { block: "xcancel-1" });
    await untilBlocked(k, 1);
    expect(await shard.unblock("xcancel-1")).toBe(true);
    expect(await waiting).toEqual([{ error: "ERR the blocked client went away" }]);
    expect((await shard.blockedClients()).clients).toBe(0);
  });
});

describe("XREADGROUP BLOCK", () => {
  const entry = (id: string, ...fv: string[]) => [id, fv];

  it("waits for an XADD; readers of one group share the new entries, the one served first takes them", async () => {
    const k = freshKey("xgroup");
    await cmd("XADD", k, "1-1", "old", "1");
    expect(await cmd("XGROUP", "CREATE", k, "g", "$")).toEqual({ result: "OK" });
    const first = cmd("XREADGROUP", "GROUP", "g", "c1", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 1);
    const second = cmd("XREADGROUP", "GROUP", "g", "c2", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 2);
    expect(await cmd("XADD", k, "2-1", "a", "1")).toEqual({ result: "2-1" });
    expect(await first).toEqual({ result: [[k, [entry("2-1", "a", "1")]]] });
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(1);
    expect(await cmd("XADD", k, "3-1", "b", "2")).toEqual({ result: "3-1" });
    expect(await second).toEqual({ result: [[k, [entry("3-1", "b", "2")]]] });
    expect(await cmd("XPENDING", k, "g")).toEqual({ result: [2, "2-1", "3-1", [["c1", "1"], ["c2", "1"]]] });
  });

  it("XGROUP DESTROY answers a blocked reader NOGROUP; an XADD trimmed away at once serves it with no entries", async () => {
    const k = freshKey("xgroup-destroy");
    await cmd("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
    const waiting = cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 1);
    expect(await cmd("XGROUP", "DESTROY", k, "g")).toEqual({ result: 1 });
    expect(await waiting).toEqual({ error: "NOGROUP the consumer group this client was blocked on no longer exists" });
    await cmd("XGROUP", "CREATE", k, "g", "$");
    const trimmed = cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 1);
    expect(await cmd("XADD", k, "MAXLEN", 0, "1-1", "f", "v")).toEqual({ result: "1-1" });
    expect(await trimmed).toEqual({ result: [[k, []]] });
    expect(await cmd("XPENDING", k, "g")).toEqual({ result: [0, null, null, null] });
  });

  it("a stream deleted, overwritten, renamed away or flushed answers its blocked reader UNBLOCKED; an XREAD reader waits on", async () => {
    const gone = { error: "UNBLOCKED the stream key no longer exists" };
    const ways: [string, (k: string) => Promise<unknown>][] = [
      ["del", (k) => cmd("DEL", k)],
      ["set", (k) => cmd("SET", k, "v")],
      ["rename", (k) => cmd("RENAME", k, `${k}:moved`)],
      ["multi", (k) => multiExec([["DEL", k], ["SADD", k, "m"]])],
      ["flushdb", () => cmd("FLUSHDB")],
    ];
    for (const [name, remove] of ways) {
      const k = freshKey(`{xgroup-gone-${name}}`);
      await cmd("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
      const grouped = cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">");
      await untilBlocked(k, 1);
      const plain = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "$");
      await untilBlocked(k, 2);
      await remove(k);
      expect(await grouped, name).toEqual(gone);
      expect((await blockingShardFor(k).blockedClients()).clients, name).toBe(1);
      await cmd("DEL", k);
      expect(await cmd("XADD", k, "1-1", "f", "v")).toEqual({ result: "1-1" });
      expect(await plain, name).toEqual({ result: [[k, [["1-1", ["f", "v"]]]]] });
    }
  });

  it("a stream deleted and created again in one transaction answers its blocked reader NOGROUP", async () => {
    const k = freshKey("xgroup-recreated");
    await cmd("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
    const waiting = cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 1);
    await multiExec([["DEL", k], ["XADD", k, "1-1", "f", "v"]]);
    expect(await waiting).toEqual({ error: "NOGROUP the consumer group this client was blocked on no longer exists" });
  });

  it("a stream that expires answers its blocked reader UNBLOCKED", async () => {
    const k = freshKey("xgroup-expired");
    await cmd("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
    const waiting = cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">");
    await untilBlocked(k, 1);
    await cmd("PEXPIRE", k, 1);
    // The key is gone at its time: the next access (or the shard's alarm) deletes it and answers the reader.
    let reply: unknown = null;
    for (let i = 0; i < 1000 && reply === null; i++) {
      await cmd("EXISTS", k);
      reply = await Promise.race([waiting, Promise.resolve(null)]);
    }
    expect(reply).toEqual({ error: "UNBLOCKED the stream key no longer exists" });
  });

  it("a timeout answers nil; in MULTI/EXEC it answers nil at once", async () => {
    const k = freshKey("xgroup-timeout");
    await cmd("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
    expect(await cmd("XREADGROUP", "GROUP", "g", "c", "BLOCK", 10, "STREAMS", k, ">")).toEqual({ result: null });
    const res = await multiExec([["XREADGROUP", "GROUP", "g", "c", "BLOCK", 0, "STREAMS", k, ">"], ["XADD", k, "1-1", "f", "v"]]);
    expect(await res.json()).toEqual([{ result: null }, { result: "1-1" }]);
    expect((await blockingShardFor(k).blockedClients()).clients).toBe(0);
  });
});

describe("blocking commands over /ws", () => {
  it("a BLPOP waits until served; the socket's later frames answer after it, in order", async () => {
    const k = freshKey("ws-blpop");
    const c = await connect();
    c.send(["BLPOP", k, 0]);
    await untilBlocked(k, 1);
    c.send(["ECHO", "after"]);
    c.send([["LLEN", k]]);
    expect(await cmd("RPUSH", k, "a", "b")).toEqual({ result: 2 });
    expect(await c.next()).toEqual({ result: [k, "a"] });
    expect(await c.next()).toEqual({ result: "after" });
    expect(await c.next()).toEqual({ result: 1 });
    c.ws.close();
  });

  it("an XREAD BLOCK on a socket is served by an XADD; a timeout answers nil", async () => {
    const k = freshKey("ws-xread");
    const c = await connect();
    expect(await c.call(["XREAD", "BLOCK", 10, "STREAMS", k, "$"])).toEqual([{ result: null }]);
    c.send(["XREAD", "BLOCK", 0, "STREAMS", k, "$"]);
    await untilBlocked(k, 1);
    await cmd("XADD", k, "1-1", "f", "v");
    expect(await c.next()).toEqual({ result: [[k, [["1-1", ["f", "v"]]]]] });
    c.ws.close();
  });

  it("a socket that closes while it waits is withdrawn: nothing is taken for it", async () => {
    const k = freshKey("ws-close");
    const c = await connect();
    c.send(["BLPOP", k, 0]);
    await untilBlocked(k, 1);
    c.ws.close();
    await c.closed;
    const shard = blockingShardFor(k);
    let left = 1;
    for (let i = 0; i < 1000 && left > 0; i++) left = (await shard.blockedClients()).clients;
    expect(left).toBe(0);
    expect(await cmd("RPUSH", k, "kept")).toEqual({ result: 1 });
    expect(await cmd("LRANGE", k, 0, -1)).toEqual({ result: ["kept"] });
  });
});
