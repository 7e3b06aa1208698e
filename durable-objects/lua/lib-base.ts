/**
 * Lua 5.1's base library as Redis exposes it: assert error pcall xpcall type tostring
 * tonumber select unpack next pairs ipairs rawget rawset rawequal setmetatable getmetatable
 * loadstring load gcinfo collectgarbage. No dofile/loadfile/print/require/os/io/debug.
 */
import { argError, checkAny, checkInt, checkTable, lib, optInt } from "./args";
import { LuaSyntaxError, compileChunk } from "./compile";
import type { Runtime } from "./runtime";
import { LuaBudgetError, LuaError, LuaFunction, LuaTable, allocate, keep, stringToNumber, type, type LuaValue, work } from "./value";

/** Memory a syntax tree and its compiled closures take per byte of source, about (measured). */
const PARSE_BYTES_PER_SOURCE_BYTE = 16;

/** Runs `fn` protected: Lua errors become `[false, value]`; the budget error passes through. */
export function protectedCall(rt: Runtime, fn: LuaValue, args: LuaValue[], handler?: LuaValue): LuaValue[] {
  const depth = rt.depth;
  try {
    return [true, ...rt.invoke(fn, args)];
  } catch (e) {
    rt.depth = depth;
    if (e instanceof LuaBudgetError) throw e;
    let value: LuaValue;
    if (e instanceof LuaError) value = e.value;
    else if (e instanceof RangeError) value = "stack overflow";
    else throw e;
    if (handler !== undefined) value = rt.call(handler, [value])[0];
    return [false, value];
  }
}

export function baseLib(rt: Runtime): LuaTable {
  const next = (a: LuaValue[]): LuaValue[] => {
    const t = checkTable(a, 0, "next");
    return t.next(a[1]) ?? [undefined];
  };
  const nextFn = new LuaFunction("next", next);
  const ipairsIter = new LuaFunction("ipairs_iter", (a) => {
    const i = (a[1] as number) + 1;
    const v = (a[0] as LuaTable).get(i);
    return v === undefined ? [undefined] : [i, v];
  });
  return lib({
    assert: (a) => {
      if (a[0] === undefined || a[0] === false) {
        if (a.length < 2) checkAny(a, 0, "assert");
        throw new LuaError(a.length > 1 && a[1] !== undefined ? rt.tostring(a[1]) : "assertion failed!", true);
      }
      return a;
    },
    error: (a) => {
      const level = optInt(a, 1, "error", 1);
      const v = a[0];
      if ((typeof v === "string" || typeof v === "number") && level > 0) {
        if (level === 1) throw new LuaError(rt.tostring(v), true);
        const line = rt.callLines[rt.depth - level + 1] ?? 0;
        throw new LuaError(line > 0 ? `${rt.chunkName}:${line}: ${rt.tostring(v)}` : rt.tostring(v));
      }
      throw new LuaError(v);
    },
    pcall: (a) => protectedCall(rt, checkAny(a, 0, "pcall"), a.slice(1)),
    xpcall: (a) => protectedCall(rt, a[0], [], a[1]),
    type: (a) => [type(checkAny(a, 0, "type"))],
    tostring: (a) => [rt.tostring(checkAny(a, 0, "tostring"))],
    tonumber: (a) => {
      const v = a[0];
      const base = optInt(a, 1, "tonumber", 10);
      if (base === 10) {
        if (typeof v === "number") return [v];
        return [typeof v === "string" ? stringToNumber(v) : undefined];
      }
      if (base < 2 || base > 36) argError(1, "tonumber", "base out of range");
      const s = (typeof v === "number" ? rt.tostring(v) : typeof v === "string" ? v : "").trim().toLowerCase();
      const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
      const m = /^(-?)(\w+)$/.exec(s);
      if (!m || [...m[2]!].some((c) => !digits.includes(c))) return [undefined];
      let n = 0;
      for (const c of m[2]!) n = n * base + digits.indexOf(c);
      return [m[1] ? -n : n];
    },
    select: (a) => {
      const n = a[0];
      if (n === "#") return [a.length - 1];
      let i = checkInt(a, 0, "select");
      const top = a.length - 1;
      if (i < 0) i = top + i + 1;
      else if (i > top) i = top + 1;
      if (i < 1) argError(0, "select", "index out of range");
      return a.slice(i);
    },
    unpack: (a) => {
      const t = checkTable(a, 0, "unpack");
      const i = optInt(a, 1, "unpack", 1);
      const e = a[2] === undefined ? t.length() : checkInt(a, 2, "unpack");
      if (i > e) return [];
      if (e - i >= 8000) throw new LuaError("too many results to unpack", true);
      work(e - i + 1, 1);
      const out: LuaValue[] = [];
      for (let k = i; k <= e; k++) out.push(t.get(k));
      return out;
    },
    next,
    pairs: (a) => [nextFn, checkTable(a, 0, "pairs"), undefined],
    ipairs: (a) => [ipairsIter, checkTable(a, 0, "ipairs"), 0],
    rawget: (a) => [checkTable(a, 0, "rawget").get(checkAny(a, 1, "rawget"))],
    rawset: (a) => {
      const t = checkTable(a, 0, "rawset");
      checkAny(a, 1, "rawset");
      checkAny(a, 2, "rawset");
      // Raised from a C function in Lua: no position (`Attempt to modify a readonly table`).
      t.set(a[1], a[2]);
      return [t];
    },
    rawequal: (a) => [checkAny(a, 0, "rawequal") === checkAny(a, 1, "rawequal")],
    setmetatable: (a) => {
      const t = checkTable(a, 0, "setmetatable");
      const mt = a[1];
      if (mt !== undefined && !(mt instanceof LuaTable)) argError(1, "setmetatable", "nil or table expected");
      if (t.metatable?.getStr("__metatable") !== undefined) throw new LuaError("cannot change a protected metatable", true);
      if (t.readonly) throw new LuaError("Attempt to modify a readonly table");
      t.metatable = mt;
      return [t];
    },
    getmetatable: (a) => {
      const mt = rt.metatable(checkAny(a, 0, "getmetatable"));
      if (mt === undefined) return [undefined];
      const protectedMt = mt.getStr("__metatable");
      return [protectedMt !== undefined ? protectedMt : mt];
    },
    loadstring: (a) => load(rt, a, "loadstring"),
    load: (a) => load(rt, a, "load"),
    gcinfo: () => [0],
    collectgarbage: () => [0],
  });
}

function load(rt: Runtime, a: LuaValue[], fname: string): LuaValue[] {
  const src = a[0];
  if (typeof src !== "string") return argError(0, fname, `string expected, got ${type(src)}`);
  if (src.charCodeAt(0) === 27) return [undefined, "binary code is not supported"];
  const chunk = typeof a[1] === "string" ? a[1] : src;
  // Parsing costs about an instruction per byte and holds a syntax tree many times the
  // source's size while it compiles.
  // The compiled function may be kept, and its size is not visible: it counts for the rest of
  // the run.
  work(src.length, 1);
  allocate(src.length * PARSE_BYTES_PER_SOURCE_BYTE);
  keep(src.length * PARSE_BYTES_PER_SOURCE_BYTE);
  try {
    return [compileChunk(rt, src, `[string "${chunk.split("\n")[0]!.slice(0, 60)}"]`)];
  } catch (e) {
    if (e instanceof LuaSyntaxError) return [undefined, e.message];
    throw e;
  }
}
