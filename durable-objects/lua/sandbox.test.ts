/**
 * The sandbox's shared objects: every table a script can reach without creating it (the
 * globals, each library table, the string metatable, the globals' metatable, `redis`) is
 * read-only, whichever way a script tries (assignment, rawset, setmetatable), so nothing one
 * script does can change what a later script on the same engine, or a script of another shard,
 * sees. Error texts as redis-server answers them.
 */
import { describe, expect, it } from "vitest";
import { ScriptHost } from "../scripting/host";
import { LuaError, arrayTable, fromUtf8, tostringRaw, type LuaValue } from "./index";

const host = new ScriptHost();

function run(src: string, on = host): LuaValue[] {
  on.lua.setGlobal("KEYS", arrayTable([fromUtf8("k")]));
  on.lua.setGlobal("ARGV", arrayTable([]));
  return on.lua.run(on.lua.compile(fromUtf8(src)), []);
}

function error(src: string, on = host): string {
  try {
    run(src, on);
  } catch (e) {
    if (e instanceof LuaError) return tostringRaw(e.value);
    throw e;
  }
  throw new Error(`no error from: ${src}`);
}

/** Every table reachable from _G and from the string metatable, with a path to name it. */
const WALK = `
  local seen, out = {}, {}
  local function walk(t, path)
    if seen[t] then return end
    seen[t] = true
    out[#out + 1] = path
    local mt = getmetatable(t)
    if type(mt) == 'table' then walk(mt, 'getmetatable(' .. path .. ')') end
    for k, v in pairs(t) do
      if type(v) == 'table' and k ~= 'KEYS' and k ~= 'ARGV' then walk(v, path .. '.' .. tostring(k)) end
    end
  end
  walk(_G, '_G')
  walk(getmetatable(''), "getmetatable('')")
  return out
`;

describe("shared objects are read-only", () => {
  it("the exact attack of the report: the string metatable cannot be changed", () => {
    const attack = "getmetatable('').__concat = function(a, b) redis.call('SET', KEYS[1], 'x') return 'ok' end return 1";
    expect(error(attack)).toBe("user_script:1: Attempt to modify a readonly table");
    expect(run("return 'a' .. 'b'")).toEqual(["ab"]);
    expect(error("getmetatable(_G).__index = function() return 1 end")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(error("return no_such_global")).toMatch(/nonexistent global variable 'no_such_global'/);
  });

  it("covers every table reachable from _G and the string metatable, by every way of writing", () => {
    const paths = run(WALK)[0];
    const list: string[] = [];
    for (let i = 1; ; i++) {
      const p = (paths as { get(i: number): LuaValue }).get(i);
      if (p === undefined) break;
      list.push(p as string);
    }
    // The walk found every library, the metatables and the nested tables there are.
    for (const name of ["_G", "_G.string", "_G.table", "_G.math", "_G.bit", "_G.cjson", "_G.cmsgpack", "_G.struct", "_G.redis", "getmetatable(_G)", "getmetatable('')"]) {
      expect(list).toContain(name);
    }
    for (const path of list) {
      const t = path === "_G" ? "_G" : path.replace(/\.(\w+)/g, "['$1']");
      const tries = [
        `${t}.injected = 1`,
        `${t}['__index'] = 1`,
        `rawset(${t}, 'injected', 1)`,
        `setmetatable(${t}, {})`,
        `for k in pairs(${t}) do ${t}[k] = nil end`,
        `for k, v in pairs(${t}) do rawset(${t}, k, 1) end`,
      ];
      for (const code of tries) {
        const e = error(`${code} return 'not refused'`);
        expect(e, code).toMatch(/Attempt to modify a readonly table|cannot change a protected metatable|table index is nil/);
      }
    }
  });

  it("answers as redis-server: a position for an assignment, none from rawset or setmetatable", () => {
    expect(error("redis.call = 1")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(error("rawset(redis, 'call', 1)")).toBe("Attempt to modify a readonly table");
    expect(error("rawset(getmetatable(''), '__concat', 1)")).toBe("Attempt to modify a readonly table");
    expect(error("setmetatable(_G, {})")).toBe("Attempt to modify a readonly table");
    expect(error("setmetatable(getmetatable(''), {})")).toBe("Attempt to modify a readonly table");
    expect(error("cjson.null = 1")).toBe("user_script:1: Attempt to modify a readonly table");
    expect(run("local ok, e = pcall(setmetatable, string, {}) return e")).toEqual(["Attempt to modify a readonly table"]);
    expect(run("return getmetatable('').__index == string, type(getmetatable(1)), getmetatable(getmetatable(''))")).toEqual([true, "nil", undefined]);
  });

  it("keeps library functions: a replaced redis.call or string.rep is refused and the original still works", () => {
    expect(error("redis.call = function() return 'fake' end")).toMatch(/readonly table/);
    expect(error("string.rep = function() return 'fake' end")).toMatch(/readonly table/);
    expect(error("local s = string s.rep = nil")).toMatch(/readonly table/);
    expect(run("return string.rep('ab', 2), ('x'):rep(3), type(redis.call)")).toEqual(["abab", "xxx", "function"]);
  });

  it("lets nothing leak between successive scripts or between the engines of two shards", () => {
    const other = new ScriptHost();
    const attempts = [
      "x = 1",
      "_G.x = 1",
      "rawset(_G, 'x', 1)",
      "getmetatable(_G).__index = function() return 1 end",
      "getmetatable(_G).__newindex = nil",
      "getmetatable('').__index = {upper = function() return 'pwned' end}",
      "string.upper = function() return 'pwned' end",
      "setmetatable(_G, nil)",
    ];
    const before = run(WALK)[0];
    for (const code of attempts) {
      error(code);
      // The next script sees the same world: no global x, upper unchanged, the guard in place.
      expect(error("return x")).toMatch(/nonexistent global variable 'x'/);
      expect(run("return ('a'):upper(), string.upper('b')")).toEqual(["A", "B"]);
      expect(error("return x", other)).toMatch(/nonexistent global variable 'x'/);
    }
    const after = run(WALK)[0];
    expect((after as { length(): number }).length()).toBe((before as { length(): number }).length());
    // Locals and tables a script makes are its own, and writable.
    expect(run("local t = setmetatable({}, {__index = function(_, k) return k .. '!' end}) t.a = 1 return t.a, t.b")).toEqual([1, "b!"]);
  });

  it("gives KEYS and ARGV to one run only: a later function does not see them", () => {
    expect(run("return KEYS[1]")).toEqual(["k"]);
    const fn = host.lua.compile(fromUtf8("return KEYS"));
    expect(() => host.lua.run(fn, [])).toThrow(/nonexistent global variable 'KEYS'/);
  });

  it("shows KEYS and ARGV among the globals only while they are given, run after run", () => {
    const names = "local o = {} for k in pairs(_G) do o[#o + 1] = k end table.sort(o) return table.concat(o, ',')";
    const during = String(run(names)[0]).split(",");
    expect(during).toContain("KEYS");
    expect(during).toContain("ARGV");
    const bare = host.lua.compile(fromUtf8(names));
    const between = String(host.lua.run(bare, [])[0]).split(",");
    expect(between).toEqual(during.filter((n) => n !== "KEYS" && n !== "ARGV"));
    expect(host.lua.run(host.lua.compile(fromUtf8("return rawget(_G, 'KEYS') == nil, rawget(_G, 'ARGV') == nil")), [])).toEqual([true, true]);
    for (let i = 0; i < 3; i++) {
      host.lua.setGlobal("KEYS", arrayTable([fromUtf8(`k${i}`)]));
      expect(host.lua.run(host.lua.compile(fromUtf8("return KEYS[1], #KEYS")), [])).toEqual([`k${i}`, 1]);
      expect(String(host.lua.run(bare, [])[0]).split(",")).toEqual(between);
    }
  });
});
