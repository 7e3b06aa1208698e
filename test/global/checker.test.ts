import { describe, expect, it } from "vitest";
import { checkHistory, type Op } from "./checker";

const opts = { isCounter: (r: string) => r.startsWith("n:") };
const w = (client: number, regs: string[], value: string, inv: number, res: number): Op => ({ kind: "write", client, regs, value, inv, res, ok: true });
const r = (client: number, regs: string[], values: (string | null)[], inv: number, res: number, maxStalenessMs?: number): Op => ({
  kind: "read",
  client,
  regs,
  values,
  inv,
  res,
  maxStalenessMs,
});

describe("checkHistory", () => {
  it("accepts a history that keeps every session's guarantees, and concurrent writes either way", () => {
    const h: Op[] = [
      w(0, ["s:a"], "0.1", 0, 10),
      r(0, ["s:a"], ["0.1"], 11, 12),
      w(1, ["s:a"], "1.1", 5, 20), // concurrent with 0.1
      r(0, ["s:a"], ["0.1"], 21, 22), // 1.1 not seen yet: fine, it is not 0's write
      r(1, ["s:a"], ["1.1"], 21, 22),
      r(0, ["s:a"], ["1.1"], 30, 31),
      { kind: "incr", client: 2, reg: "n:x", result: 1, inv: 0, res: 5 },
      r(2, ["n:x"], ["1"], 6, 7),
    ];
    expect(checkHistory(h, opts)).toEqual([]);
  });

  it("reports a read that misses the session's own write (read your writes)", () => {
    const h: Op[] = [w(0, ["s:a"], "0.1", 0, 10), w(0, ["s:a"], "0.2", 11, 20), r(0, ["s:a"], ["0.1"], 21, 22)];
    expect(checkHistory(h, opts)).toEqual([expect.stringContaining("read your writes")]);
    expect(checkHistory([w(0, ["s:a", "s:b"], "0.1", 0, 10), r(0, ["s:b"], [null], 11, 12)], opts)).toEqual([expect.stringContaining("read your writes")]);
    const counter: Op[] = [{ kind: "incr", client: 0, reg: "n:x", result: 3, inv: 0, res: 5 }, r(0, ["n:x"], ["2"], 6, 7)];
    expect(checkHistory(counter, opts)).toEqual([expect.stringContaining("read your writes")]);
  });

  it("reports a read older than one the session made before (monotonic reads)", () => {
    const h: Op[] = [w(1, ["s:a"], "1.1", 0, 10), w(1, ["s:a"], "1.2", 11, 20), r(0, ["s:a"], ["1.2"], 21, 22), r(0, ["s:a"], ["1.1"], 23, 24)];
    expect(checkHistory(h, opts)).toEqual([expect.stringContaining("monotonic reads")]);
    expect(checkHistory([r(0, ["n:x"], ["5"], 0, 1), r(0, ["n:x"], ["4"], 2, 3)], opts)).toEqual([expect.stringContaining("monotonic reads")]);
  });

  it("reports a read staler than it asked (max-staleness)", () => {
    const h: Op[] = [w(1, ["s:a"], "1.1", 0, 10), w(1, ["s:a"], "1.2", 11, 20), r(0, ["s:a"], ["1.1"], 200, 201, 100)];
    expect(checkHistory(h, opts)).toEqual([expect.stringContaining("max-staleness")]);
    // Within the bound: not a violation.
    expect(checkHistory([...h.slice(0, 2), r(0, ["s:a"], ["1.1"], 50, 51, 100)], opts)).toEqual([]);
  });

  it("reports a value nobody wrote", () => {
    expect(checkHistory([r(0, ["s:a"], ["9.9"], 0, 1)], opts)).toEqual([expect.stringContaining("nobody wrote")]);
  });
});
