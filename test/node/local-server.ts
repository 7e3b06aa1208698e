/**
 * The real local server for end-to-end tests: `scripts/start.mjs` (what `npm start` runs, i.e.
 * `wrangler dev`) on a free loopback port with its own persist directory. Started in its own
 * process group so that stopping it stops wrangler and its workerd processes too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export interface LocalServerOptions {
  port: number;
  persistDir: string;
  token: string;
  readOnlyToken?: string;
  /** More arguments for `wrangler dev`, e.g. `["--var", "ORIGIN:http://127.0.0.1:9000"]`. */
  extraArgs?: string[];
}

export interface LocalServer {
  url: string;
  /** Everything the server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the server and resolves once it answers an authenticated PING. */
export async function startLocalServer(o: LocalServerOptions): Promise<LocalServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(o.port), EDGEKV_TOKEN: o.token, WRANGLER_SEND_METRICS: "false" };
  if (o.readOnlyToken) env.EDGEKV_READONLY_TOKEN = o.readOnlyToken;
  else delete env.EDGEKV_READONLY_TOKEN;
  const child = spawn(process.execPath, [join(root, "scripts/start.mjs"), "--persist-to", o.persistDir, ...(o.extraArgs ?? [])], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${o.port}`;
  const server: LocalServer = { url, output: () => output, stop: () => stopProcessGroup(child) };
  const deadline = Date.now() + Number(process.env.EDGEKV_E2E_START_MS ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the local server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if (await answersPing(url, o.token)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the local server did not answer within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function answersPing(url: string, token: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: '["PING"]',
      signal: AbortSignal.timeout(5_000),
    });
    return res.status === 200 && (await res.text()) === '{"result":"PONG"}';
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group (wrangler shuts workerd down), SIGKILL if it has not gone in 15 s. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
  // workerd children may outlive the script by a moment; make sure none keeps the port or the files.
  signal("SIGKILL");
}
