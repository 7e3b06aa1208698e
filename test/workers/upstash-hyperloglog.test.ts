/**
 * HyperLogLog through the official `@upstash/redis` client (its defaults: auto-pipelining,
 * base64 responses), its requests sent to the Worker in this test runtime: pfadd, pfcount of one
 * and several keys, pfmerge, over keys on one shard and on several. Counts are redis-server's.
 * Then what a read-only token may do: PFCOUNT (a read, as in Redis) and its write of the cache.
 */
import { describe, expect, it } from "vitest";
import { call, READONLY_TOKEN } from "./http-helpers";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

const tag = () => `{uh${Math.random().toString(36).slice(2, 8)}}`;
const users = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `user:${from + i}`);

describe("@upstash/redis HyperLogLog", () => {
  it("pfadd, pfcount, pfmerge on one shard", async () => {
    const t = tag();
    expect(await redis.pfadd(`${t}:a`, ...users(1, 100))).toBe(1);
    expect(await redis.pfadd(`${t}:a`, "user:1")).toBe(0);
    expect(await redis.pfcount(`${t}:a`)).toBe(100);
    expect(await redis.pfadd(`${t}:b`, ...users(51, 150))).toBe(1);
    expect(await redis.pfcount(`${t}:a`, `${t}:b`)).toBe(151);
    expect(await redis.pfmerge(`${t}:c`, `${t}:a`, `${t}:b`)).toBe("OK");
    expect(await redis.pfcount(`${t}:c`)).toBe(151);
    expect(await redis.pfadd(`${t}:d`, 1, 2, 3, { x: 1 })).toBe(1);
    expect(await redis.pfcount(`${t}:d`)).toBe(4);
    expect(await redis.pfcount(`${t}:missing`)).toBe(0);
    await redis.set(`${t}:s`, "plain");
    await expect(redis.pfadd(`${t}:s`, "x")).rejects.toThrow("WRONGTYPE Key is not a valid HyperLogLog string value.");
  });

  it("pfcount and pfmerge over keys on several shards, and in one pipeline", async () => {
    const id = Math.random().toString(36).slice(2, 8);
    const [a, b, c] = [`uha${id}`, `uhb${id}`, `uhc${id}`];
    const p = redis.pipeline();
    p.pfadd(a, ...users(1, 100));
    p.pfadd(b, ...users(51, 150));
    p.pfcount(a, b);
    p.pfmerge(c, a, b);
    p.pfcount(c);
    expect(await p.exec()).toEqual([1, 1, 151, "OK", 151]);
  });
});

describe("HyperLogLog and a read-only token", () => {
  /** One command over HTTP; replies in base64 so an HLL's bytes arrive intact. */
  async function run(token: string | undefined, ...args: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
    const res = await call("/", { body: JSON.stringify(args), token, base64: true });
    return res.json();
  }
  const cacheByte = async (key: string) => atob(String((await run(undefined, "GETRANGE", key, 15, 15)).result)).charCodeAt(0);

  it("PFCOUNT runs and caches the count; PFADD and PFMERGE are refused", async () => {
    const k = `${tag()}:ro`;
    expect(await run(undefined, "PFADD", k, "a", "b", "c")).toEqual({ result: 1 });
    expect(await cacheByte(k)).toBe(0x80);
    expect(await run(READONLY_TOKEN, "PFCOUNT", k)).toEqual({ result: 3 });
    expect(await cacheByte(k)).toBe(0x00);
    expect((await run(READONLY_TOKEN, "PFADD", k, "d")).error).toMatch(/^NOPERM .*'pfadd'/);
    expect((await run(READONLY_TOKEN, "PFMERGE", k, k)).error).toMatch(/^NOPERM .*'pfmerge'/);
    expect(await run(READONLY_TOKEN, "PFCOUNT", k, `${k}:other`)).toEqual({ result: 3 });
  });
});
