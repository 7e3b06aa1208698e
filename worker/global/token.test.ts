import { describe, expect, it } from "vitest";
import { formatToken, maxTokenLength, mergeTokens, observe, observeUnknown, parseToken, UNKNOWN, type KnownEntry, type SyncToken } from "./token";

const tok = (entries: [number, string, number][]): SyncToken => new Map(entries.map(([s, epoch, position]) => [s, { epoch, position }]));

describe("parseToken", () => {
  it("reads every shard's epoch and position", () => {
    expect(parseToken("v1.0:ab12:7,3:c-d_e:0,15:x:9007199254740991", 16)).toEqual(
      tok([
        [0, "ab12", 7],
        [3, "c-d_e", 0],
        [15, "x", 9007199254740991],
      ]),
    );
    expect(parseToken("v1.", 16)).toEqual(new Map());
  });

  it("round-trips with formatToken, entries in shard order", () => {
    const t = tok([
      [9, "e2", 41],
      [1, "e1", 3],
    ]);
    expect(formatToken(t)).toBe("v1.1:e1:3,9:e2:41");
    expect(parseToken(formatToken(t), 16)).toEqual(t);
  });

  it("answers no token for anything malformed, whole", () => {
    const bad = [
      undefined,
      null,
      "",
      crypto.randomUUID(),
      "v2.0:a:1",
      "v1",
      "v1.0:a",
      "v1.0:a:1,",
      "v1.,0:a:1",
      "v1.0:a:1:2",
      "v1.0::1",
      "v1.0:a:-1",
      "v1.0:a:01",
      "v1.00:a:1",
      "v1.0:a:1.5",
      "v1.0:a:1e3",
      "v1.0:a b:1",
      "v1.0:a:99999999999999999",
      "v1.0:a:9007199254740992",
      "v1.16:a:1",
      "v1.0:a:1,0:b:2",
      "v1.0:" + "a".repeat(65) + ":1",
      "v1. 0:a:1",
      "v1.0:a:1\n",
      "v1.0:ä:1",
    ];
    for (const value of bad) expect(parseToken(value as string, 16), String(value)).toBeNull();
  });

  it("refuses a token longer than one for this many shards can be, before splitting it", () => {
    const full = formatToken(tok(Array.from({ length: 16 }, (_, s): [number, string, number] => [s, "e".repeat(64), 9007199254740991])));
    expect(full.length).toBeLessThanOrEqual(maxTokenLength(16));
    expect(parseToken(full, 16)?.size).toBe(16);
    expect(parseToken(full + ",".repeat(maxTokenLength(16)), 16)).toBeNull();
    expect(parseToken("v1." + "0:a:1,".repeat(100_000), 16)).toBeNull();
  });

  it("never throws on hostile input", () => {
    const alphabet = "v1.:,0123456789abc-_ \u0000\u00e4";
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 2000; i++) {
      let s = rand(3) === 0 ? "" : "v1.";
      const len = rand(40);
      for (let j = 0; j < len; j++) s += alphabet[rand(alphabet.length)];
      expect(() => parseToken(s, 4)).not.toThrow();
    }
  });
});

describe("observe and mergeTokens", () => {
  it("keeps the higher position of an epoch", () => {
    const t = tok([[2, "e", 10]]);
    observe(t, 2, "e", 4);
    expect(t.get(2)).toEqual({ epoch: "e", position: 10 });
    observe(t, 2, "e", 12);
    expect(t.get(2)).toEqual({ epoch: "e", position: 12 });
  });

  it("takes the observed entry of another epoch (the shard's log now)", () => {
    const t = tok([[2, "old", 100]]);
    observe(t, 2, "new", 3);
    expect(t.get(2)).toEqual({ epoch: "new", position: 3 });
  });

  it("records nothing for a shard that keeps no log, or a position that is not one", () => {
    const t: SyncToken = new Map();
    observe(t, 1, "", 0);
    observe(t, 1, "e", -1);
    observe(t, 1, "e", Number.NaN);
    observe(t, 1, "a:b", 1);
    expect(t.size).toBe(0);
  });

  it("merges per shard without changing its inputs", () => {
    const a = tok([
      [0, "e", 5],
      [1, "e", 9],
    ]);
    const b = tok([
      [1, "e", 7],
      [2, "f", 1],
    ]);
    expect(formatToken(mergeTokens(a, b))).toBe("v1.0:e:5,1:e:9,2:f:1");
    expect(formatToken(mergeTokens(null, b))).toBe("v1.1:e:7,2:f:1");
    expect(a.size).toBe(2);
    expect((b.get(1) as KnownEntry).position).toBe(7);
  });
});

describe("unknown positions (`<shard>:*`)", () => {
  it("parse and format: `<shard>:*`, beside known entries; malformed forms are no token", () => {
    const t = parseToken("v1.0:e:5,3:*,7:f:2", 16)!;
    expect(t.get(3)).toEqual(UNKNOWN);
    expect(formatToken(t)).toBe("v1.0:e:5,3:*,7:f:2");
    for (const bad of ["v1.3:e:*", "v1.3:**", "v1.3:*:1", "v1.16:*", "v1.3:*,3:e:1", "v1.3:*,3:*", "v1.*:1", "v1.03:*", "v1.3:"]) expect(parseToken(bad, 16), bad).toBeNull();
  });

  it("merged with a known position stays unknown: an unknown observation wins over the request's entry", () => {
    const observed: SyncToken = new Map();
    observeUnknown(observed, 1);
    expect(formatToken(mergeTokens(tok([[1, "e", 9]]), observed))).toBe("v1.1:*");
    // Within one request, a position observed beside an unknown one does not replace it.
    observe(observed, 1, "e", 50);
    expect(formatToken(mergeTokens(tok([[1, "e", 9]]), observed))).toBe("v1.1:*");
    // Nor does an unknown entry of the request's, merged with nothing about that shard.
    expect(formatToken(mergeTokens(parseToken("v1.1:*,2:e:3", 4), tok([[2, "e", 4]])))).toBe("v1.1:*,2:e:4");
  });

  it("a primary's concrete position replaces the request's unknown entry; one observed while transactions were pending does not", () => {
    const request = parseToken("v1.1:*", 4);
    const settled: SyncToken = new Map();
    observe(settled, 1, "e", 12);
    expect(formatToken(mergeTokens(request, settled))).toBe("v1.1:e:12");
    const pending: SyncToken = new Map();
    observe(pending, 1, "e", 12, true);
    expect(formatToken(mergeTokens(request, pending))).toBe("v1.1:*");
    // A pending position still raises a known entry (it only cannot stand for an unknown one).
    expect(formatToken(mergeTokens(tok([[1, "e", 3]]), pending))).toBe("v1.1:e:12");
  });

  it("pending clears once any observation in the epoch was settled (it proves the pending commits applied)", () => {
    const t: SyncToken = new Map();
    observe(t, 1, "e", 10, true);
    expect(t.get(1)).toEqual({ epoch: "e", position: 10, pending: true });
    observe(t, 1, "e", 8);
    expect(t.get(1)).toEqual({ epoch: "e", position: 10 });
    observe(t, 1, "e", 20, true);
    expect(t.get(1)).toEqual({ epoch: "e", position: 20 });
    observe(t, 2, "e", 5);
    observe(t, 2, "f", 1, true);
    expect(t.get(2)).toEqual({ epoch: "f", position: 1, pending: true });
  });

  it("a token with every shard unknown fits the length bound", () => {
    const all: SyncToken = new Map(Array.from({ length: 16 }, (_, s) => [s, UNKNOWN]));
    expect(parseToken(formatToken(all), 16)?.size).toBe(16);
  });
});
