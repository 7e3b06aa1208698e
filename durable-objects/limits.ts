/**
 * Size limits a shard and the Worker share.
 *
 * A string value may hold up to `MAX_VALUE_BYTES` (a wrangler var; default 32 MiB): values
 * larger than one SQLite row are kept in chunk rows (store/string-chunks.ts). Above the limit,
 * SET, APPEND and SETRANGE answer `ERR string exceeds maximum allowed size (N bytes)` and
 * change nothing. The Worker's default request limit follows it (worker/env.ts).
 */

/** Default largest string value: 32 MiB. */
export const DEFAULT_MAX_VALUE_BYTES = 32 * 1024 * 1024;

/** The configured value limit: a positive integer `MAX_VALUE_BYTES`, else the default. */
export function maxValueBytes(setting: string | undefined): number {
  const n = Number(setting);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_VALUE_BYTES;
}
