/**
 * Runs Lua scripts inside a shard: the `redis` library (call, pcall, error_reply,
 * status_reply, sha1hex, log, setresp, …), KEYS/ARGV, reply conversion both ways as Redis 7.0
 * does it, and the error texts a client sees (`… script: <sha>, on @user_script:<line>.`).
 *
 * One engine per shard object (its ScriptState, state.ts, which also caches compiled scripts by
 * SHA1). The host is given the command table, so it never imports it. A script runs
 * synchronously with an instruction budget; `redis.call` goes through the shard's dispatch in
 * the same batch context. A key a script touches must share a slot with one of its declared
 * keys (KEYS), so that no script can read or write a key that belongs to another shard. A script
 * whose KEYS span shards runs over gathered copies of them (scratch.ts): then it may touch only
 * its declared KEYS (`ctx.onlyKeys`).
 */
import type { Arg } from "../args";
import { text } from "../args";
import type { ExecContext } from "../context";
import { dispatch } from "../dispatch";
import { Errors, ScriptErrors } from "../errors";
import {
  DEFAULT_BUDGET,
  LuaBudgetError,
  LuaEngine,
  LuaError,
  LuaFunction,
  LuaSyntaxError,
  LuaTable,
  allocate,
  arrayTable,
  formatG,
  fromBytes,
  fromUtf8,
  isAsciiText,
  toBytes,
  toUtf8,
  tostringRaw,
  work,
  type LuaValue,
} from "../lua";
import { CommandError, isError, isStatus, type Reply } from "../reply";
import { slotOf } from "../slots";
import { KeyLockedError } from "../store/keyspace";
import { CommandTable, validate } from "../table";
import { sha1hex } from "./sha1";

/** What one run of a script may do. */
export interface RunOptions {
  /** SHA1 of a script, or a function's name, for error messages. */
  name: string;
  /** `user_script` for EVAL, `user_function` for FCALL. */
  chunk: string;
  keys: Arg[];
  readOnly: boolean;
  budget?: number;
}

interface Running {
  ctx: ExecContext;
  /** The script's declared keys (KEYS). */
  keys: Arg[];
  /** Their slots, computed the first time a key other than a declared one is called. */
  slots: Set<number> | null;
  readOnly: boolean;
}

/** Whether `key` belongs to a slot of the running script's declared keys. */
function isLocal(run: Running, key: string): boolean {
  const keys = run.keys;
  for (let i = 0; i < keys.length; i++) if (text(keys[i]!) === key) return true;
  run.slots ??= new Set(keys.map((k) => slotOf(text(k))));
  return run.slots.has(slotOf(key));
}

const identity = <T>(fn: () => T): T => fn();

/** The flags redis.register_function takes, in the order FUNCTION LIST shows them. */
const FUNCTION_FLAGS = ["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys", "allow-key-locking"];

export class ScriptHost {
  readonly lua: LuaEngine;
  private running: Running | null = null;
  /** Set while FUNCTION LOAD runs a library: where register_function puts its functions. */
  registering: Map<string, { callback: LuaFunction; flags: string[]; description: LuaValue }> | null = null;

  /** `table`: what redis.call runs (none given: every command is unknown, for engine tests). */
  constructor(private readonly table: CommandTable = new CommandTable()) {
    this.lua = new LuaEngine({ redis: this.redisLib() });
  }

  /** The compiled chunk of `body` (byte string); throws CommandError on a syntax error. */
  compile(body: string, chunk = "user_script"): LuaFunction {
    try {
      return this.lua.compile(body, chunk);
    } catch (e) {
      if (e instanceof LuaSyntaxError) throw new CommandError(ScriptErrors.compile(e.message));
      throw e;
    }
  }

  /** Runs `fn` with `args`, converting its result (or its error) into a reply. */
  run(ctx: ExecContext, fn: LuaFunction, args: LuaValue[], opts: RunOptions): Reply {
    const outer = this.running;
    // The script's commands never wait (only a batch's own command may) and know they run in a script.
    this.running = { ctx: { ...ctx, blocker: undefined, inScript: true }, keys: opts.keys, slots: null, readOnly: opts.readOnly };
    const budget = opts.budget ?? DEFAULT_BUDGET;
    try {
      const ret = this.lua.run(fn, args, budget, opts.chunk);
      return luaToReply(ret[0]);
    } catch (e) {
      if (e instanceof LuaBudgetError) {
        ctx.stats.incr("lua_budget_exhausted");
        throw new CommandError(ScriptErrors.budget(budget));
      }
      if (e instanceof LuaError) return { error: `${errorText(e)} script: ${opts.name}, on @${opts.chunk}:${this.lua.rt.line}.` };
      throw e;
    } finally {
      this.running = outer;
    }
  }

  private redisLib(): LuaTable {
    const t = new LuaTable();
    const fn = (name: string, f: (a: LuaValue[]) => LuaValue[]) => t.rawSet(name, new LuaFunction(name, f));
    // A reply becomes Lua strings: its bytes count against the run's allocation, and
    // converting them costs about a step per 4 bytes.
    const counted = (r: Reply): Reply => {
      const size = replySize(r);
      allocate(size);
      work(size, 4);
      return r;
    };
    const replySize = (r: Reply): number => {
      if (typeof r === "string" || r instanceof Uint8Array) return r.length;
      if (Array.isArray(r)) return r.reduce<number>((n, x) => n + replySize(x), r.length);
      return 1;
    };
    fn("call", (a) => {
      const r = this.call(a);
      if (isError(r)) {
        const e = new LuaError(r.error);
        e.fromRedis = true;
        throw e;
      }
      return [replyToLua(counted(r))];
    });
    fn("pcall", (a) => [replyToLua(counted(this.call(a)))]);
    fn("error_reply", (a) => {
      if (typeof a[0] !== "string") throw new LuaError("wrong number or type of arguments", true);
      return [errorTable(errorReplyText(a[0]))];
    });
    fn("status_reply", (a) => {
      if (typeof a[0] !== "string") throw new LuaError("wrong number or type of arguments", true);
      const s = new LuaTable();
      s.rawSet("ok", a[0]);
      return [s];
    });
    fn("sha1hex", (a) => {
      if (a.length !== 1) throw new LuaError("wrong number of arguments", true);
      const v = a[0];
      const s = typeof v === "string" ? v : typeof v === "number" ? tostringRaw(v) : "";
      // Hashing costs about an instruction per byte; charged before it is done.
      work(s.length, 1);
      return [sha1hex(s)];
    });
    fn("log", (a) => {
      if (a.length < 2) throw new LuaError("redis.log() requires two arguments or more.", true);
      if (typeof a[0] !== "number") throw new LuaError("First argument must be a number (log level).", true);
      return [];
    });
    fn("setresp", (a) => {
      if (a[0] !== 2 && a[0] !== 3) throw new LuaError(ScriptErrors.setrespVersion, true);
      return [];
    });
    fn("set_repl", () => []);
    fn("replicate_commands", () => [true]);
    fn("breakpoint", () => [false]);
    fn("debug", () => []);
    fn("acl_check_cmd", (a) => {
      const name = typeof a[0] === "string" ? a[0] : "";
      if (!this.table.get(name)) throw new LuaError("Invalid command passed to redis.acl_check_cmd()", true);
      return [true];
    });
    fn("register_function", (a) => this.registerFunction(a));
    for (const [k, v] of Object.entries({ LOG_DEBUG: 0, LOG_VERBOSE: 1, LOG_NOTICE: 2, LOG_WARNING: 3, REPL_NONE: 0, REPL_SLAVE: 1, REPL_REPLICA: 1, REPL_AOF: 2, REPL_ALL: 3 })) {
      t.rawSet(k, v);
    }
    t.rawSet("REDIS_VERSION", "7.0.0");
    t.rawSet("REDIS_VERSION_NUM", 0x070000);
    return t;
  }

  /** redis.call / redis.pcall: argv checks, key locality, then the shard's own dispatch. */
  private call(a: LuaValue[]): Reply {
    const run = this.running;
    if (!run) return { error: "ERR redis.call is not available while a library loads" };
    if (a.length === 0) return { error: ScriptErrors.noArgs };
    const argv: Arg[] = [];
    for (const v of a) {
      if (typeof v === "string") argv.push(toBytesArg(v));
      else if (typeof v === "number") argv.push(formatG(v, 17, false, false));
      else return { error: ScriptErrors.badArgType };
    }
    const only = run.ctx.onlyKeys;
    const found = validate(this.table, argv, { inScript: true, readOnly: run.readOnly, gathered: only !== undefined });
    if (!found.ok) return { error: found.error };
    for (const key of found.keys) {
      if (only ? !only.has(key) : !isLocal(run, key)) return { error: ScriptErrors.nonLocalKey };
    }
    const reply = dispatch(this.table, run.ctx, argv, identity);
    // A locked key ends the whole script (pcall cannot catch it): its command answers TRYAGAIN, nothing kept.
    if (isError(reply) && reply.error === Errors.txLocked) throw new KeyLockedError(text(argv[1] ?? ""));
    return reply;
  }

  private registerFunction(a: LuaValue[]): LuaValue[] {
    const reg = this.registering;
    if (!reg) throw new LuaError("redis.register_function can only be called on FUNCTION LOAD command", true);
    let name: LuaValue;
    let callback: LuaValue;
    let flags: string[] = [];
    let description: LuaValue;
    if (a[0] instanceof LuaTable) {
      const t = a[0];
      name = t.get("function_name");
      callback = t.get("callback");
      description = t.get("description");
      const f = t.get("flags");
      if (f !== undefined && !(f instanceof LuaTable)) throw new LuaError("flags argument to redis.register_function must be a table representing function flags");
      if (f instanceof LuaTable) for (let i = 1; f.get(i) !== undefined; i++) flags.push(String(f.get(i)));
    } else {
      [name, callback] = a;
    }
    // Redis 7.0 names a bad function name with its library-name text.
    if (typeof name !== "string" || !/^[A-Za-z0-9_]+$/.test(name)) throw new LuaError(ScriptErrors.badLibraryName.slice(4));
    if (!(callback instanceof LuaFunction)) throw new LuaError("callback must be a function", true);
    if (reg.has(name)) throw new LuaError("Function already exists in the library");
    // Flags are matched without regard to case and listed in Redis's order (script.c
    // scripts_flags_def), each once; `allow-key-locking` is Upstash's.
    const given = new Set(flags.map((f) => f.toLowerCase()));
    if ([...given].some((f) => !FUNCTION_FLAGS.includes(f))) throw new LuaError("unknown flag given");
    flags = FUNCTION_FLAGS.filter((f) => given.has(f));
    reg.set(name, { callback, flags, description });
    return [];
  }
}

function toBytesArg(s: string): Arg {
  return isAsciiText(s) ? s : toBytes(s);
}

/** The text of an uncaught script error, before ` script: …`. */
function errorText(e: LuaError): string {
  const v = e.value;
  if (e.fromRedis && typeof v === "string") return v;
  if (v instanceof LuaTable) {
    const err = v.get("err");
    return typeof err === "string" ? err : "ERR unknown error";
  }
  return `ERR ${tostringRaw(v)}`;
}

/** redis.error_reply's text: "-CODE msg" keeps CODE, a bare "msg" gets ERR. */
function errorReplyText(raw: string): string {
  const s = raw.startsWith("-") ? raw : "-" + raw;
  const sp = s.indexOf(" ");
  const code = sp === -1 ? "ERR" : s.slice(1, sp);
  const msg = sp === -1 ? s.slice(1) : s.slice(sp + 1);
  return `${code} ${msg.replace(/[\r\n]+$/, "")}`;
}

function errorTable(message: string): LuaTable {
  const t = new LuaTable();
  t.rawSet("err", message);
  return t;
}

/** A Redis reply as Lua sees it (RESP2 rules): nil → false, status → {ok=}, error → {err=}. */
export function replyToLua(r: Reply): LuaValue {
  if (r === null) return false;
  if (typeof r === "number") return r;
  if (typeof r === "bigint") return Number(r);
  if (typeof r === "string") return fromUtf8(r);
  if (r instanceof Uint8Array) return fromBytes(r);
  if (Array.isArray(r)) return arrayTable(r.map(replyToLua));
  if (isStatus(r)) {
    const t = new LuaTable();
    t.rawSet("ok", fromUtf8(r.status));
    return t;
  }
  return errorTable(fromUtf8((r as { error: string }).error));
}

/** A script's return value as a reply: numbers truncate to integers as C's (long long) cast. */
export function luaToReply(v: LuaValue, depth = 0): Reply {
  switch (typeof v) {
    case "undefined":
      return null;
    case "boolean":
      return v ? 1 : null;
    case "number": {
      if (!Number.isFinite(v) || v >= 9223372036854775807 || v < -9223372036854775808) return -9223372036854775808n;
      const n = Math.trunc(v);
      return Number.isSafeInteger(n) ? (Object.is(n, -0) ? 0 : n) : BigInt(n);
    }
    case "string":
      return toBytes(v);
  }
  if (v instanceof LuaTable) {
    const err = v.get("err");
    if (typeof err === "string") return { error: toUtf8(err) };
    const ok = v.get("ok");
    if (typeof ok === "string") return { status: toUtf8(ok) };
    if (depth > 1000) return { error: "ERR reached lua stack limit" };
    const out: Reply[] = [];
    for (let i = 1; ; i++) {
      const e = v.get(i);
      if (e === undefined) break;
      out.push(luaToReply(e, depth + 1));
    }
    return out;
  }
  return null;
}

export { DEFAULT_BUDGET };
