/**
 * One rule per multi-key move, two paths. Every combination of what RENAME, RENAMENX, COPY,
 * MSET, MSETNX, SMOVE and LMOVE can observe of their keys, with what redis-server 7.0.15 answers
 * and whether it changes a key. Each combination drives the command's decision function (which
 * the shard handler follows) and its cross-shard planner over the reads its participants would
 * answer; both must agree with the table. test/conformance/cases/cross-shard.ts runs the same
 * combinations end to end, once on one shard and once across shards.
 */
import { describe, expect, it } from "vitest";
import { copyOutcome, renameOutcome } from "../durable-objects/commands/keyspace";
import { lmoveOutcome } from "../durable-objects/commands/lists";
import type { Outcome } from "../durable-objects/commands/outcome";
import { smoveOutcome } from "../durable-objects/commands/sets";
import { msetOutcome } from "../durable-objects/commands/strings";
import { Errors } from "../durable-objects/errors";
import { err, OK, status, type Reply } from "../durable-objects/reply";
import type { CrossPlanner } from "../durable-objects/table";
import { planCross, type CrossCommand } from "./cross-commands";
import { shardOf } from "./slot";

const SHARDS = 16;
const WRONGTYPE = err(Errors.wrongType);

/** Two keys on different shards. */
const [SRC, DST] = (() => {
  const src = "cc:src";
  for (let i = 0; ; i++) if (shardOf(`cc:dst${i}`, SHARDS) !== shardOf(src, SHARDS)) return [src, `cc:dst${i}`];
})();

/**
 * [source, destination, same key, reply, changes a key]. A source "set+m" holds the member
 * moved, "set" does not; a list holds "a" at its left end. With one key, destination is source.
 */
type Row = [string, string, boolean, Reply, boolean];

const SMOVE: Row[] = [
  ["none", "none", false, 0, false],
  ["none", "set", false, 0, false],
  ["none", "string", false, 0, false],
  ["none", "none", true, 0, false],
  ["set+m", "none", false, 1, true],
  ["set+m", "set", false, 1, true],
  ["set+m", "string", false, WRONGTYPE, false],
  ["set+m", "set+m", true, 1, false],
  ["set", "none", false, 0, false],
  ["set", "set", false, 0, false],
  ["set", "string", false, WRONGTYPE, false],
  ["set", "set", true, 0, false],
  ["string", "none", false, WRONGTYPE, false],
  ["string", "set", false, WRONGTYPE, false],
  ["string", "string", false, WRONGTYPE, false],
  ["string", "string", true, WRONGTYPE, false],
];

const LMOVE: Row[] = [
  ["none", "none", false, null, false],
  ["none", "list", false, null, false],
  ["none", "string", false, null, false],
  ["none", "none", true, null, false],
  ["list", "none", false, "a", true],
  ["list", "list", false, "a", true],
  ["list", "string", false, WRONGTYPE, false],
  ["list", "list", true, "a", true],
  ["string", "none", false, WRONGTYPE, false],
  ["string", "list", false, WRONGTYPE, false],
  ["string", "string", false, WRONGTYPE, false],
  ["string", "string", true, WRONGTYPE, false],
];

/** RENAME, RENAMENX, COPY and COPY … REPLACE over the same nine states; their replies in that order. */
const MOVES: [string, string, boolean, [Reply, boolean][]][] = [
  ["none", "none", false, [[err(Errors.noSuchKey), false], [err(Errors.noSuchKey), false], [0, false], [0, false]]],
  ["none", "string", false, [[err(Errors.noSuchKey), false], [err(Errors.noSuchKey), false], [0, false], [0, false]]],
  ["none", "hash", false, [[err(Errors.noSuchKey), false], [err(Errors.noSuchKey), false], [0, false], [0, false]]],
  ["none", "none", true, [[err(Errors.noSuchKey), false], [err(Errors.noSuchKey), false], [err(Errors.sameObject), false], [err(Errors.sameObject), false]]],
  ["string", "none", false, [[OK, true], [1, true], [1, true], [1, true]]],
  ["string", "string", false, [[OK, true], [0, false], [0, false], [1, true]]],
  ["string", "hash", false, [[OK, true], [0, false], [0, false], [1, true]]],
  ["string", "string", true, [[OK, false], [0, false], [err(Errors.sameObject), false], [err(Errors.sameObject), false]]],
  ["list", "none", false, [[OK, true], [1, true], [1, true], [1, true]]],
  ["list", "string", false, [[OK, true], [0, false], [0, false], [1, true]]],
  ["list", "hash", false, [[OK, true], [0, false], [0, false], [1, true]]],
  ["list", "list", true, [[OK, false], [0, false], [err(Errors.sameObject), false], [err(Errors.sameObject), false]]],
];
const MOVE_FORMS = [
  { planner: "rename", argv: [] as string[] },
  { planner: "renamenx", argv: [] as string[] },
  { planner: "copy", argv: [] as string[] },
  { planner: "copy", argv: ["REPLACE"] },
] as const;

const typeOf = (t: string): string => (t === "set+m" ? "set" : t);
const name = (row: [string, string, boolean]): string => `${row[0]} → ${row[2] ? "itself" : row[1]}`;

/** The plan of argv over SRC and DST (on two shards). */
function plan(planner: CrossPlanner, argv: string[]): CrossCommand {
  const p = planCross(planner, argv, SHARDS);
  if (p === null || "error" in p) throw new Error(`no plan for ${argv.join(" ")}`);
  expect(p.parts.map((part) => part.shard)).toEqual([shardOf(SRC, SHARDS), shardOf(DST, SHARDS)]);
  return p;
}

/** What the planner answers over `reads`: the reply and whether it commits. */
function planned(p: CrossCommand, reads: Reply[][]): Outcome {
  const write = p.shouldCommit(reads);
  return { reply: p.reply(reads, write), write };
}

/** A TYPE read, and the reply of a read of a value of `type` with a command for `want` ("set", "list", "string"). */
const typeRead = (t: string): Reply => status(typeOf(t));
const valueRead = (t: string, want: string, value: Reply, missing: Reply): Reply =>
  t === "none" ? missing : typeOf(t) === want ? value : WRONGTYPE;

describe("SMOVE: one rule for the shard and the planner", () => {
  for (const row of SMOVE) {
    const [source, destination, sameKey, reply, changes] = row;
    it(name(row), () => {
      const outcome = smoveOutcome({ source: typeOf(source), destination: typeOf(destination), sameKey, isMember: source === "set+m" });
      expect(outcome).toEqual({ reply, write: changes });
      if (sameKey) return;
      const reads = [[typeRead(source), valueRead(source, "set", source === "set+m" ? 1 : 0, 0)], [typeRead(destination)]];
      expect(planned(plan("smove", ["SMOVE", SRC, DST, "m"]), reads)).toEqual(outcome);
    });
  }
});

describe("LMOVE and RPOPLPUSH: one rule for the shard and the planner", () => {
  for (const row of LMOVE) {
    const [source, destination, sameKey, reply, changes] = row;
    it(name(row), () => {
      const element = source === "list" ? "a" : null;
      const outcome = lmoveOutcome({ source, destination, element });
      expect(outcome).toEqual({ reply, write: changes });
      if (sameKey) return;
      const reads = [[typeRead(source), valueRead(source, "list", "a", null)], [typeRead(destination)]];
      expect(planned(plan("lmove", ["LMOVE", SRC, DST, "LEFT", "RIGHT"]), reads)).toEqual(outcome);
      expect(planned(plan("rpoplpush", ["RPOPLPUSH", SRC, DST]), reads)).toEqual(outcome);
    });
  }
  it("a list element at the right end is what RPOPLPUSH's source reads and the destination pushes", () => {
    const p = plan("rpoplpush", ["RPOPLPUSH", SRC, DST]);
    expect(p.parts[0]!.reads).toEqual([["TYPE", SRC], ["LINDEX", SRC, "-1"]]);
    expect(p.parts[0]!.writes).toEqual([["RPOP", SRC]]);
    expect(p.parts[1]!.writesFrom!([[status("list"), "z"]])).toEqual([["LPUSH", DST, "z"]]);
  });
});

describe("RENAME, RENAMENX and COPY: one rule for the shard and the planner", () => {
  for (const [source, destination, sameKey, replies] of MOVES) {
    MOVE_FORMS.forEach((form, f) => {
      const [reply, changes] = replies[f]!;
      it(`${[form.planner, ...form.argv].join(" ")} ${name([source, destination, sameKey])}`, () => {
        const observed = { source, destinationExists: sameKey ? source !== "none" : destination !== "none", sameKey };
        const outcome =
          form.planner === "copy" ? copyOutcome(form.argv.length > 0, observed) : renameOutcome(form.planner === "renamenx", observed);
        expect(outcome).toEqual({ reply, write: changes });
        if (sameKey) return;
        const reads = [
          [typeRead(source), valueRead(source, "string", "v", null), source === "none" ? -2 : -1],
          [destination === "none" ? 0 : 1],
        ];
        const got = planned(plan(form.planner, [form.planner.toUpperCase(), SRC, DST, ...form.argv]), reads);
        // A collection is not carried by these reads: its move runs gathered (the plan's fallback).
        expect(got).toEqual(changes && source !== "string" ? { reply: err(Errors.crossSlot), write: false } : outcome);
      });
    });
  }
  it("COPY … DB has no plan; an option error is the handler's to answer (run gathered)", () => {
    expect(planCross("copy", ["COPY", SRC, DST, "DB", "0"], SHARDS)).toBeNull();
    expect(planCross("copy", ["COPY", SRC, DST, "NOPE"], SHARDS)).toBeNull();
  });
});

describe("MSET and MSETNX: one rule for the shard and the planner", () => {
  for (const [nx, anyExists, reply, changes] of [
    [false, false, OK, true],
    [false, true, OK, true],
    [true, false, 1, true],
    [true, true, 0, false],
  ] as const) {
    it(`${nx ? "MSETNX" : "MSET"} ${anyExists ? "with" : "without"} an existing key`, () => {
      const outcome = msetOutcome(nx, anyExists);
      expect(outcome).toEqual({ reply, write: changes });
      const p = planCross(nx ? "msetnx" : "mset", [nx ? "MSETNX" : "MSET", SRC, "1", DST, "2"], SHARDS);
      if (p === null || "error" in p) throw new Error("no plan");
      const reads = p.parts.map((part) => (nx ? [part.keys.includes(DST) && anyExists ? 1 : 0] : []));
      expect(planned(p, reads)).toEqual(outcome);
    });
  }
  it("odd arguments are the handler's arity error", () => {
    expect(planCross("msetnx", ["MSETNX", SRC, "1", DST], SHARDS)).toEqual({ error: Errors.wrongArity("msetnx") });
    expect(planCross("mset", ["MSET", SRC], SHARDS)).toEqual({ error: Errors.wrongArity("mset") });
  });
});
