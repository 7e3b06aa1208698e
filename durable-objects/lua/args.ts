/**
 * Argument checks for library functions, with Lua 5.1's messages
 * (`bad argument #1 to 'sub' (number expected, got nil)`). Errors raised by library functions
 * carry no position, as in C Lua, where luaL_where of a C function is empty.
 */
import { LuaError, LuaFunction, LuaTable, numberToString, stringToNumber, type, type LuaValue } from "./value";

export function argError(i: number, fname: string, msg: string): never {
  throw new LuaError(`bad argument #${i + 1} to '${fname}' (${msg})`, true);
}

function typeName(args: LuaValue[], i: number): string {
  return i >= args.length ? "no value" : type(args[i]);
}

export function checkNumber(args: LuaValue[], i: number, fname: string): number {
  const v = args[i];
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = stringToNumber(v);
    if (n !== undefined) return n;
  }
  return argError(i, fname, `number expected, got ${typeName(args, i)}`);
}

/** luaL_checkinteger: the number truncated toward zero (lua_Integer is ptrdiff_t). */
export function checkInt(args: LuaValue[], i: number, fname: string): number {
  return toInteger(checkNumber(args, i, fname));
}

export function toInteger(n: number): number {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 0 : n > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  return Math.trunc(n);
}

export function optInt(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkInt(args, i, fname);
}

export function optNumber(args: LuaValue[], i: number, fname: string, def: number): number {
  return args[i] === undefined ? def : checkNumber(args, i, fname);
}

export function checkString(args: LuaValue[], i: number, fname: string): string {
  const v = args[i];
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberToString(v);
  return argError(i, fname, `string expected, got ${typeName(args, i)}`);
}

export function optString(args: LuaValue[], i: number, fname: string, def: string): string {
  return args[i] === undefined ? def : checkString(args, i, fname);
}

export function checkTable(args: LuaValue[], i: number, fname: string): LuaTable {
  const v = args[i];
  if (v instanceof LuaTable) return v;
  return argError(i, fname, `table expected, got ${typeName(args, i)}`);
}

export function checkAny(args: LuaValue[], i: number, fname: string): LuaValue {
  if (i >= args.length) argError(i, fname, "value expected");
  return args[i];
}

/** Builds a library table from native functions. */
export function lib(fns: Record<string, (args: LuaValue[]) => LuaValue[]>): LuaTable {
  const t = new LuaTable();
  for (const [name, fn] of Object.entries(fns)) t.rawSet(name, new LuaFunction(name, fn));
  return t;
}
