/**
 * The shard's key cache (durable-objects/store/key-cache.ts) seen through commands: a cached
 * key's lookup runs no SQL, every write and rollback keeps it exact, and a command that runs
 * without a savepoint of its own still writes all or nothing.
 */
import { describe, expect, it } from "vitest";
import { inDirectShard } from "./shard-client";
import { freshShard } from "./shard-client";

/** A SQL storage wrapper that logs each statement, and can make one kind of statement fail. */
function logging(log: string[], failWhen: { match: RegExp | null }) {
  return (sql: SqlStorage) =>
    ({
      exec(query: string, ...bindings: unknown[]) {
        log.push(query);
        if (failWhen.match?.test(query)) throw new Error("injected storage fault");
        return sql.exec(query, ...bindings);
      },
      get databaseSize() {
        return sql.databaseSize;
      },
    }) as unknown as SqlStorage;
}

const dec = (r: unknown) => (r instanceof Uint8Array ? new TextDecoder().decode(r) : r);

describe("key cache", () => {
  it("GET, EXISTS, TYPE and TTL of a cached key run no SQL statement", async () => {
    const log: string[] = [];
    await inDirectShard(
      "key-cache-nosql",
      ({ run }) => {
        run("SET", "k", "v");
        run("GET", "missing");
        log.length = 0;
        expect(dec(run("GET", "k"))).toBe("v");
        expect(run("EXISTS", "k")).toBe(1);
        expect(run("TYPE", "k")).toEqual({ status: "string" });
        expect(run("TTL", "k")).toBe(-1);
        expect(run("GET", "missing")).toBeNull();
        expect(log).toEqual([]);
      },
      { wrap: logging(log, { match: null }) },
    );
  });

  it("a write rolled back after it wrote (its reply over the budget) leaves the cache as SQLite is", async () => {
    const { r, rpc } = freshShard("key-cache-rollback");
    const old = "o".repeat(2000);
    await r("SET", "k", old);
    expect(await r("GET", "k")).toBe(old);
    const exec = rpc.exec as unknown as (batch: string[][], limits: { replyBytes: number }) => Promise<unknown[]>;
    const [reply] = await exec([["SET", "k", "new", "GET"]], { replyBytes: 100 });
    expect(reply).toMatchObject({ error: expect.any(String) });
    expect(await r("GET", "k")).toBe(old);
  });

  it("SET over a hash with a storage fault at its last statement changes nothing, cached or not", async () => {
    const log: string[] = [];
    const failWhen: { match: RegExp | null } = { match: null };
    await inDirectShard(
      "key-cache-step",
      ({ run, ks }) => {
        expect(run("HSET", "h", "f1", "a", "f2", "b")).toBe(2);
        failWhen.match = /^UPDATE keys SET type = \?/;
        const reply = run("SET", "h", "s");
        failWhen.match = null;
        expect(reply).toMatchObject({ error: expect.stringContaining("injected storage fault") });
        expect(run("TYPE", "h")).toEqual({ status: "hash" });
        expect(run("HLEN", "h")).toBe(2);
        ks.cache.clear();
        expect(run("HLEN", "h")).toBe(2);
        expect(dec(run("HGET", "h", "f2"))).toBe("b");
      },
      { wrap: logging(log, failWhen) },
    );
  });

  it("a transaction rolled back by the shard forgets what it cached", async () => {
    await inDirectShard("key-cache-tx", ({ run, ks }) => {
      run("SET", "k", "old");
      expect(() =>
        ks.transaction(() => {
          run("SET", "k", "new");
          run("SET", "other", "x");
          expect(dec(run("GET", "k"))).toBe("new");
          throw new Error("abort");
        }),
      ).toThrow("abort");
      expect(dec(run("GET", "k"))).toBe("old");
      expect(run("GET", "other")).toBeNull();
    });
  });

  it("INFO memory reports the cache; CONFIG SET key-cache-bytes 0 empties it and lookups go to SQL", async () => {
    const { r } = freshShard("key-cache-info");
    await r("SET", "a", "1");
    await r("GET", "a");
    const field = async (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(String(await r("INFO", "memory")))![1]);
    expect(await field("edgekv_key_cache_keys")).toBeGreaterThanOrEqual(1);
    expect(await field("edgekv_key_cache_hits")).toBeGreaterThanOrEqual(1);
    expect(await r("CONFIG", "GET", "key-cache-bytes")).toEqual(["key-cache-bytes", "8388608"]);
    expect(await r("CONFIG", "SET", "key-cache-bytes", "0")).toBe("OK");
    expect(await r("GET", "a")).toBe("1");
    expect(await field("edgekv_key_cache_keys")).toBe(0);
    expect(await field("edgekv_key_cache_bytes")).toBe(0);
    expect(await r("CONFIG", "SET", "key-cache-bytes", "-1")).toMatchObject({ error: expect.stringContaining("key-cache-bytes") });
  });
});
