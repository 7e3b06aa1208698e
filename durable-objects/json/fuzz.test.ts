/**
 * Hostile input for the JSON parser and the path engine: seeded random texts and paths built
 * from the grammars' own characters. Each may be refused, but only with the engine's own errors
 * (the command's error reply), never another exception, and a parsed text prints back and
 * re-parses to the same printing.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/random";
import { PathSyntaxError, PathTooCostlyError, compile, evaluate, pathOf, resetEvalBudget } from "./path";
import { JsonSyntaxError, JsonTooManyValuesError, parseJson, serialize } from "./value";

const JSON_PIECES = ["{", "}", "[", "]", ",", ":", '"a"', '"\\u00e9"', '"\\ud83d"', "1", "-0", "1.5e3", "1e400", "true", "nul", "null", " ", "\n", '"', "\\", "0", "01", "-"];
const PATH_PIECES = ["$", ".", "..", "a", "*", "[", "]", "0", "-1", ":", "2", "'a'", ",", "?", "(", ")", "@", "@.a", "==", "<", "&&", "||", '"x"', "1.5", "true", "=~", " ", "$..a"];

function pick<T>(rnd: () => number, xs: T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

describe("JSON engine under random input", () => {
  it("parses or refuses random texts with serde_json's errors only", () => {
    const rnd = seededRandom(11);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const n = 1 + Math.floor(rnd() * 12);
      const text = Array.from({ length: n }, () => pick(rnd, JSON_PIECES)).join("");
      try {
        const v = parseJson(text);
        parsed++;
        expect(serialize(parseJson(serialize(v)))).toBe(serialize(v));
      } catch (e) {
        if (!(e instanceof JsonSyntaxError || e instanceof JsonTooManyValuesError)) throw new Error(`${JSON.stringify(text)}: ${e}`);
      }
    }
    expect(parsed).toBeGreaterThan(50);
  });

  it("compiles or refuses random paths, and evaluates the compiled ones", () => {
    const rnd = seededRandom(12);
    const doc = parseJson('{"a":[1,{"a":[2,"x",{"a":true}]},null],"b":{"a":1.5,"c":[[],{}]},"x":"a"}');
    let compiled = 0;
    for (let i = 0; i < 5000; i++) {
      const n = 1 + Math.floor(rnd() * 10);
      const path = "$" + Array.from({ length: n }, () => pick(rnd, PATH_PIECES)).join("");
      let q;
      try {
        q = compile(path);
      } catch (e) {
        if (!(e instanceof PathSyntaxError)) throw new Error(`${JSON.stringify(path)}: ${e}`);
        continue;
      }
      compiled++;
      resetEvalBudget();
      try {
        for (const m of evaluate(q, doc)) expect(pathOf(m)).toHaveLength(m.depth);
      } catch (e) {
        if (!(e instanceof PathTooCostlyError)) throw new Error(`${JSON.stringify(path)}: ${e}`);
      }
    }
    expect(compiled).toBeGreaterThan(100);
  });
});
