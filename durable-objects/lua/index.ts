/**
 * A sandboxed Lua 5.1 engine: the runtime, its libraries (base, string, table, math, bit,
 * cjson) and Redis's sandbox rules: globals and library tables are read-only, reading a
 * missing global is an error, and every run has an instruction budget.
 *
 * @example
 * const lua = new LuaEngine();
 * const fn = lua.compile("return 1 + 1", "user_script");
 * lua.run(fn, [], 1_000_000); // [2]
 */
import { compileChunk } from "./compile";
import { baseLib } from "./lib-base";
import { bitLib } from "./lib-bit";
import { cjsonLib } from "./lib-cjson";
import { cmsgpackLib } from "./lib-cmsgpack";
import { structLib } from "./lib-struct";
import { stringLib } from "./lib-string";
import { mathLib, tableLib } from "./lib-table";
import { Runtime } from "./runtime";
import { LuaError, LuaFunction, LuaTable, MAX_ALLOC, MAX_SLOTS, memory, type LuaValue } from "./value";

export { LuaSyntaxError } from "./compile";
export { JSON_NULL } from "./lib-cjson";
export { protectedCall } from "./lib-base";
export * from "./value";
export { Runtime, tostringRaw } from "./runtime";

/** Instructions (loop iterations + calls) a script may use by default. */
export const DEFAULT_BUDGET = 50_000_000;

export class LuaEngine {
  readonly rt = new Runtime();

  constructor(extra: Record<string, LuaTable> = {}) {
    const rt = this.rt;
    const g = rt.globals;
    for (const [name, fn] of baseLib(rt).hash) g.rawSet(name as string, fn);
    const str = stringLib(rt);
    rt.setStringLib(str);
    const libs: Record<string, LuaTable> = {
      string: str,
      table: tableLib(rt),
      math: mathLib(),
      bit: bitLib(),
      cjson: cjsonLib(rt),
      cmsgpack: cmsgpackLib(),
      struct: structLib(),
      ...extra,
    };
    for (const [name, t] of Object.entries(libs)) g.rawSet(name, t);
    g.rawSet("_G", g);
    g.rawSet("_VERSION", "Lua 5.1");
    const guard = new LuaTable();
    guard.rawSet(
      "__index",
      new LuaFunction("__index", (a) => {
        const name = a[1];
        return rt.error(`Script attempted to access nonexistent global variable '${typeof name === "string" ? name : rt.tostring(name)}'`);
      }),
    );
    g.metatable = guard;
    freeze(g);
    freeze(rt.metatable("")!);
  }

  /** Compiles a chunk (a byte string); throws LuaSyntaxError with Lua's message. */
  compile(source: string, name = "user_script"): LuaFunction {
    return compileChunk(this.rt, source, name);
  }

  /** Globals set for the next run only. */
  private readonly runGlobals: string[] = [];
  private depth = 0;

  /**
   * Sets a global for the next run, bypassing the read-only guard (KEYS, ARGV). It is
   * removed when that run ends, so that no later script or function sees it.
   */
  setGlobal(name: string, value: LuaValue): void {
    this.rt.globals.setKept(name, value);
    if (!this.runGlobals.includes(name)) this.runGlobals.push(name);
  }

  /**
   * Runs a compiled chunk with a fresh budget. Throws LuaError (a script error),
   * LuaBudgetError (budget exhausted) — never anything else for a script's own doing.
   */
  run(fn: LuaFunction, args: LuaValue[] = [], budget = DEFAULT_BUDGET, chunkName = "user_script"): LuaValue[] {
    const rt = this.rt;
    rt.arm(budget);
    // The counts of the run this one is nested in, if any, restored when it ends.
    const { active, slots, alloc, temp, meter, depth: meterDepth } = memory;
    memory.slots = MAX_SLOTS;
    memory.alloc = MAX_ALLOC;
    memory.temp = 0;
    memory.meter = rt;
    memory.depth = rt;
    memory.active = true;
    rt.chunkName = chunkName;
    rt.line = 0;
    this.depth++;
    try {
      return rt.call(fn, args);
    } catch (e) {
      if (e instanceof RangeError) throw new LuaError(`${rt.where()}stack overflow`);
      throw e;
    } finally {
      memory.active = active;
      memory.slots = slots;
      memory.alloc = alloc;
      memory.temp = temp;
      memory.meter = meter;
      memory.depth = meterDepth;
      if (--this.depth === 0) {
        for (const name of this.runGlobals) rt.globals.setKept(name, undefined);
        this.runGlobals.length = 0;
      }
    }
  }
}

/**
 * Marks `t`, every table reachable from it (values and keys) and their metatables read-only:
 * the globals, every library table and the string metatable are shared by every script the
 * engine runs, so none may change them (Redis does the same since CVE-2022-24735 for the
 * globals and since CVE-2025-46818 for the metatables of basic types).
 */
export function freeze(t: LuaTable, seen = new Set<LuaTable>()): void {
  if (seen.has(t)) return;
  seen.add(t);
  t.readonly = true;
  if (t.metatable) freeze(t.metatable, seen);
  for (let e = t.next(undefined); e; e = t.next(e[0])) {
    if (e[0] instanceof LuaTable) freeze(e[0], seen);
    if (e[1] instanceof LuaTable) freeze(e[1], seen);
  }
}

/**
 * A Lua array of strings made outside a run (KEYS, ARGV): `values` (a fresh array) becomes its
 * array part as it is; inside a run each slot is counted, as arrayTable does.
 */
export function stringArrayTable(values: string[]): LuaTable {
  if (memory.active) return arrayTable(values);
  const t = new LuaTable();
  t.arr = values;
  return t;
}

/** Builds a Lua array table from values. */
export function arrayTable(values: LuaValue[]): LuaTable {
  const t = new LuaTable();
  for (let i = 0; i < values.length; i++) t.rawSet(i + 1, values[i]);
  return t;
}

export { LuaError };
