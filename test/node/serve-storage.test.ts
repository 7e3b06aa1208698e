/**
 * scripts/serve/storage.mjs: the objects' files moved into each serving process's directory and
 * back (docs/self-hosting.md "Storage"). The ids are checked against workerd's own in
 * test/node/serve.test.ts (the launcher refuses to serve when they differ).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the launcher, without types
import { alarmIndexRebuilt, alarmIndexStale, objectId, placeObjects, processDir, returnObjects } from "../../scripts/serve/storage.mjs";

type Obj = { namespace: string; name: string };
const shards = (k: number, processes: number, n: number): Obj[] =>
  Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % processes === k)
    .map((i) => ({ namespace: "edgekv-Shard", name: `shard-${i}` }));

describe("the serving processes' storage", () => {
  let data: string;
  const home = () => join(data, "edgekv-Shard");
  const file = (i: number, suffix = ".sqlite") => `${objectId("edgekv-Shard", `shard-${i}`)}${suffix}`;

  beforeEach(() => {
    data = mkdtempSync(join(tmpdir(), "edgekv-storage-test-"));
    mkdirSync(home());
    for (let i = 0; i < 4; i++) for (const suffix of [".sqlite", ".sqlite-wal"]) writeFileSync(join(home(), file(i, suffix)), `${i}${suffix}`);
    writeFileSync(join(home(), "metadata.sqlite"), "single-process alarm index");
  });
  afterEach(() => rmSync(data, { recursive: true, force: true }));

  it("names objects as workerd does (HMAC-SHA256 keyed by the namespace)", () => {
    // Read from a data directory written by one workerd process (SHARDS=4).
    expect(objectId("edgekv-Shard", "shard-0")).toBe("59659032ec82c5a6da336a6e410c4e66af0ec5acfd1524cba89ee1c7a7206a3d");
    expect(objectId("edgekv-Coordinator", "coordinator-0")).toBe("7f700b446ce7009ef884615fd20607cc6e5ef38981845c637a45fdf79e4335e5");
  });

  it("moves each process's objects into its directory, and every file back", () => {
    placeObjects(data, 2, (k: number) => shards(k, 2, 4));
    expect(readdirSync(join(processDir(data, 0), "edgekv-Shard")).sort()).toEqual([file(0), file(0, ".sqlite-wal"), file(2), file(2, ".sqlite-wal")].sort());
    expect(readdirSync(join(processDir(data, 1), "edgekv-Shard")).sort()).toEqual([file(1), file(1, ".sqlite-wal"), file(3), file(3, ".sqlite-wal")].sort());
    expect(readdirSync(home())).toEqual(["metadata.sqlite"]);
    // What a process creates while it runs (a new log, its own alarm index) …
    writeFileSync(join(processDir(data, 1), "edgekv-Shard", file(1, ".sqlite-shm")), "shm");
    writeFileSync(join(processDir(data, 1), "edgekv-Shard", "metadata.sqlite"), "process 1's index");
    returnObjects(data);
    // … comes back with the rest; the processes' indexes are dropped.
    expect(existsSync(join(data, ".serve"))).toBe(false);
    expect(readdirSync(home()).length).toBe(4 * 2 + 1 + 1);
    expect(existsSync(join(home(), file(1, ".sqlite-shm")))).toBe(true);
  });

  it("returns what a run cut short left behind before placing objects for another WORKERS", () => {
    placeObjects(data, 2, (k: number) => shards(k, 2, 4));
    // (killed here: the files wait in .serve/)
    placeObjects(data, 3, (k: number) => shards(k, 3, 4));
    expect(readdirSync(join(processDir(data, 2), "edgekv-Shard")).sort()).toEqual([file(2), file(2, ".sqlite-wal")].sort());
    expect(existsSync(processDir(data, 1))).toBe(true);
    returnObjects(data);
    expect(readdirSync(home()).filter((f) => f !== "metadata.sqlite").length).toBe(8);
  });

  it("marks the single-process alarm index stale from the first placement until it is rebuilt", () => {
    expect(alarmIndexStale(data)).toBe(false);
    placeObjects(data, 2, (k: number) => shards(k, 2, 4));
    expect(alarmIndexStale(data)).toBe(true);
    returnObjects(data);
    // Back in the single-process layout, the index still misses what was set on the processes.
    expect(alarmIndexStale(data)).toBe(true);
    alarmIndexRebuilt(data);
    expect(alarmIndexStale(data)).toBe(false);
  });

  it("refuses a file found in both places, and moves nothing over it", () => {
    placeObjects(data, 2, (k: number) => shards(k, 2, 4));
    writeFileSync(join(home(), file(0)), "a stray copy");
    expect(() => returnObjects(data)).toThrow(/both exist/);
    expect(existsSync(join(processDir(data, 0), "edgekv-Shard", file(0)))).toBe(true);
  });
});
