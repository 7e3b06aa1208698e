/**
 * Arguments and their parsing. An argument is text (`string`, from JSON or a URL path) or
 * bytes (`Uint8Array`, a raw request body or a `{"base64"}` argument). Keys are always text;
 * values keep their bytes.
 *
 * Bytes become text losslessly (`text`, `bytesText`): valid UTF-8 decodes as itself, and each
 * byte that is not part of a valid UTF-8 sequence (0x80–0xFF) becomes the lone surrogate
 * U+DC80–U+DCFF (Python's "surrogateescape"). Valid UTF-8 never decodes to a lone surrogate, so
 * two byte strings never share a text, and `textBytes` gives the exact bytes back. A key that is
 * not UTF-8 is thus kept, compared, hashed to its slot and answered as its own bytes; SQLite keeps
 * the lone surrogates as they are.
 */
import { Errors } from "./errors";
import { CommandError } from "./reply";

export type Arg = string | Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The argument as text (bytes as UTF-8, each byte outside a valid sequence as U+DC00 + the byte: see above). */
export function text(a: Arg): string {
  return typeof a === "string" ? a : bytesText(a);
}

/** The argument as bytes (text as UTF-8, an escaped byte U+DC80–U+DCFF as itself). */
export function bytes(a: Arg): Uint8Array {
  return typeof a === "string" ? textBytes(a) : a;
}

/** The length of the valid UTF-8 sequence at `b[i]`, or 0 when none starts there (Unicode's table 3-7). */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Bytes as text, losslessly: UTF-8, each byte outside a valid sequence as U+DC80–U+DCFF. A BOM is kept. */
export function bytesText(b: Uint8Array): string {
  try {
    return strict.decode(b);
  } catch {
    // Not UTF-8: the valid runs decoded, the other bytes escaped one by one.
  }
  return decodeEscaping(b, (i) => [String.fromCharCode(0xdc00 + b[i]!), 1]);
}

/**
 * Text as SQLite gave back its bytes (`CAST(key AS BLOB)`): UTF-8 in which a lone surrogate (an
 * escaped byte of a key that is not UTF-8) is written as its 3-byte form (ED A0–BF 80–BF), as the
 * runtime writes a string with one. Anything else that is not UTF-8 is escaped as `bytesText` does.
 */
export function storedText(b: Uint8Array): string {
  return decodeEscaping(b, (i) => {
    const b1 = b[i + 1] ?? 0;
    const b2 = b[i + 2] ?? 0;
    if (b[i] === 0xed && b1 >= 0xa0 && b1 <= 0xbf && b2 >= 0x80 && b2 <= 0xbf) return [String.fromCharCode(0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f)), 3];
    return [String.fromCharCode(0xdc00 + b[i]!), 1];
  });
}

/** `b` decoded: its valid UTF-8 runs as text, and at each byte that starts none, `escape`'s text and how many bytes it took. */
function decodeEscaping(b: Uint8Array, escape: (i: number) => [string, number]): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < b.length; ) {
    const n = sequenceAt(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    const [text, taken] = escape(i);
    out += strict.decode(b.subarray(start, i)) + text;
    i += taken;
    start = i;
  }
  return out + strict.decode(b.subarray(start));
}

const SURROGATE = /[\uD800-\uDFFF]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as a plain JSON reply shows it: each lone surrogate (an escaped byte, or any other) as U+FFFD, as bytes that are not UTF-8 are. */
export function wellFormed(s: string): string {
  return SURROGATE.test(s) ? s.replace(LONE_SURROGATE, "\uFFFD") : s;
}

/** Text as bytes: UTF-8, an escaped byte (a lone U+DC80–U+DCFF) as that byte, any other lone surrogate as U+FFFD. */
export function textBytes(s: string): Uint8Array {
  if (!SURROGATE.test(s)) return encoder.encode(s);
  const parts: Uint8Array[] = [];
  let total = 0;
  let start = 0;
  const push = (p: Uint8Array) => {
    parts.push(p);
    total += p.byteLength;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      i++;
      continue;
    }
    if (c < 0xdc80 || c > 0xdcff) continue; // a lone surrogate that escapes no byte: TextEncoder's U+FFFD
    push(encoder.encode(s.slice(start, i)));
    push(new Uint8Array([c - 0xdc00]));
    start = i + 1;
  }
  push(encoder.encode(s.slice(start)));
  return concatBytes(parts, total);
}

/** `parts` one after another in one array (`total`: the sum of their lengths); a single part as itself. */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function utf8(b: Uint8Array): string {
  return decoder.decode(b);
}

const INT_RE = /^-?(0|[1-9][0-9]*)$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Parses a signed 64-bit integer exactly as Redis's string2ll: no spaces, no '+', no leading zeros. */
export function parseI64(s: string): bigint | null {
  if (s.length === 0 || s.length > 20 || !INT_RE.test(s) || s === "-0") return null;
  const v = BigInt(s);
  return v < I64_MIN || v > I64_MAX ? null : v;
}

/** Like parseI64 but as a JS number; for counts, offsets and times that fit in 2^53. */
export function parseIntArg(a: Arg, error: string = Errors.notInteger): number {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(error);
  return Number(v);
}

/** Parses a float as Redis's strtold-based parsing: accepts inf/-inf, rejects NaN and junk. */
export function parseFloatArg(a: Arg, error: string = Errors.notFloat): number {
  const v = parseRedisFloat(text(a));
  if (v === null) throw new CommandError(error);
  return v;
}

const FLOAT_RE = /^[+-]?((\d+\.?\d*)|(\.\d+))([eE][+-]?\d+)?$/;
export function parseRedisFloat(s: string): number | null {
  if (s.length === 0 || s.length > 5120) return null;
  const lower = s.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (!FLOAT_RE.test(s)) return null;
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

/**
 * A cursor over argv for option parsing, as Kvrocks's CommandParser.
 * @example
 * const p = new ArgCursor(argv, 3);
 * while (p.more()) { if (p.eat("NX")) nx = true; else if (p.eat("EX")) ex = p.takeInt(); else p.syntaxError(); }
 */
export class ArgCursor {
  constructor(
    readonly argv: Arg[],
    public pos: number,
  ) {}

  more(): boolean {
    return this.pos < this.argv.length;
  }

  remaining(): number {
    return this.argv.length - this.pos;
  }

  /** The next argument upper-cased, without consuming it (null at the end). */
  peekUpper(): string | null {
    return this.more() ? text(this.argv[this.pos]!).toUpperCase() : null;
  }

  /** Consumes the next argument if it equals `flag` case-insensitively. */
  eat(flag: string): boolean {
    if (this.peekUpper() === flag) {
      this.pos++;
      return true;
    }
    return false;
  }

  take(): Arg {
    if (!this.more()) throw new CommandError(Errors.syntax);
    return this.argv[this.pos++]!;
  }

  takeText(): string {
    return text(this.take());
  }

  takeInt(error: string = Errors.notInteger): number {
    return parseIntArg(this.take(), error);
  }

  takeI64(error: string = Errors.notInteger): bigint {
    const v = parseI64(this.takeText());
    if (v === null) throw new CommandError(error);
    return v;
  }

  takeFloat(error: string = Errors.notFloat): number {
    return parseFloatArg(this.take(), error);
  }

  syntaxError(): never {
    throw new CommandError(Errors.syntax);
  }
}
