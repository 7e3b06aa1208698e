/**
 * Bitmap cases: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (after Redis's tests/unit/bitops.tcl),
 * and BITFIELD (bitmaps-bitfield.ts). Values are read as hex through a script. Expectations are
 * redis-server 7.0.15's, except BITOP DIFF, DIFF1, ANDOR and ONE (Redis 8.2: `fromDocs`).
 */
import { expect } from "vitest";
import { defineCases, error, type Value } from "../harness";
import { bitfieldCases } from "./bitmaps-bitfield";
import { BAD_BIT, BAD_OFFSET, NOT_INTEGER, SYNTAX, WRONGTYPE, hex, setHex } from "./bitmaps-helpers";

export const bitmapCases = defineCases("bitmaps", [
  {
    name: "SETBIT answers the old bit and grows the value with zeros; GETBIT reads it back",
    async run({ r, key }) {
      expect(await r("SETBIT", key(), 7, 1)).toEqual(0);
      expect(await r("SETBIT", key(), 7, 1)).toEqual(1);
      expect(await hex(r, key())).toEqual("01");
      expect(await r("SETBIT", key(), 0, 1)).toEqual(0);
      expect(await r("SETBIT", key(), 7, 0)).toEqual(1);
      expect(await hex(r, key())).toEqual("80");
      expect(await r("SETBIT", key(), 100, 1)).toEqual(0);
      expect(await r("STRLEN", key())).toEqual(13);
      expect(await hex(r, key())).toEqual("80000000000000000000000008");
      expect(await r("GETBIT", key(), 0)).toEqual(1);
      expect(await r("GETBIT", key(), 1)).toEqual(0);
      expect(await r("GETBIT", key(), 100)).toEqual(1);
      expect(await r("GETBIT", key(), 101)).toEqual(0);
      expect(await r("GETBIT", key(), 104)).toEqual(0);
      expect(await r("GETBIT", key(), 4294967295)).toEqual(0);
      expect(await r("GETBIT", key("missing"), 0)).toEqual(0);
      expect(await r("EXISTS", key("missing"))).toEqual(0);
      expect(await r("SETBIT", key("zero"), 3, 0)).toEqual(0);
      expect(await hex(r, key("zero"))).toEqual("00");
      expect(await r("SET", key("text"), "`")).toEqual("OK");
      expect(await r("SETBIT", key("text"), 1, 0)).toEqual(1);
      expect(await r("SETBIT", key("text"), 7, 1)).toEqual(0);
      expect(await r("GET", key("text"))).toEqual("!");
    },
  },
  {
    name: "SETBIT keeps the key's TTL; a SETBIT that changes nothing leaves the value",
    async run({ r, key }) {
      await r("SET", key(), "a", "EX", 1000);
      expect(await r("SETBIT", key(), 6, 1)).toEqual(0);
      expect(await r("SETBIT", key(), 6, 1)).toEqual(1);
      expect(await r("SETBIT", key(), 15, 1)).toEqual(0);
      expect(await hex(r, key())).toEqual("6301");
      const ttl = (await r("TTL", key())) as number;
      expect(ttl > 990 && ttl <= 1000).toBe(true);
    },
  },
  {
    name: "SETBIT and GETBIT errors: offset first, then the bit, then the key's type; nothing written",
    async run({ r, key }) {
      for (const offset of ["-1", "4294967296", "abc", " 1", "1.5", "-0", "9223372036854775808", ""]) {
        expect(await r("SETBIT", key(), offset, 1)).toEqual(BAD_OFFSET);
        expect(await r("GETBIT", key(), offset)).toEqual(BAD_OFFSET);
      }
      for (const bit of ["2", "-1", "01", "abc", "", " 1", "1.0"]) expect(await r("SETBIT", key(), 0, bit)).toEqual(BAD_BIT);
      expect(await r("SETBIT", key(), "abc", 2)).toEqual(BAD_OFFSET);
      expect(await r("EXISTS", key())).toEqual(0);
      await r("LPUSH", key("list"), "a");
      expect(await r("SETBIT", key("list"), 0, 1)).toEqual(WRONGTYPE);
      expect(await r("GETBIT", key("list"), 0)).toEqual(WRONGTYPE);
      expect(await r("SETBIT", key("list"), -1, 1)).toEqual(BAD_OFFSET);
      expect(await r("SETBIT", key("list"), 0, 5)).toEqual(BAD_BIT);
      expect(await r("GETBIT", key("list"), "x")).toEqual(BAD_OFFSET);
      expect(await r("SETBIT", key(), 0)).toEqual(error("ERR wrong number of arguments for 'setbit' command"));
      expect(await r("GETBIT", key(), 0, 1)).toEqual(error("ERR wrong number of arguments for 'getbit' command"));
    },
  },
  {
    name: "BITCOUNT of the whole value and of byte ranges, negative indexes as GETRANGE's",
    async run({ r, key }) {
      await r("SET", key(), "foobar");
      expect(await r("BITCOUNT", key())).toEqual(26);
      expect(await r("BITCOUNT", key(), 0, 0)).toEqual(4);
      expect(await r("BITCOUNT", key(), 1, 1)).toEqual(6);
      expect(await r("BITCOUNT", key(), 1, 1, "BYTE")).toEqual(6);
      expect(await r("BITCOUNT", key(), 1, 1, "byte")).toEqual(6);
      expect(await r("BITCOUNT", key(), -1, -1)).toEqual(4);
      expect(await r("BITCOUNT", key(), -2, -1)).toEqual(7);
      expect(await r("BITCOUNT", key(), -100, -1)).toEqual(26);
      expect(await r("BITCOUNT", key(), 0, 100)).toEqual(26);
      expect(await r("BITCOUNT", key(), 2, 1)).toEqual(0);
      expect(await r("BITCOUNT", key(), 0, -100)).toEqual(4);
      expect(await r("BITCOUNT", key(), 6, 10)).toEqual(0);
      expect(await r("BITCOUNT", key(), -1, -2)).toEqual(0);
      expect(await r("BITCOUNT", key(), "-9223372036854775808", "9223372036854775807")).toEqual(26);
      await r("SET", key("empty"), "");
      expect(await r("BITCOUNT", key("empty"))).toEqual(0);
      expect(await r("BITCOUNT", key("empty"), 0, -1)).toEqual(0);
      expect(await r("BITCOUNT", key("empty"), 0, -1, "BIT")).toEqual(0);
      expect(await r("BITCOUNT", key("missing"))).toEqual(0);
    },
  },
  {
    name: "BITCOUNT … BIT counts a bit range, masking the partial bytes at both ends",
    async run({ r, key }) {
      await r("SET", key(), "foobar");
      expect(await r("BITCOUNT", key(), 5, 30, "BIT")).toEqual(17);
      expect(await r("BITCOUNT", key(), 5, 30, "bit")).toEqual(17);
      expect(await r("BITCOUNT", key(), 0, 100, "BIT")).toEqual(26);
      expect(await r("BITCOUNT", key(), -5, -1, "BIT")).toEqual(2);
      expect(await r("BITCOUNT", key(), 1, 1, "BIT")).toEqual(1);
      expect(await r("BITCOUNT", key(), 0, 0, "BIT")).toEqual(0);
      expect(await r("BITCOUNT", key(), 9, 10, "BIT")).toEqual(2);
      expect(await r("BITCOUNT", key(), 47, 47, "BIT")).toEqual(0);
      expect(await r("BITCOUNT", key(), 46, 47, "BIT")).toEqual(1);
      expect(await r("BITCOUNT", key(), 30, 5, "BIT")).toEqual(0);
      await setHex(r, key("ff"), "ffffffff");
      expect(await r("BITCOUNT", key("ff"), 3, 28, "BIT")).toEqual(26);
      expect(await r("BITCOUNT", key("ff"), 7, 8, "BIT")).toEqual(2);
    },
  },
  {
    name: "BITCOUNT's errors; a missing key answers 0 before its range is read (7.0)",
    async run({ r, key }) {
      await r("SET", key(), "foobar");
      expect(await r("BITCOUNT", key(), 0)).toEqual(SYNTAX);
      expect(await r("BITCOUNT", key(), 0, 1, "BIT", "x")).toEqual(SYNTAX);
      expect(await r("BITCOUNT", key(), 0, 1, "bits")).toEqual(SYNTAX);
      expect(await r("BITCOUNT", key(), "a", 1)).toEqual(NOT_INTEGER);
      expect(await r("BITCOUNT", key(), 1, "a")).toEqual(NOT_INTEGER);
      expect(await r("BITCOUNT", key(), 1, "a", "x")).toEqual(NOT_INTEGER);
      expect(await r("BITCOUNT", key(), -1, -2, "x")).toEqual(0);
      expect(await r("BITCOUNT", key("missing"), 0)).toEqual(0);
      expect(await r("BITCOUNT", key("missing"), "a", "b")).toEqual(0);
      expect(await r("BITCOUNT", key("missing"), 0, 1, "x")).toEqual(0);
      await r("LPUSH", key("list"), "a");
      expect(await r("BITCOUNT", key("list"))).toEqual(WRONGTYPE);
      expect(await r("BITCOUNT", key("list"), 0)).toEqual(WRONGTYPE);
      expect(await r("BITCOUNT")).toEqual(error("ERR wrong number of arguments for 'bitcount' command"));
    },
  },
  {
    name: "BITPOS finds the first set or clear bit in byte ranges",
    async run({ r, key }) {
      await setHex(r, key(), "fff000");
      expect(await r("BITPOS", key(), 0)).toEqual(12);
      expect(await r("BITPOS", key(), 1)).toEqual(0);
      expect(await r("BITPOS", key(), 1, 1)).toEqual(8);
      expect(await r("BITPOS", key(), 1, 2)).toEqual(-1);
      expect(await r("BITPOS", key(), 1, 2, -1)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 2)).toEqual(16);
      expect(await r("BITPOS", key(), 1, -2)).toEqual(8);
      expect(await r("BITPOS", key(), 1, -2, -2)).toEqual(8);
      expect(await r("BITPOS", key(), 1, -100, 100)).toEqual(0);
      expect(await r("BITPOS", key(), 0, 1, 0)).toEqual(-1);
      expect(await r("BITPOS", key(), 1, 3)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 3)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 0, 0, "BYTE")).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 0, 1, "byte")).toEqual(12);
      await setHex(r, key("z"), "0000");
      expect(await r("BITPOS", key("z"), 1)).toEqual(-1);
      expect(await r("BITPOS", key("z"), 0)).toEqual(0);
      expect(await r("BITPOS", key("z"), 0, 1)).toEqual(8);
    },
  },
  {
    name: "BITPOS 0 past all ones: the bit after the value without an end, -1 with one",
    async run({ r, key }) {
      await setHex(r, key(), "ffffff");
      expect(await r("BITPOS", key(), 0)).toEqual(24);
      expect(await r("BITPOS", key(), 0, 0)).toEqual(24);
      expect(await r("BITPOS", key(), 0, 1)).toEqual(24);
      expect(await r("BITPOS", key(), 0, -1)).toEqual(24);
      expect(await r("BITPOS", key(), 0, 0, -1)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 0, 100)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 0, 2, "BYTE")).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 7, 15, "BIT")).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 10)).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 5, 3)).toEqual(-1);
      expect(await r("BITPOS", key(), 1, 10)).toEqual(-1);
      expect(await r("BITPOS", key(), 1, -1)).toEqual(16);
      await r("SET", key("empty"), "");
      expect(await r("BITPOS", key("empty"), 0)).toEqual(-1);
      expect(await r("BITPOS", key("empty"), 1)).toEqual(-1);
      expect(await r("BITPOS", key("empty"), 0, 0)).toEqual(-1);
      expect(await r("BITPOS", key("missing"), 0)).toEqual(0);
      expect(await r("BITPOS", key("missing"), 1)).toEqual(-1);
      expect(await r("BITPOS", key("missing"), 0, 5, 10)).toEqual(0);
      expect(await r("BITPOS", key("missing"), 1, "abc")).toEqual(-1);
    },
  },
  {
    name: "BITPOS … BIT searches a bit range, masking the partial bytes",
    async run({ r, key }) {
      await setHex(r, key(), "00ff00");
      expect(await r("BITPOS", key(), 1, 7, 15, "BIT")).toEqual(8);
      expect(await r("BITPOS", key(), 1, 9, 15, "BIT")).toEqual(9);
      expect(await r("BITPOS", key(), 1, 16, 23, "BIT")).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 8, 15, "BIT")).toEqual(-1);
      expect(await r("BITPOS", key(), 0, 8, 16, "BIT")).toEqual(16);
      expect(await r("BITPOS", key(), 0, 3, 5, "bit")).toEqual(3);
      expect(await r("BITPOS", key(), 1, 17, 30, "BIT")).toEqual(-1);
      expect(await r("BITPOS", key(), 1, -12, -1, "BIT")).toEqual(12);
      expect(await r("BITPOS", key(), 0, -12, -1, "BIT")).toEqual(16);
      expect(await r("BITPOS", key(), 1, 10, 10, "BIT")).toEqual(10);
      expect(await r("BITPOS", key(), 1, 10, 9, "BIT")).toEqual(-1);
      await setHex(r, key("f"), "ffffffff");
      expect(await r("BITPOS", key("f"), 0, 3, 28, "BIT")).toEqual(-1);
      expect(await r("BITPOS", key("f"), 1, 3, 28, "BIT")).toEqual(3);
    },
  },
  {
    name: "BITPOS errors: the bit, then the key (a missing key answers before its range), then the range",
    async run({ r, key }) {
      await setHex(r, key(), "ff00");
      expect(await r("BITPOS", key(), 2)).toEqual(error("ERR The bit argument must be 1 or 0."));
      expect(await r("BITPOS", key(), -1)).toEqual(error("ERR The bit argument must be 1 or 0."));
      expect(await r("BITPOS", key(), "x")).toEqual(NOT_INTEGER);
      expect(await r("BITPOS", key(), 0, "abc")).toEqual(NOT_INTEGER);
      expect(await r("BITPOS", key(), 0, 0, "abc")).toEqual(NOT_INTEGER);
      expect(await r("BITPOS", key(), 0, 0, "abc", "foo")).toEqual(SYNTAX);
      expect(await r("BITPOS", key(), 0, "x", 0, "foo")).toEqual(NOT_INTEGER);
      expect(await r("BITPOS", key(), 0, 0, 0, "foo")).toEqual(SYNTAX);
      expect(await r("BITPOS", key(), 0, 0, 0, "BIT", "x")).toEqual(SYNTAX);
      expect(await r("BITPOS", key("missing"), 2)).toEqual(error("ERR The bit argument must be 1 or 0."));
      expect(await r("BITPOS", key("missing"), 0, 0, 0, "foo")).toEqual(0);
      await r("LPUSH", key("list"), "a");
      expect(await r("BITPOS", key("list"), 1)).toEqual(WRONGTYPE);
      expect(await r("BITPOS", key("list"), 3)).toEqual(error("ERR The bit argument must be 1 or 0."));
      expect(await r("BITPOS", key())).toEqual(error("ERR wrong number of arguments for 'bitpos' command"));
    },
  },
  {
    name: "BITOP AND, OR, XOR over values of different lengths and missing keys (zeros)",
    async run({ r, key }) {
      await setHex(r, key("a"), "ff0f");
      await setHex(r, key("b"), "f0");
      await setHex(r, key("c"), "0c3c55");
      expect(await r("BITOP", "AND", key("d"), key("a"), key("b"))).toEqual(2);
      expect(await hex(r, key("d"))).toEqual("f000");
      expect(await r("BITOP", "or", key("d"), key("a"), key("b"), key("c"))).toEqual(3);
      expect(await hex(r, key("d"))).toEqual("ff3f55");
      expect(await r("BITOP", "Xor", key("d"), key("a"), key("b"), key("c"))).toEqual(3);
      expect(await hex(r, key("d"))).toEqual("033355");
      expect(await r("BITOP", "AND", key("d"), key("a"), key("missing"))).toEqual(2);
      expect(await hex(r, key("d"))).toEqual("0000");
      expect(await r("BITOP", "OR", key("d"), key("missing"), key("b"))).toEqual(1);
      expect(await hex(r, key("d"))).toEqual("f0");
      expect(await r("BITOP", "AND", key("d"), key("a"))).toEqual(2);
      expect(await hex(r, key("d"))).toEqual("ff0f");
      expect(await r("BITOP", "AND", key("a"), key("a"), key("c"))).toEqual(3);
      expect(await hex(r, key("a"))).toEqual("0c0c00");
    },
  },
  {
    name: "BITOP NOT; the destination is replaced (type and TTL) or deleted when every source is empty",
    async run({ r, key }) {
      await setHex(r, key("a"), "f00f");
      expect(await r("BITOP", "NOT", key("d"), key("a"))).toEqual(2);
      expect(await hex(r, key("d"))).toEqual("0ff0");
      expect(await r("BITOP", "not", key("a"), key("a"))).toEqual(2);
      expect(await hex(r, key("a"))).toEqual("0ff0");
      await r("LPUSH", key("list"), "x");
      await r("EXPIRE", key("list"), 1000);
      expect(await r("BITOP", "OR", key("list"), key("a"))).toEqual(2);
      expect(await r("TYPE", key("list"))).toEqual("string");
      expect(await r("TTL", key("list"))).toEqual(-1);
      expect(await r("BITOP", "AND", key("list"), key("missing"), key("missing2"))).toEqual(0);
      expect(await r("EXISTS", key("list"))).toEqual(0);
      await r("SET", key("empty"), "");
      await r("SET", key("dest"), "x");
      expect(await r("BITOP", "NOT", key("dest"), key("empty"))).toEqual(0);
      expect(await r("EXISTS", key("dest"))).toEqual(0);
      expect(await r("BITOP", "XOR", key("none"), key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("none"))).toEqual(0);
    },
  },
  {
    name: "BITOP errors: unknown operation, NOT with several sources, a source of another type; nothing written",
    async run({ r, key }) {
      await r("SET", key("a"), "x");
      await r("SET", key("d"), "keep");
      await r("LPUSH", key("list"), "x");
      expect(await r("BITOP", "NAND", key("d"), key("a"))).toEqual(SYNTAX);
      expect(await r("BITOP", "NOT", key("d"), key("a"), key("a"))).toEqual(error("ERR BITOP NOT must be called with a single source key."));
      expect(await r("BITOP", "AND", key("d"), key("a"), key("list"))).toEqual(WRONGTYPE);
      expect(await r("BITOP", "OR", key("d"), key("missing"), key("list"))).toEqual(WRONGTYPE);
      expect(await r("GET", key("d"))).toEqual("keep");
      expect(await r("BITOP", "AND", key("list"), key("a"))).toEqual(1);
      expect(await r("GET", key("list"))).toEqual("x");
      expect(await r("BITOP", "AND", key("d"))).toEqual(error("ERR wrong number of arguments for 'bitop' command"));
    },
  },
  {
    name: "BITOP over keys on different shards runs gathered, as on one",
    async run({ r, spread }) {
      await setHex(r, spread("a"), "f0f0");
      await setHex(r, spread("b"), "ff");
      expect(await r("BITOP", "XOR", spread("d"), spread("a"), spread("b"), spread("missing"))).toEqual(2);
      expect(await hex(r, spread("d"))).toEqual("0ff0");
      expect(await r("BITOP", "NOT", spread("a"), spread("b"))).toEqual(1);
      expect(await hex(r, spread("a"))).toEqual("00");
      expect(await r("BITOP", "AND", spread("d"), spread("nothing"))).toEqual(0);
      expect(await r("EXISTS", spread("d"))).toEqual(0);
    },
  },
  {
    name: "BITOP DIFF, DIFF1, ANDOR and ONE (Redis 8.2)",
    fromDocs: "Redis 8.2 BITOP documentation (redis.io/commands/bitop, docs/develop/data-types/bitmaps) and src/bitops.c",
    async run({ r, key }) {
      // The documentation's A = 00011011, B = 10011000, C = 01100001 (one byte each).
      await setHex(r, key("A"), "1b");
      await setHex(r, key("B"), "98");
      await setHex(r, key("C"), "61");
      expect(await r("BITOP", "DIFF", key("R"), key("A"), key("B"), key("C"))).toEqual(1);
      expect(await hex(r, key("R"))).toEqual("02");
      expect(await r("BITOP", "DIFF1", key("R"), key("A"), key("B"), key("C"))).toEqual(1);
      expect(await hex(r, key("R"))).toEqual("e0");
      expect(await r("BITOP", "ANDOR", key("R"), key("A"), key("B"), key("C"))).toEqual(1);
      expect(await hex(r, key("R"))).toEqual("19");
      expect(await r("BITOP", "ONE", key("R"), key("A"), key("B"), key("C"))).toEqual(1);
      expect(await hex(r, key("R"))).toEqual("e2");
      expect(await r("BITOP", "one", key("R"), key("A"))).toEqual(1);
      expect(await hex(r, key("R"))).toEqual("1b");
      // Shorter values and missing keys read as zeros; the result is as long as the longest.
      await setHex(r, key("X"), "ff");
      await setHex(r, key("Y"), "0f0f");
      expect(await r("BITOP", "DIFF", key("R"), key("X"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("f000");
      expect(await r("BITOP", "DIFF1", key("R"), key("X"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("000f");
      expect(await r("BITOP", "ANDOR", key("R"), key("X"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("0f00");
      expect(await r("BITOP", "ANDOR", key("R"), key("missing"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("0000");
      expect(await r("BITOP", "DIFF1", key("R"), key("missing"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("0f0f");
      expect(await r("BITOP", "ONE", key("R"), key("X"), key("Y"), key("Y"))).toEqual(2);
      expect(await hex(r, key("R"))).toEqual("f000");
      expect(await r("BITOP", "DIFF", key("R"), key("missing"), key("missing2"))).toEqual(0);
      expect(await r("EXISTS", key("R"))).toEqual(0);
    },
  },
  {
    name: "BITOP DIFF, DIFF1 and ANDOR need two sources (Redis 8.2)",
    fromDocs: "Redis 8.2 src/bitops.c and tests/unit/bitops.tcl",
    async run({ r, key }) {
      await r("SET", key("a"), "x");
      expect(await r("BITOP", "DIFF", key("d"), key("a"))).toEqual(error("ERR BITOP DIFF must be called with at least two source keys."));
      expect(await r("BITOP", "diff1", key("d"), key("a"))).toEqual(error("ERR BITOP DIFF1 must be called with at least two source keys."));
      expect(await r("BITOP", "AndOr", key("d"), key("a"))).toEqual(error("ERR BITOP ANDOR must be called with at least two source keys."));
      expect(await r("EXISTS", key("d"))).toEqual(0);
      await r("LPUSH", key("list"), "x");
      expect(await r("BITOP", "DIFF", key("d"), key("a"), key("list"))).toEqual(WRONGTYPE);
    },
  },
  ...bitfieldCases,
  {
    name: "COMMAND INFO of the bitmap commands: Redis's arity, flags, key positions and key specs",
    async run({ r }) {
      const infos = (await r("COMMAND", "INFO", "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro")) as Value[][];
      expect(infos.map((info) => info.slice(0, 6))).toEqual([
        ["setbit", 4, ["write", "denyoom"], 1, 1, 1],
        ["getbit", 3, ["readonly", "fast"], 1, 1, 1],
        ["bitcount", -2, ["readonly"], 1, 1, 1],
        ["bitpos", -3, ["readonly"], 1, 1, 1],
        ["bitop", -4, ["write", "denyoom"], 2, -1, 1],
        ["bitfield", -2, ["write", "denyoom"], 1, 1, 1],
        ["bitfield_ro", -2, ["readonly", "fast"], 1, 1, 1],
      ]);
      const range = (index: number, lastkey: number) => ["begin_search", ["type", "index", "spec", ["index", index]], "find_keys", ["type", "range", "spec", ["lastkey", lastkey, "keystep", 1, "limit", 0]]];
      expect(infos.map((info) => info[8])).toEqual([
        [["flags", ["RW", "access", "update"], ...range(1, 0)]],
        [["flags", ["RO", "access"], ...range(1, 0)]],
        [["flags", ["RO", "access"], ...range(1, 0)]],
        [["flags", ["RO", "access"], ...range(1, 0)]],
        [["flags", ["OW", "update"], ...range(2, 0)], ["flags", ["RO", "access"], ...range(3, -1)]],
        [["notes", "This command allows both access and modification of the key", "flags", ["RW", "access", "update", "variable_flags"], ...range(1, 0)]],
        [["flags", ["RO", "access"], ...range(1, 0)]],
      ]);
      expect(await r("COMMAND", "GETKEYS", "BITOP", "AND", "d", "a", "b")).toEqual(["d", "a", "b"]);
    },
  },
]);
