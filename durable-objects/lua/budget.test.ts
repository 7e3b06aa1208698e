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

describe("every string, table and slot a run makes counts, kept or dropped", () => {
  it("a 1 MiB string made and dropped in a loop counts each time", () => {
    const r = run("local n = 0 local ok, e = pcall(function() for i = 1, 100 do local s = string.rep('x', 1048576) n = i end end) return n, e");
    expect(r).toEqual([MAX_ALLOC / MiB, "not enough memory"]);
  });

  it("a string grown by concatenation counts every intermediate copy, as C Lua makes them", () => {
    const r = run("local n, s = 0, '' local ok, e = pcall(function() for i = 1, 100000 do s = s .. 'abcdefghij' n = i end end) return n, e");
    // Step i makes a string of 10·i bytes: n steps fit while 5·n·(n+1) <= MAX_ALLOC.
    let n = 0;
    while (5 * (n + 1) * (n + 2) <= MAX_ALLOC) n++;
    expect(r).toEqual([n, "not enough memory"]);
  });

  it("tables and their slots count: a million empty tables cannot be made", () => {
    const r = run("local t, n = {}, 0 local ok, e = pcall(function() for i = 1, 1e7 do t[i] = {} n = i end end) return n, e");
    expect(r).toEqual([Math.floor((MAX_ALLOC - TABLE_BYTES) / (TABLE_BYTES + SLOT_BYTES)), "not enough memory"]);
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
