/**
 * Geohash math against values read from redis-server 7.0.15 (scores, decoded positions,
 * GEOHASH strings), and the cost of a search: it reads only the score ranges of the cells
 * around its centre, never the whole set.
 */
import { describe, expect, it } from "vitest";
import { shard } from "../../test/workers/shard-client";
import { formatCoordinate, formatDistance, formatFixed } from "../format";
import { pointsWithin } from "../commands/geo";
import type { SortedSet } from "./zsets";
import { cellOf, cellScores, decodeScore, distance, encodeScore, geohashString, searchSpans, stepsForRadius, validLonLat, type Shape } from "./geohash";

describe("geohash", () => {
  it("encodes points as Redis's 52-bit scores, the range edges included", () => {
    expect(encodeScore(13.361389, 38.115556)).toBe(3479099956230698);
    expect(encodeScore(-73.9454966, 40.747533)).toBe(1791875804419201);
    expect(encodeScore(-180, -85.05112878)).toBe(0);
    expect(encodeScore(0, 0)).toBe(3377699720527872);
    expect(encodeScore(179.9999999, 0)).toBe(4128299658422954);
    // Upper edges: cell index 2^26 on both axes, one bit above the 52 (as Redis stores it).
    expect(encodeScore(180, 85.05112878)).toBe(13510798882111488);
    expect(validLonLat(180.0000001, 0)).toBe(false);
    expect(validLonLat(0, -85.05112879)).toBe(false);
  });

  it("decodes a score to its cell's centre, clamped; C's double to uint64 conversion for odd scores", () => {
    const fmt = (s: number) => decodeScore(s).map(formatCoordinate);
    expect(fmt(3479099956230698)).toEqual(["13.36138933897018433", "38.11555639549629859"]);
    expect(fmt(13510798882111488)).toEqual(["180", "85.0511287799999991"]);
    expect(fmt(0)).toEqual(["-179.99999731779098511", "-85.05112751263942528"]);
    expect(fmt(-1)).toEqual(["180", "85.0511287799999991"]);
    expect(fmt(1e20)).toEqual(fmt(0));
    expect(fmt(Infinity)).toEqual(fmt(0));
    expect(fmt(-Infinity)).toEqual(["180", "-85.05112751263942528"]);
    expect(fmt(2 ** 63)).toEqual(fmt(-Infinity));
  });

  it("GEOHASH strings use the standard -90..90 latitude range", () => {
    expect(geohashString(encodeScore(-5.6, 42.6))).toBe("ezs42e44yx0");
    expect(geohashString(encodeScore(180, 85.05112878))).toBe("bp05b5048p0");
    expect(geohashString(0)).toBe("00bh0hbj200");
    expect(geohashString(encodeScore(0, 0))).toBe("s0000000000");
  });

  it("formats distances with 4 decimals (llrint) and coordinates as %.17Lf without trailing zeros", () => {
    expect(formatDistance(0)).toBe("0.0000");
    expect(formatDistance(0.775)).toBe("0.7750");
    expect(formatDistance(166274.15156960032)).toBe("166274.1516");
    expect(formatDistance(0.00005)).toBe("0.0000");
    expect(formatCoordinate(-1e-18)).toBe("0");
    expect(formatCoordinate(180)).toBe("180");
    expect(formatFixed(-0, 6)).toBe("-0.000000");
    expect(formatFixed(-Infinity, 6)).toBe("-inf");
  });

  it("steps follow the radius, one or two fewer towards the poles", () => {
    expect(stepsForRadius(0, 0)).toBe(26);
    expect(stepsForRadius(1000, 0)).toBe(14);
    expect(stepsForRadius(1000, 70)).toBe(13);
    expect(stepsForRadius(1000, -85)).toBe(12);
    expect(stepsForRadius(1e8, 0)).toBe(1);
    expect(distance(13.361389, 38.115556, 13.361389, 38.115556)).toBe(0);
  });

  it("a search reads at most 9 cells, each one score range of the cell's points", () => {
    const shape: Shape = { kind: "radius", lon: 13.361389, lat: 38.115556, radius: 10, toMeters: 1000 };
    const spans = searchSpans(shape);
    expect(spans.length).toBeGreaterThan(0);
    expect(spans.length).toBeLessThanOrEqual(9);
    const centre = cellScores(cellOf(13.361389, 38.115556, 26));
    expect(centre.max - centre.min).toBe(1);
    // 10 km: step 9 or 10, cells of 2^(52 - 2·step) scores.
    for (const s of spans) expect(s.max - s.min).toBeLessThanOrEqual(2 ** 34);
    // A huge radius: step 1, the 4 quarters of the map, each read once.
    expect(searchSpans({ ...shape, radius: 50000 }).length).toBe(4);
  });

  it("pointsWithin reads only the rows of those score ranges, never the whole set", () => {
    const points: { score: number; member: Uint8Array }[] = [];
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 50_000; i++) {
      points.push({ score: encodeScore(-180 + rand() * 360, -80 + rand() * 160), member: new TextEncoder().encode(`m${i}`) });
    }
    points.sort((a, b) => a.score - b.score);
    let rowsRead = 0;
    const fake = {
      *scoreRange(min: number, max: number) {
        let lo = 0, hi = points.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (points[mid]!.score >= min) hi = mid;
          else lo = mid + 1;
        }
        for (let i = lo; i < points.length && points[i]!.score < max; i++) {
          rowsRead++;
          yield points[i]!;
        }
      },
    } as unknown as SortedSet;
    const shape: Shape = { kind: "radius", lon: 2.35, lat: 48.85, radius: 200, toMeters: 1000 };
    const found = pointsWithin(fake, shape);
    const brute = points.filter((p) => {
      const [lon, lat] = decodeScore(p.score);
      return distance(2.35, 48.85, lon, lat) <= 200_000;
    });
    expect(found.length).toBe(brute.length);
    expect(rowsRead).toBeLessThan(points.length / 50);
    rowsRead = 0;
    expect(pointsWithin(fake, { ...shape, radius: 5000 }, 3).length).toBe(3);
    expect(rowsRead).toBeLessThan(points.length / 10);
  });

  it("a cell's score range is read whole in a shard, across chunks of members with one score", async () => {
    const { r: call } = shard("geo-chunks");
    const args: string[] = [];
    for (let i = 0; i < 1200; i++) args.push("13.361389", "38.115556", `same:${String(i).padStart(4, "0")}`);
    await call("GEOADD", "g", ...args);
    await call("GEOADD", "g", "15.087269", "37.502669", "Catania", "-73.9454966", "40.747533", "far");
    const found = (await call("GEOSEARCH", "g", "FROMLONLAT", "13.361389", "38.115556", "BYRADIUS", "200", "km")) as string[];
    expect(found.length).toBe(1201);
    // Within a cell, members of one score come in member order; Catania is in another cell.
    expect(found.filter((m) => m !== "Catania")).toEqual(args.filter((_, i) => i % 3 === 2));
    expect(found).toContain("Catania");
    expect(((await call("GEOSEARCH", "g", "FROMMEMBER", "Catania", "BYRADIUS", "200", "km", "COUNT", "700", "ANY")) as string[]).length).toBe(700);
  });
});
