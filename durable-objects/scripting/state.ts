/**
 * A shard's scripting state, owned by its Shard object and reached by commands through
 * `ExecContext.scripts`: the Lua engine and its redis.call bridge (ScriptHost), the durable
 * script cache and function libraries (ScriptStore), the compiled scripts by SHA1 (one cache,
 * bounded) and the function libraries loaded from the store.
 */
import type { LuaFunction, LuaValue } from "../lua";
import { ScriptStore } from "../store/scripts";
import type { CommandTable } from "../table";
import { ScriptHost } from "./host";

/** Compiled scripts kept per shard; the oldest is dropped past this. */
const MAX_COMPILED = 1000;

/** A compiled script and the flags of its `#!lua flags=…` line. */
export interface PreparedScript {
  fn: LuaFunction;
  flags: string[];
}

export interface LoadedFunction {
  callback: LuaFunction;
  flags: string[];
  description: LuaValue;
  library: string;
}

export interface Library {
  code: Uint8Array;
  functions: Map<string, LoadedFunction>;
  /** The same functions by lower-case name: Redis finds and collides function names without regard to case. */
  byLowerName: Map<string, LoadedFunction>;
}

export class ScriptState {
  readonly host: ScriptHost;
  readonly store: ScriptStore;
  private readonly compiled = new Map<string, PreparedScript>();
  /** Function libraries by name, loaded from the store on first use (null until then). */
  libraries: Map<string, Library> | null = null;

  constructor(sql: SqlStorage, table: CommandTable) {
    this.host = new ScriptHost(table);
    this.store = new ScriptStore(sql);
  }

  /** The compiled script `sha`, if this shard has compiled it. */
  compiledScript(sha: string): PreparedScript | undefined {
    return this.compiled.get(sha);
  }

  keepCompiled(sha: string, script: PreparedScript): void {
    if (this.compiled.size >= MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(sha, script);
  }

  forgetCompiled(sha?: string): void {
    if (sha === undefined) this.compiled.clear();
    else this.compiled.delete(sha);
  }
}
