/**
 * Eviction runs before a command flagged `denyoom` (dispatch.ts), so the flag must be Redis's:
 * the commands redis-server 7.0.15 reports with `denyoom` in COMMAND INFO. Commands Redis 7.0
 * lacks (RedisJSON, newer hash-field commands, edgekv's own) carry it where they may grow memory.
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../commands";

/** `COMMAND` on redis-server 7.0.15: every command and subcommand whose flags include denyoom. */
const REDIS_DENYOOM = (
  "append bitfield bitop blmove brpoplpush copy decr decrby function|load function|restore geoadd georadius " +
  "georadiusbymember geosearchstore getset hincrby hincrbyfloat hmset hset hsetnx incr incrby incrbyfloat " +
  "linsert lmove lpush lpushx lset mset msetnx pfadd pfdebug pfmerge psetex restore restore-asking rpoplpush " +
  "rpush rpushx sadd sdiffstore set setbit setex setnx setrange sinterstore sort sunionstore xadd " +
  "xgroup|create xgroup|createconsumer xsetid zadd zdiffstore zincrby zinterstore zrangestore zunionstore"
).split(" ");

/** Commands of ours, not in Redis 7.0, that may grow memory. */
const OWN_DENYOOM = new Set(["hsetex", "rl.fixed", "rl.sliding", "rl.log", "rl.bucket", "rl.gcra", "rl.lease", "cl.throttle", "lock.acquire", "json.set", "json.mset", "json.merge", "json.arrappend", "json.arrinsert", "json.strappend", "json.numincrby", "json.nummultby", "json.toggle"]);

describe("denyoom flags", () => {
  const all = COMMANDS.entries().flatMap((e) => [e, ...(e.subcommands ?? [])]);
  const byName = new Map(all.map((e) => [e.name, e]));

  it("every command Redis 7.0.15 flags denyoom has the flag here", () => {
    const missing = REDIS_DENYOOM.filter((n) => byName.has(n) && !byName.get(n)!.flags.includes("denyoom"));
    expect(missing).toEqual([]);
  });

  it("no other command has it, but those Redis 7.0 lacks that grow memory", () => {
    const extra = all.filter((e) => e.flags.includes("denyoom") && !REDIS_DENYOOM.includes(e.name) && !OWN_DENYOOM.has(e.name)).map((e) => e.name);
    expect(extra).toEqual([]);
  });
});
