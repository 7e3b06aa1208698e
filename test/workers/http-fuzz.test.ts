/**
 * Random junk at every route, from a fixed seed (reproducible): whatever comes in, the answer is
 * a well-formed Upstash reply with a 2xx/4xx status, never a 5xx, never an internal error
 * reply, and always with a sync token. Commands are drawn from the real command table (all but
 * FLUSHALL/FLUSHDB, which would wipe the other tests' keys) with plausible and absurd arguments.
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../durable-objects/commands";
import { call, READONLY_TOKEN, TOKEN } from "./http-helpers";
import { seededRandom } from "../random";

const mulberry32 = seededRandom;

// Blocking commands may wait forever on an empty key (timeout 0, XREAD BLOCK 0): test/workers/blocking.test.ts has them.
const NAMES = COMMANDS.all()
  .filter((s) => !s.flags.includes("blocking"))
  .map((s) => s.name)
  .filter((n) => n !== "flushall" && n !== "flushdb");
const WORDS = [
  "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "NX", "XX", "GT", "LT", "GET", "CH", "INCR", "WITHSCORES", "LIMIT",
  "MATCH", "COUNT", "TYPE", "BYSCORE", "BYLEX", "REV", "LEN", "IDX", "MINMATCHLEN", "WITHMATCHLEN", "REPLACE",
  "DB", "LEFT", "RIGHT", "BEFORE", "AFTER", "RANK", "MAXLEN", "WEIGHTS", "AGGREGATE", "SUM", "MIN", "MAX",
  "PERSIST", "*", "?", "[a-", "\\", "-inf", "+inf", "(1", "[a", "-", "+", "inf", "nan", "NaN",
];
const NUMBERS = [
  "0", "1", "-1", "2", "10", "100", "-100", "1.5", "-0", "007", " 1", "1e3", "9223372036854775807",
  "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
  "4294967296", "536870911", "536870912", "1e308", "1e309", "0x10", "", "3.0000000000000001",
];

function junkString(rand: () => number): string {
  const n = Math.floor(rand() * 12);
  let s = "";
  for (let i = 0; i < n; i++) {
    const r = rand();
    s += r < 0.6 ? String.fromCharCode(32 + Math.floor(rand() * 95)) : r < 0.8 ? String.fromCharCode(Math.floor(rand() * 0x800)) : "\u0000";
  }
  return s;
}

function arg(rand: () => number): string | number | boolean {
  const r = rand();
  if (r < 0.3) return `fuzz:${rand() < 0.5 ? "{t}" : ""}${Math.floor(rand() * 6)}`;
  if (r < 0.55) return NUMBERS[Math.floor(rand() * NUMBERS.length)]!;
  if (r < 0.75) return WORDS[Math.floor(rand() * WORDS.length)]!;
  if (r < 0.8) return Math.floor(rand() * 1e6) - 5e5;
  if (r < 0.82) return rand() < 0.5;
  return junkString(rand);
}

function command(rand: () => number): unknown[] {
  const name = rand() < 0.9 ? NAMES[Math.floor(rand() * NAMES.length)]! : junkString(rand);
  const n = Math.floor(rand() * 7);
  const argv: unknown[] = [rand() < 0.3 ? name.toUpperCase() : name];
  for (let i = 0; i < n; i++) argv.push(arg(rand));
  return argv;
}

function junkJson(rand: () => number, depth = 0): unknown {
  const r = rand();
  if (depth > 3 || r < 0.25) return [null, true, 1.5, "x", -0, 1e400, {}][Math.floor(rand() * 7)];
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => junkJson(rand, depth + 1));
  if (r < 0.7) return { [junkString(rand)]: junkJson(rand, depth + 1) };
  return command(rand);
}

function body(rand: () => number, batch: boolean): BodyInit | null {
  const r = rand();
  if (r < 0.75) return JSON.stringify(batch ? Array.from({ length: 1 + Math.floor(rand() * 12) }, () => command(rand)) : command(rand));
  if (r < 0.85) return JSON.stringify(junkJson(rand));
  if (r < 0.9) return new Uint8Array(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
  if (r < 0.95) return JSON.stringify(junkJson(rand)).slice(0, Math.floor(rand() * 20));
  return null;
}

function path(rand: () => number): string {
  const r = rand();
  if (r < 0.25) return "/";
  if (r < 0.45) return "/pipeline";
  if (r < 0.6) return "/multi-exec";
  if (r < 0.63) return ["/pipeline/", "/multi-exec/", "//", "/%", "/%zz/a", "/?_token=x", "/?&&="][Math.floor(rand() * 7)]!;
  const argv = command(rand).map((a) => (rand() < 0.9 ? encodeURIComponent(String(a)) : String(a).replace(/[/?#]/g, "")));
  const query = rand() < 0.3 ? `?${encodeURIComponent(String(arg(rand)))}=${encodeURIComponent(String(arg(rand)))}` : "";
  return "/" + argv.join("/") + query;
}

const METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "POST", "POST", "POST", "POST", "POST", "POST", "PUT", "HEAD", "OPTIONS", "DELETE", "PATCH"];

function isEntry(e: unknown): boolean {
  if (e === null || typeof e !== "object" || Array.isArray(e)) return false;
  const keys = Object.keys(e);
  if (keys.length !== 1) return false;
  return keys[0] === "result" || (keys[0] === "error" && typeof (e as { error: unknown }).error === "string");
}

describe("fuzz: no input produces a 5xx or an internal error", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}`, async () => {
      const rand = mulberry32(seed);
      for (let i = 0; i < 150; i++) {
        const method = METHODS[Math.floor(rand() * METHODS.length)]!;
        const p = path(rand);
        const batch = p.startsWith("/pipeline") || p.startsWith("/multi-exec");
        const b = method === "POST" || method === "PUT" ? body(rand, batch) : null;
        const token = rand() < 0.85 ? TOKEN : rand() < 0.5 ? READONLY_TOKEN : junkString(rand).replace(/[^\x21-\x7e]/g, "");
        const headers: Record<string, string> = {};
        if (rand() < 0.4) headers["upstash-encoding"] = rand() < 0.8 ? "base64" : "BASE64 ";
        const label = `#${i} ${method} ${p} ${typeof b === "string" ? b.slice(0, 200) : b ? "<bytes>" : ""}`;
        const res = await call(p, { method, body: b, token, headers });
        expect([200, 204, 400, 401, 405, 413], label).toContain(res.status);
        expect(res.headers.get("upstash-sync-token"), label).toBeTruthy();
        if (res.status === 200 && res.body && res.headers.get("content-type")?.startsWith("text/event-stream")) {
          // A stream (/subscribe, /psubscribe, /monitor) that never ends by itself: its first event, then the reader goes away.
          const reader = res.body!.getReader();
          const first = new TextDecoder().decode((await reader.read()).value);
          await reader.cancel();
          expect(first, label).toMatch(/^(data|:)/);
          continue;
        }
        const text = await res.text();
        if (method === "HEAD" || method === "OPTIONS") continue;
        const json: unknown = JSON.parse(text);
        if (res.status === 200 && batch) {
          expect(Array.isArray(json), label).toBe(true);
          for (const e of json as unknown[]) expect(isEntry(e), `${label} → ${text}`).toBe(true);
        } else {
          expect(isEntry(json), `${label} → ${text}`).toBe(true);
          expect("error" in (json as object), `${label} → ${text}`).toBe(res.status !== 200);
        }
        expect(text, label).not.toMatch(/internal error|unavailable/);
      }
    }, 60_000);
  }
});

describe("fuzz: every command with junk arguments answers a reply, never an internal error", () => {
  it("each command of the table, 12 random argument lists, in a pipeline and alone", async () => {
    const rand = mulberry32(42);
    for (const name of NAMES) {
      const cmds = Array.from({ length: 12 }, () => {
        const argv: unknown[] = [name];
        const n = Math.floor(rand() * 8);
        for (let i = 0; i < n; i++) argv.push(arg(rand));
        return argv;
      });
      const res = await call("/pipeline", { body: JSON.stringify(cmds), base64: rand() < 0.5 });
      const text = await res.text();
      expect(res.status, `${name}: ${text.slice(0, 500)}`).toBe(200);
      const out = JSON.parse(text) as unknown[];
      expect(out).toHaveLength(cmds.length);
      out.forEach((e, i) => {
        expect(isEntry(e), `${JSON.stringify(cmds[i])} → ${JSON.stringify(e)}`).toBe(true);
        expect(JSON.stringify(e), JSON.stringify(cmds[i])).not.toMatch(/internal error|unavailable/);
      });
      const single = await call("/", { body: JSON.stringify(cmds[0]) });
      expect([200, 400], `${JSON.stringify(cmds[0])}`).toContain(single.status);
    }
  }, 60_000);
});

describe("fuzz: deep nesting and broken bytes in JSON bodies answer 400, never a 5xx", () => {
  /** A JSON body of the given form with deep nesting, inexact numbers and stray bytes spliced in. */
  function hostileBody(rand: () => number, batch: boolean): Uint8Array {
    const depth = [2, 50, 5000, 100_000][Math.floor(rand() * 4)]!;
    const nest = rand() < 0.5 ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    const inexact = ["1e400", "-1e400", "12345678901234567890", "1.5", "0.1e-400"][Math.floor(rand() * 5)]!;
    const parts = [`"SET"`, inexact, `"v"`, nest].sort(() => rand() - 0.5);
    const one = `[${parts.join(",")}]`;
    const text = batch ? `[["PING"],${rand() < 0.5 ? one : nest},[${inexact}]]` : one;
    const bytes = new TextEncoder().encode(text);
    if (rand() < 0.5) return bytes;
    const at = Math.floor(rand() * bytes.length);
    const stray = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x28, 0xa1]][Math.floor(rand() * 5)]!;
    return new Uint8Array([...bytes.subarray(0, at), ...stray, ...bytes.subarray(at)]);
  }

  it("40 bodies per form", async () => {
    const rand = mulberry32(7);
    for (const path of ["/", "/pipeline", "/multi-exec"]) {
      for (let i = 0; i < 40; i++) {
        const b = hostileBody(rand, path !== "/");
        const res = await call(path, { method: "POST", body: b });
        const text = await res.text();
        const label = `${path} #${i} ${new TextDecoder().decode(b.subarray(0, 80))} → ${text.slice(0, 200)}`;
        expect(res.status, label).toBe(400);
        expect(isEntry(JSON.parse(text)), label).toBe(true);
        expect(text, label).not.toMatch(/internal error|unavailable/);
      }
    }
  }, 60_000);
});
