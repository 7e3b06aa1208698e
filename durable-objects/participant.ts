/**
 * A shard's side of a cross-shard transaction (two-phase commit; docs/cross-shard-transactions.md).
 *
 * prepare(txid): in one SQLite transaction, refuse if any key is locked by another transaction
 * (no-wait: the Worker aborts and retries, so there is no deadlock), lock the keys
 * (`tx_lock`), record the transaction as PREPARED with its coordinator and a lease, keep its
 * write commands (sync KV), and run its read commands under the locks. From then
 * on the shard has promised to apply the writes if told to: everything is durable. Each write
 * command is its own KV entry (`txw:<txid>:<seq>`), so a transaction is bounded by the request
 * size, not by the size of one stored value.
 *
 * stage(txid, writes, events): adds writes to a transaction still PREPARED here (gather, run,
 * scatter computes them after prepare, from the contents prepare gathered: scratch.ts); the
 * Worker decides only after every part staged, so a decided transaction's writes are all durable.
 * A part given keyspace events (at prepare or stage) raises those at commit in place of its
 * writes' own: the events of the command it applies, not of the writes that apply it.
 *
 * commit(txid): runs the kept writes in order (one SQLite transaction), releases the locks,
 * marks the transaction DONE and keeps its replies (`txr:<txid>`) for a while, so a repeated
 * commit answers the same replies without applying twice. abort(txid): releases the locks and
 * leaves an ABORTED tombstone, so a prepare that arrives after its abort is refused.
 *
 * A transaction with a keyspace-wide command (DBSIZE, KEYS, SCAN, FLUSHDB, …) locks the whole
 * shard instead (`lockAll`, `tx_lock_all`): its prepare is busy while any other transaction holds
 * a lock here, and while it holds it every other prepare is busy and every batch is refused
 * (TRYAGAIN), every key access included.
 *
 * While a key is locked, any other batch touching it (and a keyspace-wide write such as
 * FLUSHDB while anything is locked) is refused whole with TRYAGAIN before any of it runs; the
 * Worker waits and retries. A key a command did not declare (a script may touch any key of its
 * declared keys' slots) is checked where every access passes, in the keyspace (`isLocked`, via
 * Keyspace.guarded): that command is rolled back and answers TRYAGAIN. Nobody reads or writes a
 * key between its prepare and its commit.
 *
 * A prepared transaction whose lease runs out is resolved by the shard's alarm (`overdue`):
 * it asks the coordinator for the outcome, which answers COMMITTED or records and answers
 * ABORTED (presumed abort), and applies it. No lock outlives its transaction's outcome.
 */
import type { Arg } from "./args";
import type { ExecContext } from "./context";
import { dispatch } from "./dispatch";
import { COMMANDS } from "./commands";
import { err, type Reply } from "./reply";
import { isWrite, validate } from "./table";
import { dumpKeys, type DumpResult } from "./scratch";
import { ReplyBudget } from "./reply-budget";

const PREPARED = 0;
const DONE = 1;
const ABORTED = 2;
/** What a commit's replies may take, so that they fit the one KV value they are kept in (key and value at most 2 MB). */
const STORED_REPLIES_MAX_BYTES = 1_900_000;

/** How long DONE and ABORTED records are kept (repeated commits, late prepares). */
const RETAIN_MS = 10 * 60_000;
/** Old records dropped per prepare. */
const RETAIN_SWEEP = 20;
/** SQLite binds at most 100 parameters per statement. */
const IN_CHUNK = 90;

export interface PrepareRequest {
  txid: string;
  /** Name of the Coordinator Durable Object that records the decision. */
  coordinator: string;
  keys: string[];
  /** Read commands run at prepare, under the locks; their replies go back to the Worker. */
  reads: Arg[][];
  /** Write commands run at commit. */
  writes: Arg[][];
  /** How long the Worker has to decide before the shard asks the coordinator. */
  leaseMs: number;
  /** Keys whose whole contents are answered too (gather, run, scatter: scratch.ts). */
  dumps?: string[];
  /** Lock the whole shard, not just `keys` (a keyspace-wide command among the writes). */
  lockAll?: true;
  /** Keyspace events raised at commit in place of the writes' own (a command split over shards raises its own events). */
  events?: TxEvent[];
}

/** A keyspace event: its class (pubsub/notify.ts `Notify`), name and key. */
export type TxEvent = [type: number, event: string, key: string];

export type PrepareResult = { ok: true; reads: Reply[]; dumps?: DumpResult[] } | { ok: false; reason: "busy" | "aborted" };

/** The shard's queue of messages published and not yet sent (pubsub/hub.ts): what a rolled-back write published is dropped. */
export interface PublishedMessages {
  mark(): number;
  dropSince(mark: number): void;
}

export interface OverdueTx {
  txid: string;
  coordinator: string;
}

export class Participant {
  /** Locks held on this shard: keys, plus one per whole-shard lock (mirrors `tx_lock` and `tx_lock_all`, so the fast path costs no query; recounted after each change). */
  private locked = 0;
  /** True while a transaction holds the whole shard (`tx_lock_all`). */
  private lockedAll = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly onLease: (at: number) => void,
    private readonly published: PublishedMessages = { mark: () => 0, dropSince: () => {} },
    /** The storage's synchronous transaction, as the keyspace runs it (its key cache rolls back with it). */
    private readonly transactionSync: <T>(fn: () => T) => T = (fn) => storage.transactionSync(fn),
  ) {
    this.countLocks();
  }

  /**
   * Runs `fn` in one SQLite transaction; the lock count is read back after, whatever happened.
   * A transaction that rolls back drops the messages its commands published (a commit's
   * PUBLISH is sent only once the commit is durable, and never twice).
   */
  private transaction<T>(fn: () => T): T {
    const mark = this.published.mark();
    try {
      return this.transactionSync(fn);
    } catch (e) {
      this.published.dropSince(mark);
      throw e;
    } finally {
      this.countLocks();
    }
  }

  private countLocks(): void {
    const all = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM tx_lock_all").one().n;
    this.lockedAll = all > 0;
    this.locked = all + this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM tx_lock").one().n;
  }

  private get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** True when some command of `batch` touches a locked key: the batch must not run now. */
  blocks(batch: Arg[][]): boolean {
    if (this.locked === 0) return false;
    if (this.lockedAll) return true;
    const keys: string[] = [];
    for (const argv of batch) {
      const found = validate(COMMANDS, argv);
      if (!found.ok) continue;
      if (found.spec.cluster?.kind === "all" && isWrite(found.spec)) return true;
      keys.push(...found.keys);
    }
    return this.lockedAmong(keys, null);
  }

  /** True when `key` is locked by a prepared transaction (the keyspace's guard during client batches). */
  isLocked(key: string): boolean {
    if (this.lockedAll) return true;
    return this.locked > 0 && this.sql.exec("SELECT 1 FROM tx_lock WHERE key = ?", key).toArray().length > 0;
  }

  prepare(ctx: ExecContext, req: PrepareRequest): PrepareResult {
    return this.transaction((): PrepareResult => {
      this.dropOldRecords(ctx.now);
      const row = this.record(req.txid);
      if (row && row.state !== PREPARED) return { ok: false, reason: "aborted" };
      if (!row) {
        const keys = req.lockAll ? [] : [...new Set(req.keys)];
        if (this.lockedAll || (req.lockAll ? this.locked > 0 : this.lockedAmong(keys, req.txid))) return { ok: false, reason: "busy" };
        if (req.lockAll) this.sql.exec("INSERT INTO tx_lock_all (txid) VALUES (?)", req.txid);
        for (const key of keys) this.sql.exec("INSERT INTO tx_lock (key, txid) VALUES (?, ?)", key, req.txid);
        const leaseUntil = ctx.now + req.leaseMs;
        this.sql.exec(
          "INSERT INTO tx (txid, coordinator, state, lease_until) VALUES (?, ?, ?, ?)",
          req.txid,
          req.coordinator,
          PREPARED,
          leaseUntil,
        );
        req.writes.forEach((argv, i) => this.storage.kv.put(writeKey(req.txid, i), argv));
        if (req.events) this.storage.kv.put(`txe:${req.txid}`, req.events);
        this.onLease(leaseUntil);
      }
      const reads = this.run(ctx, req.reads);
      if (!req.dumps) return { ok: true, reads };
      const read = (argv: Arg[]) => dispatch(COMMANDS, ctx, argv, (fn) => fn());
      return { ok: true, reads, dumps: dumpKeys(read, req.dumps, ctx.keyspace) };
    });
  }

  /**
   * Adds write commands to a prepared transaction (computed after prepare, from what it
   * gathered); false when the transaction is no longer prepared here (aborted, or unknown).
   */
  stage(txid: string, writes: Arg[][], events?: TxEvent[]): boolean {
    return this.transaction((): boolean => {
      if (this.record(txid)?.state !== PREPARED) return false;
      const start = [...this.storage.kv.list({ prefix: `txw:${txid}:` })].length;
      writes.forEach((argv, i) => this.storage.kv.put(writeKey(txid, start + i), argv));
      if (events) this.storage.kv.put(`txe:${txid}`, [...(this.storage.kv.get<TxEvent[]>(`txe:${txid}`) ?? []), ...events]);
      return true;
    });
  }

  /** Applies a prepared transaction's writes (once); a repeated commit answers the same replies. */
  commit(ctx: ExecContext, txid: string): Reply[] {
    return this.transaction((): Reply[] => {
      const row = this.record(txid);
      if (row?.state === DONE) return this.storage.kv.get<Reply[]>(`txr:${txid}`) ?? [];
      if (!row || row.state !== PREPARED) throw new Error(`transaction ${txid} is not prepared here`);
      const writes = [...this.storage.kv.list<Arg[]>({ prefix: `txw:${txid}:` })].map(([, argv]) => argv);
      const events = this.storage.kv.get<TxEvent[]>(`txe:${txid}`);
      // The replies are kept as one KV value (at most 2 MB with its key): bounded to fit it.
      const replies = events ? this.withEvents(ctx, events, () => this.run(ctx, writes, STORED_REPLIES_MAX_BYTES)) : this.run(ctx, writes, STORED_REPLIES_MAX_BYTES);
      this.release(txid);
      this.dropWrites(txid);
      this.storage.kv.put(`txr:${txid}`, replies);
      this.sql.exec("UPDATE tx SET state = ?, done_at = ? WHERE txid = ?", DONE, ctx.now, txid);
      return replies;
    });
  }

  /** Releases a prepared transaction; an unknown one gets a tombstone so a late prepare is refused. */
  abort(ctx: ExecContext, txid: string): void {
    this.transaction(() => {
      const row = this.record(txid);
      if (row?.state === DONE || row?.state === ABORTED) return;
      if (row) {
        this.release(txid);
        this.dropWrites(txid);
        this.sql.exec("UPDATE tx SET state = ?, done_at = ? WHERE txid = ?", ABORTED, ctx.now, txid);
      } else {
        this.sql.exec(
          "INSERT INTO tx (txid, coordinator, state, lease_until, done_at) VALUES (?, '', ?, 0, ?)",
          txid,
          ABORTED,
          ctx.now,
        );
      }
    });
  }

  /** Prepared transactions whose lease has run out, oldest first. */
  overdue(now: number, limit: number): OverdueTx[] {
    return this.sql
      .exec<{ txid: string; coordinator: string }>(
        "SELECT txid, coordinator FROM tx WHERE state = 0 AND lease_until <= ? ORDER BY lease_until LIMIT ?",
        now,
        limit,
      )
      .toArray();
  }

  /** Gives a prepared transaction another lease (its coordinator could not be reached). */
  extendLease(txid: string, until: number): void {
    this.sql.exec("UPDATE tx SET lease_until = ? WHERE txid = ? AND state = 0", until, txid);
    this.onLease(until);
  }

  /** The earliest lease of a prepared transaction, or null. */
  earliestLease(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT min(lease_until) AS t FROM tx WHERE state = 0").one().t;
  }

  /** Whether prepared transaction `txid` holds the whole shard here. */
  holdsAll(txid: string): boolean {
    return this.lockedAll && this.sql.exec("SELECT 1 FROM tx_lock_all WHERE txid = ?", txid).toArray().length > 0;
  }

  /** Number of locks held on this shard: locked keys, plus one per whole-shard lock. */
  lockedKeys(): number {
    return this.locked;
  }

  private record(txid: string): { state: number } | undefined {
    return this.sql.exec<{ state: number }>("SELECT state FROM tx WHERE txid = ?", txid).toArray()[0];
  }

  private dropWrites(txid: string): void {
    const keys = [...this.storage.kv.list({ prefix: `txw:${txid}:` })].map(([k]) => k);
    for (const k of keys) this.storage.kv.delete(k);
    this.storage.kv.delete(`txe:${txid}`);
  }

  /** Runs `fn` (the writes) with their own keyspace events silenced, then raises `events`. */
  private withEvents<T>(ctx: ExecContext, events: TxEvent[], fn: () => T): T {
    const out = ctx.keyspace.quietly(fn);
    for (const [type, event, key] of events) ctx.keyspace.notify(type, event, key);
    return out;
  }

  private release(txid: string): void {
    this.sql.exec("DELETE FROM tx_lock WHERE txid = ?", txid);
    this.sql.exec("DELETE FROM tx_lock_all WHERE txid = ?", txid);
  }

  private lockedAmong(keys: string[], except: string | null): boolean {
    for (let i = 0; i < keys.length; i += IN_CHUNK) {
      const chunk = keys.slice(i, i + IN_CHUNK);
      const hit = this.sql
        .exec<{ txid: string }>(`SELECT txid FROM tx_lock WHERE key IN (${chunk.map(() => "?").join(",")})`, ...chunk)
        .toArray();
      if (hit.some((h) => h.txid !== except)) return true;
    }
    return false;
  }

  /** Runs `batch`, its replies bounded as a shard's exec bounds them (reply-budget.ts) by `replyLimit`. */
  private run(ctx: ExecContext, batch: Arg[][], replyLimit?: number): Reply[] {
    const budget = new ReplyBudget(replyLimit, batch.length);
    let argv: Arg[] = [];
    const atomically = <T>(fn: () => T) => {
      const mark = this.published.mark();
      try {
        return this.transactionSync(() => budget.admitWrite(argv, fn() as Reply) as T);
      } catch (e) {
        // Rolled back (its reply over the bound, a failure): what it published goes with its writes.
        this.published.dropSince(mark);
        throw e;
      }
    };
    return batch.map((command) => {
      argv = command;
      try {
        return budget.admit(argv, dispatch(COMMANDS, ctx, argv, atomically));
      } catch (e) {
        return err(`ERR ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  private dropOldRecords(now: number): void {
    const old = this.sql
      .exec<{ txid: string }>("SELECT txid FROM tx WHERE done_at IS NOT NULL AND done_at < ? LIMIT ?", now - RETAIN_MS, RETAIN_SWEEP)
      .toArray();
    for (const { txid } of old) {
      this.sql.exec("DELETE FROM tx WHERE txid = ?", txid);
      this.storage.kv.delete(`txr:${txid}`);
    }
  }
}

/** KV key of a transaction's `i`th write command; zero-padded so KV's key order is command order. */
function writeKey(txid: string, i: number): string {
  return `txw:${txid}:${String(i).padStart(8, "0")}`;
}
