/**
 * Binary arguments in JSON command arrays (worker/request.ts): `{"base64":"…"}` is the argument of
 * exactly those bytes, in `POST /`, `/pipeline`, `/multi-exec` and `/ws` frames. A key that is
 * not UTF-8 round-trips (SET, GET with base64 encoding, KEYS, SCAN, TYPE, RENAME, DEL); malformed
 * forms answer 400 and change nothing.
 */
import { describe, expect, it } from "vitest";
import { call, cmd, freshKey, toBase64 } from "./http-helpers";

/** A key of bytes that are not UTF-8 (0xff 0x00 0xfe), unique to this run after a text prefix. */
function binaryKey(name: string): Uint8Array {
  return new Uint8Array([...new TextEncoder().encode(freshKey(name)), 0xff, 0x00, 0xfe]);
}
const bin = (bytes: Uint8Array) => ({ base64: toBase64(bytes) });
const VALUE = new Uint8Array([0x00, 0x80, 0xff, 0xc3, 0x28, 0x0a]);

async function send(path: string, body: unknown, base64 = true): Promise<{ status: number; json: unknown }> {
  const res = await call(path, { body: JSON.stringify(body), base64 });
  return { status: res.status, json: await res.json() };
}

describe('{"base64": "…"} arguments over HTTP', () => {
  it("a DUMP payload read with base64 encoding is RESTOREd as it came, in a pipeline", async () => {
    const from = freshKey("dump-from");
    const to = freshKey("dump-to");
    await send("/", ["RPUSH", from, bin(VALUE), "b"]);
    const dumped = (await send("/", ["DUMP", from])).json as { result: string };
    const restored = await send("/pipeline", [["RESTORE", to, "0", { base64: dumped.result }, "REPLACE"], ["LRANGE", to, "0", "-1"]]);
    expect(restored).toEqual({ status: 200, json: [{ result: "OK" }, { result: [toBase64(VALUE), btoa("b")] }] });
  });

  it("POST /: a key and a value that are not UTF-8 set, read back byte for byte, listed by KEYS and SCAN", async () => {
    const key = binaryKey("one");
    expect(await send("/", ["SET", bin(key), bin(VALUE)])).toEqual({ status: 200, json: { result: "OK" } });
    expect(await send("/", ["GET", bin(key)])).toEqual({ status: 200, json: { result: toBase64(VALUE) } });
    expect(await send("/", ["STRLEN", bin(key)])).toEqual({ status: 200, json: { result: VALUE.length } });
    expect(await send("/", ["TYPE", bin(key)], false)).toEqual({ status: 200, json: { result: "string" } });
    const prefix = new TextDecoder().decode(key.subarray(0, key.length - 3));
    const keys = await send("/", ["KEYS", `${prefix}*`]);
    expect(keys).toEqual({ status: 200, json: { result: [toBase64(key)] } });
    // SCAN over every shard (a bounded walk) finds it too.
    const found: string[] = [];
    let cursor = "0";
    for (let i = 0; i < 1000; i++) {
      const r = (await send("/", ["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", 1000])).json as { result: [string, string[]] };
      cursor = atob(r.result[0]);
      found.push(...r.result[1]);
      if (cursor === "0") break;
    }
    expect(found).toEqual([toBase64(key)]);
    // The same bytes as a path-form raw body name the same key.
    const res = await call("/get", { method: "POST", body: key, base64: true });
    expect(await res.json()).toEqual({ result: toBase64(VALUE) });
  });

  it("/pipeline and /multi-exec take them too; RENAME and DEL of a binary key", async () => {
    const key = binaryKey("pipe");
    const other = binaryKey("pipe2");
    const hashKey = `{${new TextDecoder().decode(key.subarray(0, 8))}}`;
    expect(await send("/pipeline", [["SET", bin(key), bin(VALUE)], ["GET", bin(key)], ["EXISTS", bin(key), bin(other)]])).toEqual({
      status: 200,
      json: [{ result: "OK" }, { result: toBase64(VALUE) }, { result: 1 }],
    });
    expect((await send("/pipeline", [["RENAME", bin(key), bin(other)], ["GET", bin(other)], ["EXISTS", bin(key)]])).json).toEqual([
      { result: "OK" },
      { result: toBase64(VALUE) },
      { result: 0 },
    ]);
    const tx = new Uint8Array([...new TextEncoder().encode(hashKey), 0xfe, 0xff]);
    expect(await send("/multi-exec", [["SET", bin(tx), bin(VALUE)], ["APPEND", bin(tx), bin(new Uint8Array([0xff]))], ["GET", bin(tx)]])).toEqual({
      status: 200,
      json: [{ result: "OK" }, { result: VALUE.length + 1 }, { result: toBase64(new Uint8Array([...VALUE, 0xff])) }],
    });
    expect((await send("/pipeline", [["DEL", bin(other), bin(tx)], ["EXISTS", bin(other)]])).json).toEqual([{ result: 2 }, { result: 0 }]);
  });

  it("keys that differ only in bytes that are not UTF-8 stay apart; U+FFFD and ED B3 BF are keys of their own", async () => {
    const base = new TextEncoder().encode(freshKey("apart"));
    const named = (...b: number[]) => new Uint8Array([...base, ...b]);
    const keys = [named(0xff), named(0xfe), named(0xef, 0xbf, 0xbd), named(0xed, 0xb3, 0xbf), named(0xff, 0xff), named(0xc3), named(0xc3, 0xa9)];
    const r = await send("/pipeline", keys.map((k, i) => ["SET", bin(k), String(i)]));
    expect(r.json).toEqual(keys.map(() => ({ result: "OK" })));
    expect((await send("/pipeline", keys.map((k) => ["GET", bin(k)]), false)).json).toEqual(keys.map((_, i) => ({ result: String(i) })));
    const listed = ((await send("/", ["KEYS", `${new TextDecoder().decode(base)}*`])).json as { result: string[] }).result;
    expect(listed.sort()).toEqual(keys.map(toBase64).sort());
    // MATCH with a byte that is not UTF-8 matches that byte only.
    const pattern = new Uint8Array([...base, 0xff, 0x2a]); // <base>\xff*
    const matched = ((await send("/", ["KEYS", bin(pattern)])).json as { result: string[] }).result;
    expect(matched.sort()).toEqual([toBase64(named(0xff)), toBase64(named(0xff, 0xff))].sort());
    // A plain JSON reply shows such bytes as U+FFFD, as it does a value's.
    const plain = (await send("/", ["KEYS", bin(new Uint8Array([...base, 0xfe]))], false)).json;
    expect(plain).toEqual({ result: [`${new TextDecoder().decode(base)}\uFFFD`] });
  });

  it("a binary key's TTL: it expires, and EXPIRE, PERSIST, TTL and RANDOMKEY name it exactly", async () => {
    const key = binaryKey("ttl");
    expect((await send("/pipeline", [["SET", bin(key), "v", "PX", 50], ["PTTL", bin(key)]])).json).toMatchObject([{ result: "OK" }, {}]);
    for (let i = 0; i < 100 && ((await send("/", ["EXISTS", bin(key)])).json as { result: number }).result === 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await send("/", ["EXISTS", bin(key)])).toEqual({ status: 200, json: { result: 0 } });
    expect((await send("/pipeline", [["SET", bin(key), "v"], ["EXPIRE", bin(key), 100], ["TTL", bin(key)], ["PERSIST", bin(key)], ["TTL", bin(key)]])).json).toEqual([
      { result: "OK" },
      { result: 1 },
      { result: 100 },
      { result: 1 },
      { result: -1 },
    ]);
  });

  it("a binary hash field, set member and list element, as any argument", async () => {
    const key = freshKey("fields");
    const field = new Uint8Array([0xff, 0xfe]);
    expect((await send("/pipeline", [["HSET", key, bin(field), bin(VALUE)], ["HGET", key, bin(field)], ["HKEYS", key]])).json).toEqual([
      { result: 1 },
      { result: toBase64(VALUE) },
      { result: [toBase64(field)] },
    ]);
  });

  it("malformed forms answer 400 with an ERR and run nothing, in every JSON endpoint", async () => {
    const key = binaryKey("bad");
    const plain = freshKey("bad-plain");
    const bodies: [unknown[], string][] = [
      [["SET", { base64: "%%%%" }, "v"], "ERR argument 2 of the command is not valid base64"],
      [["SET", bin(key), { base64: "AAA" }], "ERR argument 3 of the command is not valid base64"],
      [["SET", bin(key), { base64: "AB==" }], "ERR argument 3 of the command is not valid base64"],
      [["SET", { base64: toBase64(key), extra: 1 }, "v"], 'ERR argument 2 of the command is an object other than {"base64":"…"}'],
      [["SET", { bytes: "AA==" }, "v"], 'ERR argument 2 of the command is an object other than {"base64":"…"}'],
      [["SET", bin(key), { base64: 12 }], 'ERR argument 3 of the command is an object other than {"base64":"…"}'],
    ];
    for (const [argv, error] of bodies) {
      for (const [path, body] of [
        ["/", argv],
        ["/pipeline", [["SET", plain, "v"], argv]],
        ["/multi-exec", [["SET", plain, "v"], argv]],
      ] as const) {
        const r = await send(path, body);
        expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
        expect((r.json as { error: string }).error).toContain(error);
      }
    }
    expect(await cmd("EXISTS", plain)).toEqual({ result: 0 });
    expect(await send("/", ["EXISTS", bin(key)])).toEqual({ status: 200, json: { result: 0 } });
  });

  it("/ws frames: a binary key set and read back over the socket", async () => {
    const key = binaryKey("ws");
    const res = await call("/ws?encoding=base64", { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const frames: unknown[] = [];
    const waiting: (() => void)[] = [];
    ws.addEventListener("message", (e) => {
      frames.push(JSON.parse(String(e.data)));
      waiting.shift()?.();
    });
    const next = async () => {
      if (frames.length === 0) await new Promise<void>((r) => waiting.push(r));
      return frames.shift();
    };
    ws.send(JSON.stringify([["SET", bin(key), bin(VALUE)], ["GET", bin(key)]]));
    expect([await next(), await next()]).toEqual([{ result: "OK" }, { result: toBase64(VALUE) }]);
    ws.send(JSON.stringify(["SET", bin(key), { base64: "A" }]));
    expect(((await next()) as { error: string }).error).toContain("ERR argument 3 of the command is not valid base64");
    ws.send(JSON.stringify(["GET", bin(key)]));
    expect(await next()).toEqual({ result: toBase64(VALUE) });
    ws.close();
    expect(await send("/", ["GET", bin(key)])).toEqual({ status: 200, json: { result: toBase64(VALUE) } });
  });
});
