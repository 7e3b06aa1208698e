#!/usr/bin/env node
/**
 * `npm start`: the edgekv API on this machine through `wrangler dev` (local SQLite, persisted).
 *
 * Environment:
 *   PORT                   port to listen on (default 8787), on 127.0.0.1 (HOST to change it)
 *   EDGEKV_TOKEN           read-write token (default: the development token below, unless
 *                          .dev.vars sets EDGEKV_TOKEN)
 *   EDGEKV_READONLY_TOKEN  optional read-only token
 *   CLIENT_IP_HEADER       the header trusted for the client's IP in rate limiting (default
 *                          "none": under wrangler dev any client can send CF-Connecting-IP)
 *   EDGEKV_LOG             wrangler's log level (default "warn"; "info" or "debug" for more)
 *   EDGEKV_TRACE=1         record wrangler's local per-request traces (off by default: they
 *                          grow a SQLite file under the persist directory without bound)
 * Extra arguments go to `wrangler dev`, e.g. `npm start -- --persist-to /tmp/edgekv`.
 *
 * The development token is for local use only. It is not in wrangler.toml, so a deployed
 * Worker without the EDGEKV_TOKEN secret refuses every request.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const DEV_TOKEN = "edgekv-dev-token";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const extra = process.argv.slice(2);
const has = (flag) => extra.some((a) => a === flag || a.startsWith(`${flag}=`));

/** Names .dev.vars defines (wrangler reads that file itself; we only avoid overriding it). */
function devVarsNames() {
  const file = join(root, ".dev.vars");
  if (!existsSync(file)) return new Set();
  const names = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1])
    .filter(Boolean);
  return new Set(names);
}

const port = process.env.PORT || "8787";
const host = process.env.HOST || "127.0.0.1";
const logLevel = process.env.EDGEKV_LOG || "warn";
const fromDevVars = devVarsNames();

const args = ["dev", "--show-interactive-dev-session=false", "--log-level", logLevel];
if (!has("--ip")) args.push("--ip", host);
if (!has("--port")) args.push("--port", port);
if (!has("--persist-to")) args.push("--persist-to", join(root, ".wrangler", "state"));
if (process.env.EDGEKV_TOKEN || !fromDevVars.has("EDGEKV_TOKEN")) {
  args.push("--var", `EDGEKV_TOKEN:${process.env.EDGEKV_TOKEN || DEV_TOKEN}`);
}
if (process.env.EDGEKV_READONLY_TOKEN) args.push("--var", `EDGEKV_READONLY_TOKEN:${process.env.EDGEKV_READONLY_TOKEN}`);
// wrangler dev fakes `request.cf` and keeps a client's own CF-Connecting-IP: trust no header
// for the client's IP unless configured (docs/rate-limiting.md, "The client's IP").
const setsClientIpHeader = extra.some((a) => a.startsWith("CLIENT_IP_HEADER:") || a.startsWith("CLIENT_IP_HEADER="));
if (!setsClientIpHeader && !fromDevVars.has("CLIENT_IP_HEADER")) {
  args.push("--var", `CLIENT_IP_HEADER:${process.env.CLIENT_IP_HEADER || "none"}`);
}
args.push(...extra);

const wrangler = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin", "wrangler.js");
const trace = process.env.EDGEKV_TRACE === "1" || process.env.EDGEKV_TRACE === "true";
const env = { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" };
if (!trace) env.X_LOCAL_OBSERVABILITY ??= "false";
// The Worker does not read `request.cf`: skip wrangler's download of it (and its warning offline).
env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
const child = spawn(process.execPath, [wrangler, ...args], { cwd: root, stdio: "inherit", env });

/** Prints one line once the server answers (wrangler's own "Ready" line is hidden below info). */
async function announceWhenReady(url) {
  const devToken = !process.env.EDGEKV_TOKEN && !fromDevVars.has("EDGEKV_TOKEN");
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(5_000) });
      console.log(`edgekv: ready on ${url}${devToken ? ` (development token: ${DEV_TOKEN})` : ""}`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
if (!has("--port") && !has("--ip")) void announceWhenReady(`http://${host}:${port}`);

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
