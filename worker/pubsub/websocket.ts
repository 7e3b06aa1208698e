/**
 * `GET /ws` (docs/pubsub.md "The WebSocket protocol"): the upgrade is authenticated like any
 * request (Authorization or `?_token=`; the read-only token may subscribe and run reads, not
 * publish or write), then passed to a gateway shard picked at random, so sockets spread over
 * the shards. The shard learns the token's role and the encoding from headers only the Worker
 * sets (a client's own `x-edgekv-*` headers are removed first; shards are reachable only
 * through the Worker's binding).
 *
 * The gateway runs a socket's ordinary commands through the same pipeline as `POST /pipeline`:
 * `socketCommands` below, installed into the shard module when this Worker's entry loads. A
 * blocking command waits there as over HTTP; the socket's close withdraws it.
 */
import type { Arg } from "../../durable-objects/args";
import type { SocketCommands } from "../../durable-objects/pubsub/socket-commands";
import { entryToJson } from "../encode";
import { DEFAULT_MAX_PIPELINE_COMMANDS, DEFAULT_SHARDS, defaultMaxReplyBytes, positiveInt, type Env } from "../env";
import { maxValueBytes } from "../../durable-objects/limits";
import { runPipeline } from "../execute";
import { rpcBackend, type CoordinatorRpc, type ParticipantRpc } from "../cross-shard";
import { blockingShardExec, execOnShard, type ShardBatchRpc } from "../shard-transport";
import { parseCommandBody, parseCommandList } from "../request";

const encoder = new TextEncoder();

/** The headers the Worker sets on the upgrade it passes to the gateway. */
export const ROLE_HEADER = "x-edgekv-role";
export const ENCODING_HEADER = "x-edgekv-encoding";

/**
 * Passes an authenticated upgrade to a random gateway shard. `shards` is the number of shards;
 * `readOnly` the token's role; `base64` from `?encoding=base64` or `Upstash-Encoding: base64`.
 */
export function passUpgrade(request: Request, env: Env, shards: number, readOnly: boolean, base64: boolean): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) if (name.startsWith("x-edgekv-")) headers.delete(name);
  headers.set(ROLE_HEADER, readOnly ? "read-only" : "read-write");
  headers.set(ENCODING_HEADER, base64 ? "base64" : "plain");
  // Serving on several processes, the gateways of this process's own shards (worker/serve/routing.ts):
  // the socket's frames then stay in the process that accepted its connection.
  const local = env.SERVE_LOCAL_SHARDS;
  const shard = local?.length ? local[Math.floor(Math.random() * local.length)]! : Math.floor(Math.random() * shards);
  return env.SHARD.getByName(`shard-${shard}`).fetch(new Request(request.url, { method: "GET", headers }));
}

/** A socket's ordinary commands, run as the Worker runs a pipeline (durable-objects/pubsub/socket-commands.ts). */
export const socketCommands: SocketCommands = {
  parse(frame: string): Arg[][] {
    const body = encoder.encode(frame);
    // A frame is one command (`["GET","k"]`) or a pipeline (`[["GET","k"],…]`).
    return /^\s*\[\s*\[/.test(frame) ? parseCommandList(body, DEFAULT_MAX_PIPELINE_COMMANDS) : [parseCommandBody(body)];
  },
  run(envValue: unknown, cmds: Arg[][], readOnly: boolean, signal?: AbortSignal) {
    const env = envValue as Env;
    const shards = positiveInt(env.SHARDS, DEFAULT_SHARDS);
    const shard = (i: number) => env.SHARD.getByName(`shard-${i}`);
    return runPipeline(
      cmds,
      {
        shards,
        readOnly,
        replyBytes: positiveInt(env.MAX_REPLY_BYTES, defaultMaxReplyBytes(maxValueBytes(env.MAX_VALUE_BYTES))),
        tx: env.COORDINATOR
          ? rpcBackend(
              (s) => shard(s) as unknown as ParticipantRpc,
              (name) => env.COORDINATOR.getByName(name) as unknown as CoordinatorRpc,
            )
          : undefined,
      },
      // With the socket's signal its blocking commands wait, as a client's pipeline over HTTP.
      signal
        ? blockingShardExec((s) => shard(s) as unknown as ShardBatchRpc, signal)
        : (s, batch, replyLimit) => execOnShard(shard(s) as unknown as ShardBatchRpc, batch, replyLimit === undefined ? undefined : { replyBytes: replyLimit }),
    );
  },
  encode: entryToJson,
};
