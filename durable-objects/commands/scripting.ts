/**
 * Scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT LOAD|EXISTS|FLUSH|KILL, FUNCTION
 * LOAD|LIST|DELETE|FLUSH|DUMP|RESTORE|STATS|KILL, FCALL FCALL_RO. Scripts run in the shard's Lua
 * engine (scripting/host.ts); bodies are cached by SHA1 in the shard's script store, compiled
 * scripts and loaded libraries in its ScriptState (scripting/state.ts, `ctx.scripts`).
 *
 * Across shards: SCRIPT LOAD, SCRIPT FLUSH, FUNCTION LOAD/DELETE/FLUSH run on every shard (the
 * Worker fans them out), so EVALSHA and FCALL find them wherever their keys live. EVAL caches
 * its script only on the shard it ran on; an EVALSHA elsewhere answers NOSCRIPT and the
 * client falls back to EVAL, as with Redis Cluster. A script whose KEYS span shards runs once on
 * the first key's shard over gathered copies of them (worker/cross-gathered.ts).
 */
import { keynumSpec } from "../key-specs";
import { ArgCursor, bytes, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, ScriptErrors } from "../errors";
import { LuaFunction, LuaSyntaxError, LuaTable, fromBytes, fromUtf8, stringArrayTable, type LuaValue } from "../lua";
import { CommandError, OK, type Reply } from "../reply";
import { dumpLibraries, readLibraryDump } from "../scripting/functions-dump";
import type { ScriptHost } from "../scripting/host";
import { parseLibraryMetadata, splitArgs } from "../scripting/library-metadata";
import { sha1hex } from "../scripting/sha1";
import type { Library, LoadedFunction, PreparedScript } from "../scripting/state";
import { globMatch } from "../store/glob";
import { container, type CommandSpec } from "../table";

const SCRIPT_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys", "allow-key-locking"]);

/**
 * A non-negative integer of at most 15 digits as Redis's string2ll reads it (no sign, spaces or
 * leading zeros), or null for anything else (then the full 64-bit parse judges it): numkeys, read
 * without a BigInt on every call.
 */
function smallCount(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(0) === 0x30)) return null;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return v;
}

/** The keys of EVAL-like commands: `numkeys` at argv[2], keys after it. */
function numkeysKeys(argv: Arg[]): number[] {
  const s = text(argv[2] ?? "");
  // Anything smallCount refuses is not a valid count, or is more keys than arguments.
  const n = smallCount(s) ?? -1;
  if (n < 0 || n > argv.length - 3) return [];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = 3 + i;
  return out;
}

function parseNumKeys(argv: Arg[], notInteger: string = Errors.notInteger): number {
  const small = smallCount(text(argv[2]!));
  if (small !== null) {
    if (small > argv.length - 3) throw new CommandError(ScriptErrors.tooManyKeys);
    return small;
  }
  const n = new ArgCursor(argv, 2).takeI64(notInteger);
  if (n < 0n) throw new CommandError(ScriptErrors.negativeKeys);
  if (n > BigInt(argv.length - 3)) throw new CommandError(ScriptErrors.tooManyKeys);
  return Number(n);
}

/**
 * Parses a `#!lua flags=a,b` first line (split as Redis splits it, eval.c evalExtractShebangFlags;
 * the engine name is case-sensitive here, unlike a library's); the body keeps its line numbers
 * (the line is blanked).
 */
function shebang(body: string): { flags: string[]; body: string } {
  if (!body.startsWith("#!")) return { flags: [], body };
  const nl = body.indexOf("\n");
  if (nl === -1) throw new CommandError(ScriptErrors.invalidShebang);
  const parts = splitArgs(body.slice(0, nl));
  if (parts === null || parts.length === 0) throw new CommandError(ScriptErrors.invalidShebangEngine);
  if (parts[0] !== "#!lua") throw new CommandError(ScriptErrors.badEngine(parts[0]!));
  const flags: string[] = [];
  for (const opt of parts.slice(1)) {
    if (!opt.startsWith("flags=")) throw new CommandError(ScriptErrors.badShebangOption(opt));
    // `flags=` is no flag; an empty one between commas is an unknown flag.
    for (const f of opt === "flags=" ? [] : opt.slice(6).split(",")) {
      if (!SCRIPT_FLAGS.has(f)) throw new CommandError(ScriptErrors.badFlag(f));
      flags.push(f);
    }
  }
  return { flags, body: body.slice(nl) };
}

/** The compiled script `sha` (from `source`, or the store when absent); null when unknown. */
function prepare(ctx: ExecContext, sha: string, source: Uint8Array | null): PreparedScript | null {
  const scripts = ctx.scripts;
  let p = scripts.compiledScript(sha);
  if (p) return p;
  const stored = source === null;
  if (source === null) source = sha.length === 40 ? scripts.store.getScript(sha) : null;
  if (source === null) return null;
  const { flags, body } = shebang(fromBytes(source));
  p = { fn: scripts.host.compile(body), flags };
  if (!stored) scripts.store.putScript(sha, source);
  scripts.keepCompiled(sha, p);
  return p;
}

function runScript(ctx: ExecContext, argv: Arg[], numkeys: number, sha: string, script: PreparedScript, readOnly: boolean): Reply {
  const host = ctx.scripts.host;
  const keys = argv.slice(3, 3 + numkeys);
  host.lua.setGlobal("KEYS", luaStrings(argv, 3, 3 + numkeys));
  host.lua.setGlobal("ARGV", luaStrings(argv, 3 + numkeys, argv.length));
  const ro = readOnly || script.flags.includes("no-writes");
  return host.run(ctx, script.fn, [], { name: sha, chunk: "user_script", keys, readOnly: ro });
}

/** An argument as a Lua string: its bytes (text as UTF-8). */
function luaString(a: Arg): string {
  return typeof a === "string" ? fromUtf8(a) : fromBytes(a);
}

/** `argv[from..to)` as a Lua array of strings (KEYS, ARGV). */
function luaStrings(argv: Arg[], from: number, to: number): LuaTable {
  const out: string[] = new Array<string>(to - from);
  for (let i = from; i < to; i++) out[i - from] = luaString(argv[i]!);
  return stringArrayTable(out);
}

// EVAL script numkeys [key ...] [arg ...] / EVAL_RO
function evalGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const source = bytes(argv[1]!);
    const sha = sha1hex(source);
    const numkeys = parseNumKeys(argv);
    return runScript(ctx, argv, numkeys, sha, prepare(ctx, sha, source)!, readOnly);
  };
}

// EVALSHA sha1 numkeys [key ...] [arg ...] / EVALSHA_RO
function evalshaGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const sha = text(argv[1]!).toLowerCase();
    // As Redis: a name that cannot be a SHA1 is NOSCRIPT at once; otherwise numkeys is checked first.
    if (sha.length !== 40) throw new CommandError(ScriptErrors.noScript);
    const numkeys = parseNumKeys(argv);
    const script = prepare(ctx, sha, null);
    if (!script) throw new CommandError(ScriptErrors.noScript);
    return runScript(ctx, argv, numkeys, sha, script, readOnly);
  };
}

// SCRIPT LOAD script
function scriptLoad(ctx: ExecContext, argv: Arg[]): Reply {
  const source = bytes(argv[2]!);
  const sha = sha1hex(source);
  ctx.scripts.forgetCompiled(sha);
  prepare(ctx, sha, source);
  return sha;
}

// SCRIPT EXISTS sha1 [sha1 ...]
function scriptExists(ctx: ExecContext, argv: Arg[]): Reply {
  const store = ctx.scripts.store;
  return argv.slice(2).map((s) => (store.hasScript(text(s).toLowerCase()) ? 1 : 0));
}

/** The optional `ASYNC|SYNC` of SCRIPT FLUSH and FUNCTION FLUSH (both flush at once here). */
function flushMode(argv: Arg[], container: "SCRIPT" | "FUNCTION"): void {
  if (argv.length === 3 && ["ASYNC", "SYNC"].includes(text(argv[2]!).toUpperCase())) return;
  if (argv.length === 2) return;
  if (argv.length > 3 && container === "FUNCTION") throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "function"));
  throw new CommandError(ScriptErrors.flushMode(container));
}

// SCRIPT FLUSH [ASYNC|SYNC]
function scriptFlush(ctx: ExecContext, argv: Arg[]): Reply {
  flushMode(argv, "SCRIPT");
  ctx.scripts.store.flushScripts();
  ctx.scripts.forgetCompiled();
  return OK;
}

// SCRIPT KILL
function scriptKill(): Reply {
  throw new CommandError(ScriptErrors.notBusy);
}

/** The function called `name` (in any case) in `libs`, if one is loaded. */
function findFunction(libs: Iterable<Library>, name: string): LoadedFunction | undefined {
  const lower = name.toLowerCase();
  for (const lib of libs) {
    const f = lib.byLowerName.get(lower);
    if (f) return f;
  }
  return undefined;
}

/** FUNCTION LOAD's and RESTORE's collision check: the first of `lib`'s functions already in `others`. */
function collidingFunction(lib: Library, others: Iterable<Library>): string | undefined {
  const list = [...others];
  for (const fname of lib.functions.keys()) if (findFunction(list, fname)) return fname;
  return undefined;
}

/** The function libraries of a shard, loaded from its store on first use. */
function libraries(ctx: ExecContext): Map<string, Library> {
  const scripts = ctx.scripts;
  if (scripts.libraries) return scripts.libraries;
  const libs = (scripts.libraries = new Map());
  for (const { name, code } of scripts.store.libraries()) {
    try {
      libs.set(name, loadLibrary(ctx, scripts.host, code));
    } catch {
      // A library that no longer loads is skipped; FUNCTION LOAD REPLACE can fix it.
    }
  }
  return libs;
}

/** Compiles library `code` and runs it to collect the functions it registers (FUNCTION LOAD's work). */
function loadLibrary(ctx: ExecContext, host: ScriptHost, code: Uint8Array): Library & { name: string } {
  const { name, body } = parseLibraryMetadata(fromBytes(code));
  let fn: LuaFunction;
  try {
    fn = host.lua.compile(body, "user_function");
  } catch (e) {
    if (e instanceof LuaSyntaxError) throw new CommandError(ScriptErrors.compileFunction(e.message));
    throw e;
  }
  const reg = new Map<string, { callback: LuaFunction; flags: string[]; description: LuaValue }>();
  host.registering = reg;
  try {
    const r = host.run(ctx, fn, [], { name, chunk: "user_function", keys: [], readOnly: true });
    if (r !== null && typeof r === "object" && "error" in r) throw new CommandError(ScriptErrors.registering(r.error.replace(/ script: .*$/s, "")));
  } finally {
    host.registering = null;
  }
  if (reg.size === 0) throw new CommandError(ScriptErrors.noFunctions);
  const functions = new Map<string, LoadedFunction>();
  const byLowerName = new Map<string, LoadedFunction>();
  for (const [fname, f] of reg) {
    const loaded = { ...f, library: name };
    functions.set(fname, loaded);
    byLowerName.set(fname.toLowerCase(), loaded);
  }
  return { name, code, functions, byLowerName };
}

// FUNCTION LOAD [REPLACE] code
function functionLoad(ctx: ExecContext, argv: Arg[]): Reply {
  const libs = libraries(ctx);
  // Every argument before the code is an option, and REPLACE is the only one (repeats allowed).
  for (const opt of argv.slice(2, -1)) {
    if (text(opt).toUpperCase() !== "REPLACE") throw new CommandError(ScriptErrors.unknownLoadOption(text(opt)));
  }
  const replace = argv.length > 3;
  const code = bytes(argv[argv.length - 1]!);
  const { name } = parseLibraryMetadata(fromBytes(code));
  if (libs.has(name) && !replace) throw new CommandError(ScriptErrors.libraryExists(name));
  const lib = loadLibrary(ctx, ctx.scripts.host, code);
  const clash = collidingFunction(lib, [...libs].filter(([other]) => other !== name).map(([, l]) => l));
  if (clash !== undefined) throw new CommandError(ScriptErrors.functionExists(clash));
  libs.set(name, lib);
  ctx.scripts.store.putLibrary(name, code);
  return name;
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
function functionList(ctx: ExecContext, argv: Arg[]): Reply {
  const libs = libraries(ctx);
  let pattern: string | null = null;
  let withCode = false;
  // Each option once; a second one is an unknown argument, as in Redis.
  for (let i = 2; i < argv.length; i++) {
    const arg = text(argv[i]!);
    if (!withCode && arg.toUpperCase() === "WITHCODE") {
      withCode = true;
    } else if (pattern === null && arg.toUpperCase() === "LIBRARYNAME") {
      if (i === argv.length - 1) throw new CommandError(ScriptErrors.libraryPatternMissing);
      pattern = text(argv[++i]!).toLowerCase();
    } else {
      throw new CommandError(ScriptErrors.unknownListArgument(arg));
    }
  }
  const out: Reply[] = [];
  for (const [name, lib] of sortedLibraries(libs)) {
    // Redis matches the pattern without regard to case.
    if (pattern !== null && !globMatch(pattern, name.toLowerCase())) continue;
    const fns: Reply[] = [...lib.functions].map(([fname, f]) => [
      "name",
      fname,
      "description",
      typeof f.description === "string" ? f.description : null,
      "flags",
      f.flags,
    ]);
    const entry: Reply[] = ["library_name", name, "engine", "LUA", "functions", fns];
    if (withCode) entry.push("library_code", lib.code);
    out.push(entry);
  }
  return out;
}

// FUNCTION DELETE library-name
function functionDelete(ctx: ExecContext, argv: Arg[]): Reply {
  const name = text(argv[2]!);
  if (!libraries(ctx).delete(name)) throw new CommandError(ScriptErrors.libraryNotFound);
  ctx.scripts.store.deleteLibrary(name);
  return OK;
}

// FUNCTION FLUSH [ASYNC|SYNC]
function functionFlush(ctx: ExecContext, argv: Arg[]): Reply {
  flushMode(argv, "FUNCTION");
  libraries(ctx).clear();
  ctx.scripts.store.flushLibraries();
  return OK;
}

// FUNCTION DUMP
function functionDump(ctx: ExecContext): Reply {
  return dumpLibraries(sortedLibraries(libraries(ctx)).map(([, lib]) => lib.code));
}

// FUNCTION STATS
function functionStats(ctx: ExecContext): Reply {
  const libs = libraries(ctx);
  let functions = 0;
  for (const lib of libs.values()) functions += lib.functions.size;
  return ["running_script", null, "engines", ["LUA", ["libraries_count", libs.size, "functions_count", functions]]];
}

// FUNCTION KILL: scripts run one at a time, each to its end within its budget, so none is
// ever running while another command is served.
function functionKill(): Reply {
  throw new CommandError(ScriptErrors.notBusy);
}

function sortedLibraries(libs: Map<string, Library>): [string, Library][] {
  return [...libs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
function functionRestore(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 4) throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "function"));
  const policy = argv.length === 4 ? text(argv[3]!).toUpperCase() : "APPEND";
  if (policy !== "APPEND" && policy !== "REPLACE" && policy !== "FLUSH") throw new CommandError(ScriptErrors.badRestorePolicy);
  // Every library is loaded (and checked) apart first: a failure leaves the current ones as they were.
  const incoming = new Map<string, Library>();
  const host = ctx.scripts.host;
  for (const code of readLibraryDump(bytes(argv[2]!))) {
    const { name } = parseLibraryMetadata(fromBytes(code));
    if (incoming.has(name)) throw new CommandError(ScriptErrors.libraryExists(name));
    const lib = loadLibrary(ctx, host, code);
    const clash = collidingFunction(lib, incoming.values());
    if (clash !== undefined) throw new CommandError(ScriptErrors.functionExists(clash));
    incoming.set(name, lib);
  }
  const libs = libraries(ctx);
  const store = ctx.scripts.store;
  if (policy === "FLUSH") {
    libs.clear();
    store.flushLibraries();
  } else {
    for (const name of incoming.keys()) {
      if (libs.has(name) && policy === "APPEND") throw new CommandError(ScriptErrors.restoredLibraryExists(name));
    }
    const kept = [...libs].filter(([name]) => !incoming.has(name)).map(([, lib]) => lib);
    for (const lib of incoming.values()) {
      const clash = collidingFunction(lib, kept);
      if (clash !== undefined) throw new CommandError(ScriptErrors.functionExists(clash));
    }
  }
  for (const [name, lib] of incoming) {
    libs.set(name, lib);
    store.putLibrary(name, lib.code);
  }
  return OK;
}

// FCALL function numkeys [key ...] [arg ...] / FCALL_RO
function fcallGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const name = text(argv[1]!);
    const f = findFunction(libraries(ctx).values(), name);
    if (!f) throw new CommandError(ScriptErrors.noSuchFunction);
    const numkeys = parseNumKeys(argv, ScriptErrors.badNumKeys);
    const noWrites = f.flags.includes("no-writes");
    // A function without `no-writes` is refused by FCALL_RO even when it only reads, as Redis
    // does, and as Upstash documents it: "The function must have been registered with the
    // no-writes flag; calling a function without it returns an error"
    // (https://upstash.com/docs/redis/commands/functions/fcall-ro).
    if (readOnly && !noWrites) throw new CommandError(ScriptErrors.writeFunctionInRo);
    const keys = argv.slice(3, 3 + numkeys);
    const args: LuaValue[] = [luaStrings(argv, 3, 3 + numkeys), luaStrings(argv, 3 + numkeys, argv.length)];
    return ctx.scripts.host.run(ctx, f.callback, args, { name, chunk: "user_function", keys, readOnly: readOnly || noWrites });
  };
}

const WORST_RW = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
const WORST_RO = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS";
const ALL_OK = { kind: "all", merge: "ok" } as const;
/** Scripts and functions run once, over copies of their KEYS when these span shards. */
const GATHERED = { kind: "cross", gather: true } as const;

export const scriptingCommands: CommandSpec[] = [
  { name: "eval", arity: -3, flags: ["write", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RW", "access", "update"], 2, WORST_RW)], run: evalGeneric(false) },
  { name: "eval_ro", arity: -3, flags: ["readonly", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RO", "access"], 2, WORST_RO)], run: evalGeneric(true) },
  { name: "evalsha", arity: -3, flags: ["write", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RW", "access", "update"], 2)], run: evalshaGeneric(false) },
  { name: "evalsha_ro", arity: -3, flags: ["readonly", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RO", "access"], 2)], run: evalshaGeneric(true) },
  container("script", "SCRIPT <subcommand> [arg ...]", [
    { name: "script|load", arity: 3, flags: ["noscript", "stale"], state: "scripts", cluster: ALL_OK, summary: "SCRIPT LOAD script", run: scriptLoad },
    { name: "script|exists", arity: -3, flags: ["noscript"], cluster: ALL_OK, summary: "SCRIPT EXISTS sha1 [sha1 ...]", run: scriptExists },
    { name: "script|flush", arity: -2, flags: ["noscript"], state: "scripts", cluster: ALL_OK, summary: "SCRIPT FLUSH [ASYNC|SYNC]", run: scriptFlush },
    { name: "script|kill", arity: 2, flags: ["noscript", "allow_busy"], summary: "SCRIPT KILL", run: scriptKill },
  ]),
  container("function", "FUNCTION <subcommand> [arg ...]", [
    { name: "function|load", arity: -3, flags: ["write", "denyoom", "noscript"], state: "functions", cluster: ALL_OK, summary: "FUNCTION LOAD [REPLACE] function-code", run: functionLoad },
    { name: "function|list", arity: -2, flags: ["noscript"], cluster: ALL_OK, summary: "FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE]", run: functionList },
    { name: "function|delete", arity: 3, flags: ["write", "noscript"], state: "functions", cluster: ALL_OK, summary: "FUNCTION DELETE library-name", run: functionDelete },
    { name: "function|flush", arity: -2, flags: ["write", "noscript"], state: "functions", cluster: ALL_OK, summary: "FUNCTION FLUSH [ASYNC|SYNC]", run: functionFlush },
    { name: "function|dump", arity: 2, flags: ["noscript"], summary: "FUNCTION DUMP", run: functionDump },
    {
      name: "function|restore",
      arity: -3,
      flags: ["write", "denyoom", "noscript"],
      state: "functions",
      cluster: ALL_OK,
      summary: "FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE]",
      run: functionRestore,
    },
    { name: "function|stats", arity: 2, flags: ["noscript", "allow_busy"], summary: "FUNCTION STATS", run: functionStats },
    { name: "function|kill", arity: 2, flags: ["noscript", "allow_busy"], summary: "FUNCTION KILL", run: functionKill },
  ]),
  { name: "fcall", arity: -3, flags: ["write", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RW", "access", "update"], 2, WORST_RW)], run: fcallGeneric(false) },
  { name: "fcall_ro", arity: -3, flags: ["readonly", "noscript", "no_mandatory_keys"], keys: numkeysKeys, cluster: GATHERED, keySpecs: [keynumSpec(["RO", "access"], 2, WORST_RO)], run: fcallGeneric(true) },
];
