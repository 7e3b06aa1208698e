/**
 * INFO's sections and field names, the counters that move with commands, SLOWLOG's shapes and
 * errors: what every target answers alike (a shard, the Worker over 16 shards, redis-server).
 * Figures are compared as differences before and after, so other work on the target does not matter.
 */
import { expect } from "vitest";
import { defineCases, error, type Call } from "../harness";

/** INFO's text as sections of (name → value). */
function parse(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) out.set(line.slice(2), (cur = new Map()));
    else if (cur && line) cur.set(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1));
  }
  return out;
}

async function info(r: Call, ...sections: string[]): Promise<Map<string, Map<string, string>>> {
  return parse((await r("INFO", ...sections)) as string);
}

/** `names` appear in `list` in this order (other names may come between). */
function inOrder(list: string[], names: string[]): void {
  const at = names.map((n) => list.indexOf(n));
  expect(at.every((i) => i >= 0), `missing one of ${names.join(", ")} in ${list.join(", ")}`).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

async function stat(r: Call, name: string): Promise<number> {
  return Number((await info(r, "stats")).get("Stats")!.get(name));
}

/** One command's commandstats figures (zeros when it has none). */
async function cmdstat(r: Call, command: string): Promise<Record<string, number>> {
  const line = (await info(r, "commandstats")).get("Commandstats")!.get(`cmdstat_${command}`);
  const out: Record<string, number> = { calls: 0, usec: 0, rejected_calls: 0, failed_calls: 0 };
  for (const part of (line ?? "").split(",")) if (part.includes("=")) out[part.split("=")[0]!] = Number(part.split("=")[1]);
  return out;
}

async function errorstat(r: Call, prefix: string): Promise<number> {
  const v = (await info(r, "errorstats")).get("Errorstats")!.get(`errorstat_${prefix}`);
  return v ? Number(v.replace("count=", "")) : 0;
}

export const observabilityCases = defineCases("observability", [
  {
    name: "INFO's default, all and everything sections, in Redis's order",
    async run({ r }) {
      const dflt = [...(await info(r)).keys()];
      inOrder(dflt, ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "Errorstats", "Cluster", "Keyspace"]);
      expect(dflt).not.toContain("Commandstats");
      expect([...(await info(r, "default")).keys()]).toEqual(dflt);
      const all = [...(await info(r, "all")).keys()];
      inOrder(all, ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "Commandstats", "Errorstats", "Cluster", "Keyspace"]);
      inOrder([...(await info(r, "everything")).keys()], ["Server", "Commandstats", "Errorstats", "Keyspace"]);
      expect([...(await info(r, "keyspace", "SERVER", "stats")).keys()]).toEqual(["Server", "Stats", "Keyspace"]);
      expect([...(await info(r, "default", "commandstats")).keys()]).toContain("Commandstats");
      expect(await r("INFO", "nosuchsection")).toEqual("");
    },
  },
  {
    name: "INFO's field names, in Redis's order within each section",
    async run({ r }) {
      const s = await info(r, "all");
      const names = (title: string) => [...s.get(title)!.keys()];
      inOrder(names("Server"), ["redis_version", "redis_mode", "arch_bits", "run_id", "server_time_usec", "uptime_in_seconds", "uptime_in_days"]);
      inOrder(names("Clients"), ["connected_clients", "maxclients", "blocked_clients"]);
      inOrder(names("Memory"), ["used_memory", "used_memory_human", "maxmemory", "maxmemory_human", "maxmemory_policy"]);
      inOrder(names("Persistence"), ["loading", "async_loading", "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_bgsave_status", "aof_enabled", "aof_rewrite_in_progress", "aof_last_write_status"]);
      inOrder(names("Stats"), ["total_commands_processed", "instantaneous_ops_per_sec", "expired_keys", "evicted_keys", "keyspace_hits", "keyspace_misses", "total_error_replies"]);
      inOrder(names("Replication"), ["role", "connected_slaves"]);
      expect(s.get("Replication")!.get("role")).toBe("master");
      expect(s.get("Cluster")!.get("cluster_enabled")).toBe("0");
      expect(s.get("Memory")!.get("maxmemory_policy")).toBe("noeviction");
      for (const [name, value] of s.get("Commandstats")!) {
        expect(name).toMatch(/^cmdstat_[a-z_.|-]+$/);
        expect(value).toMatch(/^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$/);
      }
    },
  },
  {
    name: "keyspace_hits and keyspace_misses count the lookups of read commands",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      const hits = await stat(r, "keyspace_hits");
      const misses = await stat(r, "keyspace_misses");
      await r("GET", key("a"));
      await r("GET", key("nope"));
      await r("EXISTS", key("a"));
      await r("SET", key("a"), "2");
      expect(await stat(r, "keyspace_hits")).toBe(hits + 2);
      expect(await stat(r, "keyspace_misses")).toBe(misses + 1);
    },
  },
  {
    name: "expired_keys counts a key found expired",
    async run({ r, key }) {
      const before = await stat(r, "expired_keys");
      await r("SET", key("e"), "v", "PX", 1);
      await new Promise((res) => setTimeout(res, 20));
      expect(await r("GET", key("e"))).toBeNull();
      expect(await stat(r, "expired_keys")).toBeGreaterThanOrEqual(before + 1);
      expect(await r("EXISTS", key("e"))).toBe(0);
    },
  },
  {
    name: "commandstats: calls, rejected calls (arity) and failed calls (an error while running)",
    async run({ r, key }) {
      await r("SET", key("s"), "x");
      await r("LPUSH", key("l"), "x");
      const before = await cmdstat(r, "get");
      await r("GET", key("s"));
      expect(await r("GET", key("s"), "extra")).toEqual(error("ERR wrong number of arguments for 'get' command"));
      expect(await r("GET", key("l"))).toEqual(error("WRONGTYPE Operation against a key holding the wrong kind of value"));
      const after = await cmdstat(r, "get");
      expect(after.calls - before.calls).toBe(2);
      expect(after.rejected_calls - before.rejected_calls).toBe(1);
      expect(after.failed_calls - before.failed_calls).toBe(1);
    },
  },
  {
    name: "errorstats count error replies by prefix, unknown commands included",
    async run({ r, key }) {
      await r("LPUSH", key("l"), "x");
      const wrongtype = await errorstat(r, "WRONGTYPE");
      const errs = await errorstat(r, "ERR");
      const total = await stat(r, "total_error_replies");
      await r("GET", key("l"));
      await r("NOSUCHCOMMAND", "a");
      expect(await errorstat(r, "WRONGTYPE")).toBe(wrongtype + 1);
      expect(await errorstat(r, "ERR")).toBe(errs + 1);
      expect(await stat(r, "total_error_replies")).toBe(total + 2);
    },
  },
  {
    name: "SLOWLOG LEN, RESET and GET's shape",
    async run({ r }) {
      expect(await r("SLOWLOG", "RESET")).toEqual("OK");
      expect(typeof (await r("SLOWLOG", "LEN"))).toBe("number");
      const entries = (await r("SLOWLOG", "GET")) as unknown[][];
      expect(Array.isArray(entries)).toBe(true);
      for (const e of entries) {
        expect(e).toHaveLength(6);
        expect(typeof e[0]).toBe("number");
        expect(Array.isArray(e[3])).toBe(true);
      }
      expect(Array.isArray(await r("SLOWLOG", "GET", -1))).toBe(true);
      expect(Array.isArray(await r("SLOWLOG", "GET", 0))).toBe(true);
      expect(await r("SLOWLOG", "GET", 0)).toEqual([]);
    },
  },
  {
    name: "SLOWLOG errors and HELP",
    async run({ r }) {
      expect(await r("SLOWLOG", "GET", -2)).toEqual(error("ERR count should be greater than or equal to -1"));
      expect(await r("SLOWLOG", "GET", "x")).toEqual(error("ERR count should be greater than or equal to -1"));
      expect(await r("SLOWLOG", "GET", 1, 2)).toEqual(error("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."));
      expect(await r("SLOWLOG", "LEN", 1)).toEqual(error("ERR wrong number of arguments for 'slowlog|len' command"));
      expect(await r("SLOWLOG", "RESET", 1)).toEqual(error("ERR wrong number of arguments for 'slowlog|reset' command"));
      expect(await r("SLOWLOG", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try SLOWLOG HELP."));
      expect(await r("SLOWLOG")).toEqual(error("ERR wrong number of arguments for 'slowlog' command"));
      const help = (await r("SLOWLOG", "HELP")) as string[];
      expect(help[0]).toBe("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      expect(help).toHaveLength(12);
    },
  },
  {
    name: "SLOWLOG with slowlog-log-slower-than 0 logs every command, argv cut as Redis",
    async run({ r, key }) {
      expect(await r("CONFIG", "SET", "slowlog-log-slower-than", "0")).toEqual("OK");
      try {
        expect(await r("SLOWLOG", "RESET")).toEqual("OK");
        await r("SET", key("s"), "a".repeat(200));
        await r("RPUSH", key("l"), ...Array.from({ length: 40 }, (_, i) => i + 1));
        const entries = (await r("SLOWLOG", "GET", -1)) as [number, number, number, string[], string, string][];
        const set = entries.find((e) => e[3][0] === "SET" && e[3][1] === key("s"))!;
        expect(set[3]).toEqual(["SET", key("s"), "a".repeat(128) + "... (72 more bytes)"]);
        expect(typeof set[1]).toBe("number");
        expect(typeof set[2]).toBe("number");
        const rpush = entries.find((e) => e[3][0] === "RPUSH")!;
        expect(rpush[3]).toHaveLength(32);
        expect(rpush[3][31]).toBe("... (11 more arguments)");
        expect(entries.indexOf(rpush)).toBeLessThan(entries.indexOf(set));
        expect(await r("SLOWLOG", "LEN")).toBeGreaterThanOrEqual(2);
      } finally {
        expect(await r("CONFIG", "SET", "slowlog-log-slower-than", "10000")).toEqual("OK");
      }
    },
  },
  {
    name: "CONFIG RESETSTAT zeroes the stats, commandstats and errorstats",
    async run({ r, key }) {
      await r("GET", key("x"));
      await r("NOSUCHCOMMAND");
      expect(await r("CONFIG", "RESETSTAT")).toEqual("OK");
      const s = await info(r, "stats", "commandstats", "errorstats");
      expect(s.get("Stats")!.get("keyspace_misses")).toBe("0");
      expect(s.get("Stats")!.get("total_error_replies")).toBe("0");
      expect([...s.get("Errorstats")!.keys()]).toEqual([]);
      expect(s.get("Commandstats")!.has("cmdstat_get")).toBe(false);
    },
  },
]);
