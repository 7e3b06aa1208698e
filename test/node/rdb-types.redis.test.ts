/**
 * DUMP payloads of every type against a real redis-server 7.0: for seeded random values,
 * redis-server's DUMP decodes here to the value it holds, and the payload encoded here from
 * that value RESTOREs on redis-server to the same value. Where the encoding is claimed
 * byte-identical (strings, HLLs, listpack hashes, lists built by RPUSH, intsets, sorted sets)
 * the bytes are compared too; sets and hashes in hash-table form are compared by value only
 * (redis-server writes those in its hash table's order).
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { decodePayload, encodePayload } from "../../durable-objects/rdb/dump";
import type { RdbType } from "../../durable-objects/rdb/registry";
import type { HashField } from "../../durable-objects/rdb/types/hash";
import type { Entry } from "../../durable-objects/store/zsets";
import { seededRandom } from "../random";
import { RespClient } from "./resp-client";

const port = inject("redisPort");
const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const str = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function decode(dump: Uint8Array): { type: RdbType<unknown>; value: unknown } {
  const d = decodePayload(dump, 1 << 30, 1 << 30);
  expect(d).not.toBeNull();
  return d!;
}

describe.runIf(port > 0)("RDB types against redis-server's DUMP and RESTORE", () => {
  const client = new RespClient(port);
  afterAll(() => client.close());
  const rand = seededRandom(20261202);
  const below = (n: number) => Math.floor(rand() * n);
  const prefix = `rdb-types:${Math.random().toString(36).slice(2)}`;
  let n = 0;
  const fresh = () => `${prefix}:${n++}`;

  /** A random element: small integers, big integers, short text, long or binary bytes. */
  function element(maxLong = 200): Uint8Array {
    switch (below(6)) {
      case 0:
        return enc.encode(String(below(300) - 100));
      case 1:
        return enc.encode(String(BigInt(below(2 ** 31)) * BigInt(below(2 ** 31)) * (below(2) ? 1n : -1n)));
      case 2:
        return enc.encode("m" + below(100000));
      case 3:
        return Uint8Array.from({ length: below(maxLong) }, () => below(256));
      case 4:
        return enc.encode("ab".repeat(below(maxLong / 2)));
      default:
        return enc.encode(String(below(10)) + ".5");
    }
  }

  async function dumpOf(key: string): Promise<Uint8Array> {
    const d = await client.callBinary("DUMP", key);
    expect(d).toBeInstanceOf(Uint8Array);
    return d as Uint8Array;
  }

  /** Restores our payload on redis-server under a new key, returning that key. */
  async function restoreOurs(payload: Uint8Array): Promise<string> {
    const key = fresh();
    expect(await client.callBinary("RESTORE", key, 0, payload)).toBe("OK");
    return key;
  }

  it("strings and HyperLogLogs: identical bytes both ways", async () => {
    for (let i = 0; i < 60; i++) {
      const key = fresh();
      const v = i % 10 === 9 ? new Uint8Array(0) : element(i % 3 === 0 ? 5000 : 200);
      if (i % 7 === 3) {
        for (let k = 0; k < 1 + below(i * 50 + 1); k++) await client.call("PFADD", key, `e${below(1e6)}`);
      } else {
        await client.callBinary("SET", key, v);
      }
      const dump = await dumpOf(key);
      const { type, value } = decode(dump);
      expect(type.name).toBe("string");
      expect(hex(value as Uint8Array)).toBe(hex((await client.callBinary("GET", key)) as Uint8Array));
      expect(hex(encodePayload(type, value))).toBe(hex(dump));
    }
  });

  it("hashes: listpack identical, hash table form restorable", async () => {
    for (let i = 0; i < 40; i++) {
      const key = fresh();
      const count = [1 + below(10), 400 + below(113), 513 + below(100), 1 + below(5)][i % 4]!;
      const args: Uint8Array[] = [];
      const seen = new Set<string>();
      for (let k = 0; k < count; k++) {
        const f = element(i % 4 === 3 ? 120 : 40);
        if (seen.has(str(f))) continue;
        seen.add(str(f));
        args.push(f, element(i % 4 === 3 ? 120 : 60));
      }
      for (let k = 0; k < args.length; k += 20) await client.callBinary("HSET", key, ...args.slice(k, k + 20));
      const dump = await dumpOf(key);
      const { type, value } = decode(dump);
      const fields = value as HashField[];
      const all = (await client.callBinary("HGETALL", key)) as Uint8Array[];
      const asMap = (pairs: Uint8Array[]) => new Map(Array.from({ length: pairs.length / 2 }, (_, j) => [str(pairs[2 * j]!), str(pairs[2 * j + 1]!)]));
      expect(new Map(fields.map((f) => [str(f.field), str(f.value)]))).toEqual(asMap(all));
      const ours = encodePayload(type, fields);
      if (dump[0] === 16) expect(hex(ours)).toBe(hex(dump));
      const back = await restoreOurs(ours);
      expect(asMap((await client.callBinary("HGETALL", back)) as Uint8Array[])).toEqual(asMap(all));
    }
  });

  it("lists built by RPUSH: quicklist of listpacks, identical bytes", async () => {
    for (let i = 0; i < 30; i++) {
      const key = fresh();
      const count = [1 + below(20), 200 + below(600), 1 + below(4)][i % 3]!;
      const values = Array.from({ length: count }, () => element(i % 3 === 2 ? 9000 : 300));
      for (let k = 0; k < values.length; k += 50) await client.callBinary("RPUSH", key, ...values.slice(k, k + 50));
      const dump = await dumpOf(key);
      const { type, value } = decode(dump);
      expect((value as Uint8Array[]).map(hex)).toEqual(values.map(hex));
      expect(hex(encodePayload(type, value))).toBe(hex(dump));
    }
  });

  it("sets: intsets identical, other sets restorable", async () => {
    for (let i = 0; i < 30; i++) {
      const key = fresh();
      const kind = i % 3;
      const count = kind === 1 ? 400 + below(300) : 1 + below(60);
      const members = Array.from({ length: count }, () =>
        kind === 2 ? element() : enc.encode(String(below(4) === 0 ? BigInt(below(2 ** 31)) * BigInt(below(2 ** 31)) - 2n ** 61n : BigInt(below(70000) - 35000))),
      );
      for (let k = 0; k < members.length; k += 50) await client.callBinary("SADD", key, ...members.slice(k, k + 50));
      const dump = await dumpOf(key);
      const { type, value } = decode(dump);
      const all = ((await client.callBinary("SMEMBERS", key)) as Uint8Array[]).map(str).sort();
      expect((value as Uint8Array[]).map(str).sort()).toEqual(all);
      const ours = encodePayload(type, value);
      if (dump[0] === 11) expect(hex(ours)).toBe(hex(dump));
      const back = await restoreOurs(ours);
      expect(((await client.callBinary("SMEMBERS", back)) as Uint8Array[]).map(str).sort()).toEqual(all);
    }
  });

  it("sorted sets and geo sets: listpack and skiplist forms, identical bytes", async () => {
    const scores = () => {
      const pick = below(6);
      if (pick === 0) return String(below(1000) - 500);
      if (pick === 1) return String((rand() - 0.5) * 10 ** below(30));
      if (pick === 2) return ["inf", "-inf", "0", "-0", "4611686018427387904", "4611686018427387905"][below(6)]!;
      if (pick === 3) return String(rand());
      return String(below(5));
    };
    for (let i = 0; i < 30; i++) {
      const key = fresh();
      const count = [1 + below(40), 129 + below(200), 1 + below(10)][i % 3]!;
      const args: (string | Uint8Array)[] = [];
      for (let k = 0; k < count; k++) args.push(scores(), element(i % 3 === 2 ? 100 : 50));
      for (let k = 0; k < args.length; k += 40) await client.callBinary("ZADD", key, ...args.slice(k, k + 40));
      const dump = await dumpOf(key);
      const { type, value } = decode(dump);
      const all = (await client.callBinary("ZRANGE", key, 0, -1, "WITHSCORES")) as Uint8Array[];
      const entries = value as Entry[];
      expect(entries.length * 2).toBe(all.length);
      // ZRANGE's order, with the scores as Redis prints them.
      const ours = new Map(entries.map((e) => [str(e.member), e.score]));
      for (let k = 0; k < all.length; k += 2) expect(ours.get(str(all[k]!))).toBe(Number(str(all[k + 1]!).replace("inf", "Infinity")));
      expect(hex(encodePayload(type, [...entries].sort((a, b) => a.score - b.score || Buffer.compare(a.member, b.member))))).toBe(hex(dump));
    }
    const geo = fresh();
    await client.call("GEOADD", geo, 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");
    const dump = await dumpOf(geo);
    const { type, value } = decode(dump);
    expect(hex(encodePayload(type, value))).toBe(hex(dump));
    const back = await restoreOurs(encodePayload(type, value));
    expect(await client.call("GEODIST", back, "Palermo", "Catania")).toBe(await client.call("GEODIST", geo, "Palermo", "Catania"));
  });

  it("a hash with field TTLs is Redis 7.4's form, which redis-server 7.0 refuses as a newer version", async () => {
    const { type } = decode(await dumpOf(await (async () => {
      const k = fresh();
      await client.call("HSET", k, "f", "v");
      return k;
    })()));
    const at = Date.now() + 100_000;
    const ours = encodePayload(type, [
      { field: enc.encode("a"), value: enc.encode("1"), expireAt: at },
      { field: enc.encode("b"), value: enc.encode("2"), expireAt: null },
    ]);
    expect(ours[0]).toBe(25);
    expect(ours[ours.length - 10]).toBe(12);
    expect(await client.callBinary("RESTORE", fresh(), 0, ours)).toEqual({ error: "ERR DUMP payload version or checksum are wrong" });
  });
});
