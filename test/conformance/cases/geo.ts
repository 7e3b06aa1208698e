/**
 * Geo commands, named after Redis's own tests (tests/unit/geo.tcl) where one fits. Expectations
 * are what a real redis-server 7.0 answers (the reference target runs every case), byte for
 * byte: scores, distances with 4 decimals, coordinates as `%.17Lf`. The fuzzy cases use fixed
 * seeds and Redis's regression vectors and check the results against a brute-force haversine,
 * with the tolerance of Redis's own test. One file, a little over 500 lines, so that it reads in
 * the order of geo.tcl with its fuzzy helpers beside the cases that use them.
 */
import { expect } from "vitest";
import { defineCases, error, type Call, type Value } from "../harness";
import { seededRandom } from "../../random";

const SYNTAX = error("ERR syntax error");
const NYC: (string | number)[] = [
  -73.9454966, 40.747533, "lic market",
  -73.9733487, 40.7648057, "central park n/q/r",
  -73.9903085, 40.7362513, "union square",
  -74.0131604, 40.7126674, "wtc one",
  -73.7858139, 40.6428986, "jfk",
  -73.9375699, 40.7498929, "q4",
  -73.9564142, 40.7480973, 4545,
];
const SICILY: (string | number)[] = [13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"];

const prng = seededRandom;

/** The haversine of Redis's test, in metres. */
function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const v = Math.sin((r(lon2) - r(lon1)) / 2);
  const u = Math.sin((r(lat2) - r(lat1)) / 2);
  return 2.0 * 6372797.560856 * Math.asin(Math.sqrt(u * u + Math.cos(r(lat1)) * Math.cos(r(lat2)) * v * v));
}

function inRectangle(wKm: number, hKm: number, lon: number, lat: number, cLon: number, cLat: number, err: number): boolean {
  const w = (wKm * 1000 * err) / 2;
  const h = (hKm * 1000 * err) / 2;
  return haversine(lon, lat, cLon, lat) <= w && haversine(lon, lat, lon, cLat) <= h;
}

/** Redis's regression vectors for the fuzzy test: seed, km, lon, lat. */
const REGRESSION: [number, number, number, number][] = [
  [1482225976969, 7083, 81.634948934258375, 30.561509253718668],
  [1482340074151, 5416, -70.863281847379767, -46.347003465679947],
  [1499014685896, 6064, -89.818768962202014, -40.463868561416803],
  [1412, 156, 149.29737817929004, 15.95807862745508],
  [441574, 143, 59.235461856813856, 66.269555127373678],
  [160645, 187, -101.88575239939883, 49.061997951502917],
  [750269, 154, -90.187939661642517, 66.615930412251487],
  [342880, 145, 163.03472387745728, 64.012747720821181],
  [564862, 149, 84.062063109158544, -65.685403922426232],
  [1546032440391, 16751, -1.8175081637769495, 20.665668878082954],
];
const FUZZY_POINTS = 300;

/** One fuzzy round: random points (lat within ±70, as Redis's test), one search, checked by brute force. */
async function fuzzyRound(r: Call, key: string, type: "byradius" | "bybox", vector: [number, number, number, number]): Promise<void> {
  const [seed, km, cLon, cLat] = vector;
  const rand = prng(seed);
  const args: (string | number)[] = [];
  const points = new Map<string, [number, number]>();
  for (let j = 0; j < FUZZY_POINTS; j++) {
    const lon = -180 + rand() * 360;
    const lat = -70 + rand() * 140;
    args.push(lon, lat, `place:${j}`);
    points.set(`place:${j}`, [lon, lat]);
  }
  await r("DEL", key);
  expect(await r("GEOADD", key, ...args)).toEqual(FUZZY_POINTS);
  const got = (
    type === "byradius"
      ? await r("GEOSEARCH", key, "FROMLONLAT", cLon, cLat, "BYRADIUS", km, "km")
      : await r("GEOSEARCH", key, "FROMLONLAT", cLon, cLat, "BYBOX", km, km, "km")
  ) as string[];
  const inside = (lon: number, lat: number, err: number) =>
    type === "byradius" ? haversine(lon, lat, cLon, cLat) < km * 1000 * err : inRectangle(km, km, lon, lat, cLon, cLat, err);
  const expected = new Set([...points].filter(([, [lon, lat]]) => inside(lon, lat, 1)).map(([m]) => m));
  const gotSet = new Set(got);
  expect(gotSet.size).toEqual(got.length);
  const diff = [...new Set([...expected, ...gotSet])].filter((m) => expected.has(m) !== gotSet.has(m));
  for (const m of diff) {
    // Only rounding at the edge may differ: the point is within 0.1% of the boundary.
    const [lon, lat] = points.get(m)!;
    expect(inside(lon, lat, 1.001) && !inside(lon, lat, 0.999), `${m} at ${lon},${lat}`).toBe(true);
  }
}

const sorted = (v: Value) => [...(v as string[])].sort();

export const geoCases = defineCases("geo", [
  {
    name: "GEOADD create, update, CH, NX, XX and their errors",
    async run({ r, key }) {
      const k = key("nyc");
      expect(await r("GEOADD", k, -73.9454966, 40.747533, "lic market")).toEqual(1);
      expect(await r("GEOADD", k, -73.9454966, 40.747533, "lic market")).toEqual(0);
      expect(await r("GEOADD", k, "CH", 40.747533, -73.9454966, "lic market")).toEqual(1);
      expect(await r("GEOADD", k, "NX", -73.9454966, 40.747533, "lic market")).toEqual(0);
      expect(await r("GEOPOS", k, "lic market")).toEqual([["40.7475319504737854", "-73.94549769039056741"]]);
      expect(await r("GEOADD", k, "XX", -83.9454966, 40.747533, "lic market")).toEqual(0);
      expect(await r("GEOADD", k, "XX", -83.9454966, 40.747533, "new")).toEqual(0);
      expect(await r("GEOADD", k, "CH", "NX", -73.9454966, 40.747533, "lic market")).toEqual(0);
      expect(await r("GEOADD", k, "CH", "XX", -73.9454966, 40.747533, "lic market")).toEqual(1);
      expect(await r("GEOADD", k, "xx", "nx", -73.9454966, 40.747533, "lic market")).toEqual(SYNTAX);
      expect(await r("GEOADD", k, "ch", "xx", "foo", -73.9454966, 40.747533, "lic market")).toEqual(SYNTAX);
      expect(await r("GEOADD", k, "ch", "nx", "ch")).toEqual(SYNTAX);
      expect(await r("GEOADD", k, -73.9454966, 40.747533, "lic market", "foo", "bar", "luck market")).toEqual(error("ERR value is not a valid float"));
      expect(await r("GEOADD", k, 1, 2, "a", 181, 0, "b")).toEqual(error("ERR invalid longitude,latitude pair 181.000000,0.000000"));
      expect(await r("GEOADD", k, 200, -100, "b")).toEqual(error("ERR invalid longitude,latitude pair 200.000000,-100.000000"));
      expect(await r("GEOADD", k, -0.0, -86, "b")).toEqual(error("ERR invalid longitude,latitude pair 0.000000,-86.000000"));
      expect(await r("GEOADD", k, "-inf", 0, "b")).toEqual(error("ERR invalid longitude,latitude pair -inf,0.000000"));
      expect(await r("GEOADD", k, 1, "nan", "b")).toEqual(error("ERR value is not a valid float"));
      expect(await r("ZRANGE", k, 0, -1)).toEqual(["lic market"]);
      expect(await r("GEOADD", k, 1)).toEqual(error("ERR wrong number of arguments for 'geoadd' command"));
    },
  },
  {
    name: "GEOADD multi add and the stored scores (Check geoset values)",
    async run({ r, key }) {
      expect(await r("GEOADD", key(), ...NYC)).toEqual(7);
      expect(await r("ZRANGE", key(), 0, -1, "WITHSCORES")).toEqual([
        "wtc one", "1791873972053020", "union square", "1791875485187452", "central park n/q/r", "1791875761332224",
        "4545", "1791875796750882", "lic market", "1791875804419201", "q4", "1791875830079666", "jfk", "1791895905559723",
      ]);
      expect(await r("TYPE", key())).toEqual("zset");
    },
  },
  {
    name: "GEOADD at the limits: ±180, ±85.05112878, the origin",
    async run({ r, key }) {
      expect(await r("GEOADD", key(), 180, 85.05112878, "ne", -180, -85.05112878, "sw", 0, 0, "origin", 179.9999999, 0, "am")).toEqual(4);
      expect(await r("ZRANGE", key(), 0, -1, "WITHSCORES")).toEqual(["sw", "0", "origin", "3377699720527872", "am", "4128299658422954", "ne", "13510798882111488"]);
      expect(await r("GEOPOS", key(), "ne", "sw", "origin")).toEqual([
        ["180", "85.0511287799999991"],
        ["-179.99999731779098511", "-85.05112751263942528"],
        ["0.00000268220901489", "0.00000126736058093"],
      ]);
      expect(await r("GEOHASH", key(), "ne", "sw", "origin", "am")).toEqual(["bp05b5048p0", "00bh0hbj200", "s0000000000", "xbpbpbpbpb0"]);
      expect(await r("GEODIST", key(), "ne", "sw")).toEqual("18919844.5891");
      expect(await r("GEOSEARCH", key(), "FROMLONLAT", 180, 0, "BYRADIUS", 100, "km", "WITHDIST", "WITHCOORD")).toEqual([
        ["am", "0.0003", ["179.99999731779098511", "0.00000126736058093"]],
      ]);
      expect(await r("GEOSEARCH", key(), "FROMLONLAT", -180, -85.05112878, "BYRADIUS", 1, "m", "WITHDIST", "WITHHASH")).toEqual([["sw", "0.1433", 0]]);
    },
  },
  {
    name: "GEOPOS and GEOHASH of scores that are not geohashes decode as Redis does",
    async run({ r, key }) {
      await r("ZADD", key(), -1, "neg", 1e20, "big", "inf", "pinf", "-inf", "ninf", 4503599627370496, "a52", 9007199254740992, "a53", 4503599627370495, "m52");
      expect(await r("GEOPOS", key(), "neg", "big", "pinf", "ninf", "a52", "a53", "m52")).toEqual([
        ["180", "85.0511287799999991"],
        ["-179.99999731779098511", "-85.05112751263942528"],
        ["-179.99999731779098511", "-85.05112751263942528"],
        ["180", "-85.05112751263942528"],
        ["-179.99999731779098511", "85.0511287799999991"],
        ["180", "-85.05112751263942528"],
        ["179.99999731779098511", "85.05112751263942528"],
      ]);
      expect(await r("GEOHASH", key(), "neg", "big", "a52", "m52")).toEqual(["bp05b5048p0", "00bh0hbj200", "bp05b5048p0", "zzpgzgpfxz0"]);
    },
  },
  {
    name: "GEORADIUS and GEOSEARCH simple (sorted), with distances",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 3, "km", "asc")).toEqual(["central park n/q/r", "4545", "union square"]);
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "bybox", 6, 6, "km", "asc")).toEqual(["central park n/q/r", "4545", "union square", "lic market"]);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 3, "km", "withdist", "asc")).toEqual([["central park n/q/r", "0.7750"], ["4545", "2.3651"], ["union square", "2.7697"]]);
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "bybox", 6, 6, "km", "withdist", "asc")).toEqual([
        ["central park n/q/r", "0.7750"], ["4545", "2.3651"], ["union square", "2.7697"], ["lic market", "3.1991"],
      ]);
      expect(await r("GEORADIUS_RO", key(), -73.9798091, 40.7598464, 3, "km", "desc")).toEqual(["union square", "4545", "central park n/q/r"]);
    },
  },
  {
    name: "GEORADIUS WITHDIST WITHHASH WITHCOORD, unsorted order is cell then score",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "withdist", "withhash", "withcoord")).toEqual([
        ["wtc one", "5.9530", 1791873972053020, ["-74.01316255331039429", "40.71266718145121644"]],
        ["union square", "2.7697", 1791875485187452, ["-73.99031013250350952", "40.73625022711770782"]],
        ["central park n/q/r", "0.7750", 1791875761332224, ["-73.97334784269332886", "40.76480639569881959"]],
        ["4545", "2.3651", 1791875796750882, ["-73.95641237497329712", "40.74809751381645384"]],
        ["lic market", "3.1991", 1791875804419201, ["-73.94549578428268433", "40.74753227099792952"]],
        ["q4", "3.7269", 1791875830079666, ["-73.93757253885269165", "40.74989209639726795"]],
      ]);
    },
  },
  {
    name: "GEORADIUS with COUNT, ANY, ASC and DESC",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 3)).toEqual(["central park n/q/r", "4545", "union square"]);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 3, "ANY")).toEqual(["wtc one", "union square", "central park n/q/r"]);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 3, "ANY", "ASC")).toEqual(["central park n/q/r", "union square", "wtc one"]);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 2, "DESC")).toEqual(["wtc one", "q4"]);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "ANY", "ASC")).toEqual(error("ERR the ANY argument requires COUNT argument"));
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT")).toEqual(SYNTAX);
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 0)).toEqual(error("ERR COUNT must be > 0"));
      expect(await r("GEORADIUS", key(), -73.9798091, 40.7598464, 10, "km", "COUNT", 1.5)).toEqual(error("ERR value is not an integer or out of range"));
    },
  },
  {
    name: "GEORADIUS HUGE, issue #2767",
    async run({ r, key }) {
      await r("GEOADD", key(), -47.271613776683807, -54.534504198047678, "user_000000");
      expect(((await r("GEORADIUS", key(), 0, 0, 50000, "km", "WITHCOORD")) as Value[]).length).toEqual(1);
    },
  },
  {
    name: "GEORADIUSBYMEMBER simple, withdist, and search areas in oblique direction and across the pole",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEORADIUSBYMEMBER", key(), "wtc one", 7, "km")).toEqual(["wtc one", "union square", "central park n/q/r", "4545", "lic market"]);
      expect(await r("GEORADIUSBYMEMBER", key(), "wtc one", 7, "km", "withdist")).toEqual([
        ["wtc one", "0.0000"], ["union square", "3.2544"], ["central park n/q/r", "6.7000"], ["4545", "6.1975"], ["lic market", "6.8969"],
      ]);
      expect(await r("GEORADIUSBYMEMBER_RO", key(), "wtc one", 7, "km", "withdist", "desc", "count", 2)).toEqual([["lic market", "6.8969"], ["central park n/q/r", "6.7000"]]);
      const k1 = key("k1");
      await r("GEOADD", k1, -0.15307903289794921875, 85, "n1", 0.3515625, 85.00019260486917005437, "n2");
      expect(await r("GEORADIUSBYMEMBER", k1, "n1", 4891.94, "m")).toEqual(["n1", "n2"]);
      await r("ZREM", k1, "n1", "n2");
      await r("GEOADD", k1, -4.95211958885192871094, 85, "n3", 11.25, 85.0511, "n4");
      expect(await r("GEORADIUSBYMEMBER", k1, "n3", 156544, "m")).toEqual(["n3", "n4"]);
      await r("ZREM", k1, "n3", "n4");
      await r("GEOADD", k1, -45, 65.50900022111811438208, "n5", 90, 85.0511, "n6");
      expect(await r("GEORADIUSBYMEMBER", k1, "n5", 5009431, "m")).toEqual(["n5", "n6"]);
      const k2 = key("k2");
      await r("GEOADD", k2, 45, 65, "n1", -135, 85.05, "n2");
      expect(await r("GEORADIUSBYMEMBER", k2, "n1", 5009431, "m")).toEqual(["n1", "n2"]);
    },
  },
  {
    name: "GEOSEARCH FROMMEMBER, vs GEORADIUS, non square long and narrow, corner points",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEOSEARCH", key(), "frommember", "wtc one", "bybox", 14, 14, "km")).toEqual(["wtc one", "union square", "central park n/q/r", "4545", "lic market", "q4"]);
      const s = key("sicily");
      await r("GEOADD", s, ...SICILY, 12.758489, 38.788135, "edge1", 17.24151, 38.788135, "eage2");
      expect(await r("GEORADIUS", s, 15, 37, 200, "km", "asc")).toEqual(["Catania", "Palermo"]);
      expect(await r("GEOSEARCH", s, "fromlonlat", 15, 37, "bybox", 400, 400, "km", "asc")).toEqual(["Catania", "Palermo", "eage2", "edge1"]);
      const n = key("narrow");
      await r("GEOADD", n, 12.75, 36.995, "test1", 12.75, 36.5, "test2", 13.0, 36.5, "test3");
      expect(await r("GEOSEARCH", n, "fromlonlat", 15, 37, "bybox", 400, 2, "km")).toEqual(["test1"]);
      await r("GEOADD", n, -1, 37.0, "test3");
      expect(await r("GEOSEARCH", n, "fromlonlat", 15, 37, "bybox", 3000, 2, "km", "asc")).toEqual(["test1", "test3"]);
      const c = key("corner");
      await r("GEOADD", c, 12.758489, 38.788135, "edge1", 17.24151, 38.788135, "edge2", 17.25, 35.202, "edge3", 12.75, 35.202, "edge4",
        12.748489955781654, 37, "edge5", 15, 38.798135872540925, "edge6", 17.251510044218346, 37, "edge7", 15, 35.201864127459075, "edge8",
        12.692799634687903, 38.798135872540925, "corner1", 12.692799634687903, 38.798135872540925, "corner2",
        17.200560937451133, 35.201864127459075, "corner3", 12.799439062548865, 35.201864127459075, "corner4");
      expect(sorted(await r("GEOSEARCH", c, "fromlonlat", 15, 37, "bybox", 400, 400, "km", "asc"))).toEqual(["edge1", "edge2", "edge5", "edge7"]);
    },
  },
  {
    name: "GEOSEARCH argument errors",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "frommember", "xxx", "bybox", 6, 6, "km", "asc")).toEqual(SYNTAX);
      expect(await r("GEOSEARCH", key(), "bybox", 3, 3, "km", "asc", "desc", "withhash", "withdist", "withcoord")).toEqual(error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"));
      expect(await r("geosearch", key(), "bybox", 3, 3, "km", "asc", "desc", "withhash", "withdist", "withcoord")).toEqual(error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "byradius", 3, "km", "bybox", 3, 3, "km", "asc")).toEqual(SYNTAX);
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "asc", "desc", "withhash", "withdist", "withcoord")).toEqual(error("ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", -73.9798091, 40.7598464, "bybox", 6, 6, "km", "asc", "storedist")).toEqual(SYNTAX);
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "byradius", -1, "km")).toEqual(error("ERR radius cannot be negative"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "byradius", "x", "km")).toEqual(error("ERR need numeric radius"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "bybox", "x", 1, "km")).toEqual(error("ERR need numeric width"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "bybox", 1, "x", "km")).toEqual(error("ERR need numeric height"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "bybox", 1, -1, "km")).toEqual(error("ERR height or width cannot be negative"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "byradius", 1, "yd")).toEqual(error("ERR unsupported unit provided. please use M, KM, FT, MI"));
      expect(await r("GEOSEARCH", key(), "frommember", "zz", "byradius", 1, "km")).toEqual(error("ERR could not decode requested zset member"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2, "byradius", 1, "km", "any")).toEqual(error("ERR the ANY argument requires COUNT argument"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 1, 2)).toEqual(error("ERR wrong number of arguments for 'geosearch' command"));
      expect(await r("GEOSEARCH", key(), "fromlonlat", 190, 2, "byradius", 1, "km")).toEqual(error("ERR invalid longitude,latitude pair 190.000000,2.000000"));
      expect(await r("GEORADIUS", key(), 1, 2, 1, "km", "store")).toEqual(SYNTAX);
      expect(await r("GEORADIUS_RO", key(), 1, 2, 1, "km", "store", key("d"))).toEqual(SYNTAX);
    },
  },
  {
    name: "GEO with wrong type src key, non existing src key, empty search, non existing member",
    async run({ r, key }) {
      const src = key("src");
      const dst = key("dst");
      await r("SET", src, "wrong_type");
      const wrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");
      expect(await r("GEORADIUS", src, 1, 1, 1, "km")).toEqual(wrongType);
      expect(await r("GEORADIUS", src, 1, 1, 1, "km", "store", dst)).toEqual(wrongType);
      expect(await r("GEOSEARCH", src, "fromlonlat", 0, 0, "byradius", 1, "km")).toEqual(wrongType);
      expect(await r("GEOSEARCHSTORE", dst, src, "fromlonlat", 0, 0, "byradius", 1, "km")).toEqual(wrongType);
      expect(await r("GEORADIUSBYMEMBER", src, "member", 1, "km")).toEqual(wrongType);
      expect(await r("GEOSEARCH", src, "frommember", "member", "bybox", 1, 1, "km")).toEqual(wrongType);
      expect(await r("GEOPOS", src, "a")).toEqual(wrongType);
      expect(await r("GEOHASH", src, "a")).toEqual(wrongType);
      expect(await r("GEODIST", src, "a", "b")).toEqual(wrongType);
      await r("DEL", src);
      await r("SET", dst, "x");
      expect(await r("GEORADIUS", src, 1, 1, 1, "km")).toEqual([]);
      expect(await r("GEORADIUS", src, 1, 1, 1, "km", "store", dst)).toEqual(0);
      expect(await r("EXISTS", dst)).toEqual(0);
      expect(await r("GEOSEARCH", src, "fromlonlat", 0, 0, "byradius", 1, "km")).toEqual([]);
      expect(await r("GEOSEARCHSTORE", dst, src, "fromlonlat", 0, 0, "byradius", 1, "km")).toEqual(0);
      expect(await r("GEORADIUSBYMEMBER", src, "member", "notanumber", "km")).toEqual([]);
      expect(await r("GEORADIUSBYMEMBER", src, "member", 1, "km", "store", dst)).toEqual(0);
      expect(await r("GEOSEARCH", src, "frommember", "member", "bybox", 1, 1, "km")).toEqual([]);
      expect(await r("GEOSEARCHSTORE", dst, src, "frommember", "member", "bybox", 1, 1, "m")).toEqual(0);
      expect(await r("GEOPOS", src, "a", "b")).toEqual([null, null]);
      expect(await r("GEOHASH", src, "a")).toEqual([null]);
      expect(await r("GEODIST", src, "a", "b")).toEqual(null);
      await r("GEOADD", src, ...SICILY);
      await r("SET", dst, "x");
      expect(await r("GEORADIUS", src, 1, 1, 1, "km")).toEqual([]);
      expect(await r("GEORADIUS", src, 1, 1, 1, "km", "store", dst)).toEqual(0);
      expect(await r("EXISTS", dst)).toEqual(0);
      expect(await r("GEOSEARCHSTORE", dst, src, "fromlonlat", 0, 0, "byradius", 1, "km")).toEqual(0);
      const noMember = error("ERR could not decode requested zset member");
      expect(await r("GEORADIUSBYMEMBER", src, "member", 1, "km")).toEqual(noMember);
      expect(await r("GEORADIUSBYMEMBER", src, "member", 1, "km", "store", dst)).toEqual(noMember);
      expect(await r("GEOSEARCH", src, "frommember", "member", "bybox", 1, 1, "km")).toEqual(noMember);
    },
  },
  {
    name: "GEOHASH is able to return geohash strings; GEOPOS simple and missing element",
    async run({ r, key }) {
      await r("GEOADD", key(), -5.6, 42.6, "test");
      expect(await r("GEOHASH", key(), "test")).toEqual(["ezs42e44yx0"]);
      await r("GEOADD", key("nyc"), ...NYC);
      expect(await r("GEOHASH", key("nyc"), "jfk", "4545", "nope")).toEqual(["dr5x0yyf1c0", "dr5rv1fwfe0", null]);
      expect(await r("GEOPOS", key("nyc"), "jfk", "nope", "4545")).toEqual([
        ["-73.78581315279006958", "40.64289898154041936"],
        null,
        ["-73.95641237497329712", "40.74809751381645384"],
      ]);
      await r("GEOADD", key("p"), 10, 20, "a", 30, 40, "b");
      expect(await r("GEOPOS", key("p"), "a", "x", "b")).toEqual([
        ["10.00000208616256714", "20.00000058910486445"],
        null,
        ["30.00000089406967163", "39.99999991084916218"],
      ]);
    },
  },
  {
    name: "GEODIST simple & unit, missing elements, syntax",
    async run({ r, key }) {
      await r("GEOADD", key(), ...NYC);
      expect(await r("GEODIST", key(), "jfk", "wtc one")).toEqual("20688.0430");
      expect(await r("GEODIST", key(), "jfk", "wtc one", "KM")).toEqual("20.6880");
      expect(await r("GEODIST", key(), "jfk", "wtc one", "mi")).toEqual("12.8550");
      expect(await r("GEODIST", key(), "jfk", "wtc one", "Ft")).toEqual("67874.1569");
      expect(await r("GEODIST", key(), "jfk", "jfk")).toEqual("0.0000");
      expect(await r("GEODIST", key(), "jfk", "nope")).toEqual(null);
      expect(await r("GEODIST", key(), "jfk", "wtc one", "ly")).toEqual(error("ERR unsupported unit provided. please use M, KM, FT, MI"));
      expect(await r("GEODIST", key(), "jfk", "wtc one", "km", "x")).toEqual(SYNTAX);
      await r("GEOADD", key("s"), ...SICILY);
      expect(await r("GEODIST", key("s"), "Palermo", "Catania")).toEqual("166274.1516");
      expect(await r("GEODIST", key("s"), "Palermo", "Catania", "km")).toEqual("166.2742");
    },
  },
  {
    name: "GEORADIUS STORE and STOREDIST: syntax, incompatible options, plain usage, COUNT ASC and DESC",
    async run({ r, key }) {
      const pts = key("points");
      const dst = key("points2");
      await r("GEOADD", pts, ...SICILY);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 50, "km", "store")).toEqual(SYNTAX);
      expect(await r("GEOSEARCHSTORE", dst, pts, "fromlonlat", 13.361389, 38.115556, "byradius", 50, "km", "store", dst)).toEqual(SYNTAX);
      const incompatible = error("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 50, "km", "store", dst, "withdist")).toEqual(incompatible);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 50, "km", "store", dst, "withhash")).toEqual(incompatible);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 50, "km", "store", dst, "withcoord")).toEqual(incompatible);
      expect(await r("GEOSEARCHSTORE", dst, pts, "fromlonlat", 13.361389, 38.115556, "byradius", 50, "km", "withdist")).toEqual(
        error("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
      );
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 500, "km", "store", dst)).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(await r("ZRANGE", pts, 0, -1, "WITHSCORES"));
      expect(await r("GEORADIUSBYMEMBER", pts, "Palermo", 500, "km", "store", dst)).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1)).toEqual(["Palermo", "Catania"]);
      expect(await r("GEORADIUSBYMEMBER", pts, "Catania", 500, "km", "storedist", dst)).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(["Catania", "0", "Palermo", "166.27415156960032"]);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 500, "km", "storedist", dst)).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(["Palermo", "5.3056374386009927e-05", "Catania", "166.27416107465282"]);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 500, "km", "storedist", dst, "asc", "count", 1)).toEqual(1);
      expect(await r("ZRANGE", dst, 0, -1)).toEqual(["Palermo"]);
      expect(await r("GEORADIUS", pts, 13.361389, 38.115556, 500, "km", "storedist", dst, "desc", "count", 1)).toEqual(1);
      expect(await r("ZRANGE", dst, 0, -1)).toEqual(["Catania"]);
      await r("EXPIRE", dst, 1000);
      expect(await r("GEOSEARCHSTORE", dst, pts, "fromlonlat", 13.361389, 38.115556, "byradius", 500, "km")).toEqual(2);
      expect(await r("TTL", dst)).toEqual(-1);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(await r("ZRANGE", pts, 0, -1, "WITHSCORES"));
      expect(await r("GEOSEARCHSTORE", dst, pts, "fromlonlat", 13.361389, 38.115556, "byradius", 500, "km", "storedist")).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(["Palermo", "5.3056374386009927e-05", "Catania", "166.27416107465282"]);
      expect(await r("GEOSEARCHSTORE", pts, pts, "frommember", "Palermo", "bybox", 10, 10, "km", "storedist")).toEqual(1);
      expect(await r("ZRANGE", pts, 0, -1, "WITHSCORES")).toEqual(["Palermo", "0"]);
    },
  },
  {
    name: "GEOSEARCH the box spans -180° or 180°",
    async run({ r, key }) {
      await r("GEOADD", key(), 179.5, 36, "point1", -179.5, 36, "point2");
      expect(await r("GEOSEARCH", key(), "fromlonlat", 179, 37, "bybox", 400, 400, "km", "asc")).toEqual(["point1", "point2"]);
      expect(await r("GEOSEARCH", key(), "fromlonlat", -179, 37, "bybox", 400, 400, "km", "asc")).toEqual(["point2", "point1"]);
      // Redis's radius search from the antimeridian itself misses the point across it.
      expect(await r("GEORADIUS", key(), 180, 36, 100, "km", "asc", "withdist")).toEqual([["point1", "44.9918"]]);
    },
  },
  {
    name: "GEOSEARCH with small distance",
    async run({ r, key }) {
      await r("GEOADD", key(), -122.407107, 37.7943, 1, -122.227336, 37.7943, 2);
      expect(await r("GEORADIUS", key(), -122.407107, 37.7943, 30, "mi", "ASC", "WITHDIST")).toEqual([["1", "0.0001"], ["2", "9.8182"]]);
    },
  },
  {
    name: "GEOSEARCH near the poles and with radius 0",
    async run({ r, key }) {
      await r("GEOADD", key(), 0, 85, "a", 90, 85, "b", 180, 85, "c", -90, 85, "d", 0, 84, "e", 0, -85, "s");
      expect(await r("GEOSEARCH", key(), "fromlonlat", 0, 85, "byradius", 600, "km", "asc", "withdist")).toEqual([["a", "0.0000"], ["e", "111.2264"]]);
      expect(await r("GEOSEARCH", key(), "fromlonlat", 45, 85.05, "byradius", 2000, "km", "asc")).toEqual(["a", "b", "e", "d"]);
      expect(await r("GEOSEARCH", key(), "fromlonlat", 0, -85, "byradius", 0, "m", "withdist")).toEqual([]);
      expect(await r("GEOSEARCH", key(), "frommember", "s", "byradius", 0, "m", "withdist")).toEqual([["s", "0.0000"]]);
      expect(await r("GEOSEARCH", key(), "frommember", "a", "bybox", 0, 0, "m")).toEqual(["a"]);
    },
  },
  {
    name: "GEOSEARCH fuzzy test - byradius (Redis's regression vectors)",
    async run({ r, key }) {
      for (const v of REGRESSION) await fuzzyRound(r, key(), "byradius", v);
    },
  },
  {
    name: "GEOSEARCH fuzzy test - bybox (Redis's regression vectors)",
    async run({ r, key }) {
      for (const v of REGRESSION) await fuzzyRound(r, key(), "bybox", v);
    },
  },
  {
    name: "GEOSEARCH fuzzy test - byradius and bybox, seeded",
    async run({ r, key }) {
      const rand = prng(20261201);
      for (let round = 0; round < 6; round++) {
        const seed = Math.floor(rand() * 2 ** 31);
        const km = rand() < 0.1 ? Math.floor(rand() * 5000) + 10 : Math.floor(rand() * 200) + 10;
        const lon = -180 + rand() * 360;
        const lat = -70 + rand() * 140;
        await fuzzyRound(r, key(), round % 2 ? "bybox" : "byradius", [seed, km, lon, lat]);
      }
    },
  },
  {
    name: "GEOSEARCH box edges fuzzy test (seeded)",
    async run({ r, key }) {
      const rand = prng(7);
      const R = 6372797.560856;
      const rad = (d: number) => d * (Math.PI / 180);
      const deg = (x: number) => x / (Math.PI / 180);
      for (let attempt = 0; attempt < 10; attempt++) {
        await r("DEL", key());
        const sLon = -180 + rand() * 360;
        const sLat = -70 + rand() * 140;
        const w = Math.floor(rand() * 10000) + 10;
        const h = Math.floor(rand() * 10000) + 10;
        const latDelta = deg(h / 2 / R);
        const top = deg(w / 2 / R / Math.cos(rad(sLat + latDelta)));
        const middle = deg(w / 2 / R / Math.cos(rad(sLat)));
        const bottom = deg(w / 2 / R / Math.cos(rad(sLat - latDelta)));
        const points: Record<string, [number, number]> = {
          north: [sLon, sLat + latDelta],
          south: [sLon, sLat - latDelta],
          east: [sLon + middle, sLat],
          west: [sLon - middle, sLat],
          north_east: [sLon + top, sLat + latDelta],
          north_west: [sLon - top, sLat + latDelta],
          south_east: [sLon + bottom, sLat - latDelta],
          south_west: [sLon - bottom, sLat - latDelta],
        };
        const args: (string | number)[] = [];
        for (const [name, [x, y]] of Object.entries(points)) args.push(x > 180 ? x - 360 : x < -180 ? x + 360 : x, y, `place:${name}`);
        await r("GEOADD", key(), ...args);
        const search = (bw: number, bh: number) => r("GEOSEARCH", key(), "fromlonlat", sLon, sLat, "bybox", bw, bh, "m");
        expect(sorted(await search(w + 4, h + 4))).toEqual(Object.keys(points).map((n) => `place:${n}`).sort());
        expect(sorted(await search(w - 4, h + 4))).toEqual(["place:north", "place:south"]);
        expect(sorted(await search(w + 4, h - 4))).toEqual(["place:east", "place:west"]);
        expect(await search(w - 4, h - 4)).toEqual([]);
      }
    },
  },
  {
    name: "GEOSEARCHSTORE and GEORADIUS STORE with source and destination on different shards",
    only: "sharded",
    async run({ r, spread }) {
      const src = spread("src");
      const dst = spread("dst");
      await r("GEOADD", src, ...SICILY);
      expect(await r("GEOSEARCHSTORE", dst, src, "fromlonlat", 15, 37, "byradius", 200, "km", "asc", "storedist")).toEqual(2);
      expect(await r("ZRANGE", dst, 0, -1)).toEqual(["Catania", "Palermo"]);
      expect(await r("GEORADIUS", src, 15, 37, 200, "km", "store", dst, "count", 1)).toEqual(1);
      expect(await r("ZRANGE", dst, 0, -1)).toEqual(["Catania"]);
      expect(await r("GEORADIUSBYMEMBER", src, "Palermo", 10, "km", "storedist", dst)).toEqual(1);
      expect(await r("ZRANGE", dst, 0, -1, "WITHSCORES")).toEqual(["Palermo", "0"]);
    },
  },
]);
