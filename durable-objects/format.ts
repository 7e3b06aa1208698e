/**
 * Number formatting as Redis replies it. Exact decimal rounding comes from the Lua engine's
 * C-printf module (lua/numfmt.ts), so ties round half-to-even as glibc does.
 */
import { toGeneralC } from "./lua/numfmt";

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
  return (d < 0 ? "-" : "") + toGeneralC(Math.abs(d), 17, false);
}
