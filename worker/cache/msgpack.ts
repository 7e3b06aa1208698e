/**
 * MessagePack (the format's spec: msgpack/msgpack spec.md): `encodeMsgpack` writes a value's
 * bytes, `decodeMsgpack` reads them back; `msgpackCodec` is the cache's codec over them (the
 * bytes as base64 text in the entry, docs/caching.md).
 *
 * Values: null and undefined → nil; booleans; numbers that are safe integers → the smallest
 * int format, other numbers → float 64; bigints → the smallest int format that holds them (up
 * to 64 bits); strings → str (UTF-8); Uint8Array → bin; arrays; Map and plain objects → map;
 * Date → the timestamp extension (type −1); `MsgpackExt` → any other extension.
 * Reading: ints beyond ±2^53 come back as bigint, float 32 and float 64 as numbers, a map whose
 * keys are all strings as a plain object (own properties, `__proto__` included), any other map
 * as a Map, timestamps as Date (nanoseconds below a millisecond are dropped), other extensions
 * as MsgpackExt. Bytes that are not one whole value (truncated, trailing bytes, 0xc1, nesting
 * deeper than 512, invalid UTF-8) are refused with a MsgpackError.
 */
import type { Codec } from "./index";

/** An extension value of a type the codec does not know (type −128…127, −1 is the timestamp). */
export class MsgpackExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

/** Bytes that are not MessagePack, or a value it cannot hold. */
export class MsgpackError extends Error {}

const MAX_DEPTH = 512;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class Writer {
  buf = new Uint8Array(64);
  view = new DataView(this.buf.buffer);
  len = 0;

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(x: number): void {
    this.room(1);
    this.buf[this.len++] = x;
  }
  u16(x: number): void {
    this.room(2);
    this.view.setUint16(this.len, x);
    this.len += 2;
  }
  u32(x: number): void {
    this.room(4);
    this.view.setUint32(this.len, x);
    this.len += 4;
  }
  u64(x: bigint): void {
    this.room(8);
    this.view.setBigUint64(this.len, x);
    this.len += 8;
  }
  i64(x: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.len, x);
    this.len += 8;
  }
  f64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.len, x);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A header whose length field is 8, 16 or 32 bits (`fix`: the fix form's base and limit). */
  header(n: number, fix: [base: number, max: number] | null, c8: number | null, c16: number, c32: number): void {
    if (n > 0xffffffff) throw new MsgpackError("MessagePack: longer than 2^32-1");
    if (fix && n <= fix[1]) this.u8(fix[0] | n);
    else if (c8 !== null && n <= 0xff) (this.u8(c8), this.u8(n));
    else if (n <= 0xffff) (this.u8(c16), this.u16(n));
    else (this.u8(c32), this.u32(n));
  }
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

function writeInt(w: Writer, x: number): void {
  if (x >= 0) {
    if (x <= 0x7f) w.u8(x);
    else if (x <= 0xff) (w.u8(0xcc), w.u8(x));
    else if (x <= 0xffff) (w.u8(0xcd), w.u16(x));
    else if (x <= 0xffffffff) (w.u8(0xce), w.u32(x));
    else (w.u8(0xcf), w.u64(BigInt(x)));
  } else {
    if (x >= -32) w.u8(x & 0xff);
    else if (x >= -0x80) (w.u8(0xd0), w.u8(x & 0xff));
    else if (x >= -0x8000) (w.u8(0xd1), w.u16(x & 0xffff));
    else if (x >= -0x80000000) (w.u8(0xd2), w.u32(x >>> 0));
    else (w.u8(0xd3), w.i64(BigInt(x)));
  }
}

function writeBigInt(w: Writer, x: bigint): void {
  if (x > U64_MAX || x < I64_MIN) throw new MsgpackError("MessagePack: integer beyond 64 bits");
  if (x >= -0x80000000n && x <= 0xffffffffn) writeInt(w, Number(x));
  else if (x >= 0n) (w.u8(0xcf), w.u64(x));
  else (w.u8(0xd3), w.i64(x));
}

function writeExt(w: Writer, type: number, data: Uint8Array): void {
  const fix = [1, 2, 4, 8, 16].indexOf(data.length);
  if (fix >= 0) w.u8(0xd4 + fix);
  else w.header(data.length, null, 0xc7, 0xc8, 0xc9);
  w.u8(type & 0xff);
  w.bytes(data);
}

function writeTimestamp(w: Writer, d: Date): void {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new MsgpackError("MessagePack: invalid Date");
  const sec = Math.floor(ms / 1000);
  const nsec = (ms - sec * 1000) * 1_000_000;
  if (sec >= 0 && sec < 2 ** 34) {
    if (nsec === 0 && sec <= 0xffffffff) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, sec);
      return writeExt(w, -1, b);
    }
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, (BigInt(nsec) << 34n) | BigInt(sec));
    return writeExt(w, -1, b);
  }
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, nsec);
  v.setBigInt64(4, BigInt(sec));
  writeExt(w, -1, b);
}

function write(w: Writer, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new MsgpackError("MessagePack: nested too deep");
  if (v === null || v === undefined) return w.u8(0xc0);
  switch (typeof v) {
    case "boolean":
      return w.u8(v ? 0xc3 : 0xc2);
    case "number":
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return writeInt(w, v);
      return (w.u8(0xcb), w.f64(v));
    case "bigint":
      return writeBigInt(w, v);
    case "string": {
      const b = utf8.encode(v);
      w.header(b.length, [0xa0, 31], 0xd9, 0xda, 0xdb);
      return w.bytes(b);
    }
  }
  if (v instanceof Uint8Array) {
    w.header(v.length, null, 0xc4, 0xc5, 0xc6);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    w.header(v.length, [0x90, 15], null, 0xdc, 0xdd);
    for (const x of v) write(w, x, depth + 1);
    return;
  }
  if (v instanceof Date) return writeTimestamp(w, v);
  if (v instanceof MsgpackExt) {
    if (!Number.isInteger(v.type) || v.type < -128 || v.type > 127) throw new MsgpackError("MessagePack: extension type beyond -128..127");
    return writeExt(w, v.type, v.data);
  }
  if (v instanceof Map) {
    w.header(v.size, [0x80, 15], null, 0xde, 0xdf);
    for (const [k, x] of v) (write(w, k, depth + 1), write(w, x, depth + 1));
    return;
  }
  if (typeof v === "object") {
    // As JSON does: own enumerable string keys; undefined values are written as nil.
    const keys = Object.keys(v);
    w.header(keys.length, [0x80, 15], null, 0xde, 0xdf);
    for (const k of keys) (write(w, k, depth + 1), write(w, (v as Record<string, unknown>)[k], depth + 1));
    return;
  }
  throw new MsgpackError(`MessagePack: cannot encode a ${typeof v}`);
}

/** The MessagePack bytes of `value`. */
export function encodeMsgpack(value: unknown): Uint8Array {
  const w = new Writer();
  write(w, value, 0);
  return w.buf.slice(0, w.len);
}

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number): number {
    if (this.pos + n > this.buf.length) throw new MsgpackError("MessagePack: truncated");
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8 = () => this.buf[this.need(1)];
  u16 = () => this.view.getUint16(this.need(2));
  u32 = () => this.view.getUint32(this.need(4));
  bytes = (n: number) => this.buf.slice(this.need(n), this.pos);
}

function int64(big: bigint): number | bigint {
  return big >= -BigInt(Number.MAX_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function readTimestamp(data: Uint8Array): Date {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let sec: number;
  let nsec: number;
  if (data.length === 4) ((sec = v.getUint32(0)), (nsec = 0));
  else if (data.length === 8) {
    const x = v.getBigUint64(0);
    nsec = Number(x >> 34n);
    sec = Number(x & 0x3ffffffffn);
  } else if (data.length === 12) {
    nsec = v.getUint32(0);
    sec = Number(v.getBigInt64(4));
  } else throw new MsgpackError("MessagePack: timestamp of a bad length");
  if (nsec > 999_999_999) throw new MsgpackError("MessagePack: timestamp nanoseconds beyond 999999999");
  return new Date(sec * 1000 + Math.floor(nsec / 1_000_000));
}

function readExt(r: Reader, n: number): Date | MsgpackExt {
  const type = (r.u8() << 24) >> 24;
  const data = r.bytes(n);
  return type === -1 ? readTimestamp(data) : new MsgpackExt(type, data);
}

function readStr(r: Reader, n: number): string {
  const at = r.need(n);
  try {
    return utf8Strict.decode(r.buf.subarray(at, at + n));
  } catch {
    throw new MsgpackError("MessagePack: str is not valid UTF-8");
  }
}

function readArray(r: Reader, n: number, depth: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(read(r, depth + 1));
  return out;
}

function readMap(r: Reader, n: number, depth: number): Record<string, unknown> | Map<unknown, unknown> {
  const pairs: [unknown, unknown][] = [];
  for (let i = 0; i < n; i++) pairs.push([read(r, depth + 1), read(r, depth + 1)]);
  if (!pairs.every(([k]) => typeof k === "string")) return new Map(pairs);
  const o: Record<string, unknown> = {};
  for (const [k, v] of pairs) Object.defineProperty(o, k as string, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function read(r: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new MsgpackError("MessagePack: nested too deep");
  const b = r.u8();
  if (b <= 0x7f) return b;
  if (b >= 0xe0) return b - 0x100;
  if (b <= 0x8f) return readMap(r, b & 0x0f, depth);
  if (b <= 0x9f) return readArray(r, b & 0x0f, depth);
  if (b <= 0xbf) return readStr(r, b & 0x1f);
  const v = r.view;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
      return r.bytes(r.u8());
    case 0xc5:
      return r.bytes(r.u16());
    case 0xc6:
      return r.bytes(r.u32());
    case 0xc7:
      return readExt(r, r.u8());
    case 0xc8:
      return readExt(r, r.u16());
    case 0xc9:
      return readExt(r, r.u32());
    case 0xca:
      return v.getFloat32(r.need(4));
    case 0xcb:
      return v.getFloat64(r.need(8));
    case 0xcc:
      return r.u8();
    case 0xcd:
      return r.u16();
    case 0xce:
      return r.u32();
    case 0xcf:
      return int64(v.getBigUint64(r.need(8)));
    case 0xd0:
      return v.getInt8(r.need(1));
    case 0xd1:
      return v.getInt16(r.need(2));
    case 0xd2:
      return v.getInt32(r.need(4));
    case 0xd3:
      return int64(v.getBigInt64(r.need(8)));
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return readExt(r, 1 << (b - 0xd4));
    case 0xd9:
      return readStr(r, r.u8());
    case 0xda:
      return readStr(r, r.u16());
    case 0xdb:
      return readStr(r, r.u32());
    case 0xdc:
      return readArray(r, r.u16(), depth);
    case 0xdd:
      return readArray(r, r.u32(), depth);
    case 0xde:
      return readMap(r, r.u16(), depth);
    case 0xdf:
      return readMap(r, r.u32(), depth);
  }
  throw new MsgpackError("MessagePack: 0xc1 is never used");
}

/** The one value in `bytes`. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const v = read(r, 0);
  if (r.pos !== bytes.length) throw new MsgpackError("MessagePack: bytes after the value");
  return v;
}

/** Base64 (RFC 4648, padded) of `b`, and back. */
export function toBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new MsgpackError("MessagePack codec: the payload is not base64");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The cache's MessagePack codec: a value's MessagePack bytes, stored as base64 text in the
 * entry (4/3 the bytes; every store carries text exactly).
 * @example
 * const cache = createCache({ store, codec: msgpackCodec });
 */
export const msgpackCodec: Codec = {
  encode: (v) => toBase64(encodeMsgpack(v)),
  decode: (t) => decodeMsgpack(fromBase64(t)),
};
