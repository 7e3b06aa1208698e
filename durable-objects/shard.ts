/**
 * One keyspace shard: a SQLite-backed Durable Object that owns a range of hash slots.
 *
 * The Worker calls `exec` over RPC with a batch of commands (one command, a pipeline's share
 * for this shard, or a whole MULTI/EXEC). The batch runs synchronously, so nothing interleaves
 * with it, and the runtime's output gate holds the reply until its writes are durable.
 *
 * Expiry: one alarm, set to the earliest expiry time of any key. The alarm handler deletes
 * due keys in bounded batches and re-arms for the next earliest; the constructor re-arms it
 * after a restart when it is missing or later than the earliest expiry.
 */
import { DurableObject } from "cloudflare:workers";
import type { Arg } from "./args";
import { COMMANDS } from "./commands";
import type { ExecContext } from "./context";
import { dispatch } from "./dispatch";
import type { Reply } from "./reply";
import { Keyspace } from "./store/keyspace";
import { registerElementStores } from "./store/elements";
import { migrate } from "./store/schema";

/** Keys deleted per step of the alarm handler, and steps before it yields and re-arms. */
const SWEEP_BATCH = 500;
const SWEEP_STEPS = 20;

export class Shard extends DurableObject {
  private readonly keyspace: Keyspace;
  /** The alarm time this object has set (mirrors storage, to avoid an async read per write). */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const storage = ctx.storage;
    migrate(storage.sql, storage);
    this.keyspace = new Keyspace(storage.sql, (at) => this.armAlarm(at));
    registerElementStores(this.keyspace);
    void ctx.blockConcurrencyWhile(async () => {
      this.alarmAt = await storage.getAlarm();
      const earliest = this.keyspace.earliestExpiry();
      if (earliest !== null && (this.alarmAt === null || this.alarmAt > earliest)) this.armAlarm(earliest, true);
    });
  }

  /** Runs a batch of commands in order; one reply per command (errors are replies). */
  exec(batch: Arg[][]): Reply[] {
    const ctx = this.context();
    const atomically = <T>(fn: () => T) => this.ctx.storage.transactionSync(fn);
    return batch.map((argv) => dispatch(COMMANDS, ctx, argv, atomically));
  }

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const ctx = this.context();
    let more = false;
    for (let step = 0; step < SWEEP_STEPS; step++) {
      more = ctx.keyspace.sweepExpired(SWEEP_BATCH) === SWEEP_BATCH;
      if (!more) break;
    }
    const next = more ? ctx.now : ctx.keyspace.earliestExpiry();
    if (next !== null) this.armAlarm(next, true);
  }

  private context(): ExecContext {
    const now = Date.now();
    this.keyspace.now = now;
    return { keyspace: this.keyspace, now };
  }

  private armAlarm(at: number, force = false): void {
    // Keep the armed alarm if it fires first, unless it is past due (then it may be stuck: re-arm).
    if (!force && this.alarmAt !== null && this.alarmAt <= at && this.alarmAt >= this.keyspace.now) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
