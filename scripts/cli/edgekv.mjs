#!/usr/bin/env node
/**
 * `edgekv`: a command-line client of edgekv over the Upstash REST API (docs/cli.md).
 *
 *   edgekv [--url U] [--token T] [--json|--raw] CMD [ARG …]
 *   edgekv [--url U] [--token T] [--repl]          (interactive; the default on a terminal)
 *   edgekv [--url U] [--token T] --pipe [FILE]
 *   edgekv [--url U] [--token T] export (--rdb FILE | --jsonl FILE) [--count N]
 *   edgekv [--url U] [--token T] import FILE [--parallel N] [--db N]
 *   edgekv [--url U] [--token T] checkpoint [NAME] | checkpoints | restore TARGET [--yes] | restore --undo B… [--yes]
 *
 * Exit codes: 0 success, 1 an error reply (or keys/commands that failed), 2 usage, connection
 * or file errors.
 */
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { Client, ConnectionError, isError, UsageError } from "./client.mjs";
import { formatJson, formatRaw, formatTty } from "./format.mjs";
import { Progress } from "./progress.mjs";
import { splitArgs } from "./split.mjs";
import { positive } from "./client.mjs";

const USAGE = `usage: edgekv [--url URL] [--token TOKEN] [--json|--raw] CMD [ARG ...]
       edgekv [--url URL] [--token TOKEN] [--repl]   (interactive; the default on a terminal)
       edgekv [--url URL] [--token TOKEN] --pipe [FILE] [--batch N]
       edgekv [--url URL] [--token TOKEN] export (--rdb FILE | --jsonl FILE) [--count N]
       edgekv [--url URL] [--token TOKEN] import FILE [--parallel N] [--db N]
       edgekv [--url URL] [--token TOKEN] checkpoint [NAME]
       edgekv [--url URL] [--token TOKEN] checkpoints
       edgekv [--url URL] [--token TOKEN] restore (ID|NAME|UNIX-MS|ISO-TIME | --undo BOOKMARK ...) [--yes]
URL and TOKEN default to $EDGEKV_URL and $EDGEKV_TOKEN.`;

/** Options before the command; the rest is the command and its arguments. */
export function parseArgv(argv) {
  const o = { url: process.env.EDGEKV_URL || "http://127.0.0.1:8787", token: process.env.EDGEKV_TOKEN || "", mode: "tty", pipe: false, pipeFile: undefined, batch: undefined, rest: [] };
  let i = 0;
  const value = (name) => {
    if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--url" || a === "-u") o.url = value(a);
    else if (a === "--token" || a === "-a") o.token = value(a);
    else if (a === "--json") o.mode = "json";
    else if (a === "--raw") o.mode = "raw";
    else if (a === "--repl") o.repl = true;
    else if (a === "--pipe") {
      o.pipe = true;
      if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) o.pipeFile = argv[++i];
    } else if (a === "--batch") o.batch = positive(value(a), a);
    else if (a === "--help" || a === "-h") throw new UsageError("");
    else if (a === "--") {
      i++;
      break;
    } else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else break;
  }
  o.rest = argv.slice(i);
  return o;
}


async function oneShot(client, o) {
  const r = await client.call(o.rest);
  if (o.mode === "json") process.stdout.write(formatJson(r) + "\n");
  else if (o.mode === "raw") process.stdout.write(Buffer.concat([formatRaw(r), Buffer.from("\n")]));
  else process.stdout.write(formatTty(r, o.rest) + "\n");
  return isError(r) ? 1 : 0;
}

/** `--pipe`: commands a line, in pipelines of at most `batch` commands and 1 MiB of arguments. */
async function pipe(client, o) {
  const batch = o.batch ?? 1000;
  const maxBytes = 1024 * 1024;
  let total;
  let input = process.stdin;
  if (o.pipeFile !== undefined && o.pipeFile !== "-") {
    try {
      total = statSync(o.pipeFile).size;
    } catch (e) {
      throw new UsageError(`cannot read ${o.pipeFile}: ${e.message}`);
    }
    input = createReadStream(o.pipeFile);
  }
  const progress = new Progress("commands", total);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let pending = [];
  let pendingLines = [];
  let bytes = 0;
  let readBytes = 0;
  let sent = 0;
  let errors = 0;
  let lineNo = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const replies = await client.pipeline(pending);
    replies.forEach((r, k) => {
      if (isError(r)) {
        errors++;
        process.stderr.write(`line ${pendingLines[k]}: (error) ${r.error}\n`);
      }
    });
    sent += pending.length;
    pending = [];
    pendingLines = [];
    bytes = 0;
    progress.update(sent, readBytes);
  };
  for await (const line of lines) {
    lineNo++;
    readBytes += Buffer.byteLength(line) + 1;
    const args = splitArgs(line);
    if (args === null) {
      errors++;
      process.stderr.write(`line ${lineNo}: (error) ERR Protocol error: unbalanced quotes in request\n`);
      continue;
    }
    if (args.length === 0) continue;
    const size = args.reduce((s, a) => s + a.length + 3, 2);
    if (pending.length > 0 && (pending.length >= batch || bytes + size > maxBytes)) await flush();
    pending.push(args);
    pendingLines.push(lineNo);
    bytes += size;
  }
  await flush();
  progress.done();
  process.stderr.write(`errors: ${errors}, replies: ${sent}\n`);
  return errors > 0 ? 1 : 0;
}

export async function main(argv) {
  let o;
  try {
    o = parseArgv(argv);
    const client = new Client(o.url, o.token);
    if (o.pipe) return await pipe(client, o);
    if (o.repl || (o.rest.length === 0 && process.stdin.isTTY)) {
      const { repl } = await import("./repl.mjs");
      return await repl(client, o);
    }
    if (o.rest.length === 0) throw new UsageError("");
    const sub = o.rest[0].toLowerCase();
    if (sub === "export" || sub === "import") {
      const { exportCommand, importCommand } = await import("./backup.mjs");
      return await (sub === "export" ? exportCommand : importCommand)(client, o.rest.slice(1), o);
    }
    if (sub === "checkpoint" || sub === "checkpoints" || sub === "restore") {
      const { PITR_SUBCOMMANDS } = await import("./pitr.mjs");
      const pitr = PITR_SUBCOMMANDS[sub];
      if (pitr.applies(o.rest.slice(1))) return await pitr.run(client, o.rest.slice(1), o);
    }
    return await oneShot(client, o);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write((e.message ? `edgekv: ${e.message}\n` : "") + USAGE + "\n");
      return 2;
    }
    if (e instanceof ConnectionError) {
      process.stderr.write(`edgekv: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`edgekv: ${e?.stack ?? e}\n`);
    return 2;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
