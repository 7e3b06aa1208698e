/**
 * The edgekv Worker: the Upstash-compatible HTTP API in front of the shard Durable Objects.
 * Stateless: authenticate, parse, route (execute.ts), encode (encode.ts).
 */
import { Hono } from "hono";
import type { Arg } from "../durable-objects/args";
import type { Reply } from "../durable-objects/reply";
import { checkAccess, tokenFrom } from "./auth";
import { entryToJson, replyToJson } from "./encode";
import { DEFAULT_MAX_REQUEST_BYTES, DEFAULT_SHARDS, positiveInt, type Env } from "./env";
import { runPipeline, runTransaction, type ExecOptions, type ShardExec } from "./execute";
import { BadRequest, parseCommandBody, parseCommandList, parsePathCommand } from "./request";

export { Shard } from "../durable-objects/shard";

type Vars = { opts: ExecOptions; base64: boolean };
const app = new Hono<{ Bindings: Env; Variables: Vars }>();

function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

function errorJson(message: string, status: number): Response {
  return json(JSON.stringify({ error: message }), status);
}

/** Every response carries a fresh sync token (clients send it back; any value is accepted). */
app.use("*", async (c, next) => {
  await next();
  c.res.headers.set("upstash-sync-token", crypto.randomUUID());
});

app.use("*", async (c, next) => {
  const method = c.req.method;
  if (method !== "GET" && method !== "POST" && method !== "HEAD") {
    return new Response(JSON.stringify({ error: "Method Not Allowed" }), {
      status: 405,
      headers: { "content-type": "application/json", allow: "GET, POST" },
    });
  }
  const url = new URL(c.req.url);
  const access = checkAccess(tokenFrom(c.req.raw, url), c.env.EDGEKV_TOKEN, c.env.EDGEKV_READONLY_TOKEN);
  if (access === "unconfigured") return errorJson("Unauthorized: no token is configured on this server", 401);
  if (access === "denied") return errorJson("Unauthorized", 401);
  c.set("opts", { shards: positiveInt(c.env.SHARDS, DEFAULT_SHARDS), readOnly: access === "read-only" });
  c.set("base64", (c.req.header("upstash-encoding") ?? "").toLowerCase() === "base64");
  await next();
});

/** The shard's RPC surface, typed here once (the generated stub type of a recursive Reply is too deep). */
interface ShardRpc {
  exec(batch: Arg[][]): Promise<Reply[]>;
}

function shardExec(env: Env): ShardExec {
  return (shard, batch) => (env.SHARD.getByName(`shard-${shard}`) as unknown as ShardRpc).exec(batch);
}

async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new TooLarge(limit);
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.length > limit) throw new TooLarge(limit);
  return body;
}

class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`ERR request body exceeds the limit of ${limit} bytes`);
  }
}

function maxBytes(env: Env): number {
  return positiveInt(env.MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES);
}

app.post("/pipeline", async (c) => {
  const cmds = parseCommandList(await readBody(c.req.raw, maxBytes(c.env)));
  const replies = await runPipeline(cmds, c.get("opts"), shardExec(c.env));
  const base64 = c.get("base64");
  return json("[" + replies.map((r) => entryToJson(r, base64)).join(",") + "]");
});

app.post("/multi-exec", async (c) => {
  const cmds = parseCommandList(await readBody(c.req.raw, maxBytes(c.env)));
  const result = await runTransaction(cmds, c.get("opts"), shardExec(c.env));
  if (!result.ok) return errorJson(result.error, 400);
  const base64 = c.get("base64");
  return json("[" + result.replies.map((r) => entryToJson(r, base64)).join(",") + "]");
});

app.all("*", async (c) => {
  const url = new URL(c.req.url);
  const body = c.req.method === "POST" ? await readBody(c.req.raw, maxBytes(c.env)) : null;
  const argv: Arg[] = url.pathname === "/" || url.pathname === "" ? parseCommandBody(body ?? new Uint8Array()) : parsePathCommand(url, body);
  const [reply] = await runPipeline([argv], c.get("opts"), shardExec(c.env));
  const r = reply!;
  const text = entryToJson(r, c.get("base64"));
  return json(text, text.startsWith('{"error"') ? 400 : 200);
});

app.onError((e) => {
  if (e instanceof BadRequest) return errorJson(e.message, 400);
  if (e instanceof TooLarge) return errorJson(e.message, 413);
  return errorJson(`ERR internal error: ${e instanceof Error ? e.message : String(e)}`, 503);
});

export default app;
