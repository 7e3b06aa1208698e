/**
 * Lists inside one shard: the storage invariant (positions contiguous from head to tail,
 * metadata matching the rows) under a random mix of commands checked against an array model,
 * the cost of one-element operations on a long list (rows read by SQLite, not time), and the
 * element store (DEL, COPY, FLUSHALL leave no orphan rows).
 */
import { describe, expect, it } from "vitest";
import { freshShard, metaRow, rowsReadPerStep } from "../../test/workers/shard-client";
import { listIndex, listLength, listMove, listPop, listPush, listRange, listSet, listTrim } from "./lists";

const shard = () => freshShard("lists");

const enc = new TextEncoder();

/** Checks that a list's rows sit at head..head+len-1, once each, as its metadata says. */
function checkInvariant(sql: SqlStorage, key: string): void {
  const meta = metaRow<{ id: number; head: number; len: number }>(
    sql,
    "SELECT k.id AS id, m.head AS head, m.len AS len FROM keys k JOIN list_meta m ON m.key_id = k.id WHERE k.key = ?",
    key,
  );
  if (!meta) return;
  const agg = sql
    .exec<{ lo: number; hi: number; n: number; d: number }>(
      "SELECT min(pos) AS lo, max(pos) AS hi, count(*) AS n, count(DISTINCT pos) AS d FROM list_item WHERE key_id = ?",
      meta.id,
    )
    .one();
  expect(meta.len).toBeGreaterThan(0);
  expect(agg).toEqual({ lo: meta.head, hi: meta.head + meta.len - 1, n: meta.len, d: meta.len });
}

describe("list storage", () => {
  it("keeps positions contiguous under a random mix of commands, as an array model says", async () => {
    const { r, sql } = shard();
    const model: string[] = [];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const value = () => `v${rand(6)}`;
    for (let step = 0; step < 300; step++) {
      const op = rand(9);
      const v = value();
      if (op === 0) {
        const vs = [v, value()];
        expect(await r("LPUSH", "l", ...vs)).toBe(model.unshift(...[...vs].reverse()));
      } else if (op === 1) {
        expect(await r("RPUSH", "l", v)).toBe(model.push(v));
      } else if (op === 2) {
        expect(await r("LPOP", "l", 2)).toEqual(model.length ? model.splice(0, 2) : null);
      } else if (op === 3) {
        expect(await r("RPOP", "l")).toEqual(model.pop() ?? null);
      } else if (op === 4) {
        const i = model.indexOf(v);
        const before = rand(2) === 0;
        if (i >= 0) model.splice(before ? i : i + 1, 0, "ins");
        expect(await r("LINSERT", "l", before ? "BEFORE" : "AFTER", v, "ins")).toBe(i >= 0 ? model.length : model.length ? -1 : 0);
      } else if (op === 5) {
        const count = rand(5) - 2;
        let removed = 0;
        const idx = model.map((x, i) => (x === v ? i : -1)).filter((i) => i >= 0);
        const take = count > 0 ? idx.slice(0, count) : count < 0 ? idx.slice(count) : idx;
        for (const i of [...take].reverse()) {
          model.splice(i, 1);
          removed++;
        }
        expect(await r("LREM", "l", count, v)).toBe(removed);
      } else if (op === 6 && model.length > 4) {
        const start = rand(3);
        const stop = -1 - rand(3);
        model.splice(0, model.length, ...model.slice(start, model.length + stop + 1));
        await r("LTRIM", "l", start, stop);
      } else if (op === 7 && model.length > 0) {
        const i = rand(model.length);
        model[i] = "set";
        expect(await r("LSET", "l", i, "set")).toBe("OK");
      } else {
        await r("RPUSH", "l", v, value(), value());
        model.push(...((await r("LRANGE", "l", -3, -1)) as string[]));
      }
      if (step % 10 === 0 || model.length === 0) {
        expect(await r("LRANGE", "l", 0, -1)).toEqual(model);
        if (model.length) expect(await r("LINDEX", "l", Math.floor(model.length / 2))).toBe(model[Math.floor(model.length / 2)]);
        await sql((s) => checkInvariant(s, "l"));
      }
    }
  });

  it("LREM renumbering the head side and the tail side keeps LINDEX exact", async () => {
    const { r, sql } = shard();
    const items = Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? "x" : `e${i}`));
    await r("RPUSH", "l", ...items);
    await r("LPUSH", "l", "x", "x");
    expect(await r("LREM", "l", -3, "x")).toBe(3);
    const model = ["x", "x", ...items];
    let seen = 0;
    for (let i = model.length - 1; i >= 0 && seen < 3; i--) if (model[i] === "x") (model.splice(i, 1), seen++);
    expect(await r("LRANGE", "l", 0, -1)).toEqual(model);
    await sql((s) => checkInvariant(s, "l"));
    expect(await r("LREM", "l", 2, "x")).toBe(2);
    model.splice(model.indexOf("x"), 1);
    model.splice(model.indexOf("x"), 1);
    for (const i of [0, 50, 100, model.length - 1]) expect(await r("LINDEX", "l", i)).toBe(model[i]);
    await sql((s) => checkInvariant(s, "l"));
  });

  it("reads O(log n) rows, not the list, for pushes, pops, LINDEX and LSET on a long list", async () => {
    const { r, sql } = shard();
    const n = 20_000;
    for (let i = 0; i < n; i += 1000) await r("RPUSH", "long", ...Array.from({ length: 1000 }, (_, j) => `v${i + j}`));
    const reads = await sql((s) =>
      rowsReadPerStep(s, (ks, done) => {
        expect(listIndex(ks, "long", n / 2)).toEqual(enc.encode(`v${n / 2}`));
        done("lindex");
        listSet(ks, "long", -n / 3, enc.encode("changed"));
        done("lset");
        listPush(ks, "long", "left", [enc.encode("h")]);
        done("lpush");
        listPush(ks, "long", "right", [enc.encode("t")]);
        done("rpush");
        expect(listPop(ks, "long", "right", 1)).toEqual([enc.encode("t")]);
        done("rpop");
        expect(listPop(ks, "long", "left", 1)).toEqual([enc.encode("h")]);
        done("lpop");
        expect(listMove(ks, "long", "other", "left", "right")).toEqual(enc.encode("v0"));
        done("lmove");
        listTrim(ks, "long", 1, -2);
        done("ltrimEnds");
        expect(listLength(ks, "long")).toBe(n - 3);
        expect(listRange(ks, "long", 0, -1)).toHaveLength(n - 3);
        done("whole");
      }),
    );
    const { whole, ...steps } = reads;
    // The counter does count: reading the whole list reads every row.
    expect(whole).toBeGreaterThanOrEqual(n - 3);
    for (const [op, rows] of Object.entries(steps)) expect(rows, op).toBeLessThan(40);
  });

  it("DEL, COPY, overwrite and FLUSHALL leave no element rows behind", async () => {
    const { r, sql } = shard();
    await r("RPUSH", "a", "1", "2", "3");
    await r("COPY", "a", "b");
    const counts = () =>
      sql((s) => ({
        items: s.exec<{ n: number }>("SELECT count(*) AS n FROM list_item").one().n,
        meta: s.exec<{ n: number }>("SELECT count(*) AS n FROM list_meta").one().n,
      }));
    expect(await counts()).toEqual({ items: 6, meta: 2 });
    await r("DEL", "a");
    expect(await counts()).toEqual({ items: 3, meta: 1 });
    await r("SET", "b", "string now");
    expect(await counts()).toEqual({ items: 0, meta: 0 });
    await r("RPUSH", "c", "1");
    await r("RPUSH", "d", "1", "2");
    await r("FLUSHALL");
    expect(await counts()).toEqual({ items: 0, meta: 0 });
  });

  it("a failing command inside a transaction of writes changes nothing", async () => {
    const { r } = shard();
    await r("RPUSH", "l", "a", "b");
    await r("SET", "s", "v");
    expect(await r("LMOVE", "l", "s", "LEFT", "RIGHT")).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
    expect(await r("LRANGE", "l", 0, -1)).toEqual(["a", "b"]);
  });
});
