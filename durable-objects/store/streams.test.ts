/**
 * Stream storage (streams.ts) and what the conformance suite cannot show: IDs stored in numeric
 * order past 2^53, Redis's string2ull reading of ID parts, the rows an append, a range seek and
 * a delete read on a long stream, lazy freeing of a long stream, DUMP refused, restart survival.
 */
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshShard, rowsReadPerStep } from "../../test/workers/shard-client";
import { parseU64 } from "../commands/streams";
import { MAX_ID, U64_MAX, compareIds, findStream, idBytes, idFromBytes, type StreamId } from "./streams";

const bytesOrder = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};

/** A script that appends entries `first`-0 … `last`-0. */
const ADD = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], i .. '-0', 'f', 'v' .. i) end return redis.call('XLEN', KEYS[1])";

describe("stream IDs", () => {
  it("are stored as 16 bytes whose byte order is the IDs' order, over the whole unsigned range", () => {
    const ids: StreamId[] = [
      { ms: 0n, seq: 1n },
      { ms: 1n, seq: 0n },
      { ms: 1n, seq: U64_MAX },
      { ms: 2n ** 53n + 1n, seq: 0n },
      { ms: 2n ** 63n, seq: 5n },
      MAX_ID,
    ];
    for (const a of ids) {
      expect(idFromBytes(idBytes(a).buffer as ArrayBuffer)).toEqual(a);
      for (const b of ids) expect(bytesOrder(idBytes(a), idBytes(b))).toBe(compareIds(a, b));
    }
  });

  it("parts are read as Redis's string2ull: strict decimals, else strtoull (blanks, sign, wrap of a minus)", () => {
    expect(parseU64("0")).toBe(0n);
    expect(parseU64("18446744073709551615")).toBe(U64_MAX);
    expect(parseU64("18446744073709551616")).toBe(null);
    expect(parseU64("-1")).toBe(null);
    expect(parseU64("-01")).toBe(U64_MAX);
    expect(parseU64("-0")).toBe(0n);
    expect(parseU64(" +7")).toBe(7n);
    expect(parseU64("007")).toBe(7n);
    expect(parseU64("")).toBe(null);
    expect(parseU64(" ")).toBe(null);
    expect(parseU64("1 ")).toBe(null);
    expect(parseU64("1.0")).toBe(null);
  });
});

describe("stream storage", () => {
  it("an append, a seek with COUNT 1 and a delete read O(log n) rows of a 5000-entry stream", async () => {
    const { r, sql } = freshShard("streams-cost");
    expect(await r("EVAL", ADD, 1, "s", 1, 5000)).toBe(5000);
    const reads = await sql((s) =>
      rowsReadPerStep(s, (ks, done) => {
        const st = findStream(ks, "s")!;
        done("find");
        st.append({ ms: 6000n, seq: 0n }, [new TextEncoder().encode("f"), new TextEncoder().encode("v")]);
        st.save();
        done("append");
        const seen: string[] = [];
        st.range({ ms: 2500n, seq: 0n }, MAX_ID, 1, false, (e) => void seen.push(`${e.id.ms}-${e.id.seq}`));
        expect(seen).toEqual(["2500-0"]);
        done("range");
        expect(st.delete([{ ms: 2500n, seq: 0n }])).toBe(1);
        st.save();
        done("delete");
      }),
    );
    for (const step of ["find", "append", "range", "delete"]) expect(reads[step], step).toBeLessThan(20);
    expect(await r("XLEN", "s")).toBe(5000);
  });

  it("a long stream's key goes at once and its entries in bounded steps; a stream survives a restart", async () => {
    const { r, sql, stub } = freshShard("streams-lazy");
    expect(await r("EVAL", ADD, 1, "big", 1, 3000)).toBe(3000);
    expect(await r("EVAL", ADD, 1, "kept", 1, 3)).toBe(3);
    const id = await sql((s) => s.exec<{ id: number }>("SELECT id FROM keys WHERE key = 'big'").one().id);
    expect(await r("DEL", "big")).toBe(1);
    expect(await r("EXISTS", "big")).toBe(0);
    for (let i = 0; i < 20; i++) {
      const left = await sql((s) => s.exec<{ n: number }>("SELECT count(*) AS n FROM stream_entry WHERE key_id = ?", id).one().n);
      if (left === 0) break;
      await runDurableObjectAlarm(stub);
    }
    const rows = await sql((s) => ["stream_entry", "stream_node", "stream_meta"].map((t) => s.exec<{ n: number }>(`SELECT count(*) AS n FROM ${t} WHERE key_id = ?`, id).one().n));
    expect(rows).toEqual([0, 0, 0]);
    await evictDurableObject(stub);
    expect(await r("XRANGE", "kept", "-", "+")).toEqual([
      ["1-0", ["f", "v1"]],
      ["2-0", ["f", "v2"]],
      ["3-0", ["f", "v3"]],
    ]);
    expect(await r("XADD", "kept", "3-0", "f", "v")).toEqual({ error: "ERR The ID specified in XADD is equal or smaller than the target stream top item" });
  });

  it("MEMORY USAGE of a stream grows with its entries", async () => {
    const { r } = freshShard("streams-memory");
    await r("XADD", "s", "1-1", "f", "v");
    const one = (await r("MEMORY", "USAGE", "s")) as number;
    await r("XADD", "s", "2-1", "field", "a longer value");
    expect((await r("MEMORY", "USAGE", "s")) as number).toBeGreaterThan(one);
  });

  it("an entry larger than one row is refused, nothing written", async () => {
    const { r } = freshShard("streams-large");
    expect(await r("XADD", "s", "1-1", "f", "x".repeat(1024 * 1024))).toEqual({ error: "ERR Elements are too large to be stored" });
    expect(await r("EXISTS", "s")).toBe(0);
  });
});
