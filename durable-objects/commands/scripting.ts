/**
 * Scripting: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT LOAD|EXISTS|FLUSH|KILL, FUNCTION
 * LOAD|LIST|DELETE|FLUSH, FCALL FCALL_RO. Scripts run in the shard's Lua engine
 * (scripting/host.ts); bodies are cached by SHA1 in the shard's script store.
 *
 * Across shards: SCRIPT LOAD, SCRIPT FLUSH, FUNCTION LOAD/DELETE/FLUSH run on every shard (the
 * Worker fans them out), so EVALSHA and FCALL find them wherever their keys live. EVAL caches
 * its script only on the shard it ran on; an EVALSHA elsewhere answers NOSCRIPT and the
 * client falls back to EVAL, as with Redis Cluster. A script whose KEYS span shards runs once on
 * the first key's shard over gathered copies of them (worker/cross-gathered.ts).
 */
import { ArgCursor, bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, ScriptErrors } from "../errors";
import { LuaFunction, LuaSyntaxError, arrayTable, fromBytes, type LuaValue } from "../lua";
import { CommandError, OK, type Reply } from "../reply";
import { hostFor, type ScriptHost } from "../scripting/host";
import { sha1hex } from "../scripting/sha1";
import { ScriptStore } from "../store/scripts";
import type { CommandSpec } from "../table";

const SCRIPT_FLAGS = new Set(["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys", "allow-key-locking"]);

/** The keys of EVAL-like commands: `numkeys` at argv[2], keys after it. */
function numkeysKeys(argv: Arg[]): number[] {
  const n = parseI64(text(argv[2] ?? ""));
  if (n === null || n < 0n || n > BigInt(argv.length - 3)) return [];
  return Array.from({ length: Number(n) }, (_, i) => 3 + i);
}

function parseNumKeys(argv: Arg[], notInteger: string = Errors.notInteger): number {
  const n = new ArgCursor(argv, 2).takeI64(notInteger);
  if (n < 0n) throw new CommandError(ScriptErrors.negativeKeys);
  if (n > BigInt(argv.length - 3)) throw new CommandError(ScriptErrors.tooManyKeys);
  return Number(n);
}

const stores = new WeakMap<object, ScriptStore>();
function storeOf(ctx: ExecContext): ScriptStore {
  let s = stores.get(ctx.keyspace);
  if (!s) stores.set(ctx.keyspace, (s = new ScriptStore(ctx.keyspace.sql)));
  return s;
}

/** Parses a `#!lua flags=a,b` first line; the body keeps its line numbers (the line is blanked). */
function shebang(body: string): { flags: string[]; body: string } {
  if (!body.startsWith("#!")) return { flags: [], body };
  const nl = body.indexOf("\n");
  const line = nl === -1 ? body : body.slice(0, nl);
  const parts = line.slice(2).split(" ").filter((p) => p !== "");
  if (parts[0] !== "lua") throw new CommandError(ScriptErrors.badEngine(line));
  const flags: string[] = [];
  for (const opt of parts.slice(1)) {
    if (!opt.startsWith("flags=")) throw new CommandError(ScriptErrors.badShebangOption(opt));
    for (const f of opt.slice(6).split(",")) {
      if (f === "") continue;
      if (!SCRIPT_FLAGS.has(f)) throw new CommandError(ScriptErrors.badFlag(f));
      flags.push(f);
    }
  }
  return { flags, body: nl === -1 ? "" : body.slice(nl) };
}

interface Prepared {
  fn: LuaFunction;
  flags: string[];
}

/** Compiled scripts by SHA1, per shard object: a hit skips the store and the compiler. */
const prepared = new WeakMap<ScriptHost, Map<string, Prepared>>();

function preparedScripts(host: ScriptHost): Map<string, Prepared> {
  let m = prepared.get(host);
  if (!m) prepared.set(host, (m = new Map()));
  return m;
}

/** The compiled script `sha` (from `source`, or the store when absent); null when unknown. */
function prepare(ctx: ExecContext, sha: string, source: Uint8Array | null): Prepared | null {
  const host = hostFor(ctx.keyspace);
  const cache = preparedScripts(host);
  let p = cache.get(sha);
  if (p) return p;
  const stored = source === null;
  if (source === null) source = sha.length === 40 ? storeOf(ctx).getScript(sha) : null;
  if (source === null) return null;
  const { flags, body } = shebang(fromBytes(source));
  p = { fn: host.compile(sha, body), flags };
  if (!stored) storeOf(ctx).putScript(sha, source);
  if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
  cache.set(sha, p);
  return p;
}

function runScript(ctx: ExecContext, argv: Arg[], sha: string, script: Prepared, readOnly: boolean): Reply {
  const numkeys = parseNumKeys(argv);
  const host = hostFor(ctx.keyspace);
  const keys = argv.slice(3, 3 + numkeys);
  host.lua.setGlobal("KEYS", arrayTable(keys.map(luaString)));
  host.lua.setGlobal("ARGV", arrayTable(argv.slice(3 + numkeys).map(luaString)));
  const ro = readOnly || script.flags.includes("no-writes");
  return host.run(ctx, script.fn, [], { name: sha, chunk: "user_script", keys, readOnly: ro });
}

function luaString(a: Arg): string {
  return fromBytes(bytes(a));
}

// EVAL script numkeys [key ...] [arg ...] / EVAL_RO
function evalGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const source = bytes(argv[1]!);
    const sha = sha1hex(source);
    parseNumKeys(argv);
    return runScript(ctx, argv, sha, prepare(ctx, sha, source)!, readOnly);
  };
}

// EVALSHA sha1 numkeys [key ...] [arg ...] / EVALSHA_RO
function evalshaGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const sha = text(argv[1]!).toLowerCase();
    // As Redis: a name that cannot be a SHA1 is NOSCRIPT at once; otherwise numkeys is checked first.
    if (sha.length !== 40) throw new CommandError(ScriptErrors.noScript);
    parseNumKeys(argv);
    const script = prepare(ctx, sha, null);
    if (!script) throw new CommandError(ScriptErrors.noScript);
    return runScript(ctx, argv, sha, script, readOnly);
  };
}

// SCRIPT LOAD script | EXISTS sha1 [sha1 ...] | FLUSH [ASYNC|SYNC] | KILL
function script(ctx: ExecContext, argv: Arg[]): Reply {
  const sub = text(argv[1]!).toUpperCase();
  const store = storeOf(ctx);
  if (sub === "LOAD" && argv.length === 3) {
    const source = bytes(argv[2]!);
    const sha = sha1hex(source);
    preparedScripts(hostFor(ctx.keyspace)).delete(sha);
    prepare(ctx, sha, source);
    return sha;
  }
  if (sub === "EXISTS" && argv.length >= 3) return argv.slice(2).map((s) => (store.hasScript(text(s).toLowerCase()) ? 1 : 0));
  if (sub === "FLUSH" && argv.length <= 3) {
    if (argv.length === 3 && !["ASYNC", "SYNC"].includes(text(argv[2]!).toUpperCase())) throw new CommandError(Errors.syntax);
    store.flushScripts();
    hostFor(ctx.keyspace).forget();
    preparedScripts(hostFor(ctx.keyspace)).clear();
    return OK;
  }
  if (sub === "KILL" && argv.length === 2) throw new CommandError(ScriptErrors.notBusy);
  throw new CommandError(Errors.unknownSubcommand(text(argv[1]!), "script"));
}

interface LoadedFunction {
  callback: LuaFunction;
  flags: string[];
  description: LuaValue;
  library: string;
}
interface Library {
  code: Uint8Array;
  functions: Map<string, LoadedFunction>;
}

/** The function libraries of a shard, loaded from its store on first use. */
const registries = new WeakMap<ScriptHost, Map<string, Library>>();

function libraries(ctx: ExecContext): Map<string, Library> {
  const host = hostFor(ctx.keyspace);
  let libs = registries.get(host);
  if (!libs) {
    libs = new Map();
    registries.set(host, libs);
    for (const { name, code } of storeOf(ctx).libraries()) {
      try {
        libs.set(name, loadLibrary(ctx, host, name, code));
      } catch {
        // A library that no longer loads is skipped; FUNCTION LOAD REPLACE can fix it.
      }
    }
  }
  return libs;
}

function libraryName(code: string): string {
  if (!code.startsWith("#!")) throw new CommandError(ScriptErrors.missingMetadata);
  const nl = code.indexOf("\n");
  const parts = (nl === -1 ? code : code.slice(0, nl)).slice(2).split(" ").filter((p) => p !== "");
  if (parts[0] !== "lua") throw new CommandError(ScriptErrors.badEngine(parts[0] ?? ""));
  const bad = parts.slice(1).find((p) => !p.startsWith("name="));
  if (bad !== undefined) throw new CommandError(ScriptErrors.badMetadata(bad));
  const name = parts.find((p) => p.startsWith("name="))?.slice(5);
  if (name === undefined) throw new CommandError(ScriptErrors.libraryNameMissing);
  return name;
}

function loadLibrary(ctx: ExecContext, host: ScriptHost, name: string, code: Uint8Array): Library {
  const src = fromBytes(code);
  const nl = src.indexOf("\n");
  const body = nl === -1 ? "" : src.slice(nl);
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
  for (const [fname, f] of reg) functions.set(fname, { ...f, library: name });
  return { code, functions };
}

// FUNCTION LOAD [REPLACE] code | LIST [LIBRARYNAME pattern] [WITHCODE] | DELETE name | FLUSH [ASYNC|SYNC]
function functionCmd(ctx: ExecContext, argv: Arg[]): Reply {
  const sub = text(argv[1]!).toUpperCase();
  const libs = libraries(ctx);
  const store = storeOf(ctx);
  if (sub === "LOAD" && argv.length >= 3) {
    const p = new ArgCursor(argv, 2);
    const replace = argv.length === 4 && p.eat("REPLACE");
    if (argv.length > 4 || (argv.length === 4 && !replace)) throw new CommandError(Errors.syntax);
    const code = bytes(argv[argv.length - 1]!);
    const name = libraryName(fromBytes(code));
    if (libs.has(name) && !replace) throw new CommandError(ScriptErrors.libraryExists(name));
    const lib = loadLibrary(ctx, hostFor(ctx.keyspace), name, code);
    for (const fname of lib.functions.keys()) {
      for (const [other, l] of libs) if (other !== name && l.functions.has(fname)) throw new CommandError(ScriptErrors.functionExists(fname));
    }
    libs.set(name, lib);
    store.putLibrary(name, code);
    return name;
  }
  if (sub === "LIST") {
    const p = new ArgCursor(argv, 2);
    let pattern: RegExp | null = null;
    let withCode = false;
    while (p.more()) {
      if (p.eat("WITHCODE")) withCode = true;
      else if (p.eat("LIBRARYNAME")) pattern = globToRegExp(p.takeText());
      else p.syntaxError();
    }
    const out: Reply[] = [];
    for (const [name, lib] of [...libs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (pattern && !pattern.test(name)) continue;
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
  if (sub === "DELETE" && argv.length === 3) {
    const name = text(argv[2]!);
    if (!libs.delete(name)) throw new CommandError(ScriptErrors.libraryNotFound);
    store.deleteLibrary(name);
    return OK;
  }
  if (sub === "FLUSH" && argv.length <= 3) {
    libs.clear();
    store.flushLibraries();
    return OK;
  }
  throw new CommandError(Errors.unknownSubcommand(text(argv[1]!), "function"));
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (const c of glob) re += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${re}$`, "s");
}

// FCALL function numkeys [key ...] [arg ...] / FCALL_RO
function fcallGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const name = text(argv[1]!);
    let f: LoadedFunction | undefined;
    for (const lib of libraries(ctx).values()) if ((f = lib.functions.get(name))) break;
    if (!f) throw new CommandError(ScriptErrors.noSuchFunction);
    const numkeys = parseNumKeys(argv, ScriptErrors.badNumKeys);
    const noWrites = f.flags.includes("no-writes");
    if (readOnly && !noWrites) throw new CommandError(ScriptErrors.writeFunctionInRo);
    const keys = argv.slice(3, 3 + numkeys);
    const args: LuaValue[] = [arrayTable(keys.map(luaString)), arrayTable(argv.slice(3 + numkeys).map(luaString))];
    return hostFor(ctx.keyspace).run(ctx, f.callback, args, { name, chunk: "user_function", keys, readOnly: readOnly || noWrites });
  };
}

const ALL_OK = { kind: "all", merge: "ok" } as const;

export const scriptingCommands: CommandSpec[] = [
  { name: "eval", arity: -3, flags: ["write", "noscript"], keys: numkeysKeys, run: evalGeneric(false) },
  { name: "eval_ro", arity: -3, flags: ["readonly", "noscript"], keys: numkeysKeys, run: evalGeneric(true) },
  { name: "evalsha", arity: -3, flags: ["write", "noscript"], keys: numkeysKeys, run: evalshaGeneric(false) },
  { name: "evalsha_ro", arity: -3, flags: ["readonly", "noscript"], keys: numkeysKeys, run: evalshaGeneric(true) },
  { name: "script", arity: -2, flags: ["noscript"], cluster: ALL_OK, run: script },
  { name: "function", arity: -2, flags: ["write", "noscript"], cluster: ALL_OK, run: functionCmd },
  { name: "fcall", arity: -3, flags: ["write", "noscript"], keys: numkeysKeys, run: fcallGeneric(false) },
  { name: "fcall_ro", arity: -3, flags: ["readonly", "noscript"], keys: numkeysKeys, run: fcallGeneric(true) },
];

