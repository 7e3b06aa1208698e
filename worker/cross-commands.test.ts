/**
 * One rule per multi-key move, two paths. Every combination of what RENAME, RENAMENX, COPY,
 * MSET, MSETNX, SMOVE, LMOVE and RPOPLPUSH can observe of their keys, with redis-server
 * 7.0.15's reply and whether a key changed (MOVE_ROWS, the table the conformance cases of
 * test/conformance/cases/cross-shard-moves.ts run end to end, on one shard and across shards).
 * Each combination drives the command's decision function, which the shard handler follows, and
 * its cross-shard planner over the reads its participants would answer: both must match.
 */
import { describe, expect, it } from "vitest";
import { copyOutcome, renameOutcome } from "../durable-objects/commands/keyspace";
import { lmoveOutcome } from "../durable-objects/commands/lists";
import type { Outcome } from "../durable-objects/commands/outcome";
import { smoveOutcome } from "../durable-objects/commands/sets";
import { msetOutcome } from "../durable-objects/commands/strings";
import { Errors } from "../durable-objects/errors";
import { encodePayload } from "../durable-objects/rdb/dump";
import { jsonType } from "../durable-objects/rdb/types/json";
import { err, OK, status, type Reply } from "../durable-objects/reply";
import type { CrossPlanner } from "../durable-objects/table";
import { MOVE_ROWS, type KeyState } from "../test/conformance/cases/cross-shard-moves";
import type { Value } from "../test/conformance/harness";
import { planCross, type CrossCommand } from "./cross-commands";
import { shardOf } from "./slot";

const SHARDS = 16;
const WRONGTYPE = err(Errors.wrongType);

/** Two keys on different shards. */
const [SRC, DST] = ((): [string, string] => {
  const src = "cc:src";
  for (let i = 0; ; i++) if (shardOf(`cc:dst${i}`, SHARDS) !== shardOf(src, SHARDS)) return [src, `cc:dst${i}`];
})();

const typeOf = (s: KeyState): string => (s === "set+m" ? "set" : s);
/** A conformance value as a reply: RENAME's and MSET's OK is a status. */
const asReply = (v: Value): Reply => (v === "OK" ? OK : (v as Reply));

/** The reply a shard gives at prepare: TYPE, and a read of a value of type `want` (WRONGTYPE on another). */
const typeRead = (s: KeyState): Reply => status(typeOf(s));
const valueRead = (s: KeyState, want: string, value: Reply, missing: Reply): Reply =>
  s === "none" ? missing : typeOf(s) === want ? value : WRONGTYPE;

/**
 * For one combination: what the command's decision function answers, and the planner with the
 * reads its participants would answer (SRC on one shard, DST on another).
 */
function decide(argv: string[], source: KeyState, destination: KeyState, sameKey: boolean): { outcome: Outcome; planner: CrossPlanner; reads: Reply[][] } {
  const name = argv[0]!.toLowerCase();
  const replace = argv.includes("REPLACE");
  switch (name) {
    case "smove":
      return {
        outcome: smoveOutcome({ source: typeOf(source), destination: typeOf(destination), sameKey, isMember: source === "set+m" }),
        planner: "smove",
        reads: [[typeRead(source), valueRead(source, "set", source === "set+m" ? 1 : 0, 0)], [typeRead(destination)]],
      };
    case "lmove":
    case "rpoplpush": {
      const element = source === "list" ? (name === "lmove" ? "a" : "b") : null;
      return {
        outcome: lmoveOutcome({ source, destination, element }),
        planner: name,
        reads: [[typeRead(source), valueRead(source, "list", element, null)], [typeRead(destination)]],
      };
    }
    case "rename":
    case "renamenx":
    case "copy": {
      const observed = { source, destinationExists: sameKey ? source !== "none" : destination !== "none", sameKey };
      return {
        outcome: name === "copy" ? copyOutcome(replace, observed) : renameOutcome(name === "renamenx", observed),
        planner: name,
        reads: [[typeRead(source), valueRead(source, "string", "v-src", null), source === "none" ? -2 : -1], [destination === "none" ? 0 : 1]],
      };
    }
    case "mset":
    case "msetnx": {
      const exists = (s: KeyState): number => (s === "none" ? 0 : 1);
      return {
        outcome: msetOutcome(name === "msetnx", source !== "none" || destination !== "none"),
        planner: name,
        reads: name === "msetnx" ? [[exists(source)], [exists(destination)]] : [[], []],
      };
    }
  }
  throw new Error(`no rule for ${name}`);
}

/** The plan of argv over SRC and DST, one part per key in that order. */
function plan(planner: CrossPlanner, argv: string[]): CrossCommand {
  const p = planCross(planner, argv.map((a) => (a === "$S" ? SRC : a === "$D" ? DST : a)), SHARDS);
  if (p === null || "error" in p) throw new Error(`no plan for ${argv.join(" ")}`);
  expect(p.parts.map((part) => part.keys)).toEqual([[SRC], [DST]]);
  return p;
}

describe("the multi-key moves: one rule for the shard handler and the cross-shard planner", () => {
  for (const [argv, source, destination, sameKey, reply, changes] of MOVE_ROWS) {
    it(`${argv.join(" ")}, $S ${source}, $D ${sameKey ? "$S" : destination}`, () => {
      const { outcome, planner, reads } = decide(argv, source, destination, sameKey);
      expect(outcome).toEqual({ reply: asReply(reply), write: changes });
      // Over one key the command never leaves its shard.
      if (sameKey) return;
      const p = plan(planner, argv);
      const write = p.shouldCommit(reads);
      const planned = { reply: p.reply(reads, write), write };
      // A collection is not carried by the move's reads: its move runs gathered (the plan's fallback).
      const collection = planner.startsWith("rename") || planner === "copy" ? source !== "string" : false;
      expect(planned).toEqual(changes && collection ? { reply: err(Errors.crossSlot), write: false } : outcome);
    });
  }

  it("covers every command with a planner", () => {
    expect(new Set(MOVE_ROWS.map(([argv]) => argv[0]!.toLowerCase()))).toEqual(
      new Set(["smove", "lmove", "rpoplpush", "rename", "renamenx", "copy", "mset", "msetnx"]),
    );
  });

  it("LMOVE and RPOPLPUSH: the source pops the end it read, the destination pushes that element", () => {
    const p = plan("rpoplpush", ["RPOPLPUSH", "$S", "$D"]);
    expect(p.parts[0]!.reads).toEqual([["TYPE", SRC], ["LINDEX", SRC, "-1"]]);
    expect(p.parts[0]!.writes).toEqual([["RPOP", SRC]]);
    expect(p.parts[1]!.writesFrom!([[status("list"), "z"]])).toEqual([["LPUSH", DST, "z"]]);
  });

  it("RENAME and COPY of a JSON document: the destination restores the text read at the source, with its expiry", () => {
    const p = plan("rename", ["RENAME", "$S", "$D"]);
    expect(p.parts[0]!.reads).toEqual([["TYPE", SRC], ["GET", SRC], ["PEXPIRETIME", SRC], ["JSON.GET", SRC]]);
    const wrongType = err(Errors.wrongType);
    const doc = '{"a":[1]}';
    const payload = encodePayload(jsonType, { text: new TextEncoder().encode(doc) });
    expect(p.parts[1]!.writesFrom!([[status("ReJSON-RL"), wrongType, -1, doc]])).toEqual([["RESTORE", DST, "0", payload, "REPLACE"]]);
    expect(p.parts[1]!.writesFrom!([[status("ReJSON-RL"), wrongType, 4102444800000, doc]])).toEqual([["RESTORE", DST, "4102444800000", payload, "REPLACE", "ABSTTL"]]);
    const reads = [[status("ReJSON-RL"), wrongType, -1, doc], [1]];
    expect(p.shouldCommit(reads)).toBe(true);
    expect(p.reply(reads, true)).toEqual({ status: "OK" });
    const copy = plan("copy", ["COPY", "$S", "$D"]);
    expect(copy.shouldCommit(reads)).toBe(false);
    expect(copy.reply(reads, false)).toBe(0);
    expect(copy.parts[1]!.writesFrom!([[status("ReJSON-RL"), wrongType, -1, doc]])).toEqual([["RESTORE", DST, "0", payload, "REPLACE"]]);
  });

  it("COPY … DB has no plan; an option error is the handler's to answer (run gathered)", () => {
    expect(planCross("copy", ["COPY", SRC, DST, "DB", "0"], SHARDS)).toBeNull();
    expect(planCross("copy", ["COPY", SRC, DST, "NOPE"], SHARDS)).toBeNull();
  });

  it("odd MSET/MSETNX arguments and a bad LMOVE end are the handler's errors", () => {
    expect(planCross("msetnx", ["MSETNX", SRC, "1", DST], SHARDS)).toEqual({ error: Errors.wrongArity("msetnx") });
    expect(planCross("mset", ["MSET", SRC], SHARDS)).toEqual({ error: Errors.wrongArity("mset") });
    expect(planCross("lmove", ["LMOVE", SRC, DST, "LEFT", "UP"], SHARDS)).toEqual({ error: Errors.syntax });
  });
});
