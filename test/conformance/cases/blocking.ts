/**
 * Blocking pops when they do not wait (docs/blocking.md): data present, timeouts' parsing,
 * arity and syntax, types, and the forms a script may call (nil at once). Waiting, serving and
 * timeouts with concurrent clients are test/workers/blocking.test.ts.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { WRONGTYPE } from "./common";

const NOT_FLOAT = error("ERR timeout is not a float or out of range");
const NEGATIVE = error("ERR timeout is negative");

export const blockingCases = defineCases("blocking", [
  {
    name: "BLPOP and BRPOP with data answer [key, element] from the first non-empty list",
    async run({ r, key }) {
      await r("RPUSH", key("b"), "1", "2", "3");
      expect(await r("BLPOP", key("a"), key("b"), 0)).toEqual([key("b"), "1"]);
      expect(await r("BRPOP", key("a"), key("b"), "0.5")).toEqual([key("b"), "3"]);
      expect(await r("LRANGE", key("b"), 0, -1)).toEqual(["2"]);
      expect(await r("BRPOP", key("b"), 1)).toEqual([key("b"), "2"]);
      expect(await r("EXISTS", key("b"))).toEqual(0);
    },
  },
  {
    name: "BLMOVE and BRPOPLPUSH with data move the element and answer it",
    async run({ r, key }) {
      await r("RPUSH", key("s"), "a", "b");
      expect(await r("BLMOVE", key("s"), key("d"), "LEFT", "RIGHT", 0)).toEqual("a");
      expect(await r("BRPOPLPUSH", key("s"), key("d"), 0)).toEqual("b");
      expect(await r("LRANGE", key("d"), 0, -1)).toEqual(["b", "a"]);
      expect(await r("BLMOVE", key("d"), key("d"), "RIGHT", "LEFT", 0)).toEqual("a");
      expect(await r("LRANGE", key("d"), 0, -1)).toEqual(["a", "b"]);
    },
  },
  {
    name: "BLMPOP and BZMPOP with data answer [key, elements]",
    async run({ r, key }) {
      await r("RPUSH", key("l"), "a", "b", "c");
      expect(await r("BLMPOP", 0, 2, key("x"), key("l"), "RIGHT", "COUNT", 2)).toEqual([key("l"), ["c", "b"]]);
      expect(await r("BLMPOP", 0, 1, key("l"), "LEFT")).toEqual([key("l"), ["a"]]);
      await r("ZADD", key("z"), 1, "a", 2, "b");
      expect(await r("BZMPOP", 0, 2, key("x"), key("z"), "MIN", "COUNT", 5)).toEqual([key("z"), [["a", "1"], ["b", "2"]]]);
    },
  },
  {
    name: "BZPOPMIN and BZPOPMAX with data answer [key, member, score]",
    async run({ r, key }) {
      await r("ZADD", key("z"), 1, "a", 2.5, "b", 3, "c");
      expect(await r("BZPOPMIN", key("x"), key("z"), 0)).toEqual([key("z"), "a", "1"]);
      expect(await r("BZPOPMAX", key("z"), 0)).toEqual([key("z"), "c", "3"]);
      expect(await r("ZRANGE", key("z"), 0, -1)).toEqual(["b"]);
    },
  },
  {
    name: "a timeout that is not a float, negative or beyond 64-bit milliseconds is refused",
    async run({ r, key }) {
      await r("RPUSH", key(), "x");
      for (const t of ["abc", " 1", "1 ", "nan", "1.5e1x", ""]) expect(await r("BLPOP", key(), t)).toEqual(NOT_FLOAT);
      for (const t of ["-1", "-0.0011", "inf", "-inf", "1e400", "9223372036854776"]) expect(await r("BLPOP", key(), t)).toEqual(NEGATIVE);
      expect(await r("BZPOPMIN", key(), "x")).toEqual(NOT_FLOAT);
      expect(await r("BLMPOP", "-1", 1, key(), "LEFT")).toEqual(NEGATIVE);
      expect(await r("BZMPOP", "x", 1, key(), "MIN")).toEqual(NOT_FLOAT);
      expect(await r("BRPOPLPUSH", key(), key("d"), "-2")).toEqual(NEGATIVE);
      // Fractions of a millisecond truncate toward zero: -0.0005 is 0 (wait forever), and with data it pops.
      for (const t of ["+1", ".5", "5.", "1E2", "-0.0005", "922337203685477.5807"]) {
        await r("RPUSH", key(), "y");
        expect(await r("BRPOP", key(), t)).toEqual([key(), "y"]);
      }
    },
  },
  {
    name: "BLMPOP and BZMPOP check their timeout after their other arguments",
    async run({ r, key }) {
      expect(await r("BLMPOP", "x", 0, key(), "LEFT")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("BZMPOP", "x", 1, key(), "UP")).toEqual(error("ERR syntax error"));
      expect(await r("BLMPOP", "x", 1, key(), "LEFT")).toEqual(NOT_FLOAT);
      expect(await r("BLMPOP", 0, 0, key(), "LEFT")).toEqual(error("ERR numkeys should be greater than 0"));
      expect(await r("BLMPOP", 0, 1, key(), "UP")).toEqual(error("ERR syntax error"));
      expect(await r("BLMPOP", 0, 1, key(), "LEFT", "COUNT", 0)).toEqual(error("ERR count should be greater than 0"));
      expect(await r("BZMPOP", 0, 1, key(), "MIN", "COUNT", 0)).toEqual(error("ERR count should be greater than 0"));
      expect(await r("BZMPOP", 0, 1, key(), "UP")).toEqual(error("ERR syntax error"));
      expect(await r("BLMOVE", key(), key("d"), "LEFT", "UP", "x")).toEqual(error("ERR syntax error"));
    },
  },
  {
    name: "arity of every blocking pop",
    async run({ r, key }) {
      for (const [name, ...args] of [["BLPOP", key()], ["BRPOP", key()], ["BZPOPMIN", key()], ["BZPOPMAX", key()], ["BLMOVE", key(), key(), "LEFT", "LEFT"], ["BRPOPLPUSH", key(), key()], ["BLMPOP", 0, 1, key()], ["BZMPOP", 0, 1, key()]] as [string, ...(string | number)[]][]) {
        expect(await r(name, ...args)).toEqual(error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`));
      }
    },
  },
  {
    name: "a key of another type is WRONGTYPE at once, in key order",
    async run({ r, key }) {
      await r("SET", key("s"), "v");
      expect(await r("BLPOP", key("none"), key("s"), 0)).toEqual(WRONGTYPE);
      expect(await r("BZPOPMIN", key("s"), 0)).toEqual(WRONGTYPE);
      expect(await r("BLMPOP", 0, 1, key("s"), "LEFT")).toEqual(WRONGTYPE);
      await r("RPUSH", key("l"), "a");
      expect(await r("BZMPOP", 0, 1, key("l"), "MAX")).toEqual(WRONGTYPE);
      expect(await r("BLMOVE", key("l"), key("s"), "LEFT", "LEFT", 0)).toEqual(WRONGTYPE);
      expect(await r("LRANGE", key("l"), 0, -1)).toEqual(["a"]);
    },
  },
  {
    name: "a script's BLMPOP and BZMPOP answer nil at once on empty keys; BLPOP is not allowed in scripts",
    async run({ r, key }) {
      expect(await r("EVAL", "return redis.call('BLMPOP', 0, 1, KEYS[1], 'LEFT')", 1, key())).toEqual(null);
      expect(await r("EVAL", "return redis.call('BZMPOP', 0, 1, KEYS[1], 'MIN')", 1, key())).toEqual(null);
      const refused = await r("EVAL", "return redis.call('BLPOP', KEYS[1], 0)", 1, key());
      expect((refused as { error: string }).error).toMatch(/^ERR This Redis command is not allowed from script/);
    },
  },
]);
