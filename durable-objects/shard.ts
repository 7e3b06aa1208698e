/**
 * One keyspace shard: a SQLite-backed Durable Object that owns a range of hash slots.
 *
 * The Worker calls `exec` over RPC with a batch of commands (one command, a pipeline's share
 * for this shard, or a whole MULTI/EXEC). The batch runs synchronously, so nothing interleaves
 * with it, and the runtime's output gate holds the reply until its writes are durable. A batch
 * or reply too large for one RPC message travels partly as a byte stream (transport.ts).
 *
 * Expiry: one alarm for every kind of deadline. Each kind is a `Sweeper` (whole keys; hash
 * fields, store/hashes.ts) that knows its earliest deadline and deletes due items in
 * bounded batches. The alarm is set to the earliest deadline of all sweepers; the handler runs
 * each sweeper for a bounded number of batches, then re-arms (at once if work is left). It is
 * idempotent: an alarm that fires early, late or twice deletes only what is due. The
 * constructor re-arms after a restart when the alarm is missing or later than the earliest
 * deadline, so pending expiries survive eviction.
 *
 * Cross-shard transactions (participant.ts): `prepare`, `commit` and `abort` RPCs; a batch
 * touching a key locked by a prepared transaction is refused whole with TRYAGAIN; the alarm
 * also serves the leases of prepared transactions, asking their coordinator for the outcome.
 *
 * Pub/Sub (pubsub/, docs/pubsub.md): the shard is the hub of its slots' channels and a gateway
 * for hibernatable WebSockets; `fetch` (the upgrade the Worker passes on), the webSocket*
 * handlers and the `pubsubRegister` / `pubsubDeliver` RPCs only delegate to it.
 */
import { currentBookmark, PitrErrors, type PitrAnswer } from "./pitr/checkpoints";
import { PendingRestore } from "./pitr/pending";
import { DurableObject } from "cloudflare:workers";
import type { Arg } from "./args";
import { COMMANDS } from "./commands";
import type { ConfigStore } from "./config/store";
import type { ShardCounters, CountersSnapshot } from "./stats/counters";
import { commandBytes, replyBytes } from "./stats/net-bytes";
import { usedMemory } from "./stats/memory-section";
import type { PersistedCounters } from "./stats/persisted";
import type { ExecContext } from "./context";
import { dispatch } from "./dispatch";
import { createEngine, engineContext, type Engine } from "./engine";
import type { ChangesAnswer, EncodedRow, SnapshotPage } from "./replication/log";
import { PrimaryReplication } from "./replication/primary";
import type { Reply } from "./reply";
import { Keyspace } from "./store/keyspace";
import { hashFieldSweeper } from "./store/hashes";
import { LAZYFREE_BATCH_STEP } from "./store/lazy-free";
import { Participant, type PrepareRequest, type PrepareResult, type TxEvent } from "./participant";
import type { Coordinator } from "./coordinator";
import { err, isError } from "./reply";
import { BLOCKED, Waiters, type Blocker, type Waiter } from "./blocking/waiters";
import { KeyType } from "./store/keyspace";
import { ReplyBudget } from "./reply-budget";
import { Errors } from "./errors";
import { runScratch, type ScratchRequest, type ScratchResult } from "./scratch";
import { pack, packGathering, unpackBatch, type Gathered, type Streamed } from "./transport";
import { DEFAULT_PUBSUB_BUFFER_LIMIT, PubSub, type PubSubPeer } from "./pubsub/hub";
import type { Delivery } from "./pubsub/gateway";
import type { InterestKind } from "./pubsub/interest";

/** A batch's replies as they cross (transport.ts). */
type Packed = Reply[] | Streamed<Reply[]> | Gathered<Reply[]>;

/**
 * What a batch's RPC may say besides its commands: its reply budget, the name of a wait it may
 * start, and whether it takes its replies gathered.
 */
export interface ExecLimits {
  replyBytes?: number;
  block?: string;
  /** The caller takes replies gathered (transport.ts `Gathered`): the Worker's batches do. */
  gather?: boolean;
  /** Answer `{ replies, epoch, position }`: the change log's position after the batch (docs/global.md §3). */
  position?: boolean;
}

/** `exec`'s answer with `limits.position`. */
export interface PositionedReplies {
  replies: Packed;
  /** The change log's epoch ("" while the log is off). */
  epoch: string;
  /** The log's position after the batch (0 while the log is off). */
  position: number;
  /** Present (true) while prepared cross-shard transactions hold locks here: a decided commit may still apply past `position`. */
  pending?: true;
}

/** A batch that may be suspended at a blocking command: its replies so far and where it stands. */
interface Suspendable {
  batch: Arg[][];
  out: Reply[];
  budget: ReplyBudget;
  at: number;
  block: string | undefined;
}

/** What a blocking command asked for: the keys and type it waits on, its timeout, and what runs when one is ready. */
interface Wanted {
  keys: string[];
  type: KeyType;
  timeoutMs: number;
  /** The command to run again when served, when not the batch's own (XREAD with `$` resolved). */
  rerun: Arg[] | undefined;
  /** The reply when a key waited on goes or changes type (XREADGROUP's UNBLOCKED). */
  gone: Reply | undefined;
}

/** A suspended batch in the shard's queues. */
interface ShardWaiter extends Suspendable, Waiter {
  resolve: (replies: Reply[]) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Items deleted per step of the alarm handler, and steps per sweeper before it yields and re-arms. */
const SWEEP_BATCH = 500;
const SWEEP_STEPS = 20;
/** An armed alarm this far past due is taken as lost (retries exhausted) and set again. */
const STUCK_ALARM_MS = 30_000;
/** The alarm is never set further ahead than this; when it fires early it simply re-arms. */
const MAX_ALARM_AHEAD_MS = 365 * 24 * 3600_000;

/** Refusals counted per countRejected call (a request holds at most MAX_PIPELINE_COMMANDS). */
const MAX_REJECTIONS = 100_000;

/** Overdue prepared transactions resolved per alarm run. */
const RECOVER_BATCH = 20;
/** Lease given again to a prepared transaction whose coordinator could not be reached. */
const RECOVER_RETRY_MS = 1_000;

/** One kind of deadline served by the shard's alarm. */
export interface Sweeper {
  /** The earliest pending deadline (ms since the epoch), or null when there is none. */
  earliest(): number | null;
  /** Deletes up to `limit` items due at the keyspace's `now`; returns how many it deleted. */
  sweep(limit: number): number;
}

export class Shard extends DurableObject {
  private readonly keyspace: Keyspace;
  /** The server parameters this shard applies (CONFIG). */
  private readonly config: ConfigStore;
  private slowlogCache = { version: -1, slowerThan: 0, maxLen: 0 };
  /** Counters (INFO stats): since the first start or CONFIG RESETSTAT, less what a restart lost. */
  private readonly stats: ShardCounters;
  /** The keyspace, scripts, config and counters together (engine.ts). */
  private readonly engine: Engine;
  /** The counters' totals in storage, written with batches that write anyway (stats/persisted.ts). */
  private readonly persistedStats: PersistedCounters;
  /** Every kind of deadline the alarm serves. */
  private readonly sweepers: Sweeper[];
  private readonly participant: Participant;
  /** The alarm time this object has set (mirrors storage, to avoid an async read per write). */
  private alarmAt: number | null = null;
  private readonly pubsub: PubSub;
  /** Clients blocked on this shard's keys (blocking/waiters.ts); in memory only. */
  private readonly waiters = new Waiters<ShardWaiter>();
  /** The change log and the pushes to read replicas (replication/primary.ts); null while no replica is configured. */
  private readonly replication: PrimaryReplication | null;
  /** A point-in-time restore set under a lock-all transaction, until the restart (pitr/pending.ts). */
  private readonly restore: PendingRestore;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const storage = ctx.storage;
    this.restore = new PendingRestore(storage, () => {
      // Just after the current reply: the object ends, and its next start restores the bookmark set.
      setTimeout(() => {
        try {
          ctx.abort("point-in-time restore");
        } catch {
          // abort throws to end the object; nothing left to do here.
        }
      }, 20);
    });
    const engine = createEngine(storage, env, (at) => this.armAlarm(at));
    ({ keyspace: this.keyspace, config: this.config, stats: this.stats, persistedStats: this.persistedStats } = engine);
    this.engine = engine;
    this.keyspace.waiting = this.waiters;
    this.replication = PrimaryReplication.configure(storage.sql, env, shardIndex(ctx), env.REPLICA as unknown as DurableObjectNamespace | undefined, (at) => this.armAlarm(at));
    const keyspace = this.keyspace;
    this.sweepers = [
      { earliest: () => keyspace.earliestExpiry(), sweep: (limit) => keyspace.sweepExpired(limit) },
      hashFieldSweeper(keyspace),
      // Large keys' element rows, after their key went (store/lazy-free.ts): due at once while any remain.
      { earliest: () => keyspace.lazyFree.earliest(keyspace.now), sweep: (limit) => keyspace.lazyFree.drain(limit) },
    ];
    this.participant = new Participant(
      storage,
      (at) => this.armAlarm(at),
      { mark: () => this.pubsub.publisher.mark(), dropSince: (m) => this.pubsub.publisher.dropSince(m) },
      (fn) => keyspace.transaction(fn),
    );
    const participant = this.participant;
    this.sweepers.push({ earliest: () => participant.earliestLease(), sweep: () => 0 });
    const replication = this.replication;
    // The change log's trimming and retried pushes (replication/primary.ts).
    if (replication) this.sweepers.push({ earliest: () => replication.earliest(Date.now()), sweep: (limit) => replication.trim(limit, keyspace.now) });
    this.pubsub = new PubSub({
      sql: storage.sql,
      state: ctx,
      env,
      shard: shardIndex(ctx),
      shards: this.keyspace.shardCount,
      peer: (shard) => env.SHARD.getByName(`shard-${shard}`) as unknown as PubSubPeer,
      bufferLimit: positive((env as { CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB?: string }).CLIENT_OUTPUT_BUFFER_LIMIT_PUBSUB) ?? DEFAULT_PUBSUB_BUFFER_LIMIT,
    });
    // The runtime answers `ping` without waking the object (docs/pubsub.md "The WebSocket protocol").
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await storage.getAlarm();
      const earliest = this.earliestDeadline();
      if (earliest !== null && (this.alarmAt === null || this.alarmAt > earliest)) this.armAlarm(earliest, true);
    });
  }

  /**
   * Runs a batch of commands in order; one reply per command (errors are replies). The replies
   * together take at most `limits.replyBytes` (reply-budget.ts): a read whose reply does not fit
   * answers an error entry instead, a write whose large reply does not fit is rolled back and
   * answers one. Replies too large for one RPC message come back with their long byte strings in
   * a stream; with `limits.gather`, replies with several small byte strings carry those in one
   * buffer (transport.ts).
   *
   * With `limits.block` (a client's pipeline, never a transaction), a blocking command with
   * nothing to take suspends the batch (docs/blocking.md): the answer is then a Promise, settled
   * when the command is served or times out and the rest of the batch has run; `block` names
   * the wait for `unblock`. Without a blocked command the answer is the same synchronous array.
   */
  exec(batch: Arg[][], limits?: ExecLimits & { position?: false }): Packed | Promise<Packed>;
  exec(batch: Arg[][], limits: ExecLimits & { position: true }): PositionedReplies | Promise<PositionedReplies>;
  exec(batch: Arg[][], limits?: ExecLimits): Packed | PositionedReplies | Promise<Packed | PositionedReplies>;
  exec(batch: Arg[][], limits?: ExecLimits): Packed | PositionedReplies | Promise<Packed | PositionedReplies> {
    const replies = this.run(batch, limits);
    const packed = limits?.gather ? packGathering : pack<Reply[]>;
    const answer = (r: Reply[]): Packed | PositionedReplies => (limits?.position ? { replies: packed(r), ...this.position() } : packed(r));
    return Array.isArray(replies) ? answer(replies) : replies.then(answer);
  }

  /** `exec` of a batch too large for one RPC message: its long arguments arrive in a stream first. */
  async execStreamed(batch: Streamed<Arg[][]>, limits?: ExecLimits): Promise<Packed | PositionedReplies> {
    return this.exec(await unpackBatch(batch), limits);
  }

  /**
   * The client waiting as `id` went away: it stops waiting, and nothing is taken for it. False
   * when it no longer waits here (served, timed out, or never blocked).
   */
  unblock(id: string): boolean {
    const w = this.waiters.get(id);
    if (!w || !this.waiters.remove(w)) return false;
    if (w.timer !== undefined) clearTimeout(w.timer);
    w.out.fill(err(Errors.clientGone), w.at);
    w.resolve(w.out);
    return true;
  }

  /** Clients waiting on this shard's keys, and the keys they wait on (tests, INFO). */
  blockedClients(): { clients: number; keys: number } {
    return { clients: this.waiters.size, keys: this.waiters.keys };
  }

  private run(batch: Arg[][], limits?: ExecLimits): Reply[] | Promise<Reply[]> {
    if (this.participant.blocks(batch)) return batch.map(() => err(Errors.txLocked));
    const out: Reply[] = new Array(batch.length);
    const budget = new ReplyBudget(limits?.replyBytes, batch.length);
    const suspended = this.runFrom({ batch, out, budget, at: 0, block: limits?.block });
    this.serveBlocked();
    return suspended ?? out;
  }

  /**
   * Runs `s.batch` from `s.at`; a command that blocks suspends it as a waiter (its promise is
   * the answer), else the batch is complete in `s.out`.
   */
  private runFrom(s: Suspendable): Promise<Reply[]> | null {
    const { batch, out, budget } = s;
    const ctx0 = this.context();
    let argv: Arg[] = [];
    const writesBefore = this.stats.writesCommitted;
    const publisher = this.pubsub.publisher;
    const atomically = <T>(fn: () => T) => {
      const mark = publisher.mark();
      try {
        return this.keyspace.transaction(() => budget.admitWrite(argv, fn() as Reply) as T);
      } catch (e) {
        // Rolled back: the messages it published go with its writes.
        publisher.dropSince(mark);
        throw e;
      }
    };
    // A blocking command may wait only as the batch's own command (not one a script calls).
    let wanted: Wanted | null = null;
    const blocker: Blocker | undefined =
      s.block === undefined
        ? undefined
        : {
            block: (called, keys, type, timeoutMs, rerun, gone) => {
              if (called !== argv || wanted !== null) return false;
              wanted = { keys, type, timeoutMs, rerun, gone };
              return true;
            },
          };
    const ctx: ExecContext = blocker ? { ...ctx0, blocker } : ctx0;
    let suspended: Promise<Reply[]> | null = null;
    const run = () => {
      const stats = this.stats;
      stats.sample(ctx.now);
      const slowerThan = this.slowlogSettings().slowerThan;
      stats.clock = ctx.now;
      try {
        for (let i = s.at; i < batch.length; i++) {
          argv = batch[i]!;
          const reply = dispatch(COMMANDS, ctx, argv, atomically);
          if (reply === BLOCKED && wanted !== null) {
            suspended = this.suspend(s, i, wanted);
            return;
          }
          out[i] = budget.admit(argv, reply);
          stats.netInputBytes += commandBytes(argv);
          stats.netOutputBytes += replyBytes(out[i]!);
          if (slowerThan >= 0 && stats.lastUsec >= slowerThan) {
            stats.slowlog.maybeLog(argv, stats.lastUsec, ctx.now, slowerThan, this.slowlogSettings().maxLen);
          }
        }
      } finally {
        stats.clock = null;
      }
    };
    try {
      if (this.participant.lockedKeys() === 0) run();
      // Keys a command does not declare (a script's) are checked where every access passes.
      else this.keyspace.guarded((key) => this.participant.isLocked(key), run);
    } finally {
      // A batch that wrote also frees a bounded step of large deleted keys' rows, and may carry the counters.
      if (this.stats.writesCommitted !== writesBefore) {
        this.keyspace.lazyFree.drain(LAZYFREE_BATCH_STEP);
        this.persistedStats.maybeFlush(ctx.now);
      }
      this.keyspace.memory.persist();
      this.replication?.stepEnded(ctx.now);
    }
    return suspended;
  }

  /** The batch `s` waits at command `at` for one of `want.keys`: queued last on each, with its timer. */
  private suspend(s: Suspendable, at: number, want: Wanted): Promise<Reply[]> {
    let resolve!: (replies: Reply[]) => void;
    const promise = new Promise<Reply[]>((r) => (resolve = r));
    const w: ShardWaiter = { ...s, id: s.block!, at, argv: want.rerun ?? s.batch[at]!, keys: want.keys, type: want.type, gone: want.gone, done: false, resolve, timer: undefined };
    if (want.timeoutMs > 0) w.timer = setTimeout(() => this.timedOut(w), want.timeoutMs);
    this.waiters.add(w);
    return promise;
  }

  /** A waiter's time ran out: its command answers nil, and its batch goes on. */
  private timedOut(w: ShardWaiter): void {
    if (!this.waiters.remove(w)) return;
    w.out[w.at] = w.budget.admit(w.argv, null);
    this.continueAfter(w);
  }

  /** Runs the rest of a served or timed-out waiter's batch, then settles its promise (or it waits again). */
  private continueAfter(w: ShardWaiter): void {
    const next = this.runFrom({ batch: w.batch, out: w.out, budget: w.budget, at: w.at + 1, block: w.block });
    if (next) void next.then(w.resolve);
    else w.resolve(w.out);
    this.serveBlocked();
  }

  /**
   * Serves the clients waiting on keys created since the last serve, first come first served,
   * as Redis's handleClientsBlockedOnKeys after each command: each waiter's command runs again
   * in its non-blocking form; one that answers is done. Called after every batch, commit and
   * timer; costs one size test when nobody waits.
   */
  private serveBlocked(): void {
    const waiters = this.waiters;
    while (waiters.hasReady()) {
      for (const key of waiters.takeReady()) {
        for (const w of waiters.queue(key)) {
          if (w.done) continue;
          const row = this.keyspace.find(key, false);
          // Gone, or now of another type: Redis 7.0 leaves such waiters waiting, but answers an XREADGROUP reader.
          if (!row || row.type !== w.type) {
            if (w.gone !== undefined) this.answer(w, w.gone);
            continue;
          }
          this.serveOne(w, key);
        }
      }
    }
  }

  /** Runs a waiter's command again for `key`; it stays queued where it was if it would still wait (or meets a locked key). */
  private serveOne(w: ShardWaiter, key: string): void {
    const ctx0 = this.context();
    let again = false;
    const ctx: ExecContext = { ...ctx0, blocker: { block: (called) => (again = called === w.argv), serving: key } };
    const atomically = <T>(fn: () => T) => this.keyspace.transaction(() => w.budget.admitWrite(w.argv, fn() as Reply) as T);
    const run = () => dispatch(COMMANDS, ctx, w.argv, atomically);
    const reply = this.participant.lockedKeys() === 0 ? run() : this.keyspace.guarded((key) => this.participant.isLocked(key), run);
    this.keyspace.memory.persist();
    this.replication?.stepEnded(ctx.now);
    if ((reply === BLOCKED && again) || (isError(reply) && reply.error === Errors.txLocked)) return;
    this.answer(w, reply);
  }

  /** A waiter's command answers `reply`: it leaves every queue and its batch goes on. */
  private answer(w: ShardWaiter, reply: Reply): void {
    this.waiters.remove(w);
    if (w.timer !== undefined) clearTimeout(w.timer);
    w.out[w.at] = w.budget.admit(w.argv, reply);
    this.continueAfter(w);
  }

  /**
   * Counts commands the Worker refused before they reached any shard (unknown, arity, NOPERM,
   * CROSSSLOT) as rejected calls and error replies; the Worker sends them to shard 0.
   */
  countRejected(rejected: { command?: string; error: string }[]): void {
    for (const r of rejected.slice(0, MAX_REJECTIONS)) {
      if (typeof r.error !== "string") continue;
      const known = typeof r.command === "string" && COMMANDS.get(r.command) !== undefined;
      this.stats.rejected(known ? r.command : undefined, r.error);
    }
  }

  /** Everything this shard counts, its slow log's length and its key count (GET /metrics). */
  metrics(): { counts: CountersSnapshot; keys: number; expires: number; bytes: number; slowlog: number; locked: number; startedAt: number } {
    const ctx = this.context();
    const s = ctx.keyspace.stats();
    return { counts: this.stats.snapshot(), keys: s.keys, expires: s.expires, bytes: usedMemory(ctx), slowlog: this.stats.slowlog.length, locked: this.participant.lockedKeys(), startedAt: this.stats.startedAt };
  }

  /** The slow log's parameters, read from the config again only after it changed (not per batch). */
  private slowlogSettings(): { version: number; slowerThan: number; maxLen: number } {
    const cached = this.slowlogCache;
    if (cached.version === this.config.version) return cached;
    return (this.slowlogCache = { version: this.config.version, slowerThan: this.config.slowlogLogSlowerThan, maxLen: this.config.slowlogMaxLen });
  }

  /** Phase one of a cross-shard transaction: lock, keep the writes, answer the reads. */
  prepare(req: PrepareRequest): PrepareResult {
    try {
      return this.participant.prepare(this.context(), req);
    } finally {
      this.keyspace.memory.persist();
      // A prepare's reads may delete expired keys: logged like any write.
      this.replication?.stepEnded(this.keyspace.now);
    }
  }

  /** Applies a prepared transaction's writes; a repeated commit answers the same replies. */
  commit(txid: string): Reply[] {
    // A restore committed: the shard restarts restored, its lock kept until then (pitr/pending.ts).
    if (this.restore.committed(txid)) return [];
    try {
      return this.participant.commit(this.context(), txid);
    } finally {
      this.keyspace.memory.persist();
      this.serveBlocked();
      this.replication?.stepEnded(this.keyspace.now);
    }
  }

  abort(txid: string): void | Promise<void> {
    // A restore called off: set back and restarted, its lock kept until then (pitr/pending.ts).
    if (this.restore.txid === txid) {
      return this.restore.aborted(txid).then((pending) => {
        if (!pending) this.abort(txid);
      });
    }
    try {
      this.participant.abort(this.context(), txid);
    } finally {
      this.keyspace.memory.persist();
      this.replication?.stepEnded(this.keyspace.now);
    }
  }

  /** Point-in-time restore (pitr/): the bookmark of this shard's storage now; a storage error as text. */
  pitrBookmark(): Promise<PitrAnswer> {
    return currentBookmark(this.restore.storage);
  }

  /**
   * Makes the next start restore this shard's storage to `bookmark`, under the lock-all
   * transaction `txid` (PITR.RESTORE, worker/pitr/restore.ts), and answers the undo bookmark.
   * The shard restarts when `txid` is decided: restored if committed, set back if aborted
   * (pitr/pending.ts). A storage error, or `txid` not holding the whole shard, as text.
   */
  async pitrRestore(txid: string, bookmark: string): Promise<PitrAnswer> {
    const locked = () => this.participant.holdsAll(txid);
    const replication = this.replication;
    if (!replication || !locked() || this.restore.txid === txid) return this.restore.take(txid, bookmark, locked);
    // Read replicas first stop serving this history (docs/point-in-time.md "Read replicas").
    const fenced = await replication.fence();
    const answer = fenced ? await this.restore.take(txid, bookmark, locked) : { ok: false as const, error: PitrErrors.replicaFence };
    // Not taken: the fenced replicas move on with a new epoch now (taken, the restart's lock-all recovery starts one).
    if (!answer.ok && this.restore.txid !== txid) replication.newEpoch();
    return answer;
  }

  /** Adds writes computed after prepare to a prepared transaction; false when it is not prepared here. */
  stage(txid: string, writes: Arg[][], events?: TxEvent[]): boolean {
    return this.participant.stage(txid, writes, events);
  }

  /** Runs a command over keys gathered from several shards and answers their new contents; changes nothing here. */
  scratch(req: ScratchRequest): ScratchResult {
    const armed = this.alarmAt;
    const used = this.keyspace.memory.used();
    try {
      // A scratch run changes nothing here: its keyspace events and what it publishes are recorded
      // (scratch.ts), and raised or sent by the parts at commit.
      const ctx = { ...this.context(), pubsub: undefined, monitor: undefined };
      this.keyspace.notifyTo = null;
      return runScratch(ctx, req);
    } finally {
      this.alarmAt = armed;
      this.keyspace.memory.rollback(used, 0);
    }
  }

  /** A WebSocket upgrade passed on by the Worker's `/ws` route (worker/pubsub/websocket.ts): this shard becomes its gateway. */
  override fetch(request: Request): Response {
    return this.pubsub.gateway.accept(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.pubsub.gateway.message(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.pubsub.gateway.closed(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.pubsub.gateway.closed(ws);
  }

  /** RPC from a gateway: its local counts of subscribers (interest table, docs/pubsub.md). */
  pubsubRegister(gateway: number, updates: [InterestKind, string, number][]): void {
    this.pubsub.register(gateway, updates);
  }

  /** RPC from a channel's home: messages for this gateway's sockets; answers the interest rows it no longer has. */
  pubsubDeliver(_home: number, messages: Delivery[]): [InterestKind, string, number][] {
    return this.pubsub.deliver(messages);
  }

  /** Gateways this shard sends MONITOR lines to (tests). */
  pubsubMonitorGateways(): number[] {
    return this.pubsub.monitorGateways();
  }

  /** Open sockets of this gateway (tests). */
  pubsubSockets(): number {
    return this.pubsub.gateway.count();
  }

  /**
   * The change log's epoch and position now ("" and 0 while the log is off; docs/global.md §6);
   * `pending` while prepared cross-shard transactions hold locks here (a commit whose reply was
   * lost applies later, past this position: the Worker's token then keeps the shard unknown).
   */
  position(): { epoch: string; position: number; pending?: true } {
    const r = this.replication;
    if (!r) return { epoch: "", position: 0 };
    r.stepEnded(Date.now());
    return this.participant.lockedKeys() > 0 ? { epoch: r.epoch, position: r.position, pending: true } : { epoch: r.epoch, position: r.position };
  }

  /** A replica's pull: the log rows after `after`, up to a step boundary, or `{ rebuild: true }` (replication/log.ts). */
  changes(epoch: string, after: number, limit: number): ChangesAnswer {
    return this.replication ? this.replication.changes(epoch, after, limit) : { rebuild: true };
  }

  /** A rebuilding replica's page of data table `table` after primary key `after` (replication/log.ts). */
  snapshot(table: string, after: EncodedRow | null, limit: number): SnapshotPage {
    return this.replication ? this.replication.snapshot(table, after, limit) : { rows: [], next: null };
  }

  /** A replica's applied position (trimming; a rebuild's start position holds the log). */
  acknowledge(region: string, epoch: string, position: number): void {
    this.replication?.acknowledge(region, epoch, position);
  }

  /** Locks held by prepared transactions on this shard: locked keys, plus one per whole-shard lock (for tests and INFO). */
  lockedKeys(): number {
    return this.participant.lockedKeys();
  }

  /** Resolves prepared transactions whose lease ran out by asking their coordinator. */
  private async recoverTransactions(): Promise<void> {
    const overdue = this.participant.overdue(Date.now(), RECOVER_BATCH);
    for (const { txid, coordinator } of overdue) {
      let decision: string;
      try {
        const stub = this.env.COORDINATOR.getByName(coordinator) as unknown as Pick<Coordinator, "outcome">;
        decision = await stub.outcome(txid);
      } catch {
        this.context();
        this.participant.extendLease(txid, Date.now() + RECOVER_RETRY_MS);
        continue;
      }
      if (this.restore.txid === txid) {
        // A restore whose Worker went away: restart restored (committed) or set back (aborted) first.
        try {
          if (decision === "committed") this.restore.committed(txid);
          else await this.restore.aborted(txid);
        } catch {
          this.participant.extendLease(txid, Date.now() + RECOVER_RETRY_MS);
        }
        continue;
      }
      // A whole-shard lock resolved at its lease: its Worker vanished, and the storage may have been
      // rewound since (a restored state holds its checkpoint's lock-all, a set-back one its restore's).
      // The change log starts over in this same step, before any write, so replicas never take the
      // rewound positions for the history they hold (docs/point-in-time.md "Read replicas").
      const whole = this.participant.holdsAll(txid);
      try {
        if (decision === "committed") this.participant.commit(this.context(), txid);
        else this.participant.abort(this.context(), txid);
        if (whole) this.replication?.newEpoch();
        this.serveBlocked();
      } catch (e) {
        // Only a record dropped long ago or a protocol bug gets here: log it, never retry forever.
        console.error(`transaction ${txid}: ${e instanceof Error ? e.message : String(e)}`);
      }
      // Before the next await: the memory total goes with this transaction's writes, and the log's step ends.
      this.keyspace.memory.persist();
      this.replication?.stepEnded(this.keyspace.now);
    }
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.recoverTransactions();
    const ctx = this.context();
    let more = false;
    let swept = 0;
    for (const sweeper of this.sweepers) {
      let left = true;
      for (let step = 0; step < SWEEP_STEPS && left; step++) {
        const n = sweeper.sweep(SWEEP_BATCH);
        swept += n;
        left = n >= SWEEP_BATCH;
      }
      more ||= left;
    }
    if (swept > 0) this.persistedStats.maybeFlush(ctx.now);
    this.keyspace.memory.settle();
    this.keyspace.memory.persist();
    // Streams that expired answer their XREADGROUP readers, as after any batch.
    this.serveBlocked();
    this.replication?.stepEnded(ctx.now);
    this.replication?.retry(ctx.now);
    const next = more ? ctx.now : this.earliestDeadline();
    if (next !== null) this.armAlarm(next, true);
  }

  private earliestDeadline(): number | null {
    let earliest: number | null = null;
    for (const sweeper of this.sweepers) {
      const t = sweeper.earliest();
      if (t !== null && (earliest === null || t < earliest)) earliest = t;
    }
    return earliest;
  }

  private context(): ExecContext {
    const now = Date.now();
    const ctx: ExecContext = { ...engineContext(this.engine, now), pubsub: this.pubsub.publisher, subscriptions: this.pubsub.subscriptions, monitor: this.pubsub.monitoring(now), blockedClients: () => this.waiters.size };
    // Keyspace notifications raised by the typed operations (expired, new, del …) go where the batch's go.
    this.keyspace.notifyTo = ctx;
    return ctx;
  }

  /**
   * Makes sure the alarm fires by `at`. An armed alarm that fires first is kept, unless it is so
   * far past due that it was lost: then the alarm is set again (to now at the latest).
   */
  private armAlarm(at: number, force = false): void {
    const now = this.keyspace.now;
    const armed = this.alarmAt;
    if (!force && armed !== null && armed <= at && armed >= now - STUCK_ALARM_MS) return;
    const when = Math.min(!force && armed !== null && armed < now ? Math.min(at, now) : at, now + MAX_ALARM_AHEAD_MS);
    this.alarmAt = when;
    void this.ctx.storage.setAlarm(when);
  }
}

/** This shard's index, from its name (`shard-<i>`, worker/index.ts). */
function shardIndex(ctx: DurableObjectState): number {
  const m = /^shard-(\d+)$/.exec(ctx.id.name ?? "");
  return m ? Number(m[1]) : 0;
}

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
