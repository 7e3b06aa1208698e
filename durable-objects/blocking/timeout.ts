import type { Arg } from "../args";
import { parseRedisFloat, text } from "../args";
import { Errors } from "../errors";
import { CommandError } from "../reply";

/** 2^63: a timeout whose milliseconds do not fit a 64-bit integer. */
const I64_LIMIT = 2 ** 63;

/**
 * A blocking command's timeout in seconds (a float; 0 waits until served), as milliseconds,
 * as Redis 7.0's getTimeoutFromObjectOrReply: the milliseconds are truncated toward zero, so
 * -0.0005 is 0; a value whose milliseconds overflow a 64-bit integer (inf, 1e400) is refused
 * as negative, as Redis's cast makes it.
 */
export function parseBlockTimeout(a: Arg): number {
  const v = parseRedisFloat(text(a));
  if (v === null) throw new CommandError(Errors.timeoutNotFloat);
  const ms = Math.trunc(v * 1000);
  if (!Number.isFinite(ms) || Math.abs(ms) >= I64_LIMIT || ms < 0) throw new CommandError(Errors.timeoutNegative);
  return ms === 0 ? 0 : ms;
}
