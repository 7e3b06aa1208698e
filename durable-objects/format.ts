/**
 * Number formatting as Redis replies it.
 */

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
  const [mantissa, expText] = d.toExponential(16).split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 17) {
    const digits = stripZeros(mantissa);
    const abs = Math.abs(exp);
    return `${digits}e${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  return stripZeros(d.toFixed(16 - exp));
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s;
  s = s.replace(/0+$/, "");
  return s.endsWith(".") ? s.slice(0, -1) : s;
}
