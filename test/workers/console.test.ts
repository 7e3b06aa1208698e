/**
 * The web console's routes (worker/console/, docs/console.md): served without a token, with a
 * strict Content-Security-Policy, nothing else of the API opened; and the sign-in's read-only
 * probe: `SETRANGE key 0 ""` changes nothing with the read-write token and is NOPERM with the
 * read-only one.
 */
import { describe, expect, it } from "vitest";
import { call, cmd, freshKey, pipeline, READONLY_TOKEN } from "./http-helpers";

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
