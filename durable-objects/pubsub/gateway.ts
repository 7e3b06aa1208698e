/**
 * A shard as a gateway (docs/pubsub.md): the hibernatable WebSockets it accepted, what each is
 * subscribed to, and the local index a delivery is matched against.
 *
 * A socket's attachment holds its id, token role and encoding; its subscriptions are rows of
 * `pubsub_subscriptions` under its id (schema.ts). The index lives in memory and is rebuilt from
 * `ctx.getWebSockets()` and those rows when the object wakes from hibernation; after a restart
 * the runtime has closed the sockets, and the rows of sockets that are gone are dropped then.
 *
 * Frames of one socket are handled in order, one at a time: a frame waits for the previous
 * one's replies (a SUBSCRIBE replies once its registrations are acknowledged by the channels'
 * homes, so a PUBLISH sent after the reply reaches it). A blocking command (BLPOP, XREAD BLOCK)
 * waits until served or timed out, and the socket's later frames wait behind it, as a Redis
 * connection's commands do; the socket's close withdraws its wait (docs/blocking.md).
 *
 * Slow subscribers: before each frame the gateway reads the socket's `bufferedAmount` (bytes
 * sent and not yet taken by the client); past the limit (Redis's `client-output-buffer-limit
 * pubsub` hard limit, 32 MiB) it sends the error frame and closes the socket with 1008.
 */
import { text, type Arg } from "../args";
import { COMMANDS } from "../commands";
import { Errors } from "../errors";
import { slotOf } from "../slots";
import { globMatch } from "../store/glob";
import { lookupCommand, validate } from "../table";
import { errorFrame, pushFrame, stringFrame, type PushItem } from "./frames";
import type { InterestKind } from "./interest";
import { socketCommands } from "./socket-commands";

/** What a socket's attachment holds (it survives hibernation; at most a few KiB). */
interface Attachment {
  id: number;
  readOnly: boolean;
  base64: boolean;
  /** The socket ran MONITOR (kept here: the flag survives hibernation with the socket). */
  monitor?: boolean;
}

interface Socket extends Attachment {
  ws: WebSocket;
  subs: Record<Exclude<InterestKind, "m">, Set<string>>;
  /** The frames of this socket, handled one after another. */
  queue: Promise<void>;
  closed: boolean;
  /** Aborted when the socket closes: a blocking command it waits in is withdrawn. */
  gone: AbortController;
}

/** One message as a gateway receives it from a channel's home, with the interest rows the home matched for this gateway. */
export interface Delivery {
  channel: string;
  message: Uint8Array;
  sharded: boolean;
  /** [kind, name, row version]: what the home believes this gateway has; rows it no longer has are answered stale. */
  rows: [InterestKind, string, number][];
  /** MONITOR lines of one batch of the sending shard (then `channel` and `message` are empty). */
  monitor?: string[];
}

/** What the gateway needs of its shard: registrations with homes, SQL, the sockets, settings. */
export interface GatewayHost {
  readonly sql: SqlStorage;
  readonly state: DurableObjectState;
  readonly env: unknown;
  /** Bytes a socket may have sent and not taken before it is closed (client-output-buffer-limit pubsub). */
  readonly bufferLimit: number;
  /** Tells the homes of `name` this gateway's new local count; resolves once they have it. */
  changed(kind: InterestKind, name: string): Promise<void>;
}

export const OUTPUT_BUFFER_ERROR = "ERR client output buffer limit reached (pubsub)";
export const OUTPUT_BUFFER_CLOSE = 1008;

const SUBSCRIBE_FAMILY = new Set(["subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe"]);

export class Gateway {
  private readonly sockets = new Map<WebSocket, Socket>();
  private readonly index: Record<Exclude<InterestKind, "m">, Map<string, Set<Socket>>> = { c: new Map(), p: new Map(), s: new Map() };
  /** Sockets that ran MONITOR (kind `m`, name `""` in the interest tables). */
  private readonly monitors = new Set<Socket>();
  private built = false;

  constructor(private readonly host: GatewayHost) {}

  /** Accepts an upgrade the Worker passed on (`x-edgekv-role`, `x-edgekv-encoding` set by worker/pubsub/websocket.ts). */
  accept(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    this.build();
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.host.state.acceptWebSocket(server);
    const attachment: Attachment = {
      id: Math.floor(Math.random() * 2 ** 52),
      readOnly: request.headers.get("x-edgekv-role") === "read-only",
      base64: request.headers.get("x-edgekv-encoding") === "base64",
    };
    server.serializeAttachment(attachment);
    this.adopt(server, attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The number of open sockets (tests, INFO). */
  count(): number {
    this.build();
    return this.sockets.size;
  }

  message(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    this.build();
    const socket = this.sockets.get(ws);
    if (!socket) return Promise.resolve();
    const frame = typeof data === "string" ? data : new TextDecoder().decode(data);
    const next = socket.queue.then(() => this.handle(socket, frame));
    socket.queue = next.catch((e) => console.error("edgekv: socket frame failed", e));
    return socket.queue;
  }

  /** The socket closed or failed: its subscriptions go, and so does a blocking command's wait. */
  closed(ws: WebSocket): void {
    this.build();
    const socket = this.sockets.get(ws);
    if (socket) this.drop(socket);
  }

  /** Sends each message to the local sockets it reaches; answers the home's rows this gateway no longer has. */
  deliver(messages: Delivery[]): [InterestKind, string, number][] {
    this.build();
    const stale: [InterestKind, string, number][] = [];
    for (const m of messages) {
      if (m.monitor) this.sendMonitor(m.monitor);
      else if (m.sharded) this.fanOut(this.index.s.get(m.channel), ["smessage", m.channel, m.message]);
      else {
        this.fanOut(this.index.c.get(m.channel), ["message", m.channel, m.message]);
        for (const [pattern, subs] of this.index.p) {
          if (globMatch(pattern, m.channel)) this.fanOut(subs, ["pmessage", pattern, m.channel, m.message]);
        }
      }
      for (const row of m.rows) if (this.localCount(row[0], row[1]) === 0) stale.push(row);
    }
    return stale;
  }

  /** Local subscribers of a channel, pattern or shard channel (what this gateway registers with its homes). */
  localCount(kind: InterestKind, name: string): number {
    this.build();
    if (kind === "m") return name === "" ? this.monitors.size : 0;
    return this.index[kind].get(name)?.size ?? 0;
  }

  /** A batch's MONITOR lines to every monitor socket, one frame per line, as Redis sends one reply per command. */
  private sendMonitor(lines: string[]): void {
    for (const socket of [...this.monitors]) for (const line of lines) this.send(socket, stringFrame(line, socket.base64));
  }

  /** After a wake from hibernation: the sockets and their subscriptions again; rows of sockets that are gone removed. */
  private build(): void {
    if (this.built) return;
    this.built = true;
    const live = new Set<number>();
    for (const ws of this.host.state.getWebSockets()) {
      const a = ws.deserializeAttachment() as Attachment | null;
      if (!a || typeof a.id !== "number") continue;
      live.add(a.id);
      const socket = this.adopt(ws, a);
      if (a.monitor) this.monitors.add(socket);
      for (const row of this.host.sql.exec<{ kind: Exclude<InterestKind, "m">; name: string }>("SELECT kind, name FROM pubsub_subscriptions WHERE socket = ?", a.id)) {
        this.index[row.kind].get(row.name)?.add(socket) ?? this.index[row.kind].set(row.name, new Set([socket]));
        socket.subs[row.kind].add(row.name);
      }
    }
    const gone = this.host.sql
      .exec<{ socket: number }>("SELECT DISTINCT socket FROM pubsub_subscriptions")
      .toArray()
      .filter((r) => !live.has(r.socket));
    for (const { socket } of gone) this.host.sql.exec("DELETE FROM pubsub_subscriptions WHERE socket = ?", socket);
  }

  private adopt(ws: WebSocket, a: Attachment): Socket {
    const socket: Socket = { ...a, ws, subs: { c: new Set(), p: new Set(), s: new Set() }, queue: Promise.resolve(), closed: false, gone: new AbortController() };
    this.sockets.set(ws, socket);
    return socket;
  }

  /** One text frame: its commands in order, SUBSCRIBE and its family here, runs of other commands through the Worker's pipeline. */
  private async handle(socket: Socket, frame: string): Promise<void> {
    const commands = socketCommands();
    let cmds: Arg[][];
    try {
      cmds = commands ? commands.parse(frame) : [JSON.parse(frame) as Arg[]];
    } catch (e) {
      this.send(socket, errorFrame(e instanceof Error ? e.message : String(e)));
      return;
    }
    let run: Arg[][] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const batch = run;
      run = [];
      if (!commands) {
        for (const _ of batch) this.send(socket, errorFrame(Errors.socketCommandsUnavailable));
        return;
      }
      const replies = await commands.run(this.host.env, batch, socket.readOnly, socket.gone.signal);
      for (const r of replies) this.send(socket, commands.encode(r, socket.base64));
    };
    for (const argv of cmds) {
      const name = argv.length > 0 ? text(argv[0]!).toLowerCase() : "";
      if (name === "monitor") {
        await flush();
        this.send(socket, await this.monitor(socket, argv));
        continue;
      }
      if (!SUBSCRIBE_FAMILY.has(name)) {
        run.push(argv);
        continue;
      }
      await flush();
      const found = lookupCommand(COMMANDS, argv);
      if (!found.ok) {
        this.send(socket, errorFrame(found.error));
        continue;
      }
      const names = argv.slice(1).map(text);
      // Shard channels of one call share a slot, as Redis Cluster requires; a socket may hold several slots' over several calls.
      if ((name === "ssubscribe" || name === "sunsubscribe") && names.some((n) => slotOf(n) !== slotOf(names[0]!))) {
        this.send(socket, errorFrame(Errors.crossSlot));
        continue;
      }
      for (const reply of await this.subscription(socket, name, names)) this.send(socket, pushFrame(reply, socket.base64));
    }
    await flush();
  }

  /**
   * MONITOR on one socket: `+OK` once every shard knows this gateway has a monitor (a command
   * sent after the reply is shown); the read-only token is refused as for any admin command.
   */
  private async monitor(socket: Socket, argv: Arg[]): Promise<string> {
    const found = validate(COMMANDS, argv, { readOnly: socket.readOnly });
    if (!found.ok) return errorFrame(found.error);
    if (!socket.monitor) {
      socket.monitor = true;
      socket.ws.serializeAttachment({ id: socket.id, readOnly: socket.readOnly, base64: socket.base64, monitor: true } satisfies Attachment);
      this.monitors.add(socket);
      await this.host.changed("m", "");
    }
    return stringFrame("OK", false);
  }

  /** SUBSCRIBE, UNSUBSCRIBE, … on one socket: one reply per channel, as Redis answers. */
  private async subscription(socket: Socket, command: string, names: string[]): Promise<PushItem[][]> {
    const kind: Exclude<InterestKind, "m"> = command.startsWith("p") ? "p" : command === "ssubscribe" || command === "sunsubscribe" ? "s" : "c";
    const adding = !command.includes("unsub");
    // SUBSCRIBE and PSUBSCRIBE count channels and patterns together; SSUBSCRIBE counts shard channels (Redis 7).
    const count = () => (kind === "s" ? socket.subs.s.size : socket.subs.c.size + socket.subs.p.size);
    const replies: PushItem[][] = [];
    const pending: Promise<void>[] = [];
    if (!adding && names.length === 0) {
      names = [...socket.subs[kind]];
      if (names.length === 0) return [[command, null, count()]];
    }
    for (const name of names) {
      const changed = adding ? this.add(socket, kind, name) : this.remove(socket, kind, name);
      if (changed) pending.push(this.host.changed(kind, name));
      replies.push([command, name, count()]);
    }
    await Promise.all(pending);
    return replies;
  }

  /** False when the socket was already subscribed to `name`; otherwise the local count changed and the homes are told. */
  private add(socket: Socket, kind: Exclude<InterestKind, "m">, name: string): boolean {
    if (socket.subs[kind].has(name)) return false;
    socket.subs[kind].add(name);
    const subs = this.index[kind].get(name);
    if (subs) subs.add(socket);
    else this.index[kind].set(name, new Set([socket]));
    this.host.sql.exec("INSERT OR IGNORE INTO pubsub_subscriptions (socket, kind, name) VALUES (?, ?, ?)", socket.id, kind, name);
    return true;
  }

  /** False when the socket was not subscribed to `name` (nothing changed). */
  private remove(socket: Socket, kind: Exclude<InterestKind, "m">, name: string): boolean {
    if (!socket.subs[kind].delete(name)) return false;
    const subs = this.index[kind].get(name)!;
    subs.delete(socket);
    if (subs.size === 0) this.index[kind].delete(name);
    this.host.sql.exec("DELETE FROM pubsub_subscriptions WHERE socket = ? AND kind = ? AND name = ?", socket.id, kind, name);
    return true;
  }

  /** Forgets a socket and its subscriptions, and withdraws the command it waits in; the homes learn the new counts. */
  private drop(socket: Socket): void {
    if (socket.closed) return;
    socket.closed = true;
    socket.gone.abort();
    this.sockets.delete(socket.ws);
    if (this.monitors.delete(socket)) void this.host.changed("m", "");
    for (const kind of ["c", "p", "s"] as const) {
      for (const name of [...socket.subs[kind]]) {
        this.remove(socket, kind, name);
        void this.host.changed(kind, name);
      }
    }
  }

  /** One push to every socket of `subs`, encoded once per encoding. */
  private fanOut(subs: Set<Socket> | undefined, items: PushItem[]): void {
    if (!subs || subs.size === 0) return;
    const frames: [string | null, string | null] = [null, null];
    for (const socket of [...subs]) {
      const b = socket.base64 ? 1 : 0;
      this.send(socket, (frames[b] ??= pushFrame(items, socket.base64)));
    }
  }

  /** Sends a frame, or closes the socket when the client has not taken what it was sent (slow subscriber). */
  private send(socket: Socket, frame: string): void {
    if (socket.closed) return;
    const buffered = (socket.ws as { bufferedAmount?: number }).bufferedAmount;
    try {
      if (typeof buffered === "number" && buffered + frame.length > this.host.bufferLimit) {
        this.drop(socket);
        socket.ws.send(errorFrame(OUTPUT_BUFFER_ERROR));
        socket.ws.close(OUTPUT_BUFFER_CLOSE, "client output buffer limit reached");
        return;
      }
      socket.ws.send(frame);
    } catch {
      // The socket is closing or gone: its close event (or this drop) removes its subscriptions.
      this.drop(socket);
    }
  }
}
