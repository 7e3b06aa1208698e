/**
 * Locks with fencing tokens (LOCK.*) and compare-and-delete on strings, under the names
 * Valkey (DELIFEQ, 9.0) and Redis (DELEX, 8.4) gave it. SET's IFEQ/IFNE conditions
 * (compare-and-set) live with SET in strings.ts.
 */
import { ArgCursor, bytes, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, type Reply } from "../reply";
import { acquireLock, bytesEqual, deleteIf, extendLock, lockStatus, releaseLock } from "../store/locks";
import type { CommandSpec } from "../table";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** A lease in ms: a positive integer, as SET PX wants. */
function leaseOf(argv: Arg[], at: number, cmd: string): number {
  const v = new ArgCursor(argv, at).takeI64();
  if (v <= 0n || v > 2n ** 46n) throw new CommandError(Errors.invalidExpire(cmd));
  return Number(v);
}

// LOCK.ACQUIRE key owner ttl-ms
function lockAcquire(ctx: ExecContext, argv: Arg[]): Reply {
  const ttl = leaseOf(argv, 3, "lock.acquire");
  return acquireLock(ctx.keyspace, text(argv[1]!), bytes(argv[2]!), ttl);
}

// LOCK.RELEASE key owner
function lockRelease(ctx: ExecContext, argv: Arg[]): Reply {
  return releaseLock(ctx.keyspace, text(argv[1]!), bytes(argv[2]!)) ? 1 : 0;
}

// LOCK.EXTEND key owner ttl-ms
function lockExtend(ctx: ExecContext, argv: Arg[]): Reply {
  const ttl = leaseOf(argv, 3, "lock.extend");
  return extendLock(ctx.keyspace, text(argv[1]!), bytes(argv[2]!), ttl) ? 1 : 0;
}

// LOCK.STATUS key
function lockStatusCommand(ctx: ExecContext, argv: Arg[]): Reply {
  const s = lockStatus(ctx.keyspace, text(argv[1]!));
  return s ? [s.owner, s.token, s.ttlMs] : null;
}

// DELIFEQ key value
function delifeq(ctx: ExecContext, argv: Arg[]): Reply {
  const expected = bytes(argv[2]!);
  return deleteIf(ctx.keyspace, text(argv[1]!), (v) => bytesEqual(v, expected)) ? 1 : 0;
}

// DELEX key [IFEQ value | IFNE value]
function delex(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  if (argv.length === 2) return ctx.keyspace.delete(key) ? 1 : 0;
  if (argv.length !== 4) throw new CommandError(Errors.syntax);
  const p = new ArgCursor(argv, 2);
  const cond = p.peekUpper();
  if (cond === "IFDEQ" || cond === "IFDNE") throw new CommandError(Errors.digestUnsupported);
  if (cond !== "IFEQ" && cond !== "IFNE") p.syntaxError();
  const other = bytes(argv[3]!);
  const equal = cond === "IFEQ";
  return deleteIf(ctx.keyspace, key, (v) => bytesEqual(v, other) === equal) ? 1 : 0;
}

export const lockCommands: CommandSpec[] = [
  { name: "lock.acquire", arity: 4, flags: ["write", "denyoom", "fast"], keys: ONE_KEY, cluster: { kind: "pinned" }, run: lockAcquire, summary: "LOCK.ACQUIRE key owner ttl-ms" },
  { name: "lock.release", arity: 3, flags: ["write", "fast"], keys: ONE_KEY, cluster: { kind: "pinned" }, run: lockRelease, summary: "LOCK.RELEASE key owner" },
  { name: "lock.extend", arity: 4, flags: ["write", "fast"], keys: ONE_KEY, cluster: { kind: "pinned" }, run: lockExtend, summary: "LOCK.EXTEND key owner ttl-ms" },
  { name: "lock.status", arity: 2, flags: ["readonly", "fast"], keys: ONE_KEY, cluster: { kind: "pinned" }, run: lockStatusCommand, summary: "LOCK.STATUS key" },
  { name: "delifeq", arity: 3, flags: ["write", "fast"], keys: ONE_KEY, run: delifeq, summary: "DELIFEQ key value" },
  { name: "delex", arity: -2, flags: ["write", "fast"], keys: ONE_KEY, run: delex, summary: "DELEX key [IFEQ value|IFNE value]" },
];
