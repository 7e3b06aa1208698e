/**
 * DUMP and RESTORE of JSON documents (RDB_TYPE_MODULE_2, RedisJSON 2.x's encoding version 3),
 * inside one shard: the bytes written (the module type id computed here on its own from
 * moduleTypeEncodeId's description), round trips, the older version 2 read, and every payload
 * refused with nothing changed.
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../../args";
import type { Reply } from "../../reply";
import type { Keyspace } from "../../store/keyspace";
import { inDirectShard } from "../../../test/workers/shard-client";
import { crc64Footer } from "../crc64";
import { RdbWriter } from "../encoding";
import { moduleTypeId } from "./json";

const enc = new TextEncoder();
const BAD_DATA = { error: "ERR Bad data format" };

function inShard<T>(fn: (run: (...argv: Arg[]) => Reply, ks: Keyspace) => T, valueLimit = 32 * 1024 * 1024): Promise<T> {
  return inDirectShard("dump-json", ({ run, ks }) => fn(run, ks), { maxValueBytes: valueLimit });
}

/**
 * The id of a module type, from its description in Redis's module.c, written here apart from
 * the code under test: characters A–Z are 0–25, a–z 26–51, 0–9 52–61, '-' 62, '_' 63; nine of
 * them, 6 bits each, the first highest; then 10 bits of encoding version.
 */
function expectedId(name: string, version: number): bigint {
  let id = 0n;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const v = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 97 + 26 : c >= 48 && c <= 57 ? c - 48 + 52 : c === 45 ? 62 : 63;
    id = id * 64n + BigInt(v);
  }
  return id * 1024n + BigInt(version);
}

/** 0x81 then the id's 8 bytes big-endian: rdbSaveLen of a value past 32 bits. */
function idBytes(id: bigint): number[] {
  const out = [0x81];
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((id >> shift) & 0xffn));
  return out;
}

/** A DUMP payload: body, RDB version 10, CRC-64. */
function framed(body: number[]): Uint8Array {
  const head = Uint8Array.from([...body, 10, 0]);
  return Uint8Array.from([...head, ...crc64Footer(head)]);
}

/** A module value payload of `name`/`version` holding these opcode-prefixed parts, then EOF. */
function modulePayload(name: string, version: number, parts: Uint8Array): Uint8Array {
  return framed([7, ...idBytes(expectedId(name, version)), ...parts, 0]);
}

/** RDB_MODULE_OPCODE_STRING (5) and a verbatim RDB string of `text` (under 64 bytes). */
function stringPart(text: string | Uint8Array): number[] {
  const b = typeof text === "string" ? enc.encode(text) : text;
  if (b.length >= 64) throw new Error("short strings only");
  return [5, b.length, ...b];
}

describe("the module type id", () => {
  it("ReJSON-RL at encoding version 3 is 0x45e25238df912c03, as moduleTypeEncodeId computes it", () => {
    expect(expectedId("ReJSON-RL", 3)).toBe(0x45e25238df912c03n);
    expect(moduleTypeId("ReJSON-RL", 3)).toBe(expectedId("ReJSON-RL", 3));
    expect(moduleTypeId("AAAAAAAAA", 0)).toBe(0n);
    expect(moduleTypeId("__________".slice(1), 1023)).toBe(2n ** 64n - 1n);
    expect(() => moduleTypeId("ReJSON", 3)).toThrow(RangeError);
    expect(() => moduleTypeId("ReJSON-R!", 3)).toThrow(RangeError);
    expect(() => moduleTypeId("ReJSON-RL", 1024)).toThrow(RangeError);
  });

  it("is written with rdbSaveLen's 64-bit form and read back", () => {
    const w = new RdbWriter().bigLength(0x45e25238df912c03n).bigLength(7n).bigLength(0x1_0000_0000n);
    expect([...w.bytes()]).toEqual([...idBytes(0x45e25238df912c03n), 7, ...idBytes(0x1_0000_0000n)]);
  });
});

describe("DUMP and RESTORE of JSON documents", () => {
  it("DUMP writes RDB_TYPE_MODULE_2, the id, the text as a module string, EOF; RESTORE gives the document back", () =>
    inShard((run) => {
      const text = '{"a":[1,2.5,"x"],"b":null}';
      expect(run("JSON.SET", "doc", "$", '{ "a": [1, 2.5, "x"], "b": null }')).toEqual({ status: "OK" });
      const dump = run("DUMP", "doc") as Uint8Array;
      expect([...dump]).toEqual([...modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart(text)))]);
      expect(run("RESTORE", "copy", "0", dump)).toEqual({ status: "OK" });
      expect(run("TYPE", "copy")).toEqual({ status: "ReJSON-RL" });
      expect(run("JSON.GET", "copy")).toEqual(text);
      expect(run("TTL", "copy")).toBe(-1);
      expect(run("DUMP", "copy")).toEqual(dump);
      // A scalar document that is an integer is written in the integer string form, as Redis does.
      expect(run("JSON.SET", "n", "$", "12")).toEqual({ status: "OK" });
      expect([...(run("DUMP", "n") as Uint8Array)]).toEqual([...modulePayload("ReJSON-RL", 3, Uint8Array.of(5, 0xc0, 12))]);
    }));

  it("a document kept in chunk rows (past 1 MiB) round trips, LZF-compressed", () =>
    inShard((run) => {
      const text = JSON.stringify({ list: Array.from({ length: 30_000 }, (_, i) => `item-${i}-${"y".repeat(30)}`) });
      expect(text.length).toBeGreaterThan(1024 * 1024);
      expect(run("JSON.SET", "big", "$", text)).toEqual({ status: "OK" });
      const dump = run("DUMP", "big") as Uint8Array;
      expect(dump.length).toBeLessThan(text.length / 4);
      expect(run("RESTORE", "big2", "0", dump)).toEqual({ status: "OK" });
      expect(run("JSON.GET", "big2", "$.list[29999]")).toEqual(`["item-29999-${"y".repeat(30)}"]`);
      expect(run("STRLEN", "big2")).toEqual({ error: "WRONGTYPE Operation against a key holding the wrong kind of value" });
      expect(run("DUMP", "big2")).toEqual(dump);
    }));

  it("encoding version 2 is read: the text, then an unsigned, and two strings when it is not 0", () =>
    inShard((run) => {
      const v2 = modulePayload("ReJSON-RL", 2, Uint8Array.from([...stringPart('{"v":2}'), 2, 0]));
      expect(run("RESTORE", "a", "0", v2)).toEqual({ status: "OK" });
      expect(run("JSON.GET", "a")).toEqual('{"v":2}');
      const aux = modulePayload("ReJSON-RL", 2, Uint8Array.from([...stringPart("[true]"), 2, 1, ...stringPart("idx"), ...stringPart("x")]));
      expect(run("RESTORE", "b", "0", aux)).toEqual({ status: "OK" });
      expect(run("JSON.GET", "b")).toEqual("[true]");
      // Version 2 without its unsigned is corrupt.
      expect(run("RESTORE", "c", "0", modulePayload("ReJSON-RL", 2, Uint8Array.from(stringPart("1"))))).toEqual(BAD_DATA);
    }));

  it("other encoding versions (0, 1, 4: RedisJSON 8's binary form) and other module types are bad data, nothing changed", () =>
    inShard((run) => {
      expect(run("SET", "k", "old")).toEqual({ status: "OK" });
      const text = Uint8Array.from(stringPart('{"a":1}'));
      for (const payload of [
        modulePayload("ReJSON-RL", 4, text),
        modulePayload("ReJSON-RL", 0, text),
        modulePayload("ReJSON-RL", 1, text),
        modulePayload("ReJSON-RX", 3, text),
        modulePayload("MBbloom--", 3, text),
        framed([7, 0x05, ...text, 0]),
        framed([6, ...idBytes(expectedId("ReJSON-RL", 3)), ...text.subarray(1)]),
      ]) {
        expect(run("RESTORE", "k", "0", payload, "REPLACE")).toEqual(BAD_DATA);
        expect(run("RESTORE", "new", "0", payload)).toEqual(BAD_DATA);
      }
      expect(run("GET", "k")).toEqual(enc.encode("old"));
      expect(run("EXISTS", "new")).toBe(0);
    }));

  it("corrupt JSON text, text that is not UTF-8, a missing opcode or EOF are bad data, nothing changed", () =>
    inShard((run) => {
      expect(run("SET", "k", "old")).toEqual({ status: "OK" });
      const id = idBytes(expectedId("ReJSON-RL", 3));
      for (const payload of [
        modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart('{"a":'))),
        modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart("[1,2]x"))),
        modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart(""))),
        modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart(Uint8Array.of(0x22, 0xff, 0x22)))),
        modulePayload("ReJSON-RL", 3, Uint8Array.from(stringPart("[".repeat(40)))),
        new RdbWriter().byte(7).bigLength(expectedId("ReJSON-RL", 3)).length(5).string("[".repeat(600) + "]".repeat(600)).length(0).payload(),
        framed([7, ...id, ...stringPart("1")]),
        framed([7, ...id, 2, 1, 0]),
        framed([7, ...id, ...stringPart("1"), 5]),
        framed([7, 0x81, 0x45]),
      ]) {
        expect(run("RESTORE", "k", "0", payload, "REPLACE")).toEqual(BAD_DATA);
      }
      expect(run("GET", "k")).toEqual(enc.encode("old"));
    }));

  it("a text past the document limit (8 MiB) answers JSON.SET's error before it is parsed, nothing changed", () =>
    inShard((run) => {
      expect(run("SET", "k", "old")).toEqual({ status: "OK" });
      const long = new RdbWriter().byte(7).bigLength(expectedId("ReJSON-RL", 3)).length(5).string(`"${"z".repeat(8 * 1024 * 1024)}"`).length(0).payload();
      expect(long.length).toBeLessThan(200_000);
      expect(run("RESTORE", "k", "0", long, "REPLACE")).toEqual({ error: "ERR JSON document exceeds maximum allowed size (8388608 bytes)" });
      expect(run("GET", "k")).toEqual(enc.encode("old"));
    }));

  it("a text within the size limit with more than 200,000 values answers the value-count error", () =>
    inShard((run) => {
      const many = new RdbWriter().byte(7).bigLength(expectedId("ReJSON-RL", 3)).length(5).string(`[${Array(200_001).fill("1.5").join(",")}]`).length(0).payload();
      expect(run("RESTORE", "k", "0", many)).toEqual({ error: "ERR JSON document holds more than 200000 values" });
      expect(run("EXISTS", "k")).toBe(0);
    }));

  it("RESTORE REPLACE over a string, BUSYKEY without it; TTL relative and with ABSTTL kept", () =>
    inShard((run, ks) => {
      expect(run("JSON.SET", "src", "$", '{"t":1}')).toEqual({ status: "OK" });
      const dump = run("DUMP", "src") as Uint8Array;
      expect(run("SET", "s", "string")).toEqual({ status: "OK" });
      expect(run("RESTORE", "s", "0", dump)).toEqual({ error: "BUSYKEY Target key name already exists." });
      expect(run("RESTORE", "s", "0", dump, "REPLACE")).toEqual({ status: "OK" });
      expect(run("TYPE", "s")).toEqual({ status: "ReJSON-RL" });
      expect(run("JSON.GET", "s", "$.t")).toEqual("[1]");
      const at = ks.now + 500_000;
      expect(run("RESTORE", "abs", String(at), dump, "ABSTTL")).toEqual({ status: "OK" });
      expect(run("PEXPIRETIME", "abs")).toBe(at);
      expect(run("RESTORE", "rel", "100000", dump)).toEqual({ status: "OK" });
      expect(run("PEXPIRETIME", "rel")).toBe(ks.now + 100_000);
      expect(run("JSON.SET", "rel", "$.t", "2")).toEqual({ status: "OK" });
      expect(run("PEXPIRETIME", "rel")).toBe(ks.now + 100_000);
      expect(run("RESTORE", "past", String(ks.now - 1), dump, "ABSTTL")).toEqual({ status: "OK" });
      expect(run("EXISTS", "past")).toBe(0);
    }));
});
