/**
 * What a script is given and gives back at the boundary: numkeys as Redis reads it, KEYS and
 * ARGV as the arguments' bytes (UTF-8 text, long values, binary), the keys a script may call
 * (its declared keys' slot, undeclared ones of that slot too), and strings of replies and
 * of error and status replies as their bytes.
 */
import { expect } from "vitest";
import { defineCases, error, type Value } from "../harness";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** `n` bytes that are not all ASCII: i·7 mod 256. */
function binary(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
}

const NOT_INTEGER = error("ERR value is not an integer or out of range");
const TOO_MANY = error("ERR Number of keys can't be greater than number of args");
const NEGATIVE = error("ERR Number of keys can't be negative");

export const scriptingArgsCases = defineCases("scripting arguments", [
  {
    name: "numkeys is read as Redis's string2ll: no sign, spaces or leading zeros (EVAL, EVALSHA, FCALL)",
    async run({ r, key }) {
      const sha = await r("SCRIPT", "LOAD", "return #KEYS");
      const lib = `nk${key().replace(/\W/g, "")}`;
      expect(await r("FUNCTION", "LOAD", `#!lua name=${lib}\nredis.register_function('${lib}', function(keys) return #keys end)`)).toEqual(lib);
      const forms: [string, Value, Value][] = [
        ["0", 0, 0],
        ["1", 1, 1],
        ["007", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["00", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["+1", NOT_INTEGER, error("ERR Bad number of keys provided")],
        [" 1", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["1 ", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["-0", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["99999999999999999999", NOT_INTEGER, error("ERR Bad number of keys provided")],
        ["1234567890123456", TOO_MANY, TOO_MANY],
        ["123456789012345", TOO_MANY, TOO_MANY],
        ["2", TOO_MANY, TOO_MANY],
        ["-1", NEGATIVE, NEGATIVE],
      ];
      try {
        for (const [n, evalReply, fcallReply] of forms) {
          expect(await r("EVAL", "return #KEYS", n, key("a")), `EVAL ${n}`).toEqual(evalReply);
          expect(await r("EVALSHA", sha as string, n, key("a")), `EVALSHA ${n}`).toEqual(evalReply);
          expect(await r("FCALL", lib, n, key("a")), `FCALL ${n}`).toEqual(fcallReply);
        }
      } finally {
        await r("FUNCTION", "DELETE", lib);
      }
    },
  },
  {
    name: "KEYS and ARGV hold the arguments' bytes: UTF-8 text, short and long",
    async run({ r, key }) {
      const k = key("é");
      expect(await r("EVAL", "return {#KEYS[1], #ARGV[1], string.byte(ARGV[1], 1), ARGV[1], KEYS[1]}", 1, k, "ü€")).toEqual([utf8(k).length, 5, 195, "ü€", k]);
      const longText = "é".repeat(300) + "x";
      const longAscii = "abc".repeat(400);
      expect(await r("EVAL", "return {#ARGV[1], #ARGV[2], ARGV[1], ARGV[2], string.byte(ARGV[1], 2)}", 0, longText, longAscii)).toEqual([601, 1200, longText, longAscii, 0xa9]);
      expect(await r("EVAL", "return {#ARGV, ARGV[1], ARGV[3]}", 0, "", "b", "")).toEqual([3, "", ""]);
    },
  },
  {
    name: "KEYS and ARGV hold binary arguments byte for byte, and a script returns them so",
    async run({ rb, key }) {
      const short = Uint8Array.from([0, 255, 128, 10, 0x7f]);
      expect(await rb("EVAL", "return {#ARGV[1], string.byte(ARGV[1], 1, -1)}", "1", key(), short)).toEqual([5, 0, 255, 128, 10, 0x7f]);
      for (const value of [short, binary(300), binary(20_000)]) {
        expect(await rb("EVAL", "return ARGV[1]", "0", value)).toEqual(value);
        expect(await rb("EVAL", "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", "1", key("bin"), value)).toEqual(value);
      }
    },
  },
  {
    name: "a script calls its declared keys and undeclared keys of their slot; replies' strings come back as their bytes",
    async run({ r, key }) {
      expect(await r("EVAL", "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", 1, key("a"), "ü€")).toEqual("ü€");
      expect(await r("EVAL", "redis.call('SET', ARGV[1], 'x') return redis.call('GET', ARGV[1])", 1, key("a"), key("b"))).toEqual("x");
      expect(await r("EVAL", "return redis.call('INCRBY', KEYS[1], ARGV[1])", 1, key("n"), "41")).toEqual(41);
      expect(await r("EVAL", "return redis.call('INCRBY', KEYS[1], 1)", 1, key("n"))).toEqual(42);
      expect(await r("EVAL", "return redis.error_reply('MYERR ü')", 0)).toEqual(error("MYERR ü"));
      expect(await r("EVAL", "return redis.status_reply('ü€')", 0)).toEqual("ü€");
      expect(await r("EVAL", "return redis.pcall('INCR', KEYS[1])", 1, key("a"))).toEqual(NOT_INTEGER);
    },
  },
]);
