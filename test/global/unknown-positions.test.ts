/**
 * Unknown positions in the sync token (docs/global.md §3, worker/global/token.ts `<shard>:*`):
 * when a response cannot name a shard's position after a write the client has seen (a held
 * reply whose headers left before its blocking batch ended; a cross-shard commit whose reply was
 * lost), its token says so, the session's next read of that shard goes to the primary, and the
 * primary's answer (once it has applied the commit) gives the shard a concrete position again.
 */
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { isUnknown, parseToken } from "../../worker/global/token";
import type { Env } from "../../worker/env";
import { caughtUp, countingReplicas, noCounts, REGION_HEADER, Session, testEnv, TOKEN, workerWith } from "./session-client";

const SHARDS = Number(testEnv.SHARDS ?? 16);
let n = 0;
const fresh = (name: string) => `global:unknown:${name}:${Date.now().toString(36)}:${n++}`;

/** A key on `shard` (bounded search). */
function keyOn(shard: number, name: string): string {
  for (let i = 0; i < 100_000; i++) {
    const k = `${name}:${i}`;
    if (shardOf(k, SHARDS) === shard) return k;
  }
  throw new Error("no key found");
}

const entryOf = (token: string | null, shard: number) => parseToken(token, SHARDS)?.get(shard);

describe("unknown positions", () => {
  it("a held reply (a blocking command answered after its response started) leaves its shard unknown; the next read goes to the primary", async () => {
    const counts = noCounts();
    const fetch = workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts) });
    const s = new Session(fetch, "weur");
    const list = fresh("list");
    const shard = shardOf(list, SHARDS);
    await s.command(["SET", keyOn(shard, fresh("same")), "x"]);
    expect(isUnknown(entryOf(s.token, shard))).toBe(false);

    // BLPOP waits past the hold (one second): the response starts, its headers go out.
    const res = await fetch(
      new Request("http://edgekv/", {
        method: "POST",
        body: JSON.stringify(["BLPOP", list, 20]),
        headers: { authorization: `Bearer ${TOKEN}`, [REGION_HEADER]: "weur", "upstash-sync-token": s.token! },
      }),
    );
    const held = res.headers.get("upstash-sync-token");
    expect(held).toContain(`${shard}:*`);
    expect(isUnknown(entryOf(held, shard))).toBe(true);
    s.token = held;

    const writer = new Session(workerWith({}), "wnam");
    expect(await writer.command(["RPUSH", list, "a", "b"])).toEqual({ result: 2 });
    expect(JSON.parse(await res.text())).toEqual({ result: [list, "a"] });

    // The session's next read of the shard: on the primary, which sees the pop.
    const reads = counts.reads;
    expect(await s.command(["LRANGE", list, 0, -1])).toEqual({ result: ["b"] });
    expect(counts.reads).toBe(reads);
    const entry = entryOf(s.token, shard);
    expect(entry && !isUnknown(entry) && entry.position).toBeGreaterThan(0);

    // With a concrete position again, reads use the replica.
    await caughtUp(list, "weur", SHARDS);
    expect(await s.command(["LRANGE", list, 0, -1])).toEqual({ result: ["b"] });
    expect(counts.served).toBe(1);
  });

  it("a cross-shard commit whose reply was lost: the shard stays unknown until the primary has applied it", async () => {
    const counts = noCounts();
    const a = fresh("a");
    const shardA = shardOf(a, SHARDS);
    const shardB = (shardA + 1) % SHARDS;
    const b = keyOn(shardB, fresh("b"));
    const other = keyOn(shardB, fresh("other"));
    // Shard B's commits fail on their way (the participant stays prepared; it applies the commit later on its own).
    const lost: string[] = [];
    const ns = testEnv.SHARD;
    const shardNs = {
      getByName(name: string) {
        const stub = ns.getByName(name);
        return new Proxy(stub, {
          get(target, prop) {
            const member = Reflect.get(target, prop) as unknown;
            if (prop === "then" || typeof member !== "function") return member;
            if (name === `shard-${shardB}` && prop === "commit")
              return async (txid: string) => {
                lost.push(txid);
                throw new Error("commit reply lost (test)");
              };
            return (...args: unknown[]) => Reflect.apply(member as (...x: unknown[]) => unknown, target, args);
          },
        });
      },
    } as unknown as Env["SHARD"];
    const s = new Session(workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts), SHARD: shardNs }), "weur");
    await s.command(["SET", other, "0"]);
    await s.command(["SET", b, "0"]);
    expect(isUnknown(entryOf(s.token, shardB))).toBe(false);

    expect(await s.command(["MSET", a, "1", b, "1"])).toEqual({ result: "OK" });
    expect(lost.length).toBeGreaterThan(0);
    expect(isUnknown(entryOf(s.token, shardA))).toBe(false);
    expect(isUnknown(entryOf(s.token, shardB))).toBe(true);

    // A read of another key of shard B: the primary answers, but its position may precede the
    // commit still to apply (the shard holds the prepared transaction): the shard stays unknown.
    await caughtUp(other, "weur", SHARDS);
    expect(await s.command(["GET", other])).toEqual({ result: "0" });
    expect(counts.reads).toBe(0);
    expect(isUnknown(entryOf(s.token, shardB))).toBe(true);

    // The participant applies the decided commit (as its alarm does when the lease ends).
    await (testEnv.SHARD.getByName(`shard-${shardB}`) as unknown as { commit(txid: string): Promise<unknown> }).commit(lost[0]!);
    expect(await s.command(["GET", b])).toEqual({ result: "1" });
    expect(counts.reads).toBe(0);
    expect(isUnknown(entryOf(s.token, shardB))).toBe(false);

    // Concrete again: the replica serves it, with the commit.
    await caughtUp(b, "weur", SHARDS);
    expect(await s.command(["GET", b])).toEqual({ result: "1" });
    expect(counts.served).toBe(1);
  });
});
