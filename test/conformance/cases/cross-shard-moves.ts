/**
 * The multi-key moves on one shard and across shards answer alike. Every combination of what
 * RENAME, RENAMENX, COPY, MSET, MSETNX, SMOVE, LMOVE and RPOPLPUSH can observe of their two keys
 * (source and destination types, membership, one key or two), with redis-server 7.0.15's reply
 * and whether a key changed. Each case runs its command twice: over `key()` names (one shard:
 * the shard handler) and over untagged names on two shards (the Worker's cross-shard planner),
 * and expects the same reply and the same contents after. worker/cross-commands.test.ts drives
 * the decision functions and the planners over the same table.
 */
import { expect } from "vitest";
import { shardOf } from "../../../worker/slot";
import type { Call, Case, CaseContext, Value } from "../harness";
import { sorted } from "./common";

/**
 * A key's state before the command: "none", "string" (`v-src` or `v-dst`), "set+m" ({m, n}: holds
 * the member SMOVE moves), "set" ({n}), "list" ([a, b]), "hash" ({f: 1}).
 */
export type KeyState = "none" | "string" | "set+m" | "set" | "list" | "hash";

/** [argv ($S source, $D destination), source, destination, one key, reply, a key changed]. */
export type MoveRow = [string[], KeyState, KeyState, boolean, Value, boolean];

export const MOVE_ROWS: MoveRow[] = [
  [["SMOVE", "$S", "$D", "m"], "none", "none", false, 0, false],
  [["SMOVE", "$S", "$D", "m"], "none", "set", false, 0, false],
  [["SMOVE", "$S", "$D", "m"], "none", "string", false, 0, false],
  [["SMOVE", "$S", "$D", "m"], "none", "none", true, 0, false],
  [["SMOVE", "$S", "$D", "m"], "set+m", "none", false, 1, true],
  [["SMOVE", "$S", "$D", "m"], "set+m", "set", false, 1, true],
  [["SMOVE", "$S", "$D", "m"], "set+m", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["SMOVE", "$S", "$D", "m"], "set+m", "set+m", true, 1, false],
  [["SMOVE", "$S", "$D", "m"], "set", "none", false, 0, false],
  [["SMOVE", "$S", "$D", "m"], "set", "set", false, 0, false],
  [["SMOVE", "$S", "$D", "m"], "set", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["SMOVE", "$S", "$D", "m"], "set", "set", true, 0, false],
  [["SMOVE", "$S", "$D", "m"], "string", "none", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["SMOVE", "$S", "$D", "m"], "string", "set", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["SMOVE", "$S", "$D", "m"], "string", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["SMOVE", "$S", "$D", "m"], "string", "string", true, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "none", "none", false, null, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "none", "list", false, null, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "none", "string", false, null, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "none", "none", true, null, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "list", "none", false, "a", true],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "list", "list", false, "a", true],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "list", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "list", "list", true, "a", true],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "string", "none", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "string", "list", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "string", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["LMOVE", "$S", "$D", "LEFT", "RIGHT"], "string", "string", true, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RPOPLPUSH", "$S", "$D"], "none", "none", false, null, false],
  [["RPOPLPUSH", "$S", "$D"], "none", "list", false, null, false],
  [["RPOPLPUSH", "$S", "$D"], "none", "string", false, null, false],
  [["RPOPLPUSH", "$S", "$D"], "none", "none", true, null, false],
  [["RPOPLPUSH", "$S", "$D"], "list", "none", false, "b", true],
  [["RPOPLPUSH", "$S", "$D"], "list", "list", false, "b", true],
  [["RPOPLPUSH", "$S", "$D"], "list", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RPOPLPUSH", "$S", "$D"], "list", "list", true, "b", true],
  [["RPOPLPUSH", "$S", "$D"], "string", "none", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RPOPLPUSH", "$S", "$D"], "string", "list", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RPOPLPUSH", "$S", "$D"], "string", "string", false, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RPOPLPUSH", "$S", "$D"], "string", "string", true, {"error": "WRONGTYPE Operation against a key holding the wrong kind of value"}, false],
  [["RENAME", "$S", "$D"], "none", "none", false, {"error": "ERR no such key"}, false],
  [["RENAME", "$S", "$D"], "none", "string", false, {"error": "ERR no such key"}, false],
  [["RENAME", "$S", "$D"], "none", "hash", false, {"error": "ERR no such key"}, false],
  [["RENAME", "$S", "$D"], "none", "none", true, {"error": "ERR no such key"}, false],
  [["RENAME", "$S", "$D"], "string", "none", false, "OK", true],
  [["RENAME", "$S", "$D"], "string", "string", false, "OK", true],
  [["RENAME", "$S", "$D"], "string", "hash", false, "OK", true],
  [["RENAME", "$S", "$D"], "string", "string", true, "OK", false],
  [["RENAME", "$S", "$D"], "list", "none", false, "OK", true],
  [["RENAME", "$S", "$D"], "list", "string", false, "OK", true],
  [["RENAME", "$S", "$D"], "list", "hash", false, "OK", true],
  [["RENAME", "$S", "$D"], "list", "list", true, "OK", false],
  [["RENAMENX", "$S", "$D"], "none", "none", false, {"error": "ERR no such key"}, false],
  [["RENAMENX", "$S", "$D"], "none", "string", false, {"error": "ERR no such key"}, false],
  [["RENAMENX", "$S", "$D"], "none", "hash", false, {"error": "ERR no such key"}, false],
  [["RENAMENX", "$S", "$D"], "none", "none", true, {"error": "ERR no such key"}, false],
  [["RENAMENX", "$S", "$D"], "string", "none", false, 1, true],
  [["RENAMENX", "$S", "$D"], "string", "string", false, 0, false],
  [["RENAMENX", "$S", "$D"], "string", "hash", false, 0, false],
  [["RENAMENX", "$S", "$D"], "string", "string", true, 0, false],
  [["RENAMENX", "$S", "$D"], "list", "none", false, 1, true],
  [["RENAMENX", "$S", "$D"], "list", "string", false, 0, false],
  [["RENAMENX", "$S", "$D"], "list", "hash", false, 0, false],
  [["RENAMENX", "$S", "$D"], "list", "list", true, 0, false],
  [["COPY", "$S", "$D"], "none", "none", false, 0, false],
  [["COPY", "$S", "$D"], "none", "string", false, 0, false],
  [["COPY", "$S", "$D"], "none", "hash", false, 0, false],
  [["COPY", "$S", "$D"], "none", "none", true, {"error": "ERR source and destination objects are the same"}, false],
  [["COPY", "$S", "$D"], "string", "none", false, 1, true],
  [["COPY", "$S", "$D"], "string", "string", false, 0, false],
  [["COPY", "$S", "$D"], "string", "hash", false, 0, false],
  [["COPY", "$S", "$D"], "string", "string", true, {"error": "ERR source and destination objects are the same"}, false],
  [["COPY", "$S", "$D"], "list", "none", false, 1, true],
  [["COPY", "$S", "$D"], "list", "string", false, 0, false],
  [["COPY", "$S", "$D"], "list", "hash", false, 0, false],
  [["COPY", "$S", "$D"], "list", "list", true, {"error": "ERR source and destination objects are the same"}, false],
  [["COPY", "$S", "$D", "REPLACE"], "none", "none", false, 0, false],
  [["COPY", "$S", "$D", "REPLACE"], "none", "string", false, 0, false],
  [["COPY", "$S", "$D", "REPLACE"], "none", "hash", false, 0, false],
  [["COPY", "$S", "$D", "REPLACE"], "none", "none", true, {"error": "ERR source and destination objects are the same"}, false],
  [["COPY", "$S", "$D", "REPLACE"], "string", "none", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "string", "string", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "string", "hash", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "string", "string", true, {"error": "ERR source and destination objects are the same"}, false],
  [["COPY", "$S", "$D", "REPLACE"], "list", "none", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "list", "string", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "list", "hash", false, 1, true],
  [["COPY", "$S", "$D", "REPLACE"], "list", "list", true, {"error": "ERR source and destination objects are the same"}, false],
  [["MSET", "$S", "1", "$D", "2"], "none", "none", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "none", "string", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "none", "hash", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "none", "none", true, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "string", "none", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "string", "string", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "string", "hash", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "string", "string", true, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "hash", "none", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "hash", "string", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "hash", "hash", false, "OK", true],
  [["MSET", "$S", "1", "$D", "2"], "hash", "hash", true, "OK", true],
  [["MSETNX", "$S", "1", "$D", "2"], "none", "none", false, 1, true],
  [["MSETNX", "$S", "1", "$D", "2"], "none", "string", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "none", "hash", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "none", "none", true, 1, true],
  [["MSETNX", "$S", "1", "$D", "2"], "string", "none", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "string", "string", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "string", "hash", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "string", "string", true, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "hash", "none", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "hash", "string", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "hash", "hash", false, 0, false],
  [["MSETNX", "$S", "1", "$D", "2"], "hash", "hash", true, 0, false],
];

async function setUp(r: Call, key: string, state: KeyState, role: string): Promise<void> {
  if (state === "string") await r("SET", key, `v-${role}`);
  else if (state === "set+m") await r("SADD", key, "m", "n");
  else if (state === "set") await r("SADD", key, "n");
  else if (state === "list") await r("RPUSH", key, "a", "b");
  else if (state === "hash") await r("HSET", key, "f", "1");
}

async function contents(r: Call, key: string): Promise<Value> {
  const type = await r("TYPE", key);
  if (type === "string") return [type, await r("GET", key)];
  if (type === "list") return [type, await r("LRANGE", key, 0, -1)];
  if (type === "set") return [type, sorted(await r("SMEMBERS", key))];
  if (type === "hash") return [type, await r("HGETALL", key)];
  return [type];
}

/** Two untagged keys, on two shards when the target has several. */
function acrossShards({ spread, target }: CaseContext): [string, string] {
  const src = spread("src");
  for (let i = 0; ; i++) {
    const dst = spread(`dst${i}`);
    if (target.shards === 1 || shardOf(src, target.shards) !== shardOf(dst, target.shards)) return [src, dst];
  }
}

export const moveCases: Case[] = MOVE_ROWS.map(([argv, source, destination, sameKey, reply, changes]) => ({
  name: `${argv.map((a) => (a === "$S" ? "src" : a === "$D" ? (sameKey ? "src" : "dst") : a)).join(" ")}, src ${source}, dst ${sameKey ? "src" : destination}: one shard and across shards agree`,
  async run(ctx) {
    const { r, key } = ctx;
    const runs: Value[] = [];
    for (const [src, other] of [[key("src"), key("dst")], acrossShards(ctx)] as const) {
      const dst = sameKey ? src : other;
      await setUp(r, src, source, "src");
      if (!sameKey) await setUp(r, dst, destination, "dst");
      const before = [await contents(r, src), await contents(r, dst)];
      const got = await r(...argv.map((a) => (a === "$S" ? src : a === "$D" ? dst : a)));
      const after = [await contents(r, src), await contents(r, dst)];
      expect(got).toEqual(reply);
      if (changes) expect(after).not.toEqual(before);
      else expect(after).toEqual(before);
      runs.push([got, after]);
    }
    expect(runs[1]).toEqual(runs[0]);
  },
}));
