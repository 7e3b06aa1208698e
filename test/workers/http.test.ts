/**
 * The HTTP API (DESIGN §6) through SELF.fetch: request forms, encoding, headers, auth, methods,
 * limits and malformed input. Pipelines and transactions: http-batch.test.ts; junk: http-fuzz.test.ts.
 */
import { describe, expect, it } from "vitest";
import { sha1hex } from "../../durable-objects/scripting/sha1";
import { MAX_KEY_BYTES } from "../../durable-objects/table";
import { b64, call, callWith, cmd, freshKey, READONLY_TOKEN, TOKEN, toBase64 } from "./http-helpers";

describe("body form", () => {
  it("runs a JSON array command; names are case-insensitive", async () => {
    const k = freshKey("body");
    let res = await call("/", { body: JSON.stringify(["sEt", k, "v1"]) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "v1" });
  });

  it("turns numbers and booleans into their string form", async () => {
    const k = freshKey("num");
    expect(await cmd("SET", k, 100)).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "100" });
    await call("/", { body: JSON.stringify(["SET", k, true]) });
    expect(await cmd("GET", k)).toEqual({ result: "true" });
    await call("/", { body: JSON.stringify(["SET", k, 1.5]) });
    expect(await cmd("GET", k)).toEqual({ result: "1.5" });
  });

  it("keeps the digits of an integer beyond 2^53", async () => {
    const k = freshKey("big");
    await call("/", { body: `["SET","${k}",12345678901234567891]` });
    expect(await cmd("GET", k)).toEqual({ result: "12345678901234567891" });
  });

  it("answers nil as a present null result", async () => {
    const res = await call("/", { body: JSON.stringify(["GET", freshKey("missing")]) });
    expect(await res.text()).toBe('{"result":null}');
  });

  it("answers a command error with 400 and an error key only", async () => {
    const res = await call("/", { body: JSON.stringify(["SET", "k"]) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR wrong number of arguments for 'set' command" });
    const unknown = await call("/", { body: JSON.stringify(["NOPE", "a", 1]) });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: "ERR unknown command 'NOPE', with args beginning with: 'a' '1' " });
  });
});

describe("path form", () => {
  it("GET /set/k/v then /get/k", async () => {
    const k = freshKey("path");
    let res = await call(`/set/${k}/hello`);
    expect(await res.json()).toEqual({ result: "OK" });
    res = await call(`/GET/${k}`);
    expect(await res.json()).toEqual({ result: "hello" });
  });

  it("percent-decodes each segment (an encoded slash stays inside its argument)", async () => {
    const k = freshKey("a/b c");
    await call(`/set/${encodeURIComponent(k)}/${encodeURIComponent("x/y z?&é")}`);
    expect(await cmd("GET", k)).toEqual({ result: "x/y z?&é" });
  });

  it("ignores one trailing slash; an empty segment is an empty argument", async () => {
    const k = freshKey("slash");
    await call(`/set/${k}/v/`);
    expect(await (await call(`/get/${k}/`)).json()).toEqual({ result: "v" });
    expect(await (await call(`/set/${k}//`)).json()).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "" });
  });

  it("POST appends the raw body as the last path argument, bytes kept exactly", async () => {
    const k = freshKey("bin");
    const bytes = new Uint8Array(256).map((_, i) => i);
    const res = await call(`/set/${k}`, { method: "POST", body: bytes });
    expect(await res.json()).toEqual({ result: "OK" });
    const got = await (await call(`/get/${k}`, { base64: true })).json();
    expect(got).toEqual({ result: toBase64(bytes) });
    expect(await (await call(`/strlen/${k}`)).json()).toEqual({ result: 256 });
  });

  it("POST with a JSON body on a path keeps the body as one value", async () => {
    const k = freshKey("json");
    const value = '{"name":"John"}';
    await call(`/set/${k}`, { method: "POST", body: value });
    expect(await cmd("GET", k)).toEqual({ result: value });
  });

  it("POST with an empty body appends nothing", async () => {
    const k = freshKey("emptybody");
    await cmd("SET", k, "v");
    const res = await call(`/get/${k}`, { method: "POST", body: "" });
    expect(await res.json()).toEqual({ result: "v" });
  });

  it("query parameters come after the body as NAME value pairs; _token is not an argument", async () => {
    const k = freshKey("query");
    await cmd("SET", k, "old");
    const res = await call(`/set/${k}?GET`, { method: "POST", body: "new" });
    expect(await res.json()).toEqual({ result: "old" });
    expect(await cmd("GET", k)).toEqual({ result: "new" });
    const viaToken = await call(`/get/${k}?_token=${TOKEN}`, { token: null });
    expect(await viaToken.json()).toEqual({ result: "new" });
    await call(`/set/${k}/v2?XX&GET`);
    expect(await cmd("GET", k)).toEqual({ result: "v2" });
  });

  it("query parameters EX=100 set a TTL", async () => {
    const k = freshKey("queryex");
    await call(`/set/${k}?EX=100`, { method: "POST", body: "v" });
    expect(await cmd("GET", k)).toEqual({ result: "v" });
    expect(await cmd("TTL", k)).toEqual({ result: 100 });
  });

  it("refuses malformed percent-encoding and an empty command with 400", async () => {
    let res = await call("/get/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR malformed percent-encoding in the request path" });
    res = await call("/");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ERR empty command" });
  });
});

describe("Upstash-Encoding: base64", () => {
  it("encodes every string of the result; numbers and null stay plain; a whole OK stays plain", async () => {
    const k = freshKey("b64");
    let res = await call("/", { body: JSON.stringify(["SET", k, "hello"]), base64: true });
    expect(await res.text()).toBe('{"result":"OK"}');
    res = await call("/", { body: JSON.stringify(["GET", k]), base64: true });
    expect(await res.json()).toEqual({ result: b64("hello") });
    res = await call("/", { body: JSON.stringify(["PING"]), base64: true });
    expect(await res.json()).toEqual({ result: b64("PONG") });
    res = await call("/", { body: JSON.stringify(["STRLEN", k]), base64: true });
    expect(await res.text()).toBe('{"result":5}');
    res = await call("/", { body: JSON.stringify(["GET", freshKey("none")]), base64: true });
    expect(await res.text()).toBe('{"result":null}');
  });

  it("encodes strings inside arrays", async () => {
    const res = await call("/", { body: JSON.stringify(["TIME"]), base64: true });
    const { result } = (await res.json()) as { result: string[] };
    expect(result).toHaveLength(2);
    for (const part of result) expect(atob(part)).toMatch(/^[0-9]+$/);
  });

  it("never encodes an error", async () => {
    const res = await call("/", { body: JSON.stringify(["SET", "k"]), base64: true });
    expect(await res.json()).toEqual({ error: "ERR wrong number of arguments for 'set' command" });
  });

  it("keeps non-UTF-8 bytes exactly", async () => {
    const k = freshKey("raw");
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3]);
    await call(`/set/${k}`, { method: "POST", body: bytes });
    const res = await call("/", { body: JSON.stringify(["GET", k]), base64: true });
    expect(await res.json()).toEqual({ result: toBase64(bytes) });
  });
});

describe("headers", () => {
  it("every response carries a fresh upstash-sync-token, whatever came in", async () => {
    const responses = await Promise.all([
      call("/", { body: JSON.stringify(["PING"]), headers: { "upstash-sync-token": "anything" } }),
      call("/", { body: JSON.stringify(["PING"]) }),
      call("/", { body: "not json" }),
      call("/", { body: JSON.stringify(["PING"]), token: "wrong" }),
      call("/", { method: "DELETE" }),
      call("/", { method: "OPTIONS", token: null }),
      call("/get/x", { method: "HEAD" }),
      callWith({ MAX_REQUEST_BYTES: "10" }, "/", { body: JSON.stringify(["SET", "k", "0123456789"]) }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 400, 401, 405, 204, 200, 413]);
    const tokens = responses.map((r) => r.headers.get("upstash-sync-token"));
    for (const t of tokens) expect(t).toMatch(/^\S+$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("allows any origin (CORS) and answers a preflight without a token", async () => {
    const pre = await call("/pipeline", {
      method: "OPTIONS",
      token: null,
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, upstash-encoding" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("authorization, upstash-encoding");
    const res = await call("/", { body: JSON.stringify(["PING"]), headers: { origin: "https://app.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")).toBe("upstash-sync-token");
  });
});

describe("auth", () => {
  it("refuses a missing or wrong token with 401 Unauthorized, before running anything", async () => {
    const k = freshKey("auth");
    for (const token of [null, "wrong", `${TOKEN}x`, ""]) {
      const res = await call("/", { body: JSON.stringify(["SET", k, "v"]), token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
    }
    const basic = await call("/", { body: JSON.stringify(["SET", k, "v"]), token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const wrongQuery = await call(`/set/${k}/v?_token=nope`, { token: null });
    expect(wrongQuery.status).toBe(401);
    expect(await cmd("GET", k)).toEqual({ result: null });
  });

  it("accepts the token as Bearer (any case) or ?_token=", async () => {
    let res = await call("/", { body: JSON.stringify(["PING"]), token: null, headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    res = await call(`/ping?_token=${TOKEN}`, { token: null });
    expect(await res.json()).toEqual({ result: "PONG" });
    res = await call(`/pipeline?_token=${TOKEN}`, { token: null, body: JSON.stringify([["PING"]]) });
    expect(await res.json()).toEqual([{ result: "PONG" }]);
  });

  it("a read-only token reads but writes get a NOPERM error and change nothing", async () => {
    const k = freshKey("ro");
    await cmd("SET", k, "v");
    let res = await call("/", { body: JSON.stringify(["GET", k]), token: READONLY_TOKEN });
    expect(await res.json()).toEqual({ result: "v" });
    res = await call("/", { body: JSON.stringify(["SET", k, "w"]), token: READONLY_TOKEN });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/^NOPERM /);
    expect(body.error).toContain("'set'");
    res = await call(`/set/${k}/w?_token=${READONLY_TOKEN}`, { token: null });
    expect(res.status).toBe(400);
    expect(await cmd("GET", k)).toEqual({ result: "v" });
  });

  it("a read-only token cannot change scripts or functions (SCRIPT LOAD/FLUSH, FUNCTION LOAD/DELETE/FLUSH); it may list them", async () => {
    const ro = async (...argv: string[]) => (await call("/", { body: JSON.stringify(argv), token: READONLY_TOKEN })).json();
    const kept = ((await cmd("SCRIPT", "LOAD", "return 'kept'")) as { result: string }).result;
    const lib = "#!lua name=rolib\nredis.register_function('rofn', function() return 1 end)";
    expect(await cmd("FUNCTION", "LOAD", "REPLACE", lib)).toEqual({ result: "rolib" });
    expect(await ro("SCRIPT", "FLUSH")).toEqual({ error: "NOPERM this token is read-only and cannot run the 'script|flush' command" });
    expect(await ro("SCRIPT", "LOAD", "return 'new'")).toEqual({ error: "NOPERM this token is read-only and cannot run the 'script|load' command" });
    for (const sub of [["LOAD", "REPLACE", lib], ["DELETE", "rolib"], ["FLUSH"]]) {
      expect(((await ro("FUNCTION", ...sub)) as { error: string }).error).toMatch(/^NOPERM .*'function\|/);
    }
    expect(await ro("SCRIPT", "EXISTS", kept)).toEqual({ result: [1] });
    const listed = (await ro("FUNCTION", "LIST", "LIBRARYNAME", "rolib")) as { result: unknown[] };
    expect(listed.result).toHaveLength(1);
    expect(await cmd("FCALL", "rofn", "0")).toEqual({ result: 1 });
  });

  it("a read-only SCRIPT LOAD stores nothing", async () => {
    const body = `return 'never loaded ${freshKey("sha")}'`;
    const refused = (await (await call("/", { body: JSON.stringify(["SCRIPT", "LOAD", body]), token: READONLY_TOKEN })).json()) as { error: string };
    expect(refused.error).toMatch(/^NOPERM /);
    expect(await cmd("SCRIPT", "EXISTS", sha1hex(new TextEncoder().encode(body)))).toEqual({ result: [0] });
  });

  it("a key above the key-size limit is refused with a clear error and nothing is stored", async () => {
    const huge = "k".repeat(8 * 1024 * 1024);
    const tooBig = { error: `ERR key exceeds maximum allowed size (${MAX_KEY_BYTES} bytes)` };
    expect(await cmd("SET", huge, "v")).toEqual(tooBig);
    const k = freshKey("small");
    expect(await cmd("MSET", k, "1", "x".repeat(MAX_KEY_BYTES + 1), "2")).toEqual(tooBig);
    expect(await cmd("EXISTS", k)).toEqual({ result: 0 });
    const script = await cmd("EVAL", "return redis.pcall('SET', ARGV[1], 'v')", "0", "y".repeat(MAX_KEY_BYTES + 1));
    expect(script).toEqual(tooBig);
  });

  it("a server without a configured token refuses every request", async () => {
    const res = await callWith({ EDGEKV_TOKEN: undefined }, "/", { body: JSON.stringify(["PING"]) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Unauthorized/);
    const empty = await callWith({ EDGEKV_TOKEN: "" }, "/", { body: JSON.stringify(["PING"]), token: "" });
    expect(empty.status).toBe(401);
  });
});

describe("methods", () => {
  it("answers 405 with Allow for methods other than GET, HEAD, POST, PUT, OPTIONS", async () => {
    for (const method of ["DELETE", "PATCH"]) {
      const res = await call("/set/k/v", { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toContain("POST");
      expect(((await res.json()) as { error: string }).error).toMatch(/^ERR method not allowed/);
    }
  });

  it("GET /pipeline and GET /multi-exec are 405", async () => {
    for (const path of ["/pipeline", "/multi-exec"]) {
      const res = await call(path);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, PUT, OPTIONS");
    }
  });

  it("HEAD answers like GET without a body; PUT like POST", async () => {
    const k = freshKey("put");
    const head = await call(`/get/${k}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const put = await call(`/set/${k}`, { method: "PUT", body: "v" });
    expect(await put.json()).toEqual({ result: "OK" });
    expect(await cmd("GET", k)).toEqual({ result: "v" });
  });

  it("accepts /pipeline/ and /multi-exec/ with a trailing slash", async () => {
    let res = await call("/pipeline/", { body: JSON.stringify([["PING"]]) });
    expect(await res.json()).toEqual([{ result: "PONG" }]);
    res = await call("/multi-exec/", { body: JSON.stringify([["PING"]]) });
    expect(await res.json()).toEqual([{ result: "PONG" }]);
  });
});

describe("limits", () => {
  const small = { MAX_REQUEST_BYTES: "64" };

  it("refuses a body over the limit with 413 and runs nothing", async () => {
    const k = freshKey("big");
    const value = "x".repeat(100);
    for (const path of ["/", "/pipeline", "/multi-exec"]) {
      const body = path === "/" ? JSON.stringify(["SET", k, value]) : JSON.stringify([["SET", k, value]]);
      const res = await callWith(small, path, { body });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: "ERR request body exceeds the limit of 64 bytes" });
    }
    const res = await callWith(small, `/set/${k}`, { method: "POST", body: value });
    expect(res.status).toBe(413);
    expect(await cmd("GET", k)).toEqual({ result: null });
  });

  it("joins a streamed body without Content-Length from its chunks, in order", async () => {
    const k = freshKey("stream-ok");
    const chunks = ["ab", "cde", "", "f"].map((c) => new TextEncoder().encode(c));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });
    const res = await callWith(small, `/set/${k}`, { method: "POST", body: stream });
    expect(res.status).toBe(200);
    expect(await cmd("GET", k)).toEqual({ result: "abcdef" });
  });

  it("counts the bytes of a streamed body without Content-Length", async () => {
    const k = freshKey("stream");
    const chunk = new TextEncoder().encode("y".repeat(40));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await callWith(small, `/set/${k}`, { method: "POST", body: stream });
    expect(res.status).toBe(413);
    expect(await cmd("GET", k)).toEqual({ result: null });
  });

  it("accepts a body exactly at the limit", async () => {
    const k = freshKey("edge");
    const body = JSON.stringify(["SET", k, ""]);
    const value = "z".repeat(64 - body.length);
    const res = await callWith(small, "/", { body: JSON.stringify(["SET", k, value]) });
    expect(res.status).toBe(200);
  });

  it("refuses a pipeline with more commands than the limit with 413 and runs nothing", async () => {
    const k = freshKey("count");
    const cmds = [["SET", k, "v"], ["PING"], ["PING"], ["PING"]];
    for (const path of ["/pipeline", "/multi-exec"]) {
      const res = await callWith({ MAX_PIPELINE_COMMANDS: "3" }, path, { body: JSON.stringify(cmds) });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: "ERR request has 4 commands, the limit is 3" });
    }
    expect(await cmd("GET", k)).toEqual({ result: null });
    const ok = await callWith({ MAX_PIPELINE_COMMANDS: "4" }, "/pipeline", { body: JSON.stringify(cmds) });
    expect(ok.status).toBe(200);
  });

  it("takes 1000 commands in one pipeline (the official client's batch)", async () => {
    const k = freshKey("thousand");
    const cmds = Array.from({ length: 1000 }, (_, i) => ["SET", `${k}:${i}`, String(i)]);
    const res = await call("/pipeline", { body: JSON.stringify(cmds) });
    const out = (await res.json()) as unknown[];
    expect(out).toHaveLength(1000);
    expect(out.every((e) => JSON.stringify(e) === '{"result":"OK"}')).toBe(true);
    expect(await cmd("GET", `${k}:999`)).toEqual({ result: "999" });
  }, 30_000);
});

describe("malformed input gets a 400 Redis-style error and changes nothing", () => {
  const cases: [string, string, string][] = [
    ["/", "{not json", "ERR the request body is not valid JSON"],
    ["/", "", "ERR empty command"],
    ["/", '{"cmd":"GET"}', "ERR a command must be a JSON array of strings, numbers or booleans"],
    ["/", '"GET"', "ERR a command must be a JSON array of strings, numbers or booleans"],
    ["/", "[]", "ERR empty command"],
    ["/", '["SET","k",null]', "ERR argument 3 of the command is null: arguments must be strings, numbers, booleans or {\"base64\":\"…\"}"],
    ["/", '["SET","k",["v"]]', "ERR argument 3 of the command is an array: arguments must be strings, numbers, booleans or {\"base64\":\"…\"}"],
    ["/", '["SET","k",{"v":1}]', 'ERR argument 3 of the command is an object other than {"base64":"…"}: a binary argument is an object with the one field "base64"'],
    ["/", '[["SET","k","v"]]', "ERR argument 1 of the command is an array: arguments must be strings, numbers, booleans or {\"base64\":\"…\"}"],
    ["/pipeline", "[]", "ERR the request body must be a non-empty JSON array of commands"],
    ["/pipeline", '{"a":1}', "ERR the request body must be a non-empty JSON array of commands"],
    ["/pipeline", "[[]]", "ERR empty command"],
    ["/pipeline", '["SET","k","v"]', "ERR a command must be a JSON array of strings, numbers or booleans"],
    ["/pipeline", "[[1,[2]]]", "ERR argument 2 of the command is an array: arguments must be strings, numbers, booleans or {\"base64\":\"…\"}"],
    ["/multi-exec", "[null]", "ERR a command must be a JSON array of strings, numbers or booleans"],
    ["/multi-exec", "nope", "ERR the request body is not valid JSON"],
  ];
  for (const [path, body, error] of cases) {
    it(`${path} ${body || "(empty)"}`, async () => {
      const res = await call(path, { method: "POST", body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error });
    });
  }

  it("one bad command refuses the whole pipeline: the valid ones before it do not run", async () => {
    const k = freshKey("partial");
    const res = await call("/pipeline", { body: JSON.stringify([["SET", k, "v"], ["GET", null]]) });
    expect(res.status).toBe(400);
    expect(await cmd("GET", k)).toEqual({ result: null });
  });
});
