/**
 * Runs one command inside a shard: validate it (table.ts `validate`: lookup, arity, key sizes),
 * call the handler, turn a CommandError into an error reply. Synchronous: nothing interleaves with a command.
 *
 * A command that meets a key locked by a cross-shard transaction (KeyLockedError, from the
 * keyspace) is rolled back and answers TRYAGAIN.
 *
 * Any other exception (a bug or a storage fault) also ends as that command's error reply, after
 * its writes were rolled back, so one failing command never takes the rest of a batch with it.
 *
 * Every command is counted here, in memory (stats/counters.ts): a refusal before it runs as a
 * rejected call, a run as a call with its duration (and a failed call when it answers an error),
 * each error reply under its prefix. While a command not flagged `write` runs, the keyspace
 * counts its lookups as hits and misses (Redis counts them in lookupKeyRead).
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
  if (!found.ok) {
    ctx.stats.rejected(found.spec?.name, found.error);
    return err(found.error);
  }
  const { spec } = found;
  const slot = ctx.stats.slotOf(spec);
  const keyspace = ctx.keyspace;
  const outer = keyspace.lookups;
  keyspace.lookups = slot.reads ? ctx.stats : null;
  // In a client's batch the previous command's end is this one's start (one clock read per command).
  const stats = ctx.stats;
  const chained = stats.clock;
  const start = chained ?? Date.now();
  stats.clock = null;
  let reply: Reply;
  try {
    reply = changesState(spec) ? atomically(() => spec.run(ctx, argv)) : spec.run(ctx, argv);
  } catch (e) {
    if (e instanceof CommandError) reply = err(e.reply);
    else if (e instanceof KeyLockedError) reply = err(Errors.txLocked);
    else {
      console.error(`edgekv: '${spec.name}' failed`, e);
      reply = err(Errors.internal(spec.name, e instanceof Error ? e.message : String(e)));
    }
  } finally {
    keyspace.lookups = outer;
  }
  const end = Date.now();
  if (chained !== null) stats.clock = end;
  stats.ran(slot, end - start, reply);
  return reply;
}
