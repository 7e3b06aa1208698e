export { Crc64 } from "../../durable-objects/rdb/crc64.mjs";
export declare function crc64(data: Uint8Array): bigint;
