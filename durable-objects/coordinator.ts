/**
 * The durable coordinator of cross-shard transactions (docs/cross-shard-transactions.md).
 *
 * It records one thing per transaction: the decision. `commit(txid)` records COMMITTED unless
 * a decision already exists and answers the recorded one; `outcome(txid)` answers the recorded
 * decision or, when there is none, records ABORTED and answers that (presumed abort). Both run
 * synchronously in this one object, so whichever comes first wins and the other sees it: a
 * participant that asked and was told ABORTED can never be overruled by a late commit.
 *
 * Aborts decided by the Worker are not recorded at all (a missing decision means abort).
 * COMMITTED records are forgotten when the Worker has heard every participant commit
 * (`forget`); records left behind by faults are dropped after RETAIN_MS, which bounds how long
 * a participant may stay unreachable and how long a Worker invocation may live (both are far
 * shorter on the platform).
 */
import { DurableObject } from "cloudflare:workers";

export type Decision = "committed" | "aborted";

const COMMITTED = 1;
const ABORTED = 2;
const RETAIN_MS = 24 * 3600_000;
const RETAIN_SWEEP = 50;

export class Coordinator extends DurableObject {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS decision (
         txid TEXT PRIMARY KEY,
         state INTEGER NOT NULL,
         at INTEGER NOT NULL
       ) WITHOUT ROWID;
       CREATE INDEX IF NOT EXISTS decision_by_time ON decision(at);`,
    );
  }

  /** Records COMMITTED unless a decision exists; answers the decision in force. */
  commit(txid: string): Decision {
    return this.decide(txid, COMMITTED);
  }

  /** The decision in force; with none recorded, records and answers ABORTED. */
  outcome(txid: string): Decision {
    return this.decide(txid, ABORTED);
  }

  /** Drops a COMMITTED record once every participant has applied it. */
  forget(txid: string): void {
    this.sql.exec("DELETE FROM decision WHERE txid = ? AND state = ?", txid, COMMITTED);
  }

  private decide(txid: string, proposal: number): Decision {
    const now = Date.now();
    this.sql.exec(
      "DELETE FROM decision WHERE txid IN (SELECT txid FROM decision WHERE at < ? ORDER BY at LIMIT ?)",
      now - RETAIN_MS,
      RETAIN_SWEEP,
    );
    const row = this.sql.exec<{ state: number }>("SELECT state FROM decision WHERE txid = ?", txid).toArray()[0];
    const state = row ? row.state : proposal;
    if (!row) this.sql.exec("INSERT INTO decision (txid, state, at) VALUES (?, ?, ?)", txid, proposal, now);
    return state === COMMITTED ? "committed" : "aborted";
  }
}
