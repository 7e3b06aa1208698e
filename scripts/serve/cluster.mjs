/**
 * `npm run serve` on WORKERS workerd processes, for WORKERS=N ≥ 2 (docs/self-hosting.md);
 * WORKERS=1, the default, is one process serving worker/index.ts as scripts/serve.mjs starts it,
 * without this module. Given one process, this module runs it as it runs N: it owns every object
 * and no call crosses a gate.
 *
 * Every process runs the whole Worker (worker/serve/entry.ts) and owns a share of the Durable
 * Objects: `shard-i` (and `coordinator-i`) in process `i mod N` (worker/serve/routing.ts). A
 * request is answered by whichever process accepted its connection; each per-shard batch goes to
 * the shard's owner, in-process by its stub or through the owner's `ObjectGate` over JS RPC on a
 * Unix socket. Between runs the data directory has the single-process layout, so a shard's file
 * is found whichever process owns it, and WORKERS can change between runs.
 *
 * What this module does, in order:
 * 1. bundles worker/serve/entry.ts and writes one config per process into `<data>/.build/`;
 * 2. moves the files of the objects each process owns into a directory of its own, where
 *    workerd also keeps that process's alarm index (scripts/serve/storage.mjs);
 * 3. starts the processes, each on a listening socket of the public port opened here and handed
 *    over (`--socket-fd`; SO_REUSEPORT, so the kernel spreads connections over them), with its
 *    gate on `<data>/.build/gates/p<k>.sock` (a fresh 0700 directory) and a per-run secret in its
 *    environment that every gate call carries;
 * 4. once every process listens (`--control-fd`), checks that workerd names each object's file
 *    as they were moved (`/ids`), then starts every shard in its owner and opens the API
 *    (`/wake`);
 * 5. stops them all when one exits or on a signal, and moves the files back.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle, capnpString, compatibilityDate, compatibilityFlags, internetService, workerdBinary, ROOT } from "../serve.mjs";
import { objectId, placeObjects, processDir, returnObjects } from "./storage.mjs";

/** The Durable Object namespaces of the edgekv Worker, as named in its config (`<worker>-<class>`). */
const NAMESPACES = ["edgekv-Shard", "edgekv-Coordinator"];
/** The host name of the Cap'n Proto connection a gate accepts (its socket is private besides). */
const GATE_HOST = "edgekv-gate";
/** How long the processes have to finish their requests once told to stop. */
const STOP_GRACE_MS = 3000;

/** Longest Unix socket path that fits everywhere (sockaddr_un: 104 bytes on macOS, 108 on Linux). */
const MAX_SOCKET_PATH = 100;

/**
 * A fresh directory (mode 0700) for the gates' sockets: `<data>/.build/gates/`, emptied of what a
 * killed run left, or a new one under the system's temporary directory when the sockets' paths
 * would be too long there.
 */
function gateDir(buildDir, processes) {
  const dir = join(buildDir, "gates");
  if (join(dir, `p${processes - 1}.sock`).length > MAX_SOCKET_PATH) return mkdtempSync(join(tmpdir(), "edgekv-serve-"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/**
 * The workerd config of process `self` of `processes`: the edgekv Worker with its local Durable
 * Object namespaces, a service per other process's gate, the public socket and its own gate;
 * with `outbound`, the addresses the Worker's fetch may reach (serve.mjs outboundAllow()).
 */
export function processConfig({ self, processes, dataDir, module, address, runDir, bindings, inPlace = false, outbound }) {
  const disk = inPlace ? dataDir : processDir(dataDir, self);
  const services = [
    `(name = "data", disk = (path = ${capnpString(disk)}, writable = true))`,
    `(name = "edgekv", worker = .edgekv)`,
    ...(outbound ? [internetService(outbound)] : []),
  ];
  const peers = [];
  for (let j = 0; j < processes; j++) {
    if (j === self) continue;
    const socket = capnpString(`unix:${join(runDir, `p${j}.sock`)}`);
    services.push(`(name = "peer-${j}", external = (address = ${socket}, http = (capnpConnectHost = ${capnpString(GATE_HOST)})))`);
    peers.push(`(name = "PEER_${j}", service = "peer-${j}")`);
  }
  const gate = capnpString(`unix:${join(runDir, `p${self}.sock`)}`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")}
  ],
  sockets = [
    (name = "http", address = ${capnpString(address)}, http = (), service = "edgekv"),
    (name = "gate", address = ${gate}, http = (capnpConnectHost = ${capnpString(GATE_HOST)}), service = (name = "edgekv", entrypoint = "ObjectGate")),
  ],
);

const edgekv :Workerd.Worker = (
  modules = [(name = ${capnpString(module)}, esModule = embed ${capnpString(module)})],
  compatibilityDate = ${capnpString(compatibilityDate())},
  compatibilityFlags = [${compatibilityFlags().map(capnpString).join(", ")}],
  bindings = [
    ${[
      ...bindings,
      `(name = "SERVE_PROCESS", text = ${capnpString(String(self))})`,
      `(name = "SERVE_PROCESSES", text = ${capnpString(String(processes))})`,
      `(name = "SERVE_GATE_SECRET", fromEnvironment = "EDGEKV_GATE_SECRET")`,
      ...peers,
    ].join(",\n    ")}
  ],
  durableObjectNamespaces = [${NAMESPACES.map((key) => `(className = ${capnpString(key.slice("edgekv-".length))}, uniqueKey = ${capnpString(key)}, enableSql = true)`).join(", ")}],
  durableObjectStorage = (localDisk = "data"),
);
`;
}

/** True if this Node's `listen` takes `reusePort` (22.12 and 23.1 on); older ones ignore it. */
function sharesPorts() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * Opens a listening socket on host:port that shares the port (SO_REUSEPORT: the kernel spreads
 * new connections over every such socket) and hands its descriptor to `hand` (which starts the
 * process that will accept on it) as soon as it listens, then closes it here. Node emits
 * `listening` before its event loop polls the new socket again, so nothing is accepted here.
 */
function listenAndHand(host, port, hand) {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once("error", rej);
    server.listen({ host, port, reusePort: true }, () => {
      try {
        res(hand(server._handle.fd));
      } catch (e) {
        rej(e);
      } finally {
        server.close();
      }
    });
  });
}

/** Resolves with the sockets a process reports listening on through its control pipe, once `names` all are. */
function whenListening(child, names, timeoutMs) {
  return new Promise((res, rej) => {
    const seen = new Set();
    let buffered = "";
    const timer = setTimeout(() => rej(new Error(`workerd did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.stdio[4].on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const msg = JSON.parse(line);
          if (msg.event === "listen") seen.add(msg.socket);
        } catch {
          // not a control message
        }
        if (names.every((n) => seen.has(n))) {
          clearTimeout(timer);
          res();
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`workerd exited with code ${code} while starting`));
    });
  });
}

/** The objects process `k` of `processes` owns: `shard-i` and `coordinator-i` for i ≡ k (mod processes). */
export function ownedObjects(k, processes, shards) {
  const out = [];
  for (let i = k; i < shards; i += processes) {
    out.push({ namespace: "edgekv-Shard", name: `shard-${i}` }, { namespace: "edgekv-Coordinator", name: `coordinator-${i}` });
  }
  return out;
}

/** A request to a gate over its Unix socket; resolves with the status and the body. */
function gateRequest(socketPath, method, path, secret) {
  return new Promise((res, rej) => {
    const req = request({ socketPath, path, method, headers: { host: "gate", "x-edgekv-gate-secret": secret } }, (r) => {
      let body = "";
      r.setEncoding("utf8");
      r.on("data", (d) => (body += d));
      r.on("end", () => res({ status: r.statusCode, body }));
    });
    req.on("error", rej);
    req.end();
  });
}

/**
 * Starts `processes` workerd processes serving edgekv on host:port. Resolves once all listen
 * and every shard has started in its owner, with `{ children, stop, exited }`; when any of them
 * exits the others are stopped, and `onExit(code)` is called once all have. With
 * `forwardSignals`, SIGINT and SIGTERM (SIGHUP as SIGTERM) stop them all. With `inPlace` (one
 * process only) the process serves the data directory itself, the single-process layout and
 * alarm index, and no file moves.
 */
export async function startCluster({ processes, host, port, dataDir, shards, bindings, outbound, env, stdio = "inherit", forwardSignals = false, onExit, inPlace = false }) {
  if (inPlace && processes !== 1) throw new Error("only one process serves the data directory in place");
  if (processes > 1 && !sharesPorts()) throw new Error(`WORKERS=${processes} needs Node 22.12 or newer (listen's reusePort); this is Node ${process.versions.node}`);
  const buildDir = join(dataDir, ".build");
  mkdirSync(buildDir, { recursive: true });
  const module = "edgekv-cluster.js";
  await bundle(join(ROOT, "worker/serve/entry.ts"), join(buildDir, module));
  const secret = randomBytes(32).toString("hex");
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const runDir = gateDir(buildDir, processes);
  const children = [];
  try {
    if (!inPlace) placeObjects(dataDir, processes, (k) => ownedObjects(k, processes, shards));
  } catch (e) {
    rmSync(runDir, { recursive: true, force: true });
    throw e;
  }
  try {
    for (let k = 0; k < processes; k++) {
      const file = join(buildDir, `config-${k}.capnp`);
      writeFileSync(file, processConfig({ self: k, processes, dataDir, module, address, runDir, bindings, inPlace, outbound }));
      const child = await listenAndHand(host, port, (fd) =>
        spawn(workerdBinary(), ["serve", file, "--verbose", "--socket-fd", "http=3", "--control-fd", "4"], {
          stdio: ["ignore", stdio, stdio, fd, "pipe"],
          env: { ...env, EDGEKV_GATE_SECRET: secret },
        }),
      );
      children.push(child);
    }
  } catch (e) {
    // Nothing served yet: the processes started stop at once, and the files go back.
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once("exit", r), c.kill("SIGKILL"))))));
    rmSync(runDir, { recursive: true, force: true });
    if (!inPlace) returnObjects(dataDir);
    throw e;
  }

  let exited = 0;
  let stopping = false;
  let code = 0;
  let killTimer;
  const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  const stop = (signal = "SIGTERM") => {
    stopping = true;
    for (const c of running()) c.kill(signal);
    // A process drains its connections before it exits, and the other processes' connections
    // to its gate stay open while they drain too: past the grace time the rest are killed (what
    // a write acknowledged before is safe from, docs/self-hosting.md).
    killTimer ??= setTimeout(() => running().forEach((c) => c.kill("SIGKILL")), STOP_GRACE_MS);
  };
  const allExited = new Promise((res) => {
    for (const c of children) {
      c.once("exit", (c0, sig) => {
        if (!stopping) code = c0 ?? (sig ? 1 : 0);
        stop();
        if (++exited === children.length) {
          clearTimeout(killTimer);
          rmSync(runDir, { recursive: true, force: true });
          try {
            if (!inPlace) returnObjects(dataDir);
          } catch (e) {
            console.error(e instanceof Error ? e.message : e);
            code ||= 1;
          }
          res(code);
        }
      });
    }
  });
  void allExited.then((c) => onExit?.(c));
  if (forwardSignals) {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(signal === "SIGHUP" ? "SIGTERM" : signal));
  }

  try {
    await Promise.all(children.map((c) => whenListening(c, ["http", "gate"], 60_000)));
    const gate = (k) => join(runDir, `p${k}.sock`);
    for (let k = 0; k < processes; k++) {
      const { status, body } = await gateRequest(gate(k), "GET", "/ids", secret);
      if (status !== 200) throw new Error(`process ${k} did not list its objects (status ${status}: ${body})`);
      for (const { namespace, name, id } of JSON.parse(body)) {
        const linked = objectId(namespace === "shard" ? "edgekv-Shard" : "edgekv-Coordinator", name);
        if (id !== linked) throw new Error(`workerd names ${name}'s file ${id}, the storage view links ${linked}: not serving`);
      }
    }
    // Every shard starts in its owner (registering its alarm), and the API opens.
    for (let k = 0; k < processes; k++) {
      const { status, body } = await gateRequest(gate(k), "POST", "/wake", secret);
      if (status !== 204) throw new Error(`process ${k} did not start its shards (status ${status}: ${body})`);
    }
  } catch (e) {
    stop("SIGKILL");
    await allExited;
    throw e;
  }
  return { children, stop, exited: allExited };
}

/**
 * Has every shard register its alarm again in the single-process alarm index of the data
 * directory (scripts/serve/storage.mjs): one process of worker/serve/entry.ts serving the
 * directory in place on a loopback port of its own, whose shards all start and set their stored
 * alarm again (due now, so each one's handler re-arms it at its deadline), then stopped. For the
 * first single-process start after a run on several processes.
 */
export async function reindexAlarms({ dataDir, shards, bindings, env }) {
  const run = await startCluster({ processes: 1, host: "127.0.0.1", port: 0, dataDir, shards, bindings, env, inPlace: true });
  run.stop();
  const code = await run.exited;
  if (code !== 0) throw new Error(`registering the shards' alarms again failed (workerd exited with ${code})`);
}
