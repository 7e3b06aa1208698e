/**
 * The Upstash REST client of the CLI: `POST /` for one command, `POST /pipeline` for many, with
 * `Upstash-Encoding: base64` so that every string comes back as its exact bytes. An argument
 * that is not UTF-8 travels as `{"base64":"…"}`, so any bytes can be sent. Results are
 * decoded into: Buffer (a string), number or bigint (an integer), null, arrays of those, and
 * `{ error }` for an error reply. A failure to reach the server or an HTTP status other than an
 * error reply's is a ConnectionError (exit code 2).
 */

export class ConnectionError extends Error {}

/** A bad command line or an unreadable file (exit code 2). */
export class UsageError extends Error {}

export function positive(s, name) {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
}

/** The text of bytes that are valid UTF-8, else null. */
export function textOf(b) {
  const s = b.toString("utf8");
  return Buffer.byteLength(s) === b.length && Buffer.from(s, "utf8").equals(b) ? s : null;
}

/** A command's argument as a JSON body carries it: text, or `{"base64":"…"}` for bytes that are not UTF-8. */
function argJson(a) {
  if (Buffer.isBuffer(a) || a instanceof Uint8Array) {
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const s = textOf(b);
    return s === null ? { base64: b.toString("base64") } : s;
  }
  return String(a);
}

/** A path segment: text only (the path form's segments are UTF-8). */
function segment(a) {
  const s = argJson(a);
  if (typeof s !== "string") throw new TypeError("a path segment must be UTF-8");
  return encodeURIComponent(s);
}

/** The JSON body of commands (arrays of arguments), as a string. */
export function bodyOf(commands) {
  return JSON.stringify(commands.map((c) => c.map(argJson)));
}

/** A result of base64 encoding → Buffers, numbers, null, arrays. A whole `OK` stays plain (as Upstash sends it). */
export function decodeResult(r, top = true) {
  if (r === null || typeof r === "number") return r;
  if (typeof r === "string") {
    if (top && r === "OK") return Buffer.from("OK");
    return Buffer.from(r, "base64");
  }
  if (Array.isArray(r)) return r.map((x) => decodeResult(x, false));
  return r;
}

function entry(e) {
  if (e && typeof e === "object" && "error" in e) return { error: String(e.error) };
  return decodeResult(e?.result);
}

export class Client {
  /** @param {string} url @param {string} token */
  constructor(url, token) {
    this.url = url.replace(/\/+$/, "");
    this.token = token;
  }

  async post(path, body, type = "application/json") {
    let res;
    try {
      res = await fetch(this.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "upstash-encoding": "base64", "content-type": type },
        body,
      });
    } catch (e) {
      throw new ConnectionError(`could not connect to ${this.url}: ${e?.cause?.message ?? e.message}`);
    }
    // Integers beyond 2^53 arrive as JSON numbers with all their digits: keep them as BigInt.
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text, (_k, v, ctx) => (typeof v === "number" && !Number.isSafeInteger(v) && ctx && /^-?\d+$/.test(ctx.source) ? BigInt(ctx.source) : v));
    } catch {
      throw new ConnectionError(`HTTP ${res.status} from ${this.url}: ${text.slice(0, 200)}`);
    }
    if (res.status === 401 || res.status === 403) throw new ConnectionError(`HTTP ${res.status}: ${json?.error ?? text}`);
    if (res.status >= 500) throw new ConnectionError(`HTTP ${res.status}: ${json?.error ?? text}`);
    return json;
  }

  /** One command → its decoded result or `{ error }`. */
  async call(args) {
    const json = await this.post("/", bodyOf([args]).slice(1, -1));
    if (json && typeof json === "object" && !Array.isArray(json) && ("result" in json || "error" in json)) return entry(json);
    throw new ConnectionError(`unexpected reply: ${JSON.stringify(json).slice(0, 200)}`);
  }

  /**
   * One command in the path form with `body` (bytes) as its argument after `path` and `flags`
   * after it (`POST /restore/k/0?REPLACE`): a large binary argument as one copy, not base64 in
   * JSON. `path` must be UTF-8 (`textOf`); otherwise send the command with `call`.
   */
  async callWithBody(path, body, flags = []) {
    const query = flags.map(([name, value]) => encodeURIComponent(name) + (value === undefined ? "" : "=" + encodeURIComponent(value)));
    const url = "/" + path.map(segment).join("/") + (query.length ? "?" + query.join("&") : "");
    return entry(await this.post(url, body, "application/octet-stream"));
  }

  /** Many commands in one pipeline → one decoded result or `{ error }` each, in order. */
  async pipeline(commands) {
    if (commands.length === 0) return [];
    const json = await this.post("/pipeline", bodyOf(commands));
    if (!Array.isArray(json)) {
      if (json && typeof json === "object" && "error" in json) return commands.map(() => ({ error: String(json.error) }));
      throw new ConnectionError(`unexpected reply: ${JSON.stringify(json).slice(0, 200)}`);
    }
    if (json.length !== commands.length) throw new ConnectionError(`the pipeline answered ${json.length} replies for ${commands.length} commands`);
    return json.map(entry);
  }
}

export const isError = (r) => r !== null && typeof r === "object" && !Buffer.isBuffer(r) && !Array.isArray(r) && "error" in r;
