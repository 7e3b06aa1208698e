/**
 * Keyspace commands on single keys: existence, type, expiry, RENAME and COPY, plus their
 * fan-out and CROSSSLOT behaviour across shards. The keyspace-wide walks are in keyspace-walk.ts.
 */
import { expect } from "vitest";
import { defineCases, error, sleep, type Call } from "../harness";
import { CROSSSLOT, NOT_INT, onTwoShards } from "./common";

const NX_CONFLICT = error("ERR NX and XX, GT or LT options at the same time are not compatible");
const GT_LT_CONFLICT = error("ERR GT and LT options at the same time are not compatible");

/** TTL is `secs`, or one less when the target was slow to answer (TTL rounds to the nearest second). */
async function expectTtl(r: Call, key: string, secs: number): Promise<void> {
  expect([secs - 1, secs]).toContain(await r("TTL", key));
}

export const keyspaceCases = defineCases("keyspace", [
  {
    name: "DEL counts the keys it removed, each once",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      await r("SET", key("b"), "2");
      expect(await r("DEL", key("a"), key("b"), key("c"), key("a"))).toEqual(2);
      expect(await r("GET", key("a"))).toEqual(null);
      expect(await r("DEL", key("a"))).toEqual(0);
      expect(await r("DEL")).toEqual(error("ERR wrong number of arguments for 'del' command"));
    },
  },
  {
    name: "UNLINK is DEL",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      expect(await r("UNLINK", key("a"), key("a"), key("b"))).toEqual(1);
      expect(await r("EXISTS", key("a"))).toEqual(0);
    },
  },
  {
    name: "EXISTS counts a key named twice twice",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      expect(await r("EXISTS", key("a"))).toEqual(1);
      expect(await r("EXISTS", key("a"), key("a"), key("nope"), key("a"))).toEqual(3);
      expect(await r("EXISTS", key("nope"))).toEqual(0);
    },
  },
  {
    name: "TOUCH counts existing keys",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      expect(await r("TOUCH", key("a"), key("a"), key("nope"))).toEqual(2);
      expect(await r("TOUCH", key("nope"))).toEqual(0);
    },
  },
  {
    name: "TYPE of a string and of a missing key",
    async run({ r, key }) {
      await r("SET", key("s"), "v");
      expect(await r("TYPE", key("s"))).toEqual("string");
      expect(await r("TYPE", key("nope"))).toEqual("none");
      expect(await r("TYPE", key("s"), key("x"))).toEqual(error("ERR wrong number of arguments for 'type' command"));
    },
  },
  {
    name: "EXPIRE sets a TTL that TTL and PTTL report",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100)).toEqual(1);
      await expectTtl(r, key(), 100);
      const pttl = (await r("PTTL", key())) as number;
      expect(pttl).toBeGreaterThan(98_000);
      expect(pttl).toBeLessThanOrEqual(100_000);
      expect(await r("PEXPIRE", key(), 50_000)).toEqual(1);
      await expectTtl(r, key(), 50);
    },
  },
  {
    name: "TTL and PTTL: -2 for a missing key, -1 without expiry",
    async run({ r, key }) {
      expect(await r("TTL", key())).toEqual(-2);
      expect(await r("PTTL", key())).toEqual(-2);
      await r("SET", key(), "v");
      expect(await r("TTL", key())).toEqual(-1);
      expect(await r("PTTL", key())).toEqual(-1);
    },
  },
  {
    name: "TTL rounds the remaining time to the nearest second",
    async run({ r, key }) {
      await r("SET", key(), "v");
      await r("PEXPIRE", key(), 1450);
      expect(await r("TTL", key())).toEqual(1);
      await r("PEXPIRE", key(), 1950);
      expect(await r("TTL", key())).toEqual(2);
    },
  },
  {
    name: "EXPIRE on a missing key answers 0 and creates nothing",
    async run({ r, key }) {
      expect(await r("EXPIRE", key(), 100)).toEqual(0);
      expect(await r("PEXPIRE", key(), 100)).toEqual(0);
      expect(await r("EXPIREAT", key(), 4_000_000_000)).toEqual(0);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "EXPIRE NX only sets a TTL on a key without one",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "NX")).toEqual(1);
      expect(await r("EXPIRE", key(), 200, "nx")).toEqual(0);
      await expectTtl(r, key(), 100);
    },
  },
  {
    name: "EXPIRE XX only changes an existing TTL",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "XX")).toEqual(0);
      expect(await r("TTL", key())).toEqual(-1);
      await r("EXPIRE", key(), 100);
      expect(await r("EXPIRE", key(), 200, "XX")).toEqual(1);
      await expectTtl(r, key(), 200);
    },
  },
  {
    name: "EXPIRE GT: a key without TTL counts as infinite",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "GT")).toEqual(0);
      expect(await r("TTL", key())).toEqual(-1);
      await r("EXPIRE", key(), 100);
      expect(await r("EXPIRE", key(), 50, "GT")).toEqual(0);
      expect(await r("EXPIRE", key(), 200, "GT")).toEqual(1);
      await expectTtl(r, key(), 200);
      await r("PEXPIREAT", key(), 4_000_000_000_000);
      expect(await r("PEXPIREAT", key(), 4_000_000_000_000, "GT")).toEqual(0);
      expect(await r("EXPIREAT", key(), 4_000_000_000, "LT")).toEqual(0);
      expect(await r("PEXPIREAT", key(), 4_000_000_000_001, "GT")).toEqual(1);
    },
  },
  {
    name: "EXPIRE LT: a key without TTL counts as infinite",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "LT")).toEqual(1);
      await expectTtl(r, key(), 100);
      expect(await r("EXPIRE", key(), 200, "LT")).toEqual(0);
      expect(await r("EXPIRE", key(), 50, "LT")).toEqual(1);
      await expectTtl(r, key(), 50);
    },
  },
  {
    name: "EXPIRE XX GT together",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "XX", "GT")).toEqual(0);
      await r("EXPIRE", key(), 100);
      expect(await r("PEXPIRE", key(), 200_000, "GT", "XX")).toEqual(1);
      await expectTtl(r, key(), 200);
    },
  },
  {
    name: "EXPIRE with conflicting options",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "NX", "XX")).toEqual(NX_CONFLICT);
      expect(await r("EXPIRE", key(), 100, "XX", "NX")).toEqual(NX_CONFLICT);
      expect(await r("EXPIRE", key(), 100, "NX", "GT")).toEqual(NX_CONFLICT);
      expect(await r("PEXPIRE", key(), 100, "LT", "NX")).toEqual(NX_CONFLICT);
      expect(await r("EXPIRE", key(), 100, "GT", "LT")).toEqual(GT_LT_CONFLICT);
      expect(await r("EXPIREAT", key(), 100, "LT", "GT", "XX")).toEqual(GT_LT_CONFLICT);
      expect(await r("EXPIRE", key("missing"), "abc", "NX", "XX")).toEqual(NX_CONFLICT);
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "EXPIRE with an unknown option, checked before the time",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRE", key(), 100, "Foo")).toEqual(error("ERR Unsupported option Foo"));
      expect(await r("EXPIRE", key(), "abc", "bar")).toEqual(error("ERR Unsupported option bar"));
      expect(await r("EXPIRE", key(), "abc")).toEqual(NOT_INT);
      expect(await r("EXPIRE", key(), "1.5")).toEqual(NOT_INT);
      expect(await r("PEXPIRE", key(), " 1")).toEqual(NOT_INT);
      expect(await r("EXPIRE", key())).toEqual(error("ERR wrong number of arguments for 'expire' command"));
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "EXPIRE with zero or a negative time deletes the key",
    async run({ r, key }) {
      await r("SET", key("a"), "v");
      expect(await r("EXPIRE", key("a"), -1)).toEqual(1);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      await r("SET", key("b"), "v");
      expect(await r("PEXPIRE", key("b"), 0)).toEqual(1);
      expect(await r("GET", key("b"))).toEqual(null);
      await r("SET", key("c"), "v");
      expect(await r("EXPIRE", key("c"), "-9223372036854775")).toEqual(1);
      expect(await r("EXISTS", key("c"))).toEqual(0);
    },
  },
  {
    name: "EXPIREAT and PEXPIREAT in the past delete the key",
    async run({ r, key }) {
      await r("SET", key("a"), "v");
      expect(await r("EXPIREAT", key("a"), 1)).toEqual(1);
      expect(await r("EXISTS", key("a"))).toEqual(0);
      await r("SET", key("b"), "v");
      expect(await r("PEXPIREAT", key("b"), Date.now() - 1000)).toEqual(1);
      expect(await r("TTL", key("b"))).toEqual(-2);
    },
  },
  {
    name: "EXPIRE family: times that overflow are invalid",
    async run({ r, key }) {
      await r("SET", key(), "v");
      const max = "9223372036854775807";
      expect(await r("EXPIRE", key(), max)).toEqual(error("ERR invalid expire time in 'expire' command"));
      expect(await r("EXPIRE", key(), "9223372036854775")).toEqual(error("ERR invalid expire time in 'expire' command"));
      expect(await r("EXPIRE", key(), "-9223372036854776")).toEqual(error("ERR invalid expire time in 'expire' command"));
      expect(await r("PEXPIRE", key(), max)).toEqual(error("ERR invalid expire time in 'pexpire' command"));
      expect(await r("EXPIREAT", key(), max)).toEqual(error("ERR invalid expire time in 'expireat' command"));
      expect(await r("EXPIRE", key(), "9223372036854775808")).toEqual(NOT_INT);
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "EXPIREAT, EXPIRETIME and PEXPIRETIME",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("EXPIRETIME", key())).toEqual(-1);
      expect(await r("PEXPIRETIME", key())).toEqual(-1);
      expect(await r("EXPIRETIME", key("missing"))).toEqual(-2);
      expect(await r("PEXPIRETIME", key("missing"))).toEqual(-2);
      expect(await r("EXPIREAT", key(), 4_000_000_000)).toEqual(1);
      expect(await r("EXPIRETIME", key())).toEqual(4_000_000_000);
      expect(await r("PEXPIRETIME", key())).toEqual(4_000_000_000_000);
      expect(await r("PEXPIREAT", key(), 4_000_000_000_789)).toEqual(1);
      expect(await r("PEXPIRETIME", key())).toEqual(4_000_000_000_789);
      expect(await r("EXPIRETIME", key())).toEqual(4_000_000_001);
      await r("PEXPIREAT", key(), 4_000_000_000_499);
      expect(await r("EXPIRETIME", key())).toEqual(4_000_000_000);
    },
  },
  {
    name: "PERSIST removes a TTL",
    async run({ r, key }) {
      await r("SET", key(), "v");
      expect(await r("PERSIST", key())).toEqual(0);
      await r("EXPIRE", key(), 100);
      expect(await r("PERSIST", key())).toEqual(1);
      expect(await r("TTL", key())).toEqual(-1);
      expect(await r("PERSIST", key())).toEqual(0);
      expect(await r("PERSIST", key("missing"))).toEqual(0);
      expect(await r("GET", key())).toEqual("v");
    },
  },
  {
    name: "a key whose time has come is gone for every read",
    async run({ r, key }) {
      await r("SET", key("a"), "v", "PX", 50);
      await r("SET", key("b"), "v");
      await r("PEXPIRE", key("b"), 50);
      await sleep(120);
      expect(await r("GET", key("a"))).toEqual(null);
      expect(await r("EXISTS", key("a"), key("b"))).toEqual(0);
      expect(await r("TTL", key("b"))).toEqual(-2);
      expect(await r("TYPE", key("b"))).toEqual("none");
      expect(await r("PERSIST", key("b"))).toEqual(0);
      expect(await r("EXPIRE", key("b"), 100)).toEqual(0);
    },
  },
  {
    name: "RENAME moves the value",
    async run({ r, key }) {
      await r("SET", key("a"), "v");
      expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
      expect(await r("GET", key("a"))).toEqual(null);
      expect(await r("GET", key("b"))).toEqual("v");
      expect(await r("TTL", key("b"))).toEqual(-1);
    },
  },
  {
    name: "RENAME keeps the TTL and replaces the destination with its TTL",
    async run({ r, key }) {
      await r("SET", key("a"), "1", "EX", 100);
      await r("SET", key("b"), "2", "EX", 500);
      expect(await r("RENAME", key("a"), key("b"))).toEqual("OK");
      expect(await r("GET", key("b"))).toEqual("1");
      await expectTtl(r, key("b"), 100);
      await r("SET", key("c"), "3");
      expect(await r("RENAME", key("c"), key("b"))).toEqual("OK");
      expect(await r("TTL", key("b"))).toEqual(-1);
    },
  },
  {
    name: "RENAME and RENAMENX of a missing key",
    async run({ r, key }) {
      expect(await r("RENAME", key("a"), key("b"))).toEqual(error("ERR no such key"));
      expect(await r("RENAMENX", key("a"), key("b"))).toEqual(error("ERR no such key"));
      expect(await r("RENAME", key("a"), key("a"))).toEqual(error("ERR no such key"));
      expect(await r("EXISTS", key("b"))).toEqual(0);
    },
  },
  {
    name: "RENAME and RENAMENX onto the same key",
    async run({ r, key }) {
      await r("SET", key("a"), "v", "EX", 100);
      expect(await r("RENAME", key("a"), key("a"))).toEqual("OK");
      expect(await r("RENAMENX", key("a"), key("a"))).toEqual(0);
      expect(await r("GET", key("a"))).toEqual("v");
      await expectTtl(r, key("a"), 100);
    },
  },
  {
    name: "RENAMENX only renames onto a missing key",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      await r("SET", key("b"), "2");
      expect(await r("RENAMENX", key("a"), key("b"))).toEqual(0);
      expect(await r("GET", key("b"))).toEqual("2");
      expect(await r("RENAMENX", key("a"), key("c"))).toEqual(1);
      expect(await r("GET", key("c"))).toEqual("1");
      expect(await r("EXISTS", key("a"))).toEqual(0);
    },
  },
  {
    name: "RENAME of an expired key is no such key",
    async run({ r, key }) {
      await r("SET", key("a"), "v", "PX", 30);
      await sleep(80);
      expect(await r("RENAME", key("a"), key("b"))).toEqual(error("ERR no such key"));
      expect(await r("COPY", key("a"), key("b"))).toEqual(0);
    },
  },
  {
    name: "COPY copies the value and the TTL, leaving the source",
    async run({ r, key }) {
      await r("SET", key("a"), "v", "EX", 100);
      expect(await r("COPY", key("a"), key("b"))).toEqual(1);
      expect(await r("GET", key("b"))).toEqual("v");
      await expectTtl(r, key("b"), 100);
      expect(await r("GET", key("a"))).toEqual("v");
      await r("SET", key("a"), "changed");
      expect(await r("GET", key("b"))).toEqual("v");
    },
  },
  {
    name: "COPY onto an existing key needs REPLACE",
    async run({ r, key }) {
      await r("SET", key("a"), "1");
      await r("SET", key("b"), "2", "EX", 100);
      expect(await r("COPY", key("a"), key("b"))).toEqual(0);
      expect(await r("GET", key("b"))).toEqual("2");
      expect(await r("COPY", key("a"), key("b"), "replace")).toEqual(1);
      expect(await r("GET", key("b"))).toEqual("1");
      expect(await r("TTL", key("b"))).toEqual(-1);
      expect(await r("COPY", key("a"), key("b"), "REPLACE", "REPLACE")).toEqual(1);
    },
  },
  {
    name: "COPY of a missing key, and onto itself",
    async run({ r, key }) {
      expect(await r("COPY", key("a"), key("b"))).toEqual(0);
      expect(await r("EXISTS", key("b"))).toEqual(0);
      expect(await r("COPY", key("a"), key("a"))).toEqual(error("ERR source and destination objects are the same"));
      await r("SET", key("a"), "v");
      expect(await r("COPY", key("a"), key("a"), "REPLACE")).toEqual(error("ERR source and destination objects are the same"));
    },
  },
  {
    name: "COPY DB: 0 is this database; bad indexes and options are errors",
    async run({ r, key }) {
      await r("SET", key("a"), "v");
      expect(await r("COPY", key("a"), key("b"), "DB", 0)).toEqual(1);
      expect(await r("GET", key("b"))).toEqual("v");
      expect(await r("COPY", key("a"), key("c"), "DB", 16)).toEqual(error("ERR DB index is out of range"));
      expect(await r("COPY", key("a"), key("c"), "DB", -1)).toEqual(error("ERR DB index is out of range"));
      expect(await r("COPY", key("a"), key("c"), "DB", "x")).toEqual(NOT_INT);
      expect(await r("COPY", key("a"), key("c"), "DB")).toEqual(error("ERR syntax error"));
      expect(await r("COPY", key("a"), key("c"), "NOW")).toEqual(error("ERR syntax error"));
      expect(await r("EXISTS", key("c"))).toEqual(0);
    },
  },
  {
    name: "DEL, EXISTS and TOUCH fan out over keys on several shards",
    only: "sharded",
    async run({ r, spread }) {
      const keys = ["a", "b", "c", "d", "e", "f"].map((n) => spread(n));
      for (const k of keys) await r("SET", k, "v");
      expect(await r("EXISTS", ...keys, keys[0]!, spread("none"))).toEqual(7);
      expect(await r("TOUCH", ...keys)).toEqual(6);
      expect(await r("DEL", ...keys.slice(0, 4), spread("none"))).toEqual(4);
      expect(await r("EXISTS", ...keys)).toEqual(2);
      expect(await r("UNLINK", ...keys)).toEqual(2);
      expect(await r("EXISTS", ...keys)).toEqual(0);
    },
  },
  {
    name: "RENAME, RENAMENX and COPY of a collection across shards move it whole; COPY … DB stays CROSSSLOT",
    only: "sharded",
    async run(c) {
      const [a, b] = onTwoShards(c);
      await c.r("RPUSH", a, "v");
      expect(await c.r("COPY", a, b, "DB", "0")).toEqual(CROSSSLOT);
      expect(await c.r("COPY", a, b)).toEqual(1);
      expect(await c.r("RENAMENX", a, b)).toEqual(0);
      expect(await c.r("DEL", b)).toEqual(1);
      expect(await c.r("RENAME", a, b)).toEqual("OK");
      expect(await c.r("LRANGE", b, 0, -1)).toEqual(["v"]);
      expect(await c.r("EXISTS", a)).toEqual(0);
    },
  },
]);
