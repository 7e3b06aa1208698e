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

describe("bodies that must never reach a 5xx", () => {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

  it("deep nesting beside an inexact number is a 400, in the body and pipeline forms", () => {
    expect(() => parseCommandBody(enc(`["SET",1e400,${deep(5000)}]`))).toThrow("ERR argument 3 of the command is an array");
    expect(() => parseCommandList(enc(`[["SET","k",1e400],${deep(5000)}]`), 10)).toThrow(BadRequest);
    expect(() => parseCommandList(enc(`[["SET",1e400,${deep(5000)}]]`), 10)).toThrow("ERR argument 3 of the command is an array");
    expect(() => parseCommandBody(enc(deep(1_000_000)))).toThrow(BadRequest);
    expect(() => parseCommandList(enc(`[${deep(1_000_000)},["SET",1e400]]`), 10)).toThrow(BadRequest);
  });

  it("an inexact number still keeps its digits when the shape is right", () => {
    expect(parseCommandList(enc('[["SET","k",1e400],["INCRBY","k",12345678901234567890]]'), 10)).toEqual([
      ["SET", "k", "1e400"],
      ["INCRBY", "k", "12345678901234567890"],
    ]);
  });

  it("invalid UTF-8 is refused with a 400, never stored as U+FFFD", () => {
    const bad = (json: string, bytes: number[]) => {
      const [before, after] = json.split("#") as [string, string];
      return new Uint8Array([...enc(before), ...bytes, ...enc(after)]);
    };
    for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xc0, 0xaf]]) {
      expect(() => parseCommandBody(bad('["SET","k","#"]', bytes))).toThrow("ERR the request body is not valid UTF-8");
      expect(() => parseCommandList(bad('[["SET","k","#"]]', bytes), 10)).toThrow(BadRequest);
    }
    expect(parseCommandBody(enc('["SET","k","é€😀"]'))).toEqual(["SET", "k", "é€😀"]);
    expect(parseCommandBody(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('["PING"]')]))).toEqual(["PING"]);
  });

  it("the path form keeps a binary body as it is", () => {
    const body = new Uint8Array([0xff, 0x00, 0xc3]);
    expect(path("/set/k", body)).toEqual(["set", "k", body]);
  });
});

describe('binary arguments: {"base64": "…"}', () => {
  const bytes = new Uint8Array([0xff, 0x00, 0xfe]);

  it("is the argument of exactly those bytes, in the body form and in pipelines", () => {
    expect(parseCommandBody(enc('["SET",{"base64":"/wD+"},{"base64":""},"EX",{"base64":"MTA="}]'))).toEqual(["SET", bytes, new Uint8Array(), "EX", enc("10")]);
    expect(parseCommandList(enc('[["GET",{"base64":"/wD+"}],["SET","k",{"base64":"AAEC/w=="}]]'), 10)).toEqual([
      ["GET", bytes],
      ["SET", "k", new Uint8Array([0, 1, 2, 0xff])],
    ]);
    // Beside an inexact number (the reviver's second parse) the bytes are decoded again, the same.
    expect(parseCommandBody(enc('["SET",{"base64":"/wD+"},1e400]'))).toEqual(["SET", bytes, "1e400"]);
  });

  it("refuses other objects, extra fields and a base64 that is not a string", () => {
    for (const arg of ['{}', '{"v":1}', '{"base64":"AA==","x":1}', '{"Base64":"AA=="}', '{"base64":1}', '{"base64":null}', '{"base64":["AA=="]}', '{"base64":{"base64":"AA=="}}']) {
      expect(() => parseCommandBody(enc(`["SET","k",${arg}]`)), arg).toThrow(
        'ERR argument 3 of the command is an object other than {"base64":"…"}: a binary argument is an object with the one field "base64"',
      );
    }
  });

  it("refuses base64 that is not standard, padded and canonical", () => {
    for (const text of ["A", "AA", "AAA", "AA=", "A===", "====", "AA==AA==", "AA AA==", "-_8=", "AB==", "AAB=", "Zm9v\n", "Zm9v!"]) {
      expect(() => parseCommandBody(enc(`["SET","k",{"base64":${JSON.stringify(text)}}]`)), text).toThrow(
        "ERR argument 3 of the command is not valid base64: {\"base64\":\"…\"} takes standard base64 (A-Z a-z 0-9 + /, padded with =)",
      );
    }
    expect(() => parseCommandList(enc('[["PING"],["SET","k",{"base64":"%%%%"}]]'), 10)).toThrow(BadRequest);
    expect(parseCommandBody(enc('["ECHO",{"base64":"AA=="},{"base64":"AAA="},{"base64":"Zm9v"}]'))).toEqual([
      "ECHO",
      new Uint8Array([0]),
      new Uint8Array([0, 0]),
      enc("foo"),
    ]);
  });

  it("every byte value round-trips through its canonical spelling", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 3; n++) {
      const slice = all.subarray(256 - n - 5);
      const text = btoa(String.fromCharCode(...slice));
      expect(parseCommandBody(enc(JSON.stringify(["SET", { base64: text }]))), text).toEqual(["SET", slice]);
    }
    const text = btoa(String.fromCharCode(...all));
    expect(parseCommandBody(enc(JSON.stringify(["SET", { base64: text }])))).toEqual(["SET", all]);
  });
});
