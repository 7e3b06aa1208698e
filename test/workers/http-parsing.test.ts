/**
 * Request parsing never reaches the 5xx of `app.onError`: deep nesting, invalid UTF-8 and
 * unexpected methods are refused with a 4xx and a clear error, and nothing runs.
 */
import { describe, expect, it } from "vitest";
import { call, cmd, freshKey, toBase64 } from "./http-helpers";

const enc = (s: string) => new TextEncoder().encode(s);
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("deep nesting is a 400 in every form", () => {
  it("the body form, beside an inexact number (the reviver re-parse)", async () => {
    const res = await call("/", { method: "POST", body: `["SET",1e400,${deep(5000)}]` });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'ERR argument 3 of the command is an array: arguments must be strings, numbers, booleans or {"base64":"…"}',
    });
  });

  it("pipeline and multi-exec, nested as a command or as an argument; nothing runs", async () => {
    const k = freshKey("deep");
    const bodies = [
      `[["SET","${k}","v"],["SET",1e400,${deep(5000)}]]`,
      `[["SET","${k}","v"],${deep(5000)},["INCRBY","${k}",1e400]]`,
      `[["SET","${k}",1e400],${deep(1_000_000)}]`,
    ];
    for (const path of ["/pipeline", "/multi-exec"]) {
      for (const body of bodies) {
        const res = await call(path, { method: "POST", body });
        expect(res.status, `${path} ${body.slice(0, 40)}`).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/^ERR /);
      }
    }
    expect(await cmd("GET", k)).toEqual({ result: null });
  });

  it("the path form takes a deeply nested body as a plain value", async () => {
    const k = freshKey("deeppath");
    const body = `[1e400,${deep(5000)}]`;
    const res = await call(`/set/${k}`, { method: "POST", body });
    expect(await res.json()).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: body });
  });
});

describe("invalid UTF-8 in a JSON body is refused, never stored as U+FFFD", () => {
  const withBytes = (json: string, bytes: number[]) => {
    const [before, after] = json.split("#") as [string, string];
    return new Uint8Array([...enc(before), ...bytes, ...enc(after)]);
  };

  it("body form, pipeline and multi-exec answer 400 and write nothing", async () => {
    const k = freshKey("utf8");
    const cases: [string, string][] = [
      ["/", `["SET","${k}","a#b"]`],
      ["/pipeline", `[["SET","${k}","a#b"]]`],
      ["/multi-exec", `[["SET","${k}","a#b"]]`],
      ["/pipeline", `[["SET","${k}#","v"]]`],
    ];
    for (const [path, json] of cases) {
      const res = await call(path, { method: "POST", body: withBytes(json, [0xff, 0xfe]) });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^ERR the request body is not valid UTF-8/);
    }
    expect(await cmd("GET", k)).toEqual({ result: null });
    expect(await cmd("GET", `${k}\ufffd`)).toEqual({ result: null });
  });

  it("valid UTF-8 (multi-byte, astral) is stored as sent", async () => {
    const k = freshKey("utf8ok");
    const res = await call("/", { method: "POST", body: enc(`["SET","${k}","é€😀"]`) });
    expect(await res.json()).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "é€😀" });
  });

  it("binary values travel as the raw body of the path form and come back exactly with base64", async () => {
    const k = freshKey("binary");
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0xed, 0xa0, 0x80]);
    const set = await call(`/set/${k}`, { method: "POST", body: bytes });
    expect(await set.json()).toEqual({ result: "OK" });
    for (const [path, body] of [
      ["/", JSON.stringify(["GET", k])],
      ["/pipeline", JSON.stringify([["GET", k]])],
      ["/multi-exec", JSON.stringify([["GET", k]])],
    ] as const) {
      const res = await call(path, { body, base64: true });
      const json = (await res.json()) as unknown;
      expect(path === "/" ? json : (json as unknown[])[0]).toEqual({ result: toBase64(bytes) });
    }
    expect(await (await call(`/get/${k}`, { base64: true })).json()).toEqual({ result: toBase64(bytes) });
  });
});

describe("methods", () => {
  // Every method the runtime's HTTP parser lets through to a Worker (CONNECT never reaches it: see README).
  const others = ["DELETE", "PATCH", "TRACE", "PURGE", "COPY", "LOCK", "MKCOL", "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "ACL", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "QUERY"];

  it("every method but GET, HEAD, POST, PUT, OPTIONS answers 405 with Allow, on every route", async () => {
    const k = freshKey("method");
    let tried = 0;
    for (const method of others) {
      let request: Request;
      try {
        request = new Request(`http://edgekv/set/${k}/v`, { method });
      } catch {
        continue; // not a method this runtime can construct
      }
      tried++;
      for (const path of ["/", `/set/${k}/v`, "/pipeline", "/multi-exec"]) {
        const res = await call(path, { method: request.method, body: method === "TRACE" ? null : JSON.stringify([["SET", k, "v"]]) });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get("allow"), `${method} ${path}`).toMatch(/POST/);
        expect(((await res.json()) as { error: string }).error).toMatch(/^ERR method not allowed/);
      }
    }
    expect(tried).toBeGreaterThanOrEqual(3);
    expect(await cmd("GET", k)).toEqual({ result: null });
  });
});
