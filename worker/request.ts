/**
 * Upstash REST request forms → argv lists.
 * - Body form: `POST /` with a JSON array `["SET","k","v","EX",100]`.
 * - Path form: `GET|POST /set/k/v/EX/100`: the path's segments (percent-decoded), then with
 *   POST a non-empty raw body (its bytes kept as they are), then the query parameters as
 *   `NAME value` pairs (`?EX=100`; a parameter without `=` adds only its name; `_token` is
 *   not an argument). So `POST /set/k?EX=100` with body `v` is `SET k v EX 100`.
 * - `/pipeline` and `/multi-exec`: a JSON array of such arrays.
 * Numbers and booleans in JSON become their string form (a number beyond 2^53 keeps the digits
 * it was written with). An object `{"base64":"<standard base64>"}` is the argument of exactly
 * those bytes (a key or value that is not UTF-8); any other object, bad base64, null or a nested
 * array is refused (400, nothing runs). A JSON body must be valid UTF-8 (else 400, nothing runs):
 * bytes that are not travel inside `{"base64":…}` or as the raw body of the path form.
 */
import type { Arg } from "../durable-objects/args";
import { RequestErrors } from "../durable-objects/errors";

/** The request is malformed: answered 400 with this message, nothing runs. */
export class BadRequest extends Error {}

/** The request is over a limit: answered 413 with this message, nothing runs. */
export class TooLarge extends Error {}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** Keeps the written digits of numbers that a JS number cannot hold exactly (where the runtime tells them). */
const keepDigits: Reviver = (_key, value, context) =>
  typeof value === "number" && !Number.isSafeInteger(value) && typeof context?.source === "string" ? context.source : value;

/** Fatal: a body that is not valid UTF-8 is refused rather than stored with U+FFFD in place of its bytes. */
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeUtf8(body: Uint8Array): string {
  try {
    return decoder.decode(body);
  } catch {
    throw new BadRequest(RequestErrors.notUtf8);
  }
}

/**
 * Parses a JSON body and checks its shape with `shape` (which throws BadRequest, and notes an
 * argument number that String() would not give back as written). Only a body of the right shape
 * (arguments two levels deep at most, a `{"base64"}` argument one more) is parsed again with the
 * digit-keeping reviver, whose recursion would otherwise follow any nesting depth a client sends.
 */
function parseJson<T>(body: Uint8Array, shape: (value: unknown) => T): T {
  const source = decodeUtf8(body);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    if (e instanceof RangeError) throw new BadRequest(RequestErrors.nestedTooDeep);
    throw new BadRequest(source.trim() === "" ? RequestErrors.emptyCommand : RequestErrors.notJson);
  }
  inexact = false;
  const checked = shape(value);
  return inexact ? shape(JSON.parse(source, keepDigits as Parameters<typeof JSON.parse>[1])) : checked;
}

/** Set by jsonArgs when an argument is a number that String() would not give back as written. */
let inexact = false;

function kindOf(a: unknown): string {
  if (a === null) return "null";
  if (Array.isArray(a)) return "an array";
  return typeof a === "object" ? "an object" : typeof a;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The bytes of a `{"base64": "…"}` argument (argument number `position`), or BadRequest. Only
 * standard, padded base64 in its one canonical form: unused low bits of the last character zero,
 * so that every byte string has exactly one spelling.
 */
function binaryArg(a: object, position: number): Uint8Array {
  const fields = Object.keys(a);
  const text: unknown = (a as { base64?: unknown }).base64;
  if (fields.length !== 1 || fields[0] !== "base64" || typeof text !== "string") throw new BadRequest(RequestErrors.badObjectArgument(position));
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new BadRequest(RequestErrors.badBase64(position));
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (pad > 0 && ALPHABET.indexOf(text[text.length - pad - 1]!) % (pad === 2 ? 16 : 4) !== 0) throw new BadRequest(RequestErrors.badBase64(position));
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** A command as JSON.parse made it, checked and turned into arguments in place (numbers and booleans as text, `{"base64"}` as bytes). */
function jsonArgs(value: unknown): Arg[] {
  if (!Array.isArray(value)) throw new BadRequest(RequestErrors.commandNotArray);
  if (value.length === 0) throw new BadRequest(RequestErrors.emptyCommand);
  for (let i = 0; i < value.length; i++) {
    const a: unknown = value[i];
    if (typeof a === "string") continue;
    if (typeof a === "number") {
      if (!Number.isSafeInteger(a)) inexact = true;
      value[i] = String(a);
    } else if (typeof a === "boolean") {
      value[i] = String(a);
    } else if (a !== null && typeof a === "object" && !Array.isArray(a)) {
      value[i] = binaryArg(a, i + 1);
    } else {
      throw new BadRequest(RequestErrors.badArgument(i + 1, kindOf(a)));
    }
  }
  return value as Arg[];
}

/** The body of `POST /`: one command. */
export function parseCommandBody(body: Uint8Array): Arg[] {
  return parseJson(body, jsonArgs);
}

/** The body of `/pipeline` or `/multi-exec`: a non-empty list of at most `maxCommands` commands. */
export function parseCommandList(body: Uint8Array, maxCommands: number): Arg[][] {
  return parseJson(body, (value) => {
    if (!Array.isArray(value) || value.length === 0) throw new BadRequest(RequestErrors.commandListNotArray);
    if (value.length > maxCommands) throw new TooLarge(RequestErrors.tooManyCommands(value.length, maxCommands));
    for (const command of value) jsonArgs(command);
    return value as Arg[][];
  });
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new BadRequest(RequestErrors.badPercentEncoding);
  }
}

/**
 * The path form. Segments between slashes are arguments (an empty one is an empty argument),
 * except that one trailing slash is ignored.
 */
export function parsePathCommand(url: URL, body: Uint8Array | null): Arg[] {
  const segments = url.pathname.split("/").slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop();
  const args: Arg[] = segments.map(decodeSegment);
  if (body && body.length > 0) args.push(body);
  const query = url.search.slice(1);
  if (query !== "") {
    for (const pair of query.split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const name = decodeQuery(eq === -1 ? pair : pair.slice(0, eq));
      if (name === "_token") continue;
      args.push(name);
      if (eq !== -1) args.push(decodeQuery(pair.slice(eq + 1)));
    }
  }
  if (args.length === 0) throw new BadRequest(RequestErrors.emptyCommand);
  return args;
}

/** application/x-www-form-urlencoded decoding of one query name or value, as URLSearchParams does it. */
function decodeQuery(s: string): string {
  return decodeSegment(s.replace(/\+/g, " "));
}
