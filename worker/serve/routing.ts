/**
 * Serving on several workerd processes (`WORKERS=N npm run serve`, docs/self-hosting.md): which
 * process owns which Durable Object, and the `SHARD` and `COORDINATOR` bindings as the code sees
 * them there.
 *
 * Every process runs the whole Worker and hosts the objects it owns: `shard-i` belongs to process
 * `i mod N`, `coordinator-i` (a cross-shard transaction's decisions, named after its lowest
 * shard) to the owner of `shard-i`. The routed bindings answer `getByName` with the local stub
 * for an object this process owns, and otherwise with a stub of the same shape whose calls go
 * to the owner's `ObjectGate` (worker/serve/entry.ts) over JS RPC across the processes (a Cap'n
 * Proto connection on a Unix socket). Every process routes the same way, so each object lives
 * in exactly one of them; its storage is the same file whichever process that is.
 *
 * Nothing here changes the code that calls the stubs: `env.SHARD.getByName("shard-3").exec(...)`
 * reads the same everywhere, and a batch too large for one message still travels as a message
 * plus a byte stream (durable-objects/transport.ts), the stream crossing the process boundary as
 * RPC streams do.
 */

import { DEFAULT_SHARDS, positiveInt } from "../env";

/** The shard methods the Worker and the shards call on a shard's stub; nothing else crosses a gate. */
export const SHARD_METHODS = [
  "exec",
  "execStreamed",
  "unblock",
  "blockedClients",
  "countRejected",
  "metrics",
  "prepare",
  "commit",
  "abort",
  "stage",
  "scratch",
  "pubsubRegister",
  "pubsubDeliver",
  "pubsubMonitorGateways",
  "pubsubSockets",
  "lockedKeys",
] as const;

/** The Coordinator methods called on its stub (worker/cross-shard.ts, durable-objects/shard.ts). */
export const COORDINATOR_METHODS = ["commit", "outcome", "forget"] as const;

export type Namespace = "shard" | "coordinator";
const METHODS: Record<Namespace, ReadonlySet<string>> = {
  shard: new Set(SHARD_METHODS),
  coordinator: new Set(COORDINATOR_METHODS),
};

/** True if `method` may be called through a gate on an object of `namespace`. */
export function gatedMethod(namespace: Namespace, method: string): boolean {
  return METHODS[namespace].has(method);
}

/** The headers of a `fetch` passed through a gate (a WebSocket upgrade to a gateway shard). */
export const GATE_SECRET_HEADER = "x-edgekv-gate-secret";
export const GATE_OBJECT_HEADER = "x-edgekv-gate-object";

/**
 * The process (0 … processes-1) that owns the object named `name`, or null for a name that is
 * none of the database's objects (`shard-i`, `coordinator-i`, i < shards): those have no storage
 * in any process (scripts/serve/storage.mjs) and must not start.
 */
export function ownerOf(name: string, processes: number, shards: number): number | null {
  const m = /^(?:shard|coordinator)-(0|[1-9]\d*)$/.exec(name);
  if (!m) return null;
  const i = Number(m[1]);
  return i < shards ? i % processes : null;
}

/** The bindings a process adds for serving on several processes (scripts/serve/cluster.mjs). */
export interface ClusterBindings {
  /** This process's index, as text. */
  SERVE_PROCESS?: string;
  /** How many processes serve, as text. */
  SERVE_PROCESSES?: string;
  /** A per-run secret every gate call carries (the gates listen on a private Unix socket besides). */
  SERVE_GATE_SECRET?: string;
}

/** What a process reaches another process's gate through: its service binding `PEER_<j>`. */
export interface GateRpc {
  call(secret: string, namespace: Namespace, name: string, method: string, args: unknown[]): Promise<unknown>;
  fetch(request: Request): Promise<Response>;
}

export interface Cluster {
  self: number;
  processes: number;
  shards: number;
  secret: string;
}

/** This process's place among the serving processes, from its bindings; null outside `npm run serve`'s launcher. */
export function clusterOf(env: ClusterBindings & { SHARDS?: string }): Cluster | null {
  const processes = Number(env.SERVE_PROCESSES);
  const self = Number(env.SERVE_PROCESS);
  if (!Number.isInteger(processes) || processes < 1 || !Number.isInteger(self) || self < 0 || self >= processes) return null;
  // A gate without a secret would be open to anything that reaches its socket: refuse to serve that way.
  if (!env.SERVE_GATE_SECRET) throw new Error("SERVE_GATE_SECRET is required with SERVE_PROCESSES");
  return { self, processes, shards: positiveInt(env.SHARDS, DEFAULT_SHARDS), secret: env.SERVE_GATE_SECRET };
}

type Stub = Record<string, (...args: unknown[]) => unknown>;

/** What the routing needs of a Durable Object namespace binding. */
export interface ObjectNamespace {
  getByName(name: string): unknown;
}

/** A stub of the object `name` owned by the process behind `peer`: the same methods, each one gate call. */
function remoteStub(peer: GateRpc, secret: string, namespace: Namespace, name: string): Stub {
  const stub: Stub = {};
  for (const method of METHODS[namespace]) stub[method] = (...args) => peer.call(secret, namespace, name, method, args);

  stub.fetch = (request) => {
    const req = request as Request;
    const headers = new Headers(req.headers);
    headers.set(GATE_SECRET_HEADER, secret);
    headers.set(GATE_OBJECT_HEADER, name);
    return peer.fetch(new Request(req, { headers }));
  };
  return stub;
}

/**
 * A Durable Object namespace binding whose `getByName` routes by owner. It has nothing else: an
 * id made another way would not be routed (the code names every object, `getByName` only).
 */
function routedNamespace(
  local: ObjectNamespace,
  namespace: Namespace,
  cluster: Cluster,
  peers: (GateRpc | undefined)[],
): ObjectNamespace {
  const remote = new Map<string, Stub>();
  const getByName = (name: string) => {
    const owner = ownerOf(name, cluster.processes, cluster.shards);
    if (owner === null) throw new Error(`${name} is not an object of this database`);
    if (owner === cluster.self) return local.getByName(name);
    let stub = remote.get(name);
    if (!stub) {
      const peer = peers[owner];
      if (!peer) throw new Error(`no binding PEER_${owner} for ${name}`);
      stub = remoteStub(peer, cluster.secret, namespace, name);
      remote.set(name, stub);
    }
    return stub;
  };
  return { getByName };
}

const routedEnvs = new WeakMap<object, object>();

/**
 * `env` with `SHARD` and `COORDINATOR` routed to the objects' owners, or `env` itself when this
 * process serves alone. The same object for the same `env` (an isolate passes one `env` to every
 * request and object), so what the code caches per `env` stays cached.
 */
export function routedEnv<E extends { SHARD: ObjectNamespace; COORDINATOR?: ObjectNamespace; SHARDS?: string } & ClusterBindings>(env: E): E {
  const cluster = clusterOf(env);
  if (!cluster || cluster.processes === 1) return env;
  let routed = routedEnvs.get(env) as E | undefined;
  if (!routed) {
    const bindings = env as unknown as Record<string, unknown>;
    const peers = Array.from({ length: cluster.processes }, (_, j) => bindings[`PEER_${j}`] as GateRpc | undefined);
    const local: number[] = [];
    for (let i = cluster.self; i < cluster.shards; i += cluster.processes) local.push(i);
    routed = {
      ...env,
      SERVE_LOCAL_SHARDS: local,
      SHARD: routedNamespace(env.SHARD, "shard", cluster, peers),
      ...(env.COORDINATOR ? { COORDINATOR: routedNamespace(env.COORDINATOR, "coordinator", cluster, peers) } : {}),
    };
    routedEnvs.set(env, routed);
  }
  return routed;
}
