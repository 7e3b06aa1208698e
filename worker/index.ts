/**
 * The edgekv Worker: the Upstash-compatible HTTP API in front of the shard Durable Objects.
 * Stateless: authenticate, parse (request.ts), route (plan.ts, execute.ts, transaction.ts), encode (encode.ts).
 *
 * Routes: `POST /` (a command as a JSON array), `GET|POST /<command>/<arg>/…` (path form),
 * `POST /pipeline`, `POST /multi-exec`, `GET /metrics` (Prometheus, worker/metrics/), `GET /ws`
 * (a WebSocket for Pub/Sub and commands, worker/pubsub/websocket.ts), `GET|POST /subscribe/<channel>…`,
 * `/psubscribe/<pattern>…` and `/monitor` (Server-Sent Events, worker/pubsub/sse.ts), `GET /console`
 * (the web console, static, worker/console/). As Upstash does, HEAD is answered like GET and PUT like
 * POST. OPTIONS answers a CORS preflight: the API is usable from browsers (access is by bearer
 * token, never by cookies, so any origin may call it). Every response carries a fresh
 * `upstash-sync-token`.
 */
import { Hono, type Context } from "hono";
import { concatBytes, type Arg } from "../durable-objects/args";
import { Errors, RequestErrors } from "../durable-objects/errors";
import { isError, type Reply } from "../durable-objects/reply";
import { checkAccess, tokenFrom } from "./auth";
import { entriesBody, entryBody } from "./encode";
import { maxValueBytes } from "../durable-objects/limits";
import {
  DEFAULT_MAX_PIPELINE_COMMANDS,
  DEFAULT_SHARDS,
  defaultMaxReplyBytes,
  defaultMaxRequestBytes,
  positiveInt,
  type Env,
} from "./env";
import type { PitrAnswer } from "../durable-objects/pitr/checkpoints";
import type { PitrBackend } from "./pitr/restore";
import { parseEvery, parseKeep, runSchedule } from "./pitr/schedule";
import { rpcBackend, type CoordinatorRpc, type ParticipantRpc, type TxBackend } from "./cross-shard";
import { mayWait, planPipeline, retryingLocked, runPlans, type ExecOptions, type Rejection, type ShardExec } from "./execute";
import { heldReply, type Held } from "./held-reply";
import { runTransaction } from "./transaction";
import { frontDoor } from "./ratelimit/front-door";
import { CONSOLE_PATHS, consoleAsset } from "./console";
import { gatherShards, metricsAccess, metricsResponse, type MetricsRpc } from "./metrics";
import { maybeIntervalWrite } from "./metrics/analytics";
import { KEYLESS_SHARD } from "./plan";
import { blockingShardExec, execOnShard, type ShardBatchRpc } from "./shard-transport";
import { BadRequest, parseCommandBody, parseCommandList, parsePathCommand, TooLarge } from "./request";
import { bridgeStream, gatewayShard, openGateway, SSE_HEADERS, sseRequest, type GatewayStub, type SseRequest } from "./pubsub/sse";
import { installSocketCommands } from "../durable-objects/pubsub/socket-commands";
import { DEFAULT_PUBSUB_BUFFER_LIMIT } from "../durable-objects/pubsub/hub";
import { passUpgrade, socketCommands } from "./pubsub/websocket";
import { fromRequest, observer, observeTouched, openSession, replicaStub, responseToken, routedExec, SYNC_TOKEN_HEADER, trackedParticipant, trackedPrimary, type PositionRpc, type Session } from "./global/route";

export { Shard } from "../durable-objects/shard";
export { Coordinator } from "../durable-objects/coordinator";
export { LeaseHolder } from "../durable-objects/leases/holder";
export { Replica } from "../durable-objects/replication/replica";

// The shards run a WebSocket's ordinary commands through this Worker's pipeline (worker/pubsub/websocket.ts).
installSocketCommands(socketCommands);

/** The shard RPC that counts refusals made here (durable-objects/shard.ts `countRejected`). */
interface RejectionRpc {
  countRejected(rejected: Rejection[]): Promise<void>;
}

/** `session`: with read replicas or a simulated distance configured (worker/global/route.ts), else null. */
type Vars = { opts: ExecOptions; base64: boolean; url: URL; session: Session | null };
type Ctx = Context<{ Bindings: Env; Variables: Vars }>;
const app = new Hono<{ Bindings: Env; Variables: Vars }>();

const METHODS = "GET, HEAD, POST, PUT, OPTIONS";
const BATCH_PATHS = new Set(["/pipeline", "/pipeline/", "/multi-exec", "/multi-exec/"]);

/** Headers of every response of the API: a fresh sync token (clients send it back; any value is accepted) and CORS. */
function apiHeaders(): Record<string, string> {
  return {
    "upstash-sync-token": crypto.randomUUID(),
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "upstash-sync-token",
  };
}

function json(body: BodyInit, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "application/json", ...apiHeaders(), ...headers } });
}

interface Limits {
  shards: number;
  maxRequestBytes: number;
  maxPipelineCommands: number;
  maxReplyBytes: number;
  sseQueueBytes: number;
}
const limitsByEnv = new WeakMap<Env, Limits>();

/** The numeric settings, parsed once per `env` object (an isolate passes the same one to every request). */
function limitsOf(env: Env): Limits {
  let limits = limitsByEnv.get(env);
  if (!limits) {
    limits = {
      shards: positiveInt(env.SHARDS, DEFAULT_SHARDS),
      maxRequestBytes: positiveInt(env.MAX_REQUEST_BYTES, defaultMaxRequestBytes(maxValueBytes(env.MAX_VALUE_BYTES))),
      maxPipelineCommands: positiveInt(env.MAX_PIPELINE_COMMANDS, DEFAULT_MAX_PIPELINE_COMMANDS),
      maxReplyBytes: positiveInt(env.MAX_REPLY_BYTES, defaultMaxReplyBytes(maxValueBytes(env.MAX_VALUE_BYTES))),
      sseQueueBytes: positiveInt(env.CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB, DEFAULT_PUBSUB_BUFFER_LIMIT),
    };
    limitsByEnv.set(env, limits);
  }
  return limits;
}

function errorJson(message: string, status: number, headers: Record<string, string> = {}): Response {
  return json(JSON.stringify({ error: message }), status, headers);
}

/**
 * With METRICS_DATASET and METRICS_DATASET_INTERVAL: the metrics written at most once per interval
 * per isolate, after the reply (worker/metrics/analytics.ts). Not on a scrape, which writes them
 * itself: one invocation writes at most one set of points.
 */
app.use("*", async (c, next) => {
  if (c.req.path !== "/metrics")
    maybeIntervalWrite(c.env.METRICS_DATASET, c.env.METRICS_DATASET_INTERVAL, Date.now(), (p) => c.executionCtx.waitUntil(p), () =>
      gatherShards(limitsOf(c.env).shards, (shard) => c.env.SHARD.getByName(`shard-${shard}`) as unknown as MetricsRpc),
    );
  await next();
});

/** In front of a website when ORIGIN is configured (worker/ratelimit/front-door.ts); otherwise a no-op. */
app.use("*", frontDoor());

/** The web console (worker/console/, docs/console.md): static, served without a token (GET and HEAD). */
for (const path of CONSOLE_PATHS) app.get(path, (c) => consoleAsset(path, c.req.method)!);

/** Prometheus metrics (worker/metrics/): the read-write token or METRICS_TOKEN. */
app.get("/metrics", (c) => {
  if (!metricsAccess(c.req.raw, c.env.EDGEKV_TOKEN, c.env.METRICS_TOKEN)) return errorJson(RequestErrors.unauthorized, 401);
  return metricsResponse(
    c,
    limitsOf(c.env).shards,
    (shard) => c.env.SHARD.getByName(`shard-${shard}`) as unknown as MetricsRpc,
    c.env.METRICS_DATASET,
  );
});

/**
 * With read replicas configured (docs/global.md §3): the request's session from its sync token,
 * and the response's token from the positions the request observed (the API's responses only:
 * those that carry a token). Without: nothing (every response's token stays a fresh random one).
 */
app.use("*", async (c, next) => {
  const session = openSession(c.req.raw, c.env, limitsOf(c.env).shards);
  c.set("session", session);
  await next();
  if (!session?.replicas || !c.res.headers.has(SYNC_TOKEN_HEADER)) return;
  await observeTouched(session, (shard) => fromRequest(session, c.env.SHARD.getByName(`shard-${shard}`) as unknown as PositionRpc));
  try {
    c.res.headers.set(SYNC_TOKEN_HEADER, responseToken(session));
  } catch {
    // Immutable headers (a response passed through from elsewhere): its own token stands.
  }
});

/** Method, then token: nothing is parsed or run before both pass. */
app.use("*", async (c, next) => {
  const method = c.req.method;
  if (method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...apiHeaders(),
        allow: METHODS,
        "access-control-allow-methods": METHODS,
        "access-control-allow-headers":
          c.req.header("access-control-request-headers") ?? "authorization, content-type, upstash-encoding, upstash-sync-token",
        "access-control-max-age": "86400",
      },
    });
  }
  const batch = BATCH_PATHS.has(c.req.path);
  const allowed = batch ? method === "POST" || method === "PUT" : method === "GET" || method === "HEAD" || method === "POST" || method === "PUT";
  if (!allowed) {
    const allow = batch ? "POST, PUT, OPTIONS" : METHODS;
    return errorJson(RequestErrors.methodNotAllowed(allow), 405, { allow });
  }
  const url = new URL(c.req.url);
  const access = checkAccess(tokenFrom(c.req.raw, url), c.env.EDGEKV_TOKEN, c.env.EDGEKV_READONLY_TOKEN);
  if (access === "unconfigured") return errorJson(RequestErrors.noTokenConfigured, 401);
  if (access === "denied") return errorJson(RequestErrors.unauthorized, 401);
  const session = c.get("session");
  c.set("opts", {
    shards: limitsOf(c.env).shards,
    replyBytes: limitsOf(c.env).maxReplyBytes,
    readOnly: access === "read-only",
    tx: c.env.COORDINATOR ? txBackend(c.env, session) : undefined,
    pitr: pitrBackend(c.env),
    countRejected: (rejected) => fromRequest(session, c.env.SHARD.getByName(`shard-${KEYLESS_SHARD}`) as unknown as RejectionRpc).countRejected(rejected),
  });
  c.set("url", url);
  c.set("base64", (c.req.header("upstash-encoding") ?? "").trim().toLowerCase() === "base64");
  await next();
});

/**
 * Batches to the Worker's shards over RPC; a batch that may block is withdrawn when `signal`
 * aborts (docs/blocking.md). With a session (worker/global/route.ts): the primaries report their
 * positions, and, unless `primaryOnly` (transactions), read batches may go to a replica.
 */
function shardExec(env: Env, session: Session | null, signal?: AbortSignal, waitUntil?: (p: Promise<unknown>) => void, primaryOnly = false): ShardExec {
  if (!session) return blockingShardExec((shard) => env.SHARD.getByName(`shard-${shard}`) as unknown as ShardBatchRpc, signal, waitUntil);
  const direct = blockingShardExec(
    (shard) => fromRequest(session, env.SHARD.getByName(`shard-${shard}`) as unknown as ShardBatchRpc),
    signal,
    waitUntil,
    session.replicas ? observer(session) : undefined,
  );
  const primary = session.replicas ? trackedPrimary(session, direct) : direct;
  if (primaryOnly || !session.replica) return primary;
  return routedExec(session, primary, (region, shard) => replicaStub(env, session, region, shard));
}

/** The request's shard access: its cancellation (or `signal`'s, when given) ends a blocked command's wait. */
function requestExec(c: Ctx, signal: AbortSignal = c.req.raw.signal): ShardExec {
  let waitUntil: ((p: Promise<unknown>) => void) | undefined;
  try {
    const ec = c.executionCtx;
    waitUntil = (p) => ec.waitUntil(p);
  } catch {
    // No execution context (a direct app.request in tests).
  }
  return shardExec(c.env, c.get("session"), signal, waitUntil);
}

/**
 * Cross-shard transactions: the shards as participants, Coordinator objects for the decisions.
 * With a session, the shards they reach report their positions before the response (route.ts).
 */
function txBackend(env: Env, session: Session | null): TxBackend {
  if (!session)
    return rpcBackend(
      (shard) => env.SHARD.getByName(`shard-${shard}`) as unknown as ParticipantRpc,
      (name) => env.COORDINATOR.getByName(name) as unknown as CoordinatorRpc,
    );
  return rpcBackend(
    (shard) => {
      session.touched.add(shard);
      const stub = fromRequest(session, env.SHARD.getByName(`shard-${shard}`) as unknown as ParticipantRpc);
      return session.replicas ? trackedParticipant(session, shard, stub) : stub;
    },
    (name) => fromRequest(session, env.COORDINATOR.getByName(name) as unknown as CoordinatorRpc),
  );
}

/** Point-in-time restore (worker/pitr/): each shard's storage calls over RPC. */
function pitrBackend(env: Env): PitrBackend {
  const shard = (i: number) => env.SHARD.getByName(`shard-${i}`) as unknown as PitrRpc;
  return {
    bookmark: (i) => shard(i).pitrBookmark(),
    restore: (i, txid, bookmark) => shard(i).pitrRestore(txid, bookmark),
  };
}

interface PitrRpc {
  pitrBookmark(): Promise<PitrAnswer>;
  pitrRestore(txid: string, bookmark: string): Promise<PitrAnswer>;
}

/** The whole body, refused (413) as soon as it is known to exceed `limit` bytes, before it is all read. */
async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw new TooLarge(RequestErrors.bodyTooLarge(limit));
  if (!req.body) return new Uint8Array();
  if (declared !== null) {
    // The runtime holds a body to its declared length: one native read costs far less than a stream loop.
    const body = new Uint8Array(await req.arrayBuffer());
    if (body.byteLength > limit) throw new TooLarge(RequestErrors.bodyTooLarge(limit));
    return body;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLarge(RequestErrors.bodyTooLarge(limit));
    }
    chunks.push(value);
  }
  return concatBytes(chunks, total);
}

function requestBody(c: Ctx): Promise<Uint8Array> {
  return readBody(c.req.raw, limitsOf(c.env).maxRequestBytes);
}

async function commandList(c: Ctx): Promise<Arg[][]> {
  return parseCommandList(await requestBody(c), limitsOf(c.env).maxPipelineCommands);
}

async function pipeline(c: Ctx): Promise<Response> {
  const cmds = await commandList(c);
  return respond(c, cmds, (replies) => ({ body: entriesBody(replies, c.get("base64")), status: 200 }));
}

/**
 * Runs a client's pipeline and answers `reply(replies)`; one that may wait at a blocking command
 * answers through worker/held-reply.ts, so that a client that goes away stops waiting.
 */
async function respond(c: Ctx, cmds: Arg[][], reply: (replies: Reply[]) => Held): Promise<Response> {
  const opts = c.get("opts");
  const plans = planPipeline(cmds, opts);
  if (!mayWait(plans)) {
    const r = reply(await runPlans(plans, opts, requestExec(c)));
    return json(r.body, r.status);
  }
  const held = await heldReply(
    async (signal) => reply(await runPlans(plans, opts, requestExec(c, signal))),
    c.req.raw.signal,
    (e) => ({ body: JSON.stringify({ error: internalError(e) }), status: 200 }),
  );
  return json(held.body, held.status);
}

/** A transaction refused as a whole (nothing ran) is one error with 400; otherwise one entry per command. */
async function multiExec(c: Ctx): Promise<Response> {
  const cmds = await commandList(c);
  const result = await runTransaction(cmds, c.get("opts"), shardExec(c.env, c.get("session"), undefined, undefined, true));
  if (!result.ok) return errorJson(result.error, 400);
  return json(entriesBody(result.replies, c.get("base64")));
}

/**
 * An SSE subscription (worker/pubsub/sse.ts): a WebSocket to the gateway shard, its frames as
 * events. `?encoding=base64` for base64 events (the Upstash-Encoding header does not apply here).
 */
async function subscription(c: Ctx, req: SseRequest): Promise<Response> {
  const headers = { ...SSE_HEADERS, ...apiHeaders() };
  if (c.req.method === "HEAD") return new Response(null, { headers });
  // MONITOR shows every command with its arguments: the read-only token is refused before any stream opens.
  if (req.command === "monitor" && c.get("opts").readOnly) return errorJson(Errors.noPerm("monitor"), 401);
  const limits = limitsOf(c.env);
  const base64 = (c.get("url").searchParams.get("encoding") ?? "").toLowerCase() === "base64";
  const stub = c.env.SHARD.getByName(`shard-${gatewayShard(req, limits.shards)}`) as unknown as GatewayStub;
  const opened = await openGateway(stub, { base64, readOnly: c.get("opts").readOnly });
  if ("error" in opened) return errorJson(opened.error, opened.status);
  return new Response(bridgeStream(opened.socket, req, { base64, queueBytes: limits.sseQueueBytes }), { headers });
}

/** `POST /`: the body form; `/subscribe/…`, `/psubscribe/…`: SSE; any other path: the path form. */
async function single(c: Ctx): Promise<Response> {
  const url = c.get("url");
  const sse = sseRequest(url.pathname);
  if (sse) return subscription(c, sse);
  const hasBody = c.req.method === "POST" || c.req.method === "PUT";
  const body = hasBody ? await requestBody(c) : null;
  const argv = url.pathname === "/" && hasBody ? parseCommandBody(body!) : parsePathCommand(url, body);
  return respond(c, [argv], ([reply]) => ({ body: entryBody(reply!, c.get("base64")), status: isError(reply!) ? 400 : 200 }));
}

/** `GET /ws` with `Upgrade: websocket`: passed to a gateway shard (worker/pubsub/websocket.ts). */
app.get("/ws", (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return errorJson(RequestErrors.webSocketExpected, 426, { upgrade: "websocket" });
  const base64 = c.get("base64") || c.get("url").searchParams.get("encoding")?.toLowerCase() === "base64";
  return passUpgrade(c.req.raw, c.env, limitsOf(c.env).shards, c.get("opts").readOnly, base64);
});

for (const path of ["/pipeline", "/pipeline/"]) app.on(["POST", "PUT"], path, pipeline);
for (const path of ["/multi-exec", "/multi-exec/"]) app.on(["POST", "PUT"], path, multiExec);
app.all("*", single);

function internalError(e: unknown): string {
  return `ERR internal error: ${e instanceof Error ? e.message : String(e)}`;
}

app.onError((e) => {
  if (e instanceof BadRequest) return errorJson(e.message, 400);
  if (e instanceof TooLarge) return errorJson(e.message, 413);
  return errorJson(internalError(e), 503);
});

/**
 * The cron trigger (wrangler.toml `[triggers] crons`, none by default): scheduled checkpoints
 * when PITR_CHECKPOINT_EVERY is set (worker/pitr/schedule.ts); otherwise nothing.
 */
async function scheduled(_controller: ScheduledController, env: Env): Promise<void> {
  const every = parseEvery(env.PITR_CHECKPOINT_EVERY);
  if (every === null || !env.COORDINATOR) return;
  const limits = limitsOf(env);
  const opts = { shards: limits.shards, replyBytes: limits.maxReplyBytes, readOnly: false, tx: txBackend(env, null), pitr: pitrBackend(env) };
  const result = await runSchedule(retryingLocked(shardExec(env, null)), opts, every, parseKeep(env.PITR_CHECKPOINT_KEEP), Date.now());
  if (result.error) console.error(`scheduled checkpoint: ${result.error}`);
}

export default Object.assign(app, { scheduled });
