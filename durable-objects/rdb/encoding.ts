/**
 * RDB's building blocks (Redis src/rdb.c), shared by FUNCTION DUMP/RESTORE and the DUMP/RESTORE
 * of keys: the length encoding, the string encodings (verbatim, small integers, LZF), and the
 * payload frame that DUMP adds (the 2-byte RDB version, then the CRC-64 of all before it).
 *
 * Lengths: the top two bits of the first byte say `00` 6-bit length, `01` 14-bit length
 * (big-endian over two bytes), `10` with 0x80 a 32-bit and 0x81 a 64-bit big-endian length,
 * `11` a special string encoding in the low six bits (0, 1, 2: an 8/16/32-bit little-endian
 * signed integer written as its decimal text; 3: LZF, compressed length then original length).
 *
 * Writing follows rdbSaveRawString: a string of at most 11 bytes that is a canonical 64-bit
 * integer within 32 bits is stored as an integer; one over 20 bytes is LZF-compressed when that
 * saves at least 4 bytes (Redis's default `rdbcompression yes`); anything else verbatim.
 */
import { parseI64 } from "../args";
import { crc64Footer } from "./crc64";
import { lzfCompress, lzfDecompress } from "./lzf";

/** The RDB version Redis 7.0 writes (and the newest it reads). */
export const RDB_VERSION = 10;
/**
 * The RDB version of Redis 7.4, the first with hash fields that have their own TTL: a payload
 * holding such a hash says so (and redis-server 7.0 refuses it, as it refuses Redis 7.4's).
 */
export const RDB_VERSION_HASH_TTL = 12;

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/**
 * The longest string a reader accepts (32 MiB): a payload cannot make the server allocate more
 * for one string, whatever length it claims.
 */
export const MAX_RDB_STRING = 32 * 1024 * 1024;

/**
 * What one decoded element costs in memory beyond its bytes, about: a small Uint8Array with its
 * own buffer takes some 200 bytes of heap. RESTORE charges it per element against its budget,
 * so a payload of millions of tiny elements is refused rather than decoded.
 */
export const ELEMENT_COST = 128;

/**
 * What DUMP counts for an element of `length` bytes against the payload limit: more than
 * RESTORE charges for it (its bytes, its cost, its share of a listpack node), so whatever DUMP
 * writes here, RESTORE here takes.
 */
export function dumpCost(length: number): number {
  return length + 2 * ELEMENT_COST + 16;
}

/** A malformed RDB stream; the message says what was wrong (for logs and tests). */
export class RdbError extends Error {}

const encoder = new TextEncoder();

/** A growable byte buffer with RDB's writers. */
export class RdbWriter {
  private buf = new Uint8Array(64);
  private n = 0;

  private room(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.n++] = b & 0xff;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.n);
    this.n += bytes.length;
    return this;
  }

  /** rdbSaveLen. */
  length(len: number): this {
    if (len < 1 << 6) return this.byte(len);
    if (len < 1 << 14) return this.byte((len >> 8) | 0x40).byte(len);
    if (len <= 0xffffffff) {
      this.byte(0x80);
      return this.byte(len >>> 24).byte(len >>> 16).byte(len >>> 8).byte(len);
    }
    this.byte(0x81);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(len), false);
    return this.raw(b);
  }

  /** rdbSaveLen of a 64-bit length given as a bigint (a module type id: rdbSaveObject). */
  bigLength(len: bigint): this {
    if (len < 0n || len >= 1n << 64n) throw new RangeError("not a 64-bit length");
    if (len <= 0xffffffffn) return this.length(Number(len));
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, len, false);
    return this.byte(0x81).raw(b);
  }

  /** rdbSaveRawString (with compression on, as Redis's default). */
  string(s: Uint8Array | string, compress = true): this {
    const bytes = typeof s === "string" ? encoder.encode(s) : s;
    if (bytes.length <= 11) {
      const enc = integerEncoding(bytes);
      if (enc) return this.raw(enc);
    }
    if (compress && bytes.length > 20) {
      const packed = lzfCompress(bytes, bytes.length - 4);
      if (packed) return this.byte(0xc0 | ENC_LZF).length(packed.length).length(bytes.length).raw(packed);
    }
    return this.length(bytes.length).raw(bytes);
  }

  /** rdbSaveMillisecondTime: a signed 64-bit little-endian integer. */
  millis(ms: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(ms), true);
    return this.raw(b);
  }

  /** rdbSaveBinaryDoubleValue: the IEEE 754 double, little-endian. */
  binaryDouble(d: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, d, true);
    return this.raw(b);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.n;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }

  /** The bytes written so far framed as a DUMP payload: RDB version (little-endian), CRC-64. */
  payload(version = RDB_VERSION): Uint8Array {
    this.byte(version).byte(version >> 8);
    const body = this.buf.subarray(0, this.n);
    return this.raw(crc64Footer(body)).bytes();
  }
}

/** rdbTryIntegerEncoding: the integer form of a canonical decimal within 32 bits, else null. */
function integerEncoding(bytes: Uint8Array): Uint8Array | null {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  const v = parseI64(s);
  if (v === null) return null;
  const n = Number(v);
  if (n >= -(1 << 7) && n < 1 << 7) return Uint8Array.of(0xc0 | ENC_INT8, n & 0xff);
  if (n >= -(1 << 15) && n < 1 << 15) return Uint8Array.of(0xc0 | ENC_INT16, n & 0xff, (n >> 8) & 0xff);
  if (n >= -(2 ** 31) && n < 2 ** 31) return Uint8Array.of(0xc0 | ENC_INT32, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  return null;
}

/** Reads an RDB stream; every read past the end or malformed encoding throws RdbError. */
export class RdbReader {
  pos = 0;
  /** Bytes the strings read so far decoded to (LZF can make them many times the payload). */
  private decoded = 0;
  constructor(
    private readonly data: Uint8Array,
    /** Where reading must stop (a DUMP payload's 10-byte footer is not data). */
    readonly end = data.length,
    readonly maxString = MAX_RDB_STRING,
    /** The most bytes all strings of the stream may decode to together. */
    readonly maxDecoded = Infinity,
  ) {}

  remaining(): number {
    return this.end - this.pos;
  }

  byte(): number {
    if (this.pos >= this.end) throw new RdbError("unexpected end of data");
    return this.data[this.pos++]!;
  }

  raw(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new RdbError("unexpected end of data");
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rdbLoadLenByRef: a length, or (encoded) the number of a special string encoding. */
  lengthOrEncoding(): { encoded: boolean; value: number } {
    const first = this.byte();
    const type = first >> 6;
    if (type === 3) return { encoded: true, value: first & 0x3f };
    if (type === 0) return { encoded: false, value: first & 0x3f };
    if (type === 1) return { encoded: false, value: ((first & 0x3f) << 8) | this.byte() };
    if (first === 0x80) {
      const b = this.raw(4);
      return { encoded: false, value: ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 };
    }
    if (first === 0x81) {
      const v = new DataView(this.raw(8).slice().buffer).getBigUint64(0, false);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError("length too large");
      return { encoded: false, value: Number(v) };
    }
    throw new RdbError(`unknown length encoding ${first}`);
  }

  /** rdbLoadLen of any 64-bit length, as a bigint (a module type id: rdbLoadObject). */
  bigLength(): bigint {
    if (this.pos < this.end && this.data[this.pos] === 0x81) {
      this.pos++;
      return new DataView(this.raw(8).slice().buffer).getBigUint64(0, false);
    }
    return BigInt(this.length());
  }

  /** A plain length (an encoded one here is an error). */
  length(): number {
    const { encoded, value } = this.lengthOrEncoding();
    if (encoded) throw new RdbError("unexpected string encoding where a length was expected");
    return value;
  }

  /** rdbLoadMillisecondTime (RDB 9 and later): a signed 64-bit little-endian integer. */
  millis(): bigint {
    return new DataView(this.raw(8).slice().buffer).getBigInt64(0, true);
  }

  /** rdbLoadBinaryDoubleValue. */
  binaryDouble(): number {
    return new DataView(this.raw(8).slice().buffer).getFloat64(0, true);
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte (253 nan, 254 inf, 255 -inf), then ASCII. */
  textDouble(): number {
    const len = this.byte();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    let s = "";
    for (const b of this.raw(len)) s += String.fromCharCode(b);
    return strtod(s);
  }

  /** rdbGenericLoadStringObject: the string's bytes, whatever its encoding. */
  string(): Uint8Array {
    const out = this.stringBytes();
    this.charge(out.length + ELEMENT_COST);
    return out;
  }

  /** Counts `n` bytes of decoded data against the budget. */
  charge(n: number): void {
    this.decoded += n;
    if (this.decoded > this.maxDecoded) throw new RdbError("payload decodes to more than the limit");
  }

  /** Throws unless `n` more bytes fit the budget: checked before a string is allocated. */
  private affords(n: number): void {
    if (this.decoded + n > this.maxDecoded) throw new RdbError("payload decodes to more than the limit");
  }

  /** Charges one element taken out of a blob already read (a listpack's entries). */
  readonly entry = (): void => this.charge(ELEMENT_COST);

  private stringBytes(): Uint8Array {
    const { encoded, value } = this.lengthOrEncoding();
    if (!encoded) {
      if (value > this.maxString) throw new RdbError("string too long");
      this.affords(value);
      return this.raw(value).slice();
    }
    switch (value) {
      case ENC_INT8: {
        const b = this.raw(1);
        return encoder.encode(String((b[0]! << 24) >> 24));
      }
      case ENC_INT16: {
        const b = this.raw(2);
        return encoder.encode(String(((b[0]! | (b[1]! << 8)) << 16) >> 16));
      }
      case ENC_INT32: {
        const b = this.raw(4);
        return encoder.encode(String(b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)));
      }
      case ENC_LZF: {
        const clen = this.length();
        const len = this.length();
        // LZF's densest form is a 3-byte reference to 264 bytes: a longer claim is corrupt.
        if (len > this.maxString || len > clen * 88) throw new RdbError("invalid LZF compressed string length");
        this.affords(len);
        const out = lzfDecompress(this.raw(clen), len);
        if (!out) throw new RdbError("invalid LZF compressed string");
        return out;
      }
      default:
        throw new RdbError(`unknown string encoding ${value}`);
    }
  }
}

/**
 * C's strtod over a whole string, as Redis reads a score kept as text: a decimal number (no
 * hexadecimal: Redis never writes one), `inf`/`infinity` in any case with a sign; NaN for
 * anything else (`nan` included, which a sorted set refuses).
 */
export function strtod(s: string): number {
  const t = s.trim().toLowerCase();
  const sign = t.startsWith("-") ? -1 : 1;
  const body = t.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return sign * Infinity;
  if (/^((\d+\.?\d*)|(\.\d+))(e[+-]?\d+)?$/.test(body)) return sign * Number(body);
  return NaN;
}

/**
 * verifyDumpPayload: the RDB version of a DUMP payload whose footer checks out (version at most
 * `maxVersion`, CRC-64 right), else null.
 */
export function verifyPayload(payload: Uint8Array, maxVersion = RDB_VERSION): number | null {
  if (payload.length < 10) return null;
  const footer = payload.length - 10;
  const version = payload[footer]! | (payload[footer + 1]! << 8);
  if (version > maxVersion) return null;
  const crc = crc64Footer(payload.subarray(0, payload.length - 8));
  for (let i = 0; i < 8; i++) if (crc[i] !== payload[footer + 2 + i]) return null;
  return version;
}
