/**
 * INFO [section ...]: one shard's figures in Redis's sections, field names and order (7.0),
 * omitting what has no meaning here (forks, AOF rewrites, TCP connections) and adding a few
 * `edgekv_*` fields at the end of their section. The Worker merges every shard's reply
 * (worker/merge-info.ts) by each field's rule in INFO_MERGE.
 *
 * Sections: `default` (no argument) is server, clients, memory, persistence, stats,
 * replication, errorstats, cluster, keyspace; `all` adds commandstats; `everything` is `all`
 * (there are no modules). Several names may be given; unknown ones are ignored, as Redis does.
 */
import { text, type Arg } from "../args";
import type { ExecContext } from "../context";
import type { Reply } from "../reply";
import { sectionText, type FieldMerge, type InfoField } from "../stats/info-fields";
import { MEMORY_MERGE, memorySection } from "../stats/memory-section";

/** The Redis version whose semantics edgekv follows (reported by INFO as redis_version). */
export const REDIS_VERSION = "7.0.15";

/** Every section, in the order Redis prints them, with its title. */
export const INFO_SECTIONS = [
  ["server", "Server"],
  ["clients", "Clients"],
  ["memory", "Memory"],
  ["persistence", "Persistence"],
  ["stats", "Stats"],
  ["replication", "Replication"],
  ["commandstats", "Commandstats"],
  ["errorstats", "Errorstats"],
  ["cluster", "Cluster"],
  ["keyspace", "Keyspace"],
] as const;
export type InfoSection = (typeof INFO_SECTIONS)[number][0];
const DEFAULT_SECTIONS: ReadonlySet<InfoSection> = new Set(INFO_SECTIONS.map(([s]) => s).filter((s) => s !== "commandstats"));

/** Counters of the stats section in Redis's order; a counter not listed here follows them. */
const STATS_ORDER = [
  "total_commands_processed",
  "total_net_input_bytes",
  "total_net_output_bytes",
  "expired_keys",
  "evicted_keys",
  "keyspace_hits",
  "keyspace_misses",
  "pubsub_channels",
  "pubsub_patterns",
  "pubsubshard_channels",
  "total_error_replies",
];

/**
 * How each field merges over the shards (info-fields.ts). Fields not listed: `sum` in the stats
 * section (counters), `first` elsewhere.
 */
export const INFO_MERGE: Record<string, FieldMerge> = {
  ...MEMORY_MERGE,
  server_time_usec: "max",
  uptime_in_seconds: "max",
  uptime_in_days: "max",
  connected_clients: "sum",
  // Every shard holds every pattern.
  pubsub_patterns: "max",
  blocked_clients: "sum",
};

/** The sections an INFO argv asks for, in Redis's order. */
export function infoSections(argv: Arg[]): InfoSection[] {
  const asked = argv.slice(1).map((a) => text(a).toLowerCase());
  const all = asked.some((s) => s === "all" || s === "everything");
  const dflt = asked.length === 0 || asked.includes("default");
  return INFO_SECTIONS.map(([s]) => s).filter((s) => all || (dflt && DEFAULT_SECTIONS.has(s)) || asked.includes(s));
}

function sectionFields(ctx: ExecContext, section: InfoSection): InfoField[] {
  const stats = ctx.stats;
  switch (section) {
    case "server": {
      const uptime = Math.max(0, Math.floor((ctx.now - stats.startedAt) / 1000));
      return [
        ["redis_version", REDIS_VERSION],
        ["redis_mode", "standalone"],
        ["os", "Cloudflare Workers (workerd)"],
        ["arch_bits", 64],
        ["run_id", stats.runId],
        ["server_time_usec", ctx.now * 1000],
        ["uptime_in_seconds", uptime],
        ["uptime_in_days", Math.floor(uptime / 86400)],
        ["edgekv_engine", "durable-objects-sqlite"],
        ["shards", 1],
      ];
    }
    case "clients":
      // HTTP requests hold no connection: the connected clients are the open sockets (/ws, SSE).
      return [
        ["connected_clients", ctx.subscriptions?.clients() ?? 0],
        ["maxclients", ctx.config.text("maxclients") || "10000"],
        ["blocked_clients", ctx.blockedClients?.() ?? 0],
      ];
    case "memory":
      return memorySection(ctx);
    case "persistence":
      // Every write is in SQLite before its reply leaves the shard (the output gate): nothing is ever unsaved.
      return [
        ["loading", 0],
        ["async_loading", 0],
        ["rdb_changes_since_last_save", 0],
        ["rdb_bgsave_in_progress", 0],
        ["rdb_last_bgsave_status", "ok"],
        ["aof_enabled", 0],
        ["aof_rewrite_in_progress", 0],
        ["aof_last_write_status", "ok"],
        ["edgekv_storage", "sqlite"],
        ["edgekv_durable_on_every_write", 1],
      ];
    case "stats": {
      const counters = stats.all();
      const fields: InfoField[] = [];
      const subs = ctx.subscriptions;
      const pubsub: Record<string, number> = {
        pubsub_channels: subs?.channels(false).length ?? 0,
        pubsub_patterns: subs?.numpat() ?? 0,
        pubsubshard_channels: subs?.channels(true).length ?? 0,
      };
      for (const name of STATS_ORDER) {
        fields.push([name, pubsub[name] ?? counters[name] ?? 0]);
        if (name === "total_commands_processed") fields.push(["instantaneous_ops_per_sec", stats.opsPerSec(ctx.now)]);
      }
      // Counters with labels (`ratelimit_admitted:fixed`) are GET /metrics' only.
      for (const [name, n] of Object.entries(counters)) if (!STATS_ORDER.includes(name) && !name.includes(":")) fields.push([name, n]);
      return fields;
    }
    case "replication":
      return [
        ["role", "master"],
        ["connected_slaves", 0],
      ];
    case "commandstats":
      // An entry exists from a command's first call on; the call under way (this INFO) counts after it.
      return [...stats.commands].filter(([, s]) => s.calls > 0 || s.rejected > 0).map(([name, s]) => [
        `cmdstat_${name}`,
        `calls=${s.calls},usec=${Math.round(s.usec)},usec_per_call=${(s.calls ? s.usec / s.calls : 0).toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`,
      ]);
    case "errorstats":
      return [...stats.errors].map(([prefix, n]) => [`errorstat_${prefix}`, `count=${n}`]);
    case "cluster":
      return [["cluster_enabled", 0]];
    case "keyspace": {
      const s = ctx.keyspace.stats();
      return s.keys > 0 ? [["db0", `keys=${s.keys},expires=${s.expires},avg_ttl=${s.avgTtl}`]] : [];
    }
  }
}

// INFO [section [section ...]]
export function info(ctx: ExecContext, argv: Arg[]): Reply {
  const titles = new Map<string, string>(INFO_SECTIONS);
  return infoSections(argv)
    .map((s) => sectionText(titles.get(s)!, sectionFields(ctx, s)))
    .join("\r\n");
}
