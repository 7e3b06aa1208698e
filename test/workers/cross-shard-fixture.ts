/**
 * What the cross-shard fault tests share: the real shard and coordinator stubs, a short lease,
 * and a way to wait until every lock of a transaction is resolved.
 */
import { env, runDurableObjectAlarm } from "cloudflare:test";
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import { rpcBackend, type CoordinatorRpc, type ParticipantRpc } from "../../worker/cross-shard";

export const LEASE_MS = 40;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ShardStub = ParticipantRpc & { lockedKeys(): Promise<number>; exec(batch: Arg[][]): Promise<Reply[]> };
export const shardStub = (i: number) => env.SHARD.getByName(`shard-${i}`) as unknown as ShardStub;
export const coordinatorStub = (name: string) => env.COORDINATOR.getByName(name) as unknown as CoordinatorRpc;
/** The backend over the real Durable Objects, with no fault injected. */
export const real = rpcBackend(shardStub, coordinatorStub);

export async function lockedOn(shards: number[]): Promise<number> {
  let n = 0;
  for (const s of shards) n += await shardStub(s).lockedKeys();
  return n;
}

/** Lets leases run out and runs the participants' alarms until no lock is held. */
/** Runs the shards' alarms after each lease of `leaseMs` until none holds a lock (bounded). */
export async function recover(shards: number[], leaseMs = LEASE_MS): Promise<void> {
  for (let round = 0; round < 30; round++) {
    if ((await lockedOn(shards)) === 0) return;
    await sleep(leaseMs + 10);
    for (const s of shards) await runDurableObjectAlarm(env.SHARD.getByName(`shard-${s}`));
  }
  throw new Error(`locks still held: ${await lockedOn(shards)}`);
}
