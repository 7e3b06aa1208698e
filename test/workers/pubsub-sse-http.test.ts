/**
 * The SSE routes through the Worker, with a stand-in gateway: a SHARD binding whose `fetch`
 * answers the upgrade with one end of a WebSocketPair, so the test plays the gateway's side of
 * the WebSocket protocol and reads what the client would; then the same routes against the real
 * shards as gateways (hibernation, restart). End to end with @upstash/redis: test/node/pubsub-sse.test.ts.
 */
import { evictAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { ENCODING_HEADER, ROLE_HEADER } from "../../worker/pubsub/websocket";
import { shardOf } from "../../worker/slot";
import { call, callWith, cmd, READONLY_TOKEN, SHARDS, TOKEN } from "./http-helpers";

interface Gateway {
  name: string;
  request: Request;
  socket: WebSocket;
  /** The frames the bridge sent, as they arrive. */
  frames: string[];
  nextFrame(): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A SHARD binding whose objects accept the bridge's WebSocket and hand the server side to the test. */
function fakeGateways(refuse?: Response) {
  const opened: Gateway[] = [];
  const namespace = {
    getByName(name: string) {
      return {
        async fetch(request: Request): Promise<Response> {
          if (refuse) return refuse;
          const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
          server.accept();
          const frames: string[] = [];
          let waiting: ((f: string) => void) | null = null;
          server.addEventListener("message", (e) => {
            frames.push(e.data as string);
            waiting?.(e.data as string);
            waiting = null;
          });
          const closed = new Promise<{ code: number; reason: string }>((res) =>
            server.addEventListener("close", (e) => res({ code: e.code, reason: e.reason })),
          );
          const nextFrame = () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise<string>((res) => (waiting = res)));
          opened.push({ name, request, socket: server, frames, nextFrame, closed });
          return new Response(null, { status: 101, webSocket: client });
        },
      };
    },
  };
  return { opened, bindings: { SHARD: namespace as unknown as Env["SHARD"] } };
}

const decoder = new TextDecoder();

/** Reads until `n` events have arrived (or the stream ends). */
async function events(reader: ReadableStreamDefaultReader<Uint8Array>, n: number, carry = { text: "" }): Promise<string[]> {
  while (carry.text.split("\n\n").length - 1 < n) {
    const { done, value } = await reader.read();
    if (done) break;
    carry.text += decoder.decode(value, { stream: true });
  }
  const parts = carry.text.split("\n\n");
  const got = parts.slice(0, n);
  carry.text = parts.slice(n).join("\n\n");
  return got;
}

describe("SSE routes", () => {
  it("GET with ?_token= (EventSource): an event stream with CORS, bridged to the channel's home shard", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, `/subscribe/news?_token=${TOKEN}`, { token: null, headers: { accept: "text/event-stream" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("upstash-sync-token")).toBeTruthy();
    expect(g.opened.map((o) => o.name)).toEqual([`shard-${shardOf("news", SHARDS)}`]);
    const gw = g.opened[0]!;
    expect(gw.request.headers.get("upgrade")).toBe("websocket");
    expect(gw.request.headers.get(ROLE_HEADER)).toBe("read-write");
    expect(new URL(gw.request.url).pathname).toBe("/ws");
    expect(await gw.nextFrame()).toBe('["SUBSCRIBE","news"]');
    gw.socket.send(JSON.stringify({ result: ["subscribe", "news", 1] }));
    gw.socket.send(JSON.stringify({ result: ["message", "news", "hello"] }));
    const reader = res.body!.getReader();
    expect(await events(reader, 2)).toEqual(["data: subscribe,news,1", "data: message,news,hello"]);
    await reader.cancel();
    expect((await gw.closed).code).toBe(1000);
  });

  it("POST as @upstash/redis sends it (body [] ignored, Upstash-Encoding: base64 ignored), several channels", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, "/subscribe/a%2Fb/sport", {
      method: "POST",
      body: "[]",
      headers: { accept: "text/event-stream", "upstash-encoding": "base64" },
    });
    expect(res.status).toBe(200);
    const gw = g.opened[0]!;
    expect(gw.name).toBe(`shard-${shardOf("a/b", SHARDS)}`);
    expect(gw.request.headers.get(ENCODING_HEADER)).toBe("plain");
    expect(await gw.nextFrame()).toBe('["SUBSCRIBE","a/b","sport"]');
    gw.socket.send(JSON.stringify({ result: ["subscribe", "a/b", 1] }));
    gw.socket.send(JSON.stringify({ result: ["subscribe", "sport", 2] }));
    gw.socket.send(JSON.stringify({ result: ["message", "sport", '{"score":1}'] }));
    gw.socket.close(1001, "restart");
    expect(await res.text()).toBe('data: subscribe,a/b,1\n\ndata: subscribe,sport,2\n\ndata: message,sport,{"score":1}\n\n');
  });

  it("PSUBSCRIBE with ?encoding=base64: the gateway is asked for base64 frames, events carry them", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, "/psubscribe/n*?encoding=base64", {});
    const gw = g.opened[0]!;
    expect(gw.request.headers.get(ENCODING_HEADER)).toBe("base64");
    expect(await gw.nextFrame()).toBe('["PSUBSCRIBE","n*"]');
    gw.socket.send(JSON.stringify({ result: [btoa("psubscribe"), btoa("n*"), 1] }));
    gw.socket.send(JSON.stringify({ result: [btoa("pmessage"), btoa("n*"), btoa("news"), btoa("a\nb")] }));
    gw.socket.close(1000);
    expect(await res.text()).toBe(`data: psubscribe,${btoa("n*")},1\n\ndata: pmessage,${btoa("n*")},${btoa("news")},${btoa("a\nb")}\n\n`);
  });

  it("the read-only token may subscribe; the gateway is told", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, "/subscribe/news", { token: READONLY_TOKEN });
    expect(res.status).toBe(200);
    expect(g.opened[0]!.request.headers.get(ROLE_HEADER)).toBe("read-only");
    await res.body!.cancel();
  });

  it("a browser's preflight is answered; HEAD gives the stream's headers without opening a gateway", async () => {
    const g = fakeGateways();
    const pre = await callWith(g.bindings, "/subscribe/news", {
      method: "OPTIONS",
      token: null,
      headers: { origin: "https://app.example", "access-control-request-headers": "authorization" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization");
    const head = await callWith(g.bindings, "/subscribe/news", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/event-stream");
    expect(g.opened).toEqual([]);
  });

  it("the command is case-insensitive, as in the path form", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, "/SUBSCRIBE/news", {});
    expect(res.status).toBe(200);
    expect(await g.opened[0]!.nextFrame()).toBe('["SUBSCRIBE","news"]');
    await res.body!.cancel();
  });

  it("no token or a bad one: 401 before any gateway is opened", async () => {
    const g = fakeGateways();
    expect((await callWith(g.bindings, "/subscribe/news", { token: null })).status).toBe(401);
    expect((await callWith(g.bindings, "/subscribe/news?_token=nope", { token: null })).status).toBe(401);
    expect(g.opened).toEqual([]);
  });

  it("no channel: 400 with Redis's arity error", async () => {
    const g = fakeGateways();
    const res = await callWith(g.bindings, "/subscribe", {});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR wrong number of arguments for 'subscribe' command" });
    expect(g.opened).toEqual([]);
  });

  it("a gateway that refuses the upgrade: its error, as JSON", async () => {
    const g = fakeGateways(new Response(JSON.stringify({ error: "ERR no" }), { status: 400 }));
    const res = await callWith(g.bindings, "/subscribe/news", {});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR no" });
  });

  it("a slow reader past CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB: the last event says why; the gateway's socket is closed with 1008", async () => {
    const g = fakeGateways();
    const res = await callWith({ ...g.bindings, CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB: "1024" }, "/subscribe/news", {});
    const gw = g.opened[0]!;
    await gw.nextFrame();
    const payload = "x".repeat(100);
    for (let i = 0; i < 20; i++) gw.socket.send(JSON.stringify({ result: ["message", "news", payload] }));
    expect(await gw.closed).toEqual({ code: 1008, reason: "client output buffer limit reached (pubsub)" });
    const all = (await res.text()).split("\n\n").filter((e) => e !== "");
    expect(all.at(-1)).toBe("data: error,ERR client output buffer limit reached (pubsub)");
    expect(all.length).toBeLessThan(21);
    expect(all.slice(0, -1).every((e) => e === `data: message,news,${payload}`)).toBe(true);
  });
});

describe("SSE against the shards as gateways", () => {
  it("subscribe, publish, a pattern; the stream survives the gateway's hibernation", async () => {
    const res = await call("/subscribe/w:sse");
    const reader = res.body!.getReader();
    const carry = { text: "" };
    expect(await events(reader, 1, carry)).toEqual(["data: subscribe,w:sse,1"]);
    const p = await call("/psubscribe/w:ss*");
    const preader = p.body!.getReader();
    expect(await events(preader, 1)).toEqual(["data: psubscribe,w:ss*,1"]);
    expect(await cmd("PUBLISH", "w:sse", "before")).toEqual({ result: 2 });
    expect(await events(reader, 1, carry)).toEqual(["data: message,w:sse,before"]);
    await evictAllDurableObjects();
    expect(await cmd("PUBLISH", "w:sse", "after wake")).toEqual({ result: 2 });
    expect(await events(reader, 1, carry)).toEqual(["data: message,w:sse,after wake"]);
    expect(await events(preader, 2)).toEqual(["data: pmessage,w:ss*,w:sse,before", "data: pmessage,w:ss*,w:sse,after wake"]);
    await reader.cancel();
    await preader.cancel();
  });

  it("a gateway restart ends the stream cleanly", async () => {
    const res = await call("/subscribe/w:sse-restart");
    const reader = res.body!.getReader();
    const carry = { text: "" };
    expect(await events(reader, 1, carry)).toEqual(["data: subscribe,w:sse-restart,1"]);
    await evictAllDurableObjects({ webSockets: "close" });
    let rest = carry.text;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value);
    }
    expect(rest.split("\n\n").filter((e) => e !== "" && !e.startsWith(":"))).toEqual([]);
  });
});
