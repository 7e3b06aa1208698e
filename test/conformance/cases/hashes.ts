/**
 * Hash commands as Redis 7.0 answers them. Field order is compared only where Redis's order
 * is defined for the case (a small hash answers in insertion order there and here). The
 * per-field expiry commands (Redis 7.4 / 8.0) are not here: the reference redis-server 7.0
 * lacks them; durable-objects/store/hashes.test.ts covers them.
 *
 * One file for the group's ~50 cases (over the usual length): they are flat data, one case per
 * behaviour, and read as a list.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const NOT_INT = error("ERR value is not an integer or out of range");
const NOT_FLOAT = error("ERR value is not a valid float");
const SYNTAX = error("ERR syntax error");
const arity = (cmd: string) => error(`ERR wrong number of arguments for '${cmd}' command`);

/** Field → value of a flat [f, v, f, v, …] reply. */
function pairs(v: Value): Record<string, string> {
  const a = v as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i < a.length; i += 2) out[a[i]!] = a[i + 1]!;
  return out;
}

/** Every field HSCAN returns for `key`, following the cursor to the end. */
async function scanAll(r: Call, key: string, ...opts: (string | number)[]): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  let cursor = "0";
  for (let rounds = 0; rounds < 1000; rounds++) {
    const [next, items] = (await r("HSCAN", key, cursor, ...opts)) as [string, string[]];
    Object.assign(seen, pairs(items));
    cursor = next;
    if (cursor === "0") return seen;
  }
  throw new Error("HSCAN did not finish");
}

export const hashCases = defineCases("hashes", [
  {
    name: "HSET counts new fields, HGET reads them",
    async run({ r, key }) {
      expect(await r("HSET", key(), "a", "1", "b", "2")).toEqual(2);
      expect(await r("HSET", key(), "a", "10", "c", "3")).toEqual(1);
      expect(await r("HGET", key(), "a")).toEqual("10");
      expect(await r("HGET", key(), "c")).toEqual("3");
      expect(await r("HGET", key(), "nope")).toEqual(null);
      expect(await r("HGET", key("missing"), "a")).toEqual(null);
    },
  },
  {
    name: "HSET with a field named twice keeps the last value",
    async run({ r, key }) {
      expect(await r("HSET", key(), "a", "1", "a", "2")).toEqual(1);
      expect(await r("HGET", key(), "a")).toEqual("2");
      expect(await r("HLEN", key())).toEqual(1);
    },
  },
  {
    name: "HSET and HMSET need field value pairs",
    async run({ r, key }) {
      expect(await r("HSET", key(), "a")).toEqual(arity("hset"));
      expect(await r("HSET", key(), "a", "1", "b")).toEqual(arity("hset"));
      expect(await r("HMSET", key(), "a", "1", "b")).toEqual(arity("hmset"));
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "HMSET replies OK",
    async run({ r, key }) {
      expect(await r("HMSET", key(), "a", "1", "b", "2")).toEqual("OK");
      expect(await r("HMGET", key(), "a", "b")).toEqual(["1", "2"]);
    },
  },
  {
    name: "HSETNX sets only a new field",
    async run({ r, key }) {
      expect(await r("HSETNX", key(), "a", "1")).toEqual(1);
      expect(await r("HSETNX", key(), "a", "2")).toEqual(0);
      expect(await r("HGET", key(), "a")).toEqual("1");
      expect(await r("HSETNX", key(), "b", "3")).toEqual(1);
      expect(await r("HLEN", key())).toEqual(2);
    },
  },
  {
    name: "HMGET answers nil for missing fields and a missing key",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      expect(await r("HMGET", key(), "a", "x", "b", "a")).toEqual(["1", null, "2", "1"]);
      expect(await r("HMGET", key("missing"), "a", "b")).toEqual([null, null]);
      expect(await r("HMGET", key())).toEqual(arity("hmget"));
    },
  },
  {
    name: "HDEL counts deleted fields, each once",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2", "c", "3");
      expect(await r("HDEL", key(), "a", "x", "a")).toEqual(1);
      expect(await r("HDEL", key(), "b", "c", "b")).toEqual(2);
      expect(await r("HDEL", key(), "a")).toEqual(0);
      expect(await r("HDEL", key("missing"), "a")).toEqual(0);
    },
  },
  {
    name: "a hash whose last field is deleted no longer exists",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      await r("HDEL", key(), "a");
      expect(await r("EXISTS", key())).toEqual(1);
      await r("HDEL", key(), "b");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("TYPE", key())).toEqual("none");
      expect(await r("HLEN", key())).toEqual(0);
      expect(await r("HGETALL", key())).toEqual([]);
      expect(await r("SET", key(), "now a string")).toEqual("OK");
      expect(await r("GET", key())).toEqual("now a string");
    },
  },
  {
    name: "HEXISTS",
    async run({ r, key }) {
      await r("HSET", key(), "a", "");
      expect(await r("HEXISTS", key(), "a")).toEqual(1);
      expect(await r("HEXISTS", key(), "b")).toEqual(0);
      expect(await r("HEXISTS", key("missing"), "a")).toEqual(0);
    },
  },
  {
    name: "HLEN follows sets and deletes",
    async run({ r, key }) {
      expect(await r("HLEN", key())).toEqual(0);
      await r("HSET", key(), "a", "1", "b", "2", "c", "3");
      expect(await r("HLEN", key())).toEqual(3);
      await r("HSET", key(), "a", "x");
      expect(await r("HLEN", key())).toEqual(3);
      await r("HDEL", key(), "b");
      expect(await r("HLEN", key())).toEqual(2);
    },
  },
  {
    name: "HLEN of a hash with many fields",
    async run({ r, key }) {
      const args: string[] = [];
      for (let i = 0; i < 300; i++) args.push(`f${i}`, `v${i}`);
      expect(await r("HSET", key(), ...args)).toEqual(300);
      expect(await r("HLEN", key())).toEqual(300);
      expect(await r("HGET", key(), "f299")).toEqual("v299");
      expect(await r("HDEL", key(), "f0", "f1", "f2")).toEqual(3);
      expect(await r("HLEN", key())).toEqual(297);
    },
  },
  {
    name: "HSTRLEN",
    async run({ r, key }) {
      await r("HSET", key(), "s", "hello", "n", "12345", "e", "", "u", "héllo");
      expect(await r("HSTRLEN", key(), "s")).toEqual(5);
      expect(await r("HSTRLEN", key(), "n")).toEqual(5);
      expect(await r("HSTRLEN", key(), "e")).toEqual(0);
      expect(await r("HSTRLEN", key(), "u")).toEqual(6);
      expect(await r("HSTRLEN", key(), "x")).toEqual(0);
      expect(await r("HSTRLEN", key("missing"), "x")).toEqual(0);
    },
  },
  {
    name: "HGETALL, HKEYS and HVALS of a small hash, in insertion order",
    async run({ r, key }) {
      await r("HSET", key(), "b", "2", "a", "1", "c", "3");
      expect(await r("HGETALL", key())).toEqual(["b", "2", "a", "1", "c", "3"]);
      expect(await r("HKEYS", key())).toEqual(["b", "a", "c"]);
      expect(await r("HVALS", key())).toEqual(["2", "1", "3"]);
      await r("HSET", key(), "b", "20");
      expect(await r("HGETALL", key())).toEqual(["b", "20", "a", "1", "c", "3"]);
    },
  },
  {
    name: "HGETALL, HKEYS and HVALS of a missing key are empty",
    async run({ r, key }) {
      expect(await r("HGETALL", key())).toEqual([]);
      expect(await r("HKEYS", key())).toEqual([]);
      expect(await r("HVALS", key())).toEqual([]);
      expect(await r("HGETALL")).toEqual(arity("hgetall"));
    },
  },
  {
    name: "fields and values are binary-safe, the empty field included",
    async run({ r, key }) {
      expect(await r("HSET", key(), "", "empty", "sp ace", "tab\there", "ünï", "çødé")).toEqual(3);
      expect(await r("HGET", key(), "")).toEqual("empty");
      expect(await r("HGET", key(), "sp ace")).toEqual("tab\there");
      expect(await r("HGET", key(), "ünï")).toEqual("çødé");
      expect(pairs(await r("HGETALL", key()))).toEqual({ "": "empty", "sp ace": "tab\there", "ünï": "çødé" });
    },
  },
  {
    name: "HINCRBY creates, adds and subtracts",
    async run({ r, key }) {
      expect(await r("HINCRBY", key(), "n", 5)).toEqual(5);
      expect(await r("HINCRBY", key(), "n", -7)).toEqual(-2);
      expect(await r("HINCRBY", key(), "n", 0)).toEqual(-2);
      expect(await r("HGET", key(), "n")).toEqual("-2");
      await r("HSET", key(), "m", "100");
      expect(await r("HINCRBY", key(), "m", 23)).toEqual(123);
    },
  },
  {
    name: "HINCRBY keeps 64-bit precision and refuses overflow",
    async run({ r, key }) {
      expect(await r("HINCRBY", key(), "n", "9223372036854775806")).toEqual(9223372036854775806n);
      expect(await r("HINCRBY", key(), "n", 1)).toEqual(9223372036854775807n);
      expect(await r("HINCRBY", key(), "n", 1)).toEqual(error("ERR increment or decrement would overflow"));
      expect(await r("HGET", key(), "n")).toEqual("9223372036854775807");
      expect(await r("HINCRBY", key(), "m", "-9223372036854775808")).toEqual(-9223372036854775808n);
      expect(await r("HINCRBY", key(), "m", -1)).toEqual(error("ERR increment or decrement would overflow"));
    },
  },
  {
    name: "HINCRBY on a value that is not an integer",
    async run({ r, key }) {
      await r("HSET", key(), "s", "abc", "sp", " 1", "f", "1.5", "big", "9223372036854775808");
      for (const f of ["s", "sp", "f", "big"]) {
        expect(await r("HINCRBY", key(), f, 1)).toEqual(error("ERR hash value is not an integer"));
      }
      expect(await r("HGET", key(), "s")).toEqual("abc");
    },
  },
  {
    name: "HINCRBY with an increment that is not an integer",
    async run({ r, key }) {
      expect(await r("HINCRBY", key(), "n", "1.5")).toEqual(NOT_INT);
      expect(await r("HINCRBY", key(), "n", "x")).toEqual(NOT_INT);
      expect(await r("HINCRBY", key(), "n", "9223372036854775808")).toEqual(NOT_INT);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "HINCRBYFLOAT adds as Redis's long double does",
    async run({ r, key }) {
      await r("HSET", key(), "f", "10.5");
      expect(await r("HINCRBYFLOAT", key(), "f", "0.1")).toEqual("10.6");
      expect(await r("HINCRBYFLOAT", key(), "g", "0.1")).toEqual("0.1");
      expect(await r("HINCRBYFLOAT", key(), "g", "0.2")).toEqual("0.3");
      expect(await r("HINCRBYFLOAT", key(), "h", "5.0e3")).toEqual("5000");
      expect(await r("HINCRBYFLOAT", key(), "h", "-5000")).toEqual("0");
      expect(await r("HGET", key(), "f")).toEqual("10.6");
    },
  },
  {
    name: "HINCRBYFLOAT formats like %.17Lf, trailing zeros removed",
    async run({ r, key }) {
      expect(await r("HINCRBYFLOAT", key(), "a", "1e20")).toEqual("100000000000000000000");
      expect(await r("HINCRBYFLOAT", key(), "b", "1.5e-20")).toEqual("0");
      expect(await r("HINCRBYFLOAT", key(), "c", "1e-17")).toEqual("0.00000000000000001");
      expect(await r("HINCRBYFLOAT", key(), "d", "1.23456789012345678901234")).toEqual("1.23456789012345679");
      expect(await r("HINCRBYFLOAT", key(), "e", "-0.0")).toEqual("0");
      expect(await r("HINCRBYFLOAT", key(), "i", "0x10")).toEqual("16");
    },
  },
  {
    name: "HINCRBYFLOAT on an integer value and after HINCRBY",
    async run({ r, key }) {
      await r("HSET", key(), "n", "5");
      expect(await r("HINCRBYFLOAT", key(), "n", "1.5")).toEqual("6.5");
      expect(await r("HINCRBY", key(), "n", 1)).toEqual(error("ERR hash value is not an integer"));
      expect(await r("HINCRBYFLOAT", key(), "n", "-0.5")).toEqual("6");
      expect(await r("HINCRBY", key(), "n", 1)).toEqual(7);
    },
  },
  {
    name: "HINCRBYFLOAT errors",
    async run({ r, key }) {
      await r("HSET", key(), "s", "hello", "sp", " 1");
      expect(await r("HINCRBYFLOAT", key(), "s", "1")).toEqual(error("ERR hash value is not a float"));
      expect(await r("HINCRBYFLOAT", key(), "sp", "1")).toEqual(error("ERR hash value is not a float"));
      expect(await r("HINCRBYFLOAT", key(), "n", "abc")).toEqual(NOT_FLOAT);
      expect(await r("HINCRBYFLOAT", key(), "n", "nan")).toEqual(NOT_FLOAT);
      expect(await r("HINCRBYFLOAT", key(), "n", "inf")).toEqual(error("ERR value is NaN or Infinity"));
      expect(await r("HINCRBYFLOAT", key(), "n", "-infinity")).toEqual(error("ERR value is NaN or Infinity"));
      expect(await r("HEXISTS", key(), "n")).toEqual(0);
    },
  },
  {
    name: "HINCRBYFLOAT that would reach infinity changes nothing",
    async run({ r, key }) {
      await r("HSET", key(), "inf", "inf");
      expect(await r("HINCRBYFLOAT", key(), "inf", "1")).toEqual(error("ERR increment would produce NaN or Infinity"));
      expect(await r("HGET", key(), "inf")).toEqual("inf");
    },
  },
  {
    name: "HRANDFIELD without a count",
    async run({ r, key }) {
      expect(await r("HRANDFIELD", key())).toEqual(null);
      await r("HSET", key(), "a", "1", "b", "2", "c", "3");
      for (let i = 0; i < 5; i++) expect(["a", "b", "c"]).toContain(await r("HRANDFIELD", key()));
    },
  },
  {
    name: "HRANDFIELD with a positive count returns distinct fields",
    async run({ r, key }) {
      const args: string[] = [];
      for (let i = 0; i < 20; i++) args.push(`f${i}`, `v${i}`);
      await r("HSET", key(), ...args);
      const some = (await r("HRANDFIELD", key(), 5)) as string[];
      expect(some).toHaveLength(5);
      expect(new Set(some).size).toBe(5);
      for (const f of some) expect(f).toMatch(/^f\d+$/);
      const most = (await r("HRANDFIELD", key(), 18)) as string[];
      expect(new Set(most).size).toBe(18);
      const all = (await r("HRANDFIELD", key(), 50)) as string[];
      expect(new Set(all).size).toBe(20);
      expect(all).toHaveLength(20);
    },
  },
  {
    name: "HRANDFIELD with a negative count may repeat fields",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      const picks = (await r("HRANDFIELD", key(), -7)) as string[];
      expect(picks).toHaveLength(7);
      for (const f of picks) expect(["a", "b"]).toContain(f);
      const withValues = (await r("HRANDFIELD", key(), -3, "WITHVALUES")) as string[];
      expect(withValues).toHaveLength(6);
      for (let i = 0; i < 6; i += 2) expect(withValues[i + 1]).toEqual(withValues[i] === "a" ? "1" : "2");
    },
  },
  {
    name: "HRANDFIELD WITHVALUES pairs each field with its value",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2", "c", "3");
      expect(pairs(await r("HRANDFIELD", key(), 3, "withvalues"))).toEqual({ a: "1", b: "2", c: "3" });
      const two = pairs(await r("HRANDFIELD", key(), 2, "WITHVALUES"));
      expect(Object.keys(two)).toHaveLength(2);
      for (const [f, v] of Object.entries(two)) expect({ a: "1", b: "2", c: "3" }[f]).toEqual(v);
    },
  },
  {
    name: "HRANDFIELD with count 0 or on a missing key is empty",
    async run({ r, key }) {
      expect(await r("HRANDFIELD", key(), 3)).toEqual([]);
      expect(await r("HRANDFIELD", key(), -3, "WITHVALUES")).toEqual([]);
      await r("HSET", key(), "a", "1");
      expect(await r("HRANDFIELD", key(), 0)).toEqual([]);
      expect(await r("HRANDFIELD", key(), 0, "WITHVALUES")).toEqual([]);
    },
  },
  {
    name: "HRANDFIELD argument errors",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1");
      expect(await r("HRANDFIELD", key(), "x")).toEqual(NOT_INT);
      expect(await r("HRANDFIELD", key(), 1, "WITHSCORES")).toEqual(SYNTAX);
      expect(await r("HRANDFIELD", key(), 1, "WITHVALUES", "x")).toEqual(SYNTAX);
      expect(await r("HRANDFIELD", key(), "-9223372036854775808")).toEqual(
        error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
      );
      expect(await r("HRANDFIELD", key(), "-4611686018427387904", "WITHVALUES")).toEqual(error("ERR value is out of range"));
      expect(await r("HRANDFIELD", key(), "4611686018427387904", "WITHVALUES")).toEqual(error("ERR value is out of range"));
    },
  },
  {
    name: "HSCAN walks every field",
    async run({ r, key }) {
      const args: string[] = [];
      const want: Record<string, string> = {};
      for (let i = 0; i < 40; i++) {
        args.push(`f${i}`, `v${i}`);
        want[`f${i}`] = `v${i}`;
      }
      await r("HSET", key(), ...args);
      expect(await scanAll(r, key(), "COUNT", 7)).toEqual(want);
      expect(await scanAll(r, key())).toEqual(want);
    },
  },
  {
    name: "HSCAN MATCH filters fields",
    async run({ r, key }) {
      await r("HSET", key(), "user:1", "a", "user:2", "b", "admin:1", "c", "user:10", "d");
      expect(await scanAll(r, key(), "MATCH", "user:?")).toEqual({ "user:1": "a", "user:2": "b" });
      expect(await scanAll(r, key(), "MATCH", "*:1*", "COUNT", 2)).toEqual({ "user:1": "a", "admin:1": "c", "user:10": "d" });
      expect(await scanAll(r, key(), "MATCH", "nothing*")).toEqual({});
    },
  },
  {
    name: "HSCAN of a missing key",
    async run({ r, key }) {
      expect(await r("HSCAN", key(), 0)).toEqual(["0", []]);
      expect(await r("HSCAN", key(), 0, "COUNT", 0)).toEqual(["0", []]);
    },
  },
  {
    name: "HSCAN argument errors",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1");
      expect(await r("HSCAN", key(), "abc")).toEqual(error("ERR invalid cursor"));
      expect(await r("HSCAN", key(), "18446744073709551616")).toEqual(error("ERR invalid cursor"));
      expect(await r("HSCAN", key(), 0, "COUNT", 0)).toEqual(SYNTAX);
      expect(await r("HSCAN", key(), 0, "COUNT", "x")).toEqual(NOT_INT);
      expect(await r("HSCAN", key(), 0, "MATCH")).toEqual(SYNTAX);
      expect(await r("HSCAN", key(), 0, "FOO", "bar")).toEqual(SYNTAX);
      expect(await r("HSCAN", key())).toEqual(arity("hscan"));
    },
  },
  {
    name: "hash reads on a string are WRONGTYPE",
    async run({ r, key }) {
      await r("SET", key(), "x");
      for (const cmd of [
        ["HGET", "a"],
        ["HMGET", "a", "b"],
        ["HLEN"],
        ["HGETALL"],
        ["HKEYS"],
        ["HVALS"],
        ["HEXISTS", "a"],
        ["HSTRLEN", "a"],
        ["HRANDFIELD"],
        ["HRANDFIELD", 2],
        ["HSCAN", 0],
      ]) {
        expect(await r(cmd[0]!, key(), ...cmd.slice(1))).toEqual(WRONGTYPE);
      }
    },
  },
  {
    name: "hash writes on a string are WRONGTYPE and change nothing",
    async run({ r, key }) {
      await r("SET", key(), "x");
      for (const cmd of [
        ["HSET", "a", "1"],
        ["HMSET", "a", "1"],
        ["HSETNX", "a", "1"],
        ["HDEL", "a"],
        ["HINCRBY", "a", 1],
        ["HINCRBYFLOAT", "a", "1.5"],
      ]) {
        expect(await r(cmd[0]!, key(), ...cmd.slice(1))).toEqual(WRONGTYPE);
      }
      expect(await r("GET", key())).toEqual("x");
    },
  },
  {
    name: "argument errors come before WRONGTYPE where Redis checks them first",
    async run({ r, key }) {
      await r("SET", key(), "x");
      expect(await r("HINCRBY", key(), "a", "x")).toEqual(NOT_INT);
      expect(await r("HINCRBYFLOAT", key(), "a", "x")).toEqual(NOT_FLOAT);
      expect(await r("HRANDFIELD", key(), "x")).toEqual(NOT_INT);
      expect(await r("HSCAN", key(), "x")).toEqual(error("ERR invalid cursor"));
      expect(await r("HSET", key(), "a")).toEqual(arity("hset"));
    },
  },
  {
    name: "string commands on a hash are WRONGTYPE",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1");
      expect(await r("GET", key())).toEqual(WRONGTYPE);
      expect(await r("INCR", key())).toEqual(WRONGTYPE);
      expect(await r("APPEND", key(), "x")).toEqual(WRONGTYPE);
      expect(await r("HGET", key(), "a")).toEqual("1");
    },
  },
  {
    name: "SET replaces a hash",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GET", key())).toEqual("v");
      expect(await r("HGET", key(), "a")).toEqual(WRONGTYPE);
      await r("DEL", key());
      expect(await r("HSET", key(), "c", "3")).toEqual(1);
      expect(await r("HGETALL", key())).toEqual(["c", "3"]);
    },
  },
  {
    name: "TYPE, EXISTS and DEL of a hash",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      expect(await r("TYPE", key())).toEqual("hash");
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("HGETALL", key())).toEqual([]);
      expect(await r("HSET", key(), "c", "3")).toEqual(1);
      expect(await r("HLEN", key())).toEqual(1);
    },
  },
  {
    name: "EXPIRE on a hash key; HSET keeps the key's TTL",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1");
      expect(await r("EXPIRE", key(), 100)).toEqual(1);
      await r("HSET", key(), "b", "2");
      await r("HDEL", key(), "a");
      expect([99, 100]).toContain(await r("TTL", key()));
      expect(await r("PERSIST", key())).toEqual(1);
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "a hash key expired in the past is gone with its fields",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      expect(await r("PEXPIREAT", key(), 1)).toEqual(1);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("HLEN", key())).toEqual(0);
      expect(await r("HSET", key(), "c", "3")).toEqual(1);
      expect(await r("HGETALL", key())).toEqual(["c", "3"]);
    },
  },
  {
    name: "RENAME moves a hash with its fields",
    async run({ r, key }) {
      await r("HSET", key("src"), "a", "1", "b", "2");
      await r("SET", key("dst"), "old");
      expect(await r("RENAME", key("src"), key("dst"))).toEqual("OK");
      expect(await r("EXISTS", key("src"))).toEqual(0);
      expect(await r("TYPE", key("dst"))).toEqual("hash");
      expect(await r("HGETALL", key("dst"))).toEqual(["a", "1", "b", "2"]);
      expect(await r("HLEN", key("dst"))).toEqual(2);
      await r("HSET", key("src"), "z", "9");
      expect(await r("HGETALL", key("src"))).toEqual(["z", "9"]);
    },
  },
  {
    name: "RENAME over a hash replaces its fields",
    async run({ r, key }) {
      await r("HSET", key("src"), "a", "1");
      await r("HSET", key("dst"), "x", "1", "y", "2");
      expect(await r("RENAME", key("src"), key("dst"))).toEqual("OK");
      expect(await r("HGETALL", key("dst"))).toEqual(["a", "1"]);
      expect(await r("HLEN", key("dst"))).toEqual(1);
    },
  },
  {
    name: "COPY of a hash is independent of the original",
    async run({ r, key }) {
      await r("HSET", key("src"), "a", "1", "b", "2");
      expect(await r("COPY", key("src"), key("dst"))).toEqual(1);
      expect(await r("HGETALL", key("dst"))).toEqual(["a", "1", "b", "2"]);
      await r("HSET", key("dst"), "c", "3");
      await r("HDEL", key("src"), "a");
      expect(await r("HLEN", key("src"))).toEqual(1);
      expect(await r("HLEN", key("dst"))).toEqual(3);
      expect(await r("HGET", key("dst"), "a")).toEqual("1");
      expect(await r("COPY", key("src"), key("dst"))).toEqual(0);
      expect(await r("COPY", key("src"), key("dst"), "REPLACE")).toEqual(1);
      expect(await r("HGETALL", key("dst"))).toEqual(["b", "2"]);
    },
  },
  {
    name: "HRANDFIELD on a hash larger than the count",
    async run({ r, key }) {
      const args: string[] = [];
      for (let i = 0; i < 200; i++) args.push(`f${i}`, `v${i}`);
      await r("HSET", key(), ...args);
      const repeats = (await r("HRANDFIELD", key(), -50, "WITHVALUES")) as string[];
      expect(repeats).toHaveLength(100);
      for (let i = 0; i < 100; i += 2) expect(repeats[i + 1]).toEqual(`v${repeats[i]!.slice(1)}`);
      const distinct = (await r("HRANDFIELD", key(), 30)) as string[];
      expect(new Set(distinct).size).toBe(30);
      expect(await r("HRANDFIELD", key(), 199)).toHaveLength(199);
    },
  },
  {
    name: "HSCAN of a larger hash with MATCH and COUNT",
    async run({ r, key }) {
      const args: string[] = [];
      const want: Record<string, string> = {};
      for (let i = 0; i < 500; i++) {
        args.push(`k${i}`, `${i}`);
        if (i % 100 === 7 && i > 100) want[`k${i}`] = `${i}`;
      }
      await r("HSET", key(), ...args);
      expect(await scanAll(r, key(), "MATCH", "k?07", "COUNT", 50)).toEqual(want);
      expect(Object.keys(await scanAll(r, key(), "COUNT", 1000))).toHaveLength(500);
    },
  },
  {
    name: "HINCRBYFLOAT prints large values in full",
    async run({ r, key }) {
      expect(await r("HINCRBYFLOAT", key(), "f", "1e30")).toEqual("1000000000000000000024696061952");
      expect(await r("HINCRBYFLOAT", key(), "f", "-1e30")).toEqual("0");
      expect(await r("HINCRBYFLOAT", key(), "g", "-2.5")).toEqual("-2.5");
      expect(await r("HINCRBYFLOAT", key(), "g", "2.5e-3")).toEqual("-2.4975");
    },
  },
  {
    name: "HSETNX and HINCRBY create a missing key",
    async run({ r, key }) {
      expect(await r("HSETNX", key("a"), "f", "v")).toEqual(1);
      expect(await r("TYPE", key("a"))).toEqual("hash");
      expect(await r("HINCRBY", key("b"), "n", 3)).toEqual(3);
      expect(await r("TYPE", key("b"))).toEqual("hash");
      expect(await r("HINCRBYFLOAT", key("c"), "n", "1.5")).toEqual("1.5");
      expect(await r("HLEN", key("c"))).toEqual(1);
    },
  },
  {
    name: "a hash emptied by HDEL can be created again",
    async run({ r, key }) {
      await r("HSET", key(), "a", "1", "b", "2");
      expect(await r("HDEL", key(), "a", "b")).toEqual(2);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("HSET", key(), "c", "3")).toEqual(1);
      expect(await r("HGETALL", key())).toEqual(["c", "3"]);
      expect(await r("HLEN", key())).toEqual(1);
    },
  },
  {
    name: "wrong number of arguments",
    async run({ r, key }) {
      expect(await r("HGET", key())).toEqual(arity("hget"));
      expect(await r("HSETNX", key(), "a")).toEqual(arity("hsetnx"));
      expect(await r("HDEL", key())).toEqual(arity("hdel"));
      expect(await r("HLEN")).toEqual(arity("hlen"));
      expect(await r("HEXISTS", key())).toEqual(arity("hexists"));
      expect(await r("HSTRLEN", key())).toEqual(arity("hstrlen"));
      expect(await r("HINCRBY", key(), "a")).toEqual(arity("hincrby"));
      expect(await r("HINCRBYFLOAT", key(), "a")).toEqual(arity("hincrbyfloat"));
      expect(await r("HRANDFIELD")).toEqual(arity("hrandfield"));
      expect(await r("HKEYS", key(), "x")).toEqual(arity("hkeys"));
    },
  },
]);
