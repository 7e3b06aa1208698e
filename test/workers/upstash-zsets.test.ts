/**
 * Sorted sets through the official `@upstash/redis` client (its defaults: auto-pipelining,
 * base64 responses), its requests sent to the Worker in this test runtime: the client's own
 * parsing of our replies (scores as numbers, WITHSCORES pairs, ZSCAN's cursor, JSON members).
 */
import { describe, expect, it } from "vitest";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

const tag = () => `{uz${Math.random().toString(36).slice(2, 8)}}`;

describe("@upstash/redis sorted sets", () => {
  it("zadd, zscore, zincrby, zcard, zrank, zrange with scores, zrem", async () => {
    const k = `${tag()}:board`;
    expect(await redis.zadd(k, { score: 10, member: "ada" }, { score: 20, member: "bob" }, { score: 15, member: "cy" })).toBe(3);
    expect(await redis.zadd(k, { nx: true }, { score: 99, member: "ada" })).toBe(0);
    expect(await redis.zscore(k, "ada")).toBe(10);
    expect(await redis.zincrby(k, 2.5, "ada")).toBe(12.5);
    expect(await redis.zcard(k)).toBe(3);
    expect(await redis.zrank(k, "cy")).toBe(1);
    expect(await redis.zrevrank(k, "cy")).toBe(1);
    expect(await redis.zrange(k, 0, -1)).toEqual(["ada", "cy", "bob"]);
    expect(await redis.zrange(k, 0, 1, { rev: true, withScores: true })).toEqual(["bob", 20, "cy", 15]);
    expect(await redis.zrange(k, 12, 16, { byScore: true })).toEqual(["ada", "cy"]);
    expect(await redis.zcount(k, "(12.5", "+inf")).toBe(2);
    expect(await redis.zrem(k, "cy", "nobody")).toBe(1);
    expect(await redis.zmscore(k, ["ada", "nobody"])).toEqual([12.5, null]);
    expect(await redis.zscore(`${tag()}:missing`, "ada")).toBeNull();
  });

  it("leaderboard pops, union store and zscan", async () => {
    const t = tag();
    const a = `${t}:a`;
    const b = `${t}:b`;
    await redis.zadd(a, { score: 1, member: "x" }, { score: 2, member: "y" });
    await redis.zadd(b, { score: 10, member: "y" }, { score: 3, member: "z" });
    expect(await redis.zunionstore(`${t}:u`, 2, [a, b], { weights: [1, 2] })).toBe(3);
    expect(await redis.zrange(`${t}:u`, 0, -1, { withScores: true })).toEqual(["x", 1, "z", 6, "y", 22]);
    expect(await redis.zpopmax(`${t}:u`)).toEqual(["y", 22]);
    expect(await redis.zpopmin(`${t}:u`, 2)).toEqual(["x", 1, "z", 6]);
    expect(await redis.exists(`${t}:u`)).toBe(0);
    const members = Array.from({ length: 30 }, (_, i) => ({ score: i, member: `m${i}` }));
    await redis.zadd(`${t}:big`, members[0]!, ...members.slice(1));
    const seen = new Set<string>();
    let cursor: string | number = 0;
    do {
      const [next, page] = await redis.zscan(`${t}:big`, cursor, { count: 7 });
      for (let i = 0; i < page.length; i += 2) seen.add(String(page[i]));
      cursor = next;
    } while (String(cursor) !== "0");
    expect(seen.size).toBe(30);
  });

  it("JSON members round-trip", async () => {
    const k = `${tag()}:json`;
    await redis.zadd(k, { score: 1, member: { id: 1, name: "ü" } });
    expect(await redis.zrange(k, 0, -1)).toEqual([{ id: 1, name: "ü" }]);
  });
});
