/**
 * `npm run serve` end to end: the Worker under bare `workerd serve` with local-disk storage.
 * Starts scripts/serve.mjs on a free port with a temporary data directory, writes over HTTP,
 * restarts it (gracefully, then by killing it outright) and reads the data back, WORKERS unset
 * (one process, its files where they rest); then the same with several processes (WORKERS=2):
 * requests whose shards live in both processes, cross-shard transactions, blocking commands,
 * Pub/Sub over /ws, and data and expiry kept when WORKERS changes between runs.
 */
import { startServeProcess, stopServeProcess } from "./serve-process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./ports";
import { connect } from "./ws-client";
import { shardOf } from "../../worker/slot";

const token = "serve-test-token";
const readOnlyToken = "serve-test-readonly-token";

interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts `npm run serve`'s script; resolves once it says it is serving. */
async function startServe(port: number, dataDir: string, settings: { workers?: number; shards: number } = { shards: 4 }): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    PORT: String(port),
    EDGEKV_DATA: dataDir,
    EDGEKV_TOKEN: token,
    EDGEKV_READONLY_TOKEN: readOnlyToken,
    SHARDS: String(settings.shards),
  };
  env.WORKERS = settings.workers === undefined ? undefined : String(settings.workers);
  const child = await startServeProcess(env, 60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Stops the server: SIGTERM to the script (which stops workerd), or SIGKILL to both at once. */
async function stop(server: Server, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  await stopServeProcess(server.child, signal);
}

async function command(url: string, argv: unknown[], auth = token): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${auth}` },
    body: JSON.stringify(argv),
  });
  return { status: res.status, body: await res.json() };
}

describe("npm run serve (bare workerd, local-disk storage, WORKERS unset: one process)", () => {
  let dataDir: string;
  let port: number;
  let server: Server | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-serve-test-"));
    port = await freePort();
    server = await startServe(port, dataDir);
  });

  afterAll(async () => {
    if (server) await stop(server, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves the HTTP API with the configured tokens", async () => {
    expect(await command(server!.url, ["SET", "serve:a", "hello"])).toEqual({ status: 200, body: { result: "OK" } });
    expect(await command(server!.url, ["GET", "serve:a"])).toEqual({ status: 200, body: { result: "hello" } });
    expect((await command(server!.url, ["GET", "serve:a"], "wrong")).status).toBe(401);
    expect(await command(server!.url, ["GET", "serve:a"], readOnlyToken)).toEqual({ status: 200, body: { result: "hello" } });
    expect((await command(server!.url, ["SET", "serve:a", "x"], readOnlyToken)).status).toBe(400);
  });

  it("keeps its data in the data directory across a restart", async () => {
    await command(server!.url, ["SET", "serve:restart", "kept"]);
    await stop(server!, "SIGTERM");
    server = await startServe(port, dataDir);
    expect(await command(server.url, ["GET", "serve:restart"])).toEqual({ status: 200, body: { result: "kept" } });
    // One process serves the files where they rest: no per-process directory, even while it runs.
    expect(readdirSync(dataDir)).toContain("edgekv-Shard");
    expect(existsSync(join(dataDir, ".serve"))).toBe(false);
    expect(readdirSync(join(dataDir, "edgekv-Shard")).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite").length).toBeGreaterThan(0);
  });

  it("keeps acknowledged writes when the process is killed", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `serve:crash:${i}`);
    for (const k of keys) expect((await command(server!.url, ["SET", k, `v-${k}`])).body).toEqual({ result: "OK" });
    await stop(server!, "SIGKILL");
    server = await startServe(port, dataDir);
    for (const k of keys) expect((await command(server.url, ["GET", k])).body).toEqual({ result: `v-${k}` });
  });

  it("a blocked BLPOP whose client disconnects stops waiting and takes nothing", async () => {
    const url = server!.url;
    const blocked = async () => {
      const info = (await command(url, ["INFO", "clients"])).body as { result: string };
      return Number(/blocked_clients:(\d+)/.exec(info.result)?.[1]);
    };
    const gone = new AbortController();
    const waiting = fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(["BLPOP", "serve:queue", 0]), signal: gone.signal }).catch(() => "aborted");
    for (let i = 0; i < 500 && (await blocked()) === 0; i++);
    expect(await blocked()).toBe(1);
    gone.abort();
    expect(await waiting).toBe("aborted");
    // The Worker hears the disconnect and withdraws the waiter; bounded polling, no clock.
    for (let i = 0; i < 5000 && (await blocked()) !== 0; i++);
    expect(await blocked()).toBe(0);
    expect((await command(url, ["RPUSH", "serve:queue", "job"])).body).toEqual({ result: 1 });
    expect((await command(url, ["LRANGE", "serve:queue", 0, -1])).body).toEqual({ result: ["job"] });
  });

  it("refuses to start on a port that is in use", async () => {
    const other = mkdtempSync(join(tmpdir(), "edgekv-serve-test-"));
    try {
      await expect(startServe(port, other)).rejects.toThrow(/already in use/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

/** A key of each shard of `shards`, under its own hash tag. */
function keysOfEveryShard(prefix: string, shards: number): string[] {
  const keys: string[] = new Array(shards);
  for (let i = 0, found = 0; found < shards && i < 100_000; i++) {
    const key = `{${prefix}${i}}k`;
    const s = shardOf(key, shards);
    if (keys[s] === undefined) {
      keys[s] = key;
      found++;
    }
  }
  return keys;
}

async function pipeline(url: string, cmds: unknown[][]): Promise<unknown> {
  const res = await fetch(`${url}/pipeline`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(cmds) });
  return res.json();
}

describe("npm run serve with WORKERS=2 (each process owns half of the 16 shards)", () => {
  const SHARDS = 16;
  let dataDir: string;
  let port: number;
  let server: Server | undefined;
  const two = { workers: 2, shards: SHARDS };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-serve-test-"));
    port = await freePort();
    server = await startServe(port, dataDir, two);
  });

  afterAll(async () => {
    if (server) await stop(server, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs a pipeline over keys of every shard, in both processes", async () => {
    const keys = keysOfEveryShard("pipe", SHARDS);
    expect(keys.every(Boolean)).toBe(true);
    const sets = await pipeline(server!.url, keys.map((k, i) => ["SET", k, `v${i}`]));
    expect(sets).toEqual(keys.map(() => ({ result: "OK" })));
    // Sent over several connections: whichever process accepts one, the other owns half the shards.
    for (let round = 0; round < 4; round++) {
      const gets = await pipeline(server!.url, [...keys.map((k) => ["GET", k]), ["MGET", ...keys], ["DBSIZE"]]);
      expect(gets).toEqual([...keys.map((_, i) => ({ result: `v${i}` })), { result: keys.map((_, i) => `v${i}`) }, { result: SHARDS }]);
    }
  });

  it("commits a cross-shard MSET and /multi-exec over shards of both processes", async () => {
    const keys = keysOfEveryShard("tx", SHARDS);
    // shard 0 lives in process 0, shard 1 in process 1 (and so do their transactions' coordinators).
    const [a, b] = [keys[0]!, keys[1]!];
    expect(await command(server!.url, ["MSET", a, "1", b, "2"])).toEqual({ status: 200, body: { result: "OK" } });
    const res = await fetch(`${server!.url}/multi-exec`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify([["INCRBY", a, 10], ["DECRBY", b, 1], ["MGET", a, b]]),
    });
    expect(await res.json()).toEqual([{ result: 11 }, { result: 1 }, { result: ["11", "1"] }]);
    // A gathered run (a script over keys of two shards) moves the keys between the processes and back.
    const script = "redis.call('SET', KEYS[1], redis.call('GET', KEYS[2])) return redis.call('GET', KEYS[1])";
    expect((await command(server!.url, ["EVAL", script, 2, a, b])).body).toEqual({ result: "1" });
    expect((await command(server!.url, ["MGET", a, b])).body).toEqual({ result: ["1", "1"] });
  });

  it("serves a blocked BLPOP with an LPUSH sent through another connection", async () => {
    const keys = keysOfEveryShard("queue", SHARDS);
    for (const key of [keys[0]!, keys[1]!]) {
      const blocked = fetch(server!.url, { method: "POST", headers: { authorization: `Bearer ${token}`, connection: "close" }, body: JSON.stringify(["BLPOP", key, 0]) }).then((r) => r.json());
      const waiting = async () => {
        const info = (await command(server!.url, ["INFO", "clients"])).body as { result: string };
        return Number(/blocked_clients:(\d+)/.exec(info.result)?.[1]);
      };
      for (let i = 0; i < 500 && (await waiting()) === 0; i++);
      expect(await waiting()).toBe(1);
      expect((await command(server!.url, ["LPUSH", key, "job"])).body).toEqual({ result: 1 });
      expect(await blocked).toEqual({ result: [key, "job"] });
    }
  });

  it("withdraws a blocked BLPOP whose client disconnects, whichever process owns its key", async () => {
    const keys = keysOfEveryShard("gone-client", SHARDS);
    const blocked = async () => Number(/blocked_clients:(\d+)/.exec(((await command(server!.url, ["INFO", "clients"])).body as { result: string }).result)?.[1]);
    for (const key of [keys[0]!, keys[1]!]) {
      const gone = new AbortController();
      const waiting = fetch(server!.url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(["BLPOP", key, 0]), signal: gone.signal }).catch(() => "aborted");
      for (let i = 0; i < 500 && (await blocked()) === 0; i++);
      expect(await blocked()).toBe(1);
      gone.abort();
      expect(await waiting).toBe("aborted");
      for (let i = 0; i < 5000 && (await blocked()) !== 0; i++);
      expect(await blocked()).toBe(0);
      expect((await command(server!.url, ["RPUSH", key, "job"])).body).toEqual({ result: 1 });
      expect((await command(server!.url, ["LRANGE", key, 0, -1])).body).toEqual({ result: ["job"] });
    }
  });

  it("delivers Pub/Sub messages over /ws to subscribers on gateways of both processes", async () => {
    // Sockets go to random gateway shards: eight of them land on both processes' shards (all but surely).
    const sockets = await Promise.all(Array.from({ length: 8 }, () => connect(server!.url, { token })));
    try {
      for (const ws of sockets) expect(await ws.call(["SUBSCRIBE", "serve:news"])).toEqual([{ result: ["subscribe", "serve:news", 1] }]);
      expect((await command(server!.url, ["PUBLISH", "serve:news", "hello"])).body).toEqual({ result: 8 });
      for (const ws of sockets) expect(await ws.next()).toEqual({ result: ["message", "serve:news", "hello"] });
      // A socket's ordinary commands run through the pipeline of the process that holds it.
      const keys = keysOfEveryShard("ws", SHARDS);
      expect(await sockets[0]!.call([["SET", keys[0]!, "x"], ["SET", keys[1]!, "y"], ["MGET", keys[0]!, keys[1]!]], 3)).toEqual([
        { result: "OK" },
        { result: "OK" },
        { result: ["x", "y"] },
      ]);
    } finally {
      for (const ws of sockets) ws.close();
    }
  });

  it("streams Pub/Sub over Server-Sent Events from gateway shards of both processes", async () => {
    // A subscription's gateway is its channel's shard: channels on shards 0 and 1, one per process.
    const channels = keysOfEveryShard("sse", SHARDS).slice(0, 2);
    for (const ch of channels) {
      const abort = new AbortController();
      const res = await fetch(`${server!.url}/subscribe/${encodeURIComponent(ch)}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const until = async (part: string) => {
        for (let i = 0; i < 100 && !text.includes(part); i++) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
        return text.includes(part);
      };
      expect(await until("subscribe")).toBe(true);
      expect((await command(server!.url, ["PUBLISH", ch, "over-sse"])).body).toEqual({ result: 1 });
      expect(await until("over-sse")).toBe(true);
      abort.abort();
    }
  });

  it("keeps every shard's data, and its expiry, when WORKERS changes between runs", async () => {
    const keys = keysOfEveryShard("kept", SHARDS);
    const expiring = keysOfEveryShard("gone", SHARDS);
    expect(await pipeline(server!.url, keys.map((k) => ["SET", k, `kept-${k}`]))).toEqual(keys.map(() => ({ result: "OK" })));
    // Keys due soon, on every shard, then killed at once: they come due in the next run, whose
    // processes start with empty alarm indexes.
    expect(await pipeline(server!.url, expiring.map((k) => ["SET", k, "x", "PX", 1500]))).toEqual(expiring.map(() => ({ result: "OK" })));
    await stop(server!, "SIGKILL");
    expect(existsSync(join(dataDir, ".alarm-index-stale"))).toBe(true);
    server = await startServe(port, dataDir, { workers: 1, shards: SHARDS });
    // One process serves the files in place, its alarm index rebuilt before it started.
    expect(existsSync(join(dataDir, ".serve"))).toBe(false);
    expect(existsSync(join(dataDir, ".alarm-index-stale"))).toBe(false);
    const kept = async () => ((await pipeline(server!.url, keys.map((k) => ["GET", k]))) as { result: unknown }[]).map((g) => g.result);
    expect(await kept()).toEqual(keys.map((k) => `kept-${k}`));
    // The expiring keys are never read: only the shards' alarms, registered again where each
    // shard runs now, delete them (counted as expired_keys; bounded polling, no clock).
    const expired = async () => Number(/expired_keys:(\d+)/.exec(((await command(server!.url, ["INFO", "stats"])).body as { result: string }).result)?.[1]);
    for (let i = 0; i < 5000 && (await expired()) < SHARDS; i++);
    expect(await expired()).toBeGreaterThanOrEqual(SHARDS);
    for (const run of [{ workers: 3, stop: "SIGTERM" as const }, { workers: 2, stop: "SIGKILL" as const }]) {
      await stop(server!, run.stop);
      server = await startServe(port, dataDir, { workers: run.workers, shards: SHARDS });
      expect(await kept()).toEqual(keys.map((k) => `kept-${k}`));
    }
  });

  it("leaves the single-process layout in the data directory once stopped", async () => {
    await stop(server!, "SIGTERM");
    expect(existsSync(join(dataDir, ".serve"))).toBe(false);
    const files = readdirSync(join(dataDir, "edgekv-Shard")).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
    expect(files).toHaveLength(SHARDS);
    server = await startServe(port, dataDir, two);
  });
});
