/**
 * The compact blobs Redis stores inside an RDB string (src/listpack.c, ziplist.c, intset.c,
 * zipmap.c): listpacks are written and read; ziplists, intsets and zipmaps, which older versions
 * write, are read (intsets also written: Redis 7.0 writes a small set of integers as one).
 *
 * Listpack: a 4-byte total length and a 2-byte entry count (65535: unknown), both
 * little-endian, the entries, then 0xFF. An entry is an encoding byte (7-bit unsigned, 13-bit
 * signed, 16/24/32/64-bit signed integers; 6-bit, 12-bit and 32-bit string lengths), its data,
 * then its own length (encoding + data) in 1 to 5 bytes readable from the right ("backlen").
 * A string that is a canonical 64-bit integer is stored as an integer (lpStringToInt64).
 *
 * Readers answer every entry as bytes (integers as their decimal text) and throw RdbError on
 * anything malformed: a length past the blob, a bad encoding byte, counts that disagree.
 */
import { parseI64 } from "../args";
import { RdbError } from "./encoding";

const encoder = new TextEncoder();
const decimal = (v: bigint | number) => encoder.encode(String(v));

/** The listpack integer form of `s` (lpStringToInt64), else null. */
function listpackInteger(s: Uint8Array): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  let t = "";
  for (const b of s) t += String.fromCharCode(b);
  return parseI64(t);
}

/** Builds a listpack, entry by entry, as lpAppend does. */
export class ListpackWriter {
  private parts: Uint8Array[] = [];
  private size = 7; // header and terminator
  count = 0;

  /** The listpack's total length so far (lpBytes). */
  get bytesLength(): number {
    return this.size;
  }

  add(value: Uint8Array): this {
    const n = listpackInteger(value);
    return n === null ? this.push(stringEntry(value)) : this.addInt(n);
  }

  addInt(v: bigint): this {
    return this.push(integerEntry(v));
  }

  private push(entry: Uint8Array): this {
    const back = backlen(entry.length);
    this.parts.push(entry, back);
    this.size += entry.length + back.length;
    this.count++;
    return this;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.size, true);
    view.setUint16(4, Math.min(this.count, 65535), true);
    let at = 6;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    out[at] = 0xff;
    return out;
  }
}

function stringEntry(s: Uint8Array): Uint8Array {
  const len = s.length;
  let head: number[];
  if (len < 64) head = [0x80 | len];
  else if (len < 4096) head = [0xe0 | (len >> 8), len & 0xff];
  else head = [0xf0, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, len >>> 24];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(s, head.length);
  return out;
}

function integerEntry(v: bigint): Uint8Array {
  if (v >= 0n && v <= 127n) return Uint8Array.of(Number(v));
  if (v >= -4096n && v <= 4095n) {
    const u = Number(v < 0n ? (1n << 13n) + v : v);
    return Uint8Array.of((u >> 8) | 0xc0, u & 0xff);
  }
  const [tag, width] = v >= -32768n && v <= 32767n ? [0xf1, 2] : v >= -8388608n && v <= 8388607n ? [0xf2, 3] : v >= -(2n ** 31n) && v < 2n ** 31n ? [0xf3, 4] : [0xf4, 8];
  const out = new Uint8Array(1 + width);
  out[0] = tag;
  let u = BigInt.asUintN(width * 8, v);
  for (let i = 1; i <= width; i++, u >>= 8n) out[i] = Number(u & 0xffn);
  return out;
}

/** lpEncodeBacklen: the entry length, most significant 7-bit group first, all but it flagged 0x80. */
function backlen(l: number): Uint8Array {
  if (l <= 127) return Uint8Array.of(l);
  const n = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--, l = Math.floor(l / 128)) out[i] = i === 0 ? l : (l & 127) | 128;
  return out;
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function need(b: Uint8Array, at: number, n: number): void {
  if (at + n > b.length) throw new RdbError("entry runs past the end of its blob");
}

function signed(b: Uint8Array, at: number, width: number): bigint {
  let u = 0n;
  for (let i = width - 1; i >= 0; i--) u = (u << 8n) | BigInt(b[at + i]!);
  return BigInt.asIntN(width * 8, u);
}

/**
 * The entries of a listpack (lpValidateIntegrity: header, each entry and its backlen, count).
 * Each reader calls `onEntry` before it keeps an entry (RESTORE charges its budget there).
 */
export function readListpack(lp: Uint8Array, onEntry: () => void = () => {}): Uint8Array[] {
  if (lp.length < 7 || u32le(lp, 0) !== lp.length) throw new RdbError("listpack header length is wrong");
  const claimed = lp[4]! | (lp[5]! << 8);
  const out: Uint8Array[] = [];
  let p = 6;
  for (;;) {
    need(lp, p, 1);
    const b = lp[p]!;
    if (b === 0xff) break;
    let entry: Uint8Array;
    let len: number;
    if (b < 0x80) {
      entry = decimal(b);
      len = 1;
    } else if (b >> 6 === 2) {
      const n = b & 0x3f;
      need(lp, p + 1, n);
      entry = lp.slice(p + 1, p + 1 + n);
      len = 1 + n;
    } else if (b >> 5 === 6) {
      need(lp, p, 2);
      let v = ((b & 0x1f) << 8) | lp[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      entry = decimal(v);
      len = 2;
    } else if (b >> 4 === 0xe) {
      need(lp, p, 2);
      const n = ((b & 0x0f) << 8) | lp[p + 1]!;
      need(lp, p + 2, n);
      entry = lp.slice(p + 2, p + 2 + n);
      len = 2 + n;
    } else if (b === 0xf0) {
      need(lp, p, 5);
      const n = u32le(lp, p + 1);
      need(lp, p + 5, n);
      entry = lp.slice(p + 5, p + 5 + n);
      len = 5 + n;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const width = [2, 3, 4, 8][b - 0xf1]!;
      need(lp, p, 1 + width);
      entry = decimal(signed(lp, p + 1, width));
      len = 1 + width;
    } else {
      throw new RdbError(`invalid listpack encoding ${b}`);
    }
    const back = backlen(len);
    need(lp, p + len, back.length);
    for (let i = 0; i < back.length; i++) if (lp[p + len + i] !== back[i]) throw new RdbError("listpack backlen is wrong");
    p += len + back.length;
    onEntry();
    out.push(entry);
  }
  if (p !== lp.length - 1) throw new RdbError("listpack ends before its length");
  if (claimed !== 65535 && claimed !== out.length) throw new RdbError("listpack count is wrong");
  return out;
}

/** The entries of a ziplist (Redis before 7.0): prevlen, encoding, data; then 0xFF. */
export function readZiplist(zl: Uint8Array, onEntry: () => void = () => {}): Uint8Array[] {
  if (zl.length < 11 || u32le(zl, 0) !== zl.length) throw new RdbError("ziplist header length is wrong");
  const claimed = zl[8]! | (zl[9]! << 8);
  const out: Uint8Array[] = [];
  let p = 10;
  for (;;) {
    need(zl, p, 1);
    if (zl[p] === 0xff) break;
    if (zl[p] === 0xfe) p += 5;
    else p += 1;
    onEntry();
    need(zl, p, 1);
    const b = zl[p]!;
    if (b >> 6 === 0) {
      need(zl, p + 1, b & 0x3f);
      out.push(zl.slice(p + 1, p + 1 + (b & 0x3f)));
      p += 1 + (b & 0x3f);
    } else if (b >> 6 === 1) {
      need(zl, p, 2);
      const n = ((b & 0x3f) << 8) | zl[p + 1]!;
      need(zl, p + 2, n);
      out.push(zl.slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (b === 0x80) {
      need(zl, p, 5);
      const n = ((zl[p + 1]! << 24) | (zl[p + 2]! << 16) | (zl[p + 3]! << 8) | zl[p + 4]!) >>> 0;
      need(zl, p + 5, n);
      out.push(zl.slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else {
      const width = b === 0xc0 ? 2 : b === 0xd0 ? 4 : b === 0xe0 ? 8 : b === 0xf0 ? 3 : b === 0xfe ? 1 : 0;
      if (width > 0) {
        need(zl, p, 1 + width);
        out.push(decimal(signed(zl, p + 1, width)));
        p += 1 + width;
      } else if (b >= 0xf1 && b <= 0xfd) {
        out.push(decimal((b & 0x0f) - 1));
        p += 1;
      } else {
        throw new RdbError(`invalid ziplist encoding ${b}`);
      }
    }
  }
  if (p !== zl.length - 1) throw new RdbError("ziplist ends before its length");
  if (claimed !== 65535 && claimed !== out.length) throw new RdbError("ziplist count is wrong");
  return out;
}

/** An intset of these (distinct) integers, in the narrowest width that holds them all. */
export function writeIntset(values: bigint[]): Uint8Array {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (v < -(2n ** 31n) || v >= 2n ** 31n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + width * sorted.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, sorted.length, true);
  sorted.forEach((v, i) => {
    let u = BigInt.asUintN(width * 8, v);
    for (let k = 0; k < width; k++, u >>= 8n) out[8 + i * width + k] = Number(u & 0xffn);
  });
  return out;
}

/** The members of an intset (intsetValidateIntegrity: width, length, strictly ascending). */
export function readIntset(is: Uint8Array, onEntry: () => void = () => {}): Uint8Array[] {
  if (is.length < 8) throw new RdbError("intset too short");
  const width = u32le(is, 0);
  const count = u32le(is, 4);
  if ((width !== 2 && width !== 4 && width !== 8) || is.length !== 8 + width * count) throw new RdbError("intset header is wrong");
  const out: Uint8Array[] = [];
  let prev: bigint | null = null;
  for (let i = 0; i < count; i++) {
    const v = signed(is, 8 + i * width, width);
    if (prev !== null && v <= prev) throw new RdbError("intset is not sorted");
    prev = v;
    onEntry();
    out.push(decimal(v));
  }
  return out;
}

/** The field, value pairs of a zipmap (Redis 2.x hashes): zmlen, (len key len free value)*, 0xFF. */
export function readZipmap(zm: Uint8Array, onEntry: () => void = () => {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 1;
  const len = (): number => {
    need(zm, p, 1);
    const b = zm[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      need(zm, p, 5);
      const n = u32le(zm, p + 1);
      p += 5;
      return n;
    }
    throw new RdbError("invalid zipmap length");
  };
  for (;;) {
    need(zm, p, 1);
    if (zm[p] === 0xff) break;
    onEntry();
    onEntry();
    const klen = len();
    need(zm, p, klen);
    out.push(zm.slice(p, p + klen));
    p += klen;
    const vlen = len();
    need(zm, p, 1);
    const free = zm[p]!;
    p += 1;
    need(zm, p, vlen + free);
    out.push(zm.slice(p, p + vlen));
    p += vlen + free;
  }
  if (p !== zm.length - 1) throw new RdbError("zipmap ends before its length");
  return out;
}
