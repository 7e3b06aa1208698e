/**
 * Shards and their replicas for the replication tests (the `replication` vitest project, with
 * REPLICA_REGIONS = "weur,apac"): a primary named `shard-<i>` (its replicas are named after its
 * index), its replica in weur, and the rows of every logged table on either side.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { Arg } from "../../durable-objects/args";
import type { ChangesAnswer, EncodedRow, SnapshotPage } from "../../durable-objects/replication/log";
import type { Applied, PrimaryReplication, Push } from "../../durable-objects/replication/primary";
import type { ReadAnswer, ReadWant, Replica } from "../../durable-objects/replication/replica";
import { LOGGED } from "../../durable-objects/replication/tables";
import type { Reply } from "../../durable-objects/reply";
import type { ExecLimits, Shard } from "../../durable-objects/shard";
import type { Keyspace } from "../../durable-objects/store/keyspace";

export interface PrimaryRpc {
  exec(batch: Arg[][], limits?: ExecLimits): Promise<Reply[]>;
  position(): Promise<{ epoch: string; position: number }>;
  changes(epoch: string, after: number, limit: number): Promise<ChangesAnswer>;
  snapshot(table: string, after: EncodedRow | null, limit: number): Promise<SnapshotPage>;
}
export interface ReplicaRpc {
  apply(push: Push): Promise<Applied>;
  read(batch: Arg[][], limits: ExecLimits | undefined, want: ReadWant): Promise<ReadAnswer>;
  state(): Promise<{ epoch: string; position: number; readable: boolean; rebuilding: boolean; caughtUpAt: number; rebuilds: number }>;
  catchUp(): Promise<{ epoch: string; position: number }>;
}

/** Shard indices far above SHARDS: their replicas are this test's alone. */
let next = 10_000 + Math.floor(Math.random() * 1_000_000) * 10;

export function pair(i = next++) {
  const primaryStub = env.SHARD.getByName(`shard-${i}`);
  const replicaStub = env.REPLICA.getByName(`replica-weur-${i}`);
  const primary = primaryStub as unknown as PrimaryRpc;
  const replica = replicaStub as unknown as ReplicaRpc;
  const exec = async (...batch: Arg[][]) => primary.exec(batch);
  return { i, primaryStub, replicaStub, primary, replica, exec };
}

/**
 * Every logged table's rows, each value with its SQLite type, in primary key order; text also as
 * its bytes in hex (text that is not UTF-8 reads back with U+FFFD, which would hide a difference).
 */
export function tablesIn(sql: SqlStorage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of LOGGED) {
    const cols = t.columns.map((c) => `quote(${c}) || ':' || typeof(${c}) || CASE typeof(${c}) WHEN 'text' THEN ':' || hex(${c}) ELSE '' END`).join(" || ',' || ");
    out[t.name] = sql
      .exec<{ r: string }>(`SELECT ${cols} AS r FROM ${t.name} ORDER BY ${t.pk.join(", ")}`)
      .toArray()
      .map((x) => x.r);
  }
  return out;
}

export const tablesOf = (stub: DurableObjectStub) => runInDurableObject(stub, (_o: unknown, state: DurableObjectState) => tablesIn(state.storage.sql));

/** The primary's replication state from inside. */
export const replicationOf = (s: Shard) => (s as unknown as { replication: PrimaryReplication }).replication;
export const keyspaceOf = (s: Shard | Replica) => (s as unknown as { engine: { keyspace: Keyspace } }).engine.keyspace;

/** Pulls the replica up to the primary's position and checks that their tables are equal. */
export async function expectSame(p: ReturnType<typeof pair>): Promise<Record<string, string[]>> {
  const at = await p.primary.position();
  const caught = await p.replica.catchUp();
  expect(caught.epoch).toBe(at.epoch);
  expect(caught.position).toBeGreaterThanOrEqual(at.position);
  const [a, b] = await Promise.all([tablesOf(p.primaryStub), tablesOf(p.replicaStub)]);
  expect(b).toEqual(a);
  return a;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
