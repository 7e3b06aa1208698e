/**
 * Stream introspection cases: XINFO STREAM (and FULL [COUNT n]), GROUPS, CONSUMERS and HELP,
 * with the lag and entries-read rules of Redis 7.0 (after Redis's tests/unit/type/stream.tcl and
 * stream-cgroups.tcl); the radix-tree figures of streams of several nodes; the key
 * specifications of XREAD and XREADGROUP (COMMAND INFO, GETKEYS, GETKEYSANDFLAGS).
 * Times (idle, seen-time, delivery times) are shown only as whether they are numbers of at least
 * zero; entry IDs are given explicitly. Expectations are redis-server 7.0.15's.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const NO_KEY = error("ERR no such key");
const STREAM_SYNTAX = error("ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
const noGroup = (group: string, key: string) => error(`NOGROUP No such consumer group '${group}' for key name '${key}'`);

/** Appends entries `first`-0 … `last`-0 (field f, value v) in one call. */
const ADD = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], i .. '-0', 'f', 'v') end return redis.call('XLEN', KEYS[1])";

/** A time: replaced by whether it is a number of at least zero. */
const isTime = (v: Value) => typeof v === "number" && v >= 0;

/** A flat name/value reply as an object (the first of a repeated name wins, as none repeats here). */
function fields(v: Value): Record<string, Value> {
  const a = v as Value[];
  const out: Record<string, Value> = {};
  for (let i = 0; i + 1 < a.length; i += 2) out[a[i] as string] = a[i + 1]!;
  return out;
}

/** XINFO STREAM FULL with every time replaced by whether it is one. */
function fullShape(v: Value): unknown {
  const top = v as Value[];
  return top.map((x, i) => {
    if (top[i - 1] !== "groups" || !Array.isArray(x)) return x;
    return x.map((g) => {
      const group = g as Value[];
      return group.map((y, j) => {
        if (group[j - 1] === "pending") return (y as Value[][]).map(([id, c, t, n]) => [id, c, isTime(t!), n]);
        if (group[j - 1] !== "consumers") return y;
        return (y as Value[][]).map((c) =>
          c.map((z, k) => {
            if (c[k - 1] === "seen-time") return isTime(z);
            if (c[k - 1] === "pending") return (z as Value[][]).map(([id, t, n]) => [id, isTime(t!), n]);
            return z;
          }),
        );
      });
    });
  });
}

/** The group `name` of XINFO STREAM FULL, as an object. */
async function fullGroup(r: Call, key: string, name: string): Promise<Record<string, Value>> {
  const groups = fields(await r("XINFO", "STREAM", key, "FULL")).groups as Value[];
  return fields(groups.find((g) => fields(g).name === name)!);
}

/** A group's entries-read and lag, from XINFO GROUPS and from XINFO STREAM FULL (they must agree). */
async function readAndLag(r: Call, key: string, name: string): Promise<[Value, Value]> {
  const listed = ((await r("XINFO", "GROUPS", key)) as Value[]).map(fields).find((g) => g.name === name)!;
  const full = await fullGroup(r, key, name);
  expect([full["entries-read"], full.lag]).toEqual([listed["entries-read"], listed.lag]);
  return [listed["entries-read"]!, listed.lag!];
}

export const streamInfoCases = defineCases("streams-info", [
  {
    name: "XINFO STREAM: counters, radix tree, groups, first and last entry; an empty stream",
    async run({ r, key }) {
      await r("XADD", key(), "1-1", "a", "1");
      await r("XADD", key(), "2-1", "b", "2", "c", "3");
      await r("XADD", key(), "3-1", "d", "4");
      expect(await r("XINFO", "STREAM", key())).toEqual([
        "length", 3,
        "radix-tree-keys", 1,
        "radix-tree-nodes", 2,
        "last-generated-id", "3-1",
        "max-deleted-entry-id", "0-0",
        "entries-added", 3,
        "recorded-first-entry-id", "1-1",
        "groups", 0,
        "first-entry", ["1-1", ["a", "1"]],
        "last-entry", ["3-1", ["d", "4"]],
      ]);
      expect(await r("XGROUP", "CREATE", key(), "g1", "0")).toEqual("OK");
      expect(await r("XGROUP", "CREATE", key(), "g2", "$")).toEqual("OK");
      expect(await r("XDEL", key(), "1-1")).toEqual(1);
      expect(await r("xinfo", "stream", key())).toEqual([
        "length", 2,
        "radix-tree-keys", 1,
        "radix-tree-nodes", 2,
        "last-generated-id", "3-1",
        "max-deleted-entry-id", "1-1",
        "entries-added", 3,
        "recorded-first-entry-id", "2-1",
        "groups", 2,
        "first-entry", ["2-1", ["b", "2", "c", "3"]],
        "last-entry", ["3-1", ["d", "4"]],
      ]);
      // Emptied: the node goes with its last entry, the counters stay.
      expect(await r("XDEL", key(), "2-1", "3-1")).toEqual(2);
      expect(await r("XINFO", "STREAM", key())).toEqual([
        "length", 0,
        "radix-tree-keys", 0,
        "radix-tree-nodes", 1,
        "last-generated-id", "3-1",
        "max-deleted-entry-id", "3-1",
        "entries-added", 3,
        "recorded-first-entry-id", "0-0",
        "groups", 2,
        "first-entry", null,
        "last-entry", null,
      ]);
      expect(await r("XGROUP", "CREATE", key("new"), "g", "$", "MKSTREAM")).toEqual("OK");
      expect(await r("XINFO", "STREAM", key("new"))).toEqual([
        "length", 0,
        "radix-tree-keys", 0,
        "radix-tree-nodes", 1,
        "last-generated-id", "0-0",
        "max-deleted-entry-id", "0-0",
        "entries-added", 0,
        "recorded-first-entry-id", "0-0",
        "groups", 1,
        "first-entry", null,
        "last-entry", null,
      ]);
    },
  },
  {
    name: "XINFO STREAM reflects XADD MAXLEN 0, XTRIM and XSETID (entries-added, max-deleted-entry-id)",
    async run({ r, key }) {
      expect(typeof (await r("XADD", key(), "MAXLEN", "0", "*", "a", "b"))).toEqual("string");
      const empty = fields(await r("XINFO", "STREAM", key()));
      expect([empty.length, empty["radix-tree-keys"], empty["entries-added"], empty["first-entry"]]).toEqual([0, 0, 1, null]);
      expect(await r("XSETID", key(), "200-0")).toEqual("OK");
      expect(fields(await r("XINFO", "STREAM", key()))["last-generated-id"]).toEqual("200-0");
      for (const id of ["201-0", "202-0", "203-0", "204-0", "205-0"]) await r("XADD", key(), id, "f", "v");
      expect(await r("XTRIM", key(), "MAXLEN", "=", "2")).toEqual(3);
      const trimmed = fields(await r("XINFO", "STREAM", key()));
      expect([trimmed.length, trimmed["entries-added"], trimmed["recorded-first-entry-id"], trimmed["max-deleted-entry-id"]]).toEqual([2, 6, "204-0", "0-0"]);
      expect(await r("XSETID", key(), "300-0", "ENTRIESADDED", "9223372036854775807", "MAXDELETEDID", "250-0")).toEqual("OK");
      const set = fields(await r("XINFO", "STREAM", key()));
      expect([set["last-generated-id"], set["entries-added"], set["max-deleted-entry-id"]]).toEqual(["300-0", 9223372036854775807n, "250-0"]);
    },
  },
  {
    name: "XINFO STREAM's radix-tree-keys and radix-tree-nodes over streams of several nodes, trimmed",
    async run({ r, key }) {
      const tree = async (k: string) => {
        const f = fields(await r("XINFO", "STREAM", k));
        return [f.length, f["radix-tree-keys"], f["radix-tree-nodes"]];
      };
      expect(await r("EVAL", ADD, 1, key(), 1, 250)).toEqual(250);
      expect(await tree(key())).toEqual([250, 3, 8]);
      // MINID trims the two first nodes whole and empties the third, which stays.
      expect(await r("XDEL", key(), "250-0")).toEqual(1);
      expect(await r("XTRIM", key(), "MINID", "=", "250-0")).toEqual(249);
      expect(await tree(key())).toEqual([0, 1, 2]);
      expect(await r("XADD", key(), "300-0", "f", "v")).toEqual("300-0");
      expect(await tree(key())).toEqual([1, 1, 2]);
      // Nodes far apart share fewer bytes: more radix-tree nodes.
      for (let i = 1; i <= 5; i++) await r("EVAL", ADD, 1, key("w"), i * 1_000_000_000, i * 1_000_000_000 + 120);
      expect(await tree(key("w"))).toEqual([605, 7, 21]);
      expect(await r("XTRIM", key("w"), "MAXLEN", "~", "300")).toEqual(300);
      expect(await tree(key("w"))).toEqual([305, 4, 13]);
    },
  },
  {
    name: "XINFO STREAM FULL: entries, groups with their pending entries and consumers (XINFO FULL output)",
    async run({ r, key }) {
      for (const [id, f] of [["100", "a"], ["101", "b"], ["102", "c"], ["103", "e"], ["104", "f"]]) await r("XADD", key(), id!, f!, "1");
      await r("XGROUP", "CREATE", key(), "g1", "0");
      await r("XGROUP", "CREATE", key(), "g2", "0");
      await r("XREADGROUP", "GROUP", "g1", "Alice", "COUNT", "1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g1", "Bob", "COUNT", "1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g1", "Bob", "NOACK", "COUNT", "1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g2", "Charlie", "COUNT", "4", "STREAMS", key(), ">");
      await r("XDEL", key(), "103");
      const head = [
        "length", 4,
        "radix-tree-keys", 1,
        "radix-tree-nodes", 2,
        "last-generated-id", "104-0",
        "max-deleted-entry-id", "103-0",
        "entries-added", 5,
        "recorded-first-entry-id", "100-0",
      ];
      const entries = [["100-0", ["a", "1"]], ["101-0", ["b", "1"]], ["102-0", ["c", "1"]], ["104-0", ["f", "1"]]];
      const g1 = [
        "name", "g1",
        "last-delivered-id", "102-0",
        "entries-read", 3,
        "lag", null,
        "pel-count", 2,
        "pending", [["100-0", "Alice", true, 1], ["101-0", "Bob", true, 1]],
        "consumers", [
          ["name", "Alice", "seen-time", true, "pel-count", 1, "pending", [["100-0", true, 1]]],
          ["name", "Bob", "seen-time", true, "pel-count", 1, "pending", [["101-0", true, 1]]],
        ],
      ];
      const g2 = [
        "name", "g2",
        "last-delivered-id", "103-0",
        "entries-read", 4,
        "lag", null,
        "pel-count", 4,
        "pending", [["100-0", "Charlie", true, 1], ["101-0", "Charlie", true, 1], ["102-0", "Charlie", true, 1], ["103-0", "Charlie", true, 1]],
        "consumers", [["name", "Charlie", "seen-time", true, "pel-count", 4, "pending", [["100-0", true, 1], ["101-0", true, 1], ["102-0", true, 1], ["103-0", true, 1]]]],
      ];
      expect(fullShape(await r("XINFO", "STREAM", key(), "FULL"))).toEqual([...head, "entries", entries, "groups", [g1, g2]]);
      // COUNT limits the entries and every list of pending entries; 0 is all, a negative one the default 10.
      const one = fullShape(await r("XINFO", "STREAM", key(), "full", "count", "1")) as unknown[];
      expect(one.slice(0, 16)).toEqual([...head, "entries", [entries[0]]]);
      const groups = one[17] as Value[][];
      expect(groups.map((g) => fields(g).pending)).toEqual([[["100-0", "Alice", true, 1]], [["100-0", "Charlie", true, 1]]]);
      expect(groups.map((g) => (fields(g).consumers as Value[]).map((c) => fields(c).pending))).toEqual([
        [[["100-0", true, 1]], [["101-0", true, 1]]],
        [[["100-0", true, 1]]],
      ]);
      expect(fullShape(await r("XINFO", "STREAM", key(), "FULL", "COUNT", "0"))).toEqual([...head, "entries", entries, "groups", [g1, g2]]);
      expect(await r("EVAL", ADD, 1, key("long"), 1, 12)).toEqual(12);
      const count = async (...opts: string[]) => (fields(await r("XINFO", "STREAM", key("long"), ...opts)).entries as Value[]).length;
      expect(await count("FULL")).toEqual(10);
      expect(await count("FULL", "COUNT", "-5")).toEqual(10);
      expect(await count("FULL", "COUNT", "0")).toEqual(12);
      expect(await count("FULL", "COUNT", "11")).toEqual(11);
      expect(await count("FULL", "COUNT", "9223372036854775807")).toEqual(12);
      expect(fields(await r("XINFO", "STREAM", key("long"), "FULL")).groups).toEqual([]);
    },
  },
  {
    name: "XINFO GROUPS and CONSUMERS: counts, pending, last-delivered-id; consumers in name order",
    async run({ r, key }) {
      expect(await r("XGROUP", "CREATE", key(), "mygroup", "$", "MKSTREAM")).toEqual("OK");
      expect(await r("XINFO", "GROUPS", key())).toEqual([
        ["name", "mygroup", "consumers", 0, "pending", 0, "last-delivered-id", "0-0", "entries-read", null, "lag", 0],
      ]);
      expect(await r("XINFO", "CONSUMERS", key(), "mygroup")).toEqual([]);
      await r("XADD", key(), "1-1", "f", "v");
      await r("XADD", key(), "2-1", "f", "v");
      await r("XADD", key(), "3-1", "f", "v");
      await r("XREADGROUP", "GROUP", "mygroup", "Bob", "COUNT", "2", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "mygroup", "Alice", "NOACK", "STREAMS", key(), ">");
      expect(await r("XGROUP", "CREATECONSUMER", key(), "mygroup", "Carol")).toEqual(1);
      expect(await r("XGROUP", "CREATE", key(), "another", "2-1", "ENTRIESREAD", "2")).toEqual("OK");
      expect(await r("XINFO", "GROUPS", key())).toEqual([
        ["name", "another", "consumers", 0, "pending", 0, "last-delivered-id", "2-1", "entries-read", 2, "lag", 1],
        ["name", "mygroup", "consumers", 3, "pending", 2, "last-delivered-id", "3-1", "entries-read", 3, "lag", 0],
      ]);
      const consumers = (await r("XINFO", "CONSUMERS", key(), "mygroup")) as Value[][];
      expect(consumers.map(([n, name, p, pending, i, idle]) => [n, name, p, pending, i, isTime(idle!)])).toEqual([
        ["name", "Alice", "pending", 0, "idle", true],
        ["name", "Bob", "pending", 2, "idle", true],
        ["name", "Carol", "pending", 0, "idle", true],
      ]);
      expect(await r("XACK", key(), "mygroup", "1-1")).toEqual(1);
      expect(((await r("XINFO", "CONSUMERS", key(), "mygroup")) as Value[][]).map((c) => c[3])).toEqual([0, 1, 0]);
      expect(await r("XGROUP", "DELCONSUMER", key(), "mygroup", "Bob")).toEqual(1);
      expect(((await r("XINFO", "CONSUMERS", key(), "mygroup")) as Value[][]).map((c) => c[1])).toEqual(["Alice", "Carol"]);
      expect(fields(((await r("XINFO", "GROUPS", key())) as Value[])[1]!).pending).toEqual(0);
      expect(await r("XGROUP", "DESTROY", key(), "another")).toEqual(1);
      expect(((await r("XINFO", "GROUPS", key())) as Value[]).map((g) => fields(g).name)).toEqual(["mygroup"]);
    },
  },
  {
    name: "Consumer group read counter and lag in empty streams, and sanity as a group reads",
    async run({ r, key }) {
      await r("XGROUP", "CREATE", key(), "g1", "0", "MKSTREAM");
      expect(await readAndLag(r, key(), "g1")).toEqual([null, 0]);
      await r("XADD", key(), "1-0", "data", "a");
      await r("XDEL", key(), "1-0");
      expect(await readAndLag(r, key(), "g1")).toEqual([null, 0]);

      for (let i = 1; i <= 5; i++) await r("XADD", key("x"), `${i}-0`, "data", "abcde"[i - 1]!);
      await r("XGROUP", "CREATE", key("x"), "g1", "0");
      expect(await readAndLag(r, key("x"), "g1")).toEqual([null, 5]);
      await r("XREADGROUP", "GROUP", "g1", "c11", "COUNT", "1", "STREAMS", key("x"), ">");
      expect(await readAndLag(r, key("x"), "g1")).toEqual([1, 4]);
      await r("XREADGROUP", "GROUP", "g1", "c12", "COUNT", "10", "STREAMS", key("x"), ">");
      expect(await readAndLag(r, key("x"), "g1")).toEqual([5, 0]);
      await r("XADD", key("x"), "6-0", "data", "f");
      expect(await readAndLag(r, key("x"), "g1")).toEqual([5, 1]);
    },
  },
  {
    name: "Consumer group lag with XDELs and trims: unknown while a deleted entry lies ahead",
    async run({ r, key }) {
      for (let i = 1; i <= 5; i++) await r("XADD", key(), `${i}-0`, "data", "abcde"[i - 1]!);
      await r("XDEL", key(), "3-0");
      await r("XGROUP", "CREATE", key(), "g1", "0");
      await r("XGROUP", "CREATE", key(), "g2", "0");
      expect(await readAndLag(r, key(), "g1")).toEqual([null, null]);
      for (let i = 0; i < 3; i++) {
        await r("XREADGROUP", "GROUP", "g1", "c11", "COUNT", "1", "STREAMS", key(), ">");
        expect(await readAndLag(r, key(), "g1")).toEqual([null, null]);
      }
      await r("XREADGROUP", "GROUP", "g1", "c11", "COUNT", "1", "STREAMS", key(), ">");
      expect(await readAndLag(r, key(), "g1")).toEqual([5, 0]);
      await r("XADD", key(), "6-0", "data", "f");
      expect(await readAndLag(r, key(), "g1")).toEqual([5, 1]);
      await r("XTRIM", key(), "MINID", "=", "3-0");
      expect(await readAndLag(r, key(), "g1")).toEqual([5, 1]);
      expect(await readAndLag(r, key(), "g2")).toEqual([null, 3]);
      await r("XTRIM", key(), "MINID", "=", "5-0");
      expect(await readAndLag(r, key(), "g1")).toEqual([5, 1]);
      expect(await readAndLag(r, key(), "g2")).toEqual([null, 2]);
    },
  },
  {
    name: "Lag from a group's ENTRIESREAD and the stream's ENTRIESADDED: exact, estimated, negative, at the last ID",
    async run({ r, key }) {
      for (let i = 1; i <= 4; i++) await r("XADD", key(), `${i}-0`, "f", "v");
      // Set by hand, entries-read is taken as it is: a lag below zero included.
      await r("XGROUP", "CREATE", key(), "ahead", "1-0", "ENTRIESREAD", "10");
      expect(await readAndLag(r, key(), "ahead")).toEqual([10, -6]);
      // At the last ID, entries-read unknown: the lag is 0 (the stream's entries-added is the estimate).
      await r("XGROUP", "CREATE", key(), "last", "$");
      expect(await readAndLag(r, key(), "last")).toEqual([null, 0]);
      // Between the first and last entries, unknown: nil.
      await r("XGROUP", "CREATE", key(), "mid", "2-0");
      expect(await readAndLag(r, key(), "mid")).toEqual([null, null]);
      // Beyond the last ID: the distance is unknown.
      await r("XGROUP", "CREATE", key(), "future", "9-0");
      expect(await readAndLag(r, key(), "future")).toEqual([null, null]);
      await r("XGROUP", "SETID", key(), "mid", "2-0", "ENTRIESREAD", "2");
      expect(await readAndLag(r, key(), "mid")).toEqual([2, 2]);
      await r("XSETID", key(), "4-0", "ENTRIESADDED", "1000");
      expect(await readAndLag(r, key(), "mid")).toEqual([2, 998]);
      // Before the first entry with nothing deleted: entries-added less the length.
      await r("XGROUP", "CREATE", key(), "before", "0");
      expect(await readAndLag(r, key(), "before")).toEqual([null, 4]);
      await r("XSETID", key(), "4-0", "ENTRIESADDED", "9223372036854775807");
      expect(await readAndLag(r, key(), "before")).toEqual([null, 4]);
      expect(await readAndLag(r, key(), "mid")).toEqual([2, 9223372036854775805n]);
    },
  },
  {
    name: "XINFO errors: a missing key before bad options, WRONGTYPE, NOGROUP, arity, options, HELP",
    async run({ r, key }) {
      expect(await r("XINFO", "STREAM", key("missing"))).toEqual(NO_KEY);
      expect(await r("XINFO", "STREAM", key("missing"), "foo")).toEqual(NO_KEY);
      expect(await r("XINFO", "GROUPS", key("missing"))).toEqual(NO_KEY);
      expect(await r("XINFO", "CONSUMERS", key("missing"), "g")).toEqual(NO_KEY);
      await r("SET", key("str"), "v");
      expect(await r("XINFO", "STREAM", key("str"))).toEqual(WRONGTYPE);
      expect(await r("XINFO", "GROUPS", key("str"))).toEqual(WRONGTYPE);
      expect(await r("XINFO", "CONSUMERS", key("str"), "g")).toEqual(WRONGTYPE);
      await r("XADD", key(), "1-1", "f", "v");
      expect(await r("XINFO", "CONSUMERS", key(), "nog")).toEqual(noGroup("nog", key()));
      expect(await r("XINFO", "STREAM", key(), "foo")).toEqual(STREAM_SYNTAX);
      expect(await r("XINFO", "STREAM", key(), "FULL", "COUNT")).toEqual(STREAM_SYNTAX);
      expect(await r("XINFO", "STREAM", key(), "FULL", "foo", "1")).toEqual(STREAM_SYNTAX);
      expect(await r("XINFO", "STREAM", key(), "FULL", "COUNT", "1", "x")).toEqual(STREAM_SYNTAX);
      expect(await r("XINFO", "STREAM", key(), "COUNT", "1", "FULL")).toEqual(STREAM_SYNTAX);
      expect(await r("XINFO", "stream", key(), "full", "count", "x")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("XINFO", "stream", key(), "x")).toEqual(error("ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP."));
      expect(await r("XINFO", "STREAM")).toEqual(error("ERR wrong number of arguments for 'xinfo|stream' command"));
      expect(await r("XINFO", "GROUPS", key(), "x")).toEqual(error("ERR wrong number of arguments for 'xinfo|groups' command"));
      expect(await r("XINFO", "CONSUMERS", key())).toEqual(error("ERR wrong number of arguments for 'xinfo|consumers' command"));
      expect(await r("XINFO", "HELP", "x")).toEqual(error("ERR wrong number of arguments for 'xinfo|help' command"));
      expect(await r("XINFO")).toEqual(error("ERR wrong number of arguments for 'xinfo' command"));
      expect(await r("XINFO", "foo", key())).toEqual(error("ERR unknown subcommand 'foo'. Try XINFO HELP."));
      expect(await r("XINFO", "HELP")).toEqual([
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
      ]);
    },
  },
  {
    name: "COMMAND INFO of XINFO's subcommands, XREAD and XREADGROUP: STREAMS keyword key specs",
    async run({ r }) {
      const specFor = (keyword: string, startfrom: number) => [
        "flags", ["RO", "access"],
        "begin_search", ["type", "keyword", "spec", ["keyword", keyword, "startfrom", startfrom]],
        "find_keys", ["type", "range", "spec", ["lastkey", -1, "keystep", 1, "limit", 2]],
      ];
      const [xread, xreadgroup] = (await r("COMMAND", "INFO", "xread", "xreadgroup")) as Value[][];
      expect(xread!.slice(0, 6)).toEqual(["xread", -4, ["readonly", "blocking", "movablekeys"], 0, 0, 0]);
      expect(xread![8]).toEqual([specFor("STREAMS", 1)]);
      expect(xreadgroup!.slice(0, 6)).toEqual(["xreadgroup", -7, ["write", "blocking", "movablekeys"], 0, 0, 0]);
      expect(xreadgroup![8]).toEqual([specFor("STREAMS", 4)]);
      const [stream, groups, consumers, help] = (await r("COMMAND", "INFO", "xinfo|stream", "xinfo|groups", "xinfo|consumers", "xinfo|help")) as Value[][];
      const index2 = [["flags", ["RO", "access"], "begin_search", ["type", "index", "spec", ["index", 2]], "find_keys", ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]]]];
      expect(stream!.slice(0, 6)).toEqual(["xinfo|stream", -3, ["readonly"], 2, 2, 1]);
      expect(stream![8]).toEqual(index2);
      expect(groups!.slice(0, 6)).toEqual(["xinfo|groups", 3, ["readonly"], 2, 2, 1]);
      expect(consumers!.slice(0, 6)).toEqual(["xinfo|consumers", 4, ["readonly"], 2, 2, 1]);
      expect(consumers![8]).toEqual(index2);
      expect(help!.slice(0, 6)).toEqual(["xinfo|help", 2, ["loading", "stale"], 0, 0, 0]);
      const [xinfo] = (await r("COMMAND", "INFO", "xinfo")) as Value[][];
      expect(xinfo!.slice(0, 6)).toEqual(["xinfo", -2, [], 0, 0, 0]);
      expect((xinfo![9] as Value[][]).map((s) => s[0]).sort()).toEqual(["xinfo|consumers", "xinfo|groups", "xinfo|help", "xinfo|stream"]);
    },
  },
  {
    name: "COMMAND GETKEYS of XREAD and XREADGROUP: the first half of what follows STREAMS",
    async run({ r }) {
      const keys = (...args: string[]) => r("COMMAND", "GETKEYS", ...args);
      expect(await keys("XREAD", "STREAMS", "a", "b", "0", "0")).toEqual(["a", "b"]);
      expect(await keys("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "a", "b", "c", "1", "2", "3")).toEqual(["a", "b", "c"]);
      expect(await keys("xread", "streams", "a", "b", "0")).toEqual(["a"]);
      expect(await keys("XREAD", "STREAMS", "STREAMS", "a", "0")).toEqual(["STREAMS"]);
      expect(await keys("XREAD", "x", "y", "STREAMS", "a", "0")).toEqual(["a"]);
      expect(await keys("XREAD", "COUNT", "1", "STREAMS")).toEqual(error("ERR Invalid arguments specified for command"));
      expect(await keys("XREAD", "STREAMS", "a")).toEqual(error("ERR Invalid number of arguments specified for command"));
      expect(await keys("XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", "b", "0", "0")).toEqual(["a", "b"]);
      expect(await keys("XREADGROUP", "a", "b", "c", "STREAMS", "x", "0")).toEqual(["x"]);
      // The search starts at the fourth argument: an earlier STREAMS is not the keyword.
      expect(await keys("XREADGROUP", "STREAMS", "a", "0", "x", "y", "z")).toEqual(error("ERR Invalid arguments specified for command"));
      expect(await keys("XREADGROUP", "a", "b", "c", "d", "e", "f", "STREAMS")).toEqual(error("ERR Invalid arguments specified for command"));
      expect(await r("COMMAND", "GETKEYSANDFLAGS", "XREAD", "STREAMS", "a", "b", "0", "0")).toEqual([["a", ["RO", "access"]], ["b", ["RO", "access"]]]);
      expect(await r("COMMAND", "GETKEYSANDFLAGS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "a", ">")).toEqual([["a", ["RO", "access"]]]);
      expect(await keys("XINFO", "STREAM", "s", "FULL")).toEqual(["s"]);
      expect(await keys("XINFO", "CONSUMERS", "s", "g")).toEqual(["s"]);
      expect(await keys("XINFO", "HELP")).toEqual(error("ERR The command has no key arguments"));
    },
  },
]);
