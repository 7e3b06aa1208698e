/**
 * Geo commands: points kept in a sorted set, each member's score the 52-bit geohash of its
 * position (store/geohash.ts has the math). Searches read only the score ranges of the cells
 * around the centre (at most 9 score ranges of the sorted set's index, O(log n + k) each), then filter by
 * distance; replies are formatted as Redis formats them (distances with 4 decimals, coordinates
 * as `%.17Lf` without trailing zeros).
 */
import { Notify } from "../pubsub/notify";
import { bytes, parseI64, text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { formatCoordinate, formatDistance, formatFixed } from "../format";
import { CommandError, int, type Reply } from "../reply";
import {
  decodeScore,
  distance,
  distanceIfWithin,
  encodeScore,
  geohashString,
  searchSpans,
  validLonLat,
  type Shape,
} from "../store/geohash";
import { storeZset } from "../store/zset-bulk";
import { findZset, zadd, type Entry, type SortedSet, type ZaddOptions } from "../store/zsets";
import type { CommandSpec } from "../table";
import { parseScore } from "./zset-args";

const ONE_KEY = { first: 1, last: 1, step: 1 };
const TWO_KEYS = { first: 1, last: 2, step: 1 };

/** A longitude, latitude pair; out of the indexable range: Redis's error with both as `%f`. */
function parseLonLat(lonArg: Arg, latArg: Arg): [number, number] {
  const lon = parseScore(lonArg);
  const lat = parseScore(latArg);
  if (!validLonLat(lon, lat)) throw new CommandError(Errors.geoInvalidLonLat(`${formatFixed(lon, 6)},${formatFixed(lat, 6)}`));
  return [lon, lat];
}

/** A unit as metres per unit: m, km, ft, mi (any case). */
function parseUnit(a: Arg): number {
  switch (text(a).toLowerCase()) {
    case "m":
      return 1;
    case "km":
      return 1000;
    case "ft":
      return 0.3048;
    case "mi":
      return 1609.34;
    default:
      throw new CommandError(Errors.geoUnit);
  }
}

/** `radius unit` */
function parseRadius(argv: Arg[], at: number): { radius: number; toMeters: number } {
  const radius = parseScore(argv[at]!, Errors.geoNeedRadius);
  if (radius < 0) throw new CommandError(Errors.geoRadiusNegative);
  return { radius, toMeters: parseUnit(argv[at + 1]!) };
}

/** `width height unit` */
function parseBox(argv: Arg[], at: number): { width: number; height: number; toMeters: number } {
  const width = parseScore(argv[at]!, Errors.geoNeedWidth);
  const height = parseScore(argv[at + 1]!, Errors.geoNeedHeight);
  if (height < 0 || width < 0) throw new CommandError(Errors.geoBoxNegative);
  return { width, height, toMeters: parseUnit(argv[at + 2]!) };
}

/** A member's position; Redis's error when the member is absent. */
function memberPosition(set: SortedSet, member: Arg): [number, number] {
  const score = set.score(bytes(member));
  if (score === null) throw new CommandError(Errors.geoMemberNotFound);
  return decodeScore(score);
}

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
function geoadd(ctx: ExecContext, argv: Arg[]): Reply {
  let nx = false;
  let xx = false;
  let ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = text(argv[i]!).toLowerCase();
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt === "ch") ch = true;
    else break;
  }
  const n = argv.length - i;
  if (n % 3 !== 0 || n === 0 || (nx && xx)) throw new CommandError(Errors.syntax);
  const items: Entry[] = [];
  for (; i < argv.length; i += 3) {
    const [lon, lat] = parseLonLat(argv[i]!, argv[i + 1]!);
    items.push({ score: encodeScore(lon, lat), member: bytes(argv[i + 2]!) });
  }
  const opts: ZaddOptions = { ch };
  if (nx) opts.mode = "nx";
  if (xx) opts.mode = "xx";
  return zadd(ctx.keyspace, text(argv[1]!), items, opts) as number;
}

// GEODIST key member1 member2 [M|KM|FT|MI]
function geodist(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 5) throw new CommandError(Errors.syntax);
  const toMeters = argv.length === 5 ? parseUnit(argv[4]!) : 1;
  const set = findZset(ctx.keyspace, text(argv[1]!));
  if (!set) return null;
  const s1 = set.score(bytes(argv[2]!));
  const s2 = set.score(bytes(argv[3]!));
  if (s1 === null || s2 === null) return null;
  const [lon1, lat1] = decodeScore(s1);
  const [lon2, lat2] = decodeScore(s2);
  return formatDistance(distance(lon1, lat1, lon2, lat2) / toMeters);
}

// GEOHASH key [member ...]
function geohash(ctx: ExecContext, argv: Arg[]): Reply {
  const set = findZset(ctx.keyspace, text(argv[1]!));
  return argv.slice(2).map((m) => {
    const score = set?.score(bytes(m)) ?? null;
    return score === null ? null : geohashString(score);
  });
}

// GEOPOS key [member ...]
function geopos(ctx: ExecContext, argv: Arg[]): Reply {
  const set = findZset(ctx.keyspace, text(argv[1]!));
  return argv.slice(2).map((m) => {
    const score = set?.score(bytes(m)) ?? null;
    if (score === null) return null;
    const [lon, lat] = decodeScore(score);
    return [formatCoordinate(lon), formatCoordinate(lat)];
  });
}

/** How a search command takes its centre and shape, and whether it may store. */
interface SearchKind {
  /** GEORADIUS: lon lat radius unit; GEORADIUSBYMEMBER: member radius unit; GEOSEARCH: FROM…/BY… options. */
  from: "lonlat" | "member" | "options";
  /** The _RO forms: no STORE/STOREDIST. */
  noStore?: boolean;
  /** GEOSEARCHSTORE: destination first, STOREDIST a flag. */
  store?: boolean;
}

/** A point found by a search. */
interface Found {
  member: Uint8Array;
  score: number;
  lon: number;
  lat: number;
  /** metres, then the request's unit once chosen. */
  dist: number;
}

/** Rows read per step of a cell's score range, so a big cell is never held in memory at once. */
const CELL_CHUNK = 512;

/**
 * The points of `set` inside `shape`, in Redis's order (cell by cell, by score within a cell):
 * with `limit` (COUNT … ANY), reading stops as soon as that many are found.
 */
export function pointsWithin(set: SortedSet, shape: Shape, limit = 0): Found[] {
  const found: Found[] = [];
  for (const span of searchSpans(shape)) {
    if (limit && found.length >= limit) break;
    for (const e of set.scoreRange(span.min, span.max, CELL_CHUNK)) {
      const [lon, lat] = decodeScore(e.score);
      const dist = distanceIfWithin(shape, lon, lat);
      if (dist !== null) found.push({ member: e.member, score: e.score, lon, lat, dist });
      if (limit && found.length >= limit) return found;
    }
  }
  return found;
}

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]
// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [options as GEORADIUS]
// GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius unit|BYBOX width height unit [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
// GEOSEARCHSTORE destination source FROMMEMBER …|FROMLONLAT … BYRADIUS …|BYBOX … [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
function searchGeneric(kind: SearchKind) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const ks = ctx.keyspace;
    const srcIndex = kind.store ? 2 : 1;
    const set = findZset(ks, text(argv[srcIndex]!));
    let centre: [number, number] | null = null;
    let radius: { radius: number; toMeters: number } | null = null;
    let box: { width: number; height: number; toMeters: number } | null = null;
    let base: number;
    let storeKey: string | null = kind.store ? text(argv[1]!) : null;
    if (kind.from === "lonlat") {
      base = 6;
      centre = parseLonLat(argv[2]!, argv[3]!);
      radius = parseRadius(argv, 4);
    } else if (kind.from === "member") {
      base = 5;
      if (set) {
        centre = memberPosition(set, argv[2]!);
        radius = parseRadius(argv, 3);
      }
    } else base = srcIndex + 1;

    const search = kind.from === "options";
    let withDist = false, withHash = false, withCoord = false, any = false, storeDist = false;
    let fromMember = false, fromLonLat = false;
    let sort: "none" | "asc" | "desc" = "none";
    let count = 0;
    const remaining = argv.length - base;
    for (let i = 0; i < remaining; i++) {
      const arg = text(argv[base + i]!).toLowerCase();
      const has = (n: number) => i + n < remaining;
      if (arg === "withdist") withDist = true;
      else if (arg === "withhash") withHash = true;
      else if (arg === "withcoord") withCoord = true;
      else if (arg === "any") any = true;
      else if (arg === "asc") sort = "asc";
      else if (arg === "desc") sort = "desc";
      else if (arg === "count" && has(1)) {
        const n = parseI64(text(argv[base + ++i]!));
        if (n === null) throw new CommandError(Errors.notInteger);
        if (n <= 0n) throw new CommandError(Errors.geoCountPositive);
        count = n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
      } else if ((arg === "store" || arg === "storedist") && has(1) && !kind.noStore && !search) {
        storeKey = text(argv[base + ++i]!);
        storeDist = arg === "storedist";
      } else if (arg === "storedist" && kind.store) storeDist = true;
      else if (arg === "frommember" && has(1) && search && !fromLonLat) {
        const member = argv[base + ++i]!;
        if (set) centre = memberPosition(set, member);
        fromMember = true;
      } else if (arg === "fromlonlat" && has(2) && search && !fromMember) {
        centre = parseLonLat(argv[base + i + 1]!, argv[base + i + 2]!);
        fromLonLat = true;
        i += 2;
      } else if (arg === "byradius" && has(2) && search && !box) {
        radius = parseRadius(argv, base + i + 1);
        i += 2;
      } else if (arg === "bybox" && has(3) && search && !radius) {
        box = parseBox(argv, base + i + 1);
        i += 3;
      } else throw new CommandError(Errors.syntax);
    }

    const name = text(argv[0]!);
    if (storeKey !== null && (withDist || withHash || withCoord)) {
      throw new CommandError(Errors.geoStoreWith(kind.store ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"));
    }
    if (search && !(fromMember || fromLonLat)) throw new CommandError(Errors.geoFromOne(name));
    if (search && !(radius || box)) throw new CommandError(Errors.geoByOne(name));
    if (any && !count) throw new CommandError(Errors.geoAnyNeedsCount);

    if (!set) {
      if (storeKey === null) return [];
      if (ks.delete(storeKey)) ks.notify(Notify.Generic, "del", storeKey);
      return 0;
    }
    if (count !== 0 && sort === "none" && !any) sort = "asc";

    const [lon, lat] = centre!;
    const shape: Shape = radius
      ? { kind: "radius", lon, lat, ...radius }
      : { kind: "box", lon, lat, ...box! };
    const found = pointsWithin(set, shape, any ? count : 0);
    if (found.length === 0 && storeKey === null) return [];
    if (sort === "asc") found.sort((a, b) => a.dist - b.dist);
    else if (sort === "desc") found.sort((a, b) => b.dist - a.dist);
    const returned = count === 0 ? found : found.slice(0, count);
    for (const f of returned) f.dist /= shape.toMeters;

    if (storeKey !== null) {
      const entries = returned.map((f) => ({ member: f.member, score: storeDist ? f.dist : f.score }));
      return storeZset(ks, storeKey, entries, search ? "geosearchstore" : "georadiusstore");
    }
    if (!withDist && !withHash && !withCoord) return returned.map((f) => f.member);
    return returned.map((f) => {
      const row: Reply[] = [f.member];
      if (withDist) row.push(formatDistance(f.dist));
      if (withHash) row.push(int(BigInt(Math.trunc(f.score))));
      if (withCoord) row.push([formatCoordinate(f.lon), formatCoordinate(f.lat)]);
      return row;
    });
  };
}

/**
 * GEORADIUS's keys for routing: the source, and the key after each STORE or STOREDIST among
 * the options (from `first`, the first option's index).
 */
function radiusKeys(first: number) {
  return (argv: Arg[]): number[] => {
    const out = [1];
    for (let i = first; i + 1 < argv.length; i++) {
      const a = text(argv[i]!).toLowerCase();
      if (a === "store" || a === "storedist") out.push(++i);
    }
    return out;
  };
}

export const geoCommands: CommandSpec[] = [
  { name: "geoadd", arity: -5, flags: ["write", "denyoom"], keys: ONE_KEY, run: geoadd, summary: "GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]" },
  { name: "geodist", arity: -4, flags: ["readonly"], keys: ONE_KEY, run: geodist, summary: "GEODIST key member1 member2 [M|KM|FT|MI]" },
  { name: "geohash", arity: -2, flags: ["readonly"], keys: ONE_KEY, run: geohash, summary: "GEOHASH key [member ...]" },
  { name: "geopos", arity: -2, flags: ["readonly"], keys: ONE_KEY, run: geopos, summary: "GEOPOS key [member ...]" },
  { name: "geosearch", arity: -7, flags: ["readonly"], keys: ONE_KEY, run: searchGeneric({ from: "options" }), summary: "GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]" },
  { name: "geosearchstore", arity: -8, flags: ["write", "denyoom"], keys: TWO_KEYS, cluster: { kind: "cross", gather: true }, run: searchGeneric({ from: "options", store: true }), summary: "GEOSEARCHSTORE destination source FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]] [STOREDIST]" },
  { name: "georadius", arity: -6, flags: ["write", "denyoom"], keys: radiusKeys(6), cluster: { kind: "cross", gather: true }, run: searchGeneric({ from: "lonlat" }), summary: "GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]" },
  { name: "georadius_ro", arity: -6, flags: ["readonly"], keys: ONE_KEY, run: searchGeneric({ from: "lonlat", noStore: true }), summary: "GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]" },
  { name: "georadiusbymember", arity: -5, flags: ["write", "denyoom"], keys: radiusKeys(5), cluster: { kind: "cross", gather: true }, run: searchGeneric({ from: "member" }), summary: "GEORADIUSBYMEMBER key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]" },
  { name: "georadiusbymember_ro", arity: -5, flags: ["readonly"], keys: ONE_KEY, run: searchGeneric({ from: "member", noStore: true }), summary: "GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]" },
];
