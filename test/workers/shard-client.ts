/**
 * Test access to one shard Durable Object: its `exec` RPC (as the Worker calls it), its SQL
 * storage from inside the object, and the command table run with a clock the test sets.
 */
import { env, runInDurableObject } from "cloudflare:test";
import type { Arg } from "../../durable-objects/args";
import { COMMANDS } from "../../durable-objects/commands";
import { dispatch } from "../../durable-objects/dispatch";
import type { Reply } from "../../durable-objects/reply";
import type { Shard } from "../../durable-objects/shard";
import { registerElementStores } from "../../durable-objects/store/elements";
import { Keyspace } from "../../durable-objects/store/keyspace";
import type { Value } from "../conformance/harness";
import { fromReply } from "../conformance/normalize";

/** The shard's RPC surface, as the Worker sees it. */
export interface ShardRpc {
  exec(batch: Arg[][]): Promise<Reply[]>;
}

let counter = 0;

/** A shard name no other test uses: `<prefix>-<n>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${counter++}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The shard called `name`:
 * - `call(...argv)`: one command, its raw Reply (bytes stay bytes);
 * - `r(...argv)`: one command with numbers sent as text, its reply as the conformance suite's Value;
 * - `sql(fn)`: `fn` run inside the object on its SQL storage.
 *
 * @example
 * const { r } = shard("zsets-scan");
 * expect(await r("ZADD", "z", 1, "a")).toBe(1);
 */
export function shard(name: string) {
  const stub = env.SHARD.getByName(name);
  const rpc = stub as unknown as ShardRpc;
  const call = async (...argv: Arg[]): Promise<Reply> => (await rpc.exec([argv]))[0]!;
  const r = async (...argv: (string | number)[]): Promise<Value> => fromReply(await call(...argv.map(String)));
  const sql = <T>(fn: (sql: SqlStorage) => T) => runInDurableObject(stub, (_: Shard, state: DurableObjectState) => fn(state.storage.sql));
  return { stub, rpc, call, r, sql };
}

/** A shard of its own (an empty one), named after `prefix`. */
export function freshShard(prefix: string) {
  return shard(uniqueName(prefix));
}

/** A keyspace (element stores registered) over `sql` that counts the rows SQLite reads for every statement. */
export function countingKeyspace(sql: SqlStorage) {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const counted = {
    exec(query: string, ...bindings: unknown[]) {
      const c = sql.exec(query, ...bindings);
      cursors.push(c);
      return c;
    },
  } as unknown as SqlStorage;
  const ks = new Keyspace(counted, () => {});
  registerElementStores(ks);
  return {
    ks,
    /** Rows read since the last call. */
    rowsRead(): number {
      const n = cursors.reduce((sum, c) => sum + c.rowsRead, 0);
      cursors.length = 0;
      return n;
    },
  };
}

/** One command through the command table at the time `now` (ms), its raw Reply. */
export type ClockedRun = (now: number, ...argv: (string | number)[]) => Reply;

/** Runs `fn` inside a fresh shard, dispatching commands with a clock the test sets per command. */
export function withClock(prefix: string, fn: (run: ClockedRun) => void): Promise<void> {
  return runInDurableObject(env.SHARD.getByName(uniqueName(prefix)), (_: Shard, state: DurableObjectState) => {
    const ks = new Keyspace(state.storage.sql, () => {});
    registerElementStores(ks);
    fn((now, ...argv) => {
      ks.now = now;
      return dispatch(COMMANDS, { keyspace: ks, now }, argv.map(String) as Arg[], (f) => state.storage.transactionSync(f));
    });
  });
}
