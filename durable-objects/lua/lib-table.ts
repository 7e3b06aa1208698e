/**
 * Lua 5.1's table library (insert remove concat sort getn maxn) and math library.
 */
import { argError, checkInt, checkNumber, checkTable, lib, optInt, optString } from "./args";
import type { Runtime } from "./runtime";
import { LuaError, LuaTable, Pieces, memory, numberToString, type, type LuaValue, work } from "./value";

export function tableLib(rt: Runtime): LuaTable {
  return lib({
    insert: (a) => {
      const t = checkTable(a, 0, "insert");
      const e = t.length() + 1;
      if (a.length === 2) {
        rt.rawSet(t, e, a[1]);
        return [];
      }
      if (a.length !== 3) throw new LuaError("wrong number of arguments to 'insert'", true);
      let pos = checkInt(a, 1, "insert");
      const n = Math.max(e, pos);
      for (let i = n; i > pos; i--) {
        rt.tick();
        rt.rawSet(t, i, t.get(i - 1));
      }
      if (pos < 1 && pos > n) pos = n;
      rt.rawSet(t, pos, a[2]);
      return [];
    },
    remove: (a) => {
      const t = checkTable(a, 0, "remove");
      const e = t.length();
      let pos = optInt(a, 1, "remove", e);
      if (e === 0) return [];
      const v = t.get(pos);
      for (; pos < e; pos++) {
        rt.tick();
        rt.rawSet(t, pos, t.get(pos + 1));
      }
      rt.rawSet(t, e, undefined);
      return [v];
    },
    concat: (a) => {
      const t = checkTable(a, 0, "concat");
      const sep = optString(a, 1, "concat", "");
      const i = optInt(a, 2, "concat", 1);
      const j = a[3] === undefined ? t.length() : checkInt(a, 3, "concat");
      const out = new Pieces();
      for (let k = i; k <= j; k++) {
        rt.tick();
        const v = t.get(k);
        if (k > i && sep !== "") out.push(sep);
        if (typeof v === "string") out.push(v);
        else if (typeof v === "number") out.push(numberToString(v));
        else throw new LuaError(`invalid value (${type(v)}) at index ${k} in table for 'concat'`, true);
      }
      return [out.join()];
    },
    sort: (a) => {
      const t = checkTable(a, 0, "sort");
      const cmp = a[1];
      if (cmp !== undefined && typeof cmp !== "object") argError(1, "sort", `function expected, got ${typeof cmp === "string" ? "string" : typeof cmp === "number" ? "number" : "boolean"}`);
      const n = t.length();
      work(n * Math.ceil(Math.log2(n + 1)), 1);
      const items: LuaValue[] = [];
      for (let k = 1; k <= n; k++) items.push(t.get(k));
      const less =
        cmp === undefined
          ? (x: LuaValue, y: LuaValue) => rt.lt(x, y)
          : (x: LuaValue, y: LuaValue) => {
              const r = rt.call(cmp, [x, y])[0];
              return r !== undefined && r !== false;
            };
      items.sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
      // The same values in another order: nothing new to count.
      const active = memory.active;
      memory.active = false;
      try {
        for (let k = 0; k < n; k++) rt.rawSet(t, k + 1, items[k]);
      } finally {
        memory.active = active;
      }
      return [];
    },
    getn: (a) => [checkTable(a, 0, "getn").length()],
    maxn: (a) => {
      const t = checkTable(a, 0, "maxn");
      let max = 0;
      for (let e = t.next(undefined); e; e = t.next(e[0])) if (typeof e[0] === "number" && e[0] > max) max = e[0];
      return [max];
    },
  });
}

export function mathLib(): LuaTable {
  const m = lib({
    abs: (a) => [Math.abs(checkNumber(a, 0, "abs"))],
    ceil: (a) => [Math.ceil(checkNumber(a, 0, "ceil"))],
    floor: (a) => [Math.floor(checkNumber(a, 0, "floor"))],
    sqrt: (a) => [Math.sqrt(checkNumber(a, 0, "sqrt"))],
    sin: (a) => [Math.sin(checkNumber(a, 0, "sin"))],
    cos: (a) => [Math.cos(checkNumber(a, 0, "cos"))],
    tan: (a) => [Math.tan(checkNumber(a, 0, "tan"))],
    asin: (a) => [Math.asin(checkNumber(a, 0, "asin"))],
    acos: (a) => [Math.acos(checkNumber(a, 0, "acos"))],
    atan: (a) => [Math.atan(checkNumber(a, 0, "atan"))],
    atan2: (a) => [Math.atan2(checkNumber(a, 0, "atan2"), checkNumber(a, 1, "atan2"))],
    sinh: (a) => [Math.sinh(checkNumber(a, 0, "sinh"))],
    cosh: (a) => [Math.cosh(checkNumber(a, 0, "cosh"))],
    tanh: (a) => [Math.tanh(checkNumber(a, 0, "tanh"))],
    exp: (a) => [Math.exp(checkNumber(a, 0, "exp"))],
    log: (a) => [Math.log(checkNumber(a, 0, "log"))],
    log10: (a) => [Math.log10(checkNumber(a, 0, "log10"))],
    pow: (a) => [Math.pow(checkNumber(a, 0, "pow"), checkNumber(a, 1, "pow"))],
    fmod: (a) => [checkNumber(a, 0, "fmod") % checkNumber(a, 1, "fmod")],
    modf: (a) => {
      const x = checkNumber(a, 0, "modf");
      const i = x >= 0 ? Math.floor(x) : Math.ceil(x);
      return [i, Number.isFinite(x) ? x - i : 0];
    },
    frexp: (a) => {
      const x = checkNumber(a, 0, "frexp");
      if (x === 0 || !Number.isFinite(x)) return [x, 0];
      let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
      let mant = x * Math.pow(2, -e);
      while (Math.abs(mant) < 0.5) {
        mant *= 2;
        e--;
      }
      while (Math.abs(mant) >= 1) {
        mant /= 2;
        e++;
      }
      return [mant, e];
    },
    ldexp: (a) => [checkNumber(a, 0, "ldexp") * Math.pow(2, checkInt(a, 1, "ldexp"))],
    deg: (a) => [(checkNumber(a, 0, "deg") * 180) / Math.PI],
    rad: (a) => [(checkNumber(a, 0, "rad") * Math.PI) / 180],
    min: (a) => {
      let v = checkNumber(a, 0, "min");
      for (let i = 1; i < a.length; i++) {
        const x = checkNumber(a, i, "min");
        if (x < v) v = x;
      }
      return [v];
    },
    max: (a) => {
      let v = checkNumber(a, 0, "max");
      for (let i = 1; i < a.length; i++) {
        const x = checkNumber(a, i, "max");
        if (x > v) v = x;
      }
      return [v];
    },
    random: (a) => {
      const r = Math.floor(Math.random() * 2147483647) / 2147483647;
      if (a.length === 0) return [r];
      const lo = a.length === 1 ? 1 : checkInt(a, 0, "random");
      const hi = checkInt(a, a.length === 1 ? 0 : 1, "random");
      if (a.length > 2) throw new LuaError("wrong number of arguments", true);
      if (lo > hi) argError(a.length === 1 ? 0 : 1, "random", "interval is empty");
      return [Math.floor(r * (hi - lo + 1)) + lo];
    },
    randomseed: () => [],
  });
  m.rawSet("pi", Math.PI);
  m.rawSet("huge", Infinity);
  return m;
}
