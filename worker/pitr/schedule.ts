/**
 * Scheduled checkpoints (docs/point-in-time.md "Scheduled checkpoints"), opt-in: with
 * `PITR_CHECKPOINT_EVERY` set, each run of the Worker's cron trigger takes a checkpoint named
 * `scheduled` when the newest scheduled one is at least that old, then forgets the oldest
 * scheduled ones beyond `PITR_CHECKPOINT_KEEP` (default 48). Checkpoints taken by hand are never
 * forgotten here. Without the var a run does nothing.
 *
 * A cron trigger rather than a Durable Object's alarm: a checkpoint is a cross-shard transaction
 * the Worker runs (worker/cross-shard.ts, worker/pitr/restore.ts), and nothing in
 * durable-objects/ imports the Worker; a cron runs that code as it is, with no request needed to
 * arm it, and the interval is decided from the checkpoints themselves (no state of its own).
 */
import { isError, type Reply } from "../../durable-objects/reply";
import { runCrossCommand, type ExecOptions, type ShardExec } from "../execute";
import { forgetAll, listAll } from "./plan";
import { checkpointCommand, checkpointId, nameOf } from "./restore";

export const SCHEDULED_NAME = "scheduled";
export const DEFAULT_KEEP = 48;

/** `900`, `900s`, `15m`, `2h` → ms; null for unset or anything else (off). */
export function parseEvery(v: string | undefined): number | null {
  const m = /^\s*(\d+)\s*(s|m|h)?\s*$/.exec(v ?? "");
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === "h" ? 3_600_000 : m[2] === "m" ? 60_000 : 1_000);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** The count kept: a positive integer, else the default. */
export function parseKeep(v: string | undefined): number {
  const n = Number(v);
  return v !== undefined && v.trim() !== "" && Number.isSafeInteger(n) && n >= 1 ? n : DEFAULT_KEEP;
}

export interface ScheduleResult {
  /** The checkpoint taken this run, if one was due. */
  taken?: string;
  /** The scheduled checkpoints forgotten this run. */
  forgotten: string[];
  error?: string;
}

/**
 * One run. A checkpoint is due when the newest scheduled one is older than `every` less a little
 * slack (a tenth, at most a minute), so a cron as frequent as the interval does not skip every
 * other run for a few milliseconds of jitter.
 */
export async function runSchedule(exec: ShardExec, opts: ExecOptions, every: number, keep: number, now: number): Promise<ScheduleResult> {
  const out: ScheduleResult = { forgotten: [] };
  if (!opts.pitr || !opts.tx) return { ...out, error: "point-in-time restore is not available" };
  const listed = await listAll(exec, opts.shards);
  if ("error" in listed) return { ...out, error: listed.error };
  const scheduled = listed.filter((cp) => nameOf(cp.id) === SCHEDULED_NAME).map((cp) => ({ id: cp.id, time: cp.time }));
  const newest = scheduled[scheduled.length - 1];
  if (!newest || now - newest.time >= every - Math.min(60_000, every / 10)) {
    const id = checkpointId(now, SCHEDULED_NAME);
    const reply: Reply = await runCrossCommand(checkpointCommand(opts.shards, opts.pitr, now, id), opts);
    if (isError(reply)) return { ...out, error: reply.error };
    out.taken = id;
    scheduled.push({ id, time: now });
  }
  for (const cp of scheduled.slice(0, Math.max(0, scheduled.length - keep))) {
    const r = await forgetAll(exec, opts.shards, cp.id);
    if (isError(r)) return { ...out, error: r.error };
    out.forgotten.push(cp.id);
  }
  return out;
}


