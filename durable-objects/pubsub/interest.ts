/**
 * The interest table of a shard (docs/pubsub.md "Where things live"): for each channel and shard
 * channel whose home this shard is, and for every pattern (patterns are registered at every
 * shard), which gateways have local subscribers and how many. PUBLISH counts its receivers here
 * and delivers to the gateways named here; PUBSUB CHANNELS, NUMSUB and NUMPAT read it.
 *
 * Kept in SQLite (`pubsub_interest`), so a home that hibernates or restarts still knows the
 * subscribers of gateways that stayed up, and mirrored in memory for the per-message lookups.
 * A gateway sends its absolute local count (register), so a repeated or late update is harmless;
 * each row has a version in memory, so a stale-row report (a gateway answering "no subscriber
 * here") removes the row only if no registration changed it since the delivery was sent.
 */
import { compileGlob, globMatch } from "../store/glob";

/**
 * `c`: a channel (SUBSCRIBE), `p`: a pattern (PSUBSCRIBE), `s`: a shard channel (SSUBSCRIBE),
 * `m`: monitors (MONITOR; one row per gateway, name `""`, registered at every shard).
 */
export type InterestKind = "c" | "p" | "s" | "m";

/** Gateways with local subscribers, and how many each has. */
type Gateways = Map<number, { count: number; version: number }>;

export interface Receivers {
  /** How many subscribers the message reaches (PUBLISH's reply). */
  count: number;
  /** The gateways to deliver to, each with the row versions the delivery relies on. */
  gateways: Map<number, { kind: InterestKind; name: string; version: number }[]>;
}

export class InterestTable {
  private readonly rows: Record<InterestKind, Map<string, Gateways>> = { c: new Map(), p: new Map(), s: new Map(), m: new Map() };
  private readonly globs = new Map<string, (subject: string) => boolean>();
  private version = 0;

  constructor(private readonly sql: SqlStorage) {
    for (const r of sql.exec<{ kind: InterestKind; name: string; gateway: number; count: number }>("SELECT kind, name, gateway, count FROM pubsub_interest")) {
      this.put(r.kind, r.name, r.gateway, r.count);
    }
  }

  /** A gateway's count of local subscribers of `name` (0 removes its row). */
  set(kind: InterestKind, name: string, gateway: number, count: number): void {
    this.put(kind, name, gateway, count);
    if (count > 0) {
      this.sql.exec(
        "INSERT INTO pubsub_interest (kind, name, gateway, count) VALUES (?, ?, ?, ?) ON CONFLICT(kind, name, gateway) DO UPDATE SET count = excluded.count",
        kind,
        name,
        gateway,
        count,
      );
    } else {
      this.sql.exec("DELETE FROM pubsub_interest WHERE kind = ? AND name = ? AND gateway = ?", kind, name, gateway);
    }
  }

  /** Removes a row a gateway reported empty, unless a registration changed it after `version`. */
  dropStale(kind: InterestKind, name: string, gateway: number, version: number): void {
    const row = this.rows[kind].get(name)?.get(gateway);
    if (row && row.version <= version) this.set(kind, name, gateway, 0);
  }

  private put(kind: InterestKind, name: string, gateway: number, count: number): void {
    const byName = this.rows[kind];
    let gateways = byName.get(name);
    if (count <= 0) {
      if (!gateways) return;
      gateways.delete(gateway);
      if (gateways.size === 0) {
        byName.delete(name);
        if (kind === "p") this.globs.delete(name);
      }
      return;
    }
    if (!gateways) byName.set(name, (gateways = new Map()));
    gateways.set(gateway, { count, version: ++this.version });
  }

  /** Who a message on `channel` reaches: its channel's (or shard channel's) subscribers, and for a channel those of every matching pattern. */
  receivers(channel: string, sharded: boolean): Receivers {
    const out: Receivers = { count: 0, gateways: new Map() };
    const add = (kind: InterestKind, name: string, gateways: Gateways) => {
      for (const [gateway, row] of gateways) {
        out.count += row.count;
        let list = out.gateways.get(gateway);
        if (!list) out.gateways.set(gateway, (list = []));
        list.push({ kind, name, version: row.version });
      }
    };
    const direct = this.rows[sharded ? "s" : "c"].get(channel);
    if (direct) add(sharded ? "s" : "c", channel, direct);
    if (!sharded) for (const [pattern, gateways] of this.rows.p) if (this.matcher(pattern)(channel)) add("p", pattern, gateways);
    return out;
  }

  /** Whether a message on `channel` would reach anyone (cheaper than `receivers`). */
  interested(channel: string, sharded: boolean): boolean {
    if (this.rows[sharded ? "s" : "c"].has(channel)) return true;
    if (sharded) return false;
    for (const pattern of this.rows.p.keys()) if (this.matcher(pattern)(channel)) return true;
    return false;
  }

  /** The gateways with monitors and the row versions a delivery relies on; empty when none (one check per batch). */
  monitors(): Gateways | undefined {
    const m = this.rows.m.get("");
    return m && m.size > 0 ? m : undefined;
  }

  /** Channels (or shard channels) of this home with at least one subscriber, optionally matching a glob (PUBSUB CHANNELS). */
  channels(sharded: boolean, pattern?: string): string[] {
    const names = [...this.rows[sharded ? "s" : "c"].keys()];
    return pattern === undefined ? names : names.filter((n) => globMatch(pattern, n));
  }

  /** Subscribers of a channel (or shard channel) over every gateway (PUBSUB NUMSUB; 0 where this shard is not its home). */
  numsub(channel: string, sharded: boolean): number {
    let n = 0;
    for (const row of this.rows[sharded ? "s" : "c"].get(channel)?.values() ?? []) n += row.count;
    return n;
  }

  /** Distinct patterns with at least one subscriber (PUBSUB NUMPAT: every shard holds them all). */
  numpat(): number {
    return this.rows.p.size;
  }

  private matcher(pattern: string): (subject: string) => boolean {
    let m = this.globs.get(pattern);
    if (!m) {
      const glob = compileGlob(pattern);
      m = (subject) => glob.test(subject);
      this.globs.set(pattern, m);
    }
    return m;
  }
}
