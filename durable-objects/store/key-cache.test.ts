import { describe, expect, it } from "vitest";
import { KeyCache } from "./key-cache";
import { KeyType, type KeyRow } from "./keyspace";

const row = (key: string, id: number, value = "v"): KeyRow => ({
  id,
  key,
  type: KeyType.String,
  value: new TextEncoder().encode(value).buffer as ArrayBuffer,
  expire_at: null,
  size: null,
  mem: 10,
});
const text = (r: KeyRow | null | undefined) => (r?.value ? new TextDecoder().decode(r.value) : r);
/** Runs `fn` as a transaction that rolls back when it throws (nothing to undo here but the cache). */
const plain = <T>(fn: () => T) => fn();

describe("KeyCache", () => {
  it("answers rows, known absences and unknown keys apart", () => {
    const c = new KeyCache();
    c.set("a", row("a", 1, "x"));
    c.set("b", null);
    expect(text(c.get("a"))).toBe("x");
    expect(c.get("b")).toBeNull();
    expect(c.get("c")).toBeUndefined();
    expect([c.hits, c.misses]).toEqual([2, 1]);
  });

  it("hands out copies: changing a row or its bytes changes nothing cached", () => {
    const c = new KeyCache();
    c.set("a", row("a", 1, "xy"));
    const got = c.get("a")!;
    new Uint8Array(got.value!)[0] = 0x7a;
    got.expire_at = 5;
    const again = c.get("a")!;
    expect(text(again)).toBe("xy");
    expect(again.expire_at).toBeNull();
  });

  it("keeps its own copy of a value written from a caller's buffer", () => {
    const c = new KeyCache();
    const bytes = new TextEncoder().encode("ab");
    c.set("a", { ...row("a", 1), value: null }, bytes);
    bytes[0] = 0x7a;
    expect(text(c.get("a"))).toBe("ab");
  });

  it("stays within its byte bound, taking entries not read since they were passed over first", () => {
    const c = new KeyCache();
    c.set("probe", row("probe", 1));
    const one = c.size.bytes;
    c.limit = one * 3;
    c.clear();
    c.set("a", row("a", 1));
    c.set("b", row("b", 2));
    c.set("c", row("c", 3));
    c.get("a"); // a is marked: it gets a second chance, b goes
    c.set("d", row("d", 4));
    expect(c.size.bytes).toBeLessThanOrEqual(one * 3);
    expect(c.get("b")).toBeUndefined();
    expect(text(c.get("a"))).toBe("v");
    expect(text(c.get("d"))).toBe("v");
  });

  it("lowering the bound evicts at once; 0 keeps nothing", () => {
    const c = new KeyCache();
    for (let i = 0; i < 50; i++) c.set(`k${i}`, row(`k${i}`, i + 1));
    for (let i = 0; i < 50; i++) c.get(`k${i}`);
    c.limit = 0;
    expect(c.size).toEqual({ keys: 0, bytes: 0 });
    c.set("a", row("a", 1));
    expect(c.get("a")).toBeUndefined();
  });

  it("does not cache a value larger than its per-entry cap, and forgets what it had for that key", () => {
    const c = new KeyCache();
    c.set("a", row("a", 1));
    c.set("a", { ...row("a", 1), value: new Uint8Array(64 * 1024).buffer });
    expect(c.get("a")).toBeUndefined();
  });

  it("a transaction that throws forgets the keys it changed, nested ones included; one that commits keeps them", () => {
    const c = new KeyCache();
    c.set("kept", row("kept", 1, "old"));
    c.set("outer", row("outer", 2, "old"));
    expect(() =>
      c.transaction(plain, () => {
        c.set("outer", row("outer", 2, "new"));
        c.transaction(plain, () => c.set("inner", row("inner", 3)));
        expect(() =>
          c.transaction(plain, () => {
            c.set("failed", row("failed", 4));
            throw new Error("rolled back");
          }),
        ).toThrow();
        expect(c.get("failed")).toBeUndefined();
        expect(text(c.get("inner"))).toBe("v");
        throw new Error("outer rolled back");
      }),
    ).toThrow("outer rolled back");
    expect(c.get("outer")).toBeUndefined();
    expect(c.get("inner")).toBeUndefined();
    expect(text(c.get("kept"))).toBe("old");
    c.transaction(plain, () => c.set("committed", row("committed", 5)));
    expect(text(c.get("committed"))).toBe("v");
    expect(c.inTransaction).toBe(false);
  });

  it("patches a row only when it is cached as that id; otherwise forgets the key", () => {
    const c = new KeyCache();
    c.set("a", row("a", 1));
    c.patch("a", 1, { expire_at: 99, mem: 20 });
    expect(c.get("a")).toMatchObject({ expire_at: 99, mem: 20 });
    c.patch("a", 2, { mem: 30 });
    expect(c.get("a")).toBeUndefined();
    c.set("b", null);
    c.patch("b", 1, { mem: 5 });
    expect(c.get("b")).toBeUndefined();
  });
});
