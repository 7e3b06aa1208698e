import { describe, expect, it } from "vitest";
import { MAX_EVAL_STEPS, PathSyntaxError, PathTooCostlyError, compile, evaluate, isStatic, normalizePath, pathOf, resetEvalBudget } from "./path";
import { parseJson, serialize } from "./value";

const DOC = parseJson(
  '{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95},' +
    '{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99},' +
    '{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99},' +
    '{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99}],' +
    '"bicycle":{"color":"red","price":19.95}},"expensive":10}',
);
const get = (path: string) => {
  resetEvalBudget();
  return serialize(evaluate(compile(path), DOC).map((m) => m.value));
};

describe("JSONPath (the Goessner examples, as RedisJSON's path docs use them)", () => {
  it("selects by name, wildcard, index, slice and union", () => {
    expect(get("$.store.book[*].author")).toBe('["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]');
    expect(get("$..author")).toBe('["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]');
    expect(get("$.store.*.color")).toBe('["red"]');
    expect(get("$.store..price")).toBe("[8.95,12.99,8.99,22.99,19.95]");
    expect(get("$..book[2].title")).toBe('["Moby Dick"]');
    expect(get("$..book[-1].title")).toBe('["The Lord of the Rings"]');
    expect(get("$..book[-10].title")).toBe('["Sayings of the Century"]');
    expect(get("$..book[0,1].price")).toBe("[8.95,12.99]");
    expect(get("$..book[:2].price")).toBe("[8.95,12.99]");
    expect(get("$..book[1:3:1].price")).toBe("[12.99,8.99]");
    expect(get("$..book[::3].price")).toBe("[8.95,22.99]");
    expect(get("$.store['bicycle']['color','price']")).toBe('["red",19.95]');
    expect(get('$.store["bicycle"].color')).toBe('["red"]');
  });

  it("filters with comparisons, existence, && and || and the root", () => {
    expect(get("$..book[?(@.isbn)].title")).toBe('["Moby Dick","The Lord of the Rings"]');
    expect(get("$..book[?(@.price<10)].title")).toBe('["Sayings of the Century","Moby Dick"]');
    expect(get("$..book[?(@.price < $.expensive)].price")).toBe("[8.95,8.99]");
    expect(get('$..book[?(@.category == "fiction" && @.price > 20)].title')).toBe('["The Lord of the Rings"]');
    expect(get("$..book[?(@.price > 20 || @.price < 9)].price")).toBe("[8.95,8.99,22.99]");
    expect(get("$..book[?((@.price > 20 || @.price < 9) && @.isbn)].price")).toBe("[8.99,22.99]");
    expect(get('$..book[?(@.author =~ "^J")].title')).toBe('["The Lord of the Rings"]');
    expect(get("$.store.bicycle[?(@ == 'red')]")).toBe('["red"]');
    expect(get("$..book[?(@.price != 8.95)].price")).toBe("[12.99,8.99,22.99]");
  });

  it("recursive descent visits a node before its children, in document order", () => {
    const doc = parseJson('{"a":{"a":{"a":1}},"b":[{"a":2}]}');
    resetEvalBudget();
    expect(serialize(evaluate(compile("$..a"), doc).map((m) => m.value))).toBe('[{"a":{"a":1}},{"a":1},1,2]');
    expect(evaluate(compile("$..a"), doc).map(pathOf)).toEqual([["a"], ["a", "a"], ["a", "a", "a"], ["b", 0, "a"]]);
  });

  it("translates legacy paths", () => {
    expect(normalizePath(".")).toEqual({ path: "$", legacy: true });
    expect(normalizePath(".a.b")).toEqual({ path: "$.a.b", legacy: true });
    expect(normalizePath("a[0]")).toEqual({ path: "$.a[0]", legacy: true });
    expect(normalizePath("$")).toEqual({ path: "$", legacy: false });
    expect(normalizePath("$a")).toEqual({ path: "$.$a", legacy: true });
    expect(isStatic(compile("$.a[0]['b']"))).toBe(true);
    expect(isStatic(compile("$.a[0,1]"))).toBe(false);
  });

  it("refuses bad paths with the crate's message shape", () => {
    expect(() => compile("$.a[")).toThrow(PathSyntaxError);
    expect(() => compile("$.a b")).toThrow(/^Error occurred on position 4, "\$\.a  ---->>>> b"/);
    expect(() => compile("$[?(" + "(".repeat(40) + "@.a" + ")".repeat(40) + ")]")).toThrow(PathSyntaxError);
  });

  it("stops an evaluation that would visit more than MAX_EVAL_STEPS values", () => {
    const wide = parseJson(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i, a: [i, { b: i }] }))));
    expect(evaluate(compile("$..b"), wide)).toHaveLength(200);
    const deep = parseJson('{"a":'.repeat(100) + "1" + "}".repeat(100));
    resetEvalBudget();
    expect(() => evaluate(compile("$..a..a..a..a"), deep)).toThrow(PathTooCostlyError);
    resetEvalBudget();
    expect(() => evaluate(compile("$..[?($..b == $..i)]"), wide)).toThrow(PathTooCostlyError);
    expect(MAX_EVAL_STEPS).toBeGreaterThan(1_000_000);
    resetEvalBudget();
    expect(evaluate(compile("$[0].i"), wide)).toHaveLength(1);
    // The budget is the command's, across its evaluations: many cheap ones add up.
    resetEvalBudget();
    const q = compile("$..b");
    expect(() => {
      for (let i = 0; i < 10_000; i++) evaluate(q, wide);
    }).toThrow(PathTooCostlyError);
  });
});
