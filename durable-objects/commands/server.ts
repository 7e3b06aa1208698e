/**
 * Connection and server commands that need no key.
 */
import type { Arg } from "../args";
import type { ExecContext } from "../context";
import { status, type Reply } from "../reply";
import type { CommandSpec } from "../table";

// PING [message]
function ping(_ctx: ExecContext, argv: Arg[]): Reply {
  return argv.length > 1 ? argv[1]! : status("PONG");
}

// ECHO message
function echo(_ctx: ExecContext, argv: Arg[]): Reply {
  return argv[1]!;
}

// TIME
function time(ctx: ExecContext): Reply {
  const ms = ctx.now;
  return [String(Math.floor(ms / 1000)), String((ms % 1000) * 1000)];
}

export const serverCommands: CommandSpec[] = [
  { name: "ping", arity: -1, flags: ["fast"], run: ping },
  { name: "echo", arity: 2, flags: ["fast"], run: echo },
  { name: "time", arity: 1, flags: ["random", "fast"], run: time },
];
