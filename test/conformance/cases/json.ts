/**
 * JSON (RedisJSON 2.x) cases. There is no RedisJSON in the reference redis-server 7.0, so every
 * expectation is written from RedisJSON's own documentation (docs/commands/json.*.md of the
 * v2.6 branch) and test suite (tests/pytest/test.py of v2.6.24 / v2.8.19), or from the module's
 * source where the docs are silent (error texts): each case says which in `fromDocs`.
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { doc, SOURCE, TESTS } from "./json-helpers";

const ITEM2 =
  '{"name":"Wireless earbuds","description":"Wireless Bluetooth in-ear headphones","connection":{"wireless":true,"type":"Bluetooth"},"price":64.99,"stock":17,"colors":["black","white"], "max_level":[80, 100, 120]}';

export const jsonCases = defineCases("json", [
  {
    name: "JSON.SET replaces, adds, and updates several paths; JSON.GET answers JSONPath arrays and legacy values",
    fromDocs: doc("set"),
    async run({ r, key }) {
      expect(await r("JSON.SET", key(), "$", '{"a":2}')).toEqual("OK");
      expect(await r("JSON.SET", key(), "$.a", "3")).toEqual("OK");
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"a":3}]');
      expect(await r("JSON.SET", key(), "$.b", "8")).toEqual("OK");
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"a":3,"b":8}]');
      expect(await r("JSON.SET", key("m"), "$", '{"f1": {"a":1}, "f2":{"a":2}}')).toEqual("OK");
      expect(await r("JSON.SET", key("m"), "$..a", "3")).toEqual("OK");
      expect(await r("JSON.GET", key("m"))).toEqual('{"f1":{"a":3},"f2":{"a":3}}');
      expect(await r("JSON.GET", key("m"), ".f1.a")).toEqual("3");
      expect(await r("JSON.GET", key("missing"), "$")).toEqual(null);
    },
  },
  {
    name: "JSON.SET NX and XX, new keys only at the root, and its errors",
    fromDocs: `${doc("set")}; ${SOURCE}; redismodule-rs key.rs verify_type (wrong type text)`,
    async run({ r, key }) {
      expect(await r("JSON.SET", key(), "$.a", "1")).toEqual(error("ERR new objects must be created at the root"));
      expect(await r("JSON.SET", key(), "$", "1", "XX")).toEqual(null);
      expect(await r("JSON.SET", key(), "$", '{"a":1}', "NX")).toEqual("OK");
      expect(await r("JSON.SET", key(), "$", '{"a":2}', "NX")).toEqual(null);
      expect(await r("JSON.SET", key(), "$.a", "5", "NX")).toEqual(null);
      expect(await r("JSON.SET", key(), "$.b", "5", "XX")).toEqual(null);
      expect(await r("JSON.SET", key(), "$.b", "5", "NX")).toEqual("OK");
      expect(await r("JSON.SET", key(), "$.a", "7", "XX")).toEqual("OK");
      expect(await r("JSON.GET", key())).toEqual('{"a":7,"b":5}');
      expect(await r("JSON.SET", key(), "$", "1", "NX", "XX")).toEqual(error("ERR syntax error"));
      expect(await r("JSON.SET", key(), "$", "1", "BOGUS")).toEqual(error("ERR syntax error"));
      expect(await r("JSON.SET", key(), "$..x", "1")).toEqual(error("Err wrong static path"));
      expect(await r("JSON.SET", key(), "$.x.y", "1")).toEqual(null);
      expect(await r("JSON.SET", key(), "$", "{")).toEqual(error("EOF while parsing an object at line 1 column 1"));
      expect(await r("JSON.SET", key(), "$", "[1,2,3]1")).toEqual(error("trailing characters at line 1 column 8"));
      expect(await r("JSON.GET", key())).toEqual('{"a":7,"b":5}');
      await r("SET", key("s"), "x");
      expect(await r("JSON.SET", key("s"), "$", "1")).toEqual(error("Existing key has wrong Redis type"));
      expect(await r("JSON.GET", key("s"))).toEqual(error("Existing key has wrong Redis type"));
      expect(await r("JSON.ARRLEN", key("s"), "$")).toEqual(error("Existing key has wrong Redis type"));
    },
  },
  {
    name: "Numbers keep their kind: integers exact (u64 too), floats as serde_json prints them",
    fromDocs: `${TESTS} (test_promote_u64_to_f64, testSetNumbers)`,
    async run({ r, key }) {
      expect(await r("JSON.SET", key(), "$", '[1, 1.0, 1e2, 0.5, -0.0, 9223372036854775807, 18446744073709551615, 1.5e300, 0.00001, 1e-7, 12345678901234567890123]')).toEqual("OK");
      expect(await r("JSON.GET", key())).toEqual(
        "[1,1.0,100.0,0.5,-0.0,9223372036854775807,18446744073709551615,1.5e300,0.00001,1e-7,1.2345678901234568e22]",
      );
      expect(await r("JSON.TYPE", key(), "$[*]")).toEqual(["integer", "number", "number", "number", "number", "integer", "integer", "number", "number", "number", "number"]);
    },
  },
  {
    name: "JSON.GET with several paths, and INDENT / NEWLINE / SPACE",
    fromDocs: `${doc("get")}; ${TESTS} (testGetFormatting)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":2, "b": 3, "nested": {"a": 4, "b": null}}');
      expect(await r("JSON.GET", key(), "$..b")).toEqual("[3,null]");
      expect(JSON.parse((await r("JSON.GET", key(), "..a", "$..b")) as string)).toEqual({ "..a": [2, 4], "$..b": [3, null] });
      expect(await r("JSON.GET", key(), ".a", ".b")).toEqual('{".a":2,".b":3}');
      expect(await r("JSON.GET", key(), ".a", ".nope")).toEqual(error("ERR Path '.nope' does not exist"));
      expect(await r("JSON.GET", key(), ".nope")).toEqual(error("ERR Path '$.nope' does not exist"));
      expect(await r("JSON.GET", key(), "$.nope")).toEqual("[]");
      await r("JSON.SET", key("f"), "$", '{"x":[1,{}],"y":{}}');
      expect(await r("JSON.GET", key("f"), "INDENT", "\t", "NEWLINE", "\n", "SPACE", " ", ".")).toEqual('{\n\t"x": [\n\t\t1,\n\t\t{}\n\t],\n\t"y": {}\n}');
      expect(await r("JSON.GET", key("f"), "SPACE", " ", "$")).toEqual('[{"x": [1,{}],"y": {}}]');
      expect(await r("JSON.GET", key("f"), "INDENT", "  ", "$.x")).toEqual("[  [    1,    {}  ]]");
    },
  },
  {
    name: "JSONPath: wildcards, slices, negative indexes, unions, filters, recursive descent",
    fromDocs: "RedisJSON v2.6 docs/docs/path.md; json_path tests (filter.rs, paths.rs)",
    async run({ r, key }) {
      await r(
        "JSON.SET",
        key(),
        "$",
        '{"store":{"book":[{"title":"A","price":8,"tag":"x"},{"title":"B","price":12,"tag":"y"},{"title":"C","price":22,"tag":"x"}],"bike":{"price":19}},"arr":[0,1,2,3,4,5]}',
      );
      expect(await r("JSON.GET", key(), "$.store.book[*].title")).toEqual('["A","B","C"]');
      expect(await r("JSON.GET", key(), "$.arr[1:3]")).toEqual("[1,2]");
      expect(await r("JSON.GET", key(), "$.arr[-2:]")).toEqual("[4,5]");
      expect(await r("JSON.GET", key(), "$.arr[::2]")).toEqual("[0,2,4]");
      expect(await r("JSON.GET", key(), "$.arr[-1]")).toEqual("[5]");
      expect(await r("JSON.GET", key(), "$.arr[0,-1]")).toEqual("[0,5]");
      expect(await r("JSON.GET", key(), "$.arr[99]")).toEqual("[]");
      expect(await r("JSON.GET", key(), "$.store['bike','book'].price")).toEqual("[19]");
      expect(await r("JSON.GET", key(), "$..price")).toEqual("[8,12,22,19]");
      expect(await r("JSON.GET", key(), '$.store.book[?(@.price > 10 && @.tag == "x")].title')).toEqual('["C"]');
      expect(await r("JSON.GET", key(), "$.store.book[?(@.price < 10 || @.price > 20)].title")).toEqual('["A","C"]');
      expect(await r("JSON.GET", key(), "$.store.book[?(@.price)].title")).toEqual('["A","B","C"]');
      expect(await r("JSON.GET", key(), "$.store.book[?(@.nope)].title")).toEqual("[]");
      expect(await r("JSON.GET", key(), "$.store.*.price")).toEqual("[19]");
      expect(await r("JSON.GET", key(), "store.book[1].title")).toEqual('"B"');
      expect(await r("JSON.GET", key(), "$.arr[")).toEqual(
        error("Error occurred on position 6, \"$.arr[ <<<<----\", expected one of the following: '[?(filter_expression)]', ['start:end:steps'], '<number>[,<number>,...]', '<string>[,<string>,...]', '*'."),
      );
    },
  },
  {
    name: "JSON.MGET answers per key, nil for missing keys and paths",
    fromDocs: `${doc("mget")}; ${TESTS} (testMgetCommand)`,
    async run({ r, key }) {
      await r("JSON.SET", key("1"), "$", '{"a":1, "b": 2, "nested": {"a": 3}, "c": null}');
      await r("JSON.SET", key("2"), "$", '{"a":4, "b": 5, "nested": {"a": 6}, "c": null}');
      expect(await r("JSON.MGET", key("1"), key("2"), key("3"), "$..a")).toEqual(["[1,3]", "[4,6]", null]);
      expect(await r("JSON.MGET", key("1"), key("2"), ".b")).toEqual(["2", "5"]);
      expect(await r("JSON.MGET", key("1"), key("2"), ".nope")).toEqual([null, null]);
    },
  },
  {
    name: "JSON.MGET fans out over keys on several shards",
    fromDocs: doc("mget"),
    async run({ r, spread }) {
      const keys = ["a", "b", "c", "d", "e", "f"].map((n) => spread(n));
      for (const [i, k] of keys.entries()) await r("JSON.SET", k, "$", `{"n":${i}}`);
      expect(await r("JSON.MGET", ...keys, spread("none"), "$.n")).toEqual(["[0]", "[1]", "[2]", "[3]", "[4]", "[5]", null]);
      for (const k of keys) await r("DEL", k);
    },
  },
  {
    name: "JSON.MSET sets every triple or, on an error, none",
    fromDocs: `${doc("mset")}; ${TESTS} (testMSET, testMSET_Error)`,
    async run({ r, key }) {
      await r("JSON.SET", key("2"), "$", '{"f":{"a":1}}');
      expect(await r("JSON.MSET", key("1"), "$", '{"a":2}', key("2"), "$.f.a", "3")).toEqual("OK");
      expect(await r("JSON.GET", key("1"), "$")).toEqual('[{"a":2}]');
      expect(await r("JSON.GET", key("2"))).toEqual('{"f":{"a":3}}');
      expect(await r("JSON.MSET", key("1"), "$", "1", key("3"))).toEqual(error("ERR wrong number of arguments for 'json.mset' command"));
      expect(await r("JSON.MSET", key("1"), "$", "5", key("3"), "$.a", "1")).toEqual(error("ERR new objects must be created at the root"));
      expect(await r("JSON.GET", key("1"))).toEqual('{"a":2}');
    },
  },
  {
    name: "JSON.MSET over keys on several shards is atomic",
    fromDocs: doc("mset"),
    async run({ r, spread }) {
      const [a, b] = [spread("a"), spread("b")];
      expect(await r("JSON.MSET", a, "$", '{"x":1}', b, "$", "[1]")).toEqual("OK");
      expect(await r("JSON.MGET", a, b, "$")).toEqual(['[{"x":1}]', "[[1]]"]);
      expect(await r("JSON.MSET", a, "$.x", "2", b, "$", "{bad")).toEqual(error("key must be a string at line 1 column 2"));
      expect(await r("JSON.GET", a)).toEqual('{"x":1}');
      await r("DEL", a, b);
    },
  },
  {
    name: "JSON.MERGE follows RFC 7386: adds, replaces, deletes members patched with null, replaces arrays",
    fromDocs: `${doc("merge")}; RedisJSON v2.8.19 ivalue_manager.rs merge_value (null at a path sets null)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":2}');
      expect(await r("JSON.MERGE", key(), "$.b", "8")).toEqual("OK");
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"a":2,"b":8}]');
      expect(await r("JSON.MERGE", key(), "$", '{"a":null}')).toEqual("OK");
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"b":8}]');
      expect(await r("JSON.MERGE", key(), "$.b", "null")).toEqual("OK");
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"b":null}]');
      await r("JSON.SET", key("m"), "$", '{"f1": {"a":1}, "f2":{"a":2}, "arr":[2,4,6,8]}');
      expect(await r("JSON.MERGE", key("m"), "$.arr", "[10,12]")).toEqual("OK");
      expect(await r("JSON.MERGE", key("m"), "$", '{"f1": null, "f2":{"a":3, "b":4}, "f3":[2,4,6]}')).toEqual("OK");
      expect(await r("JSON.GET", key("m"))).toEqual('{"f2":{"a":3,"b":4},"arr":[10,12],"f3":[2,4,6]}');
      expect(await r("JSON.MERGE", key("new"), "$.a", '{"a":"i"}')).toEqual(error("ERR new objects must be created at the root"));
      expect(await r("JSON.MERGE", key("m"), "$.a", '{"b":{"h":"i" "bye"}}')).toEqual(error("expected `,` or `}` at line 1 column 15"));
    },
  },
  {
    name: "JSON.DEL and JSON.FORGET count what they delete; the root deletes the key",
    fromDocs: doc("del"),
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a": 1, "nested": {"a": 2, "b": 3}, "arr":[0,1,2,3]}');
      expect(await r("JSON.DEL", key(), "$..a")).toEqual(2);
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"nested":{"b":3},"arr":[0,1,2,3]}]');
      expect(await r("JSON.DEL", key(), "$.arr[1:3]")).toEqual(2);
      expect(await r("JSON.GET", key(), "$.arr")).toEqual("[[0,3]]");
      expect(await r("JSON.FORGET", key(), ".nested.b")).toEqual(1);
      expect(await r("JSON.DEL", key(), "$.nope")).toEqual(0);
      expect(await r("JSON.DEL", key())).toEqual(1);
      expect(await r("EXISTS", key())).toEqual(0);
      expect(await r("JSON.DEL", key())).toEqual(0);
    },
  },
  {
    name: "JSON.TYPE, TYPE ReJSON-RL, SCAN TYPE, and other commands refuse the type",
    fromDocs: `${doc("type")}; ${TESTS} (testTypeCommand)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":2, "nested": {"a": true}, "foo": "bar"}');
      expect(await r("JSON.TYPE", key(), "$..foo")).toEqual(["string"]);
      expect(await r("JSON.TYPE", key(), "$..a")).toEqual(["integer", "boolean"]);
      expect(await r("JSON.TYPE", key(), "$..dummy")).toEqual([]);
      expect(await r("JSON.TYPE", key())).toEqual("object");
      expect(await r("JSON.TYPE", key(), ".nope")).toEqual(null);
      expect(await r("JSON.TYPE", key("missing"))).toEqual(null);
      expect(await r("TYPE", key())).toEqual("ReJSON-RL");
      expect(await r("GET", key())).toEqual(error("WRONGTYPE Operation against a key holding the wrong kind of value"));
      await r("SET", key("str"), "x");
      const found: string[] = [];
      let cursor = "0";
      for (let i = 0; i < 10_000; i++) {
        const [next, keys] = (await r("SCAN", cursor, "MATCH", key("*"), "TYPE", "rejson-rl", "COUNT", "1000")) as [string, string[]];
        found.push(...keys);
        cursor = next;
        if (cursor === "0") break;
      }
      expect(found).toEqual([key()]);
    },
  },
  {
    name: "JSON.CLEAR empties containers and zeroes numbers; JSON.TOGGLE flips booleans",
    fromDocs: `${doc("clear")}; ${doc("toggle")}`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"obj":{"a":1, "b":2}, "arr":[1,2,3], "str": "foo", "bool": true, "int": 42, "float": 3.14}');
      expect(await r("JSON.CLEAR", key(), "$.*")).toEqual(4);
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"obj":{},"arr":[],"str":"foo","bool":true,"int":0,"float":0}]');
      expect(await r("JSON.CLEAR", key(), "$.*")).toEqual(0);
      expect(await r("JSON.TOGGLE", key(), "$.bool")).toEqual([0]);
      expect(await r("JSON.TOGGLE", key(), "$.bool")).toEqual([1]);
      expect(await r("JSON.TOGGLE", key(), "$.*")).toEqual([null, null, null, 0, null, null]);
      expect(await r("JSON.TOGGLE", key(), ".bool")).toEqual("true");
      expect(await r("JSON.TOGGLE", key(), ".str")).toEqual(error("ERR Path '$.str' does not exist or not a bool"));
      expect(await r("JSON.CLEAR", key("missing"))).toEqual(error("ERR could not perform this operation on a key that doesn't exist"));
    },
  },
  {
    name: "JSON.NUMINCRBY and JSON.NUMMULTBY: integers stay integers, nil entries for non-numbers",
    fromDocs: `${doc("numincrby")}; ${doc("nummultby")}; ${TESTS} (testNumIncrCommand, testNumIncrByOverflow)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), ".", '{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}');
      expect(await r("JSON.NUMINCRBY", key(), "$.a", "2")).toEqual("[null]");
      expect(await r("JSON.NUMINCRBY", key(), "$..a", "2")).toEqual("[null,4,7,null]");
      expect(await r("JSON.NUMMULTBY", key(), "$..a", "2")).toEqual("[null,8,14,null]");
      expect(await r("JSON.NUMINCRBY", key(), "$.b[0].a", "0.5")).toEqual("[8.5]");
      expect(await r("JSON.NUMINCRBY", key(), ".b[1].a", "1")).toEqual("15");
      expect(await r("JSON.NUMMULTBY", key(), ".b[1].a", "1.0")).toEqual("15.0");
      expect(await r("JSON.NUMINCRBY", key(), ".a", "1")).toEqual(error("ERR Path '$.a' does not exist or does not contains a number"));
      await r("JSON.SET", key("big"), "$", "1.6350000000001313e+308");
      expect(await r("JSON.NUMINCRBY", key("big"), ".", "1.6350000000001313e+308")).toEqual(error("result is not a number"));
      expect(await r("JSON.NUMMULTBY", key("big"), ".", "2")).toEqual(error("result is not a number"));
      await r("JSON.SET", key("i"), "$", "9223372036854775806");
      expect(await r("JSON.NUMINCRBY", key("i"), "$", "1")).toEqual("[9223372036854775807]");
      expect(await r("JSON.NUMINCRBY", key("i"), "$", "\"x\"")).toEqual(error("bad input number"));
      expect(await r("JSON.NUMINCRBY", key("i"), "$", "x")).toEqual(error("ERR expected value at line 1 column 1"));
    },
  },
  {
    name: "JSON.STRAPPEND and JSON.STRLEN, in bytes",
    fromDocs: `${doc("strappend")}; ${doc("strlen")}`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":"foo", "nested": {"a": "hello"}, "nested2": {"a": 31}}');
      expect(await r("JSON.STRAPPEND", key(), "$..a", '"baz"')).toEqual([6, 8, null]);
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"a":"foobaz","nested":{"a":"hellobaz"},"nested2":{"a":31}}]');
      expect(await r("JSON.STRLEN", key(), "$..a")).toEqual([6, 8, null]);
      expect(await r("JSON.STRAPPEND", key(), ".a", '"é"')).toEqual(8);
      expect(await r("JSON.STRLEN", key(), ".a")).toEqual(8);
      expect(await r("JSON.STRLEN", key(), ".nested2.a")).toEqual(error("WRONGTYPE wrong type of path value - expected string but found integer"));
      expect(await r("JSON.STRAPPEND", key(), ".a", "baz")).toEqual(error("ERR expected value at line 1 column 1"));
      expect(await r("JSON.STRAPPEND", key(), ".a", "1")).toEqual(error("WRONGTYPE wrong type of path value - expected string but found 1"));
      expect(await r("JSON.STRLEN", key("missing"))).toEqual(null);
    },
  },
  {
    name: "JSON.OBJKEYS and JSON.OBJLEN",
    fromDocs: `${doc("objkeys")}; ${doc("objlen")}`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":[3], "nested": {"a": {"b":2, "c": 1}}}');
      expect(await r("JSON.OBJKEYS", key(), "$..a")).toEqual([null, ["b", "c"]]);
      expect(await r("JSON.OBJLEN", key(), "$..a")).toEqual([null, 2]);
      expect(await r("JSON.OBJKEYS", key())).toEqual(["a", "nested"]);
      expect(await r("JSON.OBJLEN", key(), ".nested")).toEqual(1);
      expect(await r("JSON.OBJLEN", key(), ".a")).toEqual(error("WRONGTYPE wrong type of path value - expected object but found array"));
      expect(await r("JSON.OBJKEYS", key(), ".a")).toEqual(error("ERR Path '$.a' does not exist or not an object"));
      expect(await r("JSON.OBJLEN", key("missing"))).toEqual(null);
    },
  },
  {
    name: "JSON.ARRAPPEND, JSON.ARRINSERT, JSON.ARRINDEX, JSON.ARRLEN on a product document",
    fromDocs: `${doc("arrappend")}; ${doc("arrinsert")}; ${doc("arrindex")}; ${doc("arrlen")}`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", ITEM2);
      expect(await r("JSON.ARRLEN", key(), "$.[*]")).toEqual([null, null, null, null, null, 2, 3]);
      expect(await r("JSON.ARRAPPEND", key(), "$.colors", '"blue"')).toEqual([3]);
      expect(await r("JSON.GET", key(), "$.colors[*]")).toEqual('["black","white","blue"]');
      expect(await r("JSON.ARRINSERT", key(), "$.colors", "2", '"yellow"', '"gold"')).toEqual([5]);
      expect(await r("JSON.GET", key(), "$.colors")).toEqual('[["black","white","yellow","gold","blue"]]');
      expect(await r("JSON.ARRINDEX", key(), "$..colors", '"white"')).toEqual([1]);
      expect(await r("JSON.ARRINDEX", key(), ".colors", '"nope"')).toEqual(-1);
      expect(await r("JSON.ARRINDEX", key(), ".colors", '"blue"', "-2")).toEqual(4);
      expect(await r("JSON.ARRINDEX", key(), ".colors", '"black"', "1")).toEqual(-1);
      expect(await r("JSON.ARRINDEX", key(), ".max_level", "100", "0", "-1")).toEqual(1);
      expect(await r("JSON.ARRINDEX", key(), ".max_level", "100.0")).toEqual(-1);
      expect(await r("JSON.ARRLEN", key(), ".colors")).toEqual(5);
      expect(await r("JSON.ARRLEN", key(), ".name")).toEqual(error("ERR Path '.name' does not exist or not an array"));
      expect(await r("JSON.ARRLEN", key(), ".nope")).toEqual(error("ERR Path '.nope' does not exist"));
      expect(await r("JSON.ARRINSERT", key(), "$.colors", "10", "1")).toEqual(error("ERR index out of bounds"));
      expect(await r("JSON.ARRINSERT", key(), ".colors", "-1", '"x"')).toEqual(6);
      expect(await r("JSON.ARRAPPEND", key(), ".name", "1")).toEqual(error("ERR Path '.name' does not exist or not an array"));
      expect(await r("JSON.ARRLEN", key("missing"))).toEqual(null);
      expect(await r("JSON.ARRLEN", key("missing"), "$")).toEqual(error("ERR could not perform this operation on a key that doesn't exist"));
    },
  },
  {
    name: "JSON.ARRPOP and JSON.ARRTRIM",
    fromDocs: `${doc("arrpop")}; ${doc("arrtrim")}; ${TESTS} (testArrTrimCommand)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '[{"max_level":[60,70,80]},{"max_level":[80,90,100,120]}]');
      expect(await r("JSON.ARRPOP", key(), "$.[1].max_level", "0")).toEqual(["80"]);
      expect(await r("JSON.GET", key(), "$.[1].max_level")).toEqual("[[90,100,120]]");
      expect(await r("JSON.ARRINSERT", key(), "$.[1].max_level", "0", "85")).toEqual([4]);
      expect(await r("JSON.ARRAPPEND", key(), "$.[1].max_level", "140", "160", "180", "200", "220", "240", "260", "280")).toEqual([12]);
      expect(await r("JSON.ARRTRIM", key(), "$.[1].max_level", "4", "8")).toEqual([5]);
      expect(await r("JSON.GET", key(), "$.[1].max_level")).toEqual("[[140,160,180,200,220]]");
      expect(await r("JSON.ARRPOP", key(), "[0].max_level")).toEqual("80");
      expect(await r("JSON.ARRPOP", key(), "$..max_level", "99")).toEqual(["70", "220"]);
      expect(await r("JSON.ARRTRIM", key(), "[1].max_level", "-2", "-1")).toEqual(2);
      expect(await r("JSON.ARRTRIM", key(), "[1].max_level", "5", "9")).toEqual(0);
      expect(await r("JSON.ARRPOP", key(), "$[*].max_level")).toEqual(["60", null]);
      expect(await r("JSON.ARRPOP", key())).toEqual('{"max_level":[]}');
      expect(await r("JSON.ARRPOP", key(), ".[0]")).toEqual(error("ERR Path '$.[0]' does not exist or not an array"));
    },
  },
  {
    name: "JSON.RESP maps a document to RESP",
    fromDocs: doc("resp"),
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", ITEM2);
      expect(await r("JSON.RESP", key())).toEqual([
        "{",
        "name",
        "Wireless earbuds",
        "description",
        "Wireless Bluetooth in-ear headphones",
        "connection",
        ["{", "wireless", "true", "type", "Bluetooth"],
        "price",
        "64.989999999999995",
        "stock",
        17,
        "colors",
        ["[", "black", "white"],
        "max_level",
        ["[", 80, 100, 120],
      ]);
      expect(await r("JSON.RESP", key(), "$.max_level")).toEqual([["[", 80, 100, 120]]);
      expect(await r("JSON.RESP", key("missing"))).toEqual(null);
    },
  },
  {
    name: "JSON.DEBUG MEMORY and HELP",
    fromDocs: `${doc("debug-memory")}; RedisJSON v2.6.24 tests/pytest/test_multi.py (testDebugCommand)`,
    async run({ r, key }) {
      await r("JSON.SET", key("t"), "$", '{"a":{"o":{"a":{}},"b":{"a":[]},"c":{"a":"str"},"d":{"a":42},"e":{"a":1.2},"f":{"a":false},"g":{"a":null}}}');
      expect(await r("JSON.DEBUG", "MEMORY", key("t"), "$.a.*.a")).toEqual([8, 8, 11, 8, 24, 8, 8]);
      expect(await r("JSON.DEBUG", "MEMORY", key("t"), ".a.c.a")).toEqual(11);
      expect(await r("JSON.DEBUG", "MEMORY", key("missing"), "$")).toEqual([]);
      expect(await r("JSON.DEBUG", key("missing"), "$..a")).toEqual(expect.objectContaining({ error: expect.stringContaining("ERR unknown subcommand") }));
      await r("JSON.SET", key(), "$", ITEM2);
      const bytes = await r("JSON.DEBUG", "MEMORY", key());
      expect(typeof bytes === "number" && bytes > 200).toBe(true);
      expect(await r("JSON.DEBUG", "MEMORY", key(), "$.stock")).toEqual([8]);
      expect(await r("JSON.DEBUG", "MEMORY", key("missing"))).toEqual(0);
      expect(await r("JSON.DEBUG", "HELP")).toEqual(["MEMORY <key> [path] - reports memory usage", "HELP                - this message"]);
    },
  },
  {
    name: "A value nests at most 127 containers",
    fromDocs: `${TESTS} (testNesting)`,
    async run({ r, key }) {
      expect(await r("JSON.SET", key(), "$", "[".repeat(127) + "]".repeat(127))).toEqual("OK");
      expect(await r("JSON.SET", key(), "$", "[".repeat(128) + "]".repeat(128))).toEqual(error("recursion limit exceeded at line 1 column 128"));
    },
  },
]);
