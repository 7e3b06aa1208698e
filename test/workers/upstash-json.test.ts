/**
 * JSON commands through the official `@upstash/redis` client's `redis.json.*` helpers, against
 * the Worker in this test runtime: the client's own encoding of values (objects as JSON text)
 * and parsing of our replies (JSON.GET's text back into values, JSONPath arrays), through
 * auto-pipelining (the client's default and an explicit `enableAutoPipelining: true`), an
 * explicit pipeline and a transaction. Keys without a hash tag spread over the shards.
 */
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { upstashClient } from "./upstash-client";

const redis = upstashClient();
const autoPipelined = new Redis({ url: "http://edgekv.test", token: "test-token", enableAutoPipelining: true, UPSTASH_DISABLE_TELEMETRY: "1" });

const tag = () => `{uj${Math.random().toString(36).slice(2, 8)}}`;
const spread = () => `uj${Math.random().toString(36).slice(2, 10)}`;

describe("@upstash/redis json", () => {
  it("set and get: whole documents, paths, NX / XX, formatting", async () => {
    const k = `${tag()}:doc`;
    expect(await redis.json.set(k, "$", { a: 1, b: { c: [1, 2, "x"] }, big: 1.5 })).toBe("OK");
    expect(await redis.json.get(k)).toEqual({ a: 1, b: { c: [1, 2, "x"] }, big: 1.5 });
    expect(await redis.json.get(k, "$.b.c[*]")).toEqual([1, 2, "x"]);
    expect(await redis.json.get(k, "$.a", "$.big")).toEqual({ "$.a": [1], "$.big": [1.5] });
    expect(await redis.json.set(k, "$", { other: true }, { nx: true })).toBeNull();
    expect(await redis.json.set(k, "$.new", 5, { xx: true })).toBeNull();
    expect(await redis.json.set(k, "$.new", 5, { nx: true })).toBe("OK");
    expect(await redis.json.get(k, { indent: "  ", newline: "\n" }, "$.b")).toEqual([{ c: [1, 2, "x"] }]);
    expect(await redis.json.get(`${tag()}:missing`)).toBeNull();
    expect(await redis.type(k)).toBe("ReJSON-RL");
  });

  it("scan sees documents: a TYPE filter of ReJSON-RL, withType listing it", async () => {
    const t = tag();
    expect(await redis.json.set(`${t}:doc`, "$", { a: 1 })).toBe("OK");
    expect(await redis.set(`${t}:str`, "v")).toBe("OK");
    const typed: string[] = [];
    const withType: { key: string; type: string }[] = [];
    let cursor = "0";
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, { match: `${t}:*`, type: "ReJSON-RL", count: 1000 });
      typed.push(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
    for (let i = 0; i < 10_000; i++) {
      const [next, items] = await redis.scan(cursor, { match: `${t}:*`, withType: true, count: 1000 });
      withType.push(...items);
      cursor = next;
      if (cursor === "0") break;
    }
    expect(typed).toEqual([`${t}:doc`]);
    expect(withType.sort((x, y) => (x.key < y.key ? -1 : 1))).toEqual([
      { key: `${t}:doc`, type: "ReJSON-RL" },
      { key: `${t}:str`, type: "string" },
    ]);
    await redis.del(`${t}:doc`, `${t}:str`);
  });

  it("mget over keys on several shards, mset atomic across them, merge", async () => {
    const keys = [spread(), spread(), spread(), spread()];
    expect(await redis.json.mset(...keys.map((key, i) => ({ key, path: "$", value: { i } })))).toBe("OK");
    expect(await redis.json.mget(keys, "$.i")).toEqual([[0], [1], [2], [3]]);
    expect(await redis.json.merge(keys[0]!, "$", { i: null, j: { k: 1 } })).toBe("OK");
    expect(await redis.json.get(keys[0]!)).toEqual({ j: { k: 1 } });
    await expect(redis.json.mset({ key: keys[1]!, path: "$", value: 9 }, { key: `${spread()}`, path: "$.x", value: 1 })).rejects.toThrow(
      "ERR new objects must be created at the root",
    );
    expect(await redis.json.get(keys[1]!)).toEqual({ i: 1 });
    await redis.del(...keys);
  });

  it("array helpers: arrappend, arrinsert, arrindex, arrlen, arrpop, arrtrim", async () => {
    const k = `${tag()}:arr`;
    await redis.json.set(k, "$", { colors: ["black", "silver"] });
    expect(await redis.json.arrappend(k, "$.colors", '"blue"')).toEqual([3]);
    expect(await redis.json.arrinsert(k, "$.colors", 2, '"yellow"', '"gold"')).toEqual([5]);
    expect(await redis.json.arrindex(k, "$.colors", '"silver"')).toEqual([1]);
    expect(await redis.json.arrlen(k, "$.colors")).toEqual([5]);
    expect(await redis.json.arrpop(k, "$.colors", 0)).toEqual(["black"]);
    expect(await redis.json.arrtrim(k, "$.colors", 1, 2)).toEqual([2]);
    expect(await redis.json.get(k, "$.colors")).toEqual([["yellow", "gold"]]);
  });

  it("numbers, strings, objects, booleans, types, clear, del, resp", async () => {
    const k = `${tag()}:mixed`;
    await redis.json.set(k, "$", { n: 2, s: "foo", o: { a: 1, b: 2 }, t: true, f: 1.5 });
    expect(await redis.json.numincrby(k, "$.n", 3)).toEqual([5]);
    expect(await redis.json.nummultby(k, "$.f", 2)).toEqual([3]);
    expect(await redis.json.strappend(k, "$.s", '"bar"')).toEqual([6]);
    expect(await redis.json.strlen(k, "$.s")).toEqual([6]);
    expect(await redis.json.objkeys(k, "$.o")).toEqual([["a", "b"]]);
    expect(await redis.json.objlen(k, "$.o")).toEqual([2]);
    expect(await redis.json.toggle(k, "$.t")).toEqual([0]);
    expect(await redis.json.type(k, "$.s")).toEqual(["string"]);
    expect(await redis.json.resp(k, "$.n")).toEqual([5]);
    expect(await redis.json.clear(k, "$.o")).toBe(1);
    expect(await redis.json.del(k, "$.s")).toBe(1);
    expect(await redis.json.forget(k, "$.t")).toBe(1);
    expect(await redis.json.get(k)).toEqual({ n: 5, o: {}, f: 3 });
  });

  it("large integers are exact", async () => {
    const k = `${tag()}:big`;
    await redis.json.set(k, "$", "[9007199254740993]");
    // The client parses replies with JSON.parse (doubles); the exact text is what the server keeps.
    expect(await redis.eval("return redis.call('JSON.GET', KEYS[1])", [k], [])).toEqual([9007199254740992]);
    expect(await redis.json.numincrby(k, "$[0]", 1)).toEqual([9007199254740994]);
    expect(await redis.json.strlen(k, "$")).toEqual([null]);
  });

  it("auto-pipelined calls in parallel, an explicit pipeline and a transaction", async () => {
    const t = tag();
    const keys = Array.from({ length: 8 }, (_, i) => `${t}:p${i}`);
    const sets = await Promise.all(keys.map((k, i) => autoPipelined.json.set(k, "$", { i, list: [] })));
    expect(sets).toEqual(keys.map(() => "OK"));
    const [appended, got, types] = await Promise.all([
      Promise.all(keys.map((k) => autoPipelined.json.arrappend(k, "$.list", 1, 2))),
      Promise.all(keys.map((k) => autoPipelined.json.get(k, "$.i"))),
      Promise.all(keys.map((k) => autoPipelined.json.type(k))),
    ]);
    expect(appended).toEqual(keys.map(() => [2]));
    expect(got).toEqual(keys.map((_, i) => [i]));
    expect(types).toEqual(keys.map(() => "object"));
    expect(await Promise.all(keys.map((k) => redis.json.numincrby(k, "$.i", 10)))).toEqual(keys.map((_, i) => [i + 10]));

    const p = redis.pipeline();
    p.json.set(keys[0]!, "$.x", 1);
    p.json.get(keys[0]!, "$.x");
    p.json.arrlen(keys[0]!, "$.list");
    expect(await p.exec()).toEqual(["OK", [1], [2]]);

    const tx = redis.multi();
    tx.json.set(keys[1]!, "$.y", '"z"');
    tx.json.mget([keys[0]!, keys[1]!], "$.i");
    expect(await tx.exec()).toEqual(["OK", [[10], [11]]]);
    await redis.del(...keys);
  });

  it("the client's own JSON.MERGE cases: objects and JSON text", async () => {
    const cases: [unknown, string, unknown, unknown][] = [
      [{ a: 2 }, "$.b", 8, { a: 2, b: 8 }],
      [{ a: 2 }, "$.a", 3, { a: 3 }],
      [{ a: 2 }, "$", { a: null }, {}],
      [{ a: [2, 4, 6, 8] }, "$.a", [10, 12], { a: [10, 12] }],
      [{ f1: { a: 1 }, f2: { a: 2 } }, "$", { f1: null, f2: { a: 3, b: 4 }, f3: [2, 4, 6] }, { f2: { a: 3, b: 4 }, f3: [2, 4, 6] }],
      ['{ "a": 2 }', "$.b", "8", { a: 2, b: 8 }],
      [{ a: "[2, 4, 6, 8]" }, "$.a", "[10, 12]", { a: [10, 12] }],
      [{ f1: { a: 1 }, f2: { a: 2 } }, "$", '{ "f1": null, "f2": { "a": 3, "b": 4 }, "f3": [2, 4, 6] }', { f2: { a: 3, b: 4 }, f3: [2, 4, 6] }],
    ];
    for (const [initial, path, patch, after] of cases) {
      const k = spread();
      await redis.json.set(k, "$", initial as Record<string, unknown>);
      expect(await redis.json.merge(k, path, patch as Record<string, unknown>)).toBe("OK");
      expect(await redis.json.get(k, "$")).toEqual([after]);
      await redis.del(k);
    }
  });

  it("the client's own set, mset, arrpop and resp cases", async () => {
    const [k1, k2, k3] = [spread(), spread(), spread()];
    expect(await redis.json.mset({ key: k1, path: "$", value: { key: "value" } }, { key: k2, path: "$", value: { key: "value" } }, { key: k3, path: "$", value: { key: "value" } })).toBe("OK");
    expect(await redis.json.mset({ key: k1, path: "$", value: { f1: { a: 1 }, f2: { a: 2 } } })).toBe("OK");
    expect(await redis.json.mset({ key: k1, path: "$..a", value: 3 })).toBe("OK");
    expect(await redis.json.get(k1, "$")).toEqual([{ f1: { a: 3 }, f2: { a: 3 } }]);
    await redis.json.set(k2, "$", { max_level: [80, 90, 100, 120] });
    expect(await redis.json.arrpop(k2, "$.max_level", 0)).toEqual([80]);
    expect(await redis.json.get(k2, "$.max_level")).toEqual([[90, 100, 120]]);
    await redis.json.set(k3, "$", { name: "Wireless earbuds", connection: { wireless: true, type: "Bluetooth" }, price: 64.99, stock: 17, colors: ["black", "white"] });
    expect(await redis.json.resp(k3)).toHaveLength(11);
    // The client's json_get / json_mget tests expect `$..` matches deepest first ([null, 3] for
    // {"a":2,"b":3,"nested":{"a":4,"b":null}}): Upstash's order. RedisJSON's, kept here, is
    // document order (docs/json.md).
    await redis.json.set(k3, "$", { a: 2, b: 3, nested: { a: 4, b: null } });
    expect(await redis.json.get(k3, "$..b")).toEqual([3, null]);
    await redis.del(k1, k2, k3);
  });
});
