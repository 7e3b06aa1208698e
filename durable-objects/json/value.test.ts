import { describe, expect, it } from "vitest";
import { JFloat, JInt, JsonSyntaxError, JsonTextTooLongError, JsonTooManyValuesError, MAX_DOCUMENT_VALUES, countValues, formatFloat, formatRespDouble, parseJson, serialize } from "./value";

describe("JSON values", () => {
  it("keeps integers exact and floats as serde_json prints them", () => {
    const v = parseJson("[0,-1,9223372036854775807,-9223372036854775808,18446744073709551615,18446744073709551616,1.0,2.50,1e2,-0.0]");
    expect(serialize(v)).toBe("[0,-1,9223372036854775807,-9223372036854775808,18446744073709551615,1.8446744073709552e19,1.0,2.5,100.0,-0.0]");
    expect((v as unknown[])[2]).toBeInstanceOf(JInt);
    expect((v as unknown[])[6]).toBeInstanceOf(JFloat);
  });

  it("lays floats out as ryu does", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [0.1, "0.1"],
      [123.456, "123.456"],
      [1e15, "1000000000000000.0"],
      [1e16, "1e16"],
      [1.5e16, "1.5e16"],
      [0.0001, "0.0001"],
      [0.00001, "0.00001"],
      [0.000001, "1e-6"],
      [1.25e-7, "1.25e-7"],
      [-3.5, "-3.5"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e308"],
    ];
    for (const [f, s] of cases) expect(formatFloat(f)).toBe(s);
  });

  it("prints RESP doubles as %.17g", () => {
    expect(formatRespDouble(64.99)).toBe("64.989999999999995");
    expect(formatRespDouble(0.5)).toBe("0.5");
    expect(formatRespDouble(1e20)).toBe("1e+20");
    expect(formatRespDouble(1.5e-7)).toBe("1.4999999999999999e-07");
  });

  it("answers serde_json's errors with their positions", () => {
    const err = (s: string) => {
      try {
        parseJson(s);
      } catch (e) {
        expect(e).toBeInstanceOf(JsonSyntaxError);
        return (e as Error).message;
      }
      return "parsed";
    };
    expect(err("")).toBe("EOF while parsing a value at line 1 column 0");
    expect(err("{")).toBe("EOF while parsing an object at line 1 column 1");
    expect(err("[1,2")).toBe("EOF while parsing a list at line 1 column 4");
    expect(err("trueabc")).toBe("trailing characters at line 1 column 5");
    expect(err('{"a" 1}')).toBe("expected `:` at line 1 column 6");
    expect(err("[1,]")).toBe("trailing comma at line 1 column 4");
    expect(err("{1:2}")).toBe("key must be a string at line 1 column 2");
    expect(err("01")).toBe("invalid number at line 1 column 2");
    expect(err('"a\nb"')).toBe("control character (\\u0000-\\u001F) found while parsing a string at line 2 column 0");
    expect(err("[".repeat(128))).toBe("recursion limit exceeded at line 1 column 128");
    expect(err("[".repeat(127) + "]".repeat(127))).toBe("parsed");
  });

  it("keeps strings and escapes as JSON does, object keys in insertion order", () => {
    const v = parseJson('{"b":"\\u00e9\\n\\"","a":"\\ud83d\\ude00","b":1}');
    expect(serialize(v)).toBe('{"b":1,"a":"😀"}');
    expect(serialize(parseJson('"\\u0001\\t/"'))).toBe('"\\u0001\\t/"');
  });

  it("pretty-prints with INDENT, NEWLINE and SPACE", () => {
    const v = parseJson('{"a":[1,{"b":[]}],"c":{}}');
    expect(serialize(v, { indent: " ", newline: "\n", space: " " })).toBe('{\n "a": [\n  1,\n  {\n   "b": []\n  }\n ],\n "c": {}\n}');
  });

  it("stops parsing past MAX_DOCUMENT_VALUES values and shares small integers", () => {
    expect(() => parseJson(`[${'"s",'.repeat(MAX_DOCUMENT_VALUES)}"s"]`)).toThrow(JsonTooManyValuesError);
    expect(() => parseJson(`[${"1,".repeat(MAX_DOCUMENT_VALUES)}1]`)).not.toThrow();
    const v = parseJson(`[${"7,".repeat(10)}7]`) as JInt[];
    expect(v[0]).toBe(v[10]);
    expect(countValues(parseJson('{"a":[1,{"b":null}],"c":"x","d":12345}'))).toBe(5);
    expect(countValues(parseJson(`[${'"x",'.repeat(99)}"x"]`), 10)).toBe(11);
  });

  it("stops serializing past its limit", () => {
    expect(() => serialize(parseJson('["abcdef","ghijkl"]'), undefined, 10)).toThrow(JsonTextTooLongError);
    expect(serialize(parseJson('["abc"]'), undefined, 7)).toBe('["abc"]');
  });
});
