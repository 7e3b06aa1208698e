/** `/pipeline` and `/multi-exec` through SELF.fetch, with keys on several shards. */
import { describe, expect, it } from "vitest";
import { b64, cmd, freshKey, keysOnDistinctShards, multiExec, pipeline, READONLY_TOKEN, SHARDS } from "./http-helpers";
import { shardOf } from "../../worker/slot";

type Entry = { result?: unknown; error?: string };

describe("/pipeline", () => {
  it("answers in request order across shards and reads its own writes", async () => {
    const keys = keysOnDistinctShards("pipe", 5);
    expect(new Set(keys.map((k) => shardOf(k, SHARDS))).size).toBe(5);
    const cmds: string[][] = [];
    keys.forEach((k, i) => cmds.push(["SET", k, `v${i}`], ["GET", k]));
    keys.forEach((k, i) => cmds.push(["APPEND", k, `+${i}`]));
    cmds.push(["MGET", ...keys]);
    keys.forEach((k) => cmds.push(["GET", k]));
    const res = await pipeline(cmds);
    expect(res.status).toBe(200);
    const expected: Entry[] = [];
    keys.forEach((_, i) => expected.push({ result: "OK" }, { result: `v${i}` }));
    keys.forEach((_, i) => expected.push({ result: `v${i}+${i}`.length }));
    expected.push({ result: keys.map((_, i) => `v${i}+${i}`) });
    keys.forEach((_, i) => expected.push({ result: `v${i}+${i}` }));
    expect(await res.json()).toEqual(expected);
  });

  it("an error is an entry with only an error key; the other commands run", async () => {
    const [a, b] = keysOnDistinctShards("pipeerr", 2);
    const res = await pipeline([
      ["SET", a!, "1"],
      ["SET", a!, "2", "BOGUS"],
      ["NOPE"],
      ["GET"],
      ["SET", b!, "3"],
      ["GET", a!],
    ]);
    expect(res.status).toBe(200);
    const out = (await res.json()) as Entry[];
    expect(out).toEqual([
      { result: "OK" },
      { error: "ERR syntax error" },
      { error: "ERR unknown command 'NOPE', with args beginning with: " },
      { error: "ERR wrong number of arguments for 'get' command" },
      { result: "OK" },
      { result: "1" },
    ]);
    for (const e of out) expect(Object.keys(e)).toHaveLength(1);
    expect(await cmd("GET", b!)).toEqual({ result: "3" });
  });

  it("a read-only token gets NOPERM entries for writes; reads run", async () => {
    const k = freshKey("piperead");
    await cmd("SET", k, "v");
    const res = await pipeline([["GET", k], ["SET", k, "w"], ["GET", k]], { token: READONLY_TOKEN });
    const out = (await res.json()) as Entry[];
    expect(out[0]).toEqual({ result: "v" });
    expect(out[1]!.error).toMatch(/^NOPERM /);
    expect(out[2]).toEqual({ result: "v" });
  });

  it("encodes each entry with Upstash-Encoding: base64", async () => {
    const k = freshKey("pipeb64");
    const res = await pipeline([["SET", k, "héllo"], ["GET", k], ["STRLEN", k], ["GET", freshKey("x")], ["PING"], ["SET", k]], { base64: true });
    expect(await res.json()).toEqual([
      { result: "OK" },
      { result: b64("héllo") },
      { result: 6 },
      { result: null },
      { result: b64("PONG") },
      { error: "ERR wrong number of arguments for 'set' command" },
    ]);
  });
});

describe("/multi-exec", () => {
  it("runs on one shard and answers one entry per command", async () => {
    const a = `{${freshKey("tx")}}:a`;
    const b = a.replace(/:a$/, ":b");
    const res = await multiExec([["SET", a, "1"], ["SET", b, "2"], ["MGET", a, b], ["PING"]]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ result: "OK" }, { result: "OK" }, { result: ["1", "2"] }, { result: "PONG" }]);
  });

  it("a runtime error is an entry; the commands around it still run (Redis EXEC semantics)", async () => {
    const a = `{${freshKey("txerr")}}:a`;
    const res = await multiExec([["SET", a, "1"], ["SET", a, "2", "BOGUS"], ["APPEND", a, "x"], ["GET", a]]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ result: "OK" }, { error: "ERR syntax error" }, { result: 2 }, { result: "1x" }]);
  });

  async function refusedWholly(cmds: string[][], error: RegExp, token?: string): Promise<void> {
    const res = await multiExec(cmds, token ? { token } : {});
    expect(res.status).toBe(400);
    const body = (await res.json()) as Entry;
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toMatch(error);
  }

  it("an unknown command refuses the whole transaction; nothing runs", async () => {
    const a = `{${freshKey("txunk")}}:a`;
    await refusedWholly([["SET", a, "1"], ["NOPE", a]], /^EXECABORT .*unknown command 'NOPE'/);
    expect(await cmd("GET", a)).toEqual({ result: null });
  });

  it("a wrong arity refuses the whole transaction; nothing runs", async () => {
    const a = `{${freshKey("txarity")}}:a`;
    await refusedWholly([["SET", a, "1"], ["GET"]], /^EXECABORT .*wrong number of arguments for 'get'/);
    expect(await cmd("GET", a)).toEqual({ result: null });
  });

  it("a write under the read-only token refuses the whole transaction; nothing runs", async () => {
    const a = `{${freshKey("txro")}}:a`;
    await cmd("SET", a, "before");
    await refusedWholly([["GET", a], ["SET", a, "after"]], /NOPERM/, READONLY_TOKEN);
    expect(await cmd("GET", a)).toEqual({ result: "before" });
  });

  it("keyspace-wide commands cannot join a gathered transaction over several shards: CROSSSLOT, nothing runs", async () => {
    const [a, b] = keysOnDistinctShards("txcross", 2);
    await refusedWholly([["SET", a!, "1"], ["SMOVE", a!, b!, "m"], ["DBSIZE"]], /^CROSSSLOT /);
    await refusedWholly([["SET", a!, "1"], ["RENAME", b!, a!], ["SCAN", "0"]], /^CROSSSLOT /);
    expect(await cmd("GET", a!)).toEqual({ result: null });
    expect(await cmd("GET", b!)).toEqual({ result: null });
  });

  it("encodes entries with Upstash-Encoding: base64", async () => {
    const a = `{${freshKey("txb64")}}:a`;
    const res = await multiExec([["SET", a, "v"], ["GET", a], ["STRLEN", a]], { base64: true });
    expect(await res.json()).toEqual([{ result: "OK" }, { result: b64("v") }, { result: 1 }]);
  });
});
