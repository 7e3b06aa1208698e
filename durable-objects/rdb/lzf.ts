/** LZF, the compression of RDB strings: the implementation is lzf.mjs, shared with the CLI. */
export { lzfCompress, lzfDecompress } from "./lzf.mjs";
