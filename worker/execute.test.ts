/** The executor against a fake shard transport: batching per shard, parallelism, order, transactions. */
import { describe, expect, it } from "vitest";
import type { Arg } from "../durable-objects/args";
import { COMMANDS } from "../durable-objects/commands";
import { CommandError, type Reply } from "../durable-objects/reply";
import { runPipeline, type ShardExec } from "./execute";
import { runTransaction } from "./transaction";
import { shardOf } from "./slot";

const SHARDS = 16;
const opts = { shards: SHARDS, readOnly: false };

function keysOnShards(n: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; out.length < n; i++) {
    const k = `exec:${i}`;
    if (!seen.has(shardOf(k, SHARDS))) {
      seen.add(shardOf(k, SHARDS));
      out.push(k);
    }
  }
  return out;
}

/** A fake transport: echoes `shard:argv` per command, records calls and how many were in flight at once. */
function recorder() {
  const calls: { shard: number; batch: Arg[][] }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const exec: ShardExec = async (shard, batch) => {
    calls.push({ shard, batch });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 0));
    inFlight--;
    return batch.map((argv): Reply => `${shard}:${argv.join(" ")}`);
  };
  return { exec, calls, maxInFlight: () => maxInFlight };
}

describe("runPipeline", () => {
  it("sends one batch per shard, all shards at once, and answers in request order", async () => {
    const keys = keysOnShards(4);
    const cmds: string[][] = [];
    for (let round = 0; round < 3; round++) for (const k of keys) cmds.push(["GET", k], ["SET", k, String(round)]);
    const rec = recorder();
    const replies = await runPipeline(cmds, opts, rec.exec);
    expect(rec.calls).toHaveLength(4);
    expect(rec.maxInFlight()).toBe(4);
    for (const call of rec.calls) {
      expect(call.batch).toEqual(cmds.filter((c) => shardOf(c[1]!, SHARDS) === call.shard));
    }
    expect(replies).toEqual(cmds.map((c) => `${shardOf(c[1]!, SHARDS)}:${c.join(" ")}`));
  });

  it("answers validation errors in place without sending them", async () => {
    const rec = recorder();
    const replies = await runPipeline([["NOPE"], ["GET", "a"], ["GET"]], opts, rec.exec);
    expect(replies[0]).toEqual({ error: "ERR unknown command 'NOPE', with args beginning with: " });
    expect(replies[2]).toEqual({ error: "ERR wrong number of arguments for 'get' command" });
    expect(rec.calls.flatMap((c) => c.batch)).toEqual([["GET", "a"]]);
  });

  it("a key finder that refuses its arguments answers that error without sending anything", async () => {
    COMMANDS.add({
      name: "x-refusing-keys",
      arity: -1,
      flags: ["readonly"],
      keys: () => {
        throw new CommandError("ERR bad numkeys");
      },
      run: () => null,
    });
    const rec = recorder();
    expect(await runPipeline([["x-refusing-keys", "a"]], opts, rec.exec)).toEqual([{ error: "ERR bad numkeys" }]);
    const tx = await runTransaction([["x-refusing-keys", "a"]], opts, rec.exec);
    expect(tx).toEqual({ ok: false, error: expect.stringContaining("ERR bad numkeys") });
    expect(rec.calls).toHaveLength(0);
  });

  it("a shard that fails answers an error entry for its commands only", async () => {
    const [a, b] = keysOnShards(2);
    const failing = shardOf(a!, SHARDS);
    const exec: ShardExec = async (shard, batch) => {
      if (shard === failing) throw new Error("boom");
      return batch.map(() => "ok");
    };
    const replies = await runPipeline([["GET", a!], ["GET", b!]], opts, exec);
    expect(replies[0]).toEqual({ error: `ERR shard ${failing} unavailable: boom` });
    expect(replies[1]).toBe("ok");
  });
});

describe("runTransaction", () => {
  it("sends the whole transaction to the one shard of its keys", async () => {
    const rec = recorder();
    const cmds = [["SET", "{t}a", "1"], ["PING"], ["GET", "{t}b"]];
    const result = await runTransaction(cmds, opts, rec.exec);
    expect(result.ok).toBe(true);
    expect(rec.calls).toEqual([{ shard: shardOf("t", SHARDS), batch: cmds }]);
  });

  it("refuses before sending anything: CROSSSLOT, unknown command, arity, read-only", async () => {
    const [a, b] = keysOnShards(2);
    const rec = recorder();
    const refused = [
      await runTransaction([["SET", a!, "1"], ["SET", b!, "1"]], opts, rec.exec),
      await runTransaction([["SET", a!, "1"], ["NOPE"]], opts, rec.exec),
      await runTransaction([["SET", a!, "1"], ["GET"]], opts, rec.exec),
      await runTransaction([["GET", a!], ["SET", a!, "1"]], { ...opts, readOnly: true }, rec.exec),
    ];
    expect(refused.map((r) => r.ok)).toEqual([false, false, false, false]);
    expect(rec.calls).toHaveLength(0);
  });

  it("a command error discards the transaction with EXECABORT, whatever else spans shards before it", async () => {
    const [a, b] = keysOnShards(2);
    const rec = recorder();
    const abort = /^EXECABORT Transaction discarded because of previous errors: /;
    for (const cmds of [
      [["KEYS", "*"], ["NOPE", a!]],
      [["SCAN", "0"], ["GET"]],
      [["DBSIZE"], ["SET", a!, "1"], ["SET", b!, "1"], ["SCRIPT", "NOPE"]],
      [["SET", a!, "1"], ["SET", b!, "1"], ["FLUSHDB"], ["GET", a!, "extra"]],
    ]) {
      const result = await runTransaction(cmds, { ...opts, tx: undefined }, rec.exec);
      expect(result.ok ? null : result.error).toMatch(abort);
    }
    expect(rec.calls).toHaveLength(0);
  });
});
