/**
 * Gather, run, scatter: commands whose keys span shards and that must run once over all of
 * them — the entries whose cluster mode is `{ kind: "cross", gather: true }` (EVAL/FCALL and
 * their forms, S*STORE, Z*STORE, set and zset algebra, LMPOP, ZMPOP, LCS, RENAME/RENAMENX/COPY
 * of a collection, PFCOUNT/PFMERGE, GEOSEARCHSTORE and GEORADIUS … STORE) (durable-objects/scratch.ts is the shard's side;
 * docs/cross-shard-transactions.md has the correctness argument).
 *
 * A cross-shard transaction whose parts lock every key and gather their contents at prepare;
 * then, still before the decision, the home shard (the first key's) runs the command over those
 * contents and answers each key's new contents; each part stages the writes that make its keys
 * hold them (only keys that changed), and the transaction commits as any other. A command that
 * changed nothing (the read-only ones, a script that only read, an error) releases the locks
 * without a decision. A key above the caps of scratch.ts is refused with an error, nothing changed.
 */
import { text, type Arg } from "../durable-objects/args";
import { copyNamesDb } from "../durable-objects/commands/keyspace";
import { Errors } from "../durable-objects/errors";
import { err, type Reply } from "../durable-objects/reply";
import {
  MAX_DUMP_BYTES,
  MAX_DUMP_ELEMENTS,
  MAX_GATHERED_BYTES,
  dumpSize,
  restoreCommands,
  sameDump,
  type DumpResult,
  type KeyDump,
} from "../durable-objects/scratch";
import type { CrossCommand } from "./cross-commands";
import type { Between, TxBackend, TxPart } from "./cross-shard";
import { channelShard } from "../durable-objects/pubsub/channels";
import { shardOf } from "./slot";

const tooLarge = (d: DumpResult | undefined): boolean => d !== null && d !== undefined && !("type" in d);

/**
 * The gathered plan of `argv` (an entry declaring `{ kind: "cross", gather: true }`) over `keys`
 * (its key arguments, in order), or null when it has none (COPY … DB: CROSSSLOT).
 */
export function planGathered(argv: Arg[], keys: string[], shards: number): CrossCommand | null {
  if (keys.length === 0) return null;
  if (text(argv[0]!).toLowerCase() === "copy" && copyNamesDb(argv)) return null;
  return gatheredPlan([argv], keys, shards, (replies) => replies[0]!);
}

/**
 * A whole MULTI/EXEC over keys on several shards, run gathered: its reply is the array of the
 * commands' replies (errors are entries), or an error reply when a key is above the caps.
 */
export function planGatheredTransaction(cmds: Arg[][], keys: string[], shards: number): CrossCommand | null {
  if (keys.length === 0) return null;
  return gatheredPlan(cmds, keys, shards, (replies) => replies, publishesOf(cmds, shards));
}

/** A PUBLISH or SPUBLISH of a gathered transaction: its command's index and its channel's home. */
interface Publish {
  command: number;
  shard: number;
}

/**
 * Over gathered copies nothing is published (the run's shard is not the channels' home): what the
 * run published is staged as PUBLISH or SPUBLISH on the channel's home, after that part's writes,
 * so it is counted and sent when that home commits. The transaction's own PUBLISH and SPUBLISH
 * commands make their channel's home a part, and their entry is that commit's reply; a script's
 * goes to its channel's home when that is a part, else to the script's shard, which counts it
 * from its own table as it would on one shard (inside the script its count is 0).
 */
function publishesOf(batch: Arg[][], shards: number): Publish[] {
  const out: Publish[] = [];
  batch.forEach((argv, command) => {
    const name = text(argv[0]!).toLowerCase();
    if (name === "publish") out.push({ command, shard: channelShard(text(argv[1]!), shards) });
    else if (name === "spublish") out.push({ command, shard: shardOf(text(argv[1]!), shards) });
  });
  return out;
}

function gatheredPlan(batch: Arg[][], keys: string[], shards: number, answer: (replies: Reply[]) => Reply, publishes: Publish[] = []): CrossCommand {
  const unique = [...new Set(keys)];
  const home = shardOf(unique[0]!, shards);
  const byShard = new Map<number, string[]>();
  for (const key of unique) {
    const s = shardOf(key, shards);
    let list = byShard.get(s);
    if (!list) byShard.set(s, (list = []));
    list.push(key);
  }
  for (const { shard } of publishes) if (!byShard.has(shard)) byShard.set(shard, []);
  const parts: TxPart[] = [...byShard].map(([shard, ks]) => ({ shard, keys: ks, reads: [], writes: [], dumps: ks }));
  /** Where each publish was staged: its part and its index among that part's writes. */
  let placed: { command: number; part: number; index: number }[] = [];
  let reply: Reply = null;
  const refuse = (): null => {
    reply = err(Errors.txKeyTooLarge(MAX_DUMP_ELEMENTS, MAX_DUMP_BYTES, MAX_GATHERED_BYTES));
    return null;
  };
  const between = (backend: TxBackend): Between => async (_reads, dumps) => {
    const before = new Map<string, DumpResult>();
    parts.forEach((p, i) => p.keys.forEach((k, j) => before.set(k, dumps[i]![j]!)));
    const gathered = [...before.values()];
    if (gathered.some(tooLarge) || gathered.reduce((n, d) => n + dumpSize(d), 0) > MAX_GATHERED_BYTES) return refuse();
    const load = [...before]
      .filter(([key]) => shardOf(key, shards) !== home)
      .map(([key, dump]) => ({ key, dump: dump as KeyDump | null }));
    const result = await backend.scratch(home, { batch, keys: unique, load });
    if (result.after.some(tooLarge)) return refuse();
    reply = answer(result.replies);
    const after = new Map(unique.map((k, i) => [k, result.after[i]!]));
    const writes = parts.map((p) =>
      p.keys.flatMap((k) => (sameDump(before.get(k)!, after.get(k)!) ? [] : restoreCommands(k, after.get(k) as KeyDump | null))),
    );
    placed = [];
    const homePart = parts.findIndex((p) => p.shard === home);
    for (const [command, channel, message, sharded] of result.published ?? []) {
      const own = publishes.find((p) => p.command === command);
      const at = own?.shard ?? (sharded ? shardOf(text(channel), shards) : channelShard(text(channel), shards));
      const found = parts.findIndex((p) => p.shard === at);
      const part = found >= 0 ? found : homePart;
      writes[part]!.push([sharded ? "SPUBLISH" : "PUBLISH", channel, message]);
      if (own) placed.push({ command, part, index: writes[part]!.length - 1 });
    }
    if (!writes.some((w) => w.length > 0)) return null;
    // The run's own events (rename_from, sunionstore, a script's writes …), each raised by its key's shard at commit.
    const raised = result.events;
    if (!raised) return { writes };
    return { writes, events: parts.map((p) => raised.filter(([, , key]) => shardOf(key, shards) === p.shard)) };
  };
  return {
    parts,
    shouldCommit: () => true,
    reply: (_reads, committed, replies) => {
      if (!committed || !replies || !Array.isArray(reply) || placed.length === 0) return reply;
      const out = [...reply];
      for (const { command, part, index } of placed) out[command] = replies[part]?.[index] ?? err(Errors.txReplyLost);
      return out;
    },
    between,
  };
}
