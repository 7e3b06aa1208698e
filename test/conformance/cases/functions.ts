/**
 * Redis Functions beyond LOAD/FCALL (scripting.ts has those): FUNCTION DUMP and RESTORE in
 * Redis's payload format, STATS, KILL, and the library metadata rules. Payload literals were
 * recorded from redis-server 7.0.15, so a target that passes restores redis-server's dumps and
 * writes dumps redis-server restores (the same bytes). Every case starts with FUNCTION FLUSH
 * (cases run one at a time).
 */
import { expect } from "vitest";
import { defineCases, error, type BinaryValue, type Value } from "../harness";

const hex = (v: BinaryValue) => {
  expect(v).toBeInstanceOf(Uint8Array);
  return [...(v as Uint8Array)].map((x) => x.toString(16).padStart(2, "0")).join("");
};
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

const LIB_A = "#!lua name=dumpa\nredis.register_function('dumpa_get', function(keys) return redis.call('GET', keys[1]) end)";
const LIB_B =
  "#!lua name=dumpb\n" +
  Array.from({ length: 6 }, (_, i) => `redis.register_function('dumpb_${i}', function(keys, args) return args[1] .. '${i}' end)\n`).join("");

/** redis-server 7.0.15's FUNCTION DUMP with only LIB_A, only LIB_B (its code LZF-compressed), both, none. */
const DUMP_A =
  "f5c34062406b1f23216c7561206e616d653d64756d70610a72656469732e72656769737465725f0966756e6374696f6e2827601e065f676574272c20e000150b6b657973292072657475726e2006403a0863616c6c28274745542027401e085b315d2920656e64290a00795d2da856557df9";
const DUMP_B =
  "f5c3409342031f23216c7561206e616d653d64756d70620a72656469732e72656769737465725f0966756e6374696f6e2827601e045f30272c20e00013116b6579732c2061726773292072657475726e600c0e5b315d202e2e2027302720656e6429e017520031e022520031e01d520032e022520032e01d520033e022520033e01d520034e022520034e01d520035e022520035605201290a0a002c4c9dd46e15fa5e";
const DUMP_BOTH = DUMP_A.slice(0, -20) + DUMP_B.slice(0, -20) + "0a0023bf2fd6958cc4d7";
const DUMP_NONE = "0a005d9b5c400f7fa2da";
/** DUMP of a string key: a sound payload that holds no library. */
const DUMP_STRING_KEY = "0001760a009108ceb219388ace";

const libraryNames = async (r: (...a: string[]) => Promise<unknown>) =>
  ((await r("FUNCTION", "LIST")) as unknown[][]).map((lib) => lib[1]).sort();

export const functionCases = defineCases("functions", [
  {
    name: "FUNCTION DUMP gives Redis's bytes: RDB function opcode, LZF-compressed code, version, CRC-64",
    async run({ r, rb }) {
      expect(await r("FUNCTION", "FLUSH")).toEqual("OK");
      expect(hex(await rb("FUNCTION", "DUMP"))).toBe(DUMP_NONE);
      expect(await r("FUNCTION", "LOAD", LIB_A)).toEqual("dumpa");
      expect(hex(await rb("FUNCTION", "DUMP"))).toBe(DUMP_A);
      expect(await r("FUNCTION", "FLUSH")).toEqual("OK");
      expect(await r("FUNCTION", "LOAD", LIB_B)).toEqual("dumpb");
      expect(hex(await rb("FUNCTION", "DUMP"))).toBe(DUMP_B);
      expect(await r("FUNCTION", "DUMP", "x")).toEqual(error("ERR wrong number of arguments for 'function|dump' command"));
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "FUNCTION RESTORE of redis-server's payload, then DUMP, FLUSH and RESTORE round trip",
    async run({ r, rb, key }) {
      await r("FUNCTION", "FLUSH");
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH))).toEqual("OK");
      expect(await libraryNames(r)).toEqual(["dumpa", "dumpb"]);
      expect(await r("FUNCTION", "LIST", "LIBRARYNAME", "dumpa", "WITHCODE")).toEqual([
        ["library_name", "dumpa", "engine", "LUA", "functions", [["name", "dumpa_get", "description", null, "flags", []]], "library_code", LIB_A],
      ]);
      expect(await r("FCALL", "dumpb_5", 0, "x")).toEqual("x5");
      await r("SET", key(), "v");
      expect(await r("FCALL", "dumpa_get", 1, key())).toEqual("v");
      const dump = await rb("FUNCTION", "DUMP");
      expect(await r("FUNCTION", "FLUSH")).toEqual("OK");
      expect(await r("FCALL", "dumpa_get", 1, key())).toEqual(error("ERR Function not found"));
      expect(await rb("FUNCTION", "RESTORE", dump as Uint8Array)).toEqual("OK");
      expect(await libraryNames(r)).toEqual(["dumpa", "dumpb"]);
      expect(await r("FCALL", "dumpb_0", 0, "y")).toEqual("y0");
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "FUNCTION RESTORE policies: APPEND refuses an existing library, REPLACE replaces, FLUSH drops the rest",
    async run({ r, rb }) {
      await r("FUNCTION", "FLUSH");
      expect(await r("FUNCTION", "LOAD", LIB_A)).toEqual("dumpa");
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH))).toEqual(error("ERR Library dumpa already exists"));
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH), "APPEND")).toEqual(error("ERR Library dumpa already exists"));
      expect(await libraryNames(r)).toEqual(["dumpa"]);
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_B), "append")).toEqual("OK");
      expect(await libraryNames(r)).toEqual(["dumpa", "dumpb"]);
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH), "REPLACE")).toEqual("OK");
      expect(await libraryNames(r)).toEqual(["dumpa", "dumpb"]);
      expect(await r("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('other_f', function() return 1 end)")).toEqual("other");
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_A), "FLUSH")).toEqual("OK");
      expect(await libraryNames(r)).toEqual(["dumpa"]);
      // A restored function whose name another library holds (in any case) is refused, and nothing changes.
      expect(await r("FUNCTION", "FLUSH")).toEqual("OK");
      expect(await r("FUNCTION", "LOAD", "#!lua name=clash\nredis.register_function('DUMPB_3', function() return 1 end)")).toEqual("clash");
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH))).toEqual(error("ERR Function dumpb_3 already exists"));
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_BOTH), "REPLACE")).toEqual(error("ERR Function dumpb_3 already exists"));
      expect(await libraryNames(r)).toEqual(["clash"]);
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "FUNCTION RESTORE refuses bad payloads and arguments with Redis's texts",
    async run({ r, rb }) {
      await r("FUNCTION", "FLUSH");
      const wrong = error("ERR DUMP payload version or checksum are wrong");
      expect(await r("FUNCTION", "RESTORE", "foo")).toEqual(wrong);
      const flipped = unhex(DUMP_A);
      flipped[30]! ^= 1;
      expect(await rb("FUNCTION", "RESTORE", flipped)).toEqual(wrong);
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_STRING_KEY))).toEqual(error("ERR given type is not a function"));
      expect(await r("FUNCTION", "RESTORE", "foo", "bar")).toEqual(error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."));
      expect(await r("FUNCTION", "RESTORE", "foo", "bar", "baz")).toEqual(
        error("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP."),
      );
      expect(await rb("FUNCTION", "RESTORE", unhex(DUMP_NONE))).toEqual("OK");
      expect(await r("FUNCTION", "LIST")).toEqual([]);
    },
  },
  {
    name: "FUNCTION STATS counts libraries and functions; FUNCTION KILL has nothing to kill",
    async run({ r }) {
      await r("FUNCTION", "FLUSH");
      expect(await r("FUNCTION", "STATS")).toEqual(["running_script", null, "engines", ["LUA", ["libraries_count", 0, "functions_count", 0]]]);
      await r("FUNCTION", "LOAD", LIB_A);
      await r("FUNCTION", "LOAD", LIB_B);
      expect(await r("FUNCTION", "STATS")).toEqual(["running_script", null, "engines", ["LUA", ["libraries_count", 2, "functions_count", 7]]]);
      expect(await r("FUNCTION", "KILL")).toEqual(error("NOTBUSY No scripts in execution right now."));
      expect(await r("FUNCTION", "STATS", "x")).toEqual(error("ERR wrong number of arguments for 'function|stats' command"));
      expect(await r("FUNCTION", "KILL", "x")).toEqual(error("ERR wrong number of arguments for 'function|kill' command"));
      expect(await r("FUNCTION", "FLUSH", "x")).toEqual(error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
      expect(await r("FUNCTION", "FLUSH", "sync", "x")).toEqual(error("ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP."));
      expect(await r("FUNCTION", "FLUSH", "SYNC")).toEqual("OK");
    },
  },
  {
    name: "COMMAND INFO of FUNCTION DUMP, RESTORE, STATS and KILL: Redis's arity and flags",
    async run({ r }) {
      const infos = (await r("COMMAND", "INFO", "function|dump", "function|restore", "function|stats", "function|kill")) as Value[][];
      expect(infos.map((info) => info.slice(0, 6))).toEqual([
        ["function|dump", 2, ["noscript"], 0, 0, 0],
        ["function|restore", -3, ["write", "denyoom", "noscript"], 0, 0, 0],
        ["function|stats", 2, ["noscript", "allow_busy"], 0, 0, 0],
        ["function|kill", 2, ["noscript", "allow_busy"], 0, 0, 0],
      ]);
    },
  },
  {
    name: "library metadata: engine and name= in any case, quotes; Redis's errors",
    async run({ r }) {
      await r("FUNCTION", "FLUSH");
      const body = (f: string) => `\nredis.register_function('${f}', function() return '${f}' end)`;
      expect(await r("FUNCTION", "LOAD", `#!LUA name=up${body("f_up")}`)).toEqual("up");
      expect(await r("FUNCTION", "LOAD", `#!Lua NAME=up2${body("f_up2")}`)).toEqual("up2");
      expect(await r("FUNCTION", "LOAD", `#!lua\tname="up3"${body("f_up3")}`)).toEqual("up3");
      expect(await r("FCALL", "f_up2", 0)).toEqual("f_up2");
      const badName = error("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
      expect(await r("FUNCTION", "LOAD", `#!lua name=${body("x")}`)).toEqual(badName);
      expect(await r("FUNCTION", "LOAD", `#!lua name=a-b${body("x")}`)).toEqual(badName);
      expect(await r("FUNCTION", "LOAD", `#!lua name=x name=y${body("x")}`)).toEqual(error("ERR Invalid metadata value, name argument was given multiple times"));
      expect(await r("FUNCTION", "LOAD", "#!lua name=x")).toEqual(error("ERR Invalid library metadata"));
      expect(await r("FUNCTION", "LOAD", `#!lua name="x${body("x")}`)).toEqual(error("ERR Invalid library metadata"));
      expect(await r("FUNCTION", "LOAD", `#!js name=x${body("x")}`)).toEqual(error("ERR Engine 'js' not found"));
      expect(await r("FUNCTION", "LOAD", `#! name=x${body("x")}`)).toEqual(error("ERR Engine '' not found"));
      expect(await r("FUNCTION", "LOAD", `#!lua name=fnbad\nredis.register_function('a-b', function() end)`)).toEqual(
        error("ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"),
      );
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "FUNCTION LOAD options and FUNCTION LIST arguments as Redis parses them",
    async run({ r }) {
      await r("FUNCTION", "FLUSH");
      const lib = "#!lua name=Listed\nredis.register_function('listed_f', function() return 1 end)";
      expect(await r("FUNCTION", "LOAD", "foo", "bar", lib)).toEqual(error("ERR Unknown option given: foo"));
      expect(await r("FUNCTION", "LOAD", "replace", "REPLACE", lib)).toEqual("Listed");
      expect(await r("FUNCTION", "LOAD", "REPLACE")).toEqual(error("ERR Missing library metadata"));
      expect(await r("FUNCTION", "LIST", "bad_argument")).toEqual(error("ERR Unknown argument bad_argument"));
      expect(await r("FUNCTION", "LIST", "libraryname")).toEqual(error("ERR library name argument was not given"));
      expect(await r("FUNCTION", "LIST", "withcode", "withcode")).toEqual(error("ERR Unknown argument withcode"));
      expect(await r("FUNCTION", "LIST", "withcode", "libraryname", "foo", "libraryname", "foo")).toEqual(error("ERR Unknown argument libraryname"));
      const entry = ["library_name", "Listed", "engine", "LUA", "functions", [["name", "listed_f", "description", null, "flags", []]]];
      expect(await r("FUNCTION", "LIST", "LIBRARYNAME", "list*")).toEqual([entry]);
      expect(await r("FUNCTION", "LIST", "libraryname", "L?STED", "withcode")).toEqual([[...entry, "library_code", lib]]);
      expect(await r("FUNCTION", "LIST", "LIBRARYNAME", "other*")).toEqual([]);
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "function names are found and collide without regard to case; register_function flags",
    async run({ r }) {
      await r("FUNCTION", "FLUSH");
      expect(await r("FUNCTION", "LOAD", "#!lua name=cased\nredis.register_function('MyFn', function() return 'mine' end)")).toEqual("cased");
      expect(await r("FCALL", "myfn", 0)).toEqual("mine");
      expect(await r("FCALL", "MYFN", 0)).toEqual("mine");
      expect(await r("FUNCTION", "LOAD", "#!lua name=cased2\nredis.register_function('myfn', function() return 1 end)")).toEqual(error("ERR Function myfn already exists"));
      const flagged = (flags: string) => `#!lua name=flagged\nredis.register_function{function_name='ro_fn', callback=function() return 1 end, flags=${flags}}`;
      expect(await r("FUNCTION", "LOAD", flagged("{'bogus'}"))).toEqual(error("ERR Error registering functions: ERR unknown flag given"));
      expect(await r("FUNCTION", "LOAD", flagged("'no-writes'"))).toEqual(
        error("ERR Error registering functions: ERR flags argument to redis.register_function must be a table representing function flags"),
      );
      expect(await r("FUNCTION", "LOAD", flagged("{'ALLOW-OOM', 'No-Writes', 'no-writes'}"))).toEqual("flagged");
      expect(await r("FUNCTION", "LIST", "LIBRARYNAME", "flagged")).toEqual([
        ["library_name", "flagged", "engine", "LUA", "functions", [["name", "ro_fn", "description", null, "flags", ["no-writes", "allow-oom"]]]],
      ]);
      expect(await r("FCALL_RO", "RO_FN", 0)).toEqual(1);
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "FCALL_RO refuses a function without no-writes even when it only reads",
    async run({ r, key }) {
      await r("FUNCTION", "FLUSH");
      await r("FUNCTION", "LOAD", "#!lua name=reader\nredis.register_function('only_reads', function(keys) return redis.call('GET', keys[1]) end)");
      await r("SET", key(), "v");
      expect(await r("FCALL", "only_reads", 1, key())).toEqual("v");
      expect(await r("FCALL_RO", "only_reads", 1, key())).toEqual(error("ERR Can not execute a script with write flag using *_ro command."));
      await r("FUNCTION", "FLUSH");
    },
  },
  {
    name: "EVAL's shebang is split as Redis splits it; its engine name is case-sensitive",
    async run({ r }) {
      expect(await r("EVAL", "#!lua", 0)).toEqual(error("ERR Invalid script shebang"));
      expect(await r("EVAL", "#!LUA\nreturn 1", 0)).toEqual(error("ERR Unexpected engine in script shebang: #!LUA"));
      expect(await r("EVAL", '#!lua flags="no-writes"\nreturn 1', 0)).toEqual(1);
      expect(await r("EVAL", "#!lua\tflags=no-writes\nreturn 1", 0)).toEqual(1);
      expect(await r("EVAL", '#!lua flags="no-writes\nreturn 1', 0)).toEqual(error("ERR Invalid engine in script shebang"));
      expect(await r("EVAL", "#!lua flags=\nreturn 2", 0)).toEqual(2);
      expect(await r("EVAL", "#!lua flags=no-writes,\nreturn 1", 0)).toEqual(error("ERR Unexpected flag in script shebang: "));
    },
  },
]);
