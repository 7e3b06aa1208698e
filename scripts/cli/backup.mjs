/**
 * `edgekv export` and `edgekv import` (docs/cli.md): the keyspace to an RDB file (or JSONL)
 * from SCAN + PEXPIRETIME + DUMP, and an RDB file written by redis-server back into edgekv
 * with RESTORE … REPLACE ABSTTL. Both stream: memory is one batch of keys (export) or the
 * requests in flight (import), never the file.
 */
import { createHash } from "node:crypto";
import { closeSync, createReadStream, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { Client, isError, positive, textOf, UsageError } from "./client.mjs";
import { Crc64 } from "./crc64.mjs";
import { lzfDecompress } from "./lzf.mjs";
import { Progress } from "./progress.mjs";

/** The RDB version an export's header names unless a payload needs more (Redis 7.0's). */
const BASE_VERSION = 10;
/** The newest RDB version read (Redis 7.4's). */
const MAX_VERSION = 12;

const OP = { SLOT_INFO: 0xf4, FUNCTION2: 0xf5, MODULE_AUX: 0xf7, IDLE: 0xf8, FREQ: 0xf9, AUX: 0xfa, RESIZEDB: 0xfb, EXPIRETIME_MS: 0xfc, EXPIRETIME: 0xfd, SELECTDB: 0xfe, EOF: 0xff };

/** An RDB length (rdbSaveLen). */
export function encodeLength(n) {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

/** An RDB string as its length and bytes (never the integer or LZF form: both are optional). */
export const encodeString = (b) => Buffer.concat([encodeLength(b.length), b]);

function options(args, spec) {
  const o = { files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (spec[a] === "value") {
      if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
      o[a] = args[++i];
    } else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else o.files.push(a);
  }
  return o;
}

/** A key that was not exported or imported, and why. */
function failed(what, key, why) {
  const text = textOf(key);
  process.stderr.write(`${what} ${text !== null ? JSON.stringify(text) : "0x" + key.toString("hex")}: ${why}\n`);
}

/** The identity of a key in the set of keys written: itself when short, else its SHA-256. */
const seenId = (key) => (key.length <= 64 ? key.toString("latin1") : createHash("sha256").update(key).digest("latin1"));

// ---------------------------------------------------------------------------------------------
// export

/** An RDB file written as it goes, with its running CRC-64. */
class RdbFileWriter {
  constructor(path) {
    this.path = path;
    this.fd = openSync(path, "w+");
    this.crc = new Crc64();
    this.size = 0;
  }
  write(...parts) {
    const b = Buffer.concat(parts);
    this.crc.update(b);
    writeSync(this.fd, b);
    this.size += b.length;
  }
  /** EOF and checksum; with `version` past the header's, the header and then the checksum rewritten. */
  finish(version) {
    this.write(Buffer.from([OP.EOF]));
    let crc = this.crc;
    if (version !== BASE_VERSION) {
      writeSync(this.fd, Buffer.from(header(version)), 0, 9, 0);
      crc = new Crc64();
      const chunk = Buffer.alloc(1 << 20);
      for (let pos = 0; pos < this.size; ) {
        const n = readSync(this.fd, chunk, 0, Math.min(chunk.length, this.size - pos), pos);
        if (n <= 0) throw new Error("short read of the file being written");
        crc.update(chunk.subarray(0, n));
        pos += n;
      }
    }
    writeSync(this.fd, crc.bytes(), 0, 8, this.size);
    closeSync(this.fd);
  }
}

const header = (version) => Buffer.from(`REDIS${String(version).padStart(4, "0")}`, "latin1");

export async function exportCommand(client, args) {
  const o = options(args, { "--rdb": "value", "--jsonl": "value", "--count": "value" });
  if (o.files.length || (!o["--rdb"] === !o["--jsonl"])) throw new UsageError("export needs one of --rdb FILE or --jsonl FILE");
  const count = o["--count"] ? positive(o["--count"], "--count") : 100;
  const jsonl = Boolean(o["--jsonl"]);
  let out;
  let jsonFd;
  try {
    if (jsonl) jsonFd = openSync(o["--jsonl"], "w");
    else out = new RdbFileWriter(o["--rdb"]);
  } catch (e) {
    throw new UsageError(`cannot write ${o["--rdb"] ?? o["--jsonl"]}: ${e.message}`);
  }
  if (out) {
    out.write(header(BASE_VERSION));
    out.write(Buffer.from([OP.AUX]), encodeString(Buffer.from("redis-ver")), encodeString(Buffer.from("7.0.0")));
    out.write(Buffer.from([OP.AUX]), encodeString(Buffer.from("edgekv-export")), encodeString(Buffer.from("1")));
    out.write(Buffer.from([OP.SELECTDB]), encodeLength(0));
  }
  let version = BASE_VERSION;
  const seen = new Set();
  const size = await client.call(["DBSIZE"]);
  const progress = new Progress("keys", typeof size === "number" && size > 0 ? size : undefined, 10_000);
  let written = 0;
  let problems = 0;
  let cursor = "0";
  /** [PEXPIRETIME, DUMP, TYPE?] of one key, alone (after its batch's reply for it was an error). */
  const alone = async (key) => client.pipeline(commandsOf(key));
  const commandsOf = (key) => [["PEXPIRETIME", key], ["DUMP", key], ...(jsonl ? [["TYPE", key]] : [])];
  const per = jsonl ? 3 : 2;
  for (;;) {
    const scan = await client.call(["SCAN", cursor, "COUNT", String(count)]);
    if (isError(scan)) throw new UsageError(`SCAN: ${scan.error}`);
    cursor = scan[0].toString("latin1");
    const keys = [];
    for (const key of scan[1]) {
      const id = seenId(key);
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push(key);
    }
    const replies = keys.length ? await client.pipeline(keys.flatMap(commandsOf)) : [];
    for (let k = 0; k < keys.length; k++) {
      let r = replies.slice(k * per, k * per + per);
      if (r.some(isError)) r = await alone(keys[k]);
      const err = r.find(isError);
      if (err) {
        problems++;
        failed("not exported", keys[k], err.error);
        continue;
      }
      const [expireAt, payload, type] = r;
      if (payload === null || expireAt === -2) continue; // gone since SCAN
      if (payload.length < 11) {
        problems++;
        failed("not exported", keys[k], "a DUMP payload too short");
        continue;
      }
      const pv = payload.readUInt16LE(payload.length - 10);
      if (jsonl) {
        const line = JSON.stringify({ key: keys[k].toString("base64"), type: type.toString("latin1"), pexpireat: Number(expireAt), dump: payload.toString("base64") });
        writeSync(jsonFd, line + "\n");
      } else {
        if (pv > MAX_VERSION) {
          problems++;
          failed("not exported", keys[k], `its payload's RDB version ${pv} is newer than ${MAX_VERSION}`);
          continue;
        }
        if (pv > version) version = pv;
        const parts = [];
        if (expireAt >= 0) {
          const t = Buffer.alloc(9);
          t[0] = OP.EXPIRETIME_MS;
          t.writeBigUInt64LE(BigInt(expireAt), 1);
          parts.push(t);
        }
        parts.push(payload.subarray(0, 1), encodeString(keys[k]), payload.subarray(1, payload.length - 10));
        out.write(...parts);
      }
      written++;
    }
    progress.update(written);
    if (cursor === "0") break;
  }
  if (out) out.finish(version);
  else closeSync(jsonFd);
  progress.done();
  process.stderr.write(`exported: ${written} keys${out ? ` (RDB version ${version})` : ""}, not exported: ${problems}\n`);
  return problems > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// import

export class RdbFormatError extends Error {}

/**
 * An RDB file read forwards in chunks, with the CRC-64 of everything consumed and, while
 * `capture` is set, a copy of the bytes consumed (one value's).
 */
export class RdbFileReader {
  constructor(path, chunkBytes = 1 << 20) {
    this.fd = openSync(path, "r");
    this.buf = Buffer.alloc(chunkBytes);
    this.start = 0;
    this.end = 0;
    this.pos = 0; // file offset of buf[start]
    this.crc = new Crc64();
    this.capture = null;
  }
  close() {
    closeSync(this.fd);
  }
  fill() {
    if (this.start < this.end) return true;
    const n = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
    this.start = 0;
    this.end = n;
    return n > 0;
  }
  /** The next `n` bytes (a copy). */
  take(n) {
    const out = Buffer.allocUnsafe(n);
    let o = 0;
    while (o < n) {
      if (!this.fill()) throw new RdbFormatError("unexpected end of file");
      const m = Math.min(n - o, this.end - this.start);
      this.buf.copy(out, o, this.start, this.start + m);
      this.start += m;
      this.pos += m;
      o += m;
    }
    this.crc.update(out);
    if (this.capture) this.capture.push(out);
    return out;
  }
  byte() {
    return this.take(1)[0];
  }
  /** A length: { len, enc } with enc the special encoding of a string (or -1). */
  length() {
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 0) return { len: b & 0x3f, enc: -1 };
    if (kind === 1) return { len: ((b & 0x3f) << 8) | this.byte(), enc: -1 };
    if (kind === 3) return { len: 0, enc: b & 0x3f };
    if (b === 0x80) return { len: this.take(4).readUInt32BE(0), enc: -1 };
    if (b === 0x81) return { len: Number(this.take(8).readBigUInt64BE(0)), enc: -1 };
    throw new RdbFormatError(`bad length byte 0x${b.toString(16)}`);
  }
  len() {
    const l = this.length();
    if (l.enc !== -1) throw new RdbFormatError("an encoded string where a length was expected");
    return l.len;
  }
  /** An RDB string's bytes, decoded (integer form as its digits, LZF expanded). */
  string() {
    const l = this.length();
    if (l.enc === -1) return this.take(l.len);
    if (l.enc === 0) return Buffer.from(String(this.take(1).readInt8(0)));
    if (l.enc === 1) return Buffer.from(String(this.take(2).readInt16LE(0)));
    if (l.enc === 2) return Buffer.from(String(this.take(4).readInt32LE(0)));
    if (l.enc === 3) {
      const clen = this.len();
      const ulen = this.len();
      return lzfDecompress(this.take(clen), ulen);
    }
    throw new RdbFormatError(`bad string encoding ${l.enc}`);
  }
  /** Past an RDB string without decoding it. */
  skipString() {
    const l = this.length();
    if (l.enc === -1) this.take(l.len);
    else if (l.enc === 0) this.take(1);
    else if (l.enc === 1) this.take(2);
    else if (l.enc === 2) this.take(4);
    else if (l.enc === 3) {
      const clen = this.len();
      this.len();
      this.take(clen);
    } else throw new RdbFormatError(`bad string encoding ${l.enc}`);
  }
  /** Past module values up to RDB_MODULE_OPCODE_EOF. */
  skipModuleValues() {
    for (let i = 0; ; i++) {
      const op = this.len();
      if (op === 0) return;
      if (op === 1 || op === 2) this.len();
      else if (op === 3) this.take(4);
      else if (op === 4) this.take(8);
      else if (op === 5) this.skipString();
      else throw new RdbFormatError(`bad module opcode ${op}`);
    }
  }
  /** Past one value of object type `type` (rdb.c rdbLoadObject's reads). */
  skipValue(type) {
    switch (type) {
      case 0:
        return this.skipString();
      case 1: // list
      case 2: // set
      case 14: // quicklist of ziplists
        for (let n = this.len(); n > 0; n--) this.skipString();
        return;
      case 3: // zset: member, score as a string
        for (let n = this.len(); n > 0; n--) {
          this.skipString();
          const d = this.byte();
          if (d < 253) this.take(d);
        }
        return;
      case 4: // hash
        for (let n = this.len(); n > 0; n--) this.skipString(), this.skipString();
        return;
      case 5: // zset 2: member, binary double
        for (let n = this.len(); n > 0; n--) this.skipString(), this.take(8);
        return;
      case 7: // module 2
        this.len();
        return this.skipModuleValues();
      case 9:
      case 10:
      case 11:
      case 12:
      case 13:
      case 16:
      case 17:
      case 20:
        return this.skipString();
      case 18: // quicklist 2: container, node
        for (let n = this.len(); n > 0; n--) this.len(), this.skipString();
        return;
      case 15:
      case 19:
      case 21: {
        for (let n = this.len(); n > 0; n--) this.skipString(), this.skipString();
        this.len(), this.len(), this.len();
        if (type >= 19) this.len(), this.len(), this.len(), this.len(), this.len();
        for (let g = this.len(); g > 0; g--) {
          this.skipString();
          this.len(), this.len();
          if (type >= 19) this.len();
          for (let p = this.len(); p > 0; p--) this.take(16), this.take(8), this.len();
          for (let c = this.len(); c > 0; c--) {
            this.skipString();
            this.take(8);
            if (type >= 21) this.take(8);
            for (let p = this.len(); p > 0; p--) this.take(16);
          }
        }
        return;
      }
      case 22: // hash with field TTLs, Redis 7.4 release candidates: per field its TTL
        for (let n = this.len(); n > 0; n--) this.len(), this.skipString(), this.skipString();
        return;
      case 24: // hash metadata: min expiry, per field its TTL
        this.take(8);
        for (let n = this.len(); n > 0; n--) this.len(), this.skipString(), this.skipString();
        return;
      case 23:
        return this.skipString();
      case 25: // hash listpack ex: min expiry, listpack
        this.take(8);
        return this.skipString();
      default:
        throw new RdbFormatError(`unknown object type ${type}`);
    }
  }
}

/** A DUMP payload: type byte, value, RDB version, CRC-64. */
export function payloadOf(type, value, version) {
  const body = Buffer.concat([Buffer.from([type]), ...value, Buffer.from([version & 0xff, version >> 8])]);
  return Buffer.concat([body, new Crc64().update(body).bytes()]);
}

/**
 * The keys of an RDB file, one at a time: `onKey({ db, key, type, payload, expireAt, idle, freq })`
 * (awaited, so a slow receiver holds the reader); `onSkip(what)` for what is not a key.
 */
export async function readRdb(path, onKey, onSkip) {
  const r = new RdbFileReader(path);
  try {
    const magic = r.take(9).toString("latin1");
    if (!/^REDIS\d{4}$/.test(magic)) throw new RdbFormatError("not an RDB file (no REDIS magic)");
    const version = Number(magic.slice(5));
    if (version < 1 || version > MAX_VERSION) throw new RdbFormatError(`RDB version ${version} is not supported (1 to ${MAX_VERSION})`);
    let db = 0;
    let expireAt = -1;
    let idle;
    let freq;
    for (;;) {
      const op = r.byte();
      if (op === OP.EOF) break;
      if (op === OP.EXPIRETIME_MS) expireAt = Number(r.take(8).readBigUInt64LE(0));
      else if (op === OP.EXPIRETIME) expireAt = r.take(4).readUInt32LE(0) * 1000;
      else if (op === OP.FREQ) freq = r.byte();
      else if (op === OP.IDLE) idle = r.len();
      else if (op === OP.SELECTDB) db = r.len();
      else if (op === OP.RESIZEDB) r.len(), r.len();
      else if (op === OP.SLOT_INFO) r.len(), r.len(), r.len(); // Redis 7.4 in cluster mode: slot, its keys, its volatile keys (a sizing hint)
      else if (op === OP.AUX) r.skipString(), r.skipString();
      else if (op === OP.MODULE_AUX) {
        r.len(), r.len(), r.len();
        r.skipModuleValues();
        onSkip("module data");
      } else if (op === OP.FUNCTION2) {
        r.skipString();
        onSkip("a function library");
      } else if (op >= 0xf0) throw new RdbFormatError(`unsupported opcode 0x${op.toString(16)}`);
      else {
        const key = r.string();
        r.capture = [];
        r.skipValue(op);
        const value = r.capture;
        r.capture = null;
        await onKey({ db, key, type: op, payload: payloadOf(op, value, version), expireAt, idle, freq });
        expireAt = -1;
        idle = freq = undefined;
      }
    }
    if (version >= 5) {
      const computed = r.crc.value();
      const stored = r.take(8).readBigUInt64LE(0);
      if (stored !== 0n && stored !== computed) throw new RdbFormatError("the file's CRC-64 is wrong");
    }
  } finally {
    r.close();
  }
}

/**
 * The file's CRC-64 checked in a first pass, before anything is sent: the CRC-64 of all but the
 * last 8 bytes against them (files of RDB version 5 and later; a stored 0 means none was kept).
 */
export function checkFileCrc(path) {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(9);
    if (size < 18 || readSync(fd, head, 0, 9, 0) !== 9) throw new RdbFormatError("not an RDB file (too short)");
    const m = /^REDIS(\d{4})$/.exec(head.toString("latin1"));
    if (!m) throw new RdbFormatError("not an RDB file (no REDIS magic)");
    if (Number(m[1]) < 5) return;
    const stored = Buffer.alloc(8);
    readSync(fd, stored, 0, 8, size - 8);
    if (stored.readBigUInt64LE(0) === 0n) return;
    const crc = new Crc64();
    const chunk = Buffer.alloc(1 << 20);
    for (let pos = 0; pos < size - 8; ) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - 8 - pos), pos);
      if (n <= 0) throw new RdbFormatError("unexpected end of file");
      crc.update(chunk.subarray(0, n));
      pos += n;
    }
    if (crc.value() !== stored.readBigUInt64LE(0)) throw new RdbFormatError("the file's CRC-64 is wrong (nothing was imported)");
  } finally {
    closeSync(fd);
  }
}

/** The keys of an export's JSONL file (`{"key","type","pexpireat","dump"}` a line), one at a time. */
export async function readJsonl(path, onKey) {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let j;
    try {
      j = JSON.parse(line);
    } catch {
      throw new RdbFormatError(`line ${n} is not JSON`);
    }
    if (typeof j?.key !== "string" || typeof j.dump !== "string" || typeof j.pexpireat !== "number") throw new RdbFormatError(`line ${n} is not an exported key`);
    await onKey({ db: 0, key: Buffer.from(j.key, "base64"), payload: Buffer.from(j.dump, "base64"), expireAt: j.pexpireat });
  }
}

export async function importCommand(client, args) {
  const o = options(args, { "--db": "value", "--parallel": "value" });
  if (o.files.length !== 1) throw new UsageError("import needs one RDB file");
  const db = o["--db"] !== undefined ? Number(o["--db"]) : 0;
  if (!Number.isSafeInteger(db) || db < 0) throw new UsageError("--db must be an integer >= 0");
  const parallel = o["--parallel"] ? positive(o["--parallel"], "--parallel") : 16;
  const progress = new Progress("keys", undefined, 10_000);
  const counts = { imported: 0, failed: 0, expired: 0, otherDb: 0, skipped: 0 };
  const inFlight = new Set();
  const restore = async (k) => {
    const flags = [["REPLACE"], ["ABSTTL"]];
    if (k.freq !== undefined) flags.push(["FREQ", String(k.freq)]);
    if (k.idle !== undefined) flags.push(["IDLETIME", String(k.idle)]);
    const ttl = String(Math.max(k.expireAt, 0));
    // The payload as the path form's raw body (one copy); a key that is not UTF-8 cannot be a path
    // segment, so that RESTORE goes as JSON with the key and the payload as {"base64":"…"}.
    const r =
      textOf(k.key) !== null
        ? await client.callWithBody(["RESTORE", k.key, ttl], k.payload, flags)
        : await client.call(["RESTORE", k.key, ttl, k.payload, ...flags.flat()]);
    if (isError(r)) {
      counts.failed++;
      failed("not imported", k.key, r.error);
    } else counts.imported++;
    progress.update(counts.imported + counts.failed);
  };
  let fatal;
  /** One key to RESTORE, unless it is of another database or expired; waits while `parallel` are in flight. */
  const onKey = async (k) => {
    if (k.db !== db) return void counts.otherDb++;
    if (k.expireAt >= 0 && k.expireAt <= Date.now()) return void counts.expired++;
    if (fatal) throw fatal;
    const p = restore(k).catch((e) => (fatal ??= e));
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
    if (inFlight.size >= parallel) await Promise.race(inFlight);
  };
  try {
    if (o.files[0].endsWith(".jsonl")) {
      await readJsonl(o.files[0], onKey);
    } else {
      checkFileCrc(o.files[0]);
        await readRdb(o.files[0], onKey, (what) => {
        counts.skipped++;
        process.stderr.write(`skipped: ${what}\n`);
      });
    }
  } catch (e) {
    await Promise.allSettled(inFlight);
    if (e instanceof RdbFormatError || e?.code) throw new UsageError(`${o.files[0]}: ${e.message}`);
    throw e;
  }
  await Promise.allSettled(inFlight);
  if (fatal) throw fatal;
  progress.done();
  process.stderr.write(
    `imported: ${counts.imported}, not imported: ${counts.failed}, expired: ${counts.expired}, other databases: ${counts.otherDb}, skipped: ${counts.skipped}\n`,
  );
  return counts.failed > 0 ? 1 : 0;
}
