/**
 * A shard's slow log, as Redis's: in memory, newest first, at most `slowlog-max-len` entries, a
 * command logged when it took at least `slowlog-log-slower-than` µs (-1: never, 0: every command).
 * Only the commands of a client's batch are logged, not those a script calls (as in Redis).
 * Entry ids grow per shard and are never reused, not even by SLOWLOG RESET; the Worker makes them
 * unique across shards when it merges (worker/merge-info.ts). A restart empties the log.
 */
import type { Arg } from "../args";

/** Redis's cuts: at most 32 arguments (the last says how many more), each at most 128 bytes. */
export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** ms since the epoch when the command ran. */
  at: number;
  usec: number;
  argv: Arg[];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** argv as the slow log keeps it: Redis's limits on argument count and length. */
export function cutArgv(argv: Arg[]): Arg[] {
  const n = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
  const out: Arg[] = [];
  for (let i = 0; i < n; i++) {
    if (i === SLOWLOG_ENTRY_MAX_ARGC - 1 && argv.length > SLOWLOG_ENTRY_MAX_ARGC) {
      out.push(`... (${argv.length - SLOWLOG_ENTRY_MAX_ARGC + 1} more arguments)`);
      break;
    }
    out.push(cutArg(argv[i]!));
  }
  return out;
}

function cutArg(a: Arg): Arg {
  const bytes = typeof a === "string" ? (a.length * 3 <= SLOWLOG_ENTRY_MAX_STRING ? null : encoder.encode(a)) : a;
  if (bytes === null || bytes.length <= SLOWLOG_ENTRY_MAX_STRING) return typeof a === "string" ? a : a.slice();
  const more = encoder.encode(`... (${bytes.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`);
  const out = new Uint8Array(SLOWLOG_ENTRY_MAX_STRING + more.length);
  out.set(bytes.subarray(0, SLOWLOG_ENTRY_MAX_STRING));
  out.set(more, SLOWLOG_ENTRY_MAX_STRING);
  return typeof a === "string" ? decoder.decode(out) : out;
}

export class SlowLog {
  /** Newest last (push is cheap); read newest first. */
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** Logs a command that took `usec` µs when the thresholds say so. */
  maybeLog(argv: Arg[], usec: number, at: number, slowerThan: number, maxLen: number): void {
    if (slowerThan < 0 || usec < slowerThan) return;
    if (maxLen <= 0) {
      this.entries.length = 0;
      return;
    }
    this.entries.push({ id: this.nextId++, at, usec: Math.floor(usec), argv: cutArgv(argv) });
    if (this.entries.length > maxLen) this.entries.splice(0, this.entries.length - maxLen);
  }

  /** The newest `count` entries, newest first (count < 0: all). */
  newest(count: number): SlowlogEntry[] {
    const n = count < 0 ? this.entries.length : Math.min(count, this.entries.length);
    const out: SlowlogEntry[] = [];
    for (let i = this.entries.length - 1; out.length < n; i--) out.push(this.entries[i]!);
    return out;
  }

  get length(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }
}
