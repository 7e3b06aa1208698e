/**
 * MONITOR inside workerd, through the Worker (SELF): over `/ws` and as SSE (`/monitor`); the
 * lines a shard sends (its client field, scripts as `lua`, admin commands hidden, a batch in
 * order), the read-only token refused, and the shards' monitor rows across hibernation, a
 * restart (healed by the first delivery) and a monitor's close.
 */
import { env, evictAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { call, cmd, READONLY_TOKEN, SHARDS } from "./http-helpers";
import { connect, type Client } from "./ws-client";

const LINE = /^\d+\.\d{6} \[0 (shard-\d+|lua)\] /;
type MonitorRpc = { pubsubMonitorGateways(): Promise<number[]> };
const shard = (i: number) => env.SHARD.getByName(`shard-${i}`) as unknown as MonitorRpc;
const monitorRows = () => Promise.all(Array.from({ length: SHARDS }, (_, i) => shard(i).pubsubMonitorGateways()));

/** The shards' monitor rows once no shard has any (an earlier test's closed monitor is forgotten asynchronously). */
async function noMonitorRows(): Promise<number[][]> {
  let rows = await monitorRows();
  for (let i = 0; i < 50 && rows.some((g) => g.length > 0); i++) rows = await monitorRows();
  return rows;
}

/** The lines a monitor receives that mention `prefix`, until one contains `until` (other tests' commands skipped). */
async function linesUntil(m: Client, prefix: string, until: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const f = await m.next();
    expect(typeof f.result).toBe("string");
    const line = f.result as string;
    expect(line).toMatch(LINE);
    if (!line.includes(prefix)) continue;
    out.push(line.replace(/^\d+\.\d{6} /, ""));
    if (line.includes(until)) return out;
  }
  throw new Error("no line with " + until);
}

const at = (key: string) => `shard-${shardOf(key, SHARDS)}`;

describe("MONITOR over /ws", () => {
  it("answers OK, then shows every command with the shard that ran it", async () => {
    const m = await connect();
    expect(await m.call(["MONITOR"])).toEqual([{ result: "OK" }]);
    expect(await cmd("SET", "mon:a", "v 1")).toEqual({ result: "OK" });
    expect(await cmd("GET", "mon:a")).toEqual({ result: "v 1" });
    expect(await linesUntil(m, "mon:a", "GET")).toEqual([`[0 ${at("mon:a")}] "SET" "mon:a" "v 1"`, `[0 ${at("mon:a")}] "GET" "mon:a"`]);
    m.ws.close();
  });

  it("a batch's commands in order, with one time; a script's calls as lua; admin and refused commands hidden", async () => {
    const m = await connect();
    await m.call(["MONITOR"]);
    const k = "{mon:b}x";
    const res = await call("/pipeline", { body: JSON.stringify([["SET", k, "1"], ["INCR", k], ["CONFIG", "GET", "maxmemory"], ["NOSUCH", k], ["SET", k]]) });
    expect(res.status).toBe(200);
    await cmd("EVAL", "redis.call('SET', KEYS[1], 'a\"b\\n') return redis.call('GET', KEYS[1])", 1, k);
    await cmd("ECHO", "mon:b-end");
    const first = await linesUntil(m, "mon:b", "mon:b-end");
    const s = at(k);
    expect(first).toEqual([
      `[0 ${s}] "SET" "{mon:b}x" "1"`,
      `[0 ${s}] "INCR" "{mon:b}x"`,
      `[0 ${s}] "EVAL" "redis.call('SET', KEYS[1], 'a\\"b\\\\n') return redis.call('GET', KEYS[1])" "1" "{mon:b}x"`,
      `[0 lua] "SET" "{mon:b}x" "a\\"b\\n"`,
      `[0 lua] "GET" "{mon:b}x"`,
      `[0 shard-0] "ECHO" "mon:b-end"`,
    ]);
    m.ws.close();
  });

  it("the pipeline's lines of one shard carry the same time (one delivery per batch)", async () => {
    const m = await connect();
    await m.call(["MONITOR"]);
    await call("/pipeline", { body: JSON.stringify([["SET", "{mon:t}1", "a"], ["SET", "{mon:t}2", "b"], ["GET", "{mon:t}1"]]) });
    const times = new Set<string>();
    for (let n = 0; n < 3; ) {
      const line = (await m.next()).result as string;
      if (!line.includes("{mon:t}")) continue;
      times.add(line.split(" ")[0]!);
      n++;
    }
    expect(times.size).toBe(1);
    m.ws.close();
  });

  it("the read-only token is refused; over REST MONITOR needs a socket", async () => {
    const ro = await connect(READONLY_TOKEN);
    expect(await ro.call(["MONITOR"])).toEqual([{ error: "NOPERM this token is read-only and cannot run the 'monitor' command" }]);
    ro.ws.close();
    expect(await cmd("MONITOR")).toEqual({ error: "ERR 'monitor' is only available on a WebSocket (GET /ws) or as Server-Sent Events (/monitor)" });
    const res = await call("/monitor", { token: READONLY_TOKEN });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "NOPERM this token is read-only and cannot run the 'monitor' command" });
  });

  it("every shard knows the monitor's gateway while it is open, and forgets it when it closes", async () => {
    const before = await noMonitorRows();
    expect(before.every((g) => g.length === 0)).toBe(true);
    const m = await connect();
    await m.call(["MONITOR"]);
    const rows = await monitorRows();
    expect(new Set(rows.map((g) => g.join(","))).size).toBe(1);
    expect(rows[0]!.length).toBe(1);
    m.ws.close();
    let left = rows;
    for (let i = 0; i < 50 && left.some((g) => g.length > 0); i++) left = await monitorRows();
    expect(left.every((g) => g.length === 0)).toBe(true);
  });

  it("hibernation: the monitor stays registered and still receives", async () => {
    const m = await connect();
    await m.call(["MONITOR"]);
    await evictAllDurableObjects();
    await cmd("SET", "mon:h", "after wake");
    expect(await linesUntil(m, "mon:h", "mon:h")).toEqual([`[0 ${at("mon:h")}] "SET" "mon:h" "after wake"`]);
    m.ws.close();
  });

  it("restart: the monitor is closed; each shard drops its row at its first delivery", async () => {
    expect((await noMonitorRows()).every((g) => g.length === 0)).toBe(true);
    const m = await connect();
    await m.call(["MONITOR"]);
    await evictAllDurableObjects({ webSockets: "close" });
    expect(await m.closed).toBeGreaterThan(0);
    const stale = await monitorRows();
    const home = shardOf("mon:r", SHARDS);
    expect(stale[home]!.length).toBe(1);
    await cmd("SET", "mon:r", "1");
    let rows = stale[home]!;
    for (let i = 0; i < 50 && rows.length > 0; i++) rows = await shard(home).pubsubMonitorGateways();
    expect(rows).toEqual([]);
  });
});

describe("MONITOR as Server-Sent Events", () => {
  it("/monitor: OK, then one event per command", async () => {
    const res = await call("/monitor");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const next = async () => {
      while (!text.includes("\n\n")) {
        const { done, value } = await reader.read();
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
      const i = text.indexOf("\n\n");
      const event = text.slice(0, i);
      text = text.slice(i + 2);
      return event;
    };
    expect(await next()).toBe("data: OK");
    await cmd("SET", "mon:sse", "x\ny");
    let event = "";
    for (let i = 0; i < 1000 && !event.includes("mon:sse"); i++) event = await next();
    expect(event).toMatch(new RegExp(`^data: \\d+\\.\\d{6} \\[0 ${at("mon:sse")}\\] "SET" "mon:sse" "x\\\\ny"$`));
    await reader.cancel();
    expect((await call("/monitor/extra")).status).toBe(400);
  });
});
