/**
 * Keyspace notifications end to end inside workerd: written through the Worker, heard by a
 * `/ws` subscriber whatever shard the key and the socket are on (test/workers/notifications.test.ts
 * checks each command's events at the shard).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cmd, keysOnDistinctShards } from "./http-helpers";
import { connect } from "./ws-client";

describe("keyspace notifications over /ws", () => {
  beforeAll(async () => {
    expect(await cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")).toEqual({ result: "OK" });
  });
  afterAll(async () => {
    await cmd("CONFIG", "SET", "notify-keyspace-events", "");
  });

  it("a keyspace channel hears its key's events, a keyevent channel every shard's", async () => {
    const keys = keysOnDistinctShards("kn", 3);
    const sub = await connect();
    expect(await sub.call(["SUBSCRIBE", `__keyspace@0__:${keys[0]}`, "__keyevent@0__:del"], 2)).toEqual([
      { result: ["subscribe", `__keyspace@0__:${keys[0]}`, 1] },
      { result: ["subscribe", "__keyevent@0__:del", 2] },
    ]);
    expect(await cmd("SET", keys[0]!, "v")).toEqual({ result: "OK" });
    expect(await sub.next()).toEqual({ result: ["message", `__keyspace@0__:${keys[0]}`, "set"] });
    for (const k of keys.slice(1)) await cmd("SET", k, "v");
    // DEL over three shards: one `del` event from each, and the keyspace channel's own.
    expect(await cmd("DEL", ...keys)).toEqual({ result: 3 });
    const got = [await sub.next(), await sub.next(), await sub.next(), await sub.next()].map((f) => f.result);
    expect(got).toContainEqual(["message", `__keyspace@0__:${keys[0]}`, "del"]);
    expect(got.filter((r) => (r as string[])[1] === "__keyevent@0__:del").map((r) => (r as string[])[2]).sort()).toEqual([...keys].sort());
  });

  it("a pattern hears one key's events in the order they were written", async () => {
    const [k] = keysOnDistinctShards("kntx", 1);
    const sub = await connect();
    expect(await sub.call(["PSUBSCRIBE", `__keyspace@0__:${k}`])).toEqual([{ result: ["psubscribe", `__keyspace@0__:${k}`, 1] }]);
    expect(await cmd("RPUSH", k!, "a", "b")).toEqual({ result: 2 });
    expect(await cmd("LPOP", k!)).toEqual({ result: "a" });
    expect(await cmd("EXPIRE", k!, 100)).toEqual({ result: 1 });
    const events = [];
    for (let i = 0; i < 3; i++) events.push(((await sub.next()).result as string[])[3]);
    expect(events).toEqual(["rpush", "lpop", "expire"]);
  });
});

describe("keyspace notifications of a command split over shards", () => {
  beforeAll(async () => {
    expect(await cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")).toEqual({ result: "OK" });
  });
  afterAll(async () => {
    await cmd("CONFIG", "SET", "notify-keyspace-events", "");
  });

  /** The next `n` frames, each channel's messages in order (shards have no common order). */
  async function byChannel(sub: Awaited<ReturnType<typeof connect>>, n: number): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) {
      const [, channel, message] = (await sub.next()).result as string[];
      (out[channel!] ??= []).push(message!);
    }
    return out;
  }

  it("RENAME of a string across shards: rename_from on the source's shard, rename_to on the destination's, as on one shard", async () => {
    const [src, dst] = keysOnDistinctShards("knren", 2);
    const sub = await connect();
    const [cs, cd] = [`__keyspace@0__:${src}`, `__keyspace@0__:${dst}`];
    await sub.call(["SUBSCRIBE", cs, cd], 2);
    expect(await cmd("SET", src!, "v", "EX", 100)).toEqual({ result: "OK" });
    expect(await cmd("SET", dst!, "old")).toEqual({ result: "OK" });
    expect(await byChannel(sub, 3)).toEqual({ [cs]: ["set", "expire"], [cd]: ["set"] });
    expect(await cmd("RENAME", src!, dst!)).toEqual({ result: "OK" });
    // A later write on each key: what came before it on that channel is the RENAME's events alone.
    expect(await cmd("SET", src!, "again")).toEqual({ result: "OK" });
    expect(await cmd("DEL", dst!)).toEqual({ result: 1 });
    expect(await byChannel(sub, 4)).toEqual({ [cs]: ["rename_from", "set"], [cd]: ["rename_to", "del"] });
    sub.ws.close();
  });

  it("gathered commands raise their own events, each on its key's shard: RENAME of a list, SUNIONSTORE, a script", async () => {
    const [a, b, c] = keysOnDistinctShards("kngath", 3);
    const sub = await connect();
    const [ca, cb] = [`__keyspace@0__:${a}`, `__keyspace@0__:${b}`];
    await sub.call(["SUBSCRIBE", ca, cb], 2);
    expect(await cmd("RPUSH", a!, "x", "y")).toEqual({ result: 2 });
    expect(await byChannel(sub, 1)).toEqual({ [ca]: ["rpush"] });
    expect(await cmd("RENAME", a!, b!)).toEqual({ result: "OK" });
    expect(await cmd("SET", a!, "marker")).toEqual({ result: "OK" });
    expect(await cmd("SET", b!, "marker")).toEqual({ result: "OK" });
    expect(await byChannel(sub, 4)).toEqual({ [ca]: ["rename_from", "set"], [cb]: ["rename_to", "set"] });
    await cmd("DEL", a!, b!);
    await byChannel(sub, 2);
    expect(await cmd("SADD", a!, "m")).toEqual({ result: 1 });
    expect(await cmd("SADD", b!, "old")).toEqual({ result: 1 });
    expect(await cmd("SUNIONSTORE", b!, a!)).toEqual({ result: 1 });
    // The staged writes rewrite the set whole (DEL, SADD): the script's one SADD is what is heard.
    expect(await cmd("EVAL", "redis.call('RPUSH', KEYS[1], 'l'); return redis.call('SADD', KEYS[2], 'n')", 2, c!, a!)).toEqual({ result: 1 });
    expect(await cmd("DEL", a!, b!)).toEqual({ result: 2 });
    expect(await byChannel(sub, 6)).toEqual({ [ca]: ["sadd", "sadd", "del"], [cb]: ["sadd", "sunionstore", "del"] });
    sub.ws.close();
  });

  it("COPY of a string across shards: copy_to on the destination, nothing on the source", async () => {
    const [src, dst] = keysOnDistinctShards("kncopy", 2);
    const sub = await connect();
    const [cs, cd] = [`__keyspace@0__:${src}`, `__keyspace@0__:${dst}`];
    await sub.call(["SUBSCRIBE", cs, cd], 2);
    expect(await cmd("SET", src!, "v")).toEqual({ result: "OK" });
    expect(await cmd("COPY", src!, dst!)).toEqual({ result: 1 });
    expect(await cmd("DEL", src!, dst!)).toEqual({ result: 2 });
    expect(await byChannel(sub, 4)).toEqual({ [cs]: ["set", "del"], [cd]: ["copy_to", "del"] });
    sub.ws.close();
  });
});
