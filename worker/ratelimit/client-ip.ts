/**
 * Which request header, if any, is trusted to carry the client's IP (docs/rate-limiting.md,
 * "The client's IP"). A header is only as trustworthy as whatever sets it: on Cloudflare the
 * edge sets `CF-Connecting-IP` to the client's address, but under `wrangler dev`
 * a client's own `CF-Connecting-IP` is kept, and under bare workerd or behind a proxy nothing
 * sets it at all. So trust is configuration, `CLIENT_IP_HEADER`:
 *
 * - unset or empty: `CF-Connecting-IP`, only on requests that carry `request.cf`, i.e. came
 *   through Cloudflare. wrangler dev fakes `request.cf` too, so `npm start` sets `none`.
 * - `none`: no header is trusted.
 * - a header name (`CF-Connecting-IP`, `X-Real-IP`, …): that header, on every request. Name
 *   one only if something you run always sets it and replaces a client's value.
 *
 * A client whose IP is not known from a trusted header is `UNKNOWN_CLIENT`: all of them share
 * one limiter per rule, so the limit still holds in total, and one such client can use it up
 * for the others.
 */

/** The key of every client whose IP no trusted header gives. */
export const UNKNOWN_CLIENT = "unknown";

/** An IPv4 or IPv6 literal as a header carries it (shape only; anything else is not an IP). */
const IP_SHAPE = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/;

/** An HTTP field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks a `CLIENT_IP_HEADER` value; throws a TypeError naming the problem. */
export function checkIpHeaderSetting(setting: string | undefined): void {
  const s = setting?.trim() ?? "";
  if (s !== "" && !HEADER_NAME.test(s)) throw new TypeError(`CLIENT_IP_HEADER: "${s}" is not a header name (or "none")`);
}

/**
 * The header `setting` (a `CLIENT_IP_HEADER` value) trusts for `req`, or null for none. A
 * setting that is not a header name trusts nothing.
 */
export function trustedIpHeader(req: Request, setting: string | undefined): string | null {
  const s = setting?.trim() ?? "";
  if (s === "") return (req as Request & { cf?: unknown }).cf ? "cf-connecting-ip" : null;
  if (s.toLowerCase() === "none" || !HEADER_NAME.test(s)) return null;
  return s;
}

/** The client's IP from the trusted header (see above), or `UNKNOWN_CLIENT`. */
export function clientIp(req: Request, setting: string | undefined): string {
  const header = trustedIpHeader(req, setting);
  const value = header === null ? null : req.headers.get(header)?.trim();
  return value && value.length <= 45 && IP_SHAPE.test(value) ? value.toLowerCase() : UNKNOWN_CLIENT;
}
