/**
 * Native library work on the budget and the per-run allocation cap (docs/lua-engine.md,
 * "Budget"): what a library function does to bytes is charged to the instruction budget, and
 * every string, table and slot a run makes counts against MAX_ALLOC, dropped or kept. Both
 * are deterministic, so these tests assert exact counts instead of times.
 */
import { describe, expect, it } from "vitest";
import { ScriptHost } from "../scripting/host";
import {
  BYTES_PER_STEP,
  DEFAULT_BUDGET,
  LuaBudgetError,
  LuaError,
  MAX_ALLOC,
  LOCAL_BYTES,
  MAX_STRING,
  SLOT_BYTES,
  TABLE_BYTES,
  arrayTable,
  fromUtf8,
  tostringRaw,
  type LuaValue,
} from "./index";

const host = new ScriptHost();

function run(src: string, budget = DEFAULT_BUDGET): LuaValue[] {
  host.lua.setGlobal("KEYS", arrayTable([]));
  host.lua.setGlobal("ARGV", arrayTable([]));
  return host.lua.run(host.lua.compile(fromUtf8(src)), [], budget);
}

/** Instructions a run used (or, past the budget, how far past). */
function used(src: string, budget = DEFAULT_BUDGET): number {
  try {
    run(src, budget);
  } catch (e) {
    if (!(e instanceof LuaBudgetError)) throw e;
  }
  return budget - host.lua.rt.steps;
}

function failure(src: string): unknown {
  try {
    run(src);
  } catch (e) {
    return e instanceof LuaError ? tostringRaw(e.value) : e;
  }
  return "no error";
}

const MiB = 1024 * 1024;

describe("the reproductions of the report end with a clear error", () => {
  it("gsub growing a 60 MB result: not enough memory, before the result exists", () => {
    const src = "local s=string.rep('x',1e6) local r for i=1,2 do r=s:gsub('x',string.rep('y',60)) end return #r";
    expect(failure(src)).toBe("not enough memory");
    // The first result stopped at the size cap: it matched about MAX_STRING / 60 times,
    // not the million times it would have.
    const matches = run(
      "local s=string.rep('x',1e6) local n = 0 local ok, e = pcall(function() return s:gsub('x', function() n = n + 1 return string.rep('y', 60) end) end) return n, e",
    );
    expect(matches[1]).toBe("not enough memory");
    // The result is counted every 64 KiB it grows, i.e. every 1093 replacements of 60 bytes;
    // the first count past MAX_STRING stops it.
    const perCount = Math.ceil(65536 / 60);
    expect(matches[0]).toBe((Math.floor(MAX_STRING / (perCount * 60)) + 1) * perCount);
  });

  it("sha1hex of a 60 MB string ten times: the string itself is refused", () => {
    expect(failure("local s=string.rep('x',6e7) for i=1,10 do redis.sha1hex(s) end return 1")).toBe("not enough memory");
  });

  it("sha1hex within the size cap is charged a step per byte before it hashes, so the fourth 16 MB hash never runs", () => {
    const n = 16e6;
    // 1 (chunk) + 1 + n/16 (rep) + per hash: 1 (loop) + 1 (call) + n (bytes); three fit in
    // 50M, the fourth's charge takes the count below zero before hashing.
    const expected = 1 + 1 + n / BYTES_PER_STEP + 4 * (1 + 1 + n);
    expect(used(`local s=string.rep('x',${n}) for i=1,10 do redis.sha1hex(s) end return 1`)).toBe(expected);
    expect(DEFAULT_BUDGET - expected).toBe(-15_000_010);
  });
});

describe("native work is charged by the bytes it processes", () => {
  const base = "local s = string.rep('x', 1048576) ";
  const baseline = used(base + "return 1");

  it("copies, case mapping, reverse and concatenation: a step per 16 bytes made", () => {
    const steps = MiB / BYTES_PER_STEP;
    for (const op of ["s:upper()", "s:lower()", "s:reverse()", "s:sub(1)", "string.format('%s', s)", "s:rep(1)"]) {
      expect(used(base + `local r = ${op} return 1`) - baseline, op).toBe(1 + steps);
    }
    expect(used(base + "local r = s .. s return 1") - baseline).toBe(2 * steps);
    expect(used(base + "local r = table.concat({s, s}) return 1") - baseline).toBe(1 + 2 + (2 * MiB) / BYTES_PER_STEP);
  });

  it("a plain find: the bytes it scanned", () => {
    expect(used(base + "local r = s:find('y', 1, true) return 1") - baseline).toBe(1 + steps(MiB));
    expect(used(base + "local r = s:find('x', 1, true) return 1") - baseline).toBe(1);
  });

  it("pattern matching: every matcher step, and the bytes a back-reference compares", () => {
    expect(used(base + "local r = s:match('^x*$') return 1") - baseline).toBeGreaterThan(MiB / BYTES_PER_STEP);
    expect(() => run("return string.find(string.rep('a', 1e5), '(.*)%1b')")).toThrow(LuaBudgetError);
  });

  it("cjson, cmsgpack and struct: the bytes encoded and decoded", () => {
    const json = used(base + "local r = cjson.encode(s) return 1") - baseline;
    expect(json).toBeGreaterThanOrEqual(1 + MiB / BYTES_PER_STEP);
    expect(used(base + "local r = cjson.decode(cjson.encode(s)) return 1") - baseline - json).toBeGreaterThanOrEqual(1 + MiB);
    expect(used(base + "local r = cmsgpack.unpack(cmsgpack.pack(s)) return 1") - baseline).toBeGreaterThanOrEqual(MiB / 2);
    // struct copies and scans: a step per 16 bytes packed, scanned and unpacked.
    expect(used(base + "local r = struct.unpack('s', struct.pack('s', s)) return 1") - baseline).toBeGreaterThanOrEqual((3 * MiB) / BYTES_PER_STEP);
  });

  it("loadstring: a step per byte of source, and its syntax tree against the allocation", () => {
    expect(used("local f = loadstring(string.rep(' ', 100000) .. 'return 1') return 1") - used("return 1")).toBeGreaterThanOrEqual(100_000);
    expect(failure("return loadstring(string.rep('x=1 ', 1048576))")).toBe("not enough memory");
  });

  it("an escaped string costs a step per byte its escapes add", () => {
    const plain = used("local r = cjson.encode(string.rep('a', 65536)) return 1");
    const escaped = used("local r = cjson.encode(string.rep('\\1', 65536)) return 1");
    expect(escaped - plain).toBe(5 * 65536 + (5 * 65536) / BYTES_PER_STEP);
  });
});

function steps(bytes: number): number {
  return Math.floor(bytes / BYTES_PER_STEP);
}

describe("the memory cap counts what a run holds, not all it ever made", () => {
  it("a 1 MiB string made and dropped in a loop does not count forever", () => {
    const r = run("local n = 0 local ok, e = pcall(function() for i = 1, 100 do local s = string.rep('x', 1048576) n = i end end) return n, e");
    expect(r).toEqual([100, undefined]);
  });

  it("a string grown by concatenation counts what it holds; its copying is charged to the budget", () => {
    // 30 KB from 10-byte pieces, at the top and in a function (cumulatively 45 MB of copies).
    expect(run("local s = '' for i = 1, 3000 do s = s .. 'abcdefghij' end return #s")).toEqual([30_000]);
    expect(run("local function f() local s = '' for i = 1, 3000 do s = s .. 'abcdefghij' end return s end return #f()")).toEqual([30_000]);
    // 1 MB from 100-byte pieces copies sum(100·i) = 5·10^9 bytes: 312.5M steps at a step
    // per 16 bytes, beyond the default 50M budget (which stops it near 400 KB: BUSY), never
    // beyond the memory cap.
    const build = "local s = '' for i = 1, 10000 do s = s .. ('x'):rep(100) end return #s";
    expect(() => run(build)).toThrow(LuaBudgetError);
    expect(run(build, 400_000_000)).toEqual([1_000_000]);
    expect(run("local t = {} for i = 1, 100000 do t[i] = ('x'):rep(10) end return #table.concat(t)")).toEqual([1_000_000]);
  });

  const big = "local big = string.rep('x', 4 * 1048576) ";

  it("many big strings kept in distinct locals reach the cap; one local overwritten does not", () => {
    const locals = Array.from({ length: 20 }, (_, i) => `local a${i} = big .. ${i}`).join(" ");
    expect(failure(big + locals + " return 1")).toBe("not enough memory");
    expect(run(big + "local a for i = 1, 20 do a = big .. i end return #a")).toEqual([4 * MiB + 2]);
  });

  it("big strings kept by the stack: locals of active calls, varargs, operands waiting on a call", () => {
    expect(failure(big + "local function f(n) local s = big .. n if n > 0 then f(n - 1) end return #s end return f(20)")).toBe("not enough memory");
    expect(failure(big + "local function f(n, ...) if n == 0 then return select('#', ...) end return f(n - 1, big .. n, ...) end return f(20)")).toBe("not enough memory");
    expect(failure(big + "local function f(n) if n == 0 then return 0 end return select(2, big .. n, f(n - 1)) end return f(20)")).toBe("not enough memory");
    // The same depth holding nothing big runs.
    expect(run(big + "local function f(n) local s = #(big .. n) if n > 0 then f(n - 1) end return s end return f(20)")).toEqual([4 * MiB + 2]);
  });

  it("big strings kept by closures: an upvalue chain reaches the cap", () => {
    const chain = "local function mk(n, prev) local s = big .. n return function() return s, prev end end local f for i = 1, 20 do f = mk(i, f) end return 1";
    expect(failure(big + chain)).toBe("not enough memory");
    // A substring is a string of its own, not a view keeping a dropped longer string.
    expect(run(big + "local t = {} for i = 1, 40 do t[i] = (big .. i):sub(1, 40) end return #t[40]")).toEqual([40]);
    // A string iterator keeps its subject.
    expect(failure(big + "local t = {} for i = 1, 20 do t[i] = (big .. i):gmatch('x') end return 1")).toBe("not enough memory");
  });

  it("big strings stored in tables count for the rest of the run, even when the table is dropped", () => {
    // A table's lifetime cannot be observed (other tables, closures, metatables may reach it),
    // so what it stored counts until the run ends: rebuilding one in a loop reaches the cap.
    expect(failure(big + "for i = 1, 20 do local t = {} t[1] = big .. i end return 1")).toBe("not enough memory");
    expect(failure(big + "local t = {} for i = 1, 20 do t[i] = big .. i end return 1")).toBe("not enough memory");
    // The chunk itself overwriting a slot credits the old value.
    expect(run(big + "local t = {} for i = 1, 20 do t[1] = big .. i end return #t[1]")).toEqual([4 * MiB + 2]);
  });

  it("tables and their slots count: a million empty tables cannot be made", () => {
    const r = run("local t, n = {}, 0 local ok, e = pcall(function() for i = 1, 1e7 do t[i] = {} n = i end end) return n, e");
    // The chunk's 4 locals and the function's 1 are counted while they run.
    expect(r).toEqual([Math.floor((MAX_ALLOC - TABLE_BYTES - 5 * LOCAL_BYTES) / (TABLE_BYTES + SLOT_BYTES)), "not enough memory"]);
  });

  it("uses the documented limits", () => {
    expect(MAX_ALLOC).toBe(48 * MiB);
    expect(MAX_STRING).toBe(16 * MiB);
  });

  it("encoders stop at the size cap while building, not after", () => {
    const big = "local s = string.rep('x', 1048576) local t = {} for i = 1, 40 do t[i] = s end ";
    expect(failure(big + "return #cjson.encode(t)")).toBe("not enough memory");
    expect(failure(big + "return #cmsgpack.pack(t)")).toBe("not enough memory");
    expect(failure(big + "return #struct.pack(string.rep('s', 40), unpack(t))")).toBe("not enough memory");
    expect(failure(big + "return #table.concat(t)")).toBe("not enough memory");
    expect(failure("return #string.format('%q', string.rep('\\n', 9 * 1048576))")).toBe("not enough memory");
  });

  it("answers too many results of string.byte as Lua does", () => {
    expect(failure("return string.byte(string.rep('x', 10000), 1, -1)")).toBe("user_script:1: stack overflow (string slice too long)");
    expect(run("return select('#', string.byte(string.rep('x', 8000), 1, -1))")).toEqual([8000]);
  });

  it("leaves ordinary scripts alone", () => {
    expect(run("local t = {} for i = 1, 100000 do t[i] = 'abcdefghij' end return #table.concat(t)")).toEqual([1_000_000]);
    expect(run("local t = {} for i = 1, 100000 do t[i] = i end return #cjson.encode(t)")).toEqual([588_896]);
    expect(run("local s = '' for i = 1, 1000 do s = s .. 'abcdefghij' end return #s")).toEqual([10_000]);
    expect(run("return #string.rep('x', 8 * 1048576)")).toEqual([8 * MiB]);
    expect(run("local s = string.rep('x', 1e6) return #s:gsub('x', 'yy')")).toEqual([2_000_000]);
  });
});
