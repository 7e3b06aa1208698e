/**
 * Streams through DUMP and RESTORE, and streams moved between shards by gathered commands
 * (scripts over spread KEYS, RENAME, RENAMENX, COPY). Payload literals were recorded from
 * redis-server 7.0.15 (a stream's payload holds its consumers' seen times and its pending
 * entries' delivery times, so the ones with consumers were recorded once); a target that passes
 * writes redis-server's bytes and restores its payloads. Round trips compare the payloads: a
 * stream restored dumps the bytes it was restored from.
 */
import { expect } from "vitest";
import { crc64Footer } from "../../../durable-objects/rdb/crc64";
import { Errors } from "../../../durable-objects/errors";
import { shardOf } from "../../../worker/slot";
import { defineCases, error, type BinaryValue, type Call, type CaseContext } from "../harness";

const hex = (v: BinaryValue) => {
  expect(v).toBeInstanceOf(Uint8Array);
  return [...(v as Uint8Array)].map((x) => x.toString(16).padStart(2, "0")).join("");
};
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/** A body framed as a DUMP payload of RDB version `version` (right CRC-64). */
function framed(body: string, version = 10): Uint8Array {
  const head = Uint8Array.from([...unhex(body), version & 0xff, version >> 8]);
  return Uint8Array.from([...head, ...crc64Footer(head)]);
}

/**
 * redis-server 7.0.15's DUMP of:
 * - `a`: XADD 1-1 name alice age 30, 1-2 name bob age 9223372036854775807, 5-0 other -12, 5-3 name "" age 4.5;
 * - `e`: XGROUP CREATE e g $ MKSTREAM;
 * - `d`: XADD 3-1 f v, XDEL 3-1, XSETID 7-7 ENTRIESADDED 12 MAXDELETEDID 3-1;
 * - `g`: XADD 1-1 f 1, 2-1 f 2, 3-1 f 3, XGROUP CREATE grp 0 ENTRIESREAD 0, later 2-1, ünï $.
 */
const DUMPS: Record<string, string> = {
  a: "130110000000000000000100000000000000014066660000001f00040100010201846e616d65058361676504000102010001000185616c696365061e01050102010001010183626f6204f4ffffffffffffff7f09050100010401dfff020101856f7468657206dff4020601020104010201800183342e35040501ff0405030101000004000a00d798ca4441a1c08d",
  e: "13000000000000000000010167000081ffffffffffffffff00000a00a01a953dfb9cddde",
  d: "1300000707000003010c000a0097900dc1fa9d8086",
  g: "13011000000000000000010000000000000001303000000014000301000101018166020001020100010001010104010201010100010201040102010201000103010401ff030301010100000303036772700000000000056c61746572020181ffffffffffffffff000005c3bc6ec3af030181ffffffffffffffff00000a00e735725aefda3697",
};
/**
 * XADD p 1-1 f 1, 1-2 f 2, 1-3 f 3, 1-4 g 4; XGROUP CREATE p g 0; XREADGROUP GROUP g alice COUNT 2
 * STREAMS p >; XREADGROUP GROUP g bob STREAMS p >; XACK p g 1-3; XGROUP CREATECONSUMER p g carol;
 * XDEL p 1-2; XGROUP CREATE p other $: one node holding a deleted entry, pending entries of a
 * deleted and an acknowledged entry's neighbours, a consumer with none.
 */
const PENDING =
  "13011000000000000000010000000000000001c33a3f073f0000001b0003014000078166020001020100200104010104010360070002200940130002200f0004201100002007202a06670204010601ff0301040101010204020167010404030000000000000001000000000000000160ab3736a2010000010000000000000001000000000000000260ab3736a2010000010000000000000001000000000000000464ab3736a2010000010305616c69636560ab3736a201000002000000000000000100000000000000010000000000000001000000000000000203626f6264ab3736a20100000100000000000000010000000000000004056361726f6c6bab3736a201000000056f74686572010481ffffffffffffffff00000a0064fe236c6053d39d";
/** XADD w i-1 f <1000 v> for i = 1..10: Redis closes a node at 4 KiB, so its nodes hold 4, 4 and 2 entries. */
const WIDE =
  "13031000000000000000010000000000000001c340604fe211e20f00001900040100010101816602000102200a040001e3e876e0ff00e0ff00e0ff00e0c6000207ea0423f30001e3fff3e0ff00e0ff00e0cc0083f347e9e7ffe7e0ff00e0ff00e0c90083f30003e7ffe7e0ff00e0ff00e0cc0023f30101ff1000000000000000050000000000000001c340604fe211e20f00001900040100010101816602000102200a040001e3e876e0ff00e0ff00e0ff00e0c6000207ea0423f30001e3fff3e0ff00e0ff00e0cc0083f347e9e7ffe7e0ff00e0ff00e0c90083f30003e7ffe7e0ff00e0ff00e0cc0023f30101ff1000000000000000090000000000000001c33f47fa10fa0700000f000201000101018166020001400a040001e3e876e0ff00e0ff00e0ff00e0c6000207ea0423f30001e3fff3e0ff00e0ff00e0cc0023f30101ff0a0a01010100000a000a0008bc0761889a7cd2";
/** `g` as Redis 5 and 6 write it (RDB_TYPE_STREAM_LISTPACKS, 15, RDB version 9): no first ID, largest deleted ID, entries added, entries-read. */
const G_TYPE_15 =
  "0f011000000000000000010000000000000001303000000014000301000101018166020001020100010001010104010201010100010201040102010201000103010401ff030301030367727000000000056c617465720201000005c3bc6ec3af03010000";
/** What redis-server 7.0.15 dumps once it restored G_TYPE_15: the counters and entries-read it derived. */
const G_FROM_15 =
  "13011000000000000000010000000000000001303000000014000301000101018166020001020100010001010104010201010100010201040102010201000103010401ff030301010100000303036772700000000000056c61746572020181ffffffffffffffff000005c3bc6ec3af03010300000a006462af62115f6fa5";

const BAD_DATA = error("ERR Bad data format");
/** The caps of a key moved between shards (durable-objects/scratch.ts MAX_DUMP_ELEMENTS, MAX_DUMP_BYTES, MAX_GATHERED_BYTES). */
const MAX_DUMP_ELEMENTS = 10_000;
const TOO_LARGE = error(Errors.txKeyTooLarge(MAX_DUMP_ELEMENTS, 1 << 20, 8 << 20));

/** Two untagged keys, on two shards when the target has several. */
function onTwoShards({ spread, target }: CaseContext): [string, string] {
  const a = spread("a");
  for (let i = 0; ; i++) {
    const b = spread(`b${i}`);
    if (target.shards === 1 || shardOf(a, target.shards) !== shardOf(b, target.shards)) return [a, b];
  }
}

/** XPENDING's extended rows without the idle time (it depends on when the case runs). */
async function pendingRows(r: Call, key: string, group: string): Promise<unknown> {
  return ((await r("XPENDING", key, group, "-", "+", 1000)) as unknown[][]).map(([id, consumer, , count]) => [id, consumer, count]);
}

/** What a stream shows: its entries, length, and per group its pending summary and rows. */
async function shown(r: Call, key: string, groups: string[]): Promise<unknown> {
  const out: unknown[] = [await r("TYPE", key), await r("XLEN", key), await r("XRANGE", key, "-", "+")];
  for (const g of groups) out.push(await r("XPENDING", key, g), await pendingRows(r, key, g));
  return out;
}

/** 250 entries 1-1 … 250-1, every tenth with other fields (redis-server dumps it as 2475 bytes ending in BIG_FOOTER). */
async function bigStream(r: Call, key: string): Promise<void> {
  for (let i = 1; i <= 250; i++) {
    if (i % 10 === 0) await r("XADD", key, `${i}-1`, "x", i, "y", "z".repeat((i % 50) + 1));
    else await r("XADD", key, `${i}-1`, "n", i);
  }
}
const BIG_FOOTER = "0a00f23eb82698c46226";

/** A stream with groups, consumers, pending entries, deleted and acknowledged entries. */
async function busyStream(r: Call, key: string): Promise<void> {
  await bigStream(r, key);
  await r("XGROUP", "CREATE", key, "g1", "0");
  await r("XGROUP", "CREATE", key, "g2", "100-1", "ENTRIESREAD", 50);
  await r("XREADGROUP", "GROUP", "g1", "alice", "COUNT", 120, "STREAMS", key, ">");
  await r("XREADGROUP", "GROUP", "g1", "bob", "COUNT", 20, "STREAMS", key, ">");
  await r("XREADGROUP", "GROUP", "g2", "carol", "COUNT", 5, "STREAMS", key, ">");
  await r("XREADGROUP", "GROUP", "g1", "alice", "STREAMS", key, "0");
  await r("XGROUP", "CREATECONSUMER", key, "g2", "dave");
  await r("XACK", key, "g1", "3-1", "50-1", "130-1");
  await r("XDEL", key, "2-1", "60-1", "150-1", "250-1");
  await r("XTRIM", key, "MINID", "5-1");
}

export const streamDumpCases = defineCases("streams-dump", [
  {
    name: "DUMP of a stream gives redis-server's bytes: entries with and without the node's fields, every value encoding, an empty stream with a group, counters after XSETID, groups, 100-entry nodes",
    async run({ r, rb, key }) {
      await r("XADD", key("a"), "1-1", "name", "alice", "age", 30);
      await r("XADD", key("a"), "1-2", "name", "bob", "age", "9223372036854775807");
      await r("XADD", key("a"), "5-0", "other", -12);
      await r("XADD", key("a"), "5-3", "name", "", "age", "4.5");
      await r("XGROUP", "CREATE", key("e"), "g", "$", "MKSTREAM");
      await r("XADD", key("d"), "3-1", "f", "v");
      await r("XDEL", key("d"), "3-1");
      expect(await r("XSETID", key("d"), "7-7", "ENTRIESADDED", 12, "MAXDELETEDID", "3-1")).toEqual("OK");
      for (let i = 1; i <= 3; i++) await r("XADD", key("g"), `${i}-1`, "f", i);
      await r("XGROUP", "CREATE", key("g"), "grp", "0", "ENTRIESREAD", 0);
      await r("XGROUP", "CREATE", key("g"), "later", "2-1");
      await r("XGROUP", "CREATE", key("g"), "ünï", "$");
      for (const [name, dump] of Object.entries(DUMPS)) expect(hex(await rb("DUMP", key(name))), name).toBe(dump);
      await bigStream(r, key("big"));
      const big = hex(await rb("DUMP", key("big")));
      expect([big.length / 2, big.slice(-20)]).toEqual([2475, BIG_FOOTER]);
    },
  },
  {
    name: "RESTORE of redis-server's stream payloads: entries, counters, groups, consumers, pending entries; it dumps them back alike",
    async run({ r, rb, key }) {
      for (const [name, dump] of Object.entries(DUMPS)) expect(await rb("RESTORE", key(name), "0", unhex(dump)), name).toEqual("OK");
      expect(await r("XRANGE", key("a"), "-", "+")).toEqual([
        ["1-1", ["name", "alice", "age", "30"]],
        ["1-2", ["name", "bob", "age", "9223372036854775807"]],
        ["5-0", ["other", "-12"]],
        ["5-3", ["name", "", "age", "4.5"]],
      ]);
      expect(await r("TYPE", key("e"))).toEqual("stream");
      expect(await r("XLEN", key("e"))).toEqual(0);
      expect(await r("XGROUP", "CREATE", key("e"), "g", "$")).toEqual(error("BUSYGROUP Consumer Group name already exists"));
      expect(await r("XLEN", key("d"))).toEqual(0);
      expect(await r("XADD", key("d"), "7-7", "f", "v")).toEqual(error("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
      expect(await r("XADD", key("d"), "7-8", "f", "v")).toEqual("7-8");
      expect(await r("XREADGROUP", "GROUP", "grp", "c", "COUNT", 1, "STREAMS", key("g"), ">")).toEqual([[key("g"), [["1-1", ["f", "1"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "later", "c", "STREAMS", key("g"), ">")).toEqual([[key("g"), [["3-1", ["f", "3"]]]]]);
      expect(await r("XREADGROUP", "GROUP", "ünï", "c", "STREAMS", key("g"), ">")).toEqual(null);
      for (const name of ["a", "e"]) expect(hex(await rb("DUMP", key(name))), name).toBe(DUMPS[name]);
      expect(await rb("RESTORE", key("g2"), "0", unhex(DUMPS.g!))).toEqual("OK");
      expect(hex(await rb("DUMP", key("g2")))).toBe(DUMPS.g);
    },
  },
  {
    name: "RESTORE of a stream with consumers, pending entries and a deleted entry inside its node",
    async run({ r, rb, key }) {
      const p = key("p");
      expect(await rb("RESTORE", p, "0", unhex(PENDING))).toEqual("OK");
      expect(await r("XRANGE", p, "-", "+")).toEqual([
        ["1-1", ["f", "1"]],
        ["1-3", ["f", "3"]],
        ["1-4", ["g", "4"]],
      ]);
      expect(await r("XPENDING", p, "g")).toEqual([3, "1-1", "1-4", [["alice", "2"], ["bob", "1"]]]);
      expect(await pendingRows(r, p, "g")).toEqual([["1-1", "alice", 1], ["1-2", "alice", 1], ["1-4", "bob", 1]]);
      expect(await r("XPENDING", p, "other")).toEqual([0, null, null, null]);
      expect(await r("XGROUP", "CREATECONSUMER", p, "g", "carol")).toEqual(0);
      expect(await r("XGROUP", "CREATECONSUMER", p, "g", "erin")).toEqual(1);
      // alice's history: the entry deleted since comes as its ID and nil.
      expect(await r("XREADGROUP", "GROUP", "g", "alice", "STREAMS", p, "0")).toEqual([[p, [["1-1", ["f", "1"]], ["1-2", null]]]]);
      expect(await pendingRows(r, p, "g")).toEqual([["1-1", "alice", 2], ["1-2", "alice", 1], ["1-4", "bob", 1]]);
      expect(await r("XGROUP", "DELCONSUMER", p, "g", "bob")).toEqual(1);
      expect(await r("XREADGROUP", "GROUP", "other", "x", "STREAMS", p, ">")).toEqual(null);
      expect(await r("XADD", p, "1-5", "f", "5")).toEqual("1-5");
      expect(await r("XREADGROUP", "GROUP", "other", "x", "STREAMS", p, ">")).toEqual([[p, [["1-5", ["f", "5"]]]]]);
    },
  },
  {
    name: "a restored stream keeps the payload's nodes: MAXLEN ~ trims Redis's 4 KiB nodes, and a node's deleted entries count toward its 100",
    async run({ r, rb, key }) {
      expect(await rb("RESTORE", key("w"), "0", unhex(WIDE))).toEqual("OK");
      expect(await r("XTRIM", key("w"), "MAXLEN", "~", 5)).toEqual(4);
      expect(await r("XLEN", key("w"))).toEqual(6);
      expect(await rb("RESTORE", key("w2"), "0", unhex(WIDE))).toEqual("OK");
      expect(await r("XTRIM", key("w2"), "MAXLEN", "~", 2)).toEqual(8);
      expect(await r("XRANGE", key("w2"), "-", "+", "COUNT", 1)).toEqual([["9-1", ["f", "v".repeat(1000)]]]);
      // PENDING's one node holds 3 live entries and 1 deleted: 96 appends fill it, the next opens another.
      const p = key("p");
      expect(await rb("RESTORE", p, "0", unhex(PENDING))).toEqual("OK");
      for (let i = 5; i <= 100; i++) await r("XADD", p, `1-${i}`, "f", i);
      await r("XADD", p, "2-0", "f", "x");
      expect(await r("XLEN", p)).toEqual(100);
      expect(await r("XTRIM", p, "MAXLEN", "~", 1)).toEqual(99);
      expect(await r("XRANGE", p, "-", "+")).toEqual([["2-0", ["f", "x"]]]);
    },
  },
  {
    name: "RESTORE of Redis 6's stream form (RDB_TYPE_STREAM_LISTPACKS, 15): first ID, entries added and entries-read derived as Redis 7.0 derives them",
    async run({ r, rb, key }) {
      expect(await rb("RESTORE", key("g"), "0", framed(G_TYPE_15, 9))).toEqual("OK");
      expect(hex(await rb("DUMP", key("g")))).toBe(G_FROM_15);
      expect(await r("XRANGE", key("g"), "-", "+", "COUNT", 1)).toEqual([["1-1", ["f", "1"]]]);
    },
  },
  {
    name: "RESTORE of Redis 7.2's stream form (RDB_TYPE_STREAM_LISTPACKS_3, 21, RDB version 11): a consumer's active time is read and dropped",
    fromDocs: "Redis 7.2 rdb.c rdbSaveObject / rdbLoadObject (RDB_TYPE_STREAM_LISTPACKS_3)",
    async run({ r, rb, key }) {
      // PENDING's group g with alice alone: her seen time, then an active time, then her pending IDs.
      const id = (seq: number) => "0000000000000001" + seq.toString(16).padStart(16, "0");
      const time = "60ab3736a2010000";
      const body =
        "15" +
        PENDING.slice(2, PENDING.indexOf("0301040101010204020167")) +
        "0301040101010204" + // length 3, last 1-4, first 1-1, largest deleted 1-2, entries added 4
        "01" + "0167" + "0104" + "04" + // one group g, last 1-4, entries-read 4
        "02" + id(1) + time + "01" + id(2) + time + "01" + // its two pending entries
        "01" + "05616c696365" + time + time + "02" + id(1) + id(2); // alice: seen, active, her two IDs
      expect(await rb("RESTORE", key("p"), "0", framed(body, 11))).toEqual("OK");
      expect(await pendingRows(r, key("p"), "g")).toEqual([["1-1", "alice", 1], ["1-2", "alice", 1]]);
      expect(await r("XLEN", key("p"))).toEqual(3);
      // Written back as Redis 7.0 writes it: type 19, no active time.
      expect(hex(await rb("DUMP", key("p"))).slice(0, 2)).toBe("13");
    },
  },
  {
    name: "DUMP then RESTORE round trips a stream with groups, consumers, pending entries, deleted and trimmed entries, and its TTL",
    async run({ r, rb, key }) {
      const s = key("s");
      await busyStream(r, s);
      const before = await shown(r, s, ["g1", "g2"]);
      const dump = await rb("DUMP", s);
      expect(await rb("RESTORE", key("copy"), "100000", dump as Uint8Array)).toEqual("OK");
      expect(await shown(r, key("copy"), ["g1", "g2"])).toEqual(before);
      expect(hex(await rb("DUMP", key("copy")))).toBe(hex(dump));
      expect(Number(await r("PTTL", key("copy")))).toBeGreaterThan(90000);
      expect(await rb("RESTORE", s, "0", dump as Uint8Array, "REPLACE")).toEqual("OK");
      expect(await shown(r, s, ["g1", "g2"])).toEqual(before);
      const history = async (k: string) => ((await r("XREADGROUP", "GROUP", "g2", "carol", "COUNT", 2, "STREAMS", k, "0")) as unknown[][])[0]![1];
      expect(await history(key("copy"))).toEqual(await history(s));
    },
  },
  {
    name: "RESTORE of corrupt stream payloads that redis-server refuses too: Bad data format, nothing changes",
    async run({ r, rb, key }) {
      await r("XADD", key("s"), "1-1", "f", "v");
      const empty = "00" + "00" + "0000" + "0000" + "0000" + "00"; // no node, length 0, IDs 0-0, entries added 0
      const groupG = "0167" + "0000" + "00"; // name g, last 0-0, entries-read 0
      const id = "0000000000000001" + "0000000000000001";
      const bad = [
        "13" + "00" + "01" + "0000" + "0000" + "0000" + "01" + "00", // length 1 with no node
        "13" + "01" + "0f" + "00".repeat(15) + "07" + "07000000" + "0000ff" + empty.slice(2) + "00", // a node key of 15 bytes
        "13" + "01" + "10" + id + "07" + "07000000" + "0000ff" + empty.slice(2) + "00", // an empty listpack
        "13" + empty + "02" + groupG + "00" + "00" + groupG + "00" + "00", // group g twice
        "13" + empty + "01" + groupG + "02" + id + "0000000000000000" + "01" + id + "0000000000000000" + "01" + "00", // a pending entry twice
        "13" + empty + "01" + groupG + "00" + "01" + "0163" + "0000000000000000" + "01" + id, // a consumer's pending entry not in its group's
        "13" + empty + "01" + groupG + "00" + "02" + "0163" + "0000000000000000" + "00" + "0163" + "0000000000000000" + "00", // consumer c twice
      ];
      for (const body of bad) {
        expect(await rb("RESTORE", key("s"), "0", framed(body), "REPLACE"), body).toEqual(BAD_DATA);
        expect(await rb("RESTORE", key("new"), "0", framed(body)), body).toEqual(BAD_DATA);
      }
      expect(await rb("RESTORE", key("new"), "0", framed("13" + empty + "00"))).toEqual("OK");
      expect(await r("XRANGE", key("s"), "-", "+")).toEqual([["1-1", ["f", "v"]]]);
    },
  },
  {
    name: "EVAL over spread KEYS: XADD, XREADGROUP, XACK and XPENDING in one run; each stream lands on its shard with its groups and pending entries",
    async run({ r, spread }) {
      for (let i = 0; i < 3; i++) {
        const [s, t, l] = [spread(`s${i}`), spread(`t${i}`), spread(`l${i}`)];
        await r("XADD", s, "1-1", "f", "a");
        await r("XADD", s, "2-1", "f", "b");
        await r("XGROUP", "CREATE", s, "g", "0");
        await r("XADD", t, "1-1", "x", "1");
        await r("PEXPIRE", t, 100000);
        const script =
          "redis.call('XADD', KEYS[1], '3-1', 'f', 'c') " +
          "local got = redis.call('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', KEYS[1], '>') " +
          "redis.call('XACK', KEYS[1], 'g', '1-1') " +
          "redis.call('XADD', KEYS[2], 'MAXLEN', '1', '2-1', 'x', '2') " +
          "redis.call('RPUSH', KEYS[3], redis.call('XLEN', KEYS[1])) " +
          "return {got, redis.call('XPENDING', KEYS[1], 'g')}";
        expect(await r("EVAL", script, 3, s, t, l)).toEqual([[[s, [["1-1", ["f", "a"]], ["2-1", ["f", "b"]]]]], [1, "2-1", "2-1", [["alice", "1"]]]]);
        expect(await r("XRANGE", s, "-", "+")).toEqual([["1-1", ["f", "a"]], ["2-1", ["f", "b"]], ["3-1", ["f", "c"]]]);
        expect(await r("XREADGROUP", "GROUP", "g", "alice", "STREAMS", s, "0")).toEqual([[s, [["2-1", ["f", "b"]]]]]);
        expect(await r("XREADGROUP", "GROUP", "g", "bob", "STREAMS", s, ">")).toEqual([[s, [["3-1", ["f", "c"]]]]]);
        expect(await r("XRANGE", t, "-", "+")).toEqual([["2-1", ["x", "2"]]]);
        expect(Number(await r("PTTL", t))).toBeGreaterThan(90000);
        expect(await r("LRANGE", l, 0, -1)).toEqual(["3"]);
      }
    },
  },
  {
    name: "EVAL_RO reading streams on other shards changes nothing; an error after a stream write keeps the write, as one shard",
    async run(ctx) {
      const { r, rb } = ctx;
      const [s, str] = onTwoShards(ctx);
      await busyStream(r, s);
      await r("SET", str, "x");
      const before = hex(await rb("DUMP", s));
      expect(await r("EVAL_RO", "return {redis.call('XLEN', KEYS[1]), redis.call('GET', KEYS[2])}", 2, s, str)).toEqual([243, "x"]);
      expect(await r("EVAL", "return redis.call('XPENDING', KEYS[1], 'g1', '-', '+', 2)[1][2]", 2, s, str)).toEqual("alice");
      expect(hex(await rb("DUMP", s))).toBe(before);
      const failing = await r("EVAL", "redis.call('XADD', KEYS[1], '999-1', 'f', 'v') return redis.call('INCR', KEYS[2])", 2, s, str);
      expect(failing).toEqual(error("ERR value is not an integer or out of range script: aa03852bc6dfbf656306c4741eb157cf0e9cc015, on @user_script:1."));
      expect(await r("XREVRANGE", s, "+", "-", "COUNT", 1)).toEqual([["999-1", ["f", "v"]]]);
    },
  },
  {
    name: "RENAME, RENAMENX and COPY of a stream to a key on another shard: entries, groups, consumers, pending entries and TTL move",
    async run(ctx) {
      const { r, rb } = ctx;
      const [src, dst] = onTwoShards(ctx);
      await busyStream(r, src);
      await r("PEXPIRE", src, 100000);
      const dump = hex(await rb("DUMP", src));
      const view = await shown(r, src, ["g1", "g2"]);
      expect(await r("COPY", src, dst)).toEqual(1);
      expect(hex(await rb("DUMP", dst))).toBe(dump);
      expect(hex(await rb("DUMP", src))).toBe(dump);
      expect(Number(await r("PTTL", dst))).toBeGreaterThan(90000);
      expect(await r("COPY", src, dst)).toEqual(0);
      expect(await r("XADD", dst, "999-1", "f", "v")).toEqual("999-1");
      expect(await r("COPY", src, dst, "REPLACE")).toEqual(1);
      expect(hex(await rb("DUMP", dst))).toBe(dump);
      expect(await r("RENAMENX", src, dst)).toEqual(0);
      await r("DEL", dst);
      expect(await r("RENAME", src, dst)).toEqual("OK");
      expect(await r("EXISTS", src)).toEqual(0);
      expect(await shown(r, dst, ["g1", "g2"])).toEqual(view);
      expect(Number(await r("PTTL", dst))).toBeGreaterThan(90000);
      expect(await r("RENAMENX", dst, src)).toEqual(1);
      expect(hex(await rb("DUMP", src))).toBe(dump);
      await r("SET", dst, "str");
      expect(await r("RENAME", src, dst)).toEqual("OK");
      expect(await r("TYPE", dst)).toEqual("stream");
      expect(hex(await rb("DUMP", dst))).toBe(dump);
    },
  },
  {
    name: "a stream above the cross-shard caps is not moved: the command is refused whole, nothing changes",
    only: "sharded",
    async run(ctx) {
      const { r } = ctx;
      const [s, other] = onTwoShards(ctx);
      await r("EVAL", `for i = 1, ${MAX_DUMP_ELEMENTS + 1} do redis.call('XADD', KEYS[1], i .. '-1', 'f', 'v') end return 1`, 1, s);
      await r("SET", other, "x");
      const script = "redis.call('SET', KEYS[2], 'y') return redis.call('XLEN', KEYS[1])";
      expect(await r("EVAL", script, 2, s, other)).toEqual(TOO_LARGE);
      expect(await r("RENAME", s, other)).toEqual(TOO_LARGE);
      expect(await r("GET", other)).toEqual("x");
      expect(await r("XLEN", s)).toEqual(MAX_DUMP_ELEMENTS + 1);
      // Pending entries count toward the cap too: 6000 entries, all of them pending.
      await r("XTRIM", s, "MAXLEN", 6000);
      await r("XGROUP", "CREATE", s, "g", "0");
      expect(await r("EVAL", "redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', KEYS[1], '>') return 1", 1, s)).toEqual(1);
      expect(await r("EVAL", script, 2, s, other)).toEqual(TOO_LARGE);
      expect(await r("GET", other)).toEqual("x");
      await r("XGROUP", "DESTROY", s, "g");
      expect(await r("EVAL", script, 2, s, other)).toEqual(6000);
      expect(await r("GET", other)).toEqual("y");
    },
  },
]);
