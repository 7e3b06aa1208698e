/**
 * Geo commands through the official `@upstash/redis` client (its defaults: auto-pipelining,
 * base64 responses), its requests sent to the Worker in this test runtime: the client's own
 * parsing of our replies (distances and coordinates as numbers, GEOSEARCH's objects).
 */
import { describe, expect, it } from "vitest";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();

const tag = () => `{ug${Math.random().toString(36).slice(2, 8)}}`;

const PALERMO = { longitude: 13.361389, latitude: 38.115556, member: "Palermo" };
const CATANIA = { longitude: 15.087269, latitude: 37.502669, member: "Catania" };

describe("@upstash/redis geo", () => {
  it("geoadd with options, geodist in units, geopos, geohash", async () => {
    const k = `${tag()}:sicily`;
    expect(await redis.geoadd(k, PALERMO, CATANIA)).toBe(2);
    expect(await redis.geoadd(k, { nx: true }, { ...PALERMO, longitude: 0 })).toBe(0);
    expect(await redis.geoadd(k, { xx: true, ch: true }, { ...CATANIA, latitude: 37.5 })).toBe(1);
    expect(await redis.geoadd(k, { xx: true, ch: true }, CATANIA)).toBe(1);
    expect(await redis.geodist(k, "Palermo", "Catania")).toBe(166274.1516);
    expect(await redis.geodist(k, "Palermo", "Catania", "KM")).toBe(166.2742);
    expect(await redis.geodist(k, "Palermo", "nobody")).toBeNull();
    const [p, none] = await redis.geopos(k, "Palermo", "nobody");
    expect(p).toEqual({ lng: 13.36138933897018433, lat: 38.11555639549629859 });
    expect(none).toBeUndefined();
    expect(await redis.geohash(k, "Palermo", "Catania", "nobody")).toEqual(["sqc8b49rny0", "sqdtr74hyu0", null]);
  });

  it("geosearch from a member and from coordinates, by radius and by box, with options", async () => {
    const k = `${tag()}:sicily`;
    await redis.geoadd(k, PALERMO, CATANIA, { longitude: 12.758489, latitude: 38.788135, member: "edge1" });
    expect(await redis.geosearch(k, { type: "FROMLONLAT", coordinate: { lon: 15, lat: 37 } }, { type: "BYRADIUS", radius: 200, radiusType: "KM" }, "ASC")).toEqual([
      { member: "Catania" },
      { member: "Palermo" },
    ]);
    const withAll = await redis.geosearch(
      k,
      { type: "FROMMEMBER", member: "Palermo" },
      { type: "BYBOX", rect: { width: 400, height: 400 }, rectType: "KM" },
      "DESC",
      { withDist: true, withCoord: true, withHash: true, count: { limit: 2 } },
    );
    expect(withAll.map((r) => r.member)).toEqual(["Catania", "edge1"]);
    expect(withAll[0]!.dist).toBe(166.2742);
    expect(withAll[0]!.coord).toEqual({ long: 15.08726745843887329, lat: 37.50266842333162032 });
    expect(String(withAll[0]!.hash)).toBe("3479447370796909");
  });

  it("geosearchstore with and without storeDist", async () => {
    const t = tag();
    const k = `${t}:sicily`;
    await redis.geoadd(k, PALERMO, CATANIA);
    const center = { type: "FROMLONLAT", coordinate: { lon: 15, lat: 37 } } as const;
    const shape = { type: "BYRADIUS", radius: 200, radiusType: "KM" } as const;
    expect(await redis.geosearchstore(`${t}:near`, k, center, shape, "ASC")).toBe(2);
    expect(await redis.zrange(`${t}:near`, 0, -1, { withScores: true })).toEqual(["Palermo", 3479099956230698, "Catania", 3479447370796909]);
    expect(await redis.geosearchstore(`${t}:dist`, k, center, shape, "ASC", { storeDist: true, count: { limit: 1 } })).toBe(1);
    expect(await redis.zrange(`${t}:dist`, 0, -1, { withScores: true })).toEqual(["Catania", "56.441257870158204"]);
  });
});
