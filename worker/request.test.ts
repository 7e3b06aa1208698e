/** Request forms → argv, without a server. */
import { describe, expect, it } from "vitest";
import { BadRequest, parseCommandBody, parseCommandList, parsePathCommand, TooLarge } from "./request";

const enc = (s: string) => new TextEncoder().encode(s);
const path = (p: string, body: Uint8Array | null = null) => parsePathCommand(new URL(`http://h${p}`), body);

describe("parsePathCommand", () => {
  it("segments, then the body, then query pairs; _token skipped; + is a space in the query", () => {
    const body = enc("v");
    expect(path("/set/k?EX=10&_token=t&NX", body)).toEqual(["set", "k", body, "EX", "10", "NX"]);
    expect(path("/echo/a+b?x=a+b%2B")).toEqual(["echo", "a+b", "x", "a b+"]);
  });

  it("one trailing slash is dropped, inner empty segments kept", () => {
    expect(path("/get/k/")).toEqual(["get", "k"]);
    expect(path("/set/k//")).toEqual(["set", "k", ""]);
    expect(path("/set//v")).toEqual(["set", "", "v"]);
  });

  it("refuses an empty command and broken percent-encoding", () => {
    expect(() => path("/")).toThrow(BadRequest);
    expect(() => path("/?_token=x")).toThrow("ERR empty command");
    expect(() => path("/get/%ZZ")).toThrow("ERR malformed percent-encoding in the request path");
    expect(() => path("/get/k?a=%E0%A4")).toThrow(BadRequest);
  });
});

describe("JSON bodies", () => {
  it("strings stay, numbers and booleans become text, inexact numbers keep their digits", () => {
    expect(parseCommandBody(enc('["SET","k",1,true,false,-2.5]'))).toEqual(["SET", "k", "1", "true", "false", "-2.5"]);
    expect(parseCommandBody(enc('["INCRBY","k",9223372036854775807]'))).toEqual(["INCRBY", "k", "9223372036854775807"]);
    expect(parseCommandList(enc('[["INCRBY","k",-9223372036854775808],["GET","k"]]'), 10)).toEqual([
      ["INCRBY", "k", "-9223372036854775808"],
      ["GET", "k"],
    ]);
  });

  it("refuses what is not a list of commands", () => {
    expect(() => parseCommandBody(enc(""))).toThrow("ERR empty command");
    expect(() => parseCommandBody(enc("[1,"))).toThrow("ERR the request body is not valid JSON");
    expect(() => parseCommandBody(enc('["a",null]'))).toThrow("argument 2 of the command is null");
    expect(() => parseCommandList(enc("[]"), 10)).toThrow(BadRequest);
    expect(() => parseCommandList(enc('[["a"],"b"]'), 10)).toThrow(BadRequest);
  });

  it("refuses more commands than the limit", () => {
    expect(() => parseCommandList(enc('[["PING"],["PING"],["PING"]]'), 2)).toThrow(TooLarge);
    expect(parseCommandList(enc('[["PING"],["PING"]]'), 2)).toHaveLength(2);
  });
});
