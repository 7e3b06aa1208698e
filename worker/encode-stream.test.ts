/**
 * A streamed body is exactly the text encode.ts writes in one piece: multi-byte characters and
 * invalid UTF-8 across piece boundaries, base64, nested arrays, errors and statuses.
 */
import { describe, expect, it } from "vitest";
import { OK, type Reply } from "../durable-objects/reply";
import { entryToJson } from "./encode";
import { entriesBody, entryBody, STREAM_BYTES } from "./encode-stream";

async function textOf(body: string | ReadableStream<Uint8Array>): Promise<string> {
  return typeof body === "string" ? body : new Response(body).text();
}

/** Text with 1- to 4-byte characters, so piece boundaries fall inside characters, plus stray bytes. */
function mixed(n: number): Uint8Array {
  const unit = new TextEncoder().encode('aé€😀"\\\n\u0001');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 997 === 5 ? 0xff : unit[i % unit.length]!;
  return out;
}

describe("streamed response bodies", () => {
  it("keep small replies as one string", () => {
    expect(entryBody(OK, false)).toBe('{"result":"OK"}');
    expect(entriesBody([OK, 1], false)).toBe('[{"result":"OK"},{"result":1}]');
  });

  for (const base64 of [false, true]) {
    it(`write what encode.ts writes (${base64 ? "base64" : "text"})`, async () => {
      const big = mixed(STREAM_BYTES + 12345);
      const replies: Reply[] = [OK, big, [1, big.subarray(7), null, "x"], { error: "ERR no" }, null, big.subarray(0, 70_000)];
      const body = entriesBody(replies, base64);
      expect(typeof body).not.toBe("string");
      const expected = "[" + replies.map((r) => entryToJson(r, base64)).join(",") + "]";
      expect((await textOf(body)) === expected).toBe(true);
      const one = entryBody(big, base64);
      expect((await textOf(one)) === entryToJson(big, base64)).toBe(true);
    });
  }
});
