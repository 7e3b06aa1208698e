/**
 * A small client of the `/ws` protocol (docs/pubsub.md "The WebSocket protocol") over Node's
 * built-in WebSocket: frames are queued as they arrive and read in order with `next()`.
 */
export type Frame = { result?: unknown; error?: string };

export interface WsClient {
  ws: WebSocket;
  send(cmd: unknown[]): void;
  /** The next frame (waits for it; fails after `ms`). */
  next(ms?: number): Promise<Frame>;
  /** Sends a command and reads `n` frames (one per channel for SUBSCRIBE and its family). */
  call(cmd: unknown[], n?: number): Promise<Frame[]>;
  /** Resolves with the close event's code. */
  closed: Promise<number>;
  close(): void;
}

export async function connect(url: string, opts: { token?: string; query?: string } = {}): Promise<WsClient> {
  const wsUrl = `${url.replace(/^http/, "ws")}/ws${opts.query ?? ""}`;
  const ws = new WebSocket(wsUrl, opts.token ? ({ headers: { authorization: `Bearer ${opts.token}` } } as unknown as string[]) : undefined);
  const frames: Frame[] = [];
  const waiting: ((f: Frame) => void)[] = [];
  ws.addEventListener("message", (e) => {
    const f = JSON.parse(String(e.data)) as Frame;
    const w = waiting.shift();
    if (w) w(f);
    else frames.push(f);
  });
  const closed = new Promise<number>((res) => ws.addEventListener("close", (e) => res(e.code)));
  await new Promise<void>((res, rej) => {
    ws.addEventListener("open", () => res(), { once: true });
    ws.addEventListener("error", () => rej(new Error(`could not connect to ${wsUrl}`)), { once: true });
  });
  const next = (ms = 20_000) =>
    new Promise<Frame>((res, rej) => {
      const f = frames.shift();
      if (f) return res(f);
      const timer = setTimeout(() => rej(new Error("no frame arrived")), ms);
      waiting.push((frame) => {
        clearTimeout(timer);
        res(frame);
      });
    });
  return {
    ws,
    send: (cmd) => ws.send(JSON.stringify(cmd)),
    next,
    async call(cmd, n = 1) {
      ws.send(JSON.stringify(cmd));
      const out: Frame[] = [];
      for (let i = 0; i < n; i++) out.push(await next());
      return out;
    },
    closed,
    close: () => ws.close(),
  };
}
