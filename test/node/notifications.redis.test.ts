/**
 * The keyspace notification cases (test/conformance/notifications.ts) against a real redis-server:
 * a second connection PSUBSCRIBEs `__key*@*__:*` and records every message; after each case a
 * PUBLISH on a marker channel tells where the case's messages end (Redis delivers in order), so
 * nothing waits on the clock.
 */
import net from "node:net";
import { afterAll, describe, expect, inject, it } from "vitest";
import { NOTIFICATION_CASES, type NotificationCase } from "../conformance/notifications";
import { RespClient } from "./resp-client";

const port = inject("redisPort");

/** A PSUBSCRIBE connection: each pmessage as [channel, message], in arrival order. */
class Subscriber {
  private socket: net.Socket;
  private buffer = "";
  readonly messages: [string, string][] = [];
  private waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = net.createConnection({ port, host: "127.0.0.1" });
    this.socket.setEncoding("latin1");
    this.socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        const parsed = parseArray(this.buffer);
        if (!parsed) break;
        this.buffer = this.buffer.slice(parsed.end);
        if (parsed.items[0] === "pmessage") this.messages.push([parsed.items[2]!, parsed.items[3]!]);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  subscribe(pattern: string): void {
    this.socket.write(`*2\r\n$10\r\nPSUBSCRIBE\r\n$${pattern.length}\r\n${pattern}\r\n`);
  }

  /** Resolves once a message on `channel` arrived; every message before it is the case's. */
  async until(channel: string): Promise<[string, string][]> {
    for (;;) {
      const at = this.messages.findIndex(([c]) => c === channel);
      if (at >= 0) return this.messages.splice(0, at + 1).slice(0, at);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One RESP array of bulk strings (or a simple reply, skipped) from the front of `buf`. */
function parseArray(buf: string): { items: string[]; end: number } | null {
  const line = buf.indexOf("\r\n");
  if (line < 0) return null;
  if (buf[0] !== "*") return { items: [], end: line + 2 };
  const n = Number(buf.slice(1, line));
  const items: string[] = [];
  let at = line + 2;
  for (let i = 0; i < n; i++) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return null;
    if (buf[at] === ":") {
      items.push(buf.slice(at + 1, eol));
      at = eol + 2;
      continue;
    }
    const len = Number(buf.slice(at + 1, eol));
    if (buf.length < eol + 2 + len + 2) return null;
    items.push(buf.slice(eol + 2, eol + 2 + len));
    at = eol + 2 + len + 2;
  }
  return { items, end: at };
}

/** A case's expected messages: with K and E, each event on its keyspace channel, then on its keyevent channel. */
export function expectedMessages(c: NotificationCase): [string, string][] {
  const flags = c.flags ?? "KEA";
  const out: [string, string][] = [];
  for (const e of c.events) {
    const [event, key] = e.split(" ") as [string, string];
    if (flags.includes("K")) out.push([`__keyspace@0__:${key}`, event]);
    if (flags.includes("E")) out.push([`__keyevent@0__:${event}`, key]);
  }
  return out;
}

describe.runIf(port > 0)("keyspace notifications of redis-server (reference)", () => {
  const client = new RespClient(port);
  const dumps = new RespClient(port);
  const sub = new Subscriber(port);
  sub.subscribe("__key*@*__:*");
  afterAll(async () => {
    await client.call("CONFIG", "SET", "notify-keyspace-events", "");
    client.close();
    dumps.close();
    sub.close();
  });

  NOTIFICATION_CASES.forEach((c, i) => {
    it(c.name, async () => {
      await client.call("FLUSHALL");
      await client.call("CONFIG", "SET", "notify-keyspace-events", c.flags ?? "KEA");
      // Everything before this marker belongs to earlier cases.
      await client.call("PUBLISH", `__keyevent@0__:start-${i}`, "x");
      await sub.until(`__keyevent@0__:start-${i}`);
      for (const argv of c.commands) {
        const dumpAt = argv.findIndex((a) => typeof a === "string" && a.startsWith("DUMP:"));
        if (dumpAt >= 0) {
          const payload = await dumps.callBinary("DUMP", (argv[dumpAt] as string).slice(5));
          await client.callBinary(...argv.map((a, j) => (j === dumpAt ? (payload as Uint8Array) : a)));
        } else await client.call(...argv);
      }
      await client.call("PUBLISH", `__keyevent@0__:end-${i}`, "x");
      expect(await sub.until(`__keyevent@0__:end-${i}`)).toEqual(expectedMessages(c));
    });
  });
});
