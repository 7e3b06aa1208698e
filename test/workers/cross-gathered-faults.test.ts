/**
 * Gather, run, scatter (worker/cross-gathered.ts) under injected faults: the home shard's run
 * or a staging message fails, a part's lease runs out before staging, the Worker dies after
 * staging (before the decision) or after the decision, a participant restarts. After recovery
 * every key shows all of the command or none of it, no lock is held, and the home shard keeps
 * nothing of the keys it borrowed. Also: a key above the caps is refused whole.
 */
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Reply } from "../../durable-objects/reply";
import { planGathered } from "../../worker/cross-gathered";
import { runCrossShard, type TxBackend, type TxOptions, type TxResult } from "../../worker/cross-shard";
import { LEASE_MS, lockedOn, real, recover, shardStub } from "./cross-shard-fixture";
import { cmd, keysOnDistinctShards, SHARDS } from "./http-helpers";
import { shardOf } from "../../worker/slot";

const TRANSFER = "redis.call('DECRBY', KEYS[1], ARGV[1]) return redis.call('INCRBY', KEYS[2], ARGV[1])";

async function accounts(name: string): Promise<{ a: string; b: string; shards: number[] }> {
  const [a, b] = keysOnDistinctShards(name, 2);
  await cmd("MSET", a!, "100", b!, "100");
  return { a: a!, b: b!, shards: [shardOf(a!, SHARDS), shardOf(b!, SHARDS)] };
}

/** Runs EVAL TRANSFER over a and b through `backend`; answers the driver's result and the command's reply. */
async function transfer(a: string, b: string, backend: TxBackend, opts: TxOptions = {}): Promise<{ result: TxResult; reply: () => Reply }> {
  const cross = planGathered(["EVAL", TRANSFER, "2", a, b, "30"], [a, b], SHARDS)!;
  const result = await runCrossShard(cross.parts, cross.shouldCommit, backend, { leaseMs: LEASE_MS, ...opts }, cross.between!(backend));
  return { result, reply: () => cross.reply([], result.status === "committed") };
}

async function balances(a: string, b: string): Promise<unknown> {
  return (await cmd("MGET", a, b)).result;
}

class Crash extends Error {}

describe("gather, run, scatter", () => {
  it("commits: both keys written, the home shard keeps nothing of the borrowed key", async () => {
    const { a, b, shards } = await accounts("gather-ok");
    const { result, reply } = await transfer(a, b, real);
    expect(result.status).toBe("committed");
    expect(reply()).toBe(130);
    expect(await balances(a, b)).toEqual(["70", "130"]);
    expect(await lockedOn(shards)).toBe(0);
    expect(await shardStub(shards[0]!).exec([["EXISTS", b]])).toEqual([0]);
  });

  it("the home shard's run fails: nothing applies, no lock", async () => {
    const { a, b, shards } = await accounts("gather-run-fails");
    const backend: TxBackend = { ...real, scratch: () => Promise.reject(new Error("home down")) };
    expect((await transfer(a, b, backend)).result).toEqual({ status: "failed", error: "home down" });
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a, b)).toEqual(["100", "100"]);
  });

  it("a staging message fails: everything is aborted, nothing applies", async () => {
    const { a, b, shards } = await accounts("gather-stage-fails");
    const backend: TxBackend = {
      ...real,
      stage: (s, txid, writes) => (s === shards[1] ? Promise.reject(new Error("stage lost")) : real.stage(s, txid, writes)),
    };
    expect((await transfer(a, b, backend)).result.status).toBe("failed");
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a, b)).toEqual(["100", "100"]);
  });

  it("a part's lease ran out before staging (it learned ABORTED): staging is refused, nothing applies", async () => {
    const { a, b, shards } = await accounts("gather-lease-out");
    const backend: TxBackend = {
      ...real,
      stage: async (s, txid, writes) => {
        if (s === shards[1]) await real.abort(s, txid);
        return real.stage(s, txid, writes);
      },
    };
    expect((await transfer(a, b, backend, { attempts: 1 })).result).toEqual({ status: "busy" });
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a, b)).toEqual(["100", "100"]);
  });

  it("the Worker dies after gather, run and staging, before the decision: participants abort", async () => {
    const { a, b, shards } = await accounts("gather-crash-prepared");
    const crashAt = (p: string) => {
      if (p === "prepared") throw new Crash();
    };
    await expect(transfer(a, b, real, { crashAt })).rejects.toThrow(Crash);
    expect(await lockedOn(shards)).toBe(2);
    await recover(shards);
    expect(await balances(a, b)).toEqual(["100", "100"]);
  });

  it("the Worker dies after the decision: participants learn COMMITTED and apply it", async () => {
    const { a, b, shards } = await accounts("gather-crash-decided");
    const crashAt = (p: string) => {
      if (p === "decided") throw new Crash();
    };
    await expect(transfer(a, b, real, { crashAt })).rejects.toThrow(Crash);
    await recover(shards);
    expect(await balances(a, b)).toEqual(["70", "130"]);
  });

  it("a participant restarts after staging: its staged writes survive and the commit applies", async () => {
    const { a, b, shards } = await accounts("gather-restart");
    const backend: TxBackend = {
      ...real,
      stage: async (s, txid, writes) => {
        const ok = await real.stage(s, txid, writes);
        await evictDurableObject(env.SHARD.getByName(`shard-${s}`));
        return ok;
      },
    };
    expect((await transfer(a, b, backend, { leaseMs: 60_000 })).result.status).toBe("committed");
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a, b)).toEqual(["70", "130"]);
  });

  it("a key above the caps is refused whole: nothing changes, no lock", async () => {
    const [big, other, dst] = keysOnDistinctShards("gather-big", 3);
    const members = Array.from({ length: 10_001 }, (_, i) => `m${i}`);
    for (let i = 0; i < members.length; i += 2000) await cmd("SADD", big!, ...members.slice(i, i + 2000));
    await cmd("SADD", other!, "x");
    const reply = await cmd("SUNIONSTORE", dst!, big!, other!);
    expect(reply.error).toMatch(/^ERR a key of this cross-shard command holds more than 10000 elements/);
    expect(await cmd("EXISTS", dst!)).toEqual({ result: 0 });
    expect(await cmd("SCARD", big!)).toEqual({ result: 10_001 });
    expect(await lockedOn([big!, other!, dst!].map((k) => shardOf(k, SHARDS)))).toBe(0);
  });

  it("a result above the caps is refused whole too", async () => {
    const [x, y] = keysOnDistinctShards("gather-big-result", 2);
    const half = (p: string) => Array.from({ length: 6000 }, (_, i) => `${p}${i}`);
    for (const [k, p] of [[x!, "x"], [y!, "y"]] as const) {
      const m = half(p);
      for (let i = 0; i < m.length; i += 2000) await cmd("SADD", k, ...m.slice(i, i + 2000));
    }
    expect((await cmd("SUNIONSTORE", x!, x!, y!)).error).toMatch(/^ERR a key of this cross-shard command/);
    expect(await cmd("SCARD", x!)).toEqual({ result: 6000 });
  });
});
