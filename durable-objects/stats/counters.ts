/**
 * A shard's counters since it started (or since CONFIG RESETSTAT): named as Redis's INFO stats
 * fields (`keyspace_hits`, `expired_keys`, `evicted_keys`, …), kept in memory on the command path
 * (a read never pays a storage write to count itself). INFO merges them over the shards.
 */
export class ShardCounters {
  private readonly counts = new Map<string, number>();

  /** Adds `n` to the counter `name`. */
  incr(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** Every counter, by name. */
  all(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}
