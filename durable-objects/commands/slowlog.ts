/**
 * SLOWLOG GET [count], SLOWLOG LEN, SLOWLOG RESET, SLOWLOG HELP over one shard's slow log
 * (stats/slowlog.ts). Every subcommand visits every shard: the Worker merges GET newest first
 * and makes its ids unique across shards (worker/merge-info.ts), sums LEN, and answers RESET's
 * OK when every shard reset. SLOWLOG RESET changes server state, so the read-only token is
 * refused it; GET and LEN only read.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, OK, status, type Reply } from "../reply";
import { container, type CommandSpec } from "../table";

const SLOWLOG_HELP = [
  "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
  "HELP",
  "    Prints this help.",
];

const DEFAULT_COUNT = 10;

/** SLOWLOG GET's count: 10 without one, -1 for all; Redis's errors for anything else. */
export function slowlogCount(argv: Arg[]): number {
  if (argv.length > 3) throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "slowlog"));
  if (argv.length < 3) return DEFAULT_COUNT;
  const n = parseI64(text(argv[2]!));
  if (n === null || n < -1n) throw new CommandError(Errors.slowlogCount);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

// SLOWLOG GET [count]: [id, unix time, µs, argv, client address, client name] per entry, newest first
function slowlogGet(ctx: ExecContext, argv: Arg[]): Reply {
  const count = slowlogCount(argv);
  return ctx.stats.slowlog.newest(count).map((e) => [e.id, Math.floor(e.at / 1000), e.usec, e.argv, "", ""]);
}

// SLOWLOG LEN
function slowlogLen(ctx: ExecContext): Reply {
  return ctx.stats.slowlog.length;
}

// SLOWLOG RESET
function slowlogReset(ctx: ExecContext): Reply {
  ctx.stats.slowlog.reset();
  return OK;
}

// SLOWLOG HELP
function slowlogHelp(): Reply {
  return SLOWLOG_HELP.map(status);
}

export const slowlogCommand: CommandSpec = container("slowlog", "SLOWLOG <GET [count]|LEN|RESET|HELP>", [
  { name: "slowlog|get", arity: -2, flags: ["admin", "loading", "stale"], cluster: { kind: "all", merge: "slowlog" }, summary: "SLOWLOG GET [count]", run: slowlogGet },
  { name: "slowlog|len", arity: 2, flags: ["admin", "loading", "stale"], cluster: { kind: "all", merge: "sum" }, summary: "SLOWLOG LEN", run: slowlogLen },
  { name: "slowlog|reset", arity: 2, flags: ["admin", "loading", "stale"], state: "slowlog", cluster: { kind: "all", merge: "ok" }, summary: "SLOWLOG RESET", run: slowlogReset },
  { name: "slowlog|help", arity: 2, flags: ["loading", "stale"], summary: "SLOWLOG HELP", run: slowlogHelp },
]);
