/** CRC-64/Jones as Redis computes it: the implementation is crc64.mjs, shared with the CLI. */
export { Crc64, crc64, crc64Footer } from "./crc64.mjs";
