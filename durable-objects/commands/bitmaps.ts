/**
 * Bitmap commands: argv → store/bitmaps.ts → reply. Argument checks come in Redis 7.0's order
 * (an offset before the key's type; BITCOUNT and BITPOS answer a missing key before reading
 * their range), so the same bad command answers the same error here and there.
 *
 * Offsets: Redis takes bit offsets below 2^32 (512 MB of bytes), and so do these commands; a
 * write that would grow a value past the keyspace's limit (32 MiB by default) then answers
 * SETRANGE's `string exceeds maximum allowed size`. BITOP also has Redis 8.2's DIFF, DIFF1,
 * ANDOR and ONE. BITFIELD is a write command even with only GETs (as in Redis): the read-only
 * token runs BITFIELD_RO.
 */
import { Notify } from "../pubsub/notify";
import { rangeSpec } from "../key-specs";
import { parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { CommandError, int, type Reply } from "../reply";
import {
  bitOp,
  bitfield,
  countBits,
  findBit,
  getBit,
  openBitmap,
  setBit,
  type BitOp,
  type BitfieldOp,
  type Overflow,
} from "../store/bitmaps";
import type { CommandSpec } from "../table";

const ONE_KEY = { first: 1, last: 1, step: 1 };
/** Redis's limit on a bit offset: its byte must be below proto-max-bulk-len (512 MB). */
const MAX_OFFSET_BYTES = 512n * 1024n * 1024n;

/**
 * A bit offset as Redis reads one: a 64-bit integer, or with `fieldBits` (BITFIELD) also `#n`,
 * meaning n fields of that width (multiplied with 64-bit wrap-around, as Redis multiplies).
 */
function bitOffset(a: Arg, fieldBits = 0): number {
  const s = text(a);
  const hash = fieldBits > 0 && s.startsWith("#");
  let v = parseI64(hash ? s.slice(1) : s);
  if (v === null) throw new CommandError(Errors.bitOffset);
  if (hash) v = BigInt.asIntN(64, v * BigInt(fieldBits));
  if (v < 0n || v >> 3n >= MAX_OFFSET_BYTES) throw new CommandError(Errors.bitOffset);
  return Number(v);
}

function integer(a: Arg): bigint {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(Errors.notInteger);
  return v;
}

/** BIT or BYTE (any case), else a syntax error: true for BIT. */
function isBitUnit(a: Arg): boolean {
  const u = text(a).toUpperCase();
  if (u === "BIT") return true;
  if (u === "BYTE") return false;
  throw new CommandError(Errors.syntax);
}

/** Redis's index rules for a range over `total` units: negatives count from the end, both ends clamped. */
function clampRange(start: bigint, end: bigint, total: bigint): [bigint, bigint] {
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  return [start, end];
}

// SETBIT key offset value
function setbit(ctx: ExecContext, argv: Arg[]): Reply {
  const offset = bitOffset(argv[2]!);
  const on = parseI64(text(argv[3]!));
  if (on === null || (on !== 0n && on !== 1n)) throw new CommandError(Errors.bitValue);
  const old = setBit(ctx.keyspace, text(argv[1]!), offset, Number(on));
  ctx.keyspace.notify(Notify.String, "setbit", text(argv[1]!));
  return old;
}

// GETBIT key offset
function getbit(ctx: ExecContext, argv: Arg[]): Reply {
  const offset = bitOffset(argv[2]!);
  return getBit(ctx.keyspace, text(argv[1]!), offset);
}

// BITCOUNT key [start end [BYTE|BIT]]
function bitcount(ctx: ExecContext, argv: Arg[]): Reply {
  const ks = ctx.keyspace;
  const bm = openBitmap(ks, text(argv[1]!));
  if (!bm.row) return 0;
  if (argv.length === 2) return bm.length === 0 ? 0 : countBits(ks, bm, 0, bm.length * 8 - 1);
  if (argv.length !== 4 && argv.length !== 5) throw new CommandError(Errors.syntax);
  const start = integer(argv[2]!);
  const end = integer(argv[3]!);
  if (start < 0n && end < 0n && start > end) return 0;
  const bits = argv.length === 5 && isBitUnit(argv[4]!);
  const [from, to] = clampRange(start, end, BigInt(bm.length) * (bits ? 8n : 1n));
  if (from > to) return 0;
  return bits ? countBits(ks, bm, Number(from), Number(to)) : countBits(ks, bm, Number(from) * 8, Number(to) * 8 + 7);
}

// BITPOS key bit [start [end [BYTE|BIT]]]
function bitpos(ctx: ExecContext, argv: Arg[]): Reply {
  const ks = ctx.keyspace;
  const bit = integer(argv[2]!);
  if (bit !== 0n && bit !== 1n) throw new CommandError(Errors.bitposBit);
  const bm = openBitmap(ks, text(argv[1]!));
  if (!bm.row) return bit ? -1 : 0;
  let start = 0n;
  let end = BigInt(bm.length) - 1n;
  let bits = false;
  let endGiven = false;
  if (argv.length > 6) throw new CommandError(Errors.syntax);
  if (argv.length > 3) {
    start = integer(argv[3]!);
    bits = argv.length === 6 && isBitUnit(argv[5]!);
    if (argv.length >= 5) {
      end = integer(argv[4]!);
      endGiven = true;
    }
    [start, end] = clampRange(start, end, BigInt(bm.length) * (bits ? 8n : 1n));
  }
  if (start > end) return -1;
  const [from, to] = bits ? [Number(start), Number(end)] : [Number(start) * 8, Number(end) * 8 + 7];
  const pos = findBit(ks, bm, Number(bit), from, to);
  // Looking for a clear bit past an open range: the value continues with zeros.
  if (pos === -1 && bit === 0n && !endGiven) return to + 1;
  return pos;
}

const BIT_OPS: readonly BitOp[] = ["and", "or", "xor", "not", "diff", "diff1", "andor", "one"];

// BITOP AND|OR|XOR|NOT|DIFF|DIFF1|ANDOR|ONE destkey key [key ...]
function bitop(ctx: ExecContext, argv: Arg[]): Reply {
  const name = text(argv[1]!);
  const op = BIT_OPS.find((o) => o === name.toLowerCase());
  if (!op) throw new CommandError(Errors.syntax);
  if (op === "not" && argv.length !== 4) throw new CommandError(Errors.bitopNotOneSource);
  if ((op === "diff" || op === "diff1" || op === "andor") && argv.length < 5) {
    throw new CommandError(Errors.bitopTwoSources(name.toUpperCase()));
  }
  const dest = text(argv[2]!);
  const existed = ctx.keyspace.exists(dest);
  const length = bitOp(ctx.keyspace, op, dest, argv.slice(3).map(text));
  if (length > 0) ctx.keyspace.notify(Notify.String, "set", dest);
  else if (existed) ctx.keyspace.notify(Notify.Generic, "del", dest);
  return length;
}

/** A BITFIELD type: `i1`…`i64` or `u1`…`u63` (lower-case letter, as Redis reads it). */
function fieldType(a: Arg): { signed: boolean; bits: number } {
  const s = text(a);
  const signed = s[0] === "i";
  const bits = s[0] === "i" || s[0] === "u" ? parseI64(s.slice(1)) : null;
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) throw new CommandError(Errors.bitfieldType);
  return { signed, bits: Number(bits) };
}

/** BITFIELD's operations, every argument checked before any runs. */
function parseBitfield(argv: Arg[]): BitfieldOp[] {
  const ops: BitfieldOp[] = [];
  let overflow: Overflow = "wrap";
  for (let j = 2; j < argv.length; j++) {
    const rest = argv.length - j - 1;
    const sub = text(argv[j]!).toLowerCase();
    let kind: BitfieldOp["kind"];
    if (sub === "get" && rest >= 2) kind = "get";
    else if (sub === "set" && rest >= 3) kind = "set";
    else if (sub === "incrby" && rest >= 3) kind = "incrby";
    else if (sub === "overflow" && rest >= 1) {
      const mode = text(argv[++j]!).toLowerCase();
      if (mode !== "wrap" && mode !== "sat" && mode !== "fail") throw new CommandError(Errors.bitfieldOverflow);
      overflow = mode;
      continue;
    } else throw new CommandError(Errors.syntax);
    const { signed, bits } = fieldType(argv[j + 1]!);
    const offset = bitOffset(argv[j + 2]!, bits);
    const value = kind === "get" ? 0n : integer(argv[j + 3]!);
    ops.push({ kind, signed, bits, offset, value, overflow });
    j += kind === "get" ? 2 : 3;
  }
  return ops;
}

function bitfieldGeneric(readOnly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const ops = parseBitfield(argv);
    if (readOnly && ops.some((op) => op.kind !== "get")) throw new CommandError(Errors.bitfieldReadOnly);
    const out = bitfield(ctx.keyspace, text(argv[1]!), ops);
    // As Redis: one setbit event when a SET or INCRBY wrote (one refused by OVERFLOW FAIL answers nil).
    if (ops.some((op, i) => op.kind !== "get" && out[i] !== null)) ctx.keyspace.notify(Notify.String, "setbit", text(argv[1]!));
    return out.map((v) => (v === null ? null : int(v)));
  };
}

export const bitmapCommands: CommandSpec[] = [
  {
    name: "setbit",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RW", "access", "update"], 1)],
    run: setbit,
    summary: "SETBIT key offset value",
  },
  { name: "getbit", arity: 3, flags: ["readonly", "fast"], keys: ONE_KEY, run: getbit, summary: "GETBIT key offset" },
  { name: "bitcount", arity: -2, flags: ["readonly"], keys: ONE_KEY, run: bitcount, summary: "BITCOUNT key [start end [BYTE|BIT]]" },
  { name: "bitpos", arity: -3, flags: ["readonly"], keys: ONE_KEY, run: bitpos, summary: "BITPOS key bit [start [end [BYTE|BIT]]]" },
  {
    name: "bitop",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: { first: 2, last: -1, step: 1 },
    keySpecs: [rangeSpec(["OW", "update"], 2), rangeSpec(["RO", "access"], 3, -1)],
    cluster: { kind: "cross", gather: true },
    run: bitop,
    summary: "BITOP AND|OR|XOR|NOT|DIFF|DIFF1|ANDOR|ONE destkey key [key ...]",
  },
  {
    name: "bitfield",
    arity: -2,
    flags: ["write", "denyoom"],
    keys: ONE_KEY,
    keySpecs: [rangeSpec(["RW", "access", "update", "variable_flags"], 1, 0, 1, "This command allows both access and modification of the key")],
    run: bitfieldGeneric(false),
    summary: "BITFIELD key [GET encoding offset | [OVERFLOW WRAP|SAT|FAIL] SET encoding offset value | [OVERFLOW WRAP|SAT|FAIL] INCRBY encoding offset increment ...]",
  },
  {
    name: "bitfield_ro",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: ONE_KEY,
    run: bitfieldGeneric(true),
    summary: "BITFIELD_RO key [GET encoding offset ...]",
  },
];
