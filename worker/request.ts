/**
 * Upstash REST request forms → argv lists.
 * - Body form: `POST /` with a JSON array `["SET","k","v","EX",100]`.
 * - Path form: `GET|POST /set/k/v/EX/100`; with POST a non-empty raw body is the last
 *   argument (its bytes kept as they are); query parameters append `NAME value` pairs.
 * - `/pipeline` and `/multi-exec`: a JSON array of such arrays.
 * Numbers and booleans in JSON become their string form; anything else is refused.
 */
import type { Arg } from "../durable-objects/args";

export class BadRequest extends Error {}

function jsonArgs(value: unknown): Arg[] {
  if (!Array.isArray(value)) throw new BadRequest("ERR the request body must be a JSON array of command arguments");
  if (value.length === 0) throw new BadRequest("ERR empty command");
  return value.map((a) => {
    if (typeof a === "string") return a;
    if (typeof a === "number" || typeof a === "boolean") return String(a);
    throw new BadRequest("ERR command arguments must be strings, numbers or booleans");
  });
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new BadRequest("ERR the request body is not valid JSON");
  }
}

/** The body of `POST /`: one command. */
export function parseCommandBody(body: Uint8Array): Arg[] {
  return jsonArgs(parseJson(body));
}

/** The body of `/pipeline` or `/multi-exec`: a non-empty list of commands. */
export function parseCommandList(body: Uint8Array): Arg[][] {
  const value = parseJson(body);
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest("ERR the request body must be a non-empty JSON array of commands");
  }
  return value.map(jsonArgs);
}

/** The path form: segments of the path, then `?name=value` pairs, then the raw body. */
export function parsePathCommand(url: URL, body: Uint8Array | null): Arg[] {
  const args: Arg[] = [];
  for (const segment of url.pathname.split("/")) {
    if (segment === "") continue;
    try {
      args.push(decodeURIComponent(segment));
    } catch {
      throw new BadRequest("ERR malformed percent-encoding in the request path");
    }
  }
  for (const [name, value] of url.searchParams) {
    if (name === "_token") continue;
    args.push(name, value);
  }
  if (body && body.length > 0) args.push(body);
  if (args.length === 0) throw new BadRequest("ERR empty command");
  return args;
}
