/** A WebSocket client of `/ws` inside workerd (through the Worker, SELF): frames in order, awaited one by one. */
import { expect } from "vitest";
import { call, TOKEN } from "./http-helpers";

export type Frame = { result?: unknown; error?: string };

export interface Client {
  ws: WebSocket;
  send(cmd: unknown[]): void;
  next(): Promise<Frame>;
  call(cmd: unknown[], n?: number): Promise<Frame[]>;
  closed: Promise<number>;
}

export async function connect(token = TOKEN): Promise<Client> {
  const res = await call("/ws", { token, headers: { upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const frames: Frame[] = [];
  const waiting: ((f: Frame) => void)[] = [];
  ws.addEventListener("message", (e) => {
    const f = JSON.parse(String(e.data)) as Frame;
    const w = waiting.shift();
    if (w) w(f);
    else frames.push(f);
  });
  const closed = new Promise<number>((res) => ws.addEventListener("close", (e) => res(e.code)));
  const next = () => new Promise<Frame>((res) => (frames.length > 0 ? res(frames.shift()!) : waiting.push(res)));
  return {
    ws,
    send: (c) => ws.send(JSON.stringify(c)),
    next,
    async call(c, n = 1) {
      ws.send(JSON.stringify(c));
      const out: Frame[] = [];
      for (let i = 0; i < n; i++) out.push(await next());
      return out;
    },
    closed,
  };
}

