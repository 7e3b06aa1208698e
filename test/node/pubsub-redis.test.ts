/**
 * The replies and pushes of a subscribed connection, side by side: the same steps on a RESP2
 * connection to a real redis-server and on a `/ws` socket of the local server (`npm start`).
 * Redis answers SUBSCRIBE and its family one reply per channel; each `/ws` frame carries one
 * of them in the REST result shape, so the two lists must be equal.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";
import { RespClient } from "./resp-client";
import { connect } from "./ws-client";

/** A step: a command on the subscribed connection and how many replies it answers, or a publish from another connection and how many pushes it causes. */
type Step = { sub: string[]; replies: number } | { pub: string[]; pushes: number };

const STEPS: Step[] = [
  { sub: ["UNSUBSCRIBE"], replies: 1 },
  { sub: ["PUNSUBSCRIBE"], replies: 1 },
  { sub: ["SUBSCRIBE", "rs:a", "rs:b"], replies: 2 },
  { sub: ["SUBSCRIBE", "rs:a"], replies: 1 },
  { sub: ["PSUBSCRIBE", "rs:*", "rs:?"], replies: 2 },
  { pub: ["PUBLISH", "rs:a", "hello"], pushes: 3 },
  { pub: ["PUBLISH", "rs:ab", "x"], pushes: 1 },
  { pub: ["PUBLISH", "other", "x"], pushes: 0 },
  { sub: ["SSUBSCRIBE", "{rs}s1", "{rs}s2"], replies: 2 },
  { pub: ["SPUBLISH", "{rs}s1", "shard"], pushes: 1 },
  { pub: ["PUBLISH", "{rs}s1", "not a shard message"], pushes: 0 },
  { sub: ["UNSUBSCRIBE", "rs:a", "rs:none"], replies: 2 },
  { sub: ["UNSUBSCRIBE"], replies: 1 },
  { sub: ["PUNSUBSCRIBE", "rs:?"], replies: 1 },
  { sub: ["PUNSUBSCRIBE"], replies: 1 },
  { sub: ["SUNSUBSCRIBE", "{rs}s2"], replies: 1 },
  { sub: ["SUNSUBSCRIBE"], replies: 1 },
  { sub: ["SUNSUBSCRIBE"], replies: 1 },
  { pub: ["PUBLISH", "rs:b", "nobody"], pushes: 0 },
];

const token = "pubsub-redis-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-pubsub-redis-"));
let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer({ port: await freePort(), persistDir, token });
});

afterAll(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

describe("a subscribed connection answers as redis-server does", () => {
  it("SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, and the messages of PUBLISH and SPUBLISH", async () => {
    const port = inject("redisPort");
    const redisSub = new RespClient(port);
    const redisPub = new RespClient(port);
    const ws = await connect(server.url, { token });
    const rest = async (argv: string[]) => {
      const res = await fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(argv) });
      return ((await res.json()) as { result: unknown }).result;
    };
    try {
      const redis: unknown[] = [];
      const edgekv: unknown[] = [];
      for (const step of STEPS) {
        if ("sub" in step) {
          redis.push(step.sub, ...(await redisSub.callN(step.replies, ...step.sub)));
          edgekv.push(step.sub, ...(await ws.call(step.sub, step.replies)).map((f) => ("result" in f ? f.result : f)));
        } else {
          // The pushes of one message in a set: Redis visits matching patterns in its dictionary's order.
          const sorted = (pushes: unknown[]) => pushes.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
          redis.push(step.pub, await redisPub.call(...step.pub));
          const fromRedis: unknown[] = [];
          for (let i = 0; i < step.pushes; i++) fromRedis.push(await redisSub.next());
          redis.push(...sorted(fromRedis));
          edgekv.push(step.pub, await rest(step.pub));
          const fromEdgekv: unknown[] = [];
          for (let i = 0; i < step.pushes; i++) {
            const f = await ws.next();
            fromEdgekv.push("result" in f ? f.result : f);
          }
          edgekv.push(...sorted(fromEdgekv));
        }
      }
      expect(edgekv).toEqual(redis);
    } finally {
      redisSub.close();
      redisPub.close();
      ws.close();
    }
  });
});
