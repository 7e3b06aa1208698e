import { describe, expect, it } from "vitest";
import { heldReply, type Held } from "./held-reply";

/** A `run` whose reply the test gives when it wants, and the signal it was handed. */
function controlled() {
  let give!: (h: Held) => void;
  let fail!: (e: unknown) => void;
  let signal!: AbortSignal;
  const run = (s: AbortSignal) => {
    signal = s;
    return new Promise<Held>((res, rej) => {
      give = res;
      fail = rej;
    });
  };
  return { run, give: (h: Held) => give(h), fail: (e: unknown) => fail(e), signal: () => signal };
}

const failed = (e: unknown): Held => ({ body: JSON.stringify({ error: String(e) }), status: 200 });

async function readAll(body: Held["body"]): Promise<string> {
  return typeof body === "string" ? body : new Response(body).text();
}

describe("heldReply", () => {
  it("answers a reply that comes within the hold as it is, status included", async () => {
    const held = await heldReply(async () => ({ body: '{"error":"ERR x"}', status: 400 }), undefined, failed, 10_000, 10_000);
    expect(held).toEqual({ body: '{"error":"ERR x"}', status: 400 });
  });

  it("after the hold, starts a 200 response of spaces and ends it with the reply's JSON", async () => {
    const c = controlled();
    const held = await heldReply(c.run, undefined, failed, 1, 1);
    expect(held.status).toBe(200);
    const reader = (held.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(" ");
    c.give({ body: '{"result":["q","job"]}', status: 200 });
    let text = "";
    for (let i = 0; i < 10_000; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.trim()).toBe('{"result":["q","job"]}');
    expect(JSON.parse(" " + text)).toEqual({ result: ["q", "job"] });
    expect(c.signal().aborted).toBe(false);
  });

  it("a streamed reply body is copied after the spaces", async () => {
    const c = controlled();
    const held = await heldReply(c.run, undefined, failed, 1, 1);
    const text = readAll(held.body);
    c.give({ body: new Response('{"result":"big"}').body!, status: 200 });
    expect(JSON.parse(await text)).toEqual({ result: "big" });
  });

  it("a failure after the response started is the body's error", async () => {
    const c = controlled();
    const held = await heldReply(c.run, undefined, failed, 1, 1);
    const text = readAll(held.body);
    c.fail(new Error("boom"));
    expect(JSON.parse(await text)).toEqual({ error: "Error: boom" });
  });

  it("a client that stops reading aborts run's signal", async () => {
    const c = controlled();
    const held = await heldReply(c.run, undefined, failed, 1, 1);
    const reader = (held.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 10_000 && !c.signal().aborted; i++) await new Promise((r) => setTimeout(r, 0));
    expect(c.signal().aborted).toBe(true);
    c.give({ body: "{}", status: 200 });
  });

  it("the request's own cancellation aborts run's signal, before and during the hold", async () => {
    const before = new AbortController();
    before.abort();
    const early = controlled();
    void heldReply(early.run, before.signal, failed, 10_000, 10_000);
    expect(early.signal().aborted).toBe(true);
    early.give({ body: "{}", status: 200 });

    const during = new AbortController();
    const late = controlled();
    const held = heldReply(late.run, during.signal, failed, 10_000, 10_000);
    expect(late.signal().aborted).toBe(false);
    during.abort();
    expect(late.signal().aborted).toBe(true);
    late.give({ body: '{"error":"ERR client gone"}', status: 400 });
    expect(await held).toEqual({ body: '{"error":"ERR client gone"}', status: 400 });
  });
});
