import { describe, expect, it } from "vitest";
import { compileGlob, globMatch } from "./glob";

/** [pattern, subject, matches]: each answer checked with KEYS against a real redis-server 7.0. */
const CASES: [string, string, boolean][] = [
  ["*", "anything", true],
  ["*", "", true],
  ["**", "", false],
  ["?", "a", true],
  ["?", "", false],
  ["?", "ab", false],
  ["h?llo", "hello", true],
  ["h*llo", "heeeello", true],
  ["h*llo", "hllo", true],
  ["h[ae]llo", "hello", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["h[a-b]llo", "hbllo", true],
  ["h[a-b]llo", "hcllo", false],
  ["h[b-a]llo", "hallo", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "axb", false],
  ["a\\?b", "a?b", true],
  ["[\\]]", "]", true],
  ["[\\-]", "-", true],
  ["[a-]", "b", false],
  ["[a-]", "]", true],
  ["[abc", "a", true],
  ["[abc", "abc", false],
  ["[", "a", false],
  ["abc[", "abc", false],
  ["x\\", "x\\", true],
  ["x\\", "x", false],
  ["*a*b*c", "xaybzc", true],
  ["*a*b*c", "xaybzcd", false],
  ["a*", "a", true],
  ["a*", "b", false],
  ["*x", "abx", true],
  ["[]", "a", false],
  ["[^]", "a", true],
  ["[!a]", "b", false],
  ["[!a]", "!", true],
  ["user:*", "user:1", true],
  ["user:*", "User:1", false],
  ["[[]", "[", true],
  ["*?", "a", true],
  ["*?", "", false],
  ["a[bc]*d", "abxxd", true],
  ["a[bc]*d", "adxd", false],
  ["\\a", "a", true],
  ["[é]", "é", false],
  ["é*", "éa", true],
  ["?", "é", false],
  ["??", "é", true],
  ["[a-z]*[0-9]", "key5", true],
  ["[a-z]*[0-9]", "5key", false],
  ["*.*.*", "a.b.c", true],
  ["a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
  ["foo*bar", "foobar", true],
  ["foo*bar", "foo-bar-baz", false],
  ["f[o-o]o", "foo", true],
  ["\\[a]", "[a]", true],
  ["\\[a]", "a", false],
];

describe("glob matching (Redis stringmatchlen, as KEYS uses it)", () => {
  it.each(CASES)("%j against %j → %s", (pattern, subject, expected) => {
    expect(compileGlob(pattern).test(subject)).toBe(expected);
    if (pattern !== "*") expect(globMatch(pattern, subject)).toBe(expected);
  });

  it("the bare matcher does not match `*` against the empty string (only KEYS/SCAN special-case it)", () => {
    expect(globMatch("*", "")).toBe(false);
  });

  it("compares bytes, case-sensitively", () => {
    expect(globMatch("ABC", "abc")).toBe(false);
    expect(globMatch(new Uint8Array([0x61, 0x3f]), new Uint8Array([0x61, 0xff]))).toBe(true);
  });

  it("gives up early on a pathological pattern instead of backtracking exponentially", () => {
    expect(globMatch("*a".repeat(40) + "b", "a".repeat(2000))).toBe(false);
  });
});

describe("compileGlob", () => {
  it("finds the literal prefix and the match-all pattern", () => {
    expect(compileGlob("user:*").prefix).toBe("user:");
    expect(compileGlob("{t}:a?b").prefix).toBe("{t}:a");
    expect(compileGlob("a\\*").prefix).toBe("a");
    expect(compileGlob("plain").prefix).toBe("plain");
    expect(compileGlob("*").all).toBe(true);
    expect(compileGlob("**").all).toBe(false);
  });

  it("matches like globMatch, and `*` matches the empty key", () => {
    const g = compileGlob("h[ae]llo");
    expect(g.test("hello")).toBe(true);
    expect(g.test("hillo")).toBe(false);
    expect(compileGlob("*").test("")).toBe(true);
    expect(compileGlob("**").test("")).toBe(false);
  });
});
