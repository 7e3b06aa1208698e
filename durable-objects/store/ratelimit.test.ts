/**
 * The rate-limit algorithms as pure functions with a controlled clock: fixed examples, and
 * for every algorithm a brute-force check that retry-after and reset-after are exact (the
 * request is refused one ms before retry-after and admitted at it; the limiter is full at
 * reset-after and not one ms before). GCRA is checked against redis-cell's own test table.
 */
import { describe, expect, it } from "vitest";
import {
  fixedWindow,
  gcra,
  slidingWindow,
  tokenBucket,
  type Decision,
  type GcraDecision,
  type Step,
} from "./ratelimit";

const T0 = 1_700_000_040_000; // a multiple of 1000 and 60000

/** A limiter under test: the state is threaded through the calls. */
function driver<S>(step: (s: S | null, now: number, cost: number) => Step<S>) {
  let state: S | null = null;
  let expireAt = Infinity;
  const at = (now: number) => (now >= expireAt ? null : state);
  return {
    take(now: number, cost = 1): Decision {
      const r = step(at(now), now, cost);
      if (r.next) {
        state = r.next.state;
        expireAt = r.next.expireAt;
      }
      return r.decision;
    },
    peek(now: number, cost = 1): Decision {
      return step(at(now), now, cost).decision;
    },
    /** Every field of the state's expiry must be right too: after it, the state is gone. */
    expiry: () => expireAt,
  };
}

/** Checks retry-after and reset-after of the decision at `now` by probing the clock around them. */
function checkTimes(d: ReturnType<typeof driver<unknown>>, now: number, cost: number): void {
  const decision = d.peek(now, cost);
  if (!decision.allowed && decision.retryAfter >= 0) {
    expect(d.peek(now + decision.retryAfter, cost).allowed).toBe(true);
    if (decision.retryAfter > 0) expect(d.peek(now + decision.retryAfter - 1, cost).allowed).toBe(false);
  }
  const reset = d.peek(now, 0).resetAfter;
  expect(d.peek(now + reset, 0).remaining).toBe(decision.limit);
  if (reset > 0) expect(d.peek(now + reset - 1, 0).remaining).toBeLessThan(decision.limit);
}

/** A seeded pseudo-random sequence (the same run every time). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("fixed window", () => {
  const limiter = () => driver<import("./ratelimit").FixedState>((s, now, cost) => fixedWindow(s, now, { limit: 3, windowMs: 1000, cost }));

  it("admits limit units per aligned window, then refuses until the window ends", () => {
    const d = limiter();
    expect(d.take(T0 + 100)).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfter: -1, resetAfter: 900 });
    d.take(T0 + 200);
    expect(d.take(T0 + 300).remaining).toBe(0);
    expect(d.take(T0 + 400)).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfter: 600, resetAfter: 600 });
    expect(d.expiry()).toBe(T0 + 1000);
    expect(d.take(T0 + 1000)).toEqual({ allowed: true, limit: 3, remaining: 2, retryAfter: -1, resetAfter: 1000 });
  });

  it("costs: several units at once, 0 only looks, more than the limit is never admitted", () => {
    const d = limiter();
    expect(d.take(T0, 0)).toEqual({ allowed: true, limit: 3, remaining: 3, retryAfter: -1, resetAfter: 0 });
    expect(d.take(T0, 2).remaining).toBe(1);
    expect(d.take(T0, 2)).toMatchObject({ allowed: false, remaining: 1, retryAfter: 1000 });
    expect(d.take(T0, 1)).toMatchObject({ allowed: true, remaining: 0 });
    expect(d.take(T0 + 5000, 4)).toEqual({ allowed: false, limit: 3, remaining: 3, retryAfter: -1, resetAfter: 0 });
  });
});

describe("sliding window (two-window approximation)", () => {
  const limiter = (limit = 10, windowMs = 1000) =>
    driver<import("./ratelimit").SlidingState>((s, now, cost) => slidingWindow(s, now, { limit, windowMs, cost }));

  it("weights the previous window by its overlap with the sliding window", () => {
    const d = limiter();
    for (let i = 0; i < 10; i++) expect(d.take(T0 + 500).allowed).toBe(true);
    expect(d.take(T0 + 999).allowed).toBe(false);
    // 25% into the next window: floor(10 × 0.75) = 7 of the previous window still count.
    expect(d.take(T0 + 1250)).toMatchObject({ allowed: true, remaining: 2 });
    expect(d.take(T0 + 1250)).toMatchObject({ allowed: true, remaining: 1 });
    expect(d.take(T0 + 1250)).toMatchObject({ allowed: true, remaining: 0 });
    expect(d.take(T0 + 1250)).toMatchObject({ allowed: false, remaining: 0 });
    // Two windows later nothing counts.
    expect(d.take(T0 + 3000)).toMatchObject({ allowed: true, remaining: 9 });
  });

  it("retry-after and reset-after are exact (random traffic)", () => {
    const rand = rng(7);
    for (let run = 0; run < 20; run++) {
      const limit = 1 + Math.floor(rand() * 20);
      const w = 50 + Math.floor(rand() * 500);
      const d = limiter(limit, w);
      let now = T0;
      for (let i = 0; i < 60; i++) {
        now += Math.floor(rand() * w * 0.3);
        const cost = Math.floor(rand() * 3);
        d.take(now, cost);
        checkTimes(d as never, now, 1 + Math.floor(rand() * limit));
      }
    }
  });

  it("a clock that steps back never weights the previous window above its count", () => {
    const state = { start: T0 + 1000, current: 1, previous: 4 };
    const r = slidingWindow(state, T0 + 500, { limit: 5, windowMs: 1000, cost: 0 });
    expect(r.decision).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("its state expires two windows after the window it was written in", () => {
    const d = limiter(5, 1000);
    d.take(T0 + 10);
    expect(d.expiry()).toBe(T0 + 2000);
  });
});

describe("token bucket", () => {
  const limiter = (capacity = 5, refill = 1, intervalMs = 100) =>
    driver<import("./ratelimit").BucketState>((s, now, cost) => tokenBucket(s, now, { capacity, refill, intervalMs, cost }));

  it("starts full, refills in whole steps after the first token is spent, never past capacity", () => {
    const d = limiter();
    for (let i = 4; i >= 0; i--) expect(d.take(T0)).toMatchObject({ allowed: true, remaining: i });
    expect(d.take(T0 + 50)).toEqual({ allowed: false, limit: 5, remaining: 0, retryAfter: 50, resetAfter: 450 });
    expect(d.take(T0 + 100)).toMatchObject({ allowed: true, remaining: 0 });
    expect(d.peek(T0 + 10_000, 0)).toMatchObject({ remaining: 5, resetAfter: 0 });
    expect(d.take(T0 + 100, 6)).toMatchObject({ allowed: false, retryAfter: -1 });
  });

  it("retry-after and reset-after are exact (random traffic)", () => {
    const rand = rng(11);
    for (let run = 0; run < 20; run++) {
      const capacity = 1 + Math.floor(rand() * 10);
      const d = limiter(capacity, 1 + Math.floor(rand() * 3), 10 + Math.floor(rand() * 100));
      let now = T0;
      for (let i = 0; i < 60; i++) {
        now += Math.floor(rand() * 40);
        d.take(now, Math.floor(rand() * 3));
        checkTimes(d as never, now, 1 + Math.floor(rand() * capacity));
      }
    }
  });

  it("the state expires when the bucket would be full again", () => {
    const d = limiter(5, 1, 100);
    d.take(T0, 3);
    expect(d.expiry()).toBe(T0 + 300);
  });
});

describe("fixed window timing", () => {
  it("retry-after and reset-after are exact (random traffic)", () => {
    const rand = rng(3);
    for (let run = 0; run < 20; run++) {
      const limit = 1 + Math.floor(rand() * 10);
      const w = 20 + Math.floor(rand() * 200);
      const d = driver<import("./ratelimit").FixedState>((s, now, cost) => fixedWindow(s, now, { limit, windowMs: w, cost }));
      let now = T0;
      for (let i = 0; i < 60; i++) {
        now += Math.floor(rand() * w * 0.3);
        d.take(now, Math.floor(rand() * 3));
        checkTimes(d as never, now, 1 + Math.floor(rand() * limit));
      }
    }
  });
});

describe("GCRA as redis-cell", () => {
  it("follows redis-cell's test table (max_burst 4, 1 per second)", () => {
    const S = 1_000_000_000n;
    const MS = 1_000_000n;
    const start = BigInt(T0) * MS;
    // [offset ms, quantity, remaining, reset_after ns, retry_after ns (-1: none), limited]
    const cases: [number, number, number, bigint, bigint, boolean][] = [
      [0, 6, 5, 0n, -1n, true],
      [0, 1, 4, 1n * S, -1n, false],
      [0, 1, 3, 2n * S, -1n, false],
      [0, 1, 2, 3n * S, -1n, false],
      [0, 1, 1, 4n * S, -1n, false],
      [0, 1, 0, 5n * S, -1n, false],
      [0, 1, 0, 5n * S, 1n * S, true],
      [3000, 1, 2, 3000n * MS, -1n, false],
      [3100, 1, 1, 3900n * MS, -1n, false],
      [4000, 1, 1, 4000n * MS, -1n, false],
      [8000, 1, 4, 1000n * MS, -1n, false],
      [9500, 1, 4, 1000n * MS, -1n, false],
      [9500, 0, 4, 1n * S, -1n, false],
      [9500, 2, 2, 3n * S, -1n, false],
      [9500, 5, 2, 3n * S, 3n * S, true],
    ];
    let tat: bigint | null = null;
    let expires = 0n;
    for (const [offset, quantity, remaining, reset, retry, limited] of cases) {
      const now = start + BigInt(offset) * MS;
      if (tat !== null && now >= expires) tat = null;
      const r: { decision: GcraDecision; next?: { tat: bigint; ttlNs: bigint } } = gcra(tat, now, {
        maxBurst: 4,
        count: 1,
        periodNs: S,
        quantity,
      });
      expect([r.decision.allowed, r.decision.limit, r.decision.remaining, r.decision.resetAfterNs, r.decision.retryAfterNs]).toEqual([
        !limited,
        5,
        remaining,
        reset,
        retry,
      ]);
      if (r.next) {
        tat = r.next.tat;
        expires = now + r.next.ttlNs;
      }
    }
  });
});
