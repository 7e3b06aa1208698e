/**
 * SHA-1 (FIPS 180-4), synchronous: script handlers cannot await crypto.subtle. Used for the
 * script cache's keys (EVALSHA) and `redis.sha1hex`, where SHA-1 is an identifier, not a
 * security measure.
 */

/** The lower-case hex SHA-1 of `bytes`. @example sha1hex(new Uint8Array()) === "da39a3ee5e6b4b0d3255bfef95601890afd80709" */
export function sha1hex(bytes: Uint8Array): string {
  const len = bytes.length;
  const blocks = ((len + 8) >> 6) + 1;
  const w = new Uint32Array(blocks * 16);
  for (let i = 0; i < len; i++) w[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  w[len >> 2]! |= 0x80 << (24 - (len & 3) * 8);
  w[blocks * 16 - 1] = (len * 8) >>> 0;
  w[blocks * 16 - 2] = Math.floor((len * 8) / 0x100000000);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const m = new Uint32Array(80);
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < 16; t++) m[t] = w[b * 16 + t]!;
    for (let t = 16; t < 80; t++) {
      const x = m[t - 3]! ^ m[t - 8]! ^ m[t - 14]! ^ m[t - 16]!;
      m[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let bb = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (bb & c) | (~bb & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = bb ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (bb & c) | (bb & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = bb ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + m[t]!) >>> 0;
      e = d;
      d = c;
      c = (bb << 30) | (bb >>> 2);
      bb = a;
      a = temp;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + bb) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  return [h0, h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, "0")).join("");
}
