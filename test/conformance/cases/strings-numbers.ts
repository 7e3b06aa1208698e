/** String cases: INCR, DECR, INCRBY, DECRBY (64-bit integers) and INCRBYFLOAT (long double). */
import { expect } from "vitest";
import { error, type Case } from "../harness";
import { expectTtlNear, NOT_FLOAT, NOT_INTEGER, otherType, WRONGTYPE } from "./strings-helpers";

const OVERFLOW = error("ERR increment or decrement would overflow");
const NAN_OR_INF = error("ERR increment would produce NaN or Infinity");

export const stringNumberCases: Case[] = [
  {
    name: "INCR and DECR create a missing key",
    async run({ r, key }) {
      expect(await r("INCR", key("a"))).toEqual(1);
      expect(await r("INCR", key("a"))).toEqual(2);
      expect(await r("GET", key("a"))).toEqual("2");
      expect(await r("DECR", key("b"))).toEqual(-1);
      expect(await r("DECR", key("b"))).toEqual(-2);
      expect(await r("GET", key("b"))).toEqual("-2");
    },
  },
  {
    name: "INCRBY and DECRBY",
    async run({ r, key }) {
      expect(await r("INCRBY", key(), 5)).toEqual(5);
      expect(await r("INCRBY", key(), -8)).toEqual(-3);
      expect(await r("DECRBY", key(), 10)).toEqual(-13);
      expect(await r("DECRBY", key(), -20)).toEqual(7);
      expect(await r("INCRBY", key(), 0)).toEqual(7);
      expect(await r("SET", key(), "-50")).toEqual("OK");
      expect(await r("INCR", key())).toEqual(-49);
    },
  },
  {
    name: "INCR keeps the TTL",
    async run({ r, key }) {
      expect(await r("SET", key(), "1", "EX", 100)).toEqual("OK");
      expect(await r("INCR", key())).toEqual(2);
      expect(await r("DECRBY", key(), 5)).toEqual(-3);
      await expectTtlNear(r, key(), 100);
    },
  },
  {
    name: "INCRBY near 2^52 and 2^53: every sum exact, read back as text",
    async run({ r, key }) {
      const steps: [string, string, string][] = [
        // [value, increment, value after]
        ["999999999999999", "1", "1000000000000000"],
        ["-999999999999999", "-1", "-1000000000000000"],
        ["999999999999999", "4503599627370495", "5503599627370494"],
        ["4503599627370495", "1", "4503599627370496"],
        ["9007199254740991", "2", "9007199254740993"],
        ["9007199254740993", "-9007199254740993", "0"],
        ["0", "-4503599627370496", "-4503599627370496"],
        ["123", "9223372036854775000", "9223372036854775123"],
      ];
      for (const [value, by, after] of steps) {
        expect(await r("SET", key(), value)).toEqual("OK");
        await r("INCRBY", key(), by);
        expect(await r("GET", key())).toEqual(after);
      }
      expect(await r("SET", key(), "9223372036854775000")).toEqual("OK");
      expect(await r("INCRBY", key(), "1000")).toEqual(OVERFLOW);
      expect(await r("GET", key())).toEqual("9223372036854775000");
    },
  },
  {
    name: "INCR on a value that is not a canonical integer",
    async run({ r, key }) {
      for (const v of [" 1", "1 ", "+1", "01", "-0", "1.5", "1.0", "", "abc", "0x10", "99999999999999999999", "9223372036854775808"]) {
        expect(await r("SET", key(), v)).toEqual("OK");
        expect(await r("INCR", key())).toEqual(NOT_INTEGER);
        expect(await r("DECRBY", key(), 1)).toEqual(NOT_INTEGER);
        expect(await r("GET", key())).toEqual(v);
      }
    },
  },
  {
    name: "INCRBY with an increment that is not an integer",
    async run({ r, key }) {
      expect(await r("INCRBY", key(), "1.5")).toEqual(NOT_INTEGER);
      expect(await r("INCRBY", key(), "abc")).toEqual(NOT_INTEGER);
      expect(await r("DECRBY", key(), " 1")).toEqual(NOT_INTEGER);
      expect(await r("INCRBY", key(), "9223372036854775808")).toEqual(NOT_INTEGER);
      expect(await r("EXISTS", key())).toEqual(0);
      await otherType(r, key("z"));
      expect(await r("INCRBY", key("z"), "abc")).toEqual(NOT_INTEGER);
    },
  },
  {
    name: "INCR family against another type is WRONGTYPE",
    async run({ r, key }) {
      await otherType(r, key());
      expect(await r("INCR", key())).toEqual(WRONGTYPE);
      expect(await r("DECR", key())).toEqual(WRONGTYPE);
      expect(await r("INCRBY", key(), 2)).toEqual(WRONGTYPE);
      expect(await r("DECRBY", key(), 2)).toEqual(WRONGTYPE);
    },
  },
  {
    name: "INCR near 2^63 overflows exactly at the limit",
    async run({ r, key }) {
      expect(await r("SET", key(), "9223372036854775806")).toEqual("OK");
      expect(await r("INCR", key())).toEqual(9223372036854775807n);
      expect(await r("INCR", key())).toEqual(OVERFLOW);
      expect(await r("INCRBY", key(), 1)).toEqual(OVERFLOW);
      expect(await r("GET", key())).toEqual("9223372036854775807");
      expect(await r("INCRBY", key(), "-9223372036854775807")).toEqual(0);
      expect(await r("INCRBY", key(), "9223372036854775807")).toEqual(9223372036854775807n);
    },
  },
  {
    name: "DECR near -2^63 overflows exactly at the limit",
    async run({ r, key }) {
      expect(await r("SET", key(), "-9223372036854775807")).toEqual("OK");
      expect(await r("DECR", key())).toEqual(-9223372036854775808n);
      expect(await r("DECR", key())).toEqual(OVERFLOW);
      expect(await r("INCRBY", key(), -1)).toEqual(OVERFLOW);
      expect(await r("DECRBY", key(), 1)).toEqual(OVERFLOW);
      expect(await r("GET", key())).toEqual("-9223372036854775808");
    },
  },
  {
    name: "DECRBY -2^63 cannot be negated",
    async run({ r, key }) {
      expect(await r("DECRBY", key(), "-9223372036854775808")).toEqual(error("ERR decrement would overflow"));
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "0")).toEqual("OK");
      expect(await r("DECRBY", key(), "-9223372036854775808")).toEqual(error("ERR decrement would overflow"));
      expect(await r("DECRBY", key(), "9223372036854775807")).toEqual(-9223372036854775807n);
      expect(await r("INCRBY", key(), "-9223372036854775808")).toEqual(OVERFLOW);
    },
  },
  {
    name: "INCR is exact beyond 2^53",
    async run({ r, key }) {
      expect(await r("SET", key(), "9007199254740993")).toEqual("OK");
      expect(await r("INCR", key())).toEqual(9007199254740994n);
      expect(await r("INCRBY", key(), "4611686018427387904")).toEqual(4620693217682128898n);
      expect(await r("GET", key())).toEqual("4620693217682128898");
      expect(await r("INCRBY", key(), "4611686018427387904")).toEqual(OVERFLOW);
    },
  },
  {
    name: "INCRBYFLOAT",
    async run({ r, key }) {
      expect(await r("SET", key(), "10.5")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0.1")).toEqual("10.6");
      expect(await r("GET", key())).toEqual("10.6");
      expect(await r("INCRBYFLOAT", key(), "-5.6")).toEqual("5");
      expect(await r("INCRBYFLOAT", key("new"), "1.5")).toEqual("1.5");
      expect(await r("INCRBYFLOAT", key("new"), "-1.5")).toEqual("0");
      expect(await r("GET", key("new"))).toEqual("0");
    },
  },
  {
    name: "INCRBYFLOAT prints integers without a fraction or exponent",
    async run({ r, key }) {
      expect(await r("SET", key(), "3.0e3")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0")).toEqual("3000");
      expect(await r("SET", key(), "5.0e3")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "2.0e2")).toEqual("5200");
      expect(await r("INCRBYFLOAT", key(), "1.5")).toEqual("5201.5");
      expect(await r("INCRBYFLOAT", key(), "1E2")).toEqual("5301.5");
      expect(await r("INCRBYFLOAT", key(), "-0.5e1")).toEqual("5296.5");
      expect(await r("SET", key(), "1e20")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1")).toEqual("100000000000000000000");
    },
  },
  {
    name: "INCRBYFLOAT adds in long double precision",
    async run({ r, key }) {
      expect(await r("SET", key(), "0.1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0.2")).toEqual("0.3");
      expect(await r("SET", key(), "1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1.1")).toEqual("2.1");
      expect(await r("INCRBYFLOAT", key(), "2.2")).toEqual("4.3");
      expect(await r("INCRBYFLOAT", key(), "-3.3")).toEqual("1");
      expect(await r("INCRBYFLOAT", key(), "-1e-17")).toEqual("0.99999999999999999");
      expect(await r("SET", key(), "1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0.333333333333333333333")).toEqual("1.33333333333333333");
    },
  },
  {
    name: "INCRBYFLOAT prints 17 decimals at most",
    async run({ r, key }) {
      expect(await r("INCRBYFLOAT", key("a"), "1e-5")).toEqual("0.00001");
      expect(await r("INCRBYFLOAT", key("b"), "1e-17")).toEqual("0.00000000000000001");
      expect(await r("INCRBYFLOAT", key("c"), "5e-18")).toEqual("0");
      expect(await r("INCRBYFLOAT", key("d"), "-5e-18")).toEqual("0");
      expect(await r("SET", key("e"), "1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key("e"), "1e-18")).toEqual("1");
      expect(await r("SET", key("f"), "1.23456789012345678")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key("f"), "0")).toEqual("1.23456789012345678");
    },
  },
  {
    name: "INCRBYFLOAT on large values prints every digit",
    async run({ r, key }) {
      expect(await r("SET", key(), "12345678901234567890")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1")).toEqual("12345678901234567891");
      expect(await r("SET", key(), "1.5")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1e17")).toEqual("100000000000000001.5");
      expect(await r("INCRBYFLOAT", key("b"), "1e30")).toEqual("1000000000000000000024696061952");
      expect(await r("INCRBYFLOAT", key("b"), "-1e30")).toEqual("0");
      const big = (await r("INCRBYFLOAT", key("c"), "1e300")) as string;
      expect(big.length).toEqual(301);
      expect(big.startsWith("1000000000000000000008997324079559")).toBe(true);
    },
  },
  {
    name: "INCRBYFLOAT accepts every strtold spelling",
    async run({ r, key }) {
      expect(await r("INCRBYFLOAT", key(), "+5")).toEqual("5");
      expect(await r("INCRBYFLOAT", key(), ".5")).toEqual("5.5");
      expect(await r("INCRBYFLOAT", key(), "5.")).toEqual("10.5");
      expect(await r("INCRBYFLOAT", key(), "-0")).toEqual("10.5");
      expect(await r("INCRBYFLOAT", key(), "0x10")).toEqual("26.5");
      expect(await r("INCRBYFLOAT", key(), "0x1p-3")).toEqual("26.625");
      expect(await r("SET", key(), "0x10")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1")).toEqual("17");
      expect(await r("SET", key(), "-0.0")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0")).toEqual("0");
    },
  },
  {
    name: "INCRBYFLOAT refuses what is not a float",
    async run({ r, key }) {
      expect(await r("SET", key(), "1")).toEqual("OK");
      for (const v of ["abc", "nan", "NaN", " 1", "1 ", "", "1e", "1e+", "0x", "1.2.3", "1e5000", "1e-5000", "--1"]) {
        expect(await r("INCRBYFLOAT", key(), v)).toEqual(NOT_FLOAT);
      }
      expect(await r("GET", key())).toEqual("1");
      for (const v of ["abc", " 1", "1 ", "", "nan"]) {
        expect(await r("SET", key("v"), v)).toEqual("OK");
        expect(await r("INCRBYFLOAT", key("v"), "1")).toEqual(NOT_FLOAT);
      }
    },
  },
  {
    name: "INCRBYFLOAT refuses to produce NaN or Infinity",
    async run({ r, key }) {
      expect(await r("SET", key(), "1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "inf")).toEqual(NAN_OR_INF);
      expect(await r("INCRBYFLOAT", key(), "-inf")).toEqual(NAN_OR_INF);
      expect(await r("INCRBYFLOAT", key(), "Infinity")).toEqual(NAN_OR_INF);
      const huge = (await r("INCRBYFLOAT", key(), "1e4932")) as string;
      expect(huge.length).toEqual(4933);
      expect(huge.startsWith("1000000000000000000006018949387963891323837774254533")).toBe(true);
      expect(await r("INCRBYFLOAT", key(), "1e4932")).toEqual(NAN_OR_INF);
      expect(await r("SET", key("i"), "inf")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key("i"), "1")).toEqual(NAN_OR_INF);
      expect(await r("GET", key("i"))).toEqual("inf");
    },
  },
  {
    name: "INCR works on what INCRBYFLOAT and APPEND leave",
    async run({ r, key }) {
      expect(await r("SET", key(), "1")).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "1.0")).toEqual("2");
      expect(await r("INCR", key())).toEqual(3);
      expect(await r("APPEND", key(), "0")).toEqual(2);
      expect(await r("INCR", key())).toEqual(31);
      expect(await r("INCRBYFLOAT", key(), "0.5")).toEqual("31.5");
      expect(await r("INCR", key())).toEqual(NOT_INTEGER);
    },
  },
  {
    name: "INCRBYFLOAT keeps the TTL",
    async run({ r, key }) {
      expect(await r("SET", key(), "1", "EX", 100)).toEqual("OK");
      expect(await r("INCRBYFLOAT", key(), "0.5")).toEqual("1.5");
      await expectTtlNear(r, key(), 100);
    },
  },
  {
    name: "INCRBYFLOAT against another type is WRONGTYPE (before the increment is read)",
    async run({ r, key }) {
      await otherType(r, key());
      expect(await r("INCRBYFLOAT", key(), "1")).toEqual(WRONGTYPE);
      expect(await r("INCRBYFLOAT", key(), "abc")).toEqual(WRONGTYPE);
    },
  },
];
