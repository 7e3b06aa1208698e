/** The reply budget of one batch, without a shard. */
import { describe, expect, it } from "vitest";
import { CommandError, OK, err, status, type Reply } from "./reply";
import { INLINE_REPLY_MAX_BYTES, ReplyBudget, replyBytes, SHARD_REPLY_MAX_BYTES, SMALL_REPLY_BYTES } from "./reply-budget";

const bytes = (n: number) => new Uint8Array(n);

describe("replyBytes", () => {
  it("bounds each kind from above, strings at two bytes a character, arrays by their elements", () => {
    expect(replyBytes(bytes(1000))).toBeGreaterThanOrEqual(1000);
    expect(replyBytes("é".repeat(100))).toBeGreaterThanOrEqual(200);
    expect(replyBytes([bytes(10), [bytes(20), null], 3])).toBeGreaterThan(replyBytes(bytes(10)) + replyBytes(bytes(20)));
    expect(replyBytes(OK)).toBeLessThan(SMALL_REPLY_BYTES);
    expect(replyBytes(2n ** 64n)).toBeLessThan(SMALL_REPLY_BYTES);
  });
});

describe("ReplyBudget", () => {
  it("keeps replies while they fit, then answers an error entry for a large read; small ones always pass", () => {
    const budget = new ReplyBudget(3000, 10);
    const get = ["GET", "k"];
    expect(budget.admit(get, bytes(2000))).toEqual(bytes(2000));
    const refused = budget.admit(get, bytes(2000)) as { error: string };
    expect(refused.error).toMatch(/^ERR reply of 'get' \(about 2024 bytes\) exceeds the \d+ bytes left/);
    for (const small of [OK, 1, null, err("ERR x"), status("QUEUED"), bytes(100)] as Reply[]) expect(budget.admit(["SET"], small)).toBe(small);
  });

  it("a write whose large reply does not fit throws (its savepoint rolls back); one that fits is counted once", () => {
    const budget = new ReplyBudget(3000, 10);
    const reply = bytes(2000);
    expect(budget.admitWrite(["GETDEL", "k"], reply)).toBe(reply);
    expect(budget.admit(["GETDEL", "k"], reply)).toBe(reply);
    expect(() => budget.admitWrite(["GETDEL", "k"], bytes(2000))).toThrow(CommandError);
    expect(() => budget.admitWrite(["GETDEL", "k"], bytes(2000))).toThrow(/the command was not applied/);
    expect(budget.admitWrite(["SET", "k"], OK)).toBe(OK);
  });

  it("never exceeds one RPC, however many small replies the batch has", () => {
    const n = 10_000;
    const budget = new ReplyBudget(undefined, n);
    let total = 0;
    const big = bytes(1024 * 1024);
    for (let i = 0; i < n; i++) total += replyBytes(budget.admit(["GET", "k"], i % 2 ? big : "x".repeat(200)));
    expect(total).toBeLessThanOrEqual(SHARD_REPLY_MAX_BYTES);
  });

  it("keeps what stays outside the transport's stream under one RPC message, whatever the budget", () => {
    const budget = new ReplyBudget(1024 * 1024 * 1024, 1000);
    const medium = bytes(50_000); // below the stream's threshold: it travels in the message itself
    const long = bytes(1024 * 1024); // travels in the stream
    expect(budget.admit(["GET", "k"], long)).toBe(long);
    let inline = 0;
    for (let i = 0; i < 1000; i++) if (budget.admit(["GET", "k"], medium) === medium) inline += replyBytes(medium);
    expect(inline).toBeLessThanOrEqual(INLINE_REPLY_MAX_BYTES);
    expect(inline).toBeGreaterThan(INLINE_REPLY_MAX_BYTES - 2 * replyBytes(medium));
  });
});
