/**
 * Where each serving process keeps the Durable Objects it owns (docs/self-hosting.md, "Storage").
 *
 * workerd keeps a namespace's objects in `<disk>/<uniqueKey>/<object id>.sqlite` and, beside
 * them, its alarm index `metadata.sqlite`, which it loads whole when it starts (waking every
 * object listed) and writes at every alarm change, with no wait on another process's lock.
 * Processes sharing one such directory would wake each other's objects and fail each other's
 * writes. So each process has a directory of its own, `<data>/.serve/p<k>/<uniqueKey>/`, with its
 * own alarm index, and the files of the objects it owns are moved there (renamed, on the same
 * file system) before it starts, and moved back to `<data>/<uniqueKey>/` when the processes have
 * stopped. Between runs the data directory has the single-process layout, so any WORKERS finds
 * every object; after a crash the files wait in `.serve/` and the next start moves them back
 * first. (workerd's SQLite opens no symbolic links, and a hard link would leave a second name
 * for a write-ahead log that SQLite deletes or creates while it runs.)
 *
 * The single process (WORKERS=1) keeps its alarm index in `<data>/<uniqueKey>/` from run to run,
 * and an alarm set while the objects ran elsewhere is missing from it. So placing the objects
 * for several processes also leaves `<data>/.alarm-index-stale`, and the next single-process
 * start first has every shard register its alarm there again (scripts/serve/cluster.mjs
 * `reindexAlarms`) before it removes the mark.
 *
 * An object's files: the database, its write-ahead log and shared-memory index (`-wal`, `-shm`)
 * and a rollback journal (`-journal`, only while a new database switches to WAL). Each move is
 * one rename and nothing is ever deleted, so a move cut short is finished by the next one; a file
 * is never in both places (a start that finds one there refuses, naming it).
 */
import { createHash, createHmac } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SUFFIXES = [".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal"];
const OBJECT_FILE = /^[0-9a-f]{64}\.sqlite(-wal|-shm|-journal)?$/;
const INDEX_FILE = /^metadata\.sqlite(-wal|-shm|-journal)?$/;

/**
 * The id workerd gives the object `name` of the namespace `uniqueKey` (`idFromName`): HMAC-SHA256
 * of the name keyed by SHA-256 of the unique key, first 16 bytes, then the same HMAC of those,
 * first 16 bytes; in hex. The processes confirm it before any object starts (worker/serve/entry.ts
 * `/ids`).
 */
export function objectId(uniqueKey, name) {
  const key = createHash("sha256").update(uniqueKey).digest();
  const base = createHmac("sha256", key).update(name).digest().subarray(0, 16);
  const mac = createHmac("sha256", key).update(base).digest().subarray(0, 16);
  return Buffer.concat([base, mac]).toString("hex");
}

/** Left in the data directory while its single-process alarm index may miss alarms. */
const STALE_INDEX = ".alarm-index-stale";

/** True if the objects ran on several processes since the single-process alarm index was last rebuilt. */
export function alarmIndexStale(dataDir) {
  return existsSync(join(dataDir, STALE_INDEX));
}

/** Removes the mark once every shard has registered its alarm in the single-process index. */
export function alarmIndexRebuilt(dataDir) {
  rmSync(join(dataDir, STALE_INDEX), { force: true });
}

/** The directory of process `k` (its workerd disk service). */
export function processDir(dataDir, k) {
  return join(dataDir, ".serve", `p${k}`);
}

function move(from, to) {
  if (existsSync(to)) throw new Error(`${to} and ${from} both exist: one object's file in two places; not serving (move one aside by hand)`);
  renameSync(from, to);
}

/**
 * Moves every object file under `<data>/.serve/` back to its namespace directory, then removes
 * `.serve/` (what remains there is the processes' alarm indexes). Only while no process runs.
 */
export function returnObjects(dataDir) {
  const root = join(dataDir, ".serve");
  if (!existsSync(root)) return;
  for (const p of readdirSync(root)) {
    for (const ns of readdirSync(join(root, p))) {
      const dir = join(root, p, ns);
      const home = join(dataDir, ns);
      mkdirSync(home, { recursive: true });
      for (const f of readdirSync(dir)) {
        if (OBJECT_FILE.test(f)) move(join(dir, f), join(home, f));
        else if (!INDEX_FILE.test(f)) throw new Error(`unexpected file ${join(dir, f)}; not serving`);
      }
    }
  }
  rmSync(root, { recursive: true });
}

/**
 * Moves the files of the objects each process owns into its directory: `objects(k)` lists
 * process k's as `{ namespace, name }` (namespace: the unique key, e.g. `edgekv-Shard`). Objects
 * with no files yet are created there by workerd. What an earlier run left there goes back first.
 */
export function placeObjects(dataDir, processes, objects) {
  returnObjects(dataDir);
  writeFileSync(join(dataDir, STALE_INDEX), "Alarms were set on several serving processes: the next single-process start registers them again.\n");
  for (let k = 0; k < processes; k++) {
    for (const { namespace, name } of objects(k)) {
      const home = join(dataDir, namespace);
      const dir = join(processDir(dataDir, k), namespace);
      mkdirSync(home, { recursive: true });
      mkdirSync(dir, { recursive: true });
      const id = objectId(namespace, name);
      for (const suffix of SUFFIXES) {
        const file = `${id}${suffix}`;
        if (existsSync(join(home, file))) move(join(home, file), join(dir, file));
      }
    }
  }
}
