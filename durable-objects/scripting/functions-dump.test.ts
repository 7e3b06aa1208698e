import { describe, expect, it } from "vitest";
import { RdbWriter } from "../rdb/encoding";
import { CommandError } from "../reply";
import { dumpLibraries, readLibraryDump } from "./functions-dump";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);

const A = "#!lua name=dumpa\nredis.register_function('dumpa_get', function(keys) return redis.call('GET', keys[1]) end)";
const B =
  "#!lua name=dumpb\n" +
  Array.from({ length: 6 }, (_, i) => `redis.register_function('dumpb_${i}', function(keys, args) return args[1] .. '${i}' end)\n`).join("");

/** redis-server 7.0.15's FUNCTION DUMP with only A, only B, both, and none loaded. */
const REDIS = {
  a: "f5c34062406b1f23216c7561206e616d653d64756d70610a72656469732e72656769737465725f0966756e6374696f6e2827601e065f676574272c20e000150b6b657973292072657475726e2006403a0863616c6c28274745542027401e085b315d2920656e64290a00795d2da856557df9",
  b: "f5c3409342031f23216c7561206e616d653d64756d70620a72656469732e72656769737465725f0966756e6374696f6e2827601e045f30272c20e00013116b6579732c2061726773292072657475726e600c0e5b315d202e2e2027302720656e6429e017520031e022520031e01d520032e022520032e01d520033e022520033e01d520034e022520034e01d520035e022520035605201290a0a002c4c9dd46e15fa5e",
  both: "f5c34062406b1f23216c7561206e616d653d64756d70610a72656469732e72656769737465725f0966756e6374696f6e2827601e065f676574272c20e000150b6b657973292072657475726e2006403a0863616c6c28274745542027401e085b315d2920656e6429f5c3409342031f23216c7561206e616d653d64756d70620a72656469732e72656769737465725f0966756e6374696f6e2827601e045f30272c20e00013116b6579732c2061726773292072657475726e600c0e5b315d202e2e2027302720656e6429e017520031e022520031e01d520032e022520032e01d520033e022520033e01d520034e022520034e01d520035e022520035605201290a0a0023bf2fd6958cc4d7",
  none: "0a005d9b5c400f7fa2da",
  /** DUMP of a string key: a valid payload that holds no function. */
  stringKey: "0001760a009108ceb219388ace",
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

describe("FUNCTION DUMP payloads", () => {
  it("are byte for byte redis-server's (LZF-compressed code, RDB 10, CRC-64)", () => {
    expect(hex(dumpLibraries([utf8(A)]))).toBe(REDIS.a);
    expect(hex(dumpLibraries([utf8(B)]))).toBe(REDIS.b);
    expect(hex(dumpLibraries([utf8(A), utf8(B)]))).toBe(REDIS.both);
    expect(hex(dumpLibraries([]))).toBe(REDIS.none);
  });

  it("read back redis-server's payloads in their order", () => {
    expect(readLibraryDump(unhex(REDIS.both)).map((c) => new TextDecoder().decode(c))).toEqual([A, B]);
    expect(readLibraryDump(unhex(REDIS.none))).toEqual([]);
  });

  it("read Redis 7.0-rc's older opcode (name, engine, description, code) as today's form", () => {
    // 246, "lib", "LUA", has-description 1, "d", code without its first line; then the footer.
    const body = [0xf6, 3, ...utf8("lib"), 3, ...utf8("LUA"), 1, 1, ...utf8("d"), 4, ...utf8("\nx=1")];
    const p = new RdbWriter().raw(Uint8Array.from(body)).payload();
    expect(readLibraryDump(p).map((c) => new TextDecoder().decode(c))).toEqual(["#!LUA name=lib\n\nx=1"]);
  });

  it("refuse a bad footer, a payload that is not functions and a truncated string with Redis's texts", () => {
    expect(refusal(() => readLibraryDump(utf8("foo")))).toBe("ERR DUMP payload version or checksum are wrong");
    const flipped = unhex(REDIS.a);
    flipped[20]! ^= 1;
    expect(refusal(() => readLibraryDump(flipped))).toBe("ERR DUMP payload version or checksum are wrong");
    expect(refusal(() => readLibraryDump(unhex(REDIS.stringKey)))).toBe("ERR given type is not a function");
    expect(refusal(() => readLibraryDump(new RdbWriter().byte(0xf5).byte(0x05).raw(utf8("ab")).payload()))).toBe("ERR Failed loading library payload");
  });
});
