/**
 * How the Worker plans a PITR.* command (cluster mode `pitr`, docs/point-in-time.md): a special
 * run over every shard; inside a transaction it answers an error.
 */
import { text, type Arg } from "../../durable-objects/args";
import { Errors } from "../../durable-objects/errors";
import { PitrErrors } from "../../durable-objects/pitr/checkpoints";
import { err, isError, type Reply } from "../../durable-objects/reply";
import type { CommandSpec } from "../../durable-objects/table";
import { runCrossCommand, type ExecOptions, type ShardExec } from "../execute";
import type { CrossCommand } from "../cross-commands";
import type { Plan } from "../plan";
import { checkpointCommand, checkpointId, listReply, validName, mergeCheckpoints, restoreBookmarks, restoreCheckpoint, type Checkpoint } from "./restore";

/** Every shard's checkpoints, merged (only those present on every shard). */
export async function listAll(exec: ShardExec, shards: number): Promise<Checkpoint[] | { error: string }> {
  const replies = await Promise.all(Array.from({ length: shards }, (_, s) => exec(s, [["PITR.CHECKPOINTS"]]).then((r) => r[0]!)));
  return mergeCheckpoints(replies);
}

/** PITR.FORGET id: drops the checkpoint's row on every shard; 1 if any shard had it, else 0. */
export async function forgetAll(exec: ShardExec, shards: number, id: string): Promise<Reply> {
  const replies = await Promise.all(Array.from({ length: shards }, (_, s) => exec(s, [["PITR.FORGET", id]]).then((r) => r[0]!)));
  const bad = replies.find(isError);
  if (bad) return bad;
  return replies.some((r) => r === 1) ? 1 : 0;
}

export function planPitr(spec: CommandSpec, argv: Arg[], opts: ExecOptions): Plan {
  const name = spec.name.toUpperCase();
  const everyShard = { parts: [], merge: (): Reply => err(PitrErrors.inTransaction(name)) };
  // PITR.CHECKPOINT [name]; its three-argument form is the write the Worker stages on each shard.
  if (spec.name === "pitr.checkpoint" && argv.length > 2) return { kind: "error", error: Errors.wrongArity(spec.name), command: spec.name };
  const label = spec.name === "pitr.checkpoint" && argv.length === 2 ? text(argv[1]!) : undefined;
  if (label !== undefined && !validName(label)) return { kind: "error", error: PitrErrors.badName, command: spec.name };
  const run = async (exec: ShardExec): Promise<Reply> => {
    const pitr = opts.pitr;
    if (spec.name === "pitr.checkpoints") {
      const cps = await listAll(exec, opts.shards);
      return "error" in cps ? err(cps.error) : listReply(cps);
    }
    if (spec.name === "pitr.forget") return forgetAll(exec, opts.shards, text(argv[1]!));
    if (!pitr || !opts.tx) return err(PitrErrors.unavailable);
    if (spec.name === "pitr.checkpoint") return runCrossCommand(checkpointCommand(opts.shards, pitr, Date.now(), checkpointId(Date.now(), label)), opts);
    const cross = (c: CrossCommand) => runCrossCommand(c, opts);
    if (spec.name === "pitr.restore-bookmarks") return restoreBookmarks(pitr, opts.shards, argv.slice(1), cross);
    const cps = await listAll(exec, opts.shards);
    return "error" in cps ? err(cps.error) : restoreCheckpoint(pitr, cps, argv[1]!, cross);
  };
  return { kind: "special", run, everyShard };
}
