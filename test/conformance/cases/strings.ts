import { expect } from "vitest";
import { defineCases, error, sleep } from "../harness";
import { expectTtlNear, invalidExpire, NOT_INTEGER, otherType, SYNTAX, WRONGTYPE } from "./strings-helpers";
import { stringNumberCases } from "./strings-numbers";
import { stringRangeCases } from "./strings-ranges";

export const stringCases = defineCases("strings", [
  {
    name: "SET and GET",
    async run({ r, key }) {
      expect(await r("SET", key(), "bar")).toEqual("OK");
      expect(await r("GET", key())).toEqual("bar");
      expect(await r("GET", key("missing"))).toEqual(null);
    },
  },
  {
    name: "SET an empty string",
    async run({ r, key }) {
      expect(await r("SET", key(), "")).toEqual("OK");
      expect(await r("GET", key())).toEqual("");
      expect(await r("EXISTS", key())).toEqual(1);
      expect(await r("STRLEN", key())).toEqual(0);
    },
  },
  {
    name: "SET NX / XX",
    async run({ r, key }) {
      expect(await r("SET", key(), "1", "XX")).toEqual(null);
      expect(await r("SET", key(), "1", "NX")).toEqual("OK");
      expect(await r("SET", key(), "2", "NX")).toEqual(null);
      expect(await r("SET", key(), "3", "XX")).toEqual("OK");
      expect(await r("GET", key())).toEqual("3");
      expect(await r("SET", key(), "4", "NX", "XX")).toEqual(SYNTAX);
    },
  },
  {
    name: "SET with an invalid expire time",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 0)).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v", "PX", -5)).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v", "EX", "abc")).toEqual(NOT_INTEGER);
      expect(await r("GET", key())).toEqual(null);
    },
  },
  {
    name: "SET expire times that overflow are invalid",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", "9223372036854775807")).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v", "EX", "9223372036854775")).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v", "PX", "9223372036854775807")).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v", "EXAT", "9223372036854775808")).toEqual(NOT_INTEGER);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SET accepts a repeated option (the last EX wins)",
    async run({ r, key }) {
      expect(await r("SET", key(), "a", "NX", "NX")).toEqual("OK");
      expect(await r("SET", key(), "b", "XX", "XX")).toEqual("OK");
      expect(await r("SET", key(), "c", "GET", "GET")).toEqual("b");
      expect(await r("SET", key(), "d", "EX", 1000, "EX", 100)).toEqual("OK");
      await expectTtlNear(r, key(), 100);
      expect(await r("SET", key(), "e", "KEEPTTL", "KEEPTTL")).toEqual("OK");
      await expectTtlNear(r, key(), 100);
    },
  },
  {
    name: "SET refuses two different expiry options",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 10, "PX", 100)).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "PXAT", 10, "EXAT", 100)).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "EX", 10, "KEEPTTL")).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "KEEPTTL", "EX", 10)).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "PERSIST")).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "EX")).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "FOO")).toEqual(SYNTAX);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SET: a syntax error wins over a bad number",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", "abc", "FOO")).toEqual(SYNTAX);
      expect(await r("SET", key(), "v", "EX", "10.5")).toEqual(NOT_INTEGER);
      expect(await r("SET", key(), "v", "EX", " 10")).toEqual(NOT_INTEGER);
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SET EX/PX set a TTL, SET clears it, KEEPTTL keeps it",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 100)).toEqual("OK");
      await expectTtlNear(r, key(), 100);
      expect(await r("SET", key(), "v", "PX", 50_000)).toEqual("OK");
      await expectTtlNear(r, key(), 50);
      expect(await r("SET", key(), "w", "KEEPTTL")).toEqual("OK");
      await expectTtlNear(r, key(), 50);
      expect(await r("GET", key())).toEqual("w");
      expect(await r("SET", key(), "x")).toEqual("OK");
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "SET EXAT/PXAT",
    async run({ r, key }) {
      const at = Math.floor(Date.now() / 1000) + 200;
      expect(await r("SET", key(), "v", "EXAT", at)).toEqual("OK");
      await expectTtlNear(r, key(), 200);
      expect(await r("SET", key(), "v", "PXAT", at * 1000 - 100_000)).toEqual("OK");
      await expectTtlNear(r, key(), 100);
    },
  },
  {
    name: "SET EXAT/PXAT in the past deletes the key",
    async run({ r, key }) {
      expect(await r("SET", key(), "old")).toEqual("OK");
      expect(await r("SET", key(), "new", "EXAT", 1)).toEqual("OK");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "old")).toEqual("OK");
      expect(await r("SET", key(), "new", "PXAT", 1, "GET")).toEqual("old");
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "SET GET returns the old value",
    async run({ r, key }) {
      expect(await r("SET", key(), "a", "GET")).toEqual(null);
      expect(await r("SET", key(), "b", "GET")).toEqual("a");
      expect(await r("GET", key())).toEqual("b");
    },
  },
  {
    name: "SET GET with NX / XX",
    async run({ r, key }) {
      expect(await r("SET", key(), "a", "XX", "GET")).toEqual(null);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "a", "NX", "GET")).toEqual(null);
      expect(await r("SET", key(), "b", "NX", "GET")).toEqual("a");
      expect(await r("GET", key())).toEqual("a");
      expect(await r("SET", key(), "c", "XX", "GET")).toEqual("a");
      expect(await r("GET", key())).toEqual("c");
    },
  },
  {
    name: "SET GET against another type is WRONGTYPE; SET alone replaces it",
    async run({ r, key }) {
      await otherType(r, key());
      expect(await r("SET", key(), "v", "GET")).toEqual(WRONGTYPE);
      expect(await r("SET", key(), "v", "NX", "GET")).toEqual(WRONGTYPE);
      expect(await r("TYPE", key())).toEqual("zset");
      expect(await r("SET", key(), "v", "GET", "EX", 0)).toEqual(invalidExpire("set"));
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("TYPE", key())).toEqual("string");
      expect(await r("GET", key())).toEqual("v");
    },
  },
  {
    name: "GET against another type is WRONGTYPE",
    async run({ r, key }) {
      await otherType(r, key());
      expect(await r("GET", key())).toEqual(WRONGTYPE);
    },
  },
  {
    name: "SETNX",
    async run({ r, key }) {
      expect(await r("SETNX", key(), "a")).toEqual(1);
      expect(await r("SETNX", key(), "b")).toEqual(0);
      expect(await r("GET", key())).toEqual("a");
      await otherType(r, key("z"));
      expect(await r("SETNX", key("z"), "x")).toEqual(0);
      expect(await r("SETNX", key())).toEqual(error("ERR wrong number of arguments for 'setnx' command"));
    },
  },
  {
    name: "SETEX and PSETEX",
    async run({ r, key }) {
      expect(await r("SETEX", key(), 100, "v")).toEqual("OK");
      expect(await r("GET", key())).toEqual("v");
      await expectTtlNear(r, key(), 100);
      expect(await r("PSETEX", key(), 30_000, "w")).toEqual("OK");
      expect(await r("GET", key())).toEqual("w");
      await expectTtlNear(r, key(), 30);
      await otherType(r, key("z"));
      expect(await r("SETEX", key("z"), 10, "v")).toEqual("OK");
      expect(await r("TYPE", key("z"))).toEqual("string");
    },
  },
  {
    name: "SETEX and PSETEX with an invalid time",
    async run({ r, key }) {
      expect(await r("SETEX", key(), 0, "v")).toEqual(invalidExpire("setex"));
      expect(await r("SETEX", key(), -1, "v")).toEqual(invalidExpire("setex"));
      expect(await r("SETEX", key(), "abc", "v")).toEqual(NOT_INTEGER);
      expect(await r("SETEX", key(), "9223372036854775807", "v")).toEqual(invalidExpire("setex"));
      expect(await r("PSETEX", key(), 0, "v")).toEqual(invalidExpire("psetex"));
      expect(await r("PSETEX", key(), "9223372036854775807", "v")).toEqual(invalidExpire("psetex"));
      expect(await r("EXISTS", key())).toEqual(0);
    },
  },
  {
    name: "GETSET returns the old value and clears the TTL",
    async run({ r, key }) {
      expect(await r("GETSET", key(), "a")).toEqual(null);
      expect(await r("SET", key(), "b", "EX", 100)).toEqual("OK");
      expect(await r("GETSET", key(), "c")).toEqual("b");
      expect(await r("GET", key())).toEqual("c");
      expect(await r("TTL", key())).toEqual(-1);
      await otherType(r, key("z"));
      expect(await r("GETSET", key("z"), "x")).toEqual(WRONGTYPE);
    },
  },
  {
    name: "GETDEL",
    async run({ r, key }) {
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GETDEL", key())).toEqual("v");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("GETDEL", key())).toEqual(null);
      await otherType(r, key("z"));
      expect(await r("GETDEL", key("z"))).toEqual(WRONGTYPE);
      expect(await r("EXISTS", key("z"))).toEqual(1);
    },
  },
  {
    name: "GETEX without options keeps the TTL",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "EX", 100)).toEqual("OK");
      expect(await r("GETEX", key())).toEqual("v");
      await expectTtlNear(r, key(), 100);
      expect(await r("GETEX", key("missing"))).toEqual(null);
    },
  },
  {
    name: "GETEX EX / PX / EXAT / PXAT / PERSIST",
    async run({ r, key }) {
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GETEX", key(), "EX", 100)).toEqual("v");
      await expectTtlNear(r, key(), 100);
      expect(await r("GETEX", key(), "PX", 50_000)).toEqual("v");
      await expectTtlNear(r, key(), 50);
      const at = Math.floor(Date.now() / 1000) + 300;
      expect(await r("GETEX", key(), "EXAT", at)).toEqual("v");
      await expectTtlNear(r, key(), 300);
      expect(await r("GETEX", key(), "PXAT", at * 1000 - 100_000)).toEqual("v");
      await expectTtlNear(r, key(), 200);
      expect(await r("GETEX", key(), "PERSIST")).toEqual("v");
      expect(await r("TTL", key())).toEqual(-1);
      expect(await r("GETEX", key(), "EX", 10, "EX", 20)).toEqual("v");
      await expectTtlNear(r, key(), 20);
    },
  },
  {
    name: "GETEX EXAT in the past deletes the key and returns its value",
    async run({ r, key }) {
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GETEX", key(), "EXAT", 1)).toEqual("v");
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("SET", key(), "w")).toEqual("OK");
      expect(await r("GETEX", key(), "PXAT", 1)).toEqual("w");
      expect(await r("GET", key())).toEqual(null);
    },
  },
  {
    name: "GETEX syntax and expire errors",
    async run({ r, key }) {
      expect(await r("SET", key(), "v")).toEqual("OK");
      expect(await r("GETEX", key(), "EX", 10, "PX", 100)).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "PERSIST", "EX", 10)).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "EX", 10, "PERSIST")).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "KEEPTTL")).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "NX")).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "EX")).toEqual(SYNTAX);
      expect(await r("GETEX", key(), "EX", 0)).toEqual(invalidExpire("getex"));
      expect(await r("GETEX", key(), "EX", -1)).toEqual(invalidExpire("getex"));
      expect(await r("GETEX", key(), "EX", "9223372036854775")).toEqual(invalidExpire("getex"));
      expect(await r("GETEX", key(), "PX", "abc")).toEqual(NOT_INTEGER);
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "GETEX checks the key before the expire time",
    async run({ r, key }) {
      expect(await r("GETEX", key("missing"), "EX", 0)).toEqual(null);
      expect(await r("GETEX", key("missing"), "EX", "abc")).toEqual(null);
      expect(await r("GETEX", key("missing"), "FOO")).toEqual(SYNTAX);
      await otherType(r, key("z"));
      expect(await r("GETEX", key("z"))).toEqual(WRONGTYPE);
      expect(await r("GETEX", key("z"), "EX", 0)).toEqual(WRONGTYPE);
    },
  },
  {
    name: "SETNX, GETEX and MGET treat an expired key as absent",
    async run({ r, key }) {
      expect(await r("SET", key("a"), "old", "PX", 5)).toEqual("OK");
      expect(await r("SET", key("b"), "old", "PX", 5)).toEqual("OK");
      expect(await r("SET", key("c"), "old", "PX", 5)).toEqual("OK");
      await sleep(50);
      expect(await r("SETNX", key("a"), "new")).toEqual(1);
      expect(await r("GET", key("a"))).toEqual("new");
      expect(await r("TTL", key("a"))).toEqual(-1);
      expect(await r("GETEX", key("b"), "PERSIST")).toEqual(null);
      expect(await r("MGET", key("a"), key("b"), key("c"))).toEqual(["new", null, null]);
    },
  },
  {
    name: "SET KEEPTTL on a missing key sets no TTL",
    async run({ r, key }) {
      expect(await r("SET", key(), "v", "KEEPTTL")).toEqual("OK");
      expect(await r("TTL", key())).toEqual(-1);
    },
  },
  {
    name: "MGET",
    async run({ r, key }) {
      expect(await r("SET", key("a"), "1")).toEqual("OK");
      expect(await r("SET", key("b"), "2")).toEqual("OK");
      await otherType(r, key("z"));
      expect(await r("MGET", key("a"), key("missing"), key("b"), key("z"), key("a"))).toEqual(["1", null, "2", null, "1"]);
      expect(await r("MGET")).toEqual(error("ERR wrong number of arguments for 'mget' command"));
    },
  },
  {
    name: "MGET across shards keeps argument order",
    only: "sharded",
    async run({ r, spread }) {
      const names = "abcdefghijklmnop".split("");
      for (const n of names) expect(await r("SET", spread(n), `v-${n}`)).toEqual("OK");
      const keys = names.flatMap((n) => [spread(n), spread(`${n}-missing`)]);
      expect(await r("MGET", ...keys)).toEqual(names.flatMap((n) => [`v-${n}`, null]));
    },
  },
  {
    name: "MSET",
    async run({ r, key }) {
      expect(await r("SET", key("a"), "old", "EX", 100)).toEqual("OK");
      await otherType(r, key("z"));
      expect(await r("MSET", key("a"), "1", key("b"), "2", key("z"), "3", key("b"), "4")).toEqual("OK");
      expect(await r("MGET", key("a"), key("b"), key("z"))).toEqual(["1", "4", "3"]);
      expect(await r("TTL", key("a"))).toEqual(-1);
      expect(await r("TYPE", key("z"))).toEqual("string");
    },
  },
  {
    name: "MSET / MSETNX with an odd number of arguments",
    async run({ r, key }) {
      expect(await r("MSET", key("a"), "1", key("b"))).toEqual(error("ERR wrong number of arguments for 'mset' command"));
      expect(await r("MSETNX", key("a"), "1", key("b"))).toEqual(error("ERR wrong number of arguments for 'msetnx' command"));
      expect(await r("MSET", key("a"))).toEqual(error("ERR wrong number of arguments for 'mset' command"));
      expect(await r("EXISTS", key("a"), key("b"))).toEqual(0);
    },
  },
  {
    name: "MSETNX sets all keys or none",
    async run({ r, key }) {
      expect(await r("MSETNX", key("a"), "1", key("b"), "2")).toEqual(1);
      expect(await r("MSETNX", key("b"), "x", key("c"), "3")).toEqual(0);
      expect(await r("MGET", key("a"), key("b"), key("c"))).toEqual(["1", "2", null]);
      await otherType(r, key("z"));
      expect(await r("MSETNX", key("c"), "3", key("z"), "x")).toEqual(0);
      expect(await r("EXISTS", key("c"))).toEqual(0);
      expect(await r("MSETNX", key("d"), "1", key("d"), "2")).toEqual(1);
      expect(await r("GET", key("d"))).toEqual("2");
    },
  },
  {
    name: "wrong arity and unknown command",
    async run({ r }) {
      expect(await r("GET")).toEqual(error("ERR wrong number of arguments for 'get' command"));
      expect(await r("NOSUCHCMD", "a", "b")).toEqual(error("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' "));
    },
  },
  {
    name: "unknown command and subcommand texts: arguments cut as Redis cuts them, CR and LF as spaces",
    async run({ r }) {
      const long = "x".repeat(200);
      expect(await r("NO\nSUCH", "a\r\nb", long, "c")).toEqual(error(`ERR unknown command 'NO SUCH', with args beginning with: 'a  b' '${"x".repeat(121)}' `));
      expect(await r(long)).toEqual(error(`ERR unknown command '${"x".repeat(128)}', with args beginning with: `));
      expect(await r("NOSUCHCMD", ...Array.from({ length: 30 }, (_, i) => `arg${i}`))).toEqual(
        error(`ERR unknown command 'NOSUCHCMD', with args beginning with: ${Array.from({ length: 17 }, (_, i) => `'arg${i}' `).join("")}'ar' `),
      );
      expect(await r("FUNCTION", `lib\n${long}`)).toEqual(error(`ERR unknown subcommand 'lib ${"x".repeat(124)}'. Try FUNCTION HELP.`));
      expect(await r("SCRIPT", "no\rsuch")).toEqual(error("ERR unknown subcommand 'no such'. Try SCRIPT HELP."));
    },
  },
  ...stringNumberCases,
  ...stringRangeCases,
]);
