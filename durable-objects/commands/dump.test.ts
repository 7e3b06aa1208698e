/**
 * DUMP and RESTORE at their limits, inside one shard with a small value limit: a payload past
 * the limit is refused, a payload whose value the store refuses changes nothing (the old key
 * of a REPLACE included), and a string longer than one value may be is bad data.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../args";
import { RdbWriter } from "../rdb/encoding";
import type { Reply } from "../reply";
import { inDirectShard } from "../../test/workers/shard-client";

const VALUE_LIMIT = 100_000;

function inShard<T>(fn: (run: (...argv: Arg[]) => Reply) => T, valueLimit = VALUE_LIMIT): Promise<T> {
  return inDirectShard("dump", ({ run }) => fn(run), { maxValueBytes: valueLimit });
}

describe("DUMP and RESTORE limits", () => {
  it("a payload past the value limit + 1 MiB is refused; one below it round trips", () =>
    inShard((run) => {
      const element = "x".repeat(600);
      for (let i = 0; i < 2000; i++) run("RPUSH", "big", `${i}${element}`);
      expect(run("DUMP", "big")).toEqual({ error: `ERR DUMP payload exceeds maximum allowed size (${VALUE_LIMIT + 1024 * 1024} bytes)` });
      expect(run("LTRIM", "big", "0", "999")).toEqual({ status: "OK" });
      const dump = run("DUMP", "big") as Uint8Array;
      expect(dump).toBeInstanceOf(Uint8Array);
      expect(run("RESTORE", "copy", "0", dump)).toEqual({ status: "OK" });
      expect(run("LLEN", "copy")).toBe(1000);
    }));

  it("the largest TTLs and ABSTTL times are kept (rounded past 2^53 ms, as EXPIRE's)", () =>
    inShard((run) => {
      const payload = new RdbWriter().byte(0).string("v").payload();
      expect(run("RESTORE", "a", "9223372036854775807", payload, "ABSTTL")).toEqual({ status: "OK" });
      expect(run("RESTORE", "b", "9223372036854775807", payload)).toEqual({ status: "OK" });
      expect(run("GET", "b")).toEqual(new TextEncoder().encode("v"));
      expect(run("RESTORE", "c", "9223372036854775808", payload)).toEqual({ error: "ERR value is not an integer or out of range" });
    }));

  it("a string longer than the value limit is bad data, whatever it claims or compresses to", () =>
    inShard((run) => {
      const plain = new RdbWriter().byte(0).string(new Uint8Array(VALUE_LIMIT + 1).fill(7)).payload();
      expect(run("RESTORE", "s", "0", plain)).toEqual({ error: "ERR Bad data format" });
      expect(run("EXISTS", "s")).toBe(0);
    }));

  it("a value the store refuses (a list element past 1 MiB) answers the store's error and leaves the old key", () =>
    inShard((run) => {
      run("SET", "k", "old");
      const payload = new RdbWriter().byte(1).length(2).string("ok").string(new Uint8Array(1024 * 1024 + 1).fill(97)).payload();
      expect(payload.length).toBeLessThan(VALUE_LIMIT);
      expect(run("RESTORE", "k", "0", payload, "REPLACE")).toEqual({ error: "ERR string exceeds maximum allowed size (1048576 bytes)" });
      expect(run("GET", "k")).toEqual(new TextEncoder().encode("old"));
    }, 4 * 1024 * 1024));
});
