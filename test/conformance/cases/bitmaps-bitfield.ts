/** Bitmap cases: BITFIELD and BITFIELD_RO (after Redis's tests/unit/bitfield.tcl); redis-server 7.0.15's answers. */
import { expect } from "vitest";
import { error, type Case } from "../harness";
import { BAD_OFFSET, BAD_TYPE, NOT_INTEGER, SYNTAX, WRONGTYPE, hex } from "./bitmaps-helpers";

export const bitfieldCases: Case[] = [
  {
    name: "BITFIELD GET, SET and INCRBY of signed and unsigned fields, several per call",
    async run({ r, key }) {
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 255, "GET", "u8", 0, "GET", "i8", 0)).toEqual([0, 255, -1]);
      expect(await r("BITFIELD", key(), "INCRBY", "u2", 100, 1, "GET", "u2", 100)).toEqual([1, 1]);
      expect(await r("STRLEN", key())).toEqual(13);
      expect(await r("BITFIELD", key(), "set", "i5", 3, -3, "get", "u8", 0, "get", "i5", 3)).toEqual([-1, 253, -3]);
      expect(await hex(r, key())).toEqual("fd000000000000000000000004");
      expect(await r("BITFIELD", key(), "SET", "u1", 0, 0, "INCRBY", "i4", 4, 2)).toEqual([1, -1]);
      expect(await r("BITFIELD", key("f"), "SET", "u16", 4, 0xabcd, "GET", "u4", 0, "GET", "u16", 4, "GET", "u4", 20)).toEqual([0, 0, 0xabcd, 0]);
      expect(await hex(r, key("f"))).toEqual("0abcd0");
      expect(await r("BITFIELD", key("f"), "GET", "u32", 20)).toEqual([0]);
      expect(await r("BITFIELD", key("f"), "GET", "i12", 0)).toEqual([171]);
      expect(await r("BITFIELD", key("f"))).toEqual([]);
      expect(await r("BITFIELD", key("missing"))).toEqual([]);
      expect(await r("BITFIELD", key("missing"), "GET", "u8", 0)).toEqual([0]);
      expect(await r("EXISTS", key("missing"))).toEqual(0);
    },
  },
  {
    name: "BITFIELD # offsets count fields of the type's width",
    async run({ r, key }) {
      expect(await r("BITFIELD", key(), "SET", "u8", "#0", 1, "SET", "u8", "#1", 2, "SET", "u8", "#2", 3)).toEqual([0, 0, 0]);
      expect(await hex(r, key())).toEqual("010203");
      expect(await r("BITFIELD", key(), "GET", "u4", "#1", "GET", "u4", "#3", "INCRBY", "u4", "#5", 1)).toEqual([1, 2, 4]);
      expect(await r("BITFIELD", key(), "GET", "i16", "#1")).toEqual([0x0400]);
      // The product wraps at 64 bits, as Redis multiplies: (2^61 + 1) fields of 8 bits is bit 8.
      expect(await r("BITFIELD", key(), "GET", "u8", "#2305843009213693953")).toEqual([2]);
      expect(await r("BITFIELD", key(), "GET", "u8", "#9223372036854775807")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "#-1")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "#")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "#x")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "##1")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "#536870912")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "#536870911")).toEqual([0]);
      expect(await r("BITFIELD", key(), "GET", "u8", 4294967295)).toEqual([0]);
      expect(await r("BITFIELD", key(), "GET", "u8", 4294967296)).toEqual(BAD_OFFSET);
      expect(await r("SETBIT", key(), "#1", 1)).toEqual(BAD_OFFSET);
    },
  },
  {
    name: "BITFIELD OVERFLOW WRAP (the default), SAT and FAIL on unsigned fields",
    async run({ r, key }) {
      expect(await r("BITFIELD", key(), "SET", "u2", 0, 3)).toEqual([0]);
      expect(await r("BITFIELD", key(), "INCRBY", "u2", 0, 1)).toEqual([0]);
      expect(await r("BITFIELD", key(), "INCRBY", "u2", 0, -1)).toEqual([3]);
      expect(await r("BITFIELD", key(), "INCRBY", "u2", 0, 6)).toEqual([1]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "INCRBY", "u2", 0, 10, "INCRBY", "u2", 0, -10)).toEqual([3, 0]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "fail", "INCRBY", "u2", 0, 4, "INCRBY", "u2", 0, 2, "INCRBY", "u2", 0, -3)).toEqual([null, 2, null]);
      expect(await r("BITFIELD", key(), "GET", "u2", 0)).toEqual([2]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "WRAP", "SET", "u8", 8, 256, "SET", "u8", 8, -1, "GET", "u8", 8)).toEqual([0, 0, 255]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "SET", "u8", 8, 1000, "SET", "u8", 8, -5, "GET", "u8", 8)).toEqual([255, 255, 255]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "FAIL", "SET", "u8", 8, 256, "SET", "u8", 8, -1, "SET", "u8", 8, 7)).toEqual([null, null, 255]);
      // The mode applies to the operations after it, until the next OVERFLOW.
      expect(await r("BITFIELD", key(), "INCRBY", "u8", 8, 250, "OVERFLOW", "SAT", "INCRBY", "u8", 8, 250, "OVERFLOW", "WRAP", "INCRBY", "u8", 8, 1)).toEqual([1, 251, 252]);
    },
  },
  {
    name: "BITFIELD OVERFLOW WRAP, SAT and FAIL on signed fields",
    async run({ r, key }) {
      expect(await r("BITFIELD", key(), "SET", "i8", 0, 127, "INCRBY", "i8", 0, 1)).toEqual([0, -128]);
      expect(await r("BITFIELD", key(), "INCRBY", "i8", 0, -1)).toEqual([127]);
      expect(await r("BITFIELD", key(), "SET", "i8", 0, 200, "GET", "i8", 0)).toEqual([127, -56]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "INCRBY", "i8", 0, -100, "INCRBY", "i8", 0, 300, "SET", "i8", 0, -1000)).toEqual([-128, 127, 127]);
      expect(await r("BITFIELD", key(), "GET", "i8", 0)).toEqual([-128]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "FAIL", "INCRBY", "i8", 0, -1, "INCRBY", "i8", 0, 255, "INCRBY", "i8", 0, 256, "SET", "i8", 0, 128)).toEqual([null, 127, null, null]);
      expect(await r("BITFIELD", key(), "GET", "i8", 0)).toEqual([127]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "SET", "i1", 8, 1, "SET", "i1", 8, -1, "INCRBY", "i1", 8, -1, "GET", "u1", 8)).toEqual([0, 0, -1, 1]);
      // SAT of a SET far below an i8's minimum: Redis's 64-bit comparison wraps and it saturates to the maximum.
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "SET", "i8", 16, "-9223372036854775808", "GET", "i8", 16)).toEqual([0, 127]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "WRAP", "SET", "i8", 16, "-9223372036854775808", "GET", "i8", 16)).toEqual([127, 0]);
    },
  },
  {
    name: "BITFIELD at the extremes: i64 and u63",
    async run({ r, key }) {
      const I64_MAX = "9223372036854775807";
      const I64_MIN = "-9223372036854775808";
      const U63_MAX = "9223372036854775807";
      expect(await r("BITFIELD", key(), "SET", "i64", 0, I64_MAX, "GET", "i64", 0)).toEqual([0, BigInt(I64_MAX)]);
      expect(await r("BITFIELD", key(), "INCRBY", "i64", 0, 1)).toEqual([BigInt(I64_MIN)]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "INCRBY", "i64", 0, -1, "INCRBY", "i64", 0, I64_MAX, "INCRBY", "i64", 0, 1)).toEqual([BigInt(I64_MIN), -1, 0]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT", "INCRBY", "i64", 0, I64_MAX, "INCRBY", "i64", 0, 1)).toEqual([BigInt(I64_MAX), BigInt(I64_MAX)]);
      expect(await r("BITFIELD", key(), "OVERFLOW", "FAIL", "INCRBY", "i64", 0, 1, "GET", "u63", 0, "GET", "u8", 0)).toEqual([null, BigInt("4611686018427387903"), 127]);
      expect(await r("BITFIELD", key("u"), "SET", "u63", 1, U63_MAX, "GET", "u63", 1, "GET", "i64", 0)).toEqual([0, BigInt(U63_MAX), BigInt(I64_MAX)]);
      expect(await r("BITFIELD", key("u"), "INCRBY", "u63", 1, 1, "INCRBY", "u63", 1, -1)).toEqual([0, BigInt(U63_MAX)]);
      expect(await r("BITFIELD", key("u"), "OVERFLOW", "SAT", "INCRBY", "u63", 1, 5, "SET", "u63", 1, -1, "INCRBY", "u63", 1, I64_MIN)).toEqual([BigInt(U63_MAX), BigInt(U63_MAX), 0]);
      expect(await r("BITFIELD", key("u"), "OVERFLOW", "WRAP", "SET", "u63", 1, -1, "GET", "u63", 1)).toEqual([0, BigInt(U63_MAX)]);
      expect(await r("BITFIELD", key("u"), "SET", "i64", 3, I64_MIN, "GET", "i64", 3, "GET", "u1", 3)).toEqual([-8, BigInt(I64_MIN), 1]);
      expect(await r("BITFIELD", key("u"), "SET", "i64", 0, 1, "INCRBY", "i64", 0, "-2")).toEqual([BigInt("8070450532247928832"), -1]);
    },
  },
  {
    name: "BITFIELD writes grow the value to the farthest field, even when every write fails",
    async run({ r, key }) {
      expect(await r("BITFIELD", key(), "OVERFLOW", "FAIL", "SET", "u2", 20, 5)).toEqual([null]);
      expect(await hex(r, key())).toEqual("000000");
      expect(await r("BITFIELD", key(), "INCRBY", "u8", 30, 0, "GET", "u8", 0)).toEqual([0, 0]);
      expect(await r("STRLEN", key())).toEqual(5);
      await r("SET", key("t"), "ab", "EX", 1000);
      expect(await r("BITFIELD", key("t"), "SET", "u8", 16, 99)).toEqual([0]);
      expect(await r("GET", key("t"))).toEqual("abc");
      const ttl = (await r("TTL", key("t"))) as number;
      expect(ttl > 990 && ttl <= 1000).toBe(true);
    },
  },
  {
    name: "BITFIELD errors: every operation is checked before any runs",
    async run({ r, key }) {
      await r("SET", key(), "a");
      for (const type of ["u64", "i65", "i0", "u0", "I8", "U8", "8", "u", "i-1", "u08", "x8", ""]) {
        expect(await r("BITFIELD", key(), "GET", type, 0)).toEqual(BAD_TYPE);
      }
      expect(await r("BITFIELD", key(), "GET", "u8", -1)).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "GET", "u8", "x")).toEqual(BAD_OFFSET);
      expect(await r("BITFIELD", key(), "SET", "u8", 0, "x")).toEqual(NOT_INTEGER);
      expect(await r("BITFIELD", key(), "INCRBY", "u8", 0, "1.5")).toEqual(NOT_INTEGER);
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 1, "GET", "u99", 0)).toEqual(BAD_TYPE);
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 1, "OVERFLOW", "NONE")).toEqual(error("ERR Invalid OVERFLOW type specified"));
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 1, "OVERFLOW")).toEqual(SYNTAX);
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 1, "GET", "u8")).toEqual(SYNTAX);
      expect(await r("BITFIELD", key(), "SET", "u8", 0)).toEqual(SYNTAX);
      expect(await r("BITFIELD", key(), "FOO", "u8", 0)).toEqual(SYNTAX);
      expect(await r("BITFIELD", key(), "SET", "u8", 0, 1, "INCRBY", "u8", 0, 1, "x")).toEqual(SYNTAX);
      expect(await r("GET", key())).toEqual("a");
      expect(await r("BITFIELD", key(), "OVERFLOW", "SAT")).toEqual([]);
      await r("LPUSH", key("list"), "x");
      expect(await r("BITFIELD", key("list"), "GET", "u8", 0)).toEqual(WRONGTYPE);
      expect(await r("BITFIELD", key("list"), "SET", "u8", 0, 1)).toEqual(WRONGTYPE);
      expect(await r("BITFIELD", key("list"))).toEqual(WRONGTYPE);
      expect(await r("BITFIELD", key("list"), "GET", "u64", 0)).toEqual(BAD_TYPE);
      expect(await r("BITFIELD")).toEqual(error("ERR wrong number of arguments for 'bitfield' command"));
    },
  },
  {
    name: "BITFIELD_RO runs GETs only and refuses SET and INCRBY",
    async run({ r, key }) {
      await r("SET", key(), "abc");
      expect(await r("BITFIELD_RO", key(), "GET", "u8", 0, "GET", "i4", "#3", "get", "u16", 8)).toEqual([97, 2, 0x6263]);
      expect(await r("BITFIELD_RO", key())).toEqual([]);
      expect(await r("BITFIELD_RO", key("missing"), "GET", "u8", 0)).toEqual([0]);
      const refused = error("ERR BITFIELD_RO only supports the GET subcommand");
      expect(await r("BITFIELD_RO", key(), "SET", "u8", 0, 1)).toEqual(refused);
      expect(await r("BITFIELD_RO", key(), "GET", "u8", 0, "INCRBY", "u8", 0, 1)).toEqual(refused);
      expect(await r("BITFIELD_RO", key("missing"), "SET", "u8", 0, 1)).toEqual(refused);
      expect(await r("BITFIELD_RO", key(), "OVERFLOW", "FAIL", "GET", "u8", 0)).toEqual([97]);
      expect(await r("BITFIELD_RO", key(), "SET", "u8", 0, "x")).toEqual(NOT_INTEGER);
      expect(await r("BITFIELD_RO", key(), "GET", "u64", 0)).toEqual(BAD_TYPE);
      expect(await r("GET", key())).toEqual("abc");
      expect(await r("EXISTS", key("missing"))).toEqual(0);
      await r("LPUSH", key("list"), "x");
      expect(await r("BITFIELD_RO", key("list"), "GET", "u8", 0)).toEqual(WRONGTYPE);
      expect(await r("BITFIELD_RO", key("list"), "SET", "u8", 0, 1)).toEqual(refused);
    },
  },
];
