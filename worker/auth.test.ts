/** Tokens: where they come from and how they are compared. */
import { describe, expect, it } from "vitest";
import { checkAccess, constantTimeEqual, tokenFrom } from "./auth";

describe("auth", () => {
  it("reads Bearer first, then ?_token=", () => {
    const url = new URL("http://h/get/k?_token=q");
    expect(tokenFrom(new Request(url, { headers: { authorization: "Bearer h" } }), url)).toBe("h");
    expect(tokenFrom(new Request(url), url)).toBe("q");
    expect(tokenFrom(new Request(url, { headers: { authorization: "Basic h" } }), url)).toBeNull();
  });

  it("read-write, read-only, denied, unconfigured", () => {
    expect(checkAccess("rw", "rw", "ro")).toBe("read-write");
    expect(checkAccess("ro", "rw", "ro")).toBe("read-only");
    expect(checkAccess("ro", "rw", undefined)).toBe("denied");
    expect(checkAccess(null, "rw", "ro")).toBe("denied");
    expect(checkAccess("", "rw", "")).toBe("denied");
    expect(checkAccess("anything", undefined, "ro")).toBe("unconfigured");
    expect(checkAccess("", "", undefined)).toBe("unconfigured");
  });

  it("compares whole strings", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    for (const other of ["", "ab", "abcd", "abd", "abcabc"]) expect(constantTimeEqual(other, "abc")).toBe(false);
  });
});
