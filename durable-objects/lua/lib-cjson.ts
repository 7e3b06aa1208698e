/**
 * `cjson` as Redis bundles lua-cjson: encode (numbers as %.14g, an empty table as `{}`,
 * tables with positive integer keys as arrays padded with null unless excessively sparse,
 * `/` escaped as `\/`) and decode (`null` → `cjson.null`, strings as UTF-8 bytes).
 */
import { lib } from "./args";
import type { Runtime } from "./runtime";
import { LuaError, LuaFunction, LuaTable, LuaUserdata, Pieces, allocate, formatG, substring, fromUtf8, type, type LuaValue, work } from "./value";

export const JSON_NULL = new LuaUserdata("cjson.null");
const MAX_DEPTH = 1000;

export function cjsonLib(rt: Runtime): LuaTable {
  const t = lib({
    encode: (a) => {
      if (a.length !== 1) throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)", true);
      const out = new Pieces();
      encode(rt, a[0], out, 0);
      return [out.join()];
    },
    decode: (a) => {
      if (a.length !== 1) throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)", true);
      const s = a[0];
      if (typeof s !== "string") throw new LuaError(`bad argument #1 to 'decode' (string expected, got ${typeof s === "number" ? "number" : "no value"})`, true);
      // Decoding reads every byte and makes strings of at most the input's size in all.
      work(s.length, 1);
      allocate(s.length);
      return [new Decoder(s).document()];
    },
  });
  t.rawSet("null", JSON_NULL);
  return t;
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new LuaError("Cannot serialise number: must not be NaN or Inf", true);
  return formatG(n, 14, false, false);
}

const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function encodeString(s: string): string {
  return '"' + escape(s) + '"';
}

for (let c = 0; c < 0x20; c++) ESCAPES[String.fromCharCode(c)] ??= "\\u" + c.toString(16).padStart(4, "0");

function escape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/["\\/\x00-\x1f]/g, (c) => ESCAPES[c]!);
}

/** The array length of a table, or -1 when it must be an object (lua-cjson's lua_array_length). */
function arrayLength(t: LuaTable): number {
  let max = 0;
  let items = 0;
  for (const [k] of t.entries()) {
    if (typeof k !== "number" || !Number.isInteger(k) || k < 1) return -1;
    if (k > max) max = k;
    items++;
  }
  if (max > 10 && max > items * 2) throw new LuaError("Cannot serialise table: excessively sparse array", true);
  return max;
}

function encode(rt: Runtime, v: LuaValue, out: Pieces, depth: number): void {
  switch (typeof v) {
    case "undefined":
      out.push("null");
      return;
    case "boolean":
      out.push(v ? "true" : "false");
      return;
    case "number":
      out.push(encodeNumber(v));
      return;
    case "string":
      if (v.length <= 65536) {
        const e = encodeString(v);
        // An escape costs about an instruction per byte it adds.
        work(e.length - v.length - 2, 1);
        out.push(e);
      } else {
        // In slices, so that escaping never holds a copy of a big string before it is counted.
        out.push('"');
        for (let i = 0; i < v.length; i += 65536) {
          const e = escape(v.slice(i, i + 65536));
          work(e.length - Math.min(65536, v.length - i), 1);
          out.push(e);
        }
        out.push('"');
      }
      return;
  }
  if (v === JSON_NULL) {
    out.push("null");
    return;
  }
  if (v instanceof LuaTable) {
    if (++depth > MAX_DEPTH) throw new LuaError(`Cannot serialise, excessive nesting (${depth})`, true);
    rt.tick();
    const n = arrayLength(v);
    if (n > 0) {
      out.push("[");
      for (let i = 1; i <= n; i++) {
        if (i > 1) out.push(",");
        rt.tick();
        encode(rt, v.get(i), out, depth);
      }
      out.push("]");
      return;
    }
    out.push("{");
    let first = true;
    for (const e of v.entries()) {
      const k = e[0];
      let key: string;
      if (typeof k === "string") key = encodeString(k);
      else if (typeof k === "number") key = `"${encodeNumber(k)}"`;
      else throw new LuaError(`Cannot serialise ${type(k)}: table key must be a number or string`, true);
      if (!first) out.push(",");
      first = false;
      out.push(key, ":");
      rt.tick();
      encode(rt, e[1], out, depth);
    }
    out.push("}");
    return;
  }
  throw new LuaError(`Cannot serialise ${v instanceof LuaFunction ? "function" : "userdata"}: type not supported`, true);
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Decoder {
  pos = 0;
  depth = 0;
  constructor(readonly s: string) {}

  document(): LuaValue {
    const v = this.value();
    this.ws();
    if (this.pos < this.s.length) this.fail("the end", this.token());
    return v;
  }

  private ws(): void {
    while (this.pos < this.s.length && " \t\n\r".includes(this.s[this.pos]!)) this.pos++;
  }

  private token(): string {
    if (this.pos >= this.s.length) return "T_END";
    const c = this.s[this.pos]!;
    if (c === "{") return "T_OBJ_BEGIN";
    if (c === "}") return "T_OBJ_END";
    if (c === "[") return "T_ARR_BEGIN";
    if (c === "]") return "T_ARR_END";
    if (c === ",") return "T_COMMA";
    if (c === ":") return "T_COLON";
    if (c === '"') return "T_STRING";
    if (/[-0-9]/.test(c)) return "T_NUMBER";
    if (/^(true|false)/.test(this.s.slice(this.pos, this.pos + 5))) return "T_BOOLEAN";
    if (this.s.startsWith("null", this.pos)) return "T_NULL";
    return "invalid token";
  }

  private fail(expected: string, found: string): never {
    throw new LuaError(`Expected ${expected} but found ${found} at character ${this.pos + 1}`, true);
  }

  private value(): LuaValue {
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    const lit = /^(true|false|null)/.exec(s.slice(this.pos, this.pos + 5));
    if (lit) {
      this.pos += lit[1]!.length;
      return lit[1] === "true" ? true : lit[1] === "false" ? false : JSON_NULL;
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.pos, this.pos + 400));
    if (num && num[0].length > 0) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    return this.fail("value", this.token());
  }

  private nest(): void {
    if (++this.depth > MAX_DEPTH) throw new LuaError(`Found too many nested data structures (${this.depth}) at character ${this.pos + 1}`, true);
  }

  private object(): LuaTable {
    this.nest();
    this.pos++;
    const t = new LuaTable();
    this.ws();
    if (this.s[this.pos] === "}") {
      this.pos++;
      this.depth--;
      return t;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail("object key string", this.token());
      const k = this.string();
      this.ws();
      if (this.s[this.pos] !== ":") this.fail("colon", this.token());
      this.pos++;
      t.rawSet(k, this.value());
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === "}") break;
      if (c !== ",") {
        this.pos--;
        this.fail("comma or object end", this.token());
      }
    }
    this.depth--;
    return t;
  }

  private array(): LuaTable {
    this.nest();
    this.pos++;
    const t = new LuaTable();
    this.ws();
    if (this.s[this.pos] === "]") {
      this.pos++;
      this.depth--;
      return t;
    }
    for (let i = 1; ; i++) {
      t.rawSet(i, this.value());
      this.ws();
      const c = this.s[this.pos];
      this.pos++;
      if (c === "]") break;
      if (c !== ",") {
        this.pos--;
        this.fail("comma or array end", this.token());
      }
    }
    this.depth--;
    return t;
  }

  private string(): string {
    const s = this.s;
    let i = this.pos + 1;
    // Runs without escapes are copied whole, escapes decoded in between.
    const parts: string[] = [];
    let run = i;
    for (;;) {
      if (i >= s.length) {
        this.pos = i;
        throw new LuaError(`Expected value but found invalid token at character ${this.pos + 1}`, true);
      }
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c !== 92) {
        i++;
        continue;
      }
      parts.push(s.slice(run, i));
      const e = s[i + 1];
      if (e !== undefined && e in SIMPLE_ESCAPES) {
        parts.push(SIMPLE_ESCAPES[e]!);
        i += 2;
      } else if (e === "u") {
        let code = parseInt(s.slice(i + 2, i + 6), 16);
        i += 6;
        if (code >= 0xd800 && code < 0xdc00 && s[i] === "\\" && s[i + 1] === "u") {
          const low = parseInt(s.slice(i + 2, i + 6), 16);
          if (low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          }
        }
        if (Number.isNaN(code)) throw new LuaError(`Expected value but found invalid unicode escape code at character ${this.pos + 1}`, true);
        parts.push(fromUtf8(String.fromCodePoint(code)));
      } else {
        throw new LuaError(`Expected value but found invalid escape code at character ${this.pos + 1}`, true);
      }
      run = i;
    }
    parts.push(s.slice(run, i));
    this.pos = i + 1;
    return parts.length === 1 ? substring(s, run, i) : parts.join("");
  }
}
