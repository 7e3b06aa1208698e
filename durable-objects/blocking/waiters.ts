/**
 * Clients blocked on keys (BLPOP, BZPOPMIN, …, XREAD BLOCK), as Redis's blocked.c:
 * docs/blocking.md.
 *
 * A command that finds none of its keys ready, in a batch that may block (a client's pipeline,
 * never a transaction, a script or a cross-shard participant), asks the batch's `Blocker` to
 * wait: the handler answers `BLOCKED` and the shard suspends the batch at that command. The
 * suspended batch is a `Waiter`, queued at the tail of each of its keys' queues (first come,
 * first served, Redis's order).
 *
 * Serving: the keyspace notes every key it creates (`noteCreated`, from its insert, as Redis's
 * dbAdd calls signalKeyAsReady) when someone waits on it, and every stream an XADD appends to
 * (`noteReady`, as Redis's XADD signals its key), and every stream deleted, overwritten, renamed
 * away or flushed (`noteGone`, as Redis 7.0's dbGenericDelete and dbOverwrite signal a stream, for
 * the XREADGROUP readers it must unblock). After any batch's writes, in the same
 * synchronous turn (nothing else can run in between, and the output gate holds every reply
 * until the writes are durable), the shard takes the ready keys and, for each, offers the key
 * to its waiters in order: the waiter's command runs again, in its non-blocking form; if it
 * answers, the waiter leaves every queue and its batch goes on from the next command. A pushed
 * element served this way is never seen by anyone else. What a served command writes (BLMOVE's
 * destination) may make more keys ready, which are served in the same loop.
 *
 * Nothing here is persisted: waiters live as long as the RPC that holds them (the Worker's
 * request). The set of watched keys is empty unless someone waits, so ordinary batches pay one
 * size test.
 */
import type { Arg } from "../args";
import type { KeyType } from "../store/keyspace";
import type { Reply } from "../reply";

/** The reply a handler gives when its batch's blocker accepted to wait (compared by identity). */
export const BLOCKED: Reply = Object.freeze([]) as unknown as Reply;

/** What a blocking handler may ask of its batch (ExecContext.blocker). */
export interface Blocker {
  /**
   * Waits on `keys` until one of them is a `type` key again, or `timeoutMs` passes (0: no
   * timeout). True when the batch will wait: the handler then answers BLOCKED. False inside a
   * transaction, a script or anything that must not wait: the handler answers its
   * non-blocking form's empty reply. `rerun` is the command to run again when a key is ready,
   * when it is not `argv` itself (XREAD's `$` resolved to the last ID at the time it blocked).
   * `gone` is the reply when a key it waits on is deleted or stops being a `type` key while it
   * waits (XREADGROUP's UNBLOCKED, as Redis's unblockDeletedStreamReadgroupClients); without it
   * the waiter goes on waiting there.
   */
  block(argv: Arg[], keys: string[], type: KeyType, timeoutMs: number, rerun?: Arg[], gone?: Reply): boolean;
  /**
   * The key being served when a waiter's command runs again (its readiness woke the waiter):
   * XREAD answers that key's entries only, as Redis 7.0 serves a blocked reader.
   */
  readonly serving?: string;
}

/** One suspended batch, waiting at `argv` for one of `keys`. */
export interface Waiter {
  readonly id: string;
  readonly argv: Arg[];
  readonly keys: string[];
  readonly type: KeyType;
  /** The reply when a key waited on goes or changes type (Blocker.block's `gone`); undefined: it waits on. */
  readonly gone: Reply | undefined;
  /** Set when the waiter is served, times out or is cancelled: it is in no queue any more. */
  done: boolean;
}

/** The per-key FIFO queues of waiters of one shard, and the keys that became ready since the last serve. */
export class Waiters<W extends Waiter = Waiter> {
  private readonly queues = new Map<string, W[]>();
  private readonly byId = new Map<string, W>();
  private ready = new Set<string>();

  /** How many clients wait (INFO's blocked_clients). */
  get size(): number {
    return this.byId.size;
  }

  /** Keys clients wait on (INFO's total_blocking_keys). */
  get keys(): number {
    return this.queues.size;
  }

  add(w: W): void {
    this.byId.set(w.id, w);
    for (const key of new Set(w.keys)) {
      let q = this.queues.get(key);
      if (!q) this.queues.set(key, (q = []));
      q.push(w);
    }
  }

  get(id: string): W | undefined {
    return this.byId.get(id);
  }

  /** Takes `w` out of every queue; false when it was already gone. */
  remove(w: W): boolean {
    if (w.done) return false;
    w.done = true;
    this.byId.delete(w.id);
    for (const key of new Set(w.keys)) {
      const q = this.queues.get(key);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.queues.delete(key);
    }
    return true;
  }

  /** Called by the keyspace for every key it creates: noted when someone waits on it. */
  noteCreated(key: string): void {
    this.noteReady(key);
  }

  /** A key that may serve its waiters now (created, or a stream an XADD appended to). */
  noteReady(key: string): void {
    if (this.queues.size !== 0 && this.queues.has(key)) this.ready.add(key);
  }

  /** A stream that went (deleted, overwritten by another type, renamed away): its XREADGROUP waiters answer `gone`. */
  noteGone(key: string): void {
    this.noteReady(key);
  }

  /** Every key waited on may have gone (FLUSHDB), as Redis's scanDatabaseForDeletedStreams. */
  noteAllGone(): void {
    for (const key of this.queues.keys()) this.ready.add(key);
  }

  /** Whether keys became ready since the last `takeReady`. */
  hasReady(): boolean {
    return this.ready.size !== 0;
  }

  /** The keys noted ready, in the order they became ready, and a fresh set for what serving them makes ready. */
  takeReady(): string[] {
    const keys = [...this.ready];
    this.ready = new Set();
    return keys;
  }

  /** The waiters of `key`, first come first. A copy: serving changes the queue. */
  queue(key: string): W[] {
    return [...(this.queues.get(key) ?? [])];
  }
}
