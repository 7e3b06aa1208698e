export declare function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null;
export declare function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null;
