/**
 * The edgekv Worker with a stand-in shard, for `node bench/worker-side.mjs`: what the Worker
 * itself costs per request (Hono, auth, body parsing, planning, slot hashing, the RPC and its
 * structured clone, reply encoding), without the in-shard engine.
 *
 *   GET /loop?workload=get|pipe100|pipe100_1shard&n=N[&base64=1]
 *       runs N requests of the workload through the app (`app.fetch`, no HTTP server), one at a
 *       time, and answers "ok" (or the first failure).
 *
 * The stand-in shard validates each command from the table, as a shard does, and answers what
 * the real one would: GET a 32-byte value (bytes, as SQLite gives them), SET OK, INCR a number;
 * it packs its replies as `Shard.exec` does, gathered when the call asks.
 */
import { DurableObject } from "cloudflare:workers";
import app from "../worker/index";
import { COMMANDS } from "../durable-objects/commands";
import { OK, err, type Reply } from "../durable-objects/reply";
import { validate } from "../durable-objects/table";
import * as transport from "../durable-objects/transport";
import type { Arg } from "../durable-objects/args";

const VALUE = "v".repeat(32);
const VALUE_BYTES = new TextEncoder().encode(VALUE);
/** The tree's gathering packer, when it has one (an older tree being compared has not). */
const packGathering = Reflect.get(transport, "packGathering") as ((replies: Reply[]) => unknown) | undefined;

export class StandInShard extends DurableObject {
  exec(batch: Arg[][], limits?: { gather?: boolean }): unknown {
    const replies = batch.map((argv): Reply => {
      const found = validate(COMMANDS, argv);
      if (!found.ok) return err(found.error);
      const name = found.spec.name;
      return name === "get" ? VALUE_BYTES.slice() : name === "set" ? OK : 42;
    });
    return limits?.gather && packGathering ? packGathering(replies) : transport.pack(replies);
  }

  unblock(): boolean {
    return false;
  }

  countRejected(): void {}
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** The request body of one request of `workload`, as bench/workloads.mjs writes it. */
function body(workload: string): string {
  if (workload === "get") return JSON.stringify(["GET", `bench:hit:${rand(1000)}`]);
  const tag = workload === "pipe100_1shard" ? "{pipe}" : "";
  const cmds: string[][] = [];
  for (let i = 0; i < 100; i++) {
    const m = i % 10;
    if (m < 5) cmds.push(["GET", `${tag}bench:hit:${rand(1000)}`]);
    else if (m < 8) cmds.push(["SET", `${tag}bench:set:${rand(10000)}`, VALUE]);
    else cmds.push(["INCR", `${tag}bench:ctr:${rand(10000)}`]);
  }
  return JSON.stringify(cmds);
}

interface Env {
  SHARD: DurableObjectNamespace;
}

let appEnv: Record<string, unknown> | undefined;

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url);
    const workload = url.searchParams.get("workload") ?? "get";
    const n = Number(url.searchParams.get("n") ?? 1);
    // One env object for every request, as an isolate has (worker/index.ts caches settings per env).
    appEnv ??= { SHARD: env.SHARD, EDGEKV_TOKEN: "token", SHARDS: "16" };
    const bodies = Array.from({ length: 64 }, () => new TextEncoder().encode(body(workload)));
    const path = workload === "get" ? "/" : "/pipeline";
    const headers: Record<string, string> = { authorization: "Bearer token", "content-type": "application/json" };
    if (url.searchParams.get("base64") === "1") headers["upstash-encoding"] = "base64";
    for (let i = 0; i < n; i++) {
      const b = bodies[i % bodies.length]!;
      const request = new Request(`http://edgekv${path}`, { method: "POST", headers: { ...headers, "content-length": String(b.byteLength) }, body: b });
      const res = await app.fetch(request, appEnv, ctx);
      const text = await res.text();
      if (res.status !== 200) return new Response(`HTTP ${res.status}: ${text.slice(0, 200)}`, { status: 500 });
    }
    return new Response("ok");
  },
};
