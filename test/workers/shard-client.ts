/**
 * Test access to one shard Durable Object: its `exec` RPC (as the Worker calls it), its SQL
 * storage from inside the object, and the command table run with a clock the test sets.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { Arg } from "../../durable-objects/args";
import { COMMANDS } from "../../durable-objects/commands";
import { dispatch } from "../../durable-objects/dispatch";
import type { Reply } from "../../durable-objects/reply";
import type { Shard } from "../../durable-objects/shard";
import { registerElementStores } from "../../durable-objects/store/elements";
import { ScriptState } from "../../durable-objects/scripting/state";
import { Keyspace } from "../../durable-objects/store/keyspace";
import type { Value } from "../conformance/harness";
import { fromReply } from "../conformance/normalize";
import { ShardCounters } from "../../durable-objects/stats/counters";
import { ConfigStore } from "../../durable-objects/config/store";
import type { Publisher } from "../../durable-objects/pubsub/publisher";

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
 * - `sql(fn)`: `fn` run inside the object on its SQL storage; what `fn` changes behind the
 *   keyspace's back is seen by the next command (the shard's key cache is emptied after it).
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
  const sql = <T>(fn: (sql: SqlStorage) => T) =>
    runInDurableObject(stub, (shard: Shard, state: DurableObjectState) => {
      try {
        return fn(state.storage.sql);
      } finally {
        (shard as unknown as { keyspace: Keyspace }).keyspace.cache.clear();
      }
    });
  return { stub, rpc, call, r, sql };
}

/** A shard of its own (an empty one), named after `prefix`. */
export function freshShard(prefix: string) {
  return shard(uniqueName(prefix));
}

/**
 * Runs `steps` on a keyspace over `sql` (element stores registered, clock at now) that counts the
 * rows SQLite reads: `done(name)` records under `name` the rows read since the previous `done`.
 */
export function rowsReadPerStep(sql: SqlStorage, steps: (ks: Keyspace, done: (name: string) => void) => void): Record<string, number> {
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
  ks.now = Date.now();
  cursors.length = 0;
  const rows: Record<string, number> = {};
  steps(ks, (name) => {
    rows[name] = cursors.reduce((sum, c) => sum + c.rowsRead, 0);
    cursors.length = 0;
  });
  return rows;
}

/**
 * The row `query` selects for `key` (its metadata), or undefined after checking that `key` has no
 * row in `keys` either.
 */
export function metaRow<T extends Record<string, SqlStorageValue>>(sql: SqlStorage, query: string, key: string): T | undefined {
  const meta = sql.exec<T>(query, key).toArray()[0];
  if (!meta) expect(sql.exec("SELECT count(*) AS n FROM keys WHERE key = ?", key).one().n).toBe(0);
  return meta;
}

/** A fresh shard seen from inside: its keyspace, its SQL storage, and commands run straight through the table. */
export interface DirectShard {
  ks: Keyspace;
  /** The shard's own SQL storage (the keyspace may run over a wrapper of it: `wrap`). */
  sql: SqlStorage;
  /** One command through the command table at the keyspace's `now`, its raw Reply. */
  run: (...argv: (Arg | number)[]) => Reply;
}

/**
 * Runs `fn` inside a fresh shard named after `prefix`, with a keyspace of its own over the
 * shard's SQL storage (or over `wrap(sql)`, e.g. to log statements) and, if given, a value limit.
 */
export function inDirectShard<T>(
  prefix: string,
  fn: (s: DirectShard) => T,
  opts: { maxValueBytes?: number; wrap?: (sql: SqlStorage) => SqlStorage; pubsub?: Publisher; config?: ConfigStore } = {},
): Promise<T> {
  return runInDurableObject(env.SHARD.getByName(uniqueName(prefix)), (_: Shard, state: DurableObjectState) => {
    const sql = state.storage.sql;
    const ks = new Keyspace(opts.wrap ? opts.wrap(sql) : sql, () => {}, (f) => state.storage.transactionSync(f));
    registerElementStores(ks);
    ks.now = Date.now();
    if (opts.maxValueBytes !== undefined) ks.maxValueBytes = opts.maxValueBytes;
    const scripts = new ScriptState(sql, COMMANDS);
    const config = opts.config ?? new ConfigStore();
    const stats = new ShardCounters();
    ks.notifyTo = { config, pubsub: opts.pubsub };
    const run = (...args: (Arg | number)[]) =>
      dispatch(COMMANDS, { keyspace: ks, scripts, config, stats, now: ks.now, pubsub: opts.pubsub }, args.map((a) => (typeof a === "number" ? String(a) : a)), (f) => ks.transaction(f));
    return fn({ ks, sql, run });
  });
}

/** One command through the command table at the time `now` (ms), its raw Reply. */
export type ClockedRun = (now: number, ...argv: (string | number)[]) => Reply;

/** Runs `fn` inside a fresh shard, dispatching commands with a clock the test sets per command. */
export function withClock(prefix: string, fn: (run: ClockedRun) => void): Promise<void> {
  return inDirectShard(prefix, ({ ks, run }) =>
    fn((now, ...argv) => {
      ks.now = now;
      return run(...argv);
    }),
  );
}
