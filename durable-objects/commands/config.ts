/**
 * CONFIG: the server parameters (config/params.ts) as Redis 7 speaks of them. Each shard holds
 * every setting (ctx.config); the table entries say how the Worker reaches the shards:
 * CONFIG SET runs on every shard at once, as one cross-shard transaction (`atomic`), so every
 * shard holds the same settings and CONFIG GET answers from one (shard 0, the keyless shard);
 * CONFIG RESETSTAT resets every shard's counters. docs/config.md has the protocol and its cost.
 */
import { text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { PARAMS } from "../config/params";
import { ConfigStore } from "../config/store";
import { Errors } from "../errors";
import { CommandError, OK, status, type Reply } from "../reply";
import { compileGlob } from "../store/glob";
import { container, type CommandSpec } from "../table";

/** ASCII lower case: Redis matches CONFIG GET patterns case-insensitively. */
function lower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// CONFIG GET parameter [parameter ...]
function configGet(ctx: ExecContext, argv: Arg[]): Reply {
  // Shown names, deduplicated case-insensitively (a parameter and its alias are two names), in first-match order.
  const shown = new Map<string, string>();
  for (const a of argv.slice(2)) {
    const pattern = text(a);
    if (!/[[*?]/.test(pattern)) {
      const p = ConfigStore.param(pattern);
      if (p && !shown.has(lower(pattern))) shown.set(lower(pattern), pattern);
      continue;
    }
    const glob = compileGlob(lower(pattern));
    for (const p of PARAMS) {
      for (const name of [p.name, ...(p.aliases ?? [])]) if (!shown.has(name) && glob.test(name)) shown.set(name, name);
    }
  }
  const out: Reply[] = [];
  for (const name of shown.values()) out.push(name, ctx.config.text(name));
  return out;
}

/**
 * Why CONFIG SET refuses `argv`, or null. As Redis 7: every name first (unknown, immutable,
 * named twice), then every value. A pure function of the arguments, so every shard answers the
 * same and the Worker answers it before any shard is involved (the entry's `check`).
 */
export function configSetRefusal(argv: Arg[]): string | null {
  if (argv.length % 2 !== 0) return Errors.syntax;
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([text(argv[i]!), text(argv[i + 1]!)]);
  const seen = new Set<string>();
  for (const [name] of pairs) {
    const p = ConfigStore.param(name);
    if (!p) return Errors.configSetUnknown(name);
    if (p.readOnly) return Errors.configSetFailed(name, "can't set immutable config");
    if (seen.has(lower(name))) return Errors.configSetFailed(name, "duplicate parameter");
    seen.add(lower(name));
  }
  for (const [name, value] of pairs) {
    const c = ConfigStore.check(name, value);
    if ("problem" in c) return Errors.configSetFailed(lower(name), c.problem);
  }
  return null;
}

// CONFIG SET parameter value [parameter value ...]: nothing is set unless every pair passes.
function configSet(ctx: ExecContext, argv: Arg[]): Reply {
  const refused = configSetRefusal(argv);
  if (refused) throw new CommandError(refused);
  for (let i = 2; i < argv.length; i += 2) ctx.config.set(text(argv[i]!), text(argv[i + 1]!));
  return OK;
}

// CONFIG RESETSTAT
function configResetStat(ctx: ExecContext): Reply {
  ctx.stats.reset();
  return OK;
}

// CONFIG REWRITE: there is no config file; settings persist in each shard's storage.
function configRewrite(): Reply {
  throw new CommandError(Errors.noConfigFile);
}

const CONFIG_HELP = [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Prints this help.",
];

// CONFIG HELP
function configHelp(): Reply {
  return CONFIG_HELP.map(status);
}

const ADMIN = ["admin", "noscript", "loading", "stale"] as const;

export const configCommands: CommandSpec[] = [
  container("config", "CONFIG <subcommand> [arg ...]", [
    { name: "config|get", arity: -3, flags: [...ADMIN], summary: "CONFIG GET parameter [parameter ...]", run: configGet },
    {
      name: "config|set",
      arity: -4,
      flags: [...ADMIN],
      state: "config",
      cluster: { kind: "all", merge: "ok", atomic: true, check: configSetRefusal },
      summary: "CONFIG SET parameter value [parameter value ...]",
      run: configSet,
    },
    { name: "config|resetstat", arity: 2, flags: [...ADMIN], state: "config", cluster: { kind: "all", merge: "ok" }, summary: "CONFIG RESETSTAT", run: configResetStat },
    { name: "config|rewrite", arity: 2, flags: [...ADMIN], state: "config", summary: "CONFIG REWRITE", run: configRewrite },
    { name: "config|help", arity: 2, flags: ["loading", "stale"], summary: "CONFIG HELP", run: configHelp },
  ]),
];
