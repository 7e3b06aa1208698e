import { describe, expect, it } from "vitest";
import { dataPoints, intervalSeconds, MAX_BLOB_CHARS, MAX_POINTS, maybeIntervalWrite, writeDataset, type DataPoint } from "./analytics";
import type { ShardMetrics } from "./index";

/** A dataset binding that records what it is given. */
function fakeDataset(): AnalyticsEngineDataset & { points: AnalyticsEngineDataPoint[] } {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p ?? {}) };
}

function shard(over: Partial<ShardMetrics["counts"]> = {}, keys = 3): ShardMetrics {
  return {
    counts: {
      counters: { total_commands_processed: 10, keyspace_hits: 4, keyspace_misses: 1, "ratelimit_admitted:gcra": 2, "ratelimit_refused:gcra": 1 },
      commands: { get: { calls: 6, usec: 2000, rejected: 1, failed: 0 }, set: { calls: 4, usec: 1000, rejected: 0, failed: 1 } },
      errors: { ERR: 2 },
      latency: { string: { counts: [5, 0, 0, 2, 0, 0, 0, 0], sumUsec: 3000 } },
      ...over,
    },
    keys,
    expires: 1,
    bytes: 512,
    slowlog: 2,
    locked: 0,
    startedAt: 1_700_000_000_000,
  };
}

const enc = new TextEncoder();

/** Analytics Engine's documented limits for one point. */
function expectWithinLimits(p: AnalyticsEngineDataPoint): void {
  expect(p.indexes).toHaveLength(1);
  expect(enc.encode(String(p.indexes![0])).length).toBeLessThanOrEqual(96);
  expect(p.blobs!.length).toBeLessThanOrEqual(20);
  expect(p.doubles!.length).toBeLessThanOrEqual(20);
  const blobBytes = p.blobs!.reduce((n, b) => n + enc.encode(String(b)).length, 0);
  expect(blobBytes).toBeLessThanOrEqual(16 * 1024);
  for (const b of p.blobs!) expect(typeof b).toBe("string");
  for (const d of p.doubles!) expect(Number.isFinite(d)).toBe(true);
}

const byKind = (points: DataPoint[], kind: string) => points.filter((p) => p.blobs[0] === kind);

describe("Analytics Engine data points", () => {
  it("carry the /metrics figures: totals, shards, commands, errors, latency, rate-limit decisions", () => {
    const ds = fakeDataset();
    const n = writeDataset(ds, [shard(), null, shard({}, 5)], "scrape");
    expect(n).toBe(ds.points.length);
    const points = ds.points as DataPoint[];
    points.forEach(expectWithinLimits);
    for (const p of points) expect(p.indexes[0]).toBe(p.blobs[0]);
    expect(points[0]).toEqual({ indexes: ["totals"], blobs: ["totals", "scrape"], doubles: [20, 8, 2, 0, 0, 0, 0, 2, 3, 0] });
    expect(byKind(points, "shard")).toEqual([
      { indexes: ["shard"], blobs: ["shard", "0", "scrape"], doubles: [1, 3, 1, 512, 2, 0, 1_700_000_000] },
      { indexes: ["shard"], blobs: ["shard", "1", "scrape"], doubles: [0] },
      { indexes: ["shard"], blobs: ["shard", "2", "scrape"], doubles: [1, 5, 1, 512, 2, 0, 1_700_000_000] },
    ]);
    expect(byKind(points, "command")).toEqual([
      { indexes: ["command"], blobs: ["command", "get", "scrape"], doubles: [12, 2, 0, 0.004] },
      { indexes: ["command"], blobs: ["command", "set", "scrape"], doubles: [8, 0, 2, 0.002] },
    ]);
    expect(byKind(points, "error")).toEqual([{ indexes: ["error"], blobs: ["error", "ERR", "scrape"], doubles: [4] }]);
    expect(byKind(points, "latency")).toEqual([
      { indexes: ["latency"], blobs: ["latency", "string", "scrape"], doubles: [10, 0, 0, 4, 0, 0, 0, 0, 0.006] },
    ]);
    expect(byKind(points, "ratelimit")).toEqual([{ indexes: ["ratelimit"], blobs: ["ratelimit", "gcra", "scrape"], doubles: [4, 2] }]);
  });

  it("stay within MAX_POINTS, keep the most called commands and count what they left out", () => {
    const commands: ShardMetrics["counts"]["commands"] = {};
    for (let i = 0; i < 500; i++) commands[`cmd${i}`] = { calls: i + 1, usec: 0, rejected: 0, failed: 0 };
    const points = dataPoints([shard({ commands })], "scrape");
    expect(points).toHaveLength(MAX_POINTS);
    expect(MAX_POINTS).toBeLessThanOrEqual(250);
    points.forEach(expectWithinLimits);
    const cmds = byKind(points, "command");
    expect(cmds[0]!.blobs[1]).toBe("cmd499");
    expect(cmds.every((p) => Number(p.blobs[1]!.slice(3)) >= 500 - cmds.length)).toBe(true);
    const total = points.length - 1 + points[0]!.doubles[9]!;
    expect(total).toBe(1 + 1 + 1 + 1 + 500 + byKind(points, "isolate").length);
  });

  it("cut long label values to MAX_BLOB_CHARS", () => {
    const long = "x".repeat(5000);
    const points = dataPoints([shard({ commands: { [long]: { calls: 1, usec: 0, rejected: 0, failed: 0 } } })], "scrape");
    const p = byKind(points, "command")[0]!;
    expect(p.blobs[1]).toHaveLength(MAX_BLOB_CHARS);
    expectWithinLimits(p);
  });

  it("no binding: no write and no error; a binding that throws: no error", () => {
    expect(writeDataset(undefined, [shard()], "scrape")).toBe(0);
    const throwing = {
      writeDataPoint() {
        throw new Error("dataset unavailable");
      },
    };
    expect(writeDataset(throwing, [shard()], "scrape")).toBe(0);
  });
});

describe("interval writes", () => {
  it("parse the interval: unset, zero, negative or not a number is off", () => {
    expect([undefined, "", "0", "-5", "soon"].map(intervalSeconds)).toEqual([0, 0, 0, 0, 0]);
    expect(intervalSeconds("60")).toBe(60);
  });

  it("without a binding or an interval: nothing gathered, nothing waited for", () => {
    let gathered = 0;
    const waits: Promise<unknown>[] = [];
    const gather = async () => (gathered++, [shard()]);
    expect(maybeIntervalWrite(undefined, "60", 0, (p) => waits.push(p), gather)).toBe(false);
    expect(maybeIntervalWrite(fakeDataset(), undefined, 0, (p) => waits.push(p), gather)).toBe(false);
    expect(gathered + waits.length).toBe(0);
  });

  it("write at most once per interval per isolate, after the reply, and survive a failed gather", async () => {
    const ds = fakeDataset();
    const waits: Promise<unknown>[] = [];
    let gathered = 0;
    const gather = async () => (gathered++, [shard()]);
    expect(maybeIntervalWrite(ds, "60", 1_000_000, (p) => waits.push(p), gather)).toBe(true);
    expect(maybeIntervalWrite(ds, "60", 1_059_999, (p) => waits.push(p), gather)).toBe(false);
    await Promise.all(waits);
    expect(gathered).toBe(1);
    expect(ds.points.length).toBeGreaterThan(0);
    expect(ds.points.every((p) => p.blobs!.at(-1) === "interval")).toBe(true);

    const failing = async (): Promise<(ShardMetrics | null)[]> => {
      throw new Error("shard down");
    };
    expect(maybeIntervalWrite(ds, "60", 1_060_000, (p) => waits.push(p), failing)).toBe(true);
    await expect(Promise.all(waits)).resolves.toBeDefined();
    expect(maybeIntervalWrite(ds, "60", 1_060_001, (p) => waits.push(p), gather)).toBe(false);
  });

  it("a waitUntil that throws does not reach the request", () => {
    const throwing = () => {
      throw new Error("no execution context");
    };
    expect(maybeIntervalWrite(fakeDataset(), "1", 0, throwing, async () => [])).toBe(false);
  });
});
