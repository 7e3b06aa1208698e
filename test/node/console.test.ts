/**
 * The web console in a real browser (docs/console.md): Debian's chromium driven by
 * playwright-core (no downloaded browser) against `npm run serve` on a free loopback port.
 * Signs in, browses and filters keys, opens each type, edits a string, deletes a key, runs
 * commands and help in the console, checks that the charts draw paths and that the slow log
 * loads, and that the read-only token's page has no editing control. The server runs in front of
 * an origin with one front-door rule, so that the rate-limit charts (all shards, and per rule)
 * have decisions to draw. No CSP violation and no
 * script error may occur. Screenshots of each view go to test-artifacts/console/ (git-ignored).
 * Skipped, with a message, when no chromium executable is found (CHROMIUM_PATH when set,
 * else /usr/bin/chromium or /usr/bin/chromium-browser).
 */
import { startServeProcess, stopServeProcess } from "./serve-process";
import type { ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./ports";

/** The page's document, as the functions run in the browser see it (this project's lib has no DOM). */
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
};

const root = resolve(import.meta.dirname, "../..");
const artifacts = join(root, "test-artifacts/console");
const token = "console-test-token";
const readOnlyToken = "console-test-readonly-token";
/** The front-door rule: the API stays on 127.0.0.1, the site is `localhost` (same socket, its Host header). */
const rule = "/site/*";
/** A key that is not UTF-8 (0xff 0x00 0xfe after a text prefix), its value binary too, and the name it is renamed to. */
const binKey = Buffer.from([...Buffer.from("con:bin-key:"), 0xff, 0x00, 0xfe]);
const binRenamed = Buffer.from([...Buffer.from("con:bin-key:"), 0xfe, 0xff]);
const b64 = (b: Uint8Array) => ({ base64: Buffer.from(b).toString("base64") });

/** CHROMIUM_PATH when set (and only it), else Debian's. */
const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const executable = candidates.find((p) => existsSync(p));
if (!executable) {
  console.warn(`console.test.ts skipped: no chromium executable at ${candidates.join(", ")} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

/** `npm run serve`'s script on `port`; resolves once it says it is serving. */
function startServe(port: number, dataDir: string): Promise<ChildProcess> {
  return startServeProcess({
    PORT: String(port),
    EDGEKV_DATA: dataDir,
    EDGEKV_TOKEN: token,
    EDGEKV_READONLY_TOKEN: readOnlyToken,
    SHARDS: "4",
    WORKERS: undefined,
    // Only the decisions matter here (429 or not): the origin is never reached (.invalid).
    ORIGIN: "http://origin.invalid",
    API_HOSTNAMES: "127.0.0.1",
    RATE_LIMIT_RULES: JSON.stringify({ [rule]: { algorithm: "fixed", limit: 2, window: 600_000 } }),
  });
}

const stopServe = (child: ChildProcess | undefined) => stopServeProcess(child);

describe.skipIf(!executable)("the web console in chromium", () => {
  let dataDir: string;
  let url: string;
  let server: ChildProcess | undefined;
  let port = 0;
  let browser: Browser | undefined;
  const problems: string[] = [];

  /** One command; `base64`: with base64 replies (bytes exact). Arguments may be {"base64": …}. */
  async function command(argv: unknown[], auth = token, base64 = false): Promise<{ result?: unknown; error?: string }> {
    const headers: Record<string, string> = { authorization: `Bearer ${auth}` };
    if (base64) headers["upstash-encoding"] = "base64";
    const res = await fetch(`${url}/`, { method: "POST", headers, body: JSON.stringify(argv) });
    return (await res.json()) as { result?: unknown; error?: string };
  }

  /** Polls the API until `argv` answers `expected` (bounded); `base64` as in command. */
  async function eventually(argv: unknown[], expected: unknown, base64 = false): Promise<void> {
    let last: unknown;
    for (let i = 0; i < 100; i++) {
      last = (await command(argv, token, base64)).result;
      if (JSON.stringify(last) === JSON.stringify(expected)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toEqual(expected);
  }

  /** One request to the site through the front door (Host: localhost); resolves to its status. */
  function siteRequest(path: string): Promise<number> {
    return new Promise((res, rej) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, headers: { host: `localhost:${port}` } }, (r) => {
        r.resume();
        r.on("end", () => res(r.statusCode ?? 0));
      });
      req.on("error", rej);
      req.end();
    });
  }

  async function openPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(`${url}/console`);
    return page;
  }

  async function signIn(page: Page, t: string): Promise<void> {
    await page.fill("#token", t);
    await page.click("#signin-button");
    await page.waitForSelector("#keys-table tr.key-row");
  }

  async function openKey(page: Page, key: string): Promise<void> {
    await page.fill("#scan-match", key);
    await page.click("#scan-button");
    await page.waitForSelector("#keys-table[data-state=ready]");
    await page.waitForSelector(`tr.key-row[data-key="${key}"]`);
    await page.click(`tr.key-row[data-key="${key}"] a`);
    await page.waitForFunction((k) => document.getElementById("detail-key")?.textContent === k, key);
  }

  /** A stream's entries and groups edited from its view: XADD (explicit id, `*`, an id refused), XDEL, XGROUP CREATE/DESTROY. */
  async function streamEditing(page: Page): Promise<void> {
    const flashed = async (pattern: RegExp) => {
      await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("flash")?.textContent ?? ""), pattern.source);
      return page.getAttribute("#flash", "class");
    };
    await page.fill("#xadd-id", "2-1");
    await page.fill("#xadd-pairs .xadd-field", "a");
    await page.fill("#xadd-pairs .xadd-value", "b");
    await page.click("#xadd-submit");
    await eventually(["XRANGE", "con:stream", "2-1", "2-1"], [["2-1", ["a", "b"]]]);
    await page.waitForSelector('#stream-table tr.item[data-id="2-1"]');
    // "*" and two pairs.
    await page.click("#xadd-more");
    await page.locator("#xadd-pairs .xadd-field").nth(0).fill("x");
    await page.locator("#xadd-pairs .xadd-value").nth(0).fill("1");
    await page.locator("#xadd-pairs .xadd-field").nth(1).fill("y");
    await page.locator("#xadd-pairs .xadd-value").nth(1).fill("2");
    await page.click("#xadd-submit");
    await eventually(["XLEN", "con:stream"], 3);
    const top = (await command(["XREVRANGE", "con:stream", "+", "-", "COUNT", 1])).result as [string, string[]][];
    expect(top[0]![1]).toEqual(["x", "1", "y", "2"]);
    await page.waitForSelector(`#stream-table tr.item[data-id="${top[0]![0]}"]`);
    // An id not above the top: the server's error is shown, nothing is added.
    await page.fill("#xadd-id", "2-0");
    await page.fill("#xadd-pairs .xadd-field", "late");
    await page.fill("#xadd-pairs .xadd-value", "no");
    await page.click("#xadd-submit");
    expect(await flashed(/equal or smaller/)).toContain("error");
    expect((await command(["XLEN", "con:stream"])).result).toBe(3);
    // XDEL from the entry's row.
    await page.click('#stream-table tr.item[data-id="2-1"] button.xdel');
    await eventually(["XRANGE", "con:stream", "2-1", "2-1"], []);
    await page.waitForSelector('#stream-table tr.item[data-id="2-1"]', { state: "detached" });
    // Consumer groups: create, a duplicate refused (BUSYGROUP), destroy (armed by a first click).
    await page.waitForSelector("#groups-table");
    expect(await page.locator("#groups-table tr.group").count()).toBe(0);
    await page.fill("#xgroup-name", "g1");
    await page.fill("#xgroup-id", "0");
    await page.click("#xgroup-form button[type=submit]");
    await page.waitForSelector('#groups-table tr.group[data-group="g1"]');
    expect(await page.textContent('#groups-table tr.group[data-group="g1"]')).toContain("0-0");
    expect(((await command(["XINFO", "GROUPS", "con:stream"])).result as unknown[]).length).toBe(1);
    await page.fill("#xgroup-name", "g1");
    await page.click("#xgroup-form button[type=submit]");
    expect(await flashed(/BUSYGROUP/)).toContain("error");
    await shot(page, "stream");
    await page.click('#groups-table tr.group[data-group="g1"] button.xgroup-destroy');
    expect(((await command(["XINFO", "GROUPS", "con:stream"])).result as unknown[]).length).toBe(1); // the first click only arms it
    await page.click('#groups-table tr.group[data-group="g1"] button.xgroup-destroy');
    await eventually(["XINFO", "GROUPS", "con:stream"], []);
    await page.waitForSelector('#groups-table tr.group[data-group="g1"]', { state: "detached" });
  }

  /** Opens a key that is not UTF-8 by its row's bytes (data-hex). */
  async function openBinaryKey(page: Page, key: Uint8Array): Promise<void> {
    const hex = Buffer.from(key).toString("hex");
    await page.fill("#scan-match", "con:bin-key:*");
    await page.click("#scan-button");
    await page.waitForSelector("#keys-table[data-state=ready]");
    await page.click(`tr.key-row[data-hex="${hex}"] a`);
    await page.waitForFunction((h) => (document.getElementById("detail-key-hex")?.textContent ?? "").endsWith(h), hex);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-console-test-"));
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startServe(port, dataDir);
    browser = await chromium.launch({ executablePath: executable, args: ["--no-sandbox"] });
    await command(["SET", "con:str", "hello"]);
    await command(["SET", "con:json", '{"name":"edgekv","tags":["a","b"],"n":1}']);
    await command(["SETBIT", "con:bin", 0, 1]); // one byte 0x80: not UTF-8
    await command(["HSET", "con:hash", "f1", "v1", "f2", "v2"]);
    await command(["RPUSH", "con:list", "x", "y", "z"]);
    await command(["SADD", "con:set", "m1", "m2"]);
    await command(["ZADD", "con:zset", 1.5, "low", 10, "high"]);
    await command(["XADD", "con:stream", "1-1", "field", "value"]);
    await command(["SET", "con:del", "doomed"]);
    await command(["SET", "con:ttl", "t"]);
    await command(["SET", b64(binKey), b64(Uint8Array.from([0x00, 0xff, 0x10]))]);
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopServe(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a wrong token at sign-in", async () => {
    const page = await openPage();
    await page.fill("#token", "wrong");
    await page.click("#signin-button");
    await page.waitForFunction(() => (document.getElementById("signin-error")?.textContent ?? "") !== "");
    expect(await page.textContent("#signin-error")).toContain("wrong token");
    expect(await page.locator("#keys-table").count()).toBe(0);
    problems.length = 0; // the browser logs the 401 itself
    await page.context().close();
  }, 60_000);

  it("browses, views each type, edits, renames, sets a TTL, deletes; console; charts; slow log", async () => {
    // One front-door decision before the charts open, so that the rule's chart is there from the first sample.
    expect(await siteRequest("/site/a")).not.toBe(429);
    const page = await openPage();
    await signIn(page, token);
    const keys = await page.locator("tr.key-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")));
    for (const k of ["con:str", "con:hash", "con:list", "con:set", "con:zset", "con:stream"]) expect(keys).toContain(k);
    expect(await page.locator("#readonly-badge").count()).toBe(0);
    await shot(page, "keys");
    await page.fill("#new-key", "con:created");
    await page.fill("#new-value", "fresh");
    await page.click("#new-form button[type=submit]");
    await eventually(["GET", "con:created"], "fresh");

    // TYPE filter and small COUNT pages with "Load more" until the cursor ends (bounded).
    await page.fill("#scan-match", "con:*");
    await page.selectOption("#scan-type", "hash");
    await page.fill("#scan-count", "1");
    await page.click("#scan-button");
    await page.waitForSelector("#keys-table[data-state=ready]");
    for (let i = 0; i < 50 && (await page.isVisible("#scan-more")); i++) {
      await page.click("#scan-more");
      await page.waitForSelector("#keys-table[data-state=ready]");
    }
    await page.waitForSelector('tr.key-row[data-key="con:hash"]');
    expect(await page.locator("tr.key-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")))).toEqual(["con:hash"]);
    await page.selectOption("#scan-type", "");
    await page.fill("#scan-count", "100");

    // A hash.
    await openKey(page, "con:hash");
    await page.waitForSelector("#hash-table tr.item");
    expect(await page.locator("#hash-table tr.item").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining("f1v1"), expect.stringContaining("f2v2")]));
    await shot(page, "hash");
    await page.fill("#item-a", "f3");
    await page.fill("#item-b", "v3");
    await page.click("#item-form button[type=submit]");
    await eventually(["HGET", "con:hash", "f3"], "v3");
    await page.waitForFunction(() => (document.getElementById("hash-table")?.textContent ?? "").includes("f3v3"));
    await page.click('#hash-table tr.item:has-text("f1") button');
    await eventually(["HEXISTS", "con:hash", "f1"], 0);

    // The other types.
    await openKey(page, "con:json");
    await page.waitForSelector("#string-value.json");
    expect(await page.textContent("#string-value")).toContain('\n  "name": "edgekv"');
    await openKey(page, "con:bin");
    await page.waitForSelector("#string-value.binary");
    expect(await page.textContent("#string-value")).toContain("80 ");
    await shot(page, "binary");
    // A key that is not UTF-8: listed with \xNN escapes, opened; its binary value edited as hex.
    await page.fill("#scan-match", "con:bin-key:*");
    await page.click("#scan-button");
    await page.waitForSelector("#keys-table[data-state=ready]");
    expect(await page.getAttribute(`tr.key-row[data-hex="${binKey.toString("hex")}"]`, "data-key")).toBe("con:bin-key:\\xff\\x00\\xfe");
    await openBinaryKey(page, binKey);
    expect(await page.textContent("#detail-key")).toBe("con:bin-key:\\xff\\x00\\xfe");
    await page.waitForSelector("#string-hex");
    expect(await page.inputValue("#string-hex")).toBe("00 ff 10");
    await shot(page, "binary-key");
    await page.fill("#string-hex", "zz");
    await page.click("#string-hex-save");
    await page.waitForFunction(() => (document.getElementById("flash")?.textContent ?? "").startsWith("not hex"));
    expect((await command(["GET", b64(binKey)], token, true)).result).toBe(Buffer.from([0x00, 0xff, 0x10]).toString("base64"));
    await page.fill("#string-hex", "de ad\nbe ef 00");
    await page.click("#string-hex-save");
    await eventually(["GET", b64(binKey)], Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]).toString("base64"), true);
    await page.waitForFunction(() => (document.getElementById("string-value")?.textContent ?? "").includes("de ad be ef 00"));
    // Its TTL, a rename to another name that is not UTF-8 (given as hex), then delete.
    await page.fill("#ttl-seconds", "500");
    await page.click("#ttl-form button[type=submit]");
    await page.waitForFunction(() => /TTL \d/.test(document.getElementById("detail-meta")?.textContent ?? ""));
    expect(((await command(["TTL", b64(binKey)])).result as number) > 0).toBe(true);
    await page.fill("#rename-to", binRenamed.toString("hex"));
    await page.check("#rename-hex");
    await page.click("#rename-form button[type=submit]");
    await eventually(["EXISTS", b64(binRenamed)], 1);
    await eventually(["EXISTS", b64(binKey)], 0);
    await page.waitForFunction((h) => (document.getElementById("detail-key-hex")?.textContent ?? "").endsWith(h), binRenamed.toString("hex"));
    await page.click("#delete-key");
    await page.click("#delete-key");
    await eventually(["EXISTS", b64(binRenamed)], 0);
    // A text value edited as hex becomes those bytes.
    await openKey(page, "con:created");
    await page.click("#string-as-hex");
    expect(await page.inputValue("#string-hex")).toBe("66 72 65 73 68");
    await page.fill("#string-hex", "66 ff");
    await page.click("#string-hex-save");
    await eventually(["GET", "con:created"], Buffer.from([0x66, 0xff]).toString("base64"), true);
    await command(["SET", b64(binKey), b64(Uint8Array.from([0x00, 0xff, 0x10]))]); // for the read-only test

    await openKey(page, "con:list");
    await page.waitForSelector("#list-table tr.item");
    expect(await page.locator("#list-table tr.item").allTextContents()).toEqual(["0x", "1y", "2z"]);
    await page.fill("#item-a", "1");
    await page.fill("#item-b", "Y");
    await page.click("#item-form button[type=submit]");
    await eventually(["LINDEX", "con:list", 1], "Y");
    await openKey(page, "con:set");
    await page.waitForSelector("#set-table tr.item");
    expect((await page.locator("#set-table tr.item").allTextContents()).sort()).toEqual(["m1✕", "m2✕"]);
    await openKey(page, "con:zset");
    await page.waitForSelector("#zset-table tr.item");
    expect(await page.locator("#zset-table tr.item").allTextContents()).toEqual(["low1.5✕", "high10✕"]);
    await openKey(page, "con:stream");
    await page.waitForSelector("#stream-table tr.item");
    expect(await page.textContent("#stream-table")).toContain("1-1field=value");
    await streamEditing(page);

    // Edit a string (its TTL kept), rename, set a TTL, delete.
    await command(["EXPIRE", "con:str", 1000]);
    await openKey(page, "con:str");
    await page.waitForSelector("#string-edit");
    await page.fill("#string-edit", "world");
    await page.click("#string-save");
    await eventually(["GET", "con:str"], "world");
    expect(((await command(["TTL", "con:str"])).result as number) > 0).toBe(true);
    await shot(page, "string");
    await openKey(page, "con:ttl");
    await page.fill("#ttl-seconds", "500");
    await page.click("#ttl-form button[type=submit]");
    await page.waitForFunction(() => /TTL \d/.test(document.getElementById("detail-meta")?.textContent ?? ""));
    expect(((await command(["TTL", "con:ttl"])).result as number) > 0).toBe(true);
    await page.click("#persist");
    await eventually(["TTL", "con:ttl"], -1);
    await page.waitForFunction(() => /TTL none/.test(document.getElementById("detail-meta")?.textContent ?? ""));
    await page.fill("#rename-to", "con:renamed");
    await page.click("#rename-form button[type=submit]");
    await eventually(["EXISTS", "con:renamed"], 1);
    await eventually(["EXISTS", "con:ttl"], 0);
    await openKey(page, "con:del");
    await page.click("#delete-key");
    expect((await command(["EXISTS", "con:del"])).result).toBe(1); // the first click only arms it
    await page.click("#delete-key");
    await eventually(["EXISTS", "con:del"], 0);

    // The console: a command, its reply, history, help from COMMAND DOCS.
    await page.click('nav button[data-view="console"]');
    await page.fill("#console-input", 'SET con:typed "forty two"');
    await page.press("#console-input", "Enter");
    await page.fill("#console-input", "GET con:typed");
    await page.press("#console-input", "Enter");
    await page.waitForFunction(() => (document.getElementById("console-output")?.textContent ?? "").includes('"forty two"'));
    expect((await command(["GET", "con:typed"])).result).toBe("forty two");
    await page.press("#console-input", "ArrowUp");
    expect(await page.inputValue("#console-input")).toBe("GET con:typed");
    await page.fill("#console-input", "help get");
    await page.press("#console-input", "Enter");
    await page.waitForSelector("#console-output .help");
    expect(await page.textContent("#console-output .help")).toMatch(/^GET — /);
    await page.fill("#console-input", "NOSUCHCOMMAND");
    await page.press("#console-input", "Enter");
    await page.waitForFunction(() => (document.getElementById("console-output")?.textContent ?? "").includes("(error) ERR unknown command"));
    await shot(page, "console");

    // Charts: every chart has a drawn path after the first sample.
    await page.click('nav button[data-view="charts"]');
    for (const id of ["chart-ops", "chart-hits", "chart-memory", "chart-evictions"]) {
      await page.waitForSelector(`#${id} svg path.series.s0`, { state: "attached" });
      const d = await page.getAttribute(`#${id} svg path.series.s0`, "d");
      expect(d, id).toMatch(/^M[\d.]+ [\d.]+/);
    }
    // A second sample (polled every 3 s) draws lines, not points.
    await page.waitForFunction(() => /L/.test(document.querySelector("#chart-memory path.series.s0")?.getAttribute("d") ?? ""), null, { timeout: 20_000 });
    // Rate-limit decisions after the first samples: RL.FIXED on a shard (1 admitted, 2 refused)
    // and the front-door rule (limit 2: 2 admitted, 1 refused; the first request was earlier).
    for (let i = 0; i < 3; i++) await command(["RL.FIXED", "con:rl", 1, 600_000]);
    expect(await siteRequest("/site/b")).not.toBe(429);
    expect(await siteRequest("/site/c")).toBe(429);
    // Each series has drawn a point above the baseline (y < 116: a positive count in some interval).
    const above = (selector: string) =>
      page.waitForFunction(
        (sel) => (document.querySelector(sel)?.getAttribute("d") ?? "").split(/[ML]/).some((pt) => pt.trim() !== "" && Number(pt.trim().split(" ")[1]) < 116),
        selector,
        { timeout: 20_000 },
      );
    for (const s of ["#chart-ratelimit path.series.s0", "#chart-ratelimit path.series.s1", "#chart-rule-0 path.series.s0", "#chart-rule-0 path.series.s1"]) await above(s);
    expect(await page.getAttribute("#chart-rule-0", "data-rule")).toBe(rule);
    expect(await page.textContent("#chart-rule-0 h3")).toContain(rule);
    expect(await page.textContent("#chart-rule-0 h3")).toContain("(all shards)");
    expect(await page.textContent("#ratelimit-note")).toBe("");
    await shot(page, "charts");

    // The slow log.
    await page.click('nav button[data-view="slowlog"]');
    await page.waitForSelector("#slowlog-table tbody tr");
    await shot(page, "slowlog");

    // Signed in across a reload (sessionStorage), signed out by the button.
    await page.reload();
    await page.waitForSelector("#keys-table");
    await page.click("#signout");
    await page.waitForSelector("#token");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("with the read-only token no editing control is present", async () => {
    const page = await openPage();
    await signIn(page, readOnlyToken);
    await page.waitForSelector("#readonly-badge");
    expect(await page.locator("#new-form").count()).toBe(0);
    await command(["XGROUP", "CREATE", "con:stream", "ro-group", "0"]);
    for (const key of ["con:hash", "con:str", "con:zset", "con:set", "con:list", "con:stream"]) {
      await openKey(page, key);
      await page.waitForSelector("#detail-content tr.item, #string-value");
      expect(await page.locator(".edit, #delete-key, #rename-form, #ttl-form, #string-edit, textarea").count(), key).toBe(0);
    }
    // The stream's groups are listed, without their controls (checked above: no .edit).
    await openKey(page, "con:stream");
    await page.waitForSelector('#groups-table tr.group[data-group="ro-group"]');
    expect(await page.locator("#xadd-form, #xgroup-form, button.xdel, button.xgroup-destroy").count()).toBe(0);
    // A key that is not UTF-8 opens too, its value as a hex dump, with no editing control.
    await openBinaryKey(page, binKey);
    await page.waitForSelector("#string-value.binary");
    expect(await page.textContent("#string-value")).toContain("00 ff 10");
    expect(await page.locator(".edit, #delete-key, #rename-form, #ttl-form, #string-hex, textarea").count()).toBe(0);
    await openKey(page, "con:hash");
    await page.waitForSelector("#hash-table tr.item");
    await shot(page, "readonly");
    await page.click('nav button[data-view="console"]');
    await page.fill("#console-input", "SET con:str nope");
    await page.press("#console-input", "Enter");
    await page.waitForFunction(() => (document.getElementById("console-output")?.textContent ?? "").includes("NOPERM"));
    expect((await command(["GET", "con:str"])).result).toBe("world");
    // The charts: no GET /metrics with this token (it would be refused), a note says so.
    await page.click('nav button[data-view="charts"]');
    await page.waitForSelector("#chart-ratelimit svg path.series.s0", { state: "attached" });
    expect(await page.textContent("#ratelimit-note")).toContain("read-write token");
    expect(await page.locator("#rule-charts figure").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});
