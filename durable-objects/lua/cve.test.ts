/**
 * One test per Redis Lua CVE of 2024–2025, each saying whether it applies to this engine (a
 * Lua 5.1 interpreter in TypeScript over luaparse: no C, no manual memory, no Lua stack to
 * overflow) and checking the behaviour Redis has since its fix. Expected texts are what a
 * patched redis-server answers.
 *
 * Redis's other CVEs of the period do not involve Lua: CVE-2024-31227 (ACL selectors),
 * CVE-2024-31228 (unbounded pattern matching in KEYS/SCAN/ACL), CVE-2024-51741 (ACL),
 * CVE-2025-21605 (output buffer of unauthenticated clients), CVE-2025-27151
 * (redis-check-aof), CVE-2025-32023 (HyperLogLog), CVE-2025-48367 (connection handling).
 */
import { describe, expect, it } from "vitest";
import { ScriptHost } from "../scripting/host";
import { LuaError, LuaSyntaxError, arrayTable, fromUtf8, tostringRaw, type LuaValue } from "./index";

const host = new ScriptHost();

function run(src: string): LuaValue[] {
  host.lua.setGlobal("KEYS", arrayTable([]));
  host.lua.setGlobal("ARGV", arrayTable([]));
  return host.lua.run(host.lua.compile(fromUtf8(src)), []);
}

function failure(src: string): string {
  try {
    run(src);
  } catch (e) {
    if (e instanceof LuaError) return tostringRaw(e.value);
    throw e;
  }
  return "no error";
}

describe("Redis Lua CVEs of 2024–2025", () => {
  it("CVE-2024-31449 (bit.tohex stack overflow with INT_MIN digits): applies in behaviour — same answer, no overflow", () => {
    // In C, negating INT_MIN digits overflowed and wrote past a stack buffer. Here the count
    // is a double, clamped to 8 digits as the fix does.
    expect(run("return bit.tohex(65535, -2147483648)")).toEqual(["0000FFFF"]);
    expect(run("return bit.tohex(65535, 2147483647), bit.tohex(-1, -8), bit.tohex(1, 0)")).toEqual(["0000ffff", "FFFFFFFF", ""]);
  });

  it("CVE-2024-46981 (garbage collector misuse across SCRIPT FLUSH): does not apply — the JS collector owns every value", () => {
    // Redis's fix ran a full collection before closing the Lua state on SCRIPT FLUSH. Here
    // collectgarbage does nothing, no value has a __gc, and forgetting the compiled scripts
    // (what SCRIPT FLUSH does to a shard's engine) leaves later scripts working.
    expect(run("local t = setmetatable({}, {__gc = function() error('never') end}) t = nil return collectgarbage('collect'), collectgarbage('count')")).toEqual([0, 0]);
    host.compile("return 1"); // compiled, then dropped as SCRIPT FLUSH drops a shard's compiled scripts
    expect(run("local t = {} for i = 1, 1000 do t[i] = {i} end collectgarbage() return #t")).toEqual([1000]);
  });

  it("CVE-2025-49844 (use-after-free in the parser under GC pressure): does not apply — parsing is luaparse's, and its cost is counted", () => {
    // The exploit forced a collection while loadstring parsed a chunk whose name string
    // the collector freed. Here the chunk name and source are JS strings held by the call;
    // loadstring is charged a step per byte and its syntax tree against the allocation, so
    // the memory pressure the exploit needs cannot be built either.
    const r = run(`
      local fs = {}
      for i = 1, 50 do
        local junk = string.rep('x', 10000) .. i
        collectgarbage('collect')
        fs[i] = loadstring('return ' .. i, string.rep('n', 1000) .. i)
      end
      local s = 0 for i = 1, 50 do s = s + fs[i]() end return s`);
    expect(r).toEqual([1275]);
    expect(failure("return loadstring(string.rep('local a = 1 ', 400000))")).toBe("not enough memory");
  });

  it("CVE-2025-46817 (unpack's count overflowing an int): applies in behaviour — too many results, never a wrapped count", () => {
    expect(failure("return {unpack({1,2,3}, -2, 2147483647)}")).toBe("user_script:1: too many results to unpack");
    expect(failure("return {unpack({1,2,3}, 0, 2147483647)}")).toBe("user_script:1: too many results to unpack");
    expect(failure("return {unpack({1,2,3}, -2147483648, -2)}")).toBe("user_script:1: too many results to unpack");
    expect(failure("return {unpack({1,2,3}, -2147483648, 2147483647)}")).toBe("user_script:1: too many results to unpack");
    expect(run("return select('#', unpack({}, 2147483647, 2147483647)), select('#', unpack({1,2,3}, 2, 1))")).toEqual([1, 0]);
  });

  it("CVE-2025-46818 (scripts changing the metatables of basic types, run later as another user): applied — they are read-only", () => {
    // Redis's test: either getmetatable() of a basic type is nil, or its metatable is read-only.
    const basic = ["nil", "''", "123.222", "true", "function() return 1 end"];
    for (const v of basic) {
      const e = failure(`getmetatable(${v}).__index = function() return 1 end`);
      expect(e, v).toMatch(/attempt to index a nil value|Attempt to modify a readonly table/);
    }
    expect(failure("getmetatable('').__index = function() return 1 end")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(failure("getmetatable('').__concat = function() return 1 end")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(failure("getmetatable(_G).__index = function() return 1 end")).toBe("user_script:1: Attempt to modify a readonly table");
    // durable-objects/lua/sandbox.test.ts walks every shared table the same way.
  });

  it("CVE-2025-46819 (the lexer reading past a malformed long string): does not apply — luaparse works on bounds-checked JS strings", () => {
    const load = (src: string) => run(`local f, e = loadstring(${JSON.stringify(src)}) if f then return 'ok', f() end return e`);
    expect(load("return [==[ab]=]")).toEqual(['[string "return [==[ab]=]"]:1: unfinished long string near \'<eof>\'']);
    expect(load("--[==[ comment")).toEqual(['[string "--[==[ comment"]:1: unfinished long comment near \'<eof>\'']);
    expect(load("return [[a")).toEqual(['[string "return [[a"]:1: unfinished long string near \'<eof>\'']);
    expect(load("return [=[]=]..[[]]")).toEqual(["ok", ""]);
    expect(load("return 1 --[[ x ]=] ]]")).toEqual(["ok", 1]);
    // An invalid delimiter is a syntax error too (luaparse words it differently from llex.c).
    expect(load("return [=")[0]).toMatch(/^\[string "return \[="\]:1: /);
    expect(() => host.lua.compile("return [==")).toThrow(LuaSyntaxError);
    expect(() => host.lua.compile("return '" + "\\".repeat(10001))).toThrow(LuaSyntaxError);
  });
});
