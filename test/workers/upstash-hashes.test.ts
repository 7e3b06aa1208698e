/**
 * Hashes through the official `@upstash/redis` client (its defaults: auto-pipelining, base64
 * responses), its requests sent to the Worker in this test runtime: the client's own parsing
 * of our replies (HGETALL and HMGET as objects, HSCAN's cursor, numbers and JSON values).
 */
import { describe, expect, it } from "vitest";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

const tag = () => `{uh${Math.random().toString(36).slice(2, 8)}}`;

describe("@upstash/redis hashes", () => {
  it("hset, hget, hgetall, hmget, hdel, hlen, hexists", async () => {
    const k = `${tag()}:user`;
    expect(await redis.hset(k, { name: "Ada", age: 36, tags: ["x", "ü"] })).toBe(3);
    expect(await redis.hget(k, "name")).toBe("Ada");
    expect(await redis.hget(k, "age")).toBe(36);
    expect(await redis.hgetall(k)).toEqual({ name: "Ada", age: 36, tags: ["x", "ü"] });
    expect(await redis.hmget(k, "name", "missing")).toEqual({ name: "Ada", missing: null });
    expect(await redis.hlen(k)).toBe(3);
    expect(await redis.hexists(k, "tags")).toBe(1);
    expect(await redis.hdel(k, "tags", "nope")).toBe(1);
    expect(await redis.hkeys(k)).toEqual(["name", "age"]);
    expect(await redis.hvals(k)).toEqual(["Ada", 36]);
    expect(await redis.hstrlen(k, "name")).toBe(3);
    expect(await redis.hgetall(`${tag()}:missing`)).toBeNull();
  });

  it("hincrby, hincrbyfloat, hsetnx, hrandfield, hscan", async () => {
    const k = `${tag()}:counters`;
    expect(await redis.hincrby(k, "n", 5)).toBe(5);
    expect(await redis.hincrbyfloat(k, "f", 10.5)).toBe(10.5);
    expect(await redis.hincrbyfloat(k, "f", 0.1)).toBe(10.6);
    expect(await redis.hsetnx(k, "n", 1)).toBe(0);
    expect(["n", "f"]).toContain(await redis.hrandfield(k));
    const fields: Record<string, number> = {};
    for (let i = 0; i < 25; i++) fields[`x${i}`] = i;
    await redis.hset(k, fields);
    const seen = new Set<string>();
    let cursor: string | number = 0;
    do {
      const [next, items]: [string | number, (string | number)[]] = await redis.hscan(k, cursor, { match: "x*", count: 10 });
      for (let i = 0; i < items.length; i += 2) seen.add(String(items[i]));
      cursor = next;
    } while (String(cursor) !== "0");
    expect(seen.size).toBe(25);
  });

  it("per-field expiry: hexpire, httl, hpersist, hgetdel", async () => {
    const k = `${tag()}:session`;
    await redis.hset(k, { token: "t1", user: "u1" });
    expect(await redis.hexpire(k, "token", 100)).toEqual([1]);
    const [ttl] = await redis.httl(k, "token");
    expect(ttl).toBeGreaterThan(95);
    expect(await redis.hpersist(k, "token")).toEqual([1]);
    expect(await redis.httl(k, ["token", "user", "nope"])).toEqual([-1, -1, -2]);
    expect(await redis.hgetdel(k, "token")).toEqual({ token: "t1" });
    expect(await redis.hlen(k)).toBe(1);
  });
});
