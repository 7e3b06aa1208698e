/**
 * The CLI's CRC-64: the shards' implementation (durable-objects/rdb/crc64.mjs), with
 * `crc64(data)` starting from 0.
 */
import { Crc64 } from "../../durable-objects/rdb/crc64.mjs";

export { Crc64 };

/** @param {Uint8Array} data */
export function crc64(data) {
  return new Crc64().update(data).value();
}
