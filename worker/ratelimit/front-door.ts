/**
 * Front-door mode: this Worker in front of a website. With `ORIGIN` configured, a request is
 * matched against the rules of `RATE_LIMIT_RULES` (first match wins); a refused request gets
 * the middleware's 429, an admitted or unmatched one is proxied to the origin unchanged
 * (method, path, query, headers, body) and the origin's response comes back with the
 * RateLimit headers added. Requests to a host named in `API_HOSTNAMES` reach the edgekv API
 * as usual. Without `ORIGIN` the front door does nothing: the Worker is the API only.
 *
 * RATE_LIMIT_RULES is a JSON object from pattern to rule (or an array of rules with a
 * `pattern` field). A pattern is a path (`/api/*`), a host and path (`shop.example.com/cart*`)
 * or either behind a method (`POST /login`); `*` matches any run of characters. A rule:
 * `{ "algorithm": "sliding", "limit": 100, "window": 60000, "key": "ip" }` with optional
 * `refill` (bucket), `cost`, `split`, `failure` ("open" | "closed") and `key` one of "ip",
 * "route", "ip+route", "global" or "header:<name>".
 */
import type { MiddlewareHandler } from "hono";
import { ALGORITHMS, bindingStore, keyBy, rateLimit, type Algorithm, type RateLimitOptions } from "./index";

export interface FrontDoorEnv {
  SHARD: DurableObjectNamespace;
  SHARDS?: string;
  /** The website behind the front door, e.g. https://origin.example.com */
  ORIGIN?: string;
  /** JSON: pattern → rule (see above). */
  RATE_LIMIT_RULES?: string;
  /** Comma-separated host names that reach the edgekv API instead of the origin. */
  API_HOSTNAMES?: string;
}

export interface FrontDoorRule {
  pattern: string;
  algorithm?: Algorithm;
  limit: number;
  /** ms */
  window: number;
  refill?: number;
  key?: string;
  cost?: number;
  split?: number;
  failure?: "open" | "closed";
}

interface CompiledRule {
  method: string | null;
  hostAndPath: boolean;
  re: RegExp;
  limiter: MiddlewareHandler;
}

function patternRegExp(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

function keyFunction(spec: string | undefined): RateLimitOptions["key"] {
  const k = spec ?? "ip";
  if (k === "ip") return keyBy.ip;
  if (k === "route") return keyBy.route;
  if (k === "ip+route") return (c) => `${keyBy.ip(c)} ${keyBy.route(c)}`;
  if (k === "global") return () => "global";
  if (k.startsWith("header:") && k.length > 7) return keyBy.header(k.slice(7));
  throw new TypeError(`RATE_LIMIT_RULES: unknown key "${k}"`);
}

/** Parses and checks the rules; throws a TypeError naming the problem. */
export function parseRules(json: string, shards: number, namespace: DurableObjectNamespace): CompiledRule[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TypeError("RATE_LIMIT_RULES is not valid JSON");
  }
  const list: FrontDoorRule[] = Array.isArray(raw)
    ? (raw as FrontDoorRule[])
    : raw && typeof raw === "object"
      ? Object.entries(raw as Record<string, Omit<FrontDoorRule, "pattern">>).map(([pattern, r]) => ({ ...r, pattern }))
      : [];
  if (list.length === 0 && !(raw && typeof raw === "object")) throw new TypeError("RATE_LIMIT_RULES must be a JSON object or array");
  const store = bindingStore(namespace, shards);
  return list.map((r) => {
    if (!r || typeof r.pattern !== "string" || r.pattern.length === 0) throw new TypeError("RATE_LIMIT_RULES: every rule needs a pattern");
    const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(r.pattern);
    const method = m ? m[1]!.toUpperCase() : null;
    const glob = m ? m[2]! : r.pattern;
    const algorithm = r.algorithm ?? "sliding";
    if (!ALGORITHMS.includes(algorithm)) throw new TypeError(`RATE_LIMIT_RULES: unknown algorithm "${String(algorithm)}"`);
    const limiter = rateLimit({
      store,
      algorithm,
      limit: r.limit,
      windowMs: r.window,
      refill: r.refill,
      cost: r.cost,
      split: r.split,
      failure: r.failure,
      key: keyFunction(r.key),
      prefix: `rl:fd:${r.pattern}:`,
      policy: "edge",
    });
    return { method, hostAndPath: !glob.startsWith("/"), re: patternRegExp(glob), limiter };
  });
}

const compiled = new Map<string, CompiledRule[]>();

function rulesOf(env: FrontDoorEnv): CompiledRule[] {
  const json = env.RATE_LIMIT_RULES?.trim() ?? "";
  if (json === "") return [];
  const shards = Number(env.SHARDS) > 0 ? Number(env.SHARDS) : 16;
  const id = `${shards} ${json}`;
  let rules = compiled.get(id);
  if (!rules) {
    rules = parseRules(json, shards, env.SHARD);
    compiled.set(id, rules);
  }
  return rules;
}

/** The request, sent on to `origin` unchanged (redirects are passed back, not followed). */
export function proxyToOrigin(req: Request, origin: string): Promise<Response> {
  const url = new URL(req.url);
  const target = origin.replace(/\/+$/, "") + url.pathname + url.search;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return fetch(target, { method: req.method, headers: req.headers, body: hasBody ? req.body : null, redirect: "manual" });
}

/**
 * The front-door middleware: mount it first. Without ORIGIN (or on an API host) it only
 * calls next().
 */
export function frontDoor(): MiddlewareHandler {
  return async function frontDoorMiddleware(c, next) {
    const env = c.env as FrontDoorEnv | undefined;
    const origin = env?.ORIGIN?.trim();
    if (!env || !origin) return next();
    const url = new URL(c.req.url);
    const apiHosts = (env.API_HOSTNAMES ?? "").split(",").map((h) => h.trim().toLowerCase());
    if (apiHosts.includes(url.hostname.toLowerCase())) return next();
    let rules: CompiledRule[];
    try {
      rules = rulesOf(env);
    } catch (e) {
      return c.text(`front door misconfigured: ${e instanceof Error ? e.message : String(e)}`, 500);
    }
    const rule = rules.find(
      (r) => (r.method === null || r.method === c.req.method) && r.re.test(r.hostAndPath ? url.host + url.pathname : url.pathname),
    );
    if (!rule) return proxyToOrigin(c.req.raw, origin);
    const refused = await rule.limiter(c, async () => {
      c.res = await proxyToOrigin(c.req.raw, origin);
    });
    return refused instanceof Response ? refused : c.res;
  };
}
