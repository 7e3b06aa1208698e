/**
 * The canonical forms the front door matches rules on (docs/rate-limiting.md, "How requests
 * are matched"). The requirement: a request must never escape a rule by its spelling, i.e.
 * never land in a looser rule than the one its origin treats it as. Origins differ in what
 * they fold (case, repeated slashes, an encoded `/`, `;` parameters), so a request is matched
 * in every form an origin may read it as, and every rule that matches one of them applies.
 *
 * - The strict form folds what RFC 3986 makes equivalent (percent-encoded unreserved
 *   characters, dot segments) plus what many origins fold (ASCII case, repeated and trailing
 *   slashes). An encoded `/` (`%2F`) stays distinct: it is not a separator, and decoding it
 *   would create segments the origin does not see (`/login/..%2F..` is a sub-path of
 *   /login to a strict origin but would resolve to `/`).
 * - The lenient form, computed only when the path holds `%2F`, `%5C` or `;`, reads the path
 *   as servers that decode them do (nginx decodes `%2F`, Windows servers take `\` as a
 *   separator, servlet containers drop `;` parameters), so `/x%2F..%2Flogin` also counts as
 *   /login.
 *
 * Rule patterns are folded the same way, so `/Login/` and `/login` are one pattern.
 */

/** RFC 3986 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

/** Decodes percent-encoded unreserved characters (one pass: `%2541` stays `%2541`); other escapes keep their bytes. */
export function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const code = parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : escape.toUpperCase();
  });
}

/** RFC 3986 §5.2.4 on segments: `.` is dropped, `..` drops the segment before it. */
function removeDotSegments(segments: string[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return out;
}

function joinSegments(segments: string[]): string {
  return ("/" + segments.filter((s) => s !== "").join("/")).toLowerCase();
}

/**
 * The strict canonical form of a path: unreserved characters decoded, dot segments removed
 * (empty segments counted, as RFC 3986 does), then repeated and trailing slashes dropped and
 * ASCII letters lowercased. Always starts with `/`.
 */
export function strictPath(path: string): string {
  const segments = decodeUnreserved(path).split("/").slice(1);
  return joinSegments(removeDotSegments(segments));
}

/**
 * The lenient form: as `strictPath`, but `%2F` and `%5C` are separators and each segment's
 * `;parameters` are dropped, with repeated slashes merged before dot segments are removed
 * (as nginx does). Null when the path holds none of these, i.e. reads the same both ways.
 */
export function lenientPath(path: string): string | null {
  if (!/%2f|%5c|;/i.test(path)) return null;
  const segments = decodeUnreserved(path)
    .replace(/%2F|%5C/g, "/")
    .split("/")
    .slice(1)
    .map((s) => s.replace(/;.*$/s, ""))
    .filter((s) => s !== "");
  return joinSegments(removeDotSegments(segments));
}

/** A host as rules see it: lowercase (the URL parser already did IDNA to punycode), no trailing dot, no port. */
export function canonicalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, "");
}

/** The methods a request may be served as: its own, GET for HEAD, and a method override (header or `_method`). */
export function requestMethods(req: Request, url: URL): Set<string> {
  const methods = new Set([req.method.toUpperCase()]);
  if (methods.has("HEAD")) methods.add("GET");
  for (const v of [
    req.headers.get("x-http-method-override"),
    req.headers.get("x-http-method"),
    req.headers.get("x-method-override"),
    url.searchParams.get("_method"),
  ]) {
    if (v) methods.add(v.trim().toUpperCase());
  }
  return methods;
}

/** Everything a rule is matched against. */
export interface RequestForms {
  methods: Set<string>;
  host: string;
  /** The strict form first, then the lenient one when it differs. */
  paths: string[];
}

export function requestForms(req: Request, url = new URL(req.url)): RequestForms {
  const strict = strictPath(url.pathname);
  const lenient = lenientPath(url.pathname);
  return {
    methods: requestMethods(req, url),
    host: canonicalHost(url.hostname),
    paths: lenient === null || lenient === strict ? [strict] : [strict, lenient],
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A path glob in canonical space. The glob is folded as paths are (so its literal parts match
 * folded paths), and a `*` right after a `/` may also match nothing together with that `/`
 * (`/api/*` matches `/api`, which is how `/api/` reads once the trailing slash is folded).
 */
function pathGlobSource(glob: string): string {
  const folded = strictGlob(glob);
  let src = "";
  for (let i = 0; i < folded.length; i++) {
    const ch = folded[i]!;
    if (ch === "/" && folded[i + 1] === "*" && (i + 2 === folded.length || folded[i + 2] === "/")) {
      src += i + 2 === folded.length ? "(?:/.*)?" : "/(?:.*/)?";
      i += i + 2 === folded.length ? 1 : 2;
    } else if (ch === "*") {
      src += ".*";
    } else {
      src += escapeRegExp(ch);
    }
  }
  return src;
}

/** `strictPath` for a glob: `*` is kept, a trailing `/` before the end is dropped. */
function strictGlob(glob: string): string {
  return strictPath(glob.startsWith("/") ? glob : `/${glob}`);
}

/** A host glob in canonical space: lowercase, punycode, no trailing dot; a port is an error. */
function hostGlobSource(glob: string): string {
  let parsed: URL;
  try {
    parsed = new URL(`http://${glob}/`);
  } catch {
    throw new TypeError(`RATE_LIMIT_RULES: "${glob}" is not a host name`);
  }
  if (parsed.port !== "" || /:\d*$/.test(glob)) throw new TypeError(`RATE_LIMIT_RULES: "${glob}": rules apply to every port; leave the port out`);
  return canonicalHost(parsed.hostname).split("*").map(escapeRegExp).join(".*");
}

/** A compiled pattern: a path glob (`/api/*`) or a host and path glob (`shop.example.com/cart*`). */
export interface PatternMatcher {
  test(forms: RequestForms): boolean;
}

export function compilePattern(glob: string): PatternMatcher {
  if (glob.startsWith("/")) {
    const re = new RegExp(`^${pathGlobSource(glob)}$`);
    return { test: (f) => f.paths.some((p) => re.test(p)) };
  }
  const slash = glob.indexOf("/");
  const hostRe = new RegExp(`^${hostGlobSource(slash < 0 ? glob : glob.slice(0, slash))}$`);
  // A host glob alone ("shop.example.com") covers every path of that host.
  const pathRe = new RegExp(`^${slash < 0 ? ".*" : pathGlobSource(glob.slice(slash))}$`);
  return { test: (f) => hostRe.test(f.host) && f.paths.some((p) => pathRe.test(p)) };
}
