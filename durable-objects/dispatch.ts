/**
 * Runs one command inside a shard: validate it (table.ts `validate`: lookup, arity, key sizes),
 * call the handler, turn a CommandError into an error reply. Synchronous: nothing interleaves with a command.
 *
 * A command that meets a key locked by a cross-shard transaction (KeyLockedError, from the
 * keyspace) is rolled back and answers TRYAGAIN.
 *
 * A write first asks the evictor for room (eviction/evictor.ts); one flagged `denyoom`, over the
 * shard's share of `maxmemory` with nothing to evict, answers OOM and changes nothing. A write
 * command's memory is accounted when it ends (eviction/accounting.ts), and restored if it rolls back.
 *
 * Any other exception (a bug or a storage fault) also ends as that command's error reply, after
 * its writes were rolled back, so one failing command never takes the rest of a batch with it.
 *
 * A command that runs is shown to monitors (MONITOR, pubsub/monitor.ts) before it runs, unless
 * it is flagged `admin`; a command a script calls is shown with the `lua` client.
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
import { makeRoom } from "./eviction/evictor";
import { changesState, isWrite, validate, type CommandSpec, type CommandTable } from "./table";

/**
 * `atomically` runs a write command all-or-nothing (a SQLite savepoint), so a command that
 * fails half-way (an error reply thrown after a first write) changes nothing. A command whose
 * entry says it needs no savepoint (`savepoint`: its errors all come before its one write, an
 * atomic keyspace step) runs without one: the savepoint's two statements are most of a SET's cost.
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
  // Room is made before any write, as Redis's processCommand evicts before a command; only a
  // command that may grow memory is refused when nothing can go. A script (EVAL, FCALL) thus
  // starts under budget; inside it, nothing is evicted (evictor.ts).
  const denyoom = spec.flags.includes("denyoom");
  if ((denyoom || isWrite(spec)) && !makeRoom(ctx) && denyoom) {
    ctx.stats.rejected(spec.name, Errors.oom);
    return err(Errors.oom);
  }
  const monitor = ctx.monitor;
  if (monitor && !spec.flags.includes("admin")) monitor.feed(argv, monitor.depth > 0);
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
  if (monitor) monitor.depth++;
  try {
    reply = changesState(spec) ? runWrite(spec, ctx, argv, atomically) : run(spec.name, spec.run, ctx, argv);
  } finally {
    keyspace.lookups = outer;
    if (monitor) monitor.depth--;
  }
  const end = Date.now();
  if (chained !== null) stats.clock = end;
  stats.ran(slot, end - start, reply);
  return reply;
}

/** A command that may change state: all-or-nothing, its memory accounted when it ends and restored if it rolls back. */
function runWrite(spec: CommandSpec, ctx: ExecContext, argv: Arg[], atomically: <T>(fn: () => T) => T): Reply {
  const memory = ctx.keyspace.memory;
  const depth = memory.depthNow;
  const before = memory.begin();
  let committed = false;
  const reply = run(
    spec.name,
    (c, a) => {
      const r = (needsSavepoint(spec, a) ? atomically : direct)(() => {
        const out = spec.run(c, a);
        memory.end();
        return out;
      });
      committed = true;
      return r;
    },
    ctx,
    argv,
  );
  if (committed) ctx.stats.writesCommitted++;
  else memory.rollback(before, depth);
  return reply;
}

/** Whether a write runs in a savepoint of its own: unless its entry says it needs none (table.ts `savepoint`). */
function needsSavepoint(spec: CommandSpec, argv: Arg[]): boolean {
  const s = spec.savepoint;
  return s === undefined || (s !== false && s(argv));
}

const direct = <T>(fn: () => T): T => fn();

/** Runs a handler; an error reply thrown, a locked key or a fault becomes the command's error reply. */
function run(name: string, handler: (ctx: ExecContext, argv: Arg[]) => Reply, ctx: ExecContext, argv: Arg[]): Reply {
  try {
    return handler(ctx, argv);
  } catch (e) {
    if (e instanceof CommandError) return err(e.reply);
    if (e instanceof KeyLockedError) return err(Errors.txLocked);
    console.error(`edgekv: '${name}' failed`, e);
    return err(Errors.internal(name, e instanceof Error ? e.message : String(e)));
  }
}
