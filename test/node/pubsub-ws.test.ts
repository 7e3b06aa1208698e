/**
 * Pub/Sub over `/ws` end to end: Node's built-in WebSocket client against the real local server
 * (`npm start`, wrangler dev): counts over many gateways, order, 2,000 subscribers of one
 * channel. The slow-subscriber limit is tested in durable-objects/pubsub/gateway.test.ts:
 * under wrangler dev a local proxy between the client and workerd takes what a client does not
 * read, so the gateway's socket never shows it as buffered.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { freePort } from "./ports";
import { connect, type WsClient } from "./ws-client";

const token = "ws-token";
const persistDir = mkdtempSync(join(tmpdir(), "edgekv-ws-"));
let server: LocalServer;

async function rest(...args: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
  const res = await fetch(server.url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
  return (await res.json()) as { result?: unknown; error?: string };
}

beforeAll(async () => {
  server = await startLocalServer({ port: await freePort(), persistDir, token });
});

afterAll(async () => {
  await server?.stop();
  rmSync(persistDir, { recursive: true, force: true });
});

describe("/ws with Node's WebSocket", () => {
  it("subscribe, pattern, shard channel, commands on the same socket, ?_token= and base64", async () => {
    const a = await connect(server.url, { token });
    expect(await a.call(["SUBSCRIBE", "n:news"])).toEqual([{ result: ["subscribe", "n:news", 1] }]);
    expect(await a.call(["PSUBSCRIBE", "n:*"])).toEqual([{ result: ["psubscribe", "n:*", 2] }]);
    expect(await a.call(["SSUBSCRIBE", "n:s"])).toEqual([{ result: ["ssubscribe", "n:s", 1] }]);
    expect(await a.call([["SET", "n:k", "v"], ["GET", "n:k"], ["PING"]], 3)).toEqual([{ result: "OK" }, { result: "v" }, { result: "PONG" }]);
    expect(await rest("PUBLISH", "n:news", "hi")).toEqual({ result: 2 });
    expect(await a.next()).toEqual({ result: ["message", "n:news", "hi"] });
    expect(await a.next()).toEqual({ result: ["pmessage", "n:*", "n:news", "hi"] });
    expect(await rest("SPUBLISH", "n:s", "shard")).toEqual({ result: 1 });
    expect(await a.next()).toEqual({ result: ["smessage", "n:s", "shard"] });
    expect(await a.call(["GET"])).toEqual([{ error: "ERR wrong number of arguments for 'get' command" }]);
    a.close();

    const b = await connect(server.url, { query: `?_token=${token}&encoding=base64` });
    expect(await b.call(["SUBSCRIBE", "n:b64"])).toEqual([{ result: [btoa("subscribe"), btoa("n:b64"), 1] }]);
    await rest("PUBLISH", "n:b64", "héllo");
    expect(await b.next()).toEqual({ result: [btoa("message"), btoa("n:b64"), Buffer.from("héllo").toString("base64")] });
    b.close();
  });

  it("PUBLISH counts subscribers on several gateways; each receives every message in order", async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => connect(server.url, { token })));
    for (const c of clients) await c.call(["SUBSCRIBE", "n:order"]);
    const N = 300;
    for (let i = 0; i < N; i++) expect(await rest("PUBLISH", "n:order", `m${i}`)).toEqual({ result: clients.length });
    for (const c of clients) {
      for (let i = 0; i < N; i++) expect(await c.next()).toEqual({ result: ["message", "n:order", `m${i}`] });
    }
    for (const c of clients) c.close();
  });

  it("2,000 subscribers of one channel receive every message, in order", async () => {
    const clients: WsClient[] = [];
    for (let i = 0; i < 2000; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => connect(server.url, { token })));
      await Promise.all(batch.map((c) => c.call(["SUBSCRIBE", "n:crowd"])));
      clients.push(...batch);
    }
    expect(await rest("PUBSUB", "NUMSUB", "n:crowd")).toEqual({ result: ["n:crowd", 2000] });
    const N = 20;
    for (let i = 0; i < N; i++) expect(await rest("PUBLISH", "n:crowd", `c${i}`)).toEqual({ result: 2000 });
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < N; i++) expect(await c.next()).toEqual({ result: ["message", "n:crowd", `c${i}`] });
      }),
    );
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
  }, 180_000);
});
