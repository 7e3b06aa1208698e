/**
 * The Worker's entry under `npm run serve` (scripts/serve/cluster.mjs; docs/self-hosting.md):
 * one or several workerd processes, each owning a share of the Durable Objects. The same app and
 * objects as worker/index.ts, with these additions:
 *
 * - every request, and every object, sees `SHARD` and `COORDINATOR` routed to the process that
 *   owns the object (worker/serve/routing.ts);
 * - `ObjectGate`, the entrypoint behind this process's private socket, through which the other
 *   processes reach the objects this one owns (one `call` per stub method call; `fetch` for a
 *   WebSocket upgrade to a gateway shard), and through which the launcher checks the objects'
 *   file names (`/ids`) and starts this process's shards (`/wake`);
 * - the API answers 503 until `/wake`: no object starts before the launcher has checked that its
 *   storage is linked where workerd will look (scripts/serve/storage.mjs);
 * - the objects refuse to start in a process that does not own them, so no object ever runs in
 *   two processes at once; and a shard registers its alarm again when it starts, since this
 *   process's alarm index starts empty at every start.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import app from "../index";
import { constantTimeEqual } from "../auth";
import type { Env } from "../env";
import { Coordinator as CoordinatorObject } from "../../durable-objects/coordinator";
import { Shard as ShardObject } from "../../durable-objects/shard";
import {
  GATE_OBJECT_HEADER,
  GATE_SECRET_HEADER,
  clusterOf,
  gatedMethod,
  ownerOf,
  routedEnv,
  type Cluster,
  type ClusterBindings,
  type Namespace,
} from "./routing";

type ServeEnv = Env & ClusterBindings;

/** Set by the launcher's `/wake` (the isolate serves both the API and the gate). */
let woken = false;

export default {
  fetch(request: Request, env: ServeEnv, ctx: ExecutionContext): Response | Promise<Response> {
    if (!woken) return Response.json({ error: "ERR the server is starting" }, { status: 503, headers: { "retry-after": "1" } });
    return app.fetch(request, routedEnv(env), ctx);
  },
};

/** The process's cluster; throws outside the launcher's config. */
function clusterFrom(env: ClusterBindings & { SHARDS?: string }): Cluster {
  const cluster = clusterOf(env);
  if (!cluster) throw new Error("worker/serve/entry.ts runs under scripts/serve/cluster.mjs (SERVE_PROCESS, SERVE_PROCESSES)");
  return cluster;
}

/** Throws unless this process owns the object `ctx` belongs to; before anything touches its storage. */
function refuseUnowned(ctx: DurableObjectState, env: ClusterBindings): void {
  const cluster = clusterFrom(env);
  const name = ctx.id.name;
  if (name === undefined || ownerOf(name, cluster.processes, cluster.shards) !== cluster.self) {
    throw new Error(`${name ?? ctx.id.toString()} is not served by process ${cluster.self}`);
  }
}

export class Shard extends ShardObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    refuseUnowned(ctx, env as ClusterBindings);
    super(ctx, routedEnv(env as ServeEnv) as unknown as Cloudflare.Env);
    // This process's alarm index did not list this shard: register its alarm again, due now;
    // the handler runs only what is due and re-arms at the earliest deadline.
    void ctx.blockConcurrencyWhile(async () => {
      const at = await ctx.storage.getAlarm();
      if (at === null) return;
      const now = Date.now();
      await ctx.storage.setAlarm(at === now ? now + 1 : now);
    });
  }
}

export class Coordinator extends CoordinatorObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    refuseUnowned(ctx, env as ClusterBindings);
    super(ctx, env);
  }
}

type Callable = Record<string, (...args: unknown[]) => unknown>;

/** The local binding of `namespace` (a function, not a method: every method of the gate can be called over RPC). */
function bindingOf(env: ServeEnv, namespace: Namespace): DurableObjectNamespace<Shard> | DurableObjectNamespace<Coordinator> {
  return namespace === "shard" ? env.SHARD : env.COORDINATOR;
}

/** The names of the objects process `self` owns, by namespace. */
function ownedNames(cluster: Cluster): { namespace: Namespace; name: string }[] {
  const out: { namespace: Namespace; name: string }[] = [];
  for (let i = cluster.self; i < cluster.shards; i += cluster.processes) {
    out.push({ namespace: "shard", name: `shard-${i}` }, { namespace: "coordinator", name: `coordinator-${i}` });
  }
  return out;
}

/** The objects this process owns, for the other processes and the launcher: reached only through its private socket. */
export class ObjectGate extends WorkerEntrypoint<ServeEnv> {

  /** `method(...args)` on the object `name` of `namespace`, owned here. */
  call(secret: string, namespace: Namespace, name: string, method: string, args: unknown[]): unknown {
    const cluster = clusterFrom(this.env);
    if (!constantTimeEqual(String(secret), cluster.secret)) throw new Error("gate: refused");
    if (!gatedMethod(namespace, method)) throw new Error(`gate: ${namespace} has no method ${method}`);
    if (ownerOf(name, cluster.processes, cluster.shards) !== cluster.self) throw new Error(`gate: ${name} is not served by process ${cluster.self}`);
    const stub = bindingOf(this.env, namespace).getByName(name) as unknown as Callable;
    return stub[method]!(...args);
  }

  /**
   * With the run's secret: a request to a shard (a WebSocket upgrade to its gateway), passed on
   * without the gate's headers; from the launcher, `GET /ids` (the file id workerd gives each
   * object owned here) and `POST /wake` (they start; the API opens).
   */
  override async fetch(request: Request): Promise<Response> {
    const cluster = clusterFrom(this.env);
    if (!constantTimeEqual(request.headers.get(GATE_SECRET_HEADER) ?? "", cluster.secret)) {
      return new Response("gate: refused", { status: 403 });
    }
    const path = new URL(request.url).pathname;
    if (path === "/ids" && request.method === "GET") {
      const ids = ownedNames(cluster).map(({ namespace, name }) => ({ namespace, name, id: bindingOf(this.env, namespace).idFromName(name).toString() }));
      return Response.json(ids);
    }
    if (path === "/wake" && request.method === "POST") {
      const shards = ownedNames(cluster).filter((o) => o.namespace === "shard");
      await Promise.all(shards.map(({ name }) => (this.env.SHARD.getByName(name) as unknown as Callable).blockedClients!()));
      woken = true;
      return new Response(null, { status: 204 });
    }
    const name = request.headers.get(GATE_OBJECT_HEADER) ?? "";
    if (!/^shard-\d+$/.test(name) || ownerOf(name, cluster.processes, cluster.shards) !== cluster.self) {
      return new Response(`gate: ${name} is not served by process ${cluster.self}`, { status: 404 });
    }
    const headers = new Headers(request.headers);
    headers.delete(GATE_SECRET_HEADER);
    headers.delete(GATE_OBJECT_HEADER);
    return this.env.SHARD.getByName(name).fetch(new Request(request, { headers }));
  }
}
