import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../durable-objects/commands";
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import type { ShardExec } from "../execute";
import type { ParticipantRpc } from "../cross-shard";
import { batchReadable, globalConfig, observer, observeTouched, openSession, parseStaleness, replicaReadable, responseToken, routedExec, trackedParticipant, trackedPrimary, wantOf, type GlobalEnv, type ReplicaReadResult, type ReplicaRpc, type Session, type Want } from "./route";

const REPLICA = {} as NonNullable<GlobalEnv["REPLICA"]>;
const env = (vars: Partial<GlobalEnv> = {}): GlobalEnv => ({ REPLICA, REPLICA_REGIONS: "weur,apac", REGION_HEADER: "x-region", ...vars });
const request = (headers: Record<string, string>) => new Request("http://edgekv/", { headers });
const spec = (name: string) => COMMANDS.get(name)!;

describe("replicaReadable: from the entry's flags and cluster mode", () => {
  it("admits read-only commands of one shard and fan-out reads", () => {
    for (const name of ["get", "mget", "hgetall", "zrange", "exists", "xrange", "json.get", "sinter", "geosearch", "dump", "memory|usage", "bitfield_ro", "sort_ro"])
      expect(replicaReadable(spec(name)), name).toBe(true);
  });

  it("refuses writes, blocking, scripts, pinned, keyspace-wide and unflagged commands", () => {
    for (const name of [
      "set", "incr", "hset", "mset", "del", "expire", "blpop", "xread", "eval", "eval_ro", "evalsha_ro", "fcall_ro", "lock.status",
      "scan", "keys", "dbsize", "randomkey", "ping", "time", "info", "script|exists", "config|get", "publish", "multi",
    ]) {
      const s = COMMANDS.get(name);
      if (s) expect(replicaReadable(s), name).toBe(false);
    }
    const rl = COMMANDS.entries().filter((s) => s.name.startsWith("rl.") || s.name.startsWith("lock."));
    expect(rl.length).toBeGreaterThan(0);
    for (const s of rl) expect(replicaReadable(s), s.name).toBe(false);
  });

  it("a batch is readable only when every command is (unknown commands are not)", () => {
    expect(batchReadable([["GET", "a"], ["MGET", "b", "c"]])).toBe(true);
    expect(batchReadable([["GET", "a"], ["SET", "b", "1"]])).toBe(false);
    expect(batchReadable([["NOSUCH", "a"]])).toBe(false);
    expect(batchReadable([])).toBe(false);
  });
});

describe("globalConfig and openSession", () => {
  it("is off with nothing configured, or regions without the REPLICA binding", () => {
    expect(globalConfig({})).toBeNull();
    expect(globalConfig({ REPLICA_REGIONS: "weur" })).toBeNull();
    expect(globalConfig({ REPLICA, REPLICA_REGIONS: "mars" })).toBeNull();
    expect(openSession(request({}), {}, 16)).toBeNull();
  });

  it("reads REPLICA_WAIT_MS (default 50)", () => {
    expect(globalConfig(env())!.waitMs).toBe(50);
    expect(globalConfig(env({ REPLICA_WAIT_MS: "0" }))!.waitMs).toBe(0);
    expect(globalConfig(env({ REPLICA_WAIT_MS: "-3" }))!.waitMs).toBe(50);
  });

  it("uses a replica only for a request that carries a token or max-staleness, from a region near one", () => {
    const e = env();
    expect(openSession(request({ "x-region": "weur" }), e, 16)!.replica).toBeNull();
    expect(openSession(request({ "x-region": "weur", "upstash-sync-token": "v1." }), e, 16)!.replica).toBe("weur");
    expect(openSession(request({ "x-region": "eeur", "upstash-sync-token": "v1.0:e:4" }), e, 16)!.replica).toBe("weur");
    expect(openSession(request({ "x-region": "wnam", "upstash-sync-token": "v1.0:e:4" }), e, 16)!.replica).toBeNull();
    expect(openSession(request({ "x-region": "apac", "upstash-sync-token": crypto.randomUUID() }), e, 16)!.replica).toBeNull();
    expect(openSession(request({ "x-region": "apac", "upstash-max-staleness": "500" }), e, 16)!.replica).toBe("apac");
    expect(openSession(request({ "x-region": "apac", "upstash-max-staleness": "soon" }), e, 16)!.replica).toBeNull();
  });

  it("parses max-staleness as whole milliseconds", () => {
    expect(parseStaleness("0")).toBe(0);
    expect(parseStaleness(" 250 ")).toBe(250);
    expect(parseStaleness("1e3")).toBeNull();
    expect(parseStaleness("-1")).toBeNull();
    expect(parseStaleness(null)).toBeNull();
    expect(parseStaleness("999999999999")).toBe(86_400_000);
  });
});

describe("wantOf", () => {
  it("asks the token's position and epoch for the shard, else nothing, with the staleness asked", () => {
    const s = openSession(request({ "x-region": "weur", "upstash-sync-token": "v1.2:ep:41", "upstash-max-staleness": "100" }), env(), 16)!;
    expect(wantOf(s, 2)).toEqual({ epoch: "ep", position: 41, maxStalenessMs: 100, waitMs: 50 });
    expect(wantOf(s, 3)).toEqual({ position: 0, maxStalenessMs: 100, waitMs: 50 });
  });

  it("asks for no position with the test switch REPLICA_BREAK_TOKENS", () => {
    const s = openSession(request({ "x-region": "weur", "upstash-sync-token": "v1.2:ep:41" }), env({ REPLICA_BREAK_TOKENS: "1" }), 16)!;
    expect(wantOf(s, 2)).toEqual({ position: 0, waitMs: 50 });
  });
});

describe("routedExec", () => {
  interface Call {
    to: "primary" | "replica";
    shard: number;
    batch: Arg[][];
    want?: Want;
  }
  function harness(session: Session, answer: (want: Want) => ReplicaReadResult | Error) {
    const calls: Call[] = [];
    const primary: ShardExec = async (shard, batch) => {
      calls.push({ to: "primary", shard, batch });
      session.observed.set(shard, { epoch: "ep", position: 100 });
      return batch.map((): Reply => "from-primary");
    };
    const replica = (_region: string, shard: number): ReplicaRpc => ({
      read: async (batch, _limits, want) => {
        calls.push({ to: "replica", shard, batch, want });
        const a = answer(want);
        if (a instanceof Error) throw a;
        return a;
      },
    });
    return { calls, exec: routedExec(session, primary, replica) };
  }
  const sessionWith = (token: string) => openSession(request({ "x-region": "weur", "upstash-sync-token": token }), env(), 16)!;

  it("reads on the replica, its position in the response's token", async () => {
    const s = sessionWith("v1.1:ep:7");
    const { calls, exec } = harness(s, () => ({ ok: true, replies: ["from-replica"], epoch: "ep", position: 9 }));
    expect(await exec(1, [["GET", "k"]])).toEqual(["from-replica"]);
    expect(calls.map((c) => c.to)).toEqual(["replica"]);
    expect(calls[0]!.want).toEqual({ epoch: "ep", position: 7, waitMs: 50 });
    expect(responseToken(s)).toBe("v1.1:ep:9");
  });

  it("sends writes, mixed batches and batches that may block to the primary without asking the replica", async () => {
    const s = sessionWith("v1.1:ep:7");
    const { calls, exec } = harness(s, () => ({ ok: true, replies: ["x"], epoch: "ep", position: 9 }));
    await exec(1, [["SET", "k", "v"]]);
    await exec(1, [["GET", "k"], ["INCR", "n"]]);
    await exec(1, [["GET", "k"]], undefined, true);
    expect(calls.map((c) => c.to)).toEqual(["primary", "primary", "primary"]);
  });

  it("falls back to the primary when the replica cannot serve or its RPC fails", async () => {
    const s = sessionWith("v1.1:ep:7");
    let mode: "behind" | "error" = "behind";
    const { calls, exec } = harness(s, () => (mode === "behind" ? { ok: false } : new Error("replica gone")));
    expect(await exec(1, [["GET", "k"]])).toEqual(["from-primary"]);
    mode = "error";
    expect(await exec(1, [["GET", "k"]])).toEqual(["from-primary"]);
    expect(calls.map((c) => c.to)).toEqual(["replica", "primary", "replica", "primary"]);
    expect(responseToken(s)).toBe("v1.1:ep:100");
  });

  it("without a token the session is on the primary only", async () => {
    const s = openSession(request({ "x-region": "weur" }), env(), 16)!;
    expect(s.replica).toBeNull();
    expect(s.replicas).toBe(true);
  });

  it("a shard whose position is unknown (`<shard>:*`) reads from the primary, whose answer replaces it", async () => {
    const s = sessionWith("v1.1:*,2:ep:7");
    const { calls, exec } = harness(s, () => ({ ok: true, replies: ["from-replica"], epoch: "ep", position: 9 }));
    expect(await exec(1, [["GET", "k"]])).toEqual(["from-primary"]);
    expect(await exec(2, [["GET", "k"]])).toEqual(["from-replica"]);
    expect(calls.map((c) => c.to)).toEqual(["primary", "replica"]);
    expect(responseToken(s)).toBe("v1.1:ep:100,2:ep:9");
  });
});

describe("unknown positions", () => {
  const sessionWith = (token: string) => openSession(request({ "x-region": "weur", "upstash-sync-token": token }), env(), 16)!;

  it("a response that starts while a primary batch is under way (a held reply) has that shard unknown", async () => {
    const s = sessionWith("v1.3:ep:5");
    let release!: () => void;
    const primary: ShardExec = async (shard, batch) => {
      await new Promise<void>((r) => (release = r));
      observer(s)(shard, "ep", 50);
      return batch.map((): Reply => null);
    };
    const exec = trackedPrimary(s, primary);
    const running = exec(3, [["BLPOP", "l", "0"]], undefined, true);
    await Promise.resolve();
    expect(responseToken(s)).toBe("v1.3:*");
    release();
    await running;
    expect(responseToken(s)).toBe("v1.3:ep:50");
  });

  it("a primary batch whose RPC failed (it may have run) makes the shard unknown", async () => {
    const s = sessionWith("v1.3:ep:5,4:ep:1");
    const exec = trackedPrimary(s, async () => {
      throw new Error("connection lost");
    });
    await expect(exec(3, [["SET", "k", "v"]])).rejects.toThrow("connection lost");
    expect(responseToken(s)).toBe("v1.3:*,4:ep:1");
  });

  it("a primary answer given while transactions were prepared there does not replace an unknown entry", () => {
    const s = sessionWith("v1.3:*");
    observer(s)(3, "ep", 60, true);
    expect(responseToken(s)).toBe("v1.3:*");
    observer(s)(3, "ep", 61);
    expect(responseToken(s)).toBe("v1.3:ep:61");
  });

  function participant(commitFails: boolean): ParticipantRpc {
    return {
      prepare: async () => ({ ok: true, reads: [] }) as never,
      commit: async () => {
        if (commitFails) throw new Error("commit reply lost");
        return [];
      },
      abort: async () => {},
      stage: async () => true,
      scratch: async () => ({}) as never,
    };
  }

  it("a cross-shard commit that was lost leaves the shard unknown while it still holds prepared transactions", async () => {
    const s = sessionWith("v1.");
    const ok = trackedParticipant(s, 1, participant(false));
    const lost = trackedParticipant(s, 2, participant(true));
    s.touched.add(1).add(2);
    await ok.prepare({ txid: "t" } as never);
    await lost.prepare({ txid: "t" } as never);
    await ok.commit("t");
    await expect(lost.commit("t")).rejects.toThrow();
    // Shard 1 holds another client's prepared transaction (pending): its position still counts, ours committed there.
    await observeTouched(s, () => ({ position: async () => ({ epoch: "ep", position: 30, pending: true }) }));
    expect(responseToken(s)).toBe("v1.1:ep:30,2:*");
  });

  it("a lost commit already applied (no transaction pending there) is in the position; a failed position() is unknown", async () => {
    const s = sessionWith("v1.");
    const lost = trackedParticipant(s, 2, participant(true));
    s.touched.add(2).add(5);
    await lost.prepare({ txid: "t" } as never);
    await expect(lost.commit("t")).rejects.toThrow();
    await observeTouched(s, (shard) => ({
      position: async () => {
        if (shard === 5) throw new Error("unreachable");
        return { epoch: "ep", position: 31 };
      },
    }));
    expect(responseToken(s)).toBe("v1.2:ep:31,5:*");
  });
});
