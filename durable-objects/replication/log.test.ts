/**
 * Starting and stopping the change log. Without REPLICA_REGIONS (this project's vars) it is off: no triggers, no log rows,
 * no position; a shard whose log ran before drops its triggers, rows and epoch when it starts.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fromReply } from "../../test/conformance/normalize";
import { freshShard } from "../../test/workers/shard-client";
import type { Reply } from "../reply";
import type { Shard } from "../shard";
import { ChangeLog, logTriggers } from "./log";

describe("the change log without replicas", () => {
  it("writes nothing and has no triggers", async () => {
    const s = freshShard("log-off");
    expect(await s.r("SET", "a", "1")).toBe("OK");
    expect(await s.r("HSET", "h", "f", "v")).toBe(1);
    await s.sql((sql) => {
      expect(logTriggers(sql)).toEqual([]);
      expect(sql.exec("SELECT count(*) AS n FROM changelog").one().n).toBe(0);
    });
    const rpc = s.stub as unknown as { position(): Promise<unknown>; changes(e: string, a: number, l: number): Promise<unknown>; exec(b: string[][], l: object): Promise<unknown> };
    expect(await rpc.position()).toEqual({ epoch: "", position: 0 });
    expect(await rpc.changes("", 0, 10)).toEqual({ rebuild: true });
    const answer = (await rpc.exec([["GET", "a"]], { position: true })) as { replies: Reply[]; epoch: string; position: number };
    expect({ ...answer, replies: answer.replies.map(fromReply) }).toEqual({ replies: ["1"], epoch: "", position: 0 });
  });

  it("a shard whose log ran drops it when it starts without replicas", async () => {
    const s = freshShard("log-stopped");
    await runInDurableObject(s.stub, (_shard: Shard, state: DurableObjectState) => {
      const log = ChangeLog.start(state.storage.sql, 1000);
      state.storage.sql.exec("INSERT INTO keys (id, key, type, value) VALUES (1, 'x', 0, x'31')");
      log.mark(Date.now());
      expect(logTriggers(state.storage.sql).length).toBeGreaterThan(0);
    });
    await evictDurableObject(s.stub);
    expect(await s.r("GET", "x")).toBe("1");
    await s.sql((sql) => {
      expect(logTriggers(sql)).toEqual([]);
      expect(sql.exec("SELECT count(*) AS n FROM changelog").one().n).toBe(0);
      expect(sql.exec("SELECT count(*) AS n FROM meta WHERE name LIKE 'changelog_%'").one().n).toBe(0);
    });
  });

  it("a log started with other triggers (a logged table changed) starts again with a new epoch", async () => {
    const s = freshShard("log-version");
    await runInDurableObject(s.stub, (_shard: Shard, state: DurableObjectState) => {
      const sql = state.storage.sql;
      const a = ChangeLog.start(sql, 1000);
      expect(ChangeLog.start(sql, 1000).epoch).toBe(a.epoch);
      sql.exec("UPDATE meta SET value = 'older' WHERE name = 'changelog_triggers'");
      const b = ChangeLog.start(sql, 1000);
      expect(b.epoch).not.toBe(a.epoch);
      expect(logTriggers(sql).length).toBe(45);
      ChangeLog.stop(sql);
    });
  });
});
