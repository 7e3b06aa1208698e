/**
 * CRC-64/Jones as Redis computes it for DUMP payloads and RDB files (src/crc64.c), the same
 * function as durable-objects/rdb/crc64.ts in plain JavaScript for the CLI: polynomial
 * 0xad93d23594c935a9, reflected, initial value 0, no final xor. crc64(0n, "123456789") is
 * 0xe9c6d914c4b8d9can. The register is two 32-bit halves, so a byte costs a few integer ops.
 */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** A running CRC-64: `update` with each chunk, `value` the result so far, `bytes()` as Redis writes it. */
export class Crc64 {
  hi = 0;
  lo = 0;
  /** @param {Uint8Array} data */
  update(data) {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const idx = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ TABLE_HI[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }
  /** @returns {bigint} */
  value() {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
  /** The 8 bytes little-endian, as Redis appends them. */
  bytes() {
    const out = Buffer.alloc(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }
}

/** @param {Uint8Array} data */
export function crc64(data) {
  return new Crc64().update(data).value();
}
