/** What the Worker sends a lease holder (durable-objects/leases/holder.ts), and the holder's name. */

/** One decision asked of a holder. */
export interface HolderRequest {
  /** The limiter key (its shard is `shard`). */
  key: string;
  shard: number;
  /** The holder's own region (its name's), for the simulated distance to the primary. */
  region: string;
  limit: number;
  windowMs: number;
  cost: number;
  /** Regions that may hold slices (RATE_LIMIT_LEASE_REGIONS): the slice cap's divisor. */
  regions: number;
  /** The rule the decision is counted under (RL.FIXED's `RULE`), if any. */
  rule?: string;
  /** The caller's cached refusals of `rule` since its last call (`CACHED`). */
  cached?: number;
}

/** The name of the holder of `region` for shard `shard`: `lease-<region>-<shard>`. */
export function holderName(region: string, shard: number): string {
  return `lease-${region}-${shard}`;
}
