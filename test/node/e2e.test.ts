/**
 * End to end: the official `@upstash/redis` client, constructed with only `url` and `token`
 * (its defaults: auto-pipelining, base64 responses, read-your-writes), against the real local
 * server that `npm start` runs (wrangler dev), then a restart of that server on the same data.
 */
import { Redis } from "@upstash/redis";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";

const token = "e2e-token";
const readOnlyToken = "e2e-readonly-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-e2e-"));
let port = 0;
let server: LocalServer;
let redis: Redis;

function client(t = token): Redis {
  return new Redis({ url: server.url, token: t });
}

async function start(): Promise<void> {
  server = await startLocalServer({ port, persistDir, token, readOnlyToken });
  redis = client();
}

beforeAll(async () => {
  port = await freePort();
  await start();
});

afterAll(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

describe("@upstash/redis against npm start", () => {
  it("set and get: strings, JSON objects, unicode", async () => {
    expect(await redis.set("e2e:str", "hello")).toBe("OK");
    expect(await redis.get("e2e:str")).toBe("hello");
    await redis.set("user:1", { name: "John", tags: ["a", "ü"] }, { ex: 3600 });
    expect(await redis.get("user:1")).toEqual({ name: "John", tags: ["a", "ü"] });
    await redis.set("e2e:uni", "héllo wörld ✓ 🚀");
    expect(await redis.get("e2e:uni")).toBe("héllo wörld ✓ 🚀");
    expect(await redis.get("e2e:missing")).toBeNull();
    expect(await redis.ping()).toBe("PONG");
  });

  it("set options: nx, xx, get", async () => {
    expect(await redis.set("e2e:nx", "1", { nx: true })).toBe("OK");
    expect(await redis.set("e2e:nx", "2", { nx: true })).toBeNull();
    expect(await redis.set("e2e:nx", "3", { xx: true, get: true })).toBe(1);
    expect(await redis.get("e2e:nx")).toBe(3);
  });

  it("incr, incrby, decr", async () => {
    await redis.del("e2e:counter");
    expect(await redis.incr("e2e:counter")).toBe(1);
    expect(await redis.incrby("e2e:counter", 41)).toBe(42);
    expect(await redis.decr("e2e:counter")).toBe(41);
    await expect(redis.incr("e2e:str")).rejects.toThrow("ERR value is not an integer or out of range");
  });

  it("expire and ttl", async () => {
    await redis.set("e2e:ttl", "v");
    expect(await redis.ttl("e2e:ttl")).toBe(-1);
    expect(await redis.expire("e2e:ttl", 100)).toBe(1);
    const ttl = await redis.ttl("e2e:ttl");
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.ttl("e2e:nothing")).toBe(-2);
    await redis.set("e2e:short", "v", { px: 150 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await redis.get("e2e:short")).toBeNull();
  });

  it("mset within one hash tag, mget across shards, del across shards", async () => {
    expect(await redis.mset({ "{e2e}:a": "1", "{e2e}:b": "two" })).toBe("OK");
    await redis.set("e2e:c", "3");
    expect(await redis.mget("{e2e}:a", "e2e:c", "e2e:none", "{e2e}:b")).toEqual([1, 3, null, "two"]);
    expect(await redis.mset({ "e2e:x1": "1", "e2e:x2": "2" })).toBe("OK");
    expect(await redis.mget("e2e:x1", "e2e:x2")).toEqual([1, 2]);
    expect(await redis.del("{e2e}:a", "e2e:c", "e2e:none")).toBe(2);
    expect(await redis.exists("{e2e}:a", "e2e:c", "{e2e}:b")).toBe(1);
  });

  it("scan walks every shard and returns each key once", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `e2e:scan:${i}`);
    await Promise.all(keys.map((k) => redis.set(k, "v")));
    const seen: string[] = [];
    let cursor: string | number = 0;
    do {
      const [next, found]: [string | number, string[]] = await redis.scan(cursor, { match: "e2e:scan:*", count: 7 });
      seen.push(...found);
      cursor = next;
    } while (String(cursor) !== "0");
    expect(seen.sort()).toEqual([...keys].sort());
  });

  it("auto-pipelining: concurrent calls come back right, and they read their own writes", async () => {
    const n = 50;
    const writes = await Promise.all(Array.from({ length: n }, (_, i) => redis.set(`e2e:auto:${i}`, i)));
    expect(writes).toEqual(Array(n).fill("OK"));
    const reads = await Promise.all(Array.from({ length: n }, (_, i) => redis.get(`e2e:auto:${i}`)));
    expect(reads).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it("a pipeline with an error entry", async () => {
    const p = redis.pipeline();
    p.set("e2e:p", "text");
    p.incr("e2e:p");
    p.get("e2e:p");
    const out = await p.exec({ keepErrors: true });
    expect(out[0]).toEqual({ result: "OK", error: undefined });
    expect(out[1]!.error).toBe("ERR value is not an integer or out of range");
    expect(out[2]).toEqual({ result: "text", error: undefined });
    const q = redis.pipeline();
    q.get("e2e:p");
    q.incr("e2e:p");
    await expect(q.exec()).rejects.toThrow(/Command 2 \[ incr \] failed: ERR value is not an integer/);
  });

  it("multi-exec: atomic on one shard; a runtime error is an entry; spanning shards is refused", async () => {
    const tx = redis.multi();
    tx.set("{e2e:tx}:a", "1");
    tx.incr("{e2e:tx}:a");
    tx.set("{e2e:tx}:b", "text");
    tx.incr("{e2e:tx}:b");
    tx.get("{e2e:tx}:a");
    const out = await tx.exec({ keepErrors: true });
    expect(out.map((e) => e.result)).toEqual(["OK", 2, "OK", undefined, 2]);
    expect(out[3]!.error).toBe("ERR value is not an integer or out of range");
    const cross = redis.multi();
    cross.set("e2e:tx:x1", "1");
    cross.set("e2e:tx:x2", "2");
    expect(await cross.exec()).toEqual(["OK", "OK"]);
    expect(await redis.mget("e2e:tx:x1", "e2e:tx:x2")).toEqual([1, 2]);
  });

  it("a read-only token reads and is refused writes", async () => {
    const ro = client(readOnlyToken);
    await redis.set("e2e:ro", "v");
    expect(await ro.get("e2e:ro")).toBe("v");
    await expect(ro.set("e2e:ro", "w")).rejects.toThrow(/NOPERM/);
    expect(await redis.get("e2e:ro")).toBe("v");
  });

  it("a wrong token is refused", async () => {
    await expect(client("wrong").get("e2e:str")).rejects.toThrow(/Unauthorized/);
  });
});

describe("the stream helpers of @upstash/redis against npm start", () => {
  // The client parses each returned string as JSON where it can ("1" comes back as 1).
  it("a job queue: xadd, xgroup create with mkstream, xreadgroup, xack, xpending, xlen, xrange", async () => {
    const k = "e2e:{jobs}:a";
    expect(await redis.xgroup(k, { type: "CREATE", group: "workers", id: "$", options: { MKSTREAM: true } })).toBe("OK");
    expect(await redis.xadd(k, "1-1", { task: "resize", n: 1 })).toBe("1-1");
    expect(await redis.xadd(k, "1-2", { task: "email", n: 2 })).toBe("1-2");
    expect(await redis.xlen(k)).toBe(2);
    expect(await redis.xrange(k, "-", "+")).toEqual({ "1-1": { task: "resize", n: 1 }, "1-2": { task: "email", n: 2 } });
    expect(await redis.xreadgroup("workers", "w1", k, ">", { count: 1 })).toEqual([[k, [["1-1", ["task", "resize", "n", 1]]]]]);
    expect(await redis.xreadgroup("workers", "w2", k, ">")).toEqual([[k, [["1-2", ["task", "email", "n", 2]]]]]);
    expect(await redis.xpending(k, "workers", "-", "+", 10)).toEqual([
      ["1-1", "w1", expect.any(Number), 1],
      ["1-2", "w2", expect.any(Number), 1],
    ]);
    expect(await redis.xack(k, "workers", "1-1")).toBe(1);
    expect(await redis.xack(k, "workers", ["1-1", "1-2"])).toBe(1);
    expect(await redis.xpending(k, "workers", "-", "+", 10)).toEqual([]);
  });

  it("retries: xclaim and xautoclaim give another consumer the entries pending too long", async () => {
    const k = "e2e:{jobs}:b";
    await redis.xgroup(k, { type: "CREATE", group: "g", id: "0", options: { MKSTREAM: true } });
    await redis.xadd(k, "1-1", { job: "a" });
    await redis.xadd(k, "1-2", { job: "b" });
    await redis.xreadgroup("g", "crashed", k, ">");
    expect(await redis.xclaim(k, "g", "w2", 0, "1-1", { justId: true })).toEqual(["1-1"]);
    expect(await redis.xautoclaim(k, "g", "w3", 0, "0-0", { count: 10 })).toEqual(["0-0", [["1-1", ["job", "a"]], ["1-2", ["job", "b"]]], []]);
    expect(await redis.xpending(k, "g", "-", "+", 10, { consumer: "w3" })).toEqual([
      ["1-1", "w3", expect.any(Number), 2],
      ["1-2", "w3", expect.any(Number), 2],
    ]);
    expect(await redis.xclaim(k, "g", "w2", 3_600_000, ["1-1", "1-2"])).toEqual([]);
  });

  it("xinfo groups and consumers, xtrim, xdel, xrevrange, xread", async () => {
    const k = "e2e:{jobs}:c";
    for (let i = 1; i <= 5; i++) await redis.xadd(k, `${i}-0`, { i });
    await redis.xgroup(k, { type: "CREATE", group: "g", id: "0" });
    await redis.xreadgroup("g", "c1", k, ">", { count: 2 });
    expect(await redis.xinfo(k, { type: "GROUPS" })).toEqual([["name", "g", "consumers", 1, "pending", 2, "last-delivered-id", "2-0", "entries-read", 2, "lag", 3]]);
    expect(await redis.xinfo(k, { type: "CONSUMERS", group: "g" })).toEqual([["name", "c1", "pending", 2, "idle", expect.any(Number)]]);
    expect(await redis.xdel(k, "5-0")).toBe(1);
    expect(await redis.xtrim(k, { strategy: "MAXLEN", threshold: 3, exactness: "=" })).toBe(1);
    expect(await redis.xrevrange(k, "+", "-", 2)).toEqual({ "4-0": { i: 4 }, "3-0": { i: 3 } });
    expect(await redis.xread(k, "3-0")).toEqual([[k, [["4-0", ["i", 4]]]]]);
  });

  it("Redis 8.2's xackdel and xdelex", async () => {
    const k = "e2e:{jobs}:d";
    await redis.xgroup(k, { type: "CREATE", group: "g", id: "0", options: { MKSTREAM: true } });
    await redis.xadd(k, "1-1", { a: 1 });
    await redis.xadd(k, "1-2", { b: 2 });
    await redis.xreadgroup("g", "c", k, ">");
    expect(await redis.xackdel(k, "g", "KEEPREF", "1-1", "9-9")).toEqual([1, -1]);
    expect(await redis.xdelex(k, "DELREF", "1-2")).toEqual([1]);
    expect(await redis.xlen(k)).toBe(0);
    expect(await redis.xpending(k, "g", "-", "+", 10)).toEqual([]);
  });
});

describe("blocking commands over HTTP against npm start", () => {
  const post = (argv: unknown[], signal?: AbortSignal) =>
    fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(argv), signal });
  const blocked = async () => {
    const info = (await (await post(["INFO", "clients"])).json()) as { result: string };
    return Number(/blocked_clients:(\d+)/.exec(info.result)?.[1]);
  };

  it("a BLPOP that waits past the hold gets its response started, then the element as JSON", async () => {
    // fetch resolves at the response's headers: the hold passed and spaces are flowing.
    const res = await post(["BLPOP", "e2e:held", 0]);
    expect(res.status).toBe(200);
    expect(await redis.rpush("e2e:held", "job")).toBe(1);
    expect(await res.json()).toEqual({ result: ["e2e:held", "job"] });
    expect(await redis.llen("e2e:held")).toBe(0);
  });

  it("a BLPOP whose client disconnects stops waiting; a later push stays in the list", async () => {
    const gone = new AbortController();
    const waiting = post(["BLPOP", "e2e:gone", 0], gone.signal).catch(() => "aborted");
    for (let i = 0; i < 500 && (await blocked()) === 0; i++);
    expect(await blocked()).toBe(1);
    gone.abort();
    expect(await waiting).toBe("aborted");
    for (let i = 0; i < 5000 && (await blocked()) !== 0; i++);
    expect(await blocked()).toBe(0);
    expect(await redis.rpush("e2e:gone", "job")).toBe(1);
    expect(await redis.lrange("e2e:gone", 0, -1)).toEqual(["job"]);
  });
});

describe("restart of the local server", () => {
  it("keeps data and pending expiries; a key that expired while it was down is gone", async () => {
    await redis.set("e2e:keep", "kept");
    await redis.set("e2e:keep:ttl", "kept", { ex: 3600 });
    await redis.set("e2e:keep:gone", "soon", { px: 300 });
    await server.stop();
    await start();
    expect(await redis.get("e2e:keep")).toBe("kept");
    expect(await redis.get("e2e:keep:ttl")).toBe("kept");
    const ttl = await redis.ttl("e2e:keep:ttl");
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await redis.get("e2e:keep:gone")).toBeNull();
    expect(await redis.get("user:1")).toEqual({ name: "John", tags: ["a", "ü"] });
  });
});
