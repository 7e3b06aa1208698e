/**
 * The `edgekv` CLI (scripts/cli/, docs/cli.md) end to end: `npm run serve` on a free port,
 * the CLI run as a process against it; its RDB exports loaded by a real redis-server (started
 * here with the file, on a free port) and redis-server's own RDB files (SAVE) imported, every
 * key's type, value and expiry compared on both sides.
 */
import { startServeProcess, stopServeProcess } from "./serve-process";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc64 } from "../../scripts/cli/crc64.mjs";
import { quote } from "../../scripts/cli/format.mjs";
import { splitArgs } from "../../scripts/cli/split.mjs";
import { crc64 as crc64Ts } from "../../durable-objects/rdb/crc64";
import { freePort, waitForPort } from "./ports";
import { RespClient } from "./resp-client";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "scripts/cli/edgekv.mjs");
const token = "cli-test-token";
const hasRedis = !spawnSync("redis-server", ["--version"]).error;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a process; `input` its stdin. */
function run(url: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, EDGEKV_URL: url, EDGEKV_TOKEN: token, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("latin1")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => res({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

function startServe(port: number, dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  return startServeProcess({ PORT: String(port), EDGEKV_DATA: dataDir, EDGEKV_TOKEN: token, SHARDS: "4", WORKERS: "", ...extra });
}

const stopGroup = (child: ChildProcess | undefined) => stopServeProcess(child);

/** A redis-server on a free port, its files in `dir` (loading `dir/dump.rdb` if there). */
async function startRedis(dir: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await waitForPort(port, 10_000, "redis-server");
  return { port, child };
}

async function stopRedis(r: { child: ChildProcess } | undefined): Promise<void> {
  if (!r || r.child.exitCode !== null) return;
  const exited = new Promise((res) => r.child.once("exit", res));
  r.child.kill("SIGKILL");
  await exited;
}

type Call = (...args: (string | Uint8Array)[]) => Promise<unknown>;

/** Replies with bytes as hex, so that values compare exactly. */
function norm(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (typeof v === "string") return Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(norm);
  if (typeof v === "bigint") return Number(v);
  return v;
}

const pairs = (a: unknown[]) => Array.from({ length: a.length / 2 }, (_, i) => `${a[2 * i]}=${a[2 * i + 1]}`).sort();

/** Every key of a server as { type, expiry, value }, values in a canonical order. */
async function snapshot(call: Call): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let cursor = "0";
  for (let guard = 0; guard < 10_000; guard++) {
    const [next, keys] = (await call("SCAN", cursor, "COUNT", "100")) as [Uint8Array, Uint8Array[]];
    for (const key of keys) {
      const type = Buffer.from((await call("TYPE", key)) as Uint8Array).toString();
      const expiry = Number(await call("PEXPIRETIME", key));
      let value: unknown;
      if (type === "string") value = norm(await call("GET", key));
      else if (type === "list") value = norm(await call("LRANGE", key, "0", "-1"));
      else if (type === "set") value = (norm(await call("SMEMBERS", key)) as string[]).sort();
      else if (type === "zset") value = norm(await call("ZRANGE", key, "0", "-1", "WITHSCORES"));
      else if (type === "hash") value = pairs(norm(await call("HGETALL", key)) as unknown[]);
      else if (type === "stream") value = [norm(await call("XRANGE", key, "-", "+")), norm(await call("XINFO", "GROUPS", key))];
      out[Buffer.from(key).toString("hex")] = { type, expiry, value };
    }
    cursor = Buffer.from(next).toString();
    if (cursor === "0") return out;
  }
  throw new Error("SCAN did not end");
}

/** edgekv over REST with base64 replies (bytes exact); byte arguments as {"base64": …}. */
function edgekvCall(url: string): Call {
  const decode = (r: unknown, top: boolean): unknown =>
    typeof r === "string" ? (top && r === "OK" ? Buffer.from("OK") : Buffer.from(r, "base64")) : Array.isArray(r) ? r.map((x) => decode(x, false)) : r;
  return async (...args) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "upstash-encoding": "base64" },
      body: JSON.stringify(args.map((a) => (typeof a === "string" ? a : { base64: Buffer.from(a).toString("base64") }))),
    });
    const json = (await res.json()) as { result?: unknown; error?: string };
    if (json.error) throw new Error(json.error);
    return decode(json.result, true);
  };
}

/** A binary value set in edgekv through the path form's raw body. */
async function setBinary(url: string, key: string, value: Uint8Array): Promise<void> {
  const res = await fetch(`${url}/set/${encodeURIComponent(key)}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: value });
  expect(await res.json()).toEqual({ result: "OK" });
}

describe("CLI pieces", () => {
  it("CRC-64 as Redis's (its test vector) and as the shards' module", () => {
    expect(crc64(Buffer.from("123456789"))).toBe(0xe9c6d914c4b8d9can);
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    expect(crc64(data)).toBe(crc64Ts(0n, data));
  });

  it("splits arguments by redis-cli's rules", () => {
    const s = (l: string) => splitArgs(l)?.map((b) => b.toString("latin1")) ?? null;
    expect(s(`SET  k "a b\\n\\x41\\"" 'it\\'s'`)).toEqual(["SET", "k", 'a b\nA"', "it's"]);
    expect(s("   ")).toEqual([]);
    expect(s(`SET "a`)).toBeNull();
    expect(s(`SET "a"b`)).toBeNull();
    expect(splitArgs(`"\\xff\\x00"`)![0]).toEqual(Buffer.from([0xff, 0]));
  });

  it("quotes as redis-cli does", () => {
    expect(quote(Buffer.from('a"\\\n\x01é'))).toBe('"a\\"\\\\\\n\\x01\\xc3\\xa9"');
  });
});

describe("the edgekv CLI against npm run serve", () => {
  let dataDir: string;
  let url: string;
  let server: ChildProcess | undefined;
  let call: Call;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-cli-test-"));
    const port = await freePort();
    server = await startServe(port, dataDir, { MAX_VALUE_BYTES: "100000" });
    url = `http://127.0.0.1:${port}`;
    call = edgekvCall(url);
  });

  afterAll(async () => {
    await stopGroup(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("one-shot commands: redis-cli's printing, --raw, --json, exit codes", async () => {
    expect(await run(url, ["SET", "cli:a", "va\"l"])).toMatchObject({ code: 0, stdout: "OK\n" });
    expect(await run(url, ["GET", "cli:a"])).toMatchObject({ code: 0, stdout: '"va\\"l"\n' });
    expect(await run(url, ["--raw", "GET", "cli:a"])).toMatchObject({ code: 0, stdout: 'va"l\n' });
    expect(await run(url, ["GET", "cli:none"])).toMatchObject({ code: 0, stdout: "(nil)\n" });
    expect(await run(url, ["RPUSH", "cli:l", "x", "y"])).toMatchObject({ code: 0, stdout: "(integer) 2\n" });
    expect(await run(url, ["LRANGE", "cli:l", "0", "-1"])).toMatchObject({ stdout: '1) "x"\n2) "y"\n' });
    expect(await run(url, ["LRANGE", "cli:none", "0", "-1"])).toMatchObject({ stdout: "(empty array)\n" });
    expect(await run(url, ["--json", "LRANGE", "cli:l", "0", "-1"])).toMatchObject({ stdout: '["x","y"]\n' });
    expect(await run(url, ["TYPE", "cli:l"])).toMatchObject({ stdout: "list\n" });
    await run(url, ["XADD", "cli:s", "1-1", "f", "v"]);
    expect((await run(url, ["XRANGE", "cli:s", "-", "+"])).stdout).toBe('1) 1) "1-1"\n   2) 1) "f"\n      2) "v"\n');
    await setBinary(url, "cli:bin", Uint8Array.from([0, 0xff, 0x41]));
    expect((await run(url, ["GET", "cli:bin"])).stdout).toBe('"\\x00\\xffA"\n');
    expect((await run(url, ["--json", "GET", "cli:bin"])).stdout).toBe('{"base64":"AP9B"}\n');
    const err = await run(url, ["INCR", "cli:a"]);
    expect(err).toMatchObject({ code: 1, stdout: "(error) ERR value is not an integer or out of range\n" });
    expect((await run(url, ["--token", "wrong", "PING"])).code).toBe(2);
    expect((await run("http://127.0.0.1:1", ["PING"])).code).toBe(2);
    expect((await run(url, [])).code).toBe(2);
    expect((await run(url, ["--bogus", "PING"])).code).toBe(2);
  });

  it("--pipe: commands from stdin and a file in bounded pipelines, errors with their lines", async () => {
    const lines = ['SET cli:p "a\\x00b"', "INCR cli:p", "", 'SET "unbalanced', 'SET "cli:nottext\\xff\\x00" "\\xfe"', ...Array.from({ length: 2500 }, (_, i) => `SET cli:p:${i} ${i}`)];
    const r = await run(url, ["--pipe", "--batch", "700"], lines.join("\n") + "\n");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 2: (error) ERR value is not an integer or out of range");
    expect(r.stderr).toContain("line 4: (error) ERR Protocol error: unbalanced quotes");
    expect(r.stderr).toContain("errors: 2, replies: 2503");
    expect(await call("GET", "cli:p")).toEqual(Buffer.from([0x61, 0, 0x62]));
    expect(await call("GET", "cli:p:2499")).toEqual(Buffer.from("2499"));
    // Arguments that are not UTF-8 travel as {"base64": …}: the key and value are those bytes.
    expect(await call("GET", Buffer.from([...Buffer.from("cli:nottext"), 0xff, 0x00]))).toEqual(Buffer.from([0xfe]));
    const file = join(dataDir, "cmds.txt");
    writeFileSync(file, "SET cli:f 1\nINCR cli:f\n");
    expect(await run(url, ["--pipe", file])).toMatchObject({ code: 0 });
    expect(await call("GET", "cli:f")).toEqual(Buffer.from("2"));
  });

  it("--repl: a prompt, quoting, replies, help from COMMAND DOCS, history, quit", async () => {
    const hist = join(dataDir, "history");
    const r = await run(url, ["--repl"], 'SET cli:r "a b"\nGET cli:r\nhelp GET\nINCR cli:r\nquit\nGET cli:r\n', { EDGEKV_HISTFILE: hist });
    const prompt = `${new URL(url).host}> `;
    expect(r.code).toBe(0);
    expect(r.stdout.split(prompt)).toEqual(["", "OK\n", '"a b"\n', "\n  GET key\n\n", "(error) ERR value is not an integer or out of range\n", ""]);
    expect(readFileSync(hist, "utf8")).toBe('SET cli:r "a b"\nGET cli:r\nhelp GET\nINCR cli:r\nquit\n');
  });

  describe.runIf(hasRedis)("RDB export and import with redis-server", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "edgekv-cli-rdb-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Keys of every type redis-server 7.0 reads, some with TTLs, some binary, some large. */
    async function seed(c: Call, binary: (key: string, v: Uint8Array) => Promise<void>) {
      const later = String(Date.now() + 3_600_000);
      await c("SET", "s:int", "12345");
      await c("SET", "k/ey %?&=#", "path characters"); // keys travel in the path form's segments
      await c("SET", "", "the empty key");
      await c("SET", "ключ", "UTF-8");
      await c("SET", "-777", "a key redis-server writes in the integer form");
      await c("SET", "s:long", "x".repeat(5000));
      await c("SET", "s:ttl", "v", "PXAT", later);
      await binary("s:bin", Uint8Array.from({ length: 300 }, (_, i) => (i * 31) & 0xff));
      // Keys that are not UTF-8 (0xff 0x00 0xfe), a binary value and a binary hash field.
      await c("SET", Buffer.from([0x6b, 0xff, 0x00, 0xfe]), Uint8Array.from([0x00, 0xff, 0x80, 0xfe, 0x0a]));
      await c("HSET", Buffer.from([0x68, 0xfe, 0xff]), Buffer.from([0xc3]), Buffer.from([0xff, 0xfe]), "f", "v");
      await c("PEXPIREAT", Buffer.from([0x68, 0xfe, 0xff]), later);
      await c("RPUSH", "l:small", "a", "1", "-7");
      await c("RPUSH", "l:big", ...Array.from({ length: 2000 }, (_, i) => `item-${i}`));
      await c("SADD", "set:int", "1", "2", "300000");
      await c("SADD", "set:str", ...Array.from({ length: 600 }, (_, i) => `m${i}`));
      await c("ZADD", "z:small", "1", "a", "2.5", "b", "-3", "c");
      await c("ZADD", "z:big", ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `zm${i}`]).flat());
      await c("HSET", "h:small", "f", "v", "n", "1");
      await c("HSET", "h:big", ...Array.from({ length: 700 }, (_, i) => [`f${i}`, `v${i}`]).flat());
      await c("PEXPIREAT", "h:big", later);
      await c("XADD", "x:s", "1-1", "a", "1");
      await c("XADD", "x:s", "2-1", "a", "2", "b", "3");
      await c("XGROUP", "CREATE", "x:s", "g", "0");
      await c("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "x:s", ">");
    }

    it("export --rdb: redis-server loads the file with every key, value, type and expiry", async () => {
      await call("FLUSHDB");
      await seed(call, (k, v) => setBinary(url, k, v));
      const ours = await snapshot(call);
      expect(Object.keys(ours).length).toBe(19);
      expect(ours["6bff00fe"]).toEqual({ type: "string", expiry: -1, value: "00ff80fe0a" });
      const r = await run(url, ["export", "--rdb", join(dir, "dump.rdb"), "--count", "3"]);
      expect(r.stderr).toContain("exported: 19 keys (RDB version 10), not exported: 0");
      expect(r.code).toBe(0);
      const redis = await startRedis(dir);
      const client = new RespClient(redis.port);
      try {
        expect(await snapshot((...a) => client.callBinary(...a))).toEqual(ours);
      } finally {
        client.close();
        await stopRedis(redis);
      }
      // JSONL carries what redis-server 7.0 cannot load too (a JSON document), back into edgekv.
      await call("JSON.SET", "doc", "$", '{"a":[1,"x",null],"b":{"c":true}}');
      await call("PEXPIREAT", "doc", String(Date.now() + 3_600_000));
      const withDoc = await snapshot(call);
      const docExpiry = await call("PEXPIRETIME", "doc");
      const j = await run(url, ["export", "--jsonl", join(dir, "dump.jsonl")]);
      expect(j.stderr).toContain("exported: 20 keys, not exported: 0");
      await call("FLUSHDB");
      expect(await run(url, ["import", join(dir, "dump.jsonl")])).toMatchObject({ code: 0 });
      expect(await snapshot(call)).toEqual(withDoc);
      expect(await call("JSON.GET", "doc")).toEqual(Buffer.from('{"a":[1,"x",null],"b":{"c":true}}'));
      expect(await call("PEXPIRETIME", "doc")).toEqual(docExpiry);
    });

    it("import: redis-server's SAVE restored into edgekv, idempotent; refused keys reported", async () => {
      rmSync(join(dir, "dump.rdb"), { force: true });
      const redis = await startRedis(dir);
      const client = new RespClient(redis.port);
      const rc: Call = (...a) => client.callBinary(...a);
      let theirs: Record<string, unknown>;
      try {
        await rc("FLUSHALL");
        await seed(rc, async (k, v) => void (await rc("SET", k, v)));
        await rc("SET", "s:expired", "v", "PX", "1");
        await rc("SET", "s:1", "lzf-" + "ab".repeat(200)); // an integer-looking key and an LZF value
        await rc("SET", "too:large", "y".repeat(150_000)); // past this server's MAX_VALUE_BYTES
        await rc("SELECT", "1");
        await rc("SET", "db1:key", "v");
        await rc("SELECT", "0");
        await new Promise((r) => setTimeout(r, 5));
        await rc("SAVE");
        await rc("DEL", "too:large");
        theirs = await snapshot(rc);
      } finally {
        client.close();
        await stopRedis(redis);
      }
      await call("FLUSHDB");
      for (let i = 0; i < 2; i++) {
        const r = await run(url, ["import", join(dir, "dump.rdb")]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/not imported "too:large": ERR/);
        // s:expired is in the file unless redis-server's active expiry took it before SAVE.
        expect(r.stderr).toMatch(/imported: 20, not imported: 1, expired: [01], other databases: 1, skipped: 0/);
        expect(await snapshot(call)).toEqual(theirs);
        expect(await call("GET", Buffer.from([0x6b, 0xff, 0x00, 0xfe]))).toEqual(Buffer.from([0x00, 0xff, 0x80, 0xfe, 0x0a]));
      }
    });

    it("a hash with field TTLs: exported as RDB version 12 (header and checksum rewritten), imported back", async () => {
      await call("FLUSHDB");
      await call("HSET", "hx", "a", "1", "b", "2", "c", "3");
      const at = String(Date.now() + 3_600_000);
      await call("HPEXPIREAT", "hx", at, "FIELDS", "1", "a");
      await call("SET", "plain", "v");
      const before = await snapshot(call);
      const ttl = await call("HPEXPIRETIME", "hx", "FIELDS", "3", "a", "b", "c");
      const file = join(dir, "v12.rdb");
      const r = await run(url, ["export", "--rdb", file]);
      expect(r.stderr).toContain("exported: 2 keys (RDB version 12)");
      expect(readFileSync(file).subarray(0, 9).toString()).toBe("REDIS0012");
      await call("FLUSHDB");
      expect(await run(url, ["import", file])).toMatchObject({ code: 0 });
      expect(await snapshot(call)).toEqual(before);
      expect(await call("HPEXPIRETIME", "hx", "FIELDS", "3", "a", "b", "c")).toEqual(ttl);
      // A flipped byte fails the file's CRC-64.
      const bytes = readFileSync(file);
      bytes[bytes.length - 12] ^= 1;
      writeFileSync(file, bytes);
      await call("FLUSHDB");
      const bad = await run(url, ["import", file]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("CRC-64 is wrong (nothing was imported)");
      expect(await call("DBSIZE")).toBe(0);
    });

    it("export: a batch whose values pass the reply limit is read key by key", async () => {
      await call("FLUSHDB");
      const big = (i: number) => String(i % 10).repeat(90_000);
      for (let i = 0; i < 20; i++) await call("SET", `big:${i}`, big(i));
      const before = await snapshot(call);
      const file = join(dir, "big.rdb");
      const r = await run(url, ["export", "--rdb", file, "--count", "100"]);
      expect(r.stderr).toContain("exported: 20 keys (RDB version 10), not exported: 0");
      await call("FLUSHDB");
      expect(await run(url, ["import", file])).toMatchObject({ code: 0 });
      expect(await snapshot(call)).toEqual(before);
    });

    it("import: a file that is not RDB, or truncated, exits 2", async () => {
      writeFileSync(join(dir, "bad.rdb"), "NOTREDIS0");
      expect((await run(url, ["import", join(dir, "bad.rdb")])).code).toBe(2);
      writeFileSync(join(dir, "cut.rdb"), Buffer.from("REDIS0010\xfe\x00", "latin1"));
      expect((await run(url, ["import", join(dir, "cut.rdb")])).stderr).toContain("not an RDB file (too short)");
      // Checksum right, a value claiming more bytes than the file holds.
      const body = Buffer.from("REDIS0010\x00\x01a\x7f\xff\xff", "latin1");
      const crc = Buffer.alloc(8);
      crc.writeBigUInt64LE(crc64(body));
      writeFileSync(join(dir, "cut.rdb"), Buffer.concat([body, crc]));
      const r = await run(url, ["import", join(dir, "cut.rdb")]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("unexpected end of file");
    });
  });
});
