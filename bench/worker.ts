/**
 * The benchmark-only Worker (never deployed with the product): what a Workers user would build
 * instead of edgekv, each as small as it can be, so that `npm run bench` can put edgekv beside it
 * in the same runtime.
 *
 *   GET  /const                         the HTTP floor: a constant response, no storage
 *   POST /do/<op>   {k, v, ks, ops}     a bare Durable Object (one object, RPC, sync KV API)
 *   POST /kv/<op>                       Workers KV (when bound: Miniflare runtime only)
 *   POST /d1/<op>                       D1, one table with the key as primary key (when bound)
 *   POST /engine/loop {name, template, n, range}   run commands in a shard, no HTTP per command
 *   POST /engine/fill {name, kind, key, from, count}  grow one collection for the scaling table
 *   POST /engine/fill-direct {name, kind, key, from, count}  write one whole sorted set or set (the algebra table)
 *   POST /engine/settle {name}          free now the element rows of deleted large keys (lazy free), before a timed command
 *   POST /engine/consume {name, key, group, consumer, n}  n stream jobs taken and acknowledged (XREADGROUP + XACK)
 *   POST /engine/config {name, config}  set server parameters in a shard (as CONFIG SET), as its database's only shard
 *   POST /engine/replay {name, ops, value}  replay a cache trace (bench/eviction-hit-ratio.mjs): hits, misses, evictions
 *   POST /engine/steps {name, template, n, per, range}  n ÷ per loops of `per` runs, one RPC (one step, one commit) each
 *   POST /engine/replicated {name}      (logged shards) wait until the replica acknowledged the log's position
 *
 * An engine request with `log: true` goes to LoggedEngineShard (the SHARD namespace) instead:
 * the same shard with its change log on, pushing to one replica (docs/global.md §7).
 *
 * <op> is get, put, incr, mget or pipeline. KV has no atomic increment: its `incr` is a
 * read-modify-write (get, then put) that loses updates under concurrency.
 */
import { DurableObject } from "cloudflare:workers";
import type { Arg } from "../durable-objects/args";
import type { Reply } from "../durable-objects/reply";
import { Shard } from "../durable-objects/shard";
import { isGathered, isStreamed, type Streamed } from "../durable-objects/transport";
import { decodeScore } from "../durable-objects/store/geohash";
import type { ConfigStore } from "../durable-objects/config/store";
import type { Keyspace } from "../durable-objects/store/keyspace";
import { createStream, findStream } from "../durable-objects/store/streams";
import { setAdd } from "../durable-objects/store/sets";
import { storeZset } from "../durable-objects/store/zset-bulk";
import { CommandError } from "../durable-objects/reply";
import type { PrimaryReplication } from "../durable-objects/replication/primary";

export { Replica } from "../durable-objects/replication/replica";

interface Env {
  BARE: DurableObjectNamespace<BareStore>;
  ENGINE: DurableObjectNamespace<EngineShard>;
  /** LoggedEngineShard, under the name a replica calls its primary by (replication/replica.ts). */
  SHARD: DurableObjectNamespace<LoggedEngineShard>;
  REPLICA: DurableObjectNamespace;
  KV?: KVNamespace;
  DB?: D1Database;
}

/** One operation of a mixed pipeline: [op, key, value?]. */
type Op = ["get" | "put" | "incr", string, string?];

interface Body {
  k?: string;
  v?: string;
  ks?: string[];
  ops?: Op[];
}

interface EngineBody {
  name: string;
  template: string[][];
  n: number;
  range: number;
  kind: FillKind;
  key: string;
  group: string;
  consumer: string;
  from: number;
  count: number;
  config: Record<string, string>;
  ops: TraceOp[];
  value: string;
  op: string;
  per: number;
  log?: boolean;
}

/** One access of a cache trace: read key (a miss then writes it, as a cache fills), or write key; `ttl` seconds when the key has one. */
type TraceOp = [kind: "r" | "w", key: string, ttl: number];

/** The collections the scaling table grows, and the command that grows each (500 elements a call). */
const FILL_COMMAND = { zset: "ZADD", hash: "HSET", list: "RPUSH", set: "SADD", geo: "GEOADD", hll: "PFADD" } as const;
/** The first entry ID's milliseconds of a stream fill (a date in 2096). */
const STREAM_FILL_MS = 4_000_000_000_000;
/** "json" grows one document, "bitmap" one string value, "stream" one stream (its entries appended directly), instead (EngineShard.fill). */
type FillKind = keyof typeof FILL_COMMAND | "json" | "bitmap" | "stream";

/** The cheapest store round trip a Durable Object offers: synchronous KV calls over RPC. */
export class BareStore extends DurableObject {
  get(k: string): string | null {
    return this.ctx.storage.kv.get<string>(k) ?? null;
  }

  put(k: string, v: string): void {
    this.ctx.storage.kv.put(k, v);
  }

  incr(k: string): number {
    const n = Number(this.ctx.storage.kv.get<string>(k) ?? "0") + 1;
    this.ctx.storage.kv.put(k, String(n));
    return n;
  }

  mget(ks: string[]): (string | null)[] {
    return ks.map((k) => this.get(k));
  }

  pipeline(ops: Op[]): unknown[] {
    return ops.map(([op, k, v]) => (op === "get" ? this.get(k) : op === "put" ? this.put(k, v ?? "") : this.incr(k)));
  }
}

type FloorOp = "update" | "select" | "none" | "kv.get" | "kv.put";

/** A shard with bench-only entry points that run commands in a loop inside the object. */
export class EngineShard extends Shard {
  /** `exec` of a batch that cannot block (the loops send no blocking command): its replies at once. */
  private execNow(batch: Arg[][]): Reply[] | Streamed<Reply[]> {
    const replies = this.exec(batch);
    if (replies instanceof Promise) throw new Error("a benchmark batch blocked");
    // Without `gather` in its limits, exec never answers gathered replies.
    if (isGathered(replies)) throw new Error("a benchmark batch came back gathered");
    // Without `position` in its limits, exec never answers a position.
    if (!Array.isArray(replies) && "position" in replies) throw new Error("a benchmark batch came back with a position");
    return replies;
  }

  /**
   * Runs `template` (a batch of commands) `n` times; in any argument "{r}" becomes a random
   * integer below `range` (one per run), "{r+9}" that integer plus 9 (so "{r}" "{r+9}" is a
   * range of ten ranks) and "{i}" the run number. Returns the first error reply.
   */
  loop(template: string[][], n: number, range: number): { runs: number; error: string | null } {
    const varies = template.some((argv) => argv.some((a) => a.includes("{")));
    let error: string | null = null;
    for (let i = 0; i < n; i++) {
      const r = Math.floor(Math.random() * range);
      const batch: Arg[][] = varies ? template.map((argv) => argv.map((a) => (a.includes("{") ? substitute(a, r, i) : a))) : template;
      const replies = this.execNow(batch);
      if (error === null) error = firstError(replies);
    }
    return { runs: n, error };
  }

  /**
   * The platform's own cost of what a command is made of, `n` times: one `sql.exec` of an UPDATE
   * by primary key of a row like a string key's, one SELECT by primary key read back, a statement
   * that touches no row (the call's fixed cost), and a synchronous KV get and put (the bare
   * Durable Object's operations). The rows live in a table of their own, on 1,000 ids.
   */
  floor(op: FloorOp, n: number): { runs: number; error: string | null } {
    const sql = this.ctx.storage.sql;
    const kv = this.ctx.storage.kv;
    sql.exec("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value BLOB, mem INTEGER)");
    const value = new Uint8Array(32);
    if (sql.exec("SELECT count(*) AS n FROM bench_floor").one().n !== 1000) {
      for (let i = 0; i < 1000; i++) sql.exec("INSERT OR REPLACE INTO bench_floor VALUES (?, ?, ?, 50)", i, `eng:k:${i}`, value);
    }
    const id = () => Math.floor(Math.random() * 1000);
    const runs: Record<FloorOp, () => void> = {
      update: () => void sql.exec("UPDATE bench_floor SET value = ?, mem = ? WHERE id = ?", value, 50, id()),
      select: () => void sql.exec("SELECT value, mem FROM bench_floor WHERE id = ?", id()).toArray(),
      none: () => void sql.exec("UPDATE bench_floor SET mem = 50 WHERE id = -1"),
      "kv.get": () => void kv.get(`eng:k:${id()}`),
      "kv.put": () => kv.put(`eng:k:${id()}`, "v".repeat(32)),
    };
    const run = runs[op];
    if (!run) return { runs: 0, error: `unknown floor op ${op}` };
    for (let i = 0; i < n; i++) run();
    return { runs: n, error: null };
  }

  /** Sets server parameters (the bench's CONFIG SET) and makes this shard its database's only one; null, or why refused. */
  configure(config: Record<string, string>): string | null {
    const inner = this as unknown as { config: ConfigStore; keyspace: Keyspace };
    inner.keyspace.shardCount = 1;
    for (const [name, value] of Object.entries(config)) {
      const problem = inner.config.set(name, value);
      if (problem) return `${name}: ${problem}`;
    }
    return null;
  }

  /**
   * Replays a cache trace: a read is a GET, and a miss is followed by a SET of the key (with its
   * TTL), as a cache-aside client fills its cache; a write is a SET. Counts hits and misses.
   */
  replay(ops: TraceOp[], value: string): { hits: number; misses: number; evicted: number; used: number; keys: number; error: string | null } {
    let hits = 0;
    let misses = 0;
    let error: string | null = null;
    const set = (key: string, ttl: number): Arg[] => (ttl > 0 ? ["SET", key, value, "EX", String(ttl)] : ["SET", key, value]);
    for (const [kind, key, ttl] of ops) {
      if (kind === "w") {
        error ??= firstError(this.execNow([set(key, ttl)]));
        continue;
      }
      const [got] = this.execNow([["GET", key]]) as Reply[];
      if (got !== null) {
        hits++;
        continue;
      }
      misses++;
      error ??= firstError(this.execNow([set(key, ttl)]));
    }
    const inner = this as unknown as { stats: { get(n: string): number }; keyspace: Keyspace };
    return { hits, misses, evicted: inner.stats.get("evicted_keys"), used: inner.keyspace.memory.used(), keys: inner.keyspace.count(), error };
  }

  /**
   * Adds elements `from` … `from + count - 1` to one collection, 500 per command (a stream:
   * appended directly, see fillStream); for a bitmap,
   * bits `from` … `from + count - 1` (whole bytes), a byte pattern written 1 MiB per SETRANGE.
   */
  fill(kind: FillKind, key: string, from: number, count: number): string | null {
    if (kind === "bitmap") return this.fillBitmap(key, from / 8, count / 8);
    if (kind === "stream") return this.fillStream(key, from, count);
    if (kind === "json") {
      // N counts bytes: the document {"n":0,"a":[…]} grows by `count` bytes of 100-byte strings.
      const item = JSON.stringify("x".repeat(97));
      const cmds: Arg[][] = from === 0 ? [["JSON.SET", key, "$", '{"n":0,"a":[]}']] : [];
      const items = Math.max(1, Math.round(count / (item.length + 1)));
      for (let i = 0; i < items; i += 500) cmds.push(["JSON.ARRAPPEND", key, "$.a", ...Array.from({ length: Math.min(500, items - i) }, () => item)]);
      return firstError(this.execNow(cmds));
    }
    const cmds: Arg[][] = [];
    for (let start = from; start < from + count; start += 500) {
      const end = Math.min(start + 500, from + count);
      const argv: Arg[] = [FILL_COMMAND[kind], key];
      for (let i = start; i < end; i++) {
        if (kind === "zset") argv.push(String(i), `m:${i}`);
        else if (kind === "geo") argv.push(...geoPoint(i), `m:${i}`);
        else if (kind === "hash") argv.push(`f:${i}`, `v:${i}`);
        else argv.push(kind === "list" ? `v:${i}` : `m:${i}`);
      }
      cmds.push(argv);
    }
    return firstError(this.execNow(cmds));
  }

  /**
   * Entry i gets ID (STREAM_FILL_MS + i)-0 and fields `f v:<i>`, milliseconds far ahead of the
   * clock, so that an XADD with "*" between two fills appends after the fill (last ms, next
   * sequence) and the next fill after it; "{r+4000000000000}" as an XRANGE start is a random
   * entry's ID. The entries go through the stream store's own append (the rows, nodes and
   * counters XADD writes), in one transaction, without a command per entry: one XADD each
   * would cost the command's dispatch and the stream's load and save per entry, and a
   * 1M-entry stream would take most of a minute to build.
   */
  private fillStream(key: string, from: number, count: number): string | null {
    const ks = (this as unknown as { keyspace: Keyspace }).keyspace;
    ks.now = Date.now();
    const enc = new TextEncoder();
    const field = enc.encode("f");
    try {
      ks.transaction(() => {
        const s = findStream(ks, key) ?? createStream(ks, key);
        for (let i = from; i < from + count; i++) s.append({ ms: BigInt(STREAM_FILL_MS + i), seq: 0n }, [field, enc.encode(`v:${i}`)]);
        s.save();
      });
    } catch (e) {
      if (e instanceof CommandError) return e.reply;
      throw e;
    }
    return null;
  }

  /**
   * Makes `key` a sorted set of members m:from … m:(from + count - 1), member m:i with score i,
   * written whole through the store's own bulk write (storeZset: the rows, then the tree in one
   * pass), or adds those members to the set at `key` (setAdd) — in one transaction, without a
   * command per element, so that the algebra table's 100k-member inputs take a second or two to
   * build rather than 100k ZADDs.
   */
  fillDirect(kind: "zset" | "set", key: string, from: number, count: number): string | null {
    const ks = (this as unknown as { keyspace: Keyspace }).keyspace;
    ks.now = Date.now();
    const enc = new TextEncoder();
    const members = Array.from({ length: count }, (_, k) => enc.encode(`m:${from + k}`));
    try {
      this.ctx.storage.transactionSync(() => {
        if (kind === "zset") storeZset(ks, key, members.map((member, k) => ({ member, score: from + k })), "zadd");
        else setAdd(ks, key, members);
      });
    } catch (e) {
      if (e instanceof CommandError) return e.reply;
      throw e;
    }
    return null;
  }

  /**
   * Frees now every element row that deleted large keys left to be freed in bounded steps
   * (store/lazy-free.ts), so that a timed command neither waits for an alarm's step nor
   * shares the cores with one; answers the rows freed.
   */
  settle(): number {
    const ks = (this as unknown as { keyspace: Keyspace }).keyspace;
    let freed = 0;
    this.ctx.storage.transactionSync(() => (freed = ks.lazyFree.drain(Number.MAX_SAFE_INTEGER)));
    return freed;
  }

  /**
   * `n` jobs of a stream queue, one at a time as a consumer takes them: `XREADGROUP GROUP
   * group consumer COUNT 1 STREAMS key >`, then `XACK key group <its ID>`, two batches per job.
   * Stops early when nothing is left to read; returns the jobs done and the first error.
   */
  consume(key: string, group: string, consumer: string, n: number): { runs: number; error: string | null } {
    const read: Arg[] = ["XREADGROUP", "GROUP", group, consumer, "COUNT", "1", "STREAMS", key, ">"];
    for (let i = 0; i < n; i++) {
      const [reply] = this.execNow([read]) as Reply[];
      if (reply === null) return { runs: i, error: null };
      // [[key, [[id, [field, value]]]]]
      const raw = (reply as Reply[][][][])[0]?.[1]?.[0]?.[0];
      const id = raw instanceof Uint8Array ? new TextDecoder().decode(raw) : raw;
      if (typeof id !== "string") return { runs: i, error: firstError([reply]) ?? `XREADGROUP answered ${String(reply)}` };
      const [acked] = this.execNow([["XACK", key, group, id]]) as Reply[];
      if (acked !== 1) return { runs: i, error: `XACK answered ${JSON.stringify(acked)}` };
    }
    return { runs: n, error: null };
  }

  private fillBitmap(key: string, fromByte: number, bytes: number): string | null {
    const piece = 1024 * 1024;
    for (let at = fromByte; at < fromByte + bytes; at += piece) {
      const part = new Uint8Array(Math.min(piece, fromByte + bytes - at));
      for (let i = 0; i < part.length; i++) part[i] = ((at + i) * 151) & 0xff;
      const error = firstError(this.execNow([["SETRANGE", key, String(at), part]]));
      if (error) return error;
    }
    return null;
  }
}

/** The region the logged engine shard replicates to (any one: its replica runs in this process). */
const LOG_REGION = "weur";
/** Longest wait for the replica to catch up after a loop. */
const REPLICATED_WAIT_MS = 60_000;

/**
 * EngineShard with its change log on: its env has REPLICA_REGIONS naming one region, so the
 * triggers write row images and each step that logged pushes to that region's Replica (this
 * Worker's REPLICA namespace, in the same process). Name it `shard-<i>`: the replica pulls from
 * SHARD `shard-<i>` when it starts or falls behind.
 */
export class LoggedEngineShard extends EngineShard {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, { ...env, REPLICA_REGIONS: LOG_REGION });
  }

  /**
   * Waits, in the object, until the replica has acknowledged the log's position (every push of
   * what the loops logged applied); answers the position, the rows the log holds and the ms waited.
   */
  async replicated(): Promise<{ position: number; rows: number; waited_ms: number; error: string | null }> {
    const r = (this as unknown as { replication: PrimaryReplication | null }).replication;
    if (!r) return { position: 0, rows: 0, waited_ms: 0, error: "the change log is off" };
    const t0 = Date.now();
    for (;;) {
      r.stepEnded(Date.now());
      const [peer] = r.peersState();
      if (peer && !peer.inFlight && peer.acked >= r.position) return { position: r.position, rows: r.log.size(), waited_ms: Date.now() - t0, error: null };
      if (Date.now() - t0 > REPLICATED_WAIT_MS) return { position: r.position, rows: r.log.size(), waited_ms: Date.now() - t0, error: `replica at ${peer?.acked} of ${r.position}` };
      await new Promise((res) => setTimeout(res, 1));
    }
  }
}

/**
 * Point i of a geo fill: the centre of the cell whose score is 3·2^50 + i·2^29 (3·2^50 is the
 * corner at 0°, 0° of the north-east quarter of the map), so scores grow with i (each GEOADD
 * appends at the end of the sorted set, as the zset fill does) and the points lie on a fixed
 * grid of about 9 km, filling that quarter in Z-order (2^21 points fill it): the density around
 * a member is the same at every N, so a search finds about as many points at 1k as at 1M.
 */
export function geoPoint(i: number): [string, string] {
  const [lon, lat] = decodeScore(3 * 2 ** 50 + (i % 2 ** 21) * 2 ** 29);
  return [String(lon), String(lat)];
}

const PLACEHOLDER = /\{(r|i)(?:\+(\d+))?\}/g;

function substitute(arg: string, r: number, i: number): string {
  return arg.replace(PLACEHOLDER, (_, name: string, plus?: string) => String((name === "r" ? r : i) + Number(plus ?? 0)));
}

/** The first error reply of a batch (the bench's batches reply small: a streamed reply is a fault). */
function firstError(replies: Reply[] | Streamed<Reply[]>): string | null {
  if (isStreamed(replies)) return "reply streamed: too large for a bench loop";
  for (const r of replies) {
    if (r !== null && typeof r === "object" && "error" in r) return r.error;
  }
  return null;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value ?? null), { status, headers: { "content-type": "application/json" } });
}

async function kvRoute(kv: KVNamespace, op: string, b: Body): Promise<unknown> {
  const get = (k: string) => kv.get(k);
  const put = async (k: string, v: string) => void (await kv.put(k, v));
  const incr = async (k: string) => {
    const n = Number((await kv.get(k)) ?? "0") + 1;
    await kv.put(k, String(n));
    return n;
  };
  switch (op) {
    case "get":
      return get(b.k!);
    case "put":
      return put(b.k!, b.v!);
    case "incr":
      return incr(b.k!);
    case "mget":
      return Promise.all(b.ks!.map(get));
    case "pipeline":
      return Promise.all(b.ops!.map(([o, k, v]) => (o === "get" ? get(k) : o === "put" ? put(k, v ?? "") : incr(k))));
  }
  throw new Error(`unknown op ${op}`);
}

const D1_GET = "SELECT v FROM kv WHERE k = ?";
const D1_PUT = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
const D1_INCR =
  "INSERT INTO kv (k, v) VALUES (?, '1') ON CONFLICT (k) DO UPDATE SET v = CAST(CAST(v AS INTEGER) + 1 AS TEXT) RETURNING v";

async function d1Route(db: D1Database, op: string, b: Body): Promise<unknown> {
  switch (op) {
    case "setup":
      return db.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)");
    case "get":
      return db.prepare(D1_GET).bind(b.k!).first("v");
    case "put":
      return void (await db.prepare(D1_PUT).bind(b.k!, b.v!).run());
    case "incr":
      return db.prepare(D1_INCR).bind(b.k!).first("v");
    case "mget": {
      const rows = await db
        .prepare(`SELECT k, v FROM kv WHERE k IN (${b.ks!.map(() => "?").join(",")})`)
        .bind(...b.ks!)
        .all<{ k: string; v: string }>();
      const found = new Map(rows.results.map((r) => [r.k, r.v]));
      return b.ks!.map((k) => found.get(k) ?? null);
    }
    case "pipeline": {
      const stmts = b.ops!.map(([o, k, v]) =>
        o === "get" ? db.prepare(D1_GET).bind(k) : o === "put" ? db.prepare(D1_PUT).bind(k, v ?? "") : db.prepare(D1_INCR).bind(k),
      );
      return (await db.batch(stmts)).length;
    }
  }
  throw new Error(`unknown op ${op}`);
}

async function doRoute(env: Env, op: string, b: Body): Promise<unknown> {
  const store = env.BARE.getByName("bare");
  switch (op) {
    case "get":
      return store.get(b.k!);
    case "put":
      return store.put(b.k!, b.v!);
    case "incr":
      return store.incr(b.k!);
    case "mget":
      return store.mget(b.ks!);
    case "pipeline":
      return store.pipeline(b.ops!);
  }
  throw new Error(`unknown op ${op}`);
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/const") return new Response("OK");
    const [, store, op] = path.split("/");
    const body = (request.method === "POST" ? await request.json() : {}) as Body;
    try {
      switch (store) {
        case "do":
          return json(await doRoute(env, op!, body));
        case "kv":
          return env.KV ? json(await kvRoute(env.KV, op!, body)) : json({ error: "no KV binding" }, 501);
        case "d1":
          return env.DB ? json(await d1Route(env.DB, op!, body)) : json({ error: "no D1 binding" }, 501);
        case "engine": {
          const b = body as unknown as EngineBody;
          const shard = b.log ? env.SHARD.getByName(b.name) : env.ENGINE.getByName(b.name);
          if (op === "loop") return json(await shard.loop(b.template, b.n, b.range));
          if (op === "steps") {
            // One RPC per `per` runs: each its own event, so its own commit and log step (and push).
            let error: string | null = null;
            for (let done = 0; done < b.n; done += b.per) error ??= (await shard.loop(b.template, Math.min(b.per, b.n - done), b.range)).error;
            return json({ runs: b.n, error });
          }
          if (op === "replicated") return b.log ? json(await env.SHARD.getByName(b.name).replicated()) : json({ error: "not a logged shard" }, 400);
          if (op === "floor") return json(await shard.floor(b.op as FloorOp, b.n));
          if (op === "fill") return json({ error: await shard.fill(b.kind, b.key, b.from, b.count) });
          if (op === "fill-direct") return json({ error: await shard.fillDirect(b.kind as "zset" | "set", b.key, b.from, b.count) });
          if (op === "config") return json({ error: await shard.configure(b.config) });
          if (op === "replay") return json(await shard.replay(b.ops, b.value));
          if (op === "settle") return json({ freed: await shard.settle() });
          if (op === "consume") return json(await shard.consume(b.key, b.group, b.consumer, b.n));
        }
      }
      return json({ error: "not found" }, 404);
    } catch (e) {
      return json({ error: e instanceof Error ? e.message : String(e) }, 500);
    }
  },
};
