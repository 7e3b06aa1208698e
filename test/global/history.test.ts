/**
 * Histories of sessions against read replicas (docs/global.md §3, §5): six clients in three
 * regions (two with replicas), each a session passing its tokens, write and read a small set of
 * registers (strings, hash fields, counters; MSET and MGET across shards) from their own region
 * or the primary's, while pushes to the replicas lag (SIMULATED_RTT far 50 ms) and the replicas
 * are restarted halfway. Every operation's invocation and response is recorded and the history
 * checked (checker.ts). With the test switch REPLICA_BREAK_TOKENS=1 (replica reads ask for no
 * position) the same run must show violations: the checker can fail.
 */
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../worker/slot";
import { checkHistory, type Op } from "./checker";
import { countingReplicas, noCounts, Session, testEnv, workerWith, type ReplicaCounts } from "./session-client";
import { seededRandom } from "../random";

const SHARDS = Number(testEnv.SHARDS ?? 16);
const CLIENTS = 6;
const OPS_PER_CLIENT = 36;
const HOMES = ["weur", "apac", "weur", "apac", "eeur", "apac"];
const PRIMARY_REGION = "wnam";

/** `count` string keys on distinct shards. */
function keysOnShards(prefix: string, count: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; out.length < count && i < 10_000; i++) {
    const k = `${prefix}:${i}`;
    const s = shardOf(k, SHARDS);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(k);
    }
  }
  return out;
}

interface Run {
  history: Op[];
  violations: string[];
  counts: ReplicaCounts;
}

async function runHistory(prefix: string, seed: number, bindings: Record<string, unknown>): Promise<Run> {
  const counts = noCounts();
  const fetch = workerWith({ REPLICA: countingReplicas(testEnv.REPLICA!, counts), ...bindings });
  const strings = keysOnShards(`${prefix}:s`, 4);
  const hash = `${prefix}:h`;
  const fields = ["f0", "f1", "f2"];
  const counters = keysOnShards(`${prefix}:n`, 2);
  const history: Op[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const regOf = (k: string) => `s:${k}`;
  const fieldReg = (f: string) => `h:${hash}:${f}`;
  const counterReg = (k: string) => `n:${k}`;
  let restarted = false;
  let done = 0;

  async function restartReplicas(): Promise<void> {
    const shards = new Set([...strings, hash, ...counters].map((k) => shardOf(k, SHARDS)));
    for (const region of ["weur", "apac"])
      for (const s of shards) await evictDurableObject(testEnv.REPLICA!.getByName(`replica-${region}-${s}`, { locationHint: region as DurableObjectLocationHint }));
  }

  async function client(c: number): Promise<void> {
    const random = seededRandom(seed * 100 + c);
    const s = new Session(fetch, HOMES[c]!);
    let counter = 0;
    /** A read to do next, from the client's home region, right after a write from the primary's. */
    let followUp: { regs: string[]; argv: (string | number)[] } | null = null;
    for (let i = 0; i < OPS_PER_CLIENT; i++) {
      if (!restarted && ++done >= (CLIENTS * OPS_PER_CLIENT) / 2) {
        restarted = true;
        await restartReplicas();
      }
      const region = followUp ? HOMES[c]! : random() < 0.5 ? HOMES[c]! : PRIMARY_REGION;
      const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
      if (!followUp && random() < 0.4) {
        const value = `${c}.${++counter}`;
        const kind = pick(["set", "hset", "mset", "incr"] as const);
        const inv = now();
        if (kind === "incr") {
          const k = pick(counters);
          const r = await s.command(["INCR", k], { region });
          history.push({ kind: "incr", client: c, reg: counterReg(k), result: typeof r.result === "number" ? r.result : null, inv, res: now() });
          if (region === PRIMARY_REGION) followUp = { regs: [counterReg(k)], argv: ["GET", k] };
          continue;
        }
        let argv: (string | number)[];
        let regs: string[];
        if (kind === "set") {
          const k = pick(strings);
          argv = ["SET", k, value];
          regs = [regOf(k)];
        } else if (kind === "hset") {
          const f = pick(fields);
          argv = ["HSET", hash, f, value];
          regs = [fieldReg(f)];
        } else {
          const [a, b] = [pick(strings), pick(strings)];
          const keys = a === b ? [a] : [a, b];
          argv = ["MSET", ...keys.flatMap((k) => [k, value])];
          regs = keys.map(regOf);
        }
        const r = await s.command(argv, { region });
        history.push({ kind: "write", client: c, regs, value, inv, res: now(), ok: r.error === undefined });
        if (region === PRIMARY_REGION) {
          followUp = kind === "hset" ? { regs, argv: ["HGET", hash, argv[2]!] } : { regs, argv: regs.length === 1 ? ["GET", argv[1]!] : ["MGET", argv[1]!, argv[3]!] };
        }
        continue;
      }
      let read = followUp;
      const staleness = read === null && random() < 0.25;
      followUp = null;
      if (!read) {
        const what = pick(["get", "hget", "mget", "counter"] as const);
        if (what === "get") {
          const k = pick(strings);
          read = { regs: [regOf(k)], argv: ["GET", k] };
        } else if (what === "hget") {
          const f = pick(fields);
          read = { regs: [fieldReg(f)], argv: ["HGET", hash, f] };
        } else if (what === "mget") {
          const [a, b] = [strings[0]!, pick(strings.slice(1))];
          read = { regs: [regOf(a), regOf(b)], argv: ["MGET", a, b] };
        } else {
          const k = pick(counters);
          read = { regs: [counterReg(k)], argv: ["GET", k] };
        }
      }
      const maxStalenessMs = staleness ? 150 : undefined;
      const inv = now();
      const r = await s.command(read.argv, { region, maxStalenessMs });
      const res = now();
      const values = r.error !== undefined ? undefined : Array.isArray(r.result) ? (r.result as (string | null)[]) : [r.result as string | null];
      history.push({ kind: "read", client: c, regs: read.regs, values, inv, res, maxStalenessMs });
    }
  }

  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  // Counters are read with GET: their text is the count.
  const violations = checkHistory(history, { isCounter: (r) => r.startsWith("n:"), slackMs: 5 });
  return { history, violations, counts };
}

describe("session histories against lagging, restarting replicas", () => {
  it("every read keeps read-your-writes, monotonic reads and the staleness it asked", async () => {
    const run = await runHistory(`hist:${Date.now().toString(36)}`, 1, {});
    const reads = run.history.filter((o) => o.kind === "read");
    expect(reads.length).toBeGreaterThan(50);
    expect(reads.every((o) => o.kind === "read" && o.values !== undefined)).toBe(true);
    expect(run.violations).toEqual([]);
    // The replicas did serve (the run checks them, not only the primary).
    expect(run.counts.served).toBeGreaterThan(10);
  });

  it("the checker catches replicas that ignore the token (REPLICA_BREAK_TOKENS=1)", async () => {
    const run = await runHistory(`hist-broken:${Date.now().toString(36)}`, 2, { REPLICA_BREAK_TOKENS: "1" });
    expect(run.counts.served).toBeGreaterThan(10);
    expect(run.violations.length).toBeGreaterThan(0);
    expect(run.violations.some((v) => v.includes("read your writes"))).toBe(true);
  });
});
