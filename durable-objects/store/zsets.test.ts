/**
 * Sorted sets through a shard beyond what the conformance suite can check against Redis 7.0:
 * ZRANK/ZREVRANK WITHSCORE (Redis 7.2), non-UTF-8 members, ZSCAN's guarantee under concurrent
 * changes, the size limit of members, ZRANDMEMBER's two ways, and the order-statistics tree left
 * sound (zset-tree.ts `verify`) by a long random run of commands with the default limits.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Reply } from "../reply";
import { Shard } from "../shard";
import { shard } from "../../test/workers/shard-client";
import { treeOf } from "./zsets";

describe("sorted sets in a shard", () => {
  it("ZRANDMEMBER refuses a negative count beyond the repeat limit, as SRANDMEMBER and HRANDFIELD", async () => {
    const { call } = shard("zsets-randcap");
    await call("ZADD", "z", "1", "a");
    expect(await call("ZRANDMEMBER", "z", "-100001")).toEqual({
      error: "ERR count is too large: at most 100000 elements can be returned with repetitions",
    });
    expect(((await call("ZRANDMEMBER", "z", "-3")) as Reply[]).length).toBe(3);
  });

  it("ZRANK and ZREVRANK WITHSCORE (Redis 7.2)", async () => {
    const { call } = shard("zsets-withscore");
    await call("ZADD", "z", "1.5", "a", "2", "b", "inf", "c");
    expect(await call("ZRANK", "z", "b", "WITHSCORE")).toEqual([1, "2"]);
    expect(await call("ZREVRANK", "z", "c", "withscore")).toEqual([0, "inf"]);
    expect(await call("ZRANK", "z", "a", "WITHSCORE")).toEqual([0, "1.5"]);
    expect(await call("ZRANK", "z", "nope", "WITHSCORE")).toEqual(null);
    expect(await call("ZRANK", "missing", "a", "WITHSCORE")).toEqual(null);
    expect(await call("ZRANK", "z", "a", "FOO")).toEqual({ error: "ERR syntax error" });
    expect(await call("ZRANK", "z", "a", "WITHSCORE", "x")).toEqual({ error: "ERR syntax error" });
  });

  it("members are bytes: non-UTF-8 members sort by memcmp and come back unchanged", async () => {
    const { call } = shard("zsets-bytes");
    const hi = new Uint8Array([0xff, 0x00]);
    const lo = new Uint8Array([0x00, 0xff]);
    await call("ZADD", "z", "1", hi, "1", lo, "1", "m");
    const range = (await call("ZRANGE", "z", "0", "-1")) as Uint8Array[];
    expect(range.map((m) => [...new Uint8Array(m)])).toEqual([[0x00, 0xff], [0x6d], [0xff, 0x00]]);
    expect(await call("ZSCORE", "z", hi)).toEqual("1");
    expect(await call("ZRANK", "z", hi)).toEqual(2);
  });

  it("ZRANDMEMBER by rank lookups and by one ordered pass gives members with their scores", async () => {
    const { call } = shard("zsets-rand");
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(String(i), `m${i}`);
    await call("ZADD", "z", ...args);
    const dec = new TextDecoder();
    for (const count of ["2", "-3", "600", "-2500"]) {
      const got = (await call("ZRANDMEMBER", "z", count, "WITHSCORES")) as Reply[];
      expect(got.length).toBe(Math.abs(Number(count)) * 2);
      const members = new Set<string>();
      for (let i = 0; i < got.length; i += 2) {
        const m = dec.decode(got[i] as Uint8Array);
        expect(`m${got[i + 1]}`).toBe(m);
        members.add(m);
      }
      if (Number(count) > 0) expect(members.size).toBe(Number(count));
    }
  });

  it("a member over the value size limit is refused and nothing is written", async () => {
    const { call } = shard("zsets-big-member");
    const big = new Uint8Array(1024 * 1024 + 1);
    expect(await call("ZADD", "z", "1", "a", "2", big)).toEqual({ error: "ERR string exceeds maximum allowed size (1048576 bytes)" });
    expect(await call("EXISTS", "z")).toBe(0);
    expect(await call("ZADD", "z", "1", new Uint8Array(1024 * 1024))).toBe(1);
    expect(await call("ZCARD", "z")).toBe(1);
  });

  it("ZSCAN returns every member present for the whole scan while others come, go and change score", async () => {
    const { call } = shard("zsets-scan");
    const args: string[] = [];
    for (let i = 0; i < 500; i++) args.push(String(i), `m${i}`);
    await call("ZADD", "z", ...args);
    const dec = new TextDecoder();
    const seen = new Set<string>();
    let cursor = "0";
    let page = 0;
    do {
      const [next, items] = (await call("ZSCAN", "z", cursor, "COUNT", "20")) as [string, Reply[]];
      for (let i = 0; i < items.length; i += 2) seen.add(dec.decode(items[i] as Uint8Array));
      cursor = next;
      page++;
      await call("ZREM", "z", `m${250 + page * 2}`, `m${499 - page}`);
      await call("ZINCRBY", "z", String(page % 2 ? -1000 : 1000), `m${(page * 37) % 250}`);
      await call("ZADD", "z", "-5", `new${page}`);
    } while (cursor !== "0" && page < 1000);
    for (let i = 0; i < 250; i++) expect(seen.has(`m${i}`)).toBe(true);
  });

  it("a long random run of commands leaves the rank tree sound", async () => {
    const { stub, call } = shard("zsets-random");
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const model = new Map<string, number>();
    for (let round = 0; round < 30; round++) {
      const args: string[] = [];
      for (let i = 0; i < 300; i++) {
        const m = `m${Math.floor(rand() * 3000)}`;
        const s = Math.floor(rand() * 50);
        args.push(String(s), m);
      }
      await call("ZADD", "z", ...args);
      for (let i = 0; i < args.length; i += 2) model.set(args[i + 1]!, Number(args[i]));
      const victims: string[] = [];
      for (let i = 0; i < (round > 20 ? 400 : 120); i++) victims.push(`m${Math.floor(rand() * 3000)}`);
      await call("ZREM", "z", ...victims);
      for (const v of victims) model.delete(v);
      if (round % 7 === 3) {
        const popped = (await call("ZPOPMIN", "z", "50")) as Reply[];
        for (let i = 0; i < popped.length; i += 2) model.delete(new TextDecoder().decode(popped[i] as Uint8Array));
      }
    }
    const sorted = [...model.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(await call("ZCARD", "z")).toBe(sorted.length);
    for (const at of [0, 1, Math.floor(sorted.length / 3), sorted.length - 1]) {
      expect(await call("ZRANK", "z", sorted[at]![0])).toBe(at);
    }
    const mid = Math.floor(sorted.length / 2);
    const got = (await call("ZRANGE", "z", String(mid), String(mid + 2))) as Uint8Array[];
    expect(got.map((m) => new TextDecoder().decode(m))).toEqual(sorted.slice(mid, mid + 3).map((e) => e[0]));
    await runInDurableObject(stub, (_instance: Shard, state) => {
      const sql = state.storage.sql;
      const id = sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = 'z'").one().id;
      const tree = treeOf(sql);
      expect(tree.verify(id)).toEqual([]);
      expect(tree.root(id)!.level).toBeGreaterThan(0);
    });
  }, 60_000);
});
