import { describe, expect, it } from "vitest";
import { afar, roundTripMs, simulatedDistance } from "./distance";

describe("simulatedDistance", () => {
  it("parses a primary region and two round trips, and refuses anything else", () => {
    expect(simulatedDistance('{"primary":"wnam","local":2,"far":150}')).toEqual({ primary: "wnam", localMs: 2, farMs: 150 });
    expect(simulatedDistance(undefined)).toBeNull();
    expect(simulatedDistance("not json")).toBeNull();
    expect(simulatedDistance('{"primary":"mars","far":1}')).toBeNull();
    expect(simulatedDistance('{"primary":"wnam","far":-1}')).toBeNull();
    expect(simulatedDistance('{"primary":"wnam","far":"150"}')).toBeNull();
  });
  it("is far between regions and local within one; no region is the primary's", () => {
    const d = simulatedDistance('{"primary":"wnam","local":2,"far":150}')!;
    expect(roundTripMs(d, "apac", "wnam")).toBe(150);
    expect(roundTripMs(d, "apac", "apac")).toBe(2);
    expect(roundTripMs(d, null, "wnam")).toBe(2);
    expect(roundTripMs(d, null, "apac")).toBe(150);
  });
});

describe("afar", () => {
  it("makes each call wait the round trip and passes answers and errors through", async () => {
    let reached = 0;
    const target = {
      add(a: number, b: number) {
        reached++;
        return a + b;
      },
      fail() {
        throw new Error("boom");
      },
      value: 7,
    };
    const remote = afar(target, 40);
    const order: string[] = [];
    // Every call through afar answers a promise (the target's own type says a number here).
    const call = (remote.add(2, 3) as unknown as Promise<number>).then((v) => order.push(`call ${v}`));
    await Promise.resolve();
    expect(reached).toBe(0); // not sent yet: the outbound half comes first
    const timer = new Promise((r) => setTimeout(r, 0)).then(() => order.push("0 ms timer"));
    await Promise.all([call, timer]);
    expect(reached).toBe(1);
    expect(order).toEqual(["0 ms timer", "call 5"]);
    await expect(remote.fail()).rejects.toThrow("boom");
    expect(remote.value).toBe(7);
    expect(afar(target, 0)).toBe(target);
  });
});
