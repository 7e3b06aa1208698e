/**
 * Lease holders' slices against a model of the key's shard (RL.LEASE and RL.FIXED on one count
 * per window, with a clock the test sets and replies that arrive in a random order): never more
 * admitted in a window than the limit, summed over holders and exact decisions; a restarted
 * holder loses only its unused units; refusals while units sit unused elsewhere stay within
 * regions × max slice; one lease in flight per key; slices grow, shrink and stay capped.
 */
import { describe, expect, it } from "vitest";
import { leaseStep, type Grant } from "./grant";
import { firstSlice, maxSlice, Slices, type Primary, type RuleReport } from "./slices";
import { MAX_RULES, OTHER_RULE } from "../stats/counters";
import { fixedWindow, type FixedState } from "../store/ratelimit";
import { seededRandom as random } from "../../test/random";

/** One shard's limiter state for every key, as RL.LEASE and RL.FIXED keep it, with a few yields of jitter per call. */
class ModelShard {
  readonly state = new Map<string, FixedState>();
  leases = 0;
  inflight = 0;
  maxInflight = 0;
  constructor(
    readonly now: { t: number },
    private readonly rand: () => number = () => 0,
  ) {}

  private async jitter(): Promise<void> {
    const n = Math.floor(this.rand() * 4);
    for (let i = 0; i < n; i++) await Promise.resolve();
  }

  primary(): Primary {
    return {
      lease: async (key, limit, windowMs, want): Promise<Grant> => {
        this.inflight++;
        this.maxInflight = Math.max(this.maxInflight, this.inflight);
        await this.jitter();
        this.leases++;
        const { grant, next } = leaseStep(this.state.get(key) ?? null, this.now.t, { limit, windowMs, want });
        if (next) this.state.set(key, next);
        await this.jitter();
        this.inflight--;
        return grant;
      },
      fixed: async (key, limit, windowMs, cost) => {
        await this.jitter();
        const { decision, next } = fixedWindow(this.state.get(key) ?? null, this.now.t, { limit, windowMs, cost });
        if (next) this.state.set(key, next.state);
        await this.jitter();
        return [decision.allowed ? 0 : 1, decision.limit, decision.remaining, decision.retryAfter, decision.resetAfter];
      },
    };
  }

  /** Units counted as admitted on the shard in the window ending at `end`. */
  counted(key: string, end: number): number {
    const s = this.state.get(key);
    return s && s.windowEnd === end ? s.count : 0;
  }
}

const WINDOW = 1_000_000;
const T0 = 5 * WINDOW + 10;

describe("lease holder slices", () => {
  for (const limit of [1, 7, 100, 1000]) {
    it(`never admit more than a limit of ${limit} in a window, over 3 holders and exact decisions, replies in random order`, async () => {
      for (let seed = 1; seed <= 5; seed++) {
        const rand = random(seed * 7919 + limit);
        const clock = { t: T0 };
        const shard = new ModelShard(clock, rand);
        const regions = 3;
        const holders = Array.from({ length: regions }, () => new Slices(shard.primary(), () => clock.t));
        const primary = shard.primary();
        const demand = 2 * limit + 20;
        const decisions = Array.from({ length: demand }, (_, i) => {
          const cost = rand() < 0.2 ? 2 : 1;
          const which = Math.floor(rand() * (regions + 1));
          return which === regions
            ? primary.fixed("k", limit, WINDOW, cost).then((d) => (d[0] === 0 ? cost : 0))
            : holders[which]!.decide({ key: "k", limit, windowMs: WINDOW, cost, regions }).then((d) => (d[0] === 0 ? cost : 0));
        });
        const admitted = (await Promise.all(decisions)).reduce((a: number, b) => a + b, 0);
        expect(admitted).toBeLessThanOrEqual(limit);
        const end = T0 - (T0 % WINDOW) + WINDOW;
        const unused = holders.reduce((n, h) => n + h.stats().unused, 0);
        // Everything counted on the shard was admitted or sits unused in a holder.
        expect(admitted + unused).toBe(shard.counted("k", end));
        // Demand exceeded the limit, so the shard's budget is spent: what is refused early is
        // only what holders hold unused, at most regions × max slice.
        expect(shard.counted("k", end)).toBeGreaterThanOrEqual(limit - 1); // a cost-2 request may leave 1
        expect(unused).toBeLessThanOrEqual(regions * maxSlice(limit, regions) + regions); // + a cost-2 remainder each
      }
    });
  }

  it("the early-refusal bound: unused units never exceed regions × limit ÷ (2 × regions)", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock);
    const limit = 600;
    const regions = 4;
    const holders = Array.from({ length: regions }, () => new Slices(shard.primary(), () => clock.t));
    // Each region takes a few decisions, so each holder grows its slice a little and keeps some.
    for (let round = 0; round < 6; round++) {
      for (const [i, h] of holders.entries()) {
        for (let j = 0; j <= i * 3; j++) await h.decide({ key: "b", limit, windowMs: WINDOW, cost: 1, regions });
      }
      const unused = holders.reduce((n, h) => n + h.stats().unused, 0);
      expect(unused).toBeLessThanOrEqual(regions * maxSlice(limit, regions));
      expect(unused).toBeLessThanOrEqual(limit / 2);
    }
    // One region then asks for everything: it is refused only once the shard is spent, and
    // what it misses is what the others hold.
    let admitted = 0;
    let refusedAt = -1;
    for (let i = 0; i < limit && refusedAt < 0; i++) {
      const d = await holders[0]!.decide({ key: "b", limit, windowMs: WINDOW, cost: 1, regions });
      if (d[0] === 0) admitted++;
      else refusedAt = i;
    }
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    const end = T0 - (T0 % WINDOW) + WINDOW;
    expect(shard.counted("b", end)).toBe(limit);
    const elsewhere = holders.slice(1).reduce((n, h) => n + h.stats().unused, 0);
    expect(holders[0]!.stats().unused).toBe(0);
    expect(elsewhere).toBeLessThanOrEqual((regions - 1) * maxSlice(limit, regions));
  });

  it("a restarted holder loses only its unused units, and never over-admits", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock);
    const limit = 100;
    const regions = 2;
    const end = T0 - (T0 % WINDOW) + WINDOW;
    const other = new Slices(shard.primary(), () => clock.t);
    let holder = new Slices(shard.primary(), () => clock.t);
    let admitted = 0;
    const decide = async (h: Slices) => ((await h.decide({ key: "r", limit, windowMs: WINDOW, cost: 1, regions }))[0] === 0 ? 1 : 0);
    for (let i = 0; i < 30; i++) admitted += await decide(holder);
    const lost = holder.stats().unused;
    expect(lost).toBeGreaterThan(0);
    holder = new Slices(shard.primary(), () => clock.t); // the object restarted: its memory is gone
    for (let i = 0; i < 200; i++) admitted += (await decide(holder)) + (await decide(other));
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted + lost + holder.stats().unused + other.stats().unused).toBe(shard.counted("r", end));
    expect(shard.counted("r", end)).toBe(limit);
  });

  it("one lease in flight per key: concurrent decisions wait for it", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock, random(3));
    const h = new Slices(shard.primary(), () => clock.t);
    const replies = await Promise.all(Array.from({ length: 60 }, () => h.decide({ key: "c", limit: 1000, windowMs: WINDOW, cost: 1, regions: 1 })));
    expect(replies.every((d) => d[0] === 0)).toBe(true);
    expect(shard.maxInflight).toBe(1);
    // The first slice is an eighth of the cap (1000 ÷ 2 = 500): 63 units, enough for all 60.
    expect(firstSlice(1000, 1)).toBe(63);
    expect(shard.leases).toBe(1);
    expect(h.stats()).toMatchObject({ roundTrips: 1, local: 59, unused: 3 });
  });

  it("slices grow while they go fast, stay capped, shrink when a window ends with units unused", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock);
    const limit = 1600;
    const regions = 2; // cap 400, first slice 50
    const grants: number[] = [];
    const primary = shard.primary();
    const recording = new Slices(
      {
        lease: async (key, l, w, want) => {
          const g = await primary.lease(key, l, w, want);
          grants.push(g.granted);
          return g;
        },
        fixed: primary.fixed,
      },
      () => clock.t,
    );
    for (let i = 0; i < 1200; i++) await recording.decide({ key: "g", limit, windowMs: WINDOW, cost: 1, regions });
    expect(grants).toEqual([50, 100, 200, 400, 400, 400]);
    expect(recording.stats().roundTrips).toBe(6);
    // The next window: the slice left unused (350 units) halves the next ask.
    clock.t += WINDOW;
    grants.length = 0;
    await recording.decide({ key: "g", limit, windowMs: WINDOW, cost: 1, regions });
    expect(grants).toEqual([200]);
    // Units of an ended window are never used: the next window's decision leased anew.
    expect(recording.stats().unused).toBe(199);
  });

  it("refuses locally once the shard has nothing left, until the window ends", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock);
    const h = new Slices(shard.primary(), () => clock.t);
    const d = [];
    for (let i = 0; i < 12; i++) d.push(await h.decide({ key: "s", limit: 10, windowMs: WINDOW, cost: 1, regions: 1 }));
    expect(d.filter((x) => x[0] === 0)).toHaveLength(10);
    const end = T0 - (T0 % WINDOW) + WINDOW;
    expect(d[11]).toEqual([1, 10, 0, end - T0, end - T0]);
    const trips = h.stats().roundTrips;
    await h.decide({ key: "s", limit: 10, windowMs: WINDOW, cost: 1, regions: 1 });
    expect(h.stats().roundTrips).toBe(trips);
    clock.t = end;
    expect((await h.decide({ key: "s", limit: 10, windowMs: WINDOW, cost: 1, regions: 1 }))[0]).toBe(0);
    expect(h.stats().roundTrips).toBe(trips + 1);
  });

  it("a cost of 0 and a cost above the limit are decided on the shard", async () => {
    const clock = { t: T0 };
    const shard = new ModelShard(clock);
    const h = new Slices(shard.primary(), () => clock.t);
    expect(await h.decide({ key: "z", limit: 5, windowMs: WINDOW, cost: 0, regions: 1 })).toEqual([0, 5, 5, -1, 0]);
    expect((await h.decide({ key: "z", limit: 5, windowMs: WINDOW, cost: 6, regions: 1 }))[3]).toBe(-1);
    expect(shard.leases).toBe(0);
  });
});

describe("a holder's decisions per rule, reported to the shard", () => {
  /** The model shard's primary, recording the reports leases carry and the rules of exact decisions; timers run when the test says. */
  function reporting(clock: { t: number }) {
    const inner = new ModelShard(clock).primary();
    const reports: RuleReport[][] = [];
    const exactRules: (string | undefined)[] = [];
    const timers: (() => void)[] = [];
    const primary: Primary = {
      lease: (key, limit, windowMs, want, decided) => {
        if (decided) reports.push(decided);
        return inner.lease(key, limit, windowMs, want);
      },
      fixed: (key, limit, windowMs, cost, rule) => {
        exactRules.push(rule);
        return inner.fixed(key, limit, windowMs, cost);
      },
    };
    const h = new Slices(primary, () => clock.t, 10_000, (fn) => void timers.push(fn));
    const total = (rule: string) => {
      const t = [0, 0];
      for (const r of reports.flat()) if (r[0] === rule) (t[0]! += r[1], t[1]! += r[2]);
      const u = h.unreported().get(rule);
      return { reported: t, unreported: u ?? [0, 0] };
    };
    return { h, reports, exactRules, timers, total };
  }

  it("every decision made here is reported once, with the next lease or by the timer; exact ones carry RULE", async () => {
    const clock = { t: T0 };
    const { h, reports, exactRules, timers, total } = reporting(clock);
    const req = { key: "k", limit: 16, windowMs: WINDOW, cost: 1, regions: 1, rule: "/r" };
    const d = [];
    for (let i = 0; i < 20; i++) d.push(await h.decide(req));
    expect(d.filter((x) => x[0] === 0)).toHaveLength(16);
    const { reported, unreported } = total("/r");
    expect([reported[0]! + unreported[0], reported[1]! + unreported[1]]).toEqual([16, 4]);
    expect(reports.length).toBeGreaterThan(0); // later leases carried earlier decisions
    expect(timers).toHaveLength(1); // one report scheduled at a time
    timers.shift()!();
    await Promise.resolve();
    expect(h.unreported().size).toBe(0);
    expect(total("/r").reported).toEqual([16, 4]);
    // The timer's report rides a lease of want 0: the shard's count is unchanged (20 more would all be refused).
    expect((await h.decide({ ...req, cost: 0 }))[2]).toBe(0);
    expect(exactRules).toEqual(["/r"]);
    // Cached refusals the caller sends are counted as refused; a request without a rule counts nothing.
    await h.decide({ ...req, cached: 5 });
    await h.decide({ key: "k", limit: 16, windowMs: WINDOW, cost: 1, regions: 1 });
    expect(h.unreported()).toEqual(new Map([["/r", [0, 6]]]));
  });

  it(`keeps at most ${MAX_RULES} rule names unreported, the rest under "${OTHER_RULE}"`, async () => {
    const clock = { t: T0 };
    const { h, reports } = reporting(clock);
    // limit 10000, one region: a first slice of 625, so all 70 decisions are made here after the first lease.
    for (let i = 0; i < MAX_RULES + 6; i++) await h.decide({ key: "k", limit: 10_000, windowMs: WINDOW, cost: 1, regions: 1, rule: `/r${i}` });
    expect(reports).toEqual([]);
    const pending = h.unreported();
    expect(pending.size).toBe(MAX_RULES + 1);
    expect(pending.get(OTHER_RULE)).toEqual([6, 0]);
    expect(pending.get(`/r${MAX_RULES - 1}`)).toEqual([1, 0]);
    expect(pending.has(`/r${MAX_RULES}`)).toBe(false);
  });
});

