/**
 * LZF decompression for RDB strings stored compressed (keys among them): the shards'
 * implementation (durable-objects/rdb/lzf.mjs), as a Buffer, throwing on bad data.
 */
import { lzfDecompress as decompress } from "../../durable-objects/rdb/lzf.mjs";

/** @param {Uint8Array} src @param {number} outLen @returns {Buffer} */
export function lzfDecompress(src, outLen) {
  const out = decompress(src, outLen);
  if (!out) throw new Error("bad LZF data");
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
