/**
 * Connection and server commands that need no key: PING, ECHO, TIME, SELECT, COMMAND and INFO.
 * COMMAND describes the command table itself, read when the handler runs (the table imports
 * this file, so it is not complete while this module loads).
 */
import { ArgCursor, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, OK, status, type Reply } from "../reply";
import { bytesToHuman, memoryInfo } from "../eviction/info";
import { compileGlob } from "../store/glob";
import { keyFlagsAt, keysBySpecs, keySpecReply, keySpecsOf, legacyKeyRange } from "../key-specs";
import { container, keyIndices, lookupCommand, type CommandSpec } from "../table";
import { COMMANDS } from "./index";

/** The Redis version whose semantics edgekv follows (reported by INFO as redis_version). */
export const REDIS_VERSION = "7.0.15";
const DATABASES = 16;

// PING [message]
function ping(_ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 2) throw new CommandError(Errors.wrongArity("ping"));
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

// SELECT index: only database 0 exists (as in Redis Cluster)
function select(_ctx: ExecContext, argv: Arg[]): Reply {
  const db = new ArgCursor(argv, 1).takeInt();
  if (db < 0 || db >= DATABASES) throw new CommandError(Errors.dbIndexOutOfRange);
  if (db !== 0) throw new CommandError(Errors.selectOtherDb);
  return OK;
}

function aclCategories(spec: CommandSpec): Reply[] {
  const cats: string[] = [];
  if (spec.flags.includes("write")) cats.push("@write");
  if (spec.flags.includes("readonly")) cats.push("@read");
  if (spec.flags.includes("admin")) cats.push("@admin", "@dangerous");
  cats.push(spec.flags.includes("fast") ? "@fast" : "@slow");
  return cats.map(status);
}

/** One COMMAND INFO entry: name, arity, flags, first/last/step key, ACL categories, tips, key specs, subcommands. */
function commandInfo(spec: CommandSpec): Reply {
  const { range, movable } = legacyKeyRange(spec);
  const flags = movable ? [...spec.flags, "movablekeys"] : spec.flags;
  const keySpecs = keySpecsOf(spec).map(keySpecReply);
  return [spec.name, spec.arity, flags.map(status), ...range, aclCategories(spec), [], keySpecs, (spec.subcommands ?? []).map(commandInfo)];
}

/** COMMAND DOCS, minimal: the command's one-line syntax as its summary; a container's subcommands' docs with it. */
function commandDocs(spec: CommandSpec): Reply {
  const doc: Reply[] = ["summary", spec.summary ?? ""];
  if (spec.subcommands) doc.push("subcommands", spec.subcommands.flatMap((s) => commandDocs(s) as Reply[]));
  return [spec.name, doc];
}

const COMMAND_HELP = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all commands.",
  "COUNT",
  "    Return the total number of commands in this server.",
  "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
  "    Return a list of all commands in this server.",
  "INFO [<command-name> ...]",
  "    Return details about the given commands, or all commands if none is given.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about the given commands, or all commands if none is given.",
  "HELP",
  "    Print this help.",
];

// COMMAND: every command's COMMAND INFO entry
function commandAll(): Reply {
  return COMMANDS.all().map(commandInfo);
}

// COMMAND COUNT
function commandCount(): Reply {
  return COMMANDS.all().length;
}

// COMMAND INFO [command-name ...]
function commandInfoCmd(_ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length === 2) return commandAll();
  return argv.slice(2).map((a) => {
    const spec = COMMANDS.get(text(a));
    return spec ? commandInfo(spec) : null;
  });
}

// COMMAND DOCS [command-name ...]
function commandDocsCmd(_ctx: ExecContext, argv: Arg[]): Reply {
  const specs = argv.length === 2 ? COMMANDS.all() : argv.slice(2).flatMap((a) => COMMANDS.get(text(a)) ?? []);
  return specs.flatMap((s) => commandDocs(s) as Reply[]);
}

// COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]
function commandListCmd(_ctx: ExecContext, argv: Arg[]): Reply {
  return commandList(COMMANDS.entries(), argv);
}

// COMMAND GETKEYS command [arg ...] / COMMAND GETKEYSANDFLAGS command [arg ...]
function getKeysGeneric(withFlags: boolean) {
  return (_ctx: ExecContext, argv: Arg[]): Reply => {
    const inner = argv.slice(2);
    const found = lookupCommand(COMMANDS, inner);
    if (!found.ok) throw new CommandError(found.unknown ? Errors.getkeysInvalidCommand : Errors.getkeysInvalidArity);
    const { spec } = found;
    if (!spec.keys && !spec.keySpecs) throw new CommandError(Errors.getkeysNoKeys);
    const idx = keysBySpecs(spec, inner, keyIndices);
    if (idx === null || idx.length === 0) {
      if (spec.flags.includes("no_mandatory_keys")) return [];
      throw new CommandError(Errors.getkeysInvalidArguments);
    }
    if (!withFlags) return idx.map((i) => inner[i]!);
    return idx.map((i) => [inner[i]!, keyFlagsAt(spec, inner, i).map(status)]);
  };
}

// COMMAND HELP
function commandHelp(): Reply {
  return COMMAND_HELP.map(status);
}

function commandList(all: CommandSpec[], argv: Arg[]): Reply {
  if (argv.length === 2) return all.map((s) => s.name);
  if (argv.length !== 5 || text(argv[2]!).toUpperCase() !== "FILTERBY") throw new CommandError(Errors.syntax);
  const by = text(argv[3]!).toUpperCase();
  const value = text(argv[4]!);
  if (by === "PATTERN") {
    const glob = compileGlob(value);
    return all.filter((s) => glob.test(s.name)).map((s) => s.name);
  }
  if (by === "ACLCAT") {
    const cat = `@${value.toLowerCase()}`;
    return all.filter((s) => aclCategories(s).some((c) => (c as { status: string }).status === cat)).map((s) => s.name);
  }
  if (by === "MODULE") return [];
  throw new CommandError(Errors.syntax);
}

/** INFO's sections in Redis's order; `default` and `all` name every one of them. */
const INFO_SECTIONS = ["server", "memory", "cluster", "keyspace"] as const;
type InfoSection = (typeof INFO_SECTIONS)[number];

function infoSection(ctx: ExecContext, section: InfoSection): string[] {
  switch (section) {
    case "server":
      return [
        "# Server",
        `redis_version:${REDIS_VERSION}`,
        "redis_mode:standalone",
        "edgekv_engine:durable-objects-sqlite",
        `server_time_usec:${ctx.now * 1000}`,
        "shards:1",
      ];
    case "memory":
      return ["# Memory", ...Object.entries(memoryInfo(ctx)).map(([name, value]) => `${name}:${value}`)];
    case "cluster":
      return ["# Cluster", "cluster_enabled:0"];
    case "keyspace": {
      const s = ctx.keyspace.stats();
      return s.keys > 0 ? ["# Keyspace", `db0:keys=${s.keys},expires=${s.expires},avg_ttl=${s.avgTtl}`] : ["# Keyspace"];
    }
  }
}

/** Bytes as Redis prints them in `*_human` fields (1.50K, 2.00M, …). */
export const humanBytes = bytesToHuman;

// INFO [section [section ...]]
function info(ctx: ExecContext, argv: Arg[]): Reply {
  const asked = argv.slice(1).map((a) => text(a).toLowerCase());
  const everything = asked.length === 0 || asked.some((s) => s === "all" || s === "default" || s === "everything");
  const sections = INFO_SECTIONS.filter((s) => everything || asked.includes(s));
  return sections.map((s) => infoSection(ctx, s).join("\r\n") + "\r\n").join("\r\n");
}

export const serverCommands: CommandSpec[] = [
  { name: "ping", arity: -1, flags: ["fast"], summary: "PING [message]", run: ping },
  { name: "echo", arity: 2, flags: ["fast"], summary: "ECHO message", run: echo },
  { name: "time", arity: 1, flags: ["random", "fast"], summary: "TIME", run: time },
  { name: "select", arity: 2, flags: ["loading", "stale", "fast"], summary: "SELECT index", run: select },
  container(
    "command",
    "COMMAND [COUNT|INFO [command-name ...]|DOCS [command-name ...]|LIST [FILTERBY ...]|GETKEYS command [arg ...]|HELP]",
    [
      { name: "command|count", arity: 2, flags: ["loading", "stale"], summary: "COMMAND COUNT", run: commandCount },
      { name: "command|info", arity: -2, flags: ["loading", "stale"], summary: "COMMAND INFO [command-name ...]", run: commandInfoCmd },
      { name: "command|docs", arity: -2, flags: ["loading", "stale"], summary: "COMMAND DOCS [command-name ...]", run: commandDocsCmd },
      { name: "command|list", arity: -2, flags: ["loading", "stale"], summary: "COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]", run: commandListCmd },
      { name: "command|getkeys", arity: -4, flags: ["loading", "stale"], summary: "COMMAND GETKEYS command [arg ...]", run: getKeysGeneric(false) },
      { name: "command|getkeysandflags", arity: -4, flags: ["loading", "stale"], summary: "COMMAND GETKEYSANDFLAGS command [arg ...]", run: getKeysGeneric(true) },
      { name: "command|help", arity: 2, flags: ["loading", "stale"], summary: "COMMAND HELP", run: commandHelp },
    ],
    { arity: -1, flags: ["loading", "stale"], run: commandAll },
  ),
  {
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    cluster: { kind: "all", merge: "info" },
    summary: "INFO [section ...]",
    run: info,
  },
];
