/**
 * Values up to the value limit (32 MiB by default) through the Worker over HTTP: binary-safe with
 * the path form's raw body, as text in a JSON body, grown by APPEND, patched far out by SETRANGE
 * and read in small slices by GETRANGE; a batch and a reply too large for one RPC message (they
 * cross partly as a stream, durable-objects/transport.ts); and what happens above each limit.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Errors } from "../../durable-objects/errors";
import { DEFAULT_MAX_VALUE_BYTES } from "../../durable-objects/limits";
import { DEFAULT_MAX_REQUEST_BYTES } from "../../worker/env";
import { freshKey, TOKEN } from "./http-helpers";

const MAX = DEFAULT_MAX_VALUE_BYTES;
const auth = { authorization: `Bearer ${TOKEN}` };

/** Every byte position distinguishable, every byte value present. */
function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i + seed + (i >> 8) * 7) & 0xff;
  return out;
}

/** The first index where the base64 text `b64` differs from `expected`, or -1. */
function base64Difference(b64: string, expected: Uint8Array): number {
  const s = atob(b64);
  const n = Math.min(s.length, expected.length);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) !== expected[i]) return i;
  return s.length === expected.length ? -1 : n;
}

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`http://edgekv${path}`, { method: "POST", headers: { ...auth, ...headers }, body });
}

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { result?: unknown; error?: string } }> {
  const res = await SELF.fetch(`http://edgekv${path}`, { headers: { ...auth, ...headers } });
  return { status: res.status, body: await res.json() };
}

describe("a value of the largest size", { timeout: 120_000 }, () => {
  it("SET and GET of a 32 MiB binary value through the path form's raw body", async () => {
    const key = freshKey("large-raw");
    const value = pattern(MAX);
    expect(await (await post(`/set/${key}`, value)).json()).toEqual({ result: "OK" });
    expect((await get(`/strlen/${key}`)).body).toEqual({ result: MAX });
    const { status, body } = await get(`/get/${key}`, { "upstash-encoding": "base64" });
    expect(status).toBe(200);
    expect(base64Difference(body.result as string, value)).toBe(-1);
    expect((await get(`/getrange/${key}/${MAX - 3}/-1`, { "upstash-encoding": "base64" })).body.result).toBe(btoa(String.fromCharCode(...value.subarray(MAX - 3))));
    expect((await get(`/del/${key}`)).body).toEqual({ result: 1 });
  });

  it("SET and GET of a 32 MiB text value in a JSON body", async () => {
    const key = freshKey("large-json");
    const text = "abcdefghijklmnopqrstuvwxyz012345".repeat(MAX / 32);
    const set = await post("/", JSON.stringify(["SET", key, text]));
    expect(await set.json()).toEqual({ result: "OK" });
    const res = await post("/", JSON.stringify(["GET", key]));
    const body = (await res.json()) as { result: string };
    expect(body.result.length).toBe(MAX);
    expect(body.result === text).toBe(true);
    await post("/", JSON.stringify(["DEL", key]));
  });

  it("APPEND in steps up to the limit, SETRANGE at the far end, GETRANGE of a small slice", async () => {
    const key = freshKey("large-append");
    const step = MAX / 4;
    for (let i = 1; i <= 4; i++) {
      const res = await post(`/append/${key}`, pattern(step, i));
      expect(await res.json()).toEqual({ result: i * step });
    }
    expect(await (await post(`/setrange/${key}/${MAX - 2}`, Uint8Array.of(0xfe, 0xff))).json()).toEqual({ result: MAX });
    const slice = await get(`/getrange/${key}/${MAX - 4}/${MAX - 1}`, { "upstash-encoding": "base64" });
    const last = pattern(step, 4).subarray(step - 4, step - 2);
    expect(slice.body.result).toBe(btoa(String.fromCharCode(...last, 0xfe, 0xff)));
    const middle = await get(`/getrange/${key}/${step - 1}/${step}`, { "upstash-encoding": "base64" });
    expect(middle.body.result).toBe(btoa(String.fromCharCode(pattern(step, 1)[step - 1]!, pattern(step, 2)[0]!)));
    // One byte more than the limit: refused, and the value is unchanged.
    expect((await (await post(`/append/${key}`, "x")).json())).toEqual({ error: Errors.valueTooLarge(MAX) });
    expect(await (await post(`/setrange/${key}/${MAX}`, "x")).json()).toEqual({ error: Errors.valueTooLarge(MAX) });
    expect((await get(`/strlen/${key}`)).body).toEqual({ result: MAX });
    await get(`/del/${key}`);
  });

  it("a pipeline whose batch and replies exceed one RPC message keeps every entry", async () => {
    const [a, b] = [freshKey("large-pipe-a"), freshKey("large-pipe-b")];
    const big = "Q".repeat(16.25 * 1024 * 1024);
    // Both keys on one shard, so one batch carries 32.5 MiB of values (and its replies as much again), more than one RPC message holds.
    const [ka, kb] = [`{${a}}:1`, `{${a}}:2`];
    const res = await post(
      "/pipeline",
      JSON.stringify([
        ["SET", ka, big],
        ["SET", kb, big],
        ["INCR", b],
        ["GET", ka],
        ["GET", kb],
        ["STRLEN", kb],
        ["DEL", ka, kb, b],
      ]),
    );
    const entries = (await res.json()) as { result: unknown }[];
    const shown = entries.map((e) => (typeof e.result === "string" && e.result.length > 16 ? e.result.length : e.result));
    expect(shown).toEqual(["OK", "OK", 1, big.length, big.length, big.length, 3]);
    expect(entries[3]!.result === big && entries[4]!.result === big).toBe(true);
  });
});

describe("above the limits", { timeout: 120_000 }, () => {
  it("a value one byte over the value limit is refused with an error, and nothing is written", async () => {
    const key = freshKey("large-over");
    const res = await post(`/set/${key}`, new Uint8Array(MAX + 1));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: Errors.valueTooLarge(MAX) });
    expect((await get(`/exists/${key}`)).body).toEqual({ result: 0 });
  });

  it("a body over the request limit answers 413 before anything runs", async () => {
    const key = freshKey("large-413");
    const res = await post(`/set/${key}`, new Uint8Array(DEFAULT_MAX_REQUEST_BYTES + 1));
    expect(res.status).toBe(413);
    expect((await get(`/exists/${key}`)).body).toEqual({ result: 0 });
  });
});
