/**
 * Region names (Cloudflare's Durable Object location hints) and `REPLICA_REGIONS`, shared by the
 * shards (which push to each region's replica) and the Worker (worker/global/region.ts, which
 * picks the nearest one).
 */

export const REGIONS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "apac-ne", "apac-se", "oc", "afr", "me"] as const;
export type Region = (typeof REGIONS)[number];
const KNOWN: ReadonlySet<string> = new Set(REGIONS);

export function isRegion(value: string): value is Region {
  return KNOWN.has(value);
}

/** `REPLICA_REGIONS` ("wnam,weur,apac"): the known region names in it, each once, in order. */
export function parseRegions(value: string | undefined): Region[] {
  const out: Region[] = [];
  for (const part of (value ?? "").split(",")) {
    const name = part.trim().toLowerCase();
    if (isRegion(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The name of the replica of shard `shard` in `region` (REPLICA namespace). */
export function replicaName(region: Region, shard: number): string {
  return `replica-${region}-${shard}`;
}

/** The region and shard of a replica's name, or null. */
export function parseReplicaName(name: string | undefined): { region: Region; shard: number } | null {
  const m = /^replica-([a-z-]+)-(\d+)$/.exec(name ?? "");
  if (!m || !isRegion(m[1]!)) return null;
  return { region: m[1], shard: Number(m[2]) };
}
