/**
 * HyperLogLog values in Redis's own representation, as src/hyperloglog.c describes it, so the
 * bytes of a value are redis-server's for the same inputs and a value moves both ways (GET/SET,
 * DUMP/RESTORE). Pure functions over Uint8Array; nothing here knows SQL or argv.
 *
 * A value is a 16-byte header and registers:
 * - header: "HYLL", the encoding (0 dense, 1 sparse), 3 unused bytes, and the cached
 *   cardinality, 8 bytes little endian; the top bit of its last byte set means "stale".
 * - dense: 16384 registers of 6 bits, packed from each byte's least significant bit up
 *   (12288 bytes; a dense value is exactly 12304 bytes).
 * - sparse: run-length opcodes. ZERO `00xxxxxx` (1..64 zero registers), XZERO `01xxxxxx
 *   yyyyyyyy` (1..16384 zero registers, 14 bits), VAL `1vvvvvxx` (1..4 registers of value
 *   1..32). A register above 32, or a value that would grow past SPARSE_MAX_BYTES
 *   (Redis's hll-sparse-max-bytes), turns the value dense.
 *
 * An element is hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits choose the
 * register, and the register takes the position of the first 1 bit among the other 50 (1-based;
 * 51 when all are zero) if that is larger. The estimate is Ertl's improved estimator (Redis 7).
 *
 * Sparse updates edit the opcodes in place exactly as Redis does (split the opcode that covers
 * the register, then merge equal neighbouring VALs, looking at most 5 opcodes from the previous
 * one), since equal bytes need the same edits, not only the same registers.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { murmurHash64A } from "./murmur64";

export const REGISTERS = 16384;
export const HEADER_BYTES = 16;
export const DENSE_BYTES = HEADER_BYTES + (REGISTERS * 6) / 8;
/** Redis's default hll-sparse-max-bytes. */
export const SPARSE_MAX_BYTES = 3000;

const DENSE = 0;
const SPARSE = 1;
const REGISTER_MAX = 63;
const SPARSE_VAL_MAX = 32;
const SPARSE_VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;
const Q = 50;
const ALPHA_INF = 0.721347520444481703680; // 0.5 / ln 2

const corrupt = (): CommandError => new CommandError(Errors.hllCorrupt);

export const HLL_SEED = 0xadc83b19;

/** The register an element goes to and the value it offers (1..51). */
export function registerOf(element: Uint8Array): { index: number; count: number } {
  const [hi, lo] = murmurHash64A(element, HLL_SEED);
  const index = lo & (REGISTERS - 1);
  const low = lo >>> 14; // hash bits 14..31
  let count: number;
  if (low !== 0) count = 32 - Math.clz32(low & -low);
  else if (hi !== 0) count = 18 + 32 - Math.clz32(hi & -hi);
  else count = Q + 1;
  return { index, count };
}

// ---------------------------------------------------------------------------------------------
// Header.

/** Whether `v` is a HyperLogLog Redis accepts: magic, a known encoding, a dense value's exact size. */
export function isHll(v: Uint8Array): boolean {
  if (v.length < HEADER_BYTES) return false;
  if (v[0] !== 0x48 || v[1] !== 0x59 || v[2] !== 0x4c || v[3] !== 0x4c) return false;
  const enc = v[4]!;
  if (enc > SPARSE) return false;
  return enc !== DENSE || v.length === DENSE_BYTES;
}

function invalidateCache(v: Uint8Array): void {
  v[15] = v[15]! | 0x80;
}

function cacheValid(v: Uint8Array): boolean {
  return (v[15]! & 0x80) === 0;
}

function readCache(v: Uint8Array): number | bigint {
  let n = 0n;
  for (let i = 15; i >= 8; i--) n = (n << 8n) | BigInt(v[i]!);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function writeCache(v: Uint8Array, card: number): void {
  let n = card;
  for (let i = 8; i < 16; i++) {
    v[i] = n % 256;
    n = Math.floor(n / 256);
  }
}

/** A new, empty HyperLogLog: sparse, one XZERO of every register, cached cardinality 0. */
export function emptyHll(): Uint8Array {
  const v = new Uint8Array(HEADER_BYTES + 2);
  v.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]);
  v[16] = 0x40 | ((XZERO_MAX_LEN - 1) >> 8);
  v[17] = (XZERO_MAX_LEN - 1) & 0xff;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Dense registers (offset by the header).

function denseGet(v: Uint8Array, i: number): number {
  const byte = HEADER_BYTES + ((i * 6) >> 3);
  const fb = (i * 6) & 7;
  const b1 = byte + 1 < v.length ? v[byte + 1]! : 0;
  return ((v[byte]! >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
}

function denseSet(v: Uint8Array, i: number, val: number): void {
  const byte = HEADER_BYTES + ((i * 6) >> 3);
  const fb = (i * 6) & 7;
  v[byte] = (v[byte]! & ~(REGISTER_MAX << fb)) | (val << fb);
  if (byte + 1 < v.length) v[byte + 1] = (v[byte + 1]! & ~(REGISTER_MAX >> (8 - fb))) | (val >> (8 - fb));
}

/** Raises register i to `val`: true if it changed. */
function denseRaise(v: Uint8Array, i: number, val: number): boolean {
  if (val <= denseGet(v, i)) return false;
  denseSet(v, i, val);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes.

const isZero = (b: number): boolean => (b & 0xc0) === 0;
const isXZero = (b: number): boolean => (b & 0xc0) === 0x40;
const isVal = (b: number): boolean => (b & 0x80) !== 0;
const zeroLen = (b: number): number => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number): number => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number): number => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number): number => (b & 0x3) + 1;
const val = (value: number, len: number): number => 0x80 | ((value - 1) << 2) | (len - 1);

/** Calls `run(first, length, value)` for every opcode; false when they do not cover exactly 16384 registers. */
function walkSparse(v: Uint8Array, run: (first: number, len: number, value: number) => boolean | void): boolean {
  let p = HEADER_BYTES;
  let idx = 0;
  while (p < v.length) {
    const b = v[p]!;
    if (isZero(b)) {
      idx += zeroLen(b);
      p++;
    } else if (isXZero(b)) {
      idx += xzeroLen(b, p + 1 < v.length ? v[p + 1]! : 0);
      p += 2;
    } else {
      const len = valLen(b);
      if (run(idx, len, valValue(b)) === false) return false;
      idx += len;
      p++;
    }
  }
  return idx === REGISTERS;
}

/** A sparse value being edited: bytes with room to grow, `len` of them used. */
class SparseBuffer {
  buf: Uint8Array;
  len: number;
  constructor(v: Uint8Array) {
    this.buf = new Uint8Array(v.length + 16);
    this.buf.set(v);
    this.len = v.length;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
  private room(extra: number): void {
    if (this.len + extra + 1 <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra + 16));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  /** Replaces `oldLen` bytes at p by `seq`. */
  splice(p: number, oldLen: number, seq: number[]): void {
    const delta = seq.length - oldLen;
    this.room(Math.max(delta, 0));
    this.buf.copyWithin(p + seq.length, p + oldLen, this.len);
    this.buf.set(seq, p);
    this.len += delta;
    if (delta < 0) this.buf.fill(0, this.len, this.len - delta);
  }
}

type SparseOutcome = "unchanged" | "changed" | "promote";

/**
 * Raises register `index` to `count` in a sparse value, Redis's way (split, then merge
 * neighbours). "promote": the value must turn dense first (a count above 32, or the value would
 * grow past `maxBytes`). Throws INVALIDOBJ when the opcodes do not reach the register.
 */
function sparseRaise(s: SparseBuffer, index: number, count: number, maxBytes: number): SparseOutcome {
  if (count > SPARSE_VAL_MAX) return "promote";
  const b = s.buf;
  const end = s.len;
  let p = HEADER_BYTES;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, b[p + 1]!);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) throw corrupt();

  const op = b[p]!;
  const zero = isZero(op);
  const xzero = isXZero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1]!) : valLen(op);
  let edited = false;
  if (!zero && !xzero) {
    const old = valValue(op);
    if (old >= count) return "unchanged";
    if (runlen === 1) {
      b[p] = val(count, 1);
      edited = true;
    }
  } else if (zero && runlen === 1) {
    b[p] = val(count, 1);
    edited = true;
  }

  if (!edited) {
    // Split the opcode: [before] VAL(count) [after].
    const last = first + span - 1;
    const seq: number[] = [];
    const zeros = (n: number): void => {
      if (n > ZERO_MAX_LEN) seq.push(0x40 | ((n - 1) >> 8), (n - 1) & 0xff);
      else seq.push(n - 1);
    };
    if (zero || xzero) {
      if (index !== first) zeros(index - first);
      seq.push(val(count, 1));
      if (index !== last) zeros(last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(val(cur, index - first));
      seq.push(val(count, 1));
      if (index !== last) seq.push(val(cur, last - index));
    }
    const oldLen = xzero ? 2 : 1;
    const delta = seq.length - oldLen;
    if (delta > 0 && s.len + delta > maxBytes) return "promote";
    s.splice(p, oldLen, seq);
  }

  // Merge equal neighbouring VALs, up to 5 opcodes from the previous one.
  let q = prev >= 0 ? prev : HEADER_BYTES;
  let scan = 5;
  while (q < s.len && scan-- > 0) {
    const c = s.buf[q]!;
    if (isXZero(c)) {
      q += 2;
      continue;
    }
    if (isZero(c)) {
      q++;
      continue;
    }
    if (q + 1 < s.len && isVal(s.buf[q + 1]!)) {
      const n = s.buf[q + 1]!;
      const v1 = valValue(c);
      if (v1 === valValue(n)) {
        const len = valLen(c) + valLen(n);
        if (len <= SPARSE_VAL_MAX_LEN) {
          s.buf[q + 1] = val(v1, len);
          s.splice(q, 1, []);
          continue;
        }
      }
    }
    q++;
  }
  return "changed";
}

/** The dense form of a sparse value (same header, encoding 0); INVALIDOBJ if the opcodes are broken. */
export function toDense(v: Uint8Array): Uint8Array {
  if (v[4] === DENSE) return v;
  const d = new Uint8Array(DENSE_BYTES);
  d.set(v.subarray(0, HEADER_BYTES));
  d[4] = DENSE;
  const ok = walkSparse(v, (first, len, value) => {
    if (first + len > REGISTERS) return false;
    for (let i = first; i < first + len; i++) denseSet(d, i, value);
  });
  if (!ok) throw corrupt();
  return d;
}

// ---------------------------------------------------------------------------------------------
// Operations.

/** An HLL being updated: sparse while it can be, then dense. */
class Editor {
  private sparse: SparseBuffer | null;
  private dense: Uint8Array | null;
  constructor(
    v: Uint8Array,
    private readonly maxBytes: number,
  ) {
    this.sparse = v[4] === SPARSE ? new SparseBuffer(v) : null;
    this.dense = v[4] === SPARSE ? null : v.slice();
  }
  /** Raises register `index` to `count`; true if it changed. */
  raise(index: number, count: number): boolean {
    if (this.sparse) {
      const r = sparseRaise(this.sparse, index, count, this.maxBytes);
      if (r !== "promote") return r === "changed";
      this.makeDense();
    }
    return denseRaise(this.dense!, index, count);
  }
  makeDense(): void {
    if (!this.sparse) return;
    this.dense = toDense(this.sparse.bytes());
    this.sparse = null;
  }
  isDense(): boolean {
    return this.dense !== null;
  }
  bytes(): Uint8Array {
    return this.dense ?? this.sparse!.bytes();
  }
}

/**
 * PFADD: `current` (a valid HLL, or null for a new key) with `elements` added. `changed` is
 * PFADD's reply: a new key or a register raised; then the cached cardinality is marked stale.
 */
export function addElements(
  current: Uint8Array | null,
  elements: Uint8Array[],
  maxBytes = SPARSE_MAX_BYTES,
): { value: Uint8Array; changed: boolean } {
  let changed = current === null;
  const ed = new Editor(current ?? emptyHll(), maxBytes);
  for (const e of elements) {
    const { index, count } = registerOf(e);
    if (ed.raise(index, count)) changed = true;
  }
  const value = ed.bytes();
  if (changed) invalidateCache(value);
  return { value, changed };
}

/** Raises `max` (16384 registers, one byte each) to the registers of `v`; INVALIDOBJ if broken. */
export function mergeInto(max: Uint8Array, v: Uint8Array): void {
  if (v[4] === DENSE) {
    for (let i = 0; i < REGISTERS; i++) {
      const r = denseGet(v, i);
      if (r > max[i]!) max[i] = r;
    }
    return;
  }
  const ok = walkSparse(v, (first, len, value) => {
    if (first + len > REGISTERS) return false;
    for (let i = first; i < first + len; i++) if (value > max[i]!) max[i] = value;
  });
  if (!ok) throw corrupt();
}

/** Ertl's sigma and tau ("New cardinality estimation algorithms for HyperLogLog sketches"). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (prev !== z);
  return z / 3;
}

/** The estimate from a histogram of register values (index 0..63). */
function estimate(histo: number[]): number {
  const m = REGISTERS;
  let z = m * tau((m - histo[Q + 1]!) / m);
  for (let j = Q; j >= 1; j--) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * sigma(histo[0]! / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

function histogramOf(v: Uint8Array): number[] {
  const h = new Array<number>(64).fill(0);
  if (v[4] === DENSE) {
    for (let i = 0; i < REGISTERS; i++) h[denseGet(v, i)]!++;
    return h;
  }
  let covered = 0;
  const ok = walkSparse(v, (_first, len, value) => {
    h[value]! += len;
    covered += len;
  });
  if (!ok) throw corrupt();
  h[0] = REGISTERS - covered;
  return h;
}

/** The estimate of a union held as one byte per register (PFCOUNT of several keys). */
export function countRegisters(max: Uint8Array): number {
  const h = new Array<number>(64).fill(0);
  for (let i = 0; i < REGISTERS; i++) h[max[i]!]!++;
  return estimate(h);
}

/**
 * PFCOUNT of one HLL: the cached cardinality while it is valid, else the estimate and `value`,
 * the HLL with the estimate cached (to be written back, as Redis does).
 */
export function cardinality(v: Uint8Array): { card: number | bigint; value: Uint8Array | null } {
  if (cacheValid(v)) return { card: readCache(v), value: null };
  const card = estimate(histogramOf(v));
  const value = v.slice();
  writeCache(value, card);
  return { card, value };
}

/**
 * PFMERGE: `dest` (a valid HLL or null) raised to the union `max`, dense if `dense` (some input
 * was dense), with the cached cardinality marked stale.
 */
export function mergedValue(dest: Uint8Array | null, max: Uint8Array, dense: boolean, maxBytes = SPARSE_MAX_BYTES): Uint8Array {
  const ed = new Editor(dest ?? emptyHll(), maxBytes);
  if (dense) ed.makeDense();
  for (let i = 0; i < REGISTERS; i++) if (max[i]! > 0) ed.raise(i, max[i]!);
  const value = ed.bytes();
  invalidateCache(value);
  return value;
}

/** PFDEBUG GETREG: every register's value (from the dense form). */
export function registerValues(v: Uint8Array): number[] {
  const d = toDense(v);
  return Array.from({ length: REGISTERS }, (_, i) => denseGet(d, i));
}

/** PFDEBUG DECODE: a sparse value's opcodes as Redis prints them (`Z:n` XZERO, `z:n` ZERO, `v:value,len` VAL). */
export function decodeSparse(v: Uint8Array): string {
  const out: string[] = [];
  let p = HEADER_BYTES;
  while (p < v.length) {
    const b = v[p]!;
    if (isZero(b)) {
      out.push(`z:${zeroLen(b)}`);
      p++;
    } else if (isXZero(b)) {
      out.push(`Z:${xzeroLen(b, p + 1 < v.length ? v[p + 1]! : 0)}`);
      p += 2;
    } else {
      out.push(`v:${valValue(b)},${valLen(b)}`);
      p++;
    }
  }
  return out.join(" ");
}

/** Whether a valid HLL is dense. */
export function isDense(v: Uint8Array): boolean {
  return v[4] === DENSE;
}
