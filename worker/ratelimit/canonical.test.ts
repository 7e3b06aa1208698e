/**
 * The canonical forms rules are matched on: each fold of the table in docs/rate-limiting.md
 * ("How requests are matched"), what is deliberately not folded, and patterns folded alike.
 */
import { describe, expect, it } from "vitest";
import { canonicalHost, compilePattern, decodeUnreserved, lenientPath, requestForms, requestMethods, strictPath } from "./canonical";

const forms = (url: string, init: RequestInit = {}) => requestForms(new Request(url, init));
const matches = (pattern: string, url: string, init: RequestInit = {}) => compilePattern(pattern).test(forms(url, init));

describe("canonical forms", () => {
  it("decodes only unreserved characters, in one pass, and upper-cases the other escapes", () => {
    expect(decodeUnreserved("/%6cogin/%7e%2d%2E%5f%41%7A%30")).toBe("/login/~-._Az0");
    expect(decodeUnreserved("/a%2fb%3f%25%2541%c3%a9")).toBe("/a%2Fb%3F%25%2541%C3%A9");
  });

  it("strict: dot segments, repeated and trailing slashes, case", () => {
    expect(strictPath("/LOGIN/")).toBe("/login");
    expect(strictPath("//login")).toBe("/login");
    expect(strictPath("/a/../login")).toBe("/login");
    expect(strictPath("/a/%2E%2e/login")).toBe("/login");
    expect(strictPath("/./a/./b/.")).toBe("/a/b");
    expect(strictPath("/../../x")).toBe("/x");
    // Empty segments count when resolving `..`, as RFC 3986 has it (and the URL parser did).
    expect(strictPath("/a//../b")).toBe("/a/b");
    expect(strictPath("/")).toBe("/");
    expect(strictPath("")).toBe("/");
    expect(strictPath("///")).toBe("/");
    // Not folded: an encoded slash or backslash, `;`, other escapes.
    expect(strictPath("/x%2F..%2Flogin")).toBe("/x%2f..%2flogin");
    expect(strictPath("/login;a=1")).toBe("/login;a=1");
  });

  it("lenient: %2F and %5C as separators, ;parameters dropped, slashes merged before dots; null when it reads the same", () => {
    expect(lenientPath("/login")).toBeNull();
    expect(lenientPath("/x%2F..%2Flogin")).toBe("/login");
    expect(lenientPath("/x%5c..%5CLogin")).toBe("/login");
    expect(lenientPath("/login;jsessionid=1/x;y")).toBe("/login/x");
    expect(lenientPath("/a/..;/login")).toBe("/login");
    expect(lenientPath("/a//..%2Fb")).toBe("/b");
  });

  it("hosts: case, trailing dots; ports are not part of the host name; IDN already punycode", () => {
    expect(canonicalHost("Admin.Example.COM.")).toBe("admin.example.com");
    expect(forms("http://admin.example.com.:8080/").host).toBe("admin.example.com");
    expect(forms("http://bücher.example/").host).toBe("xn--bcher-kva.example");
  });

  it("methods: its own, GET for HEAD, and an override", () => {
    const methods = (init: RequestInit, url = "http://h/") => [...requestMethods(new Request(url, init), new URL(url))].sort();
    expect(methods({ method: "HEAD" })).toEqual(["GET", "HEAD"]);
    expect(methods({ method: "POST", headers: { "x-http-method-override": "delete" } })).toEqual(["DELETE", "POST"]);
    expect(methods({ method: "POST", headers: { "x-http-method": "PUT", "x-method-override": "PATCH" } })).toEqual(["PATCH", "POST", "PUT"]);
    expect(methods({ method: "POST" }, "http://h/?_method=put")).toEqual(["POST", "PUT"]);
  });

  it("a request's forms: the lenient one only when it differs", () => {
    expect(forms("http://h/A//b/").paths).toEqual(["/a/b"]);
    expect(forms("http://h/a%2Fb").paths).toEqual(["/a%2fb", "/a/b"]);
  });
});

describe("patterns", () => {
  it("path globs are folded as paths are", () => {
    expect(matches("/Login/", "http://h/login")).toBe(true);
    expect(matches("/%6Cogin", "http://h/LOGIN")).toBe(true);
    expect(matches("/login", "http://h/login/x")).toBe(false);
    expect(matches("/login", "http://h/logins")).toBe(false);
  });

  it("/dir/* also covers /dir and /dir/ (what they fold to); /a/*/b covers /a/b", () => {
    for (const url of ["http://h/api", "http://h/api/", "http://h/API//", "http://h/api/x/y"]) expect(matches("/api/*", url), url).toBe(true);
    expect(matches("/api/*", "http://h/apix")).toBe(false);
    expect(matches("/a/*/b", "http://h/a/b")).toBe(true);
    expect(matches("/a/*/b", "http://h/a//b")).toBe(true);
    expect(matches("/a/*/b", "http://h/a/x/y/b")).toBe(true);
    expect(matches("/a/*/b", "http://h/ab")).toBe(false);
    expect(matches("/*", "http://h/")).toBe(true);
    expect(matches("/login*", "http://h/login/")).toBe(true);
  });

  it("regular-expression characters in a pattern are literal", () => {
    expect(matches("/a.b+(c)", "http://h/a.b+(c)")).toBe(true);
    expect(matches("/a.b", "http://h/axb")).toBe(false);
  });

  it("host globs: folded, with * for labels, every port; a port in a pattern is an error", () => {
    expect(matches("Admin.Example.com./*", "http://admin.example.com:8443/x")).toBe(true);
    expect(matches("*.example.com/*", "http://a.b.example.com./")).toBe(true);
    expect(matches("*.example.com/*", "http://example.com/")).toBe(false);
    expect(matches("bücher.example/*", "http://xn--bcher-kva.example/")).toBe(true);
    expect(matches("shop.example", "http://shop.example/any/path")).toBe(true);
    expect(matches("shop.example/cart", "http://shop.example/CART/")).toBe(true);
    expect(() => compilePattern("admin.example.com:8080/*")).toThrow(/port/);
    expect(() => compilePattern("bad host/*")).toThrow(/host/);
  });

  it("a path with an encoded slash matches rules under both readings", () => {
    expect(matches("/login", "http://h/x%2F..%2Flogin")).toBe(true);
    expect(matches("/files/*", "http://h/files/..%2F..%2Fx")).toBe(true);
    expect(matches("/x", "http://h/files/..%2F..%2Fx")).toBe(true);
  });
});
