/**
 * DUMP and RESTORE: payload literals recorded from redis-server 7.0.15, so a target that passes
 * writes redis-server's bytes and restores redis-server's payloads; round trips of every type
 * and encoding; RESTORE's options and its errors, in Redis's order of checks.
 */
import { expect } from "vitest";
import { crc64Footer } from "../../../durable-objects/rdb/crc64";
import { defineCases, error, type BinaryValue } from "../harness";
import { NOT_INT, SYNTAX, sorted } from "./common";

const hex = (v: BinaryValue) => {
  expect(v).toBeInstanceOf(Uint8Array);
  return [...(v as Uint8Array)].map((x) => x.toString(16).padStart(2, "0")).join("");
};
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/** A body framed as a DUMP payload of RDB version `version` (right CRC-64). */
function framed(body: Uint8Array, version = 10): Uint8Array {
  const head = Uint8Array.from([...body, version & 0xff, version >> 8]);
  return Uint8Array.from([...head, ...crc64Footer(head)]);
}

/** redis-server 7.0.15's DUMP of each value (see the setup in the first case). */
const DUMPS: Record<string, string> = {
  s: "0001760a009108ceb219388ace",
  i: "00c139300a009d94ea2793fc08b9",
  big: "0010393030373139393235343734303939330a008cfceb39a51ef830",
  lzf: "00c30928016161e01b000161610a00cf092faaae25831d",
  h: "101616000000040081610201018162028568656c6c6f06ff0a00e8c5fe99ee07955d",
  hb: "0401c3094046016666e0390001666601760a0002214044a3c103af",
  l: "1201020f0f00000003008161028162020301ff0a00dca1e67d50055048",
  ll: "120102c31440d907d90000000500a861e01e000029e09e290129ff0a00dade5737a35138fb",
  si: "0b18040000000400000090eefeff0100000002000000030000000a00a8b63c622cbf2c9c",
  ss: "020101780a00ffe880ba760c2f09",
  z: "111d1d0000000600816302842d696e6605816102010181620283322e3504ff0a003992339be11f323d",
  p: "001a48594c4c01000000000000000000008061848058cd8845a084080a0010c225c9b8afd88c",
};
/**
 * A module value (RDB_TYPE_MODULE_2) of RedisJSON's type: the 64-bit id of "ReJSON-RL" with
 * encoding version `encver` (Redis module.c moduleTypeEncodeId: 6 bits a character, 10 bits of
 * version; 0x81 and 8 bytes big-endian as rdbSaveLen writes it), then `parts`, then EOF (0).
 */
function jsonModule(parts: number[], encver = 3, name = [17, 30, 9, 18, 14, 13, 62, 17, 11]): Uint8Array {
  let id = 0n;
  for (const c of name) id = (id << 6n) | BigInt(c);
  id = (id << 10n) | BigInt(encver);
  const idBytes = Array.from({ length: 8 }, (_, i) => Number((id >> BigInt(56 - 8 * i)) & 0xffn));
  return framed(Uint8Array.from([7, 0x81, ...idBytes, ...parts, 0]));
}
/** RDB_MODULE_OPCODE_STRING (5) and a short verbatim RDB string. */
const moduleString = (s: string) => [5, s.length, ...[...s].map((c) => c.charCodeAt(0))];
/** RedisJSON 2.x's rdb_save (redisjson.rs), encoding version 3: the document's compact text. */
const JSON_DOC = '{"a":[1,2.5,"x"],"b":{"c":null}}';

/** A sparse HLL whose opcodes cover 12 registers, not 16384, with its cached count invalid. */
const CORRUPT_HLL = "001348594c4c010000000000000000000080ffffff0a00357747a7ef55aec3";
/** Field, value pairs as sorted "field=value" strings (a big hash replies in hash-table order). */
const pairs = (v: unknown) => {
  const a = v as string[];
  return Array.from({ length: a.length / 2 }, (_, i) => `${a[2 * i]}=${a[2 * i + 1]}`).sort();
};
const BAD_PAYLOAD = error("ERR DUMP payload version or checksum are wrong");
const BAD_DATA = error("ERR Bad data format");
const BUSY = error("BUSYKEY Target key name already exists.");

export const dumpCases = defineCases("dump", [
  {
    name: "COMMAND INFO dump restore: arity, flags, key positions and key specs",
    async run({ r }) {
      const spec = (flags: string[]) => [
        "flags",
        flags,
        "begin_search",
        ["type", "index", "spec", ["index", 1]],
        "find_keys",
        ["type", "range", "spec", ["lastkey", 0, "keystep", 1, "limit", 0]],
      ];
      const [dump, restore] = (await r("COMMAND", "INFO", "dump", "restore")) as unknown[][];
      expect(dump!.slice(0, 6)).toEqual(["dump", 2, ["readonly"], 1, 1, 1]);
      expect(dump![8]).toEqual([spec(["RO", "access"])]);
      expect(restore!.slice(0, 6)).toEqual(["restore", -4, ["write", "denyoom"], 1, 1, 1]);
      expect(restore![8]).toEqual([spec(["OW", "update"])]);
    },
  },
  {
    name: "DUMP gives redis-server's bytes for strings, integers, LZF, listpack, hash table, quicklist, intset, sets, sorted sets, HLLs",
    async run({ r, rb, key }) {
      expect(await r("SET", key("s"), "v")).toEqual("OK");
      expect(await r("SET", key("i"), "12345")).toEqual("OK");
      expect(await r("SET", key("big"), "9007199254740993")).toEqual("OK");
      expect(await r("SET", key("lzf"), "a".repeat(40))).toEqual("OK");
      expect(await r("HSET", key("h"), "a", "1", "b", "hello")).toEqual(2);
      expect(await r("HSET", key("hb"), "f".repeat(70), "v")).toEqual(1);
      expect(await r("RPUSH", key("l"), "a", "b", "3")).toEqual(3);
      expect(await r("RPUSH", key("ll"), ...Array(5).fill("a".repeat(40)))).toEqual(5);
      expect(await r("SADD", key("si"), "1", "2", "3", "-70000")).toEqual(4);
      expect(await r("SADD", key("ss"), "x")).toEqual(1);
      expect(await r("ZADD", key("z"), "1", "a", "2.5", "b", "-inf", "c")).toEqual(3);
      expect(await r("PFADD", key("p"), "x", "y", "z")).toEqual(1);
      for (const [name, dump] of Object.entries(DUMPS)) expect(hex(await rb("DUMP", key(name))), name).toBe(dump);
      expect(await rb("DUMP", key("missing"))).toBeNull();
      expect(await r("DUMP")).toEqual(error("ERR wrong number of arguments for 'dump' command"));
    },
  },
  {
    name: "RESTORE of redis-server's payloads gives the values back",
    async run({ r, rb, key }) {
      for (const [name, dump] of Object.entries(DUMPS)) expect(await rb("RESTORE", key(name), "0", unhex(dump)), name).toEqual("OK");
      expect(await r("GET", key("s"))).toEqual("v");
      expect(await r("INCR", key("i"))).toEqual(12346);
      expect(await r("GET", key("big"))).toEqual("9007199254740993");
      expect(await r("GET", key("lzf"))).toEqual("a".repeat(40));
      expect(await r("HGETALL", key("h"))).toEqual(["a", "1", "b", "hello"]);
      expect(await r("HGET", key("hb"), "f".repeat(70))).toEqual("v");
      expect(await r("LRANGE", key("l"), 0, -1)).toEqual(["a", "b", "3"]);
      expect(await r("LRANGE", key("ll"), 0, -1)).toEqual(Array(5).fill("a".repeat(40)));
      expect(sorted(await r("SMEMBERS", key("si")))).toEqual(sorted(["-70000", "1", "2", "3"]));
      expect(await r("SISMEMBER", key("ss"), "x")).toEqual(1);
      expect(await r("ZRANGE", key("z"), 0, -1, "WITHSCORES")).toEqual(["c", "-inf", "a", "1", "b", "2.5"]);
      expect(await r("PFCOUNT", key("p"))).toEqual(3);
      expect(await r("TYPE", key("z"))).toEqual("zset");
      expect(await r("TTL", key("z"))).toEqual(-1);
    },
  },
  {
    name: "DUMP then RESTORE round trips every type and encoding, large collections included",
    async run({ r, rb, key }) {
      const fields = Array.from({ length: 600 }, (_, i) => [`f${i}`, i % 7 === 0 ? String(i * 1000) : `v${i}`]).flat();
      expect(await r("HSET", key("h"), ...fields)).toEqual(600);
      const list = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? String(i - 700) : `e${i}`.repeat(1 + (i % 9))));
      expect(await r("RPUSH", key("l"), ...list)).toEqual(1500);
      const ints = Array.from({ length: 700 }, (_, i) => String(i * 37 - 9000));
      expect(await r("SADD", key("si"), ...ints)).toEqual(700);
      expect(await r("SADD", key("ss"), ...ints.slice(0, 50), "text")).toEqual(51);
      const zargs = Array.from({ length: 300 }, (_, i) => [String(i % 10 === 0 ? i / 3 : i - 150), `m${i}`]).flat();
      expect(await r("ZADD", key("z"), ...zargs)).toEqual(300);
      expect(await r("GEOADD", key("g"), "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")).toEqual(2);
      const chunky = "xyz".repeat(400_000);
      expect(await r("SET", key("c"), chunky)).toEqual("OK");
      for (const name of ["h", "l", "si", "ss", "z", "g", "c"]) {
        const dump = await rb("DUMP", key(name));
        expect(await rb("RESTORE", key(`${name}2`), "0", dump as Uint8Array), name).toEqual("OK");
        // Hash tables (the big hash and sets) may dump in another order once restored.
        if (!["h", "si", "ss"].includes(name)) expect(hex(await rb("DUMP", key(`${name}2`))), name).toBe(hex(dump));
      }
      expect(pairs(await r("HGETALL", key("h2")))).toEqual(pairs(fields));
      expect(await r("LRANGE", key("l2"), 0, -1)).toEqual(list);
      expect(sorted(await r("SMEMBERS", key("si2")))).toEqual(sorted(ints));
      expect(await r("SCARD", key("ss2"))).toEqual(51);
      expect(await r("ZRANGE", key("z2"), 0, -1, "WITHSCORES")).toEqual(await r("ZRANGE", key("z"), 0, -1, "WITHSCORES"));
      expect(await r("GEODIST", key("g2"), "Palermo", "Catania")).toEqual("166274.1516");
      expect(await r("STRLEN", key("c2"))).toEqual(chunky.length);
      expect(await r("GETRANGE", key("c2"), 599_997, 600_002)).toEqual("xyzxyz");
    },
  },
  {
    name: "RESTORE REPLACE, BUSYKEY, TTL in ms, ABSTTL, a time already past, IDLETIME and FREQ",
    async run({ r, rb, key }) {
      const payload = unhex(DUMPS.s!);
      expect(await r("RPUSH", key("a"), "old")).toEqual(1);
      expect(await rb("RESTORE", key("a"), "0", payload)).toEqual(BUSY);
      expect(await r("LRANGE", key("a"), 0, -1)).toEqual(["old"]);
      expect(await rb("RESTORE", key("a"), "0", payload, "REPLACE")).toEqual("OK");
      expect(await r("GET", key("a"))).toEqual("v");
      expect(await rb("RESTORE", key("t"), "100000", payload)).toEqual("OK");
      const pttl = (await r("PTTL", key("t"))) as number;
      expect(pttl > 90_000 && pttl <= 100_000).toBe(true);
      expect(await rb("RESTORE", key("abs"), "4102444800000", payload, "ABSTTL")).toEqual("OK");
      expect(await r("PEXPIRETIME", key("abs"))).toEqual(4102444800000);
      expect(await rb("RESTORE", key("past"), "1000", payload, "ABSTTL")).toEqual("OK");
      expect(await r("EXISTS", key("past"))).toEqual(0);
      expect(await rb("RESTORE", key("a"), "1000", payload, "ABSTTL", "REPLACE")).toEqual("OK");
      expect(await r("EXISTS", key("a"))).toEqual(0);
      expect(await rb("RESTORE", key("i"), "0", payload, "IDLETIME", "1000")).toEqual("OK");
      // Under the default (non-LFU) policy IDLETIME sets the key's last access, OBJECT IDLETIME reads it.
      const idle = (await r("OBJECT", "IDLETIME", key("i"))) as number;
      expect(idle >= 1000 && idle <= 1001).toBe(true);
      expect(await rb("RESTORE", key("f"), "0", payload, "freq", "255", "replace", "absttl")).toEqual("OK");
      expect(await r("GET", key("f"))).toEqual("v");
    },
  },
  {
    name: "RESTORE errors in Redis's order: options, BUSYKEY, TTL, footer, data; nothing changes",
    async run({ r, rb, key }) {
      const payload = unhex(DUMPS.s!);
      expect(await r("SET", key("s"), "kept")).toEqual("OK");
      expect(await rb("RESTORE", key("n"), "0", payload, "IDLETIME", "1", "FREQ", "2")).toEqual(SYNTAX);
      expect(await rb("RESTORE", key("n"), "0", payload, "FREQ", "1", "IDLETIME", "2")).toEqual(SYNTAX);
      expect(await rb("RESTORE", key("n"), "0", payload, "IDLETIME")).toEqual(SYNTAX);
      expect(await rb("RESTORE", key("n"), "0", payload, "BOGUS")).toEqual(SYNTAX);
      expect(await rb("RESTORE", key("n"), "0", payload, "IDLETIME", "x")).toEqual(NOT_INT);
      expect(await rb("RESTORE", key("n"), "0", payload, "IDLETIME", "-1")).toEqual(error("ERR Invalid IDLETIME value, must be >= 0"));
      expect(await rb("RESTORE", key("n"), "0", payload, "FREQ", "256")).toEqual(error("ERR Invalid FREQ value, must be >= 0 and <= 255"));
      expect(await rb("RESTORE", key("n"), "0", payload, "FREQ", "-1")).toEqual(error("ERR Invalid FREQ value, must be >= 0 and <= 255"));
      expect(await r("RESTORE", key("s"), "x", "garbage")).toEqual(BUSY);
      expect(await r("RESTORE", key("s"), "x", "garbage", "REPLACE")).toEqual(NOT_INT);
      expect(await r("RESTORE", key("n"), "-1", "garbage")).toEqual(error("ERR Invalid TTL value, must be >= 0"));
      expect(await r("RESTORE", key("n"), "0", "garbage")).toEqual(BAD_PAYLOAD);
      expect(await r("RESTORE", key("s"), "0", "short", "REPLACE")).toEqual(BAD_PAYLOAD);
      const flipped = payload.slice();
      flipped[1]! ^= 1;
      expect(await rb("RESTORE", key("s"), "0", flipped, "REPLACE")).toEqual(BAD_PAYLOAD);
      const newer = payload.slice();
      newer[payload.length - 10] = 13;
      expect(await rb("RESTORE", key("s"), "0", newer, "REPLACE")).toEqual(BAD_PAYLOAD);
      expect(await r("GET", key("s"))).toEqual("kept");
      expect(await r("EXISTS", key("n"))).toEqual(0);
      expect(await r("RESTORE", key("n"))).toEqual(error("ERR wrong number of arguments for 'restore' command"));
    },
  },
  {
    name: "RESTORE of a payload with a right checksum and a body that does not decode: Bad data format, nothing changes",
    async run({ r, rb, key }) {
      expect(await r("SET", key("s"), "kept")).toEqual("OK");
      const bodies = [
        [], // no type byte
        [0x0f, 0x00], // a stream: no such type here
        [0x00], // a string with no length
        [0x00, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // a length past 2^53
        [0x00, 0xc3, 0x01, 0x7f, 0x00], // LZF claiming 127 bytes from 1
        [0x02, 0x00], // an empty set
        [0x02, 0x80, 0x00, 0x01, 0x00, 0x00, 0x01, 0x61], // a set claiming 65536 members, holding one
        [0x02, 0x02, 0x01, 0x61, 0x01, 0x61], // a set with a member twice
        [0x04, 0x01, 0x01, 0x61], // a hash field with no value
        [0x05, 0x01, 0x01, 0x61, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f], // a NaN score
        [0x0b, 0x08, 3, 0, 0, 0, 0, 0, 0, 0], // an intset of width 3
        [0x10, 0x07, 0x07, 0, 0, 0, 0, 0, 0xff], // an empty listpack hash
        [0x12, 0x01, 0x03, 0x00], // a quicklist node of an unknown container
      ];
      for (const body of bodies) {
        expect(await rb("RESTORE", key("s"), "0", framed(Uint8Array.from(body)), "REPLACE"), JSON.stringify(body)).toEqual(BAD_DATA);
      }
      expect(await r("GET", key("s"))).toEqual("kept");
    },
  },
  {
    name: "a restored HLL that is corrupt answers INVALIDOBJ, as a corrupt one SET there",
    async run({ r, rb, key }) {
      expect(await rb("RESTORE", key("p"), "0", unhex(CORRUPT_HLL))).toEqual("OK");
      expect(await r("PFCOUNT", key("p"))).toEqual(error("INVALIDOBJ Corrupted HLL object detected"));
      expect(await r("PFADD", key("p"), "q")).toEqual(error("INVALIDOBJ Corrupted HLL object detected"));
      expect(await r("TYPE", key("p"))).toEqual("string");
    },
  },
  {
    name: "a hash whose fields have their own TTL dumps in Redis 7.4's form and restores with the TTLs",
    fromDocs: "Redis 7.4 rdb.c (RDB_TYPE_HASH_LISTPACK_EX, RDB_TYPE_HASH_METADATA, RDB version 12)",
    async run({ r, rb, key }) {
      expect(await r("HSET", key("h"), "a", "1", "b", "2", "c", "3")).toEqual(3);
      expect(await r("HPEXPIREAT", key("h"), "4102444800000", "FIELDS", "1", "b")).toEqual([1]);
      const dump = (await rb("DUMP", key("h"))) as Uint8Array;
      expect(dump[0]).toBe(25);
      expect([dump[dump.length - 10], dump[dump.length - 9]]).toEqual([12, 0]);
      expect(await rb("RESTORE", key("h2"), "0", dump)).toEqual("OK");
      expect(await r("HPEXPIRETIME", key("h2"), "FIELDS", "3", "a", "b", "c")).toEqual([-1, 4102444800000, -1]);
      expect(sorted(await r("HGETALL", key("h2")))).toEqual(sorted(["a", "1", "b", "2", "c", "3"]));
      const many = Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat();
      expect(await r("HSET", key("big"), ...many)).toEqual(600);
      expect(await r("HPEXPIREAT", key("big"), "4102444800000", "FIELDS", "2", "f1", "f599")).toEqual([1, 1]);
      const bigDump = (await rb("DUMP", key("big"))) as Uint8Array;
      expect(bigDump[0]).toBe(24);
      expect(await rb("RESTORE", key("big2"), "0", bigDump)).toEqual("OK");
      expect(await r("HLEN", key("big2"))).toEqual(600);
      expect(await r("HPEXPIRETIME", key("big2"), "FIELDS", "3", "f0", "f1", "f599")).toEqual([-1, 4102444800000, 4102444800000]);
    },
  },
  {
    name: "RESTORE of module values that cannot be loaded (another module type, RedisJSON 8's encoding version 4): Bad data format, nothing changes",
    async run({ r, rb, key }) {
      expect(await r("SET", key("s"), "kept")).toEqual("OK");
      const payloads = [
        jsonModule(moduleString(JSON_DOC), 4),
        jsonModule(moduleString(JSON_DOC), 3, [12, 1, 27, 37, 40, 40, 38, 62, 62]), // "MBbloom--"
        jsonModule([2, 0], 3, [0, 0, 0, 0, 0, 0, 0, 0, 1]), // "AAAAAAAAB"
      ];
      for (const p of payloads) {
        expect(await rb("RESTORE", key("s"), "0", p, "REPLACE")).toEqual(BAD_DATA);
        expect(await rb("RESTORE", key("n"), "0", p)).toEqual(BAD_DATA);
      }
      expect(await r("GET", key("s"))).toEqual("kept");
      expect(await r("EXISTS", key("n"))).toEqual(0);
    },
  },
  {
    name: "a JSON document dumps as RedisJSON 2.x writes it (module type ReJSON-RL, encoding version 3) and restores",
    fromDocs: "Redis 7.0 rdb.c (rdbSaveObject, rdbLoadObject: RDB_TYPE_MODULE_2), module.c (moduleTypeEncodeId, RM_SaveStringBuffer); RedisJSON v2.6.9 redisjson.rs (rdb_save, rdb_load), lib.rs (REDIS_JSON_TYPE_VERSION 3)",
    async run({ r, rb, key }) {
      expect(await r("JSON.SET", key("j"), "$", '{"a": [1, 2.5, "x"], "b": {"c": null}}')).toEqual("OK");
      const dump = (await rb("DUMP", key("j"))) as Uint8Array;
      expect(hex(dump)).toBe(hex(jsonModule(moduleString(JSON_DOC))));
      expect(await rb("RESTORE", key("j2"), "0", dump)).toEqual("OK");
      expect(await r("TYPE", key("j2"))).toEqual("ReJSON-RL");
      expect(await r("JSON.GET", key("j2"), "$.a[1]")).toEqual("[2.5]");
      expect(await r("JSON.GET", key("j2"))).toEqual(JSON_DOC);
      expect(hex(await rb("DUMP", key("j2")))).toBe(hex(dump));
      // Encoding version 2: the text, an unsigned (here 0), no more.
      expect(await rb("RESTORE", key("v2"), "0", jsonModule([...moduleString("[true,{}]"), 2, 0], 2))).toEqual("OK");
      expect(await r("JSON.GET", key("v2"))).toEqual("[true,{}]");
      expect(await r("SET", key("s"), "string")).toEqual("OK");
      expect(await rb("RESTORE", key("s"), "0", dump)).toEqual(BUSY);
      expect(await rb("RESTORE", key("s"), "4102444800000", dump, "REPLACE", "ABSTTL")).toEqual("OK");
      expect(await r("PEXPIRETIME", key("s"))).toEqual(4102444800000);
      expect(await r("JSON.GET", key("s"), "$.b.c")).toEqual("[null]");
      expect(await rb("RESTORE", key("bad"), "0", jsonModule(moduleString('{"a":')))).toEqual(BAD_DATA);
      expect(await rb("RESTORE", key("s"), "0", jsonModule(moduleString("[1]x")), "REPLACE")).toEqual(BAD_DATA);
      expect(await r("EXISTS", key("bad"))).toEqual(0);
      expect(await r("JSON.GET", key("s"))).toEqual(JSON_DOC);
    },
  },
]);
