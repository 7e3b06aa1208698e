/**
 * How the rate-limit middleware reaches edgekv: one command in, the five-integer decision out.
 * `httpStore` speaks the HTTP API (any Worker, any runtime with fetch); `bindingStore` calls
 * the shard Durable Objects directly over RPC (a Worker with the SHARD binding, such as this
 * one), routing by the same hash slots as the API.
 */
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import { shardOf } from "../slot";

/** Runs one rate-limit command and returns its reply; throws when the store cannot answer. */
export interface RateLimitStore {
  run(argv: (string | number)[]): Promise<number[]>;
}

export class StoreError extends Error {}

/** The five integers of a decision; throws a StoreError for anything else. */
export function decisionOf(reply: unknown): number[] {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every((n) => typeof n === "number")) {
    const e = reply && typeof reply === "object" && "error" in reply ? String((reply as { error: unknown }).error) : JSON.stringify(reply);
    throw new StoreError(`rate limiter store: unexpected reply ${e}`);
  }
  return reply as number[];
}

export interface HttpStoreOptions {
  /** The edgekv API's base URL, e.g. https://edgekv.example.workers.dev */
  url: string;
  /** A read-write token. */
  token: string;
  /** A fetch to use instead of the global one (a service binding's fetch, a test double). */
  fetch?: (req: Request) => Promise<Response>;
  /** Give up after this many ms (default 1000): the middleware then fails open or closed. */
  timeoutMs?: number;
}

/**
 * A store over edgekv's HTTP API.
 * @example
 * rateLimit({ store: httpStore({ url: env.EDGEKV_URL, token: env.EDGEKV_TOKEN }), algorithm: "sliding", limit: 100, windowMs: 60_000 })
 */
export function httpStore(o: HttpStoreOptions): RateLimitStore {
  const doFetch = o.fetch ?? ((req: Request) => fetch(req));
  const base = o.url.replace(/\/+$/, "");
  return {
    async run(argv) {
      const res = await doFetch(
        new Request(`${base}/`, {
          method: "POST",
          headers: { authorization: `Bearer ${o.token}`, "content-type": "application/json" },
          body: JSON.stringify(argv.map(String)),
          signal: AbortSignal.timeout(o.timeoutMs ?? 1000),
        }),
      );
      if (!res.ok) throw new StoreError(`rate limiter store: HTTP ${res.status}`);
      return decisionOf(((await res.json()) as { result?: unknown }).result);
    },
  };
}

export interface ShardRpc {
  exec(batch: Arg[][]): Promise<Reply[]>;
}

/**
 * A store over the SHARD Durable Object binding, with the API's routing (`shards` must be the
 * deployment's SHARDS). `wrap` sees each shard stub before it is called (the simulated distance
 * of worker/global/distance.ts).
 */
export function bindingStore(namespace: DurableObjectNamespace, shards: number, wrap?: (stub: ShardRpc) => ShardRpc): RateLimitStore {
  return {
    async run(argv) {
      const shard = shardOf(String(argv[1]), shards);
      let stub = namespace.getByName(`shard-${shard}`) as unknown as ShardRpc;
      if (wrap) stub = wrap(stub);
      const [reply] = await stub.exec([argv.map(String)]);
      return decisionOf(reply);
    },
  };
}
