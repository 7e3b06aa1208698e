/**
 * `npm run serve`: the edgekv Worker and its shard Durable Objects under bare `workerd serve`
 * (Cloudflare's open-source runtime, from node_modules), for running edgekv on your own machine.
 *
 * By default it bundles worker/index.ts with esbuild, writes a workerd config (the Worker, one
 * Durable Object namespace with SQLite storage on local disk, one HTTP socket) into
 * `<data>/.build/`, and runs one `workerd serve` on it until interrupted. With WORKERS=N (N ≥ 2)
 * it starts N workerd processes instead, each owning a share of the shards, on the same port
 * and data directory (scripts/serve/cluster.mjs; docs/self-hosting.md). Tokens reach workerd
 * through its environment, never through a file.
 *
 * Environment:
 *   PORT                   listening port (default 8787)
 *   HOST                   listening address (default 127.0.0.1)
 *   EDGEKV_TOKEN           read-write token (default: the development token of `npm start`)
 *   EDGEKV_READONLY_TOKEN  optional read-only token
 *   SHARDS                 number of shards (default: wrangler.toml's SHARDS)
 *   EDGEKV_DATA            data directory (default .edgekv-data); one .sqlite file per shard
 *   WORKERS                workerd processes, each owning a share of the shards (default 1: one
 *                          process, as without it; scripts/serve/cluster.mjs, docs/self-hosting.md)
 *   MAX_VALUE_BYTES, MAX_REQUEST_BYTES, MAX_REPLY_BYTES, MAX_PIPELINE_COMMANDS, ORIGIN,
 *   API_HOSTNAMES, RATE_LIMIT_RULES, CLIENT_IP_HEADER, and the CONFIG defaults (MAXMEMORY,
 *   MAXMEMORY_POLICY, SLOWLOG_MAX_LEN, …; docs/config.md)
 *                          as in wrangler.toml's [vars] (README "Configuration"), which they override
 *   OUTBOUND_ALLOW         more addresses the Worker's fetch may reach besides public ones and
 *                          ORIGIN's own IP (outboundAllow(); docs/self-hosting.md "Front door")
 *
 * Durability: see docs/performance.md ("Self-hosted durability").
 *
 * The exported functions are shared with the benchmark (bench/run.mjs).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const rootRequire = createRequire(import.meta.url);
/** Resolves packages as wrangler does, so we run the same workerd (and miniflare) as `npm start`. */
export const wranglerRequire = createRequire(rootRequire.resolve("wrangler/package.json"));
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEV_TOKEN = "edgekv-dev-token";

/** The workerd binary wrangler runs (node_modules). */
export function workerdBinary() {
  return join(dirname(wranglerRequire.resolve("workerd/package.json")), "bin", "workerd");
}

/** The string value of `key = "..."` in wrangler.toml (first occurrence), or undefined. */
export function wranglerValue(key) {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  return new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
}

/** wrangler.toml's compatibility date, capped at the newest date the installed workerd knows. */
export function compatibilityDate() {
  const wanted = wranglerValue("compatibility_date") ?? "2024-01-01";
  const supported = wranglerRequire("workerd").compatibilityDate;
  return supported && supported < wanted ? supported : wanted;
}

/** wrangler.toml's compatibility flags (`compatibility_flags = ["a", "b"]`). */
export function compatibilityFlags() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const list = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

/** Bundles a Worker entry (TypeScript, ES modules) into `outfile`, with wrangler's esbuild. */
export async function bundle(entry, outfile) {
  await wranglerRequire("esbuild").build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
}

/** A capnp string literal. */
export function capnpString(s) {
  return JSON.stringify(s);
}

/** Settings passed to the Worker as text bindings: from the environment, else wrangler.toml's [vars]. */
const PASSED_VARS = [
  "MAX_REQUEST_BYTES",
  "MAX_VALUE_BYTES",
  "MAX_REPLY_BYTES",
  "MAX_PIPELINE_COMMANDS",
  "ORIGIN",
  "API_HOSTNAMES",
  "RATE_LIMIT_RULES",
  "CLIENT_IP_HEADER",
  "RATE_LIMIT_MODE",
  "RATE_LIMIT_LEASE_REGIONS",
  "REGION_HEADER",
  // Read replicas (docs/global.md).
  "REPLICA_REGIONS",
  "REPLICA_LOG_RETENTION_MS",
  "SIMULATED_RTT",
  // Defaults of the CONFIG parameters (docs/config.md).
  "MAXMEMORY",
  "MAXMEMORY_POLICY",
  "MAXMEMORY_SAMPLES",
  "MAXMEMORY_EVICTION_TENACITY",
  "LFU_LOG_FACTOR",
  "LFU_DECAY_TIME",
  "NOTIFY_KEYSPACE_EVENTS",
  "SLOWLOG_LOG_SLOWER_THAN",
  "SLOWLOG_MAX_LEN",
  "BUSY_REPLY_THRESHOLD",
  "KEY_CACHE_BYTES",
];

/**
 * The lease holders' binding (RATE_LIMIT_MODE=lease) and class: in one process only; with
 * WORKERS > 1 there is none and lease mode answers that it is not supported.
 */
export const LEASE_BINDING = `(name = "LEASES", durableObjectNamespace = "LeaseHolder")`;
export const SINGLE_PROCESS_CLASSES = ["Shard", "Coordinator", "LeaseHolder", "Replica"];

/**
 * The capnp binding list for the edgekv Worker (tokens read from the environment, not written to
 * disk). `replicas`: the REPLICA namespace of read replicas (one process only: several processes
 * route only shards and coordinators, and refuse REPLICA_REGIONS).
 */
export function edgekvBindings({ shards, readOnly, replicas = true }) {
  const bindings = [
    `(name = "SHARD", durableObjectNamespace = "Shard")`,
    `(name = "COORDINATOR", durableObjectNamespace = "Coordinator")`,
    ...(replicas ? [`(name = "REPLICA", durableObjectNamespace = "Replica")`] : []),
    `(name = "SHARDS", text = ${capnpString(String(shards))})`,
    `(name = "EDGEKV_TOKEN", fromEnvironment = "EDGEKV_TOKEN")`,
  ];
  for (const name of PASSED_VARS) {
    // Requests here never come through Cloudflare: trust no client-sent IP header unless told to.
    const value = process.env[name] || wranglerValue(name) || (name === "CLIENT_IP_HEADER" ? "none" : "");
    if (value) bindings.push(`(name = ${capnpString(name)}, text = ${capnpString(value)})`);
  }
  if (readOnly) bindings.push(`(name = "EDGEKV_READONLY_TOKEN", fromEnvironment = "EDGEKV_READONLY_TOKEN")`);
  return bindings;
}

/** A setting as the Worker sees it: the environment, else wrangler.toml's [vars]. */
function setting(name) {
  return process.env[name] || wranglerValue(name) || "";
}

const SPECIAL_NETWORKS = ["public", "private", "local", "network", "unix", "unix-abstract"];

/** `ip` as one address's CIDR block, or null when it is not an IP literal. */
function hostBlock(ip) {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return `${ip}/32`;
  if (ip.includes(":") && /^[0-9a-f:.]+$/i.test(ip)) return `${ip}/128`;
  return null;
}

/**
 * The address blocks the Worker's outbound fetch may reach (workerd's "internet" service, behind
 * the global fetch): public addresses, as workerd's default; ORIGIN's own address when ORIGIN
 * names an IP literal or `localhost` (workerd refuses private and loopback addresses otherwise,
 * so a front door could not reach a local origin); and the entries of OUTBOUND_ALLOW
 * (comma-separated CIDR blocks, single addresses, or workerd's names "private", "local", …),
 * for an origin named by a host name that resolves to a private address. Throws on an entry
 * that is none of these.
 */
export function outboundAllow() {
  const allow = ["public"];
  const add = (entry) => allow.includes(entry) || allow.push(entry);
  const origin = setting("ORIGIN").trim();
  if (origin) {
    let host;
    try {
      host = new URL(origin).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    } catch {
      host = "";
    }
    if (host === "localhost" || host.endsWith(".localhost")) (add("127.0.0.1/32"), add("::1/128"));
    else if (hostBlock(host)) add(hostBlock(host));
  }
  for (const raw of setting("OUTBOUND_ALLOW").split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (SPECIAL_NETWORKS.includes(entry) || /^[0-9a-f:.]+\/\d{1,3}$/i.test(entry)) add(entry);
    else if (hostBlock(entry)) add(hostBlock(entry));
    else throw new Error(`OUTBOUND_ALLOW: "${entry}" is not a CIDR block, an IP address or one of ${SPECIAL_NETWORKS.join(", ")}`);
  }
  return allow;
}

/** The "internet" service for `allow` (outboundAllow()), with the browsers' CAs trusted as in workerd's default. */
export function internetService(allow) {
  return `(name = "internet", network = (allow = [${allow.map(capnpString).join(", ")}], tlsOptions = (trustBrowserCas = true)))`;
}

/**
 * A workerd config serving `workers` (each: name, module file name inside the config directory,
 * bindings, durable object class names, listening address) with Durable Object storage under
 * `dataDir` (one subdirectory per namespace). With `outbound` (outboundAllow()), the Worker's
 * fetch reaches those addresses; without it, workerd's default (public addresses only).
 */
export function workerdConfig({ workers, dataDir, outbound }) {
  const services = [`(name = "data", disk = (path = ${capnpString(dataDir)}, writable = true))`];
  if (outbound) services.push(internetService(outbound));
  const sockets = [];
  const defs = [];
  for (const w of workers) {
    services.push(`(name = ${capnpString(w.name)}, worker = .${w.name})`);
    sockets.push(`(name = ${capnpString(w.name)}, address = ${capnpString(w.address)}, http = (), service = ${capnpString(w.name)})`);
    const namespaces = w.durableObjects.map(
      (cls) => `(className = ${capnpString(cls)}, uniqueKey = ${capnpString(`${w.name}-${cls}`)}, enableSql = true)`,
    );
    defs.push(`const ${w.name} :Workerd.Worker = (
  modules = [(name = ${capnpString(w.module)}, esModule = embed ${capnpString(w.module)})],
  compatibilityDate = ${capnpString(compatibilityDate())},
  compatibilityFlags = [${compatibilityFlags().map(capnpString).join(", ")}],
  bindings = [
    ${w.bindings.join(",\n    ")}
  ],
  durableObjectNamespaces = [${namespaces.join(", ")}],
  durableObjectStorage = (localDisk = "data"),
);`);
  }
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")}
  ],
  sockets = [
    ${sockets.join(",\n    ")}
  ],
);

${defs.join("\n\n")}
`;
}

/** Resolves when `url` answers any HTTP response; rejects after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 30_000, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`workerd exited with code ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** True if nothing listens on host:port. */
export function portIsFree(host, port) {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, host, () => server.close(() => done(true)));
  });
}

/** WORKERS from the environment: a positive integer, 1 when unset; more than 1 refuses read replicas (REPLICA_REGIONS). */
export function workersSetting() {
  const raw = process.env.WORKERS;
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`WORKERS must be a positive integer (got ${raw})`);
  if (n > 1 && (process.env.REPLICA_REGIONS || wranglerValue("REPLICA_REGIONS"))) {
    throw new Error("REPLICA_REGIONS needs WORKERS=1: read replicas are not routed between several processes (unset REPLICA_REGIONS or WORKERS)");
  }
  return n;
}

async function main() {
  const port = Number(process.env.PORT || 8787);
  const host = process.env.HOST || "127.0.0.1";
  const dataDir = resolve(process.env.EDGEKV_DATA || join(ROOT, ".edgekv-data"));
  const shards = process.env.SHARDS || wranglerValue("SHARDS") || "16";
  const token = process.env.EDGEKV_TOKEN || DEV_TOKEN;
  const readOnly = Boolean(process.env.EDGEKV_READONLY_TOKEN);
  const workers = workersSetting();
  // Public addresses only: workerd's own default, no service written.
  const allowed = outboundAllow();
  const outbound = allowed.length > 1 ? allowed : undefined;

  if (!(await portIsFree(host, port))) throw new Error(`${host}:${port} is already in use (set PORT)`);
  mkdirSync(dataDir, { recursive: true });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const tokenNote = process.env.EDGEKV_TOKEN ? "EDGEKV_TOKEN" : `development token ${token}`;
  if (workers > 1) {
    const { startCluster } = await import("./serve/cluster.mjs");
    await startCluster({
      processes: workers,
      host,
      port,
      dataDir,
      shards: Number(shards),
      bindings: edgekvBindings({ shards, readOnly, replicas: false }),
      outbound,
      env: { ...process.env, EDGEKV_TOKEN: token },
      forwardSignals: true,
      onExit: (code) => process.exit(code),
    });
    console.log(`edgekv serving on ${url} (workerd ${compatibilityDate()}, ${shards} shards in ${workers} processes, data in ${dataDir}, ${tokenNote})`);
    return;
  }
  // After a run on several processes: the files it left in `<data>/.serve/` if it was cut short
  // go back, and every shard registers its alarm again in this process's alarm index.
  const { alarmIndexRebuilt, alarmIndexStale, returnObjects } = await import("./serve/storage.mjs");
  returnObjects(dataDir);
  if (alarmIndexStale(dataDir)) {
    const { reindexAlarms } = await import("./serve/cluster.mjs");
    await reindexAlarms({ dataDir, shards: Number(shards), bindings: edgekvBindings({ shards, readOnly, replicas: false }), env: { ...process.env, EDGEKV_TOKEN: token } });
    alarmIndexRebuilt(dataDir);
  }
  // The bundle and config are regenerated at every start, beside the data they serve.
  const buildDir = join(dataDir, ".build");
  mkdirSync(buildDir, { recursive: true });
  await bundle(join(ROOT, "worker/index.ts"), join(buildDir, "edgekv.js"));
  const config = workerdConfig({
    dataDir,
    outbound,
    workers: [
      {
        name: "edgekv",
        module: "edgekv.js",
        address: `${host}:${port}`,
        bindings: [...edgekvBindings({ shards, readOnly }), LEASE_BINDING],
        durableObjects: SINGLE_PROCESS_CLASSES,
      },
    ],
  });
  writeFileSync(join(buildDir, "config.capnp"), config);

  const child = spawn(workerdBinary(), ["serve", join(buildDir, "config.capnp"), "--verbose"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, EDGEKV_TOKEN: token },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal === "SIGHUP" ? "SIGTERM" : signal));
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  await waitForHttp(url, 30_000, child);
  console.log(`edgekv serving on ${url} (workerd ${compatibilityDate()}, ${shards} shards, data in ${dataDir}, ${tokenNote})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
