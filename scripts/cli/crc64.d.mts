export declare class Crc64 {
  update(data: Uint8Array): this;
  value(): bigint;
  bytes(): Buffer;
}
export declare function crc64(data: Uint8Array): bigint;
