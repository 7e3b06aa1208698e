/**
 * CRC-64/Jones as Redis computes it for DUMP payloads and RDB files (src/crc64.c): polynomial
 * 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor. Redis's test
 * vector: crc64(0, "123456789") = 0xe9c6d914c4b8d9ca.
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

/** The CRC-64 of `data`, continuing from `crc` (0 to start). */
export function crc64(crc: bigint, data: Uint8Array): bigint {
  let hi = Number((crc >> 32n) & 0xffffffffn);
  let lo = Number(crc & 0xffffffffn);
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ TABLE_HI[idx]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The 8 bytes Redis appends after a payload: the CRC-64 of everything before, little-endian. */
export function crc64Footer(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, crc64(0n, data), true);
  return out;
}
