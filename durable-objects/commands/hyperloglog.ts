/**
 * HyperLogLog commands: argv → store/hyperloglog.ts (the representation) over string values
 * read and written through store/strings.ts. Updates keep the key's expiry, as Redis's do.
 *
 * PFCOUNT of one key writes the cardinality it computed back into the value's header, as Redis
 * does; like Redis it is a read command (flag `readonly`), so a read-only token may run it and
 * that write of the cache happens for it too: the value's registers, and so every count, stay
 * the same; only its cached-cardinality bytes change. PFCOUNT of several keys writes nothing.
 * PFDEBUG (GETREG, DECODE, ENCODING, TODENSE) is Redis's debugging view of the representation.
 */
import { Notify } from "../pubsub/notify";
import { bytes, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, int, OK, status, type Reply } from "../reply";
import {
  REGISTERS,
  addElements,
  cardinality,
  countRegisters,
  decodeSparse,
  isDense,
  isHll,
  mergeInto,
  mergedValue,
  registerValues,
  toDense,
} from "../store/hyperloglog";
import type { Keyspace } from "../store/keyspace";
import { checkValueSize, getString, writeValue } from "../store/strings";
import type { CommandSpec } from "../table";

/** The HLL at `key`, null if absent; WRONGTYPE for another type or a string that is not an HLL. */
function readHll(ks: Keyspace, key: string): Uint8Array | null {
  const v = getString(ks, key);
  if (v !== null && !isHll(v)) throw new CommandError(Errors.hllWrongType);
  return v;
}

/** Writes the value, its expiry kept; the command raises its own event (pfadd), not SET's. */
function writeHll(ks: Keyspace, key: string, value: Uint8Array): void {
  checkValueSize(ks, value.length);
  writeValue(ks, key, value, undefined, ks.find(key));
}

/** The union of the HLLs at `keys` as one byte per register (missing keys are empty), and whether any was dense. */
function union(ks: Keyspace, keys: string[]): { max: Uint8Array; dense: boolean } {
  const max = new Uint8Array(REGISTERS);
  let dense = false;
  for (const key of keys) {
    const v = readHll(ks, key);
    if (v === null) continue;
    if (isDense(v)) dense = true;
    mergeInto(max, v);
  }
  return { max, dense };
}

// PFADD key [element ...]
function pfadd(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  const current = readHll(ctx.keyspace, key);
  const { value, changed } = addElements(current, argv.slice(2).map(bytes));
  if (changed) {
    writeHll(ctx.keyspace, key, value);
    ctx.keyspace.notify(Notify.String, "pfadd", key);
  }
  return changed ? 1 : 0;
}

// PFCOUNT key [key ...]
function pfcount(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 2) return countRegisters(union(ctx.keyspace, argv.slice(1).map(text)).max);
  const key = text(argv[1]!);
  const v = readHll(ctx.keyspace, key);
  if (v === null) return 0;
  const { card, value } = cardinality(v);
  if (value) writeHll(ctx.keyspace, key, value);
  return int(card);
}

// PFMERGE destkey [sourcekey ...]
function pfmerge(ctx: ExecContext, argv: Arg[]): Reply {
  const keys = argv.slice(1).map(text);
  const { max, dense } = union(ctx.keyspace, keys);
  const dest = readHll(ctx.keyspace, keys[0]!);
  writeHll(ctx.keyspace, keys[0]!, mergedValue(dest, max, dense));
  ctx.keyspace.notify(Notify.String, "pfadd", keys[0]!);
  return OK;
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key (GETREG and TODENSE leave the value dense)
function pfdebug(ctx: ExecContext, argv: Arg[]): Reply {
  const sub = text(argv[1]!);
  const key = text(argv[2]!);
  const v = readHll(ctx.keyspace, key);
  if (v === null) throw new CommandError(Errors.hllNoKey);
  switch (sub.toLowerCase()) {
    case "getreg":
      if (!isDense(v)) writeHll(ctx.keyspace, key, toDense(v));
      return registerValues(v);
    case "decode":
      if (isDense(v)) throw new CommandError(Errors.hllNotSparse);
      return decodeSparse(v);
    case "encoding":
      return status(isDense(v) ? "dense" : "sparse");
    case "todense":
      if (isDense(v)) return 0;
      writeHll(ctx.keyspace, key, toDense(v));
      return 1;
    default:
      throw new CommandError(Errors.pfdebugUnknown(sub));
  }
}

export const hyperLogLogCommands: CommandSpec[] = [
  {
    name: "pfadd",
    arity: -2,
    flags: ["write", "denyoom", "fast"],
    keys: { first: 1, last: 1, step: 1 },
    run: pfadd,
    summary: "PFADD key [element [element ...]]",
  },
  {
    name: "pfcount",
    arity: -2,
    flags: ["readonly"],
    keys: { first: 1, last: -1, step: 1 },
    cluster: { kind: "cross", gather: true },
    run: pfcount,
    summary: "PFCOUNT key [key ...]",
  },
  {
    name: "pfmerge",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: { first: 1, last: -1, step: 1 },
    cluster: { kind: "cross", gather: true },
    run: pfmerge,
    summary: "PFMERGE destkey [sourcekey [sourcekey ...]]",
  },
  {
    name: "pfdebug",
    arity: 3,
    flags: ["write", "denyoom", "admin"],
    keys: { first: 2, last: 2, step: 1 },
    run: pfdebug,
    summary: "PFDEBUG subcommand key",
  },
];
