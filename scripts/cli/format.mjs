/**
 * Replies printed as redis-cli prints them: on a terminal (`(integer) 1`, `"v"`, `(nil)`,
 * `1) …` nested, `(error) …`), `--raw` (bytes as they are, one element a line) and `--json`.
 * Strings arrive base64-decoded, so a status and a bulk string look alike: a whole string reply
 * of a command that answers a status (`STATUS_COMMANDS`) is printed unquoted, as redis-cli does.
 */
import { isError } from "./client.mjs";

/** Commands whose string reply is a status (printed without quotes). */
const STATUS_COMMANDS = new Set(
  "PING TYPE SET MSET RENAME FLUSHDB FLUSHALL RESTORE LSET LTRIM HMSET SETEX PSETEX SELECT SWAPDB MULTI DISCARD WATCH UNWATCH SAVE BGSAVE BGREWRITEAOF CLIENT CONFIG SCRIPT FUNCTION XGROUP PFMERGE DEBUG LATENCY SLOWLOG MIGRATE RESET ASKING READONLY READWRITE SHUTDOWN AUTH HELLO JSON.SET".split(" "),
);

/** A string as redis-cli quotes it (sdscatrepr). */
export function quote(b) {
  let out = '"';
  for (const c of b) {
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x07) out += "\\a";
    else if (c === 0x08) out += "\\b";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += "\\x" + c.toString(16).padStart(2, "0");
  }
  return out + '"';
}

function tty(r, indent, status) {
  if (isError(r)) return `(error) ${r.error}`;
  if (r === null) return "(nil)";
  if (typeof r === "number" || typeof r === "bigint") return `(integer) ${r}`;
  if (Buffer.isBuffer(r)) return status ? r.toString("latin1") : quote(r);
  if (Array.isArray(r)) {
    if (r.length === 0) return "(empty array)";
    const w = String(r.length).length;
    return r
      .map((x, i) => {
        const label = `${String(i + 1).padStart(w)}) `;
        const body = tty(x, indent + label.length, false);
        return (i === 0 ? "" : " ".repeat(indent)) + label + body;
      })
      .join("\n");
  }
  return String(r);
}

/** Terminal form of the reply to `args`. */
export function formatTty(r, args) {
  const name = String(args[0] ?? "").toUpperCase();
  const status = Buffer.isBuffer(r) && STATUS_COMMANDS.has(name) && !(name === "SET" && args.some((a) => String(a).toUpperCase() === "GET"));
  return tty(r, 0, status);
}

/** `--raw`: strings as bytes, integers as digits, nil as an empty line, arrays one element a line. */
export function formatRaw(r) {
  if (isError(r)) return Buffer.from(r.error);
  if (r === null) return Buffer.alloc(0);
  if (typeof r === "number" || typeof r === "bigint") return Buffer.from(String(r));
  if (Buffer.isBuffer(r)) return r;
  if (Array.isArray(r)) return Buffer.concat(r.map((x, i) => (i ? Buffer.concat([Buffer.from("\n"), formatRaw(x)]) : formatRaw(x))));
  return Buffer.from(String(r));
}

/** `--json`: strings as text when UTF-8, else `{"base64": …}`; integers past 2^53 with all their digits. */
export function toJson(r) {
  if (isError(r)) return { error: r.error };
  if (r === null || typeof r === "number") return r;
  if (typeof r === "bigint") return r;
  if (Buffer.isBuffer(r)) {
    const s = r.toString("utf8");
    return Buffer.from(s, "utf8").equals(r) ? s : { base64: r.toString("base64") };
  }
  if (Array.isArray(r)) return r.map(toJson);
  return r;
}

export function formatJson(r) {
  const marks = [];
  const text = JSON.stringify(toJson(r), (_k, v) => (typeof v === "bigint" ? (marks.push(String(v)), `\u0000${marks.length - 1}\u0000`) : v));
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i) => marks[Number(i)]);
}
