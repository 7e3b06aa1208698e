/**
 * Shared by the set conformance cases (sets.ts, sets-more.ts). Redis replies members in hash
 * order, which no other target shares: members are compared sorted.
 */
import type { Call, Value } from "../harness";
import { sorted } from "./common";

export async function members(r: Call, key: string): Promise<Value> {
  return sorted(await r("SMEMBERS", key));
}

/** Every member SSCAN returns over a full iteration, deduplicated and sorted. */
export async function scanAll(r: Call, key: string, ...opts: (string | number)[]): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let i = 0; i < 1000; i++) {
    const reply = (await r("SSCAN", key, cursor, ...opts)) as [string, string[]];
    reply[1].forEach((m) => seen.add(m));
    cursor = reply[0];
    if (cursor === "0") break;
  }
  return [...seen].sort();
}

