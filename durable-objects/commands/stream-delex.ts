/**
 * Redis 8.2's XDELEX and XACKDEL (docs/streams.md): argv → store/streams.ts and
 * store/stream-refs.ts → one code per ID.
 *
 * Both take `[KEEPREF | DELREF | ACKED] IDS numids id [id …]`, in either order (Redis's
 * IDS block may stand anywhere after the fixed arguments); every argument and ID is read
 * before anything changes. The codes, per ID:
 * - `-1`: XDELEX: no such entry; XACKDEL: not pending in the group (also every ID when the
 *   key or the group is missing);
 * - `1`: deleted (XACKDEL: acknowledged, and deleted when it was still there);
 * - `2`: ACKED, and a group still needs the entry (not read by every group, or pending in
 *   one): kept (XACKDEL: acknowledged all the same).
 * DELREF drops the ID from every group's pending entries, whether the entry is there or not.
 * Entries deleted raise `xdel`, as XDEL.
 */
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, StreamErrors } from "../errors";
import { Notify } from "../pubsub/notify";
import { rangeSpec } from "../key-specs";
import { CommandError, type Reply } from "../reply";
import { findGroup } from "../store/stream-groups";
import { StreamRefs, type RefPolicy } from "../store/stream-refs";
import { findStream, type Stream, type StreamId } from "../store/streams";
import type { CommandSpec } from "../table";
import { parseStrictId } from "./streams";

const ONE_KEY = { first: 1, last: 1, step: 1 };

/** Code of an ID: no such entry (XACKDEL: not pending in the group). */
const NO_ID = -1;
/** Code of an ID: deleted (XACKDEL: acknowledged and deleted). */
const DELETED = 1;
/** Code of an ID: ACKED, and a group still needs the entry. */
const STILL_REFERENCED = 2;

interface DeleteArgs {
  refs: RefPolicy;
  ids: StreamId[];
}

/** `[KEEPREF | DELREF | ACKED] IDS numids id [id …]` from argv[from] on, its IDs parsed. */
function parseDeleteArgs(argv: Arg[], from: number): DeleteArgs {
  let refs: RefPolicy | null = null;
  let ids: Arg[] | null = null;
  for (let i = from; i < argv.length; ) {
    const word = text(argv[i]!).toLowerCase();
    if (refs === null && (word === "keepref" || word === "delref" || word === "acked")) {
      refs = word;
      i++;
    } else if (ids === null && word === "ids" && i + 1 < argv.length) {
      const n = parseI64(text(argv[i + 1]!));
      if (n === null || n < 1n) throw new CommandError(StreamErrors.numidsNotPositive);
      const start = i + 2;
      if (n > BigInt(argv.length - start)) throw new CommandError(StreamErrors.numidsMismatch);
      ids = argv.slice(start, start + Number(n));
      i = start + Number(n);
    } else throw new CommandError(Errors.syntax);
  }
  if (ids === null) throw new CommandError(Errors.syntax);
  return { refs: refs ?? "keepref", ids: ids.map(parseStrictId) };
}

/** Deletes the entry `id`, answers whether it was there. */
function deleteEntry(s: Stream, id: StreamId): boolean {
  return s.delete([id]) === 1;
}

/** After the deletions of one command: the stream's counters written back and `xdel` raised. */
function afterDeletions(ctx: ExecContext, s: Stream, key: string, n: number): void {
  if (n === 0) return;
  s.save();
  ctx.keyspace.notify(Notify.Stream, "xdel", key);
}

// XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id …]
function xdelex(ctx: ExecContext, argv: Arg[]): Reply {
  const { refs, ids } = parseDeleteArgs(argv, 2);
  const key = text(argv[1]!);
  const s = findStream(ctx.keyspace, key);
  if (!s) return ids.map(() => NO_ID);
  const groups = new StreamRefs(ctx.keyspace.sql, s.id);
  let n = 0;
  const out = ids.map((id) => {
    if (refs === "acked" && groups.referenced(id)) return STILL_REFERENCED;
    if (refs === "delref") groups.drop(id);
    if (!deleteEntry(s, id)) return NO_ID;
    n++;
    return DELETED;
  });
  afterDeletions(ctx, s, key, n);
  return out;
}

// XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id …]
function xackdel(ctx: ExecContext, argv: Arg[]): Reply {
  const { refs, ids } = parseDeleteArgs(argv, 3);
  const key = text(argv[1]!);
  const s = findStream(ctx.keyspace, key);
  const g = s ? findGroup(s, text(argv[2]!)) : null;
  if (!s || !g) return ids.map(() => NO_ID);
  const groups = new StreamRefs(ctx.keyspace.sql, s.id);
  let n = 0;
  const out = ids.map((id) => {
    if (!g.ack(id)) return NO_ID;
    if (refs === "acked" && groups.referenced(id)) return STILL_REFERENCED;
    if (refs === "delref") groups.drop(id);
    if (deleteEntry(s, id)) n++;
    return DELETED;
  });
  afterDeletions(ctx, s, key, n);
  return out;
}

export const streamDelexCommands: CommandSpec[] = [
  {
    name: "xdelex",
    arity: -5,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RW", "delete"], 1)],
    run: xdelex,
    summary: "XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...]",
  },
  {
    name: "xackdel",
    arity: -6,
    flags: ["write", "fast"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RW", "update", "delete"], 1)],
    run: xackdel,
    summary: "XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...]",
  },
];
