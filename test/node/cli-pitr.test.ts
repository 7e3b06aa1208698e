/**
 * The `edgekv` CLI's point-in-time subcommands (scripts/cli/pitr.mjs, docs/cli.md "Checkpoints
 * and restore") end to end: `npm run serve` on a free port, the CLI run as a process against it.
 * Locally the storage takes checkpoints but cannot restore: a restore prints the server's error
 * and exits 1.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restoreTarget, isPitrRestore } from "../../scripts/cli/pitr.mjs";
import { freePort } from "./ports";
import { startServeProcess, stopServeProcess } from "./serve-process";

const root = resolve(import.meta.dirname, "../..");
const cli = join(root, "scripts/cli/edgekv.mjs");
const token = "cli-pitr-test-token";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a process, its stdin a pipe (not a terminal). */
function run(url: string, args: string[]): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, EDGEKV_URL: url, EDGEKV_TOKEN: token }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => res({ code, stdout, stderr }));
    child.stdin.end("");
  });
}

describe("edgekv checkpoint, checkpoints, restore", () => {
  let server: ChildProcess | undefined;
  let dataDir = "";
  let url = "";

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "edgekv-cli-pitr-"));
    const port = await freePort();
    server = await startServeProcess({ PORT: String(port), EDGEKV_DATA: dataDir, EDGEKV_TOKEN: token, SHARDS: "4", WORKERS: "" });
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await stopServeProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("checkpoint [name] takes one and prints its id and time; checkpoints lists them, oldest first", async () => {
    const first = await run(url, ["checkpoint"]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(/^checkpoint \d+-[0-9a-f]{8} at \d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    const named = await run(url, ["checkpoint", "before-deploy"]);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(/^checkpoint \d+-[0-9a-f]{8}-before-deploy at /);
    const ids = [first, named].map((r) => r.stdout.split(" ")[1]!);
    const list = await run(url, ["checkpoints"]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines.map((l) => l.split("  ")[0])).toEqual(ids);
    expect(lines[0]).toMatch(/^\S+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    const json = await run(url, ["--json", "checkpoints"]);
    expect(JSON.parse(json.stdout)).toEqual([
      [ids[0], expect.any(Number)],
      [ids[1], expect.any(Number)],
    ]);
  });

  it("checkpoint with a bad name prints the error reply and exits 1; extra arguments are usage errors (exit 2)", async () => {
    expect(await run(url, ["checkpoint", "not:a name!"])).toMatchObject({ code: 1, stdout: "(error) ERR invalid checkpoint name: letters, digits and _.:- only, at most 64, not all digits\n" });
    expect(await run(url, ["checkpoint", "a", "b"])).toMatchObject({ code: 2, stderr: expect.stringContaining("checkpoint takes at most a name") });
    expect(await run(url, ["checkpoints", "x"])).toMatchObject({ code: 2 });
  });

  it("restore without --yes and not on a terminal is refused before anything is sent (exit 2)", async () => {
    const r = await run(url, ["restore", "before-deploy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("restore rewinds the whole database to checkpoint before-deploy: pass --yes to confirm");
    expect(r.stdout).toBe("");
  });

  it("restore --yes prints the server's clear local error and exits 1; the data stays", async () => {
    expect(await run(url, ["SET", "cli:pitr", "kept"])).toMatchObject({ code: 0 });
    for (const target of ["before-deploy", String(Date.now())]) {
      const r = await run(url, ["restore", target, "--yes"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^\(error\) ERR point-in-time restore: .*does not implement point-in-time recovery/);
    }
    // An ISO time before every checkpoint: the server names the oldest.
    const early = await run(url, ["restore", "2001-02-03T04:05:06Z", "--yes"]);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/^\(error\) ERR no checkpoint at or before 981173106000: the oldest is \S+ at \d+\n$/);
    expect(await run(url, ["restore", "--undo", "a", "--yes"])).toMatchObject({ code: 1, stdout: "(error) ERR PITR.RESTORE-BOOKMARKS takes one bookmark per shard (4)\n" });
    const undo = await run(url, ["restore", "--undo", "a", "b", "c", "d", "--yes"]);
    expect(undo.code).toBe(1);
    expect(undo.stdout).toMatch(/does not implement point-in-time recovery/);
    expect(await run(url, ["GET", "cli:pitr"])).toMatchObject({ code: 0, stdout: '"kept"\n' });
    expect(await run(url, ["SET", "cli:pitr", "writable"])).toMatchObject({ code: 0 });
  });

  it("RESTORE key ttl payload (three arguments) is still Redis's RESTORE", async () => {
    const r = await run(url, ["restore", "cli:k", "0", "not-a-payload"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\(error\) ERR DUMP payload version or checksum are wrong/);
  });
});

describe("the restore subcommand's arguments", () => {
  it("an ISO time becomes unix ms; ids, names and unix ms pass as they are", () => {
    expect(restoreTarget("2001-02-03T04:05:06Z")).toBe("981173106000");
    expect(restoreTarget("2001-02-03")).toBe(String(Date.parse("2001-02-03")));
    expect(restoreTarget("1700000000000")).toBe("1700000000000");
    expect(restoreTarget("1700000000000-0a1b2c3d")).toBe("1700000000000-0a1b2c3d");
    expect(restoreTarget("nightly")).toBe("nightly");
    expect(() => restoreTarget("2001-13-45")).toThrow(/not a time/);
  });

  it("restore with one argument, --yes or --undo is the point-in-time restore; three arguments are Redis's RESTORE", () => {
    expect(isPitrRestore(["nightly"])).toBe(true);
    expect(isPitrRestore(["--undo", "a", "b"])).toBe(true);
    expect(isPitrRestore(["k", "0", "payload"])).toBe(false);
  });
});
