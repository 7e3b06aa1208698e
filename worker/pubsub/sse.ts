/**
 * Pub/Sub over Server-Sent Events, as Upstash's REST API and `@upstash/redis` speak it
 * (docs/pubsub.md): `GET|POST /subscribe/<channel>[/<channel>…]` and `/psubscribe/<pattern>[/…]`
 * answer `text/event-stream`, one event per reply or push:
 *
 *     data: subscribe,news,1
 *     data: message,news,hello
 *     data: pmessage,n*,news,hello
 *
 * Each path segment after the command is one channel (percent-decoded), as in the REST path
 * form; `@upstash/redis` opens one stream per channel. The request body is ignored (the client
 * sends `[]`). The stream does not depend on `Accept`, so `curl -N` works as a browser's
 * `EventSource` does; the token comes from `Authorization` or `?_token=` (EventSource cannot
 * send headers).
 *
 * The bridge: the Worker opens a WebSocket to a gateway shard (the home shard of the first
 * channel; for patterns a shard at random), sends the command as one frame of the WebSocket
 * protocol (`["SUBSCRIBE","news"]`) and turns each frame it receives into one event:
 * `{"result":["message","news","hello"]}` → `data: message,news,hello`. Replies that are not
 * subscription events are dropped; an error frame becomes `data: error,<message>` and ends the
 * stream. The gateway closing the socket ends the stream cleanly; the client going away closes
 * the socket, and the gateway forgets its subscriptions.
 *
 * Encoding: `?encoding=base64` writes the channel, the pattern and the payload as base64 of their
 * bytes (the event type and the count stay plain), so binary payloads and payloads with line
 * breaks arrive exact. The `Upstash-Encoding` header does not switch it on here: the official
 * client sends `Upstash-Encoding: base64` with every request, its stream included, and reads the
 * events as plain text. Without base64 a payload with line breaks is written as several `data:`
 * lines, which an EventSource joins back with "\n" (a "\r" arrives as "\n").
 *
 * While nothing else is written, a comment line (`: keep-alive`) every `heartbeatMs` (30 s)
 * keeps proxies from closing an idle stream and lets a client that vanished be noticed; both
 * EventSource and the official client skip comment lines.
 *
 * A slow reader: the stream's queue holds at most `queueBytes` (the gateway's own limit,
 * `CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB`: Redis's `client-output-buffer-limit pubsub` hard limit, 32 MiB by default); past it the stream gets
 * `data: error,ERR client output buffer limit reached (pubsub)` as its last event and ends, and
 * the socket to the gateway is closed.
 */
import { Errors, RequestErrors } from "../../durable-objects/errors";
import { OUTPUT_BUFFER_CLOSE, OUTPUT_BUFFER_ERROR } from "../../durable-objects/pubsub/gateway";
import { DEFAULT_PUBSUB_BUFFER_LIMIT } from "../../durable-objects/pubsub/hub";
import { BadRequest } from "../request";
import { shardOf } from "../slot";
import { ENCODING_HEADER, ROLE_HEADER } from "./websocket";

export type SseCommand = "subscribe" | "psubscribe" | "monitor";

/** What an SSE path asks for: the command and its channels or patterns. */
export interface SseRequest {
  command: SseCommand;
  names: string[];
}


const COMMANDS = new Map<string, SseCommand>([
  ["subscribe", "subscribe"],
  ["psubscribe", "psubscribe"],
  ["monitor", "monitor"],
]);

/**
 * The SSE request a path names, or null when the path is not an SSE route. The command is
 * case-insensitive, as every command of the path form; one trailing slash is ignored.
 * @example sseRequest("/subscribe/news/sport") → { command: "subscribe", names: ["news", "sport"] }
 */
export function sseRequest(pathname: string): SseRequest | null {
  const segments = pathname.split("/").slice(1);
  const command = COMMANDS.get(segments[0]!.toLowerCase());
  if (!command) return null;
  const rest = segments.slice(1);
  if (rest.length > 0 && rest[rest.length - 1] === "") rest.pop();
  // MONITOR takes no argument; SUBSCRIBE and PSUBSCRIBE at least one.
  if ((rest.length === 0) !== (command === "monitor")) throw new BadRequest(Errors.wrongArity(command));
  const names = rest.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new BadRequest(RequestErrors.badPercentEncoding);
    }
  });
  return { command, names };
}

/** The shard that is the stream's gateway: the first channel's home, or `random` picks one for patterns and MONITOR. */
export function gatewayShard(req: SseRequest, shards: number, random: () => number = Math.random): number {
  if (req.command === "subscribe") return shardOf(req.names[0]!, shards);
  return Math.min(shards - 1, Math.floor(random() * shards));
}

/** One SSE event carrying `data`, one `data:` line per line of it (SSE's own rule for line breaks). */
export function sseEvent(data: string): string {
  return data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("") + "\n";
}

/** What one frame from the gateway becomes: an event's data, the error that ends the stream, or nothing. */
export type FrameOutcome = { data: string } | { error: string } | null;

const utf8 = new TextDecoder();

function fromBase64(s: string): string {
  try {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return utf8.decode(bytes);
  } catch {
    return s;
  }
}

/** How many strings before the count or payload each event type carries, after the type. */
const EVENT_SHAPES: Record<string, { strings: number; counted: boolean }> = {
  subscribe: { strings: 1, counted: true },
  unsubscribe: { strings: 1, counted: true },
  psubscribe: { strings: 1, counted: true },
  punsubscribe: { strings: 1, counted: true },
  message: { strings: 2, counted: false },
  pmessage: { strings: 3, counted: false },
};

/**
 * One frame of the WebSocket protocol → an event. `base64`: the frame's strings are base64 (the
 * socket was opened with `?encoding=base64`); the type is read decoded, the rest is written as
 * it came. Frames that are not subscription events (a PONG, another reply) give nothing.
 * `monitor`: the stream is MONITOR's, whose reply (`OK`) and lines are plain strings, each one
 * event as it came (a MONITOR line never holds a line break: Redis's quoting escapes them).
 * @example frameOutcome('{"result":["message","news","hi"]}', false) → { data: "message,news,hi" }
 * @example frameOutcome('{"result":"1733100000.123000 [0 shard-1] \"GET\" \"k\""}', false, true) → { data: '1733100000.123000 [0 shard-1] "GET" "k"' }
 */
export function frameOutcome(frame: string, base64: boolean, monitor = false): FrameOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { result, error } = parsed as { result?: unknown; error?: unknown };
  if (typeof error === "string") return { error };
  if (monitor) return typeof result === "string" ? { data: result } : null;
  if (!Array.isArray(result) || typeof result[0] !== "string") return null;
  const type = base64 ? fromBase64(result[0]) : result[0];
  const shape = EVENT_SHAPES[type];
  if (!shape || result.length !== 1 + shape.strings + (shape.counted ? 1 : 0)) return null;
  const parts: string[] = [type];
  for (let i = 1; i <= shape.strings; i++) {
    const s = result[i];
    if (typeof s !== "string") return null;
    parts.push(s);
  }
  if (shape.counted) {
    const n = result[result.length - 1];
    if (typeof n !== "number") return null;
    parts.push(String(n));
  }
  return { data: parts.join(",") };
}

/** The part of a WebSocket the bridge uses (a real one from `response.webSocket`, or a test's). */
export interface GatewaySocket {
  send(message: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close" | "error", listener: (event: unknown) => void): void;
}

export interface BridgeOptions {
  /** The gateway's frames have base64 strings, and so do the events. */
  base64: boolean;
  /** Most bytes the stream's queue may hold before the reader is cut off (default 32 MB). */
  queueBytes?: number;
  /** Milliseconds between keep-alive comments (default 30 s). */
  heartbeatMs?: number;
  /** Runs `tick` every `ms` until the returned function is called (default: setInterval). */
  every?: (ms: number, tick: () => void) => () => void;
}

/** The default interval between keep-alive comments. */
export const HEARTBEAT_MS = 30_000;
const KEEP_ALIVE = ": keep-alive\n\n";

function intervalTimer(ms: number, tick: () => void): () => void {
  const id = setInterval(tick, ms);
  return () => clearInterval(id);
}

const encoder = new TextEncoder();
/** The close code sent to the gateway when the client went away or the subscription failed. */
const CLIENT_GONE = 1000;

/**
 * The SSE stream of one subscription connection: sends `command` to the gateway and writes each
 * subscription frame it answers as an event, until the gateway closes, an error frame comes,
 * the queue overflows or the reader cancels.
 */
export function bridgeStream(socket: GatewaySocket, command: SseRequest, o: BridgeOptions): ReadableStream<Uint8Array> {
  const limit = o.queueBytes ?? DEFAULT_PUBSUB_BUFFER_LIMIT;
  let done = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let stopHeartbeat = () => {};
  /** Whether anything was written since the last heartbeat. */
  let wrote = false;

  const closeSocket = (code: number, reason: string) => {
    try {
      socket.close(code, reason);
    } catch {
      // already closed
    }
  };
  /** Ends the stream after what is queued; `last`, if given, is its final event. */
  const end = (last?: string) => {
    if (done) return;
    done = true;
    stopHeartbeat();
    if (last !== undefined) controller.enqueue(encoder.encode(sseEvent(last)));
    controller.close();
  };

  /** Queues `text`; a queue past the limit ends the stream with the reason. */
  const write = (text: string) => {
    controller.enqueue(encoder.encode(text));
    wrote = true;
    if ((controller.desiredSize ?? 0) < 0) {
      end(`error,${OUTPUT_BUFFER_ERROR}`);
      closeSocket(OUTPUT_BUFFER_CLOSE, "client output buffer limit reached (pubsub)");
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        socket.addEventListener("message", (event) => {
          if (done || typeof event.data !== "string") return;
          const outcome = frameOutcome(event.data, o.base64, command.command === "monitor");
          if (outcome === null) return;
          if ("error" in outcome) {
            end(`error,${outcome.error}`);
            closeSocket(CLIENT_GONE, "subscription failed");
            return;
          }
          write(sseEvent(outcome.data));
        });
        socket.addEventListener("close", () => end());
        socket.addEventListener("error", () => end());
        socket.send(JSON.stringify([command.command.toUpperCase(), ...command.names]));
        stopHeartbeat = (o.every ?? intervalTimer)(o.heartbeatMs ?? HEARTBEAT_MS, () => {
          if (!done && !wrote) write(KEEP_ALIVE);
          wrote = false;
        });
      },
      cancel() {
        done = true;
        stopHeartbeat();
        closeSocket(CLIENT_GONE, "the client went away");
      },
    },
    { highWaterMark: limit, size: (chunk) => chunk.byteLength },
  );
  return stream;
}

/** The headers of an SSE response (CORS comes with the API's own headers). */
export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** The part of a shard's stub the bridge uses: `fetch` with `Upgrade: websocket`. */
export interface GatewayStub {
  fetch(request: Request): Promise<Response>;
}


/**
 * Opens the WebSocket to a gateway shard (docs/pubsub.md, "The WebSocket protocol"), with the
 * token's role and the encoding in the headers a gateway reads (worker/pubsub/websocket.ts), accepted
 * on this side: the socket, or the gateway's refusal as an error message.
 */
export async function openGateway(
  stub: GatewayStub,
  o: { base64: boolean; readOnly: boolean },
): Promise<{ socket: WebSocket } | { error: string; status: number }> {
  const headers = {
    upgrade: "websocket",
    [ROLE_HEADER]: o.readOnly ? "read-only" : "read-write",
    [ENCODING_HEADER]: o.base64 ? "base64" : "plain",
  };
  let res: Response;
  try {
    res = await stub.fetch(new Request("https://gateway/ws", { headers }));
  } catch (e) {
    return { error: RequestErrors.gatewayUnreachable(e instanceof Error ? e.message : String(e)), status: 503 };
  }
  const socket = res.webSocket;
  if (!socket) {
    const text = await res.text().catch(() => "");
    let error = text;
    try {
      const body = JSON.parse(text) as { error?: unknown };
      if (typeof body.error === "string") error = body.error;
    } catch {
      // not JSON: the text as it is
    }
    return { error: error || RequestErrors.gatewayUnreachable(`status ${res.status}`), status: res.status >= 400 ? res.status : 503 };
  }
  socket.accept();
  return { socket };
}
