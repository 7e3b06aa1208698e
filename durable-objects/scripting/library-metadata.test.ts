import { describe, expect, it } from "vitest";
import { CommandError } from "../reply";
import { parseLibraryMetadata, splitArgs } from "./library-metadata";

function refusal(code: string): string {
  try {
    parseLibraryMetadata(code);
  } catch (e) {
    if (e instanceof CommandError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

describe("library metadata (each answer checked with FUNCTION LOAD on redis-server 7.0.15)", () => {
  it("takes the engine and name= in any case, blanks and quotes as sdssplitargs", () => {
    expect(parseLibraryMetadata("#!LUA name=up\nbody")).toEqual({ engine: "LUA", name: "up", body: "\nbody" });
    expect(parseLibraryMetadata("#!lua NAME=up2\n").name).toBe("up2");
    expect(parseLibraryMetadata("#!lua\tname=tab\n").name).toBe("tab");
    expect(parseLibraryMetadata('#!lua name="ab"\n').name).toBe("ab");
    expect(parseLibraryMetadata("#!lua   name=x   \n").name).toBe("x");
  });

  it("refuses with Redis's texts, in Redis's order", () => {
    expect(refusal("lua name=x\nx")).toBe("ERR Missing library metadata");
    expect(refusal("#!lua name=x")).toBe("ERR Invalid library metadata");
    expect(refusal('#!lua name="a b\nx')).toBe("ERR Invalid library metadata");
    expect(refusal("#!lua name=x\0\nx")).toBe("ERR Invalid library metadata");
    expect(refusal("#!lua name=a name=b\nx")).toBe("ERR Invalid metadata value, name argument was given multiple times");
    expect(refusal("#!lua name=x foo=bar\nx")).toBe("ERR Invalid metadata value given: foo=bar");
    expect(refusal("#!lua foo=bar name=x name=y\nx")).toBe("ERR Invalid metadata value given: foo=bar");
    expect(refusal("#!lua\nx")).toBe("ERR Library name was not given");
    expect(refusal("#!\nx")).toBe("ERR Library name was not given");
    const badName = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
    expect(refusal("#!lua name=\nx")).toBe(badName);
    expect(refusal("#!lua name=a-b\nx")).toBe(badName);
    expect(refusal("#!js name=a-b\nx")).toBe(badName);
    expect(refusal("#!js name=x\nx")).toBe("ERR Engine 'js' not found");
    expect(refusal("#! name=x\nx")).toBe("ERR Engine '' not found");
  });
});

describe("splitArgs (sdssplitargs)", () => {
  it("splits on blanks, unquotes and unescapes", () => {
    expect(splitArgs("  a  b\tc ")).toEqual(["a", "b", "c"]);
    expect(splitArgs('"a b" \'c d\' e"f g"')).toEqual(["a b", "c d", "ef g"]);
    expect(splitArgs('"\\x41\\n\\q" \'it\\\'s\'')).toEqual(["A\nq", "it's"]);
    expect(splitArgs("")).toEqual([]);
    expect(splitArgs("a\0 b")).toEqual(["a"]);
  });

  it("refuses unbalanced quotes and a closing quote followed by a non-blank", () => {
    expect(splitArgs('"abc')).toBeNull();
    expect(splitArgs("'abc")).toBeNull();
    expect(splitArgs('"a"b')).toBeNull();
    expect(splitArgs("'a'b")).toBeNull();
  });
});
