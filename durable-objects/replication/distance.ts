/**
 * Distance made explicit for tests and the bench (docs/global.md §5), for the Worker
 * (worker/global/) and the shards' pushes to replicas alike. Locally every region is the
 * same process, so with `SIMULATED_RTT` (JSON: `{"primary":"wnam","local":2,"far":150}`) a call
 * from one region to an object in another waits the far round trip, a call within a region the
 * local one: half before the call is made, half before its answer is seen. The primary objects
 * (shards, coordinators) are in the `primary` region; a replica or a lease holder is in its own.
 *
 * Never configured in production: on Cloudflare the network provides the distance.
 */

import { isRegion, type Region } from "./regions";

export interface Distance {
  /** The region of every shard (and coordinator). */
  readonly primary: Region;
  /** Round trip within a region, ms. */
  readonly localMs: number;
  /** Round trip between two regions, ms. */
  readonly farMs: number;
}

const parsed = new Map<string, Distance | null>();

/** `SIMULATED_RTT` parsed (once per value); null when unset or not a valid description. */
export function simulatedDistance(value: string | undefined): Distance | null {
  if (!value) return null;
  let d = parsed.get(value);
  if (d === undefined) {
    d = parse(value);
    parsed.set(value, d);
  }
  return d;
}

function parse(value: string): Distance | null {
  let o: unknown;
  try {
    o = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const { primary, local, far } = o as { primary?: unknown; local?: unknown; far?: unknown };
  const ms = (x: unknown) => (typeof x === "number" && Number.isFinite(x) && x >= 0 && x <= 10_000 ? x : null);
  if (typeof primary !== "string" || !isRegion(primary)) return null;
  const localMs = ms(local ?? 0);
  const farMs = ms(far ?? 0);
  if (localMs === null || farMs === null) return null;
  return { primary, localMs, farMs };
}

/** The round trip between a caller in `from` (null: no region, taken as the primary's) and an object in `to`. */
export function roundTripMs(d: Distance, from: Region | null, to: Region): number {
  return (from ?? d.primary) === to ? d.localMs : d.farMs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `stub` with every method call delayed by `rttMs` (half on the way there, half on the way
 * back). A rejected call is delayed the same. `rttMs` 0 answers `stub` itself.
 */
export function afar<T extends object>(stub: T, rttMs: number): T {
  if (rttMs <= 0) return stub;
  const half = rttMs / 2;
  return new Proxy(stub, {
    get(target, prop) {
      const member = (target as Record<PropertyKey, unknown>)[prop];
      if (typeof member !== "function" || prop === "then") return member;
      return async (...args: unknown[]) => {
        await sleep(half);
        try {
          // Reflect.apply: a Durable Object stub's method is an RPC proxy, whose `.apply` would be a remote method.
          return await Reflect.apply(member as (...a: unknown[]) => unknown, target, args);
        } finally {
          await sleep(half);
        }
      };
    },
  });
}
