/**
 * Which region a request comes from, and which configured replica region is nearest to it
 * (docs/global.md §3). Regions are Cloudflare's Durable Object location hints.
 *
 * On Cloudflare the region follows from the colo that received the request (`request.cf`:
 * continent, country, longitude). With `REGION_HEADER` set (tests, self-hosting, a trusted proxy
 * in front), that request header names the region instead; it is trusted only then, since any
 * client can send any header.
 */

import { isRegion, type Region } from "../../durable-objects/replication/regions";

export { REGIONS, isRegion, parseRegions, type Region } from "../../durable-objects/replication/regions";

/** Regions that stand in for one another when the nearest has no replica (same continent). */
const NEIGHBOURS: Record<Region, readonly Region[]> = {
  wnam: ["enam"],
  enam: ["wnam"],
  sam: ["enam", "wnam"],
  weur: ["eeur"],
  eeur: ["weur", "me"],
  apac: ["apac-ne", "apac-se", "oc"],
  "apac-ne": ["apac", "apac-se"],
  "apac-se": ["apac", "apac-ne", "oc"],
  oc: ["apac-se", "apac"],
  afr: ["weur", "eeur", "me"],
  me: ["eeur", "weur"],
};

const MIDDLE_EAST = new Set(["AE", "BH", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE"]);
const NORTH_EAST_ASIA = new Set(["CN", "HK", "JP", "KP", "KR", "MN", "MO", "TW"]);
const SOUTH_EAST_ASIA = new Set(["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"]);

/** The fields of `request.cf` this reads. */
export interface CfLocation {
  continent?: string;
  country?: string;
  longitude?: string;
}

/** The location hint of a colo's position, or null when `cf` says too little. */
export function regionOfCf(cf: CfLocation | undefined): Region | null {
  if (!cf?.continent) return null;
  const longitude = Number(cf.longitude);
  const country = cf.country ?? "";
  switch (cf.continent) {
    case "NA":
      return Number.isFinite(longitude) && longitude < -100 ? "wnam" : "enam";
    case "SA":
      return "sam";
    case "EU":
      return Number.isFinite(longitude) && longitude > 20 ? "eeur" : "weur";
    case "AF":
      return "afr";
    case "OC":
    case "AN":
      return "oc";
    case "AS":
      if (MIDDLE_EAST.has(country)) return "me";
      if (NORTH_EAST_ASIA.has(country)) return "apac-ne";
      if (SOUTH_EAST_ASIA.has(country)) return "apac-se";
      return "apac";
    default:
      return null;
  }
}

/**
 * The region of `request`: the `headerName` header when one is configured (a region name, else
 * none), otherwise from `request.cf`.
 */
export function requestRegion(request: Request, headerName: string | undefined): Region | null {
  if (headerName) {
    const named = request.headers.get(headerName)?.trim().toLowerCase() ?? "";
    return isRegion(named) ? named : null;
  }
  return regionOfCf((request as { cf?: CfLocation }).cf);
}

/** The configured region nearest to `region`: itself, else a neighbour on its continent, else none. */
export function nearestRegion(region: Region | null, configured: readonly Region[]): Region | null {
  if (region === null || configured.length === 0) return null;
  if (configured.includes(region)) return region;
  for (const n of NEIGHBOURS[region]) if (configured.includes(n)) return n;
  return null;
}
