/**
 * The session middleware through Hono's app.request, against the real shard Durable Objects
 * (bindingKv): the signed cookie and its attributes, tampered and unsigned cookies, the rolling
 * TTL (PTTL, never the wall clock), regenerate and destroy.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { command } from "../cache/store";
import { bindingKv, session, type SessionEnv } from "./index";

const shards = Number((env as { SHARDS?: string }).SHARDS ?? 16);
const store = bindingKv(env.SHARD as unknown as DurableObjectNamespace, shards);
const SECRET = "a-test-secret-of-enough-length-0123456789";
let n = 0;
const fresh = () => `st-${Date.now().toString(36)}-${n++}:`;

function app(prefix: string, ttlSeconds = 3600) {
  const a = new Hono<SessionEnv>();
  a.use("*", session({ store, secret: SECRET, prefix, ttlSeconds }));
  a.get("/", (c) => c.json({ id: c.get("session").id, isNew: c.get("session").isNew, data: c.get("session").all() }));
  a.post("/set/:f/:v", (c) => (c.get("session").set(c.req.param("f"), c.req.param("v")), c.text("ok")));
  a.post("/del/:f", (c) => (c.get("session").delete(c.req.param("f")), c.text("ok")));
  a.post("/login", async (c) => {
    await c.get("session").regenerate();
    c.get("session").set("user", 42);
    return c.text(c.get("session").id);
  });
  a.post("/logout", async (c) => (await c.get("session").destroy(), c.text("bye")));
  return a;
}

/** The `sid` cookie's value from a response's Set-Cookie, and the header itself. */
function sid(res: Response): { value: string; header: string } | null {
  const header = res.headers.getSetCookie().find((h) => h.startsWith("sid="));
  if (!header) return null;
  return { value: decodeURIComponent(header.slice(4, header.indexOf(";"))), header };
}

const withCookie = (value: string) => ({ headers: { cookie: `sid=${encodeURIComponent(value)}` } });

async function state(a: Hono<SessionEnv>, cookie?: string) {
  const res = await a.request("/", cookie ? withCookie(cookie) : {});
  return { res, body: (await res.json()) as { id: string; isNew: boolean; data: Record<string, unknown> } };
}

describe("session middleware", () => {
  it("no cookie and nothing set: no session is stored and no cookie sent", async () => {
    const prefix = fresh();
    const { res, body } = await state(app(prefix));
    expect(body.isNew).toBe(true);
    expect(sid(res)).toBeNull();
    expect(await command(store, ["EXISTS", prefix + body.id])).toBe(0);
  });

  it("a set creates the hash and a signed HttpOnly Secure SameSite=Lax cookie; the next request sees the data", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const res = await a.request("/set/theme/dark", { method: "POST" });
    const c = sid(res)!;
    expect(c.header).toMatch(/HttpOnly/);
    expect(c.header).toMatch(/Secure/);
    expect(c.header).toMatch(/SameSite=Lax/);
    expect(c.header).toMatch(/Max-Age=3600/);
    const [id, sig] = c.value.split(".");
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sig.length).toBeGreaterThan(0);
    expect(await command(store, ["HGET", prefix + id, "theme"])).toBe('"dark"');
    const { body } = await state(a, c.value);
    expect(body).toEqual({ id, isNew: false, data: { theme: "dark" } });
  });

  it("tampered, unsigned or wrongly signed cookies get a new session", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const c = sid(await a.request("/set/user/1", { method: "POST" }))!;
    const [id, sig] = c.value.split(".");
    const other = id.slice(0, -1) + (id.endsWith("A") ? "B" : "A");
    for (const bad of [id, `${other}.${sig}`, `${id}.${sig.slice(0, -2)}xx`, `${id}.`, "garbage", `${id}.${sig}.x`]) {
      const { body } = await state(a, bad);
      expect(body.isNew).toBe(true);
      expect(body.id).not.toBe(id);
      expect(body.data).toEqual({});
    }
    // The real cookie still works, and the hash was never touched.
    expect((await state(a, c.value)).body.data).toEqual({ user: "1" });
  });

  it("a validly signed cookie for an unknown id gets a new id, never the client's", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const c = sid(await a.request("/set/x/1", { method: "POST" }))!;
    await command(store, ["DEL", prefix + c.value.split(".")[0]]);
    const { body } = await state(a, c.value);
    expect(body.isNew).toBe(true);
    expect(body.id).not.toBe(c.value.split(".")[0]);
  });

  it("rolling TTL: every request moves the hash's expiry forward and re-sends the cookie", async () => {
    const prefix = fresh();
    const a = app(prefix, 3600);
    const c = sid(await a.request("/set/x/1", { method: "POST" }))!;
    const key = prefix + c.value.split(".")[0];
    const first = (await command(store, ["PTTL", key])) as number;
    expect(first).toBeGreaterThan(3_500_000);
    expect(first).toBeLessThanOrEqual(3_600_000);
    await command(store, ["PEXPIRE", key, 60_000]);
    const { res } = await state(a, c.value);
    expect(await command(store, ["PTTL", key])).toBeGreaterThan(3_500_000);
    expect(sid(res)?.header).toMatch(/Max-Age=3600/);
  });

  it("delete removes a field; other fields stay", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const c = sid(await a.request("/set/a/1", { method: "POST" }))!;
    await a.request("/set/b/2", { method: "POST", ...withCookie(c.value) });
    await a.request("/del/a", { method: "POST", ...withCookie(c.value) });
    expect((await state(a, c.value)).body.data).toEqual({ b: "2" });
  });

  it("regenerate: a new id, the data moved, the old id deleted", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const before = sid(await a.request("/set/cart/3", { method: "POST" }))!;
    const oldId = before.value.split(".")[0];
    const res = await a.request("/login", { method: "POST", ...withCookie(before.value) });
    const newId = await res.text();
    const after = sid(res)!;
    expect(newId).not.toBe(oldId);
    expect(after.value.split(".")[0]).toBe(newId);
    expect(await command(store, ["EXISTS", prefix + oldId])).toBe(0);
    expect((await state(a, after.value)).body.data).toEqual({ cart: "3", user: 42 });
    expect(await command(store, ["PTTL", prefix + newId])).toBeGreaterThan(3_500_000);
    // The old cookie is worthless now.
    expect((await state(a, before.value)).body).toMatchObject({ isNew: true, data: {} });
  });

  it("destroy deletes the data and clears the cookie", async () => {
    const prefix = fresh();
    const a = app(prefix);
    const c = sid(await a.request("/set/user/7", { method: "POST" }))!;
    const id = c.value.split(".")[0];
    const res = await a.request("/logout", { method: "POST", ...withCookie(c.value) });
    expect(sid(res)?.header).toMatch(/Max-Age=0/);
    expect(await command(store, ["EXISTS", prefix + id])).toBe(0);
    expect((await state(a, c.value)).body).toMatchObject({ isNew: true, data: {} });
  });
});
