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
    name: "COMMAND INFO answers Redis 7 key specifications",
    async run({ r }) {
      const begin = (index: number) => ["type", "index", "spec", ["index", index]];
      const range = (index: number, lastkey: number, keystep = 1) => [begin(index), ["type", "range", "spec", ["lastkey", lastkey, "keystep", keystep, "limit", 0]]];
      const keynum = (index: number) => [begin(index), ["type", "keynum", "spec", ["keynumidx", 0, "firstkey", 1, "keystep", 1]]];
      const spec = (flags: string[], [b, f]: Value[][]) => ["flags", flags, "begin_search", b!, "find_keys", f!];
      const [get, mset, rename, zunionstore, evalRo, del] = (await r("COMMAND", "INFO", "get", "mset", "rename", "zunionstore", "eval_ro", "del")) as Value[][];
      expect(get![8]).toEqual([spec(["RO", "access"], range(1, 0))]);
      expect(head(mset!)).toEqual(["mset", -3, ["write", "denyoom"], 1, -1, 2]);
      expect(mset![8]).toEqual([spec(["OW", "update"], range(1, -1, 2))]);
      expect(rename![3]).toEqual(1);
      expect(rename![4]).toEqual(2);
      expect(rename![8]).toEqual([spec(["RW", "access", "delete"], range(1, 0)), spec(["OW", "update"], range(2, 0))]);
      expect(head(zunionstore!)).toEqual(["zunionstore", -4, ["write", "denyoom", "movablekeys"], 1, 1, 1]);
      expect(zunionstore![8]).toEqual([spec(["OW", "update"], range(1, 0)), spec(["RO", "access"], keynum(2))]);
      expect(evalRo!.slice(3, 6)).toEqual([0, 0, 0]);
      expect(evalRo![2]).toEqual(expect.arrayContaining(["readonly", "noscript", "no_mandatory_keys", "movablekeys"]));
      expect(evalRo![8]).toEqual([["notes", "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS", ...spec(["RO", "access"], keynum(2))]]);
      expect(del![8]).toEqual([spec(["RM", "delete"], range(1, -1))]);
    },
  },
  {
    name: "COMMAND INFO of a container lists its subcommands, each with its own arity and flags",
    async run({ r }) {
      const [flush] = (await r("COMMAND", "INFO", "script|flush")) as Value[][];
      expect(head(flush!)).toEqual(["script|flush", -2, ["noscript"], 0, 0, 0]);
      const [script] = (await r("COMMAND", "INFO", "script")) as Value[][];
      expect(head(script!)).toEqual(["script", -2, [], 0, 0, 0]);
      const subs = (script![9] as Value[][]).map(head);
      expect(subs).toEqual(expect.arrayContaining([["script|load", 3, ["noscript", "stale"], 0, 0, 0], ["script|exists", -3, ["noscript"], 0, 0, 0]]));
      const [list, load] = (await r("COMMAND", "INFO", "function|list", "function|load")) as Value[][];
      expect(head(list!)).toEqual(["function|list", -2, ["noscript"], 0, 0, 0]);
      expect(head(load!)).toEqual(["function|load", -3, ["write", "denyoom", "noscript"], 0, 0, 0]);
      expect(await r("COMMAND", "LIST", "FILTERBY", "PATTERN", "script|fl*")).toEqual(["script|flush"]);
      const [name, doc] = (await r("COMMAND", "DOCS", "script")) as [string, Value[]];
      expect(name).toEqual("script");
      const subDocs = doc[doc.indexOf("subcommands") + 1] as Value[];
      expect(subDocs.filter((_, i) => i % 2 === 0)).toEqual(expect.arrayContaining(["script|flush", "script|load", "script|exists", "script|kill"]));
      const [flushName, flushDoc] = (await r("COMMAND", "DOCS", "script|flush")) as [string, Value[]];
      expect(flushName).toEqual("script|flush");
      expect(flushDoc[0]).toEqual("summary");
    },
  },
  {
    name: "COMMAND GETKEYS and GETKEYSANDFLAGS find keys from the key specs",
    async run({ r }) {
      expect(await r("COMMAND", "GETKEYS", "GET", "a")).toEqual(["a"]);
      expect(await r("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2")).toEqual(["a", "b"]);
      expect(await r("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")).toEqual(["d", "a", "b"]);
      expect(await r("COMMAND", "GETKEYS", "EVAL", "return 1", "2", "a", "b", "arg")).toEqual(["a", "b"]);
      expect(await r("COMMAND", "GETKEYS", "EVAL", "return 1", "0")).toEqual([]);
      expect(await r("COMMAND", "GETKEYS", "EVAL", "return 1", "5", "a")).toEqual([]);
      expect(await r("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT")).toEqual(["a", "b"]);
      expect(await r("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "5", "a")).toEqual(error("ERR Invalid arguments specified for command"));
      expect(await r("COMMAND", "GETKEYS", "NOSUCH", "a")).toEqual(error("ERR Invalid command specified"));
      expect(await r("COMMAND", "GETKEYS", "GET", "a", "b")).toEqual(error("ERR Invalid number of arguments specified for command"));
      expect(await r("COMMAND", "GETKEYS", "SET", "a")).toEqual(error("ERR Invalid number of arguments specified for command"));
      expect(await r("COMMAND", "GETKEYS", "PING", "x")).toEqual(error("ERR The command has no key arguments"));
      expect(await r("COMMAND", "GETKEYS", "SCRIPT", "FLUSH")).toEqual(error("ERR The command has no key arguments"));
      expect(await r("COMMAND", "GETKEYS", "PING")).toEqual(error("ERR wrong number of arguments for 'command|getkeys' command"));
      expect(await r("COMMAND", "GETKEYSANDFLAGS", "RENAME", "a", "b")).toEqual([["a", ["RW", "access", "delete"]], ["b", ["OW", "update"]]]);
      expect(await r("COMMAND", "GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "RIGHT")).toEqual([["a", ["RW", "access", "delete"]], ["b", ["RW", "insert"]]]);
      expect(await r("COMMAND", "GETKEYSANDFLAGS", "GET", "a")).toEqual([["a", ["RO", "access"]]]);
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
