import { describe, expect, it } from "vitest";
import { formatDouble } from "./format";
import { toGeneralC } from "./lua/numfmt";

describe("formatDouble", () => {
  it("prints integers below 2^53 as %.17g does (the fast path agrees with the exact one)", () => {
    const ints = [1, 7, 10, 99, 100, 12345, 999_999, 1e15, 2 ** 52, 2 ** 53 - 1, 4503599627370497, 1_000_000_007];
    for (let i = 0; i < 2000; i++) ints.push(Math.floor(Math.random() * 2 ** 53), Math.floor(Math.random() * 1e6));
    for (const n of ints) {
      expect(formatDouble(n)).toBe(toGeneralC(n, 17, false));
      expect(formatDouble(-n)).toBe(`-${toGeneralC(n, 17, false)}`);
    }
  });

  it("leaves larger integers and fractions to %.17g", () => {
    expect(formatDouble(2 ** 53)).toBe("9007199254740992");
    expect(formatDouble(2 ** 60)).toBe("1.152921504606847e+18");
    expect(formatDouble(1e17)).toBe("1e+17");
    expect(formatDouble(0.1)).toBe("0.10000000000000001");
    expect(formatDouble(-2.5)).toBe("-2.5");
    expect(formatDouble(-0)).toBe("-0");
    expect(formatDouble(-Infinity)).toBe("-inf");
  });
});
