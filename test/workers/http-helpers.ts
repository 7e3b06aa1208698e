/** Shared helpers of the HTTP API tests: requests through SELF, or through the app with other bindings. */
import { env, SELF } from "cloudflare:test";
import app from "../../worker/index";
import type { Env } from "../../worker/env";
import { shardOf } from "../../worker/slot";

export const TOKEN = "test-token";
export const READONLY_TOKEN = "test-readonly-token";
export const SHARDS = Number((env as { SHARDS?: string }).SHARDS ?? 16);

export interface CallOptions {
  method?: string;
  body?: BodyInit | null;
  token?: string | null;
  headers?: Record<string, string>;
  base64?: boolean;
}

function request(path: string, o: CallOptions = {}): Request {
  const headers: Record<string, string> = { ...o.headers };
  const token = o.token === undefined ? TOKEN : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (o.base64) headers["upstash-encoding"] = "base64";
  return new Request(`http://edgekv${path}`, { method: o.method ?? (o.body != null ? "POST" : "GET"), body: o.body ?? null, headers });
}

/** A request through the Worker as configured for the tests (16 shards, both tokens). */
export function call(path: string, o: CallOptions = {}): Promise<Response> {
  return SELF.fetch(request(path, o));
}

/** A request through the same app with some bindings replaced (limits, missing tokens). */
export async function callWith(bindings: Partial<Env>, path: string, o: CallOptions = {}): Promise<Response> {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  return app.fetch(request(path, o), { ...(env as unknown as Env), ...bindings }, ctx);
}

/** Runs one command through the body form and returns the parsed JSON. */
export async function cmd(...args: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
  const res = await call("/", { body: JSON.stringify(args) });
  return res.json();
}

export async function pipeline(cmds: unknown[][], o: CallOptions = {}): Promise<Response> {
  return call("/pipeline", { body: JSON.stringify(cmds), ...o });
}

export async function multiExec(cmds: unknown[][], o: CallOptions = {}): Promise<Response> {
  return call("/multi-exec", { body: JSON.stringify(cmds), ...o });
}

let counter = 0;
/** A fresh key name for this test run. */
export function freshKey(name: string): string {
  return `http:${name}:${Date.now().toString(36)}:${counter++}`;
}

/** `n` fresh keys, each on a different shard. */
export function keysOnDistinctShards(name: string, n: number): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const k = freshKey(`${name}${i}`);
    const s = shardOf(k, SHARDS);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(k);
  }
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function b64(text: string): string {
  return toBase64(new TextEncoder().encode(text));
}

/** What the blocking tests ask of a shard (durable-objects/shard.ts). */
export interface BlockingShard {
  blockedClients(): Promise<{ clients: number; keys: number }>;
  exec(batch: string[][], limits?: { block?: string }): Promise<unknown>;
  unblock(id: string): Promise<boolean>;
}

/** The shard that holds `key`, as the blocking tests see it. */
export function blockingShardFor(key: string): BlockingShard {
  return env.SHARD.getByName(`shard-${shardOf(key, SHARDS)}`) as unknown as BlockingShard;
}

/** Waits (a bounded number of round trips, no clock) until `n` clients block on the shard of `key`. */
export async function untilBlocked(key: string, n: number): Promise<void> {
  const shard = blockingShardFor(key);
  for (let i = 0; i < 1000; i++) {
    if ((await shard.blockedClients()).clients >= n) return;
  }
  throw new Error(`fewer than ${n} clients blocked on ${key}`);
}
