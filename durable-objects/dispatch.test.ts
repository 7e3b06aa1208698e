import { describe, expect, it } from "vitest";
import type { ExecContext } from "./context";
import { dispatch } from "./dispatch";
import { CommandError, OK } from "./reply";
import { ShardCounters } from "./stats/counters";
import { CommandTable } from "./table";

const stats = new ShardCounters((name) => (name === "ok" ? "test" : "other"));
/** No keyspace: its lookup counter and the memory accounting's bookkeeping, which these commands never change; no memory limit. */
const ctx = {
  keyspace: { lookups: null, shardCount: 1, memory: { depthNow: 0, writing: false, begin: () => 0, end() {}, rollback() {} } },
  config: { maxmemory: 0 },
  stats,
} as unknown as ExecContext;

describe("dispatch", () => {
  const writes: string[] = [];
  const table = new CommandTable().add(
    { name: "ok", arity: 1, flags: ["readonly"], run: () => OK },
    { name: "refuse", arity: 1, flags: ["readonly"], run: () => { throw new CommandError("ERR refused"); } },
    { name: "crash", arity: 1, flags: ["write"], run: () => { writes.push("crash"); throw new TypeError("boom"); } },
  );
  /** A stand-in for transactionSync: records the rollback of a throwing write. */
  const atomically = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      writes.pop();
      throw e;
    }
  };

  it("checks lookup and arity from the table", () => {
    expect(dispatch(table, ctx, ["nope"], atomically)).toEqual({ error: "ERR unknown command 'nope', with args beginning with: " });
    expect(dispatch(table, ctx, ["ok", "x"], atomically)).toEqual({ error: "ERR wrong number of arguments for 'ok' command" });
    expect(dispatch(table, ctx, ["OK"], atomically)).toEqual(OK);
  });

  it("turns a CommandError into an error reply", () => {
    expect(dispatch(table, ctx, ["refuse"], atomically)).toEqual({ error: "ERR refused" });
  });

  it("turns an unexpected exception into an error reply after rolling the write back", () => {
    expect(dispatch(table, ctx, ["crash"], atomically)).toEqual({ error: "ERR internal error in 'crash': boom" });
    expect(writes).toEqual([]);
    expect(dispatch(table, ctx, ["ok"], atomically)).toEqual(OK);
  });

  it("counts calls, rejected and failed calls, and errors by prefix", () => {
    stats.reset();
    dispatch(table, ctx, ["ok"], atomically);
    dispatch(table, ctx, ["ok", "x"], atomically);
    dispatch(table, ctx, ["refuse"], atomically);
    dispatch(table, ctx, ["nope"], atomically);
    const snap = stats.snapshot();
    expect(snap.commands.ok).toMatchObject({ calls: 1, rejected: 1, failed: 0 });
    expect(snap.commands.refuse).toMatchObject({ calls: 1, rejected: 0, failed: 1 });
    expect(snap.commands.nope).toBeUndefined();
    expect(snap.errors).toEqual({ ERR: 3 });
    expect(snap.counters.total_commands_processed).toBe(2);
    expect(snap.counters.total_error_replies).toBe(3);
    expect(snap.latency.test!.counts.reduce((a, b) => a + b, 0)).toBe(1);
  });
});
