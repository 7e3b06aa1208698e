/**
 * The conformance suite: Redis behaviour written once as cases, run against several targets
 * (the shard directly, the Worker over HTTP, a real redis-server), as Hono runs one router
 * suite against each router. A case gets `r(...)` to send a command and key makers:
 * - `key(name)`: keys that share a hash tag, so every `key()` of a case lives on one shard
 *   (multi-key commands work on them everywhere);
 * - `spread(name)`: keys without a hash tag, spread over shards (for fan-out cases).
 * Replies are normalized to `Value`: strings, numbers (bigint beyond 2^53), null, arrays,
 * and `{ error }` for error replies, so one expectation fits every target.
 */
import { describe, it } from "vitest";

export type Value = string | number | bigint | null | { error: string } | Value[];
export type Call = (...args: (string | number)[]) => Promise<Value>;
/** A reply with its bytes kept: bulk strings as bytes, status replies (`OK`) as text. */
export type BinaryValue = Uint8Array | string | number | bigint | null | { error: string } | BinaryValue[];
/** A binary-safe call: at most one argument may be bytes (the HTTP target sends it as the raw body). */
export type BinaryCall = (...args: (string | number | Uint8Array)[]) => Promise<BinaryValue>;

export interface Target {
  name: string;
  call: Call;
  /** The same command, binary-safe both ways (for payloads such as FUNCTION DUMP's). */
  callBinary: BinaryCall;
  /** Number of shards behind the target (1 for redis-server and a single shard). */
  shards: number;
  /** True for the reference redis-server (7.0): it lacks commands that cases `fromDocs` cover. */
  reference?: boolean;
}

export interface CaseContext {
  r: Call;
  /** `r` with bytes kept both ways. */
  rb: BinaryCall;
  key(name?: string): string;
  spread(name?: string): string;
  target: Target;
}

export interface Case {
  name: string;
  run(c: CaseContext): Promise<void>;
  /** Only for targets with several shards (fan-out, CROSSSLOT) or only one. */
  only?: "sharded" | "unsharded";
  /**
   * Expectations written from documentation and the upstream test suite, for a command or form
   * the reference redis-server 7.0 lacks (Redis 8.2's BITOP DIFF, RedisJSON): says where from,
   * e.g. "Redis 8.2 BITOP docs". Skipped on the reference target, run everywhere else.
   */
  fromDocs?: string;
  /**
   * edgekv's own behaviour, which the reference redis-server does not have (RL.* and other
   * edgekv commands, limits redis-server would apply differently): says what, e.g. "RL.* are
   * edgekv's rate limiters". Skipped on the reference target, run everywhere else.
   */
  edgekv?: string;
}

export interface CaseGroup {
  group: string;
  cases: Case[];
}

export function defineCases(group: string, cases: Case[]): CaseGroup {
  return { group, cases };
}

let counter = 0;

/** Registers every case of every group as a vitest test against `target`. */
export function runConformance(target: () => Target, groups: CaseGroup[]): void {
  for (const { group, cases } of groups) {
    if (cases.length === 0) continue;
    describe(group, () => {
      for (const c of cases) {
        it(c.name, async (ctx) => {
          const t = target();
          if ((c.only === "sharded" && t.shards === 1) || (c.only === "unsharded" && t.shards > 1)) {
            ctx.skip(`needs a ${c.only} target`);
          }
          if (c.fromDocs && t.reference) ctx.skip(`not in the reference server (from ${c.fromDocs})`);
          if (c.edgekv && t.reference) ctx.skip(`edgekv only: ${c.edgekv}`);
          const tag = `t${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
          await c.run({
            r: t.call,
            rb: t.callBinary,
            key: (name = "k") => `{${tag}}:${name}`,
            spread: (name = "k") => `${tag}:${name}`,
            target: t,
          });
        });
      }
    });
  }
}

/** Error-reply matcher helper: `expect(await r(...)).toEqual(error("ERR syntax error"))`. */
export function error(message: string): { error: string } {
  return { error: message };
}

/** Sleeps `ms` (keep it under a second: cases must stay fast). */
export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
