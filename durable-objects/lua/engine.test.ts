/**
 * The Lua engine against answers recorded from a real redis-server 7.0 (fixtures/redis-7.0.json:
 * each snippet ran there inside pcall, its results joined with "|"), plus the sandbox rules
 * (budget, globals, byte strings) that need no server.
 */
import { describe, expect, it } from "vitest";
import { ScriptHost } from "../scripting/host";
import { sha1hex } from "../scripting/sha1";
import fixture from "./fixtures/redis-7.0.json";
import { LuaBudgetError, LuaEngine, arrayTable, LuaError, LuaSyntaxError, fromUtf8, toUtf8, tostringRaw, type LuaValue } from "./index";

const host = new ScriptHost();

function run(src: string, budget?: number): LuaValue[] {
  host.lua.setGlobal("KEYS", arrayTable([]));
  host.lua.setGlobal("ARGV", arrayTable([]));
  return host.lua.run(host.lua.compile(fromUtf8(src)), [], budget);
}

function recorded(snippet: string): string {
  const code = `local r = {pcall(function() ${snippet} end)} local o = {} for i = 1, table.maxn(r) do o[#o+1] = tostring(r[i]) end return table.concat(o, "|")`;
  return toUtf8(tostringRaw(run(code)[0]));
}

describe("snippets answer as redis-server 7.0 does", () => {
  for (const [snippet, expected] of fixture as [string, string][]) {
    it(snippet.slice(0, 110), () => {
      expect(recorded(snippet)).toBe(expected);
    });
  }
});

describe("sandbox", () => {
  it("stops a runaway loop with the budget error, which pcall cannot catch", () => {
    expect(() => run("while true do end", 10_000)).toThrow(LuaBudgetError);
    expect(() => run("pcall(function() while true do end end)", 10_000)).toThrow(LuaBudgetError);
    expect(() => run("local function f() return f() end f()", 10_000)).toThrow(LuaError);
    expect(run("local s = 0 for i = 1, 1000 do s = s + i end return s", 10_000)).toEqual([500500]);
  });

  it("caps what a script keeps in tables: new slots and big stored strings", () => {
    expect(() => run("local t = {} while true do t[#t + 1] = true end")).toThrow(/not enough memory/);
    expect(() => run("local t = {} for i = 1, 100 do t[i] = string.rep('x', 1024 * 1024) end")).toThrow(/not enough memory/);
    expect(run("local t = {} for i = 1, 100000 do t[i] = i end return #t")).toEqual([100000]);
    expect(() => run("return string.rep('x', 100 * 1024 * 1024)")).toThrow(/not enough memory/);
    const [ok, e] = run("local ok, e = pcall(function() local t = {} while true do t[#t + 1] = 1 end end) return ok, e");
    expect(ok).toBe(false);
    expect(e).toMatch(/not enough memory/);
  });

  it("charges pattern matching to the budget, so a pathological pattern is stopped", () => {
    expect(() => run("return string.find(string.rep('a', 3000), '.-.-.-.-.-.-b')", 1_000_000)).toThrow(LuaBudgetError);
    expect(run("return string.find(string.rep('a', 30) .. 'b', '.-.-b')", 1_000_000)).toEqual([1, 31]);
  });

  it("refuses a chunk nested too deep to compile with a syntax error, not a crash", () => {
    const deep = "return " + "(".repeat(20000) + "1" + ")".repeat(20000);
    expect(() => new LuaEngine().compile(deep)).toThrow(LuaSyntaxError);
  });

  it("counts recursion as calls and reports stack overflow as a Lua error", () => {
    expect(run("local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(100)")).toEqual([100]);
    const r = run("local function f(n) return 1 + f(n + 1) end return pcall(f, 1)");
    expect(r[0]).toBe(false);
    expect(String(r[1])).toMatch(/stack overflow/);
  });

  it("keeps strings as exact bytes, \\0 included", () => {
    expect(run('return #"\\0a\\0", ("\\255"):byte(), #"é"')).toEqual([3, 255, 2]);
    expect(run('return "a\\0b" == "a\\0c", "a\\0b" < "a\\0c"')).toEqual([false, true]);
  });

  it("refuses globals and library changes, allows locals", () => {
    expect(() => run("x = 1")).toThrow(LuaError);
    expect(() => run("table.insert = nil")).toThrow(LuaError);
    expect(() => run("return undefined_name")).toThrow(/nonexistent global variable 'undefined_name'/);
    expect(run("local x = 1 x = x + 1 return x")).toEqual([2]);
  });

  it("evaluates a local's initializers before the new locals exist (answers of redis-server 7.0.15)", () => {
    expect(run("local x = 1 do local x = x + 1 return x end")).toEqual([2]);
    expect(run("local x = 5 local x = x return x")).toEqual([5]);
    expect(run("local x = 5 local x, y = x, x + 1 return x, y")).toEqual([5, 6]);
    expect(run("local t = {} for i = 1, 3 do local i = i * 2 t[#t + 1] = i end return t[1], t[2], t[3]")).toEqual([2, 4, 6]);
    expect(run("local function f() return 3, 4 end local a = f() local b, c = f() local d = (f()) return a, b, c, d")).toEqual([3, 3, 4, 3]);
    expect(run("local function f() end local a = f() local b = ... return a == nil, b == nil")).toEqual([true, true]);
  });

  it("reports syntax errors with Lua's position", () => {
    expect(() => new LuaEngine().compile("x = = 1")).toThrow(LuaSyntaxError);
    expect(() => new LuaEngine().compile("local a =\n\n+")).toThrow(/user_script:3:/);
  });

  it("prints numbers as %.14g and formats with C's rounding", () => {
    expect(run("return tostring(10/2), tostring(1e15), tostring(0.1), tostring(-0), tostring(1/0), tostring(1234567890123.25)")).toEqual([
      "5",
      "1e+15",
      "0.1",
      "-0",
      "inf",
      "1234567890123.2",
    ]);
    expect(run("return string.format('%.2f %.0f %.0f %.1e', 2.675, 0.5, 1.5, 1.25)")).toEqual(["2.67 0 2 1.2e+00"]);
  });

  it("computes SHA-1 of bytes", () => {
    expect(sha1hex(new Uint8Array())).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1hex(new TextEncoder().encode("abc"))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1hex(new Uint8Array(1000).fill(97))).toBe("291e9a6c66994949b57ba5e650361e98fc36b1ba");
  });
});
