/**
 * The Lua sandbox through the Worker: a script sent with the read-only token cannot leave
 * anything behind that a later script runs with more rights, and one script's native work
 * cannot take the shard down.
 */
import { describe, expect, it } from "vitest";
import { call, cmd, freshKey, READONLY_TOKEN } from "./http-helpers";

async function as(token: string | undefined, ...args: (string | number)[]): Promise<{ result?: unknown; error?: string }> {
  const res = await call("/", { body: JSON.stringify(args), token });
  expect(res.status).toBeLessThan(500);
  return res.json();
}

describe("the Lua sandbox over HTTP", () => {
  it("refuses the read-only token's change to the string metatable, so a later EVAL never writes the victim", async () => {
    const victim = freshKey("victim");
    const attack = "getmetatable('').__concat=function(a,b) redis.call('SET',KEYS[1],'x') return 'ok' end return 1";
    const first = await as(READONLY_TOKEN, "EVAL_RO", attack, 1, victim);
    expect(first.error).toMatch(/^ERR user_script:1: Attempt to modify a readonly table script: [0-9a-f]{40}, on @user_script:1\.$/);
    const later = await as(undefined, "EVAL", "return redis.call('GET',KEYS[1]) .. ARGV[1]", 1, victim);
    expect(later.error).toMatch(/attempt to concatenate/);
    expect(await cmd("GET", victim)).toEqual({ result: null });
    expect(await cmd("EXISTS", victim)).toEqual({ result: 0 });
  });

  it("refuses the globals' metatable change and keeps the guard for later scripts", async () => {
    const first = await as(READONLY_TOKEN, "EVAL_RO", "getmetatable(_G).__index=function() return 'planted' end return 1", 0);
    expect(first.error).toMatch(/^ERR user_script:1: Attempt to modify a readonly table script: /);
    const later = await as(undefined, "EVAL", "return planted_name", 0);
    expect(later.error).toMatch(/Script attempted to access nonexistent global variable 'planted_name'/);
  });

  it("stops the gsub that grew the process to 1.6 GB, and the shard keeps serving", async () => {
    const k = freshKey("after-gsub");
    const r = await as(undefined, "EVAL", "local s=string.rep('x',1e6) local r for i=1,2 do r=s:gsub('x',string.rep('y',60)) end return #r", 0);
    expect(r.error).toMatch(/^ERR not enough memory script: [0-9a-f]{40}, on @user_script:1\.$/);
    expect(await cmd("SET", k, "v")).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "v" });
  });

  it("stops the 10 s sha1hex loop: its 60 MB string is refused, and hashing within the cap runs out of budget", async () => {
    const r = await as(READONLY_TOKEN, "EVAL_RO", "local s=string.rep('x',6e7) for i=1,10 do redis.sha1hex(s) end return 1", 0);
    expect(r.error).toMatch(/^ERR not enough memory script: [0-9a-f]{40}, on @user_script:1\.$/);
    const within = await as(READONLY_TOKEN, "EVAL_RO", "local s=string.rep('x',16e6) for i=1,10 do redis.sha1hex(s) end return 1", 0);
    expect(within.error).toBe("BUSY Script exceeded its budget of 50000000 instructions and was stopped; nothing it wrote was kept");
    expect(await cmd("PING")).toEqual({ result: "PONG" });
  });

  it("counts what redis.call answers against the run's memory cap", async () => {
    const k = freshKey("big-reply");
    expect(await cmd("SET", k, "v".repeat(512 * 1024))).toEqual({ result: "OK" });
    const few = await as(undefined, "EVAL", "local n = 0 for i = 1, 20 do n = n + #redis.call('GET', KEYS[1]) end return n", 1, k);
    expect(few).toEqual({ result: 20 * 512 * 1024 });
    // Dropped replies do not add up; 200 kept in a table (100 MiB) reach the cap.
    const dropped = await as(undefined, "EVAL", "for i = 1, 200 do local v = redis.call('GET', KEYS[1]) end return 1", 1, k);
    expect(dropped).toEqual({ result: 1 });
    const many = await as(undefined, "EVAL", "local t = {} for i = 1, 200 do t[i] = redis.call('GET', KEYS[1]) end return 1", 1, k);
    expect(many.error).toMatch(/^ERR not enough memory script: [0-9a-f]{40}, on @user_script:1\.$/);
  });

  it("gives a script's KEYS and ARGV to no later function", async () => {
    const k = freshKey("keys-leak");
    const lib = `leaklib${Date.now().toString(36)}`;
    const code = `#!lua name=${lib}\nredis.register_function('${lib}_f', function(keys, args) return KEYS[1] end)`;
    expect(await cmd("FUNCTION", "LOAD", code)).toEqual({ result: lib });
    expect(await cmd("EVAL", "return KEYS[1]", 1, k)).toEqual({ result: k });
    const later = await cmd("FCALL", `${lib}_f`, 1, k);
    expect(later.error).toMatch(/Script attempted to access nonexistent global variable 'KEYS'/);
    expect(await cmd("FUNCTION", "DELETE", lib)).toEqual({ result: "OK" });
  });
});
