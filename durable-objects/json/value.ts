/**
 * The JSON document model of JSON.* commands, its parser and its serializer, as RedisJSON 2.x
 * (serde_json underneath) reads and prints them.
 *
 * - Numbers keep their kind: an integer literal is an integer (`JInt`, a bigint, exact over the
 *   whole i64 and u64 range), anything with a fraction or exponent, or an integer beyond u64,
 *   is a float (`JFloat`, an IEEE double). So `1` prints `1`, `1.0` prints `1.0`, `1e2` prints
 *   `100.0`, and 2^63 stays 9223372036854775808, never rounded.
 * - Floats print as serde_json does (the shortest digits that read back the same, laid out as
 *   the `ryu` crate lays them out: `1.0`, `0.0001`, `1e-7`, `1.5e300`).
 * - Objects keep insertion order (a Map); arrays are JS arrays.
 * - Parsing is bounded: nesting deeper than `maxDepth` containers is refused with serde_json's
 *   "recursion limit exceeded" (RedisJSON: a value given to a command holds at most 127 nested
 *   containers), so recursion never goes deeper than that. Errors carry serde_json's wording and
 *   its "at line L column C" position.
 */

import { CommandError } from "../reply";

export class JInt {
  constructor(readonly v: bigint) {}
}
export class JFloat {
  constructor(readonly v: number) {}
}
export type JObject = Map<string, JValue>;
export type JValue = null | boolean | string | JInt | JFloat | JValue[] | JObject;

/** RedisJSON's nesting limit for one value given to a command: containers nested at most this deep. */
export const MAX_VALUE_DEPTH = 127;

/**
 * The most values one parse builds and one document holds, counting containers, strings and
 * numbers (null, booleans and the shared small integers cost only their slot): in memory such a
 * value takes tens of bytes (an object a hundred or more) where its text may take two, so the
 * count, with the text's length, bounds what a document costs an isolate (128 MB).
 */
export const MAX_DOCUMENT_VALUES = 200_000;

/** Thrown when a text or a document holds more than MAX_DOCUMENT_VALUES values. */
export class JsonTooManyValuesError extends Error {
  constructor() {
    super(`ERR JSON document holds more than ${MAX_DOCUMENT_VALUES} values`);
  }
}

/** Small integers are shared (a JInt never changes): an array of them costs a slot per element. */
const SMALL_INTS: JInt[] = Array.from({ length: 1280 }, (_, i) => new JInt(BigInt(i - 256)));

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

export function isObject(v: JValue): v is JObject {
  return v instanceof Map;
}
export function isNumber(v: JValue): v is JInt | JFloat {
  return v instanceof JInt || v instanceof JFloat;
}

/** RedisJSON's type name of a value (JSON.TYPE). */
export function typeName(v: JValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return "string";
  if (v instanceof JInt) return "integer";
  if (v instanceof JFloat) return "number";
  if (Array.isArray(v)) return "array";
  return "object";
}

/** A number from an i64/u64 result or a double: integers past u64 become floats, as serde_json reads them. */
export function intOrFloat(n: bigint): JInt | JFloat {
  return n >= I64_MIN && n <= U64_MAX ? jint(n) : new JFloat(Number(n));
}

/** An integer value, shared when small. */
export function jint(n: bigint): JInt {
  return n >= -256n && n < 1024n ? SMALL_INTS[Number(n) + 256]! : new JInt(n);
}

export class JsonSyntaxError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Parses one JSON text (RFC 8259, no trailing characters) into the model; throws
 * JsonSyntaxError with serde_json's message.
 */
export function parseJson(text: string, maxDepth: number = MAX_VALUE_DEPTH): JValue {
  return new Parser(text, maxDepth).parseDocument();
}

class Parser {
  private pos = 0;
  private values = 0;
  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JValue {
    const v = this.value(0);
    this.skipWs();
    if (this.pos < this.s.length) this.fail("trailing characters", this.pos + 1);
    return v;
  }

  /** serde_json's position: line and column of the character at `at` (1-based column of the offending character). */
  private fail(message: string, at: number = this.pos): never {
    let line = 1;
    let col = 0;
    const end = Math.min(at, this.s.length);
    for (let i = 0; i < end; i++) {
      if (this.s.charCodeAt(i) === 0x0a) {
        line++;
        col = 0;
      } else col++;
    }
    throw new JsonSyntaxError(`${message} at line ${line} column ${col}`);
  }

  private skipWs(): void {
    while (this.pos < this.s.length && WS.has(this.s.charCodeAt(this.pos))) this.pos++;
  }

  private count(): void {
    if (++this.values > MAX_DOCUMENT_VALUES) throw new JsonTooManyValuesError();
  }

  private value(depth: number): JValue {
    this.skipWs();
    if (this.pos >= this.s.length) this.fail("EOF while parsing a value");
    const c = this.s[this.pos]!;
    switch (c) {
      case "{":
        return this.object(depth + 1);
      case "[":
        return this.array(depth + 1);
      case '"':
        this.pos++;
        this.count();
        return this.string();
      case "t":
        return this.ident("true", true);
      case "f":
        return this.ident("false", false);
      case "n":
        return this.ident("null", null);
      default:
        if (c === "-" || (c >= "0" && c <= "9")) return this.number();
        this.fail("expected value", this.pos + 1);
    }
  }

  private ident<T extends JValue>(word: string, v: T): T {
    for (let i = 0; i < word.length; i++) {
      if (this.pos >= this.s.length) this.fail("EOF while parsing a value");
      if (this.s[this.pos] !== word[i]) this.fail(i === 0 ? "expected value" : "expected ident", this.pos + 1);
      this.pos++;
    }
    return v;
  }

  private enter(depth: number): void {
    if (depth > this.maxDepth) this.fail("recursion limit exceeded", this.pos + 1);
    this.count();
    this.pos++;
  }

  private array(depth: number): JValue[] {
    this.enter(depth);
    const out: JValue[] = [];
    this.skipWs();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipWs();
      if (this.pos >= this.s.length) this.fail("EOF while parsing a list");
      const c = this.s[this.pos];
      if (c === ",") {
        this.pos++;
        this.skipWs();
        if (this.s[this.pos] === "]") this.fail("trailing comma", this.pos + 1);
        continue;
      }
      if (c === "]") {
        this.pos++;
        return out;
      }
      this.fail("expected `,` or `]`", this.pos + 1);
    }
  }

  private object(depth: number): JObject {
    this.enter(depth);
    const out: JObject = new Map();
    this.skipWs();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.pos >= this.s.length) this.fail("EOF while parsing an object");
      if (this.s[this.pos] !== '"') this.fail("key must be a string", this.pos + 1);
      this.pos++;
      const key = this.string();
      this.skipWs();
      if (this.pos >= this.s.length) this.fail("EOF while parsing an object");
      if (this.s[this.pos] !== ":") this.fail("expected `:`", this.pos + 1);
      this.pos++;
      out.set(key, this.value(depth));
      this.skipWs();
      if (this.pos >= this.s.length) this.fail("EOF while parsing an object");
      const c = this.s[this.pos];
      if (c === ",") {
        this.pos++;
        this.skipWs();
        if (this.s[this.pos] === "}") this.fail("trailing comma", this.pos + 1);
        continue;
      }
      if (c === "}") {
        this.pos++;
        return out;
      }
      this.fail("expected `,` or `}`", this.pos + 1);
    }
  }

  /** A string's contents after its opening quote. */
  private string(): string {
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.s.length) this.fail("EOF while parsing a string");
      const code = this.s.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail("control character (\\u0000-\\u001F) found while parsing a string", this.pos + 1);
      if (code !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.s.slice(start, this.pos);
      this.pos++;
      if (this.pos >= this.s.length) this.fail("EOF while parsing a string");
      const e = this.s[this.pos++]!;
      switch (e) {
        case '"':
          out += '"';
          break;
        case "\\":
          out += "\\";
          break;
        case "/":
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hi = this.hex4();
          if (hi >= 0xdc00 && hi <= 0xdfff) this.fail("lone leading surrogate in hex escape");
          if (hi >= 0xd800 && hi <= 0xdbff) {
            if (this.s[this.pos] !== "\\" || this.s[this.pos + 1] !== "u") this.fail("unexpected end of hex escape", this.pos + 1);
            this.pos += 2;
            const lo = this.hex4();
            if (lo < 0xdc00 || lo > 0xdfff) this.fail("lone leading surrogate in hex escape");
            out += String.fromCharCode(hi, lo);
          } else out += String.fromCharCode(hi);
          break;
        }
        default:
          this.fail("invalid escape");
      }
      start = this.pos;
    }
  }

  private hex4(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.s.length) this.fail("EOF while parsing a string");
      const d = parseInt(this.s[this.pos]!, 16);
      if (Number.isNaN(d)) this.fail("invalid escape", this.pos + 1);
      v = v * 16 + d;
      this.pos++;
    }
    return v;
  }

  private number(): JInt | JFloat {
    const start = this.pos;
    const s = this.s;
    const digit = (i: number) => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;
    if (s[this.pos] === "-") this.pos++;
    if (!digit(this.pos)) this.fail("invalid number", this.pos + 1);
    if (s[this.pos] === "0") {
      this.pos++;
      if (digit(this.pos)) this.fail("invalid number", this.pos + 1);
    } else while (digit(this.pos)) this.pos++;
    let float = false;
    if (s[this.pos] === ".") {
      float = true;
      this.pos++;
      if (!digit(this.pos)) this.fail(this.pos >= s.length ? "EOF while parsing a value" : "invalid number", this.pos + 1);
      while (digit(this.pos)) this.pos++;
    }
    if (s[this.pos] === "e" || s[this.pos] === "E") {
      float = true;
      this.pos++;
      if (s[this.pos] === "+" || s[this.pos] === "-") this.pos++;
      if (!digit(this.pos)) this.fail(this.pos >= s.length ? "EOF while parsing a value" : "invalid number", this.pos + 1);
      while (digit(this.pos)) this.pos++;
    }
    const lit = s.slice(start, this.pos);
    if (!float) {
      if (lit.length <= 4) {
        const small = Number(lit);
        if (small >= -256 && small < 1024) return SMALL_INTS[small + 256]!;
      }
      this.count();
      const n = BigInt(lit);
      if (n >= I64_MIN && n <= U64_MAX) return new JInt(n); // past the small ones: its own object
    }
    const f = Number(lit);
    if (!Number.isFinite(f)) this.fail("number out of range", this.pos);
    if (float) this.count();
    return new JFloat(f);
  }
}

/** A float as serde_json prints it (finite only): shortest round-trip digits in ryu's layout. */
export function formatFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? "-0.0" : "0.0";
  const neg = f < 0;
  const [mant, expText] = Math.abs(f).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const length = digits.length;
  const kk = Number(expText) + 1; // position of the decimal point relative to the digits
  const k = kk - length;
  let out: string;
  if (k >= 0 && kk <= 16) out = digits + "0".repeat(k) + ".0";
  else if (kk > 0 && kk <= 16) out = digits.slice(0, kk) + "." + digits.slice(kk);
  else if (kk > -5 && kk <= 0) out = "0." + "0".repeat(-kk) + digits;
  else if (length === 1) out = digits + "e" + (kk - 1);
  else out = digits[0] + "." + digits.slice(1) + "e" + (kk - 1);
  return neg ? "-" + out : out;
}

/** A float as RESP2 prints a module's double reply (`%.17g`, JSON.RESP). */
export function formatRespDouble(f: number): string {
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(f)));
  let s = f.toPrecision(17);
  const e = Number(s.includes("e") ? s.split("e")[1] : exp);
  if (e < -4 || e >= 17) {
    let [m, x] = f.toExponential(16).split("e") as [string, string];
    if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
    const n = Number(x);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** JSON.GET's INDENT / NEWLINE / SPACE (absent: compact). */
export interface Format {
  indent?: string;
  newline?: string;
  space?: string;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** The longest text one serialization may produce (a reply of `$..*` over a deep document repeats its subtrees). */
export const MAX_SERIALIZED_CHARS = 16 * 1024 * 1024;

/** Thrown when a serialization would pass its limit (nothing larger is ever built): the command's error reply. */
export class JsonTextTooLongError extends CommandError {
  constructor(readonly limit: number) {
    super(`ERR JSON reply exceeds ${limit} bytes`);
  }
}

/** The pieces of a text being written, counted as they come. */
class Out {
  private readonly parts: string[] = [];
  private n = 0;
  constructor(private readonly limit: number) {}
  push(...xs: string[]): void {
    for (const x of xs) {
      this.n += x.length;
      if (this.n > this.limit) throw new JsonTextTooLongError(this.limit);
      this.parts.push(x);
    }
  }
  text(): string {
    return this.parts.join("");
  }
}

/**
 * Serializes a value (or an array of values: a JSONPath reply) as RedisJSON does; past `limit`
 * characters it stops with JsonTextTooLongError.
 */
export function serialize(v: JValue, fmt?: Format, limit: number = MAX_SERIALIZED_CHARS): string {
  const out = new Out(limit);
  if (!fmt || (fmt.indent === undefined && fmt.newline === undefined && fmt.space === undefined)) writeCompact(v, out);
  else writePretty(v, out, fmt, 0);
  return out.text();
}

function writeScalar(v: JValue, out: Out): boolean {
  if (v === null) out.push("null");
  else if (typeof v === "boolean") out.push(v ? "true" : "false");
  else if (typeof v === "string") out.push(quote(v));
  else if (v instanceof JInt) out.push(v.v.toString());
  else if (v instanceof JFloat) out.push(formatFloat(v.v));
  else return false;
  return true;
}

function writeCompact(v: JValue, out: Out): void {
  if (writeScalar(v, out)) return;
  if (Array.isArray(v)) {
    out.push("[");
    v.forEach((e, i) => {
      if (i > 0) out.push(",");
      writeCompact(e, out);
    });
    out.push("]");
    return;
  }
  out.push("{");
  let first = true;
  for (const [k, e] of v as JObject) {
    if (!first) out.push(",");
    first = false;
    out.push(quote(k), ":");
    writeCompact(e, out);
  }
  out.push("}");
}

function newLine(out: Out, fmt: Format, level: number): void {
  if (fmt.newline !== undefined) out.push(fmt.newline);
  if (fmt.indent !== undefined) for (let i = 0; i < level; i++) out.push(fmt.indent);
}

function writePretty(v: JValue, out: Out, fmt: Format, level: number): void {
  if (writeScalar(v, out)) return;
  if (Array.isArray(v)) {
    out.push("[");
    v.forEach((e, i) => {
      if (i > 0) out.push(",");
      newLine(out, fmt, level + 1);
      writePretty(e, out, fmt, level + 1);
    });
    if (v.length > 0) newLine(out, fmt, level);
    out.push("]");
    return;
  }
  const obj = v as JObject;
  out.push("{");
  let first = true;
  for (const [k, e] of obj) {
    if (!first) out.push(",");
    first = false;
    newLine(out, fmt, level + 1);
    out.push(quote(k), ":", fmt.space ?? "");
    writePretty(e, out, fmt, level + 1);
  }
  if (obj.size > 0) newLine(out, fmt, level);
  out.push("}");
}

/** A deep copy (a value set at several paths is a copy at each). */
export function clone(v: JValue): JValue {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Map) {
    const m: JObject = new Map();
    for (const [k, e] of v) m.set(k, clone(e));
    return m;
  }
  return v;
}

/** RedisJSON's equality of values (ARRINDEX, filters): same type and contents; 1 and 1.0 differ. */
export function equal(a: JValue, b: JValue): boolean {
  if (a === b) return true;
  if (a instanceof JInt) return b instanceof JInt && a.v === b.v;
  if (a instanceof JFloat) return b instanceof JFloat && a.v === b.v;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((e, i) => equal(e, b[i]!));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, e] of a) if (!b.has(k) || !equal(e, b.get(k)!)) return false;
    return true;
  }
  return false;
}

/** A value that costs only its slot: null, a boolean, a shared small integer. */
function isConstant(v: JValue): boolean {
  return v === null || typeof v === "boolean" || (v instanceof JInt && v.v >= -256n && v.v < 1024n && SMALL_INTS[Number(v.v) + 256] === v);
}

/** How many values `v` holds as MAX_DOCUMENT_VALUES counts them (itself included), counting no further than `limit`. */
export function countValues(v: JValue, limit: number = MAX_DOCUMENT_VALUES): number {
  let n = 0;
  const stack: JValue[] = [v];
  while (stack.length > 0 && n <= limit) {
    const x = stack.pop()!;
    if (!isConstant(x)) n++;
    if (Array.isArray(x)) for (const e of x) stack.push(e);
    else if (x instanceof Map) for (const e of x.values()) stack.push(e);
  }
  return n;
}

/** Containers nested in a value (a scalar: 0). */
export function depthOf(v: JValue): number {
  if (Array.isArray(v)) return 1 + v.reduce<number>((m, e) => Math.max(m, depthOf(e)), 0);
  if (v instanceof Map) {
    let m = 0;
    for (const e of v.values()) m = Math.max(m, depthOf(e));
    return 1 + m;
  }
  return 0;
}

/** The value of a number as a double (filters compare integers and floats as RedisJSON does). */
export function toDouble(v: JInt | JFloat): number {
  return v instanceof JInt ? Number(v.v) : v.v;
}
