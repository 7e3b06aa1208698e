/**
 * DUMP and RESTORE: a key's value in Redis's own serialization (rdb/dump.ts, rdb/types/), so a
 * payload moves between this server and redis-server both ways.
 *
 * IDLETIME and FREQ set the restored key's access data as Redis's objectSetLRUOrLFU does: FREQ
 * its LFU counter under an LFU policy, IDLETIME its last access under any other (the tracker,
 * eviction/tracking.ts, which OBJECT FREQ/IDLETIME and eviction read); the other is ignored.
 */
import { Notify } from "../pubsub/notify";
import { bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { DumpErrors, Errors } from "../errors";
import { rangeSpec } from "../key-specs";
import { isLfu } from "../eviction/policies";
import { dumpKey, readPayload } from "../rdb/dump";
import { CommandError, OK, type Reply } from "../reply";
import type { CommandSpec } from "../table";

const ONE_KEY = { first: 1, last: 1, step: 1 };

function integer(a: Arg): bigint {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(Errors.notInteger);
  return v;
}

// DUMP key
function dump(ctx: ExecContext, argv: Arg[]): Reply {
  const row = ctx.keyspace.find(text(argv[1]!));
  return row ? dumpKey(ctx.keyspace, row) : null;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
function restore(ctx: ExecContext, argv: Arg[]): Reply {
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < argv.length; j++) {
    const opt = text(argv[j]!).toLowerCase();
    const more = argv.length - j - 1;
    if (opt === "replace") {
      replace = true;
    } else if (opt === "absttl") {
      absttl = true;
    } else if (opt === "idletime" && more >= 1 && freq === -1n) {
      idle = integer(argv[++j]!);
      if (idle < 0n) throw new CommandError(DumpErrors.negativeIdle);
    } else if (opt === "freq" && more >= 1 && idle === -1n) {
      freq = integer(argv[++j]!);
      if (freq < 0n || freq > 255n) throw new CommandError(DumpErrors.badFreq);
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  const ks = ctx.keyspace;
  const key = text(argv[1]!);
  const existing = ks.find(key);
  if (existing && !replace) throw new CommandError(DumpErrors.busyKey);
  const ttl = integer(argv[2]!);
  if (ttl < 0n) throw new CommandError(DumpErrors.negativeTtl);
  const { type, value } = readPayload(ks, bytes(argv[3]!));
  if (existing) ks.deleteRow(existing);
  const at = ttl === 0n ? null : Number(ttl) + (absttl ? 0 : ks.now);
  if (at !== null && at <= ks.now) {
    if (existing) ks.notify(Notify.Generic, "del", key);
    return OK;
  }
  // The type's typed operations would raise their own events: RESTORE raises Redis's (dbAdd's new, then restore).
  ks.quietly(() => type.store(ks, key, value, at));
  ks.notify(Notify.New, "new", key);
  ks.notify(Notify.Generic, "restore", key);
  const lfu = isLfu(ctx.config.maxmemoryPolicy);
  if ((lfu && freq >= 0n) || (!lfu && idle >= 0n)) {
    const row = ks.find(key, false);
    if (row) {
      if (lfu) ks.access.set(row.id, ks.now, Number(freq));
      else ks.access.set(row.id, ks.now - Number(idle) * 1000);
    }
  }
  return OK;
}

export const dumpCommands: CommandSpec[] = [
  {
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RO", "access"], 1)],
    summary: "DUMP key",
    run: dump,
  },
  {
    name: "restore",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["OW", "update"], 1)],
    summary: "RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]",
    run: restore,
  },
];
