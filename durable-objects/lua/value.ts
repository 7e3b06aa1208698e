/**
 * Lua 5.1 values in JavaScript.
 *
 * | Lua      | here                                                                  |
 * | -------- | --------------------------------------------------------------------- |
 * | nil      | `undefined`                                                           |
 * | boolean  | `boolean`                                                             |
 * | number   | `number` (a double, as Lua 5.1's lua_Number)                          |
 * | string   | `string` whose every char code is one byte 0..255 (a "byte string")   |
 * | table    | `LuaTable`                                                            |
 * | function | `LuaFunction`                                                         |
 *
 * Strings are byte strings: Lua strings are 8-bit clean and may hold `\0`, so a Lua string is
 * a JS string with one char per byte. Text from outside (script bodies, KEYS, ARGV, replies)
 * is turned into bytes at the boundary (`fromBytes`/`fromUtf8`) and back (`toBytes`), so
 * `#s`, `string.byte` and patterns see bytes exactly as C Lua does.
 *
 * A table keeps an array part (keys 1..n, dense at its end) and a hash part (a Map; Map's
 * SameValueZero makes 1 and 1.0 one key, and "1" and 1 two keys, as in Lua).
 */

import { toGeneralC } from "./numfmt";
import { textBytes } from "../args";

export type LuaValue = undefined | boolean | number | string | LuaTable | LuaFunction | LuaUserdata;

/** An opaque value; the only one scripts see is `cjson.null` (a NULL light userdata in C). */
export class LuaUserdata {
  readonly id = 0;
  constructor(readonly name: string) {}
}

/** A Lua function: compiled Lua code or a native (library) function. Always returns a list. */
export class LuaFunction {
  readonly id = nextId();
  /** Bytes the function keeps alive by itself (a gmatch iterator: its subject). */
  holds = 0;
  constructor(
    readonly name: string,
    readonly call: (args: LuaValue[]) => LuaValue[],
    readonly native = true,
  ) {}
}

let ids = 0x1000;
function nextId(): number {
  ids = (ids + 0x28) % 0x7fffffff;
  return ids;
}

/** A Lua error raised by `error()` or the runtime; `value` is the error object. */
export class LuaError extends Error {
  /** Set for errors raised by `redis.call` (the reply text is passed through as is). */
  fromRedis = false;
  /**
   * `lib`: raised by a library function with luaL_error; the call from Lua code prefixes the
   * caller's position (`user_script:1: `), as luaL_where(L, 1) does.
   */
  constructor(
    readonly value: LuaValue,
    readonly lib = false,
  ) {
    super(typeof value === "string" ? value : "lua error");
  }
}

/** Raised when a script exceeds its instruction budget; `pcall` cannot catch it. */
export class LuaBudgetError extends Error {
  constructor() {
    super("lua instruction budget exceeded");
  }
}

/** The hash part of every table that has never had a key there (never written: its first key makes a Map of its own). */
const NO_HASH: Map<unknown, LuaValue> = new Map();

export class LuaTable {
  readonly id = nextId();
  arr: LuaValue[] = [];
  hash: Map<unknown, LuaValue> = NO_HASH;
  metatable: LuaTable | undefined = undefined;
  readonly = false;
  private keysCache: unknown[] | null = null;
  private keysIndex: Map<unknown, number> | null = null;

  constructor() {
    allocateTable();
  }

  get(key: LuaValue): LuaValue {
    if (typeof key === "number") {
      const a = this.arr;
      if (key >= 1 && key <= a.length && Number.isInteger(key)) return a[key - 1];
    }
    return this.hash.get(key);
  }

  getStr(key: string): LuaValue {
    return this.hash.get(key);
  }

  /** Raw set (no metamethods). Throws a LuaError for nil/NaN keys and readonly tables. */
  set(key: LuaValue, value: LuaValue): void {
    if (this.readonly) throw new LuaError("Attempt to modify a readonly table");
    this.rawSet(key, value);
  }

  rawSet(key: LuaValue, value: LuaValue): void {
    if (typeof key === "number") {
      if (Number.isNaN(key)) throw new LuaError("table index is NaN");
      const a = this.arr;
      if (Number.isInteger(key) && key >= 1) {
        if (key <= a.length) {
          if (memory.active) recharge(value, a[key - 1]);
          a[key - 1] = value;
          if (value === undefined && key === a.length) {
            let n = a.length - 1;
            while (n > 0 && a[n - 1] === undefined) n--;
            a.length = n;
          }
          return;
        }
        if (key === a.length + 1) {
          if (value === undefined) {
            this.hash.delete(key);
            return;
          }
          charge(value);
          a.push(value);
          if (this.hash.size > 0) {
            this.hash.delete(key);
            let next = a.length + 1;
            while (this.hash.has(next)) {
              a.push(this.hash.get(next));
              this.hash.delete(next);
              next++;
            }
          }
          return;
        }
      }
      if (Object.is(key, -0)) key = 0;
    } else if (key === undefined) {
      throw new LuaError("table index is nil");
    }
    if (value === undefined) {
      if (memory.active) recharge(undefined, this.hash.get(key));
      this.hash.delete(key);
    } else {
      const old = this.hash.get(key);
      if (old === undefined) {
        charge(value);
        if (memory.active && typeof key === "string") hold(key.length);
        if (this.keysCache !== null) this.keysCache = this.keysIndex = null;
      } else if (memory.active) recharge(value, old);
      if (this.hash === NO_HASH) this.hash = new Map();
      this.hash.set(key, value);
    }
  }

  /**
   * Sets a string key that is set and cleared again and again (KEYS and ARGV, once per run):
   * cleared, its entry stays in the hash part as nil (which every lookup and walk skips), so
   * the Map does not grow and shrink on every run. Raw: no metamethods, no read-only check,
   * nothing counted (it is set between runs).
   */
  setKept(key: string, value: LuaValue): void {
    if (this.hash === NO_HASH) this.hash = new Map();
    if (!this.hash.has(key) && this.keysCache !== null) this.keysCache = this.keysIndex = null;
    this.hash.set(key, value);
  }

  /** The entries in next()'s order, without next()'s key index (for whole-table walks). */
  *entries(): Generator<[LuaValue, LuaValue]> {
    const a = this.arr;
    for (let i = 0; i < a.length; i++) if (a[i] !== undefined) yield [i + 1, a[i]];
    for (const [k, v] of this.hash) if (v !== undefined) yield [k as LuaValue, v];
  }

  /** The border `#t`: the array part's length, or a border found in the hash part. */
  length(): number {
    const n = this.arr.length;
    if (n > 0 || this.hash.size === 0) return n;
    let i = 0;
    while (this.hash.get(i + 1) !== undefined) i++;
    return i;
  }

  /** Lua's next(): the entry after `key` (array part first, then the hash part). */
  next(key: LuaValue): [LuaValue, LuaValue] | undefined {
    const a = this.arr;
    let i = 0;
    if (key !== undefined) {
      if (typeof key === "number" && Number.isInteger(key) && key >= 1 && key <= a.length) {
        i = key;
      } else {
        return this.nextInHash(key);
      }
    }
    for (; i < a.length; i++) if (a[i] !== undefined) return [i + 1, a[i]];
    return this.nextInHash(undefined);
  }

  private nextInHash(key: LuaValue): [LuaValue, LuaValue] | undefined {
    if (this.keysCache === null) {
      this.keysCache = [...this.hash.keys()];
      this.keysIndex = new Map(this.keysCache.map((k, j) => [k, j]));
    }
    let j = 0;
    if (key !== undefined) {
      const at = this.keysIndex!.get(key);
      if (at === undefined) throw new LuaError("invalid key to 'next'", true);
      j = at + 1;
    }
    const keys = this.keysCache;
    for (; j < keys.length; j++) {
      const v = this.hash.get(keys[j]);
      if (v !== undefined) return [keys[j] as LuaValue, v];
    }
    return undefined;
  }
}

export function type(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return "boolean";
    case "number":
      return "number";
    case "string":
      return "string";
    default:
      return v instanceof LuaTable ? "table" : v instanceof LuaFunction ? "function" : "userdata";
  }
}

export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

/** What formatting a number that is not a small integer costs in instructions, about (measured). */
const NUMBER_FORMAT_STEPS = 16;

/** `printf("%.14g")`, Lua 5.1's LUAI_NUMFFORMAT, with C's inf/nan spellings. */
export function numberToString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e14) return Object.is(n, -0) ? "-0" : String(n);
  return formatG(n, 14, false, false);
}

/** C's `%.{precision}g` (`alt`: the `#` flag keeps trailing zeros). */
export function formatG(n: number, precision: number, upper: boolean, alt: boolean): string {
  if (!Number.isFinite(n)) return nonFinite(n, upper);
  work(NUMBER_FORMAT_STEPS, 1);
  const body = toGeneralC(Math.abs(n), precision, alt);
  const out = n < 0 || Object.is(n, -0) ? "-" + body : body;
  return upper ? out.toUpperCase() : out;
}

export function nonFinite(n: number, upper: boolean): string {
  const s = Number.isNaN(n) ? "-nan" : n > 0 ? "inf" : "-inf";
  return upper ? s.toUpperCase() : s;
}

const SPACE = " \t\n\v\f\r";

/**
 * The common case of stringToNumber, without a regex or a slice: up to 15 decimal digits with
 * an optional '-' (exact in a double; "-0" is -0 as strtod reads it); undefined for anything else.
 */
function plainInteger(s: string): number | undefined {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (n === i || n - i > 15) return undefined;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return s.charCodeAt(0) === 0x2d ? -v : v;
}

/** Lua 5.1's luaO_str2d: strtod (decimal, hex, inf/nan) with surrounding spaces allowed. */
export function stringToNumber(s: string): number | undefined {
  const n = plainInteger(s);
  if (n !== undefined) return n;
  let a = 0;
  let b = s.length;
  while (a < b && SPACE.includes(s[a]!)) a++;
  while (b > a && SPACE.includes(s[b - 1]!)) b--;
  if (a === b) return undefined;
  const t = s.slice(a, b);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(t);
  if (hex) {
    const v = parseInt(hex[2]!, 16);
    return hex[1] === "-" ? -v : v;
  }
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) {
    if (special[2]!.toLowerCase() === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  return undefined;
}

/** Arithmetic coercion: numbers, and strings that convert (else undefined). */
export function toNumber(v: LuaValue): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string") return stringToNumber(v);
  return undefined;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
/** Byte arrays up to this long become strings in one fromCharCode call (cheaper than the decoder). */
const SHORT_BYTES = 256;

/** Whether every char of `s` is ASCII (a string that is its own UTF-8 bytes). */
export function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A byte string from UTF-8 text. */
export function fromUtf8(s: string): string {
  return isAsciiText(s) ? s : fromBytes(textBytes(s));
}

export function fromBytes(b: Uint8Array): string {
  // apply takes the typed array as it is; a spread would walk it through its iterator (slow).
  if (b.length <= SHORT_BYTES) return String.fromCharCode.apply(null, b as unknown as number[]);
  if (isAscii(b)) return utf8Decoder.decode(b);
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 8192) parts.push(String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]));
  return parts.join("");
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}

export function toBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** A byte string as text: UTF-8 decoded (lossy for invalid sequences). */
export function toUtf8(s: string): string {
  return isAsciiText(s) ? s : utf8Decoder.decode(toBytes(s));
}

/**
 * What one script run may hold beyond its instructions, counted per run and reset by
 * LuaEngine.run (docs/lua-engine.md, "Memory"):
 * - `slots`: new table slots;
 * - `alloc`: bytes the run may still hold (Infinity outside a run). Counted in it: every
 *   string made, as a temporary of the statement that made it (`temp`), until the next
 *   statement of the same function starts; the strings stored in the function's own locals,
 *   until they are overwritten or the call returns (`Frame.held`); strings stored in table
 *   slots and in locals that closures capture, for the rest of the run; tables, slots and
 *   compiled chunks, for the rest of the run. Past it: "not enough memory".
 * - `temp`: the current statement's temporaries (a call starts its own and restores the
 *   caller's when it returns);
 * - `meter`: the running engine's instruction counter, which native work is charged to;
 * - `depth`: the running engine's call depth (1: the chunk itself, whose stores may credit
 *   shared storage, since no other function is active then).
 */
export const memory = {
  active: false,
  slots: 0,
  alloc: Infinity,
  temp: 0,
  meter: null as { steps: number } | null,
  depth: null as { depth: number } | null,
};
export const MAX_SLOTS = 4_000_000;
/** Bytes of script data one run may hold at once. */
export const MAX_ALLOC = 48 * 1024 * 1024;
/** The largest string a script may build (concatenation, rep, format, gsub…). */
export const MAX_STRING = 16 * 1024 * 1024;
/** Bytes of plain native work (copying, scanning, case mapping) that cost one instruction. */
export const BYTES_PER_STEP = 16;

/** What a table and a table slot take in the isolate, about (an object and its Map; an entry). */
export const TABLE_BYTES = 200;
export const SLOT_BYTES = 40;
/**
 * What each local of a running call is counted, from its call to its return: its cell, and
 * up to SMALL_STRING bytes of a string it holds (shorter strings in a call's own locals are
 * not counted one by one; longer ones count their bytes while stored).
 */
export const LOCAL_BYTES = 96;
export const SMALL_STRING = 64;

/** The bytes a value keeps alive by itself: a string's, or a string iterator's subject. */
export function sizeOf(v: LuaValue): number {
  return typeof v === "string" ? v.length : v instanceof LuaFunction ? v.holds : 0;
}

/** Counts a new slot holding `value` (and its bytes), for the rest of the run. */
export function charge(value: LuaValue): void {
  if (!memory.active) return;
  if (--memory.slots < 0) outOfMemory();
  hold(SLOT_BYTES + sizeOf(value));
}

/**
 * A slot or a captured local overwritten with `value` in place of `old`: the new value counts
 * for the rest of the run; the old one is credited (as a temporary of the current statement)
 * only when the chunk itself writes, since a function deeper in the stack may have a caller
 * still holding the old value in the middle of an expression.
 */
export function recharge(value: LuaValue, old: LuaValue): void {
  const n = sizeOf(value);
  if (n !== 0) hold(n);
  const d = memory.depth;
  if (d !== null && d.depth === 1) memory.temp += sizeOf(old);
}

/** Counts `n` bytes held for the rest of the run (a compiled chunk, a captured local). */
export function hold(n: number): void {
  // A refused count is not made, so that what pcall catches leaves the run able to go on.
  if (memory.alloc < n) outOfMemory();
  memory.alloc -= n;
}

/** Moves `n` bytes just made by the current statement to what counts for the rest of the run. */
export function keep(n: number): void {
  if (memory.active) memory.temp -= n;
}

/** Counts a new table while a script runs. */
function allocateTable(): void {
  if (memory.active) hold(TABLE_BYTES);
}

export const OUT_OF_MEMORY = "not enough memory";

/**
 * `s.slice(a, b)` as a string of its own: V8 makes a slice of 13 bytes or more a view that
 * keeps all of `s` alive, so a part of a longer string is copied (as C Lua always does).
 */
export function substring(s: string, a: number, b: number): string {
  const piece = s.slice(a, b);
  return piece.length >= 13 && piece.length < s.length ? (" " + piece).slice(1) : piece;
}

/** Lua's memory error: no position, catchable by pcall. */
export function outOfMemory(): never {
  throw new LuaError(OUT_OF_MEMORY);
}

/**
 * Charges native work over `bytes` bytes to the instruction budget (`bytesPerStep` bytes per
 * instruction); LuaBudgetError when it is spent. Called before the work is done.
 */
export function work(bytes: number, bytesPerStep = BYTES_PER_STEP): void {
  const m = memory.meter;
  if (m === null || !memory.active) return;
  if ((m.steps -= Math.floor(bytes / bytesPerStep)) < 0) throw new LuaBudgetError();
}

/**
 * Counts a new string of `n` bytes: the size cap, a temporary of the current statement, and
 * its copying work.
 */
export function allocate(n: number): void {
  if (n > MAX_STRING) outOfMemory();
  if (!memory.active) return;
  hold(n);
  memory.temp += n;
  work(n);
}

export function checkSize(n: number): void {
  if (n > MAX_STRING) outOfMemory();
}

/**
 * A string built from pieces, its size counted against the run's allocation as it grows, so
 * that an oversized result stops early instead of after it has been built. Pieces are joined
 * a thousand at a time, so that many small pieces never stay held one by one.
 */
export class Pieces {
  private parts: string[] = [];
  private readonly chunks: string[] = [];
  private size = 0;
  private counted = 0;

  push(...pieces: string[]): void {
    for (const piece of pieces) {
      this.parts.push(piece);
      this.size += piece.length;
    }
    if (this.parts.length >= 1024) {
      this.chunks.push(this.parts.join(""));
      this.parts = [];
    }
    if (this.size - this.counted >= 65536) this.count();
  }

  private count(): void {
    checkSize(this.size);
    allocate(this.size - this.counted);
    this.counted = this.size;
  }

  join(): string {
    this.count();
    this.chunks.push(this.parts.join(""));
    return this.chunks.join("");
  }
}
