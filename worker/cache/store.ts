/**
 * How the cache and session helpers reach edgekv: a pipeline of commands on one key's shard in,
 * one reply per command out (text as strings, integers as numbers, nil as null), an error reply
 * thrown as a KvError. `httpKv` speaks the HTTP API; `bindingKv` calls the shard Durable
 * Objects directly over RPC, routed by the API's hash slots (docs/caching.md).
 */
import type { Reply } from "../../durable-objects/reply";
import { execOnShard, type ShardBatchRpc } from "../shard-transport";
import { shardOf } from "../slot";

export type KvReply = null | number | string | KvReply[];

export interface KvStore {
  /** Runs `commands` in order in one round trip; all their keys in one slot (`bindingKv` routes by the first command's key). */
  pipeline(commands: (string | number)[][]): Promise<KvReply[]>;
}

/** An error reply of edgekv, or a store that could not answer. */
export class KvError extends Error {}

/** One command. */
export async function command(store: KvStore, argv: (string | number)[]): Promise<KvReply> {
  return (await store.pipeline([argv]))[0];
}

export interface HttpKvOptions {
  /** The edgekv API's base URL, e.g. https://edgekv.example.workers.dev */
  url: string;
  /** A read-write token. */
  token: string;
  /** A fetch to use instead of the global one (a service binding's fetch, a test double). */
  fetch?: (req: Request) => Promise<Response>;
  /** Give up after this many ms (default 2000). */
  timeoutMs?: number;
}

/**
 * A store over edgekv's HTTP API (`POST /pipeline`).
 * @example
 * const store = httpKv({ url: env.EDGEKV_URL, token: env.EDGEKV_TOKEN });
 */
export function httpKv(o: HttpKvOptions): KvStore {
  const doFetch = o.fetch ?? ((req: Request) => fetch(req));
  const base = o.url.replace(/\/+$/, "");
  return {
    async pipeline(commands) {
      const res = await doFetch(
        new Request(`${base}/pipeline`, {
          method: "POST",
          headers: { authorization: `Bearer ${o.token}`, "content-type": "application/json" },
          body: JSON.stringify(commands.map((c) => c.map(String))),
          signal: AbortSignal.timeout(o.timeoutMs ?? 2000),
        }),
      );
      if (!res.ok) throw new KvError(`edgekv store: HTTP ${res.status}`);
      const body = (await res.json()) as { result?: unknown; error?: string }[];
      if (!Array.isArray(body) || body.length !== commands.length) throw new KvError("edgekv store: unexpected reply");
      return body.map((r) => {
        if (r.error !== undefined) throw new KvError(r.error);
        return r.result as KvReply;
      });
    },
  };
}

/** What `upstashKv` needs of an `@upstash/redis`-compatible client: its generic `exec`. */
export interface RawCommandClient {
  exec<T>(args: [command: string, ...args: (string | number | boolean)[]]): Promise<T>;
}

/**
 * A store over an `@upstash/redis`-compatible client, made with `automaticDeserialization:
 * false` (else text that looks like JSON comes back parsed). Its commands run one by one
 * (the client's auto-pipelining may batch them into one request).
 * @example
 * const store = upstashKv(new Redis({ url, token, automaticDeserialization: false }));
 */
export function upstashKv(redis: RawCommandClient): KvStore {
  return {
    async pipeline(commands) {
      const out: KvReply[] = [];
      for (const c of commands) {
        try {
          out.push(await redis.exec<KvReply>([String(c[0]), ...c.slice(1)]));
        } catch (e) {
          throw new KvError(e instanceof Error ? e.message : String(e));
        }
      }
      return out;
    },
  };
}

const text = new TextDecoder();

function plain(r: Reply): KvReply {
  if (r === null || typeof r === "number" || typeof r === "string") return r;
  if (typeof r === "bigint") return Number(r);
  if (r instanceof Uint8Array) return text.decode(r);
  if (Array.isArray(r)) return r.map(plain);
  if ("error" in r) throw new KvError(r.error);
  return r.status;
}

/**
 * A store over the SHARD Durable Object binding, with the API's routing (`shards` must be the
 * deployment's SHARDS).
 * @example
 * const store = bindingKv(env.SHARD, Number(env.SHARDS ?? 16));
 */
export function bindingKv(namespace: DurableObjectNamespace, shards: number): KvStore {
  return {
    async pipeline(commands) {
      if (commands.length === 0) return [];
      const shard = shardOf(String(commands[0][1] ?? ""), shards);
      const stub = namespace.getByName(`shard-${shard}`) as unknown as ShardBatchRpc;
      const replies = await execOnShard(stub, commands.map((c) => c.map(String)));
      return replies.map(plain);
    },
  };
}
