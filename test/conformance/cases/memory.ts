/**
 * MEMORY USAGE and MEMORY HELP: only what does not depend on the target. The bytes themselves
 * are each server's own (Redis's allocator sizes; edgekv's estimate from its SQLite rows,
 * durable-objects/store/memory-usage.test.ts), so a case asks for a positive integer.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { NOT_INT, SYNTAX } from "./common";

export const memoryCases = defineCases("memory", [
  {
    name: "MEMORY USAGE: nil for a missing key, a positive integer for every type",
    async run({ r, key }) {
      expect(await r("MEMORY", "USAGE", key("missing"))).toEqual(null);
      await r("SET", key("s"), "value");
      await r("HSET", key("h"), "f", "v");
      await r("RPUSH", key("l"), "a", "b");
      await r("SADD", key("set"), "a");
      await r("ZADD", key("z"), 1, "a");
      for (const k of ["s", "h", "l", "set", "z"]) {
        for (const extra of [[], ["SAMPLES", 0], ["samples", 1], ["SAMPLES", 5, "SAMPLES", 2]]) {
          const n = await r("MEMORY", "USAGE", key(k), ...extra);
          expect(typeof n).toBe("number");
          expect(n as number).toBeGreaterThan(0);
        }
      }
      await r("SET", key("long"), "x".repeat(5000));
      expect((await r("MEMORY", "USAGE", key("long"))) as number).toBeGreaterThan((await r("MEMORY", "USAGE", key("s"))) as number);
    },
  },
  {
    name: "MEMORY USAGE syntax: SAMPLES needs a non-negative integer; options before the key's lookup",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("MEMORY", "USAGE", key(), "SAMPLES")).toEqual(SYNTAX);
      expect(await r("MEMORY", "USAGE", key(), "SAMPLES", "x")).toEqual(NOT_INT);
      expect(await r("MEMORY", "USAGE", key(), "SAMPLES", -1)).toEqual(SYNTAX);
      expect(await r("MEMORY", "USAGE", key(), "FOO")).toEqual(SYNTAX);
      expect(await r("MEMORY", "USAGE", key(), "SAMPLES", 1, "extra")).toEqual(SYNTAX);
      expect(await r("MEMORY", "USAGE", key("missing"), "SAMPLES", "x")).toEqual(NOT_INT);
      expect(await r("MEMORY", "USAGE", key("missing"), "SAMPLES", 3)).toEqual(null);
      expect(await r("MEMORY", "USAGE")).toEqual(error("ERR wrong number of arguments for 'memory|usage' command"));
      expect(await r("MEMORY")).toEqual(error("ERR wrong number of arguments for 'memory' command"));
      expect(await r("MEMORY", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try MEMORY HELP."));
    },
  },
  {
    name: "MEMORY HELP lists USAGE",
    async run({ r }) {
      const help = (await r("MEMORY", "HELP")) as string[];
      expect(help[0]).toEqual("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      expect(help).toContain("USAGE <key> [SAMPLES <count>]");
      expect(help.slice(-2)).toEqual(["HELP", "    Prints this help."]);
      expect(await r("MEMORY", "HELP", "x")).toEqual(error("ERR wrong number of arguments for 'memory|help' command"));
    },
  },
]);
