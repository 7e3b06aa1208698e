/** Shared expectations of the string cases (strings.ts, strings-numbers.ts, strings-ranges.ts). */
import { expect } from "vitest";
import { error, type Call } from "../harness";

export const SYNTAX = error("ERR syntax error");
export const NOT_INTEGER = error("ERR value is not an integer or out of range");
export const NOT_FLOAT = error("ERR value is not a valid float");
export const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
export const invalidExpire = (cmd: string) => error(`ERR invalid expire time in '${cmd}' command`);

/** Makes `k` a key of another type than string (a sorted set). */
export async function otherType(r: Call, k: string): Promise<void> {
  expect(await r("ZADD", k, 1, "m")).toEqual(1);
}

/** TTL in seconds, checked to be within a few seconds below `expected`. */
export async function expectTtlNear(r: Call, k: string, expected: number): Promise<void> {
  const ttl = (await r("TTL", k)) as number;
  expect(ttl).toBeLessThanOrEqual(expected);
  expect(ttl).toBeGreaterThan(expected - 5);
}
