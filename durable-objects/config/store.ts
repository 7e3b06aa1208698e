/**
 * A shard's settings: every parameter of params.ts at its default, overridden by wrangler vars
 * where given, overridden in turn by what CONFIG SET persisted (the shard loads its `config`
 * rows when it starts: store/config.ts). `check` says whether a value is valid and how CONFIG GET
 * will show it (Redis's canonical form: `100mb` is shown as `104857600`); `set` applies one value
 * in memory and hands it to the persistence hook. CONFIG SET's all-or-nothing over several pairs
 * is commands/config.ts's; its reach over every shard is the Worker's (docs/config.md).
 */
import { EVENT_LETTERS, eventFlagsStored, eventFlagsText, parseEventFlags } from "../pubsub/notify";
import { MAX_EVICTION_SAMPLES, PARAMS, type EvictionPolicy, type Param, type ShardConfig } from "./params";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** Redis's memory syntax (`100mb`, `1gb`, `5k`, plain bytes): bytes, or null when malformed. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : null;
}

/** Redis's LLONG_MAX, the upper bound of its `long long` parameters. */
const LLONG_MAX = 9223372036854775807n;

/**
 * notify-keyspace-events in the form a shard keeps (every flag, `n` included), or null for a
 * letter Redis does not know; CONFIG GET shows it as Redis does (`eventFlagsText`: `KEA` → `AKE`).
 */
export function normalizeEvents(value: string): string | null {
  const flags = parseEventFlags(value);
  return flags === null ? null : eventFlagsStored(flags);
}

/** A valid value of `p` in the form CONFIG GET shows, or why it is refused (Redis's texts). */
function canonical(p: Param, value: string): { value: string } | { problem: string } {
  switch (p.kind) {
    case "enum": {
      const v = value.toLowerCase();
      return p.values!.includes(v) ? { value: v } : { problem: "argument(s) must be one of the following: " + p.values!.join(", ") };
    }
    case "bool":
      return /^(yes|no)$/i.test(value) ? { value: value.toLowerCase() } : { problem: "argument must be 'yes' or 'no'" };
    case "string":
      return { value };
    case "events": {
      const v = normalizeEvents(value);
      return v === null ? { problem: `Invalid event class character. Use '${EVENT_LETTERS}'.` } : { value: v };
    }
    case "bytes":
    case "int": {
      // Integers as Redis's string2ll reads them: no sign but `-`, no leading zeros or spaces.
      let n: bigint | null = null;
      if (p.kind === "bytes") {
        const b = parseBytes(value);
        n = b === null || value !== value.trim() ? null : BigInt(b);
      } else if (/^(0|-?[1-9]\d{0,18})$/.test(value) && BigInt(value) <= LLONG_MAX && BigInt(value) >= -LLONG_MAX - 1n) n = BigInt(value);
      if (n === null) return { problem: p.kind === "bytes" ? "argument must be a memory value" : "argument couldn't be parsed into an integer" };
      const max = p.max === undefined ? LLONG_MAX : BigInt(p.max);
      if ((p.min !== undefined && n < BigInt(p.min)) || n > max) return { problem: `argument must be between ${p.min ?? "-inf"} and ${max} inclusive` };
      return { value: String(n) };
    }
  }
}

/** Where a shard keeps what CONFIG SET applied (store/config.ts), so that it survives a restart. */
export interface ConfigPersistence {
  save(name: string, value: string): void;
}

export class ConfigStore implements ShardConfig {
  protected readonly values = new Map<string, string>();
  private persistence: ConfigPersistence | undefined;
  /** Grows with every change, so the command path can keep typed values and re-read them only after one. */
  version = 0;
  /** notify-keyspace-events as flags (pubsub/notify.ts), kept as a number: every write tests it. */
  notifyFlags = 0;

  /** `overrides`: values by parameter name (wrangler vars); an invalid one is ignored (logged), the default stands. */
  constructor(overrides: Record<string, string | undefined> = {}) {
    for (const p of PARAMS) {
      this.values.set(p.name, p.default);
      const given = overrides[p.name];
      if (given === undefined) continue;
      const c = canonical(p, given);
      if ("value" in c) this.values.set(p.name, c.value);
      else console.error(`edgekv: ignoring ${p.name} = '${given}': ${c.problem}`);
    }
    this.changed();
  }

  /** Re-reads the typed values kept as fields after a change. */
  private changed(): void {
    this.version++;
    this.notifyFlags = parseEventFlags(this.values.get("notify-keyspace-events") ?? "") ?? 0;
  }

  /** The parameter named `name` or one of its aliases, if any. */
  static param(name: string): Param | undefined {
    const n = name.toLowerCase();
    return PARAMS.find((p) => p.name === n || p.aliases?.includes(n));
  }

  /** Values persisted by earlier CONFIG SETs (they win over defaults and vars); from then on every `set` is saved. */
  attach(saved: Iterable<[string, string]>, persistence: ConfigPersistence): void {
    for (const [name, value] of saved) {
      const p = ConfigStore.param(name);
      if (!p || p.readOnly) continue;
      const c = canonical(p, value);
      if ("value" in c) this.values.set(p.name, c.value);
    }
    this.persistence = persistence;
    this.changed();
  }

  /**
   * Whether `value` may be set for `name`: the parameter's own name and the value as it will be
   * shown, or why not ("unknown parameter", "can't set immutable config", a value's problem).
   */
  check(name: string, value: string): { name: string; value: string } | { problem: string } {
    return ConfigStore.check(name, value);
  }

  /** `check`, which depends on the parameter table only (the Worker checks CONFIG SET before it reaches the shards). */
  static check(name: string, value: string): { name: string; value: string } | { problem: string } {
    const p = ConfigStore.param(name);
    if (!p) return { problem: "unknown parameter" };
    if (p.readOnly) return { problem: "can't set immutable config" };
    const c = canonical(p, value);
    return "value" in c ? { name: p.name, value: c.value } : c;
  }

  /**
   * Sets one parameter (in memory, and persisted once attached): null, or why the value is
   * refused. CONFIG SET checks every pair before it sets any (commands/config.ts).
   */
  set(name: string, value: string): string | null {
    const c = this.check(name, value);
    if ("problem" in c) return c.problem;
    this.persistence?.save(c.name, c.value);
    this.values.set(c.name, c.value);
    this.changed();
    return null;
  }

  text(name: string): string {
    const p = ConfigStore.param(name);
    if (!p) return "";
    const v = this.values.get(p.name) ?? p.default;
    return p.kind === "events" ? eventFlagsText(parseEventFlags(v) ?? 0) : v;
  }

  private int(name: string): number {
    const p = ConfigStore.param(name)!;
    const t = this.text(name);
    const n = p.kind === "bytes" ? parseBytes(t) : Number(t);
    return n ?? Number(p.default);
  }

  get maxmemory(): number {
    return this.int("maxmemory");
  }
  get maxmemoryPolicy(): EvictionPolicy {
    return this.text("maxmemory-policy") as EvictionPolicy;
  }
  get maxmemorySamples(): number {
    return Math.min(this.int("maxmemory-samples"), MAX_EVICTION_SAMPLES);
  }
  get maxmemoryEvictionTenacity(): number {
    return this.int("maxmemory-eviction-tenacity");
  }
  get lfuLogFactor(): number {
    return this.int("lfu-log-factor");
  }
  get lfuDecayTime(): number {
    return this.int("lfu-decay-time");
  }
  get slowlogLogSlowerThan(): number {
    return this.int("slowlog-log-slower-than");
  }
  get slowlogMaxLen(): number {
    return this.int("slowlog-max-len");
  }
  get notifyKeyspaceEvents(): string {
    return this.text("notify-keyspace-events");
  }
  get busyReplyThreshold(): number {
    return this.int("busy-reply-threshold");
  }
  get protoMaxBulkLen(): number {
    return this.int("proto-max-bulk-len");
  }
  get keyCacheBytes(): number {
    return this.int("key-cache-bytes");
  }
}

/** The wrangler var that gives a parameter's default: `maxmemory-policy` → `MAXMEMORY_POLICY`. */
export function varName(param: string): string {
  return param.toUpperCase().replace(/-/g, "_");
}

/**
 * The defaults a deployment gives (wrangler.toml [vars], `.dev.vars`): each parameter's var
 * (`MAXMEMORY`, `MAXMEMORY_POLICY`, `SLOWLOG_MAX_LEN`, …); `proto-max-bulk-len` is the value limit.
 */
export function defaultsFromVars(env: Record<string, unknown>, maxValueBytes: number): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const p of PARAMS) {
    const v = env[varName(p.name)];
    if (typeof v === "string" && v !== "" && !p.readOnly) out[p.name] = v;
  }
  out["proto-max-bulk-len"] = String(maxValueBytes);
  return out;
}
