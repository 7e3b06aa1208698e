/**
 * CRC-64/Jones as Redis computes it for DUMP payloads and RDB files (src/crc64.c): polynomial
 * 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor. Redis's test
 * vector: crc64(0, "123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Plain JavaScript (types in crc64.d.mts) so that the shards (through crc64.ts) and the CLI
 * (scripts/cli/, run by Node without a build step) share this one implementation.
 *
 * The 64-bit register is kept as two 32-bit halves (hi, lo) so that a byte costs a few integer
 * operations rather than BigInt arithmetic; a DUMP payload can be megabytes long.
 */

/** The reflected polynomial (bit-reversed 0xad93d23594c935a9) as two halves. */
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

/** A running CRC-64: `update` with each chunk, `value()` the result so far, `bytes()` as Redis appends it. */
export class Crc64 {
  /** @param {bigint} [crc] the CRC to continue from (0 to start) */
  constructor(crc = 0n) {
    this.hi = Number((crc >> 32n) & 0xffffffffn);
    this.lo = Number(crc & 0xffffffffn);
  }

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
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.lo, true);
    view.setUint32(4, this.hi, true);
    return out;
  }
}

/** The CRC-64 of `data`, continuing from `crc` (0 to start). */
export function crc64(crc, data) {
  return new Crc64(crc).update(data).value();
}

/** The 8 bytes Redis appends after a payload: the CRC-64 of everything before, little-endian. */
export function crc64Footer(data) {
  return new Crc64().update(data).bytes();
}
