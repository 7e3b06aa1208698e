/** With REPLICA_REGIONS set, a restore is refused before any shard is touched (docs/point-in-time.md "Read replicas"). */
import { env } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { cmd, freshKey, SHARDS } from "./http-helpers";

describe("point-in-time restore with read replicas", () => {
  // The checkpoint writes on every shard, so every replica catches up (or rebuilds): let that
  // finish before the file ends, so nothing is left running at teardown.
  afterAll(async () => {
    const replicas = ["weur", "apac"].flatMap((region) => Array.from({ length: SHARDS }, (_, i) => `replica-${region}-${i}`));
    await Promise.all(replicas.map((name) => (env.REPLICA.getByName(name) as unknown as { catchUp(): Promise<unknown> }).catchUp()));
  });

  it("PITR.RESTORE and PITR.RESTORE-BOOKMARKS are refused; the data stays", async () => {
    const key = freshKey("pitr-replicas");
    expect((await cmd("PITR.CHECKPOINT")).error).toBeUndefined();
    await cmd("SET", key, "kept");
    expect((await cmd("PITR.RESTORE", String(Date.now()))).error).toMatch(/^ERR PITR.RESTORE is refused while REPLICA_REGIONS is set/);
    expect((await cmd("PITR.RESTORE-BOOKMARKS", "x")).error).toMatch(/REPLICA_REGIONS/);
    expect(await cmd("GET", key)).toEqual({ result: "kept" });
  });
});
