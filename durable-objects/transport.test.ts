/**
 * The message-plus-stream form of large batches and replies: small ones cross unchanged, large
 * ones come back whole, and a reply stream that fails costs only the replies that were in it.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Arg } from "./args";
import { OK, err, type Reply } from "./reply";
import {
  GATHER_MIN_STRINGS,
  INLINE_RPC_BYTES,
  SPILL_MIN_BYTES,
  isGathered,
  isStreamed,
  pack,
  packGathering,
  ungather,
  unpackBatch,
  unpackReplies,
  type Gathered,
  type Streamed,
} from "./transport";
import { execOnShard, type ShardBatchRpc } from "../worker/shard-transport";

const big = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("transport", () => {
  it("leaves a small batch as it is (the same array)", () => {
    const batch: Arg[][] = [["SET", "k", "v"], ["GET", "k"]];
    expect(pack(batch)).toBe(batch);
  });

  it("splits a large batch into a message and a stream, and joins it again", async () => {
    const a = big(INLINE_RPC_BYTES / 2 + 1, 1);
    const b = "x".repeat(INLINE_RPC_BYTES / 4 + 1);
    const batch: Arg[][] = [["SET", "a", a], ["SET", "b", b], ["GET", "a"]];
    const sent = pack(batch);
    expect(isStreamed(sent)).toBe(true);
    const m = sent as Streamed<Arg[][]>;
    expect(m.message).toEqual([["SET", "a", { spilled: a.length }], ["SET", "b", { spilled: b.length }], ["GET", "a"]]);
    const got = await unpackBatch(m);
    expect(got[0]![2]!.length).toBe(a.length);
    expect((got[0]![2] as Uint8Array).every((x) => x === 1)).toBe(true);
    expect(new TextDecoder().decode(got[1]![2] as Uint8Array) === b).toBe(true);
    expect(got[2]).toEqual(["GET", "a"]);
  });

  it("a reply stream that breaks turns only the replies it carried into errors", async () => {
    const value = big(INLINE_RPC_BYTES + 1, 2);
    const sent = pack<Reply[]>([OK, 7, [value, "small"], null]) as Streamed<Reply[]>;
    const broken: Streamed<Reply[]> = {
      ...sent,
      body: new ReadableStream({
        pull(c) {
          c.error(new Error("connection reset"));
        },
      }),
    };
    const replies = await unpackReplies(broken);
    expect(replies[0]).toEqual(OK);
    expect(replies[1]).toBe(7);
    expect(replies[2]).toEqual({ error: expect.stringContaining("ERR reply lost in transit from the shard: connection reset") });
    expect(replies[3]).toBeNull();
  });

  it("refuses a stream that carries more or fewer bytes than announced", async () => {
    const m = pack<Arg[][]>([["SET", "a", big(INLINE_RPC_BYTES + 1, 3)]]) as Streamed<Arg[][]>;
    const short = { ...m, body: new Blob([big(10, 3)]).stream() };
    await expect(unpackBatch(short)).rejects.toThrow(/ended after 10 of/);
    const long = { ...m, bytes: 5 };
    await expect(unpackBatch(long)).rejects.toThrow(/more than the 5 bytes/);
  });

  it("leaves replies with fewer than GATHER_MIN_STRINGS small byte strings as they are", () => {
    const replies: Reply[] = Array.from({ length: GATHER_MIN_STRINGS - 1 }, (_, i) => big(3, i));
    replies.push("text", OK, 5, null);
    expect(packGathering(replies)).toBe(replies);
  });

  it("gathers small byte strings at any depth into one buffer and puts views of it back", () => {
    const long = big(SPILL_MIN_BYTES, 9);
    const replies: Reply[] = [big(2, 1), OK, [big(0, 0), [big(3, 2), "s"], null], err("ERR x"), 7n, big(1, 3), long, ["a", big(4, 4)]];
    const copy = structuredClone(replies);
    const sent = packGathering(replies);
    expect(isGathered(sent)).toBe(true);
    const m = sent as Gathered<Reply[]>;
    expect(m.gathered).toEqual(new Uint8Array([1, 1, 2, 2, 2, 3, 4, 4, 4, 4]));
    expect(m.message).toEqual([{ spilled: 2 }, OK, [{ spilled: 0 }, [{ spilled: 3 }, "s"], null], err("ERR x"), 7n, { spilled: 1 }, long, ["a", { spilled: 4 }]]);
    // The replies themselves are not changed (a reply may be kept elsewhere in the shard).
    expect(replies).toEqual(copy);
    expect(ungather(structuredClone(m))).toEqual(copy);
  });

  it("a shard answers gathered replies only when asked, and the Worker's call makes them whole", async () => {
    // Each call on a shard of its own: the batch is not idempotent (RPUSH).
    const fresh = () => env.SHARD.getByName(`transport-${Math.random()}`) as unknown as ShardBatchRpc;
    const values = ["a", "é", "", "\u0000\u00ff", "x".repeat(100)];
    const batch: Arg[][] = [...values.map((v, i) => ["SET", `k${i}`, v]), ["RPUSH", "l", ...values], ...values.map((_, i) => ["GET", `k${i}`]), ["LRANGE", "l", "0", "-1"]];
    const plain = await fresh().exec(batch);
    expect(Array.isArray(plain)).toBe(true);
    const asked = await fresh().exec(batch, { gather: true });
    expect(isGathered(asked)).toBe(true);
    const bytes = values.map((v) => new TextEncoder().encode(v));
    const whole = await execOnShard(fresh(), batch);
    expect(whole).toEqual([...values.map(() => OK), values.length, ...bytes, bytes]);
    expect(whole).toEqual(plain);
  });
});
