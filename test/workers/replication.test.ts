/**
 * Read replicas (docs/global.md §1, §2): the change log records every kind of write as row
 * images, a replica that applies them holds exactly the primary's tables, and it serves reads
 * (only reads) at a position it can prove. Runs in the `replication` vitest project
 * (REPLICA_REGIONS = "weur,apac", REPLICA_LOG_RETENTION_MS = 60000).
 */
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fromReply, fromReplyBinary } from "../conformance/normalize";
import { ChangeLog, logTriggers } from "../../durable-objects/replication/log";
import { PrimaryReplication } from "../../durable-objects/replication/primary";
import type { Replica } from "../../durable-objects/replication/replica";
import type { Reply } from "../../durable-objects/reply";
import type { Shard } from "../../durable-objects/shard";
import { shardOf } from "../../worker/slot";
import { expectSame, keyspaceOf, pair, replicationOf, sleep, tablesIn, tablesOf, type ReplicaRpc } from "./replication-helpers";

const want = (position = 0) => ({ position, waitMs: 0 });
const big = (n: number, c = 120) => new Uint8Array(n).fill(c);

describe("the change log", () => {
  it("is on with REPLICA_REGIONS: triggers exist, a write logs row images and ends its step", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    const at = await p.primary.position();
    expect(at.epoch).not.toBe("");
    await runInDurableObject(p.primaryStub, (_s: Shard, state: DurableObjectState) => {
      expect(logTriggers(state.storage.sql).length).toBe(45);
      const rows = state.storage.sql.exec<{ op: number; tbl: number }>("SELECT op, tbl FROM changelog ORDER BY seq").toArray();
      expect(rows).toEqual([{ op: 1, tbl: 1 }, { op: 0, tbl: 0 }]);
    });
    // A read logs nothing and moves no position.
    await p.exec(["GET", "a"]);
    expect(await p.primary.position()).toEqual(at);
  });

  it("exec with { position } answers the replies, the epoch and the position after the batch", async () => {
    const p = pair();
    const before = await p.primary.position();
    const answer = (await p.primary.exec([["SET", "k", "v"], ["GET", "k"]], { position: true })) as unknown as { replies: unknown[]; epoch: string; position: number };
    expect((answer.replies as Reply[]).map(fromReply)).toEqual(["OK", "v"]);
    expect(answer.epoch).toBe(before.epoch);
    expect(answer.position).toBeGreaterThan(before.position);
    expect(await p.primary.position()).toEqual({ epoch: answer.epoch, position: answer.position });
  });

  it("a write rolled back leaves no log rows", async () => {
    const p = pair();
    await p.exec(["SET", "k", new TextDecoder().decode(big(5000))]);
    const before = await p.primary.position();
    // The old value does not fit the reply budget: the SET … GET is rolled back with its log rows.
    const [reply] = await p.primary.exec([["SET", "k", "x", "GET"]], { replyBytes: 100 });
    expect(fromReply(reply!)).toMatchObject({ error: expect.any(String) });
    expect(await p.primary.position()).toEqual(before);
    await runInDurableObject(p.primaryStub, (_s: Shard, state: DurableObjectState) => {
      expect(state.storage.sql.exec("SELECT max(seq) AS s FROM changelog").one().s).toBe(before.position);
    });
  });

  it("changes answers rows up to a step boundary, never splitting a step, and rebuild for another epoch", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    const one = await p.primary.position();
    const fields = Array.from({ length: 50 }, (_, i) => [`f${i}`, `v${i}`]).flat();
    await p.exec(["HSET", "h", ...fields]);
    await p.exec(["SET", "b", "2"]);
    const three = await p.primary.position();
    const c = await p.primary.changes(one.epoch, one.position, 5);
    if ("rebuild" in c) throw new Error("rebuild");
    // The HSET's step is larger than 5 rows: it comes whole, and nothing of the next step.
    expect(c.rows.length).toBeGreaterThan(50);
    expect(c.upTo).toBeLessThan(three.position);
    const rest = await p.primary.changes(one.epoch, c.upTo, 1000);
    if ("rebuild" in rest) throw new Error("rebuild");
    expect(rest.upTo).toBe(three.position);
    expect(rest.rows.length).toBe(1);
    expect(await p.primary.changes("another", 0, 10)).toEqual({ rebuild: true });
  });
});

describe("trimming", () => {
  it("deletes rows past the retention window up to what every replica acknowledged, keeping the newest boundary", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    const first = await expectSame(p);
    await p.exec(["SET", "b", "2"]);
    await p.exec(["SET", "c", "3"]);
    const at = await p.primary.position();
    await expectSame(p);
    expect(first).toBeDefined();
    await runInDurableObject(p.primaryStub, (s: Shard, state: DurableObjectState) => {
      const r = replicationOf(s);
      const now = Date.now();
      const retention = r.log.retentionMs;
      expect(retention).toBe(60_000);
      // apac acknowledges an older position: it holds the log from there.
      r.acknowledge("weur", at.epoch, at.position, now);
      r.acknowledge("apac", at.epoch, 2, now);
      expect(r.hold(now)).toBe(2);
      // Nothing is older than the window yet.
      expect(r.trim(1000, now)).toBe(0);
      expect(r.earliest(now)).toBeGreaterThan(now);
      // Past the window: only up to the hold goes.
      const later = now + retention + 1;
      expect(r.hold(later)).toBe(Number.MAX_SAFE_INTEGER); // acknowledgements older than the window hold nothing
      expect(r.log.trim(later, 1000, 2)).toBe(2);
      const sql = state.storage.sql;
      expect(sql.exec("SELECT min(seq) AS s FROM changelog").one().s).toBe(3);
      // In bounded steps, then everything but the newest boundary.
      expect(r.log.trim(later, 1, Number.MAX_SAFE_INTEGER)).toBe(1);
      r.log.trim(later, 1000, Number.MAX_SAFE_INTEGER);
      expect(sql.exec("SELECT seq, op FROM changelog").toArray()).toEqual([{ seq: at.position, op: 0 }]);
      expect(r.log.changes(at.epoch, 2, 10)).toEqual({ rebuild: true });
      expect(r.log.changes(at.epoch, at.position, 10)).toMatchObject({ rows: [], upTo: at.position });
    });
    // A position is never reused: the next write's rows come after it.
    await p.exec(["SET", "d", "4"]);
    const next = await p.primary.position();
    expect(next.position).toBeGreaterThan(at.position);
    await expectSame(p);
  });
});

describe("a step larger than one answer", () => {
  it("comes in parts; a copy inside it is not read until its end arrives", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    const start = await p.replica.state();
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      (replicationOf(s) as unknown as { peer: unknown }).peer = () => ({ apply: () => new Promise(() => {}) });
    });
    await p.exec(["SET", "huge", new TextDecoder().decode(big(12 * 1024 * 1024))], ["SET", "b", "2"]);
    const part = await p.primary.changes(start.epoch, start.position, 100_000);
    if ("rebuild" in part) throw new Error("rebuild");
    expect(part.partial).toBe(true);
    const applied = await p.replica.apply({ epoch: start.epoch, from: start.position, upTo: part.upTo, rows: part.rows, partial: true, position: part.position, sentAt: Date.now() });
    expect(applied.position).toBe(part.upTo);
    expect(await p.replica.read([["GET", "a"]], undefined, want())).toEqual({ ok: false });
    await expectSame(p);
    expect((await p.replica.read([["STRLEN", "huge"]], undefined, want())).ok).toBe(true);
  });
});

describe("a replica applies every kind of write", () => {
  it("strings, hashes, lists, sets, sorted sets with their tree, streams with groups, chunked strings", async () => {
    const p = pair();
    await p.exec(["SET", "s", "hello"], ["APPEND", "s", " world"], ["INCR", "n"], ["INCRBYFLOAT", "f", "1.5"], ["SETRANGE", "s", "2", "XY"]);
    await p.exec(["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HDEL", "h", "b"], ["HINCRBY", "h", "a", "5"], ["HPEXPIRE", "h", "100000", "FIELDS", "1", "c"]);
    await p.exec(["RPUSH", "l", "a", "b", "c", "d"], ["LPOP", "l"], ["LSET", "l", "0", "B"], ["LINSERT", "l", "BEFORE", "c", "x"], ["LTRIM", "l", "0", "2"]);
    await p.exec(["SADD", "st", "a", "b", "c", "1", "2"], ["SREM", "st", "b"], ["SPOP", "st"]);
    const members = Array.from({ length: 600 }, (_, i) => [String(i * 1.5), `m${i}`]).flat();
    await p.exec(["ZADD", "z", ...members], ["ZREM", "z", "m1", "m2"], ["ZINCRBY", "z", "1000", "m3"], ["ZADD", "z", "-inf", "lo", "inf", "hi"]);
    await p.exec(["ZPOPMIN", "z", "5"], ["ZREMRANGEBYRANK", "z", "10", "20"]);
    await p.exec(["XADD", "x", "1-1", "a", "1"], ["XADD", "x", "2-1", "b", "2"], ["XADD", "x", "*", "c", "3"], ["XGROUP", "CREATE", "x", "g", "0"]);
    await p.exec(["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "x", ">"], ["XACK", "x", "g", "1-1"], ["XDEL", "x", "2-1"], ["XTRIM", "x", "MAXLEN", "5"]);
    await p.exec(["SET", "chunked", new TextDecoder().decode(big(1_500_000))], ["SETRANGE", "chunked", "1400000", "zz"]);
    await p.exec(["JSON.SET", "j", "$", '{"a":[1,2,{"b":null}]}'], ["PFADD", "hll", "a", "b", "c"], ["SETBIT", "bits", "100", "1"]);
    await p.exec(["RENAME", "s", "s2"], ["COPY", "h", "h2"], ["EXPIRE", "l", "1000"], ["PERSIST", "l"]);
    const tables = await expectSame(p);
    expect(tables.zset_node!.length).toBeGreaterThan(1);
    expect(tables.string_chunks!.length).toBeGreaterThan(1);
    expect(tables.stream_pending!.length).toBe(1);
    // Reads on the replica answer what the primary answers.
    const batch = [["GET", "s2"], ["HGETALL", "h2"], ["LRANGE", "l", "0", "-1"], ["ZRANGE", "z", "0", "3", "WITHSCORES"], ["ZRANK", "z", "m500"], ["XRANGE", "x", "-", "+"], ["XPENDING", "x", "g"], ["STRLEN", "chunked"], ["GETRANGE", "chunked", "1399999", "1400002"], ["JSON.GET", "j", "$"], ["PFCOUNT", "hll"], ["SISMEMBER", "st", "a"], ["TTL", "l"]];
    const onPrimary = (await p.primary.exec(batch)).map(fromReply);
    const onReplica = await p.replica.read(batch, undefined, want());
    if (!onReplica.ok) throw new Error("not served");
    expect((onReplica.replies as unknown[]).map((r) => fromReply(r as never))).toEqual(onPrimary);
  });

  it("keys, fields and members that are not UTF-8, byte for byte", async () => {
    const p = pair();
    const bin = (...b: number[]) => new Uint8Array(b);
    const key = bin(0x6b, 0xff, 0x00, 0xfe);
    const hash = bin(0x68, 0xc3);
    await p.exec(["SET", key, bin(0x80, 0x81)], ["HSET", hash, bin(0xfe), "v"], ["SADD", "st", bin(0xff, 0xff)], ["RENAME", key, bin(0x6b, 0xed, 0xa0, 0x80)]);
    await p.exec(["SET", key, "again"]);
    await expectSame(p);
    const batch = [["GET", key], ["GET", bin(0x6b, 0xed, 0xa0, 0x80)], ["HGET", hash, bin(0xfe)], ["SMEMBERS", "st"], ["EXISTS", key, bin(0x6b, 0xed, 0xa0, 0x80), bin(0x6b, 0xff, 0x00)]];
    const onPrimary = (await p.primary.exec(batch)).map(fromReplyBinary);
    const onReplica = await p.replica.read(batch, undefined, want());
    if (!onReplica.ok) throw new Error(`not served: ${JSON.stringify(onReplica)}`);
    expect((onReplica.replies as Reply[]).map(fromReplyBinary)).toEqual(onPrimary);
    const utf8 = (t: string) => new TextEncoder().encode(t);
    expect(onPrimary.slice(0, 4)).toEqual([utf8("again"), bin(0x80, 0x81), utf8("v"), [bin(0xff, 0xff)]]);
    expect(onPrimary[4]).toBe(2);
  });

  it("a Lua script, a deletion by the alarm's expiry, lazy freeing of a big key, eviction, FLUSHALL", async () => {
    const p = pair();
    await p.exec(["EVAL", "redis.call('SET', KEYS[1], ARGV[1]); redis.call('HSET', KEYS[2], 'f', ARGV[1]); return 1", "2", "{t}a", "{t}b", "v"]);
    await p.exec(["SET", "gone", "1", "PX", "1"], ["HSET", "soon", "f", "1"], ["HPEXPIRE", "soon", "1", "FIELDS", "1", "f"]);
    const fields = Array.from({ length: 2500 }, (_, i) => [`f${i}`, `v${i}`]).flat();
    await p.exec(["HSET", "bighash", ...fields]);
    await expectSame(p);
    await sleep(5);
    await p.exec(["DEL", "bighash"]);
    // The alarm expires the keys and frees the rest of the big hash's rows.
    for (let i = 0; i < 10; i++) await runDurableObjectAlarm(p.primaryStub);
    let tables = await expectSame(p);
    expect(tables.keys!.some((r) => r.includes("'gone'"))).toBe(false);
    expect(tables.hash_fields!.length).toBe(1);
    // Eviction: maxmemory over the shard's keys evicts some on the next write.
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      keyspaceOf(s).shardCount = 1;
      const cfg = (s as unknown as { config: { set(n: string, v: string): string | null } }).config;
      expect(cfg.set("maxmemory-policy", "allkeys-random")).toBeNull();
    });
    for (let i = 0; i < 20; i++) await p.exec(["SET", `e${i}`, new TextDecoder().decode(big(2000))]);
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      const cfg = (s as unknown as { config: { set(n: string, v: string): string | null } }).config;
      expect(cfg.set("maxmemory", "20000")).toBeNull();
    });
    await p.exec(["SET", "trigger", "x"]);
    tables = await expectSame(p);
    expect(tables.keys!.length).toBeLessThan(20);
    await p.exec(["FLUSHALL"]);
    tables = await expectSame(p);
    expect(tables.keys).toEqual([]);
  });

  it("a cross-shard MSET (two-phase commit) reaches each shard's replica", async () => {
    const keys = Array.from({ length: 8 }, (_, i) => `repl-mset-${i}-${Math.random()}`);
    const res = await SELF.fetch("http://edgekv/pipeline", {
      method: "POST",
      headers: { authorization: "Bearer test-token" },
      body: JSON.stringify([["MSET", ...keys.flatMap((k) => [k, k])]]),
    });
    expect(await res.json()).toEqual([{ result: "OK" }]);
    const shards = new Set(keys.map((k) => shardOf(k, 16)));
    expect(shards.size).toBeGreaterThan(1);
    for (const i of shards) {
      const p = pair(i);
      const tables = await expectSame(p);
      expect(tables.keys!.filter((r) => r.includes("repl-mset-")).length).toBeGreaterThan(0);
    }
  });
});

describe("pushes, pulls and rebuilds", () => {
  it("the primary pushes to every region's replica without being asked", async () => {
    const p = pair();
    await p.exec(["SET", "pushed", "1"]);
    const at = await p.primary.position();
    const apac = env.REPLICA.getByName(`replica-apac-${p.i}`) as unknown as ReplicaRpc;
    for (const r of [p.replica, apac]) {
      let s = await r.state();
      for (let i = 0; i < 200 && s.position < at.position; i++) {
        await sleep(5);
        s = await r.state();
      }
      expect(s.position).toBe(at.position);
    }
    // The replicas' answers are the primary's acknowledgements.
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      expect(replicationOf(s).peersState().map((x) => x.acked)).toEqual([at.position, at.position]);
    });
  });

  it("a failed push is tried again from the alarm", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    type Peers = { peer: unknown; peers: { retryAt: number | null }[] };
    let saved: unknown;
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      const r = replicationOf(s) as unknown as Peers;
      saved = r.peer;
      r.peer = () => ({ apply: () => Promise.reject(new Error("unreachable")) });
    });
    await p.exec(["SET", "b", "2"]);
    const at = await p.primary.position();
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      const r = replicationOf(s) as unknown as Peers;
      expect(r.peers.every((x) => x.retryAt !== null)).toBe(true);
      r.peer = saved;
      for (const x of r.peers) x.retryAt = 0; // due now
    });
    await runDurableObjectAlarm(p.primaryStub);
    let s = await p.replica.state();
    for (let i = 0; i < 200 && s.position < at.position; i++) {
      await sleep(5);
      s = await p.replica.state();
    }
    expect(s.position).toBe(at.position);
  });

  it("with SIMULATED_RTT, a push to a replica in another region than the primary's waits the far round trip", async () => {
    const p = pair();
    await runInDurableObject(p.primaryStub, (_s: Shard, state: DurableObjectState) => {
      let reached = 0;
      const namespace = {
        getByName: (name: string, o: { locationHint: string }) => ({ name, hint: o.locationHint, apply: () => (reached++, Promise.resolve({ epoch: "", position: 0 })) }),
      };
      const vars = { REPLICA_REGIONS: "weur,apac", SIMULATED_RTT: '{"primary":"weur","local":0,"far":40}' };
      const r = PrimaryReplication.configure(state.storage.sql, vars, p.i, namespace as never, () => {})!;
      const peer = (r as unknown as { peer: (region: string) => { name: string; hint: string; apply(): Promise<unknown> } }).peer;
      const near = peer("weur");
      expect([near.name, near.hint]).toEqual([`replica-weur-${p.i}`, "weur"]);
      void near.apply();
      expect(reached).toBe(1); // sent at once
      const far = peer("apac");
      expect([far.name, far.hint]).toEqual([`replica-apac-${p.i}`, "apac"]);
      void far.apply();
      expect(reached).toBe(1); // not yet: the outbound half of the round trip comes first
    });
  });

  it("a replica that restarts continues from its position, without a rebuild", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    const before = await p.replica.state();
    await evictDurableObject(p.replicaStub);
    await p.exec(["SET", "b", "2"], ["HSET", "h", "f", "v"]);
    const after = await p.replica.state();
    expect(after.epoch).toBe(before.epoch);
    expect(after.position).toBeGreaterThanOrEqual(before.position);
    await expectSame(p);
    expect((await p.replica.state()).rebuilds).toBe(0);
  });

  it("a lost push is caught up by a pull", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    const start = await p.replica.state();
    // Two steps the replica is not told of; then a push of only the second.
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      const r = replicationOf(s);
      const exec = (s as unknown as { exec(b: string[][]): unknown }).exec.bind(s);
      // Pushes go nowhere while the peer is taken away.
      const peer = (r as unknown as { peer: unknown }).peer;
      (r as unknown as { peer: unknown }).peer = () => ({ apply: () => new Promise(() => {}) });
      exec([["SET", "b", "2"]]);
      exec([["SET", "c", "3"]]);
      (r as unknown as { peer: unknown }).peer = peer;
    });
    const mid = await p.primary.changes(start.epoch, start.position, 1);
    if ("rebuild" in mid) throw new Error("rebuild");
    const second = await p.primary.changes(start.epoch, mid.upTo, 1000);
    if ("rebuild" in second) throw new Error("rebuild");
    const applied = await p.replica.apply({ epoch: start.epoch, from: mid.upTo, upTo: second.upTo, rows: second.rows, position: second.position, sentAt: Date.now() });
    expect(applied.position).toBe(second.position);
    const [a, b] = await Promise.all([tablesOf(p.primaryStub), tablesOf(p.replicaStub)]);
    expect(b).toEqual(a);
    expect((await p.replica.state()).rebuilds).toBe(start.rebuilds);
  });

  it("rebuilds when the primary's epoch changes (its log stopped and started)", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"], ["RPUSH", "l", "1", "2"]);
    const first = await expectSame(p);
    await runInDurableObject(p.primaryStub, (_s: Shard, state: DurableObjectState) => ChangeLog.stop(state.storage.sql));
    await evictDurableObject(p.primaryStub);
    await p.exec(["SET", "b", "2"], ["LPOP", "l"]);
    const at = await p.primary.position();
    const old = await p.replica.state();
    expect(at.epoch).not.toBe(old.epoch);
    const now = await expectSame(p);
    expect(now).not.toEqual(first);
    const s = await p.replica.state();
    expect(s).toMatchObject({ epoch: at.epoch, readable: true, rebuilding: false });
    expect(s.rebuilds).toBeGreaterThan(0);
  });

  it("rebuilds when the rows after its position were trimmed, with writes during the rebuild", async () => {
    const p = pair();
    const fields = Array.from({ length: 3000 }, (_, i) => [`f${i}`, `v${i}`]).flat();
    await p.exec(["HSET", "h", ...fields], ["ZADD", "z", ...Array.from({ length: 2500 }, (_, i) => [String(i), `m${i}`]).flat()]);
    await expectSame(p);
    // The replica falls behind: the primary stops pushing, writes, and trims everything it may.
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      (replicationOf(s) as unknown as { peer: unknown }).peer = () => ({ apply: () => new Promise(() => {}) });
    });
    await p.exec(["HSET", "h", "f1", "changed"], ["ZADD", "z", "-1", "m7"]);
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      const log = replicationOf(s).log;
      const n = log.trim(Date.now() + 3_600_000, 1_000_000, Number.MAX_SAFE_INTEGER);
      expect(n).toBeGreaterThan(0);
    });
    // Writes while the replica copies pages: the copy is fuzzy, the log after P0 converges it.
    const rebuild = p.replica.catchUp();
    for (let i = 0; i < 30; i++) {
      await p.exec(["HSET", "h", `f${i * 97}`, `w${i}`], ["HDEL", "h", `f${i * 89 + 1}`], ["ZINCRBY", "z", "5000", `m${i * 83}`], ["SET", `k${i}`, "x"]);
    }
    await rebuild;
    await expectSame(p);
    const s = await p.replica.state();
    expect(s.rebuilds).toBeGreaterThan(0);
    expect(s.readable).toBe(true);
  });
});

describe("reads on a replica", () => {
  it("are served at or past the position asked, else refused", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    const s = await p.replica.state();
    const ok = await p.replica.read([["GET", "a"]], undefined, { position: s.position, waitMs: 0 });
    expect(ok).toMatchObject({ ok: true, epoch: s.epoch, position: s.position });
    expect(await p.replica.read([["GET", "a"]], undefined, { position: s.position + 1_000_000, waitMs: 0 })).toEqual({ ok: false });
    expect(await p.replica.read([["GET", "a"]], undefined, { epoch: "another", position: 0, waitMs: 0 })).toEqual({ ok: false });
  });

  it("wait for the position asked (a pull gets it)", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    const answer = (await p.primary.exec([["SET", "a", "2"]], { position: true })) as unknown as { position: number };
    const r = await p.replica.read([["GET", "a"]], undefined, { position: answer.position, waitMs: 5_000 });
    if (!r.ok) throw new Error("not served");
    expect(r.position).toBeGreaterThanOrEqual(answer.position);
    expect((r.replies as unknown[]).map((x) => fromReply(x as never))).toEqual(["2"]);
  });

  it("honour max staleness", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    await runInDurableObject(p.replicaStub, (r: Replica) => {
      (r as unknown as { caughtUpAt: number }).caughtUpAt = Date.now() - 10_000;
    });
    await runInDurableObject(p.primaryStub, (s: Shard) => {
      (replicationOf(s) as unknown as { peer: unknown }).peer = () => ({ apply: () => new Promise(() => {}) });
    });
    expect(await p.replica.read([["GET", "a"]], undefined, { position: 0, maxStalenessMs: 1_000, waitMs: 0 })).toEqual({ ok: false });
    // A pull within the wait catches it up.
    const r = await p.replica.read([["GET", "a"]], undefined, { position: 0, maxStalenessMs: 60_000, waitMs: 5_000 });
    expect(r.ok).toBe(true);
  });

  it("see what each apply changed, not what the key cache held (overwrites, renames, deletions)", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"], ["SET", "old", "v"], ["HSET", "h", "f", "1"]);
    await expectSame(p);
    const batch = [["GET", "a"], ["GET", "old"], ["GET", "new"], ["HGET", "h", "f"], ["EXISTS", "h"]];
    const values = async () => {
      const r = await p.replica.read(batch, undefined, want());
      if (!r.ok) throw new Error("not served");
      return (r.replies as Reply[]).map(fromReply);
    };
    expect(await values()).toEqual(["1", "v", null, "1", 1]);
    await p.exec(["SET", "a", "2"], ["RENAME", "old", "new"], ["DEL", "h"]);
    await expectSame(p);
    expect(await values()).toEqual(["2", null, "v", null, 0]);
  });

  it("of an expired key change nothing", async () => {
    const p = pair();
    await p.exec(["SET", "k", "v", "PX", "3600000"], ["RPUSH", "l", "a"]);
    await expectSame(p);
    await runInDurableObject(p.replicaStub, async (r: Replica, state: DurableObjectState) => {
      const sql = state.storage.sql;
      // As if the key's time had passed on the replica's clock before the primary's deletion arrived.
      sql.exec("UPDATE keys SET expire_at = ? WHERE key IN ('k', 'l')", Date.now() - 1);
      keyspaceOf(r).cache.clear();
      const before = tablesIn(sql);
      const answer = await r.read([["GET", "k"], ["LRANGE", "l", "0", "-1"], ["EXISTS", "k"]], undefined, want());
      if (!answer.ok) throw new Error("not served");
      expect((answer.replies as unknown[]).map((x) => fromReply(x as never))).toEqual([null, [], 0]);
      expect(tablesIn(sql)).toEqual(before);
    });
  });

  it("refuse writes and everything else not read-only", async () => {
    const p = pair();
    await p.exec(["SET", "a", "1"]);
    await expectSame(p);
    for (const argv of [["SET", "a", "2"], ["DEL", "a"], ["BLPOP", "l", "0"], ["EVAL_RO", "return 1", "0"], ["KEYS", "*"], ["FLUSHALL"], ["CONFIG", "SET", "maxmemory", "1"], ["LOCK.ACQUIRE", "x"]]) {
      const r = await p.replica.read([["GET", "a"], argv], undefined, want());
      expect(r).toMatchObject({ ok: false, refused: expect.stringMatching(/^ERR/) });
    }
    const [a, b] = await Promise.all([tablesOf(p.primaryStub), tablesOf(p.replicaStub)]);
    expect(b).toEqual(a);
  });
});
