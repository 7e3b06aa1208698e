/**
 * The HyperLogLog representation (durable-objects/store/hyperloglog.ts) against a real
 * redis-server: the same random inputs, small and large (across the sparse → dense promotion),
 * must give the same bytes after every PFADD, PFCOUNT and PFMERGE, and the same replies.
 * Bytes travel as hex through a Lua script, so nothing is lost to text decoding.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { CommandError } from "../../durable-objects/reply";
import { addElements, cardinality, countRegisters, isDense, isHll, mergeInto, mergedValue, REGISTERS } from "../../durable-objects/store/hyperloglog";
import { RespClient } from "./resp-client";
import { seededRandom } from "../random";

const port = inject("redisPort");

const GET_HEX =
  "local s = redis.call('GET', KEYS[1]) if not s then return false end " +
  "local t = {} for i = 1, #s do t[i] = string.format('%02x', string.byte(s, i)) end return table.concat(t)";
const SET_HEX =
  "local h = ARGV[1] local t = {} for i = 1, #h, 2 do t[#t + 1] = string.char(tonumber(string.sub(h, i, i + 1), 16)) end " +
  "return redis.call('SET', KEYS[1], table.concat(t))";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const enc = new TextEncoder();

const rng = seededRandom;

function element(rand: () => number): string {
  const kind = rand();
  if (kind < 0.4) return `e${Math.floor(rand() * 1e9)}`;
  if (kind < 0.7) {
    const n = Math.floor(rand() * 40);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(33 + Math.floor(rand() * 94));
    return s;
  }
  if (kind < 0.9) return String(Math.floor(rand() * 1e6));
  return `ü€${Math.floor(rand() * 1e5)}😀`;
}

describe.runIf(port > 0)("HyperLogLog bytes equal redis-server's", () => {
  const client = new RespClient(port);
  afterAll(() => client.close());
  const r = client.call.bind(client);
  const getHex = (key: string) => r("EVAL", GET_HEX, 1, key);
  let n = 0;
  const fresh = () => `hll-ref:${process.pid}:${n++}`;

  /** Adds `total` random elements in random batches to a new key on both sides, comparing after each batch. */
  async function grow(seed: number, total: number, compareEvery = 1): Promise<{ key: string; mine: Uint8Array }> {
    const rand = rng(seed);
    const key = fresh();
    let mine: Uint8Array | null = null;
    let added = 0;
    let batch = 0;
    while (added < total) {
      const size = Math.min(total - added, 1 + Math.floor(rand() * 40));
      const els = Array.from({ length: size }, () => element(rand));
      const theirs = await r("PFADD", key, ...els);
      const out = addElements(mine, els.map((e) => enc.encode(e)));
      mine = out.value;
      expect(out.changed ? 1 : 0).toBe(theirs);
      added += size;
      if (++batch % compareEvery === 0 || added >= total) expect(hex(mine)).toBe(await getHex(key));
      if (rand() < 0.1) {
        const count = cardinality(mine);
        expect(count.card).toBe(await r("PFCOUNT", key));
        if (count.value) mine = count.value;
        expect(hex(mine)).toBe(await getHex(key));
      }
    }
    return { key, mine: mine! };
  }

  it("PFADD with no element creates the empty sparse HLL", async () => {
    const key = fresh();
    expect(await r("PFADD", key)).toBe(1);
    const { value } = addElements(null, []);
    expect(hex(value)).toBe(await getHex(key));
    expect(await r("PFCOUNT", key)).toBe(0);
    expect(hex(cardinality(value).value!)).toBe(await getHex(key));
  });

  it("small sets stay sparse and match byte for byte after every PFADD", async () => {
    for (const [seed, total] of [[1, 1], [2, 7], [3, 60], [4, 300], [5, 900]] as const) {
      const { key, mine } = await grow(seed, total);
      expect(isDense(mine)).toBe(false);
      expect(cardinality(mine).card).toBe(await r("PFCOUNT", key));
    }
  });

  it("sets that cross the sparse → dense promotion match, before and after it", async () => {
    for (const seed of [11, 12, 13]) {
      const { key, mine } = await grow(seed, 3500);
      expect(isDense(mine)).toBe(true);
      expect(cardinality(mine).card).toBe(await r("PFCOUNT", key));
    }
  });

  it("large dense sets match, and their counts", async () => {
    const { key, mine } = await grow(21, 60000, 50);
    expect(cardinality(mine).card).toBe(await r("PFCOUNT", key));
    expect(hex(cardinality(mine).value!)).toBe(await getHex(key));
  });

  it("PFMERGE and PFCOUNT of several keys match, sparse and dense inputs", async () => {
    const a = await grow(31, 200);
    const b = await grow(32, 400);
    const c = await grow(33, 5000, 100);
    for (const sources of [[a], [a, b], [b, c], [a, b, c]]) {
      const dest = fresh();
      await r("PFADD", dest, "x", "y");
      const destMine = addElements(null, [enc.encode("x"), enc.encode("y")]).value;
      const max = new Uint8Array(REGISTERS);
      let dense = false;
      for (const v of [destMine, ...sources.map((s) => s.mine)]) {
        mergeInto(max, v);
        dense ||= isDense(v);
      }
      expect(await r("PFMERGE", dest, ...sources.map((s) => s.key))).toBe("OK");
      const merged = mergedValue(destMine, max, dense);
      expect(hex(merged)).toBe(await getHex(dest));
      expect(cardinality(merged).card).toBe(await r("PFCOUNT", dest));

      const union = new Uint8Array(REGISTERS);
      for (const s of sources) mergeInto(union, s.mine);
      expect(countRegisters(union)).toBe(await r("PFCOUNT", ...sources.map((s) => s.key), fresh()));
    }
    const empty = fresh();
    expect(await r("PFMERGE", empty)).toBe("OK");
    expect(hex(mergedValue(null, new Uint8Array(REGISTERS), false))).toBe(await getHex(empty));
  });

  it("an HLL written by redis-server is read here, and one written here by redis-server", async () => {
    const theirs = await grow(41, 1200, 1000);
    const bytes = Buffer.from((await getHex(theirs.key)) as string, "hex");
    expect(isHll(bytes)).toBe(true);
    const more = ["p", "q", "r"].map((e) => enc.encode(e));
    const next = addElements(bytes, more).value;
    await r("PFADD", theirs.key, "p", "q", "r");
    expect(hex(next)).toBe(await getHex(theirs.key));

    const ours = addElements(null, Array.from({ length: 4000 }, (_, i) => enc.encode(`o${i}`))).value;
    const key = fresh();
    expect(await r("EVAL", SET_HEX, 1, key, hex(ours))).toBe("OK");
    expect(cardinality(ours).card).toBe(await r("PFCOUNT", key));
    expect(await r("PFADD", key, "z1", "z2")).toBe(addElements(ours, [enc.encode("z1"), enc.encode("z2")]).changed ? 1 : 0);
  });

  it("randomly corrupted HLLs answer what redis-server answers (after Redis's fuzzing test)", async () => {
    const rand = rng(51);
    /** What a command answers here: its value, or its error as the client sees it. */
    const answer = <T>(fn: () => T): T | { error: string } => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof CommandError) return { error: e.reply };
        throw e;
      }
    };
    const HLL_WRONGTYPE = { error: "WRONGTYPE Key is not a valid HyperLogLog string value." };
    for (let t = 0; t < 80; t++) {
      const els = Array.from({ length: Math.floor(rand() * (t % 4 === 0 ? 3000 : 200)) }, () => enc.encode(element(rand)));
      const v = addElements(null, els).value.slice();
      for (let i = 0; i < 5; i++) {
        v[Math.floor(rand() * v.length)] = Math.floor(rand() * 256);
        if (rand() < 0.5) break;
      }
      const key = fresh();
      expect(await r("EVAL", SET_HEX, 1, key, hex(v))).toBe("OK");
      const extra = ["f1", "f2", String(t)];
      const union = answer(() => {
        if (!isHll(v)) return HLL_WRONGTYPE;
        const max = new Uint8Array(REGISTERS);
        mergeInto(max, v);
        return countRegisters(max);
      });
      expect(await r("PFCOUNT", key, fresh())).toEqual(union);
      const single = answer(() => (isHll(v) ? cardinality(v) : HLL_WRONGTYPE));
      const count = await r("PFCOUNT", key);
      if ("error" in single) expect(count).toEqual(single);
      else {
        expect(count).toEqual(single.card);
        expect(hex(single.value ?? v)).toBe(await getHex(key));
      }
      const current = Buffer.from((await getHex(key)) as string, "hex");
      const added = answer(() => (isHll(current) ? addElements(current, extra.map((e) => enc.encode(e))) : HLL_WRONGTYPE));
      const reply = await r("PFADD", key, ...extra);
      if ("error" in added) expect(reply).toEqual(added);
      else {
        expect(reply).toBe(added.changed ? 1 : 0);
        expect(hex(added.value)).toBe(await getHex(key));
      }
    }
  });
});
