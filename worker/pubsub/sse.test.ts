/**
 * The SSE transport: paths, the event format @upstash/redis and EventSource read, the frame →
 * event conversion, and the bridge's lifecycle against a fake gateway socket.
 */
import { describe, expect, it } from "vitest";
import { OUTPUT_BUFFER_ERROR } from "../../durable-objects/pubsub/gateway";
import { BadRequest } from "../request";
import { shardOf } from "../slot";
import {
  bridgeStream,
  frameOutcome,
  gatewayShard,
  sseEvent,
  sseRequest,
  type GatewaySocket,
  type SseRequest,
} from "./sse";

/** A gateway socket the test drives: what the bridge sent, how it closed it, and frames to push. */
class FakeSocket implements GatewaySocket {
  sent: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  private listeners = new Map<string, ((event: never) => void)[]>();
  send(message: string): void {
    this.sent.push(message);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: "message" | "close" | "error", event: unknown = {}): void {
    for (const l of this.listeners.get(type) ?? []) (l as (e: unknown) => void)(event);
  }
  push(result: unknown): void {
    this.emit("message", { data: JSON.stringify({ result }) });
  }
}

const decoder = new TextDecoder();

/** Everything the stream holds until it ends. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text;
}

/** The next `n` events of a stream that is still open. */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<string[]> {
  let text = "";
  while (text.split("\n\n").length - 1 < n) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text.split("\n\n").slice(0, n);
}

const SUB: SseRequest = { command: "subscribe", names: ["news"] };

describe("SSE paths", () => {
  it("each segment after the command is one channel, percent-decoded", () => {
    expect(sseRequest("/subscribe/news")).toEqual({ command: "subscribe", names: ["news"] });
    expect(sseRequest("/subscribe/news/sport/")).toEqual({ command: "subscribe", names: ["news", "sport"] });
    expect(sseRequest("/PSubscribe/n%2A/a%2Cb%2Fc")).toEqual({ command: "psubscribe", names: ["n*", "a,b/c"] });
    expect(sseRequest("/subscribe/a,b")).toEqual({ command: "subscribe", names: ["a,b"] });
    expect(sseRequest("/subscribe//x")).toEqual({ command: "subscribe", names: ["", "x"] });
  });

  it("other paths are not SSE routes", () => {
    for (const p of ["/", "/get/k", "/subscriber/x", "/constructor/x", "/toString"]) expect(sseRequest(p)).toBeNull();
  });

  it("no channel: Redis's arity error; bad percent-encoding: the path form's error", () => {
    expect(() => sseRequest("/subscribe")).toThrow(new BadRequest("ERR wrong number of arguments for 'subscribe' command"));
    expect(() => sseRequest("/psubscribe/")).toThrow("ERR wrong number of arguments for 'psubscribe' command");
    expect(() => sseRequest("/subscribe/%E0%A4%A")).toThrow(BadRequest);
  });

  it("the gateway is the first channel's home shard; patterns go where `random` says", () => {
    expect(gatewayShard({ command: "subscribe", names: ["news", "x"] }, 16)).toBe(shardOf("news", 16));
    expect(gatewayShard({ command: "subscribe", names: ["{user1}:a"] }, 16)).toBe(shardOf("user1", 16));
    expect(gatewayShard({ command: "psubscribe", names: ["*"] }, 16, () => 0)).toBe(0);
    expect(gatewayShard({ command: "psubscribe", names: ["*"] }, 16, () => 0.99999)).toBe(15);
  });
});

describe("MONITOR as SSE", () => {
  it("/monitor takes no argument and goes where `random` says", () => {
    expect(sseRequest("/monitor")).toEqual({ command: "monitor", names: [] });
    expect(sseRequest("/MONITOR/")).toEqual({ command: "monitor", names: [] });
    expect(() => sseRequest("/monitor/x")).toThrow("ERR wrong number of arguments for 'monitor' command");
    expect(gatewayShard({ command: "monitor", names: [] }, 16, () => 0.5)).toBe(8);
  });

  it("its string frames are events as they came; arrays and other frames give nothing", () => {
    expect(frameOutcome('{"result":"OK"}', false, true)).toEqual({ data: "OK" });
    const line = '1733100000.123000 [0 shard-1] "SET" "k" "a\\nb"';
    expect(frameOutcome(JSON.stringify({ result: line }), false, true)).toEqual({ data: line });
    expect(frameOutcome('{"result":["message","news","hi"]}', false, true)).toBeNull();
    expect(frameOutcome('{"result":"OK"}', false)).toBeNull();
    expect(frameOutcome('{"error":"NOPERM x"}', false, true)).toEqual({ error: "NOPERM x" });
  });
});

describe("SSE events", () => {
  it("one data line, then a blank line", () => {
    expect(sseEvent("message,news,hello")).toBe("data: message,news,hello\n\n");
  });

  it("line breaks become several data lines (EventSource joins them with \\n)", () => {
    expect(sseEvent("message,news,a\nb\r\nc\rd")).toBe("data: message,news,a\ndata: b\ndata: c\ndata: d\n\n");
  });

  it("frames of the WebSocket protocol → Upstash's comma-separated events", () => {
    expect(frameOutcome('{"result":["subscribe","news",1]}', false)).toEqual({ data: "subscribe,news,1" });
    expect(frameOutcome('{"result":["psubscribe","n*",2]}', false)).toEqual({ data: "psubscribe,n*,2" });
    expect(frameOutcome('{"result":["message","news","hello, world"]}', false)).toEqual({ data: "message,news,hello, world" });
    expect(frameOutcome('{"result":["pmessage","n*","news","{\\"a\\":1}"]}', false)).toEqual({ data: 'pmessage,n*,news,{"a":1}' });
    expect(frameOutcome('{"result":["unsubscribe","news",0]}', false)).toEqual({ data: "unsubscribe,news,0" });
  });

  it("base64 frames: the type is read decoded, the strings stay base64, the count plain", () => {
    const b = (s: string) => btoa(s);
    expect(frameOutcome(JSON.stringify({ result: [b("subscribe"), b("news"), 1] }), true)).toEqual({ data: `subscribe,${b("news")},1` });
    expect(frameOutcome(JSON.stringify({ result: [b("message"), b("news"), b("a\nb")] }), true)).toEqual({
      data: `message,${b("news")},${b("a\nb")}`,
    });
    expect(frameOutcome(JSON.stringify({ result: [b("pmessage"), b("n*"), b("news"), b("x")] }), true)).toEqual({
      data: `pmessage,${b("n*")},${b("news")},${b("x")}`,
    });
  });

  it("an error frame ends the stream; other replies and malformed frames give nothing", () => {
    expect(frameOutcome('{"error":"ERR client output buffer limit reached (pubsub)"}', false)).toEqual({
      error: "ERR client output buffer limit reached (pubsub)",
    });
    for (const f of ['{"result":"PONG"}', '{"result":["message","news"]}', '{"result":["subscribe","news","1"]}', '{"result":["get","k"]}', "pong", "null", "[1]"])
      expect(frameOutcome(f, false)).toBeNull();
  });
});

describe("the bridge", () => {
  it("sends the command as one frame and writes each subscription frame as an event, in order", async () => {
    const socket = new FakeSocket();
    const reader = bridgeStream(socket, { command: "subscribe", names: ["news", "sport"] }, { base64: false }).getReader();
    expect(socket.sent).toEqual(['["SUBSCRIBE","news","sport"]']);
    socket.push(["subscribe", "news", 1]);
    socket.push(["subscribe", "sport", 2]);
    socket.emit("message", { data: '{"result":"PONG"}' });
    for (let i = 0; i < 5; i++) socket.push(["message", "news", `m${i}`]);
    expect(await readEvents(reader, 7)).toEqual([
      "data: subscribe,news,1",
      "data: subscribe,sport,2",
      ...[0, 1, 2, 3, 4].map((i) => `data: message,news,m${i}`),
    ]);
    expect(socket.closed).toBeNull();
    await reader.cancel();
  });

  it("PSUBSCRIBE: pmessage events carry the pattern and the channel", async () => {
    const socket = new FakeSocket();
    const stream = bridgeStream(socket, { command: "psubscribe", names: ["n*"] }, { base64: false });
    expect(socket.sent).toEqual(['["PSUBSCRIBE","n*"]']);
    socket.push(["psubscribe", "n*", 1]);
    socket.push(["pmessage", "n*", "news", "hi"]);
    socket.emit("close", { code: 1000 });
    expect(await readAll(stream)).toBe("data: psubscribe,n*,1\n\ndata: pmessage,n*,news,hi\n\n");
  });

  it("the gateway closing the socket ends the stream cleanly, after what was queued", async () => {
    const socket = new FakeSocket();
    const stream = bridgeStream(socket, SUB, { base64: false });
    socket.push(["subscribe", "news", 1]);
    socket.push(["message", "news", "last"]);
    socket.emit("close", { code: 1001 });
    socket.push(["message", "news", "after the close"]);
    expect(await readAll(stream)).toBe("data: subscribe,news,1\n\ndata: message,news,last\n\n");
  });

  it("a socket error ends the stream too", async () => {
    const socket = new FakeSocket();
    const stream = bridgeStream(socket, SUB, { base64: false });
    socket.push(["subscribe", "news", 1]);
    socket.emit("error");
    expect(await readAll(stream)).toBe("data: subscribe,news,1\n\n");
  });

  it("the client going away closes the socket to the gateway", async () => {
    const socket = new FakeSocket();
    const reader = bridgeStream(socket, SUB, { base64: false }).getReader();
    socket.push(["subscribe", "news", 1]);
    await readEvents(reader, 1);
    expect(socket.closed).toBeNull();
    await reader.cancel();
    expect(socket.closed).toEqual({ code: 1000, reason: "the client went away" });
    socket.push(["message", "news", "after the client left"]);
  });

  it("an error frame is the last event; the socket is closed", async () => {
    const socket = new FakeSocket();
    const stream = bridgeStream(socket, SUB, { base64: false });
    socket.push(["subscribe", "news", 1]);
    socket.emit("message", { data: '{"error":"ERR something failed"}' });
    socket.push(["message", "news", "ignored"]);
    expect(await readAll(stream)).toBe("data: subscribe,news,1\n\ndata: error,ERR something failed\n\n");
    expect(socket.closed?.code).toBe(1000);
  });

  it("a reader past the queue limit gets a final error event; the socket is closed with 1008", async () => {
    const socket = new FakeSocket();
    const event = sseEvent("message,news,0123456789");
    const stream = bridgeStream(socket, SUB, { base64: false, queueBytes: event.length * 3 });
    // Nothing reads: the queue fills. Three events fit; the fourth goes past the limit.
    for (let i = 0; i < 10; i++) socket.push(["message", "news", "0123456789"]);
    expect(socket.closed).toEqual({ code: 1008, reason: "client output buffer limit reached (pubsub)" });
    expect(await readAll(stream)).toBe(event.repeat(4) + sseEvent(`error,${OUTPUT_BUFFER_ERROR}`));
  });

  it("a reader that keeps up is never cut off, however much passes through", async () => {
    const socket = new FakeSocket();
    const event = sseEvent("message,news,0123456789");
    const reader = bridgeStream(socket, SUB, { base64: false, queueBytes: event.length * 2 }).getReader();
    for (let i = 0; i < 50; i++) {
      socket.push(["message", "news", "0123456789"]);
      expect(await readEvents(reader, 1)).toEqual(["data: message,news,0123456789"]);
    }
    expect(socket.closed).toBeNull();
    await reader.cancel();
  });

  it("a keep-alive comment in each interval that wrote nothing; the timer stops with the stream", async () => {
    const socket = new FakeSocket();
    let tick = () => {};
    let stopped = 0;
    const every = (ms: number, t: () => void) => {
      expect(ms).toBe(5_000);
      tick = t;
      return () => void stopped++;
    };
    const stream = bridgeStream(socket, SUB, { base64: false, heartbeatMs: 5_000, every });
    socket.push(["subscribe", "news", 1]);
    tick(); // something was written in this interval: no comment
    tick(); // nothing: a comment
    socket.push(["message", "news", "m"]);
    tick();
    tick();
    socket.emit("close");
    tick(); // after the end: nothing
    expect(stopped).toBe(1);
    expect(await readAll(stream)).toBe("data: subscribe,news,1\n\n: keep-alive\n\ndata: message,news,m\n\n: keep-alive\n\n");
  });

  it("the client going away stops the keep-alive timer", async () => {
    let stopped = 0;
    const stream = bridgeStream(new FakeSocket(), SUB, { base64: false, every: () => () => void stopped++ });
    await stream.cancel();
    expect(stopped).toBe(1);
  });

  it("base64: events carry the gateway's base64 strings", async () => {
    const socket = new FakeSocket();
    const stream = bridgeStream(socket, SUB, { base64: true });
    socket.push([btoa("subscribe"), btoa("news"), 1]);
    socket.push([btoa("message"), btoa("news"), btoa("line 1\nline 2")]);
    socket.emit("close");
    expect(await readAll(stream)).toBe(`data: subscribe,${btoa("news")},1\n\ndata: message,${btoa("news")},${btoa("line 1\nline 2")}\n\n`);
  });
});
