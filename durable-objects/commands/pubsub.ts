/**
 * Pub/Sub commands (docs/pubsub.md). PUBLISH runs on its channel's home shard (the entry's
 * `channel`: routed by the channel's slot, as a key would be), SPUBLISH likewise (its channel is
 * a `not_key` key spec, as in Redis 7); both count their receivers at once from the interest
 * table and are delivered after the batch (pubsub/hub.ts). PUBSUB's subcommands read the
 * interest table of every shard, merged in the Worker.
 *
 * SUBSCRIBE and its family are handled by the gateway of a WebSocket (pubsub/gateway.ts); these
 * entries give them their arity and flags, and elsewhere (REST, MULTI) they answer an error.
 */
import { bytes, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { rangeSpec } from "../key-specs";
import { CommandError, status, type Reply } from "../reply";
import { container, type CommandSpec, type Flag } from "../table";

// PUBLISH channel message
function publish(ctx: ExecContext, argv: Arg[]): Reply {
  return ctx.pubsub?.publish(bytes(argv[1]!), bytes(argv[2]!), false) ?? 0;
}

// SPUBLISH shardchannel message
function spublish(ctx: ExecContext, argv: Arg[]): Reply {
  return ctx.pubsub?.publish(bytes(argv[1]!), bytes(argv[2]!), true) ?? 0;
}

// SUBSCRIBE channel [channel ...] (and UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE): only on a socket
function monitorSocketOnly(): Reply {
  throw new CommandError(Errors.monitorSocketOnly);
}

function socketOnly(_ctx: ExecContext, argv: Arg[]): Reply {
  throw new CommandError(Errors.socketOnly(text(argv[0]!).toLowerCase()));
}

// PUBSUB CHANNELS [pattern] / PUBSUB SHARDCHANNELS [pattern]
function channels(sharded: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    if (argv.length > 3) throw new CommandError(Errors.unknownSubcommandOrArity(text(argv[1]!), "pubsub"));
    return ctx.subscriptions?.channels(sharded, argv.length === 3 ? text(argv[2]!) : undefined) ?? [];
  };
}

// PUBSUB NUMSUB [channel ...] / PUBSUB SHARDNUMSUB [shardchannel ...]
function numsub(sharded: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const out: Reply[] = [];
    for (const a of argv.slice(2)) out.push(a, ctx.subscriptions?.numsub(text(a), sharded) ?? 0);
    return out;
  };
}

// PUBSUB NUMPAT
function numpat(ctx: ExecContext): Reply {
  return ctx.subscriptions?.numpat() ?? 0;
}

const PUBSUB_HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

// PUBSUB HELP
function pubsubHelp(): Reply {
  return PUBSUB_HELP.map(status);
}

const PUBLISH_FLAGS: Flag[] = ["pubsub", "loading", "stale", "fast"];
const SUBSCRIBE_FLAGS: Flag[] = ["pubsub", "noscript", "loading", "stale"];
const PUBSUB_FLAGS: Flag[] = ["pubsub", "loading", "stale"];
const CHANNELS = { kind: "all", merge: "concat" } as const;
const NUMSUB = { kind: "all", merge: "numsub" } as const;

export const pubsubCommands: CommandSpec[] = [
  { name: "publish", arity: 3, flags: PUBLISH_FLAGS, state: "pubsub", channel: 1, summary: "PUBLISH channel message", run: publish },
  {
    name: "spublish",
    arity: 3,
    flags: PUBLISH_FLAGS,
    state: "pubsub",
    keys: { first: 1, last: 1, step: 1 },
    keySpecs: [rangeSpec(["not_key"], 1)],
    summary: "SPUBLISH shardchannel message",
    run: spublish,
  },
  // MONITOR: handled by a socket's gateway (pubsub/gateway.ts); the read-only token is refused (its `state`), as Redis hides it behind @admin.
  { name: "monitor", arity: 1, flags: ["admin", "noscript", "loading", "stale"], state: "monitor", summary: "MONITOR", run: monitorSocketOnly },
  { name: "subscribe", arity: -2, flags: SUBSCRIBE_FLAGS, summary: "SUBSCRIBE channel [channel ...]", run: socketOnly },
  { name: "unsubscribe", arity: -1, flags: SUBSCRIBE_FLAGS, summary: "UNSUBSCRIBE [channel ...]", run: socketOnly },
  { name: "psubscribe", arity: -2, flags: SUBSCRIBE_FLAGS, summary: "PSUBSCRIBE pattern [pattern ...]", run: socketOnly },
  { name: "punsubscribe", arity: -1, flags: SUBSCRIBE_FLAGS, summary: "PUNSUBSCRIBE [pattern ...]", run: socketOnly },
  { name: "ssubscribe", arity: -2, flags: SUBSCRIBE_FLAGS, keySpecs: [rangeSpec(["not_key"], 1, -1)], summary: "SSUBSCRIBE shardchannel [shardchannel ...]", run: socketOnly },
  { name: "sunsubscribe", arity: -1, flags: SUBSCRIBE_FLAGS, keySpecs: [rangeSpec(["not_key"], 1, -1)], summary: "SUNSUBSCRIBE [shardchannel ...]", run: socketOnly },
  container("pubsub", "PUBSUB <subcommand> [argument ...]", [
    { name: "pubsub|channels", arity: -2, flags: PUBSUB_FLAGS, cluster: CHANNELS, summary: "PUBSUB CHANNELS [pattern]", run: channels(false) },
    { name: "pubsub|numsub", arity: -2, flags: PUBSUB_FLAGS, cluster: NUMSUB, summary: "PUBSUB NUMSUB [channel ...]", run: numsub(false) },
    { name: "pubsub|numpat", arity: 2, flags: PUBSUB_FLAGS, summary: "PUBSUB NUMPAT", run: numpat },
    { name: "pubsub|shardchannels", arity: -2, flags: PUBSUB_FLAGS, cluster: CHANNELS, summary: "PUBSUB SHARDCHANNELS [pattern]", run: channels(true) },
    { name: "pubsub|shardnumsub", arity: -2, flags: PUBSUB_FLAGS, cluster: NUMSUB, summary: "PUBSUB SHARDNUMSUB [shardchannel ...]", run: numsub(true) },
    { name: "pubsub|help", arity: 2, flags: ["loading", "stale"], summary: "PUBSUB HELP", run: pubsubHelp },
  ]),
];
