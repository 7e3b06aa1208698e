/**
 * The command table: one declarative entry per command and per subcommand. Validation (here:
 * `validate`), dispatch inside a shard, routing in the Worker, the read-only token, scripts and
 * COMMAND all read this one description (as Redis reads src/commands/*.json). Handlers assume
 * a well-formed argv: lookup, arity, permissions and key sizes are checked here, once.
 *
 * Flags (Redis's meanings):
 * - `write`     may modify the keyspace.
 * - `readonly`  never modifies the keyspace.
 * - `denyoom`   may grow memory use.
 * - `fast`      O(1) or O(log n).
 * - `admin`     administrative (FLUSHALL, CONFIG SET, …).
 * - `noscript`  not callable from scripts.
 * - `random`    output is not deterministic (RANDOMKEY, SPOP, TIME, …).
 * - `loading`, `stale`, `pubsub`, `allow_busy`: as Redis; informational here.
 * - `no_mandatory_keys`  may run without keys although it takes some (EVAL … 0).
 * - `blocking`  may wait for a key (BLPOP, BZPOPMIN, …; blocking/waiters.ts).
 *
 * `state` names server state beyond the keyspace that a command changes (the script cache,
 * function libraries, the server parameters and counters of CONFIG SET and RESETSTAT, the
 * messages PUBLISH and SPUBLISH send): Redis
 * does not flag SCRIPT LOAD, SCRIPT FLUSH or CONFIG SET `write`, but they change
 * what the server holds (or, for PUBLISH, what every subscriber receives), so the read-only
 * token refuses them as it refuses `write`.
 *
 * A container (SCRIPT, FUNCTION, COMMAND) lists its `subcommands`, each a full entry named
 * `container|sub` with its own arity, flags, keys and cluster mode; lookup resolves argv[1]
 * to one of them, with Redis's errors for an unknown subcommand or a wrong arity.
 *
 * Cluster behaviour (`cluster`), read by the Worker when keys may live on several shards:
 * - `single` (default): every key must be on one shard, else CROSSSLOT. Keyless commands
 *   run on a deterministic shard. It may run over keys gathered from several shards inside
 *   a gathered transaction (worker/cross-gathered.ts).
 * - `pinned`: as `single`, but the command keeps state beside its key on its own shard (the
 *   lock fencing counters), so it never runs over gathered copies of keys.
 * - `cross`: a multi-key command whose atomicity Redis guarantees: across shards it runs as a
 *   cross-shard transaction, by the planner it names (`planner`, a Worker-side registry in
 *   worker/cross-commands.ts) and/or gathered: run once over copies of all its keys (`gather`).
 * - `fanout`: the keys are independent (MGET, DEL, EXISTS, TOUCH, UNLINK, JSON.MGET): the Worker
 *   splits the keys per shard, runs the same command on each part (with the `tail` arguments
 *   that follow the keys: JSON.MGET's path) and merges the replies (`sum` of integers, or
 *   `concat`: one reply per key, put back in argument order).
 * - `all`: keyspace-wide (DBSIZE, KEYS, FLUSHDB, SCRIPT LOAD, …): runs on every shard and
 *   merges (`sum`, `concat` arrays, `ok`: the first reply if all succeeded, `numsub`: PUBSUB
 *   NUMSUB's channel/count pairs with the counts added up). SCAN, RANDOMKEY
 *   and INFO have their own merge in the Worker (`scan`, `random`, `info`); SLOWLOG GET and
 *   MEMORY STATS theirs (`slowlog`, `memory`). `atomic`: all
 *   shards or none, even outside a transaction: it runs as a cross-shard transaction over
 *   every shard (CONFIG SET; docs/config.md). `check`: the command's refusal as a pure function
 *   of its arguments, answered by the Worker before any shard is involved.
 * - `pitr`: the point-in-time commands (PITR.CHECKPOINT, PITR.RESTORE, …): the Worker runs them
 *   over every shard itself (worker/pitr/, docs/point-in-time.md).
 */
import type { Arg } from "./args";
import { text, textBytes } from "./args";
import { Errors, ScriptErrors } from "./errors";
import { CommandError, type Reply } from "./reply";
import type { ExecContext } from "./context";
import type { KeySpec } from "./key-specs";

export type Flag =
  | "write"
  | "readonly"
  | "denyoom"
  | "fast"
  | "admin"
  | "noscript"
  | "random"
  | "loading"
  | "stale"
  | "pubsub"
  | "allow_busy"
  | "no_mandatory_keys"
  | "blocking";

/** Where the keys are: argv indices first..last (negative last counts from the end) by step. */
export interface KeyRange {
  first: number;
  last: number;
  step: number;
}
/** For commands whose keys follow a count (EVAL numkeys, ZUNIONSTORE numkeys, …): key indices. */
export type KeyFinder = KeyRange | ((argv: Arg[]) => number[]);

/** The cross-shard planners the Worker knows (worker/cross-commands.ts), by the name an entry declares. */
export type CrossPlanner = "mset" | "msetnx" | "smove" | "lmove" | "rpoplpush" | "rename" | "renamenx" | "copy";

export type ClusterMode =
  | { kind: "single" }
  | { kind: "pinned" }
  | { kind: "cross"; planner?: CrossPlanner; gather?: boolean }
  /** `tail`: trailing arguments after the keys that every part repeats (JSON.MGET's path). */
  | { kind: "fanout"; merge: "sum" | "concat"; tail?: number }
  | { kind: "all"; merge: "sum" | "concat" | "ok" | "scan" | "random" | "info" | "slowlog" | "memory" | "numsub"; atomic?: true; check?: (argv: Arg[]) => string | null }
  /** Point-in-time restore (PITR.*): run by the Worker over every shard (worker/pitr/). */
  | { kind: "pitr" };

export type Handler = (ctx: ExecContext, argv: Arg[]) => Reply;

export interface CommandSpec {
  /** Lower-case name; a subcommand's is `container|sub`. */
  name: string;
  /** N: exactly N arguments including the name (and the subcommand); -N: at least N. */
  arity: number;
  flags: Flag[];
  keys?: KeyFinder;
  /** Redis 7 key specifications for COMMAND INFO / GETKEYSANDFLAGS (key-specs.ts); derived from `keys` when absent. */
  keySpecs?: KeySpec[];
  cluster?: ClusterMode;
  /** Server state beyond the keyspace this command changes (`pubsub`: PUBLISH sends messages): refused to the read-only token. */
  state?: "scripts" | "functions" | "config" | "slowlog" | "pubsub" | "monitor";
  /**
   * The argv index of a channel that routes a keyless command as a key would be routed (PUBLISH:
   * the channel's home shard is the shard of its slot, docs/pubsub.md). Not a key: no key spec.
   */
  channel?: number;
  run: Handler;
  /**
   * Whether a write runs in a savepoint of its own (dispatch.ts; absent: it does). `false`, or a
   * function of argv answering false, for a command that needs none: every error it raises comes
   * before its one write, that write is a single keyspace step (atomic by itself:
   * Keyspace.step), and its reply is small (the reply budget cannot refuse it after the write).
   */
  savepoint?: false | ((argv: Arg[]) => boolean);
  /** One-line syntax, shown by COMMAND DOCS. */
  summary?: string;
  /** A container's subcommands (argv[1]); the container's own `run` is never called. */
  subcommands?: CommandSpec[];
}

/**
 * A container entry (SCRIPT, FUNCTION, COMMAND): lookup resolves argv[1] to one of
 * `subcommands`; `own` is the container's arity and its handler when called alone (COMMAND).
 */
export function container(
  name: string,
  summary: string,
  subcommands: CommandSpec[],
  own: Pick<CommandSpec, "arity" | "flags" | "run"> = { arity: -2, flags: [], run: unreachable },
): CommandSpec {
  for (const s of subcommands) if (!s.name.startsWith(`${name}|`)) throw new Error(`subcommand ${s.name} is not of ${name}`);
  return { name, summary, subcommands, ...own };
}

function unreachable(): never {
  throw new Error("a container has no handler of its own");
}

/** A registry of command specs by lower-case name. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  /** The same entries under their names as clients write them most (`get`, `GET`): found without lower-casing. */
  private readonly bySpelling = new Map<string, CommandSpec>();

  add(...specs: CommandSpec[]): this {
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new Error(`duplicate command ${s.name}`);
      for (const spec of [s, ...(s.subcommands ?? [])]) {
        this.byName.set(spec.name, spec);
        this.bySpelling.set(spec.name, spec);
        this.bySpelling.set(spec.name.toUpperCase(), spec);
      }
    }
    return this;
  }

  /** The entry of a command (`get`) or subcommand (`script|flush`), by name in any case. */
  get(name: string): CommandSpec | undefined {
    return this.bySpelling.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** The top-level commands (COMMAND COUNT counts these). */
  all(): CommandSpec[] {
    return [...this.byName.values()].filter((s) => !s.name.includes("|"));
  }

  /** Every entry: the top-level commands and their subcommands. */
  entries(): CommandSpec[] {
    return [...this.byName.values()];
  }
}

/** The most bytes a key may hold. See README "Limits": well inside a SQLite row (2 MB) with its value chunk. */
export const MAX_KEY_BYTES = 32 * 1024;

/** A refusal names the command when it is a known one (its rejected_calls count it). */
export type Lookup = { ok: true; spec: CommandSpec } | { ok: false; error: string; unknown?: true; spec?: CommandSpec };

/** Looks a command (and its subcommand) up and checks its arity: Redis's processCommand, before any work. */
export function lookupCommand(table: CommandTable, argv: Arg[]): Lookup {
  if (argv.length === 0) return { ok: false, error: "ERR empty command" };
  const name = text(argv[0]!);
  let spec = table.get(name);
  if (!spec || spec.name.includes("|")) {
    return { ok: false, unknown: true, error: Errors.unknownCommand(name, argv.slice(1, 65).map((a) => text(a).slice(0, 128))) };
  }
  if (spec.subcommands && argv.length >= 2) {
    const sub = text(argv[1]!);
    const found = spec.subcommands.find((s) => s.name === `${spec!.name}|${sub.toLowerCase()}`);
    if (!found) return { ok: false, unknown: true, error: Errors.unknownSubcommand(sub, spec.name) };
    spec = found;
  }
  const n = argv.length;
  if ((spec.arity > 0 && n !== spec.arity) || (spec.arity < 0 && n < -spec.arity)) {
    return { ok: false, error: Errors.wrongArity(spec.name), spec };
  }
  return { ok: true, spec };
}

/** The argv indices that hold keys, from the command's key spec. */
export function keyIndices(spec: CommandSpec, argv: Arg[]): number[] {
  const k = spec.keys;
  if (!k) return [];
  if (typeof k === "function") return k(argv);
  const last = k.last < 0 ? argv.length + k.last : k.last;
  const out: number[] = [];
  for (let i = k.first; i <= last && i < argv.length; i += k.step) out.push(i);
  return out;
}

/** True when the command may modify the keyspace. */
export function isWrite(spec: CommandSpec): boolean {
  return spec.flags.includes("write");
}

/** True when the command changes anything the server holds (keyspace, scripts, functions): refused to the read-only token. */
export function changesState(spec: CommandSpec): boolean {
  return isWrite(spec) || spec.state !== undefined;
}

/** Who is asking: a client (with a read-only token or not), or a script's redis.call. */
export interface ValidateOptions {
  /** A read-only token (client) or a read-only script (EVAL_RO, no-writes). */
  readOnly?: boolean;
  /** From a script: Redis's script error texts; `noscript` commands refused. */
  inScript?: boolean;
  /** Over keys gathered from several shards: `pinned` commands refused. */
  gathered?: boolean;
}

export type Validated = { ok: true; spec: CommandSpec; keys: string[] } | { ok: false; error: string; spec?: CommandSpec };

/**
 * The one validation of a command, on every path (Worker planning, shard dispatch, scripts,
 * cross-shard participants): lookup and arity, permissions, the key spec's keys and their size.
 * Answers the entry and its keys, or the error reply Redis would give.
 */
export function validate(table: CommandTable, argv: Arg[], opts: ValidateOptions = {}): Validated {
  const found = lookupCommand(table, argv);
  if (!found.ok) {
    if (!opts.inScript) return found;
    return { ok: false, error: found.unknown ? ScriptErrors.unknownCommand : ScriptErrors.wrongArity };
  }
  const { spec } = found;
  if (opts.inScript) {
    if (spec.flags.includes("noscript")) return { ok: false, error: ScriptErrors.notAllowed };
    if (opts.readOnly && changesState(spec)) return { ok: false, error: ScriptErrors.writeInReadOnly, spec };
  } else if (opts.readOnly && changesState(spec)) {
    return { ok: false, error: Errors.noPerm(spec.name), spec };
  }
  if (opts.gathered && spec.cluster?.kind === "pinned") return { ok: false, error: Errors.notGathered(spec.name), spec };
  const k = spec.keys;
  const keys: string[] = [];
  if (k === undefined) return { ok: true, spec, keys };
  if (typeof k !== "function") {
    // A key range, walked without a list of indices (keyIndices).
    const last = k.last < 0 ? argv.length + k.last : k.last;
    for (let i = k.first; i <= last && i < argv.length; i += k.step) {
      if (!addKey(keys, argv[i]!)) return { ok: false, error: Errors.keyTooLarge(MAX_KEY_BYTES), spec };
    }
    return { ok: true, spec, keys };
  }
  let idx: number[];
  try {
    idx = k(argv);
  } catch (e) {
    // A key finder may refuse its arguments (a bad numkeys): that is the command's error reply.
    if (e instanceof CommandError) return { ok: false, error: e.reply, spec };
    throw e;
  }
  for (const i of idx) {
    if (!addKey(keys, argv[i]!)) return { ok: false, error: Errors.keyTooLarge(MAX_KEY_BYTES), spec };
  }
  return { ok: true, spec, keys };
}

/** Adds `arg` to `keys` as text; false when it is longer than a key may be. */
function addKey(keys: string[], arg: Arg): boolean {
  if (byteLength(arg) > MAX_KEY_BYTES) return false;
  keys.push(text(arg));
  return true;
}


function byteLength(a: Arg): number {
  if (typeof a !== "string") return a.length;
  return a.length * 3 <= MAX_KEY_BYTES ? a.length : textBytes(a).length;
}
