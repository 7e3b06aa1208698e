/**
 * HyperLogLog cases: PFADD, PFCOUNT, PFMERGE, PFDEBUG (after Redis's tests/unit/hyperloglog.tcl).
 * An HLL's bytes are not text, so they are read through a script: its hex (small values) or
 * its length, encoding byte and SHA-1 (values up to 12 kB). Expectations are redis-server 7.0.15's.
 */
import { expect } from "vitest";
import { defineCases, error, type Call } from "../harness";

const HLL_WRONGTYPE = error("WRONGTYPE Key is not a valid HyperLogLog string value.");
const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const INVALIDOBJ = error("INVALIDOBJ Corrupted HLL object detected");

const HEX =
  "local s = redis.call('GET', KEYS[1]) if not s then return false end " +
  "local t = {} for i = 1, #s do t[i] = string.format('%02x', string.byte(s, i)) end return table.concat(t)";
const DIGEST = "local s = redis.call('GET', KEYS[1]) return {string.len(s), string.byte(s, 5), redis.sha1hex(s)}";
const SET_HEX =
  "local h = ARGV[1] local t = {} for i = 1, #h, 2 do t[#t + 1] = string.char(tonumber(string.sub(h, i, i + 1), 16)) end " +
  "return redis.call('SET', KEYS[1], table.concat(t))";
/** PFADD of `prefix`0 … `prefix`(n-1), in PFADDs of `batch` elements: the sum of their replies. */
const ADD_RANGE =
  "local n = 0 for i = 0, tonumber(ARGV[2]) - 1, tonumber(ARGV[3]) do local t = {} " +
  "for j = i, math.min(i + tonumber(ARGV[3]), tonumber(ARGV[2])) - 1 do t[#t + 1] = ARGV[1] .. j end " +
  "n = n + redis.call('PFADD', KEYS[1], unpack(t)) end return n";

const hex = (r: Call, key: string) => r("EVAL", HEX, 1, key);
const digest = (r: Call, key: string) => r("EVAL", DIGEST, 1, key);
const addRange = (r: Call, key: string, prefix: string, n: number, batch: number) => r("EVAL", ADD_RANGE, 1, key, prefix, n, batch);

/** The empty HLL: sparse, one XZERO of 16384, cached cardinality stale (after PFADD) or 0. */
const EMPTY_STALE = "48594c4c0100000000000000000000807fff";
const EMPTY_CACHED = "48594c4c0100000000000000000000007fff";

export const hyperLogLogCases = defineCases("hyperloglog", [
  {
    name: "PFADD without elements creates an empty HLL; PFCOUNT caches 0",
    async run({ r, key }) {
      expect(await r("PFADD", key())).toEqual(1);
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("TYPE", key())).toEqual("string");
      expect(await hex(r, key())).toEqual(EMPTY_STALE);
      expect(await r("PFADD", key())).toEqual(0);
      expect(await r("PFCOUNT", key())).toEqual(0);
      expect(await hex(r, key())).toEqual(EMPTY_CACHED);
      expect(await r("PFCOUNT", key("missing"))).toEqual(0);
      expect(await r("EXISTS", key("missing"))).toEqual(0);
    },
  },
  {
    name: "PFADD answers whether a register changed; the bytes and cache are Redis's",
    async run({ r, key }) {
      expect(await r("PFADD", key(), "a", "b", "c")).toEqual(1);
      expect(await hex(r, key())).toEqual("48594c4c01000000000000000000008060f38050b1844bfb80425a");
      expect(await r("PFADD", key(), "a", "b", "c")).toEqual(0);
      expect(await r("PFCOUNT", key())).toEqual(3);
      expect(await hex(r, key())).toEqual("48594c4c01000000030000000000000060f38050b1844bfb80425a");
      expect(await r("PFADD", key("e"), "")).toEqual(1);
      expect(await r("PFADD", key("e"), "")).toEqual(0);
      expect(await hex(r, key("e"))).toEqual("48594c4c01000000000000000000008057318468cc");
    },
  },
  {
    name: "PFCOUNT's cache: recomputed after a change, kept when nothing changed",
    async run({ r, key }) {
      expect(await r("PFADD", key(), 1, 2, 3, 4, 5)).toEqual(1);
      expect(await r("PFCOUNT", key())).toEqual(5);
      expect(await r("PFADD", key(), 6, 7, 8, 8, 9, 10)).toEqual(1);
      expect(await r("PFCOUNT", key())).toEqual(10);
      const cached = await hex(r, key());
      expect(String(cached).slice(30, 32)).toEqual("00");
      expect(await r("PFADD", key(), 1, 2, 3)).toEqual(0);
      expect(await hex(r, key())).toEqual(cached);
      expect(await r("PFADD", key(), "new")).toEqual(1);
      expect(String(await hex(r, key())).slice(30, 32)).toEqual("80");
    },
  },
  {
    name: "sparse up to hll-sparse-max-bytes, then dense: the same bytes and counts",
    async run({ r, key }) {
      expect(await addRange(r, key("s"), "e", 500, 100)).toEqual(5);
      expect(await digest(r, key("s"))).toEqual([1068, 1, "dc4c5c567a263152bb03598f9664eccf9ac734e6"]);
      expect(await r("PFCOUNT", key("s"))).toEqual(506);
      expect(await digest(r, key("s"))).toEqual([1068, 1, "2a673333d3f17bfe003bd229fbc4aa9c00cdd35a"]);
      expect(await addRange(r, key("d"), "e", 3000, 100)).toEqual(30);
      expect(await digest(r, key("d"))).toEqual([12304, 0, "a9b8e66f9a7f6a9bda8cb52ddfbcc91380d68588"]);
      expect(await r("PFCOUNT", key("d"))).toEqual(2979);
      expect(await digest(r, key("d"))).toEqual([12304, 0, "dd640a880ffefbaabc92371fff4b1b0974887003"]);
    },
  },
  {
    name: "a large dense HLL and PFCOUNT of several keys (the union, nothing written)",
    async run({ r, key }) {
      expect(await addRange(r, key("h"), "x", 6000, 500)).toEqual(12);
      expect(await r("PFCOUNT", key("h"))).toEqual(5996);
      expect(await addRange(r, key("m"), "e", 2000, 100)).toEqual(20);
      expect(await addRange(r, key("b"), "e", 3000, 100)).toEqual(30);
      const before = await Promise.all([digest(r, key("h")), digest(r, key("m")), digest(r, key("b"))]);
      expect(await r("PFCOUNT", key("m"), key("b"))).toEqual(2979);
      expect(await r("PFCOUNT", key("m"), key("b"), key("missing"))).toEqual(2979);
      expect(await r("PFCOUNT", key("h"), key("b"), key("m"))).toEqual(8950);
      expect(await Promise.all([digest(r, key("h")), digest(r, key("m")), digest(r, key("b"))])).toEqual(before);
    },
  },
  {
    name: "PFMERGE: the union into the destination, sparse while every input is",
    async run({ r, key }) {
      await r("PFADD", key("a"), "a", "b", "c");
      await r("PFADD", key("b"), "b", "c", "d");
      await r("PFADD", key("c"), "c", "d", "e");
      expect(await r("PFMERGE", key("u"), key("a"), key("b"), key("c"))).toEqual("OK");
      expect(await r("PFCOUNT", key("u"))).toEqual(5);
      expect(await addRange(r, key("s"), "e", 500, 100)).toEqual(5);
      expect(await r("PFMERGE", key("s2"), key("s"))).toEqual("OK");
      expect(await digest(r, key("s2"))).toEqual([1068, 1, "dc4c5c567a263152bb03598f9664eccf9ac734e6"]);
      expect(await addRange(r, key("d"), "e", 2000, 100)).toEqual(20);
      expect(await r("PFMERGE", key("s3"), key("s"), key("d"))).toEqual("OK");
      expect(await digest(r, key("s3"))).toEqual([12304, 0, "d89749d695c9bf2d520372e472f50f24ee53f88b"]);
      expect(await r("PFMERGE", key("empty"))).toEqual("OK");
      expect(await hex(r, key("empty"))).toEqual(EMPTY_STALE);
      expect(await r("PFMERGE", key("none"), key("missing"))).toEqual("OK");
      expect(await r("PFCOUNT", key("none"))).toEqual(0);
    },
  },
  {
    name: "PFADD and PFMERGE keep the key's TTL",
    async run({ r, key }) {
      await r("PFADD", key(), "a");
      expect(await r("EXPIRE", key(), 1000)).toEqual(1);
      expect(await r("PFADD", key(), "b")).toEqual(1);
      expect(await r("TTL", key())).toBeGreaterThan(990);
      await r("PFADD", key("src"), "z");
      expect(await r("PFMERGE", key(), key("src"))).toEqual("OK");
      expect(await r("TTL", key())).toBeGreaterThan(990);
      expect(await r("PFCOUNT", key())).toEqual(3);
      expect(await r("TTL", key())).toBeGreaterThan(990);
    },
  },
  {
    name: "an HLL written with SET works with PFADD and PFCOUNT",
    async run({ r, key }) {
      expect(await r("EVAL", SET_HEX, 1, key(), "48594c4c01000000000000000000008060f38050b1844bfb80425a")).toEqual("OK");
      expect(await r("PFCOUNT", key())).toEqual(3);
      expect(await r("PFADD", key(), "a")).toEqual(0);
      expect(await r("PFADD", key(), "d")).toEqual(1);
      expect(await r("PFCOUNT", key())).toEqual(4);
      // A cached cardinality set by hand is believed, as Redis believes it.
      expect(await r("EVAL", SET_HEX, 1, key("c"), "48594c4c0100000039300000000000007fff")).toEqual("OK");
      expect(await r("PFCOUNT", key("c"))).toEqual(12345);
    },
  },
  {
    name: "type checks: another type, a string that is not an HLL",
    async run({ r, key }) {
      await r("SET", key("str"), "bar");
      await r("RPUSH", key("list"), "a");
      await r("PFADD", key("h"), "a");
      expect(await r("PFADD", key("str"), 1)).toEqual(HLL_WRONGTYPE);
      expect(await r("PFCOUNT", key("str"))).toEqual(HLL_WRONGTYPE);
      expect(await r("PFCOUNT", key("h"), key("str"))).toEqual(HLL_WRONGTYPE);
      expect(await r("PFMERGE", key("dst"), key("str"))).toEqual(HLL_WRONGTYPE);
      expect(await r("PFMERGE", key("str"), key("h"))).toEqual(HLL_WRONGTYPE);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      expect(await r("GET", key("str"))).toEqual("bar");
      expect(await r("PFADD", key("list"), 1)).toEqual(WRONGTYPE);
      expect(await r("PFCOUNT", key("list"))).toEqual(WRONGTYPE);
      expect(await r("PFCOUNT", key("h"), key("list"))).toEqual(WRONGTYPE);
      expect(await r("PFMERGE", key("list"), key("h"))).toEqual(WRONGTYPE);
      expect(await r("PFMERGE", key("dst"), key("list"))).toEqual(WRONGTYPE);
      expect(await r("PFCOUNT")).toEqual(error("ERR wrong number of arguments for 'pfcount' command"));
      expect(await r("PFMERGE")).toEqual(error("ERR wrong number of arguments for 'pfmerge' command"));
      expect(await r("PFADD")).toEqual(error("ERR wrong number of arguments for 'pfadd' command"));
    },
  },
  {
    name: "corrupted HLLs: bytes after the registers, broken magic, unknown encoding, dense of the wrong length",
    async run({ r, key }) {
      await r("PFADD", key("tail"), "a", "b", "c");
      expect(await r("APPEND", key("tail"), "hello")).toEqual(32);
      expect(await r("PFCOUNT", key("tail"))).toEqual(INVALIDOBJ);
      expect(await r("PFCOUNT", key("tail"), key("missing"))).toEqual(INVALIDOBJ);
      expect(await r("PFMERGE", key("dst"), key("tail"))).toEqual(INVALIDOBJ);
      expect(await r("EXISTS", key("dst"))).toEqual(0);
      // The register of "zz" is inside the valid part: PFADD works, as in Redis.
      expect(await r("PFADD", key("tail"), "zz")).toEqual(1);
      expect(await r("PFADD", key("tail"), "a")).toEqual(0);

      await r("PFADD", key("magic"), "a", "b", "c");
      await r("SETRANGE", key("magic"), 0, "0123");
      expect(await r("PFCOUNT", key("magic"))).toEqual(HLL_WRONGTYPE);
      await r("PFADD", key("enc"), "a", "b", "c");
      await r("SETRANGE", key("enc"), 4, "x");
      expect(await r("PFCOUNT", key("enc"))).toEqual(HLL_WRONGTYPE);
      await r("PFADD", key("dense"), "a", "b", "c");
      await r("SETRANGE", key("dense"), 4, "\u0000");
      expect(await r("PFCOUNT", key("dense"))).toEqual(HLL_WRONGTYPE);
      expect(await r("PFADD", key("dense"), "x")).toEqual(HLL_WRONGTYPE);
      await r("SET", key("short"), "HYLL");
      expect(await r("PFCOUNT", key("short"))).toEqual(HLL_WRONGTYPE);

      // Sparse opcodes that stop short of 16384 registers.
      expect(await r("EVAL", SET_HEX, 1, key("short2"), "48594c4c0100000000000000000000807ffe")).toEqual("OK");
      expect(await r("PFCOUNT", key("short2"))).toEqual(INVALIDOBJ);
      expect(await r("PFADD", key("short2"), "a", "b", "c")).toEqual(1);
      // "e1674" goes to register 16383, which the opcodes do not reach.
      expect(await r("PFADD", key("short2"), "e1674")).toEqual(INVALIDOBJ);
      expect(await r("PFMERGE", key("short2"), key("short2"))).toEqual(INVALIDOBJ);
    },
  },
  {
    name: "PFCOUNT and PFMERGE over spread keys",
    async run({ r, spread }) {
      const names = "abcdef".split("");
      for (const [i, n] of names.entries()) {
        expect(await addRange(r, spread(n), n, 100 * (i + 1), 50)).toEqual(2 * (i + 1));
      }
      const keys = names.map((n) => spread(n));
      expect(await r("PFCOUNT", ...keys)).toEqual(2134);
      expect(await r("PFMERGE", spread("dst"), ...keys)).toEqual("OK");
      expect(await r("PFCOUNT", spread("dst"))).toEqual(2134);
      expect(await digest(r, spread("dst"))).toEqual([12304, 0, "2e7788b6081fcae483e3a06a9534eb69ee9eeb6b"]);
      await r("SET", spread("str"), "x");
      expect(await r("PFCOUNT", spread("a"), spread("str"))).toEqual(HLL_WRONGTYPE);
    },
  },
  {
    name: "PFDEBUG ENCODING, DECODE, TODENSE and GETREG",
    async run({ r, key }) {
      await r("PFADD", key(), "a", "b", "c");
      expect(await r("PFDEBUG", "ENCODING", key())).toEqual("sparse");
      expect(await r("PFDEBUG", "DECODE", key())).toEqual("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603");
      expect(await r("PFDEBUG", "TODENSE", key())).toEqual(1);
      expect(await r("PFDEBUG", "TODENSE", key())).toEqual(0);
      expect(await r("PFDEBUG", "ENCODING", key())).toEqual("dense");
      expect(await r("PFDEBUG", "DECODE", key())).toEqual(error("ERR HLL encoding is not sparse"));
      expect(await digest(r, key())).toEqual([12304, 0, expect.any(String)]);
      expect(String(await hex(r, key())).slice(0, 32)).toEqual("48594c4c000000000000000000000080");
      const regs = (await r("PFDEBUG", "GETREG", key())) as number[];
      expect(regs).toHaveLength(16384);
      expect(regs.filter((x) => x !== 0)).toEqual([1, 2, 1]);
      expect(regs[8436]).toEqual(1);
      await r("PFADD", key("s"), "x");
      expect(((await r("PFDEBUG", "GETREG", key("s"))) as number[]).filter((x) => x !== 0)).toHaveLength(1);
      expect(await r("PFDEBUG", "ENCODING", key("s"))).toEqual("dense");
      expect(await r("PFDEBUG", "NOPE", key())).toEqual(error("ERR Unknown PFDEBUG subcommand 'NOPE'"));
      expect(await r("PFDEBUG", "ENCODING", key("missing"))).toEqual(error("ERR The specified key does not exist"));
      await r("SET", key("str"), "x");
      expect(await r("PFDEBUG", "ENCODING", key("str"))).toEqual(HLL_WRONGTYPE);
      expect(await r("PFDEBUG", "ENCODING")).toEqual(error("ERR wrong number of arguments for 'pfdebug' command"));
    },
  },
  {
    name: "a sparse and a dense HLL of the same elements count the same (Redis's stress test, shortened)",
    async run({ r, key }) {
      for (let x = 0; x < 10; x++) {
        const els = Array.from({ length: 10 * x + 1 }, (_, i) => `s${x}:${i * 7919}`);
        await r("PFADD", key(`d${x}`));
        expect(await r("PFDEBUG", "TODENSE", key(`d${x}`))).toEqual(1);
        await r("PFADD", key(`s${x}`), ...els);
        await r("PFADD", key(`d${x}`), ...els);
        expect(await r("PFDEBUG", "ENCODING", key(`s${x}`))).toEqual("sparse");
        expect(await r("PFDEBUG", "ENCODING", key(`d${x}`))).toEqual("dense");
        expect(await r("PFCOUNT", key(`s${x}`))).toEqual(await r("PFCOUNT", key(`d${x}`)));
      }
      expect(await r("PFCOUNT", key("s9"))).toEqual(91);
    },
  },
]);
