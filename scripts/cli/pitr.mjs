/**
 * Point-in-time restore from the CLI (docs/cli.md "Checkpoints and restore", docs/point-in-time.md):
 *
 *   edgekv checkpoint [NAME]                       PITR.CHECKPOINT [NAME]
 *   edgekv checkpoints                             PITR.CHECKPOINTS
 *   edgekv restore ID|NAME|UNIX-MS|ISO-TIME [--yes]  PITR.RESTORE
 *   edgekv restore --undo BOOKMARK ... [--yes]     PITR.RESTORE-BOOKMARKS
 *
 * A restore asks to confirm on a terminal and is refused without `--yes` otherwise. Exit codes
 * as the CLI's others: 0 done, 1 an error reply, 2 usage or connection errors.
 */
import { createInterface } from "node:readline/promises";
import { isError, UsageError } from "./client.mjs";
import { formatJson } from "./format.mjs";

const text = (b) => (Buffer.isBuffer(b) ? b.toString("utf8") : String(b));
const iso = (ms) => new Date(Number(ms)).toISOString();

/** Whether `edgekv restore …` is the point-in-time restore, not Redis's RESTORE key ttl payload (three arguments or more). */
export function isPitrRestore(args) {
  return args.includes("--undo") || args.includes("--yes") || args.length === 1;
}

/** The argument PITR.RESTORE takes for `target`: an ISO time becomes unix ms; an id, a name or unix ms stays. */
export function restoreTarget(target) {
  if (/^\d+$/.test(target)) return target;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(target)) {
    const ms = Date.parse(target);
    if (!Number.isFinite(ms)) throw new UsageError(`not a time: ${target}`);
    return String(ms);
  }
  return target;
}

function printError(r, o) {
  process.stdout.write((o.mode === "json" ? formatJson(r) : `(error) ${r.error}`) + "\n");
  return 1;
}

/** `edgekv checkpoint [NAME]`. */
export async function checkpointCommand(client, args, o) {
  if (args.length > 1) throw new UsageError("checkpoint takes at most a name");
  const r = await client.call(["PITR.CHECKPOINT", ...args]);
  if (isError(r)) return printError(r, o);
  if (o.mode === "json") process.stdout.write(formatJson(r) + "\n");
  else process.stdout.write(`checkpoint ${text(r[0])} at ${iso(r[1])}\n`);
  return 0;
}

/** `edgekv checkpoints`: one line per checkpoint present on every shard, oldest first. */
export async function checkpointsCommand(client, args, o) {
  if (args.length > 0) throw new UsageError("checkpoints takes no arguments");
  const r = await client.call(["PITR.CHECKPOINTS"]);
  if (isError(r)) return printError(r, o);
  if (o.mode === "json") process.stdout.write(formatJson(r) + "\n");
  else if (r.length === 0) process.stdout.write("(no checkpoints)\n");
  else for (const [id, time] of r) process.stdout.write(`${text(id)}  ${iso(time)}\n`);
  return 0;
}

/** Asks on the terminal; false unless the answer is y or yes. */
async function confirm(question) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** `edgekv restore TARGET [--yes]` and `edgekv restore --undo BOOKMARK … [--yes]`. */
export async function restoreCommand(client, args, o) {
  const yes = args.includes("--yes");
  const undo = args.includes("--undo");
  const rest = args.filter((a) => a !== "--yes" && a !== "--undo");
  if (!undo && rest.length !== 1) throw new UsageError("restore takes one checkpoint id, name, unix time in ms or ISO time");
  if (undo && rest.length === 0) throw new UsageError("restore --undo takes the undo bookmarks a restore printed, one per shard");
  const command = undo ? ["PITR.RESTORE-BOOKMARKS", ...rest] : ["PITR.RESTORE", restoreTarget(rest[0])];
  if (!yes) {
    const what = undo ? "the bookmarks given" : `checkpoint ${rest[0]}`;
    if (!process.stdin.isTTY) throw new UsageError(`restore rewinds the whole database to ${what}: pass --yes to confirm`);
    if (!(await confirm(`Rewind the whole database to ${what}? Writes since are undone (the undo bookmarks are printed). [y/N] `))) {
      process.stderr.write("edgekv: restore not confirmed; nothing done\n");
      return 1;
    }
  }
  const r = await client.call(command);
  if (isError(r)) return printError(r, o);
  if (o.mode === "json") {
    process.stdout.write(formatJson(r) + "\n");
    return 0;
  }
  const bookmarks = (undo ? r : r[2]).map(text);
  if (!undo) process.stdout.write(`restored to checkpoint ${text(r[0])} at ${iso(r[1])}\n`);
  else process.stdout.write(`restored to the bookmarks given\n`);
  process.stdout.write(`undo with: edgekv restore --undo ${bookmarks.join(" ")}\n`);
  return 0;
}

/** The subcommands, by name: `edgekv NAME …` runs one when `applies` says so. */
export const PITR_SUBCOMMANDS = {
  checkpoint: { run: checkpointCommand, applies: () => true },
  checkpoints: { run: checkpointsCommand, applies: () => true },
  restore: { run: restoreCommand, applies: isPitrRestore },
};
