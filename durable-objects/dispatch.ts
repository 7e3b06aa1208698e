/**
 * Runs one command inside a shard: validate it (table.ts `validate`: lookup, arity, key sizes),
 * call the handler, turn a CommandError into an error reply. Synchronous: nothing interleaves with a command.
 *
 * A command that meets a key locked by a cross-shard transaction (KeyLockedError, from the
 * keyspace) is rolled back and answers TRYAGAIN.
 *
 * Any other exception (a bug or a storage fault) also ends as that command's error reply, after
 * its writes were rolled back, so one failing command never takes the rest of a batch with it.
 */
import type { Arg } from "./args";
import type { ExecContext } from "./context";
import { Errors } from "./errors";
import { CommandError, err, type Reply } from "./reply";
import { KeyLockedError } from "./store/keyspace";
import { changesState, validate, type CommandTable } from "./table";

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
  const found = validate(table, argv, { gathered: ctx.onlyKeys !== undefined });
  if (!found.ok) return err(found.error);
  const { spec } = found;
  try {
    return changesState(spec) ? atomically(() => spec.run(ctx, argv)) : spec.run(ctx, argv);
  } catch (e) {
    if (e instanceof CommandError) return err(e.reply);
    if (e instanceof KeyLockedError) return err(Errors.txLocked);
    console.error(`edgekv: '${spec.name}' failed`, e);
    return err(Errors.internal(spec.name, e instanceof Error ? e.message : String(e)));
  }
}
