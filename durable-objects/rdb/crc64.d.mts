export declare class Crc64 {
  hi: number;
  lo: number;
  constructor(crc?: bigint);
  update(data: Uint8Array): this;
  value(): bigint;
  bytes(): Uint8Array;
}
export declare function crc64(crc: bigint, data: Uint8Array): bigint;
export declare function crc64Footer(data: Uint8Array): Uint8Array;
