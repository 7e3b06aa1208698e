/**
 * Rate limiting for any Hono app, backed by edgekv's rate-limit commands: one atomic decision
 * per request in the shard that owns the limiter's key. Refused requests get 429 with
 * `Retry-After`; every decided response carries the IETF `RateLimit-Policy` / `RateLimit`
 * headers (draft-ietf-httpapi-ratelimit-headers) and `X-RateLimit-*` for older clients.
 *
 * Two ways past one Durable Object's throughput for a hot key (docs/rate-limiting.md):
 * - the refusal cache (on by default): a key refused until time T is refused by this isolate
 *   until T with no round trip. It never changes a decision: until T the store would refuse
 *   the same request too (refusals write nothing, and admissions only push T later).
 * - split mode (`split: K`): the limit is divided over K sub-limiters on K different keys
 *   (so different shards); each request goes to one at random. Never admits more than the
 *   limit; under the limit it may refuse early, by about sqrt((K−1)·L / 2π) units per window.
 *
 * @example
 * import { rateLimit, httpStore } from "edgekv/ratelimit";
 * app.use("/api/*", rateLimit({
 *   store: (c) => httpStore({ url: c.env.EDGEKV_URL, token: c.env.EDGEKV_TOKEN }),
 *   algorithm: "sliding", limit: 100, windowMs: 60_000,
 * }));
 */
import type { Context, MiddlewareHandler } from "hono";
import { strictPath } from "./canonical";
import { clientIp } from "./client-ip";
import type { RateLimitStore } from "./store";

export { bindingStore, httpStore, StoreError, type HttpStoreOptions, type RateLimitStore } from "./store";
export { clientIp, trustedIpHeader, UNKNOWN_CLIENT } from "./client-ip";
export { modeStore, rateLimitMode, type ModeEnv, type RateLimitMode } from "./modes";

export type Algorithm = "fixed" | "sliding" | "log" | "bucket" | "gcra";
export const ALGORITHMS: readonly Algorithm[] = ["fixed", "sliding", "log", "bucket", "gcra"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyContext = Context<any, any, any>;

export interface RateLimitOptions {
  /** Where decisions are made: a store, or a function of the request's context that builds one. */
  store: RateLimitStore | ((c: AnyContext) => RateLimitStore);
  /** Default "sliding". */
  algorithm?: Algorithm;
  /** Units admitted per window (the bucket's capacity; GCRA's burst + 1 and rate per window). */
  limit: number;
  /** The window in ms (the bucket's refill interval; GCRA's period). */
  windowMs: number;
  /** Bucket only: tokens added back every window (default: `limit`). */
  refill?: number;
  /** Who is limited: default the client's IP (`keyBy.ip`). See `keyBy`. */
  key?: (c: AnyContext) => string | Promise<string>;
  /** Prefix of the limiter keys in edgekv (default "rl:"). */
  prefix?: string;
  /** Units a request costs (default 1). */
  cost?: number | ((c: AnyContext) => number);
  /** When the store cannot answer: "open" lets the request through (default), "closed" answers 503. */
  failure?: "open" | "closed";
  /** The per-isolate refusal cache: true (default), false, or a cache shared by several limiters. */
  refusalCache?: boolean | RefusalCache;
  /** Split mode: spread the limiter over K keys (default 1: off). */
  split?: number;
  /** The policy's name in the RateLimit headers (default "default"). */
  policy?: string;
  /**
   * A name to count this limiter's decisions under on the shards (`RULE`, GET /metrics
   * `edgekv_ratelimit_rule_decisions_total`, summed over every shard), with the refusals its
   * refusal cache answered (sent with its next call as `CACHED n`). The front door names each
   * rule by its pattern. Unset: counted per algorithm only, as before.
   */
  rule?: string;
  /** Builds the refusal response (default: 429 "Too Many Requests"); headers are added after. */
  onRefused?: (c: AnyContext, d: RateLimitDecision) => Response | Promise<Response>;
}

/** One decision, as the middleware reports it (times in ms). */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until a retry can succeed; -1 when allowed or never. */
  retryAfter: number;
  /** ms until the limiter is back to full capacity. */
  resetAfter: number;
  /** True when the refusal came from the per-isolate cache, without a round trip. */
  cached?: boolean;
}

/** Key builders for the common cases. */
export const keyBy = {
  /**
   * The client's IP from the header the app's `CLIENT_IP_HEADER` variable trusts (by default
   * `CF-Connecting-IP` on requests that came through Cloudflare); "unknown" when none does.
   * @see clientIp
   */
  ip: (c: AnyContext) => clientIp(c.req.raw, (c.env as { CLIENT_IP_HEADER?: string } | undefined)?.CLIENT_IP_HEADER),
  /** The client's IP from `header`, trusted on every request (a header your own proxy sets); "none" trusts nothing. */
  ipFrom: (header: string) => (c: AnyContext) => clientIp(c.req.raw, header),
  /** A request header (an API key, a user id set by an auth layer); "anonymous" when absent. */
  header: (name: string) => (c: AnyContext) => c.req.header(name) ?? "anonymous",
  /** The route (method and canonical path, so `/Login/` is `/login`): one limiter for everyone on that route. */
  route: (c: AnyContext) => `${c.req.method} ${strictPath(new URL(c.req.url).pathname)}`,
};

/**
 * Per-isolate memory of refusals: key → the time until which it is refused, for requests of
 * at least the cost that was refused. Bounded: the oldest entries go first.
 */
export class RefusalCache {
  private readonly entries = new Map<string, { until: number; resetAt: number; cost: number; limit: number }>();
  constructor(readonly maxEntries = 10_000) {}

  /** The cached refusal of `key` for `cost` at `now`, or null. */
  check(key: string, cost: number, now: number): RateLimitDecision | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (now >= e.until) {
      this.entries.delete(key);
      return null;
    }
    if (cost < e.cost) return null;
    return { allowed: false, limit: e.limit, remaining: 0, retryAfter: e.until - now, resetAfter: Math.max(0, e.resetAt - now), cached: true };
  }

  remember(key: string, cost: number, now: number, d: RateLimitDecision): void {
    if (d.allowed || d.retryAfter <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { until: now + d.retryAfter, resetAt: now + d.resetAfter, cost, limit: d.limit });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new TypeError(`rateLimit: ${name} must be a positive integer`);
  return v;
}

/** The command for one decision of `algorithm` on `key` (counted under `rule` when given, with `cached` refusals of it). */
export function decisionCommand(
  algorithm: Algorithm,
  key: string,
  limit: number,
  windowMs: number,
  refill: number,
  cost: number,
  rule?: string,
  cached = 0,
): (string | number)[] {
  const argv = baseCommand(algorithm, key, limit, windowMs, refill, cost);
  if (rule !== undefined) {
    argv.push("RULE", rule);
    if (cached > 0) argv.push("CACHED", cached);
  }
  return argv;
}

function baseCommand(algorithm: Algorithm, key: string, limit: number, windowMs: number, refill: number, cost: number): (string | number)[] {
  switch (algorithm) {
    case "fixed":
      return ["RL.FIXED", key, limit, windowMs, cost];
    case "sliding":
      return ["RL.SLIDING", key, limit, windowMs, cost];
    case "log":
      return ["RL.LOG", key, limit, windowMs, cost];
    case "bucket":
      return ["RL.BUCKET", key, limit, refill, windowMs, cost];
    case "gcra":
      return ["RL.GCRA", key, limit - 1, limit, windowMs, cost];
  }
}

/** Part `i` of `total` split `k` ways: the parts differ by at most one and sum to `total`. */
export function splitShare(total: number, k: number, i: number): number {
  return Math.floor(total / k) + (i < total % k ? 1 : 0);
}

/** Sets the RateLimit, RateLimit-Policy and X-RateLimit-* headers (and Retry-After on a refusal). */
export function setRateLimitHeaders(headers: Headers, d: RateLimitDecision, windowMs: number, policy = "default"): void {
  const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
  headers.set("RateLimit-Policy", `"${policy}";q=${d.limit};w=${seconds(windowMs)}`);
  headers.set("RateLimit", `"${policy}";r=${d.remaining};t=${seconds(d.resetAfter)}`);
  headers.set("X-RateLimit-Limit", String(d.limit));
  headers.set("X-RateLimit-Remaining", String(d.remaining));
  headers.set("X-RateLimit-Reset", String(seconds(d.resetAfter)));
  if (!d.allowed && d.retryAfter >= 0) headers.set("Retry-After", String(Math.max(1, seconds(d.retryAfter))));
}

/** A response whose headers can be changed (a fetched response's headers are immutable). */
function mutable(res: Response): Response {
  try {
    res.headers.set("x-ratelimit-probe", "1");
    res.headers.delete("x-ratelimit-probe");
    return res;
  } catch {
    return new Response(res.body, res);
  }
}

/** The outcome of one limiter for one request: a decision, or "unavailable" when the store could not answer. */
export type LimiterOutcome = RateLimitDecision | "unavailable";

/** A limiter built from options: decides requests; the middleware and the front door both use it. */
export interface RateLimiter {
  readonly windowMs: number;
  readonly policy: string;
  readonly failure: "open" | "closed";
  /** One decision for `c` (the refusal cache first, then the store). */
  decide(c: AnyContext): Promise<LimiterOutcome>;
  /** The response to a refused request, with its headers. */
  refusal(c: AnyContext, d: RateLimitDecision): Promise<Response>;
  /** `res` (made mutable) with the headers of an admitting decision. */
  annotate(res: Response, d: RateLimitDecision): Response;
}

/**
 * A limiter: `rateLimit`'s options, checked when built.
 * @see RateLimitOptions
 */
export function rateLimiter(options: RateLimitOptions): RateLimiter {
  const algorithm = options.algorithm ?? "sliding";
  if (!ALGORITHMS.includes(algorithm)) throw new TypeError(`rateLimit: unknown algorithm ${String(algorithm)}`);
  const limit = positiveInt(options.limit, "limit");
  const windowMs = positiveInt(options.windowMs, "windowMs");
  const refill = options.refill === undefined ? limit : positiveInt(options.refill, "refill");
  const split = options.split === undefined ? 1 : positiveInt(options.split, "split");
  if (split > limit || (algorithm === "bucket" && split > refill)) throw new TypeError("rateLimit: split must not exceed the limit (or the refill)");
  if (options.failure !== undefined && options.failure !== "open" && options.failure !== "closed") {
    throw new TypeError('rateLimit: failure must be "open" or "closed"');
  }
  if (typeof options.cost === "number" && (!Number.isInteger(options.cost) || options.cost < 0)) {
    throw new TypeError("rateLimit: cost must be a non-negative integer");
  }
  const prefix = options.prefix ?? "rl:";
  const keyOf = options.key ?? keyBy.ip;
  const cache = options.refusalCache === false ? null : options.refusalCache instanceof RefusalCache ? options.refusalCache : new RefusalCache();
  const policy = options.policy ?? "default";
  const rule = options.rule;
  if (rule !== undefined && (typeof rule !== "string" || rule === "")) throw new TypeError("rateLimit: rule must be a non-empty string");
  /** Refusals the cache answered since the last call that carried them (only counted with a rule). */
  let cachedRefusals = 0;

  return {
    windowMs,
    policy,
    failure: options.failure ?? "open",
    async decide(c) {
      const cost = typeof options.cost === "function" ? options.cost(c) : (options.cost ?? 1);
      const part = split > 1 ? Math.floor(Math.random() * split) : 0;
      const key = prefix + (await keyOf(c)) + (split > 1 ? `#${part}` : "");
      const now = Date.now();
      const cached = cache?.check(key, cost, now);
      if (cached) {
        if (rule !== undefined) cachedRefusals++;
        return cached;
      }
      let d: RateLimitDecision;
      try {
        const store = typeof options.store === "function" ? options.store(c) : options.store;
        // The cached refusals go with this call, once: if it fails they are not counted (never twice).
        const carried = cachedRefusals;
        cachedRefusals = 0;
        const [limited, , remaining, retryAfter, resetAfter] = await store.run(
          decisionCommand(algorithm, key, splitShare(limit, split, part), windowMs, splitShare(refill, split, part), cost, rule, carried),
        );
        d = { allowed: limited === 0, limit, remaining: Math.min(limit, remaining! * split), retryAfter: retryAfter!, resetAfter: resetAfter! };
      } catch {
        return "unavailable";
      }
      cache?.remember(key, cost, now, d);
      return d;
    },
    async refusal(c, d) {
      const res = mutable(options.onRefused ? await options.onRefused(c, d) : c.text("Too Many Requests", 429));
      setRateLimitHeaders(res.headers, d, windowMs, policy);
      return res;
    },
    annotate(res, d) {
      const out = mutable(res);
      setRateLimitHeaders(out.headers, d, windowMs, policy);
      return out;
    },
  };
}

/** The response of a limiter whose store is unreachable and that fails closed. */
export function unavailable(c: AnyContext): Response {
  return c.text("Rate limiter unavailable", 503, { "Retry-After": "1" });
}

/**
 * The rate-limit middleware.
 * @see RateLimitOptions
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const limiter = rateLimiter(options);
  return async function rateLimitMiddleware(c, next) {
    const d = await limiter.decide(c);
    if (d === "unavailable") {
      if (limiter.failure === "closed") return unavailable(c);
      await next();
      return;
    }
    if (!d.allowed) return limiter.refusal(c, d);
    await next();
    c.res = limiter.annotate(c.res, d);
  };
}
