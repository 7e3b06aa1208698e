/**
 * Keyspace and server behaviour where edgekv knowingly differs from a standalone redis-server
 * (one database, as Redis Cluster), and the Worker's merges of keyspace-wide replies. The
 * Redis-identical behaviour is in the conformance suite.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fromEntry, parseJsonExact } from "../conformance/normalize";

async function r(...args: (string | number)[]) {
  const res = await SELF.fetch("http://edgekv/", {
    method: "POST",
    headers: { authorization: "Bearer test-token" },
    body: JSON.stringify(args),
  });
  return fromEntry(parseJsonExact(await res.text()));
}

describe("one database, as Redis Cluster", () => {
  it("SELECT of another database is refused", async () => {
    expect(await r("SELECT", 0)).toEqual("OK");
    expect(await r("SELECT", 1)).toEqual({ error: "ERR SELECT is not allowed in cluster mode" });
    expect(await r("SELECT", 15)).toEqual({ error: "ERR SELECT is not allowed in cluster mode" });
  });

  it("COPY to another database is refused and changes nothing", async () => {
    await r("SET", "{c}a", "v");
    expect(await r("COPY", "{c}a", "{c}b", "DB", 1)).toEqual({
      error: "ERR Copying to another database is not allowed in cluster mode",
    });
    expect(await r("EXISTS", "{c}b")).toEqual(0);
  });
});

describe("expiry times beyond 2^53 ms", () => {
  it("are accepted and keep the key alive", async () => {
    await r("SET", "far", "v");
    expect(await r("PEXPIREAT", "far", "9223372036854775807")).toEqual(1);
    expect(await r("GET", "far")).toEqual("v");
    expect(Number(await r("PTTL", "far"))).toBeGreaterThan(2 ** 53);
    expect(await r("EXPIRE", "far", 100, "LT")).toEqual(1);
    expect(await r("TTL", "far")).toEqual(100);
  });
});

describe("INFO over all shards", () => {
  it("reports the number of shards, summed storage and keyspace", async () => {
    await r("FLUSHALL");
    for (const k of ["a", "b", "c", "d", "e", "f"]) await r("SET", `info:${k}`, "v", "EX", 1000);
    const text = (await r("INFO")) as string;
    expect(text).toMatch(/\r\nshards:16\r\n/);
    expect(Number(/\r\nused_memory:(\d+)\r\n/.exec(text)?.[1])).toBeGreaterThan(0);
    const m = /\r\ndb0:keys=6,expires=6,avg_ttl=(\d+)\r\n/.exec(text);
    expect(m).not.toBe(null);
    expect(Number(m![1])).toBeGreaterThan(990_000);
    expect(Number(m![1])).toBeLessThanOrEqual(1_000_000);
  });
});

describe("SCAN across shards", () => {
  it("returns a key present for the whole walk exactly once, while keys come and go", async () => {
    await r("FLUSHALL");
    const stay = Array.from({ length: 40 }, (_, i) => `scan:stay:${i}`);
    for (const k of stay) await r("SET", k, "v");
    const counts = new Map<string, number>();
    let cursor = "0";
    let step = 0;
    do {
      const [next, keys] = (await r("SCAN", cursor, "COUNT", 3)) as [string, string[]];
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      cursor = next;
      await r("SET", `scan:new:${step}`, "v");
      await r("RENAME", `{scan}${step - 1}`, `{scan}${step}`);
      await r("SET", `{scan}${step}`, "v");
      step++;
    } while (cursor !== "0" && step < 1000);
    expect(cursor).toBe("0");
    expect(stay.map((k) => counts.get(k))).toEqual(stay.map(() => 1));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});

