/**
 * JSON (RedisJSON 2.x) cases. There is no RedisJSON in the reference redis-server 7.0, so every
 * expectation is written from RedisJSON's own documentation (docs/commands/json.*.md of the
 * v2.6 branch) and test suite (tests/pytest/test.py of v2.6.24 / v2.8.19), or from the module's
 * source where the docs are silent (error texts): each case says which in `fromDocs`.
 */
import { expect } from "vitest";
import { defineCases, error, sleep } from "../harness";

const doc = (cmd: string) => `RedisJSON v2.6 docs/commands/json.${cmd}.md`;
const TESTS = "RedisJSON v2.6.24 tests/pytest/test.py";
const SOURCE = "RedisJSON v2.6.24 redis_json/src/commands.rs, manager.rs (error texts)";

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
  {
    name: "Keyspace commands work on documents: RENAME, COPY, EXPIRE, DEL; updates keep the TTL",
    fromDocs: `${TESTS} (testCopyCommand, testRename)`,
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":[1,2]}');
      expect(await r("COPY", key(), key("copy"))).toEqual(1);
      expect(await r("RENAME", key(), key("moved"))).toEqual("OK");
      expect(await r("JSON.GET", key("moved"), "$.a")).toEqual("[[1,2]]");
      expect(await r("JSON.SET", key("copy"), "$.a[0]", "9")).toEqual("OK");
      expect(await r("JSON.GET", key("copy"))).toEqual('{"a":[9,2]}');
      expect(await r("JSON.GET", key("moved"))).toEqual('{"a":[1,2]}');
      expect(await r("EXPIRE", key("moved"), "100")).toEqual(1);
      expect(await r("JSON.ARRAPPEND", key("moved"), "$.a", "3")).toEqual([3]);
      expect(await r("TTL", key("moved"))).toEqual(100);
      expect(await r("DEL", key("moved"), key("copy"))).toEqual(2);
    },
  },
  {
    name: "Documents in keyspace walks: SCAN WITHTYPE, KEYS, RANDOMKEY, DBSIZE, FLUSHDB; SORT and SORT_RO answer WRONGTYPE",
    fromDocs: "Upstash SCAN docs (WITHTYPE); Redis 7.0 db.c (getObjectTypeName: a module value's type name), sort.c (sortCommandGeneric: WRONGTYPE for a type not list, set or zset)",
    async run({ r, spread }) {
      expect(await r("FLUSHALL")).toEqual("OK");
      const [doc, other] = [spread("doc"), spread("other")];
      expect(await r("JSON.SET", doc, "$", '{"n":[3,1,2]}')).toEqual("OK");
      expect(await r("RANDOMKEY")).toEqual(doc);
      expect(await r("SET", other, "v")).toEqual("OK");
      expect([...((await r("KEYS", "*")) as string[])].sort()).toEqual([doc, other].sort());
      expect(await r("KEYS", doc)).toEqual([doc]);
      expect([doc, other]).toContain(await r("RANDOMKEY"));
      expect(await r("DBSIZE")).toEqual(2);
      const types = new Map<string, string>();
      let cursor = "0";
      for (let i = 0; i < 10_000; i++) {
        const [next, items] = (await r("SCAN", cursor, "WITHTYPE", "COUNT", 1)) as [string, string[]];
        for (let j = 0; j < items.length; j += 2) types.set(items[j]!, items[j + 1]!);
        cursor = next;
        if (cursor === "0") break;
      }
      expect(Object.fromEntries(types)).toEqual({ [doc]: "ReJSON-RL", [other]: "string" });
      const wrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");
      expect(await r("SORT", doc)).toEqual(wrongType);
      expect(await r("SORT", doc, "ALPHA", "LIMIT", 0, 1)).toEqual(wrongType);
      expect(await r("SORT_RO", doc)).toEqual(wrongType);
      expect(await r("SORT", doc, "STORE", spread("dst"))).toEqual(wrongType);
      expect(await r("EXISTS", spread("dst"))).toEqual(0);
      expect(await r("FLUSHDB")).toEqual("OK");
      expect(await r("DBSIZE")).toEqual(0);
      expect(await r("JSON.GET", doc)).toEqual(null);
      expect(await r("RANDOMKEY")).toEqual(null);
      expect(await r("JSON.SET", doc, "$", "[]")).toEqual("OK");
      expect(await r("JSON.GET", doc)).toEqual("[]");
    },
  },
  {
    name: "EXPIRE, PERSIST and expiry of a document: a past time deletes it, an expired one reads as missing",
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test.py (testRename: TTL kept); Redis 7.0 expire.c (a past time deletes the key)",
    async run({ r, key }) {
      expect(await r("JSON.SET", key("p"), "$", '{"a":1}')).toEqual("OK");
      expect(await r("PEXPIRE", key("p"), 100_000)).toEqual(1);
      expect(await r("PERSIST", key("p"))).toEqual(1);
      expect(await r("TTL", key("p"))).toEqual(-1);
      expect(await r("EXPIRE", key("p"), -1)).toEqual(1);
      expect(await r("EXISTS", key("p"))).toEqual(0);
      expect(await r("JSON.SET", key("t"), "$", '{"a":1}')).toEqual("OK");
      expect(await r("PEXPIRE", key("t"), 30)).toEqual(1);
      await sleep(80);
      expect(await r("JSON.GET", key("t"))).toEqual(null);
      expect(await r("JSON.TYPE", key("t"))).toEqual(null);
      expect(await r("TYPE", key("t"))).toEqual("none");
      expect(await r("JSON.SET", key("t"), "$.a", "2")).toEqual(error("ERR new objects must be created at the root"));
    },
  },
  {
    name: "JSON.GET through a script's redis.call",
    fromDocs: doc("get"),
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", '{"a":[1,2]}');
      expect(await r("EVAL", "return redis.call('JSON.GET', KEYS[1], '$.a')", 1, key())).toEqual("[[1,2]]");
      expect(await r("EVAL", "return redis.call('JSON.ARRAPPEND', KEYS[1], '$.a', '3')", 1, key())).toEqual([3]);
    },
  },
  {
    name: "RENAME and COPY of a document between shards",
    fromDocs: `${TESTS} (testCopyCommand)`,
    async run({ r, spread }) {
      const [a, b, c] = [spread("a"), spread("b"), spread("c")];
      await r("JSON.SET", a, "$", '{"x":[1,2.0,"3"]}');
      expect(await r("PEXPIRE", a, "100000")).toEqual(1);
      expect(await r("RENAME", a, b)).toEqual("OK");
      expect(await r("COPY", b, c)).toEqual(1);
      expect(await r("JSON.GET", b)).toEqual('{"x":[1,2.0,"3"]}');
      expect(await r("JSON.GET", c, "$.x[1]")).toEqual("[2.0]");
      expect(await r("TYPE", c)).toEqual("ReJSON-RL");
      expect(Number(await r("PTTL", b))).toBeGreaterThan(90_000);
      expect(await r("EXISTS", a)).toEqual(0);
      await r("DEL", b, c);
      // A document in chunk rows (past 1 MiB), and one nested deeper than a value given to
      // JSON.SET may be, move whole; RENAME replaces a key of another type.
      const big = JSON.stringify({ big: "q".repeat(1_500_000), n: 1 });
      await r("JSON.SET", a, "$", big);
      await r("SET", b, "string");
      expect(await r("RENAME", a, b)).toEqual("OK");
      expect(await r("COPY", b, c)).toEqual(1);
      expect(await r("JSON.GET", c, "$.n")).toEqual("[1]");
      expect(await r("JSON.STRLEN", b, "$.big")).toEqual([1_500_000]);
      await r("JSON.SET", a, "$", "[".repeat(100) + "]".repeat(100));
      expect(await r("JSON.SET", a, "$" + "[0]".repeat(99), "[".repeat(100) + "]".repeat(100))).toEqual("OK");
      expect(await r("COPY", a, c, "REPLACE")).toEqual(1);
      expect(await r("JSON.GET", c)).toEqual("[".repeat(199) + "]".repeat(199));
      await r("DEL", a, b, c);
    },
  },
  {
    name: "A document larger than a row: set, updated at one path, read back; at most 8 MiB",
    fromDocs: `${doc("set")}; edgekv's own size limit (docs/json.md)`,
    async run({ r, key }) {
      const big = JSON.stringify({ n: 0, pad: "x".repeat(1_500_000), tail: [1] });
      expect(await r("JSON.SET", key(), "$", big)).toEqual("OK");
      expect(await r("JSON.SET", key(), "$.n", "42")).toEqual("OK");
      expect(await r("JSON.ARRAPPEND", key(), "$.tail", "2")).toEqual([2]);
      expect(await r("JSON.STRLEN", key(), "$.pad")).toEqual([1_500_000]);
      expect(await r("JSON.GET", key(), "$.n", "$.tail")).toEqual('{"$.n":[42],"$.tail":[[1,2]]}');
      expect(await r("JSON.SET", key(), "$.pad", '"small"')).toEqual("OK");
      expect(await r("JSON.GET", key())).toEqual('{"n":42,"pad":"small","tail":[1,2]}');
      const pad = JSON.stringify("y".repeat(4_500_000));
      expect(await r("JSON.ARRAPPEND", key(), "$.tail", pad, pad)).toEqual(error("ERR JSON document exceeds maximum allowed size (8388608 bytes)"));
      expect(await r("JSON.ARRLEN", key(), "$.tail")).toEqual([2]);
      // `$..*` over a deep document repeats each subtree: the reply stops at its limit.
      const deep = "[".repeat(40) + JSON.stringify("z".repeat(500_000)) + "]".repeat(40);
      expect(await r("JSON.SET", key("deep"), "$", deep)).toEqual("OK");
      expect(await r("JSON.GET", key("deep"), "$..*")).toEqual(error("ERR JSON reply exceeds 16777216 bytes"));
      expect(await r("JSON.STRLEN", key("deep"), "$..*")).toHaveLength(40);
      const many = Array.from({ length: 70 }, () => key("deep"));
      expect(await r("JSON.MGET", ...many, "$[0]")).toEqual(error("ERR JSON.MGET would read more than 33554432 bytes of documents; ask for fewer keys at once"));
    },
  },
  {
    name: "A document holds at most 200,000 values, however it grows",
    fromDocs: "edgekv's own limit (docs/json.md); RedisJSON has none",
    async run({ r, key }) {
      const TOO_MANY = error("ERR JSON document holds more than 200000 values");
      expect(await r("JSON.SET", key(), "$", `[${'"s",'.repeat(200_000)}"s"]`)).toEqual(TOO_MANY);
      expect(await r("JSON.SET", key("zeros"), "$", `[${"0,".repeat(200_000)}0]`)).toEqual("OK");
      expect(await r("JSON.ARRLEN", key("zeros"))).toEqual(200_001);
      expect(await r("JSON.SET", key(), "$", `{"a":[${"0,".repeat(1_000)}0],"b":[]}`)).toEqual("OK");
      const many = `[${"[],".repeat(999)}[]]`;
      expect(await r("JSON.ARRAPPEND", key(), "$.b", ...Array.from({ length: 100 }, () => many))).toEqual([100]);
      expect(await r("JSON.ARRAPPEND", key(), "$.b[*]", many, many, many)).toEqual(TOO_MANY);
      expect(await r("JSON.SET", key(), "$.b[*]", many)).toEqual("OK");
      expect(await r("JSON.ARRLEN", key(), "$.b")).toEqual([100]);
      expect(await r("JSON.ARRLEN", key(), "$.b[0]")).toEqual([1000]);
      expect(await r("EXISTS", key("none"))).toEqual(0);
    },
  },
  {
    name: "Legacy paths in RedisJSON's array tests: ARRINSERT, ARRINDEX of mixed values, ARRTRIM, ARRPOP",
    fromDocs: `${TESTS} (testArrInsertCommand, testArrIndexMixCommand, testArrTrimCommand, testArrPopCommand)`,
    async run({ r, key }) {
      for (const [initial, p] of [['{ "arr": [] }', ".arr"], ["[]", "."]] as const) {
        expect(await r("JSON.SET", key(), ".", initial)).toEqual("OK");
        expect(await r("JSON.ARRINSERT", key(), p, 0, "1")).toEqual(1);
        expect(await r("JSON.ARRINSERT", key(), p, -1, "2")).toEqual(2);
        expect(await r("JSON.ARRINSERT", key(), p, -2, "3")).toEqual(3);
        expect(await r("JSON.ARRINSERT", key(), p, 3, "4")).toEqual(4);
        expect(await r("JSON.GET", key(), p)).toEqual("[3,2,1,4]");
        expect(await r("JSON.ARRINSERT", key(), p, -3, "7", '{"A":"Z"}', "9")).toEqual(7);
        expect(await r("JSON.GET", key(), p)).toEqual('[3,7,{"A":"Z"},9,2,1,4]');
        expect(await r("JSON.ARRINSERT", key(), p, -10, "10")).toEqual(error("ERR index out of bounds"));
        expect(await r("JSON.ARRINSERT", key(), p, 10, "10")).toEqual(error("ERR index out of bounds"));
        expect(await r("JSON.GET", key(), p)).toEqual('[3,7,{"A":"Z"},9,2,1,4]');
      }
      await r("JSON.SET", key("mix"), ".", '{ "arr": [0, 1, 2, 3, 2, 1, 0, {"val": 4}, {"val": 9}, [3,4,8], ["a", "b", 8]] }');
      const idx = (...a: (string | number)[]) => r("JSON.ARRINDEX", key("mix"), ".arr", ...a);
      expect(await idx(0)).toEqual(0);
      expect(await idx(3)).toEqual(3);
      expect(await idx(4)).toEqual(-1);
      expect(await idx(0, 1)).toEqual(6);
      expect(await idx(0, -5)).toEqual(6);
      expect(await idx(0, 6)).toEqual(6);
      expect(await idx(0, 4, -0)).toEqual(6);
      expect(await idx(0, 5, -1)).toEqual(6);
      expect(await idx(2, -2, 6)).toEqual(-1);
      expect(await idx('"foo"')).toEqual(-1);
      expect(await r("JSON.ARRINSERT", key("mix"), ".arr", 4, "[4]")).toEqual(12);
      expect(await idx(3)).toEqual(3);
      expect(await idx(2, 3)).toEqual(5);
      expect(await idx("[4]")).toEqual(4);
      expect(await idx('{"val":4}')).toEqual(8);
      expect(await r("JSON.ARRINDEX", key("mix"), "$.arr", '{"val":9}')).toEqual([9]);
      expect(await idx('["a", "b", 8]')).toEqual(11);
      expect(await idx(1, 2, 3, 4)).toEqual(error("ERR wrong number of arguments for 'json.arrindex' command"));

      await r("JSON.SET", key("t"), ".", '{ "arr": [0, 1, 2, 3, 2, 1, 0] }');
      const trim = (a: number, b: number) => r("JSON.ARRTRIM", key("t"), ".arr", a, b);
      expect(await trim(1, -2)).toEqual(5);
      expect(await r("JSON.GET", key("t"), ".arr")).toEqual("[1,2,3,2,1]");
      expect(await trim(0, 99)).toEqual(5);
      expect(await trim(0, 2)).toEqual(3);
      expect(await r("JSON.GET", key("t"), ".arr")).toEqual("[1,2,3]");
      expect(await trim(99, 2)).toEqual(0);
      expect(await r("JSON.GET", key("t"), ".arr")).toEqual("[]");
      await r("JSON.SET", key("t"), ".", '{ "arr": [0, 1, 2, 3, 2, 1, 0] }');
      expect(await trim(-1, 0)).toEqual(0);
      await r("JSON.SET", key("t"), ".", '{ "arr": [0, 1, 2, 3, 2, 1, 0] }');
      expect(await trim(-4, 1)).toEqual(0);

      await r("JSON.SET", key("p"), ".", "[1,2,3,4,5,6,7,8,9]");
      const pop = (...a: (string | number)[]) => r("JSON.ARRPOP", key("p"), ...a);
      expect([await pop(), await pop("."), await pop(".", -1), await pop(".", -2), await pop(".", 0)]).toEqual(["9", "8", "7", "5", "1"]);
      expect([await pop(".", 2), await pop(".", 99), await pop(".", -99), await pop()]).toEqual(["4", "6", "2", "3"]);
      expect([await pop(), await pop("."), await pop(".", 2)]).toEqual([null, null, null]);
      await r("JSON.SET", key("p"), ".", "1");
      expect(await pop()).toEqual(error("ERR Path '$' does not exist or not an array"));
      expect(await r("JSON.ARRTRIM", key("p"), ".", "0", "1")).toEqual(error("ERR Path '$' does not exist or not an array"));
    },
  },
  {
    name: "Legacy paths in RedisJSON's length, type and number tests",
    fromDocs: `${TESTS} (testLenCommands, testNumIncrCommand, testTypeCommand)`,
    async run({ r, key }) {
      expect(await r("JSON.ARRLEN", key("foo"), ".bar")).toEqual(null);
      const basic = {
        string: "string value",
        none: null,
        bool: true,
        int: 42,
        num: 4.2,
        arr: [42, null, -1.2, false, ["sub", "array"], { subdict: true }],
        dict: { a: 1, b: "2", c: null },
      };
      await r("JSON.SET", key(), ".", JSON.stringify(basic));
      expect(await r("JSON.STRLEN", key(), ".string")).toEqual(12);
      expect(await r("JSON.OBJLEN", key(), ".dict")).toEqual(3);
      expect(await r("JSON.ARRLEN", key(), ".arr")).toEqual(6);
      expect(await r("JSON.ARRLEN", key(), ".bool")).toEqual(error("ERR Path '.bool' does not exist or not an array"));
      expect(await r("JSON.STRLEN", key(), ".none")).toEqual(error("WRONGTYPE wrong type of path value - expected string but found null"));
      expect(await r("JSON.OBJLEN", key(), ".int")).toEqual(error("WRONGTYPE wrong type of path value - expected object but found integer"));
      expect(await r("JSON.STRLEN", key(), ".num")).toEqual(error("WRONGTYPE wrong type of path value - expected string but found number"));
      expect(await r("JSON.ARRLEN", key(), ".foo")).toEqual(error("ERR Path '.foo' does not exist"));
      expect(await r("JSON.ARRLEN", key(), ".arr[999]")).toEqual(error("ERR Path '.arr[999]' does not exist"));
      expect(await r("JSON.ARRLEN", key(), ".arr[4294967295]")).toEqual(error("ERR Path '.arr[4294967295]' does not exist"));
      expect(JSON.stringify(await r("JSON.ARRLEN", key(), ".arr[-inf]"))).toContain('"error":"Error occurred on position 6');
      expect(await r("JSON.TYPE", key(), ".arr")).toEqual("array");
      expect(await r("JSON.TYPE", key(), ".none")).toEqual("null");
      expect(await r("JSON.TYPE", key(), ".num")).toEqual("number");

      await r("JSON.SET", key("n"), ".", '{ "foo": 0, "bar": "baz" }');
      expect(await r("JSON.NUMINCRBY", key("n"), ".foo", 1)).toEqual("1");
      expect(await r("JSON.GET", key("n"), ".foo")).toEqual("1");
      expect(await r("JSON.NUMINCRBY", key("n"), ".foo", 2)).toEqual("3");
      expect(await r("JSON.NUMINCRBY", key("n"), ".foo", 0.5)).toEqual("3.5");
      expect(await r("JSON.NUMINCRBY", key("n"), ".fuzz", 1)).toEqual(error("ERR Path '$.fuzz' does not exist or does not contains a number"));
      await r("JSON.SET", key("num"), ".", "0");
      expect(await r("JSON.NUMINCRBY", key("num"), ".", 1)).toEqual("1");
      expect(await r("JSON.NUMINCRBY", key("num"), ".", 1.5)).toEqual("2.5");
      await r("JSON.SET", key("f"), ".", '{"foo":0,"bar":42}');
      expect(await r("JSON.NUMINCRBY", key("f"), "foo", 1)).toEqual("1");
      expect(await r("JSON.NUMMULTBY", key("f"), "bar", 2)).toEqual("84");
      expect(await r("JSON.GET", key("f"), ".")).toEqual('{"foo":1,"bar":84}');
    },
  },
  {
    name: "JSONPath forms answer per match, [] for no match, and errors for a missing or foreign key",
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test_multi.py (testErrorMessage)",
    async run({ r, key }) {
      await r("JSON.SET", key(), "$", JSON.stringify({ object: {}, array: [], string: "str", integer: 42, number: 1.2, boolean: false, null: null }));
      await r("HSET", key("hash"), "a", "1");
      const NO_KEY = error("ERR could not perform this operation on a key that doesn't exist");
      const FOREIGN = error("Existing key has wrong Redis type");
      expect(await r("JSON.ARRAPPEND", key(), "$.string", '"abc"')).toEqual([null]);
      expect(await r("JSON.ARRAPPEND", key(), "$.nowhere", '"abc"')).toEqual([]);
      expect(await r("JSON.ARRAPPEND", key("none"), "$.string", '"abc"')).toEqual(NO_KEY);
      expect(await r("JSON.ARRAPPEND", key("hash"), "$.string", '"abc"')).toEqual(FOREIGN);
      expect(await r("JSON.ARRAPPEND", key(), ".string", '"abc"')).toEqual(error("ERR Path '.string' does not exist or not an array"));
      expect(await r("JSON.ARRAPPEND", key(), ".nowhere", '"abc"')).toEqual(error("ERR Path '.nowhere' does not exist or not an array"));
      expect(await r("JSON.ARRPOP", key(), "$.string", '"abc"')).toEqual([null]);
      expect(await r("JSON.ARRPOP", key(), "$.nowhere", '"abc"')).toEqual([]);
      expect(await r("JSON.ARRPOP", key("none"), "$..string")).toEqual(NO_KEY);
      expect(await r("JSON.ARRINDEX", key(), "$.number", '"abc"')).toEqual([null]);
      expect(await r("JSON.ARRINDEX", key(), "$.nowhere", '"abc"')).toEqual([]);
      expect(await r("JSON.ARRINDEX", key("none"), "$.number", '"abc"')).toEqual(error("ERR Path '$.number' does not exist"));
      expect(await r("JSON.ARRINDEX", key(), ".number", '"abc"')).toEqual(error("WRONGTYPE wrong type of path value - expected array but found number"));
      expect(await r("JSON.ARRINSERT", key(), "$.string", 0, '"abc"')).toEqual([null]);
      expect(await r("JSON.ARRINSERT", key(), "$.nowhere", 0, '"abc"')).toEqual([]);
      expect(await r("JSON.ARRLEN", key(), "$.string", '"abc"')).toEqual([null]);
      expect(await r("JSON.ARRLEN", key("none"), ".string", '"abc"')).toEqual(null);
      expect(await r("JSON.ARRTRIM", key(), "$.string", 0, 1)).toEqual([null]);
      expect(await r("JSON.ARRTRIM", key(), ".nowhere", 0, 1)).toEqual(error("ERR Path '$.nowhere' does not exist or not an array"));
      expect(await r("JSON.OBJKEYS", key(), "$.string")).toEqual([null]);
      expect(await r("JSON.OBJKEYS", key(), "$.nowhere")).toEqual([]);
      expect(await r("JSON.OBJKEYS", key(), ".nowhere")).toEqual(null);
      expect(await r("JSON.OBJKEYS", key("none"), ".string")).toEqual(null);
      expect(await r("JSON.OBJKEYS", key("hash"), "$.string")).toEqual(FOREIGN);
      expect(await r("JSON.OBJLEN", key(), "$.string")).toEqual([null]);
      expect(await r("JSON.OBJLEN", key(), "$.nowhere")).toEqual([]);
      expect(await r("JSON.MGET", key(), key("hash"), "$.integer")).toEqual(["[42]", null]);
    },
  },
  {
    name: "Writes at nested matches: deeper first, and DEL counts only the topmost",
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test_multi.py (testDelCommand_issue529, testDelCommand_issue754, test_arr_*_recursive_descent_nested_arrays, testFilterDup_issue667)",
    async run({ r, key }) {
      await r(
        "JSON.SET",
        key(),
        "$",
        '[{"a00": [{"a00": "a00_00"}, {"a01": "a00_01"}, {"a02": "a00_02"}, {"a03": "a00_03"}]}, {"a01": [{"a00": "a01_00"}, {"a01": "a01_01"}, {"a02": "a01_02"}, {"a03": "a01_03"}]}, {"a02": [{"a00": "a02_00"}, {"a01": "a02_01"}, {"a02": "a02_02"}, {"a03": "a02_03"}]}, {"a03": [{"a00": "a03_00"}, {"a01": "a03_01"}, {"a02": "a03_02"}, {"a03": "a03_03"}]}]',
      );
      expect(await r("JSON.DEL", key(), "$..[2]")).toEqual(4);
      expect(await r("JSON.ARRLEN", key(), "$.*[*]")).toEqual([3, 3, 3]);
      await r("JSON.SET", key(), "$", "[[1],[1,2,3]]");
      expect(await r("JSON.DEL", key(), "$..[0]")).toEqual(2);
      expect(await r("JSON.GET", key(), "$")).toEqual("[[[2,3]]]");
      await r("JSON.SET", key(), "$", '{"a":[[1],[1,2,3,[4,5,[{"a":6},7,8]]], [10,{"11":11}], ["12","13"]], "b":[[1,2],{"a":[3,4,5]}]}');
      expect(await r("JSON.DEL", key(), "$..[0]")).toEqual(8);
      expect(await r("JSON.GET", key(), "$")).toEqual('[{"a":[[2,3,[5,[7,8]]],[{"11":11}],["13"]],"b":[{"a":[4,5]}]}]');
      await r("JSON.SET", key(), "$", '{"a":[[1,2,3],[4,5,6]]}');
      expect(await r("JSON.ARRPOP", key(), "$..*", "-1")).toEqual(["[4,5]", "3", "6", null, null, null, null, null, null]);
      expect(await r("JSON.GET", key(), "$.a")).toEqual("[[[1,2]]]");
      await r("JSON.SET", key(), "$", '{"a":[[1,2,3],[4,5,6]]}');
      expect(await r("JSON.ARRTRIM", key(), "$..*", "0", "0")).toEqual([1, 1, 1, null, null, null, null, null, null]);
      expect(await r("JSON.GET", key(), "$.a")).toEqual("[[[1]]]");
      await r("JSON.SET", key(), "$", '{"a":[[1,2],[3,4]]}');
      expect(await r("JSON.ARRINSERT", key(), "$..*", "0", "99")).toEqual([3, 3, 3, null, null, null, null]);
      expect(await r("JSON.GET", key(), "$.a")).toEqual("[[99,[99,1,2],[99,3,4]]]");
      await r("JSON.SET", key(), "$", '[{"name":{"first":"Markss","middle":"S","last":"Pronto"},"rank":1},{"name":{"first":"A","middle":"A","last":"Pronto"},"rank":8},{"name":{"first":"A","middle":"A","last":"Pronto"},"rank":90}]');
      expect(await r("JSON.GET", key(), '$.[?(@.name.first=="A")].rank')).toEqual("[8,90]");
    },
  },
  {
    name: "RedisJSON's multi-path GET, MGET and NUM*BY tests",
    fromDocs: "RedisJSON v2.6.24 tests/pytest/test_multi.py (testSetAndGetCommands, testMGetCommand, testNumByCommands)",
    async run({ r, key }) {
      await r("JSON.SET", key("2"), "$", '{"a":1,"nested":{"a":2,"b":3}}');
      expect(await r("JSON.SET", key("2"), "$..a", "4.2")).toEqual("OK");
      expect(await r("JSON.GET", key("2"), "$")).toEqual('[{"a":4.2,"nested":{"a":4.2,"b":3}}]');
      expect(await r("JSON.GET", key("2"), "INDENT", "\\t", "NEWLINE", "\\n", "SPACE", " ", "$..a", "$..a")).toEqual('{\\n\\t"$..a": [\\n\\t\\t4.2,\\n\\t\\t4.2\\n\\t]\\n}');
      expect(await r("JSON.GET", key("2"), "INDENT", "\\t", "NEWLINE", "\\n", "SPACE", " ", "..a", "..a")).toEqual('{\\n\\t"..a": 4.2\\n}');
      expect(JSON.parse((await r("JSON.GET", key("2"), "..a", "..b", "$.back_in_nov")) as string)).toEqual({ "$.back_in_nov": [], "..a": [4.2, 4.2], "..b": [3] });
      expect(await r("JSON.GET", key("none"), "..tm", "$..nu")).toEqual(null);
      expect(await r("JSON.SET", key("2"), "$.nested.b", "null")).toEqual("OK");
      expect(await r("JSON.GET", key("2"), ".a", ".nested.b", ".back_in_nov", ".ttyl")).toEqual(error("ERR Path '.back_in_nov' does not exist"));

      await r("JSON.SET", key("m1"), "$", '{"a":1, "b": 2, "nested1": {"a": 3}, "c": null, "nested2": {"a": null}}');
      await r("JSON.SET", key("m2"), "$", '{"a":4, "b": 5, "nested3": {"a": 6}, "c": null, "nested4": {"a": [null]}}');
      await r("SET", key("str"), "not a json key");
      expect(await r("JSON.MGET", key("m1"), key("str"), key("m2"), "$..a")).toEqual(["[1,3,null]", null, "[4,6,[null]]"]);
      expect(await r("JSON.MGET", key("m1"), key("m2"), key("str"), key("missing"), "$.nested1.a")).toEqual(["[3]", "[]", null, null]);
      expect(await r("JSON.MGET", key("m1"), key("m2"), "..a")).toEqual(["1", "4"]);
      expect(await r("JSON.MGET", key("m1"), key("m2"), key("str"), key("missing"), ".nested1.a")).toEqual(["3", null, null, null]);

      const reset = () => r("JSON.SET", key("n"), "$", '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}');
      await reset();
      expect(await r("JSON.NUMINCRBY", key("n"), "$..a", "2")).toEqual("[null,4,7.0,null]");
      expect(await r("JSON.NUMINCRBY", key("n"), "$..a", "2.5")).toEqual("[null,6.5,9.5,null]");
      expect(await r("JSON.NUMINCRBY", key("n"), "$.b[1].a", "2")).toEqual("[11.5]");
      expect(await r("JSON.NUMINCRBY", key("n"), "$.b[2].a", "2")).toEqual("[null]");
      expect(await r("JSON.NUMINCRBY", key("n"), "$.b[1].a", "3.5")).toEqual("[15.0]");
      await reset();
      expect(await r("JSON.NUMMULTBY", key("n"), "$..a", "2")).toEqual("[null,4,10.0,null]");
      expect(await r("JSON.NUMMULTBY", key("n"), "$..a", "2.5")).toEqual("[null,10.0,25.0,null]");
      expect(await r("JSON.NUMMULTBY", key("n"), "$.b[1].a", "3")).toEqual("[75.0]");
      await reset();
      expect(await r("JSON.NUMPOWBY", key("n"), "$..a", "2")).toEqual("[null,4,25.0,null]");
      expect(await r("JSON.NUMPOWBY", key("n"), "$..a", "2")).toEqual("[null,16,625.0,null]");
      expect(await r("JSON.NUMPOWBY", key("n"), "$.b[1].a", "2")).toEqual("[390625.0]");
      expect(await r("JSON.NUMPOWBY", key("n"), "$.b[1].a", "3")).toEqual("[5.960464477539062e16]");
      expect(await r("JSON.NUMINCRBY", key("none"), "$..a", "2")).toEqual(error("ERR could not perform this operation on a key that doesn't exist"));
      await reset();
      expect(await r("JSON.NUMINCRBY", key("n"), ".b[0].a", "3")).toEqual("5");
      expect(await r("JSON.NUMMULTBY", key("n"), ".b[0].a", "3")).toEqual("15");
      expect(await r("JSON.NUMPOWBY", key("n"), ".b[0].a", "2")).toEqual("225");
    },
  },
]);
