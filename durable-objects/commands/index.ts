/**
 * The full command table, assembled from one file per Redis command group.
 * To add a command: one entry in its group's array, one handler, one conformance case.
 */
import { CommandTable, type CommandSpec } from "../table";
import { configCommands } from "./config";
import { pitrCommands } from "../pitr/commands";
import { dumpCommands } from "./dump";
import { bitmapCommands } from "./bitmaps";
import { blockingCommands } from "./blocking";
import { geoCommands } from "./geo";
import { hashCommands } from "./hashes";
import { hyperLogLogCommands } from "./hyperloglog";
import { jsonCommands } from "./json";
import { keyspaceCommands } from "./keyspace";
import { listCommands } from "./lists";
import { lockCommands } from "./locks";
import { memoryCommands } from "./memory";
import { objectCommands } from "./object";
import { pubsubCommands } from "./pubsub";
import { rateLimitCommands } from "./ratelimit";
import { scriptingCommands } from "./scripting";
import { serverCommands } from "./server";
import { setCommands } from "./sets";
import { sortCommands } from "./sort";
import { streamClaimCommands } from "./stream-claim";
import { streamDelexCommands } from "./stream-delex";
import { streamGroupCommands } from "./stream-groups";
import { streamInfoCommands } from "./stream-info";
import { streamCommands } from "./streams";
import { stringCommands } from "./strings";
import { zsetCommands } from "./zsets";

export const COMMANDS = new CommandTable().add(
  ...stringCommands,
  ...keyspaceCommands,
  ...hashCommands,
  ...listCommands,
  ...blockingCommands,
  ...setCommands,
  ...zsetCommands,
  ...geoCommands,
  ...serverCommands,
  ...rateLimitCommands,
  ...lockCommands,
  ...scriptingCommands,
  ...hyperLogLogCommands,
  ...sortCommands,
  ...memoryCommands,
  ...objectCommands,
  ...dumpCommands,
  ...bitmapCommands,
  ...jsonCommands,
  ...configCommands,
  ...pubsubCommands,
  ...streamCommands,
  ...streamGroupCommands,
  ...streamClaimCommands,
  ...streamDelexCommands,
  ...streamInfoCommands,
  ...pitrCommands,
);

/**
 * The group each command's latency is counted under (GET /metrics), as Redis's command groups
 * (COMMAND DOCS `group`); a subcommand is in its container's group.
 */
const GROUPS: Record<string, CommandSpec[]> = {
  string: stringCommands,
  generic: [...keyspaceCommands, ...sortCommands, ...dumpCommands],
  hash: hashCommands,
  list: listCommands,
  set: setCommands,
  sorted_set: zsetCommands,
  geo: geoCommands,
  server: [...serverCommands, ...memoryCommands, ...configCommands],
  ratelimit: rateLimitCommands,
  lock: lockCommands,
  scripting: scriptingCommands,
  hyperloglog: hyperLogLogCommands,
  bitmap: bitmapCommands,
  json: jsonCommands,
  pubsub: pubsubCommands,
  stream: [...streamCommands, ...streamGroupCommands, ...streamClaimCommands, ...streamDelexCommands, ...streamInfoCommands],
};
const GROUP_OF = new Map<string, string>();
for (const [group, specs] of Object.entries(GROUPS)) {
  for (const spec of specs) {
    GROUP_OF.set(spec.name, group);
    for (const sub of spec.subcommands ?? []) GROUP_OF.set(sub.name, group);
  }
}

/** A command's group by its name (`get` → `string`, `script|load` → `scripting`); `other` when unlisted. */
export function commandGroup(name: string): string {
  return GROUP_OF.get(name) ?? "other";
}
