/** Shared by the sorted set conformance cases (zsets.ts, zsets-multi.ts). */
import { expect } from "vitest";
import { error, type Call, type Value } from "../harness";

export const NOT_FLOAT = error("ERR value is not a valid float");
export const NOT_INT = error("ERR value is not an integer or out of range");
export const MINMAX_FLOAT = error("ERR min or max is not a float");
export const MINMAX_LEX = error("ERR min or max not valid string range item");
export const SYNTAX = error("ERR syntax error");
export const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");

/** a:1 b:2 c:3 d:4 e:5 */
export async function abcde(r: Call, k: string): Promise<void> {
  expect(await r("ZADD", k, 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")).toEqual(5);
}

/** Same score, lex order: a b c d e f g. */
export async function lex(r: Call, k: string): Promise<void> {
  expect(await r("ZADD", k, 0, "a", 0, "b", 0, "c", 0, "d", 0, "e", 0, "f", 0, "g")).toEqual(7);
}

export function sorted(v: Value): Value[] {
  return [...(v as string[])].sort();
}
