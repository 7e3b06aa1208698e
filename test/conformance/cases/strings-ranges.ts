/** String cases: APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE (byte offsets) and LCS. */
import { expect } from "vitest";
import { error, type Case } from "../harness";
import { expectTtlNear, NOT_INTEGER, otherType, SYNTAX, WRONGTYPE } from "./strings-helpers";

const OUT_OF_RANGE = error("ERR offset is out of range");
/** Redis names its limit (proto-max-bulk-len), edgekv its size in bytes: the text up to there is the same. */
const TOO_LARGE_PREFIX = "ERR string exceeds maximum allowed size";

export const stringRangeCases: Case[] = [
  {
    name: "APPEND creates and appends",
    async run({ r, key }) {
      expect(await r("APPEND", key(), "ab")).toEqual(2);
      expect(await r("APPEND", key(), "cd")).toEqual(4);
      expect(await r("GET", key())).toEqual("abcd");
      expect(await r("APPEND", key(), "")).toEqual(4);
    },
  },
  {
    name: "APPEND of an empty string creates the key",
    async run({ r, key }) {
      expect(await r("APPEND", key(), "")).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("GET", key())).toEqual("");
    },
  },
  {
    name: "APPEND keeps the TTL; WRONGTYPE for another type",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 100)).toEqual("OK");
      expect(await r("APPEND", key(), "x")).toEqual(2);
      await expectTtlNear(r, key(), 100);
      await otherType(r, key("z"));
      expect(await r("APPEND", key("z"), "x")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "STRLEN counts bytes",
    async run({ r, key }) {
      expect(await r("SET", key("a"), "hello")).toEqual("OK");
      expect(await r("STRLEN", key("a"))).toEqual(5);
      expect(await r("SET", key("b"), "héllo")).toEqual("OK");
      expect(await r("STRLEN", key("b"))).toEqual(6);
      expect(await r("SET", key("c"), "日本語")).toEqual("OK");
      expect(await r("STRLEN", key("c"))).toEqual(9);
      expect(await r("APPEND", key("c"), "😀")).toEqual(13);
      expect(await r("GET", key("c"))).toEqual("日本語😀");
      expect(await r("STRLEN", key("missing"))).toEqual(0);
      await otherType(r, key("z"));
      expect(await r("STRLEN", key("z"))).toEqual(WRONGTYPE);
    },
  },
  {
    name: "GETRANGE",
    async run({ r, key }) {
      expect(await r("SET", key(), "Hello World")).toEqual("OK");
      expect(await r("GETRANGE", key(), 0, 4)).toEqual("Hello");
      expect(await r("GETRANGE", key(), -5, -1)).toEqual("World");
      expect(await r("GETRANGE", key(), 0, -1)).toEqual("Hello World");
      expect(await r("GETRANGE", key(), 0, 100)).toEqual("Hello World");
      expect(await r("GETRANGE", key(), -100, 2)).toEqual("Hel");
      expect(await r("GETRANGE", key(), 5, 3)).toEqual("");
      expect(await r("GETRANGE", key(), -1, -1)).toEqual("d");
      expect(await r("GETRANGE", key(), 10, 20)).toEqual("d");
      expect(await r("GETRANGE", key(), 11, 20)).toEqual("");
    },
  },
  {
    name: "GETRANGE negative index rules of Redis 7",
    async run({ r, key }) {
      expect(await r("SET", key(), "Hello World")).toEqual("OK");
      expect(await r("GETRANGE", key(), 0, -100)).toEqual("H");
      expect(await r("GETRANGE", key(), -100, -100)).toEqual("H");
      expect(await r("GETRANGE", key(), -1, -5)).toEqual("");
      expect(await r("GETRANGE", key(), 3, -100)).toEqual("");
      expect(await r("GETRANGE", key(), 0, "9223372036854775807")).toEqual("Hello World");
      expect(await r("GETRANGE", key(), "-9223372036854775808", -1)).toEqual("Hello World");
    },
  },
  {
    name: "GETRANGE of an empty or missing string",
    async run({ r, key }) {
      expect(await r("SET", key(), "")).toEqual("OK");
      expect(await r("GETRANGE", key(), 0, -1)).toEqual("");
      expect(await r("GETRANGE", key(), 0, 0)).toEqual("");
      expect(await r("GETRANGE", key(), -1, -1)).toEqual("");
      expect(await r("GETRANGE", key("missing"), 0, -1)).toEqual("");
    },
  },
  {
    name: "GETRANGE counts bytes",
    async run({ r, key }) {
      expect(await r("SET", key(), "héllo")).toEqual("OK");
      expect(await r("GETRANGE", key(), 0, 2)).toEqual("hé");
      expect(await r("GETRANGE", key(), 3, -1)).toEqual("llo");
      expect(await r("GETRANGE", key(), -3, -1)).toEqual("llo");
    },
  },
  {
    name: "GETRANGE errors: a bad index first, then WRONGTYPE",
    async run({ r, key }) {
      expect(await r("SET", key(), "abc")).toEqual("OK");
      expect(await r("GETRANGE", key(), "a", 1)).toEqual(NOT_INTEGER);
      expect(await r("GETRANGE", key(), 0, "1.5")).toEqual(NOT_INTEGER);
      expect(await r("GETRANGE", key(), 0)).toEqual(error("ERR wrong number of arguments for 'getrange' command"));
      await otherType(r, key("z"));
      expect(await r("GETRANGE", key("z"), "a", 1)).toEqual(NOT_INTEGER);
      expect(await r("GETRANGE", key("z"), 0, 1)).toEqual(WRONGTYPE);
    },
  },
  {
    name: "SUBSTR is GETRANGE",
    async run({ r, key }) {
      expect(await r("SET", key(), "Hello World")).toEqual("OK");
      expect(await r("SUBSTR", key(), 0, 4)).toEqual("Hello");
      expect(await r("SUBSTR", key(), 0, -100)).toEqual("H");
      expect(await r("SUBSTR", key("missing"), 0, -1)).toEqual("");
    },
  },
  {
    name: "SETRANGE overwrites and extends",
    async run({ r, key }) {
      expect(await r("SET", key(), "hello")).toEqual("OK");
      expect(await r("SETRANGE", key(), 2, "XY")).toEqual(5);
      expect(await r("GET", key())).toEqual("heXYo");
      expect(await r("SETRANGE", key(), 4, "123")).toEqual(7);
      expect(await r("GET", key())).toEqual("heXY123");
      expect(await r("SETRANGE", key(), 0, "")).toEqual(7);
    },
  },
  {
    name: "SETRANGE pads with zero bytes",
    async run({ r, key }) {
      expect(await r("SETRANGE", key(), 3, "abc")).toEqual(6);
      expect(await r("GET", key())).toEqual("\0\0\0abc");
      expect(await r("SET", key("b"), "ab")).toEqual("OK");
      expect(await r("SETRANGE", key("b"), 5, "z")).toEqual(6);
      expect(await r("GET", key("b"))).toEqual("ab\0\0\0z");
    },
  },
  {
    name: "SETRANGE with an empty value neither creates nor changes",
    async run({ r, key }) {
      expect(await r("SETRANGE", key(), 0, "")).toEqual(0);
      expect(await r("SETRANGE", key(), 100, "")).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "hello")).toEqual("OK");
      expect(await r("SETRANGE", key(), 10, "")).toEqual(5);
      expect(await r("SETRANGE", key(), "9223372036854775807", "")).toEqual(5);
      expect(await r("GET", key())).toEqual("hello");
    },
  },
  {
    name: "SETRANGE offset errors",
    async run({ r, key }) {
      expect(await r("SETRANGE", key(), -1, "x")).toEqual(OUT_OF_RANGE);
      expect(await r("SETRANGE", key(), -1, "")).toEqual(OUT_OF_RANGE);
      expect(await r("SETRANGE", key(), "abc", "x")).toEqual(NOT_INTEGER);
      expect(await r("SETRANGE", key(), "1.5", "x")).toEqual(NOT_INTEGER);
      expect(await r("EXISTS", key())).toEqual(0);
      await otherType(r, key("z"));
      expect(await r("SETRANGE", key("z"), -1, "x")).toEqual(OUT_OF_RANGE);
      expect(await r("SETRANGE", key("z"), 0, "x")).toEqual(WRONGTYPE);
      expect(await r("SETRANGE", key("z"), 0, "")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "SETRANGE past the maximum string size is refused",
    async run({ r, key }) {
      for (const offset of ["536870912", "9223372036854775807"]) {
        const reply = (await r("SETRANGE", key(), offset, "x")) as { error: string };
        expect(reply.error.startsWith(TOO_LARGE_PREFIX)).toBe(true);
      }
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "v")).toEqual("OK");
      const reply = (await r("SETRANGE", key(), "536870912", "x")) as { error: string };
      expect(reply.error.startsWith(TOO_LARGE_PREFIX)).toBe(true);
      expect(await r("GET", key())).toEqual("v");
    },
  },
  {
    name: "SETRANGE and GETRANGE far into a value larger than 1 MiB",
    async run({ r, key }) {
      expect(await r("SETRANGE", key(), 3_000_000, "end")).toEqual(3_000_003);
      expect(await r("STRLEN", key())).toEqual(3_000_003);
      expect(await r("GETRANGE", key(), 2_999_998, -1)).toEqual("\u0000\u0000end");
      expect(await r("GETRANGE", key(), 0, 3)).toEqual("\u0000\u0000\u0000\u0000");
      expect(await r("SETRANGE", key(), 1_048_575, "ab")).toEqual(3_000_003);
      expect(await r("GETRANGE", key(), 1_048_574, 1_048_577)).toEqual("\u0000ab\u0000");
      expect(await r("APPEND", key(), "!")).toEqual(3_000_004);
      expect(await r("GETRANGE", key(), -4, -1)).toEqual("end!");
      expect(await r("SET", key(), "small")).toEqual("OK");
      expect(await r("GET", key())).toEqual("small");
    },
  },
  {
    name: "APPEND grows a value past 1 MiB in steps",
    async run({ r, key }) {
      const step = 400_000;
      expect(await r("APPEND", key(), "a".repeat(step))).toEqual(step);
      expect(await r("APPEND", key(), "b".repeat(step))).toEqual(2 * step);
      expect(await r("APPEND", key(), "c".repeat(step))).toEqual(3 * step);
      expect(await r("GETRANGE", key(), step - 1, step)).toEqual("ab");
      expect(await r("GETRANGE", key(), 2 * step - 1, 2 * step)).toEqual("bc");
      expect(await r("STRLEN", key())).toEqual(3 * step);
      expect(await r("COPY", key(), key("copy"))).toEqual(1);
      expect(await r("GETRANGE", key("copy"), -2, -1)).toEqual("cc");
      expect(await r("DEL", key(), key("copy"))).toEqual(2);
    },
  },
  {
    name: "SETRANGE keeps the TTL",
    async run({ r, key }) {
      expect(await r("SET", key(), "hello", "EX", 100)).toEqual("OK");
      expect(await r("SETRANGE", key(), 0, "J")).toEqual(5);
      expect(await r("GET", key())).toEqual("Jello");
      await expectTtlNear(r, key(), 100);
    },
  },
  {
    name: "LCS and LCS LEN",
    async run({ r, key }) {
      expect(await r("MSET", key("a"), "ohmytext", key("b"), "mynewtext")).toEqual("OK");
      expect(await r("LCS", key("a"), key("b"))).toEqual("mytext");
      expect(await r("LCS", key("a"), key("b"), "LEN")).toEqual(6);
      expect(await r("LCS", key("b"), key("a"), "len")).toEqual(6);
      expect(await r("LCS", key("a"), key("a"))).toEqual("ohmytext");
    },
  },
  {
    name: "LCS IDX",
    async run({ r, key }) {
      expect(await r("MSET", key("a"), "ohmytext", key("b"), "mynewtext")).toEqual("OK");
      const matches = [
        [[4, 7], [5, 8]],
        [[2, 3], [0, 1]],
      ];
      expect(await r("LCS", key("a"), key("b"), "IDX")).toEqual(["matches", matches, "len", 6]);
      expect(await r("LCS", key("a"), key("b"), "IDX", "IDX")).toEqual(["matches", matches, "len", 6]);
      expect(await r("LCS", key("a"), key("b"), "IDX", "MINMATCHLEN", -3)).toEqual(["matches", matches, "len", 6]);
    },
  },
  {
    name: "LCS IDX MINMATCHLEN WITHMATCHLEN",
    async run({ r, key }) {
      expect(await r("MSET", key("a"), "ohmytext", key("b"), "mynewtext")).toEqual("OK");
      expect(await r("LCS", key("a"), key("b"), "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN")).toEqual([
        "matches",
        [[[4, 7], [5, 8], 4]],
        "len",
        6,
      ]);
      expect(await r("LCS", key("a"), key("b"), "IDX", "WITHMATCHLEN")).toEqual([
        "matches",
        [
          [[4, 7], [5, 8], 4],
          [[2, 3], [0, 1], 2],
        ],
        "len",
        6,
      ]);
      expect(await r("LCS", key("a"), key("b"), "WITHMATCHLEN", "MINMATCHLEN", 3)).toEqual("mytext");
    },
  },
  {
    name: "LCS with missing keys",
    async run({ r, key }) {
      expect(await r("SET", key("a"), "hello")).toEqual("OK");
      expect(await r("LCS", key("a"), key("missing"))).toEqual("");
      expect(await r("LCS", key("missing"), key("a"), "LEN")).toEqual(0);
      expect(await r("LCS", key("a"), key("missing"), "IDX")).toEqual(["matches", [], "len", 0]);
      expect(await r("LCS", key("m1"), key("m2"), "LEN")).toEqual(0);
    },
  },
  {
    name: "LCS errors",
    async run({ r, key }) {
      expect(await r("MSET", key("a"), "abc", key("b"), "bcd")).toEqual("OK");
      expect(await r("LCS", key("a"), key("b"), "LEN", "IDX")).toEqual(
        error("ERR If you want both the length and indexes, please just use IDX."),
      );
      expect(await r("LCS", key("a"), key("b"), "FOO")).toEqual(SYNTAX);
      expect(await r("LCS", key("a"), key("b"), "MINMATCHLEN")).toEqual(SYNTAX);
      expect(await r("LCS", key("a"), key("b"), "MINMATCHLEN", "abc")).toEqual(NOT_INTEGER);
      expect(await r("LCS", key("a"))).toEqual(error("ERR wrong number of arguments for 'lcs' command"));
      await otherType(r, key("z"));
      const notStrings = error("ERR The specified keys must contain string values");
      expect(await r("LCS", key("a"), key("z"))).toEqual(notStrings);
      expect(await r("LCS", key("z"), key("a"), "FOO")).toEqual(notStrings);
    },
  },
  {
    name: "LCS across shards compares both strings (gathered)",
    only: "sharded",
    async run({ r, spread }) {
      const keys = "abcdefghij".split("").map((n) => spread(n));
      await r("SET", keys[0]!, "ohmytext");
      for (const k of keys.slice(1)) await r("SET", k, "mynewtext");
      for (const k of keys.slice(1)) expect(await r("LCS", keys[0]!, k)).toEqual("mytext");
    },
  },
];
