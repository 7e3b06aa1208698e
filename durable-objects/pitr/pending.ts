/**
 * A shard's restore in progress (docs/point-in-time.md "Restore"): the restore is the effect of
 * a lock-all cross-shard transaction R. While R holds the whole shard (every batch refused with
 * TRYAGAIN, every prepare busy), `take` sets the bookmark the next start restores to; the
 * shard then never releases R's lock while that restore is pending:
 *
 * - R committed (the coordinator's decision: every shard took its bookmark): the shard restarts
 *   instead of applying and unlocking, and comes back restored;
 * - R aborted (a shard refused, or never answered, or the Worker vanished and R's lease ran out:
 *   presumed abort): the shard sets its next start back to the undo bookmark (the state just
 *   before the restart, which is the state under R's lock: nothing else was acknowledged) and
 *   restarts; it comes back with R still prepared and releases it at its lease (the coordinator
 *   answers ABORTED). A set-back that fails keeps the lock and is tried again (lease retry).
 *
 * So no write is acknowledged between the decision to restore and the restart, whatever fails.
 * Kept in memory only: a restart consumes the pending restore, and the new session holds none.
 */
import { PitrErrors, type PitrAnswer } from "./checkpoints";

/** The storage calls of point-in-time restore (ctx.storage in production, a fake in tests). */
export interface RestoreStorage {
  getCurrentBookmark(): Promise<string>;
  onNextSessionRestoreBookmark(bookmark: string): Promise<string>;
  /**
   * Test-only: called just before the restart. Production's storage (ctx.storage) has no such
   * member; a test that replaces `storage` (through runInDurableObject, the only way to reach it)
   * rewinds the object's SQLite here, as the real restore would at the next start.
   */
  beforeRestart?(): void;
}

interface Pending {
  txid: string;
  bookmark: string;
  undo: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class PendingRestore {
  private pending: Pending | null = null;
  /** True once a restart is under way: the object ends soon. */
  restarting = false;

  constructor(
    /** Replaceable by a test (through runInDurableObject) to simulate a restore; production never changes it. */
    public storage: RestoreStorage,
    /** Ends this object (ctx.abort, just after the current reply). */
    private readonly end: () => void,
  ) {}

  private restart(): void {
    this.restarting = true;
    this.storage.beforeRestart?.();
    this.end();
  }

  /** The transaction whose restore is pending, or null. */
  get txid(): string | null {
    return this.pending?.txid ?? null;
  }

  /**
   * Sets the bookmark the next start restores to, under R (`locked`: R holds the whole shard
   * here). Asked again with the same transaction and bookmark (a reply lost), answers the same undo.
   */
  async take(txid: string, bookmark: string, locked: () => boolean): Promise<PitrAnswer> {
    const p = this.pending;
    if (p) {
      if (p.txid === txid && p.bookmark === bookmark) return { ok: true, bookmark: p.undo };
      return { ok: false, error: PitrErrors.storage("another restore is in progress on this shard") };
    }
    if (!locked() || this.restarting) return { ok: false, error: PitrErrors.storage("the shard is not locked by this restore") };
    try {
      const undo = await this.storage.onNextSessionRestoreBookmark(bookmark);
      this.pending = { txid, bookmark, undo };
      // R released meanwhile (its abort arrived first): set straight back, as an abort would.
      if (!locked()) {
        await this.aborted(txid);
        return { ok: false, error: PitrErrors.storage("the restore was called off") };
      }
      return { ok: true, bookmark: undo };
    } catch (e) {
      return { ok: false, error: PitrErrors.storage(message(e)) };
    }
  }

  /** R committed here: the shard restarts restored (it neither applies nor unlocks). True when R had a restore pending. */
  committed(txid: string): boolean {
    if (this.pending?.txid !== txid) return false;
    if (!this.restarting) this.restart();
    return true;
  }

  /**
   * R aborted here: the pending restore is set back to the undo bookmark and the shard restarts
   * with R's lock kept. Answers false when R had no restore pending (release it as usual);
   * throws when the set-back failed (the lock stays; try again later).
   */
  async aborted(txid: string): Promise<boolean> {
    const p = this.pending;
    if (p?.txid !== txid) return false;
    if (this.restarting) return true;
    await this.storage.onNextSessionRestoreBookmark(p.undo);
    this.restart();
    return true;
  }
}
