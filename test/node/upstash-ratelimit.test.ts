/**
 * End to end: the official `@upstash/ratelimit`, unchanged, over `@upstash/redis` constructed
 * with only `url` and `token`, against the real local server (`npm start`, i.e. wrangler dev).
 * The client sends each limiter script as EVALSHA and, on NOSCRIPT, as EVAL, through /pipeline.
 *
 * Each algorithm: a burst of 3·L parallel `limit()` calls yields exactly L successes, with the
 * right `remaining` and `reset`; `getRemaining` agrees; once the window has passed requests
 * succeed again; `resetUsedTokens` gives the identifier its full limit back.
 *
 * Identifiers and shards: the sliding window's script declares two keys (the current and the
 * previous window), which share a shard only when the identifier carries a hash tag (`{user}`);
 * otherwise the script runs as a cross-shard transaction, limiting just as exactly. `resetUsedTokens` runs a
 * script that SCANs for `<prefix>:<id>:*` on the shard of that pattern, so it finds the window
 * keys only when the identifier carries a hash tag. limit() and getRemaining() of fixedWindow,
 * tokenBucket and cachedFixedWindow accept any identifier.
 */
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";
import { shardOf } from "../../worker/slot";

/** Shards of the local server (wrangler.toml's SHARDS). */
const SHARDS = 16;

const token = "ratelimit-e2e-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-ratelimit-"));
const WINDOW_MS = 500;
const LIMIT = 5;
let server: LocalServer;
let redis: Redis;

beforeAll(async () => {
  server = await startLocalServer({ port: await freePort(), persistDir, token });
  redis = new Redis({ url: server.url, token });
});

afterAll(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

type Limiter = ReturnType<typeof Ratelimit.fixedWindow>;
type Response = Awaited<ReturnType<Ratelimit["limit"]>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let serial = 0;
const uniqueId = (name: string) => `${name}-${process.pid}-${Date.now()}-${serial++}`;

/** Sleeps until just after the next window boundary, so that a burst fits in one window. */
async function startOfWindow(): Promise<void> {
  await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 5);
}

async function burst(rl: Ratelimit, id: string, n: number): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, () => rl.limit(id)));
}

/**
 * A burst that stayed within one window (every reply names the same reset); a burst that a slow
 * machine stretched across a window boundary is retried with a fresh identifier.
 */
async function burstInOneWindow(rl: Ratelimit, name: string, n: number): Promise<{ id: string; at: number; replies: Response[] }> {
  for (let attempt = 0; ; attempt++) {
    const id = uniqueId(name);
    await startOfWindow();
    const at = Date.now();
    const replies = await burst(rl, id, n);
    const resets = new Set(replies.map((r) => r.reset));
    if ((resets.size === 1 && Date.now() - at < WINDOW_MS / 2) || attempt === 4) return { id, at, replies };
  }
}

/** Exactly `limit` successes whose `remaining` counts down limit-1 … 0; the rest refused with 0. */
function expectExactlyLimit(replies: Response[], limit: number): void {
  const ok = replies.filter((r) => r.success);
  expect(ok).toHaveLength(limit);
  expect(ok.map((r) => r.remaining).sort((a, b) => b - a)).toEqual(Array.from({ length: limit }, (_, i) => limit - 1 - i));
  for (const r of replies) {
    expect(r.limit).toBe(limit);
    expect(r.reason).toBeUndefined();
    if (!r.success) expect(r.remaining).toBe(0);
  }
}

/** The window's end: after the burst started, at most one window (plus clock slack) later. */
function expectResetInWindow(replies: Response[], at: number): void {
  for (const r of replies) {
    expect(r.reset % WINDOW_MS).toBe(0);
    expect(r.reset).toBeGreaterThan(at);
    expect(r.reset).toBeLessThanOrEqual(at + WINDOW_MS);
  }
}

describe("@upstash/ratelimit against npm start", () => {
  it("fixedWindow: exactly L of 3·L parallel requests pass; remaining, reset, getRemaining; the next window passes again", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(LIMIT, `${WINDOW_MS} ms`) });
    const { id, at, replies } = await burstInOneWindow(rl, "fixed", 3 * LIMIT);
    expectExactlyLimit(replies, LIMIT);
    expectResetInWindow(replies, at);
    const left = await rl.getRemaining(id);
    if (left.reset === replies[0]!.reset) expect(left.remaining).toBe(0);
    expect(left.limit).toBe(LIMIT);
    await sleep(replies[0]!.reset - Date.now() + 5);
    const next = await rl.limit(id);
    expect(next).toMatchObject({ success: true, remaining: LIMIT - 1, limit: LIMIT });
    expect(next.reset).toBeGreaterThan(replies[0]!.reset);
  });

  it("fixedWindow: counts in order, refuses the (L+1)th, resetUsedTokens restores the limit", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(3, "1 s") });
    let id = "";
    let seq: Response[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      id = `{${uniqueId("fixed-seq")}}`;
      seq = [];
      for (let i = 0; i < 4; i++) seq.push(await rl.limit(id));
      if (new Set(seq.map((r) => r.reset)).size === 1) break;
    }
    expect(seq.map((r) => [r.success, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    const left = await rl.getRemaining(id);
    if (left.reset === seq[0]!.reset) expect(left).toEqual({ remaining: 0, reset: seq[0]!.reset, limit: 3 });
    await rl.resetUsedTokens(id);
    expect(await rl.getRemaining(id)).toMatchObject({ remaining: 3, limit: 3 });
    expect(await rl.limit(id)).toMatchObject({ success: true, remaining: 2 });
  });

  it("slidingWindow: exactly L of 3·L parallel requests pass; the next window still weighs the burst's window", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(LIMIT, `${WINDOW_MS} ms`) });
    const { id, at, replies } = await burstInOneWindow(rl, "{sliding}", 3 * LIMIT);
    expectExactlyLimit(replies, LIMIT);
    expectResetInWindow(replies, at);
    const left = await rl.getRemaining(id);
    expect(left.limit).toBe(LIMIT);
    expect(left.remaining).toBeLessThanOrEqual(replies[0]!.reset === left.reset ? 0 : LIMIT);
    // The next window: the burst's window now counts as the previous one, weighted by how much
    // of it still overlaps the sliding window.
    await sleep(replies[0]!.reset - Date.now() + 5);
    const next = await rl.limit(id);
    const elapsed = (Date.now() - replies[0]!.reset) / WINDOW_MS;
    expect(next.success).toBe(true);
    expect(next.reset).toBe(replies[0]!.reset + WINDOW_MS);
    expect(next.remaining).toBeLessThanOrEqual(LIMIT - 1 - Math.floor((1 - elapsed) * LIMIT));
  });

  it("slidingWindow: resetUsedTokens clears both windows", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(2, "1 s") });
    const id = `{${uniqueId("sliding-reset")}}`;
    const replies = await burst(rl, id, 4);
    expect(replies.filter((r) => r.success).length).toBeLessThanOrEqual(2);
    await rl.resetUsedTokens(id);
    expect((await rl.getRemaining(id)).remaining).toBe(2);
    expect((await rl.limit(id)).success).toBe(true);
  });

  it("slidingWindow without a hash tag: exactly L of 3·L parallel requests pass when its two windows fall on two shards", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(LIMIT, `${WINDOW_MS} ms`) });
    const shardsOfWindows = (id: string, w: number) =>
      [w, w - 1, w + 1].map((n) => shardOf(`@upstash/ratelimit:${id}:${n}`, SHARDS));
    for (let attempt = 0; ; attempt++) {
      await startOfWindow();
      const at = Date.now();
      const w = Math.floor(at / WINDOW_MS);
      let id = uniqueId("untagged");
      // The burst's window apart from the one before it and the one after it: every call crosses shards.
      while (new Set(shardsOfWindows(id, w)).size < 3) id = uniqueId("untagged");
      const replies = await burst(rl, id, 3 * LIMIT);
      if (new Set(replies.map((r) => r.reset)).size > 1 && attempt < 4) continue;
      expectExactlyLimit(replies, LIMIT);
      expectResetInWindow(replies, at);
      await sleep(replies[0]!.reset - Date.now() + 5);
      const next = await rl.limit(id);
      const elapsed = (Date.now() - replies[0]!.reset) / WINDOW_MS;
      expect(next.success).toBe(true);
      expect(next.remaining).toBeLessThanOrEqual(LIMIT - 1 - Math.floor((1 - elapsed) * LIMIT));
      break;
    }
  });

  it("slidingWindow without a hash tag: many identifiers at once, each limited exactly", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(3, "10 s") });
    const ids = Array.from({ length: 12 }, (_, i) => uniqueId(`untagged-many-${i}`));
    const replies = await Promise.all(ids.map((id) => burst(rl, id, 5)));
    for (const r of replies) expect(r.filter((x) => x.success)).toHaveLength(3);
  });

  it("tokenBucket: exactly maxTokens of 3·maxTokens parallel requests pass; refills after the interval", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(2, `${WINDOW_MS} ms`, LIMIT) });
    const id = uniqueId("bucket");
    const at = Date.now();
    const replies = await burst(rl, id, 3 * LIMIT);
    const ok = replies.filter((r) => r.success);
    // A refill can only land if the burst outlasted an interval (a very slow machine).
    const refills = Date.now() - at >= WINDOW_MS ? 2 : 0;
    expect(ok.length).toBeGreaterThanOrEqual(LIMIT);
    expect(ok.length).toBeLessThanOrEqual(LIMIT + refills);
    if (refills === 0) expect(ok.map((r) => r.remaining).sort((a, b) => b - a)).toEqual([4, 3, 2, 1, 0]);
    for (const r of replies) {
      expect(r.limit).toBe(LIMIT);
      expect(r.reset).toBeGreaterThanOrEqual(at + WINDOW_MS);
      expect(r.reset).toBeLessThanOrEqual(Date.now() + WINDOW_MS);
      if (!r.success) expect(r.remaining).toBe(0);
    }
    const left = await rl.getRemaining(id);
    expect(left.limit).toBe(LIMIT);
    expect(left.reset).toBe(replies[0]!.reset);
    await sleep(Math.max(...replies.map((r) => r.reset)) - Date.now() + 5);
    const after = await burst(rl, id, 3);
    expect(after.filter((r) => r.success).length).toBeGreaterThanOrEqual(2);
  });

  it("tokenBucket: getRemaining of an unknown identifier, resetUsedTokens refills the bucket", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(1, "1 s", 3) });
    const id = uniqueId("bucket-reset");
    const before = Date.now();
    const fresh = await rl.getRemaining(id);
    expect(fresh.remaining).toBe(3);
    expect(fresh.reset).toBeGreaterThanOrEqual(before + 1000);
    for (let i = 0; i < 3; i++) await rl.limit(id);
    expect(await rl.limit(id)).toMatchObject({ success: false, remaining: 0 });
    expect((await rl.getRemaining(id)).remaining).toBe(0);
    await rl.resetUsedTokens(id);
    expect((await rl.getRemaining(id)).remaining).toBe(3);
    expect(await rl.limit(id)).toMatchObject({ success: true, remaining: 2 });
  });

  it("cachedFixedWindow: exactly L of 3·L parallel requests pass (fresh cache each burst); the next window passes again", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.cachedFixedWindow(LIMIT, `${WINDOW_MS} ms`), ephemeralCache: new Map() });
    const { id, at, replies } = await burstInOneWindow(rl, "cached", 3 * LIMIT);
    // All calls miss the (empty) cache and go to the server, which counts them atomically.
    expect(replies.filter((r) => r.success)).toHaveLength(LIMIT);
    expect(replies.map((r) => r.remaining).sort((a, b) => b - a)).toEqual(Array.from({ length: 3 * LIMIT }, (_, i) => LIMIT - 1 - i));
    expectResetInWindow(replies, at);
    // Now the cache knows the count: further calls are refused locally.
    expect(await rl.limit(id)).toMatchObject({ success: false });
    await sleep(replies[0]!.reset - Date.now() + 5);
    const next = await rl.limit(id);
    expect(next).toMatchObject({ success: true, remaining: LIMIT - 1 });
    const fresh = new Ratelimit({ redis, limiter: Ratelimit.cachedFixedWindow(LIMIT, `${WINDOW_MS} ms`), ephemeralCache: new Map() });
    const left = await fresh.getRemaining(id);
    if (left.reset === next.reset) expect(left.remaining).toBe(LIMIT - 1);
  });

  it("cachedFixedWindow: resetUsedTokens clears the server's count and the local cache", async () => {
    const rl = new Ratelimit({ redis, limiter: Ratelimit.cachedFixedWindow(2, "1 s"), ephemeralCache: new Map() });
    let id = "";
    let replies: Response[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      id = `{${uniqueId("cached-reset")}}`;
      replies = await burst(rl, id, 4);
      await rl.resetUsedTokens(id);
      const left = await rl.getRemaining(id);
      if (left.reset !== replies[0]!.reset) continue;
      expect(replies.filter((r) => r.success)).toHaveLength(2);
      expect(left.remaining).toBe(2);
      expect(await rl.limit(id)).toMatchObject({ success: true, remaining: 1 });
      return;
    }
    throw new Error("every attempt crossed a window boundary");
  });

  it("defaults: no analytics and no deny list write anything besides the limiter's own keys", async () => {
    const prefix = `rl-defaults-${process.pid}-${Date.now()}`;
    const rl = new Ratelimit({ redis, prefix, limiter: Ratelimit.fixedWindow(2, "1 s") });
    await rl.limit("{who}");
    const keys: string[] = [];
    let cursor: string | number = 0;
    do {
      const [next, found]: [string | number, string[]] = await redis.scan(cursor, { match: `${prefix}*`, count: 100 });
      keys.push(...found);
      cursor = next;
    } while (String(cursor) !== "0");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:\\{who\\}:\\d+$`));
  });
});
