import { describe, expect, it } from "vitest";
import type { Arg } from "./args";
import type { Reply } from "./reply";
import { dumpKeys, MAX_DUMP_BYTES, restoreCommands, sameDump, type KeyDump } from "./scratch";

/** A shard that answers every key as a string of `size` bytes. */
function strings(size: number): (argv: Arg[]) => Reply {
  return (argv) => {
    switch (String(argv[0])) {
      case "TYPE":
        return { status: "string" };
      case "PEXPIRETIME":
        return -1;
      case "STRLEN":
        return size;
      default:
        return "x".repeat(size);
    }
  };
}

describe("scratch dumps", () => {
  it("refuses a key above the byte cap without reading it, and keys beyond the total cap", () => {
    const calls: string[] = [];
    const run = strings(MAX_DUMP_BYTES + 1);
    expect(dumpKeys((argv) => (calls.push(String(argv[0])), run(argv)), ["a"])).toEqual([{ tooLarge: true }]);
    expect(calls).not.toContain("GET");
    const nine = dumpKeys(strings(MAX_DUMP_BYTES - 10), "abcdefghi".split(""));
    expect(nine.slice(0, 8).every((d) => d !== null && "type" in d)).toBe(true);
    expect(nine[8]).toEqual({ tooLarge: true });
  });

  it("restores a big list in chunks, then its expiry; a missing key is just deleted", () => {
    const items = Array.from({ length: 1200 }, (_, i) => `e${i}`);
    const cmds = restoreCommands("k", { type: "list", expireAt: 5000, items });
    expect(cmds.map((c) => [c[0], c.length])).toEqual([["DEL", 2], ["RPUSH", 502], ["RPUSH", 502], ["RPUSH", 202], ["PEXPIREAT", 3]]);
    expect(cmds.slice(1, 4).flatMap((c) => c.slice(2))).toEqual(items);
    expect(restoreCommands("k", null)).toEqual([["DEL", "k"]]);
  });

  it("restores a zset as score-member pairs and a hash's field expiries grouped by time", () => {
    expect(restoreCommands("z", { type: "zset", expireAt: -1, items: ["m", "1.5", "n", "-inf"] })).toEqual([["DEL", "z"], ["ZADD", "z", "1.5", "m", "-inf", "n"]]);
    const h: KeyDump = { type: "hash", expireAt: -1, items: ["f", "1", "g", "2", "k", "3"], fieldExpireAt: [9, -1, 9] };
    expect(restoreCommands("h", h)).toEqual([["DEL", "h"], ["HSET", "h", "f", "1", "g", "2", "k", "3"], ["HPEXPIREAT", "h", "9", "FIELDS", "2", "f", "k"]]);
  });

  it("compares dumps: a set's order does not matter, a list's does, bytes equal strings", () => {
    const set = (items: string[]): KeyDump => ({ type: "set", expireAt: -1, items });
    expect(sameDump(set(["a", "b"]), set(["b", "a"]))).toBe(true);
    expect(sameDump({ ...set(["a", "b"]), type: "list" }, { ...set(["b", "a"]), type: "list" })).toBe(false);
    expect(sameDump(set(["a"]), { ...set([]), items: [new Uint8Array([97])] })).toBe(true);
    expect(sameDump(set(["a"]), { ...set(["a"]), expireAt: 1 })).toBe(false);
    expect(sameDump(null, null)).toBe(true);
    expect(sameDump(null, set([]))).toBe(false);
  });
});
