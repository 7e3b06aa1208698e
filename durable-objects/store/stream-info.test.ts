/**
 * XINFO STREAM's radix-tree-nodes (stream-info.ts): the node count of Redis's rax over the
 * nodes' 16-byte master IDs, checked against a second reading of the same shape: in the plain
 * trie of the keys, rax has a node at the root, at each key, at each prefix where keys part,
 * and at each prefix right below one. (The conformance suite compares it with redis-server.)
 * Also the rows XINFO STREAM reads on a long stream: its nodes, not its entries.
 */
import { describe, expect, it } from "vitest";
import { freshShard, rowsReadPerStep } from "../../test/workers/shard-client";
import { radixTree, raxNodeCount } from "./stream-info";
import { findStream, idBytes } from "./streams";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** The rax node count read from the plain trie of `keys`. */
function fromTrie(keys: Uint8Array[]): number {
  const children = new Map<string, Set<number>>();
  for (const k of keys) {
    for (let d = 0; d < k.length; d++) {
      const p = hex(k.subarray(0, d));
      if (!children.has(p)) children.set(p, new Set());
      children.get(p)!.add(k[d]!);
    }
  }
  const parts = (p: string) => (children.get(p)?.size ?? 0) >= 2;
  const nodes = new Set<string>([""]);
  for (const k of keys) {
    for (let d = 1; d <= k.length; d++) {
      const p = hex(k.subarray(0, d));
      if (d === k.length || parts(p) || parts(hex(k.subarray(0, d - 1)))) nodes.add(p);
    }
  }
  return nodes.size;
}

/** A deterministic pseudo-random generator (so a failure can be replayed). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const order = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

describe("radix-tree-nodes", () => {
  it("is 1 for no key, 2 for one, and the trie's reading for many", () => {
    expect(raxNodeCount([])).toBe(1);
    expect(raxNodeCount([idBytes({ ms: 5n, seq: 0n })])).toBe(2);
    // Two keys parting at their last byte: the shared run, the branch, two leaves.
    expect(raxNodeCount([idBytes({ ms: 5n, seq: 0n }), idBytes({ ms: 5n, seq: 1n })])).toBe(4);
    const rnd = lcg(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 60);
      const spread = BigInt(2 ** Math.floor(rnd() * 50));
      const seen = new Map<string, Uint8Array>();
      let ms = BigInt(Math.floor(rnd() * 2 ** 40));
      for (let i = 0; i < n; i++) {
        ms += BigInt(Math.floor(rnd() * Number(spread)));
        const k = idBytes({ ms, seq: BigInt(Math.floor(rnd() * 300)) });
        seen.set(hex(k), k);
      }
      const keys = [...seen.values()].sort(order);
      expect([trial, raxNodeCount(keys)]).toEqual([trial, fromTrie(keys)]);
    }
  });

  it("XINFO STREAM reads the stream's node rows (one per 100 entries), not its entries", async () => {
    const { r, sql } = freshShard("stream-info-rows");
    const add = "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-0', 'f', 'v') end return redis.call('XLEN', KEYS[1])";
    expect(await r("EVAL", add, 1, "s", 5000)).toBe(5000);
    const masters = Array.from({ length: 50 }, (_, i) => idBytes({ ms: BigInt(i * 100 + 1), seq: 0n })).sort(order);
    const rows = await sql((s) =>
      rowsReadPerStep(s, (ks, done) => {
        const st = findStream(ks, "s")!;
        done("find");
        expect(radixTree(st)).toEqual({ keys: 50, nodes: fromTrie(masters) });
        done("tree");
      }),
    );
    expect(rows.tree).toBeLessThanOrEqual(60);
  });
});
