/**
 * A shard's cumulative counters across restarts, cheaply (docs/monitoring.md, "What survives a
 * restart"). Counting stays in memory on the command path; a snapshot of the totals — the named
 * counters (INFO stats), commandstats, errorstats and the latency histograms — is written as one
 * `meta` row at most every STATS_FLUSH_MS, and only by a batch that writes anyway (a
 * state-changing command committed in it) or an alarm run that swept something: a read-only
 * batch never writes, and no command pays a write of its own. When the shard starts, the
 * persisted totals are added back before any command counts.
 *
 * What a restart loses: what was counted since the last snapshot (at most STATS_FLUSH_MS of a
 * writing shard's counts; on a shard that only serves reads, everything since its last write),
 * the slow log, `instantaneous_ops_per_sec`'s samples and the memory peak. CONFIG RESETSTAT
 * deletes the row with the counters.
 */
import type { CountersSnapshot, ShardCounters } from "./counters";

/** The most often a snapshot is written. */
export const STATS_FLUSH_MS = 10_000;

const META_NAME = "counters";

export class PersistedCounters {
  /** When the last snapshot was written (or the shard started): the next one waits STATS_FLUSH_MS from it. */
  lastFlush: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly counters: ShardCounters,
    now: number,
  ) {
    this.lastFlush = now;
  }

  /** Adds the persisted totals to the counters (once, at start). A row that cannot be read is ignored. */
  load(): void {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE name = ?", META_NAME).toArray()[0];
    if (!row) return;
    let saved: Partial<CountersSnapshot>;
    try {
      saved = JSON.parse(String(row.value)) as Partial<CountersSnapshot>;
    } catch {
      return;
    }
    this.counters.restore(saved);
  }

  /** Writes a snapshot when the last one is STATS_FLUSH_MS old; call only where the batch writes anyway. */
  maybeFlush(now: number): boolean {
    if (now - this.lastFlush < STATS_FLUSH_MS) return false;
    this.flush(now);
    return true;
  }

  flush(now: number): void {
    const { counters, commands, errors, latency } = this.counters.snapshot();
    this.sql.exec(
      "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      META_NAME,
      JSON.stringify({ counters, commands, errors, latency }),
    );
    this.lastFlush = now;
  }

  /** CONFIG RESETSTAT: the persisted totals go with the counters. */
  clear(now: number): void {
    this.sql.exec("DELETE FROM meta WHERE name = ?", META_NAME);
    this.lastFlush = now;
  }
}
