/**
 * The web console's routes (worker/console/, docs/console.md): served without a token, with a
 * strict Content-Security-Policy, nothing else of the API opened; and the sign-in's read-only
 * probe: `SETRANGE key 0 ""` changes nothing with the read-write token and is NOPERM with the
 * read-only one; the stream view's edits; and GET /metrics as the console's rate-limit charts
 * read it (RL.* decisions and front-door decisions per rule, both over all shards; refused to the
 * read-only token).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:test";
import app from "../../worker/index";
import type { Env } from "../../worker/env";
import { call, callWith, cmd, freshKey, pipeline, READONLY_TOKEN } from "./http-helpers";

describe("console routes", () => {
  it("serves the page, script and style sheet without a token, with a self-only CSP", async () => {
    for (const [path, type] of [
      ["/console", "text/html"],
      ["/console/", "text/html"],
      ["/console/app.js", "text/javascript"],
      ["/console/app.css", "text/css"],
    ] as const) {
      const res = await call(path, { token: null });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain("unsafe");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await res.text()).length).toBeGreaterThan(100);
    }
  });

  it("the page loads only its own script and style sheet; the script generates no code", async () => {
    const page = await (await call("/console", { token: null })).text();
    expect(page).toContain('<script src="/console/app.js" defer></script>');
    expect(page).toContain('<link rel="stylesheet" href="/console/app.css">');
    expect(page).not.toMatch(/https?:\/\//);
    const script = await (await call("/console/app.js", { token: null })).text();
    expect(script).not.toMatch(/\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("HEAD answers the headers without a body", async () => {
    const res = await call("/console", { token: null, method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("other paths still need a token", async () => {
    expect((await call("/console/other", { token: null })).status).toBe(401);
    expect((await call("/consoles", { token: null })).status).toBe(401);
    expect((await pipeline([["PING"]], { token: null })).status).toBe(401);
  });
});

describe("the console's read-only probe", () => {
  it("changes nothing with the read-write token", async () => {
    const missing = freshKey("probe-missing");
    expect(await cmd("SETRANGE", missing, "0", "")).toEqual({ result: 0 });
    expect(await cmd("EXISTS", missing)).toEqual({ result: 0 });
    const present = freshKey("probe-present");
    await cmd("SET", present, "abc", "EX", "100");
    expect(await cmd("SETRANGE", present, "0", "")).toEqual({ result: 3 });
    expect(await cmd("GET", present)).toEqual({ result: "abc" });
    expect(((await cmd("TTL", present)).result as number) > 0).toBe(true);
  });

  it("is refused with NOPERM for the read-only token", async () => {
    const res = await pipeline([["PING"], ["SETRANGE", "edgekv:console:probe", "0", ""]], { token: READONLY_TOKEN });
    const body = (await res.json()) as { result?: unknown; error?: string }[];
    expect(body[0]).toEqual({ result: "PONG" });
    expect(body[1]!.error).toMatch(/^NOPERM/);
  });
});

describe("the console's stream editing: the calls its stream view sends", () => {
  const body = async (res: Response) => (await res.json()) as { result?: unknown; error?: string }[];

  it("XADD with an explicit id or *, XDEL, XGROUP CREATE and DESTROY, as one pipeline entry each", async () => {
    const key = freshKey("console-stream");
    const [added] = await body(await pipeline([["XADD", key, "5-1", "a", "b"]]));
    expect(added).toEqual({ result: "5-1" });
    const [auto] = await body(await pipeline([["XADD", key, "*", "x", "1", "y", "2"]]));
    expect(auto!.result).toMatch(/^\d+-\d+$/);
    expect(await cmd("XLEN", key)).toEqual({ result: 2 });
    expect(await body(await pipeline([["XGROUP", "CREATE", key, "g1", "$"]]))).toEqual([{ result: "OK" }]);
    expect(((await cmd("XINFO", "GROUPS", key)).result as unknown[]).length).toBe(1);
    expect(await body(await pipeline([["XDEL", key, "5-1"]]))).toEqual([{ result: 1 }]);
    expect(await cmd("XRANGE", key, "5-1", "5-1")).toEqual({ result: [] });
    expect(await body(await pipeline([["XGROUP", "DESTROY", key, "g1"]]))).toEqual([{ result: 1 }]);
    expect(await cmd("XINFO", "GROUPS", key)).toEqual({ result: [] });
  });

  it("an id not above the top and a duplicate group are errors the page shows, and change nothing", async () => {
    const key = freshKey("console-stream-err");
    await cmd("XADD", key, "5-1", "a", "b");
    await cmd("XGROUP", "CREATE", key, "g1", "0");
    const [late, dup] = await body(await pipeline([["XADD", key, "5-0", "late", "no"], ["XGROUP", "CREATE", key, "g1", "$"]]));
    expect(late!.error).toBe("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    expect(dup!.error).toMatch(/^BUSYGROUP/);
    expect(await cmd("XLEN", key)).toEqual({ result: 1 });
    expect(await cmd("XRANGE", key, "-", "+")).toEqual({ result: [["5-1", ["a", "b"]]] });
    const groups = (await cmd("XINFO", "GROUPS", key)).result as unknown[][];
    expect(groups).toHaveLength(1);
    expect(groups[0]).toEqual(expect.arrayContaining(["last-delivered-id", "0-0"]));
  });

  it("the read-only token is refused every one of them (NOPERM), and nothing changes", async () => {
    const key = freshKey("console-stream-ro");
    await cmd("XADD", key, "5-1", "a", "b");
    await cmd("XGROUP", "CREATE", key, "g1", "0");
    const replies = await body(
      await pipeline(
        [["XADD", key, "*", "f", "v"], ["XDEL", key, "5-1"], ["XGROUP", "CREATE", key, "g2", "$"], ["XGROUP", "DESTROY", key, "g1"]],
        { token: READONLY_TOKEN },
      ),
    );
    for (const r of replies) expect(r.error).toMatch(/^NOPERM/);
    expect(await cmd("XRANGE", key, "-", "+")).toEqual({ result: [["5-1", ["a", "b"]]] });
    expect(((await cmd("XINFO", "GROUPS", key)).result as unknown[]).length).toBe(1);
  });

  it("the script sends them only from controls left out for the read-only token", async () => {
    const script = await (await call("/console/app.js", { token: null })).text();
    for (const c of ['["XDEL", key, id]', '["XGROUP", "DESTROY", key, name]', '["XGROUP", "CREATE", key, group.value', '["XADD", key, id.value.trim() || "*"]']) {
      expect(script).toContain(c);
    }
    expect(script).toContain("if (!state.readOnly) content.appendChild(xaddForm(key, reopen));");
    expect(script).toContain("if (!state.readOnly && !isBinary(name))");
  });
});

/**
 * A key that is not UTF-8, through the calls the console makes for it (worker/console/script.ts):
 * every argument that is not UTF-8 as {"base64": …}, replies with base64 encoding.
 */
describe("the console's calls for a key that is not UTF-8", () => {
  const b64 = (bytes: number[]) => ({ base64: btoa(String.fromCharCode(...bytes)) });
  const prefix = [...new TextEncoder().encode(freshKey("console-bin"))];
  const key = [...prefix, 0xff, 0x00, 0xfe];
  const renamed = [...prefix, 0xfe, 0xff];
  const value = [0xde, 0xad, 0xbe, 0xef, 0x00];
  const run = async (cmds: unknown[][], token?: string) => (await pipeline(cmds, { base64: true, token })).json() as Promise<{ result?: unknown; error?: string }[]>;

  it("lists, opens, edits as hex (TTL kept), renames, sets a TTL and deletes it", async () => {
    expect(await run([["SET", b64(key), b64([0x80])]])).toEqual([{ result: "OK" }]);
    const scan = await run([["SCAN", "0", "MATCH", `${new TextDecoder().decode(new Uint8Array(prefix))}*`, "COUNT", 10000]]);
    let listed = (scan[0]!.result as [string, string[]])[1];
    for (let cursor = atob((scan[0]!.result as [string])[0]), i = 0; cursor !== "0" && i < 100; i++) {
      const next = (await run([["SCAN", cursor, "MATCH", `${new TextDecoder().decode(new Uint8Array(prefix))}*`, "COUNT", 10000]]))[0]!.result as [string, string[]];
      listed = listed.concat(next[1]);
      cursor = atob(next[0]);
    }
    expect(listed).toEqual([b64(key).base64]);
    // The key's row and detail: TYPE, PTTL, GET, STRLEN.
    expect(await run([["TYPE", { base64: listed[0] }], ["PTTL", b64(key)], ["GET", b64(key)], ["STRLEN", b64(key)]])).toEqual([
      { result: btoa("string") },
      { result: -1 },
      { result: btoa("\x80") },
      { result: 1 },
    ]);
    expect(await run([["PEXPIRE", b64(key), 500_000], ["SET", b64(key), b64(value), "KEEPTTL"], ["GET", b64(key)]])).toMatchObject([
      { result: 1 },
      { result: "OK" },
      { result: b64(value).base64 },
    ]);
    const [ttl] = await run([["PTTL", b64(key)]]);
    expect((ttl!.result as number) > 0).toBe(true);
    expect(await run([["RENAMENX", b64(key), b64(renamed)], ["EXISTS", b64(key)], ["GET", b64(renamed)], ["PERSIST", b64(renamed)], ["DEL", b64(renamed)], ["EXISTS", b64(renamed)]])).toEqual([
      { result: 1 },
      { result: 0 },
      { result: b64(value).base64 },
      { result: 1 },
      { result: 1 },
      { result: 0 },
    ]);
  });

  it("the read-only token reads it and may change nothing", async () => {
    expect(await run([["SET", b64(key), b64(value)]])).toEqual([{ result: "OK" }]);
    const ro = await run([["GET", b64(key)], ["SET", b64(key), b64([1]), "KEEPTTL"], ["RENAMENX", b64(key), b64(renamed)], ["PEXPIRE", b64(key), 1000], ["DEL", b64(key)]], READONLY_TOKEN);
    expect(ro[0]).toEqual({ result: b64(value).base64 });
    for (const r of ro.slice(1)) expect(r.error).toMatch(/^NOPERM/);
    expect(await run([["GET", b64(key)], ["PTTL", b64(key)], ["EXISTS", b64(renamed)], ["DEL", b64(key)]])).toEqual([
      { result: b64(value).base64 },
      { result: -1 },
      { result: 0 },
      { result: 1 },
    ]);
  });

  it("the script sends bytes that are not UTF-8 as {\"base64\"} and edits values as hex", async () => {
    const script = await (await call("/console/app.js", { token: null })).text();
    expect(script).toContain("{ base64: bytesB64(a.binary) }");
    expect(script).toContain('id: "string-hex"');
    expect(script).toContain('id: "rename-hex"');
  });
});

/** A metric's samples as the console's script reads them: `name{labels} value`, label values unescaped. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\w+)(\{.*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

describe("the console's rate-limit charts' source: GET /metrics", () => {
  const rule = 'POST /rl-console/*';
  const bindings = {
    ORIGIN: "https://origin.invalid",
    API_HOSTNAMES: "edgekv",
    RATE_LIMIT_RULES: JSON.stringify({ [rule]: { algorithm: "fixed", limit: 1, window: 600_000, key: "header:x-user" } }),
  } as Partial<Env>;
  afterEach(() => vi.restoreAllMocks());
  const total = (text: string, name: string, want: Record<string, string>) =>
    samples(text, name)
      .filter((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v))
      .reduce((n, s) => n + s.value, 0);

  it("counts RL.* decisions over all shards, admitted and refused", async () => {
    const before = await (await call("/metrics")).text();
    const key = freshKey("console-rl");
    for (let i = 0; i < 3; i++) await cmd("RL.FIXED", key, 1, 600_000);
    const after = await (await call("/metrics")).text();
    const d = (decision: string) =>
      total(after, "edgekv_ratelimit_decisions_total", { decision }) - total(before, "edgekv_ratelimit_decisions_total", { decision });
    expect([d("admitted"), d("refused")]).toEqual([1, 2]);
  });

  it("counts front-door decisions per rule over all shards, the refusal cache's answers included", async () => {
    const site = (path: string, user: string) => {
      const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
      const req = new Request(`http://site.test${path}`, { method: "POST", headers: { "x-user": user } });
      return app.fetch(req, { ...(env as unknown as Env), ...bindings }, ctx);
    };
    const before = await (await callWith(bindings, "/metrics")).text();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("origin", { status: 200 }));
    const user = freshKey("console-user");
    expect((await site("/rl-console/a", user)).status).toBe(200);
    expect((await site("/rl-console/b", user)).status).toBe(429); // refused by the key's shard
    expect((await site("/rl-console/c", user)).status).toBe(429); // refused by this isolate's refusal cache
    // Another user's request (another key, maybe another shard) carries the cached refusal with it.
    expect((await site("/rl-console/d", `${user}-2`)).status).toBe(200);
    const after = await (await callWith(bindings, "/metrics")).text();
    const d = (name: string, decision: string) => total(after, name, { rule, decision }) - total(before, name, { rule, decision });
    expect([d("edgekv_ratelimit_rule_decisions_total", "admitted"), d("edgekv_ratelimit_rule_decisions_total", "refused")]).toEqual([2, 2]);
    // The isolate's own count (front door) agrees here: one isolate served them all.
    expect([d("edgekv_front_door_decisions_total", "admitted"), d("edgekv_front_door_decisions_total", "refused")]).toEqual([2, 2]);
    const script = await (await call("/console/app.js", { token: null })).text();
    expect(script).toContain('"edgekv_ratelimit_rule_decisions_total"');
  });

  it("is refused to the read-only token, so the console does not ask with it", async () => {
    expect((await call("/metrics", { token: READONLY_TOKEN })).status).toBe(401);
    const script = await (await call("/console/app.js", { token: null })).text();
    expect(script).toContain('fetch("/metrics"');
    expect(script).toContain("state.readOnly ? Promise.resolve(null)");
  });
});
