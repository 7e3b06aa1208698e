import { describe, expect, it } from "vitest";
import { crc16, slotOf } from "./slots";

// Expected slots are redis-server 7.0.15's CLUSTER KEYSLOT answers.
const KEYSLOT: [string, number][] = [
  ["foo", 12182],
  ["{user1000}.following", 3443],
  ["{user1000}.followers", 3443],
  ["a{}b", 13694],
  ["{}", 15257],
  ["{", 4092],
  ["}{x}", 16287],
  ["x{y", 2740],
  ["abc{}{d}", 717],
  ["{pipe}bench:hit:1", 13269],
  ["", 0],
  ["é", 10180],
  ["{é}:a", 10180],
  ["日本{語}", 6482],
];

describe("slotOf", () => {
  it.each(KEYSLOT)("slotOf(%j) is Redis's CLUSTER KEYSLOT", (key, slot) => {
    expect(slotOf(key)).toBe(slot);
  });

  it("hashes an ASCII key as its UTF-8 bytes", () => {
    for (const key of ["k", "bench:set:9999", "{a}", "x{}y{z}", "~\x7f{\x01}"]) {
      const bytes = new TextEncoder().encode(key);
      const open = bytes.indexOf(0x7b);
      const close = open === -1 ? -1 : bytes.indexOf(0x7d, open + 1);
      const expected = close > open + 1 ? crc16(bytes, open + 1, close) : crc16(bytes);
      expect(slotOf(key)).toBe(expected & 16383);
    }
  });
});
