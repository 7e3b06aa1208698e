/**
 * Front-door mode: this Worker in front of a website. With `ORIGIN` configured, a request is
 * matched against the rules of `RATE_LIMIT_RULES` on its canonical forms (canonical.ts), and
 * every rule that matches applies: the request is admitted only if each of them admits it,
 * and a refused request gets the refusing rule's 429. An admitted or unmatched request is
 * proxied to the origin as it arrived (method, path, query, headers, body) and the origin's
 * response comes back with the RateLimit headers added. Requests to a host named in
 * `API_HOSTNAMES` reach the edgekv API as usual. Without `ORIGIN` the front door does
 * nothing: the Worker is the API only.
 *
 * RATE_LIMIT_RULES is a JSON object from pattern to rule (or an array of rules with a
 * `pattern` field). A pattern is a path (`/api/*`), a host and path (`shop.example.com/cart*`)
 * or either behind a method (`POST /login`); `*` matches any run of characters. A rule:
 * `{ "algorithm": "sliding", "limit": 100, "window": 60000, "key": "ip" }` with optional
 * `refill` (bucket), `cost`, `split`, `failure` ("open" | "closed") and `key` one of "ip",
 * "route", "ip+route", "global" or "header:<name>". The client's IP is taken from the header
 * `CLIENT_IP_HEADER` trusts (client-ip.ts).
 */
import type { MiddlewareHandler } from "hono";
import { canonicalHost, compilePattern, requestForms, type PatternMatcher } from "./canonical";
import { checkIpHeaderSetting } from "./client-ip";
import { isolateCounters } from "../metrics/isolate";
import { ALGORITHMS, bindingStore, keyBy, rateLimiter, unavailable, type Algorithm, type RateLimiter, type RateLimitOptions } from "./index";
import { modeStore, rateLimitMode, type ModeEnv } from "./modes";

export interface FrontDoorEnv extends ModeEnv {
  /** The website behind the front door, e.g. https://origin.example.com */
  ORIGIN?: string;
  /** JSON: pattern → rule (see above). */
  RATE_LIMIT_RULES?: string;
  /** Comma-separated host names that reach the edgekv API instead of the origin. */
  API_HOSTNAMES?: string;
  /** The header trusted for the client's IP (client-ip.ts); default CF-Connecting-IP through Cloudflare only. */
  CLIENT_IP_HEADER?: string;
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
  /** The rule's pattern as configured (a metrics label). */
  name: string;
  method: string | null;
  pattern: PatternMatcher;
  limiter: RateLimiter;
}

function keyFunction(spec: string | undefined): RateLimitOptions["key"] {
  const k = spec ?? "ip";
  if (k === "ip") return keyBy.ip;
  if (k === "route") return keyBy.route; // the method and the canonical path
  if (k === "ip+route") return (c) => `${keyBy.ip(c)} ${keyBy.route(c)}`;
  if (k === "global") return () => "global";
  if (k.startsWith("header:") && k.length > 7) return keyBy.header(k.slice(7));
  throw new TypeError(`RATE_LIMIT_RULES: unknown key "${k}"`);
}

/**
 * Parses and checks the rules; throws a TypeError naming the problem. Decisions go to `store`
 * (default: the shards of `namespace`).
 */
export function parseRules(
  json: string,
  shards: number,
  namespace: DurableObjectNamespace,
  store: RateLimitOptions["store"] = bindingStore(namespace, shards),
): CompiledRule[] {
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
  return list.map((r) => {
    if (!r || typeof r.pattern !== "string" || r.pattern.length === 0) throw new TypeError("RATE_LIMIT_RULES: every rule needs a pattern");
    const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(r.pattern);
    const method = m ? m[1]!.toUpperCase() : null;
    const glob = m ? m[2]! : r.pattern;
    const algorithm = r.algorithm ?? "sliding";
    if (!ALGORITHMS.includes(algorithm)) throw new TypeError(`RATE_LIMIT_RULES: unknown algorithm "${String(algorithm)}"`);
    const limiter = rateLimiter({
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
      // Counted per rule on the shards (GET /metrics edgekv_ratelimit_rule_decisions_total).
      rule: r.pattern,
    });
    return { name: r.pattern, method, pattern: compilePattern(glob), limiter };
  });
}

const compiled = new Map<string, CompiledRule[]>();

function rulesOf(env: FrontDoorEnv): CompiledRule[] {
  checkIpHeaderSetting(env.CLIENT_IP_HEADER);
  rateLimitMode(env);
  const json = env.RATE_LIMIT_RULES?.trim() ?? "";
  if (json === "") return [];
  const shards = Number(env.SHARDS) > 0 ? Number(env.SHARDS) : 16;
  const id = `${shards} ${json}`;
  let rules = compiled.get(id);
  if (!rules) {
    // The store follows RATE_LIMIT_MODE per request (modes.ts): the shards as before by default.
    rules = parseRules(json, shards, env.SHARD, modeStore);
    compiled.set(id, rules);
  }
  return rules;
}

/**
 * The request, sent on to `origin` as it arrived (redirects are passed back, not followed).
 * Not its canonical form: that folds case and slashes, which an origin may tell apart. An
 * origin that cannot be reached (refused, reset, no address the runtime may connect to) is
 * answered 502 Bad Gateway, as a gateway does; whatever the origin answers, 5xx included,
 * comes back as it is.
 */
export async function proxyToOrigin(req: Request, origin: string): Promise<Response> {
  const url = new URL(req.url);
  const target = origin.replace(/\/+$/, "") + url.pathname + url.search;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  try {
    return await fetch(target, { method: req.method, headers: req.headers, body: hasBody ? req.body : null, redirect: "manual" });
  } catch (e) {
    isolateCounters.incr("edgekv_front_door_origin_errors_total");
    console.warn(`front door: ${target}: ${e instanceof Error ? e.message : String(e)}`);
    return new Response("Bad Gateway: the origin did not answer\n", { status: 502, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
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
    const apiHosts = (env.API_HOSTNAMES ?? "").split(",").map((h) => canonicalHost(h.trim()));
    if (apiHosts.includes(canonicalHost(url.hostname))) return next();
    let rules: CompiledRule[];
    try {
      rules = rulesOf(env);
    } catch (e) {
      return c.text(`front door misconfigured: ${e instanceof Error ? e.message : String(e)}`, 500);
    }
    const forms = requestForms(c.req.raw, url);
    const matched = rules.filter((r) => (r.method === null || forms.methods.has(r.method)) && r.pattern.test(forms));
    if (matched.length === 0) return proxyToOrigin(c.req.raw, origin);
    // Every matching rule counts the request (in parallel: one round trip of latency).
    const outcomes = await Promise.all(matched.map((r) => r.limiter.decide(c)));
    outcomes.forEach((d, i) => {
      const decision = d === "unavailable" ? "unavailable" : d.allowed ? "admitted" : "refused";
      isolateCounters.incr("edgekv_front_door_decisions_total", { rule: matched[i]!.name, decision });
    });
    let binding: { limiter: RateLimiter; d: Exclude<(typeof outcomes)[number], "unavailable"> } | null = null;
    for (let i = 0; i < matched.length; i++) {
      const limiter = matched[i]!.limiter;
      const d = outcomes[i]!;
      if (d === "unavailable") {
        if (limiter.failure === "closed") return unavailable(c);
        continue;
      }
      if (!d.allowed) return limiter.refusal(c, d);
      // The headers shown are those of the rule closest to refusing (the first on a tie).
      if (!binding || d.remaining < binding.d.remaining) binding = { limiter, d };
    }
    const res = await proxyToOrigin(c.req.raw, origin);
    return binding ? binding.limiter.annotate(res, binding.d) : res;
  };
}
