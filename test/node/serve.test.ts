/**
 * `npm run serve` end to end: the Worker under bare `workerd serve` with local-disk storage.
 * Starts scripts/serve.mjs on a free port with a temporary data directory, writes over HTTP,
 * restarts it (gracefully, then by killing it outright) and reads the data back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./ports";

const root = resolve(import.meta.dirname, "../..");
const token = "serve-test-token";
const readOnlyToken = "serve-test-readonly-token";

interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts `npm run serve`'s script; resolves once it says it is serving. */
async function startServe(port: number, dataDir: string): Promise<Server> {
  const child = spawn(process.execPath, [join(root, "scripts/serve.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      EDGEKV_DATA: dataDir,
      EDGEKV_TOKEN: token,
      EDGEKV_READONLY_TOKEN: readOnlyToken,
      SHARDS: "4",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("edgekv serving on")) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Stops the server: SIGTERM to the script (which stops workerd), or SIGKILL to both at once. */
async function stop(server: Server, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((res) => server.child.once("exit", res));
  if (signal === "SIGKILL") process.kill(-server.child.pid!, "SIGKILL");
  else server.child.kill("SIGTERM");
  await exited;
}

async function command(url: string, argv: unknown[], auth = token): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${auth}` },
    body: JSON.stringify(argv),
  });
  return { status: res.status, body: await res.json() };
}

describe("npm run serve (bare workerd, local-disk storage)", () => {
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
    expect(readdirSync(dataDir)).toContain("edgekv-Shard");
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
