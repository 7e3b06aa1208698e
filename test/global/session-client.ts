/**
 * Clients of the global tests: a session that sends back the last response's sync token, as
 * @upstash/redis does by default (`readYourWrites`), from a region named by the REGION_HEADER;
 * and the Worker reached with some bindings replaced (a counting REPLICA namespace, the test
 * switch), through the same app the runtime serves.
 */
import { env } from "cloudflare:test";
import app from "../../worker/index";
import type { Env } from "../../worker/env";
import { shardOf } from "../../worker/slot";

export const TOKEN = "test-token";
export const READONLY_TOKEN = "test-readonly-token";
export const REGION_HEADER = "x-edgekv-region";
export const testEnv = env as unknown as Env;

export type Fetcher = (req: Request) => Promise<Response>;

/** What the replicas were asked and answered, counted by `countingReplicas`. */
export interface ReplicaCounts {
  reads: number;
  served: number;
  refused: number;
  failed: number;
}

export const noCounts = (): ReplicaCounts => ({ reads: 0, served: 0, refused: 0, failed: 0 });

/** The REPLICA namespace with every `read` counted (and, with `fail`, failing). */
export function countingReplicas(ns: Env["REPLICA"], counts: ReplicaCounts, fail = false): Env["REPLICA"] {
  return {
    getByName(name: string, o?: DurableObjectNamespaceGetDurableObjectOptions) {
      const stub = ns.getByName(name, o) as unknown as { read(...a: unknown[]): Promise<{ ok: boolean }> };
      return {
        async read(...a: unknown[]) {
          counts.reads++;
          if (fail) {
            counts.failed++;
            throw new Error("replica unreachable (test)");
          }
          const r = await stub.read(...a);
          if (r.ok) counts.served++;
          else counts.refused++;
          return r;
        },
      };
    },
  } as unknown as Env["REPLICA"];
}

/** Waits until the replica of `key`'s shard in `region` has everything the primary has (Replica.catchUp). */
export async function caughtUp(key: string, region: string, shards: number): Promise<void> {
  const stub = testEnv.REPLICA.getByName(`replica-${region}-${shardOf(key, shards)}`, { locationHint: region as DurableObjectLocationHint });
  await stub.catchUp();
}

/** The Worker with `bindings` over the test project's. */
export function workerWith(bindings: Partial<Env> & Record<string, unknown>): Fetcher {
  const merged = { ...testEnv, ...bindings } as Env;
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  return (req) => Promise.resolve(app.fetch(req, merged, ctx));
}

export interface Reply {
  result?: unknown;
  error?: string;
}

export interface SendOptions {
  region?: string;
  maxStalenessMs?: number;
  token?: string;
  /** Send this sync token instead of the session's (and keep the session's). */
  syncToken?: string | null;
}

/** One client session. */
export class Session {
  token: string | null = null;
  constructor(
    readonly fetch: Fetcher,
    readonly region: string,
  ) {}

  private async send(path: string, body: unknown, o: SendOptions): Promise<{ status: number; body: unknown; token: string | null }> {
    const headers: Record<string, string> = { authorization: `Bearer ${o.token ?? TOKEN}`, [REGION_HEADER]: o.region ?? this.region };
    const sync = o.syncToken === undefined ? this.token : o.syncToken;
    if (sync) headers["upstash-sync-token"] = sync;
    if (o.maxStalenessMs !== undefined) headers["upstash-max-staleness"] = String(o.maxStalenessMs);
    const res = await this.fetch(new Request(`http://edgekv${path}`, { method: "POST", body: JSON.stringify(body), headers }));
    const token = res.headers.get("upstash-sync-token");
    if (o.syncToken === undefined && token) this.token = token;
    return { status: res.status, body: await res.json(), token };
  }

  async command(args: (string | number)[], o: SendOptions = {}): Promise<Reply> {
    return (await this.send("/", args, o)).body as Reply;
  }

  async pipeline(cmds: (string | number)[][], o: SendOptions = {}): Promise<Reply[]> {
    return (await this.send("/pipeline", cmds, o)).body as Reply[];
  }

  async multiExec(cmds: (string | number)[][], o: SendOptions = {}): Promise<Reply[] | Reply> {
    return (await this.send("/multi-exec", cmds, o)).body as Reply[] | Reply;
  }
}
