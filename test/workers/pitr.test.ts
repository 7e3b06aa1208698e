/**
 * PITR.* through the Worker on local workerd: getCurrentBookmark answers a local bookmark (mostly zeros), the
 * restore calls throw "not implemented". So PITR.CHECKPOINT records a checkpoint on every shard
 * (those bookmarks), PITR.RESTORE answers the storage's error and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { cmd, freshKey, multiExec, READONLY_TOKEN, SHARDS } from "./http-helpers";
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import app from "../../worker/index";

type Pitr = { pitrBookmark(): Promise<unknown>; pitrRestore(txid: string, b: string): Promise<unknown> };
const shard = (i: number) => env.SHARD.getByName(`shard-${i}`) as unknown as Pitr;

describe("point-in-time restore locally", () => {
  it("pitrBookmark answers the local zero bookmark; pitrRestore outside a lock-all transaction is refused", async () => {
    const b = (await shard(0).pitrBookmark()) as { ok: boolean; bookmark: string };
    expect(b.ok).toBe(true);
    expect(b.bookmark).toMatch(/^[0-9a-f]+(-[0-9a-f]+)+$/);
    expect(await shard(0).pitrRestore("no-such-tx", b.bookmark)).toEqual({ ok: false, error: "ERR point-in-time restore: the shard is not locked by this restore" });
  });

  it("PITR.CHECKPOINT records a checkpoint on every shard, listed by PITR.CHECKPOINTS", async () => {
    const taken = await cmd("PITR.CHECKPOINT");
    expect(taken.error).toBeUndefined();
    const [id, time] = taken.result as [string, number];
    expect(typeof id).toBe("string");
    expect(Number.isSafeInteger(time)).toBe(true);
    const list = (await cmd("PITR.CHECKPOINTS")).result as [string, number][];
    expect(list).toContainEqual([id, time]);
    // Every shard holds the row, with the bookmark its storage answered.
    const rows = await Promise.all(Array.from({ length: SHARDS }, (_, i) => shardRows(i)));
    for (const r of rows) expect(r.find((row) => row[0] === id)?.[2]).toMatch(/^[0-9a-f]+(-[0-9a-f]+)+$/);
  });

  it("PITR.RESTORE answers the storage back-end's error and changes nothing", async () => {
    const key = freshKey("pitr");
    await cmd("PITR.CHECKPOINT");
    await cmd("SET", key, "after");
    const reply = await cmd("PITR.RESTORE", String(Date.now()));
    expect(reply.error).toMatch(/^ERR point-in-time restore: .*does not implement point-in-time recovery/);
    expect(await cmd("GET", key)).toEqual({ result: "after" });
    expect(await cmd("SET", key, "still writable")).toEqual({ result: "OK" });
    // The restore's lock-all transaction was released everywhere.
    const locked = await Promise.all(Array.from({ length: SHARDS }, (_, i) => (env.SHARD.getByName(`shard-${i}`) as unknown as { lockedKeys(): Promise<number> }).lockedKeys()));
    expect(locked.every((n) => n === 0)).toBe(true);
  });

  it("PITR.RESTORE before the oldest checkpoint names it; an unknown id is an error", async () => {
    expect((await cmd("PITR.RESTORE", "1")).error).toMatch(/^ERR no checkpoint at or before 1: the oldest is \S+ at \d+$/);
    expect((await cmd("PITR.RESTORE", "no-such")).error).toBe("ERR no checkpoint no-such on every shard");
  });

  it("PITR.CHECKPOINT name: the id ends with the name, and PITR.RESTORE finds it by name", async () => {
    const taken = await cmd("PITR.CHECKPOINT", "nightly");
    const [id] = taken.result as [string, number];
    expect(id).toMatch(/^\d+-[0-9a-f]{8}-nightly$/);
    expect(((await cmd("PITR.CHECKPOINTS")).result as [string, number][]).map((c) => c[0])).toContain(id);
    // Found by name: the restore reaches the storage, which cannot restore locally.
    expect((await cmd("PITR.RESTORE", "nightly")).error).toMatch(/does not implement point-in-time recovery/);
    expect(await cmd("PITR.CHECKPOINT", "not a name")).toEqual({ error: "ERR invalid checkpoint name: letters, digits and _.:- only, at most 64, not all digits" });
    expect(await cmd("PITR.CHECKPOINT", "42")).toEqual({ error: "ERR invalid checkpoint name: letters, digits and _.:- only, at most 64, not all digits" });
  });

  it("PITR.FORGET drops a checkpoint on every shard: 1, then 0", async () => {
    const [id] = (await cmd("PITR.CHECKPOINT", "to-forget")).result as [string, number];
    expect(await cmd("PITR.FORGET", id)).toEqual({ result: 1 });
    expect(await cmd("PITR.FORGET", id)).toEqual({ result: 0 });
    expect(((await cmd("PITR.CHECKPOINTS")).result as [string, number][]).map((c) => c[0])).not.toContain(id);
    const rows = await Promise.all(Array.from({ length: SHARDS }, (_, i) => shardRows(i)));
    expect(rows.flat().some((r) => r[0] === id)).toBe(false);
    expect((await cmdAs(READONLY_TOKEN, "PITR.FORGET", id)).error).toMatch(/^NOPERM/);
  });

  it("the cron trigger takes scheduled checkpoints only with PITR_CHECKPOINT_EVERY, keeping PITR_CHECKPOINT_KEEP", async () => {
    const scheduledIds = async () => ((await cmd("PITR.CHECKPOINTS")).result as [string, number][]).map((c) => c[0]).filter((id) => id.endsWith("-scheduled"));
    const cron = async (vars: Record<string, string>) => {
      const ctx = createExecutionContext();
      await (app as unknown as { scheduled(c: unknown, e: unknown, x: unknown): Promise<void> }).scheduled({ cron: "* * * * *", scheduledTime: Date.now() }, { ...env, ...vars }, ctx);
      await waitOnExecutionContext(ctx);
    };
    await cron({});
    expect(await scheduledIds()).toEqual([]);
    await cron({ PITR_CHECKPOINT_EVERY: "1s", PITR_CHECKPOINT_KEEP: "1" });
    const [first] = await scheduledIds();
    expect(first).toBeDefined();
    await cron({ PITR_CHECKPOINT_EVERY: "1h", PITR_CHECKPOINT_KEEP: "1" });
    expect(await scheduledIds()).toEqual([first]);
    await new Promise((r) => setTimeout(r, 1_000));
    await cron({ PITR_CHECKPOINT_EVERY: "1s", PITR_CHECKPOINT_KEEP: "1" });
    const now = await scheduledIds();
    expect(now.length).toBe(1);
    expect(now[0]).not.toBe(first);
  });

  it("PITR.CHECKPOINT with arguments is an arity error through the Worker", async () => {
    expect(await cmd("PITR.CHECKPOINT", "x", "1", "y")).toEqual({ error: "ERR wrong number of arguments for 'pitr.checkpoint' command" });
  });

  it("the read-only token may list but not checkpoint or restore", async () => {
    const ro = (...args: string[]) => cmdAs(READONLY_TOKEN, ...args);
    expect((await ro("PITR.CHECKPOINT")).error).toMatch(/^NOPERM/);
    expect((await ro("PITR.RESTORE", "1")).error).toMatch(/^NOPERM/);
    expect((await ro("PITR.CHECKPOINTS")).error).toBeUndefined();
  });

  it("inside a transaction the PITR commands answer an error", async () => {
    const res = await multiExec([["PITR.CHECKPOINT"]]);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(await res.json())).toMatch(/not allowed inside a transaction/);
  });
});

async function shardRows(i: number): Promise<[string, number, string][]> {
  return runInDurableObject(env.SHARD.getByName(`shard-${i}`), (_o, state: DurableObjectState) =>
    state.storage.sql.exec<{ id: string; time: number; bookmark: string }>("SELECT id, time, bookmark FROM pitr_checkpoints").toArray().map((r) => [r.id, r.time, r.bookmark] as [string, number, string]),
  );
}

async function cmdAs(token: string, ...args: string[]): Promise<{ result?: unknown; error?: string }> {
  const { call } = await import("./http-helpers");
  const res = await call("/", { body: JSON.stringify(args), token });
  return (await res.json()) as { result?: unknown; error?: string };
}
