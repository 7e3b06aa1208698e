/**
 * Per-rule rate-limit counters of a shard (counters.ts `ruleDecisions`): one pair of counters per
 * rule name while fewer than MAX_RULES have them, `other` after that and for names longer than
 * MAX_RULE_BYTES; the names are known again after a restart (restore) and forgotten by RESETSTAT.
 */
import { describe, expect, it } from "vitest";
import { MAX_RULE_BYTES, MAX_RULES, OTHER_RULE, RULE_ADMITTED, RULE_REFUSED, ShardCounters } from "./counters";

const ruleCounters = (c: ShardCounters) =>
  Object.fromEntries(Object.entries(c.all()).filter(([k]) => k.startsWith(RULE_ADMITTED) || k.startsWith(RULE_REFUSED)));

describe("per-rule decision counters", () => {
  it("counts admitted and refused per rule name", () => {
    const c = new ShardCounters();
    c.ruleDecisions("POST /login", 1, 0);
    c.ruleDecisions("POST /login", 0, 3);
    c.ruleDecisions("/api/*", 2, 0);
    expect(ruleCounters(c)).toEqual({
      [`${RULE_ADMITTED}POST /login`]: 1,
      [`${RULE_REFUSED}POST /login`]: 3,
      [`${RULE_ADMITTED}/api/*`]: 2,
    });
  });

  it(`keeps at most ${MAX_RULES} names; later new ones and too long ones count as "${OTHER_RULE}"`, () => {
    const c = new ShardCounters();
    for (let i = 0; i < MAX_RULES; i++) c.ruleDecisions(`/r${i}`, 1, 0);
    c.ruleDecisions("/late", 1, 1);
    c.ruleDecisions("/later", 0, 2);
    c.ruleDecisions("/r0", 1, 0); // a known name keeps its own counters
    const counters = ruleCounters(c);
    expect(Object.keys(counters).filter((k) => k.startsWith(RULE_ADMITTED))).toHaveLength(MAX_RULES + 1);
    expect(counters[`${RULE_ADMITTED}${OTHER_RULE}`]).toBe(1);
    expect(counters[`${RULE_REFUSED}${OTHER_RULE}`]).toBe(3);
    expect(counters[`${RULE_ADMITTED}/r0`]).toBe(2);
    expect(counters[`${RULE_ADMITTED}/late`]).toBeUndefined();

    const d = new ShardCounters();
    d.ruleDecisions("/" + "é".repeat(MAX_RULE_BYTES / 2), 1, 0); // 1 + 256 bytes
    d.ruleDecisions("/" + "a".repeat(MAX_RULE_BYTES - 1), 1, 0); // exactly 256 bytes
    expect(Object.keys(ruleCounters(d)).sort()).toEqual([`${RULE_ADMITTED}/${"a".repeat(MAX_RULE_BYTES - 1)}`, `${RULE_ADMITTED}${OTHER_RULE}`].sort());
  });

  it('a rule named "other" shares the bucket without taking a name', () => {
    const c = new ShardCounters();
    c.ruleDecisions(OTHER_RULE, 1, 0);
    for (let i = 0; i < MAX_RULES; i++) c.ruleDecisions(`/r${i}`, 1, 0);
    expect(ruleCounters(c)[`${RULE_ADMITTED}/r${MAX_RULES - 1}`]).toBe(1);
  });

  it("after a restart the persisted names still count as known (the bound holds); RESETSTAT forgets them", () => {
    const before = new ShardCounters();
    for (let i = 0; i < MAX_RULES; i++) before.ruleDecisions(`/r${i}`, 1, 0);
    const after = new ShardCounters();
    after.restore(before.snapshot());
    after.ruleDecisions("/new", 1, 0);
    after.ruleDecisions("/r5", 1, 0);
    expect(ruleCounters(after)[`${RULE_ADMITTED}${OTHER_RULE}`]).toBe(1);
    expect(ruleCounters(after)[`${RULE_ADMITTED}/r5`]).toBe(2);
    after.reset();
    after.ruleDecisions("/new", 1, 0);
    expect(ruleCounters(after)).toEqual({ [`${RULE_ADMITTED}/new`]: 1 });
  });
});
