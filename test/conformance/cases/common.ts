/**
 * Shared by the conformance cases of several groups: the error replies they all expect, keys on
 * two shards, and unordered comparison. Redis replies some collections in hash order, which no
 * other target shares: such replies are compared sorted (`sorted`).
 */
import { shardOf } from "../../../worker/slot";
import { error, type CaseContext, type Value } from "../harness";

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
