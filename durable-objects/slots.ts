/**
 * Hash slots, exactly as Redis Cluster (shared by the Worker, which routes, and the shard,
 * which checks that a script touches only keys of its own slots): `slot = crc16(key) mod 16384`, where only the part
 * inside the first `{…}` is hashed when it is non-empty, so `{user:1}:a` and `{user:1}:b`
 * always share a slot. Slots map to shards in contiguous ranges, so that a future resharding
 * moves whole ranges.
 */
import { textBytes } from "./args";
export const SLOTS = 16384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC16-CCITT (XModem), the variant Redis Cluster uses. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}


/** CRC16 of the characters `start..end` of a string of ASCII characters only (each is its byte). */
function crc16Ascii(s: string, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ s.charCodeAt(i)) & 0xff]!;
  return crc;
}

/**
 * The slot of a key.
 * @example slotOf("foo") === 12182; slotOf("{user1000}.following") === slotOf("{user1000}.followers")
 */
export function slotOf(key: string): number {
  // An ASCII key is its own bytes: hashed from its characters, with no UTF-8 copy (the common case).
  let open = -1;
  let close = -1;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) return slotOfBytes(textBytes(key));
    if (open === -1) {
      if (c === 0x7b) open = i; // "{"
    } else if (close === -1 && c === 0x7d) close = i; // "}"
  }
  if (close > open + 1) return crc16Ascii(key, open + 1, close) & (SLOTS - 1);
  return crc16Ascii(key, 0, key.length) & (SLOTS - 1);
}

function slotOfBytes(b: Uint8Array): number {
  const open = b.indexOf(0x7b); // "{"
  if (open !== -1) {
    const close = b.indexOf(0x7d, open + 1); // "}"
    if (close > open + 1) return crc16(b, open + 1, close) & (SLOTS - 1);
  }
  return crc16(b) & (SLOTS - 1);
}

/**
 * The one slot every key matching a glob-style pattern hashes to, or -1 when they may hash to
 * several (Redis Cluster's patternHashSlot): a wildcard or an escape before a non-empty `{tag}`
 * means any slot; a non-empty `{tag}` first means that tag's slot; no wildcard at all means the
 * pattern is one key. SORT's BY and GET patterns are allowed only when this is the sorted key's slot.
 * @example patternSlot("{user1}:w_*") === slotOf("{user1}:list"); patternSlot("w_*") === -1
 */
export function patternSlot(pattern: Uint8Array): number {
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === 0x2a || c === 0x3f || c === 0x5b || c === 0x5c) return -1; // * ? [ \
    if (open === -1 && c === 0x7b) open = i;
    else if (open >= 0 && c === 0x7d) {
      if (i === open + 1) open = -2; // "{}": the whole pattern is hashed
      else return crc16(pattern, open + 1, i) & (SLOTS - 1);
    }
  }
  return crc16(pattern) & (SLOTS - 1);
}

/** The shard that owns a slot: contiguous ranges of slots per shard. */
export function shardForSlot(slot: number, shards: number): number {
  return Math.floor((slot * shards) / SLOTS);
}

export function shardOf(key: string, shards: number): number {
  return shardForSlot(slotOf(key), shards);
}
