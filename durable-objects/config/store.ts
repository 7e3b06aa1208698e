/**
 * A shard's settings: every parameter of params.ts at its default, overridden by wrangler vars
 * where given. CONFIG SET and persistence across restarts build on this class (docs/config.md).
 */
import { PARAMS, type EvictionPolicy, type Param, type ShardConfig } from "./params";

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

/** Why `value` is not a valid value of `p`, or null. */
function invalid(p: Param, value: string): string | null {
  switch (p.kind) {
    case "enum":
      return p.values!.includes(value.toLowerCase()) ? null : "argument(s) must be one of the following: " + p.values!.join(", ");
    case "bool":
      return /^(yes|no)$/i.test(value) ? null : "argument must be 'yes' or 'no'";
    case "string":
      return null;
    case "bytes":
    case "int": {
      const n = p.kind === "bytes" ? parseBytes(value) : /^-?\d+$/.test(value) ? Number(value) : null;
      if (n === null || !Number.isSafeInteger(n)) return p.kind === "bytes" ? "argument must be a memory value" : "argument couldn't be parsed into an integer";
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) return `argument must be between ${p.min ?? "-inf"} and ${p.max ?? "inf"} inclusive`;
      return null;
    }
  }
}

export class ConfigStore implements ShardConfig {
  protected readonly values = new Map<string, string>();

  constructor(overrides: Record<string, string | undefined> = {}) {
    for (const p of PARAMS) this.values.set(p.name, overrides[p.name] ?? p.default);
  }

  /** The parameter named `name` or one of its aliases, if any. */
  static param(name: string): Param | undefined {
    const n = name.toLowerCase();
    return PARAMS.find((p) => p.name === n || p.aliases?.includes(n));
  }

  /**
   * Sets one parameter in memory (CONFIG SET's persistence and reach are the caller's): null, or
   * why the value is refused.
   */
  set(name: string, value: string): string | null {
    const p = ConfigStore.param(name);
    if (!p) return "unknown parameter";
    if (p.readOnly) return "can't set immutable config";
    const problem = invalid(p, value);
    if (problem) return problem;
    this.values.set(p.name, p.kind === "enum" || p.kind === "bool" ? value.toLowerCase() : value);
    return null;
  }

  text(name: string): string {
    const p = ConfigStore.param(name);
    return p ? (this.values.get(p.name) ?? p.default) : "";
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
    return this.int("maxmemory-samples");
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
}
