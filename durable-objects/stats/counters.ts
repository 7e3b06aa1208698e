/**
 * A shard's counters since CONFIG RESETSTAT: named as Redis's INFO stats fields
 * (`keyspace_hits`, `expired_keys`, `evicted_keys`, …), kept in memory on the command path (a read
 * never pays a storage write to count itself), their totals carried across restarts by a
 * snapshot written with batches that write anyway (persisted.ts). INFO merges them over the shards.
 *
 * Beside the named counters: per-command figures (INFO commandstats: calls, usec, rejected and
 * failed calls, Redis 7's definitions), error replies by their prefix (INFO errorstats) and a
 * latency histogram per command group (GET /metrics). dispatch.ts records every command it runs
 * or refuses; the keyspace counts hits, misses and expiries (store/keyspace.ts).
 *
 * Durations come from `Date.now()`, the clock workerd's `performance.now()` also reads: it ticks
 * in whole milliseconds and, as a Spectre mitigation, advances only on I/O, so most commands
 * measure 0 µs and the rest a multiple of 1000 (docs/monitoring.md). A batch's first command
 * starts at the batch's `now`, each later one where the previous ended: one clock read per command.
 */
import { isError, type Reply } from "../reply";
import type { CommandSpec } from "../table";
import { SlowLog } from "./slowlog";

/** One command's figures (INFO commandstats). */
export interface CommandStat {
  calls: number;
  usec: number;
  /** Refused before running: arity, NOPERM, CROSSSLOT, OOM, a key too long. */
  rejected: number;
  /** Ran and answered an error. */
  failed: number;
}

/** Upper bounds (µs) of the latency histogram's buckets; a last bucket takes the rest (+Inf). */
export const LATENCY_BUCKETS_USEC = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000] as const;

/** One command group's latency histogram: counts per bucket (not cumulative), and the sum. */
export interface Histogram {
  counts: number[];
  sumUsec: number;
}

/** What the command path touches per command, found once per table entry (one Map lookup by identity). */
export interface CommandSlot {
  readonly stat: CommandStat;
  readonly latency: Histogram;
  /** Not flagged `write`: its key lookups count as hits and misses. */
  readonly reads: boolean;
}

/** Redis tracks at most this many distinct error prefixes (errorstats); later new ones are not tracked. */
export const MAX_ERROR_PREFIXES = 128;

/** Distinct rule names a shard counts rate-limit decisions under (RL.* `RULE`); later new ones count as OTHER_RULE. */
export const MAX_RULES = 64;
/** A rule name longer than this (UTF-8 bytes) counts as OTHER_RULE. */
export const MAX_RULE_BYTES = 256;
/** The bucket of rule names past MAX_RULES (or too long). */
export const OTHER_RULE = "other";
/** Counter prefixes of the per-rule decisions: `ratelimit_rule_admitted:<rule>`, `ratelimit_rule_refused:<rule>`. */
export const RULE_ADMITTED = "ratelimit_rule_admitted:";
export const RULE_REFUSED = "ratelimit_rule_refused:";

const SAMPLE_MS = 100;
const SAMPLES = 16;

/** Everything a shard counts, as plain data: what INFO and /metrics read (crosses RPC unchanged). */
export interface CountersSnapshot {
  counters: Record<string, number>;
  commands: Record<string, CommandStat>;
  errors: Record<string, number>;
  latency: Record<string, Histogram>;
}

/** The error prefix Redis counts an error reply under: its first word (`ERR`, `WRONGTYPE`). */
export function errorPrefix(message: string): string {
  const space = message.indexOf(" ");
  return space < 0 ? message : message.slice(0, space);
}

export class ShardCounters {
  private readonly counts = new Map<string, number>();
  /** The hottest counters are fields (one add each); `get` and `all` read them under their INFO names. */
  commandsProcessed = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  /** RESP bytes of the commands of client batches and of their replies (stats/net-bytes.ts). */
  netInputBytes = 0;
  netOutputBytes = 0;
  readonly commands = new Map<string, CommandStat>();
  readonly errors = new Map<string, number>();
  readonly latency = new Map<string, Histogram>();
  private readonly slots = new Map<CommandSpec, CommandSlot>();
  /** The shard's slow log (SLOWLOG): beside the counters, but CONFIG RESETSTAT leaves it alone, as Redis. */
  readonly slowlog = new SlowLog();
  /**
   * While a client's batch runs: when the previous command ended (Date.now()), the next
   * command's start; null otherwise (a command nested in a script, or outside a batch, reads the
   * clock itself). Saves one clock read per command.
   */
  clock: number | null = null;
  /** The duration of the command recorded last (µs): the shard's slow log reads it. */
  lastUsec = 0;
  /** State-changing commands that committed (not reported): tells the shard a batch wrote. */
  writesCommitted = 0;

  /** When this shard object started (INFO uptime), and its random id for this run (INFO run_id). */
  readonly startedAt = Date.now();
  readonly runId = [...crypto.getRandomValues(new Uint8Array(20))].map((b) => b.toString(16).padStart(2, "0")).join("");
  /** (time ms, commands processed) samples, at most one per SAMPLE_MS, for instantaneous_ops_per_sec. */
  private readonly samples: { t: number; n: number }[] = [];

  /** `groupOf(name)`: the command group a command's latency is counted under (`string`, `hash`, …). */
  constructor(private readonly groupOf: (command: string) => string = () => "other") {}

  /** Rule names with their own per-rule counters (at most MAX_RULES). */
  private readonly rules = new Set<string>();

  /**
   * Rate-limit decisions of the rule `rule` (RL.* `RULE`, or a lease holder's report): its own
   * counters while fewer than MAX_RULES names have them, else those of OTHER_RULE.
   */
  ruleDecisions(rule: string, admitted: number, refused: number): void {
    let name = rule;
    if (!this.rules.has(name)) {
      if (name !== OTHER_RULE && this.rules.size < MAX_RULES && new TextEncoder().encode(name).length <= MAX_RULE_BYTES) this.rules.add(name);
      else name = OTHER_RULE;
    }
    if (admitted > 0) this.incr(RULE_ADMITTED + name, admitted);
    if (refused > 0) this.incr(RULE_REFUSED + name, refused);
  }

  /** Adds `n` to the counter `name`. */
  incr(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.all()[name] ?? 0;
  }

  /** Every counter, by name. */
  all(): Record<string, number> {
    return {
      ...Object.fromEntries(this.counts),
      total_commands_processed: this.commandsProcessed,
      keyspace_hits: this.keyspaceHits,
      keyspace_misses: this.keyspaceMisses,
      expired_keys: this.expiredKeys,
      total_net_input_bytes: this.netInputBytes,
      total_net_output_bytes: this.netOutputBytes,
    };
  }

  /** The command path's state for a table entry. */
  slotOf(spec: CommandSpec): CommandSlot {
    let slot = this.slots.get(spec);
    if (!slot) {
      const group = this.groupOf(spec.name);
      let latency = this.latency.get(group);
      if (!latency) this.latency.set(group, (latency = { counts: new Array<number>(LATENCY_BUCKETS_USEC.length + 1).fill(0), sumUsec: 0 }));
      slot = { stat: this.stat(spec.name), latency, reads: !spec.flags.includes("write") };
      this.slots.set(spec, slot);
    }
    return slot;
  }

  /** A command that ran for `ms` milliseconds and answered `reply`. */
  ran(slot: CommandSlot, ms: number, reply: Reply): void {
    const usec = ms * 1000;
    this.lastUsec = usec;
    this.commandsProcessed++;
    const s = slot.stat;
    s.calls++;
    s.usec += usec;
    if (isError(reply)) {
      s.failed++;
      this.error(reply.error);
    }
    const h = slot.latency;
    let b = 0;
    while (b < LATENCY_BUCKETS_USEC.length && usec > LATENCY_BUCKETS_USEC[b]!) b++;
    h.counts[b]!++;
    h.sumUsec += usec;
  }

  /** A command refused before it ran (`command` undefined when it is not a known command). */
  rejected(command: string | undefined, error: string): void {
    this.lastUsec = -1;
    if (command !== undefined) this.stat(command).rejected++;
    this.error(error);
  }

  /** An error reply counted under its prefix (and in total_error_replies). */
  error(message: string): void {
    this.incr("total_error_replies");
    const prefix = errorPrefix(message);
    const n = this.errors.get(prefix);
    if (n !== undefined) this.errors.set(prefix, n + 1);
    else if (this.errors.size < MAX_ERROR_PREFIXES) this.errors.set(prefix, 1);
  }

  private stat(command: string): CommandStat {
    let s = this.commands.get(command);
    if (!s) this.commands.set(command, (s = { calls: 0, usec: 0, rejected: 0, failed: 0 }));
    return s;
  }

  /** Notes the command count at `now` (called once per batch; keeps one sample per SAMPLE_MS). */
  sample(now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.t < SAMPLE_MS) return;
    this.samples.push({ t: now, n: this.commandsProcessed });
    if (this.samples.length > SAMPLES) this.samples.shift();
  }

  /** Commands per second over the recent samples (Redis's instantaneous_ops_per_sec: about the last 1.6 s). */
  opsPerSec(now: number): number {
    const from = this.samples.find((s) => now - s.t <= SAMPLE_MS * SAMPLES);
    if (!from || now <= from.t) return 0;
    return Math.round(((this.commandsProcessed - from.n) * 1000) / (now - from.t));
  }

  /** Everything counted, as plain data. */
  snapshot(): CountersSnapshot {
    return {
      counters: this.all(),
      commands: Object.fromEntries([...this.commands].filter(([, v]) => v.calls > 0 || v.rejected > 0).map(([k, v]) => [k, { ...v }])),
      errors: Object.fromEntries(this.errors),
      latency: Object.fromEntries([...this.latency].filter(([, v]) => v.counts.some((c) => c > 0)).map(([k, v]) => [k, { counts: [...v.counts], sumUsec: v.sumUsec }])),
    };
  }

  /**
   * Adds totals persisted before a restart (stats/persisted.ts) to what this object has counted:
   * called once, when the shard starts, before any command.
   */
  restore(saved: Partial<CountersSnapshot>): void {
    for (const [name, n] of Object.entries(saved.counters ?? {})) {
      if (typeof n !== "number") continue;
      if (name === "total_commands_processed") this.commandsProcessed += n;
      else if (name === "keyspace_hits") this.keyspaceHits += n;
      else if (name === "keyspace_misses") this.keyspaceMisses += n;
      else if (name === "expired_keys") this.expiredKeys += n;
      else if (name === "total_net_input_bytes") this.netInputBytes += n;
      else if (name === "total_net_output_bytes") this.netOutputBytes += n;
      else {
        this.incr(name, n);
        const rule = name.startsWith(RULE_ADMITTED) ? name.slice(RULE_ADMITTED.length) : name.startsWith(RULE_REFUSED) ? name.slice(RULE_REFUSED.length) : null;
        if (rule !== null && rule !== OTHER_RULE) this.rules.add(rule);
      }
    }
    for (const [name, c] of Object.entries(saved.commands ?? {})) {
      const s = this.stat(name);
      s.calls += c.calls;
      s.usec += c.usec;
      s.rejected += c.rejected;
      s.failed += c.failed;
    }
    for (const [prefix, n] of Object.entries(saved.errors ?? {})) {
      if (this.errors.has(prefix) || this.errors.size < MAX_ERROR_PREFIXES) this.errors.set(prefix, (this.errors.get(prefix) ?? 0) + n);
    }
    for (const [group, h] of Object.entries(saved.latency ?? {})) {
      let mine = this.latency.get(group);
      if (!mine) this.latency.set(group, (mine = { counts: new Array<number>(LATENCY_BUCKETS_USEC.length + 1).fill(0), sumUsec: 0 }));
      h.counts.forEach((c, i) => {
        if (i < mine.counts.length) mine.counts[i]! += c;
      });
      mine.sumUsec += h.sumUsec;
    }
  }

  /** Called by `reset` (the shard clears the persisted totals with it). */
  onReset: (() => void) | null = null;

  /** CONFIG RESETSTAT: every counter, command figure, error count and histogram back to zero. */
  reset(): void {
    this.onReset?.();
    this.counts.clear();
    this.rules.clear();
    this.commandsProcessed = this.keyspaceHits = this.keyspaceMisses = this.expiredKeys = this.netInputBytes = this.netOutputBytes = 0;
    // Zeroed in place: the command path holds these objects (slots), the running command included.
    for (const s of this.commands.values()) s.calls = s.usec = s.rejected = s.failed = 0;
    for (const h of this.latency.values()) {
      h.counts.fill(0);
      h.sumUsec = 0;
    }
    this.errors.clear();
  }
}
