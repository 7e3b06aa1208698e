/**
 * Arguments and their parsing. An argument is text (`string`, from JSON or a URL path) or
 * bytes (`Uint8Array`, a raw request body). Keys are always text; values keep their bytes.
 */
import { Errors } from "./errors";
import { CommandError } from "./reply";

export type Arg = string | Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The argument as text (bytes are decoded as UTF-8). */
export function text(a: Arg): string {
  return typeof a === "string" ? a : decoder.decode(a);
}

/** The argument as bytes (text is encoded as UTF-8). */
export function bytes(a: Arg): Uint8Array {
  return typeof a === "string" ? encoder.encode(a) : a;
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
