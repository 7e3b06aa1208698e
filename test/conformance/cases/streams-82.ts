/**
 * Stream cases for what redis-server 7.0.15 lacks: XREAD's `+` (Redis 7.4), XDELEX and XACKDEL
 * and the KEEPREF / DELREF / ACKED option of XADD and XTRIM (Redis 8.2), written from Redis's
 * docs and its tests/unit/type/stream.tcl and stream-cgroups.tcl (`fromDocs`), and the 7.0
 * behaviour those options leave as it was (run on every target). Entry IDs are explicit.
 */
import { expect } from "vitest";
import { defineCases, error, type Call } from "../harness";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const SYNTAX = error("ERR syntax error");
const INVALID_ID = error("ERR Invalid stream ID specified as stream command argument");
const NUMIDS = error("ERR Number of IDs must be a positive integer");
const NUMIDS_MISMATCH = error("ERR The `numids` parameter must match the number of arguments");
const U64 = "18446744073709551615";
const NO_PENDING = [0, null, null, null];

const XREAD_DOCS = "Redis 7.4 XREAD docs / stream.tcl (XREAD last element, issue #13628)";
const XDELEX_DOCS = "Redis 8.2 XDELEX docs / stream.tcl, stream-cgroups.tcl";
const XACKDEL_DOCS = "Redis 8.2 XACKDEL docs / stream-cgroups.tcl";
const TRIM_DOCS = "Redis 8.2 XADD and XTRIM docs / stream.tcl (~ with DELREF/ACKED as fixed by redis#14623)";

/** XADD of entries `first`-1 … `last`-1, each `f v`, in one script. */
const ADD_RANGE = "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v') end return redis.call('XLEN', KEYS[1])";
const addRange = (r: Call, key: string, first: number, last: number) => r("EVAL", ADD_RANGE, 1, key, first, last);
/** The IDs `first`-1 … `last`-1. */
const ids = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => `${first + i}-1`);

/** XADD of `k<n> v<n>` entries with the IDs `n`-0 (n = 1, 2, …). */
async function entries(r: Call, key: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) expect(await r("XADD", key, `${i}-0`, "f", "v")).toEqual(`${i}-0`);
}

export const stream82Cases = defineCases("streams-82", [
  {
    name: "XREAD + reads each stream's last entry; COUNT changes nothing; missing keys are left out",
    fromDocs: XREAD_DOCS,
    async run({ r, key }) {
      for (const [id, f, v] of [["1-0", "k1", "v1"], ["2-0", "k2", "v2"], ["3-0", "k3", "v3"]]) await r("XADD", key("a"), id!, f!, v!);
      expect(await r("XREAD", "STREAMS", key("a"), "+")).toEqual([[key("a"), [["3-0", ["k3", "v3"]]]]]);
      expect(await r("XADD", key("a"), `3-${BigInt(U64) - 1n}`, "k4", "v4")).toEqual(`3-${BigInt(U64) - 1n}`);
      expect(await r("XADD", key("a"), `3-${U64}`, "k5", "v5")).toEqual(`3-${U64}`);
      expect(await r("XREAD", "STREAMS", key("a"), "+")).toEqual([[key("a"), [[`3-${U64}`, ["k5", "v5"]]]]]);
      expect(await r("XREAD", "COUNT", "3", "STREAMS", key("a"), "+")).toEqual([[key("a"), [[`3-${U64}`, ["k5", "v5"]]]]]);
      await r("XADD", key("b"), "1-0", "k1", "v4");
      await r("XADD", key("b"), "3-0", "k3", "v6");
      expect(await r("XREAD", "STREAMS", key("a"), key("b"), key("missing"), "+", "+", "+")).toEqual([
        [key("a"), [[`3-${U64}`, ["k5", "v5"]]]],
        [key("b"), [["3-0", ["k3", "v6"]]]],
      ]);
      // `+` and `$` together: `$` has nothing after it.
      expect(await r("XREAD", "STREAMS", key("a"), key("b"), "$", "+")).toEqual([[key("b"), [["3-0", ["k3", "v6"]]]]]);
      expect(await r("XREAD", "STREAMS", key("missing"), "+")).toEqual(null);
      // With data there BLOCK answers at once.
      expect(await r("XREAD", "BLOCK", "1000000", "STREAMS", key("b"), "+")).toEqual([[key("b"), [["3-0", ["k3", "v6"]]]]]);
    },
  },
  {
    name: "XREAD + after the last entry went reads the one before it; an empty stream answers nil",
    fromDocs: XREAD_DOCS,
    async run({ r, key }) {
      await r("XADD", key(), "1-0", "f", "1");
      await r("XADD", key(), "2-0", "f", "2");
      expect(await r("XDEL", key(), "2-0")).toEqual(1);
      expect(await r("XREAD", "STREAMS", key(), "+")).toEqual([[key(), [["1-0", ["f", "1"]]]]]);
      expect(await r("XDEL", key(), "1-0")).toEqual(1);
      expect(await r("XREAD", "STREAMS", key(), "+")).toEqual(null);
      expect(await r("XGROUP", "CREATE", key("mk"), "g", "$", "MKSTREAM")).toEqual("OK");
      expect(await r("XREAD", "STREAMS", key("mk"), "+")).toEqual(null);
      expect(await r("XREAD", "BLOCK", "10", "STREAMS", key("mk"), "+")).toEqual(null);
    },
  },
  {
    name: "XREADGROUP refuses XREAD's +",
    fromDocs: XREAD_DOCS,
    async run({ r, key }) {
      await r("XADD", key(), "1-0", "f", "v");
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "+")).toEqual(
        error(
          "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.",
        ),
      );
      expect(await r("XREADGROUP", "GROUP", "nog", "c", "STREAMS", key(), "+")).toEqual(
        error(`NOGROUP No such key '${key()}' or consumer group 'nog' in XREADGROUP with GROUP option`),
      );
    },
  },
  {
    name: "XDELEX: its arguments, their errors, a missing key (-1 for each ID), WRONGTYPE",
    fromDocs: XDELEX_DOCS,
    async run({ r, key }) {
      expect(await r("XDELEX", key(), "DELREF")).toEqual(error("ERR wrong number of arguments for 'xdelex' command"));
      expect(await r("XDELEX", key("missing"), "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
      await r("XADD", key(), "1-0", "f", "v");
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      for (const n of ["abc", "0", "-5", "1.5", "01"]) expect(await r("XDELEX", key(), "IDS", n, "1-1")).toEqual(NUMIDS);
      expect(await r("XDELEX", key(), "IDS", "3", "1-1", "2-2")).toEqual(NUMIDS_MISMATCH);
      expect(await r("XDELEX", key(), "IDS", "1", "1-1", "2-2")).toEqual(SYNTAX);
      expect(await r("XDELEX", key(), "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
      expect(await r("XDELEX", key(), "KEEPREF", "DELREF", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XDELEX", key(), "KEEPREF", "ACKED", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XDELEX", key(), "ACKED", "DELREF", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XDELEX", key(), "FOO", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XDELEX", key(), "IDS", "1", "bad")).toEqual(INVALID_ID);
      expect(await r("XDELEX", key(), "IDS", "1", "+")).toEqual(INVALID_ID);
      // Every ID is read before anything goes.
      expect(await r("XDELEX", key(), "IDS", "2", "1-0", "bad")).toEqual(INVALID_ID);
      expect(await r("XLEN", key())).toEqual(1);
      // The IDS block may come first; words are case-insensitive; a bare ms is <ms>-0.
      expect(await r("xdelex", key(), "ids", "1", "1", "keepref")).toEqual([1]);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XDELEX", key("str"), "IDS", "1", "1-1")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "XDELEX KEEPREF (the default) keeps pending entries, DELREF drops them from every group",
    fromDocs: XDELEX_DOCS,
    async run({ r, key }) {
      await entries(r, key(), 2);
      for (const [g, c] of [["group1", "consumer1"], ["group2", "consumer2"]]) {
        expect(await r("XGROUP", "CREATE", key(), g!, "0")).toEqual("OK");
        await r("XREADGROUP", "GROUP", g!, c!, "STREAMS", key(), ">");
      }
      expect(await r("XDELEX", key(), "KEEPREF", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("XPENDING", key(), "group1")).toEqual([2, "1-0", "2-0", [["consumer1", "2"]]]);
      expect(await r("XPENDING", key(), "group2")).toEqual([2, "1-0", "2-0", [["consumer2", "2"]]]);
      // DELREF drops the references of an ID whose entry is gone already, and answers -1 for it.
      expect(await r("XDELEX", key(), "DELREF", "IDS", "1", "1-0")).toEqual([-1]);
      expect(await r("XPENDING", key(), "group1")).toEqual([1, "2-0", "2-0", [["consumer1", "1"]]]);
      expect(await r("XPENDING", key(), "group2")).toEqual([1, "2-0", "2-0", [["consumer2", "1"]]]);

      await r("XADD", key("b"), "1-0", "f", "v");
      await r("XADD", key("b"), "2-0", "f", "v");
      await r("XADD", key("b"), "3-0", "f", "v");
      for (const [g, c] of [["group1", "consumer1"], ["group2", "consumer2"]]) {
        expect(await r("XGROUP", "CREATE", key("b"), g!, "0")).toEqual("OK");
        await r("XREADGROUP", "GROUP", g!, c!, "STREAMS", key("b"), ">");
      }
      expect(await r("XDELEX", key("b"), "DELREF", "IDS", "3", "1-0", "2-0", "2-0")).toEqual([1, 1, -1]);
      expect(await r("XRANGE", key("b"), "-", "+")).toEqual([["3-0", ["f", "v"]]]);
      expect(await r("XPENDING", key("b"), "group1")).toEqual([1, "3-0", "3-0", [["consumer1", "1"]]]);
      expect(await r("XPENDING", key("b"), "group2")).toEqual([1, "3-0", "3-0", [["consumer2", "1"]]]);
      // A history read no longer shows the dropped entries.
      expect(await r("XREADGROUP", "GROUP", "group1", "consumer1", "STREAMS", key("b"), "0")).toEqual([[key("b"), [["3-0", ["f", "v"]]]]]);
    },
  },
  {
    name: "XDELEX ACKED deletes an entry only when every group read it and none has it pending",
    fromDocs: XDELEX_DOCS,
    async run({ r, key }) {
      await entries(r, key(), 2);
      for (const g of ["group1", "group2", "group3"]) expect(await r("XGROUP", "CREATE", key(), g, "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "group1", "consumer1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "group2", "consumer2", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "group1", "1-0", "2-0")).toEqual(2);
      expect(await r("XDELEX", key(), "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([2, 2]);
      expect(await r("XACK", key(), "group2", "1-0", "2-0")).toEqual(2);
      // group3 has not read them yet.
      expect(await r("XDELEX", key(), "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([2, 2]);
      await r("XREADGROUP", "GROUP", "group3", "consumer3", "STREAMS", key(), ">");
      expect(await r("XDELEX", key(), "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([2, 2]);
      expect(await r("XLEN", key())).toEqual(2);
      expect(await r("XACK", key(), "group3", "1-0", "2-0")).toEqual(2);
      expect(await r("XDELEX", key(), "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XLEN", key())).toEqual(0);
    },
  },
  {
    name: "XDELEX ACKED: a group created later, or moved back, holds entries again; one destroyed lets them go",
    fromDocs: XDELEX_DOCS,
    async run({ r, key }) {
      await entries(r, key(), 3);
      expect(await r("XGROUP", "CREATE", key(), "group1", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "group1", "consumer1", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "group1", "1-0", "2-0", "3-0")).toEqual(3);
      expect(await r("XDELEX", key(), "ACKED", "IDS", "1", "1-0")).toEqual([1]);
      expect(await r("XGROUP", "CREATE", key(), "group2", "0")).toEqual("OK");
      expect(await r("XDELEX", key(), "ACKED", "IDS", "1", "2-0")).toEqual([2]);
      await r("XREADGROUP", "GROUP", "group2", "consumer1", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "group2", "2-0", "3-0")).toEqual(2);
      expect(await r("XGROUP", "SETID", key(), "group1", "2-0")).toEqual("OK");
      expect(await r("XDELEX", key(), "ACKED", "IDS", "2", "3-0", "2-0")).toEqual([2, 1]);
      expect(await r("XGROUP", "DESTROY", key(), "group1")).toEqual(1);
      expect(await r("XDELEX", key(), "ACKED", "IDS", "1", "3-0")).toEqual([1]);

      // The groups' least last-delivered ID: 1-0, then 3-0 once group1 goes.
      await entries(r, key("b"), 5);
      expect(await r("XGROUP", "CREATE", key("b"), "group1", "1-0")).toEqual("OK");
      expect(await r("XGROUP", "CREATE", key("b"), "group2", "3-0")).toEqual("OK");
      expect(await r("XDELEX", key("b"), "ACKED", "IDS", "1", "1-0")).toEqual([1]);
      expect(await r("XDELEX", key("b"), "ACKED", "IDS", "1", "2-0")).toEqual([2]);
      // An ID no group has read answers 2 even when there is no such entry; one below answers -1.
      expect(await r("XDELEX", key("b"), "ACKED", "IDS", "2", "9-0", "0-5")).toEqual([2, -1]);
      expect(await r("XGROUP", "DESTROY", key("b"), "group1")).toEqual(1);
      expect(await r("XDELEX", key("b"), "ACKED", "IDS", "1", "2-0")).toEqual([1]);

      // Pending entries of one group hold them; with no group left ACKED deletes as KEEPREF does.
      for (let j = 0; j < 5; j++) await r("XADD", key("c"), `${j}-1`, "item", `${j}`);
      expect(await r("XGROUP", "CREATE", key("c"), "mygroup", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "mygroup", "consumer1", "STREAMS", key("c"), ">");
      expect(await r("XDELEX", key("c"), "ACKED", "IDS", "5", "0-1", "1-1", "2-1", "3-1", "4-1")).toEqual([2, 2, 2, 2, 2]);
      expect(await r("XGROUP", "DESTROY", key("c"), "mygroup")).toEqual(1);
      expect(await r("XDELEX", key("c"), "ACKED", "IDS", "5", "0-1", "1-1", "2-1", "3-1", "4-1")).toEqual([1, 1, 1, 1, 1]);
      expect(await r("XLEN", key("c"))).toEqual(0);
    },
  },
  {
    name: "XACKDEL: its arguments and their errors; a missing key or group answers -1 for each ID",
    fromDocs: XACKDEL_DOCS,
    async run({ r, key }) {
      for (const argv of [["XACKDEL"], ["XACKDEL", key()], ["XACKDEL", key(), "g"], ["XACKDEL", key(), "g", "IDS", "1"]]) {
        expect(await r(...argv)).toEqual(error("ERR wrong number of arguments for 'xackdel' command"));
      }
      expect(await r("XACKDEL", key(), "g", "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
      await r("XADD", key(), "1-0", "f", "v");
      expect(await r("XACKDEL", key(), "g", "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      for (const n of ["abc", "0", "-5"]) expect(await r("XACKDEL", key(), "g", "IDS", n, "1-1")).toEqual(NUMIDS);
      expect(await r("XACKDEL", key(), "g", "IDS", "3", "1-1", "2-2")).toEqual(NUMIDS_MISMATCH);
      expect(await r("XACKDEL", key(), "g", "IDS", "1", "1-1", "2-2")).toEqual(SYNTAX);
      expect(await r("XACKDEL", key(), "g", "KEEPREF", "DELREF", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XACKDEL", key(), "g", "KEEPREF", "ACKED", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XACKDEL", key(), "g", "DELREF", "ACKED", "IDS", "1", "1-1")).toEqual(SYNTAX);
      expect(await r("XACKDEL", key(), "g", "IDS", "1", "x")).toEqual(INVALID_ID);
      // An entry the group has not read is not acknowledged, and stays.
      expect(await r("XACKDEL", key(), "g", "IDS", "1", "1-0")).toEqual([-1]);
      expect(await r("XLEN", key())).toEqual(1);
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XACKDEL", key("str"), "g", "IDS", "1", "1-1")).toEqual(WRONGTYPE);
      // Many IDs, none pending.
      expect(await r("XGROUP", "CREATE", key("mk"), "mygroup", "$", "MKSTREAM")).toEqual("OK");
      const fifty = Array.from({ length: 50 }, (_, i) => `${i}-1`);
      expect(await r("XACKDEL", key("mk"), "mygroup", "IDS", "50", ...fifty)).toEqual(fifty.map(() => -1));
    },
  },
  {
    name: "XACKDEL acknowledges, then deletes: KEEPREF keeps other groups' pending entries, DELREF drops them",
    fromDocs: XACKDEL_DOCS,
    async run({ r, key }) {
      for (const k of [key("keep"), key("del")]) {
        await entries(r, k, 2);
        for (const [g, c] of [["group1", "consumer1"], ["group2", "consumer2"]]) {
          expect(await r("XGROUP", "CREATE", k, g!, "0")).toEqual("OK");
          await r("XREADGROUP", "GROUP", g!, c!, "STREAMS", k, ">");
        }
      }
      expect(await r("XACKDEL", key("keep"), "group1", "KEEPREF", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XLEN", key("keep"))).toEqual(0);
      expect(await r("XPENDING", key("keep"), "group1")).toEqual(NO_PENDING);
      expect(await r("XPENDING", key("keep"), "group2")).toEqual([2, "1-0", "2-0", [["consumer2", "2"]]]);
      // Acknowledged by group2 too: 1 though the entries are gone already.
      expect(await r("XACKDEL", key("keep"), "group2", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XPENDING", key("keep"), "group2")).toEqual(NO_PENDING);

      expect(await r("XACKDEL", key("del"), "group1", "DELREF", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XLEN", key("del"))).toEqual(0);
      expect(await r("XPENDING", key("del"), "group1")).toEqual(NO_PENDING);
      expect(await r("XPENDING", key("del"), "group2")).toEqual(NO_PENDING);
      expect(await r("XACKDEL", key("del"), "group2", "DELREF", "IDS", "2", "1-0", "2-0")).toEqual([-1, -1]);
    },
  },
  {
    name: "XACKDEL ACKED acknowledges, and deletes only what no other group still needs",
    fromDocs: XACKDEL_DOCS,
    async run({ r, key }) {
      await entries(r, key(), 2);
      for (const [g, c] of [["group1", "consumer1"], ["group2", "consumer2"]]) {
        expect(await r("XGROUP", "CREATE", key(), g!, "0")).toEqual("OK");
        await r("XREADGROUP", "GROUP", g!, c!, "STREAMS", key(), ">");
      }
      expect(await r("XACKDEL", key(), "group1", "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([2, 2]);
      expect(await r("XLEN", key())).toEqual(2);
      expect(await r("XPENDING", key(), "group1")).toEqual(NO_PENDING);
      expect(await r("XPENDING", key(), "group2")).toEqual([2, "1-0", "2-0", [["consumer2", "2"]]]);
      expect(await r("XACKDEL", key(), "group2", "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([1, 1]);
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("XPENDING", key(), "group2")).toEqual(NO_PENDING);
    },
  },
  {
    name: "XADD MAXLEN with ACKED trims only the entries every group read and acknowledged; DELREF drops pending entries",
    fromDocs: TRIM_DOCS,
    async run({ r, key }) {
      await entries(r, key(), 5);
      expect(await r("XGROUP", "CREATE", key(), "mygroup", "0")).toEqual("OK");
      expect(await r("XADD", key(), "MAXLEN", "=", "1", "ACKED", "6-0", "f", "v")).toEqual("6-0");
      expect(await r("XLEN", key())).toEqual(6);
      expect(await r("XREADGROUP", "GROUP", "mygroup", "consumer1", "COUNT", "1", "STREAMS", key(), ">")).toEqual([[key(), [["1-0", ["f", "v"]]]]]);
      expect(await r("XACK", key(), "mygroup", "1-0")).toEqual(1);
      expect(await r("XADD", key(), "MAXLEN", "=", "1", "ACKED", "7-0", "f", "v")).toEqual("7-0");
      expect(await r("XLEN", key())).toEqual(6);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["2-0", ["f", "v"]]]);
      await r("XREADGROUP", "GROUP", "mygroup", "consumer1", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "mygroup", "2-0", "3-0", "4-0", "5-0", "6-0", "7-0")).toEqual(6);
      // The new entry is not read yet: it stays, and every other one goes.
      expect(await r("XADD", key(), "ACKED", "MAXLEN", "1", "8-0", "f", "v")).toEqual("8-0");
      expect(await r("XRANGE", key(), "-", "+")).toEqual([["8-0", ["f", "v"]]]);

      await entries(r, key("d"), 5);
      expect(await r("XGROUP", "CREATE", key("d"), "mygroup", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "mygroup", "consumer1", "COUNT", "1", "STREAMS", key("d"), ">");
      expect(await r("XADD", key("d"), "MAXLEN", "=", "1", "DELREF", "6-0", "f", "v")).toEqual("6-0");
      expect(await r("XLEN", key("d"))).toEqual(1);
      expect(await r("XPENDING", key("d"), "mygroup")).toEqual(NO_PENDING);
      // An option with nothing to trim changes nothing.
      expect(await r("XADD", key("d"), "acked", "7-0", "f", "v")).toEqual("7-0");
      expect(await r("XLEN", key("d"))).toEqual(2);
    },
  },
  {
    name: "XTRIM ~ with ACKED goes entry by entry through each node that could go whole, passing over pending entries",
    fromDocs: TRIM_DOCS,
    async run({ r, key }) {
      // Nodes of 100 entries: 1..100, 101..200, 201..250.
      expect(await addRange(r, key(), 1, 250)).toEqual(250);
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "g", "c", "COUNT", "250", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "g", ...ids(1, 100), ...ids(150, 160))).toEqual(111);
      // The first node ends above MINID: with ~ nothing goes.
      expect(await r("XTRIM", key(), "MINID", "~", "50", "ACKED")).toEqual(0);
      // LIMIT counts the live entries of each node before it is walked.
      expect(await r("XTRIM", key(), "MINID", "~", "251", "LIMIT", "150", "ACKED")).toEqual(100);
      expect(await r("XTRIM", key(), "MINID", "~", "251", "ACKED")).toEqual(11);
      expect(await r("XLEN", key())).toEqual(139);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["101-1", ["f", "v"]]]);
      expect(await r("XPENDING", key(), "g")).toEqual([139, "101-1", "250-1", [["c", "139"]]]);
      expect(await r("XRANGE", key(), "149-1", "161-1")).toEqual([["149-1", ["f", "v"]], ["161-1", ["f", "v"]]]);
      // Exact: through the node MINID falls in, too.
      expect(await r("XACK", key(), "g", ...ids(201, 210))).toEqual(10);
      expect(await r("XTRIM", key(), "ACKED", "MINID", "205")).toEqual(4);
      // Every node could go whole: the acknowledged entries of each go.
      expect(await r("XTRIM", key(), "MAXLEN", "~", "0", "ACKED")).toEqual(6);
      expect(await r("XTRIM", key(), "MAXLEN", "0", "ACKED")).toEqual(0);
      expect(await r("XLEN", key())).toEqual(129);
    },
  },
  {
    name: "XTRIM with DELREF drops trimmed entries from every group; ACKED with no group trims as KEEPREF",
    fromDocs: TRIM_DOCS,
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 250)).toEqual(250);
      for (const g of ["g1", "g2"]) {
        expect(await r("XGROUP", "CREATE", key(), g, "0")).toEqual("OK");
        await r("XREADGROUP", "GROUP", g, "c", "COUNT", "250", "STREAMS", key(), ">");
      }
      expect(await r("XTRIM", key(), "MINID", "~", "201", "DELREF")).toEqual(200);
      expect(await r("XLEN", key())).toEqual(50);
      expect(await r("XPENDING", key(), "g1")).toEqual([50, "201-1", "250-1", [["c", "50"]]]);
      expect(await r("XTRIM", key(), "MAXLEN", "10", "DELREF")).toEqual(40);
      expect(await r("XPENDING", key(), "g2")).toEqual([10, "241-1", "250-1", [["c", "10"]]]);
      // KEEPREF, given or not, keeps them.
      expect(await r("XTRIM", key(), "MAXLEN", "5", "KEEPREF")).toEqual(5);
      expect(await r("XPENDING", key(), "g1")).toEqual([10, "241-1", "250-1", [["c", "10"]]]);

      expect(await addRange(r, key("n"), 1, 150)).toEqual(150);
      expect(await r("XTRIM", key("n"), "MINID", "~", "101", "ACKED")).toEqual(100);
      expect(await r("XTRIM", key("n"), "MAXLEN", "=", "10", "ACKED")).toEqual(40);
      expect(await r("XLEN", key("n"))).toEqual(10);
      expect(await r("XTRIM", key("n"), "KEEPREF", "LIMIT", "0")).toEqual(error("ERR syntax error, XTRIM must be called with a trimming strategy"));
    },
  },
  {
    name: "XTRIM exact with ACKED stops at MINID, passing over pending entries; KEEPREF trims them and keeps their references",
    fromDocs: TRIM_DOCS,
    async run({ r, key }) {
      expect(await addRange(r, key(), 1, 10)).toEqual(10);
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "STREAMS", key(), ">");
      expect(await r("XACK", key(), "g", "2-1")).toEqual(1);
      expect(await r("XTRIM", key(), "MINID", "8", "ACKED")).toEqual(1);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "2")).toEqual([["1-1", ["f", "v"]], ["3-1", ["f", "v"]]]);
      expect(await r("XTRIM", key(), "MINID", "8", "KEEPREF")).toEqual(6);
      expect(await r("XRANGE", key(), "-", "+", "COUNT", "1")).toEqual([["8-1", ["f", "v"]]]);
      expect(await r("XPENDING", key(), "g")).toEqual([4, "1-1", "5-1", [["c", "4"]]]);
    },
  },
  {
    name: "XTRIM, XADD's trim and XDEL leave the pending entries of what they remove (7.0's behaviour, KEEPREF)",
    async run({ r, key }) {
      for (const id of ids(1, 5)) await r("XADD", key(), id, "f", "v");
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">");
      const allPending = [5, "1-1", "5-1", [["c", "5"]]];
      expect(await r("XTRIM", key(), "MAXLEN", "3")).toEqual(2);
      expect(await r("XPENDING", key(), "g")).toEqual(allPending);
      expect(await r("XDEL", key(), "5-1")).toEqual(1);
      expect(await r("XPENDING", key(), "g")).toEqual(allPending);
      expect(await r("XADD", key(), "MAXLEN", "1", "6-1", "f", "v")).toEqual("6-1");
      expect(await r("XLEN", key())).toEqual(1);
      expect(await r("XPENDING", key(), "g")).toEqual(allPending);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "0")).toEqual([
        [key(), [["1-1", null], ["2-1", null], ["3-1", null], ["4-1", null], ["5-1", null]]],
      ]);
      expect(await r("XACK", key(), "g", "1-1", "6-1")).toEqual(1);
    },
  },
]);
