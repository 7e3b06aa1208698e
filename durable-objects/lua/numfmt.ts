/**
 * Exact decimal rounding of doubles, as C's printf does it: the exact binary value rounded
 * half-to-even (JS's toFixed/toExponential round exact ties away from zero: 1.25 → "1.3"
 * where C prints "1.2").
 */

/** |x| exactly as digits D and scale s: |x| = D / 10^s. */
function exact(x: number): [bigint, number] {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  if (e >= 0) return [mant << BigInt(e), 0];
  return [mant * 5n ** BigInt(-e), -e];
}

/** D / 10^s rounded half-even to `f` fractional digits (f may be negative): an integer q, |x| ≈ q / 10^f. */
function roundAt(d: bigint, s: number, f: number): bigint {
  if (f >= s) return d * 10n ** BigInt(f - s);
  const div = 10n ** BigInt(s - f);
  let q = d / div;
  const r = d % div;
  const twice = r * 2n;
  if (twice > div || (twice === div && q % 2n === 1n)) q++;
  return q;
}

/** C's `%.{f}f` of a finite |x| (no sign). */
export function toFixedC(x: number, f: number): string {
  const [d, s] = exact(x);
  const q = roundAt(d, s, f).toString();
  if (f === 0) return q;
  const padded = q.padStart(f + 1, "0");
  return `${padded.slice(0, -f)}.${padded.slice(-f)}`;
}

/** The digits and exponent of a finite nonzero |x| rounded to `p` significant digits. */
export function toPrecisionC(x: number, p: number): { digits: string; exp: number } {
  if (p <= 15 && x >= 2.2250738585072014e-308) {
    // Fast path: when the shortest round-trip digits of a normal x number at most p, they
    // are the p-digit rounding (x is within half an ulp of them, far less than half a step
    // of p digits for p <= 15), and there is no tie to break.
    const short = x.toExponential();
    const at = short.indexOf("e");
    const digits = short[0]! + short.slice(2, at);
    if (digits.length <= p) return { digits: digits.padEnd(p, "0"), exp: Number(short.slice(at + 1)) };
  }
  return toPrecisionExact(x, p);
}

/** toPrecisionC by exact big-integer arithmetic. */
export function toPrecisionExact(x: number, p: number): { digits: string; exp: number } {
  const [d, s] = exact(x);
  const nd = d.toString().length;
  let exp = nd - 1 - s;
  let q = roundAt(d, s, p - 1 - exp).toString();
  if (q.length > p) {
    exp++;
    q = q.slice(0, p);
  }
  return { digits: q, exp };
}

/** C's `%.{prec}e` of a finite |x| (no sign). */
export function toExponentialC(x: number, prec: number, alt: boolean): string {
  let digits: string;
  let exp: number;
  if (x === 0) {
    digits = "0".repeat(prec + 1);
    exp = 0;
  } else ({ digits, exp } = toPrecisionC(x, prec + 1));
  const mant = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${mant}e${exp < 0 ? "-" : "+"}${e}`;
}

/** C's `%.{precision}g` of a finite |x| (no sign). */
export function toGeneralC(x: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alt ? "0." + "0".repeat(p - 1) : "0";
  const { digits, exp } = toPrecisionC(x, p);
  let out: string;
  if (exp < -4 || exp >= p) {
    let mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    if (!alt && mant.includes(".")) mant = mant.replace(/\.?0+$/, "");
    else if (alt && !mant.includes(".")) mant += ".";
    out = `${mant}e${exp < 0 ? "-" : "+"}${Math.abs(exp).toString().padStart(2, "0")}`;
  } else {
    const f = p - 1 - exp;
    out = exp >= 0 ? digits.slice(0, exp + 1) + (f > 0 ? "." + digits.slice(exp + 1) : "") : "0." + "0".repeat(-exp - 1) + digits;
    if (!alt && out.includes(".")) out = out.replace(/\.?0+$/, "");
    else if (alt && !out.includes(".")) out += ".";
  }
  return out;
}
