/**
 * The string library of Lua 5.1 over byte strings: len sub upper lower rep reverse byte char
 * format find match gmatch gsub. `string.format` follows C's printf as Lua 5.1 calls it
 * (`%d` truncates 3.5 to 3, numbers beyond 2^63 wrap as a C cast does on x86-64).
 */
import { argError, checkInt, checkNumber, checkString, lib, optInt } from "./args";
import { MatchState, SPECIALS, doMatch } from "./pattern";
import { toExponentialC, toFixedC, toGeneralC } from "./numfmt";
import type { Runtime } from "./runtime";
import { LuaError, LuaFunction, LuaTable, Pieces, allocate, checkSize, substring, nonFinite, work, type LuaValue } from "./value";

/** At most this many results from one call (Lua 5.1's LUAI_MAXCSTACK). */
const MAX_RESULTS = 8000;

/** Lua 5.1's posrelat: negative positions count from the end. */
function posrelat(pos: number, len: number): number {
  return pos < 0 ? len + pos + 1 : pos;
}

function sub(s: string, i: number, j: number): string {
  const l = s.length;
  let a = posrelat(i, l);
  let b = posrelat(j, l);
  if (a < 1) a = 1;
  if (b > l) b = l;
  if (a > b) return "";
  allocate(b - a + 1);
  return substring(s, a - 1, b);
}

/** A new string made by `make` from `s`, of the same length (case mapping, reverse). */
function mapped(s: string, make: (s: string) => string): string {
  allocate(s.length);
  return make(s);
}

function reverse(s: string): string {
  const parts: string[] = [];
  for (let end = s.length; end > 0; end -= 8192) {
    const codes: number[] = [];
    for (let i = end - 1, stop = Math.max(0, end - 8192); i >= stop; i--) codes.push(s.charCodeAt(i));
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join("");
}

export function stringLib(rt: Runtime): LuaTable {
  const tick = () => rt.tick();
  const t = lib({
    len: (a) => [checkString(a, 0, "len").length],
    sub: (a) => [sub(checkString(a, 0, "sub"), checkInt(a, 1, "sub"), optInt(a, 2, "sub", -1))],
    upper: (a) => [mapped(checkString(a, 0, "upper"), (s) => s.replace(/[a-z]+/g, (m) => m.toUpperCase()))],
    lower: (a) => [mapped(checkString(a, 0, "lower"), (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase()))],
    rep: (a) => {
      const s = checkString(a, 0, "rep");
      const n = checkInt(a, 1, "rep");
      if (n <= 0 || s.length === 0) return [""];
      allocate(s.length * n);
      return [s.repeat(n)];
    },
    reverse: (a) => [mapped(checkString(a, 0, "reverse"), reverse)],
    byte: (a) => {
      const s = checkString(a, 0, "byte");
      const l = s.length;
      let i = posrelat(optInt(a, 1, "byte", 1), l);
      const j = posrelat(a[2] === undefined ? i : checkInt(a, 2, "byte"), l);
      if (i <= 0) i = 1;
      const e = Math.min(j, l);
      if (e - i + 1 > MAX_RESULTS) throw new LuaError("stack overflow (string slice too long)", true);
      work(Math.max(0, e - i + 1), 1);
      const out: LuaValue[] = [];
      for (let k = i; k <= e; k++) out.push(s.charCodeAt(k - 1));
      return out;
    },
    char: (a) => {
      allocate(a.length);
      let out = "";
      for (let i = 0; i < a.length; i++) {
        const c = checkInt(a, i, "char");
        if (c < 0 || c > 255) argError(i, "char", "invalid value");
        out += String.fromCharCode(c);
      }
      return [out];
    },
    format: (a) => [format(rt, a)],
    find: (a) => find(a, true, tick),
    match: (a) => find(a, false, tick),
    gmatch: (a) => {
      const s = checkString(a, 0, "gmatch");
      const p = checkString(a, 1, "gmatch");
      let pos = 0;
      const fn = new LuaFunction("gmatch_aux", () => {
        for (; pos <= s.length; pos++) {
          const ms = new MatchState(s, p, tick);
          const e = doMatch(ms, pos, 0);
          if (e !== -1) {
            const start = pos;
            pos = e === pos ? e + 1 : e;
            return ms.captures(start, e, true);
          }
        }
        return [undefined];
      });
      // The iterator keeps its subject alive: stored, it counts as the subject would.
      fn.holds = s.length + p.length;
      return [fn];
    },
    gsub: (a) => gsub(rt, a),
  });
  return t;
}

function find(a: LuaValue[], isFind: boolean, tick: () => void): LuaValue[] {
  const fname = isFind ? "find" : "match";
  const s = checkString(a, 0, fname);
  const p = checkString(a, 1, fname);
  let init = posrelat(optInt(a, 2, fname, 1), s.length) - 1;
  if (init < 0) init = 0;
  else if (init > s.length) init = s.length;
  if (isFind && (a[3] !== undefined && a[3] !== false || !SPECIALS.test(p))) {
    const at = s.indexOf(p, init);
    work((at === -1 ? s.length : at + p.length) - init);
    return at === -1 ? [undefined] : [at + 1, at + p.length];
  }
  const anchor = p[0] === "^";
  const pstart = anchor ? 1 : 0;
  let pos = init;
  do {
    const ms = new MatchState(s, p, tick);
    const e = doMatch(ms, pos, pstart);
    if (e !== -1) {
      if (isFind) return [pos + 1, e, ...ms.captures(pos, e, false)];
      return ms.captures(pos, e, true);
    }
    pos++;
  } while (pos <= s.length && !anchor);
  return [undefined];
}

function gsub(rt: Runtime, a: LuaValue[]): LuaValue[] {
  const tick = () => rt.tick();
  const src = checkString(a, 0, "gsub");
  const p = checkString(a, 1, "gsub");
  const repl = a[2];
  const tr = typeof repl;
  if (!(tr === "number" || tr === "string" || repl instanceof LuaTable || repl instanceof LuaFunction)) {
    argError(2, "gsub", "string/function/table expected");
  }
  const maxN = a[3] === undefined ? Infinity : checkInt(a, 3, "gsub");
  const anchor = p[0] === "^";
  const pstart = anchor ? 1 : 0;
  // The result is built from pieces joined once; each piece is counted as it is added, so
  // an oversized result stops early instead of after it has been built.
  const out = new Pieces();
  let s = 0;
  let copied = 0;
  let n = 0;
  while (n < maxN) {
    const ms = new MatchState(src, p, tick);
    const e = doMatch(ms, s, pstart);
    if (e !== -1) {
      n++;
      out.push(src.slice(copied, s), replacement(rt, ms, s, e, repl));
      copied = e;
    }
    if (e !== -1 && e > s) s = e;
    else if (s < src.length) s++;
    else break;
    if (anchor) break;
  }
  out.push(src.slice(copied));
  return [out.join(), n];
}

function replacement(rt: Runtime, ms: MatchState, s: number, e: number, repl: LuaValue): string {
  const whole = ms.src.slice(s, e);
  let value: LuaValue;
  if (typeof repl === "string" || typeof repl === "number") {
    const r = typeof repl === "number" ? rt.tostring(repl) : repl;
    if (!r.includes("%")) return r;
    const out: string[] = [];
    let from = 0;
    for (let i = r.indexOf("%"); i !== -1; i = r.indexOf("%", from)) {
      out.push(r.slice(from, i));
      const d = r[i + 1];
      from = i + 2;
      if (d === undefined || d < "0" || d > "9") {
        out.push(d ?? "");
      } else if (d === "0") {
        out.push(whole);
      } else {
        const cap = ms.capture(d.charCodeAt(0) - 49, s, e);
        out.push(typeof cap === "number" ? String(cap) : cap);
      }
    }
    out.push(r.slice(from));
    return out.join("");
  }
  const first = ms.captures(s, e, true)[0];
  if (repl instanceof LuaTable) value = rt.index(repl, first);
  else value = rt.call(repl, ms.captures(s, e, true))[0];
  if (value === undefined || value === false) return whole;
  if (typeof value === "string") return value;
  if (typeof value === "number") return rt.tostring(value);
  throw new LuaError(`invalid replacement value (a ${value === true ? "boolean" : value instanceof LuaTable ? "table" : "function"})`, true);
}

/** C's (long long) cast of a double as x86-64 does it: out of range and NaN give INT64_MIN. */
export function toInt64(n: number): bigint {
  if (!Number.isFinite(n) || n >= 9223372036854775807 || n < -9223372036854775808) return -9223372036854775808n;
  return BigInt(Math.trunc(n));
}

function pad(body: string, flags: string, width: number, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes("-")) return body + " ".repeat(width - body.length);
  if (numeric && flags.includes("0")) {
    const m = /^([+\- ]?(0[xX])?)(.*)$/s.exec(body)!;
    return m[1] + "0".repeat(width - body.length) + m[3];
  }
  return " ".repeat(width - body.length) + body;
}

function signed(s: string, negative: boolean, flags: string): string {
  if (negative) return "-" + s;
  if (flags.includes("+")) return "+" + s;
  if (flags.includes(" ")) return " " + s;
  return s;
}


function format(rt: Runtime, a: LuaValue[]): string {
  const fmt = checkString(a, 0, "format");
  let arg = 0;
  let out = "";
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== "%") {
      // A run of plain text, copied whole.
      const next = fmt.indexOf("%", i);
      const end = next === -1 ? fmt.length : next;
      out += fmt.slice(i, end);
      i = end - 1;
      continue;
    }
    if (fmt[i + 1] === "%") {
      out += "%";
      i++;
      continue;
    }
    const spec = /^([-+ #0]*)(\d*)(?:\.(\d*))?(.?)/s.exec(fmt.slice(i + 1))!;
    const [all, flags, w, p, conv] = spec as unknown as [string, string, string, string | undefined, string];
    if (flags.length > 5) throw new LuaError("invalid format (repeated flags)", true);
    if (w.length > 2 || (p !== undefined && p.length > 2)) throw new LuaError("invalid format (width or precision too long)", true);
    i += all.length;
    if (++arg >= a.length) argError(arg, "format", "no value");
    const width = w === "" ? 0 : Number(w);
    const prec = p === undefined ? -1 : Number(p === "" ? 0 : p);
    switch (conv) {
      case "c":
        out += pad(String.fromCharCode(Number(toInt64(checkNumber(a, arg, "format")) & 0xffn)), flags, width, false);
        break;
      case "d":
      case "i": {
        const v = toInt64(checkNumber(a, arg, "format"));
        let digits = (v < 0n ? -v : v).toString();
        if (prec >= 0) digits = prec === 0 && v === 0n ? "" : digits.padStart(prec, "0");
        out += pad(signed(digits, v < 0n, flags), prec >= 0 ? flags.replace("0", "") : flags, width, true);
        break;
      }
      case "o":
      case "u":
      case "x":
      case "X": {
        const v = BigInt.asUintN(64, toInt64(checkNumber(a, arg, "format")));
        let digits = v.toString(conv === "o" ? 8 : conv === "u" ? 10 : 16);
        if (conv === "X") digits = digits.toUpperCase();
        if (prec >= 0) digits = prec === 0 && v === 0n ? "" : digits.padStart(prec, "0");
        if (flags.includes("#") && v !== 0n) {
          if (conv === "x") digits = "0x" + digits;
          else if (conv === "X") digits = "0X" + digits;
          else if (conv === "o" && !digits.startsWith("0")) digits = "0" + digits;
        }
        out += pad(digits, prec >= 0 ? flags.replace("0", "") : flags, width, true);
        break;
      }
      case "e":
      case "E":
      case "f":
      case "F":
      case "g":
      case "G": {
        const n = checkNumber(a, arg, "format");
        const upper = conv === "E" || conv === "G" || conv === "F";
        const alt = flags.includes("#");
        let body: string;
        if (!Number.isFinite(n)) {
          body = nonFinite(n, upper);
          if (n > 0 && (flags.includes("+") || flags.includes(" "))) body = (flags.includes("+") ? "+" : " ") + body;
          out += pad(body, flags.replace("0", ""), width, false);
          break;
        }
        const neg = n < 0 || Object.is(n, -0);
        const x = Math.abs(n);
        const pr = prec < 0 ? 6 : prec;
        if (conv === "f" || conv === "F") body = toFixedC(x, pr) + (alt && pr === 0 ? "." : "");
        else if (conv === "e" || conv === "E") body = toExponentialC(x, pr, alt);
        else body = toGeneralC(x, pr, alt);
        if (upper) body = body.toUpperCase();
        out += pad(signed(body, neg, flags), flags, width, true);
        break;
      }
      case "q": {
        const s = checkString(a, arg, "format");
        // In slices, counted as they grow: escaping may make the string four times longer.
        const q = new Pieces();
        q.push('"');
        for (let k = 0; k < s.length; k += 65536) {
          q.push(s.slice(k, k + 65536).replace(/["\\\n\r\0]/g, (ch) => (ch === "\r" ? "\\r" : ch === "\0" ? "\\000" : "\\" + ch)));
        }
        q.push('"');
        out += q.join();
        break;
      }
      case "s": {
        const v = a[arg];
        const s = typeof v === "string" ? v : typeof v === "number" ? rt.tostring(v) : checkString(a, arg, "format");
        if (prec < 0 && s.length >= 100) out += s;
        else out += pad(prec >= 0 ? s.slice(0, prec) : s, flags, width, false);
        break;
      }
      default:
        throw new LuaError(`invalid option '%${conv}' to 'format'`, true);
    }
    if (out.length > 1 << 20) checkSize(out.length);
  }
  allocate(out.length);
  return out;
}
