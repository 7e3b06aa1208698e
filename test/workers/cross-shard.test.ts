/**
 * Cross-shard atomicity through the Worker: MSET, MSETNX, SMOVE and /multi-exec over keys on
 * different shards, isolation from single-key commands while a transaction holds its locks,
 * and what still answers CROSSSLOT. Faults are in cross-shard-faults.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ParticipantRpc } from "../../worker/cross-shard";
import { cmd, freshKey, keysOnDistinctShards, multiExec, pipeline, SHARDS } from "./http-helpers";
import { shardOf } from "../../worker/slot";

type Entry = { result?: unknown; error?: string };

function shardStub(i: number) {
  return env.SHARD.getByName(`shard-${i}`) as unknown as ParticipantRpc & { lockedKeys(): Promise<number> };
}

async function lockedAnywhere(): Promise<number> {
  let n = 0;
  for (let i = 0; i < SHARDS; i++) n += await shardStub(i).lockedKeys();
  return n;
}

describe("multi-key commands across shards", () => {
  it("MSET writes every key, MGET reads them back, no lock is left", async () => {
    const keys = keysOnDistinctShards("xmset", 4);
    expect(await cmd("MSET", ...keys.flatMap((k, i) => [k, `v${i}`]))).toEqual({ result: "OK" });
    expect(await cmd("MGET", ...keys)).toEqual({ result: ["v0", "v1", "v2", "v3"] });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("MSETNX sets all keys when none exists and none when one exists", async () => {
    const [a, b, c] = keysOnDistinctShards("xmsetnx", 3);
    expect(await cmd("MSETNX", a!, "1", b!, "2")).toEqual({ result: 1 });
    expect(await cmd("MSETNX", c!, "3", b!, "x")).toEqual({ result: 0 });
    expect(await cmd("MGET", a!, b!, c!)).toEqual({ result: ["1", "2", null] });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("MSET with an odd number of arguments is an arity error and writes nothing", async () => {
    const [a, b] = keysOnDistinctShards("xmsetodd", 2);
    expect(await cmd("MSET", a!, "1", b!)).toEqual({ error: "ERR wrong number of arguments for 'mset' command" });
    expect(await cmd("EXISTS", a!, b!)).toEqual({ result: 0 });
  });

  it("SMOVE moves a member between sets on different shards", async () => {
    const [src, dst, str] = keysOnDistinctShards("xsmove", 3);
    await cmd("SADD", src!, "m", "n");
    await cmd("SET", str!, "x");
    expect(await cmd("SMOVE", src!, dst!, "m")).toEqual({ result: 1 });
    expect(await cmd("SMOVE", src!, dst!, "m")).toEqual({ result: 0 });
    expect(await cmd("SMEMBERS", src!)).toEqual({ result: ["n"] });
    expect(await cmd("SMEMBERS", dst!)).toEqual({ result: ["m"] });
    expect(await cmd("SMOVE", src!, str!, "n")).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
    expect(await cmd("SMOVE", str!, dst!, "n")).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
    expect(await cmd("SMOVE", freshKey("none"), str!, "n")).toEqual({ result: 0 });
    expect(await cmd("SISMEMBER", src!, "n")).toEqual({ result: 1 });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("LMOVE moves the element under concurrent moves without losing or duplicating one", async () => {
    const [a, b] = keysOnDistinctShards("xlmove", 2);
    await cmd("RPUSH", a!, ...Array.from({ length: 20 }, (_, i) => `e${i}`));
    const moves = Array.from({ length: 20 }, (_, i) => (i % 2 ? cmd("LMOVE", a!, b!, "LEFT", "RIGHT") : cmd("RPOPLPUSH", b!, a!)));
    await Promise.all(moves);
    const left = ((await cmd("LRANGE", a!, 0, -1)).result as string[]) ?? [];
    const right = ((await cmd("LRANGE", b!, 0, -1)).result as string[]) ?? [];
    expect([...left, ...right].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`).sort());
    expect(await lockedAnywhere()).toBe(0);
  });

  it("commands without a cross-shard plan still answer CROSSSLOT and change nothing", async () => {
    const [a, b, c] = keysOnDistinctShards("xslot", 3);
    await cmd("RPUSH", a!, "v");
    await cmd("SET", c!, "s");
    for (const argv of [["COPY", a!, b!, "DB", "0"], ["COPY", c!, b!, "DB", "0"]]) {
      expect(await cmd(...argv)).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    }
    expect(await cmd("LRANGE", a!, 0, -1)).toEqual({ result: ["v"] });
    expect(await cmd("EXISTS", b!)).toEqual({ result: 0 });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("RENAME of a hash across shards keeps its fields' expiries (gathered)", async () => {
    const [h, d] = keysOnDistinctShards("xhash-ttl", 2);
    await cmd("HSET", h!, "f", "1", "g", "2", "k", "3");
    const at = Date.now() + 100_000;
    await cmd("HPEXPIREAT", h!, at, "FIELDS", 1, "f");
    await cmd("PEXPIREAT", h!, at + 5000);
    expect(await cmd("RENAME", h!, d!)).toEqual({ result: "OK" });
    expect(await cmd("HPEXPIRETIME", d!, "FIELDS", 3, "f", "g", "k")).toEqual({ result: [at, -1, -1] });
    expect(await cmd("PEXPIRETIME", d!)).toEqual({ result: at + 5000 });
    expect(await cmd("HGETALL", d!)).toEqual({ result: ["f", "1", "g", "2", "k", "3"] });
    expect(await cmd("EXISTS", h!)).toEqual({ result: 0 });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("concurrent cross-shard scripts moving amounts between accounts never change the total (gathered)", async () => {
    const accounts = keysOnDistinctShards("xeval-bank", 4);
    await cmd("MSET", ...accounts.flatMap((k) => [k, "100"]));
    const script = "local n = tonumber(ARGV[1]) if tonumber(redis.call('GET', KEYS[1])) < n then return 0 end redis.call('DECRBY', KEYS[1], n) redis.call('INCRBY', KEYS[2], n) return 1";
    const moves = Array.from({ length: 16 }, (_, i) => [accounts[i % 4]!, accounts[(i + 1 + (i >> 2)) % 4]!] as const).filter(([x, y]) => x !== y);
    const replies = await Promise.all(moves.map(([x, y], i) => cmd("EVAL", script, 2, x, y, 10 + i)));
    for (const r of replies) expect(r.error ?? "").not.toMatch(/^ERR/);
    const balances = ((await cmd("MGET", ...accounts)).result as string[]).map(Number);
    expect(balances.reduce((s, n) => s + n, 0)).toBe(400);
    for (const n of balances) expect(n).toBeGreaterThanOrEqual(0);
    expect(await lockedAnywhere()).toBe(0);
  });

  it("a cross-shard MSET inside a pipeline keeps the pipeline's order", async () => {
    const [a, b] = keysOnDistinctShards("xpipe", 2);
    const res = await pipeline([["SET", a!, "0"], ["MSET", a!, "1", b!, "1"], ["GET", a!], ["INCR", b!]]);
    expect(await res.json()).toEqual([{ result: "OK" }, { result: "OK" }, { result: "1" }, { result: 2 }]);
  });
});

describe("/multi-exec across shards", () => {
  it("a nil reply is an entry like any other, not a lost reply (redis-server: [-2, nil])", async () => {
    const [a, b] = keysOnDistinctShards("xnil", 2);
    const res = await multiExec([["PTTL", a!], ["ZSCORE", b!, "e"]]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ result: -2 }, { result: null }]);
  });

  it("MSET with an odd number of arguments over two shards is an error entry of EXEC, not a discarded transaction", async () => {
    const [a, b, c] = keysOnDistinctShards("xodd", 3);
    await cmd("SET", c!, "v");
    const res = await multiExec([["MSET", a!, "1", b!], ["GET", c!]]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ error: "ERR wrong number of arguments for 'mset' command" }, { result: "v" }]);
    expect(await cmd("EXISTS", a!, b!)).toEqual({ result: 0 });
  });

  it("the bank transfer: DECRBY on one shard and INCRBY on another apply together", async () => {
    const [a, b] = keysOnDistinctShards("xbank", 2);
    await cmd("MSET", a!, "100", b!, "0");
    const res = await multiExec([["DECRBY", a!, "30"], ["INCRBY", b!, "30"], ["GET", a!], ["GET", b!]]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ result: 70 }, { result: 30 }, { result: "70" }, { result: "30" }]);
    expect(await lockedAnywhere()).toBe(0);
  });

  it("keeps Redis EXEC semantics: an error is an entry, fan-out and keyless commands merge in order", async () => {
    const [a, b, c] = keysOnDistinctShards("xexec", 3);
    const res = await multiExec([
      ["SET", a!, "x"],
      ["INCR", a!],
      ["MSET", b!, "1", c!, "2"],
      ["MGET", a!, b!, c!],
      ["DEL", b!, c!],
      ["PING"],
      ["EXISTS", a!, b!, c!],
    ]);
    expect(res.status).toBe(200);
    expect((await res.json()) as Entry[]).toEqual([
      { result: "OK" },
      { error: "ERR value is not an integer or out of range" },
      { result: "OK" },
      { result: ["x", "1", "2"] },
      { result: 2 },
      { result: "PONG" },
      { result: 1 },
    ]);
  });

  it("commands that read before they write make the whole transaction run gathered, EXEC semantics kept", async () => {
    const [a, b, s1, s2, l1, l2] = keysOnDistinctShards("xexecgather", 6);
    await cmd("SET", a!, "keep", "PX", 100_000);
    const res = await multiExec([
      ["SET", b!, "1"],
      ["MSETNX", a!, "x", b!, "y"],
      ["SADD", s1!, "m", "n"],
      ["SMOVE", s1!, s2!, "m"],
      ["RPUSH", l1!, "e"],
      ["RPOPLPUSH", l1!, l2!],
      ["INCR", a!],
      ["EVAL", "return redis.call('INCRBY', KEYS[1], redis.call('SCARD', KEYS[2]))", 2, b!, s2!],
      ["SUNIONSTORE", s2!, s1!, s2!],
      ["MGET", a!, b!, l2!],
    ]);
    expect(res.status).toBe(200);
    expect((await res.json()) as Entry[]).toEqual([
      { result: "OK" },
      { result: 0 },
      { result: 2 },
      { result: 1 },
      { result: 1 },
      { result: "e" },
      { error: "ERR value is not an integer or out of range" },
      { result: 2 },
      { result: 2 },
      { result: ["keep", "2", null] },
    ]);
    expect(await cmd("LRANGE", l2!, 0, -1)).toEqual({ result: ["e"] });
    expect(await cmd("EXISTS", l1!)).toEqual({ result: 0 });
    expect(Number((await cmd("PTTL", a!)).result)).toBeGreaterThan(90_000);
    expect(await lockedAnywhere()).toBe(0);
  });

  it("lock commands, whose fencing counters stay on their shard, are refused over gathered keys", async () => {
    const [a, b] = keysOnDistinctShards("xlockgather", 2);
    const script = "redis.call('SET', KEYS[2], 'x') return redis.pcall('LOCK.ACQUIRE', KEYS[1], 'me', 1000)";
    expect(await cmd("EVAL", script, 2, a!, b!)).toEqual({
      error: "ERR 'lock.acquire' cannot run over keys gathered from several shards (its state lives beside the key); keep the keys on one shard with a hash tag",
    });
    expect(await cmd("GET", b!)).toEqual({ result: "x" });
    expect(await cmd("EXISTS", a!)).toEqual({ result: 0 });
    const res = await multiExec([["SMOVE", a!, b!, "m"], ["LOCK.ACQUIRE", a!, "me", "1000"]]);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("a keyspace-wide command with one that must read before it writes across shards is CROSSSLOT; nothing runs", async () => {
    const [a, b, c] = keysOnDistinctShards("xexecno", 3);
    for (const extra of [["DBSIZE"], ["SCAN", "0"], ["RANDOMKEY"], ["FLUSHDB"]]) {
      const res = await multiExec([["SET", c!, "1"], ["SMOVE", a!, b!, "m"], extra]);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "CROSSSLOT Keys in request don't hash to the same slot" });
    }
    expect(await cmd("EXISTS", c!)).toEqual({ result: 0 });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("concurrent transfers between accounts on different shards never change the total", async () => {
    const accounts = keysOnDistinctShards("xconc", 4);
    await cmd("MSET", ...accounts.flatMap((k) => [k, "1000"]));
    const transfers = Array.from({ length: 24 }, (_, i) => {
      const from = accounts[i % 4]!;
      const to = accounts[(i * 3 + 1) % 4]!;
      return from === to ? null : multiExec([["DECRBY", from, String(i + 1)], ["INCRBY", to, String(i + 1)]]);
    });
    const results = await Promise.all(transfers.filter((t) => t !== null));
    const bodies = await Promise.all(results.map(async (r) => [r.status, await r.text()] as const));
    // Under heavy contention a transfer may give up with TRYAGAIN (nothing applied); most commit.
    for (const [status, body] of bodies) if (status !== 200) expect(body).toMatch(/"error":"TRYAGAIN /);
    expect(bodies.filter(([status]) => status === 200).length).toBeGreaterThan(bodies.length / 2);
    const values = (await cmd("MGET", ...accounts)).result as string[];
    expect(values.reduce((sum, v) => sum + Number(v), 0)).toBe(4000);
    expect(await lockedAnywhere()).toBe(0);
  });
});

describe("keyspace-wide commands in /multi-exec across shards", () => {
  const unique = (name: string) => `${name}${Math.random().toString(36).slice(2, 8)}`;

  it("DBSIZE and KEYS see the transaction's earlier commands on every shard", async () => {
    const name = unique("xwidecount");
    const [a, b] = keysOnDistinctShards(name, 2);
    const before = (await cmd("DBSIZE")).result as number;
    const res = await multiExec([["SET", a!, "1"], ["SET", b!, "2"], ["DBSIZE"], ["KEYS", `http:${name}*`], ["DEL", a!], ["DBSIZE"]]);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Entry[];
    expect(entries[3]!.result as string[]).toHaveLength(2);
    expect({ ...entries, 3: { result: (entries[3]!.result as string[]).sort() } }).toEqual({
      0: { result: "OK" },
      1: { result: "OK" },
      2: { result: before + 2 },
      3: { result: [a!, b!].sort() },
      4: { result: 1 },
      5: { result: before + 1 },
    });
    expect(await cmd("DBSIZE")).toEqual({ result: before + 1 });
    expect(await lockedAnywhere()).toBe(0);
  });

  it("FLUSHDB and FLUSHALL inside a transaction empty every shard between the writes around them", async () => {
    const [a, b, c] = keysOnDistinctShards("xwideflush", 3);
    for (const flush of ["FLUSHDB", "FLUSHALL"]) {
      await cmd("SET", c!, "old");
      const res = await multiExec([["SET", a!, "1"], [flush], ["SET", b!, "2"], ["DBSIZE"], ["EXISTS", a!, b!, c!], ["PING"]]);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([{ result: "OK" }, { result: "OK" }, { result: "OK" }, { result: 1 }, { result: 1 }, { result: "PONG" }]);
      expect(await cmd("MGET", a!, b!, c!)).toEqual({ result: [null, "2", null] });
      await cmd("DEL", b!);
    }
    expect(await lockedAnywhere()).toBe(0);
  });

  it("SCAN inside a transaction walks the shards as outside one, its own writes included", async () => {
    const name = unique("xwidescan");
    const keys = keysOnDistinctShards(name, 5);
    const pattern = `http:${name}*`;
    const res = await multiExec([...keys.map((k) => ["SET", k, "v"]), ["SCAN", "0", "MATCH", pattern, "COUNT", "100000"], ["SCAN", "x"]]);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Entry[];
    const [cursor, found] = entries[5]!.result as [string, string[]];
    expect(cursor).toBe("0");
    expect([...found].sort()).toEqual([...keys].sort());
    expect(entries[6]).toEqual({ error: "ERR invalid cursor" });
    // Step by step, a transaction per step, with a small COUNT: the same cursors as outside one.
    const walk = async (step: (cursor: string) => Promise<[string, string[]]>) => {
      const seen: string[] = [];
      const cursors: string[] = [];
      let at = "0";
      for (let i = 0; i < 500; i++) {
        const [next, got] = await step(at);
        seen.push(...got);
        cursors.push(next);
        at = next;
        if (at === "0") break;
      }
      return { seen: seen.sort(), cursors };
    };
    const inTx = await walk(async (c) => ((await (await multiExec([["SCAN", c, "MATCH", pattern, "COUNT", "50"]])).json()) as Entry[])[0]!.result as [string, string[]]);
    const plain = await walk(async (c) => (await cmd("SCAN", c, "MATCH", pattern, "COUNT", "50")).result as [string, string[]]);
    expect(inTx.seen).toEqual([...keys].sort());
    expect(inTx).toEqual(plain);
    expect(await lockedAnywhere()).toBe(0);
  });

  it("RANDOMKEY inside a transaction answers a key that exists then", async () => {
    const [a, b] = keysOnDistinctShards("xwiderandom", 2);
    const res = await multiExec([["SET", a!, "1"], ["SET", b!, "1"], ["RANDOMKEY"]]);
    expect(res.status).toBe(200);
    const entries = (await res.json()) as Entry[];
    expect(typeof entries[2]!.result).toBe("string");
    expect(await cmd("EXISTS", entries[2]!.result as string)).toEqual({ result: 1 });
  });

  it("concurrent cross-shard writes are never seen half-way: KEYS always finds both keys of a pair or neither", async () => {
    const name = unique("xwidepairs");
    const pairs = Array.from({ length: 8 }, (_, i) => keysOnDistinctShards(`${name}p${i}`, 2));
    const counts: number[] = [];
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      work.push(cmd("MSET", pairs[i]![0]!, "1", pairs[i]![1]!, "1"));
      work.push(
        multiExec([["KEYS", `http:${name}*`]]).then(async (res) => {
          const body = await res.json();
          if (res.status !== 200) return expect(body).toMatchObject({ error: expect.stringMatching(/^TRYAGAIN /) });
          counts.push(((body as Entry[])[0]!.result as string[]).length);
        }),
      );
    }
    await Promise.all(work);
    expect(counts.length).toBeGreaterThan(0);
    for (const n of counts) expect(n % 2).toBe(0);
    expect(((await multiExec([["KEYS", `http:${name}*`]]).then((r) => r.json())) as Entry[])[0]!.result).toHaveLength(16);
    expect(await lockedAnywhere()).toBe(0);
  });
});

describe("isolation", () => {
  it("a /multi-exec reading both accounts never sees half a transfer", async () => {
    const [a, b] = keysOnDistinctShards("xsnap", 2);
    await cmd("MSET", a!, "1000", b!, "1000");
    const work: Promise<unknown>[] = [];
    const sums: number[] = [];
    for (let i = 0; i < 12; i++) {
      work.push(multiExec([["DECRBY", a!, String(i + 1)], ["INCRBY", b!, String(i + 1)]]));
      work.push(
        multiExec([["GET", a!], ["GET", b!]]).then(async (res) => {
          if (res.status !== 200) return;
          const [x, y] = (await res.json()) as Entry[];
          sums.push(Number(x!.result) + Number(y!.result));
        }),
      );
    }
    await Promise.all(work);
    expect(sums.length).toBeGreaterThan(0);
    for (const sum of sums) expect(sum).toBe(2000);
  });

  it("a key locked by a prepared transaction refuses other commands with TRYAGAIN until it commits", async () => {
    const key = freshKey("xiso");
    const shard = shardOf(key, SHARDS);
    const stub = shardStub(shard);
    await cmd("SET", key, "before");
    const prepared = await stub.prepare({ txid: "iso-1", coordinator: "coordinator-iso", keys: [key], reads: [["GET", key]], writes: [["SET", key, "after"]], leaseMs: 60_000 });
    expect(prepared).toEqual({ ok: true, reads: [new TextEncoder().encode("before")] });
    const exec = env.SHARD.getByName(`shard-${shard}`) as unknown as { exec(b: unknown[][]): Promise<unknown[]> };
    expect(await exec.exec([["GET", key], ["PING"]])).toEqual([
      { error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" },
      { error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" },
    ]);
    expect(await exec.exec([["FLUSHDB"]])).toEqual([{ error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" }]);
    expect(await stub.prepare({ txid: "iso-2", coordinator: "coordinator-iso", keys: [key], reads: [], writes: [], leaseMs: 60_000 })).toEqual({ ok: false, reason: "busy" });
    const reader = cmd("GET", key);
    await new Promise((r) => setTimeout(r, 20));
    expect(await stub.commit("iso-1")).toEqual([{ status: "OK" }]);
    expect(await reader).toEqual({ result: "after" });
    expect(await stub.lockedKeys()).toBe(0);
  });

  it("a shard locked whole refuses every batch and every other prepare until it commits", async () => {
    const key = freshKey("xlockall");
    const shard = shardOf(key, SHARDS);
    const stub = shardStub(shard);
    const locks = { error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" };
    const exec = env.SHARD.getByName(`shard-${shard}`) as unknown as { exec(b: unknown[][]): Promise<unknown[]> };
    // Busy while another transaction holds a key there.
    expect(await stub.prepare({ txid: "all-0", coordinator: "coordinator-iso", keys: [key], reads: [], writes: [], leaseMs: 60_000 })).toEqual({ ok: true, reads: [] });
    expect(await stub.prepare({ txid: "all-1", coordinator: "coordinator-iso", keys: [], reads: [], writes: [["DBSIZE"]], leaseMs: 60_000, lockAll: true })).toEqual({ ok: false, reason: "busy" });
    await stub.abort("all-0");
    expect(await stub.prepare({ txid: "all-2", coordinator: "coordinator-iso", keys: [], reads: [], writes: [["SET", key, "tx"], ["DBSIZE"]], leaseMs: 60_000, lockAll: true })).toEqual({ ok: true, reads: [] });
    expect(await stub.lockedKeys()).toBe(1);
    const other = freshKey("xlockall-other");
    expect(await exec.exec([["GET", other]])).toEqual([locks]);
    expect(await exec.exec([["PING"], ["DBSIZE"]])).toEqual([locks, locks]);
    expect(await stub.prepare({ txid: "all-3", coordinator: "coordinator-iso", keys: [other], reads: [], writes: [], leaseMs: 60_000 })).toEqual({ ok: false, reason: "busy" });
    expect(await stub.prepare({ txid: "all-4", coordinator: "coordinator-iso", keys: [], reads: [], writes: [], leaseMs: 60_000, lockAll: true })).toEqual({ ok: false, reason: "busy" });
    // A client's write waits (TRYAGAIN, retried by the Worker) and lands after the commit.
    const writer = cmd("SET", key, "client");
    await new Promise((r) => setTimeout(r, 20));
    const [set, size] = (await stub.commit("all-2")) as [unknown, number];
    expect(set).toEqual({ status: "OK" });
    expect(typeof size).toBe("number");
    expect(await writer).toEqual({ result: "OK" });
    expect(await cmd("GET", key)).toEqual({ result: "client" });
    expect(await stub.lockedKeys()).toBe(0);
  });

  it("a script cannot write a locked key it did not declare, even in the slot of one it did: TRYAGAIN, nothing written", async () => {
    const tag = freshKey("xlockscript");
    const [declared, locked] = [`{${tag}}a`, `{${tag}}b`];
    const shard = shardOf(declared, SHARDS);
    const stub = shardStub(shard);
    const prepared = await stub.prepare({ txid: "iso-script", coordinator: "coordinator-iso", keys: [locked], reads: [], writes: [["SET", locked, "from-tx"]], leaseMs: 60_000 });
    expect(prepared).toEqual({ ok: true, reads: [] });
    const exec = env.SHARD.getByName(`shard-${shard}`) as unknown as { exec(b: unknown[][]): Promise<unknown[]> };
    const locks = { error: "TRYAGAIN A key is locked by a cross-shard transaction in progress; try again" };
    const writeBoth = "redis.call('SET', KEYS[1], 'script') return redis.call('SET', ARGV[1], 'script')";
    expect(await exec.exec([["EVAL", writeBoth, "1", declared, locked]])).toEqual([locks]);
    const pcallRead = "local r = redis.pcall('GET', ARGV[1]) redis.call('SET', KEYS[1], 'script') return r";
    expect(await exec.exec([["EVAL", pcallRead, "1", declared, locked]])).toEqual([locks]);
    expect(await exec.exec([["SET", declared, "plain"], ["EVAL", writeBoth, "1", declared, locked], ["GET", declared]])).toEqual([
      { status: "OK" },
      locks,
      new TextEncoder().encode("plain"),
    ]);
    expect(await stub.commit("iso-script")).toEqual([{ status: "OK" }]);
    expect(await exec.exec([["GET", locked], ["GET", declared]])).toEqual([new TextEncoder().encode("from-tx"), new TextEncoder().encode("plain")]);
    expect(await stub.lockedKeys()).toBe(0);
  });
});
