/**
 * The `bit` library (LuaBitOp, as bundled with Redis): 32-bit operations on numbers, results
 * as signed 32-bit integers. Non-integers round to nearest even, as LuaBitOp's 2^52+2^51 trick.
 */
import { checkNumber, lib, optInt } from "./args";
import type { LuaTable, LuaValue } from "./value";

function tobit(x: number): number {
  if (!Number.isFinite(x)) return 0;
  let r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return Number(BigInt.asIntN(32, BigInt(r)));
}

function arg(a: LuaValue[], i: number, f: string): number {
  return tobit(checkNumber(a, i, f));
}

function fold(f: string, op: (x: number, y: number) => number) {
  return (a: LuaValue[]): LuaValue[] => {
    let v = arg(a, 0, f);
    for (let i = 1; i < a.length; i++) v = op(v, arg(a, i, f));
    return [v | 0];
  };
}

export function bitLib(): LuaTable {
  return lib({
    tobit: (a) => [arg(a, 0, "tobit")],
    bnot: (a) => [~arg(a, 0, "bnot")],
    band: fold("band", (x, y) => x & y),
    bor: fold("bor", (x, y) => x | y),
    bxor: fold("bxor", (x, y) => x ^ y),
    lshift: (a) => [arg(a, 0, "lshift") << (arg(a, 1, "lshift") & 31)],
    rshift: (a) => [(arg(a, 0, "rshift") >>> (arg(a, 1, "rshift") & 31)) | 0],
    arshift: (a) => [arg(a, 0, "arshift") >> (arg(a, 1, "arshift") & 31)],
    rol: (a) => {
      const x = arg(a, 0, "rol");
      const n = arg(a, 1, "rol") & 31;
      return [(x << n) | (x >>> (32 - n))];
    },
    ror: (a) => {
      const x = arg(a, 0, "ror");
      const n = arg(a, 1, "ror") & 31;
      return [(x >>> n) | (x << (32 - n))];
    },
    bswap: (a) => {
      const x = arg(a, 0, "bswap");
      return [((x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0];
    },
    tohex: (a) => {
      const x = arg(a, 0, "tohex");
      let n = a[1] === undefined ? 8 : optInt(a, 1, "tohex", 8);
      const upper = n < 0;
      if (upper) n = -n;
      if (n > 8) n = 8;
      let s = (x >>> 0).toString(16).padStart(8, "0").slice(8 - n);
      if (upper) s = s.toUpperCase();
      return [s];
    },
  });
}
