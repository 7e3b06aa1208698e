/**
 * MONITOR (docs/pubsub.md "MONITOR"): every command a shard runs, as one line in Redis 7's
 * format, `1733100000.123000 [0 shard-3] "SET" "k" "v"`, sent to the gateways that hold monitors.
 *
 * The line is Redis's: the time in seconds with six digits of microseconds, `[<db> <client>]`,
 * then each argument quoted with its bytes escaped as Redis's `sdscatrepr` escapes them. The
 * client field says where the command ran, since a shard knows no client address: the shard
 * (`shard-3`), or `lua` for a command a script or function called, as Redis prints for them.
 * The time is the shard's clock, which the runtime advances between inputs, not within one
 * batch: every command of a batch shows the same time, in milliseconds (the microseconds `000`).
 *
 * Which commands show: those that pass validation and run (an unknown command, a wrong arity, a
 * NOPERM or an OOM refusal is not shown; a command that runs and answers an error is), except
 * those flagged `admin` (CONFIG, SLOWLOG, PFDEBUG, …), which Redis hides as too sensitive. A
 * script's EVAL or FCALL line comes before the lines of the commands it calls.
 */
import { bytes, type Arg } from "../args";

/** What a batch's commands feed when the shard has monitors (ExecContext.monitor). */
export interface MonitorFeed {
  /** How many commands are running: above 0 while a script's command runs (the `lua` client). */
  depth: number;
  /** One command about to run; `script`: a script or function called it. */
  feed(argv: Arg[], script: boolean): void;
}

const HEX = "0123456789abcdef";

/**
 * One argument as Redis's `sdscatrepr` writes it: in double quotes, `\\` and `\"` escaped,
 * `\n \r \t \a \b` by name, other bytes outside printable ASCII as `\xhh` (lowercase).
 * @example quoted(utf8("a\"b\n")) → `"a\"b\n"` (the two escapes as two characters each)
 */
export function quoted(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    switch (c) {
      case 0x5c:
        s += "\\\\";
        break;
      case 0x22:
        s += '\\"';
        break;
      case 0x0a:
        s += "\\n";
        break;
      case 0x0d:
        s += "\\r";
        break;
      case 0x09:
        s += "\\t";
        break;
      case 0x07:
        s += "\\a";
        break;
      case 0x08:
        s += "\\b";
        break;
      default:
        s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : "\\x" + HEX[c >> 4] + HEX[c & 15];
    }
  }
  return s + '"';
}

/**
 * One MONITOR line (without Redis's `+` and CRLF). `ms`: the time in milliseconds since the
 * epoch (a fraction gives the microseconds); `client`: `shard-3`, `lua`, …
 * @example monitorLine(1733100000123, "shard-0", ["SET", "k", "v"]) → `1733100000.123000 [0 shard-0] "SET" "k" "v"`
 */
export function monitorLine(ms: number, client: string, argv: Arg[]): string {
  const us = Math.floor(ms * 1000);
  const seconds = Math.floor(us / 1_000_000);
  const micros = String(us - seconds * 1_000_000).padStart(6, "0");
  let line = `${seconds}.${micros} [0 ${client}]`;
  for (const a of argv) line += " " + quoted(bytes(a));
  return line;
}
