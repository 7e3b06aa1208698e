/**
 * Cross-shard transactions under injected faults. The Worker's driver runs against the real
 * shard and coordinator Durable Objects through a backend that can lose or repeat messages,
 * fail a participant, or evict one (a restart); `crashAt` makes the Worker die at a step.
 * After recovery (leases run out, the shards' alarms ask the coordinator) every key shows all
 * of a transaction or none of it, and no lock is held.
 */
import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import {
  coordinatorFor,
  runCrossShard,
  type TxBackend,
  type TxOptions,
  type TxPart,
} from "../../worker/cross-shard";
import { LEASE_MS, coordinatorStub, lockedOn, real, recover, shardStub } from "./cross-shard-fixture";
import { cmd, keysOnDistinctShards, SHARDS } from "./http-helpers";
import { shardOf } from "../../worker/slot";

/** A transfer of `n` from `a` to `b` (keys on different shards). */
function transfer(a: string, b: string, n: number): TxPart[] {
  return [
    { shard: shardOf(a, SHARDS), keys: [a], reads: [], writes: [["DECRBY", a, String(n)]] },
    { shard: shardOf(b, SHARDS), keys: [b], reads: [], writes: [["INCRBY", b, String(n)]] },
  ];
}

const always = () => true;
const options = (extra: TxOptions = {}): TxOptions => ({ leaseMs: LEASE_MS, ...extra });

async function balances(...keys: string[]): Promise<unknown> {
  return (await cmd("MGET", ...keys)).result;
}

async function accounts(name: string, n: number, balance: number): Promise<{ keys: string[]; shards: number[] }> {
  const keys = keysOnDistinctShards(name, n);
  await cmd("MSET", ...keys.flatMap((k) => [k, String(balance)]));
  return { keys, shards: keys.map((k) => shardOf(k, SHARDS)) };
}

class Crash extends Error {}

describe("the Worker (which drives the protocol) dies", () => {
  it("after prepare, before the decision: participants ask the coordinator and abort", async () => {
    const { keys: [a, b], shards } = await accounts("fault-predecide", 2, 100);
    const crashAt = (p: string) => {
      if (p === "prepared") throw new Crash();
    };
    await expect(runCrossShard(transfer(a!, b!, 30), always, real, options({ crashAt }))).rejects.toThrow(Crash);
    expect(await lockedOn(shards)).toBe(2);
    const exec = env.SHARD.getByName(`shard-${shards[0]}`) as unknown as { exec(b: Arg[][]): Promise<Reply[]> };
    expect(await exec.exec([["GET", a!]])).toEqual([{ error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" }]);
    await recover(shards);
    expect(await balances(a!, b!)).toEqual(["100", "100"]);
  });

  it("after the decision, before any commit: participants learn COMMITTED and apply", async () => {
    const { keys: [a, b], shards } = await accounts("fault-postdecide", 2, 100);
    const crashAt = (p: string) => {
      if (p === "decided") throw new Crash();
    };
    await expect(runCrossShard(transfer(a!, b!, 30), always, real, options({ crashAt }))).rejects.toThrow(Crash);
    await recover(shards);
    expect(await balances(a!, b!)).toEqual(["70", "130"]);
  });

  it("a decision asked for before it was made is ABORTED for good: a late commit cannot overrule it", async () => {
    const name = `coordinator-late-${Math.random()}`;
    expect(await coordinatorStub(name).outcome("tx-late")).toBe("aborted");
    expect(await coordinatorStub(name).commit("tx-late")).toBe("aborted");
    expect(await coordinatorStub(name).commit("tx-first")).toBe("committed");
    expect(await coordinatorStub(name).outcome("tx-first")).toBe("committed");
  });
});

describe("a transaction holding every shard whole (a keyspace-wide command)", () => {
  /** SET `key` and DBSIZE everywhere, each shard locked whole. */
  const wide = (key: string): TxPart[] =>
    Array.from({ length: SHARDS }, (_, shard) => ({
      shard,
      keys: [],
      reads: [],
      writes: shard === shardOf(key, SHARDS) ? [["SET", key, "x"], ["DBSIZE"]] : [["DBSIZE"]],
      lockAll: true,
    }));
  const every = Array.from({ length: SHARDS }, (_, s) => s);

  it("the Worker dies after prepare: every shard refuses every batch until the leases run out, then nothing applied", async () => {
    const { keys: [a], shards } = await accounts("fault-wide-predecide", 1, 100);
    const crashAt = (p: string) => {
      if (p === "prepared") throw new Crash();
    };
    // A lease long enough to look at all sixteen locks before the shards' own alarms resolve them.
    await expect(runCrossShard(wide(a!), always, real, options({ crashAt, leaseMs: 500 }))).rejects.toThrow(Crash);
    expect(await lockedOn(every)).toBe(SHARDS);
    const other = (shards[0]! + 1) % SHARDS;
    expect(await shardStub(other).exec([["PING"]])).toEqual([{ error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" }]);
    await recover(every);
    expect(await cmd("GET", a!)).toEqual({ result: "100" });
  });

  it("the Worker dies after the decision: every shard applies, no lock is left", async () => {
    const { keys: [a] } = await accounts("fault-wide-postdecide", 1, 100);
    const crashAt = (p: string) => {
      if (p === "decided") throw new Crash();
    };
    await expect(runCrossShard(wide(a!), always, real, options({ crashAt }))).rejects.toThrow(Crash);
    await recover(every);
    expect(await cmd("GET", a!)).toEqual({ result: "x" });
  });

  it("one shard fails at prepare: the others are released, nothing applies", async () => {
    const { keys: [a], shards } = await accounts("fault-wide-part", 1, 100);
    const down = (shards[0]! + 3) % SHARDS;
    const backend: TxBackend = { ...real, prepare: (s, req) => (s === down ? Promise.reject(new Error("participant down")) : real.prepare(s, req)) };
    expect(await runCrossShard(wide(a!), always, backend, options())).toEqual({ status: "failed", error: "participant down" });
    expect(await lockedOn(every)).toBe(0);
    expect(await cmd("GET", a!)).toEqual({ result: "100" });
  });
});

describe("a participant fails", () => {
  it("before prepare: the others are aborted, nothing applies", async () => {
    const { keys: [a, b], shards } = await accounts("fault-part-before", 2, 100);
    const backend: TxBackend = {
      ...real,
      prepare: (s, req) => (s === shards[1] ? Promise.reject(new Error("participant down")) : real.prepare(s, req)),
    };
    const result = await runCrossShard(transfer(a!, b!, 30), always, backend, options());
    expect(result).toEqual({ status: "failed", error: "participant down" });
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a!, b!)).toEqual(["100", "100"]);
  });

  it("after prepare, its reply lost: everything is aborted, nothing applies", async () => {
    const { keys: [a, b], shards } = await accounts("fault-part-lost", 2, 100);
    const backend: TxBackend = {
      ...real,
      prepare: async (s, req) => {
        const r = await real.prepare(s, req);
        if (s === shards[1]) throw new Error("reply lost");
        return r;
      },
    };
    expect((await runCrossShard(transfer(a!, b!, 30), always, backend, options())).status).toBe("failed");
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a!, b!)).toEqual(["100", "100"]);
  });

  it("restarts after prepare: its locks and writes survive and the commit applies", async () => {
    const { keys: [a, b], shards } = await accounts("fault-part-restart", 2, 100);
    const backend: TxBackend = {
      ...real,
      prepare: async (s, req) => {
        const r = await real.prepare(s, req);
        await evictDurableObject(env.SHARD.getByName(`shard-${s}`));
        return r;
      },
    };
    expect((await runCrossShard(transfer(a!, b!, 30), always, backend, options({ leaseMs: 60_000 }))).status).toBe("committed");
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a!, b!)).toEqual(["70", "130"]);
  });

  it("restarts after prepare while the Worker is gone: the restarted shard's alarm still resolves it", async () => {
    const { keys: [a], shards } = await accounts("fault-restart-alone", 1, 100);
    const stub = env.SHARD.getByName(`shard-${shards[0]}`);
    const req = { txid: `tx-alone-${Math.random()}`, coordinator: "coordinator-alone", keys: [a!], reads: [], writes: [["SET", a!, "x"]], leaseMs: LEASE_MS };
    expect(await shardStub(shards[0]!).prepare(req)).toEqual({ ok: true, reads: [] });
    await evictDurableObject(stub);
    expect(await lockedOn(shards)).toBe(1);
    await recover(shards);
    expect(await cmd("GET", a!)).toEqual({ result: "100" });
    expect(await coordinatorStub("coordinator-alone").commit(req.txid)).toBe("aborted");
  });

  it("a prepare that arrives after its abort is refused and locks nothing", async () => {
    const { keys: [a], shards } = await accounts("fault-late-prepare", 1, 100);
    await shardStub(shards[0]!).abort("tx-late-prepare");
    const req = { txid: "tx-late-prepare", coordinator: "c", keys: [a!], reads: [], writes: [["SET", a!, "x"]], leaseMs: LEASE_MS };
    expect(await shardStub(shards[0]!).prepare(req)).toEqual({ ok: false, reason: "aborted" });
    expect(await lockedOn(shards)).toBe(0);
  });
});

describe("commit messages", () => {
  it("lost: the participant applies the commit after asking the coordinator", async () => {
    const { keys: [a, b], shards } = await accounts("fault-commit-lost", 2, 100);
    const backend: TxBackend = {
      ...real,
      commit: (s, txid) => (s === shards[1] ? Promise.reject(new Error("lost")) : real.commit(s, txid)),
    };
    const result = await runCrossShard(transfer(a!, b!, 30), always, backend, options());
    expect(result).toMatchObject({ status: "committed", replies: [[70], null] });
    await recover(shards);
    expect(await balances(a!, b!)).toEqual(["70", "130"]);
  });

  it("repeated: applied once, the same replies each time", async () => {
    const { keys: [a, b], shards } = await accounts("fault-commit-twice", 2, 100);
    const seen: Reply[][] = [];
    const backend: TxBackend = {
      ...real,
      commit: async (s, txid) => {
        const first = await real.commit(s, txid);
        const second = await real.commit(s, txid);
        seen.push(first, second);
        return second;
      },
    };
    const result = await runCrossShard(transfer(a!, b!, 30), always, backend, options());
    expect(result).toMatchObject({ status: "committed", replies: [[70], [130]] });
    expect(seen.sort()).toEqual([[130], [130], [70], [70]]);
    expect(await lockedOn(shards)).toBe(0);
    expect(await balances(a!, b!)).toEqual(["70", "130"]);
  });
});

describe("randomized: concurrent transfers under injected faults", () => {
  it("the total never changes and no lock is left", async () => {
    const { keys, shards } = await accounts("fault-random", 5, 1000);
    const faults = { crashes: 0, lost: 0 };
    const faulty = (seed: number): { backend: TxBackend; opts: TxOptions } => {
      const roll = seed % 7;
      const backend: TxBackend = {
        ...real,
        prepare: async (s, req) => {
          if (roll === 1 && s === shards[seed % 5]) throw new Error("participant down");
          const r = await real.prepare(s, req);
          if (roll === 2 && s === shards[seed % 5]) throw new Error("prepare reply lost");
          return r;
        },
        commit: async (s, txid) => {
          if (roll === 3 && s === shards[seed % 5]) {
            faults.lost++;
            throw new Error("commit lost");
          }
          if (roll === 4) await real.commit(s, txid);
          return real.commit(s, txid);
        },
      };
      const crashAt = (p: string) => {
        if ((roll === 5 && p === "prepared") || (roll === 6 && p === "decided")) {
          faults.crashes++;
          throw new Crash();
        }
      };
      return { backend, opts: options({ crashAt }) };
    };
    const runs: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const from = keys[Math.floor(Math.random() * 5)]!;
      let to = keys[Math.floor(Math.random() * 5)]!;
      if (to === from) to = keys[(keys.indexOf(from) + 1) % 5]!;
      const { backend, opts } = faulty(Math.floor(Math.random() * 1000));
      runs.push(runCrossShard(transfer(from, to, 1 + Math.floor(Math.random() * 50)), always, backend, opts).catch((e: unknown) => e));
    }
    const outcomes = await Promise.all(runs);
    const committed = outcomes.filter((o) => (o as { status?: string }).status === "committed").length;
    expect(committed).toBeGreaterThan(0);
    expect(faults.crashes + faults.lost).toBeGreaterThan(0);
    await recover(shards);
    const values = (await balances(...keys)) as string[];
    expect(values.reduce((sum, v) => sum + Number(v), 0)).toBe(5000);
    expect(await lockedOn(shards)).toBe(0);
  }, 60_000);
});

describe("coordinators", () => {
  it("a transaction's coordinator is named after its lowest shard", () => {
    const parts = (shards: number[]): TxPart[] => shards.map((shard) => ({ shard, keys: [], reads: [], writes: [] as Arg[][] }));
    expect(coordinatorFor(parts([7, 3, 9]))).toBe("coordinator-3");
  });
});
