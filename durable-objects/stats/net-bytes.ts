/**
 * INFO's total_net_input_bytes and total_net_output_bytes: what the commands and their replies
 * would take in RESP, the protocol Redis counts them in (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n` is 22
 * bytes in; `$1\r\nv\r\n` 7 bytes out). A shard counts the commands of the batches it is sent
 * and their replies (a command's own nested calls, a script's, are not traffic); what the HTTP
 * requests and JSON replies take at the Worker is not measured.
 */
import type { Arg } from "../args";
import { isError, isStatus, type Reply } from "../reply";
import { utf8Length } from "../store/memory-usage";

const digits = (n: number) => (n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).length);
const bulk = (len: number) => 1 + digits(len) + 2 + len + 2;

/** The RESP size of a command: an array of bulk strings. */
export function commandBytes(argv: Arg[]): number {
  let n = 1 + digits(argv.length) + 2;
  for (const a of argv) n += bulk(typeof a === "string" ? utf8Length(a) : a.byteLength);
  return n;
}

/** The RESP2 size of a reply. */
export function replyBytes(r: Reply): number {
  if (r === null) return 5;
  if (typeof r === "number") return Number.isInteger(r) ? 1 + String(r).length + 2 : bulk(String(r).length);
  if (typeof r === "bigint") return 1 + r.toString().length + 2;
  if (typeof r === "string") return bulk(utf8Length(r));
  if (r instanceof Uint8Array) return bulk(r.byteLength);
  if (Array.isArray(r)) {
    let n = 1 + digits(r.length) + 2;
    for (const x of r) n += replyBytes(x);
    return n;
  }
  if (isStatus(r)) return 1 + utf8Length(r.status) + 2;
  if (isError(r)) return 1 + utf8Length(r.error) + 2;
  return 0;
}
