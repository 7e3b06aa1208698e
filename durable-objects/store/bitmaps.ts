/**
 * Typed bitmap operations on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD.
 * Bits are numbered as Redis numbers them: bit 0 is the most significant bit of byte 0.
 *
 * A bitmap is a string (strings.ts), so it lives in its key's row up to 1 MiB and in 64 KiB
 * chunk rows above (string-chunks.ts). What each operation reads and writes:
 * - SETBIT, GETBIT and BITFIELD touch only the bytes they address: on a chunked value that is one
 *   chunk (two when a field straddles a boundary), so their cost does not grow with the bitmap;
 *   on an in-row value the row (at most 1 MiB), read once and written once per command.
 * - BITCOUNT and BITPOS read only the bytes of their range, WINDOW_BYTES at a time (bounded
 *   memory however large the value); BITPOS stops at the first match.
 * - BITOP folds its sources into the result one at a time (a chunked one WINDOW_BYTES at a time),
 *   then writes the result (at most the value limit) as SET writes a value.
 * Writes that would grow a value past the keyspace's limit answer SETRANGE's error
 * (`string exceeds maximum allowed size`) before anything is written.
 */
import { KeyType, type KeyRow, type Keyspace } from "./keyspace";
import { CHUNK_BYTES, readWithinChunk, writeChunks } from "./string-chunks";
import { checkValueSize, lengthOf, sliceOf, writeAt, writeValue } from "./strings";

/** How many bytes BITCOUNT and BITPOS hold at once. */
const WINDOW_BYTES = 16 * CHUNK_BYTES;

/** Set bits per byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v &= v - 1) n++;
  return n;
});

/** A string key read as a bitmap: its row (null when missing) and length in bytes. */
export interface Bitmap {
  row: KeyRow | null;
  length: number;
}

/** The bitmap at `key` (a missing key is empty); WRONGTYPE for another type. */
export function openBitmap(ks: Keyspace, key: string): Bitmap {
  const row = ks.findOfType(key, KeyType.String);
  return { row, length: row ? lengthOf(row) : 0 };
}

/** Bytes [from, to) of a bitmap, zeros past its end. */
function readBytes(ks: Keyspace, bm: Bitmap, from: number, to: number): Uint8Array {
  const end = Math.min(to, bm.length);
  if (!bm.row || end <= from) return new Uint8Array(to - from);
  const part = bm.row.size != null && end - from <= 16 ? readWithinChunk(ks.sql, bm.row.id, from, end) : sliceOf(ks, bm.row, from, end);
  if (end === to) return part;
  const out = new Uint8Array(to - from);
  out.set(part);
  return out;
}

/** GETBIT: the bit at `offset` (0 past the end or for a missing key). */
export function getBit(ks: Keyspace, key: string, offset: number): number {
  const bm = openBitmap(ks, key);
  const byte = Math.floor(offset / 8);
  if (byte >= bm.length) return 0;
  return (readBytes(ks, bm, byte, byte + 1)[0]! >> (7 - (offset % 8))) & 1;
}

/** SETBIT: sets the bit at `offset` to `on`, growing the value with zeros as needed; the old bit. */
export function setBit(ks: Keyspace, key: string, offset: number, on: number): number {
  const bm = openBitmap(ks, key);
  const byte = Math.floor(offset / 8);
  checkValueSize(ks, byte + 1);
  const old = readBytes(ks, bm, byte, byte + 1)[0]!;
  const mask = 1 << (7 - (offset % 8));
  const next = on ? old | mask : old & ~mask;
  if (next !== old || byte >= bm.length) writeAt(ks, key, bm.row, byte, Uint8Array.of(next));
  return old & mask ? 1 : 0;
}

/** Calls `fn` on bytes [from, to] (inclusive, inside the value) a window at a time; stops when it answers true. */
function forWindows(ks: Keyspace, bm: Bitmap, from: number, to: number, fn: (bytes: Uint8Array, at: number) => boolean): void {
  for (let at = from; at <= to; at += WINDOW_BYTES) {
    const end = Math.min(to + 1, at + WINDOW_BYTES);
    if (fn(readBytes(ks, bm, at, end), at)) return;
  }
}

/** The mask of the bits of a byte from bit `from` (0: most significant) to bit `to`, inclusive. */
function bitsMask(from: number, to: number): number {
  return (0xff >> from) & (0xff << (7 - to)) & 0xff;
}

/** BITCOUNT: the set bits from bit `from` to bit `to` (inclusive, inside the value). */
export function countBits(ks: Keyspace, bm: Bitmap, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let count = 0;
  forWindows(ks, bm, first, last, (bytes, at) => {
    for (let i = 0; i < bytes.length; i++) {
      let b = bytes[i]!;
      const pos = at + i;
      if (pos === first || pos === last) b &= bitsMask(pos === first ? from % 8 : 0, pos === last ? to % 8 : 7);
      count += POPCOUNT[b]!;
    }
    return false;
  });
  return count;
}

/** BITPOS: the first bit equal to `bit` from bit `from` to bit `to` (inclusive, inside the value), or -1. */
export function findBit(ks: Keyspace, bm: Bitmap, bit: number, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let found = -1;
  forWindows(ks, bm, first, last, (bytes, at) => {
    for (let i = 0; i < bytes.length; i++) {
      const pos = at + i;
      let b = bit ? bytes[i]! : ~bytes[i]! & 0xff;
      if (pos === first || pos === last) b &= bitsMask(pos === first ? from % 8 : 0, pos === last ? to % 8 : 7);
      if (b !== 0) {
        found = pos * 8 + Math.clz32(b) - 24;
        return true;
      }
    }
    return false;
  });
  return found;
}

export type BitOp = "and" | "or" | "xor" | "not" | "diff" | "diff1" | "andor" | "one";

/** Calls `fn` on the whole value of a bitmap, a window at a time (the row's own bytes when in its row). */
function forEachPart(ks: Keyspace, bm: Bitmap, fn: (bytes: Uint8Array, at: number) => void): void {
  if (!bm.row || bm.length === 0) return;
  if (bm.row.size == null) {
    fn(new Uint8Array(bm.row.value!), 0);
    return;
  }
  forWindows(ks, bm, 0, bm.length - 1, (bytes, at) => {
    fn(bytes, at);
    return false;
  });
}

/**
 * Folds one more source into `out` (and `common`, for ONE): `out` starts as the first source
 * and bytes past a source's end are zeros. DIFF1 and ANDOR fold the other sources' union into
 * `out` and meet the first source at the end (`meetFirst`).
 */
function fold(op: BitOp, out: Uint8Array, common: Uint8Array | null, part: Uint8Array, at: number): void {
  const n = part.length;
  if (op === "and") for (let i = 0; i < n; i++) out[at + i]! &= part[i]!;
  else if (op === "or" || op === "diff1" || op === "andor") for (let i = 0; i < n; i++) out[at + i]! |= part[i]!;
  else if (op === "xor") for (let i = 0; i < n; i++) out[at + i]! ^= part[i]!;
  else if (op === "diff") for (let i = 0; i < n; i++) out[at + i]! &= ~part[i]!;
  else if (op === "one") {
    // Bits seen in two sources or more are cleared: what stays was set in exactly one.
    for (let i = 0, j = at; i < n; i++, j++) {
      common![j]! |= out[j]! & part[i]!;
      out[j] = (out[j]! ^ part[i]!) & ~common![j]!;
    }
  }
}

function meetFirst(op: BitOp, out: Uint8Array, part: Uint8Array, at: number): void {
  for (let i = 0, j = at; i < part.length; i++, j++) out[j] = op === "diff1" ? ~part[i]! & out[j]! : part[i]! & out[j]!;
}

/**
 * BITOP: `op` over the values at `sources` (missing keys and shorter values read as zeros), stored
 * at `dest` with no expiry, or `dest` deleted when every source is empty; the result's length.
 * Every source is checked (WRONGTYPE) before anything is written. The sources are folded into the
 * result one after another, so memory is the result (twice it for ONE) plus one source's row or
 * window, however many sources there are.
 */
export function bitOp(ks: Keyspace, op: BitOp, dest: string, sources: string[]): number {
  let length = 0;
  for (const key of sources) length = Math.max(length, openBitmap(ks, key).length);
  if (length === 0) {
    const row = ks.find(dest);
    if (row) ks.deleteRow(row);
    return 0;
  }
  checkValueSize(ks, length);
  const out = new Uint8Array(length);
  const common = op === "one" ? new Uint8Array(length) : null;
  const first = openBitmap(ks, sources[0]!);
  const twoStep = op === "diff1" || op === "andor";
  if (!twoStep) forEachPart(ks, first, (part, at) => out.set(part, at));
  if (op === "and" && first.length < length) out.fill(0, first.length);
  for (const key of sources.slice(1)) {
    const bm = openBitmap(ks, key);
    forEachPart(ks, bm, (part, at) => fold(op, out, common, part, at));
    if (op === "and") out.fill(0, bm.length);
  }
  if (op === "not") for (let i = 0; i < length; i++) out[i] = ~out[i]!;
  if (twoStep) {
    // The first source's zeros past its end meet the union too: ~0 keeps it (DIFF1), 0 clears it (ANDOR).
    if (op === "andor") out.fill(0, first.length);
    forEachPart(ks, openBitmap(ks, sources[0]!), (part, at) => meetFirst(op, out, part, at));
  }
  writeValue(ks, dest, out, null, ks.find(dest));
  return length;
}

export type Overflow = "wrap" | "sat" | "fail";

/** One BITFIELD operation, parsed. `value`: SET's value or INCRBY's increment (a signed 64-bit integer). */
export interface BitfieldOp {
  kind: "get" | "set" | "incrby";
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const i64 = (v: bigint) => BigInt.asIntN(64, v);

/**
 * Redis's overflow rule for a field of `bits` holding `value` plus `incr`, with its 64-bit
 * integer arithmetic (a SET checks its value with `incr` 0): 0 when it fits, else 1 or -1 and
 * the value WRAP or SAT would store. Its comparisons are made on wrapped 64-bit differences, as
 * Redis makes them, so its rare quirks are kept (SAT of a SET far below an i8's minimum stores
 * the maximum).
 */
function overflowOf(signed: boolean, bits: number, value: bigint, incr: bigint, mode: Overflow): { over: number; limit: bigint } {
  if (!signed) {
    const max = (1n << BigInt(bits)) - 1n;
    const maxIncr = i64(max - value);
    const minIncr = i64(-value);
    const wrap = BigInt.asUintN(bits, value + incr);
    if (value > max || (incr > 0n && incr > maxIncr)) return { over: 1, limit: mode === "sat" ? max : wrap };
    if (incr < 0n && incr < minIncr) return { over: -1, limit: mode === "sat" ? 0n : wrap };
    return { over: 0, limit: 0n };
  }
  const max = bits === 64 ? 2n ** 63n - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = i64(max - value);
  const minIncr = i64(min - value);
  const wrap = BigInt.asIntN(bits, value + incr);
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) {
    return { over: 1, limit: mode === "sat" ? max : wrap };
  }
  if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) {
    return { over: -1, limit: mode === "sat" ? min : wrap };
  }
  return { over: 0, limit: 0n };
}

/** Byte access for BITFIELD: the in-row value as one buffer written once, or a chunked value a field at a time. */
interface FieldBytes {
  read(at: number, n: number): Uint8Array;
  write(at: number, bytes: Uint8Array): void;
  /** Writes back what changed (the in-row buffer). */
  finish(): void;
}

function fieldBytes(ks: Keyspace, key: string, bm: Bitmap): FieldBytes {
  const row = bm.row;
  if (row && row.size != null) {
    return {
      read: (at, n) => readWithinChunk(ks.sql, row.id, at, Math.max(at, Math.min(at + n, bm.length))),
      write: (at, bytes) => writeChunks(ks.sql, row.id, at, bytes),
      finish: () => {},
    };
  }
  const buf = row?.value ? new Uint8Array(row.value).slice() : new Uint8Array(0);
  let dirty = false;
  return {
    read: (at, n) => buf.subarray(at, Math.min(at + n, buf.length)),
    write: (at, bytes) => {
      buf.set(bytes, at);
      dirty = true;
    },
    finish: () => {
      if (dirty) ks.writeString(key, buf, undefined, row);
    },
  };
}

/** The field of `bits` at bit `offset`, unsigned, from the bytes that hold it (zeros past the end). */
function readField(io: FieldBytes, offset: number, bits: number): bigint {
  const first = Math.floor(offset / 8);
  const span = Math.floor((offset + bits - 1) / 8) - first + 1;
  const bytes = io.read(first, span);
  let v = 0n;
  for (let i = 0; i < span; i++) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  const shift = BigInt(span * 8 - (offset % 8) - bits);
  return (v >> shift) & ((1n << BigInt(bits)) - 1n);
}

function writeField(io: FieldBytes, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const span = Math.floor((offset + bits - 1) / 8) - first + 1;
  const old = io.read(first, span);
  let v = 0n;
  for (let i = 0; i < span; i++) v = (v << 8n) | BigInt(old[i] ?? 0);
  const shift = BigInt(span * 8 - (offset % 8) - bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  v = (v & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  const out = new Uint8Array(span);
  for (let i = span - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  io.write(first, out);
}

/**
 * BITFIELD and BITFIELD_RO: runs `ops` in order; one reply per operation (null for an overflow
 * under FAIL, which writes nothing). With a SET or INCRBY the value is first grown with zeros to
 * hold the farthest field written (even when every write then fails, as Redis does); with only
 * GETs nothing is written and a missing key stays missing.
 */
export function bitfield(ks: Keyspace, key: string, ops: BitfieldOp[]): (bigint | null)[] {
  let bm = openBitmap(ks, key);
  const writes = ops.filter((op) => op.kind !== "get");
  if (writes.length > 0) {
    let needed = 0;
    for (const op of writes) needed = Math.max(needed, Math.floor((op.offset + op.bits - 1) / 8) + 1);
    checkValueSize(ks, needed);
    if (needed > bm.length) {
      writeAt(ks, key, bm.row, needed - 1, new Uint8Array(1));
      bm = openBitmap(ks, key);
    }
  }
  const io = fieldBytes(ks, key, bm);
  const out: (bigint | null)[] = [];
  for (const op of ops) {
    const raw = readField(io, op.offset, op.bits);
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.kind === "get") {
      out.push(old);
      continue;
    }
    let next: bigint;
    let overflow: { over: number; limit: bigint };
    if (op.kind === "incrby") {
      overflow = overflowOf(op.signed, op.bits, old, op.value, op.overflow);
      next = overflow.over ? overflow.limit : old + op.value;
    } else {
      const value = op.signed ? op.value : u64(op.value);
      overflow = overflowOf(op.signed, op.bits, value, 0n, op.overflow);
      next = overflow.over ? overflow.limit : value;
    }
    if (overflow.over && op.overflow === "fail") {
      out.push(null);
      continue;
    }
    out.push(op.kind === "incrby" ? next : old);
    if (next !== old) writeField(io, op.offset, op.bits, next);
  }
  io.finish();
  return out;
}
