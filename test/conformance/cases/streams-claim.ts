/**
 * Stream claim cases: XCLAIM and XAUTOCLAIM (after Redis's tests/unit/type/stream-cgroups.tcl).
 * Nothing waits: idle times are set with IDLE and TIME, and min-idle-time is 0 or far beyond
 * any idle time, so every case is deterministic; XPENDING's idle time is shown as whether it
 * is a number. Expectations are redis-server 7.0.15's.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const SYNTAX = error("ERR syntax error");
const INVALID_ID = error("ERR Invalid stream ID specified as stream command argument");
const COUNT_ERROR = error("ERR COUNT must be > 0");
const noGroup = (key: string, group: string) => error(`NOGROUP No such key '${key}' or consumer group '${group}'`);
const unrecognized = (opt: string) => error(`ERR Unrecognized XCLAIM option '${opt}'`);
/** Longer than any idle time: 10^11 ms is over three years, and no entry here waited that long. */
const HUGE = "100000000000";
/** An idle time every entry delivered "at TIME 1" has (over 31 years), and none delivered now. */
const DECADES = "1000000000000";

/** A stream of entries 1-1 f 1 … n-1 f n, the group g from the start, all of it read by consumer c1. */
async function pendingToC1(r: Call, key: string, n = 3): Promise<void> {
  for (let i = 1; i <= n; i++) await r("XADD", key, `${i}-1`, "f", String(i));
  expect(await r("XGROUP", "CREATE", key, "g", "0")).toEqual("OK");
  expect(((await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key, ">")) as Value[][])[0]![1]).toHaveLength(n);
}

/** XPENDING's extended rows, the idle time replaced by whether it is a number. */
async function pending(r: Call, key: string, ...filter: string[]): Promise<unknown[]> {
  const idle = filter[0] === "IDLE" ? filter.splice(0, 2) : [];
  const rows = (await r("XPENDING", key, "g", ...idle, "-", "+", "100", ...filter)) as Value[][];
  return rows.map(([id, c, ms, n]) => [id, c, typeof ms === "number", n]);
}

const entry = (i: number) => [`${i}-1`, ["f", String(i)]];

export const streamClaimCases = defineCases("streams-claim", [
  {
    name: "XCLAIM moves pending entries to the consumer and answers them; a delivery counted, none with JUSTID",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1")).toEqual([entry(1)]);
      expect(await pending(r, key())).toEqual([
        ["1-1", "c2", true, 2],
        ["2-1", "c1", true, 1],
        ["3-1", "c1", true, 1],
      ]);
      expect(await r("XCLAIM", key(), "g", "c3", "0", "1-1", "2-1", "JUSTID")).toEqual(["1-1", "2-1"]);
      expect(await pending(r, key(), "c3")).toEqual([
        ["1-1", "c3", true, 2],
        ["2-1", "c3", true, 1],
      ]);
      // The consumer that has it already claims it again; an ID given twice is claimed twice.
      expect(await r("XCLAIM", key(), "g", "c3", "0", "2-1", "2-1")).toEqual([entry(2), entry(2)]);
      expect(await pending(r, key(), "c3")).toEqual([
        ["1-1", "c3", true, 2],
        ["2-1", "c3", true, 3],
      ]);
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["c1", "1"], ["c3", "2"]]]);
      // IDs neither pending nor in the stream are passed over; options are case-insensitive.
      expect(await r("XADD", key(), "4-1", "f", "4")).toEqual("4-1");
      expect(await r("XCLAIM", key(), "g", "c2", "0", "4-1", "9-9", "3", "justid")).toEqual([]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "3-1")).toEqual([entry(3)]);
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["c2", "1"], ["c3", "2"]]]);
    },
  },
  {
    name: "XCLAIM min-idle-time: an entry idle less stays; IDLE and TIME set the delivery time, one before the epoch or after now is now",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("XCLAIM", key(), "g", "c2", HUGE, "1-1", "2-1")).toEqual([]);
      // A negative min-idle-time is 0.
      expect(await r("XCLAIM", key(), "g", "c2", "-5", "1-1", "IDLE", "500000000", "JUSTID")).toEqual(["1-1"]);
      expect(await r("XCLAIM", key(), "g", "c3", "400000000", "1-1", "2-1", "JUSTID")).toEqual(["1-1"]);
      // Claimed without IDLE, its delivery time is now again.
      expect(await r("XCLAIM", key(), "g", "c4", "400000000", "1-1", "JUSTID")).toEqual([]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "2-1", "TIME", "1", "JUSTID")).toEqual(["2-1"]);
      expect(await pending(r, key(), "IDLE", DECADES)).toEqual([["2-1", "c2", true, 1]]);
      for (const late of [["TIME", "99999999999999"], ["TIME", "-5"], ["IDLE", "-3"], ["IDLE", "99999999999999999"]]) {
        expect(await r("XCLAIM", key(), "g", "c2", "0", "2-1", "TIME", "1", "JUSTID")).toEqual(["2-1"]);
        expect(await r("XCLAIM", key(), "g", "c2", "0", "2-1", ...late, "JUSTID")).toEqual(["2-1"]);
        expect(await pending(r, key(), "IDLE", "1000000")).toEqual([]);
      }
      // The last of several IDLE / TIME options wins.
      expect(await r("XCLAIM", key(), "g", "c2", "0", "3-1", "IDLE", "0", "TIME", "1", "JUSTID")).toEqual(["3-1"]);
      expect(await pending(r, key(), "IDLE", DECADES)).toEqual([["3-1", "c2", true, 1]]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "3-1", "TIME", "1", "IDLE", "0", "JUSTID")).toEqual(["3-1"]);
      expect(await pending(r, key(), "IDLE", "1000000")).toEqual([]);
    },
  },
  {
    name: "XCLAIM RETRYCOUNT sets the delivery count (a negative one is not given); past 2^63 - 1 it wraps as Redis shows it",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1", "RETRYCOUNT", "5")).toEqual([entry(1)]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "2-1", "RETRYCOUNT", "0", "JUSTID")).toEqual(["2-1"]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "3-1", "RETRYCOUNT", "-1")).toEqual([entry(3)]);
      expect(await pending(r, key())).toEqual([
        ["1-1", "c2", true, 5],
        ["2-1", "c2", true, 0],
        ["3-1", "c2", true, 2],
      ]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1", "RETRYCOUNT", "9223372036854775807", "JUSTID")).toEqual(["1-1"]);
      expect(await pending(r, key())).toContainEqual(["1-1", "c2", true, 9223372036854775807n]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1")).toEqual([entry(1)]);
      expect(await pending(r, key())).toContainEqual(["1-1", "c2", true, -9223372036854775808n]);
      // A history read counts one more too.
      expect(await r("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", key(), "0")).toEqual([[key(), [entry(1)]]]);
      expect(await pending(r, key())).toContainEqual(["1-1", "c2", true, -9223372036854775807n]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1", "RETRYCOUNT", "9007199254740993", "JUSTID")).toEqual(["1-1"]);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1")).toEqual([entry(1)]);
      expect(await pending(r, key())).toContainEqual(["1-1", "c2", true, 9007199254740994n]);
    },
  },
  {
    name: "XCLAIM FORCE makes an ID of the stream that is not pending pending (whatever min-idle-time), never one not in the stream",
    async run({ r, key }) {
      for (let i = 1; i <= 3; i++) await r("XADD", key(), `${i}-1`, "f", String(i));
      expect(await r("XGROUP", "CREATE", key(), "g", "$")).toEqual("OK");
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1")).toEqual([]);
      expect(await r("XCLAIM", key(), "g", "c", HUGE, "1-1", "FORCE")).toEqual([entry(1)]);
      expect(await r("XCLAIM", key(), "g", "c", "0", "2-1", "9-9", "FORCE", "JUSTID")).toEqual(["2-1"]);
      expect(await r("XCLAIM", key(), "g", "c", "0", "3-1", "FORCE", "RETRYCOUNT", "7", "TIME", "1")).toEqual([entry(3)]);
      expect(await pending(r, key())).toEqual([
        ["1-1", "c", true, 2],
        ["2-1", "c", true, 1],
        ["3-1", "c", true, 7],
      ]);
      expect(await pending(r, key(), "IDLE", DECADES)).toEqual([["3-1", "c", true, 7]]);
      // An ID given twice with FORCE: created, then claimed again only when idle enough.
      expect(await r("XADD", key(), "4-1", "f", "4")).toEqual("4-1");
      expect(await r("XCLAIM", key(), "g", "c", HUGE, "4-1", "4-1", "FORCE", "JUSTID")).toEqual(["4-1"]);
      // FORCE does not move the group's last-delivered ID.
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual([[key(), [entry(4)]]]);
    },
  },
  {
    name: "XCLAIM of entries deleted from the stream (XDEL, XTRIM) drops them from the pending list and the reply",
    async run({ r, key }) {
      await pendingToC1(r, key(), 5);
      expect(await r("XDEL", key(), "2-1")).toEqual(1);
      expect(await r("XCLAIM", key(), "g", "c2", "0", "1-1", "2-1", "3-1")).toEqual([entry(1), entry(3)]);
      expect(await pending(r, key(), "c1")).toEqual([
        ["4-1", "c1", true, 1],
        ["5-1", "c1", true, 1],
      ]);
      expect(await r("XPENDING", key(), "g")).toEqual([4, "1-1", "5-1", [["c1", "2"], ["c2", "2"]]]);
      // Dropped even when min-idle-time would leave it; FORCE does not bring it back.
      expect(await r("XDEL", key(), "4-1")).toEqual(1);
      expect(await r("XCLAIM", key(), "g", "c2", HUGE, "4-1", "FORCE")).toEqual([]);
      expect(await r("XTRIM", key(), "MAXLEN", "1")).toEqual(2);
      expect(await r("XCLAIM", key(), "g", "c3", "0", "1-1", "3-1", "5-1", "JUSTID")).toEqual(["5-1"]);
      expect(await r("XPENDING", key(), "g")).toEqual([1, "5-1", "5-1", [["c3", "1"]]]);
    },
  },
  {
    name: "XCLAIM LASTID moves the group's last-delivered ID forward only, with or without IDs claimed",
    async run({ r, key }) {
      for (let i = 1; i <= 4; i++) await r("XADD", key(), `${i}-1`, "f", String(i));
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      expect(await r("XCLAIM", key(), "g", "c", "0", "LASTID", "2-1")).toEqual([]);
      expect(await r("XCLAIM", key(), "g", "c", "0", "JUSTID")).toEqual([]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", key(), ">")).toEqual([[key(), [entry(3)]]]);
      expect(await r("XCLAIM", key(), "g", "c", "0", "3-1", "LASTID", "1-1", "JUSTID")).toEqual(["3-1"]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual([[key(), [entry(4)]]]);
      expect(await r("XCLAIM", key(), "g", "c", "0", "LASTID", "9")).toEqual([]);
      expect(await r("XADD", key(), "5-1", "f", "5")).toEqual("5-1");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual(null);
    },
  },
  {
    name: "XCLAIM and XAUTOCLAIM create the consumer only when they claim an entry",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("XCLAIM", key(), "g", "a", "0", "9-9")).toEqual([]);
      expect(await r("XCLAIM", key(), "g", "b", HUGE, "1-1")).toEqual([]);
      expect(await r("XAUTOCLAIM", key(), "g", "c", HUGE, "0")).toEqual(["0-0", [], []]);
      expect(await r("XDEL", key(), "3-1")).toEqual(1);
      expect(await r("XAUTOCLAIM", key(), "g", "d", "0", "3-1")).toEqual(["0-0", [], ["3-1"]]);
      for (const c of ["a", "b", "c", "d"]) expect(await r("XGROUP", "CREATECONSUMER", key(), "g", c)).toEqual(1);
      expect(await r("XCLAIM", key(), "g", "e", "0", "1-1", "JUSTID")).toEqual(["1-1"]);
      expect(await r("XAUTOCLAIM", key(), "g", "f", "0", "2-1", "JUSTID")).toEqual(["0-0", ["2-1"], []]);
      for (const c of ["e", "f"]) expect(await r("XGROUP", "CREATECONSUMER", key(), "g", c)).toEqual(0);
    },
  },
  {
    name: "XCLAIM's errors, in Redis's order: the key's type, NOGROUP, min-idle-time, then the options; an error changes nothing",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XCLAIM", key("missing"), "g", "c", "x", "1-1", "FOO")).toEqual(noGroup(key("missing"), "g"));
      expect(await r("XCLAIM", key("str"), "g", "c", "x", "1-1")).toEqual(WRONGTYPE);
      expect(await r("XCLAIM", key(), "nog", "c", "x", "1-1")).toEqual(noGroup(key(), "nog"));
      expect(await r("XCLAIM", key(), "g", "c", "x", "1-1", "FOO")).toEqual(error("ERR Invalid min-idle-time argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "99999999999999999999", "1-1")).toEqual(error("ERR Invalid min-idle-time argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "IDLE", "x")).toEqual(error("ERR Invalid IDLE option argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "IDLE", "9223372036854775808")).toEqual(error("ERR Invalid IDLE option argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "TIME", "1.5")).toEqual(error("ERR Invalid TIME option argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "RETRYCOUNT", "x")).toEqual(error("ERR Invalid RETRYCOUNT option argument for XCLAIM"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "LASTID", "x")).toEqual(INVALID_ID);
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "LASTID", "+")).toEqual(INVALID_ID);
      // An option without its value, an unknown one, and the IDs ending at the first that is not one.
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "IDLE")).toEqual(unrecognized("IDLE"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "Foo")).toEqual(unrecognized("Foo"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "bad", "2-1")).toEqual(unrecognized("bad"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "JUSTID", "2-1")).toEqual(unrecognized("2-1"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "-")).toEqual(unrecognized("-"));
      expect(await r("XCLAIM", key(), "g", "c", "0", "1-1", "LASTID", "9-9", "FORCE", "x")).toEqual(unrecognized("x"));
      expect(await r("XCLAIM", key(), "g", "c", "0")).toEqual(error("ERR wrong number of arguments for 'xclaim' command"));
      // Nothing moved, no consumer made, the last-delivered ID kept.
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["c1", "3"]]]);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "g", "c")).toEqual(1);
      expect(await r("XADD", key(), "4-1", "f", "4")).toEqual("4-1");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual([[key(), [entry(4)]]]);
    },
  },
  {
    name: "XAUTOCLAIM claims pending entries from start in ID order, COUNT of them, and answers the next as a cursor",
    async run({ r, key }) {
      await pendingToC1(r, key(), 5);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", "0", "-", "COUNT", "2")).toEqual(["3-1", [entry(1), entry(2)], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", "0", "3-1", "COUNT", "2")).toEqual(["5-1", [entry(3), entry(4)], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", "0", "5-1", "COUNT", "1")).toEqual(["0-0", [entry(5)], []]);
      expect(await pending(r, key(), "c2")).toEqual([1, 2, 3, 4, 5].map((i) => [`${i}-1`, "c2", true, 2]));
      // JUSTID counts no delivery; `(` excludes the start, a bare <ms> is <ms>-0; past the last, nothing.
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "(2-1", "COUNT", "2", "JUSTID")).toEqual(["5-1", ["3-1", "4-1"], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "5", "JUSTID")).toEqual(["0-0", ["5-1"], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "+")).toEqual(["0-0", [], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "6")).toEqual(["0-0", [], []]);
      expect(await pending(r, key(), "c3")).toEqual([3, 4, 5].map((i) => [`${i}-1`, "c3", true, 2]));
      // Every entry claimed is delivered now: a min-idle-time leaves them all.
      expect(await r("XAUTOCLAIM", key(), "g", "c4", "1000000", "-")).toEqual(["0-0", [], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c4", "0", "-", "count", "1", "justid")).toEqual(["2-1", ["1-1"], []]);
    },
  },
  {
    name: "XAUTOCLAIM claims only entries idle long enough, and examines at most COUNT × 10 pending entries",
    async run({ r, key }) {
      await pendingToC1(r, key(), 25);
      for (const id of ["3-1", "14-1", "25-1"]) expect(await r("XCLAIM", key(), "g", "c1", "0", id, "TIME", "1", "JUSTID")).toEqual([id]);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", DECADES, "-", "COUNT", "1")).toEqual(["4-1", [entry(3)], []]);
      // Ten entries examined (4-1 … 13-1), none idle enough: the cursor is the next one.
      expect(await r("XAUTOCLAIM", key(), "g", "c2", DECADES, "4-1", "COUNT", "1")).toEqual(["14-1", [], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", DECADES, "14-1", "COUNT", "2", "JUSTID")).toEqual(["0-0", ["14-1", "25-1"], []]);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", DECADES, "-", "COUNT", "3")).toEqual(["0-0", [], []]);
      expect(await pending(r, key(), "c2")).toEqual([
        ["3-1", "c2", true, 2],
        ["14-1", "c2", true, 1],
        ["25-1", "c2", true, 1],
      ]);
    },
  },
  {
    name: "XAUTOCLAIM drops entries deleted from the stream from the pending list and answers their IDs; each counts toward COUNT",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("XDEL", key(), "2-1")).toEqual(1);
      expect(await r("XAUTOCLAIM", key(), "g", "c2", "0", "0-0")).toEqual(["0-0", [entry(1), entry(3)], ["2-1"]]);
      expect(await pending(r, key(), "c1")).toEqual([]);
      expect(await r("XDEL", key(), "1-1", "3-1")).toEqual(2);
      expect(await r("XADD", key(), "4-1", "f", "4")).toEqual("4-1");
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), ">")).toEqual([[key(), [entry(4)]]]);
      // Deleted ones are dropped whatever min-idle-time says.
      expect(await r("XAUTOCLAIM", key(), "g", "c3", HUGE, "0-0", "COUNT", "1")).toEqual(["3-1", [], ["1-1"]]);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "3-1", "COUNT", "1", "JUSTID")).toEqual(["4-1", [], ["3-1"]]);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "4-1", "COUNT", "1", "JUSTID")).toEqual(["0-0", ["4-1"], []]);
      expect(await r("XPENDING", key(), "g")).toEqual([1, "4-1", "4-1", [["c3", "1"]]]);
      expect(await r("XTRIM", key(), "MAXLEN", "0")).toEqual(1);
      expect(await r("XAUTOCLAIM", key(), "g", "c3", "0", "-")).toEqual(["0-0", [], ["4-1"]]);
      expect(await r("XPENDING", key(), "g")).toEqual([0, null, null, null]);
    },
  },
  {
    name: "XAUTOCLAIM's errors, in Redis's order: min-idle-time, start, the options, then the key's type and NOGROUP",
    async run({ r, key }) {
      await pendingToC1(r, key());
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "x", "0")).toEqual(error("ERR Invalid min-idle-time argument for XAUTOCLAIM"));
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "x")).toEqual(INVALID_ID);
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "(18446744073709551615-18446744073709551615")).toEqual(
        error("ERR invalid start ID for the interval"),
      );
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "(+")).toEqual(INVALID_ID);
      for (const n of ["0", "-1", "x", "576460752303423488", "9223372036854775808"]) {
        expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "0", "COUNT", n)).toEqual(COUNT_ERROR);
      }
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "0", "COUNT")).toEqual(SYNTAX);
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "0", "JUSTID", "FOO")).toEqual(SYNTAX);
      expect(await r("XAUTOCLAIM", key("str"), "g", "c", "0", "0")).toEqual(WRONGTYPE);
      expect(await r("XAUTOCLAIM", key("missing"), "g", "c", "0", "0")).toEqual(noGroup(key("missing"), "g"));
      expect(await r("XAUTOCLAIM", key(), "nog", "c", "0", "0")).toEqual(noGroup(key(), "nog"));
      expect(await r("XAUTOCLAIM", key(), "g", "c", "0")).toEqual(error("ERR wrong number of arguments for 'xautoclaim' command"));
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["c1", "3"]]]);
      expect(await r("XAUTOCLAIM", key(), "g", "c", "0", "0", "COUNT", "2", "COUNT", "1")).toEqual(["2-1", [entry(1)], []]);
    },
  },
  {
    name: "COMMAND INFO xclaim xautoclaim: arity, flags, key positions and key specs",
    async run({ r }) {
      const spec = (flags: string[]) => [
        "flags",
        flags,
        "begin_search",
        ["type", "index", "spec", ["index", 1]],
        "find_keys",
        ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]],
      ];
      const [xclaim, xautoclaim] = (await r("COMMAND", "INFO", "xclaim", "xautoclaim")) as unknown[][];
      expect(xclaim!.slice(0, 6)).toEqual(["xclaim", -6, ["write", "fast"], 1, 1, 1]);
      expect(xclaim![8]).toEqual([spec(["RW", "update"])]);
      expect(xautoclaim!.slice(0, 6)).toEqual(["xautoclaim", -6, ["write", "fast"], 1, 1, 1]);
      expect(xautoclaim![8]).toEqual([spec(["RW", "delete"])]);
    },
  },
]);
