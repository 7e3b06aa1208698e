/** Replies → Upstash JSON, plain and base64. */
import { describe, expect, it } from "vitest";
import { OK, err, status } from "../durable-objects/reply";
import { entryToJson, replyToJson } from "./encode";

const b64 = (s: string) => btoa(s);

describe("replyToJson", () => {
  it("integers as numbers (bigint with all digits), strings, null, nested arrays", () => {
    expect(replyToJson(42, false)).toBe("42");
    expect(replyToJson(2n ** 63n - 1n, false)).toBe("9223372036854775807");
    expect(replyToJson([null, "a", [1, new TextEncoder().encode("b")]], false)).toBe('[null,"a",[1,"b"]]');
    expect(replyToJson(status("PONG"), false)).toBe('"PONG"');
  });

  it("base64: every string, statuses included; numbers and null stay", () => {
    expect(replyToJson(["a", 1, null, [status("OK")]], true)).toBe(`["${b64("a")}",1,null,["${b64("OK")}"]]`);
    expect(replyToJson(new Uint8Array([0xff, 0x00]), true)).toBe('"/wA="');
  });
});

describe("entryToJson", () => {
  it("an error is never encoded and has no result key", () => {
    expect(entryToJson(err("ERR x"), true)).toBe('{"error":"ERR x"}');
  });

  it("a whole OK stays plain under base64, as Upstash sends it", () => {
    expect(entryToJson(OK, true)).toBe('{"result":"OK"}');
    expect(entryToJson(status("PONG"), true)).toBe(`{"result":"${b64("PONG")}"}`);
    expect(entryToJson(null, true)).toBe('{"result":null}');
  });
});
