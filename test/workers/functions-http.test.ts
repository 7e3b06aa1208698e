/**
 * FUNCTION DUMP/RESTORE/STATS/KILL through the Worker: the read-only token may dump and read
 * stats but not restore, and a restore reaches every shard (an FCALL whose key lives on any
 * shard finds the restored function).
 */
import { describe, expect, it } from "vitest";
import { call, cmd, keysOnDistinctShards, READONLY_TOKEN, SHARDS } from "./http-helpers";

const LIB = "#!lua name=httpdump\nredis.register_function('httpdump_echo', function(keys, args) return keys[1] end)";

async function dump(token?: string): Promise<Uint8Array> {
  const res = await call("/function/dump", { token, base64: true });
  const body = (await res.json()) as { result: string };
  return Uint8Array.from(atob(body.result), (c) => c.charCodeAt(0));
}

async function restore(payload: Uint8Array, policy: string, token?: string) {
  return (await call(`/function/restore?${policy}`, { method: "POST", body: payload, token })).json();
}

describe("FUNCTION DUMP and RESTORE over HTTP", () => {
  it("the read-only token dumps and reads stats but cannot restore", async () => {
    expect(await cmd("FUNCTION", "LOAD", "REPLACE", LIB)).toEqual({ result: "httpdump" });
    const payload = await dump();
    expect([...(await dump(READONLY_TOKEN))]).toEqual([...payload]);
    const stats = (await (await call("/", { body: JSON.stringify(["FUNCTION", "STATS"]), token: READONLY_TOKEN })).json()) as { result: unknown[] };
    expect(stats.result[0]).toBe("running_script");
    expect(await cmd("FUNCTION", "DELETE", "httpdump")).toEqual({ result: "OK" });
    expect(await restore(payload, "REPLACE", READONLY_TOKEN)).toEqual({ error: "NOPERM this token is read-only and cannot run the 'function|restore' command" });
    expect(await cmd("FUNCTION", "LIST", "LIBRARYNAME", "httpdump")).toEqual({ result: [] });
  });

  it("a restore reaches every shard", async () => {
    expect(await cmd("FUNCTION", "LOAD", "REPLACE", LIB)).toEqual({ result: "httpdump" });
    const payload = await dump();
    expect(await cmd("FUNCTION", "DELETE", "httpdump")).toEqual({ result: "OK" });
    expect(await restore(payload, "APPEND")).toEqual({ result: "OK" });
    for (const key of keysOnDistinctShards("restored", Math.min(SHARDS, 8))) {
      expect(await cmd("FCALL", "httpdump_echo", 1, key)).toEqual({ result: key });
    }
    expect(await cmd("FUNCTION", "DELETE", "httpdump")).toEqual({ result: "OK" });
  });
});
