/**
 * DUMP and RESTORE through the Worker: a payload is bytes, so it is read with
 * `Upstash-Encoding: base64` and sent back as the raw body of the path form
 * (`POST /restore/<key>/<ttl>?REPLACE`), kept byte for byte, onto any shard. JSON documents
 * travel as RedisJSON 2.x's module values, whose type id is not UTF-8.
 */
import { describe, expect, it } from "vitest";
import { crc64Footer } from "../../durable-objects/rdb/crc64";
import { seededRandom } from "../random";
import { call, cmd, keysOnDistinctShards, READONLY_TOKEN } from "./http-helpers";

const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const path = (k: string) => encodeURIComponent(k);

async function dump(key: string, token?: string): Promise<Uint8Array> {
  const body = (await (await call(`/dump/${path(key)}`, { base64: true, token })).json()) as { result: string };
  return fromBase64(body.result);
}

async function restore(key: string, payload: Uint8Array, query = "", token?: string) {
  return (await call(`/restore/${path(key)}/0${query}`, { method: "POST", body: payload, token })).json();
}

async function getBytes(key: string): Promise<Uint8Array> {
  const body = (await (await call(`/get/${path(key)}`, { base64: true })).json()) as { result: string };
  return fromBase64(body.result);
}

describe("DUMP and RESTORE over HTTP", () => {
  it("every byte value survives: SET by raw body, DUMP in base64, RESTORE by raw body onto another shard", async () => {
    const [a, b] = keysOnDistinctShards("dump-bytes", 2);
    const value = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff);
    expect(await (await call(`/set/${path(a!)}`, { method: "POST", body: value })).json()).toEqual({ result: "OK" });
    const payload = await dump(a!);
    expect(payload[0]).toBe(0);
    expect(await restore(b!, payload)).toEqual({ result: "OK" });
    expect([...(await getBytes(b!))]).toEqual([...value]);
    expect([...(await dump(b!))]).toEqual([...payload]);
  });

  it("default JSON sends a DUMP reply as UTF-8 text: bytes that are not UTF-8 become U+FFFD, so read payloads in base64", async () => {
    const [a] = keysOnDistinctShards("dump-json", 1);
    expect(await cmd("SET", a!, "v")).toEqual({ result: "OK" });
    const payload = await dump(a!);
    const plain = (await (await call(`/dump/${path(a!)}`)).json()) as { result: string };
    expect(plain.result).toBe(new TextDecoder().decode(payload));
    expect(plain.result).toContain("\ufffd");
    expect(await cmd("RESTORE", `${a}:copy`, 0, plain.result)).toEqual({ error: "ERR DUMP payload version or checksum are wrong" });
  });

  it("collections move between shards; REPLACE and ABSTTL come as query parameters; the read-only token dumps but cannot restore", async () => {
    const [h, l, z, dst] = keysOnDistinctShards("dump-coll", 4);
    expect(await cmd("HSET", h!, "f", "1", "g", "two")).toEqual({ result: 2 });
    expect(await cmd("RPUSH", l!, "x", "y", "z")).toEqual({ result: 3 });
    expect(await cmd("ZADD", z!, 1.5, "m", -2, "n")).toEqual({ result: 2 });
    expect(await cmd("SET", dst!, "occupied")).toEqual({ result: "OK" });
    const hp = await dump(h!, READONLY_TOKEN);
    expect(await restore(dst!, hp, "", READONLY_TOKEN)).toEqual({ error: "NOPERM this token is read-only and cannot run the 'restore' command" });
    expect(await restore(dst!, hp)).toEqual({ error: "BUSYKEY Target key name already exists." });
    expect(await restore(dst!, hp, "?REPLACE")).toEqual({ result: "OK" });
    expect(await cmd("HGETALL", dst!)).toEqual({ result: ["f", "1", "g", "two"] });
    expect(await restore(dst!, await dump(l!), "?REPLACE")).toEqual({ result: "OK" });
    expect(await cmd("LRANGE", dst!, 0, -1)).toEqual({ result: ["x", "y", "z"] });
    const zp = await dump(z!);
    expect((await (await call(`/restore/${path(dst!)}/4102444800000?REPLACE&ABSTTL`, { method: "POST", body: zp })).json()) as unknown).toEqual({ result: "OK" });
    expect(await cmd("ZRANGE", dst!, 0, -1, "WITHSCORES")).toEqual({ result: ["n", "-2", "m", "1.5"] });
    expect(await cmd("PEXPIRETIME", dst!)).toEqual({ result: 4102444800000 });
  });

  it("a 3 MiB value (chunked, incompressible) dumps and restores intact through the large-value paths", async () => {
    const [a, b] = keysOnDistinctShards("dump-large", 2);
    const next = seededRandom(7);
    const value = Uint8Array.from({ length: 3 * 1024 * 1024 }, () => Math.floor(next() * 256));
    expect(await (await call(`/set/${path(a!)}`, { method: "POST", body: value })).json()).toEqual({ result: "OK" });
    const payload = await dump(a!);
    expect(payload.length).toBe(value.length + 16);
    expect(await restore(b!, payload)).toEqual({ result: "OK" });
    const back = await getBytes(b!);
    expect(back.length).toBe(value.length);
    let same = true;
    for (let i = 0; i < value.length; i++) if (back[i] !== value[i]) same = false;
    expect(same).toBe(true);
  });
  it("a JSON document moves between shards; a RedisJSON 2.x payload sent as the raw body restores", async () => {
    const [a, b, c] = keysOnDistinctShards("dump-rejson", 3);
    expect(await cmd("JSON.SET", a!, "$", '{"name":"edge","tags":["kv",1.5,true]}')).toEqual({ result: "OK" });
    const payload = await dump(a!);
    expect([...payload.subarray(0, 10)]).toEqual([7, 0x81, 0x45, 0xe2, 0x52, 0x38, 0xdf, 0x91, 0x2c, 0x03]);
    expect(await cmd("SET", b!, "occupied")).toEqual({ result: "OK" });
    expect(await restore(b!, payload, "?REPLACE")).toEqual({ result: "OK" });
    expect(await cmd("TYPE", b!)).toEqual({ result: "ReJSON-RL" });
    expect(await cmd("JSON.GET", b!, "$.tags[1]")).toEqual({ result: "[1.5]" });
    // Built here as Redis with RedisJSON 2.x writes it: type 7, the id, opcode 5 + the text, EOF, RDB 10, CRC-64.
    const text = new TextEncoder().encode('{"from":"redis"}');
    const head = Uint8Array.from([7, 0x81, 0x45, 0xe2, 0x52, 0x38, 0xdf, 0x91, 0x2c, 0x03, 5, text.length, ...text, 0, 10, 0]);
    const foreign = Uint8Array.from([...head, ...crc64Footer(head)]);
    expect(await restore(c!, foreign)).toEqual({ result: "OK" });
    expect(await cmd("JSON.GET", c!)).toEqual({ result: '{"from":"redis"}' });
    const v4 = head.slice();
    v4[9] = 0x04;
    expect(await restore(`${c}:v4`, Uint8Array.from([...v4, ...crc64Footer(v4)]))).toEqual({ error: "ERR Bad data format" });
    expect(await cmd("EXISTS", `${c}:v4`)).toEqual({ result: 0 });
  });
});
