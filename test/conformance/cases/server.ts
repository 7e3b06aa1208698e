/** Connection and server commands: PING, ECHO, TIME, SELECT, COMMAND and INFO. */
import { expect } from "vitest";
import { defineCases, error, type Value } from "../harness";

/** The first six fields of a COMMAND INFO entry: name, arity, flags, first, last, step. */
function head(entry: Value): Value[] {
  return (entry as Value[]).slice(0, 6);
}

export const serverCases = defineCases("server", [
  {
    name: "PING and ECHO",
    async run({ r }) {
      expect(await r("PING")).toEqual("PONG");
      expect(await r("PING", "hello")).toEqual("hello");
      expect(await r("PING", "a", "b")).toEqual(error("ERR wrong number of arguments for 'ping' command"));
      expect(await r("ECHO", "hi there")).toEqual("hi there");
      expect(await r("ECHO")).toEqual(error("ERR wrong number of arguments for 'echo' command"));
    },
  },
  {
    name: "TIME answers seconds and microseconds",
    async run({ r }) {
      const [s, us] = (await r("TIME")) as [string, string];
      expect(s).toMatch(/^\d+$/);
      expect(us).toMatch(/^\d+$/);
      expect(Math.abs(Number(s) - Date.now() / 1000)).toBeLessThan(3600);
      expect(Number(us)).toBeLessThan(1_000_000);
    },
  },
  {
    name: "SELECT 0 is accepted; bad indexes are errors",
    async run({ r }) {
      expect(await r("SELECT", 0)).toEqual("OK");
      expect(await r("SELECT", "abc")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("SELECT", 16)).toEqual(error("ERR DB index is out of range"));
      expect(await r("SELECT", -1)).toEqual(error("ERR DB index is out of range"));
    },
  },
  {
    name: "COMMAND COUNT and COMMAND LIST",
    async run({ r }) {
      const count = await r("COMMAND", "COUNT");
      expect(typeof count).toBe("number");
      const list = (await r("COMMAND", "LIST")) as string[];
      expect(list).toEqual(expect.arrayContaining(["get", "set", "del", "scan", "command", "info"]));
      expect(await r("COMMAND", "COUNT", "x")).toEqual(error("ERR wrong number of arguments for 'command|count' command"));
    },
  },
  {
    name: "COMMAND LIST FILTERBY PATTERN",
    async run({ r }) {
      expect([...((await r("COMMAND", "LIST", "FILTERBY", "PATTERN", "expire*")) as string[])].sort()).toEqual([
        "expire",
        "expireat",
        "expiretime",
      ]);
      expect(await r("COMMAND", "LIST", "FILTERBY", "pattern", "nosuch*")).toEqual([]);
      expect(await r("COMMAND", "LIST", "FILTERBY", "PATTERN")).toEqual(error("ERR syntax error"));
      expect(await r("COMMAND", "LIST", "x")).toEqual(error("ERR syntax error"));
    },
  },
  {
    name: "COMMAND INFO describes arity, flags and key positions",
    async run({ r }) {
      const [get, del, expire, ttl, rename, missing] = (await r("COMMAND", "INFO", "get", "DEL", "expire", "ttl", "rename", "nosuch")) as Value[];
      expect(head(get!)).toEqual(["get", 2, ["readonly", "fast"], 1, 1, 1]);
      expect(head(del!)).toEqual(["del", -2, ["write"], 1, -1, 1]);
      expect(head(expire!)).toEqual(["expire", -3, ["write", "fast"], 1, 1, 1]);
      expect(head(ttl!)).toEqual(["ttl", 2, ["readonly", "fast"], 1, 1, 1]);
      expect(head(rename!)).toEqual(["rename", 3, ["write"], 1, 2, 1]);
      expect(missing).toEqual(null);
    },
  },
  {
    name: "COMMAND DOCS of an unknown command, and unknown subcommands",
    async run({ r }) {
      expect(await r("COMMAND", "DOCS", "nosuch")).toEqual([]);
      expect(((await r("COMMAND", "DOCS", "get")) as Value[])[0]).toEqual("get");
      expect(await r("COMMAND", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
    },
  },
  {
    name: "INFO keyspace sums the keys of every shard",
    async run({ r, spread }) {
      await r("FLUSHALL");
      expect(await r("INFO", "keyspace")).toEqual("# Keyspace\r\n");
      for (const n of ["a", "b", "c", "d", "e"]) await r("SET", spread(n), "v");
      await r("SET", spread("t1"), "v", "EX", 1000);
      await r("SET", spread("t2"), "v", "EX", 1000);
      const text = (await r("INFO", "keyspace")) as string;
      expect(text).toMatch(/^# Keyspace\r\ndb0:keys=7,expires=2,avg_ttl=\d+\r\n$/);
    },
  },
  {
    name: "INFO sections",
    async run({ r }) {
      const server = (await r("INFO", "server")) as string;
      expect(server).toMatch(/^# Server\r\n/);
      expect(server).toMatch(/\r\nredis_version:7\.\d+\.\d+\r\n/);
      const all = (await r("INFO")) as string;
      expect(all).toContain("# Server\r\n");
      expect(all).toContain("# Memory\r\nused_memory:");
      expect(all).toContain("# Keyspace\r\n");
      expect(await r("INFO", "nosuchsection")).toEqual("");
      expect((await r("INFO", "SERVER", "keyspace")) as string).toMatch(/^# Server\r\n[^]*\r\n\r\n# Keyspace\r\n/);
    },
  },
]);
