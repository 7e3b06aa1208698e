/**
 * OBJECT: the encodings Redis 7.0 reports for small and large values of each type (with its
 * default thresholds), FREQ's and IDLETIME's errors and replies under the default policy
 * (noeviction), REFCOUNT, HELP; and MEMORY's keyless subcommands, as far as they do not depend
 * on the target's allocator.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";

const LFU_NOT_SELECTED = error(
  "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
);

export const objectCases = defineCases("object", [
  {
    name: "OBJECT ENCODING of strings: int, embstr up to 44 bytes, raw",
    async run({ r, key }) {
      const cases: [string, string][] = [
        ["1", "int"],
        ["-5", "int"],
        ["9223372036854775807", "int"],
        ["9223372036854775808", "embstr"],
        ["01", "embstr"],
        [" 1", "embstr"],
        ["1.5", "embstr"],
        ["abc", "embstr"],
        ["x".repeat(44), "embstr"],
        ["x".repeat(45), "raw"],
        ["x".repeat(5000), "raw"],
      ];
      for (const [value, encoding] of cases) {
        await r("SET", key(), value);
        expect([value, await r("OBJECT", "ENCODING", key())]).toEqual([value, encoding]);
      }
      expect(await r("OBJECT", "ENCODING", key("missing"))).toEqual(null);
    },
  },
  {
    name: "OBJECT ENCODING of collections: listpack, intset and quicklist while small, hashtable and skiplist past Redis's limits",
    async run({ r, key }) {
      await r("RPUSH", key("l"), "a", "b");
      expect(await r("OBJECT", "ENCODING", key("l"))).toEqual("quicklist");
      await r("SADD", key("ints"), 1, 2, 3);
      expect(await r("OBJECT", "ENCODING", key("ints"))).toEqual("intset");
      await r("SADD", key("words"), "a");
      expect(await r("OBJECT", "ENCODING", key("words"))).toEqual("hashtable");
      await r("SADD", key("many"), ...Array.from({ length: 513 }, (_, i) => i));
      expect(await r("OBJECT", "ENCODING", key("many"))).toEqual("hashtable");
      await r("HSET", key("h"), "f", "x".repeat(64));
      expect(await r("OBJECT", "ENCODING", key("h"))).toEqual("listpack");
      await r("HSET", key("hl"), "f", "x".repeat(65));
      expect(await r("OBJECT", "ENCODING", key("hl"))).toEqual("hashtable");
      await r("ZADD", key("z"), 1, "a", 2, "b");
      expect(await r("OBJECT", "ENCODING", key("z"))).toEqual("listpack");
      await r("ZADD", key("zl"), 1, "m".repeat(65));
      expect(await r("OBJECT", "ENCODING", key("zl"))).toEqual("skiplist");
      await r("ZADD", key("zn"), ...Array.from({ length: 129 }, (_, i) => [i, `m${i}`]).flat());
      expect(await r("OBJECT", "ENCODING", key("zn"))).toEqual("skiplist");
    },
  },
  {
    name: "OBJECT FREQ refuses without an LFU policy; IDLETIME and REFCOUNT answer; nil for a missing key",
    async run({ r, key }) {
      await r("SET", key(), "abc");
      expect(await r("OBJECT", "FREQ", key())).toEqual(LFU_NOT_SELECTED);
      expect(await r("OBJECT", "FREQ", key("missing"))).toEqual(null);
      const idle = await r("OBJECT", "IDLETIME", key());
      expect(typeof idle).toBe("number");
      expect(idle as number).toBeLessThanOrEqual(2);
      expect(await r("OBJECT", "IDLETIME", key("missing"))).toEqual(null);
      expect(await r("OBJECT", "REFCOUNT", key())).toEqual(1);
      await r("SET", key("small-int"), "5");
      expect(await r("OBJECT", "REFCOUNT", key("small-int"))).toEqual(2147483647);
      expect(await r("OBJECT", "REFCOUNT", key("missing"))).toEqual(null);
    },
  },
  {
    name: "OBJECT HELP and its errors",
    async run({ r, key }) {
      const help = (await r("OBJECT", "HELP")) as string[];
      expect(help[0]).toEqual("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      expect(help).toContain("ENCODING <key>");
      expect(help).toContain("FREQ <key>");
      expect(help).toContain("IDLETIME <key>");
      expect(help).toContain("REFCOUNT <key>");
      expect(help.slice(-2)).toEqual(["HELP", "    Prints this help."]);
      expect(await r("OBJECT", "HELP", "x")).toEqual(error("ERR wrong number of arguments for 'object|help' command"));
      expect(await r("OBJECT", "ENCODING")).toEqual(error("ERR wrong number of arguments for 'object|encoding' command"));
      expect(await r("OBJECT", "ENCODING", key(), "x")).toEqual(error("ERR wrong number of arguments for 'object|encoding' command"));
      expect(await r("OBJECT", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try OBJECT HELP."));
      expect(await r("OBJECT")).toEqual(error("ERR wrong number of arguments for 'object' command"));
    },
  },
  {
    name: "MEMORY HELP lists every subcommand; STATS, DOCTOR and PURGE answer",
    async run({ r }) {
      const help = (await r("MEMORY", "HELP")) as string[];
      for (const sub of ["DOCTOR", "MALLOC-STATS", "PURGE", "STATS", "USAGE <key> [SAMPLES <count>]", "HELP"]) expect(help).toContain(sub);
      const stats = (await r("MEMORY", "STATS")) as unknown[];
      const names = stats.filter((_, i) => i % 2 === 0);
      for (const field of ["peak.allocated", "total.allocated", "keys.count", "keys.bytes-per-key", "dataset.bytes", "dataset.percentage"]) expect(names).toContain(field);
      expect(typeof (await r("MEMORY", "DOCTOR"))).toBe("string");
      expect(await r("MEMORY", "PURGE")).toEqual("OK");
      expect(await r("MEMORY", "STATS", "x")).toEqual(error("ERR wrong number of arguments for 'memory|stats' command"));
    },
  },
]);
