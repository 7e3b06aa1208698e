/**
 * MEMORY USAGE and MEMORY HELP. The bytes a key takes are an estimate from its rows in the
 * shard's SQLite (store/memory-usage.ts has the formula), not Redis's allocator sizes: the same
 * data answers other numbers than redis-server, and a collection's answer is sampled as there.
 * MEMORY DOCTOR, MALLOC-STATS, PURGE and STATS describe an allocator a shard does not have.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, status, type Reply } from "../reply";
import { DEFAULT_SAMPLES, keyMemoryUsage } from "../store/memory-usage";
import { container, type CommandSpec } from "../table";

/** More samples than this measure every element anyway (SQLite aggregates them). */
const MAX_SAMPLES = 2 ** 31;

// MEMORY USAGE key [SAMPLES count]
function memoryUsage(ctx: ExecContext, argv: Arg[]): Reply {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (text(argv[j]!).toLowerCase() === "samples" && j + 1 < argv.length) {
      const n = parseI64(text(argv[++j]!));
      if (n === null) throw new CommandError(Errors.notInteger);
      if (n < 0n) throw new CommandError(Errors.syntax);
      samples = n === 0n || n > BigInt(MAX_SAMPLES) ? 0 : Number(n);
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  const row = ctx.keyspace.find(text(argv[2]!));
  return row ? keyMemoryUsage(ctx.keyspace, row, samples) : null;
}

const MEMORY_HELP = [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Prints this help.",
];

// MEMORY HELP
function memoryHelp(): Reply {
  return MEMORY_HELP.map(status);
}

export const memoryCommands: CommandSpec[] = [
  container("memory", "MEMORY <subcommand> [<arg> [value] [opt] ...]", [
    { name: "memory|usage", arity: -3, flags: ["readonly"], keys: { first: 2, last: 2, step: 1 }, summary: "MEMORY USAGE key [SAMPLES count]", run: memoryUsage },
    { name: "memory|help", arity: 2, flags: ["loading", "stale"], summary: "MEMORY HELP", run: memoryHelp },
  ]),
];
