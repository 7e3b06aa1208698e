/**
 * Access data for eviction, in memory only (docs/memory-eviction.md, "Access tracking"): per key
 * id, the time of its last access (LRU) and Redis's logarithmic access counter with the minute
 * of its last decrement (LFU). A read costs a Map update, never a SQL write.
 *
 * Bounded: at most `TRACK_MAX` keys are tracked; touching a key moves it to the end of the Map,
 * so when it is full the key touched longest ago is dropped, and reads again as untracked: last
 * accessed when the tracker started, counter LFU_INIT_VAL. Nothing is persisted: a restart
 * starts every key afresh.
 */

/** Redis's initial LFU counter of a new key. */
export const LFU_INIT_VAL = 5;
/** The largest LFU counter (8 bits). */
export const LFU_MAX = 255;
/** Keys tracked at most per shard (about 80 bytes each). */
export const TRACK_MAX = 200_000;

interface Access {
  /** Last access, ms since the epoch. */
  at: number;
  /** The LFU counter as of `decayedAt`. */
  counter: number;
  /** Minute (since the epoch) of the counter's last update. */
  decayedAt: number;
}

/** The LFU parameters (CONFIG lfu-log-factor, lfu-decay-time). */
export interface LfuParams {
  readonly lfuLogFactor: number;
  readonly lfuDecayTime: number;
}

const minutes = (ms: number) => Math.floor(ms / 60_000);

/** Redis's LFULogIncr: the counter grows by one with probability 1 / ((c − LFU_INIT_VAL) · factor + 1). */
export function lfuLogIncr(counter: number, logFactor: number, random: () => number): number {
  if (counter >= LFU_MAX) return LFU_MAX;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return random() < p ? counter + 1 : counter;
}

/** Redis's LFUDecrAndReturn: one less per `decayTime` minutes elapsed since `decayedAt` (0: no decay). */
export function lfuDecay(counter: number, decayedAt: number, nowMinutes: number, decayTime: number): number {
  if (decayTime <= 0) return counter;
  const periods = Math.floor(Math.max(0, nowMinutes - decayedAt) / decayTime);
  return periods > counter ? 0 : counter - periods;
}

export class AccessTracker {
  private readonly map = new Map<number, Access>();
  /** The random source of the LFU counter (tests make it deterministic). */
  random: () => number = Math.random;
  params: LfuParams = { lfuLogFactor: 10, lfuDecayTime: 1 };

  constructor(
    /** What an untracked key reads as: its last access (ms). */
    readonly startedAt: number = Date.now(),
    private readonly max = TRACK_MAX,
  ) {}

  private entry(id: number): Access {
    return this.map.get(id) ?? { at: this.startedAt, counter: LFU_INIT_VAL, decayedAt: minutes(this.startedAt) };
  }

  /** A key was read or written at `now` (Redis's updateLFU / LRU_CLOCK on lookup). */
  touch(id: number, now: number): void {
    const m = minutes(now);
    const a = this.map.get(id);
    if (a === undefined) {
      const counter = lfuDecay(LFU_INIT_VAL, minutes(this.startedAt), m, this.params.lfuDecayTime);
      this.put(id, { at: now, counter: lfuLogIncr(counter, this.params.lfuLogFactor, this.random), decayedAt: m });
      return;
    }
    // Moved to the end of the Map: the first entry is always the one touched longest ago.
    this.map.delete(id);
    this.map.set(id, a);
    a.counter = lfuLogIncr(lfuDecay(a.counter, a.decayedAt, m, this.params.lfuDecayTime), this.params.lfuLogFactor, this.random);
    a.at = now;
    a.decayedAt = m;
  }

  /** A key was created at `now`: counter LFU_INIT_VAL, as Redis's createObject. */
  created(id: number, now: number): void {
    this.map.delete(id);
    this.put(id, { at: now, counter: LFU_INIT_VAL, decayedAt: minutes(now) });
  }

  /** Sets a key's access data directly (tests, and restoring it). */
  set(id: number, at: number, counter = LFU_INIT_VAL): void {
    this.map.delete(id);
    this.put(id, { at, counter, decayedAt: minutes(at) });
  }

  private put(id: number, a: Access): void {
    this.map.set(id, a);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  forget(id: number): void {
    this.map.delete(id);
  }

  clear(): void {
    this.map.clear();
  }

  /** ms since the key's last access. */
  idleMs(id: number, now: number): number {
    return Math.max(0, now - this.entry(id).at);
  }

  /** The key's LFU counter, decayed to `now` (OBJECT FREQ; not stored back). */
  frequency(id: number, now: number): number {
    const a = this.entry(id);
    return lfuDecay(a.counter, a.decayedAt, minutes(now), this.params.lfuDecayTime);
  }

  get size(): number {
    return this.map.size;
  }
}
