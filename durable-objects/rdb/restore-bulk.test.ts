/**
 * RESTORE of large collections writes them whole: a sorted set's rows in batches and its
 * order-statistics tree built once (ZsetTree.build), a set's, a hash's and a stream's rows in
 * multi-row INSERTs, not a statement (or several) per element. Checked by what the restored
 * keys answer (against the key they were dumped from), by the statements RESTORE ran, and by
 * the shape of the tree a bulk build leaves (every bucket but the last half full).
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../args";
import type { Reply } from "../reply";
import { inDirectShard } from "../../test/workers/shard-client";
import { treeOf } from "../store/zsets";

const dec = new TextDecoder();
const strings = (r: Reply) => (r as Uint8Array[]).map((b) => (b instanceof Uint8Array ? dec.decode(b) : b));

/** A shard whose keyspace counts its statements: `statements(fn)` answers how many `fn` ran. */
function inCountingShard<T>(fn: (run: (...argv: (Arg | number)[]) => Reply, statements: (f: () => void) => number, sql: SqlStorage) => T): Promise<T> {
  let count = 0;
  const counting = (sql: SqlStorage) =>
    ({
      exec(query: string, ...bindings: unknown[]) {
        count++;
        return sql.exec(query, ...bindings);
      },
    }) as unknown as SqlStorage;
  const statements = (f: () => void) => {
    count = 0;
    f();
    return count;
  };
  return inDirectShard("restore-bulk", ({ run, sql }) => fn(run, statements, sql), { wrap: counting });
}

describe("RESTORE of large collections", () => {
  it("a sorted set of thousands of members: ranks, ranges and scores exact, its tree built once", () =>
    inCountingShard((run, statements, sql) => {
      const n = 5000;
      const args: string[] = [];
      // Repeated, negative and infinite scores, ties broken by member bytes; the empty member at -inf.
      for (let i = 0; i < n - 1; i++) args.push(i % 501 === 0 ? (i % 2 ? "inf" : "-inf") : String(((i * 7919) % 1000) - 500 + (i % 3) / 4), `m${i}`);
      args.push("-inf", "");
      expect(run("ZADD", "z", ...args)).toBe(n);
      const payload = run("DUMP", "z") as Uint8Array;
      const ran = statements(() => expect(run("RESTORE", "r", "0", payload)).toEqual({ status: "OK" }));
      expect(ran).toBeLessThan(n / 20);
      expect(run("ZCARD", "r")).toBe(n);
      expect(run("ZRANGE", "r", "0", "-1", "WITHSCORES")).toEqual(run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
      const order = strings(run("ZRANGE", "z", "0", "-1"));
      for (let rank = 0; rank < n; rank += 97) {
        const m = order[rank]!;
        expect(run("ZRANK", "r", m)).toBe(rank);
        expect(run("ZREVRANK", "r", m)).toBe(n - 1 - rank);
        expect(run("ZSCORE", "r", m)).toEqual(run("ZSCORE", "z", m));
      }
      for (const [a, b] of [["0", "9"], ["2490", "2510"], ["-12", "-1"]]) expect(run("ZRANGE", "r", a!, b!, "WITHSCORES")).toEqual(run("ZRANGE", "z", a!, b!, "WITHSCORES"));
      expect(run("ZRANGE", "r", "(-100", "100", "BYSCORE", "LIMIT", "30", "40")).toEqual(run("ZRANGE", "z", "(-100", "100", "BYSCORE", "LIMIT", "30", "40"));
      expect(run("ZCOUNT", "r", "-inf", "(0")).toEqual(run("ZCOUNT", "z", "-inf", "(0"));
      const id = sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = 'r'").one().id;
      expect(treeOf(sql).verify(id)).toEqual([]);
      // One build: every bucket but the last holds (64 + 1) ÷ 2 members (inserts one by one leave 32 … 64).
      const buckets = sql.exec<{ cnt: number }>("SELECT cnt FROM zset_node WHERE key_id = ? AND level = 0 ORDER BY lo_score, lo_member", id).toArray();
      expect(new Set(buckets.slice(0, -1).map((b) => b.cnt))).toEqual(new Set([32]));
      // It changes as any sorted set, in step with the original.
      for (const key of ["z", "r"]) {
        run("ZADD", key, "0.5", "fresh", "1e9", "m10");
        run("ZREM", key, "m20", "m30", "");
      }
      expect(run("ZRANGE", "r", "0", "-1", "WITHSCORES")).toEqual(run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
      expect(treeOf(sql).verify(id)).toEqual([]);
    }));

  it("a set, a hash with field TTLs and a stream with a group: the same elements back, in a few statements", () =>
    inCountingShard((run, statements, sql) => {
      const n = 3000;
      run("SADD", "s", ...Array.from({ length: n }, (_, i) => `m${(i * 7) % n}x`));
      run("HSET", "h", ...Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]).flat());
      expect(run("HPEXPIRE", "h", "600000", "FIELDS", "2", "f7", "f8")).toEqual([1, 1]);
      run("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v' .. i) end return 1", "1", "x", String(n));
      run("XGROUP", "CREATE", "x", "g", "0");
      run("XREADGROUP", "GROUP", "g", "c", "COUNT", "500", "STREAMS", "x", ">");
      for (const key of ["s", "h", "x"]) {
        const payload = run("DUMP", key) as Uint8Array;
        const ran = statements(() => expect(run("RESTORE", `${key}2`, "0", payload)).toEqual({ status: "OK" }));
        expect(ran, key).toBeLessThan(n / 10);
      }
      expect(strings(run("SMEMBERS", "s2")).sort()).toEqual(strings(run("SMEMBERS", "s")).sort());
      const sid = sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = 's2'").one().id;
      // Ordinals stay dense (SRANDMEMBER and SPOP pick by them), seqs distinct (SSCAN).
      expect(sql.exec("SELECT min(ord) AS lo, max(ord) AS hi, count(DISTINCT ord) AS d, count(DISTINCT seq) AS q FROM set_member WHERE key_id = ?", sid).one()).toEqual({
        lo: 0,
        hi: n - 1,
        d: n,
        q: n,
      });
      expect(run("SISMEMBER", "s2", run("SRANDMEMBER", "s2") as Uint8Array)).toBe(1);
      expect((run("SPOP", "s2", "5") as Reply[]).length).toBe(5);
      expect(run("SCARD", "s2")).toBe(n - 5);
      expect(run("HGETALL", "h2")).toEqual(run("HGETALL", "h"));
      expect(run("HPTTL", "h2", "FIELDS", "3", "f7", "f8", "f9")).toEqual(run("HPTTL", "h", "FIELDS", "3", "f7", "f8", "f9"));
      expect(run("XRANGE", "x2", "-", "+")).toEqual(run("XRANGE", "x", "-", "+"));
      expect(run("XPENDING", "x2", "g")).toEqual(run("XPENDING", "x", "g"));
      expect(run("DUMP", "x2")).toEqual(run("DUMP", "x"));
    }));
});
