/**
 * INCRBYFLOAT's long double arithmetic. Every expected text below is what redis-server 7.0
 * (x86-64, 80-bit long double) answers for the same INCRBYFLOAT on a missing key or a key
 * holding the first operand.
 */
import { describe, expect, it } from "vitest";
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from "./long-double";

function sum(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (!x || !y) return "not a float";
  const s = addLongDouble(x, y);
  return s.kind === "finite" ? formatLongDouble(s) : s.kind;
}

describe("long double", () => {
  it.each([
    ["10.5", "0.1", "10.6"],
    ["0.1", "0.2", "0.3"],
    ["1", "-1e-17", "0.99999999999999999"],
    ["3.0e3", "0", "3000"],
    ["12345678901234567890", "1", "12345678901234567891"],
    ["1e20", "1", "100000000000000000000"],
    ["0", "1e30", "1000000000000000000024696061952"],
    ["0", "5e-18", "0"],
    ["0", "-4e-18", "0"],
    ["0", "1e-17", "0.00000000000000001"],
    // Ties at the 17th decimal round to even, as glibc's printf does.
    ["0", "0.000003814697265625", "0.00000381469726562"],
    ["0", "0.000011444091796875", "0.00001144409179688"],
    ["0", "-0.000003814697265625", "-0.00000381469726562"],
    ["0", "0x1p-3", "0.125"],
    ["0x10", "1", "17"],
    ["1", "inf", "inf"],
    ["inf", "-inf", "nan"],
  ])("%s + %s = %s", (a, b, expected) => {
    expect(sum(a, b)).toEqual(expected);
  });

  it("parses to the limits of the 80-bit format", () => {
    expect(formatLongDouble(parseLongDouble("1.18e4932")!).slice(0, 30)).toEqual("118000000000000000000065281291");
    expect(parseLongDouble("1.19e4932")).toBeNull();
    expect(formatLongDouble(parseLongDouble("3.6e-4951")!)).toEqual("0");
    expect(parseLongDouble("1e-4951")).toBeNull();
    expect(parseLongDouble("1e99999999999999999999")).toBeNull();
    expect(parseLongDouble("0e99999999999999999999")).not.toBeNull();
    expect(sum("1e4932", "1e4932")).toEqual("inf");
  });

  it("refuses what strtold would not read whole", () => {
    for (const s of ["", " 1", "1 ", "1e", "0x", "nan", "-nan(123)", "1.2.3", "--1", "x".repeat(6000)]) {
      expect(parseLongDouble(s)).toBeNull();
    }
  });

  it("prints -0 as 0", () => {
    const negZero: LongDouble = { kind: "finite", neg: true, m: 0n, e: 0 };
    expect(formatLongDouble(negZero)).toEqual("0");
  });
});
