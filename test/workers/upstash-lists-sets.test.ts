/**
 * Lists and sets through the official `@upstash/redis` client (its defaults: auto-pipelining,
 * base64 responses), its requests sent to the Worker in this test runtime: the client's own
 * parsing of our replies (JSON values, nulls, LMPOP's pair, SSCAN's cursor).
 */
import { describe, expect, it } from "vitest";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

const tag = () => `{ul${Math.random().toString(36).slice(2, 8)}}`;

describe("@upstash/redis lists", () => {
  it("a task queue: rpush, lpop, llen, lrange, lindex, lset, linsert, lrem, ltrim, lpos", async () => {
    const k = `${tag()}:jobs`;
    expect(await redis.rpush<unknown>(k, { id: 1 }, { id: 2 }, "plain", 42)).toBe(4);
    expect(await redis.lpush(k, "first")).toBe(5);
    expect(await redis.llen(k)).toBe(5);
    expect(await redis.lrange(k, 0, -1)).toEqual(["first", { id: 1 }, { id: 2 }, "plain", 42]);
    expect(await redis.lindex(k, 1)).toEqual({ id: 1 });
    expect(await redis.lset(k, 3, "changed")).toBe("OK");
    expect(await redis.linsert(k, "before", "changed", "ins")).toBe(6);
    expect(await redis.lpos(k, "ins")).toBe(3);
    expect(await redis.lrem(k, 0, "ins")).toBe(1);
    expect(await redis.lpop(k)).toBe("first");
    expect(await redis.lpop(k, 2)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await redis.rpop(k)).toBe(42);
    expect(await redis.ltrim(k, 0, 0)).toBe("OK");
    expect(await redis.lrange(k, 0, -1)).toEqual(["changed"]);
    expect(await redis.lpop(`${tag()}:missing`)).toBeNull();
  });

  it("lmove, lmpop and lpushx between lists of one hash tag", async () => {
    const t = tag();
    await redis.rpush(`${t}:a`, "1", "2", "3");
    expect(await redis.lmove(`${t}:a`, `${t}:b`, "left", "right")).toBe(1);
    expect(await redis.lmove(`${t}:a`, `${t}:b`, "right", "left")).toBe(3);
    expect(await redis.lrange(`${t}:b`, 0, -1)).toEqual([3, 1]);
    expect(await redis.lmpop(2, [`${t}:none`, `${t}:b`], "LEFT", 5)).toEqual([`${t}:b`, [3, 1]]);
    expect(await redis.lmpop(1, [`${t}:none`], "RIGHT")).toBeNull();
    expect(await redis.lpushx(`${t}:none`, "x")).toBe(0);
  });
});

describe("@upstash/redis sets", () => {
  it("tags: sadd, srem, smembers, sismember, smismember, scard, spop, srandmember", async () => {
    const k = `${tag()}:tags`;
    expect(await redis.sadd(k, "redis", "edge", "db")).toBe(3);
    expect(await redis.sadd(k, "edge")).toBe(0);
    expect((await redis.smembers(k)).sort()).toEqual(["db", "edge", "redis"]);
    expect(await redis.sismember(k, "db")).toBe(1);
    expect(await redis.smismember(k, ["db", "nope"])).toEqual([1, 0]);
    expect(await redis.scard(k)).toBe(3);
    expect(await redis.srem(k, "db")).toBe(1);
    expect(["edge", "redis"]).toContain(await redis.srandmember(k));
    expect(((await redis.srandmember<string[]>(k, 5)) ?? []).sort()).toEqual(["edge", "redis"]);
    const popped = await redis.spop<string>(k);
    expect(["edge", "redis"]).toContain(popped);
    expect(await redis.scard(k)).toBe(1);
    expect(await redis.smembers(`${tag()}:missing`)).toEqual([]);
  });

  it("set algebra, smove and sscan on sets of one hash tag", async () => {
    const t = tag();
    await redis.sadd(`${t}:a`, "1", "2", "3", "x");
    await redis.sadd(`${t}:b`, "2", "3", "4");
    expect((await redis.sinter(`${t}:a`, `${t}:b`)).map(String).sort()).toEqual(["2", "3"]);
    expect((await redis.sunion(`${t}:a`, `${t}:b`)).map(String).sort()).toEqual(["1", "2", "3", "4", "x"]);
    expect((await redis.sdiff(`${t}:a`, `${t}:b`)).map(String).sort()).toEqual(["1", "x"]);
    expect(await redis.sintercard([`${t}:a`, `${t}:b`], { limit: 1 })).toBe(1);
    expect(await redis.sinterstore(`${t}:i`, `${t}:a`, `${t}:b`)).toBe(2);
    expect(await redis.sunionstore(`${t}:u`, `${t}:a`, `${t}:b`)).toBe(5);
    expect(await redis.sdiffstore(`${t}:d`, `${t}:a`, `${t}:b`)).toBe(2);
    expect(await redis.smove(`${t}:a`, `${t}:b`, "x")).toBe(1);
    const seen = new Set<string>();
    let cursor: string | number = 0;
    do {
      const [next, items]: [string | number, (string | number)[]] = await redis.sscan(`${t}:u`, cursor, { count: 2 });
      items.forEach((m) => seen.add(String(m)));
      cursor = next;
    } while (String(cursor) !== "0");
    expect([...seen].sort()).toEqual(["1", "2", "3", "4", "x"]);
  });
});
