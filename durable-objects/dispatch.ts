/**
 * Runs one command inside a shard: look up and check arity (from the table), call the handler,
 * turn a CommandError into an error reply. Synchronous: nothing interleaves with a command.
 */
import type { Arg } from "./args";
import type { ExecContext } from "./context";
import { CommandError, err, type Reply } from "./reply";
import { isWrite, lookupCommand, type CommandTable } from "./table";

/**
 * `atomically` runs a write command all-or-nothing (a SQLite savepoint), so a command that
 * fails half-way (an error reply thrown after a first write) changes nothing.
 */
export function dispatch(
  table: CommandTable,
  ctx: ExecContext,
  argv: Arg[],
  atomically: <T>(fn: () => T) => T,
): Reply {
  const found = lookupCommand(table, argv);
  if (!found.ok) return err(found.error);
  const { spec } = found;
  try {
    return isWrite(spec) ? atomically(() => spec.run(ctx, argv)) : spec.run(ctx, argv);
  } catch (e) {
    if (e instanceof CommandError) return err(e.reply);
    throw e;
  }
}
