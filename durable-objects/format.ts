/**
 * Number formatting as Redis replies it. Exact decimal rounding comes from the Lua engine's
 * C-printf module (lua/numfmt.ts), so ties round half-to-even as glibc does.
 */
import { toFixedC, toGeneralC } from "./lua/numfmt";

/**
 * A double as Redis 7.0 replies a score (C's `%.17g`, with `inf`/`-inf`): 17 significant
 * digits, trailing zeros dropped, exponent form below 1e-4 or from 1e17.
 * @example formatDouble(0.1) === "0.10000000000000001"; formatDouble(1e20) === "1e+20"
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  // An integer below 2^53 has at most 16 digits: %.17g prints them all, as String does (and
  // about 300 times faster than the exact path, which a reply of 100k scores feels).
  if (Number.isSafeInteger(d)) return String(d);
  return (d < 0 ? "-" : "") + toGeneralC(Math.abs(d), 17, false);
}

/** C's `%.{digits}f` of a double (`inf`, `-inf` and `-0.000000` as glibc prints them). */
export function formatFixed(d: number, digits: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  return (d < 0 || Object.is(d, -0) ? "-" : "") + toFixedC(Math.abs(d), digits);
}

/**
 * A coordinate as Redis replies it (GEOPOS, WITHCOORD): `%.17Lf` with trailing zeros and a
 * trailing point dropped, `-0` as `0`.
 * @example formatCoordinate(13.361389338970184) === "13.36138933897018433"
 */
export function formatCoordinate(d: number): string {
  if (d === Infinity || d === -Infinity) return formatFixed(d, 0);
  let s = formatFixed(d, 17);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/**
 * A distance as Redis replies it (GEODIST, WITHDIST): rounded half-to-even to 4 decimals as a
 * product by 10^4 (llrint), always 4 digits after the point. A value beyond 64 bits prints as
 * llrint's LLONG_MIN, as Redis does.
 * @example formatDistance(0.775) === "0.7750"; formatDistance(0) === "0.0000"
 */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const x = d * 10000;
  let n: bigint;
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 63) n = -(2n ** 63n);
  else {
    let r = Math.round(x);
    if (r - x === 0.5 && r % 2 !== 0) r -= 1;
    n = BigInt(r);
  }
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(5, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}
