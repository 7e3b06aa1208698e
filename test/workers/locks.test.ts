/**
 * Locks with fencing tokens, compare-and-delete (DELIFEQ, DELEX) and compare-and-set
 * (SET IFEQ/IFNE): through the command table with a controlled clock, and through the
 * Worker with a restart of the shard in between (fencing tokens survive eviction).
 */
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Errors } from "../../durable-objects/errors";
import type { Reply } from "../../durable-objects/reply";
import { shardOf } from "../../worker/slot";
import { cmd, freshKey, SHARDS } from "./http-helpers";
import { withClock } from "./shard-client";

const T0 = 1_700_000_040_000;
const bytes = (s: string) => new TextEncoder().encode(s);

describe("LOCK.*", () => {
  it("acquire, held by another, re-acquire by the holder extends and keeps the token, release", () =>
    withClock("locks", (run) => {
      expect(run(T0, "LOCK.ACQUIRE", "job", "A", 1000)).toBe(1);
      expect(run(T0 + 10, "LOCK.ACQUIRE", "job", "B", 1000)).toBeNull();
      expect(run(T0 + 500, "LOCK.ACQUIRE", "job", "A", 1000)).toBe(1);
      expect(run(T0 + 500, "LOCK.STATUS", "job")).toEqual([bytes("A"), 1, 1000]);
      expect(run(T0 + 500, "GET", "job")).toEqual(bytes("A"));
      expect(run(T0 + 600, "LOCK.RELEASE", "job", "B")).toBe(0);
      expect(run(T0 + 600, "LOCK.RELEASE", "job", "A")).toBe(1);
      expect(run(T0 + 600, "LOCK.STATUS", "job")).toBeNull();
      expect(run(T0 + 600, "LOCK.RELEASE", "job", "A")).toBe(0);
      expect(run(T0 + 700, "LOCK.ACQUIRE", "job", "B", 1000)).toBe(2);
    }));

  it("the classic failure is impossible: A's lease expires, B acquires with a higher token, A's late release and extend do nothing", () =>
    withClock("locks", (run) => {
      const a = run(T0, "LOCK.ACQUIRE", "res", "A", 100) as number;
      // A pauses (GC, network) past its lease.
      expect(run(T0 + 100, "LOCK.STATUS", "res")).toBeNull();
      const b = run(T0 + 150, "LOCK.ACQUIRE", "res", "B", 1000) as number;
      expect(b).toBeGreaterThan(a);
      expect(run(T0 + 200, "LOCK.RELEASE", "res", "A")).toBe(0);
      expect(run(T0 + 200, "LOCK.EXTEND", "res", "A", 5000)).toBe(0);
      expect(run(T0 + 200, "DELIFEQ", "res", "A")).toBe(0);
      expect(run(T0 + 200, "LOCK.STATUS", "res")).toEqual([bytes("B"), b, 950]);
    }));

  it("extend: only the holder, sets the lease from now", () =>
    withClock("locks", (run) => {
      run(T0, "LOCK.ACQUIRE", "x", "A", 100);
      expect(run(T0 + 50, "LOCK.EXTEND", "x", "A", 1000)).toBe(1);
      expect(run(T0 + 50, "PTTL", "x")).toBe(1000);
      expect(run(T0 + 50, "LOCK.EXTEND", "x", "B", 1000)).toBe(0);
      expect(run(T0 + 2000, "LOCK.EXTEND", "x", "A", 1000)).toBe(0);
    }));

  it("tokens increase across expiry, release, DEL and FLUSHALL; bad input", () =>
    withClock("locks", (run) => {
      const tokens: Reply[] = [];
      tokens.push(run(T0, "LOCK.ACQUIRE", "t", "A", 10));
      tokens.push(run(T0 + 20, "LOCK.ACQUIRE", "t", "A", 10));
      run(T0 + 20, "LOCK.RELEASE", "t", "A");
      tokens.push(run(T0 + 30, "LOCK.ACQUIRE", "t", "B", 10));
      run(T0 + 30, "DEL", "t");
      tokens.push(run(T0 + 30, "LOCK.ACQUIRE", "t", "B", 10));
      run(T0 + 30, "FLUSHALL");
      tokens.push(run(T0 + 30, "LOCK.ACQUIRE", "t", "C", 10));
      expect(tokens).toEqual([1, 2, 3, 4, 5]);
      expect(run(T0, "LOCK.ACQUIRE", "u", "A", 0)).toEqual({ error: Errors.invalidExpire("lock.acquire") });
      expect(run(T0, "LOCK.ACQUIRE", "u", "A", "x")).toEqual({ error: Errors.notInteger });
      expect(run(T0, "LOCK.EXTEND", "u", "A", -1)).toEqual({ error: Errors.invalidExpire("lock.extend") });
      expect(run(T0, "LOCK.ACQUIRE", "u", "A")).toEqual({ error: Errors.wrongArity("lock.acquire") });
      run(T0, "SADD", "s", "A");
      expect(run(T0, "LOCK.ACQUIRE", "s", "A", 10)).toEqual({ error: Errors.wrongType });
      expect(run(T0, "LOCK.RELEASE", "s", "A")).toEqual({ error: Errors.wrongType });
    }));
});

describe("compare-and-delete and compare-and-set", () => {
  it("DELIFEQ (Valkey 9)", () =>
    withClock("locks", (run) => {
      run(T0, "SET", "k", "abc123");
      expect(run(T0, "DELIFEQ", "k", "xyz")).toBe(0);
      expect(run(T0, "DELIFEQ", "k", "abc123")).toBe(1);
      expect(run(T0, "DELIFEQ", "k", "abc123")).toBe(0);
      run(T0, "SADD", "s", "v");
      expect(run(T0, "DELIFEQ", "s", "v")).toEqual({ error: Errors.wrongType });
    }));

  it("DELEX (Redis 8.4): no condition deletes any type, IFEQ/IFNE on strings only", () =>
    withClock("locks", (run) => {
      run(T0, "SET", "x", "1");
      expect(run(T0, "DELEX", "x", "IFEQ", "2")).toBe(0);
      expect(run(T0, "DELEX", "x", "IFNE", "1")).toBe(0);
      expect(run(T0, "DELEX", "x", "ifne", "2")).toBe(1);
      run(T0, "SET", "x", "1");
      expect(run(T0, "DELEX", "x", "IFEQ", "1")).toBe(1);
      expect(run(T0, "DELEX", "x", "IFNE", "1")).toBe(0);
      run(T0, "SADD", "s", "v");
      expect(run(T0, "DELEX", "s", "IFEQ", "v")).toEqual({ error: Errors.wrongType });
      expect(run(T0, "DELEX", "s")).toBe(1);
      expect(run(T0, "DELEX", "s")).toBe(0);
      expect(run(T0, "DELEX", "x", "IFEQ")).toEqual({ error: Errors.syntax });
      expect(run(T0, "DELEX", "x", "WHAT", "1")).toEqual({ error: Errors.syntax });
      expect(run(T0, "DELEX", "x", "IFDEQ", "0123456789abcdef")).toEqual({ error: Errors.digestUnsupported });
    }));

  it("SET IFEQ / IFNE, with GET and expiry; NX/XX cannot be combined with them", () =>
    withClock("locks", (run) => {
      expect(run(T0, "SET", "c", "new", "IFEQ", "old")).toBeNull();
      expect(run(T0, "EXISTS", "c")).toBe(0);
      expect(run(T0, "SET", "c", "v1", "IFNE", "zzz")).toEqual({ status: "OK" });
      expect(run(T0, "SET", "c", "v2", "IFEQ", "nope")).toBeNull();
      expect(run(T0, "SET", "c", "v2", "IFEQ", "v1", "GET", "PX", 500)).toEqual(bytes("v1"));
      expect(run(T0, "PTTL", "c")).toBe(500);
      expect(run(T0, "SET", "c", "v3", "IFNE", "v2", "GET")).toEqual(bytes("v2"));
      expect(run(T0, "GET", "c")).toEqual(bytes("v2"));
      expect(run(T0, "SET", "c", "v3", "IFNE", "other")).toEqual({ status: "OK" });
      expect(run(T0, "SET", "c", "v", "NX", "IFEQ", "v3")).toEqual({ error: Errors.syntax });
      expect(run(T0, "SET", "c", "v", "IFEQ", "v3", "XX")).toEqual({ error: Errors.syntax });
      expect(run(T0, "SET", "c", "v", "IFEQ", "a", "IFNE", "b")).toEqual({ error: Errors.syntax });
      expect(run(T0, "SET", "c", "v", "IFEQ")).toEqual({ error: Errors.syntax });
      run(T0, "SADD", "s", "v");
      expect(run(T0, "SET", "s", "v", "IFEQ", "v")).toEqual({ error: Errors.wrongType });
      expect(run(T0, "SET", "s", "v", "IFNE", "v")).toEqual({ error: Errors.wrongType });
    }));
});

describe("locks through the Worker", () => {
  it("fencing tokens keep increasing across a restart of the shard", async () => {
    const key = freshKey("fence");
    const first = (await cmd("LOCK.ACQUIRE", key, "A", 60_000)).result as number;
    expect((await cmd("LOCK.RELEASE", key, "A")).result).toBe(1);
    const second = (await cmd("LOCK.ACQUIRE", key, "B", 60_000)).result as number;
    expect(second).toBeGreaterThan(first);
    await evictDurableObject(env.SHARD.getByName(`shard-${shardOf(key, SHARDS)}`));
    expect((await cmd("LOCK.STATUS", key)).result).toEqual(["B", second, expect.any(Number)]);
    expect((await cmd("LOCK.ACQUIRE", key, "C", 60_000)).result).toBeNull();
    expect((await cmd("DELIFEQ", key, "B")).result).toBe(1);
    const third = (await cmd("LOCK.ACQUIRE", key, "C", 60_000)).result as number;
    expect(third).toBeGreaterThan(second);
  });

  it("a lease that runs out frees the lock (real clock, 50 ms)", async () => {
    const key = freshKey("lease");
    const a = (await cmd("LOCK.ACQUIRE", key, "A", 50)).result as number;
    await new Promise((r) => setTimeout(r, 80));
    const b = (await cmd("LOCK.ACQUIRE", key, "B", 10_000)).result as number;
    expect(b).toBeGreaterThan(a);
    expect((await cmd("LOCK.RELEASE", key, "A")).result).toBe(0);
    expect((await cmd("LOCK.STATUS", key)).result).toEqual(["B", b, expect.any(Number)]);
  });
});
