/**
 * The PITR.* entries of the command table (docs/point-in-time.md). Cluster mode `pitr`: the
 * Worker runs them itself over every shard (worker/pitr/); on a shard PITR.CHECKPOINT with its
 * three arguments is the staged write that records a checkpoint, PITR.CHECKPOINTS lists the
 * shard's own.
 */
import type { CommandSpec } from "../table";
import { pitrCheckpoint, pitrCheckpoints, pitrForget, pitrWorkerOnly } from "./checkpoints";

const ADMIN = ["admin", "noscript"] as const;

export const pitrCommands: CommandSpec[] = [
  {
    name: "pitr.checkpoint",
    arity: -1,
    flags: [...ADMIN, "write"],
    cluster: { kind: "pitr" },
    summary: "PITR.CHECKPOINT [name]",
    run: pitrCheckpoint,
    savepoint: false,
  },
  { name: "pitr.checkpoints", arity: 1, flags: [...ADMIN, "readonly"], cluster: { kind: "pitr" }, summary: "PITR.CHECKPOINTS", run: pitrCheckpoints },
  { name: "pitr.forget", arity: 2, flags: [...ADMIN, "write"], cluster: { kind: "pitr" }, summary: "PITR.FORGET checkpoint-id", run: pitrForget },
  { name: "pitr.restore", arity: 2, flags: [...ADMIN, "write"], cluster: { kind: "pitr" }, summary: "PITR.RESTORE checkpoint-id|name|unix-time-ms", run: pitrWorkerOnly("PITR.RESTORE") },
  {
    name: "pitr.restore-bookmarks",
    arity: -2,
    flags: [...ADMIN, "write"],
    cluster: { kind: "pitr" },
    summary: "PITR.RESTORE-BOOKMARKS bookmark [bookmark ...]",
    run: pitrWorkerOnly("PITR.RESTORE-BOOKMARKS"),
  },
];
