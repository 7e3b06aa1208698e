/**
 * The order-statistics tree of sorted sets, tested directly: random inserts, removals and
 * score changes against an in-memory model, with tiny limits so that buckets and internal
 * nodes split, merge and the root grows and collapses many times.
 */
import { describe, expect, it } from "vitest";
import { freshShard } from "../../test/workers/shard-client";
import { ZsetTree, type Entry, type TreeLimits } from "./zset-tree";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cmp(a: [string, number], b: [string, number]): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

async function withTree<T>(limits: TreeLimits, fn: (tree: ZsetTree) => T): Promise<T> {
  return freshShard("zset-tree").sql((sql) => fn(new ZsetTree(sql, limits)));
}

/** Writes `entries` as member rows of `keyId` (no tree), as a STORE writes them before ZsetTree.build. */
function writeRows(sql: SqlStorage, keyId: number, entries: [string, number][]): void {
  entries.forEach(([m, score], i) =>
    sql.exec("INSERT INTO zset_member (key_id, member, score, seq) VALUES (?, ?, ?, ?)", keyId, enc.encode(m), score, i + 1),
  );
}

/**
 * `n` members with repeated, infinite and negative scores, in no particular order; the last is
 * the empty member scored -inf, the least position there is (the first bucket's own bound).
 */
function someEntries(n: number, seed: number): [string, number][] {
  const rand = rng(seed);
  const scores = [-Infinity, -2.5, 0, 1, 1, 7.25, Infinity];
  const entries = Array.from({ length: n - 1 }, (_, i) => [`e${Math.floor(rand() * 1e6)}:${i}`, scores[Math.floor(rand() * scores.length)]! + (rand() < 0.5 ? 0 : i % 5)] as [string, number]);
  return [...entries, ["", -Infinity]];
}

function randomRun(tree: ZsetTree, keyId: number, seed: number, ops: number, shrinkAt: number): void {
  const rand = rng(seed);
  const model = new Map<string, number>();
  const scores = [-Infinity, -2.5, 0, 1, 1, 1, 2, 7.25, 1e9, Infinity];
  const sorted = () => [...model.entries()].sort(cmp);
  for (let i = 0; i < ops; i++) {
    const removing = i > shrinkAt ? 0.75 : 0.3;
    const r = rand();
    const member = `m${Math.floor(rand() * 400)}`;
    const score = scores[Math.floor(rand() * scores.length)]! + (rand() < 0.5 ? 0 : Math.floor(rand() * 5));
    const old = model.get(member);
    if (r < removing) {
      if (old !== undefined) {
        tree.remove(keyId, { score: old, member: enc.encode(member) });
        model.delete(member);
      }
    } else if (old === undefined) {
      tree.insert(keyId, { score, member: enc.encode(member) });
      model.set(member, score);
    } else {
      tree.move(keyId, enc.encode(member), old, score);
      model.set(member, score);
    }
    if (i % 37 === 0 || i === ops - 1) {
      expect(tree.verify(keyId)).toEqual([]);
      const all = sorted();
      expect(tree.card(keyId)).toBe(all.length);
      for (let k = 0; k < 5 && all.length > 0; k++) {
        const at = Math.floor(rand() * all.length);
        const [m, s] = all[at]!;
        expect(tree.rank(keyId, s, enc.encode(m))).toBe(at);
        const e = tree.at(keyId, at) as Entry;
        expect([dec.decode(e.member), e.score]).toEqual([m, s]);
      }
      expect(tree.at(keyId, all.length)).toBe(null);
    }
  }
}

describe("zset order-statistics tree", () => {
  it("stays sound under random inserts, moves and removals (tiny nodes, many levels)", async () => {
    await withTree({ bucketMax: 4, bucketMin: 2, fanoutMax: 4, fanoutMin: 2 }, (tree) => {
      randomRun(tree, 1, 7, 1500, 900);
      randomRun(tree, 2, 99, 1200, 700);
    });
  }, 60_000);

  it("stays sound with odd limits", async () => {
    await withTree({ bucketMax: 7, bucketMin: 3, fanoutMax: 5, fanoutMin: 2 }, (tree) => randomRun(tree, 3, 12345, 1500, 1000));
  }, 60_000);

  it("grows several levels on ascending inserts and collapses when emptied", async () => {
    await withTree({ bucketMax: 4, bucketMin: 2, fanoutMax: 4, fanoutMin: 2 }, (tree) => {
      for (let i = 0; i < 300; i++) tree.insert(9, { score: i, member: enc.encode(`a${i}`) });
      expect(tree.verify(9)).toEqual([]);
      expect(tree.root(9)!.level).toBeGreaterThanOrEqual(4);
      expect(tree.rank(9, 150, enc.encode("a150"))).toBe(150);
      expect(tree.rank(9, 150, new Uint8Array(0))).toBe(150);
      expect(tree.rank(9, 1000, new Uint8Array(0))).toBe(300);
      for (let i = 0; i < 300; i++) {
        tree.remove(9, { score: i, member: enc.encode(`a${i}`) });
        if (i % 50 === 0) expect(tree.verify(9)).toEqual([]);
      }
      expect(tree.card(9)).toBe(0);
      expect(tree.root(9)!.level).toBe(0);
    });
  });

  it("copies a set with its tree and drops it", async () => {
    await withTree({ bucketMax: 4, bucketMin: 2, fanoutMax: 4, fanoutMin: 2 }, (tree) => {
      for (let i = 0; i < 100; i++) tree.insert(20, { score: i % 7, member: enc.encode(`c${i}`) });
      tree.copy(20, 21);
      expect(tree.verify(21)).toEqual([]);
      tree.insert(21, { score: 3.5, member: enc.encode("extra") });
      expect(tree.card(20)).toBe(100);
      expect(tree.card(21)).toBe(101);
      expect(tree.verify(20)).toEqual([]);
      tree.dropSome(20, -1);
      expect(tree.root(20)).toBe(null);
      expect(tree.verify(21)).toEqual([]);
    });
  });
  it("builds in bulk a tree that answers as one built an insert at a time (ranks, members at ranks), then changes as one", async () => {
    const cases: [TreeLimits, number[]][] = [
      [{ bucketMax: 4, bucketMin: 2, fanoutMax: 4, fanoutMin: 2 }, [1, 2, 4, 5, 6, 7, 9, 17, 33, 250]],
      [{ bucketMax: 7, bucketMin: 3, fanoutMax: 5, fanoutMin: 2 }, [7, 8, 15, 16, 61, 300]],
      [{ bucketMax: 64, bucketMin: 16, fanoutMax: 64, fanoutMin: 16 }, [64, 65, 2048, 2113]],
    ];
    for (const [limits, sizes] of cases) {
      await freshShard("zset-tree-build").sql((sql) => {
        const tree = new ZsetTree(sql, limits);
        sizes.forEach((n, k) => {
          const entries = someEntries(n, 1000 + n);
          const [oneByOne, bulk] = [100 + 2 * k, 101 + 2 * k];
          for (const [m, score] of entries) tree.insert(oneByOne, { score, member: enc.encode(m) });
          writeRows(sql, bulk, entries);
          tree.build(bulk, n);
          expect(tree.verify(bulk)).toEqual([]);
          expect(tree.card(bulk)).toBe(n);
          const stride = Math.max(1, Math.floor(n / 150));
          for (let r = 0; r < n; r += stride) expect(tree.at(bulk, r)).toEqual(tree.at(oneByOne, r));
          for (const r of [n - 1, n]) expect(tree.at(bulk, r)).toEqual(tree.at(oneByOne, r));
          entries.forEach(([m, score], i) => {
            if (i % stride === 0) expect(tree.rank(bulk, score, enc.encode(m))).toBe(tree.rank(oneByOne, score, enc.encode(m)));
          });
          expect(tree.rank(bulk, 1, new Uint8Array(0))).toBe(tree.rank(oneByOne, 1, new Uint8Array(0)));
          // Then it changes as any tree: inserts, moves and removals keep it sound and in step.
          const rand = rng(n);
          for (let i = 0; i < Math.min(3 * n, 400); i++) {
            const [m, score] = entries[Math.floor(rand() * n)]!;
            const member = enc.encode(m);
            const fresh = { score: Math.floor(rand() * 9) - 4, member: enc.encode(`x${i}`) };
            for (const id of [oneByOne, bulk]) {
              tree.insert(id, fresh);
              if (i % 2 === 0) tree.remove(id, fresh);
            }
            if (i % 3 === 0 && tree.rank(bulk, score, member) !== tree.card(bulk)) {
              const at = tree.at(bulk, tree.rank(bulk, score, member))!;
              if (dec.decode(at.member) === m && at.score === score) {
                for (const id of [oneByOne, bulk]) tree.move(id, member, score, score + 100);
                entries.find((e) => e[0] === m)![1] = score + 100;
              }
            }
          }
          expect(tree.verify(bulk)).toEqual([]);
          expect(tree.card(bulk)).toBe(tree.card(oneByOne));
          for (let r = 0; r < tree.card(bulk); r += Math.max(1, Math.floor(n / 50))) expect(tree.at(bulk, r)).toEqual(tree.at(oneByOne, r));
        });
      });
    }
  }, 120_000);
});
