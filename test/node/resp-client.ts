/**
 * A minimal RESP2 client for the reference run against a real redis-server: one connection,
 * commands sent one at a time, replies normalized to the suite's `Value`.
 */
import net from "node:net";
import type { BinaryValue, Value } from "../conformance/harness";

export class RespClient {
  private socket: net.Socket;
  private buffer = Buffer.alloc(0);
  /** Callers in request order; `binary` keeps bulk strings as bytes. */
  private waiting: { binary: boolean; resolve: (v: BinaryValue) => void }[] = [];
  /** Replies nobody waited for: a subscribed connection's messages, read with `next`. */
  private unclaimed: BinaryValue[] = [];
  private ready: Promise<void>;

  constructor(port: number, host = "127.0.0.1") {
    this.socket = net.createConnection({ port, host });
    this.ready = new Promise((res, rej) => {
      this.socket.once("connect", () => res());
      this.socket.once("error", rej);
    });
    this.socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parse(this.buffer, 0, this.waiting[0]?.binary ?? false);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.end);
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(parsed.value);
        else this.unclaimed.push(parsed.value);
      }
    });
  }

  async call(...args: (string | number)[]): Promise<Value> {
    return (await this.send(args, false)) as Value;
  }

  /** `call` with byte arguments allowed and bulk replies kept as bytes. */
  async callBinary(...args: (string | number | Uint8Array)[]): Promise<BinaryValue> {
    return this.send(args, true);
  }

  /** Sends one command and resolves with its next `n` replies (SUBSCRIBE answers one per channel). */
  async callN(n: number, ...args: (string | number)[]): Promise<Value[]> {
    await this.ready;
    const first = this.write(args, false);
    const rest = Array.from({ length: n - 1 }, () => this.next());
    return (await Promise.all([first, ...rest])) as Value[];
  }

  /** The next reply that arrives without a command of its own (a subscribed connection's message). */
  next(): Promise<Value> {
    const ready = this.unclaimed.shift();
    if (ready !== undefined) return Promise.resolve(ready as Value);
    return new Promise<BinaryValue>((resolve) => this.waiting.push({ binary: false, resolve })) as Promise<Value>;
  }

  private async send(args: (string | number | Uint8Array)[], binary: boolean): Promise<BinaryValue> {
    await this.ready;
    return this.write(args, binary);
  }

  /** Writes a command once connected; its reply is the next one nobody else waits for. */
  private write(args: (string | number | Uint8Array)[], binary: boolean): Promise<BinaryValue> {
    const parts = args.map((a) => (a instanceof Uint8Array ? Buffer.from(a) : Buffer.from(String(a))));
    const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
    for (const p of parts) {
      chunks.push(Buffer.from(`$${p.length}\r\n`), p, Buffer.from("\r\n"));
    }
    const promise = new Promise<BinaryValue>((resolve) => this.waiting.push({ binary, resolve }));
    this.socket.write(Buffer.concat(chunks));
    return promise;
  }

  close(): void {
    this.socket.destroy();
  }
}

function parse(buf: Buffer, at: number, binary: boolean): { value: BinaryValue; end: number } | null {
  const nl = buf.indexOf("\r\n", at);
  if (nl === -1) return null;
  const type = String.fromCharCode(buf[at]!);
  const line = buf.toString("utf8", at + 1, nl);
  switch (type) {
    case "+":
      return { value: line, end: nl + 2 };
    case "-":
      return { value: { error: line }, end: nl + 2 };
    case ":": {
      const n = BigInt(line);
      return { value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, end: nl + 2 };
    }
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: nl + 2 };
      if (buf.length < nl + 2 + len + 2) return null;
      const data = buf.subarray(nl + 2, nl + 2 + len);
      return { value: binary ? new Uint8Array(data) : data.toString("utf8"), end: nl + 2 + len + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: nl + 2 };
      const items: BinaryValue[] = [];
      let end = nl + 2;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, end, binary);
        if (!item) return null;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}
