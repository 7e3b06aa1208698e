/** What the bitmap cases share: error replies, and values read and written as hex through a script. */
import { error, type Call } from "../harness";

export const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
export const BAD_OFFSET = error("ERR bit offset is not an integer or out of range");
export const BAD_BIT = error("ERR bit is not an integer or out of range");
export const NOT_INTEGER = error("ERR value is not an integer or out of range");
export const SYNTAX = error("ERR syntax error");
export const BAD_TYPE = error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");

const HEX =
  "local s = redis.call('GET', KEYS[1]) if not s then return false end " +
  "local t = {} for i = 1, #s do t[i] = string.format('%02x', string.byte(s, i)) end return table.concat(t)";
const SET_HEX =
  "local h = ARGV[1] local t = {} for i = 1, #h, 2 do t[#t + 1] = string.char(tonumber(string.sub(h, i, i + 1), 16)) end " +
  "return redis.call('SET', KEYS[1], table.concat(t))";

/** The value at `key` as hex (null when missing). */
export const hex = (r: Call, key: string) => r("EVAL", HEX, 1, key);
/** SET `key` to the bytes of hex text `h`. */
export const setHex = (r: Call, key: string, h: string) => r("EVAL", SET_HEX, 1, key, h);
