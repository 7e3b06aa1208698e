/**
 * `npm run serve`'s script (scripts/serve.mjs) as a child process for tests: started in its own
 * process group on the given environment, resolved once it says it is serving, and stopped with
 * its workerd processes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/**
 * Starts scripts/serve.mjs with `env` (over the test's own environment; a value `undefined`
 * removes the variable). Rejects with what it printed when it exits or does not start in time.
 */
export async function startServeProcess(env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<ChildProcess> {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete full[name];
  const child = spawn(process.execPath, [join(root, "scripts/serve.mjs")], { cwd: root, env: full, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`serve did not start:\n${output}`)), timeoutMs);
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
  return child;
}

/** Stops it: SIGTERM to the script (which stops workerd), or SIGKILL to its whole process group. */
export async function stopServeProcess(child: ChildProcess | undefined, signal: "SIGTERM" | "SIGKILL" = "SIGKILL"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((res) => child.once("exit", res));
  if (signal === "SIGKILL") process.kill(-child.pid!, "SIGKILL");
  else child.kill("SIGTERM");
  await exited;
}
