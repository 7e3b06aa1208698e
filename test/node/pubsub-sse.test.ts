/**
 * End to end: Pub/Sub over Server-Sent Events against the real local server (`npm start`,
 * wrangler dev): the official `@upstash/redis` client's `subscribe()` / `psubscribe()`, the raw
 * event stream as a browser's EventSource reads it (token in the query, CORS), base64 events,
 * the read-only token, and the subscription going away with the client.
 */
import { Redis } from "@upstash/redis";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";

const token = "sse-token";
const readOnlyToken = "sse-readonly-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-sse-"));
let server: LocalServer;
let redis: Redis;

beforeAll(async () => {
  server = await startLocalServer({ port: await freePort(), persistDir, token, readOnlyToken });
  redis = new Redis({ url: server.url, token });
});

afterAll(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

let seq = 0;
/** A channel name no other test uses. */
function channel(what: string): string {
  return `sse:${what}:${process.pid}:${seq++}`;
}

/** Resolves with the `n`-th value `register` hands its callback (bounded by the test's timeout). */
function nth<T>(register: (cb: (v: T) => void) => void, n = 1): Promise<T[]> {
  const got: T[] = [];
  return new Promise((res) =>
    register((v) => {
      got.push(v);
      if (got.length === n) res(got.slice());
    }),
  );
}

/**
 * How many receivers a PUBLISH on `ch` reaches once a stream on it has gone: the gateway hears
 * of the close a moment later, so PUBLISH is retried (a bounded number of times) until it is 0.
 */
async function receiversAfterLeaving(ch: string): Promise<number> {
  let receivers = await redis.publish(ch, "anyone?");
  for (let i = 0; i < 200 && receivers !== 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
    receivers = await redis.publish(ch, "anyone?");
  }
  return receivers;
}

/** A raw SSE stream, as curl -N or an EventSource reads it. */
async function openStream(path: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${server.url}${path}`, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    res,
    /** The next `n` events (each the text between blank lines). */
    async events(n: number): Promise<string[]> {
      while (text.split("\n\n").length - 1 < n) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended after ${JSON.stringify(text)}`);
        text += decoder.decode(value, { stream: true });
      }
      const parts = text.split("\n\n");
      text = parts.slice(n).join("\n\n");
      return parts.slice(0, n).filter((e) => !e.startsWith(":"));
    },
    close: () => abort.abort(),
  };
}

describe("@upstash/redis subscribe() and psubscribe() against npm start", () => {
  it("subscribe: the subscribe count, then messages in publish order, JSON values deserialized", async () => {
    const ch = channel("sub");
    const sub = redis.subscribe([ch]);
    const counts = nth<number>((cb) => sub.on("subscribe", cb));
    const messages = nth<{ channel: string; message: unknown }>((cb) => sub.on("message", cb), 3);
    expect(await counts).toEqual([1]);
    expect(await redis.publish(ch, "really?")).toBe(1);
    await redis.publish(ch, { user: "u1", n: 2 });
    await redis.publish(ch, [1, "two"]);
    expect(await messages).toEqual([
      { channel: ch, message: "really?" },
      { channel: ch, message: { user: "u1", n: 2 } },
      { channel: ch, message: [1, "two"] },
    ]);
    await sub.unsubscribe();
  });

  it("several channels (one stream each); channel-specific listeners; unsubscribing one channel", async () => {
    const [a, b] = [channel("a"), channel("b")];
    const sub = redis.subscribe([a, b]);
    const onB = nth<{ channel: string; message: unknown }>((cb) => sub.on(`message:${b}`, cb), 2);
    await nth((cb) => sub.on("subscribe", cb), 2);
    expect(await redis.publish(a, "to a")).toBe(1);
    expect(await redis.publish(b, "to b")).toBe(1);
    await sub.unsubscribe([a]);
    expect(sub.getSubscribedChannels()).toEqual([b]);
    expect(await receiversAfterLeaving(a)).toBe(0);
    await redis.publish(b, "again");
    expect(await onB).toEqual([
      { channel: b, message: "to b" },
      { channel: b, message: "again" },
    ]);
    await sub.unsubscribe();
  });

  it("two subscribers each count 1 and both receive", async () => {
    const ch = channel("two");
    const s1 = redis.subscribe([ch]);
    const s2 = redis.subscribe([ch]);
    const c1 = nth<number>((cb) => s1.on("subscribe", cb));
    const c2 = nth<number>((cb) => s2.on("subscribe", cb));
    const m1 = nth<{ message: unknown }>((cb) => s1.on("message", cb));
    const m2 = nth<{ message: unknown }>((cb) => s2.on("message", cb));
    expect([await c1, await c2]).toEqual([[1], [1]]);
    expect(await redis.publish(ch, { broadcast: true })).toBe(2);
    expect((await m1)[0]!.message).toEqual({ broadcast: true });
    expect((await m2)[0]!.message).toEqual({ broadcast: true });
    await Promise.all([s1.unsubscribe(), s2.unsubscribe()]);
  });

  // The client parses a pmessage's payload as JSON strictly (a bare string is an "error" event), so JSON values only.
  it("psubscribe: pmessage with the pattern and the channel", async () => {
    const prefix = channel("p");
    const sub = redis.psubscribe([`${prefix}:*`]);
    const counts = nth<number>((cb) => sub.on("psubscribe", cb));
    const got = nth<{ pattern: string; channel: string; message: unknown }>((cb) => sub.on("pmessage", cb), 2);
    expect(await counts).toEqual([1]);
    expect(await redis.publish(`${prefix}:x`, { v: 1 })).toBe(1);
    expect(await redis.publish(`${prefix}-not`, "no")).toBe(0);
    expect(await redis.publish(`${prefix}:y`, ["two"])).toBe(1);
    expect(await got).toEqual([
      { pattern: `${prefix}:*`, channel: `${prefix}:x`, message: { v: 1 } },
      { pattern: `${prefix}:*`, channel: `${prefix}:y`, message: ["two"] },
    ]);
    await sub.unsubscribe();
  });

  it("the read-only token may subscribe, and may not publish", async () => {
    const ro = new Redis({ url: server.url, token: readOnlyToken });
    const ch = channel("ro");
    const sub = ro.subscribe([ch]);
    const got = nth<{ message: unknown }>((cb) => sub.on("message", cb));
    await nth((cb) => sub.on("subscribe", cb));
    await expect(ro.publish(ch, "x")).rejects.toThrow(/NOPERM/);
    expect(await redis.publish(ch, "from rw")).toBe(1);
    expect((await got)[0]!.message).toBe("from rw");
    await sub.unsubscribe();
  });
});

describe("the event stream as EventSource and curl read it", () => {
  it("GET with ?_token=: text/event-stream, CORS, Upstash's data lines", async () => {
    const ch = channel("raw");
    const s = await openStream(`/subscribe/${encodeURIComponent(ch)}?_token=${readOnlyToken}`, { origin: "https://app.example" });
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get("content-type")).toBe("text/event-stream");
    expect(s.res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await s.events(1)).toEqual([`data: subscribe,${ch},1`]);
    await redis.publish(ch, "hello, world");
    await redis.publish(ch, "line 1\nline 2");
    expect(await s.events(2)).toEqual([`data: message,${ch},hello, world`, `data: message,${ch},line 1\ndata: line 2`]);
    s.close();
  });

  it("?encoding=base64: channel and payload as base64, type and count plain", async () => {
    const ch = channel("b64");
    const s = await openStream(`/subscribe/${encodeURIComponent(ch)}?encoding=base64`, { authorization: `Bearer ${token}` });
    const b64 = (x: string) => Buffer.from(x).toString("base64");
    expect(await s.events(1)).toEqual([`data: subscribe,${b64(ch)},1`]);
    await redis.publish(ch, "a\r\nb ✓");
    expect(await s.events(1)).toEqual([`data: message,${b64(ch)},${b64("a\r\nb ✓")}`]);
    s.close();
  });

  it("a bad token: 401 JSON; no channel: 400", async () => {
    const bad = await fetch(`${server.url}/subscribe/x?_token=nope`);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: "Unauthorized" });
    const none = await fetch(`${server.url}/subscribe`, { headers: { authorization: `Bearer ${token}` } });
    expect(none.status).toBe(400);
  });

  it("the client going away ends its subscription at the gateway", async () => {
    const ch = channel("gone");
    const s = await openStream(`/subscribe/${encodeURIComponent(ch)}`, { authorization: `Bearer ${token}` });
    await s.events(1);
    expect(await redis.publish(ch, "x")).toBe(1);
    s.close();
    expect(await receiversAfterLeaving(ch)).toBe(0);
  });
});
