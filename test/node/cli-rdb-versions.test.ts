/**
 * `edgekv import` of RDB files as redis-server 7.2 (RDB version 11) and 7.4 (version 12) write
 * them, built here byte by byte from Redis's encodings (rdb.h, rdb.c, listpack.md) since only
 * redis-server 7.0 is installed: a set as a listpack (20); hashes with field TTLs as 7.4 writes
 * them (hash metadata 24, listpack-ex 25) and as its release candidates did (22, 23), whose
 * field TTLs are imported (HPEXPIRETIME); the cluster-mode slot-info opcode (0xf4) and a
 * function library passed over; a stream of the 7.2 form (21).
 */
import { startServeProcess, stopServeProcess } from "./serve-process";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc64 } from "../../scripts/cli/crc64.mjs";
import { freePort } from "./ports";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "scripts/cli/edgekv.mjs");
const token = "cli-rdb-versions-token";

// --- A small RDB writer (rdb.c's rdbSave* forms) --------------------------------------------

const bytes = (...parts: (Buffer | number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

/** rdbSaveLen: 6-bit, 14-bit, 32-bit (0x80) or 64-bit (0x81) big-endian. */
function len(n: number | bigint): Buffer {
  const v = BigInt(n);
  if (v < 64n) return Buffer.from([Number(v)]);
  if (v < 16384n) return Buffer.from([0x40 | Number(v >> 8n), Number(v & 0xffn)]);
  if (v <= 0xffffffffn) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(Number(v), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(v, 1);
  return b;
}

/** rdbSaveRawString without compression: the length, then the bytes. */
const str = (s: string | Buffer) => {
  const b = typeof s === "string" ? Buffer.from(s) : s;
  return Buffer.concat([len(b.length), b]);
};

/** rdbSaveMillisecondTime: 8 bytes little-endian. */
function millis(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(ms));
  return b;
}

/** A listpack (listpack.md): total bytes and count (LE), entries with their back-length, 0xff. */
function listpack(items: (string | number | bigint)[]): Buffer {
  const entries = items.map((item) => {
    let enc: Buffer;
    if (typeof item === "string") {
      const s = Buffer.from(item);
      if (s.length >= 64) throw new Error("the test's listpack writes short strings only");
      enc = Buffer.concat([Buffer.from([0x80 | s.length]), s]);
    } else {
      const v = BigInt(item);
      if (v >= 0n && v <= 127n) enc = Buffer.from([Number(v)]);
      else if (v >= -4096n && v <= 4095n) {
        const u = Number(v & 0x1fffn);
        enc = Buffer.from([0xc0 | (u >> 8), u & 0xff]);
      } else {
        enc = Buffer.alloc(9);
        enc[0] = 0xf4;
        enc.writeBigInt64LE(v, 1);
      }
    }
    if (enc.length >= 128) throw new Error("the test's listpack writes short entries only");
    return Buffer.concat([enc, Buffer.from([enc.length])]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(6 + body.length + 1, 0);
  head.writeUInt16LE(items.length, 4);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

/** A whole file: magic, AUX fields, db 0, the records, EOF, CRC-64. */
function rdbFile(version: number, records: Buffer[]): Buffer {
  const body = bytes(
    `REDIS${String(version).padStart(4, "0")}`,
    [0xfa],
    str("redis-ver"),
    str(version === 11 ? "7.2.4" : "7.4.0"),
    [0xfa],
    str("redis-bits"),
    [0xc0, 64], // an AUX value in the 8-bit integer form
    [0xfe],
    len(0),
    [0xfb],
    len(records.length),
    len(0),
    ...records,
    [0xff],
  );
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(body));
  return Buffer.concat([body, crc]);
}

const key = (type: number, name: string, value: Buffer, expireAt?: number) =>
  bytes(...(expireAt === undefined ? [] : [[0xfc], millis(expireAt)]), [type], str(name), value);

// --- edgekv ----------------------------------------------------------------------------------

function run(url: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, EDGEKV_URL: url, EDGEKV_TOKEN: token }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => res({ code, stderr }));
  });
}

describe("edgekv import of RDB files of redis-server 7.2 (version 11) and 7.4 (version 12)", () => {
  let dataDir: string;
  let url: string;
  let server: ChildProcess | undefined;
  const call = async (...args: string[]): Promise<unknown> => {
    const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(args) });
    const json = (await res.json()) as { result?: unknown; error?: string };
    if (json.error) throw new Error(json.error);
    return json.result;
  };
  const importFile = async (name: string, file: Buffer) => {
    const path = join(dataDir, name);
    writeFileSync(path, file);
    return run(url, ["import", path]);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-cli-rdb-"));
    const port = await freePort();
    server = await startServeProcess({ PORT: String(port), EDGEKV_DATA: dataDir, EDGEKV_TOKEN: token, SHARDS: "2", WORKERS: "" });
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await stopServeProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("version 11 (7.2): a set as a listpack, strings and integers of every small form", async () => {
    await call("FLUSHDB");
    const later = Date.now() + 3_600_000;
    const file = rdbFile(11, [key(20, "set:lp", str(listpack(["a", "member", 7, 1000, -3, 2n ** 40n])), later), key(0, "plain", str("v"))]);
    const r = await importFile("v11.rdb", file);
    expect(r.stderr).toContain("imported: 2, not imported: 0");
    expect(r.code).toBe(0);
    expect(((await call("SMEMBERS", "set:lp")) as string[]).sort()).toEqual(["-3", "1000", "1099511627776", "7", "a", "member"]);
    expect(await call("PEXPIRETIME", "set:lp")).toBe(later);
    expect(await call("TYPE", "set:lp")).toBe("set");
    expect(await call("GET", "plain")).toBe("v");
  });

  it("version 12 (7.4): hashes with field TTLs in all four forms, their TTLs imported; slot info and a function library passed over", async () => {
    await call("FLUSHDB");
    const now = Date.now();
    const [t1, t2, t3] = [now + 3_600_000, now + 7_200_000, now + 2 ** 33];
    const past = now - 60_000;
    // 24: min expiry, count, then per field its TTL relative to it (+1; 0 none), field, value.
    const meta = bytes(millis(t1), len(3), len(t1 - t1 + 1), str("a"), str("1"), len(0), str("b"), str("2"), len(t3 - t1 + 1), str("c"), str("3"));
    // 25: min expiry, then a listpack of field, value, absolute expiry (0 none), by expiry.
    const lpEx = bytes(millis(t1), str(listpack(["x", "10", t1, "y", "20", t2, "z", "30", 0])));
    // 22 (7.4 release candidates): per field its absolute TTL (a 64-bit length), field, value.
    const metaRc = bytes(len(2), len(t2), str("p"), str("1"), len(0), str("q"), str("2"));
    // 23: the listpack alone.
    const lpExRc = str(listpack(["m", "1", t3, "n", "2", 0]));
    // A field whose TTL has passed: not answered after the import.
    const lapsed = bytes(millis(past), str(listpack(["gone", "1", past, "kept", "2", 0])));
    const slotInfo = bytes([0xf4], len(866), len(3), len(1));
    const fn = bytes([0xf5], str("#!lua name=lib\nredis.register_function('f', function() return 1 end)"));
    const file = rdbFile(12, [
      fn,
      slotInfo,
      key(24, "h:meta", meta),
      key(25, "h:lpex", lpEx, now + 86_400_000),
      key(22, "h:meta-rc", metaRc),
      key(23, "h:lpex-rc", lpExRc),
      key(25, "h:lapsed", lapsed),
      key(24, "h:all-lapsed", bytes(millis(past), len(1), len(1), str("f"), str("v"))),
    ]);
    const r = await importFile("v12.rdb", file);
    expect(r.stderr).toContain("skipped: a function library");
    expect(r.stderr).toContain("imported: 6, not imported: 0, expired: 0, other databases: 0, skipped: 1");
    expect(r.code).toBe(0);
    const times = (k: string, ...fields: string[]) => call("HPEXPIRETIME", k, "FIELDS", String(fields.length), ...fields);
    expect(await call("HMGET", "h:meta", "a", "b", "c")).toEqual(["1", "2", "3"]);
    expect(await times("h:meta", "a", "b", "c")).toEqual([t1, -1, t3]);
    expect(await times("h:lpex", "x", "y", "z")).toEqual([t1, t2, -1]);
    expect(await call("PEXPIRETIME", "h:lpex")).toBe(now + 86_400_000);
    expect(await call("HMGET", "h:lpex", "x", "y", "z")).toEqual(["10", "20", "30"]);
    expect(await times("h:meta-rc", "p", "q")).toEqual([t2, -1]);
    expect(await times("h:lpex-rc", "m", "n")).toEqual([t3, -1]);
    expect(await call("HMGET", "h:lapsed", "gone", "kept")).toEqual([null, "2"]);
    expect(await call("HLEN", "h:lapsed")).toBe(1);
    // Every field lapsed: the hash is gone, as in Redis once its fields expire.
    expect(await call("EXISTS", "h:all-lapsed")).toBe(0);
  });

  it("version 11 (7.2): a stream of the third form (21), its consumer group, pending entry and consumer", async () => {
    await call("FLUSHDB");
    const [ms1, ms2] = [1_700_000_000_000, 1_700_000_000_005];
    const id = (ms: number, seq: number) => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64BE(BigInt(ms), 0);
      b.writeBigUInt64BE(BigInt(seq), 8);
      return b;
    };
    // The node: master entry (count 2, deleted 0, fields a b, 0), then entries of flags,
    // ms and seq deltas, [num-fields, fields,] values, lp-count.
    const node = listpack([2, 0, 2, "a", "b", 0, 2, 0, 0, "x", "y", 5, 0, ms2 - ms1, 1, 1, "a", "z", 6]);
    const delivered = 1_700_000_100_000;
    const stream = bytes(
      len(1),
      str(id(ms1, 0)),
      str(node),
      len(2), // length
      len(ms2), len(1), // last id
      len(ms1), len(0), // first id
      len(0), len(0), // max deleted id
      len(2), // entries added
      len(1), // groups
      str("g"), len(ms1), len(0), len(1), // name, last delivered id, entries read
      len(1), id(ms1, 0), millis(delivered), len(3), // the group's PEL: id, delivery time, count
      len(1), str("c1"), millis(delivered), millis(delivered), len(1), id(ms1, 0), // consumer: name, seen, active, its PEL
    );
    const r = await importFile("stream.rdb", rdbFile(11, [key(21, "st", stream)]));
    expect(r.stderr).toContain("imported: 1, not imported: 0");
    expect(await call("XRANGE", "st", "-", "+")).toEqual([
      [`${ms1}-0`, ["a", "x", "b", "y"]],
      [`${ms2}-1`, ["a", "z"]],
    ]);
    expect(await call("XPENDING", "st", "g", "-", "+", "10")).toEqual([[`${ms1}-0`, "c1", expect.any(Number), 3]]);
    const info = (await call("XINFO", "GROUPS", "st")) as unknown[][];
    expect(info[0]).toEqual(expect.arrayContaining(["name", "g", "consumers", 1, "pending", 1, "last-delivered-id", `${ms1}-0`, "entries-read", 1]));
  });
});
