/**
 * The regional lease holder (docs/global.md §4): one Durable Object per (region, shard),
 * `lease-<region>-<shard>` in the LEASES namespace, created with that region's location hint,
 * so every isolate of a region shares its slices of the limiters on that shard. It keeps them in
 * memory only (durable-objects/leases/slices.ts): a restart loses the unused units of its
 * slices, which the shard has already counted, so it can refuse early but never over-admit.
 *
 * With `SIMULATED_RTT` (tests and bench, worker/global/distance.ts) its calls to the shard wait
 * the round trip between its region and the primary's.
 */
import { DurableObject } from "cloudflare:workers";
import type { Arg } from "../args";
import type { Reply } from "../reply";
import { afar, roundTripMs, simulatedDistance } from "../../worker/global/distance";
import { isRegion } from "../../worker/global/region";
import { grantOf } from "./grant";
import type { HolderRequest } from "./request";
import { Slices, type DecisionReply, type Primary, type SliceStats } from "./slices";

interface HolderEnv {
  SHARD: DurableObjectNamespace;
  SIMULATED_RTT?: string;
}

interface ShardRpc {
  exec(batch: Arg[][]): Promise<Reply[]>;
}

export class LeaseHolder extends DurableObject {
  private readonly slicesByShard = new Map<number, Slices>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
  }

  /** One rate-limit decision (RL.FIXED's five integers) of `r.cost` units. */
  decide(r: HolderRequest): Promise<DecisionReply> {
    return this.slices(r.shard, r.region).decide(r);
  }

  /** Local decisions, round trips to shards, keys and unused units held (of `key` only, when given). */
  stats(key?: string): SliceStats {
    const all = { local: 0, roundTrips: 0, keys: 0, unused: 0 };
    for (const s of this.slicesByShard.values()) {
      const one = s.stats(key);
      all.local += one.local;
      all.roundTrips += one.roundTrips;
      all.keys += one.keys;
      all.unused += one.unused;
    }
    return all;
  }

  private slices(shard: number, region: string): Slices {
    let s = this.slicesByShard.get(shard);
    if (!s) {
      const env = this.env as unknown as HolderEnv;
      let stub = env.SHARD.getByName(`shard-${shard}`) as unknown as ShardRpc;
      const distance = simulatedDistance(env.SIMULATED_RTT);
      if (distance && isRegion(region)) stub = afar(stub, roundTripMs(distance, region, distance.primary));
      s = new Slices(shardPrimary(stub));
      this.slicesByShard.set(shard, s);
    }
    return s;
  }
}

/** RL.LEASE and RL.FIXED on a shard; an error reply or a malformed one throws. */
export function shardPrimary(stub: ShardRpc): Primary {
  const one = async (argv: (string | number)[]): Promise<unknown> => {
    const [reply] = await stub.exec([argv.map(String)]);
    if (reply && typeof reply === "object" && "error" in reply) throw new Error(String((reply as { error: unknown }).error));
    return reply;
  };
  return {
    async lease(key, limit, windowMs, want, decided) {
      const argv: (string | number)[] = ["RL.LEASE", key, limit, windowMs, want];
      for (const [rule, admitted, refused] of decided ?? []) argv.push("DECIDED", rule, admitted, refused);
      const g = grantOf(await one(argv));
      if (!g) throw new Error("lease holder: unexpected RL.LEASE reply");
      return g;
    },
    async fixed(key, limit, windowMs, cost, rule) {
      const d = await one(rule === undefined ? ["RL.FIXED", key, limit, windowMs, cost] : ["RL.FIXED", key, limit, windowMs, cost, "RULE", rule]);
      if (!Array.isArray(d) || d.length !== 5) throw new Error("lease holder: unexpected RL.FIXED reply");
      return d as number[];
    },
  };
}
