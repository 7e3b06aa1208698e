/**
 * A read replica of one shard (docs/global.md §2): `replica-<region>-<i>` in the REPLICA
 * namespace, placed with that location hint. It runs the shard's schema and command handlers
 * (engine.ts) over its own copy, which is always exactly the primary's state at its position.
 *
 * - `apply(push)` applies the primary's log rows in order, one transaction per push, recording
 *   `(epoch, position)` with them. A push that starts past its position (one was lost) makes it
 *   pull (`changes`) first; a new epoch, or rows trimmed past its position, make it rebuild.
 * - Rebuild: the primary's position `P0` is acknowledged (it holds the log from there), the data
 *   tables are emptied and copied in pages by primary key (`snapshot`: each page a short read of
 *   the primary, never a long transaction), then the log is applied from `P0`. The copy is fuzzy,
 *   but every row changed after `P0` has an image or deletion after `P0`, and images are
 *   idempotent, so once the log is applied up to the position read after the last page
 *   (`readableFrom`) the copy equals the primary's state. Until then it answers no reads.
 * - `read(batch, limits, want)` runs only commands flagged `readonly`, not blocking, not
 *   scripts, not pinned, not keyspace-wide, each batch inside a savepoint that is rolled back:
 *   a read of an expired key (which deletes it) or anything else a handler writes changes
 *   nothing. It answers `{ ok: false }` when it is behind `want.position` after waiting up to
 *   `want.waitMs` for a push (it pulls meanwhile), or staler than `want.maxStalenessMs`.
 * - It never expires, evicts or frees anything by itself (no alarm): those arrive as log rows.
 *
 * What is in memory and derived from SQLite: the key cache (emptied whenever an apply changed a
 * `keys` row), the memory total (rolled back after each read), the access times for eviction
 * (never used here). CONFIG rows are not replicated: a replica applies its vars' defaults.
 */
import { DurableObject } from "cloudflare:workers";
import type { Arg } from "../args";
import { COMMANDS } from "../commands";
import { dispatch } from "../dispatch";
import { createEngine, engineContext, type Engine } from "../engine";
import { Errors } from "../errors";
import type { Reply } from "../reply";
import { ReplyBudget } from "../reply-budget";
import type { ExecLimits } from "../shard";
import { validate } from "../table";
import { pack, packGathering, type Gathered, type Streamed } from "../transport";
import { afar, roundTripMs, simulatedDistance } from "./distance";
import { applyLogRows, applyRow, LogOp, type ChangesAnswer, type EncodedRow, type LogRow, type SnapshotPage } from "./log";
import type { Applied, Push } from "./primary";
import { parseReplicaName, type Region } from "./regions";
import { LOGGED } from "./tables";

/** Rows asked per pull, rows per snapshot page. */
const PULL_ROWS = 2_000;
const PAGE_ROWS = 1_000;
/** Pulls per catch-up, pages between acknowledgements of a rebuild, rebuilds in a row: bounds of the loops. */
const MAX_PULLS = 10_000;
const ACK_EVERY_PAGES = 20;
const MAX_REBUILDS = 5;

/** What a read asks of the replica's copy. */
export interface ReadWant {
  /** The epoch the position is of (a token's); absent: any. */
  epoch?: string;
  /** The position the copy must have applied. */
  position: number;
  /** Serve only if caught up with the primary at most this long ago. */
  maxStalenessMs?: number;
  /** How long to wait for a push (or a pull) when behind `position`. */
  waitMs: number;
}

export type ReadAnswer =
  | { ok: true; replies: Reply[] | Streamed<Reply[]> | Gathered<Reply[]>; epoch: string; position: number }
  | { ok: false; refused?: string };

/** The primary's RPC as a replica calls it. */
interface PrimaryPeer {
  changes(epoch: string, after: number, limit: number): Promise<ChangesAnswer>;
  snapshot(table: string, after: EncodedRow | null, limit: number): Promise<SnapshotPage>;
  position(): Promise<{ epoch: string; position: number }>;
  acknowledge(region: string, epoch: string, position: number): Promise<void>;
}

const META = { epoch: "replica_epoch", position: "replica_position", readable: "replica_readable_from", partial: "replica_partial", fenced: "replica_fenced" } as const;
const UPSERT_META = "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value";

/** Thrown to roll back a read's savepoint. */
const ROLLBACK = Symbol("rollback");

/** Why `argv` may not run on a replica, or null when it may. */
export function refusedOnReplica(argv: Arg[]): string | null {
  const found = validate(COMMANDS, argv, { readOnly: true });
  if (!found.ok) return found.spec ? Errors.notOnReplica(found.spec.name) : found.error;
  const { spec } = found;
  const kind = spec.cluster?.kind;
  const served =
    spec.flags.includes("readonly") &&
    !spec.flags.includes("blocking") &&
    !spec.flags.includes("noscript") &&
    !spec.flags.includes("pubsub") &&
    kind !== "pinned" &&
    kind !== "all";
  return served ? null : Errors.notOnReplica(spec.name);
}

export class Replica extends DurableObject {
  private readonly engine: Engine;
  private readonly sql: SqlStorage;
  private readonly region: Region | null;
  private readonly shard: number;
  private epoch: string;
  private position: number;
  /** The position from which the copy is whole (after a rebuild); reads wait for it. */
  private readableFrom: number;
  /** The position is inside a step (a large step's images arrive in parts): no reads until it ends. */
  private partial: boolean;
  /** When the copy was last known caught up with the primary (ms; 0: never since start). */
  private caughtUpAt = 0;
  private rebuilding: { epoch: string; from: number } | null = null;
  /** An epoch whose history the primary rewound (a point-in-time restore): never served or adopted again. */
  private fenced: string;
  /** Rebuilds begun since this object started (tests). */
  private rebuilds = 0;
  /** The catch-up running (pulls, rebuilds), if any: one at a time. */
  private syncing: Promise<void> | null = null;
  /** Reads waiting for a position. */
  private readonly waiting = new Set<() => void>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    // No alarm: nothing here has a deadline of its own (expiry arrives from the primary).
    this.engine = createEngine(ctx.storage, env, () => {});
    this.sql = ctx.storage.sql;
    const name = parseReplicaName(ctx.id.name);
    this.region = name?.region ?? null;
    this.shard = name?.shard ?? 0;
    const meta = (n: string) => this.sql.exec<{ value: string | number }>("SELECT value FROM meta WHERE name = ?", n).toArray()[0]?.value;
    this.epoch = String(meta(META.epoch) ?? "");
    this.position = Number(meta(META.position) ?? 0);
    this.readableFrom = Number(meta(META.readable) ?? 0);
    this.partial = Number(meta(META.partial) ?? 0) === 1;
    this.fenced = String(meta(META.fenced) ?? "");
  }

  /** Whether the copy is a whole state of the primary that may be read. */
  private readable(): boolean {
    return this.rebuilding === null && this.epoch !== "" && !this.partial && this.position >= this.readableFrom;
  }

  /** The primary, as far away as the simulated distance says (SIMULATED_RTT). */
  private primary(): PrimaryPeer {
    const stub = this.env.SHARD.getByName(`shard-${this.shard}`) as unknown as PrimaryPeer;
    const d = simulatedDistance(this.env.SIMULATED_RTT);
    return d && this.region ? afar(stub, roundTripMs(d, this.region, d.primary)) : stub;
  }

  /**
   * The primary is about to rewind its history under `epoch` (a point-in-time restore,
   * docs/point-in-time.md "Read replicas"): a copy of that epoch stops serving at once, and
   * nothing of it is applied or adopted again; the copy rebuilds once the primary has a new epoch.
   */
  fence(epoch: string): void {
    if (epoch === "") return;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(UPSERT_META, META.fenced, epoch);
      if (this.epoch === epoch) this.sql.exec(UPSERT_META, META.epoch, "");
    });
    this.fenced = epoch;
    if (this.epoch === epoch) {
      this.epoch = "";
      this.engine.keyspace.cache.clear();
    }
  }

  /** The push of the primary's new log rows; answers what this copy has applied (its rebuild's start while it rebuilds). */
  async apply(push: Push): Promise<Applied> {
    if (this.rebuilding || push.epoch === this.fenced) return this.applied();
    if (push.epoch === this.epoch && this.applyRange(push.from, push.upTo, push.rows, push.partial === true)) {
      if (push.upTo >= push.position && this.position >= push.upTo && !this.partial) this.caughtUpAt = Math.max(this.caughtUpAt, push.sentAt);
    } else if (push.epoch !== this.epoch || push.from > this.position) {
      await this.sync();
    }
    return this.applied();
  }

  /** What this copy has applied, as the primary counts it for trimming (a rebuild's start while it rebuilds). */
  private applied(): Applied {
    const r = this.rebuilding as { epoch: string; from: number } | null;
    return r ? { epoch: r.epoch, position: r.from } : { epoch: this.epoch, position: this.position };
  }

  /**
   * Runs a read-only batch over this copy: `{ ok: false }` when the copy is not at `want`'s
   * position (after up to `want.waitMs`), too stale, or a command is not served here (`refused`).
   */
  async read(batch: Arg[][], limits: ExecLimits | undefined, want: ReadWant): Promise<ReadAnswer> {
    for (const argv of batch) {
      const refused = refusedOnReplica(argv);
      if (refused !== null) return { ok: false, refused };
    }
    const fresh = () =>
      this.readable() &&
      (want.epoch === undefined || want.epoch === "" || want.epoch === this.epoch) &&
      this.position >= want.position &&
      (want.maxStalenessMs === undefined || Date.now() - this.caughtUpAt <= want.maxStalenessMs);
    if (!fresh()) {
      void this.sync();
      await this.waitFor(fresh, Math.max(0, Math.min(want.waitMs, 60_000)));
      if (!fresh()) return { ok: false };
    }
    const replies = this.run(batch, limits);
    return { ok: true, replies: limits?.gather ? packGathering(replies) : pack(replies), epoch: this.epoch, position: this.position };
  }

  /** This copy's epoch and position, and whether it serves reads (tests, the Worker's diagnostics). */
  state(): { epoch: string; position: number; readable: boolean; rebuilding: boolean; caughtUpAt: number; rebuilds: number } {
    const readable = this.readable();
    return { epoch: this.epoch, position: this.position, readable, rebuilding: this.rebuilding !== null, caughtUpAt: this.caughtUpAt, rebuilds: this.rebuilds };
  }

  /** Pulls until caught up with the primary (tests; a read behind its position does the same). */
  async catchUp(): Promise<{ epoch: string; position: number }> {
    await this.sync();
    return { epoch: this.epoch, position: this.position };
  }

  /** The batch inside a savepoint that is always rolled back: its replies, nothing persisted. */
  private run(batch: Arg[][], limits: ExecLimits | undefined): Reply[] {
    const { keyspace } = this.engine;
    const ctx = engineContext(this.engine, Date.now());
    keyspace.notifyTo = null;
    const used = keyspace.memory.used();
    const budget = new ReplyBudget(limits?.replyBytes, batch.length);
    const out: Reply[] = [];
    const atomically = <T>(fn: () => T) => keyspace.transaction(fn);
    try {
      keyspace.transaction(() => {
        for (const argv of batch) out.push(budget.admit(argv, dispatch(COMMANDS, ctx, argv, atomically)));
        throw ROLLBACK;
      });
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    } finally {
      keyspace.memory.rollback(used, 0);
    }
    return out;
  }

  /**
   * Applies rows `(from, upTo]` when they continue this copy (`from ≤ position < upTo`; rows it
   * has are skipped), with the new position, in one transaction. False when they do not continue it.
   */
  private applyRange(from: number, upTo: number, rows: readonly LogRow[], partial: boolean): boolean {
    if (from > this.position) return false;
    if (upTo <= this.position) return true;
    const after = this.position;
    const todo = rows.filter((r) => r[0] > after);
    this.ctx.storage.transactionSync(() => {
      applyLogRows(this.sql, todo);
      this.sql.exec(UPSERT_META, META.position, upTo);
      if (partial !== this.partial) this.sql.exec(UPSERT_META, META.partial, partial ? 1 : 0);
    });
    this.position = upTo;
    this.partial = partial;
    this.changed(todo.some((r) => r[1] === 1));
    return true;
  }

  /** After an apply: caches derived from what changed are dropped, and waiting reads look again. */
  private changed(keys: boolean): void {
    if (keys) this.engine.keyspace.cache.clear();
    for (const wake of [...this.waiting]) wake();
  }

  /** Resolves when `ready()` holds (checked after each apply) or after `ms`. */
  private waitFor(ready: () => boolean, ms: number): Promise<void> {
    if (ready() || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiting.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const check = () => {
        if (ready()) done();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(check);
    });
  }

  /** One catch-up at a time: pulls to the primary's position, rebuilding when the log cannot serve it. */
  private sync(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.pullAll().finally(() => {
        this.syncing = null;
        for (const wake of [...this.waiting]) wake();
      });
    }
    return this.syncing;
  }

  private async pullAll(): Promise<void> {
    const primary = this.primary();
    let rebuilds = 0;
    for (let i = 0; i < MAX_PULLS; i++) {
      const sentAt = Date.now();
      const answer = this.epoch === "" ? ({ rebuild: true } as const) : await primary.changes(this.epoch, this.position, PULL_ROWS);
      if ("rebuild" in answer) {
        if (rebuilds++ >= MAX_REBUILDS) return;
        if (!(await this.rebuild(primary))) return;
        continue;
      }
      this.applyRange(this.position, answer.upTo, answer.rows, answer.partial === true);
      if (answer.upTo >= answer.position && !answer.partial) {
        this.caughtUpAt = Math.max(this.caughtUpAt, sentAt);
        return;
      }
    }
  }

  /** Copies the primary's data tables afresh (see the file's comment); false when the primary keeps no log. */
  private async rebuild(primary: PrimaryPeer): Promise<boolean> {
    const start = await primary.position();
    // A fenced epoch is the rewound history: wait for the primary's new one (the next read or push looks again).
    if (start.epoch === "" || start.epoch === this.fenced) return false;
    const region = this.region ?? "";
    this.rebuilds++;
    this.rebuilding = { epoch: start.epoch, from: start.position };
    try {
      await primary.acknowledge(region, start.epoch, start.position);
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(UPSERT_META, META.epoch, "");
        for (const t of LOGGED) this.sql.exec(`DELETE FROM ${t.name}`);
      });
      this.epoch = "";
      this.engine.keyspace.cache.clear();
      let pages = 0;
      for (const t of LOGGED) {
        let after: EncodedRow | null = null;
        do {
          const page: SnapshotPage = await primary.snapshot(t.name, after, PAGE_ROWS);
          this.ctx.storage.transactionSync(() => {
            for (const row of page.rows) applyRow(this.sql, t, LogOp.Image, row[0], row.slice(1));
          });
          after = page.next;
          if (++pages % ACK_EVERY_PAGES === 0) await primary.acknowledge(region, start.epoch, start.position);
        } while (after !== null);
      }
      const end = await primary.position();
      if (end.epoch !== start.epoch) return true;
      if (start.epoch === this.fenced) return false;
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(UPSERT_META, META.epoch, start.epoch);
        this.sql.exec(UPSERT_META, META.position, start.position);
        this.sql.exec(UPSERT_META, META.readable, end.position);
        this.sql.exec(UPSERT_META, META.partial, 0);
      });
      this.partial = false;
      this.epoch = start.epoch;
      this.position = start.position;
      this.readableFrom = end.position;
      this.engine.keyspace.cache.clear();
      return true;
    } finally {
      this.rebuilding = null;
    }
  }
}
