/**
 * Sessions for any Hono app, kept in edgekv (docs/caching.md): an opaque random id in a signed
 * (HMAC-SHA-256, WebCrypto), HttpOnly, Secure, SameSite=Lax cookie; the data in a hash whose
 * TTL rolls forward on every request. `c.get("session")` reads and writes fields of the loaded
 * data; changes are written after the handler in one pipeline. An unsigned, tampered or
 * unknown id gets a new, empty session: a client never picks its id.
 *
 * @example
 * import { session, httpKv, type SessionEnv } from "edgekv/session";
 * const app = new Hono<SessionEnv & { Bindings: Env }>();
 * app.use("*", session({ store: (c) => httpKv({ url: c.env.EDGEKV_URL, token: c.env.EDGEKV_TOKEN }), secret: (c) => c.env.SESSION_SECRET }));
 * app.post("/login", async (c) => { const s = c.get("session"); await s.regenerate(); s.set("user", 42); return c.text("ok"); });
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import type { KvStore } from "../cache/store";

export { bindingKv, httpKv, KvError, upstashKv, type HttpKvOptions, type KvStore, type RawCommandClient } from "../cache/store";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = Context<any, any, any>;

export interface SessionOptions {
  /** Where sessions live: a store, or a function of the request's context that builds one. */
  store: KvStore | ((c: AnyContext) => KvStore);
  /** The cookie's signing key (at least 32 random bytes of text is wise), or a function of the context. */
  secret: string | ((c: AnyContext) => string);
  /** Seconds a session lives after its last request (default 86 400). */
  ttlSeconds?: number;
  /** Default "sid". */
  cookieName?: string;
  /** Prefix of the session hashes in edgekv (default "sess:"). */
  prefix?: string;
  /** Cookie attributes besides the fixed HttpOnly, Secure, SameSite=Lax (default Path=/). */
  cookie?: Pick<CookieOptions, "path" | "domain">;
}

export interface Session {
  /** The session's id; a new session has one too, saved once something is set. */
  readonly id: string;
  /** True when this request started the session (no valid cookie came). */
  readonly isNew: boolean;
  get<T = unknown>(field: string): T | undefined;
  set(field: string, value: unknown): void;
  delete(field: string): void;
  /** Every field. */
  all(): Record<string, unknown>;
  /** A new id for the same data (call it on login): the data is written under the new id, the old id deleted. */
  regenerate(): Promise<void>;
  /** Deletes the session's data and clears the cookie; later sets start a new session. */
  destroy(): Promise<void>;
}

export type SessionEnv = { Variables: { session: Session } };

/** 32 random bytes, base64url. */
export function newSessionId(): string {
  const b = new Uint8Array(32);
  crypto.getRandomValues(b);
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const ID = /^[A-Za-z0-9_-]{43}$/;

export function session(o: SessionOptions): MiddlewareHandler<SessionEnv> {
  const ttl = o.ttlSeconds ?? 86_400;
  const ttlMs = Math.round(ttl * 1000);
  const name = o.cookieName ?? "sid";
  const prefix = o.prefix ?? "sess:";
  const attrs = { path: "/", ...o.cookie };
  return async (c, next) => {
    const store = typeof o.store === "function" ? o.store(c) : o.store;
    const secret = typeof o.secret === "function" ? o.secret(c) : o.secret;
    let data: Record<string, unknown> = {};
    let id: string | null = null;
    const got = await getSignedCookie(c, secret, name);
    if (typeof got === "string" && ID.test(got)) {
      const [all] = await store.pipeline([
        ["HGETALL", prefix + got],
        ["PEXPIRE", prefix + got, ttlMs],
      ]);
      if (Array.isArray(all) && all.length > 0) {
        id = got;
        for (let i = 0; i + 1 < all.length; i += 2) data[String(all[i])] = decodeField(String(all[i + 1]));
      }
    }
    const isNew = id === null;
    let current = id ?? newSessionId();
    /** The id the client holds a cookie for and whose hash exists. */
    let saved = id;
    const changed = new Set<string>();
    const deleted = new Set<string>();
    let cookieDue = !isNew; // a known session's cookie is re-sent with a fresh Max-Age
    let cleared = false;

    const s: Session = {
      get id() {
        return current;
      },
      isNew,
      get: <T>(field: string) => data[field] as T | undefined,
      set(field, value) {
        if (value === undefined) return s.delete(field);
        data[field] = value;
        changed.add(field);
        deleted.delete(field);
      },
      delete(field) {
        if (!(field in data)) return;
        delete data[field];
        changed.delete(field);
        deleted.add(field);
      },
      all: () => ({ ...data }),
      async regenerate() {
        const old = saved;
        current = newSessionId();
        saved = null;
        changed.clear();
        deleted.clear();
        const fields = Object.entries(data);
        if (fields.length > 0) {
          await store.pipeline([["HSET", prefix + current, ...fields.flatMap(([f, v]) => [f, JSON.stringify(v)])], ["PEXPIRE", prefix + current, ttlMs]]);
          saved = current;
          cookieDue = true;
        }
        if (old) await store.pipeline([["DEL", prefix + old]]);
        if (!saved) cookieDue = false;
      },
      async destroy() {
        if (saved) await store.pipeline([["DEL", prefix + saved]]);
        data = {};
        changed.clear();
        deleted.clear();
        saved = null;
        current = newSessionId();
        cookieDue = false;
        cleared = true;
      },
    };
    c.set("session", s);
    await next();

    const commands: (string | number)[][] = [];
    const key = prefix + current;
    if (changed.size > 0) commands.push(["HSET", key, ...[...changed].flatMap((f) => [f, JSON.stringify(data[f])])]);
    if (deleted.size > 0 && saved === current) commands.push(["HDEL", key, ...deleted]);
    if (commands.length > 0) {
      commands.push(["PEXPIRE", key, ttlMs]);
      await store.pipeline(commands);
      if (changed.size > 0) saved = current;
      cookieDue = saved === current;
    }
    if (cookieDue && saved) {
      await setSignedCookie(c, name, saved, secret, { ...attrs, httpOnly: true, secure: true, sameSite: "Lax", maxAge: ttl });
    } else if (cleared || (!isNew && !saved)) {
      deleteCookie(c, name, { ...attrs, secure: true });
    }
  };
}

function decodeField(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
