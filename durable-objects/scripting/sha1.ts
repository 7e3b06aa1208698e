/**
 * SHA-1 (FIPS 180-4), synchronous: script handlers cannot await crypto.subtle. Used for the
 * script cache's keys (EVALSHA) and `redis.sha1hex`, where SHA-1 is an identifier, not a
 * security measure. Streams over its input in 64-byte blocks: hashing allocates nothing in
 * proportion to the input.
 */

/**
 * The lower-case hex SHA-1 of `input`: bytes, or a byte string (one char per byte, as Lua
 * strings are held).
 * @example sha1hex(new Uint8Array()) === "da39a3ee5e6b4b0d3255bfef95601890afd80709"
 */
export function sha1hex(input: Uint8Array | string): string {
  const len = input.length;
  const byteAt = typeof input === "string" ? (i: number) => input.charCodeAt(i) : (i: number) => input[i]!;
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const m = new Uint32Array(80);
  const full = len - (len % 64);
  if (typeof input === "string") {
    for (let at = 0; at < full; at += 64) {
      for (let t = 0, i = at; t < 16; t++, i += 4) {
        m[t] = (input.charCodeAt(i) << 24) | (input.charCodeAt(i + 1) << 16) | (input.charCodeAt(i + 2) << 8) | input.charCodeAt(i + 3);
      }
      compress(h, m);
    }
  } else {
    for (let at = 0; at < full; at += 64) {
      for (let t = 0, i = at; t < 16; t++, i += 4) m[t] = (input[i]! << 24) | (input[i + 1]! << 16) | (input[i + 2]! << 8) | input[i + 3]!;
      compress(h, m);
    }
  }
  // The last block(s): the remaining bytes, 0x80, zeros, and the length in bits.
  const tail = new Uint8Array(len % 64 < 56 ? 64 : 128);
  for (let i = full; i < len; i++) tail[i - full] = byteAt(i);
  tail[len - full] = 0x80;
  const end = tail.length;
  const hi = Math.floor((len * 8) / 0x100000000);
  const lo = (len * 8) >>> 0;
  for (let k = 0; k < 4; k++) {
    tail[end - 1 - k] = (lo >>> (8 * k)) & 0xff;
    tail[end - 5 - k] = (hi >>> (8 * k)) & 0xff;
  }
  for (let at = 0; at < end; at += 64) {
    for (let t = 0; t < 16; t++) {
      const i = at + t * 4;
      m[t] = (tail[i]! << 24) | (tail[i + 1]! << 16) | (tail[i + 2]! << 8) | tail[i + 3]!;
    }
    compress(h, m);
  }
  return [...h].map((x) => x.toString(16).padStart(8, "0")).join("");
}

/** One block: `m[0..15]` holds its words; updates the state `h`. */
function compress(h: Uint32Array, m: Uint32Array): void {
  for (let t = 16; t < 80; t++) {
    const x = m[t - 3]! ^ m[t - 8]! ^ m[t - 14]! ^ m[t - 16]!;
    m[t] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const temp = (((a << 5) | (a >>> 27)) + f + e + k + m[t]!) >>> 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  h[0] = (h[0]! + a) >>> 0;
  h[1] = (h[1]! + b) >>> 0;
  h[2] = (h[2]! + c) >>> 0;
  h[3] = (h[3]! + d) >>> 0;
  h[4] = (h[4]! + e) >>> 0;
}
