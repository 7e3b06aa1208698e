/**
 * The interactive mode (`edgekv` with no command on a terminal, or `--repl`), like redis-cli's:
 * a prompt naming the server, redis-cli's argument quoting, replies printed as one-shot
 * commands print them, history kept in `EDGEKV_HISTFILE` (default ~/.edgekv_history; empty:
 * none; the last 1000 lines), Tab completing command names and, on a terminal, the rest of the
 * command's syntax from COMMAND DOCS shown greyed after the cursor. `help CMD` prints that
 * syntax; `quit` or `exit` (or end of input) leaves, with exit code 0 as redis-cli's; an
 * error reply or a lost connection is printed and the prompt comes back.
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { emitKeypressEvents, createInterface } from "node:readline";
import { ConnectionError, isError } from "./client.mjs";
import { formatJson, formatRaw, formatTty } from "./format.mjs";
import { splitArgs } from "./split.mjs";

const HISTORY_LINES = 1000;

function historyFile() {
  const f = process.env.EDGEKV_HISTFILE;
  if (f !== undefined) return f || null;
  return join(homedir(), ".edgekv_history");
}

function loadHistory(file) {
  if (!file) return [];
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

/** Command names → their syntax (COMMAND DOCS's summary here), fetched once, lazily. */
class Docs {
  constructor(client) {
    this.client = client;
    this.map = null;
    this.loading = null;
  }
  load() {
    this.loading ??= this.client
      .call(["COMMAND", "DOCS"])
      .then((r) => {
        const m = new Map();
        if (Array.isArray(r)) {
          for (let i = 0; i + 1 < r.length; i += 2) {
            const doc = r[i + 1];
            let summary = "";
            if (Array.isArray(doc)) for (let k = 0; k + 1 < doc.length; k += 2) if (String(doc[k]) === "summary") summary = String(doc[k + 1]);
            m.set(String(r[i]).toUpperCase(), summary);
          }
        }
        this.map = m;
      })
      .catch(() => (this.map = new Map()));
    return this.loading;
  }
  /** What remains of `name`'s syntax once `typed` arguments were given. */
  hint(name, typed) {
    const s = this.map?.get(name.toUpperCase());
    if (!s) return "";
    const words = s.split(" ");
    if (words[0]?.toUpperCase() === name.toUpperCase()) words.shift();
    return words.slice(typed).join(" ");
  }
}

export async function repl(client, o) {
  const url = new URL(client.url);
  const prompt = `${url.host}> `;
  const file = historyFile();
  const input = process.stdin;
  const terminal = Boolean(input.isTTY && process.stdout.isTTY);
  const docs = new Docs(client);
  docs.load();
  const rl = createInterface({
    input,
    output: process.stdout,
    prompt,
    terminal,
    history: loadHistory(file),
    historySize: HISTORY_LINES,
    completer: (line) => {
      const names = docs.map ? [...docs.map.keys()] : [];
      if (/\s/.test(line)) return [[], line];
      const hits = names.filter((n) => n.startsWith(line.toUpperCase())).sort();
      return [hits, line];
    },
  });
  if (terminal) {
    emitKeypressEvents(input, rl);
    input.on("keypress", () => {
      const line = rl.line;
      if (rl.cursor !== line.length) return;
      const args = splitArgs(line) ?? [];
      if (args.length === 0 || !/\s$/.test(line)) return void process.stdout.write("\x1b[K");
      const hint = docs.hint(args[0].toString(), args.length - 1);
      process.stdout.write(`\x1b[s\x1b[K\x1b[90m${hint}\x1b[0m\x1b[u`);
    });
  }
  rl.prompt();
  for await (const line of rl) {
    if (file && line.trim()) {
      try {
        appendFileSync(file, line + "\n");
      } catch {
        // history is best effort
      }
    }
    const args = splitArgs(line);
    if (args === null) {
      process.stdout.write("Invalid argument(s)\n");
    } else if (args.length > 0) {
      const name = args[0].toString().toUpperCase();
      if (name === "QUIT" || name === "EXIT") break;
      if (name === "HELP") {
        await docs.load();
        const what = args[1]?.toString().toUpperCase();
        const s = what ? docs.map.get(what) : undefined;
        process.stdout.write(s ? `\n  ${s}\n\n` : what ? `no help for ${what}\n` : "help CMD: the syntax of CMD; quit: leave\n");
      } else {
        let r;
        try {
          r = await client.call(args);
        } catch (e) {
          if (!(e instanceof ConnectionError)) throw e;
          process.stdout.write(`${e.message}\n`);
          rl.prompt();
          continue;
        }
        if (o.mode === "json") process.stdout.write(formatJson(r) + "\n");
        else if (o.mode === "raw") process.stdout.write(Buffer.concat([formatRaw(r), Buffer.from("\n")]));
        else process.stdout.write(formatTty(r, args.map((a) => a.toString("latin1"))) + "\n");
      }
    }
    rl.prompt();
  }
  rl.close();
  if (file) {
    try {
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
      if (lines.length > HISTORY_LINES) writeFileSync(file, lines.slice(-HISTORY_LINES).join("\n") + "\n");
    } catch {
      // best effort
    }
  }
  return 0;
}
