/** LZF decompression (Redis's lzf_d.c), for RDB strings stored compressed (keys among them). */

/** @param {Uint8Array} src @param {number} outLen @returns {Buffer} */
export function lzfDecompress(src, outLen) {
  const out = Buffer.alloc(outLen);
  let i = 0;
  let o = 0;
  while (i < src.length) {
    const ctrl = src[i++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (o + n > outLen || i + n > src.length) throw new Error("bad LZF data");
      out.set(src.subarray(i, i + n), o);
      i += n;
      o += n;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (i >= src.length) throw new Error("bad LZF data");
        len += src[i++];
      }
      if (i >= src.length) throw new Error("bad LZF data");
      const ref = o - ((ctrl & 0x1f) << 8) - src[i++] - 1;
      len += 2;
      if (ref < 0 || o + len > outLen) throw new Error("bad LZF data");
      for (let k = 0; k < len; k++) out[o++] = out[ref + k];
    }
  }
  if (o !== outLen) throw new Error("bad LZF data");
  return out;
}
