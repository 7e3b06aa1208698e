/** Replies → Upstash JSON, plain and base64. */
import { describe, expect, it } from "vitest";
import { OK, err, status } from "../durable-objects/reply";
import type { Reply } from "../durable-objects/reply";
import { entriesBody, entryBody, entryToJson, replyToJson } from "./encode";

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

describe("large bodies are streamed with exactly the JSON of the whole", () => {
  const text = async (body: string | ReadableStream<Uint8Array>) => (typeof body === "string" ? body : new Response(body).text());
  const whole = (replies: Reply[], base64: boolean) => "[" + replies.map((r) => entryToJson(r, base64)).join(",") + "]";

  /** Bytes with multi-byte UTF-8 sequences and invalid bytes at every offset, so pieces cut through them. */
  function awkwardBytes(n: number): Uint8Array {
    const pattern = [0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xc3, 0x00, 0x22, 0x5c, 0x0a];
    return Uint8Array.from({ length: n }, (_, i) => pattern[i % pattern.length]!);
  }

  it("values larger than a piece, in every shape, plain and base64", async () => {
    const big = awkwardBytes(200_001);
    const astral = "😀é\"\n".repeat(40_000);
    const replies: Reply[] = [big, "x", [big, null, 3, [awkwardBytes(50_000)]], astral, status("OK"), err("ERR no"), null, 2n ** 64n];
    for (const base64 of [false, true]) {
      const body = entriesBody(replies.slice(), base64);
      expect(typeof body).not.toBe("string");
      const got = await text(body);
      expect(got).toBe(whole(replies, base64));
      expect(() => JSON.parse(got)).not.toThrow();
      expect(await text(entryBody(big, base64))).toBe(entryToJson(big, base64));
      expect(await text(entryBody(astral, base64))).toBe(entryToJson(astral, base64));
    }
  });

  it("many small entries past a chunk are streamed too; a small response stays one string", async () => {
    const many: Reply[] = Array.from({ length: 40_000 }, (_, i) => `value-${i}`);
    const body = entriesBody(many.slice(), false);
    expect(typeof body).not.toBe("string");
    expect(await text(body)).toBe(whole(many, false));
    expect(entriesBody(["a", 1, null], true)).toBe(whole(["a", 1, null], true));
  });

  it("the stream lets go of each reply once encoded", async () => {
    const replies: Reply[] = [awkwardBytes(100_000), awkwardBytes(100_000)];
    await text(entriesBody(replies, true));
    expect(replies).toEqual([null, null]);
  });
});
