/**
 * Bitmap commands through the official `@upstash/redis` client (its defaults: auto-pipelining,
 * base64 responses), its requests sent to the Worker in this test runtime: setbit, getbit,
 * bitcount, bitpos, bitop (with Redis 8.2's operations) and the bitfield builder; then what a
 * read-only token may run.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { call, READONLY_TOKEN } from "./http-helpers";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();
/**
 * The same server without auto-pipelining: there the client's `bitfield(key)` is a promise, not
 * its builder (a limitation of the client), so the builder is driven from this one.
 */
const direct = new Redis({ url: "http://edgekv.test", token: "test-token", enableAutoPipelining: false, UPSTASH_DISABLE_TELEMETRY: "1" });

/** BITCOUNT of the whole value: the client's types spell the absent range as `never` arguments. */
const WHOLE = undefined as never;

const tag = () => `{ub${Math.random().toString(36).slice(2, 8)}}`;

describe("@upstash/redis bitmaps", () => {
  it("setbit, getbit, bitcount and bitpos", async () => {
    const k = `${tag()}:bits`;
    expect(await redis.setbit(k, 7, 1)).toBe(0);
    expect(await redis.setbit(k, 7, 1)).toBe(1);
    expect(await redis.setbit(k, 20, 1)).toBe(0);
    expect(await redis.getbit(k, 7)).toBe(1);
    expect(await redis.getbit(k, 8)).toBe(0);
    expect(await redis.getbit(`${k}:missing`, 8)).toBe(0);
    expect(await redis.strlen(k)).toBe(3);
    expect(await redis.bitcount(k, WHOLE, WHOLE)).toBe(2);
    expect(await redis.bitcount(k, 1, 2)).toBe(1);
    expect(await redis.bitcount(k, 0, 0)).toBe(1);
    expect(await redis.bitpos(k, 1)).toBe(7);
    expect(await redis.bitpos(k, 1, 1)).toBe(20);
    expect(await redis.bitpos(k, 0)).toBe(0);
    expect(await redis.bitpos(k, 1, 1, 1)).toBe(-1);
    expect(await redis.bitpos(`${k}:missing`, 1)).toBe(-1);
    await redis.set(`${k}:text`, "foobar");
    expect(await redis.bitcount(`${k}:text`, WHOLE, WHOLE)).toBe(26);
    expect(await redis.bitcount(`${k}:text`, -2, -1)).toBe(7);
  });

  it("bitop and, or, xor, not, and Redis 8.2's diff, diff1, andor, one", async () => {
    const t = tag();
    await redis.set(`${t}:a`, "abc");
    await redis.set(`${t}:b`, "a");
    expect(await redis.bitop("and", `${t}:d`, `${t}:a`, `${t}:b`)).toBe(3);
    expect(await redis.get(`${t}:d`)).toBe("a\u0000\u0000");
    expect(await redis.bitop("or", `${t}:d`, `${t}:a`, `${t}:b`)).toBe(3);
    expect(await redis.get(`${t}:d`)).toBe("abc");
    expect(await redis.bitop("xor", `${t}:d`, `${t}:a`, `${t}:a`)).toBe(3);
    expect(await redis.bitcount(`${t}:d`, WHOLE, WHOLE)).toBe(0);
    expect(await redis.bitop("not", `${t}:d`, `${t}:b`)).toBe(1);
    expect(await redis.getbit(`${t}:d`, 0)).toBe(1);
    expect(await redis.getbit(`${t}:d`, 1)).toBe(0);
    await redis.setbit(`${t}:x`, 0, 1);
    await redis.setbit(`${t}:x`, 1, 1);
    await redis.setbit(`${t}:y`, 1, 1);
    await redis.setbit(`${t}:y`, 2, 1);
    expect(await redis.bitop("diff", `${t}:r`, `${t}:x`, `${t}:y`)).toBe(1);
    expect(await redis.bitpos(`${t}:r`, 1)).toBe(0);
    expect(await redis.bitcount(`${t}:r`, WHOLE, WHOLE)).toBe(1);
    expect(await redis.bitop("diff1", `${t}:r`, `${t}:x`, `${t}:y`)).toBe(1);
    expect(await redis.bitpos(`${t}:r`, 1)).toBe(2);
    expect(await redis.bitcount(`${t}:r`, WHOLE, WHOLE)).toBe(1);
    expect(await redis.bitop("andor", `${t}:r`, `${t}:x`, `${t}:y`)).toBe(1);
    expect(await redis.bitpos(`${t}:r`, 1)).toBe(1);
    expect(await redis.bitcount(`${t}:r`, WHOLE, WHOLE)).toBe(1);
    expect(await redis.bitop("one", `${t}:r`, `${t}:x`, `${t}:y`)).toBe(1);
    expect(await redis.bitcount(`${t}:r`, WHOLE, WHOLE)).toBe(2);
    expect(await redis.bitop("and", `${t}:r`, `${t}:none1`, `${t}:none2`)).toBe(0);
    expect(await redis.exists(`${t}:r`)).toBe(0);
  });

  it("the bitfield builder: get, set, incrby and overflow in one call", async () => {
    const k = `${tag()}:bf`;
    const redis = direct;
    expect(await redis.bitfield(k).set("u8", 0, 255).get("u8", 0).get("i8", 0).exec()).toEqual([0, 255, -1]);
    expect(await redis.bitfield(k).incrby("u8", 0, 1).overflow("SAT").incrby("u8", 0, -10).exec()).toEqual([0, 0]);
    expect(await redis.bitfield(k).overflow("FAIL").incrby("u2", 100, 5).incrby("u2", 100, 3).exec()).toEqual([null, 3]);
    expect(await redis.bitfield(k).set("i16", "#1", -2).get("i16", "#1").get("u16", 8).exec()).toEqual([0, -2, 255]);
    expect(await redis.bitfield(k).set("i64", 0, 1).get("i64", 0).exec()).toEqual([0xfffe * 2 ** 32, 1]);
    await expect(redis.bitfield(k).get("u64", 0).exec()).rejects.toThrow("Invalid bitfield type");
    await expect(redis.setbit(k, -1, 1)).rejects.toThrow("bit offset is not an integer or out of range");
    await redis.lpush(`${k}:list`, "x");
    await expect(redis.bitcount(`${k}:list`, WHOLE, WHOLE)).rejects.toThrow("WRONGTYPE");
  });

  it("a pipeline of bitmap commands", async () => {
    const k = `${tag()}:p`;
    const p = redis.pipeline();
    p.setbit(k, 3, 1);
    p.getbit(k, 3);
    p.bitcount(k, WHOLE, WHOLE);
    p.bitpos(k, 1);
    p.bitop("not", `${k}:n`, k);
    p.bitfield(k).get("u4", 0).set("u4", 4, 15).exec();
    p.bitcount(`${k}:n`, WHOLE, WHOLE);
    expect(await p.exec()).toEqual([0, 1, 1, 3, 1, [1, 0], 7]);
  });
});

describe("bitmaps and a read-only token", () => {
  async function run(token: string | undefined, ...args: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
    const res = await call("/", { body: JSON.stringify(args), token });
    return res.json();
  }

  it("reads run; SETBIT, BITOP and BITFIELD (even with only GETs) are refused, BITFIELD_RO runs", async () => {
    const k = `${tag()}:ro`;
    expect(await run(undefined, "SETBIT", k, 9, 1)).toEqual({ result: 0 });
    expect(await run(READONLY_TOKEN, "GETBIT", k, 9)).toEqual({ result: 1 });
    expect(await run(READONLY_TOKEN, "BITCOUNT", k)).toEqual({ result: 1 });
    expect(await run(READONLY_TOKEN, "BITPOS", k, 1)).toEqual({ result: 9 });
    expect(await run(READONLY_TOKEN, "BITFIELD_RO", k, "GET", "u8", 8)).toEqual({ result: [64] });
    expect((await run(READONLY_TOKEN, "SETBIT", k, 0, 1)).error).toMatch(/^NOPERM .*'setbit'/);
    expect((await run(READONLY_TOKEN, "BITOP", "NOT", k, k)).error).toMatch(/^NOPERM .*'bitop'/);
    expect((await run(READONLY_TOKEN, "BITFIELD", k, "GET", "u8", 8)).error).toMatch(/^NOPERM .*'bitfield'/);
    expect(await run(READONLY_TOKEN, "BITFIELD_RO", k, "SET", "u8", 8, 1)).toEqual({ error: "ERR BITFIELD_RO only supports the GET subcommand" });
    expect(await run(undefined, "GETBIT", k, 0)).toEqual({ result: 0 });
    expect(await run(undefined, "BITCOUNT", k)).toEqual({ result: 1 });
  });
});
