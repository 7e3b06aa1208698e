/**
 * Sets inside one shard: the storage invariant (ordinals dense 0..card-1, seqs unique and
 * below next_seq, card matching the rows) under a random mix of commands checked against a
 * Set model, the cost of one-member operations and random picks on a big set (rows read by
 * SQLite, not time), the spread of random picks, and the element store.
 */
import { describe, expect, it } from "vitest";
import { freshShard, metaRow, rowsReadPerStep } from "../../test/workers/shard-client";
import { setAdd, setCard, setHas, setMove, setPop, setRandom, setRemove, setScan } from "./sets";

const shard = () => freshShard("sets");

const enc = new TextEncoder();

function checkInvariant(sql: SqlStorage, key: string): void {
  const meta = metaRow<{ id: number; card: number; next_seq: number }>(
    sql,
    "SELECT k.id AS id, m.card AS card, m.next_seq AS next_seq FROM keys k JOIN set_meta m ON m.key_id = k.id WHERE k.key = ?",
    key,
  );
  if (!meta) return;
  const agg = sql
    .exec<{ lo: number; hi: number; n: number; d: number; ds: number; maxseq: number }>(
      `SELECT min(ord) AS lo, max(ord) AS hi, count(*) AS n, count(DISTINCT ord) AS d,
              count(DISTINCT seq) AS ds, max(seq) AS maxseq FROM set_member WHERE key_id = ?`,
      meta.id,
    )
    .one();
  expect(meta.card).toBeGreaterThan(0);
  expect({ lo: agg.lo, hi: agg.hi, n: agg.n, d: agg.d, ds: agg.ds }).toEqual({
    lo: 0,
    hi: meta.card - 1,
    n: meta.card,
    d: meta.card,
    ds: meta.card,
  });
  expect(agg.maxseq).toBeLessThan(meta.next_seq);
}

describe("set storage", () => {
  it("keeps ordinals dense and seqs unique under a random mix of commands, as a Set model says", async () => {
    const { r, sql } = shard();
    const model = new Set<string>();
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const member = () => `m${rand(40)}`;
    for (let step = 0; step < 300; step++) {
      const op = rand(6);
      if (op <= 1) {
        const ms = [member(), member(), member()];
        const fresh = new Set(ms.filter((m) => !model.has(m))).size;
        ms.forEach((m) => model.add(m));
        expect(await r("SADD", "s", ...ms)).toBe(fresh);
      } else if (op === 2) {
        const ms = [member(), member()];
        const gone = new Set(ms.filter((m) => model.has(m))).size;
        ms.forEach((m) => model.delete(m));
        expect(await r("SREM", "s", ...ms)).toBe(gone);
      } else if (op === 3) {
        const popped = (await r("SPOP", "s", rand(4))) as string[];
        for (const m of popped) expect(model.delete(m)).toBe(true);
      } else if (op === 4) {
        const m = member();
        const moved = model.delete(m);
        expect(await r("SMOVE", "s", "other", m)).toBe(moved ? 1 : 0);
        if (moved) expect(await r("SMOVE", "other", "s", m)).toBe(1);
        if (moved) model.add(m);
      } else {
        await r("SINTERSTORE", "s", "s", "s");
      }
      if (step % 10 === 0 || model.size === 0) {
        expect(((await r("SMEMBERS", "s")) as string[]).sort()).toEqual([...model].sort());
        expect(await r("SCARD", "s")).toBe(model.size);
        await sql((s) => checkInvariant(s, "s"));
      }
    }
    expect(await r("EXISTS", "other")).toBe(0);
  }, 60_000);

  it("reads O(log n) rows, not the set, for one-member operations and random picks on a big set", async () => {
    const { r, sql } = shard();
    const n = 20_000;
    for (let i = 0; i < n; i += 1000) await r("SADD", "big", ...Array.from({ length: 1000 }, (_, j) => `m${i + j}`));
    const reads = await sql((s) =>
      rowsReadPerStep(s, (ks, done) => {
        expect(setAdd(ks, "big", [enc.encode("new")])).toBe(1);
        done("sadd");
        expect(setHas(ks, "big", [enc.encode("m777")])).toEqual([1]);
        done("sismember");
        expect(setCard(ks, "big")).toBe(n + 1);
        done("scard");
        expect(setRemove(ks, "big", [enc.encode("m5")])).toBe(1);
        done("srem");
        // Before the random pops, which might otherwise take m9.
        expect(setMove(ks, "big", "dst", enc.encode("m9"))).toBe(1);
        done("smove");
        expect(setPop(ks, "big", 1)).toHaveLength(1);
        done("spop");
        expect(setPop(ks, "big", 5)).toHaveLength(5);
        done("spop5");
        expect(setRandom(ks, "big", 5)).toHaveLength(5);
        done("srandmember5");
        expect(setRandom(ks, "big", -5)).toHaveLength(5);
        done("srandmemberNeg5");
        expect(setScan(ks, "big", 0, 10, null)!.members).toHaveLength(10);
        done("sscan");
        expect(setRandom(ks, "big", n * 2)).toHaveLength(n - 7);
        done("whole");
      }),
    );
    const { whole, ...steps } = reads;
    // The counter does count: reading the whole set reads every row.
    expect(whole).toBeGreaterThanOrEqual(n - 7);
    for (const [op, rows] of Object.entries(steps)) expect(rows, op).toBeLessThan(120);
  });

  it("SRANDMEMBER picks every member about equally often, also after removals", async () => {
    const { r } = shard();
    await r("SADD", "s", ...Array.from({ length: 15 }, (_, i) => `m${i}`));
    await r("SREM", "s", "m0", "m7", "m3", "m14", "m9");
    const counts = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      for (const m of (await r("SRANDMEMBER", "s", -400)) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(["m1", "m10", "m11", "m12", "m13", "m2", "m4", "m5", "m6", "m8"]);
    // 4000 picks of 10 members: 400 expected each, standard deviation 19; the bounds are 10 sigma wide.
    for (const [m, c] of counts) expect(c, m).toBeGreaterThan(210);
    for (const [m, c] of counts) expect(c, m).toBeLessThan(590);
  });

  it("SRANDMEMBER refuses a negative count beyond its limit", async () => {
    const { r } = shard();
    await r("SADD", "s", "a");
    expect(await r("SRANDMEMBER", "s", -100_001)).toEqual({
      error: "ERR count is too large: at most 100000 elements can be returned with repetitions",
    });
    expect(await r("SRANDMEMBER", "s", -100_000)).toHaveLength(100_000);
  });

  it("DEL, COPY, STORE, overwrite and FLUSHALL leave no member rows behind", async () => {
    const { r, sql } = shard();
    await r("SADD", "a", "1", "2", "3");
    await r("COPY", "a", "b");
    const counts = () =>
      sql((s) => ({
        members: s.exec<{ n: number }>("SELECT count(*) AS n FROM set_member").one().n,
        meta: s.exec<{ n: number }>("SELECT count(*) AS n FROM set_meta").one().n,
      }));
    expect(await counts()).toEqual({ members: 6, meta: 2 });
    await r("SUNIONSTORE", "b", "b", "a");
    expect(await counts()).toEqual({ members: 6, meta: 2 });
    await r("SDIFFSTORE", "c", "a", "b");
    expect(await counts()).toEqual({ members: 6, meta: 2 });
    await r("DEL", "a");
    expect(await counts()).toEqual({ members: 3, meta: 1 });
    await r("SET", "b", "string now");
    expect(await counts()).toEqual({ members: 0, meta: 0 });
    await r("SADD", "c", "1");
    await r("FLUSHALL");
    expect(await counts()).toEqual({ members: 0, meta: 0 });
  });
});
