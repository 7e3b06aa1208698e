/**
 * What a shard sends back is bounded (durable-objects/reply-budget.ts, README "Limits"), and no
 * entry ever claims that a committed write failed: an oversized read answers an error entry of
 * its own, every other entry stays truthful.
 */
import { describe, expect, it } from "vitest";
import { call, callWith, cmd, freshKey, keysOnDistinctShards, multiExec, pipeline } from "./http-helpers";

type Entry = { result?: unknown; error?: string };
const MiB = 1024 * 1024;

async function setRaw(key: string, bytes: number, fill = "x"): Promise<void> {
  const res = await call(`/set/${encodeURIComponent(key)}`, { method: "POST", body: fill.repeat(bytes) });
  expect(await res.json()).toEqual({ result: "OK" });
}

describe("a batch's replies never exceed what one RPC holds", () => {
  it("two writes then 40 GETs of a 1 MiB value: the writes answer truthfully, the GETs over the budget answer an error of their own", async () => {
    const tag = freshKey("v");
    const big = `{${tag}}big`;
    await setRaw(big, MiB);
    const cmds = [["SET", `{${tag}}w`, "written"], ["INCR", `{${tag}}ctr`], ...Array.from({ length: 40 }, () => ["GET", big])];
    for (const [name, send] of [["pipeline", pipeline], ["multi-exec", multiExec]] as const) {
      const res = await send(cmds, { base64: true });
      expect(res.status, name).toBe(200);
      const out = (await res.json()) as Entry[];
      expect(out).toHaveLength(42);
      expect(out[0]).toEqual({ result: "OK" });
      expect(out[1]).toEqual({ result: name === "pipeline" ? 1 : 2 });
      const values = out.slice(2).filter((e) => typeof e.result === "string");
      const refused = out.slice(2).filter((e) => e.error !== undefined);
      expect(values.length, name).toBeGreaterThanOrEqual(20);
      expect(values.length + refused.length).toBe(40);
      expect(refused.length).toBeGreaterThan(0);
      for (const e of values) expect((e.result as string).length).toBe(Math.ceil(MiB / 3) * 4);
      for (const e of refused) expect(e.error).toMatch(/^ERR reply of 'get' \(about \d+ bytes\) exceeds the \d+ bytes left of this request's reply budget/);
      expect(JSON.stringify(out)).not.toMatch(/unavailable/);
    }
    expect(await cmd("GET", `{${tag}}w`)).toEqual({ result: "written" });
    expect(await cmd("GET", `{${tag}}ctr`)).toEqual({ result: "2" });
  }, 60_000);

  it("a single command whose reply does not fit answers 400 with the error, and a later small write still answers", async () => {
    const k = freshKey("one");
    await setRaw(k, 5000);
    const small = { MAX_REPLY_BYTES: "2000" };
    const res = await callWith(small, "/", { body: JSON.stringify(["GET", k]) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Entry).error).toMatch(/^ERR reply of 'get'/);
    const w = freshKey("after");
    const pipe = await callWith(small, "/pipeline", { body: JSON.stringify([["GET", k], ["GET", k], ["SET", w, "1"], ["INCR", w]]) });
    const out = (await pipe.json()) as Entry[];
    expect(out[0]!.error).toMatch(/^ERR reply of 'get'/);
    expect(out[1]!.error).toMatch(/^ERR reply of 'get'/);
    expect(out.slice(2)).toEqual([{ result: "OK" }, { result: 2 }]);
  });

  it("a write whose large reply does not fit is rolled back and says so", async () => {
    const k = freshKey("getdel");
    await setRaw(k, 5000);
    const small = { MAX_REPLY_BYTES: "2000" };
    for (const argv of [["GETDEL", k], ["SET", k, "new", "GET"], ["GETEX", k, "EX", "100"]]) {
      const res = await callWith(small, "/pipeline", { body: JSON.stringify([argv, ["STRLEN", k]]) });
      const out = (await res.json()) as Entry[];
      expect(out[0]!.error, argv.join(" ")).toMatch(/^ERR reply of '\w+' .* the command was not applied$/);
      expect(out[1]).toEqual({ result: 5000 });
    }
    expect(await cmd("TTL", k)).toEqual({ result: -1 });
    const tx = await callWith(small, "/multi-exec", { body: JSON.stringify([["GETDEL", k], ["SET", `${k}`, "x", "XX"]]) });
    const entries = (await tx.json()) as Entry[];
    expect(entries[0]!.error).toMatch(/the command was not applied$/);
    expect(entries[1]).toEqual({ result: "OK" });
  });
});

describe("a transaction over several shards", () => {
  it("40 GETs of a 1 MiB value beside a write on another shard: the write stands, the reads over the budget answer errors, no key stays locked", async () => {
    const [w, big] = keysOnDistinctShards("xbig", 2);
    await setRaw(big!, MiB);
    const res = await multiExec([["SET", w!, "written"], ...Array.from({ length: 40 }, () => ["GET", big!])], { base64: true });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Entry[];
    expect(out[0]).toEqual({ result: "OK" });
    const values = out.slice(1).filter((e) => typeof e.result === "string");
    expect(values.length).toBeGreaterThanOrEqual(1);
    expect(out.slice(1 + values.length).every((e) => e.error?.startsWith("ERR reply of 'get'"))).toBe(true);
    expect(await cmd("GET", w!)).toEqual({ result: "written" });
    expect(await cmd("SET", big!, "after")).toEqual({ result: "OK" });
  }, 60_000);
});

describe("one request holds a bounded amount of reply", () => {
  it("GETs over every shard share the request's budget: what comes back stays under it", async () => {
    const value = 4000;
    const keys = Array.from({ length: 64 }, (_, i) => freshKey(`share${i}`));
    const fill = await pipeline(keys.map((k) => ["SET", k, "y".repeat(value)]));
    expect(fill.status).toBe(200);
    const budget = 160_000;
    const res = await callWith({ MAX_REPLY_BYTES: String(budget) }, "/pipeline", { body: JSON.stringify(keys.map((k) => ["GET", k])) });
    const out = (await res.json()) as Entry[];
    const got = out.filter((e) => typeof e.result === "string").length;
    expect(got * value).toBeLessThanOrEqual(budget);
    expect(got).toBeGreaterThan(0);
    expect(out.filter((e) => e.error?.startsWith("ERR reply of 'get'")).length).toBe(64 - got);
  });

  it("3,000 GETs of a 50 KB value answer within the default budget (33 MiB), the rest as error entries", async () => {
    const k = freshKey("many");
    await setRaw(k, 50_000);
    const res = await pipeline(Array.from({ length: 3000 }, () => ["GET", k]), { base64: true });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Entry[];
    expect(out).toHaveLength(3000);
    const got = out.filter((e) => typeof e.result === "string").length;
    expect(got * 50_000).toBeLessThanOrEqual(33 * MiB);
    expect(got).toBeGreaterThan(500);
    expect(out.slice(got).every((e) => e.error?.startsWith("ERR reply of 'get'"))).toBe(true);
  }, 60_000);
});
