/**
 * The string store directly (bytes in, bytes out) and through the shard's RPC and the HTTP API:
 * binary safety, the size limit of a value, and LCS's table limit. Redis behaviour as such is
 * covered by the conformance cases (test/conformance/cases/strings*.ts).
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Errors } from "../errors";
import { CommandError } from "../reply";
import { freshShard } from "../../test/workers/shard-client";
import { Keyspace } from "./keyspace";
import { DEFAULT_MAX_VALUE_BYTES } from "../limits";
import { MAX_LCS_CELLS } from "./lcs";
import {
  appendString,
  getRange,
  getString,
  incrementFloat,
  incrementInteger,
  MAX_STRING_BYTES,
  setRange,
  setString,
  stringLength,
} from "./strings";

/** Every byte value, including NUL and bytes that are not UTF-8. */
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
const TOO_LARGE = Errors.valueTooLarge(MAX_STRING_BYTES);

function withKeyspace<T>(fn: (ks: Keyspace) => T): Promise<T> {
  return freshShard("strings-test").sql((sql) => fn(new Keyspace(sql, () => {})));
}

const shard = () => freshShard("strings-rpc").rpc;

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e.reply;
    throw e;
  }
  return undefined;
}

describe("binary safety", () => {
  it("stores and returns every byte value unchanged", async () => {
    await withKeyspace((ks) => {
      setString(ks, "k", ALL_BYTES);
      expect(getString(ks, "k")).toEqual(ALL_BYTES);
      expect(stringLength(ks, "k")).toEqual(256);
      expect(getRange(ks, "k", 254n, -1n)).toEqual(Uint8Array.of(1, 0));
      expect(appendString(ks, "k", Uint8Array.of(0xff, 0))).toEqual(258);
      expect(setRange(ks, "k", 0n, Uint8Array.of(0x80))).toEqual(258);
      const expected = Uint8Array.from([0x80, ...ALL_BYTES.subarray(1), 0xff, 0]);
      expect(getString(ks, "k")).toEqual(expected);
    });
  });

  it("round-trips raw bytes through the shard's RPC", async () => {
    const s = shard();
    const replies = await s.exec([
      ["SET", "k", ALL_BYTES],
      ["GET", "k"],
      ["STRLEN", "k"],
      ["APPEND", "k", Uint8Array.of(0xc3)],
      ["GETRANGE", "k", "-2", "-1"],
    ]);
    expect(replies[0]).toEqual({ status: "OK" });
    expect(new Uint8Array(replies[1] as Uint8Array)).toEqual(ALL_BYTES);
    expect(replies.slice(2, 4)).toEqual([256, 257]);
    expect(new Uint8Array(replies[4] as Uint8Array)).toEqual(Uint8Array.of(0, 0xc3));
  });

  it("round-trips a raw request body over HTTP (path form, base64 replies)", async () => {
    const auth = { authorization: "Bearer test-token" };
    const key = `bin-${Math.random()}`;
    let res = await SELF.fetch(`http://edgekv/set/${key}`, { method: "POST", headers: auth, body: ALL_BYTES });
    expect(await res.json()).toEqual({ result: "OK" });
    res = await SELF.fetch(`http://edgekv/get/${key}`, { headers: { ...auth, "upstash-encoding": "base64" } });
    const { result } = (await res.json()) as { result: string };
    expect(Uint8Array.from(atob(result), (c) => c.charCodeAt(0))).toEqual(ALL_BYTES);
    res = await SELF.fetch(`http://edgekv/strlen/${key}`, { headers: auth });
    expect(await res.json()).toEqual({ result: 256 });
  });

  it("counts UTF-8 text in bytes", async () => {
    await withKeyspace((ks) => {
      setString(ks, "k", new TextEncoder().encode("日本😀"));
      expect(stringLength(ks, "k")).toEqual(10);
    });
  });

  it("refuses numbers that are not text", async () => {
    await withKeyspace((ks) => {
      setString(ks, "k", Uint8Array.of(0x31, 0xff));
      expect(errorOf(() => incrementInteger(ks, "k", 1n))).toEqual(Errors.notInteger);
      expect(errorOf(() => incrementFloat(ks, "k", "1"))).toEqual(Errors.notFloat);
      expect(getString(ks, "k")).toEqual(Uint8Array.of(0x31, 0xff));
    });
  });

  it("refuses a float with an embedded NUL, as Redis's INCRBYFLOAT does", async () => {
    await withKeyspace((ks) => {
      setString(ks, "k", Uint8Array.of(0x31, 0, 0x78));
      expect(() => incrementFloat(ks, "k", "1")).toThrow("ERR value is not a valid float");
    });
  });
});

describe("size limits", () => {
  it("a collection element stays bounded by MAX_STRING_BYTES (one row)", async () => {
    const replies = await shard().exec([
      ["RPUSH", "l", new Uint8Array(MAX_STRING_BYTES + 1)],
      ["SADD", "s", new Uint8Array(MAX_STRING_BYTES + 1)],
      ["EXISTS", "l", "s"],
    ]);
    expect(replies).toEqual([{ error: TOO_LARGE }, { error: TOO_LARGE }, 0]);
  });

  it("a string value may pass MAX_STRING_BYTES, up to the configured limit", async () => {
    const big = new Uint8Array(MAX_STRING_BYTES + 1).fill(7);
    const replies = await shard().exec([
      ["MSET", "a", "1", "b", big],
      ["STRLEN", "b"],
    ]);
    expect(replies).toEqual([{ status: "OK" }, MAX_STRING_BYTES + 1]);
    await withKeyspace((ks) => {
      expect(errorOf(() => setString(ks, "c", new Uint8Array(DEFAULT_MAX_VALUE_BYTES + 1)))).toBe(Errors.valueTooLarge(DEFAULT_MAX_VALUE_BYTES));
      expect(getString(ks, "c")).toBeNull();
    });
  });
});

describe("LCS limit", () => {
  it("refuses strings whose table would exceed MAX_LCS_CELLS", async () => {
    const side = Math.ceil(Math.sqrt(MAX_LCS_CELLS));
    const a = new Uint8Array(side).fill(97);
    const error = { error: Errors.lcsTooLarge(MAX_LCS_CELLS) };
    const replies = await shard().exec([
      ["MSET", "a", a, "b", a, "c", "abc"],
      ["LCS", "a", "b"],
      ["LCS", "a", "b", "LEN"],
      ["LCS", "a", "c", "LEN"],
    ]);
    expect(replies.slice(1)).toEqual([error, error, 1]);
  });
});
