/**
 * Redis's eviction pool (evict.c's EVPOOL_SIZE): the best candidates seen by the sampling rounds
 * so far, kept in ascending order of score (idle time, inverse frequency, or nearness of
 * expiry), so that each eviction takes the best of many samples, not of one round's.
 */
export const EVPOOL_SIZE = 16;

export interface Candidate {
  id: number;
  key: string;
  /** Higher: a better key to evict. */
  score: number;
}

export class EvictionPool {
  private entries: Candidate[] = [];

  /** Adds a sampled key: a key already in the pool has its score updated; a full pool keeps the best. */
  offer(c: Candidate): void {
    const at = this.entries.findIndex((e) => e.id === c.id);
    if (at >= 0) this.entries.splice(at, 1);
    if (this.entries.length >= EVPOOL_SIZE && c.score <= this.entries[0]!.score) return;
    let i = 0;
    while (i < this.entries.length && this.entries[i]!.score < c.score) i++;
    this.entries.splice(i, 0, c);
    if (this.entries.length > EVPOOL_SIZE) this.entries.shift();
  }

  /** Takes the best candidate out of the pool. */
  take(): Candidate | undefined {
    return this.entries.pop();
  }

  /** Drops a key from the pool (it was deleted). */
  drop(id: number): void {
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  clear(): void {
    this.entries = [];
  }

  get size(): number {
    return this.entries.length;
  }
}
