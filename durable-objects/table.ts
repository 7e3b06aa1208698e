/**
 * The command table: one declarative entry per command. Dispatch inside a shard, routing in
 * the Worker, read-only tokens and COMMAND all read this one description (as Redis reads
 * src/commands/*.json). Handlers assume a well-formed argv: arity and lookup happen here, once.
 *
 * Flags (Redis's meanings):
 * - `write`     may modify the keyspace; refused for read-only tokens.
 * - `readonly`  never modifies the keyspace.
 * - `denyoom`   may grow memory use.
 * - `fast`      O(1) or O(log n).
 * - `admin`     administrative (FLUSHALL, …).
 * - `noscript`  not callable from scripts.
 * - `random`    output is not deterministic (RANDOMKEY, SPOP, TIME, …).
 * - `loading`, `stale`, `pubsub`: as Redis; informational here.
 *
 * Cluster behaviour (`cluster`), read by the Worker when keys may live on several shards:
 * - `single` (default): every key must be on one shard, else CROSSSLOT. Keyless commands
 *   run on a deterministic shard.
 * - `fanout`: the keys are independent (MGET, DEL, EXISTS, TOUCH, UNLINK): the Worker
 *   splits the keys per shard, runs the same command on each part and merges the replies
 *   (`sum` of integers, or `concat`: one reply per key, put back in argument order).
 * - `all`: keyspace-wide (DBSIZE, KEYS, FLUSHDB, …): runs on every shard and merges
 *   (`sum`, `concat` arrays, `ok` if all answered OK). SCAN, RANDOMKEY and INFO have their
 *   own merge in the Worker (`scan`, `random`, `info`).
 */
import type { Arg } from "./args";
import { text } from "./args";
import { Errors } from "./errors";
import type { Reply } from "./reply";
import type { ExecContext } from "./context";

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
  | "pubsub";

/** Where the keys are: argv indices first..last (negative last counts from the end) by step. */
export interface KeyRange {
  first: number;
  last: number;
  step: number;
}
/** For commands whose keys follow a count (EVAL numkeys, ZUNIONSTORE numkeys, …): key indices. */
export type KeyFinder = KeyRange | ((argv: Arg[]) => number[]);

export type ClusterMode =
  | { kind: "single" }
  | { kind: "fanout"; merge: "sum" | "concat" }
  | { kind: "all"; merge: "sum" | "concat" | "ok" | "scan" | "random" | "info" };

export type Handler = (ctx: ExecContext, argv: Arg[]) => Reply;

export interface CommandSpec {
  /** Lower-case name. */
  name: string;
  /** N: exactly N arguments including the name; -N: at least N. */
  arity: number;
  flags: Flag[];
  keys?: KeyFinder;
  cluster?: ClusterMode;
  run: Handler;
  /** One-line syntax, shown by COMMAND DOCS. */
  summary?: string;
}

/** A registry of command specs by lower-case name. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();

  add(...specs: CommandSpec[]): this {
    for (const s of specs) {
      if (this.byName.has(s.name)) throw new Error(`duplicate command ${s.name}`);
      this.byName.set(s.name, s);
    }
    return this;
  }

  get(name: string): CommandSpec | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): CommandSpec[] {
    return [...this.byName.values()];
  }
}

export type Lookup = { ok: true; spec: CommandSpec } | { ok: false; error: string };

/** Looks a command up and checks its arity: Redis's processCommand, before any work. */
export function lookupCommand(table: CommandTable, argv: Arg[]): Lookup {
  if (argv.length === 0) return { ok: false, error: "ERR empty command" };
  const name = text(argv[0]!);
  const spec = table.get(name);
  if (!spec) {
    return { ok: false, error: Errors.unknownCommand(name, argv.slice(1, 21).map((a) => text(a).slice(0, 128))) };
  }
  const n = argv.length;
  if ((spec.arity > 0 && n !== spec.arity) || (spec.arity < 0 && n < -spec.arity)) {
    return { ok: false, error: Errors.wrongArity(spec.name) };
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

export function isWrite(spec: CommandSpec): boolean {
  return spec.flags.includes("write");
}
