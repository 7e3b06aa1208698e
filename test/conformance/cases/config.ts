/**
 * CONFIG cases: GET by name, alias and pattern; SET's errors (Redis 7's order: every name, then
 * every value) and all-or-nothing; values shown in Redis's canonical form; HELP, REWRITE.
 * Expectations are redis-server 7.0.15's.
 *
 * Settings are global and other groups run at the same time against the same servers: these
 * cases only change parameters no other case depends on (maxmemory-eviction-tenacity,
 * busy-reply-threshold, notify-keyspace-events), and put back what they found in a `finally`.
 * maxmemory itself is only sent in refused CONFIG SETs here (its `100mb` → `104857600` is
 * checked in durable-objects/config/store.test.ts).
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";

/** A CONFIG GET reply (a flat name/value list, in the server's own order) as sorted pairs. */
function pairs(reply: Value): [string, string][] {
  const flat = reply as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Runs `body`, then sets each of `params` back to what it was before. */
async function restoring(r: Call, params: string[], body: () => Promise<void>): Promise<void> {
  const before = params.map(async (p) => (await r("CONFIG", "GET", p)) as string[]);
  const saved = await Promise.all(before);
  try {
    await body();
  } finally {
    for (const [name, value] of saved) await r("CONFIG", "SET", name!, value!);
  }
}

const failed = (arg: string, why: string) => error(`ERR CONFIG SET failed (possibly related to argument '${arg}') - ${why}`);
const TENACITY = "maxmemory-eviction-tenacity";
const POLICIES = "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";

export const configCases = defineCases("config", [
  {
    name: "CONFIG GET of a name answers it as given; an unknown name answers nothing",
    async run({ r }) {
      expect(await r("CONFIG", "GET", "maxmemory-policy")).toEqual(["maxmemory-policy", expect.any(String)]);
      expect(await r("CONFIG", "GET", "MAXMEMORY-POLICY")).toEqual(["MAXMEMORY-POLICY", expect.any(String)]);
      expect(await r("CONFIG", "GET", "no-such-parameter")).toEqual([]);
      expect(await r("CONFIG", "GET", "no-such-*")).toEqual([]);
      expect(pairs(await r("CONFIG", "GET", "maxmemory-policy", "nothing", "MAXMEMORY-POLICY")).map(([n]) => n)).toEqual(["maxmemory-policy"]);
    },
  },
  {
    name: "CONFIG GET with patterns: several at once, case-insensitive, each parameter once",
    async run({ r }) {
      const names = pairs(await r("CONFIG", "GET", "MAXMEMORY-*", "maxmemory-policy", "maxmemory-[ps]*")).map(([n]) => n);
      expect(names).toEqual(expect.arrayContaining(["maxmemory-eviction-tenacity", "maxmemory-policy", "maxmemory-samples"]));
      expect(names).not.toContain("maxmemory");
      expect(new Set(names).size).toBe(names.length);
      expect(pairs(await r("CONFIG", "GET", "maxmemory-samples?")).length).toBe(0);
      expect(pairs(await r("CONFIG", "GET", "lfu-*"))).toEqual([
        ["lfu-decay-time", expect.any(String)],
        ["lfu-log-factor", expect.any(String)],
      ]);
    },
  },
  {
    name: "CONFIG GET of an alias: lua-time-limit is busy-reply-threshold, both names answer",
    async run({ r }) {
      await restoring(r, ["busy-reply-threshold"], async () => {
        expect(await r("CONFIG", "SET", "lua-time-limit", "6000")).toEqual("OK");
        expect(await r("CONFIG", "GET", "busy-reply-threshold")).toEqual(["busy-reply-threshold", "6000"]);
        expect(await r("CONFIG", "GET", "LUA-TIME-LIMIT")).toEqual(["LUA-TIME-LIMIT", "6000"]);
        expect(pairs(await r("CONFIG", "GET", "lua-time-limit", "busy-reply-threshold"))).toEqual([
          ["busy-reply-threshold", "6000"],
          ["lua-time-limit", "6000"],
        ]);
        expect(await r("CONFIG", "GET", "lua-*")).toEqual(["lua-time-limit", "6000"]);
        expect(await r("CONFIG", "GET", "*reply-threshold")).toEqual(["busy-reply-threshold", "6000"]);
        // A parameter and its alias are two names: not a duplicate, the last one wins.
        expect(await r("CONFIG", "SET", "busy-reply-threshold", "7000", "lua-time-limit", "7500")).toEqual("OK");
        expect(await r("CONFIG", "GET", "busy-reply-threshold")).toEqual(["busy-reply-threshold", "7500"]);
      });
    },
  },
  {
    name: "CONFIG SET of several pairs; values shown as Redis shows them",
    async run({ r }) {
      await restoring(r, [TENACITY, "notify-keyspace-events", "busy-reply-threshold"], async () => {
        expect(await r("CONFIG", "SET", TENACITY, "42", "notify-keyspace-events", "KEA", "busy-reply-threshold", "0")).toEqual("OK");
        expect(pairs(await r("CONFIG", "GET", TENACITY, "notify-keyspace-events", "busy-reply-threshold"))).toEqual([
          ["busy-reply-threshold", "0"],
          [TENACITY, "42"],
          ["notify-keyspace-events", "AKE"],
        ]);
        for (const [given, shown] of [["Kx$g", "g$xK"], ["mn", "nm"], ["g$lshzxetd", "A"], ["nmdtexzhsl$gEK", "AKEm"], ["", ""]]) {
          expect(await r("CONFIG", "SET", "notify-keyspace-events", given!)).toEqual("OK");
          expect(await r("CONFIG", "GET", "notify-keyspace-events")).toEqual(["notify-keyspace-events", shown]);
        }
        expect(await r("CONFIG", "SET", "MAXMEMORY-EVICTION-TENACITY", "100")).toEqual("OK");
        expect(await r("CONFIG", "GET", TENACITY)).toEqual([TENACITY, "100"]);
      });
    },
  },
  {
    name: "CONFIG SET errors: unknown, immutable, duplicate, a bad value, odd arguments",
    async run({ r }) {
      expect(await r("CONFIG", "SET", "foo", "bar")).toEqual(error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
      expect(await r("CONFIG", "SET", "databases", "2")).toEqual(failed("databases", "can't set immutable config"));
      expect(await r("CONFIG", "SET", TENACITY, "1", "Maxmemory-Eviction-Tenacity", "2")).toEqual(failed("Maxmemory-Eviction-Tenacity", "duplicate parameter"));
      expect(await r("CONFIG", "SET", "maxmemory-policy", "lru")).toEqual(failed("maxmemory-policy", `argument(s) must be one of the following: ${POLICIES}`));
      expect(await r("CONFIG", "SET", "maxmemory", "1.5mb")).toEqual(failed("maxmemory", "argument must be a memory value"));
      expect(await r("CONFIG", "SET", "MAXMEMORY", "-1")).toEqual(failed("maxmemory", "argument must be a memory value"));
      expect(await r("CONFIG", "SET", TENACITY, "101")).toEqual(failed(TENACITY, "argument must be between 0 and 100 inclusive"));
      expect(await r("CONFIG", "SET", TENACITY, "007")).toEqual(failed(TENACITY, "argument couldn't be parsed into an integer"));
      expect(await r("CONFIG", "SET", TENACITY, "+5")).toEqual(failed(TENACITY, "argument couldn't be parsed into an integer"));
      expect(await r("CONFIG", "SET", "maxmemory-samples", "0")).toEqual(failed("maxmemory-samples", "argument must be between 1 and 2147483647 inclusive"));
      expect(await r("CONFIG", "SET", "slowlog-max-len", "-1")).toEqual(failed("slowlog-max-len", "argument must be between 0 and 9223372036854775807 inclusive"));
      expect(await r("CONFIG", "SET", "LUA-TIME-LIMIT", "x")).toEqual(failed("lua-time-limit", "argument couldn't be parsed into an integer"));
      expect(await r("CONFIG", "SET", "notify-keyspace-events", "KEQ")).toEqual(failed("notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
      expect(await r("CONFIG", "SET", TENACITY, "1", "foo")).toEqual(error("ERR syntax error"));
      expect(await r("CONFIG", "SET", TENACITY)).toEqual(error("ERR wrong number of arguments for 'config|set' command"));
      expect(await r("CONFIG", "GET")).toEqual(error("ERR wrong number of arguments for 'config|get' command"));
      expect(await r("CONFIG", "NOPE")).toEqual(error("ERR unknown subcommand 'NOPE'. Try CONFIG HELP."));
    },
  },
  {
    name: "CONFIG SET is all-or-nothing: names are checked before values, nothing applies unless all pass",
    async run({ r }) {
      await restoring(r, [TENACITY, "busy-reply-threshold"], async () => {
        expect(await r("CONFIG", "SET", TENACITY, "11", "busy-reply-threshold", "5001")).toEqual("OK");
        // A bad value after a good pair: the good one is not applied.
        expect(await r("CONFIG", "SET", TENACITY, "12", "busy-reply-threshold", "-1")).toEqual(
          failed("busy-reply-threshold", "argument must be between 0 and 9223372036854775807 inclusive"),
        );
        // An unknown or immutable name wins over an earlier bad value.
        expect(await r("CONFIG", "SET", TENACITY, "abc", "foo", "bar")).toEqual(error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
        expect(await r("CONFIG", "SET", "maxmemory", "abc", "databases", "3")).toEqual(failed("databases", "can't set immutable config"));
        expect(await r("CONFIG", "SET", TENACITY, "13", "maxmemory", "abc")).toEqual(failed("maxmemory", "argument must be a memory value"));
        expect(pairs(await r("CONFIG", "GET", TENACITY, "busy-reply-threshold"))).toEqual([
          ["busy-reply-threshold", "5001"],
          [TENACITY, "11"],
        ]);
      });
    },
  },
  {
    name: "CONFIG HELP, REWRITE without a config file, RESETSTAT",
    async run({ r }) {
      const help = (await r("CONFIG", "HELP")) as string[];
      expect(help[0]).toBe("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      expect(help).toContain("GET <pattern>");
      expect(help).toContain("    Rewrite the configuration file.");
      expect(help.length).toBe(11);
      expect(await r("CONFIG", "REWRITE")).toEqual(error("ERR The server is running without a config file"));
      expect(await r("CONFIG", "RESETSTAT")).toEqual("OK");
      expect(await r("CONFIG", "HELP", "x")).toEqual(error("ERR wrong number of arguments for 'config|help' command"));
    },
  },
]);
