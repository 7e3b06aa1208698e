/**
 * The rows a sorted set STORE writes (store/zset-algebra.ts, zset-bulk.ts), beyond what the
 * conformance suite sees through replies: every member of a destination has a seq of its own
 * (so ZSCAN returns each exactly once), whatever wrote it (a union, an intersection, a
 * difference, ZRANGESTORE) and however (a new key, one of its own inputs changed in place, a
 * scratch id then moved), and its tree passes `verify`.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Reply } from "../reply";
import type { Shard } from "../shard";
import { shard } from "../../test/workers/shard-client";
import { treeOf } from "./zsets";

const dec = new TextDecoder();

/** Every member of `key` by ZSCAN in pages of `count`, in the order returned. */
async function scanAll(call: (...a: string[]) => Promise<Reply>, key: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor = "0";
  do {
    const [next, items] = (await call("ZSCAN", key, cursor, "COUNT", String(count))) as [string, Reply[]];
    for (let i = 0; i < items.length; i += 2) seen.push(dec.decode(items[i] as Uint8Array));
    cursor = next;
  } while (cursor !== "0");
  return seen;
}

describe("sorted set algebra's stored rows", () => {
  it("a STORE's members have distinct seqs and a sound tree, written anew, in place or through a scratch id", async () => {
    const { stub, call } = shard("zset-algebra-seqs");
    const range = (from: number, to: number, score: (i: number) => number) => {
      const args: string[] = [];
      for (let i = from; i < to; i++) args.push(String(score(i)), `m${i}`);
      return args;
    };
    await call("ZADD", "{t}a", ...range(0, 300, (i) => i % 17));
    await call("ZADD", "{t}b", ...range(200, 700, (i) => -i));
    await call("SADD", "{t}s", ...Array.from({ length: 150 }, (_, i) => `m${650 + i}`));
    await call("ZADD", "{t}c", ...range(900, 1000, (i) => i / 4));
    const cases: [string, string[], number][] = [
      // A new key from a sorted set, a plain set and a sorted set given twice.
      ["{t}u", ["ZUNIONSTORE", "{t}u", "4", "{t}a", "{t}s", "{t}b", "{t}a", "WEIGHTS", "1", "2", "3", "4"], 800],
      // The destination among its inputs, as the fold's base: changed in place.
      ["{t}a", ["ZUNIONSTORE", "{t}a", "2", "{t}a", "{t}b", "AGGREGATE", "MAX"], 700],
      // The destination third in a sum's order (after the two smaller inputs): computed under a scratch id, then moved.
      ["{t}b", ["ZUNIONSTORE", "{t}b", "3", "{t}s", "{t}c", "{t}b"], 700],
      // Intersections and differences keep the seqs of the input they walk; ZRANGESTORE its source's.
      ["{t}i", ["ZINTERSTORE", "{t}i", "3", "{t}u", "{t}s", "{t}b"], 150],
      ["{t}d", ["ZDIFFSTORE", "{t}d", "2", "{t}u", "{t}s"], 650],
      ["{t}r", ["ZRANGESTORE", "{t}r", "{t}b", "10", "-11"], 680],
      ["{t}a", ["ZINTERSTORE", "{t}a", "2", "{t}u", "{t}a"], 700],
    ];
    for (const [dst, argv, card] of cases) {
      expect(await call(...argv)).toBe(card);
      const scanned = await scanAll(call, dst, 7);
      expect(scanned.length).toBe(card);
      expect(new Set(scanned).size).toBe(card);
      await runInDurableObject(stub, (_instance: Shard, state) => {
        const sql = state.storage.sql;
        const id = sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = ?", dst).one().id;
        const seqs = sql.exec<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT seq) AS d FROM zset_member WHERE key_id = ?", id).one();
        expect(seqs).toEqual({ n: card, d: card });
        expect(treeOf(sql).verify(id)).toEqual([]);
      });
    }
    // The scores of a weighted union with a member in three inputs: 1·(5 % 17) … as Redis folds them.
    expect(await call("ZSCORE", "{t}u", "m250")).toBe(String(250 % 17 + 3 * -250 + 4 * (250 % 17)));
    expect(await call("ZSCORE", "{t}u", "m660")).toBe(String(2 + 3 * -660));
    expect(await call("ZSCORE", "{t}u", "m799")).toBe("2");
  });
});
