/**
 * Geohash math as Redis does it (no storage, no argv): a point is a sorted set score, the
 * 52-bit interleave of its latitude and longitude cells at step 26 (latitude on even bits,
 * longitude on odd bits, longitude the higher of each pair), over longitude -180..180 and
 * latitude -85.05112878..85.05112878 (the Web Mercator limits; the poles cannot be indexed).
 *
 * A search by radius or box never reads the whole set: the step (cell size) comes from the
 * radius, the centre's cell and its 8 neighbours at that step are the candidate areas (those
 * that cannot touch the bounding box are dropped, a repeat of the previous area is skipped),
 * and each area is one range of scores [min, max). Candidates are then filtered by haversine
 * distance on a sphere of radius 6372797.560856 m, as Redis does.
 *
 * Two representations: scores are plain numbers (encode and decode are on the hot path of
 * GEOADD and of every candidate of a search); the few cells of a search are BigInts, so that
 * the neighbour moves keep Redis's exact bits even where a coordinate sits on a range's upper
 * edge (its cell index is then 2^step, one bit above the hash).
 */

export const LON_MIN = -180;
export const LON_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
/** Cells per axis of a stored point: 2^26 (52 bits in all). */
export const STEP_MAX = 26;
export const EARTH_RADIUS_M = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const TWO32 = 4294967296;

export interface CoordRange {
  min: number;
  max: number;
}
const LON_RANGE: CoordRange = { min: LON_MIN, max: LON_MAX };
const LAT_RANGE: CoordRange = { min: LAT_MIN, max: LAT_MAX };
/** The standard geohash ranges, used only for GEOHASH's string. */
const STD_LAT_RANGE: CoordRange = { min: -90, max: 90 };

/** A cell: `bits` holds 2·step bits (plus an overflow bit for an upper-edge coordinate). */
export interface Cell {
  bits: bigint;
  step: number;
}

export interface Area {
  lon: CoordRange;
  lat: CoordRange;
}

/** Even bits of a 32-bit value packed into 16 bits. */
function squeeze(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** 16 bits spread onto the even bits of a 32-bit value. */
function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Interleave of two cell indices (< 2^27): lat on even bits, lon on odd; exact below 2^53, else rounded as a double. */
function interleave(lat: number, lon: number): number {
  const latPart = spread(lat & 0xffff) + spread(lat >>> 16) * TWO32;
  const lonPart = spread(lon & 0xffff) + spread(lon >>> 16) * TWO32;
  return latPart + 2 * lonPart;
}

/** The cell indices of a 64-bit value given as two 32-bit halves. */
function deinterleave(hi: number, lo: number): { lat: number; lon: number } {
  return {
    lat: squeeze(lo) + squeeze(hi) * 65536,
    lon: squeeze(lo >>> 1) + squeeze(hi >>> 1) * 65536,
  };
}

/** A coordinate's cell index at `step` (C's truncating conversion to uint32). */
function offset(v: number, r: CoordRange, step: number): number {
  return Math.trunc(((v - r.min) / (r.max - r.min)) * 2 ** step) >>> 0;
}

/** True when (lon, lat) can be indexed. */
export function validLonLat(lon: number, lat: number): boolean {
  return lon >= LON_MIN && lon <= LON_MAX && lat >= LAT_MIN && lat <= LAT_MAX;
}

/** The score GEOADD stores for a point (the caller checked validLonLat). */
export function encodeScore(lon: number, lat: number): number {
  return interleave(offset(lat, LAT_RANGE, STEP_MAX), offset(lon, LON_RANGE, STEP_MAX));
}

/**
 * A score as C converts a double to uint64 on x86-64 (truncation; a negative value wraps,
 * values out of range give 2^63 or 0), as two 32-bit halves.
 */
function scoreBits(score: number): { hi: number; lo: number } {
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    return { hi, lo: t - hi * TWO32 };
  }
  let b: bigint;
  if (score < 2 ** 63) b = score > -(2 ** 63) ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : 1n << 63n;
  else {
    const y = score - 2 ** 63;
    b = y < 2 ** 63 ? BigInt(Math.trunc(y)) + (1n << 63n) : 0n;
  }
  return { hi: Number(b >> 32n), lo: Number(b & 0xffffffffn) };
}

function areaOf(lat: number, lon: number, step: number, latRange: CoordRange = LAT_RANGE): Area {
  const cells = 2 ** step;
  const latScale = latRange.max - latRange.min;
  const lonScale = LON_RANGE.max - LON_RANGE.min;
  return {
    lat: { min: latRange.min + (lat / cells) * latScale, max: latRange.min + (((lat + 1) >>> 0) / cells) * latScale },
    lon: { min: LON_RANGE.min + (lon / cells) * lonScale, max: LON_RANGE.min + (((lon + 1) >>> 0) / cells) * lonScale },
  };
}

/** The centre of an area, clamped to the indexable limits: [lon, lat]. */
function centre(a: Area): [number, number] {
  const lon = Math.min(LON_MAX, Math.max(LON_MIN, (a.lon.min + a.lon.max) / 2));
  const lat = Math.min(LAT_MAX, Math.max(LAT_MIN, (a.lat.min + a.lat.max) / 2));
  return [lon, lat];
}

/** The point a score stands for, [lon, lat]: the centre of its step-26 cell (what GEOPOS answers). */
export function decodeScore(score: number): [number, number] {
  const { hi, lo } = scoreBits(score);
  const { lat, lon } = deinterleave(hi, lo);
  return centre(areaOf(lat, lon, STEP_MAX));
}

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * GEOHASH's 11-character string: the decoded point re-encoded over the standard latitude range
 * -90..90 (the stored score uses -85..85), 10 characters of 5 bits from the 52, then "0".
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const bits = interleave(offset(lat, STD_LAT_RANGE, STEP_MAX), offset(lon, LON_RANGE, STEP_MAX));
  let out = "";
  for (let i = 0; i < 10; i++) out += BASE32[Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32];
  return out + "0";
}

/** Haversine distance in metres, with Redis's shortcut when the longitudes are the same. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = lon1 * D_R;
  const lon2r = lon2 * D_R;
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = lat1 * D_R;
  const lat2r = lat2 * D_R;
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Distance along a meridian. */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_M * Math.abs(lat2 * D_R - lat1 * D_R);
}

/** The area searched: a circle (radius) or a box (width, height), in the unit of `toMeters`, around [lon, lat]. */
export type Shape =
  | { kind: "radius"; lon: number; lat: number; radius: number; toMeters: number }
  | { kind: "box"; lon: number; lat: number; width: number; height: number; toMeters: number };

/** The distance in metres from the shape's centre to (lon, lat) when the point is inside the shape, else null. */
export function distanceIfWithin(shape: Shape, lon: number, lat: number): number | null {
  if (shape.kind === "radius") {
    const d = distance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.toMeters ? null : d;
  }
  const height = shape.height * shape.toMeters;
  const width = shape.width * shape.toMeters;
  if (latDistance(lat, shape.lat) > height / 2) return null;
  if (distance(lon, lat, shape.lon, lat) > width / 2) return null;
  return distance(shape.lon, shape.lat, lon, lat);
}

/** The step whose cells are about the size of the radius (wider towards the poles), 1..26. */
export function stepsForRadius(meters: number, lat: number): number {
  if (meters === 0) return 26;
  let step = 1;
  while (meters < MERCATOR_MAX) {
    meters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** The shape's bounding box: [minLon, minLat, maxLon, maxLat] (not wrapped at ±180). */
export function boundingBox(shape: Shape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.toMeters * (shape.kind === "radius" ? shape.radius : shape.height / 2);
  const width = shape.toMeters * (shape.kind === "radius" ? shape.radius : shape.width / 2);
  const latDelta = height / EARTH_RADIUS_M / D_R;
  const lonDeltaTop = width / EARTH_RADIUS_M / Math.cos((lat + latDelta) * D_R) / D_R;
  const lonDeltaBottom = width / EARTH_RADIUS_M / Math.cos((lat - latDelta) * D_R) / D_R;
  const south = lat < 0;
  const lonDelta = south ? lonDeltaBottom : lonDeltaTop;
  return [lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta];
}

/** The cell of a point at `step` (the caller checked validLonLat). */
export function cellOf(lon: number, lat: number, step: number): Cell {
  const la = BigInt(offset(lat, LAT_RANGE, step));
  const lo = BigInt(offset(lon, LON_RANGE, step));
  return { bits: spreadBig(la) | (spreadBig(lo) << 1n), step };
}

function spreadBig(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; v > 0n; i++, v >>= 1n) if (v & 1n) out |= 1n << (2n * i);
  return out;
}

/** The area a cell covers. */
export function cellArea(c: Cell): Area {
  const { lat, lon } = deinterleave(Number((c.bits >> 32n) & 0xffffffffn), Number(c.bits & 0xffffffffn));
  return areaOf(lat, lon, c.step);
}

const ODD = 0xaaaaaaaaaaaaaaaan;
const EVEN = 0x5555555555555555n;
const U64 = (1n << 64n) - 1n;

/** Moves a cell one column east (+1) or west (-1), wrapping around, as Redis's bit arithmetic does. */
function moveLon(c: Cell, d: 1 | -1): Cell {
  let x = c.bits & ODD;
  const y = c.bits & EVEN;
  const zz = EVEN >> BigInt(64 - c.step * 2);
  x = d > 0 ? (x + (zz + 1n)) & U64 : ((x | zz) - (zz + 1n)) & U64;
  x &= ODD >> BigInt(64 - c.step * 2);
  return { bits: x | y, step: c.step };
}

/** Moves a cell one row north (+1) or south (-1), wrapping around. */
function moveLat(c: Cell, d: 1 | -1): Cell {
  const x = c.bits & ODD;
  let y = c.bits & EVEN;
  const zz = ODD >> BigInt(64 - c.step * 2);
  y = d > 0 ? (y + (zz + 1n)) & U64 : ((y | zz) - (zz + 1n)) & U64;
  y &= EVEN >> BigInt(64 - c.step * 2);
  return { bits: x | y, step: c.step };
}

/** A score range [min, max) of stored points. */
export interface ScoreSpan {
  min: number;
  max: number;
}

/** The scores of every stored point inside a cell: its bits followed by any 52 − 2·step bits. */
export function cellScores(c: Cell): ScoreSpan {
  const shift = BigInt(52 - c.step * 2);
  return { min: Number(c.bits << shift), max: Number((c.bits + 1n) << shift) };
}

/**
 * The score ranges to read for a search, in Redis's order (centre, N, S, E, W, NE, NW, SE,
 * SW): at most 9, each one cell; a neighbour that cannot meet the bounding box is dropped,
 * one equal to the previous neighbour read is skipped (huge radii make neighbours coincide).
 */
export function searchSpans(shape: Shape): ScoreSpan[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radius =
    shape.toMeters *
    (shape.kind === "radius"
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2)));
  let steps = stepsForRadius(radius, shape.lat);
  let cells = around(cellOf(shape.lon, shape.lat, steps));
  const [, n, s, e, w] = cells;
  if (
    cellArea(n!).lat.max < maxLat ||
    cellArea(s!).lat.min > minLat ||
    cellArea(e!).lon.max < maxLon ||
    cellArea(w!).lon.min > minLon
  ) {
    if (steps > 1) cells = around(cellOf(shape.lon, shape.lat, --steps));
  }
  const used: (Cell | null)[] = [...cells];
  if (steps >= 2) {
    const a = cellArea(cells[0]!);
    // indices: 0 centre, 1 N, 2 S, 3 E, 4 W, 5 NE, 6 NW, 7 SE, 8 SW
    const drop = (...ix: number[]) => ix.forEach((i) => (used[i] = null));
    if (a.lat.min < minLat) drop(2, 8, 7);
    if (a.lat.max > maxLat) drop(1, 5, 6);
    if (a.lon.min < minLon) drop(4, 8, 6);
    if (a.lon.max > maxLon) drop(3, 7, 5);
  }
  // As Redis's loop: the previous range is remembered only once it is a neighbour's (index > 0).
  const spans: ScoreSpan[] = [];
  let last: Cell | null = null;
  used.forEach((c, i) => {
    if (!c) return;
    if (last && last.bits === c.bits && last.step === c.step) return;
    spans.push(cellScores(c));
    last = i > 0 ? c : null;
  });
  return spans;
}

/** A cell and its 8 neighbours: centre, N, S, E, W, NE, NW, SE, SW. */
function around(c: Cell): Cell[] {
  const e = moveLon(c, 1);
  const w = moveLon(c, -1);
  return [c, moveLat(c, 1), moveLat(c, -1), e, w, moveLat(e, 1), moveLat(w, 1), moveLat(e, -1), moveLat(w, -1)];
}
