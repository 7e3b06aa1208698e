import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Coordinator } from "../../durable-objects/coordinator";
import { Shard } from "../../durable-objects/shard";
import { ObjectGate } from "./entry";
import { COORDINATOR_METHODS, GATE_OBJECT_HEADER, GATE_SECRET_HEADER, SHARD_METHODS, clusterOf, ownerOf, routedEnv, type GateRpc } from "./routing";

describe("ownerOf", () => {
  it("gives shard-i and coordinator-i to process i mod N", () => {
    expect([0, 1, 2, 3, 4].map((i) => ownerOf(`shard-${i}`, 2, 16))).toEqual([0, 1, 0, 1, 0]);
    expect([0, 1, 2, 3, 4].map((i) => ownerOf(`coordinator-${i}`, 3, 16))).toEqual([0, 1, 2, 0, 1]);
    expect(ownerOf("shard-15", 1, 16)).toBe(0);
  });

  it("owns nothing that is not one of the database's objects", () => {
    for (const name of ["shard-16", "shard-01", "shard-", "coordinator-x", "other-1", "SHARD-1"]) expect(ownerOf(name, 2, 16)).toBeNull();
  });
});

describe("clusterOf", () => {
  it("is null outside the launcher's config", () => {
    expect(clusterOf({})).toBeNull();
    expect(clusterOf({ SERVE_PROCESS: "2", SERVE_PROCESSES: "2", SERVE_GATE_SECRET: "s" })).toBeNull();
  });

  it("refuses processes without a gate secret", () => {
    expect(() => clusterOf({ SERVE_PROCESS: "0", SERVE_PROCESSES: "2" })).toThrow(/SERVE_GATE_SECRET/);
  });

  it("reads the process, the processes, the shards and the secret", () => {
    expect(clusterOf({ SERVE_PROCESS: "1", SERVE_PROCESSES: "3", SERVE_GATE_SECRET: "s", SHARDS: "8" })).toEqual({ self: 1, processes: 3, shards: 8, secret: "s" });
  });
});

/** A peer that records its calls. */
function fakePeer(): GateRpc & { calls: unknown[][]; requests: Request[] } {
  const calls: unknown[][] = [];
  const requests: Request[] = [];
  return {
    calls,
    requests,
    call: async (...args) => {
      calls.push(args);
      return "remote";
    },
    fetch: async (request) => {
      requests.push(request);
      return new Response("remote");
    },
  };
}

describe("routedEnv", () => {
  const local = { getByName: (name: string) => ({ local: name }) };

  it("is the env itself for one process", () => {
    const one = { SHARD: local, SERVE_PROCESS: "0", SERVE_PROCESSES: "1", SERVE_GATE_SECRET: "s" };
    expect(routedEnv(one)).toBe(one);
  });

  it("answers the local stub for an object owned here and a gate stub for one owned elsewhere", async () => {
    const peer = fakePeer();
    const two = { SHARD: local, COORDINATOR: local, SHARDS: "4", SERVE_PROCESS: "0", SERVE_PROCESSES: "2", SERVE_GATE_SECRET: "s", PEER_1: peer };
    const routed = routedEnv(two);
    expect(routedEnv(two)).toBe(routed);
    expect(routed.SHARD.getByName("shard-2")).toEqual({ local: "shard-2" });
    expect(routed.COORDINATOR!.getByName("coordinator-0")).toEqual({ local: "coordinator-0" });
    expect((routed as { SERVE_LOCAL_SHARDS?: number[] }).SERVE_LOCAL_SHARDS).toEqual([0, 2]);

    const remote = routed.SHARD.getByName("shard-3") as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(routed.SHARD.getByName("shard-3")).toBe(remote);
    expect(await remote.exec!([["GET", "k"]], { replyBytes: 10 })).toBe("remote");
    expect(peer.calls).toEqual([["s", "shard", "shard-3", "exec", [[["GET", "k"]], { replyBytes: 10 }]]]);
    expect(Object.keys(remote).sort()).toEqual([...SHARD_METHODS, "fetch"].sort());

    const coordinator = routed.COORDINATOR!.getByName("coordinator-1") as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await coordinator.outcome!("tx1");
    expect(peer.calls[1]).toEqual(["s", "coordinator", "coordinator-1", "outcome", ["tx1"]]);

    await remote.fetch!(new Request("https://gateway/ws", { headers: { upgrade: "websocket" } }));
    const sent = peer.requests[0]!;
    expect([sent.headers.get(GATE_SECRET_HEADER), sent.headers.get(GATE_OBJECT_HEADER), sent.headers.get("upgrade")]).toEqual(["s", "shard-3", "websocket"]);
  });

  it("refuses names that are none of the database's objects", () => {
    const routed = routedEnv({ SHARD: local, SHARDS: "4", SERVE_PROCESS: "0", SERVE_PROCESSES: "2", SERVE_GATE_SECRET: "s", PEER_1: fakePeer() });
    expect(() => routed.SHARD.getByName("shard-4")).toThrow(/not an object of this database/);
    expect(() => routed.SHARD.getByName("bench")).toThrow(/not an object of this database/);
  });
});

describe("the methods a gate passes on", () => {
  it("are the objects' own RPC methods", () => {
    for (const m of SHARD_METHODS) expect(typeof (Shard.prototype as unknown as Record<string, unknown>)[m], m).toBe("function");
    for (const m of COORDINATOR_METHODS) expect(typeof (Coordinator.prototype as unknown as Record<string, unknown>)[m], m).toBe("function");
  });

  it("include every stub method the Worker and the shards call", () => {
    // worker/shard-transport.ts, worker/cross-shard.ts, worker/metrics, worker/index.ts, durable-objects/pubsub/hub.ts
    const called = ["exec", "execStreamed", "unblock", "countRejected", "metrics", "prepare", "commit", "abort", "stage", "scratch", "pubsubRegister", "pubsubDeliver"];
    for (const m of called) expect(SHARD_METHODS, m).toContain(m);
  });
});

describe("ObjectGate", () => {
  const gateEnv = { ...env, SHARDS: "4", SERVE_PROCESS: "1", SERVE_PROCESSES: "2", SERVE_GATE_SECRET: "right" };
  const gate = () => new ObjectGate(createExecutionContext(), gateEnv as never);

  it("refuses a call without the run's secret, to another method, or for an object owned elsewhere", () => {
    expect(() => gate().call("wrong", "shard", "shard-1", "exec", [[]])).toThrow(/refused/);
    expect(() => gate().call("right", "shard", "shard-1", "alarm", [])).toThrow(/no method alarm/);
    expect(() => gate().call("right", "shard", "shard-1", "constructor", [])).toThrow(/no method constructor/);
    expect(() => gate().call("right", "shard", "shard-0", "exec", [[]])).toThrow(/not served by process 1/);
  });

  it("runs a call on the object it owns", async () => {
    expect(await gate().call("right", "shard", "shard-1", "exec", [[["SET", "gate:k", "v"], ["GET", "gate:k"]]])).toEqual([{ status: "OK" }, new TextEncoder().encode("v")]);
  });

  it("answers a request only with the run's secret", async () => {
    expect((await gate().fetch(new Request("http://gate/ids"))).status).toBe(403);
    const ids = (await (await gate().fetch(new Request("http://gate/ids", { headers: { [GATE_SECRET_HEADER]: "right" } }))).json()) as { name: string }[];
    expect(ids.map((o) => o.name)).toEqual(["shard-1", "coordinator-1", "shard-3", "coordinator-3"]);
  });
});
