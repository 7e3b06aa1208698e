/**
 * Shared by the set conformance cases (sets.ts, sets-more.ts). Redis replies members in hash
 * order, which no other target shares: unordered replies are compared sorted (`sorted`).
 */
import { shardOf } from "../../../worker/slot";
import { error, type Call, type CaseContext, type Value } from "../harness";

export const NOT_INT = error("ERR value is not an integer or out of range");
export const SYNTAX = error("ERR syntax error");
export const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
export const NOT_POSITIVE = error("ERR value is out of range, must be positive");
export const CROSSSLOT = error("CROSSSLOT Keys in request don't hash to the same slot");

/** Two untagged keys that live on different shards of the target. */
export function onTwoShards({ spread, target }: CaseContext): [string, string] {
  const a = spread("a");
  for (let i = 0; ; i++) {
    const b = spread(`b${i}`);
    if (shardOf(a, target.shards) !== shardOf(b, target.shards)) return [a, b];
  }
}

/** An array reply sorted, for replies whose order Redis leaves to its hash table. */
export function sorted(v: Value): Value {
  if (!Array.isArray(v)) return v;
  return [...v].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

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

