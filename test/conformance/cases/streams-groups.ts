/**
 * Stream consumer-group cases: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER,
 * HELP), XREADGROUP (BLOCK where it does not wait), XACK, XPENDING (after Redis's tests/unit/type/stream-cgroups.tcl).
 * Idle times are shown only as whether they are numbers; entry IDs are given explicitly.
 * Expectations are redis-server 7.0.15's.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";

const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const SYNTAX = error("ERR syntax error");
const INVALID_ID = error("ERR Invalid stream ID specified as stream command argument");
const KEY_REQUIRED = error(
  "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
);
const noGroup = (group: string, key: string) => error(`NOGROUP No such consumer group '${group}' for key name '${key}'`);
const noGroupRead = (key: string, group: string) => error(`NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`);

/** A stream with entries 1-1 a 1, 2-1 b 2, 3-1 c 3 and the group g from the start. */
async function threeEntries(r: Call, key: string): Promise<void> {
  await r("XADD", key, "1-1", "a", "1");
  await r("XADD", key, "2-1", "b", "2");
  await r("XADD", key, "3-1", "c", "3");
  expect(await r("XGROUP", "CREATE", key, "g", "0")).toEqual("OK");
}

/** XPENDING's extended rows with the idle time replaced by whether it is a number. */
const rows = (v: Value) => (v as Value[][]).map(([id, c, idle, n]) => [id, c, typeof idle === "number", n]);

export const streamGroupCases = defineCases("streams-groups", [
  {
    name: "XGROUP CREATE: a missing key, MKSTREAM, BUSYGROUP, ENTRIESREAD, a key of another type",
    async run({ r, key }) {
      expect(await r("XGROUP", "CREATE", key(), "g", "$")).toEqual(KEY_REQUIRED);
      expect(await r("XGROUP", "CREATE", key(), "g", "$", "MKSTREAM")).toEqual("OK");
      expect(await r("TYPE", key())).toEqual("stream");
      expect(await r("XLEN", key())).toEqual(0);
      expect(await r("XGROUP", "CREATE", key(), "g", "$", "MKSTREAM")).toEqual(error("BUSYGROUP Consumer Group name already exists"));
      expect(await r("XGROUP", "CREATE", key(), "g2", "0", "ENTRIESREAD", "-2")).toEqual(error("ERR value for ENTRIESREAD must be positive or -1"));
      expect(await r("XGROUP", "CREATE", key(), "g2", "0", "ENTRIESREAD", "x")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("XGROUP", "CREATE", key(), "g2", "0", "ENTRIESREAD", "-1")).toEqual("OK");
      expect(await r("XGROUP", "CREATE", key(), "g3", "bad")).toEqual(INVALID_ID);
      expect(await r("XGROUP", "CREATE", key(), "g3", "0", "MKSTREAM", "foo")).toEqual(
        error("ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."),
      );
      expect(await r("XGROUP", "CREATE", key("missing"), "g", "0", "foo")).toEqual(
        error("ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP."),
      );
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XGROUP", "CREATE", key("str"), "g", "0")).toEqual(WRONGTYPE);
      expect(await r("XGROUP", "CREATE", key(), "g")).toEqual(error("ERR wrong number of arguments for 'xgroup|create' command"));
      expect(await r("XGROUP", "FOO")).toEqual(error("ERR unknown subcommand 'FOO'. Try XGROUP HELP."));
    },
  },
  {
    name: "XGROUP DESTROY, CREATECONSUMER, DELCONSUMER and SETID, and their missing key or group",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XGROUP", "DESTROY", key("missing"), "g")).toEqual(KEY_REQUIRED);
      expect(await r("XGROUP", "DESTROY", key(), "nog")).toEqual(0);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "g", "c")).toEqual(1);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "g", "c")).toEqual(0);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "nog", "c")).toEqual(noGroup("nog", key()));
      expect(await r("XGROUP", "DELCONSUMER", key(), "g", "zz")).toEqual(0);
      expect(await r("XGROUP", "DELCONSUMER", key(), "g", "c")).toEqual(0);
      expect(await r("XGROUP", "SETID", key(), "nog", "0")).toEqual(noGroup("nog", key()));
      expect(await r("XGROUP", "SETID", key("missing"), "g", "0")).toEqual(KEY_REQUIRED);
      expect(await r("XGROUP", "SETID", key(), "g", "1", "ENTRIESREAD")).toEqual(
        error("ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP."),
      );
      // SETID moves the group's last-delivered ID: reading `>` goes on after it.
      expect(await r("XGROUP", "SETID", key(), "g", "2-1", "ENTRIESREAD", "2")).toEqual("OK");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual([[key(), [["3-1", ["c", "3"]]]]]);
      expect(await r("XGROUP", "SETID", key(), "g", "$")).toEqual("OK");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual(null);
      expect(await r("XGROUP", "SETID", key(), "g", "-")).toEqual("OK");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", key(), ">")).toEqual([[key(), [["1-1", ["a", "1"]]]]]);
      expect(await r("XGROUP", "DESTROY", key(), "g")).toEqual(1);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">")).toEqual(noGroupRead(key(), "g"));
      expect(await r("XGROUP", "DESTROY", key(), "g")).toEqual(0);
    },
  },
  {
    name: "XGROUP HELP",
    async run({ r }) {
      const help = (await r("XGROUP", "HELP")) as string[];
      expect(help[0]).toEqual("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
      expect(help.length).toEqual(17);
      expect(help[help.length - 1]).toEqual("    Prints this help.");
    },
  },
  {
    name: "XREADGROUP `>` delivers new entries once, each to the consumer that read it; COUNT",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", key(), ">")).toEqual([[key(), [["1-1", ["a", "1"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c2", "STREAMS", key(), ">")).toEqual([
        [key(), [["2-1", ["b", "2"]], ["3-1", ["c", "3"]]]],
      ]);
      expect(await r("XREADGROUP", "GROUP", "g", "c2", "STREAMS", key(), ">")).toEqual(null);
      expect(await r("XADD", key(), "4-1", "d", "4")).toEqual("4-1");
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), ">")).toEqual([[key(), [["4-1", ["d", "4"]]]]]);
      expect(await r("XPENDING", key(), "g")).toEqual([4, "1-1", "4-1", [["c1", "2"], ["c2", "2"]]]);
    },
  },
  {
    name: "XREADGROUP with an ID reads the consumer's own pending entries after it; a deleted one is its ID and nil",
    async run({ r, key }) {
      await threeEntries(r, key());
      await r("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g", "c2", "STREAMS", key(), ">");
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), "0")).toEqual([[key(), [["1-1", ["a", "1"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), "1-1")).toEqual([[key(), []]]);
      expect(await r("XDEL", key(), "2-1")).toEqual(1);
      expect(await r("XREADGROUP", "GROUP", "g", "c2", "STREAMS", key(), "0")).toEqual([[key(), [["2-1", null], ["3-1", ["c", "3"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", key(), "2-1")).toEqual([[key(), [["3-1", ["c", "3"]]]]]);
      // A history read counts a delivery of every entry still there, not of a deleted one.
      expect(rows(await r("XPENDING", key(), "g", "-", "+", "10"))).toEqual([
        ["1-1", "c1", true, 2],
        ["2-1", "c2", true, 1],
        ["3-1", "c2", true, 3],
      ]);
      // A consumer that never read has an empty history, and is created by reading it.
      expect(await r("XREADGROUP", "GROUP", "g", "c3", "STREAMS", key(), "0")).toEqual([[key(), []]]);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "g", "c3")).toEqual(0);
      // One that read nothing new is not created.
      expect(await r("XREADGROUP", "GROUP", "g", "c4", "STREAMS", key(), ">")).toEqual(null);
      expect(await r("XGROUP", "CREATECONSUMER", key(), "g", "c4")).toEqual(1);
    },
  },
  {
    name: "XREADGROUP NOACK leaves nothing pending; re-delivery after SETID moves an entry to the new reader",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "NOACK", "COUNT", "1", "STREAMS", key(), ">")).toEqual([[key(), [["1-1", ["a", "1"]]]]]);
      expect(await r("XPENDING", key(), "g")).toEqual([0, null, null, null]);
      await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), "0");
      expect(await r("XGROUP", "SETID", key(), "g", "0")).toEqual("OK");
      await r("XREADGROUP", "GROUP", "g", "c2", "COUNT", "2", "STREAMS", key(), ">");
      expect(rows(await r("XPENDING", key(), "g", "-", "+", "10"))).toEqual([
        ["1-1", "c2", true, 1],
        ["2-1", "c2", true, 1],
        ["3-1", "c1", true, 2],
      ]);
      expect(await r("XREADGROUP", "GROUP", "g", "c1", "STREAMS", key(), "0")).toEqual([[key(), [["3-1", ["c", "3"]]]]]);
    },
  },
  {
    name: "XREADGROUP's errors: missing group or key, `$`, missing GROUP, unbalanced, syntax, a bad ID, WRONGTYPE",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "$")).toEqual(
        error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
        ),
      );
      expect(await r("XREADGROUP", "GROUP", "nog", "c", "STREAMS", key(), ">")).toEqual(noGroupRead(key(), "nog"));
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), key("missing"), ">", ">")).toEqual(noGroupRead(key("missing"), "g"));
      expect(await r("XREADGROUP", "COUNT", "1", "COUNT", "1", "STREAMS", key(), ">")).toEqual(error("ERR Missing GROUP option for XREADGROUP"));
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "0", "1")).toEqual(
        error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."),
      );
      expect(await r("XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", key(), "0")).toEqual(SYNTAX);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "abc")).toEqual(INVALID_ID);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key())).toEqual(error("ERR wrong number of arguments for 'xreadgroup' command"));
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key("str"), ">")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "XREADGROUP BLOCK: data there or a history ID answers at once, a short timeout nil, its errors, refused in a script",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "0", "STREAMS", key(), ">")).toEqual([[key(), [["1-1", ["a", "1"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", key(), "1-1")).toEqual([[key(), []]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", key(), ">")).toEqual([
        [key(), [["2-1", ["b", "2"]], ["3-1", ["c", "3"]]]],
      ]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", key(), ">")).toEqual(null);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", key(), ">")).toEqual(error("ERR timeout is negative"));
      expect(await r("XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", key(), ">")).toEqual(error("ERR timeout is not an integer or out of range"));
      const refused = await r("EVAL", "return redis.call('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', KEYS[1], '0')", 1, key());
      expect((refused as { error: string }).error).toMatch(/^ERR xreadgroup command is not allowed with BLOCK option from scripts script: /);
    },
  },
  {
    name: "XACK: acknowledged IDs leave the pending list; a missing key or group answers 0 before the IDs are read",
    async run({ r, key }) {
      await threeEntries(r, key());
      await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">");
      expect(await r("XACK", key("missing"), "g", "abc")).toEqual(0);
      expect(await r("XACK", key(), "nog", "abc")).toEqual(0);
      expect(await r("XACK", key(), "g", "abc")).toEqual(INVALID_ID);
      expect(await r("XACK", key(), "g", "1-1", "1-1", "9-9")).toEqual(1);
      expect(await r("XACK", key(), "g", "1-1")).toEqual(0);
      expect(await r("XACK", key(), "g", "2-1", "3")).toEqual(1);
      expect(await r("XPENDING", key(), "g")).toEqual([1, "3-1", "3-1", [["c", "1"]]]);
      expect(await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), "0")).toEqual([[key(), [["3-1", ["c", "3"]]]]]);
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XACK", key("str"), "g", "1")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "XPENDING: the summary, ranges with exclusive bounds, COUNT, a consumer, IDLE, and its errors",
    async run({ r, key }) {
      await threeEntries(r, key());
      expect(await r("XGROUP", "CREATE", key(), "empty", "$")).toEqual("OK");
      expect(await r("XPENDING", key(), "empty")).toEqual([0, null, null, null]);
      await r("XREADGROUP", "GROUP", "g", "b", "COUNT", "1", "STREAMS", key(), ">");
      await r("XREADGROUP", "GROUP", "g", "a", "STREAMS", key(), ">");
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["a", "2"], ["b", "1"]]]);
      expect(rows(await r("XPENDING", key(), "g", "(1-1", "+", "10"))).toEqual([
        ["2-1", "a", true, 1],
        ["3-1", "a", true, 1],
      ]);
      expect(rows(await r("XPENDING", key(), "g", "-", "(3-1", "1"))).toEqual([["1-1", "b", true, 1]]);
      expect(rows(await r("XPENDING", key(), "g", "-", "+", "10", "b"))).toEqual([["1-1", "b", true, 1]]);
      expect(await r("XPENDING", key(), "g", "-", "+", "10", "nobody")).toEqual([]);
      expect(await r("XPENDING", key(), "g", "-", "+", "-5")).toEqual([]);
      expect(rows(await r("XPENDING", key(), "g", "IDLE", "0", "-", "+", "1"))).toEqual([["1-1", "b", true, 1]]);
      expect(await r("XPENDING", key(), "g", "IDLE", "100000000", "-", "+", "10")).toEqual([]);
      expect(await r("XPENDING", key(), "g", "IDLE", "10", "-", "+")).toEqual(SYNTAX);
      expect(await r("XPENDING", key(), "g", "1")).toEqual(SYNTAX);
      expect(await r("XPENDING", key(), "g", "-", "+", "x")).toEqual(error("ERR value is not an integer or out of range"));
      expect(await r("XPENDING", key(), "g", "x", "+", "1")).toEqual(INVALID_ID);
      expect(await r("XPENDING", key(), "nog")).toEqual(error(`NOGROUP No such key '${key()}' or consumer group 'nog'`));
      expect(await r("XPENDING", key("missing"), "g")).toEqual(error(`NOGROUP No such key '${key("missing")}' or consumer group 'g'`));
      expect(await r("SET", key("str"), "v")).toEqual("OK");
      expect(await r("XPENDING", key("str"), "g")).toEqual(WRONGTYPE);
      // Deleting a consumer drops its pending entries and answers how many it had.
      expect(await r("XGROUP", "DELCONSUMER", key(), "g", "a")).toEqual(2);
      expect(await r("XPENDING", key(), "g")).toEqual([1, "1-1", "1-1", [["b", "1"]]]);
    },
  },
  {
    name: "Groups go with their stream: DEL and a new stream of the same name has none; COPY copies them",
    async run({ r, key }) {
      await threeEntries(r, key());
      await r("XREADGROUP", "GROUP", "g", "c", "STREAMS", key(), ">");
      expect(await r("COPY", key(), key("copy"))).toEqual(1);
      expect(await r("XPENDING", key("copy"), "g")).toEqual([3, "1-1", "3-1", [["c", "3"]]]);
      expect(await r("XACK", key("copy"), "g", "1-1")).toEqual(1);
      expect(await r("XPENDING", key(), "g")).toEqual([3, "1-1", "3-1", [["c", "3"]]]);
      expect(await r("DEL", key())).toEqual(1);
      expect(await r("XADD", key(), "1-1", "a", "1")).toEqual("1-1");
      expect(await r("XPENDING", key(), "g")).toEqual(error(`NOGROUP No such key '${key()}' or consumer group 'g'`));
      expect(await r("XGROUP", "CREATE", key(), "g", "0")).toEqual("OK");
      expect(await r("XPENDING", key(), "g")).toEqual([0, null, null, null]);
    },
  },
]);
