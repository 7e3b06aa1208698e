/**
 * LZF, the compression of RDB strings (liblzf 3.x as vendored by Redis: src/lzf_c.c, lzf_d.c).
 *
 * Format: a control byte `000LLLLL` starts a run of L+1 literal bytes; `LLLooooo oooooooo` is a
 * back reference of L+2 bytes (L = 1..6) at distance o+1; `111ooooo LLLLLLLL oooooooo` one of
 * L+9 bytes.
 *
 * `lzfCompress` produces the same bytes as Redis's build (HLOG 16, VERY_FAST, a hash table that
 * starts empty), so that a DUMP here can equal redis-server's byte for byte: the same hash of
 * the next three bytes (computed in 32-bit unsigned arithmetic, as the C `unsigned int`), the same
 * rule that position 0 is never a reference (`ref > in_data`), the same re-hashing of two
 * positions after a match, and the same "does not fit in `maxOut`" bail-outs.
 *
 * Plain JavaScript (types in lzf.d.mts) so that the shards (through lzf.ts) and the CLI
 * (scripts/cli/, run by Node without a build step) share this one implementation.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** @param {number} h */
function idx(h) {
  return (((h >>> (3 * 8 - HLOG)) - Math.imul(h, 5)) >>> 0) & (HSIZE - 1);
}

/**
 * `input` compressed into at most `maxOut` bytes, or null when it does not fit (Redis then stores
 * the string verbatim; it asks for at most `length - 4` bytes).
 */
/** @param {Uint8Array} input @param {number} maxOut @returns {Uint8Array | null} */
export function lzfCompress(input, maxOut) {
  const inLen = input.length;
  if (inLen === 0 || maxOut <= 0) return null;
  // Positions + 1 (0 is the C table's NULL): a slot remembers where its hash was last seen.
  const htab = new Int32Array(HSIZE);
  const out = new Uint8Array(maxOut + 3 + MAX_LIT);
  let ip = 0;
  let op = 1; // the first literal run's control byte is at 0
  let lit = 0;
  let hval = (input[0] << 8) | (input[1] ?? 0);
  while (ip < inLen - 2) {
    hval = ((hval << 8) | input[ip + 2]) >>> 0;
    const slot = idx(hval);
    const ref = htab[slot] - 1;
    htab[slot] = ip + 1;
    const off = ip - ref - 1;
    if (ref > 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] && input[ref] === input[ip] && input[ref + 1] === input[ip + 1]) {
      let len = 2;
      const maxlen = Math.min(inLen - ip - len, MAX_REF);
      if (op + 3 + 1 >= maxOut && op - (lit === 0 ? 1 : 0) + 3 + 1 >= maxOut) return null;
      out[op - lit - 1] = lit - 1; // close the literal run (undone below when empty)
      if (lit === 0) op--;
      // As lzf_c.c: with more than 16 bytes left, 16 comparisons come first without the
      // maxlen bound (near the end of the input this can give a match longer than maxlen).
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a literal run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) >>> 0;
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= maxOut) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > maxOut) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  if (op > maxOut) return null;
  return out.slice(0, op);
}

/** `input` decompressed to exactly `outLen` bytes, or null when it is not valid LZF of that length. */
/** @param {Uint8Array} input @param {number} outLen @returns {Uint8Array | null} */
export function lzfDecompress(input, outLen) {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 1 << 5) {
      const n = ctrl + 1;
      if (op + n > outLen || ip + n > input.length) return null;
      out.set(input.subarray(ip, ip + n), op);
      ip += n;
      op += n;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= input.length) return null;
      if (len === 7) {
        len += input[ip++];
        if (ip >= input.length) return null;
      }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  return op === outLen ? out : null;
}
