/**
 * JSON cases ported from RedisJSON's own test suite: its legacy-path tests, JSONPath answer
 * shapes, nested writes and multi-path commands (expectations from its tests and source).
 */
import { expect } from "vitest";
import { defineCases, error } from "../harness";
import { TESTS } from "./json-helpers";

export const jsonUpstreamCases = defineCases("json-upstream", [
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
