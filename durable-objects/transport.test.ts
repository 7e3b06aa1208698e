/**
 * The message-plus-stream form of large batches and replies: small ones cross unchanged, large
 * ones come back whole, and a reply stream that fails costs only the replies that were in it.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "./args";
import { OK, type Reply } from "./reply";
import { INLINE_RPC_BYTES, isStreamed, pack, unpackBatch, unpackReplies, type Streamed } from "./transport";

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
});
