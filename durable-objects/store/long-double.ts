/**
 * INCRBYFLOAT's arithmetic, bit for bit as Redis does it on x86-64: values are parsed with
 * `strtold` into an 80-bit `long double` (64-bit significand, correctly rounded), added in that
 * precision, and printed with `%.17Lf` with the trailing zeros (and a bare '.') removed.
 *
 * A JS double has 11 fewer significand bits, so `0.1 + 0.2` would print as
 * 0.30000000000000004 where Redis prints 0.3. Here a finite value is an exact `m × 2^e` with a
 * BigInt significand of at most 64 bits; parsing, adding and printing are exact integer
 * arithmetic followed by one round-half-to-even, as the C library does.
 */

export type LongDouble =
  | { kind: "finite"; neg: boolean; m: bigint; e: number }
  | { kind: "inf"; neg: boolean }
  | { kind: "nan" };

const SIGNIFICAND_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal (2^-16445). */
const MIN_EXP = -16445;
/** Every finite value is below 2^16384. */
const MAX_BINARY_EXP = 16384;
/** Decimal exponents beyond which a literal surely overflows or underflows (max ≈ 1.19e4932, min ≈ 3.6e-4951). */
const MAX_DECIMAL_EXP = 4934;
const MIN_DECIMAL_EXP = -4951;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer input is not a number. */
const MAX_CHARS = 5 * 1024;

function zero(neg: boolean): LongDouble {
  return { kind: "finite", neg, m: 0n, e: 0 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds `n × 2^e` (plus a nonzero amount below its last bit when `sticky`) to the nearest
 * long double, ties to even. Callers pass at least 66 significant bits when `sticky`.
 */
function round(neg: boolean, n: bigint, e: number, sticky = false): LongDouble {
  if (n === 0n) return zero(neg);
  const s = Math.max(bitLength(n) - SIGNIFICAND_BITS, MIN_EXP - e);
  if (s > 0) {
    const shift = BigInt(s);
    let q = n >> shift;
    const rem = n - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n;
    n = q;
    e += s;
    if (bitLength(n) > SIGNIFICAND_BITS) {
      n >>= 1n;
      e += 1;
    }
  }
  if (n !== 0n && bitLength(n) + e > MAX_BINARY_EXP) return { kind: "inf", neg };
  return { kind: "finite", neg, m: n, e };
}

const DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;
const NAN = /^[+-]?nan(\([0-9A-Za-z_]*\))?$/i;

/** A decimal exponent string, clamped to a range where the magnitude is already decided. */
function exponent(s: string | undefined): number {
  if (!s) return 0;
  const v = BigInt(s);
  return v > 100_000n ? 100_000 : v < -100_000n ? -100_000 : Number(v);
}

/**
 * Parses as Redis's getLongDoubleFromObject: the whole text must be one `strtold` number
 * (decimal, hex, inf/infinity; an embedded NUL ends the number early, so it is refused), no
 * leading space, no NaN, and no overflow or underflow to zero. Null if it is not a valid float.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS || /^\s/.test(s) || s.includes("\0")) return null;
  if (INFINITY.test(s)) return { kind: "inf", neg: s.startsWith("-") };
  if (NAN.test(s)) return null;
  let m = DECIMAL.exec(s);
  if (m) return decimalValue(m[1] === "-", (m[2] ?? "") + (m[3] ?? m[4] ?? ""), (m[3] ?? m[4] ?? "").length, exponent(m[5]));
  m = HEX.exec(s);
  if (m) {
    const frac = m[3] ?? m[4] ?? "";
    const digits = ((m[2] ?? "") + frac).replace(/^0+/, "");
    if (digits === "") return zero(m[1] === "-");
    const e = exponent(m[5]) - 4 * frac.length;
    const bits = digits.length * 4;
    if (e + bits > MAX_BINARY_EXP + 4) return null;
    if (e + bits < MIN_EXP - 4) return null;
    const v = round(m[1] === "-", BigInt("0x" + digits), e);
    return v.kind === "inf" || (v.kind === "finite" && v.m === 0n) ? null : v;
  }
  return null;
}

function decimalValue(neg: boolean, allDigits: string, fracDigits: number, exp: number): LongDouble | null {
  const digits = allDigits.replace(/^0+/, "");
  if (digits === "") return zero(neg);
  const exp10 = exp - fracDigits;
  const magnitude = digits.length + exp10;
  if (magnitude > MAX_DECIMAL_EXP) return null;
  if (magnitude <= MIN_DECIMAL_EXP) return null;
  const d = BigInt(digits);
  let v: LongDouble;
  if (exp10 >= 0) {
    v = round(neg, d * 10n ** BigInt(exp10), 0);
  } else {
    const den = 10n ** BigInt(-exp10);
    const k = Math.max(0, SIGNIFICAND_BITS + 2 + bitLength(den) - bitLength(d));
    const num = d << BigInt(k);
    const q = num / den;
    v = round(neg, q, -k, num - q * den !== 0n);
  }
  return v.kind === "inf" || (v.kind === "finite" && v.m === 0n) ? null : v;
}

/** a + b in long double precision. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === "nan" || b.kind === "nan") return { kind: "nan" };
  if (a.kind === "inf" && b.kind === "inf") return a.neg === b.neg ? a : { kind: "nan" };
  if (a.kind === "inf") return a;
  if (b.kind === "inf") return b;
  const e = Math.min(a.e, b.e);
  const x = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const y = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = x + y;
  if (sum === 0n) return zero(a.neg && b.neg && a.m === 0n && b.m === 0n);
  return round(sum < 0n, sum < 0n ? -sum : sum, e);
}

const TEN_17 = 10n ** 17n;

/** `%.17Lf`, then trailing zeros and a trailing '.' removed, and "-0" printed as "0" (Redis's LD_STR_HUMAN). */
export function formatLongDouble(v: LongDouble): string {
  if (v.kind === "nan") return "nan";
  if (v.kind === "inf") return v.neg ? "-inf" : "inf";
  let fixed: string;
  if (v.e >= 0) {
    fixed = (v.m << BigInt(v.e)).toString();
  } else {
    const k = BigInt(-v.e);
    const scaled = v.m * TEN_17;
    let q = scaled >> k;
    const rem = scaled - (q << k);
    const half = 1n << (k - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    const frac = (q % TEN_17).toString().padStart(17, "0").replace(/0+$/, "");
    fixed = (q / TEN_17).toString() + (frac ? "." + frac : "");
  }
  return fixed === "0" ? "0" : (v.neg ? "-" : "") + fixed;
}
