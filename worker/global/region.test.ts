import { describe, expect, it } from "vitest";
import { nearestRegion, parseRegions, regionOfCf, requestRegion } from "./region";

describe("regionOfCf", () => {
  it("maps a colo's continent, country and longitude to a location hint", () => {
    expect(regionOfCf({ continent: "NA", longitude: "-122.4" })).toBe("wnam");
    expect(regionOfCf({ continent: "NA", longitude: "-74.0" })).toBe("enam");
    expect(regionOfCf({ continent: "EU", longitude: "2.3" })).toBe("weur");
    expect(regionOfCf({ continent: "EU", longitude: "37.6" })).toBe("eeur");
    expect(regionOfCf({ continent: "AS", country: "JP" })).toBe("apac-ne");
    expect(regionOfCf({ continent: "AS", country: "SG" })).toBe("apac-se");
    expect(regionOfCf({ continent: "AS", country: "AE" })).toBe("me");
    expect(regionOfCf({ continent: "AS", country: "IN" })).toBe("apac");
    expect(regionOfCf({ continent: "OC", country: "AU" })).toBe("oc");
    expect(regionOfCf({ continent: "SA" })).toBe("sam");
    expect(regionOfCf({ continent: "AF" })).toBe("afr");
    expect(regionOfCf({})).toBeNull();
    expect(regionOfCf(undefined)).toBeNull();
  });
});

describe("requestRegion", () => {
  it("trusts the configured header only, and only for a region name", () => {
    const req = (h: Record<string, string>) => new Request("http://x/", { headers: h });
    expect(requestRegion(req({ "x-edgekv-region": "APAC" }), "x-edgekv-region")).toBe("apac");
    expect(requestRegion(req({ "x-edgekv-region": "mars" }), "x-edgekv-region")).toBeNull();
    expect(requestRegion(req({}), "x-edgekv-region")).toBeNull();
    // Without a configured header the header means nothing (request.cf decides; none here).
    expect(requestRegion(req({ "x-edgekv-region": "apac" }), undefined)).toBeNull();
  });
});

describe("parseRegions and nearestRegion", () => {
  it("keeps known names once, in order", () => {
    expect(parseRegions(" wnam, WEUR,apac,mars,wnam,")).toEqual(["wnam", "weur", "apac"]);
    expect(parseRegions(undefined)).toEqual([]);
  });
  it("answers the region itself, else a neighbour on its continent, else none", () => {
    const configured = parseRegions("wnam,weur,apac");
    expect(nearestRegion("weur", configured)).toBe("weur");
    expect(nearestRegion("enam", configured)).toBe("wnam");
    expect(nearestRegion("apac-ne", configured)).toBe("apac");
    expect(nearestRegion("sam", parseRegions("weur"))).toBeNull();
    expect(nearestRegion(null, configured)).toBeNull();
    expect(nearestRegion("weur", [])).toBeNull();
  });
});
