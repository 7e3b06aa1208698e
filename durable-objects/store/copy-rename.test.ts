/**
 * COPY and RENAME of a collection inside one shard cost the same number of statements whatever
 * its size: COPY is one INSERT … SELECT per element table (ElementStore.copy of each type; a
 * sorted set's tree copied with it), RENAME a change of the key's row; the element rows stay
 * where they are. Checked for a hash, a set, a sorted set, a list and a stream with a consumer
 * group, each at two sizes, and by what the copy and the renamed key answer.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../args";
import type { Reply } from "../reply";
import { inDirectShard } from "../../test/workers/shard-client";
import { treeOf } from "./zsets";

/** Writes each collection type at `key` with `n` elements, and a read of all of it. */
const TYPES: Record<string, { fill: (n: number) => string[]; read: (key: string) => Arg[][] }> = {
  hash: { fill: (n) => ["EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', KEYS[1], 'f' .. i, 'v' .. i) end", "1", "KEY", String(n)], read: (k) => [["HGETALL", k]] },
  set: { fill: (n) => ["EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SADD', KEYS[1], 'm' .. i) end", "1", "KEY", String(n)], read: (k) => [["SSCAN", k, "0", "COUNT", "100000"]] },
  zset: {
    fill: (n) => ["EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('ZADD', KEYS[1], i % 13, 'm' .. i) end", "1", "KEY", String(n)],
    read: (k) => [["ZRANGE", k, "0", "-1", "WITHSCORES"], ["ZRANK", k, "m77"]],
  },
  list: { fill: (n) => ["EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('RPUSH', KEYS[1], 'v' .. i) end", "1", "KEY", String(n)], read: (k) => [["LRANGE", k, "0", "-1"]] },
  stream: {
    fill: (n) => ["EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v' .. i) end redis.call('XGROUP', 'CREATE', KEYS[1], 'g', '0') redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '50', 'STREAMS', KEYS[1], '>') return 1", "1", "KEY", String(n)],
    read: (k) => [["XRANGE", k, "-", "+"], ["XPENDING", k, "g"]],
  },
};

describe("COPY and RENAME of large collections", () => {
  for (const [type, { fill, read }] of Object.entries(TYPES)) {
    it(`a ${type}: the same statements at 200 and 2000 elements, the same answers after`, () => {
      let count = 0;
      const counting = (sql: SqlStorage) =>
        ({
          exec(query: string, ...bindings: unknown[]) {
            count++;
            return sql.exec(query, ...bindings);
          },
        }) as unknown as SqlStorage;
      return inDirectShard(
        `copy-rename-${type}`,
        ({ run, sql }) => {
          const statements = (...argv: Arg[]): number => {
            count = 0;
            expect(run(...argv)).not.toHaveProperty("error");
            return count;
          };
          const answers = (key: string): Reply[] => read(key).map((argv) => run(...argv));
          const costs = [200, 2000].map((n) => {
            const [src, dst, moved] = [`${type}${n}`, `${type}${n}:copy`, `${type}${n}:moved`];
            run(...fill(n).map((a) => (a === "KEY" ? src : a)));
            // The copy over an existing collection of the same size (REPLACE), then a rename of it.
            run(...fill(n).map((a) => (a === "KEY" ? dst : a)));
            const copy = statements("COPY", src, dst, "REPLACE");
            expect(answers(dst)).toEqual(answers(src));
            const rename = statements("RENAME", dst, moved);
            expect(answers(moved)).toEqual(answers(src));
            expect(run("EXISTS", dst)).toBe(0);
            if (type === "zset") {
              const id = sql.exec<{ id: number }>("SELECT id FROM keys WHERE key = ?", moved).one().id;
              expect(treeOf(sql).verify(id)).toEqual([]);
            }
            return { copy, rename };
          });
          expect(costs[1]).toEqual(costs[0]);
          expect(costs[0]!.copy).toBeLessThan(40);
          expect(costs[0]!.rename).toBeLessThan(20);
        },
        { wrap: counting },
      );
    });
  }
});
