/**
 * MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE and HELP. The bytes a key takes are an
 * estimate from its rows in the shard's SQLite (store/memory-usage.ts has the formula), not
 * Redis's allocator sizes: the same data answers other numbers than redis-server, and a
 * collection's answer is sampled as there. STATS reports the shard's accounting
 * (eviction/info.ts) under Redis's field names, summed over every shard by the Worker
 * (worker/merge-info.ts `mergeMemoryStats`); there is no allocator to report on or purge.
 * DOCTOR runs on one shard (shard 0) and judges by its memory alone.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, OK, status, type Reply } from "../reply";
import { memoryStats } from "../eviction/info";
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

// MEMORY STATS
function memoryStatsCommand(ctx: ExecContext): Reply {
  return memoryStats(ctx).flatMap(([name, value]) => [status(name), value]);
}

/** Below this many bytes used, MEMORY DOCTOR has nothing to say (Redis's own threshold). */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

// MEMORY DOCTOR
function memoryDoctor(ctx: ExecContext): Reply {
  if (ctx.keyspace.memory.current() < DOCTOR_MIN_BYTES)
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.";
  return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.";
}

// MEMORY MALLOC-STATS
function memoryMallocStats(): Reply {
  return "Stats not supported for the current allocator";
}

// MEMORY PURGE
function memoryPurge(): Reply {
  return OK;
}

const MEMORY_HELP = [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
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
    { name: "memory|stats", arity: 2, flags: [], cluster: { kind: "all", merge: "memory" }, summary: "MEMORY STATS", run: memoryStatsCommand },
    { name: "memory|doctor", arity: 2, flags: [], summary: "MEMORY DOCTOR", run: memoryDoctor },
    { name: "memory|malloc-stats", arity: 2, flags: [], summary: "MEMORY MALLOC-STATS", run: memoryMallocStats },
    { name: "memory|purge", arity: 2, flags: [], summary: "MEMORY PURGE", run: memoryPurge },
  ]),
];
