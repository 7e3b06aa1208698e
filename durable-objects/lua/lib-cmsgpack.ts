/**
 * `cmsgpack` as Redis bundles lua-cmsgpack: pack(...) encodes each argument (integers in the
 * smallest integer form, other numbers as float32 when exact else float64, tables as arrays
 * when their keys are exactly 1..n — the empty table included — else as maps, nesting capped
 * at 16 levels); unpack(s) returns every value in s; unpack_one/unpack_limit also return the
 * offset to continue from.
 */
import { argError, checkInt, checkString, lib, optInt } from "./args";
import { LuaError, LuaTable, Pieces, allocate, substring, work, type LuaValue } from "./value";

const MAX_NESTING = 16;

function byteString(b: number[]): string {
  return String.fromCharCode(...b);
}

function encodeInt(n: number, out: Pieces): void {
  if (n >= 0) {
    if (n <= 127) out.push(String.fromCharCode(n));
    else if (n <= 0xff) out.push(byteString([0xcc, n]));
    else if (n <= 0xffff) out.push(byteString([0xcd, n >> 8, n & 0xff]));
    else if (n <= 0xffffffff) out.push(byteString([0xce, ...be(BigInt(n), 4)]));
    else out.push(byteString([0xcf, ...be(BigInt.asUintN(64, BigInt(n)), 8)]));
  } else {
    if (n >= -32) out.push(String.fromCharCode(0x100 + n));
    else if (n >= -128) out.push(byteString([0xd0, n & 0xff]));
    else if (n >= -32768) out.push(byteString([0xd1, (n >> 8) & 0xff, n & 0xff]));
    else if (n >= -2147483648) out.push(byteString([0xd2, ...be(BigInt.asUintN(32, BigInt(n)), 4)]));
    else out.push(byteString([0xd3, ...be(BigInt.asUintN(64, BigInt(n)), 8)]));
  }
}

function be(v: bigint, bytes: number): number[] {
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return out;
}

function encodeFloat(n: number, out: Pieces): void {
  const f = Math.fround(n);
  const dv = new DataView(new ArrayBuffer(8));
  if (f === n || Number.isNaN(n)) {
    dv.setFloat32(0, n);
    out.push(byteString([0xca, ...new Uint8Array(dv.buffer, 0, 4)]));
  } else {
    dv.setFloat64(0, n);
    out.push(byteString([0xcb, ...new Uint8Array(dv.buffer)]));
  }
}

function lenHeader(n: number, fix: number, fixMax: number, c16: number, c32: number, out: Pieces): void {
  if (n < fixMax) out.push(String.fromCharCode(fix | n));
  else if (n <= 0xffff) out.push(byteString([c16, n >> 8, n & 0xff]));
  else out.push(byteString([c32, ...be(BigInt(n), 4)]));
}

function isArray(t: LuaTable): number {
  let count = 0;
  let max = 0;
  for (let e = t.next(undefined); e; e = t.next(e[0])) {
    const k = e[0];
    if (typeof k !== "number" || !Number.isInteger(k) || k < 1) return -1;
    if (k > max) max = k;
    count++;
  }
  return max === count ? max : -1;
}

function encode(v: LuaValue, out: Pieces, level: number): void {
  if (typeof v === "string") {
    const n = v.length;
    if (n < 32) out.push(String.fromCharCode(0xa0 | n));
    else if (n <= 0xff) out.push(byteString([0xd9, n]));
    else if (n <= 0xffff) out.push(byteString([0xda, n >> 8, n & 0xff]));
    else out.push(byteString([0xdb, ...be(BigInt(n), 4)]));
    out.push(v);
  } else if (typeof v === "boolean") out.push(String.fromCharCode(v ? 0xc3 : 0xc2));
  else if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) encodeInt(v, out);
    else encodeFloat(v, out);
  } else if (v instanceof LuaTable && level < MAX_NESTING) {
    const n = isArray(v);
    if (n >= 0) {
      lenHeader(n, 0x90, 16, 0xdc, 0xdd, out);
      work(n, 1);
      for (let i = 1; i <= n; i++) encode(v.get(i), out, level + 1);
    } else {
      let count = 0;
      for (let e = v.next(undefined); e; e = v.next(e[0])) count++;
      lenHeader(count, 0x80, 16, 0xde, 0xdf, out);
      work(count, 1);
      for (let e = v.next(undefined); e; e = v.next(e[0])) {
        encode(e[0], out, level + 1);
        encode(e[1], out, level + 1);
      }
    }
  } else out.push(String.fromCharCode(0xc0));
}

class Decoder {
  pos = 0;
  constructor(readonly s: string) {}

  private need(n: number): void {
    if (this.pos + n > this.s.length) throw new LuaError("Missing bytes in input.", true);
  }

  private uint(n: number): number {
    this.need(n);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.pos++));
    return Number(v);
  }

  private int(n: number): number {
    this.need(n);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.s.charCodeAt(this.pos++));
    return Number(BigInt.asIntN(n * 8, v));
  }

  private str(n: number): string {
    this.need(n);
    const out = substring(this.s, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private float(n: 4 | 8): number {
    this.need(n);
    const dv = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < n; i++) dv.setUint8(i, this.s.charCodeAt(this.pos++));
    return n === 4 ? dv.getFloat32(0) : dv.getFloat64(0);
  }

  private array(n: number): LuaTable {
    const t = new LuaTable();
    for (let i = 1; i <= n; i++) t.rawSet(i, this.value());
    return t;
  }

  private map(n: number): LuaTable {
    const t = new LuaTable();
    for (let i = 0; i < n; i++) {
      const k = this.value();
      const v = this.value();
      if (k !== undefined && !(typeof k === "number" && Number.isNaN(k))) t.rawSet(k, v);
    }
    return t;
  }

  value(): LuaValue {
    this.need(1);
    const c = this.s.charCodeAt(this.pos++);
    if (c <= 0x7f) return c;
    if (c >= 0xe0) return c - 0x100;
    if ((c & 0xe0) === 0xa0) return this.str(c & 0x1f);
    if ((c & 0xf0) === 0x90) return this.array(c & 0x0f);
    if ((c & 0xf0) === 0x80) return this.map(c & 0x0f);
    switch (c) {
      case 0xc0:
        return undefined;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return this.uint(8);
      case 0xd0:
        return this.int(1);
      case 0xd1:
        return this.int(2);
      case 0xd2:
        return this.int(4);
      case 0xd3:
        return this.int(8);
      case 0xca:
        return this.float(4);
      case 0xcb:
        return this.float(8);
      case 0xd9:
      case 0xc4:
        return this.str(this.uint(1));
      case 0xda:
      case 0xc5:
        return this.str(this.uint(2));
      case 0xdb:
      case 0xc6:
        return this.str(this.uint(4));
      case 0xdc:
        return this.array(this.uint(2));
      case 0xdd:
        return this.array(this.uint(4));
      case 0xde:
        return this.map(this.uint(2));
      case 0xdf:
        return this.map(this.uint(4));
      default:
        throw new LuaError("Bad data format in input.", true);
    }
  }
}

/** Decodes up to `limit` values (0: all) from `offset`; returns them and the next offset (-1 at the end). */
function unpackFrom(s: string, limit: number, offset: number): { values: LuaValue[]; next: number } {
  const d = new Decoder(s);
  d.pos = offset;
  const values: LuaValue[] = [];
  while (d.pos < s.length && (limit === 0 || values.length < limit)) values.push(d.value());
  // What was read: its bytes of work, and strings of at most its size.
  work(d.pos - offset, 2);
  allocate(d.pos - offset);
  return { values, next: d.pos < s.length ? d.pos : -1 };
}

export function cmsgpackLib(): LuaTable {
  return lib({
    pack: (a) => {
      if (a.length === 0) throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)", true);
      const out = new Pieces();
      for (const v of a) encode(v, out, 0);
      return [out.join()];
    },
    unpack: (a) => unpackFrom(checkString(a, 0, "unpack"), 0, 0).values,
    unpack_one: (a) => {
      const { values, next } = unpackFrom(checkString(a, 0, "unpack_one"), 1, optInt(a, 1, "unpack_one", 0));
      return [next, ...values];
    },
    unpack_limit: (a) => {
      const limit = checkInt(a, 1, "unpack_limit");
      if (limit < 0) argError(1, "unpack_limit", "limit must be positive");
      const { values, next } = unpackFrom(checkString(a, 0, "unpack_limit"), limit, optInt(a, 2, "unpack_limit", 0));
      return [next, ...values];
    },
  });
}
