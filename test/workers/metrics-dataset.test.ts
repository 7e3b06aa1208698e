/** GET /metrics and ordinary requests with and without a METRICS_DATASET binding (worker/metrics/analytics.ts). */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../../worker/index";
import type { Env } from "../../worker/env";
import { callWith, cmd, freshKey, TOKEN } from "./http-helpers";

function fakeDataset(): AnalyticsEngineDataset & { points: AnalyticsEngineDataPoint[] } {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p ?? {}) };
}

describe("METRICS_DATASET", () => {
  it("a scrape writes the figures it served; without the binding it answers as before", async () => {
    const k = freshKey("dataset");
    await cmd("SET", k, "v");
    await cmd("GET", k);
    const ds = fakeDataset();
    const res = await callWith({ METRICS_DATASET: ds }, "/metrics");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(ds.points[0]!.blobs).toEqual(["totals", "scrape"]);
    const processed = Number(/^edgekv_commands_processed_total (\d+)$/m.exec(text)![1]);
    expect(ds.points[0]!.doubles![0]).toBe(processed);
    expect(ds.points.filter((p) => p.blobs![0] === "shard")).toHaveLength(16);
    const get = ds.points.find((p) => p.blobs![0] === "command" && p.blobs![1] === "get")!;
    expect(get.doubles![0]).toBe(Number(/^edgekv_command_calls_total\{command="get"\} (\d+)$/m.exec(text)![1]));
    expect(ds.points.length).toBeLessThanOrEqual(250);

    const plain = await callWith({}, "/metrics");
    expect(plain.status).toBe(200);
    expect(await plain.text()).toContain("edgekv_commands_processed_total");
  });

  it("a dataset that throws changes no reply", async () => {
    const throwing = {
      writeDataPoint() {
        throw new Error("dataset unavailable");
      },
    };
    expect((await callWith({ METRICS_DATASET: throwing }, "/metrics")).status).toBe(200);
    const res = await callWith({ METRICS_DATASET: throwing, METRICS_DATASET_INTERVAL: "1" }, "/", { body: JSON.stringify(["PING"]) });
    expect(await res.json()).toEqual({ result: "PONG" });
  });

  it("with METRICS_DATASET_INTERVAL an ordinary request writes after its reply, once per interval", async () => {
    const ds = fakeDataset();
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const bindings = { ...(env as unknown as Env), METRICS_DATASET: ds, METRICS_DATASET_INTERVAL: "3600" };
    const ping = () =>
      app.fetch(new Request("http://edgekv/", { method: "POST", body: '["PING"]', headers: { authorization: `Bearer ${TOKEN}` } }), bindings, ctx);
    expect(await (await ping()).json()).toEqual({ result: "PONG" });
    expect(await (await ping()).json()).toEqual({ result: "PONG" });
    expect(waits).toHaveLength(1);
    await Promise.all(waits);
    expect(ds.points[0]!.blobs).toEqual(["totals", "interval"]);
    expect(ds.points.filter((p) => p.blobs![0] === "shard")).toHaveLength(16);
  });

  it("a scrape writes one set of points even when the interval is due", async () => {
    const ds = fakeDataset();
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
    const bindings = { ...(env as unknown as Env), METRICS_DATASET: ds, METRICS_DATASET_INTERVAL: "1" };
    const res = await app.fetch(new Request("http://edgekv/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }), bindings, ctx);
    expect(res.status).toBe(200);
    await Promise.all(waits);
    expect(waits).toHaveLength(0);
    expect(ds.points.filter((p) => p.blobs![0] === "totals")).toHaveLength(1);
    expect(ds.points.every((p) => p.blobs!.at(-1) === "scrape")).toBe(true);
  });
});
