/**
 * Pub/Sub inside workerd: `/ws` through the Worker (SELF), REST refusals, the read-only token,
 * PUBLISH inside MULTI/EXEC and rolled back with its command, a gateway evicted while its
 * sockets stay open (hibernation) and one restarted (its sockets closed, the homes' interest
 * tables healing). End-to-end tests with Node's WebSocket client: test/node/pubsub-ws.test.ts.
 */
import { env, evictAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, cmd, keysOnDistinctShards, multiExec, READONLY_TOKEN, TOKEN } from "./http-helpers";
import { connect } from "./ws-client";

const shardStarts = () =>
  Promise.all(Array.from({ length: 16 }, (_, s) => (env.SHARD.getByName(`shard-${s}`) as unknown as { metrics(): Promise<{ startedAt: number }> }).metrics().then((m) => m.startedAt)));

describe("Pub/Sub over REST", () => {
  it("SUBSCRIBE and its family answer that they need a socket", async () => {
    for (const c of ["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"]) {
      expect(await cmd(c, "news")).toEqual({ error: `ERR '${c.toLowerCase()}' is only available on a WebSocket (GET /ws) or as Server-Sent Events (/subscribe, /psubscribe)` });
    }
  });

  it("the read-only token may not publish", async () => {
    for (const c of ["PUBLISH", "SPUBLISH"]) {
      const res = await call("/", { token: READONLY_TOKEN, body: JSON.stringify([c, "news", "x"]) });
      expect(await res.json()).toEqual({ error: `NOPERM this token is read-only and cannot run the '${c.toLowerCase()}' command` });
    }
  });

  it("/ws without an upgrade is refused", async () => {
    const res = await call("/ws");
    expect(res.status).toBe(426);
    expect((await call("/ws", { token: "nope", headers: { upgrade: "websocket" } })).status).toBe(401);
  });
});

describe("Pub/Sub over /ws", () => {
  it("subscribe, publish over the same and another socket, unsubscribe", async () => {
    const a = await connect();
    const b = await connect();
    expect(await a.call(["SUBSCRIBE", "w:news", "w:sport"], 2)).toEqual([{ result: ["subscribe", "w:news", 1] }, { result: ["subscribe", "w:sport", 2] }]);
    expect(await b.call(["PUBLISH", "w:news", "hello"])).toEqual([{ result: 1 }]);
    expect(await a.next()).toEqual({ result: ["message", "w:news", "hello"] });
    expect(await cmd("PUBSUB", "NUMSUB", "w:news", "w:sport", "w:none")).toEqual({ result: ["w:news", 1, "w:sport", 1, "w:none", 0] });
    expect(await a.call(["UNSUBSCRIBE"], 2)).toEqual([{ result: ["unsubscribe", "w:news", 1] }, { result: ["unsubscribe", "w:sport", 0] }]);
    expect(await a.call(["UNSUBSCRIBE"])).toEqual([{ result: ["unsubscribe", null, 0] }]);
    expect(await cmd("PUBLISH", "w:news", "again")).toEqual({ result: 0 });
    a.ws.close();
    b.ws.close();
  });

  it("the read-only token subscribes and reads, but may not publish", async () => {
    const ro = await connect(READONLY_TOKEN);
    expect(await ro.call(["SUBSCRIBE", "w:ro"])).toEqual([{ result: ["subscribe", "w:ro", 1] }]);
    expect(await ro.call(["PUBLISH", "w:ro", "x"])).toEqual([{ error: "NOPERM this token is read-only and cannot run the 'publish' command" }]);
    expect(await ro.call(["GET", "w:missing"])).toEqual([{ result: null }]);
    expect(await cmd("PUBLISH", "w:ro", "from rw")).toEqual({ result: 1 });
    expect(await ro.next()).toEqual({ result: ["message", "w:ro", "from rw"] });
    ro.ws.close();
  });

  it("PUBLISH inside MULTI/EXEC: counted at once, delivered after the commit, in order", async () => {
    const a = await connect();
    await a.call(["SUBSCRIBE", "{w:tx}:ch"]);
    const replies = await (await multiExec([["SET", "{w:tx}:k", "1"], ["PUBLISH", "{w:tx}:ch", "one"], ["INCR", "{w:tx}:k"], ["PUBLISH", "{w:tx}:ch", "two"]])).json();
    expect(replies).toEqual([{ result: "OK" }, { result: 1 }, { result: 2 }, { result: 1 }]);
    expect(await a.next()).toEqual({ result: ["message", "{w:tx}:ch", "one"] });
    expect(await a.next()).toEqual({ result: ["message", "{w:tx}:ch", "two"] });
    a.ws.close();
  });

  it("a script that fails after PUBLISH keeps its writes and its message, as Redis", async () => {
    const a = await connect();
    await a.call(["SUBSCRIBE", "{w:rb}:ch"]);
    await cmd("SET", "{w:rb}:s", "text");
    const failed = await cmd("EVAL", "redis.call('PUBLISH', KEYS[1], 'sent'); redis.call('SET', KEYS[2], 'x'); return redis.call('INCR', KEYS[3])", 3, "{w:rb}:ch", "{w:rb}:k", "{w:rb}:s");
    expect(failed.error).toMatch(/ERR/);
    expect(await cmd("GET", "{w:rb}:k")).toEqual({ result: "x" });
    expect(await a.next()).toEqual({ result: ["message", "{w:rb}:ch", "sent"] });
    a.ws.close();
  });

  it("patterns and shard channels", async () => {
    const a = await connect();
    expect(await a.call(["PSUBSCRIBE", "w:p:*"])).toEqual([{ result: ["psubscribe", "w:p:*", 1] }]);
    expect(await a.call(["SSUBSCRIBE", "w:s"])).toEqual([{ result: ["ssubscribe", "w:s", 1] }]);
    expect(await cmd("PUBSUB", "NUMPAT")).toEqual({ result: 1 });
    expect(await cmd("PUBLISH", "w:p:1", "m1")).toEqual({ result: 1 });
    expect(await a.next()).toEqual({ result: ["pmessage", "w:p:*", "w:p:1", "m1"] });
    // Patterns never match shard channels; SPUBLISH reaches SSUBSCRIBE subscribers only.
    expect(await cmd("SPUBLISH", "w:p:1", "m2")).toEqual({ result: 0 });
    expect(await cmd("PUBLISH", "w:s", "m3")).toEqual({ result: 0 });
    expect(await cmd("SPUBLISH", "w:s", "m4")).toEqual({ result: 1 });
    expect(await a.next()).toEqual({ result: ["smessage", "w:s", "m4"] });
    expect(await cmd("PUBSUB", "SHARDCHANNELS")).toEqual({ result: ["w:s"] });
    expect(await cmd("PUBSUB", "SHARDNUMSUB", "w:s")).toEqual({ result: ["w:s", 1] });
    expect(await a.call(["PUNSUBSCRIBE", "w:p:*"])).toEqual([{ result: ["punsubscribe", "w:p:*", 0] }]);
    expect(await cmd("PUBSUB", "NUMPAT")).toEqual({ result: 0 });
    a.ws.close();
  });

  it("SSUBSCRIBE and SUNSUBSCRIBE: one call's shard channels share a slot (CROSSSLOT otherwise), several calls may hold several slots", async () => {
    // Redis Cluster 7.0's answers (a standalone redis-server does not check slots).
    const [x, y] = keysOnDistinctShards("w:ss", 2);
    const a = await connect();
    expect(await a.call(["SSUBSCRIBE", x!, y!])).toEqual([{ error: "CROSSSLOT Keys in request don't hash to the same slot" }]);
    expect(await cmd("PUBSUB", "SHARDNUMSUB", x!, y!)).toEqual({ result: [x, 0, y, 0] });
    expect(await a.call(["SSUBSCRIBE", x!])).toEqual([{ result: ["ssubscribe", x, 1] }]);
    expect(await a.call(["SSUBSCRIBE", y!])).toEqual([{ result: ["ssubscribe", y, 2] }]);
    expect(await a.call(["SSUBSCRIBE", `{${x}}:2`, x!], 2)).toEqual([{ result: ["ssubscribe", `{${x}}:2`, 3] }, { result: ["ssubscribe", x, 3] }]);
    // SPUBLISH runs at its channel's home, whichever shard is the socket's gateway.
    expect(await cmd("SPUBLISH", x!, "to x")).toEqual({ result: 1 });
    expect(await cmd("SPUBLISH", y!, "to y")).toEqual({ result: 1 });
    // Two homes: no common order between their messages.
    expect([await a.next(), await a.next()]).toEqual(expect.arrayContaining([{ result: ["smessage", x, "to x"] }, { result: ["smessage", y, "to y"] }]));
    expect(await a.call(["SUNSUBSCRIBE", x!, y!])).toEqual([{ error: "CROSSSLOT Keys in request don't hash to the same slot" }]);
    expect(await cmd("PUBSUB", "SHARDNUMSUB", x!, y!)).toEqual({ result: [x, 1, y, 1] });
    expect(await a.call(["SUNSUBSCRIBE", y!])).toEqual([{ result: ["sunsubscribe", y, 2] }]);
    expect(await a.call(["SUNSUBSCRIBE"], 2)).toEqual([{ result: ["sunsubscribe", x, 1] }, { result: ["sunsubscribe", `{${x}}:2`, 0] }]);
    expect(await cmd("SPUBLISH", x!, "gone")).toEqual({ result: 0 });
    a.ws.close();
  });

  it("hibernation: every shard evicted while the sockets stay open, messages still delivered", async () => {
    const subs = await Promise.all(Array.from({ length: 8 }, () => connect()));
    for (const s of subs) await s.call(["SUBSCRIBE", "w:hib"]);
    await subs[0]!.call(["PSUBSCRIBE", "w:hi*"]);
    expect(await cmd("PUBLISH", "w:hib", "before")).toEqual({ result: 9 });
    for (const s of subs) expect(await s.next()).toEqual({ result: ["message", "w:hib", "before"] });
    expect(await subs[0]!.next()).toEqual({ result: ["pmessage", "w:hi*", "w:hib", "before"] });
    const before = await shardStarts();
    await evictAllDurableObjects();
    const after = await shardStarts();
    for (let i = 0; i < after.length; i++) expect(after[i]).not.toBe(before[i]);
    expect(await cmd("PUBLISH", "w:hib", "after wake")).toEqual({ result: 9 });
    for (const s of subs) expect(await s.next()).toEqual({ result: ["message", "w:hib", "after wake"] });
    expect(await subs[0]!.next()).toEqual({ result: ["pmessage", "w:hi*", "w:hib", "after wake"] });
    // The woken gateway still knows each socket's subscriptions and role.
    expect(await subs[1]!.call(["SUBSCRIBE", "w:hib2"])).toEqual([{ result: ["subscribe", "w:hib2", 2] }]);
    for (const s of subs) s.ws.close();
  });

  it("restart: the sockets are closed and the homes' tables heal", async () => {
    const a = await connect();
    await a.call(["SUBSCRIBE", "w:restart"]);
    await evictAllDurableObjects({ webSockets: "close" });
    expect(await a.closed).toBeGreaterThan(0);
    // The home may still count the gone subscriber once; the delivery's answer removes it.
    let n = -1;
    for (let i = 0; i < 5 && n !== 0; i++) n = (await cmd("PUBLISH", "w:restart", "x")).result as number;
    expect(n).toBe(0);
    expect(await cmd("PUBSUB", "NUMSUB", "w:restart")).toEqual({ result: ["w:restart", 0] });
  });
});
