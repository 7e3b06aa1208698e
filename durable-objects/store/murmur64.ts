/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit), endian neutral as Redis uses it for
 * HyperLogLog: 64-bit arithmetic over pairs of 32-bit halves, so the hot path needs no BigInt.
 */

let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64, into rh:rl. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rl = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  rh = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

const MH = 0xc6a4a793;
const ML = 0x5bd1e995;

/** MurmurHash64A as Redis computes it (endian neutral): [high 32 bits, low 32 bits]. */
export function murmurHash64A(data: Uint8Array, seed: number): [number, number] {
  const len = data.length;
  mul64(0, len >>> 0, MH, ML);
  let hh = rh;
  let hl = (rl ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let kl = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
    let kh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0;
    mul64(kh, kl, MH, ML);
    kh = rh;
    kl = (rl ^ (rh >>> 15)) >>> 0;
    mul64(kh, kl, MH, ML);
    hh = (hh ^ rh) >>> 0;
    hl = (hl ^ rl) >>> 0;
    mul64(hh, hl, MH, ML);
    hh = rh;
    hl = rl;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = data[blocks + j]!;
      if (j >= 4) hh = (hh ^ (b << ((j - 4) * 8))) >>> 0;
      else hl = (hl ^ (b << (j * 8))) >>> 0;
    }
    mul64(hh, hl, MH, ML);
    hh = rh;
    hl = rl;
  }
  hl = (hl ^ (hh >>> 15)) >>> 0;
  mul64(hh, hl, MH, ML);
  hh = rh;
  hl = (rl ^ (rh >>> 15)) >>> 0;
  return [hh, hl];
}
