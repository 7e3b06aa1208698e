/**
 * Where a rate-limit decision is made, by `RATE_LIMIT_MODE` (docs/rate-limiting.md "Lease
 * mode", docs/global.md §4):
 *
 * - `exact` (default): every decision on the limiter key's shard, exactly as without the
 *   setting (`bindingStore`).
 * - `lease`: fixed-window decisions (RL.FIXED) go to the lease holder of the request's region
 *   for the key's shard (`lease-<region>-<shard>` in LEASES, created with that location hint),
 *   which admits from a slice of the budget it leased from the shard. Other algorithms, and
 *   requests with no region, stay exact.
 *
 * `RATE_LIMIT_LEASE_REGIONS` (a comma-separated list of location hints; default every region)
 * names the regions that hold slices: a request from another region goes to the nearest listed
 * one on its continent, or is decided exactly. Its length divides the slice cap.
 * With `SIMULATED_RTT` (tests and bench), a call to the holder waits the round trip within the
 * region and a call to a shard the one from the request's region to the primary's.
 */
import type { Context } from "hono";
import { afar, roundTripMs, simulatedDistance } from "../global/distance";
import { REGIONS, nearestRegion, parseRegions, requestRegion, type Region } from "../global/region";
import { shardOf } from "../slot";
import { holderName, type HolderRequest } from "../../durable-objects/leases/request";
import { bindingStore, decisionOf, type RateLimitStore } from "./store";

export type RateLimitMode = "exact" | "lease";

/** The bindings and variables the modes read. */
export interface ModeEnv {
  SHARD: DurableObjectNamespace;
  SHARDS?: string;
  /** Lease holders (durable-objects/leases/holder.ts). */
  LEASES?: DurableObjectNamespace;
  /** "exact" (default) or "lease". */
  RATE_LIMIT_MODE?: string;
  /** Regions holding slices (default: every region). */
  RATE_LIMIT_LEASE_REGIONS?: string;
  /** The request header naming a request's region (worker/global/region.ts); unset: `request.cf`. */
  REGION_HEADER?: string;
  /** Simulated distance (worker/global/distance.ts), tests and bench only. */
  SIMULATED_RTT?: string;
  /** Set under `npm run serve` with several processes, where there are no lease holders. */
  SERVE_LOCAL_SHARDS?: number[];
}

interface HolderRpc {
  decide(r: HolderRequest): Promise<number[]>;
}

/** RATE_LIMIT_MODE checked: the mode, or a TypeError naming the problem. */
export function rateLimitMode(env: ModeEnv): RateLimitMode {
  const raw = (env.RATE_LIMIT_MODE ?? "").trim().toLowerCase();
  if (raw === "" || raw === "exact") return "exact";
  if (raw !== "lease") throw new TypeError(`RATE_LIMIT_MODE must be "exact" or "lease" (got "${env.RATE_LIMIT_MODE}")`);
  if (env.SERVE_LOCAL_SHARDS) throw new TypeError("RATE_LIMIT_MODE=lease is not supported by npm run serve with WORKERS > 1");
  if (!env.LEASES) throw new TypeError("RATE_LIMIT_MODE=lease needs the LEASES Durable Object binding (class LeaseHolder)");
  return "lease";
}

interface Resolved {
  shards: number;
  mode: RateLimitMode;
  regions: readonly Region[];
  exact: RateLimitStore;
}

const resolved = new WeakMap<object, Resolved>();

function resolve(env: ModeEnv): Resolved {
  let r = resolved.get(env);
  if (!r) {
    const shards = Number(env.SHARDS) > 0 ? Number(env.SHARDS) : 16;
    const listed = parseRegions(env.RATE_LIMIT_LEASE_REGIONS);
    r = { shards, mode: rateLimitMode(env), regions: listed.length > 0 ? listed : REGIONS, exact: bindingStore(env.SHARD, shards) };
    resolved.set(env, r);
  }
  return r;
}

/**
 * The store for one request by the environment's mode: with nothing configured, the same
 * `bindingStore` as always. Throws a TypeError for a bad RATE_LIMIT_MODE.
 * @example
 * app.use("/api/*", rateLimit({ store: modeStore, algorithm: "fixed", limit: 100, windowMs: 60_000 }));
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function modeStore(c: Context<any, any, any>): RateLimitStore {
  const env = c.env as ModeEnv;
  const r = resolve(env);
  const distance = simulatedDistance(env.SIMULATED_RTT);
  const needsRegion = r.mode === "lease" || distance !== null;
  const region = needsRegion ? requestRegion(c.req.raw, env.REGION_HEADER) : null;
  const exact = distance
    ? bindingStore(env.SHARD, r.shards, (stub) => afar(stub, roundTripMs(distance, region, distance.primary)))
    : r.exact;
  if (r.mode === "exact") return exact;
  const holderRegion = nearestRegion(region, r.regions);
  if (holderRegion === null) return exact;
  return {
    async run(argv) {
      if (argv[0] !== "RL.FIXED") return exact.run(argv);
      const [, key, limit, windowMs, cost, ...options] = argv;
      // The limiter's `RULE name [CACHED n]` (index.ts decisionCommand) goes to the holder, which counts per rule.
      let rule: string | undefined;
      let cached = 0;
      for (let i = 0; i + 1 < options.length; i += 2) {
        if (options[i] === "RULE") rule = String(options[i + 1]);
        else if (options[i] === "CACHED") cached = Number(options[i + 1]);
      }
      const shard = shardOf(String(key), r.shards);
      let holder = env.LEASES!.getByName(holderName(holderRegion, shard), { locationHint: holderRegion }) as unknown as HolderRpc;
      if (distance) holder = afar(holder, roundTripMs(distance, region, holderRegion));
      const request: HolderRequest = {
        key: String(key),
        shard,
        region: holderRegion,
        limit: Number(limit),
        windowMs: Number(windowMs),
        cost: Number(cost ?? 1),
        regions: r.regions.length,
        ...(rule === undefined ? {} : { rule, cached }),
      };
      return decisionOf(await holder.decide(request));
    },
  };
}
