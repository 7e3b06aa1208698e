/**
 * The Lua runtime state shared by compiled code and the libraries: the globals table, the
 * string metatable, the instruction budget, the current line (for error positions), and
 * Lua 5.1's operator semantics (metamethods, coercions, error messages with variable names).
 */
import {
  LuaBudgetError,
  LuaError,
  LuaFunction,
  LuaTable,
  LuaUserdata,
  OUT_OF_MEMORY,
  allocate,
  numberToString,
  toNumber,
  type,
  type LuaValue,
} from "./value";

/** Calls nested deeper than this raise "stack overflow" (JS's own stack is the real limit). */
const MAX_DEPTH = 180;

export class Runtime {
  readonly globals = new LuaTable();
  stringLib: LuaTable | undefined;
  /** Instructions left: each loop iteration and each function call costs one. */
  steps = 0;
  line = 0;
  depth = 0;
  /** The line each active call was made from, by depth (for `error(msg, level)`). */
  readonly callLines: number[] = [];
  chunkName = "user_script";

  /** Starts a budget of `steps` units for one script run. */
  arm(steps: number): void {
    this.steps = steps;
    this.depth = 0;
  }

  tick(): void {
    if (--this.steps < 0) throw new LuaBudgetError();
  }

  /** `chunk:line: ` as luaL_where adds to error messages. */
  where(): string {
    return this.line > 0 ? `${this.chunkName}:${this.line}: ` : "";
  }

  error(message: string): never {
    throw new LuaError(this.where() + message);
  }

  call(fn: LuaValue, args: LuaValue[], desc?: string): LuaValue[] {
    if (fn instanceof LuaFunction) {
      if (--this.steps < 0) throw new LuaBudgetError();
      if (++this.depth > MAX_DEPTH) {
        this.depth = 0;
        this.error("stack overflow");
      }
      const line = this.line;
      this.callLines[this.depth] = line;
      try {
        const r = fn.call(args);
        this.depth--;
        this.line = line;
        return r;
      } catch (e) {
        this.depth--;
        if (e instanceof RangeError) this.error("stack overflow");
        if (e instanceof LuaError && e.lib && fn.native) {
          this.line = line;
          throw new LuaError(this.where() + (e.value as string));
        }
        throw e;
      }
    }
    const h = this.metamethod(fn, "__call");
    if (h !== undefined) return this.call(h, [fn, ...args], desc);
    return this.typeError(fn, "call", desc);
  }

  /** A call from a library function: errors pass through without a position. */
  invoke(fn: LuaValue, args: LuaValue[]): LuaValue[] {
    if (fn instanceof LuaFunction && fn.native) {
      if (--this.steps < 0) throw new LuaBudgetError();
      this.callLines[++this.depth] = 0;
      try {
        return fn.call(args);
      } finally {
        this.depth--;
      }
    }
    const line = this.line;
    this.line = 0;
    try {
      return this.call(fn, args);
    } finally {
      this.line = line;
    }
  }

  typeError(v: LuaValue, op: string, desc?: string): never {
    this.error(`attempt to ${op} ${desc ? desc + " " : "a "}${desc ? `(a ${type(v)} value)` : `${type(v)} value`}`);
  }

  metatable(v: LuaValue): LuaTable | undefined {
    if (v instanceof LuaTable) return v.metatable;
    if (typeof v === "string") return this.stringMeta;
    return undefined;
  }

  private stringMeta: LuaTable | undefined;
  setStringLib(lib: LuaTable): void {
    this.stringLib = lib;
    const mt = new LuaTable();
    mt.rawSet("__index", lib);
    this.stringMeta = mt;
  }

  metamethod(v: LuaValue, event: string): LuaValue {
    const mt = this.metatable(v);
    return mt === undefined ? undefined : mt.getStr(event);
  }

  index(obj: LuaValue, key: LuaValue, desc?: string): LuaValue {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (obj instanceof LuaTable) {
        const v = obj.get(key);
        if (v !== undefined) return v;
        const mt = obj.metatable;
        if (mt === undefined) return undefined;
        h = mt.getStr("__index");
        if (h === undefined) return undefined;
      } else if (typeof obj === "string") {
        return this.stringLib!.get(key);
      } else {
        h = this.metamethod(obj, "__index");
        if (h === undefined) this.typeError(obj, "index", desc);
      }
      if (h instanceof LuaFunction) return this.call(h, [obj, key])[0];
      obj = h;
      desc = undefined;
    }
    this.error("loop in gettable");
  }

  setIndex(obj: LuaValue, key: LuaValue, value: LuaValue, desc?: string): void {
    for (let loop = 0; loop < 100; loop++) {
      let h: LuaValue;
      if (obj instanceof LuaTable) {
        const mt = obj.metatable;
        if (mt === undefined || (h = mt.getStr("__newindex")) === undefined || obj.get(key) !== undefined) {
          this.rawSet(obj, key, value);
          return;
        }
      } else {
        h = this.metamethod(obj, "__newindex");
        if (h === undefined) this.typeError(obj, "index", desc);
      }
      if (h instanceof LuaFunction) {
        this.call(h, [obj, key, value]);
        return;
      }
      obj = h;
      desc = undefined;
    }
    this.error("loop in settable");
  }

  rawSet(t: LuaTable, key: LuaValue, value: LuaValue): void {
    try {
      t.set(key, value);
    } catch (e) {
      if (e instanceof LuaError && typeof e.value === "string" && e.value !== OUT_OF_MEMORY) this.error(e.value);
      throw e;
    }
  }

  arith(op: string, a: LuaValue, b: LuaValue, da?: string, db?: string): number {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x !== undefined && y !== undefined) return arithNumbers(op, x, y);
    const event = ARITH_EVENTS[op]!;
    const h = this.metamethod(a, event) ?? this.metamethod(b, event);
    if (h !== undefined) return this.call(h, [a, b])[0] as number;
    if (x === undefined) this.typeError(a, "perform arithmetic on", da);
    return this.typeError(b, "perform arithmetic on", db);
  }

  arithMeta(op: string, a: LuaValue, b: LuaValue, da?: string, db?: string): LuaValue {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x !== undefined && y !== undefined) return arithNumbers(op, x, y);
    const event = ARITH_EVENTS[op]!;
    const h = this.metamethod(a, event) ?? this.metamethod(b, event);
    if (h !== undefined) return this.call(h, [a, b])[0];
    if (x === undefined) this.typeError(a, "perform arithmetic on", da);
    return this.typeError(b, "perform arithmetic on", db);
  }

  unm(a: LuaValue, desc?: string): LuaValue {
    const x = toNumber(a);
    if (x !== undefined) return -x;
    const h = this.metamethod(a, "__unm");
    if (h !== undefined) return this.call(h, [a, a])[0];
    return this.typeError(a, "perform arithmetic on", desc);
  }

  len(a: LuaValue, desc?: string): LuaValue {
    if (typeof a === "string") return a.length;
    if (a instanceof LuaTable) return a.length();
    const h = this.metamethod(a, "__len");
    if (h !== undefined) return this.call(h, [a])[0];
    return this.typeError(a, "get length of", desc);
  }

  concat(a: LuaValue, b: LuaValue, da?: string, db?: string): LuaValue {
    const ta = typeof a;
    const tb = typeof b;
    if ((ta === "string" || ta === "number") && (tb === "string" || tb === "number")) {
      const s = (ta === "number" ? numberToString(a as number) : (a as string)) + (tb === "number" ? numberToString(b as number) : (b as string));
      allocate(s.length);
      return s;
    }
    const h = this.metamethod(a, "__concat") ?? this.metamethod(b, "__concat");
    if (h !== undefined) return this.call(h, [a, b])[0];
    if (ta === "string" || ta === "number") this.typeError(b, "concatenate", db);
    return this.typeError(a, "concatenate", da);
  }

  eq(a: LuaValue, b: LuaValue): boolean {
    if (a === b) return true;
    if (!(a instanceof LuaTable) || !(b instanceof LuaTable)) return false;
    const h1 = this.metamethod(a, "__eq");
    if (h1 === undefined || h1 !== this.metamethod(b, "__eq")) return false;
    return truthyValue(this.call(h1, [a, b])[0]);
  }

  lt(a: LuaValue, b: LuaValue): boolean {
    if (typeof a === "number" && typeof b === "number") return a < b;
    if (typeof a === "string" && typeof b === "string") return a < b;
    return this.compareMeta(a, b, "__lt");
  }

  le(a: LuaValue, b: LuaValue): boolean {
    if (typeof a === "number" && typeof b === "number") return a <= b;
    if (typeof a === "string" && typeof b === "string") return a <= b;
    if (type(a) === type(b)) {
      const h = this.metamethod(a, "__le");
      if (h !== undefined && h === this.metamethod(b, "__le")) return truthyValue(this.call(h, [a, b])[0]);
      const l = this.metamethod(a, "__lt");
      if (l !== undefined && l === this.metamethod(b, "__lt")) return !truthyValue(this.call(l, [b, a])[0]);
    }
    return this.compareError(a, b);
  }

  private compareMeta(a: LuaValue, b: LuaValue, event: string): boolean {
    if (type(a) === type(b)) {
      const h = this.metamethod(a, event);
      if (h !== undefined && h === this.metamethod(b, event)) return truthyValue(this.call(h, [a, b])[0]);
    }
    return this.compareError(a, b);
  }

  private compareError(a: LuaValue, b: LuaValue): never {
    const t1 = type(a);
    const t2 = type(b);
    if (t1 === t2) this.error(`attempt to compare two ${t1} values`);
    this.error(`attempt to compare ${t1} with ${t2}`);
  }

  /** tostring(): __tostring, numbers as %.14g, "table: 0x…" for the rest. */
  tostring(v: LuaValue): string {
    const h = this.metamethod(v, "__tostring");
    if (h !== undefined) {
      const r = this.call(h, [v])[0];
      if (typeof r !== "string") {
        if (typeof r === "number") return numberToString(r);
        this.error("'__tostring' must return a string");
      }
      return r;
    }
    return tostringRaw(v);
  }
}

export function tostringRaw(v: LuaValue): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return numberToString(v);
    case "string":
      return v;
    default:
      if (v instanceof LuaUserdata) return "userdata: (nil)";
      return `${v instanceof LuaTable ? "table" : "function"}: 0x${v.id.toString(16).padStart(8, "0")}`;
  }
}

function truthyValue(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

const ARITH_EVENTS: Record<string, string> = {
  "+": "__add",
  "-": "__sub",
  "*": "__mul",
  "/": "__div",
  "%": "__mod",
  "^": "__pow",
};

export function arithNumbers(op: string, x: number, y: number): number {
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return x / y;
    case "%":
      return x - Math.floor(x / y) * y;
    default:
      return Math.pow(x, y);
  }
}
