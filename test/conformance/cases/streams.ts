/**
 * Stream cases: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XREAD (BLOCK where it does not
 * wait), XSETID, and a stream as a key (after Redis's tests/unit/type/stream.tcl). Entry IDs are given explicitly
 * wherever the reply shows them, so every target answers the same. Expectations are
 * redis-server 7.0.15's.
 */
import { expect } from "vitest";
import { defineCases, error, type Call } from "../harness";

const INVALID_ID = error("ERR Invalid stream ID specified as stream command argument");
const NOT_GREATER = error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const SYNTAX = error("ERR syntax error");
const NOT_INTEGER = error("ERR value is not an integer or out of range");
const U64 = "18446744073709551615";

/** XADD of entries `first`-1 … `last`-1, each `f v`, in one script. */
const ADD_RANGE = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v') end return redis.call('XLEN', KEYS[1])";
const addRange = (r: Call, key: string, first: number, last: number) => r("EVAL", ADD_RANGE, 1, key, first, last);

export const streamCases = defineCases("streams", [
  {
    name: "XADD with explicit IDs, XRANGE and XREVRANGE over the whole stream, XLEN, TYPE stream",
    async run({ r, key }) {
      expect(await r("XADD", key(), "1-1", "a", "1", "b", "2")).toEqual("1-1");
      expect(await r("XADD", key(), "1-2", "c", "3")).toEqual("1-2");
      expect(await r("XADD", key(), "2", "d", "4")).toEqual("2-0");
      expect(await r("XLEN", key())).toEqual(3);
      expect(await r("TYPE", key())).toEqual("stream");
      expect(await r("OBJECT", "ENCODING", key())).toEqual("stream");
      expect(await r("XRANGE", key(), "-", "+")).toEqual([["1-1", ["a", "1", "b", "2"]], ["1-2", ["c", "3"]], ["2-0", ["d", "4"]]]);
      expect(await r("XREVRANGE", key(), "+", "-")).toEqual([["2-0", ["d", "4"]], ["1-2", ["c", "3"]], ["1-1", ["a", "1", "b", "2"]]]);
      expect(await r("XLEN", key("missing"))).toEqual(0);
      expect(await r("XRANGE", key("missing"), "-", "+")).toEqual([]);
    },
  },
  {
    name: "XADD <ms>-* picks the next sequence of the same millisecond, 0 for a later one",
    async run({ r, key }) {
      expect(await r("XADD", key(), "5-*", "f", "v")).toEqual("5-0");
      expect(await r("XADD", key(), "5-*", "f", "v")).toEqual("5-1");
      expect(await r("XADD", key(), "7-*", "f", "v")).toEqual("7-0");
      expect(await r("XADD", key(), "6-*", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XADD", key("z"), "0-*", "f", "v")).toEqual("0-1");
    },
  },
  {
    name: "XADD * after an ID of the far future continues that millisecond's sequence",
    async run({ r, key }) {
      expect(await r("XADD", key(), "99999999999999-5", "f", "v")).toEqual("99999999999999-5");
      expect(await r("XADD", key(), "*", "f", "v")).toEqual("99999999999999-6");
      expect(await r("XADD", key("max"), `99999999999999-${U64}`, "f", "v")).toEqual(`99999999999999-${U64}`);
      expect(await r("XADD", key("max"), "*", "f", "v")).toEqual("100000000000000-0");
    },
  },
  {
    name: "XADD's ID errors: 0-0, not above the top item, malformed IDs, the exhausted stream",
    async run({ r, key }) {
      expect(await r("XADD", key(), "0-0", "f", "v")).toEqual(error("ERR The ID specified in XADD must be greater than 0-0"));
      expect(await r("XADD", key(), "0", "f", "v")).toEqual(error("ERR The ID specified in XADD must be greater than 0-0"));
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("XADD", key(), "3-3", "f", "v")).toEqual("3-3");
      expect(await r("XADD", key(), "3-3", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XADD", key(), "3-2", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XADD", key(), "2", "f", "v")).toEqual(NOT_GREATER);
      for (const bad of ["-", "+", "abc", "1-x", "1-", "-1", "1-2-3", "1.5", "18446744073709551616", "1-18446744073709551616", `${"1".repeat(130)}`]) {
        expect(await r("XADD", key(), bad, "f", "v")).toEqual(INVALID_ID);
      }
      // Each part is read as strtoull reads it: leading blanks and a plus sign are taken.
      expect(await r("XADD", key(), "+5", "f", "v")).toEqual("5-0");
      expect(await r("XADD", key(), " 6-+1", "f", "v")).toEqual("6-1");
      expect(await r("XADD", key("top"), `${U64}-${U64}`, "f", "v")).toEqual(`${U64}-${U64}`);
      expect(await r("XADD", key("top"), "*", "f", "v")).toEqual(error("ERR The stream has exhausted the last possible ID, unable to add more items"));
      expect(await r("XLEN", key())).toEqual(3);
    },
  },
  {
    name: "XADD's arity counts the field-value pairs after the ID; options before it",
    async run({ r, key }) {
      const arity = error("ERR wrong number of arguments for 'xadd' command");
      expect(await r("XADD", key(), "*", "f")).toEqual(arity);
      expect(await r("XADD", key(), "*", "f", "v", "g")).toEqual(arity);
      expect(await r("XADD", key(), "MAXLEN", "5", "*")).toEqual(arity);
      expect(await r("XADD", key(), "1-1", "f", "v", "g")).toEqual(arity);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("XADD", key(), "MAXLEN", "5", "1-1", "f", "v")).toEqual("1-1");
      // `*` ends the options: what follows is fields, even an option's name.
      expect(await r("XADD", key(), "*", "MAXLEN", "0")).not.toEqual(arity);
      expect(await r("XLEN", key())).toEqual(2);
    },
  },
  {
    name: "XADD NOMKSTREAM: nil on a missing key (nothing created), an append on an existing one",
    async run({ r, key }) {
      expect(await r("XADD", key(), "NOMKSTREAM", "1-1", "f", "v")).toEqual(null);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("XADD", key(), "1-1", "f", "v")).toEqual("1-1");
      expect(await r("XADD", key(), "nomkstream", "2-1", "f", "v")).toEqual("2-1");
      expect(await r("XLEN", key())).toEqual(2);
    },
  },
  {
    name: "XADD and XTRIM trimming options: their errors in Redis's order",
    async run({ r, key }) {
      expect(await r("XADD", key(), "1-1", "f", "v")).toEqual("1-1");
      expect(await r("XADD", key(), "MAXLEN", "1", "MINID", "1", "*", "f", "v")).toEqual(error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
      expect(await r("XADD", key(), "MAXLEN", "-1", "*", "f", "v")).toEqual(error("ERR The MAXLEN argument must be >= 0."));
      expect(await r("XADD", key(), "MAXLEN", "x", "*", "f", "v")).toEqual(NOT_INTEGER);
      expect(await r("XADD", key(), "MAXLEN", "=", "1", "LIMIT", "10", "*", "f", "v")).toEqual(error("ERR syntax error, LIMIT cannot be used without the special ~ option"));
      expect(await r("XADD", key(), "LIMIT", "10", "*", "f", "v")).toEqual(error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"));
      expect(await r("XADD", key(), "MAXLEN", "~", "1", "LIMIT", "-1", "*", "f", "v")).toEqual(error("ERR The LIMIT argument must be >= 0."));
      expect(await r("XADD", key(), "MINID", "abc", "*", "f", "v")).toEqual(INVALID_ID);
      // One node holds the one entry: removing it would leave fewer than 1.
      expect(await r("XTRIM", key(), "LIMIT", "10", "MAXLEN", "~", "1")).toEqual(0);
      expect(await r("XTRIM", key(), "LIMIT", "10", "MAXLEN", "~", "0")).toEqual(1);
      expect(await r("XTRIM", key(), "COUNT", "1")).toEqual(SYNTAX);
      expect(await r("XTRIM", key(), "MAXLEN", "1", "extra")).toEqual(SYNTAX);
      expect(await r("XTRIM", key(), "NOMKSTREAM", "1")).toEqual(SYNTAX);
      expect(await r("XTRIM", key(), "LIMIT", "0", "1")).toEqual(SYNTAX);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "1", "LIMIT", "1", "MINID", "0")).toEqual(error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible"));
      expect(await r("XTRIM", key("missing"), "MAXLEN", "0")).toEqual(0);
      expect(await r("XLEN", key())).toEqual(0);
    },
  },
  {
    name: "XTRIM exact: MAXLEN keeps the newest entries, MINID drops those below; the key stays when emptied",
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 10)).toEqual(10);
      expect(await r("XTRIM", key(), "MAXLEN", "7")).toEqual(3);
      expect(await r("XTRIM", key(), "MAXLEN", "=", "7")).toEqual(0);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["4-1", ["f", "v"]]]);
      expect(await r("XTRIM", key(), "MINID", "6")).toEqual(2);
      expect(await r("XTRIM", key(), "MINID", "=", "6-2")).toEqual(1);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["7-1", ["f", "v"]]]);
      expect(await r("XADD", key(), "MAXLEN", "2", "11-1", "f", "v")).toEqual("11-1");
      expect(await r("XRANGE", key(), "-", "+")).toEqual([["10-1", ["f", "v"]], ["11-1", ["f", "v"]]]);
      expect(await r("XTRIM", key(), "MAXLEN", "0")).toEqual(2);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("TYPE", key())).toEqual("stream");
      expect(await r("XADD", key(), "11-1", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XADD", key(), "MAXLEN", "0", "12-1", "f", "v")).toEqual("12-1");
      expect(await r("XLEN", key())).toEqual(0);
    },
  },
  {
    name: "XTRIM and XADD with ~ remove whole nodes of 100 entries only, within LIMIT",
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 250)).toEqual(250);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "200")).toEqual(0);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "150")).toEqual(100);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "10", "LIMIT", "99")).toEqual(0);
      expect(await r("XADD", key(), "MAXLEN", "~", "10", "251-1", "f", "v")).toEqual("251-1");
      expect(await r("XLEN", key())).toEqual(51);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["201-1", ["f", "v"]]]);
      expect(await r("XTRIM", key(), "MINID", "~", "230")).toEqual(0);
      expect(await r("XTRIM", key(), "MINID", "230")).toEqual(29);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "0", "LIMIT", "0")).toEqual(22);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(1);
    },
  },
  {
    name: "~ after XDEL: a node emptied by XDEL is freed, the next append opens a new node",
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 150)).toEqual(150);
      expect(await r("XDEL", key(), ...Array.from({ length: 50 }, (_, i) => `${101 + i}-1`))).toEqual(50);
      expect(await addRange(r, key(), 151, 160)).toEqual(110);
      // Nodes now: 1..100 (full), 151..160 (new): removing the first leaves 10.
      expect(await r("XTRIM", key(), "MAXLEN", "~", "10")).toEqual(100);
      expect(await r("XTRIM", key(), "MAXLEN", "~", "5")).toEqual(0);
      expect(await r("XTRIM", key(), "MINID", "~", "161")).toEqual(10);
    },
  },
  {
    name: "XRANGE bounds: incomplete IDs, exclusive ( bounds, COUNT, their errors",
    async run({ r, key }) {
      for (const id of ["1-0", "1-1", "2-0", "2-5", "3-0"]) await r("XADD", key(), id, "f", id);
      const ids = async (...args: (string | number)[]) => ((await r(...args)) as [string, unknown][]).map((e) => e[0]);
      expect(await ids("XRANGE", key(), "1", "2")).toEqual(["1-0", "1-1", "2-0", "2-5"]);
      // An incomplete end is <ms>-max, so "(3" still takes 3-0.
      expect(await ids("XRANGE", key(), "(1-0", "(3")).toEqual(["1-1", "2-0", "2-5", "3-0"]);
      expect(await ids("XRANGE", key(), "(1-0", "(3-0")).toEqual(["1-1", "2-0", "2-5"]);
      expect(await ids("XRANGE", key(), "(1", "+")).toEqual(["1-1", "2-0", "2-5", "3-0"]);
      expect(await ids("XRANGE", key(), "-", "(2-5")).toEqual(["1-0", "1-1", "2-0"]);
      expect(await ids("XREVRANGE", key(), "(3-0", "(1-0")).toEqual(["2-5", "2-0", "1-1"]);
      expect(await ids("XREVRANGE", key(), "+", "-", "COUNT", "2")).toEqual(["3-0", "2-5"]);
      expect(await ids("XRANGE", key(), "-", "+", "count", "2", "COUNT", "3")).toEqual(["1-0", "1-1", "2-0"]);
      expect(await r("XRANGE", key(), "3", "1")).toEqual([]);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "0")).toEqual(null);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "-5")).toEqual(null);
      expect(await r("XRANGE", key("missing"), "-", "+", "COUNT", "0")).toEqual([]);
      expect(await r("XRANGE", key(), "-", "+", "COUNT")).toEqual(SYNTAX);
      expect(await r("XRANGE", key(), "-", "+", "LIMIT", "1")).toEqual(SYNTAX);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "x")).toEqual(NOT_INTEGER);
      expect(await r("XRANGE", key(), "(-", "+")).toEqual(INVALID_ID);
      expect(await r("XRANGE", key(), "-", "(+")).toEqual(INVALID_ID);
      expect(await r("XRANGE", key(), "(", "+")).toEqual(INVALID_ID);
      expect(await r("XRANGE", key(), "x", "+")).toEqual(INVALID_ID);
      expect(await r("XRANGE", key(), `(${U64}-${U64}`, "+")).toEqual(error("ERR invalid start ID for the interval"));
      expect(await r("XRANGE", key(), "-", "(0-0")).toEqual(error("ERR invalid end ID for the interval"));
      expect(await r("XREVRANGE", key(), "(0-0", "-")).toEqual(error("ERR invalid end ID for the interval"));
      expect(await r("XREVRANGE", key(), "(0", "-")).toEqual([]);
      expect(await r("XRANGE", key(), "-", "+", "x")).toEqual(SYNTAX);
      expect(await r("SET", key("s"), "x")).toEqual("OK");
      expect(await r("XRANGE", key("s"), "-", "+")).toEqual(WRONGTYPE);
      expect(await r("XRANGE", key("s"), "x", "+")).toEqual(INVALID_ID);
    },
  },
  {
    name: "XDEL: deletes what is there, answers the count; an empty stream stays a key",
    async run({ r, key }) {
      for (const id of ["1-1", "2-1", "3-1"]) await r("XADD", key(), id, "f", "v");
      expect(await r("XDEL", key(), "2-1", "2-1", "9-9")).toEqual(1);
      expect(await r("XDEL", key(), "1-1", "x")).toEqual(INVALID_ID);
      expect(await r("XLEN", key())).toEqual(2);
      expect(await r("XDEL", key(), "1", "3-1")).toEqual(1);
      expect(await r("XDEL", key(), "1-1")).toEqual(1);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("XRANGE", key(), "-", "+")).toEqual([]);
      expect(await r("XADD", key(), "3-1", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XDEL", key("missing"), "1-1")).toEqual(0);
      expect(await r("XDEL", key())).toEqual(error("ERR wrong number of arguments for 'xdel' command"));
      expect(await r("LPUSH", key("l"), "x")).toEqual(1);
      expect(await r("XDEL", key("l"), "1-1")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "XREAD: entries after each ID, COUNT per key, $, missing and empty keys left out, nil when nothing",
    async run({ r, key }) {
      for (const id of ["1-1", "2-1", "3-1"]) await r("XADD", key("a"), id, "f", id);
      await r("XADD", key("b"), "5-0", "g", "x");
      expect(await r("XREAD", "STREAMS", key("a"), "1-1")).toEqual([[key("a"), [["2-1", ["f", "2-1"]], ["3-1", ["f", "3-1"]]]]]);
      expect(await r("XREAD", "COUNT", "1", "STREAMS", key("a"), key("missing"), key("b"), "0", "0", "0")).toEqual([
        [key("a"), [["1-1", ["f", "1-1"]]]],
        [key("b"), [["5-0", ["g", "x"]]]],
      ]);
      expect(await r("XREAD", "STREAMS", key("a"), key("b"), "$", "4")).toEqual([[key("b"), [["5-0", ["g", "x"]]]]]);
      expect(await r("XREAD", "STREAMS", key("a"), key("b"), "3-1", "$")).toEqual(null);
      expect(await r("XREAD", "STREAMS", key("missing"), "$")).toEqual(null);
      expect(await r("XREAD", "COUNT", "0", "STREAMS", key("a"), "2-1")).toEqual([[key("a"), [["3-1", ["f", "3-1"]]]]]);
      expect(await r("XREAD", "COUNT", "-3", "STREAMS", key("a"), "2")).toEqual([[key("a"), [["2-1", ["f", "2-1"]], ["3-1", ["f", "3-1"]]]]]);
      expect(await r("XREAD", "streams", key("a"), "2-1")).toEqual([[key("a"), [["3-1", ["f", "3-1"]]]]]);
      await r("XDEL", key("b"), "5-0");
      expect(await r("XREAD", "STREAMS", key("b"), "0")).toEqual(null);
    },
  },
  {
    name: "XREAD's errors: unbalanced streams, STREAMS missing, GROUP/NOACK/> only for XREADGROUP, WRONGTYPE, bad IDs",
    async run({ r, key }) {
      await r("XADD", key("a"), "1-1", "f", "v");
      expect(await r("XREAD", "STREAMS", key("a"), key("b"), "0")).toEqual(error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."));
      expect(await r("XREAD", "COUNT", "1", key("a"), "0")).toEqual(SYNTAX);
      expect(await r("XREAD", "COUNT", "x", "STREAMS", key("a"), "0")).toEqual(NOT_INTEGER);
      expect(await r("XREAD", "GROUP", "g", "c", "STREAMS", key("a"), "0")).toEqual(error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."));
      expect(await r("XREAD", "NOACK", "STREAMS", key("a"), "0")).toEqual(error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."));
      expect(await r("XREAD", "STREAMS", key("a"), ">")).toEqual(error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."));
      expect(await r("XREAD", "STREAMS", key("a"), "-")).toEqual(INVALID_ID);
      expect(await r("SET", key("s"), "x")).toEqual("OK");
      expect(await r("XREAD", "STREAMS", key("a"), key("s"), "0", "0")).toEqual(WRONGTYPE);
      expect(await r("XREAD", "STREAMS", key("s"), key("a"), "x", "0")).toEqual(WRONGTYPE);
      expect(await r("XREAD", "STREAMS", key("a"), key("m"), "0", "x")).toEqual(INVALID_ID);
    },
  },
  {
    name: "XREAD BLOCK with data already there answers at once",
    async run({ r, key }) {
      await r("XADD", key(), "1-1", "f", "v");
      expect(await r("XREAD", "BLOCK", "0", "STREAMS", key(), "0")).toEqual([[key(), [["1-1", ["f", "v"]]]]]);
      expect(await r("XREAD", "BLOCK", "-1", "STREAMS", key(), "0")).toEqual(error("ERR timeout is negative"));
      expect(await r("XREAD", "BLOCK", "x", "STREAMS", key(), "0")).toEqual(error("ERR timeout is not an integer or out of range"));
    },
  },
  {
    name: "XREAD BLOCK: a short timeout answers nil; a script may not use BLOCK, even with data there",
    async run({ r, key }) {
      expect(await r("XREAD", "BLOCK", "10", "STREAMS", key(), "$")).toEqual(null);
      await r("XADD", key(), "1-1", "f", "v");
      expect(await r("XREAD", "COUNT", "1", "BLOCK", "10", "STREAMS", key(), "$")).toEqual(null);
      const refused = await r("EVAL", "return redis.call('xReAd', 'BLOCK', 'x', 'STREAMS', KEYS[1], '0')", 1, key());
      expect((refused as { error: string }).error).toMatch(/^ERR xReAd command is not allowed with BLOCK option from scripts script: /);
      expect(await r("EVAL", "return redis.call('XREAD', 'STREAMS', KEYS[1], '0')", 1, key())).toEqual([[key(), [["1-1", ["f", "v"]]]]]);
    },
  },
  {
    name: "XREAD over keys of several slots is CROSSSLOT",
    only: "sharded",
    async run({ r, spread }) {
      const keys = ["x1", "x2", "x3", "x4", "x5", "x6"].map((n) => spread(n));
      const reply = await r("XREAD", "STREAMS", ...keys, ...keys.map(() => "0"));
      expect(reply).toEqual(error("CROSSSLOT Keys in request don't hash to the same slot"));
    },
  },
  {
    name: "XSETID: moves the last ID, entries added and max deleted ID; its errors",
    async run({ r, key }) {
      expect(await r("XSETID", key(), "1-1")).toEqual(error("ERR no such key"));
      await r("XADD", key(), "5-5", "f", "v");
      expect(await r("XSETID", key(), "5-4")).toEqual(error("ERR The ID specified in XSETID is smaller than the target stream top item"));
      expect(await r("XSETID", key(), "5-5")).toEqual("OK");
      expect(await r("XSETID", key(), "10-0", "ENTRIESADDED", "-1")).toEqual(error("ERR entries_added must be positive"));
      expect(await r("XSETID", key(), "10-0", "ENTRIESADDED", "0")).toEqual(error("ERR The entries_added specified in XSETID is smaller than the target stream length"));
      expect(await r("XSETID", key(), "10-0", "MAXDELETEDID", "11-0")).toEqual(error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"));
      expect(await r("XSETID", key(), "10-0", "ENTRIESADDED")).toEqual(SYNTAX);
      expect(await r("XSETID", key(), "10-0", "FOO", "1")).toEqual(SYNTAX);
      expect(await r("XSETID", key(), "+")).toEqual(INVALID_ID);
      expect(await r("XSETID", key(), "10-0", "ENTRIESADDED", "9223372036854775807", "MAXDELETEDID", "7-0")).toEqual("OK");
      expect(await r("XADD", key(), "9-0", "f", "v")).toEqual(NOT_GREATER);
      expect(await r("XADD", key(), "10-*", "f", "v")).toEqual("10-1");
      expect(await r("XSETID", key(), "1-0")).toEqual(error("ERR The ID specified in XSETID is smaller than the target stream top item"));
      expect(await r("XREAD", "STREAMS", key(), "$")).toEqual(null);
      await r("XDEL", key(), "5-5", "10-1");
      expect(await r("XSETID", key(), "1-0")).toEqual("OK");
      expect(await r("XADD", key(), "2-*", "f", "v")).toEqual("2-0");
      expect(await r("SET", key("s"), "x")).toEqual("OK");
      expect(await r("XSETID", key("s"), "1-0")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "a stream as a key: DEL, EXPIRE, RENAME, COPY, SCAN TYPE stream, WRONGTYPE for other commands",
    async run({ r, key }) {
      for (const id of ["1-1", "2-1"]) await r("XADD", key(), id, "f", "v");
      expect(await r("GET", key())).toEqual(WRONGTYPE);
      expect(await r("LPUSH", key(), "x")).toEqual(WRONGTYPE);
      expect(await r("COPY", key(), key("copy"))).toEqual(1);
      expect(await r("XADD", key("copy"), "3-1", "g", "w")).toEqual("3-1");
      expect(await r("XLEN", key())).toEqual(2);
      expect(await r("XRANGE", key("copy"), "-", "+")).toEqual([["1-1", ["f", "v"]], ["2-1", ["f", "v"]], ["3-1", ["g", "w"]]]);
      expect(await r("XADD", key("copy"), "3-1", "g", "w")).toEqual(NOT_GREATER);
      expect(await r("RENAME", key("copy"), key("moved"))).toEqual("OK");
      expect(await r("XLEN", key("moved"))).toEqual(3);
      expect(await r("TYPE", key("copy"))).toEqual("none");
      expect(await r("PEXPIRE", key("moved"), "100000")).toEqual(1);
      expect(await r("TTL", key("moved"))).toBeGreaterThan(0);
      expect(await r("SET", key("str"), "x")).toEqual("OK");
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = (await r("SCAN", cursor, "MATCH", `${key("")}*`, "TYPE", "stream", "COUNT", "1000")) as [string, string[]];
        found.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      expect(found.sort()).toEqual([key(), key("moved")].sort());
      expect(await r("DEL", key(), key("moved"))).toEqual(2);
      expect(await r("EXISTS", key(), key("moved"))).toEqual(0);
      expect(await r("XADD", key(), "1-1", "f", "v")).toEqual("1-1");
    },
  },
  {
    name: "a stream of 500 entries is deleted and written again under the same name",
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 500)).toEqual(500);
      expect(await r("XRANGE", key(), "(499-1", "+")).toEqual([["500-1", ["f", "v"]]]);
      expect(await r("SET", key(), "now a string")).toEqual("OK");
      expect(await r("TYPE", key())).toEqual("string");
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("XADD", key(), "1-1", "f", "v")).toEqual("1-1");
      expect(await r("XLEN", key())).toEqual(1);
      expect(await addRange(r, key("b"), 1, 300)).toEqual(300);
      expect(await r("UNLINK", key("b"))).toEqual(1);
      expect(await r("XLEN", key("b"))).toEqual(0);
    },
  },
  {
    name: "fields and values are binary-safe and kept in order, duplicates included",
    async run({ r, key }) {
      expect(await r("XADD", key(), "1-1", "f", "", "", "v", "f", "again")).toEqual("1-1");
      expect(await r("XRANGE", key(), "-", "+")).toEqual([["1-1", ["f", "", "", "v", "f", "again"]]]);
    },
  },
]);
