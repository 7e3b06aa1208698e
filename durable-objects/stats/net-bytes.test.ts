import { describe, expect, it } from "vitest";
import { utf8Length } from "../store/memory-usage";
import { commandBytes, replyBytes } from "./net-bytes";

describe("RESP byte counts (INFO total_net_*_bytes)", () => {
  it("counts a command as its RESP array of bulk strings", () => {
    // *2\r\n $3\r\nGET\r\n $1\r\nk\r\n
    expect(commandBytes(["GET", "k"])).toBe(4 + 9 + 7);
    expect(commandBytes(["SET", new Uint8Array(1000), "é"])).toBe(4 + 9 + (7 + 1000 + 2) + (4 + 2 + 2));
  });

  it("counts replies as RESP2 writes them", () => {
    expect(replyBytes({ status: "OK" })).toBe(5);
    expect(replyBytes({ error: "ERR x" })).toBe(8);
    expect(replyBytes(12)).toBe(5);
    expect(replyBytes(null)).toBe(5);
    expect(replyBytes("v")).toBe(7);
    expect(replyBytes(["a", 1, null])).toBe(4 + 7 + 4 + 5);
  });

  it("measures strings in UTF-8", () => {
    expect(utf8Length("abc")).toBe(3);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
  });
});
