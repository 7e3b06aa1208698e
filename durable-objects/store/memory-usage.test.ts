/**
 * MEMORY USAGE's estimate (memory-usage.ts): the formula per type on small keys, growth with the
 * data, sampling (SAMPLES n extrapolates from n elements, 0 measures all), and its cost on a big
 * collection (rows SQLite reads, not time).
 */
import { describe, expect, it } from "vitest";
import { freshShard, rowsReadPerStep } from "../../test/workers/shard-client";
import { INT_BYTES as INT, ROW_BYTES as ROW, keyMemoryUsage } from "./memory-usage";

const shard = () => freshShard("memory-usage");

/** The key's own rows for a key of `n` ASCII bytes, without expiry. */
const keyRow = (n: number) => 2 * ROW + 2 * n + 5 * INT;

describe("MEMORY USAGE estimate", () => {
  it("counts a string's key and value bytes, and the expiry index entry", async () => {
    const { r } = shard();
    expect(await r("MEMORY", "USAGE", "k")).toBe(null);
    await r("SET", "k", "v");
    expect(await r("MEMORY", "USAGE", "k")).toBe(keyRow(1) + 1);
    await r("SET", "k", "v".repeat(101));
    expect(await r("MEMORY", "USAGE", "k")).toBe(keyRow(1) + 101);
    await r("EXPIRE", "k", 1000);
    expect(await r("MEMORY", "USAGE", "k")).toBe(keyRow(1) + 101 + ROW + 2 * INT);
    await r("SET", "key-ü", "");
    expect(await r("MEMORY", "USAGE", "key-ü")).toBe(keyRow(6));
  });

  it("counts a chunked string's chunk rows", async () => {
    const { r } = shard();
    await r("SET", "big", "x".repeat(2 * 1024 * 1024));
    // 32 chunk rows of 64 KiB, each with its own row overhead.
    expect(await r("MEMORY", "USAGE", "big")).toBe(keyRow(3) + 2 * 1024 * 1024 + 32 * (ROW + 2 * INT));
  });

  it("counts a JSON document's text, in its row or in chunk rows, as a string's", async () => {
    const { r } = shard();
    await r("JSON.SET", "j", "$", '{ "a": [1, 2], "b": "x" }');
    // The compact text {"a":[1,2],"b":"x"} is what is stored: 19 bytes.
    expect(await r("MEMORY", "USAGE", "j")).toBe(keyRow(1) + 19);
    await r("JSON.SET", "j", "$.b", '"xyz"');
    expect(await r("MEMORY", "USAGE", "j")).toBe(keyRow(1) + 21);
    await r("PEXPIRE", "j", 100_000);
    expect(await r("MEMORY", "USAGE", "j", "SAMPLES", 0)).toBe(keyRow(1) + 21 + ROW + 2 * INT);
    const text = `"${"y".repeat(2 * 1024 * 1024 - 2)}"`;
    await r("JSON.SET", "big", "$", text);
    // 2 MiB of text: 32 chunk rows of 64 KiB.
    expect(await r("MEMORY", "USAGE", "big")).toBe(keyRow(3) + 2 * 1024 * 1024 + 32 * (ROW + 2 * INT));
    await r("JSON.SET", "big", "$", "[]");
    expect(await r("MEMORY", "USAGE", "big")).toBe(keyRow(3) + 2);
  });

  it("counts each collection's element rows and index entries", async () => {
    const { r, sql } = shard();
    await r("HSET", "h", "f", "v", "ff", "vv");
    // The field count ("2") is kept in the key's row.
    expect(await r("MEMORY", "USAGE", "h")).toBe(keyRow(1) + 1 + 2 * (3 * ROW + 7 * INT) + 2 * 1 + 1 + 2 * 2 + 2);
    await r("HEXPIRE", "h", 1000, "FIELDS", 1, "f");
    // Now "2:<expiry in ms>" (15 bytes) in the key's row, and the field's two expiry index entries.
    expect(await r("MEMORY", "USAGE", "h")).toBe(keyRow(1) + 15 + 2 * (3 * ROW + 7 * INT) + 9 + 2 * ROW + 5 * INT);

    await r("RPUSH", "l", "a", "bb", "ccc");
    expect(await r("MEMORY", "USAGE", "l", "SAMPLES", 0)).toBe(keyRow(1) + ROW + 3 * INT + 3 * (2 * ROW + 6 * INT) + 6);

    await r("SADD", "s", "a", "bb");
    expect(await r("MEMORY", "USAGE", "s")).toBe(keyRow(1) + ROW + 3 * INT + 2 * (3 * ROW + 7 * INT) + 3 * 3);

    await r("ZADD", "z", 1, "a", 2, "bb");
    const nodes = await sql((s) =>
      s.exec<{ n: number; b: number | null }>(
        "SELECT count(*) AS n, sum(length(lo_member)) AS b FROM zset_node WHERE key_id = (SELECT id FROM keys WHERE key = 'z')",
      ).one(),
    );
    expect(nodes.n).toBeGreaterThan(0);
    expect(await r("MEMORY", "USAGE", "z")).toBe(keyRow(1) + 2 * (3 * ROW + 7 * INT) + 3 * 3 + nodes.n * (3 * ROW + 15 * INT) + 2 * (nodes.b ?? 0));
  });

  it("counts a stream's consumer groups, consumers and pending entries (these sampled)", async () => {
    const { r } = shard();
    await r("XADD", "s", "1-1", "f", "v");
    await r("XADD", "s", "2-1", "f", "v");
    const usage = async (samples: number) => (await r("MEMORY", "USAGE", "s", "SAMPLES", samples)) as number;
    const bare = await usage(0);
    // The group `grp`: its name, last ID (16 bytes) and entries-read as text ("-1" unknown, then "1", "2").
    const group = (entriesRead: string) => ROW + INT + 16 + 3 + entriesRead.length;
    const consumer = (name: string) => ROW + 2 * INT + 3 + name.length;
    const pending = (name: string) => 2 * ROW + 4 * INT + 32 + 2 * 3 + 2 * name.length;
    await r("XGROUP", "CREATE", "s", "grp", "0");
    expect(await usage(0)).toBe(bare + group("-1"));
    await r("XREADGROUP", "GROUP", "grp", "c", "COUNT", 1, "STREAMS", "s", ">");
    expect(await usage(0)).toBe(bare + group("1") + consumer("c") + pending("c"));
    await r("XREADGROUP", "GROUP", "grp", "consumer-2", "STREAMS", "s", ">");
    const both = bare + group("2") + consumer("c") + consumer("consumer-2");
    expect(await usage(0)).toBe(both + pending("c") + pending("consumer-2"));
    // SAMPLES 1 measures the first pending entry (1-1, c's) and counts it twice; groups and consumers are all measured.
    expect(await usage(1)).toBe(both + 2 * pending("c"));
    expect(await r("XACK", "s", "grp", "1-1")).toBe(1);
    expect(await usage(0)).toBe(both + pending("consumer-2"));
    expect(await r("XGROUP", "DESTROY", "s", "grp")).toBe(1);
    expect(await usage(0)).toBe(bare);
  });

  it("samples: SAMPLES n extrapolates from the first n elements, 0 measures all", async () => {
    const { r } = shard();
    // 1 short element first, then 9 of 100 bytes.
    await r("RPUSH", "l", "a", ...Array.from({ length: 9 }, () => "x".repeat(100)));
    const base = keyRow(1) + ROW + 3 * INT;
    const per = 2 * ROW + 6 * INT;
    expect(await r("MEMORY", "USAGE", "l", "SAMPLES", 0)).toBe(base + 10 * per + 1 + 900);
    expect(await r("MEMORY", "USAGE", "l", "SAMPLES", 1)).toBe(base + 10 * (per + 1));
    expect(await r("MEMORY", "USAGE", "l", "SAMPLES", 2)).toBe(base + Math.round(((2 * per + 101) / 2) * 10));
    expect(await r("MEMORY", "USAGE", "l", "SAMPLES", "9223372036854775807")).toBe(base + 10 * per + 901);
    expect(await r("MEMORY", "USAGE", "l")).toBe(await r("MEMORY", "USAGE", "l", "SAMPLES", 5));
  });

  it("grows with a collection and reads only the sampled rows of a big one", async () => {
    const { r, sql } = shard();
    for (let i = 0; i < 4000; i += 500) await r("SADD", "big", ...Array.from({ length: 500 }, (_, j) => `member-${i + j}`));
    const small = (await r("MEMORY", "USAGE", "big", "SAMPLES", 0)) as number;
    await r("SADD", "big", ...Array.from({ length: 500 }, (_, j) => `member-x${j}`));
    expect((await r("MEMORY", "USAGE", "big", "SAMPLES", 0)) as number).toBeGreaterThan(small);
    const rows = await sql((s) =>
      rowsReadPerStep(s, (ks, done) => {
        expect(keyMemoryUsage(ks, ks.find("big")!, 5)).toBeGreaterThan(4500 * (3 * ROW + 7 * INT));
        done("sampled");
      }),
    );
    expect(rows.sampled).toBeLessThan(50);
  });
});
