/**
 * Keyspace notifications published by a shard: the shared cases (test/conformance/notifications.ts,
 * checked against redis-server by test/node/notifications.redis.test.ts) through a capturing
 * Publisher, and the events the clock and eviction raise (expired, evicted, hexpired, keymiss).
 */
import { describe, expect, it } from "vitest";
import type { Arg } from "../../durable-objects/args";
import { ConfigStore } from "../../durable-objects/config/store";
import type { Publisher } from "../../durable-objects/pubsub/publisher";
import { NOTIFICATION_CASES, type NotificationCase } from "../conformance/notifications";
import type { Keyspace } from "../../durable-objects/store/keyspace";
import { inDirectShard } from "./shard-client";

const decoder = new TextDecoder();

/** Records every publish as [channel, message]; `only` limits who is interested. */
function capturing(only?: (channel: string) => boolean) {
  const messages: [string, string][] = [];
  const asked: string[] = [];
  const pubsub: Publisher = {
    publish(channel, message, sharded) {
      expect(sharded).toBe(false);
      messages.push([decoder.decode(channel), decoder.decode(message)]);
      return 1;
    },
    interested(channel) {
      asked.push(decoder.decode(channel));
      return only ? only(decoder.decode(channel)) : true;
    },
  };
  return { pubsub, messages, asked };
}

function expectedMessages(c: NotificationCase): [string, string][] {
  const flags = c.flags ?? "KEA";
  return c.events.flatMap((e) => {
    const [event, key] = e.split(" ") as [string, string];
    const out: [string, string][] = [];
    if (flags.includes("K")) out.push([`__keyspace@0__:${key}`, event]);
    if (flags.includes("E")) out.push([`__keyevent@0__:${event}`, key]);
    return out;
  });
}

/** A fresh shard with notifications set to `flags`, its capture, and `run`. */
function withEvents<T>(
  flags: string,
  fn: (s: { ks: Keyspace; run: (...argv: (Arg | number)[]) => unknown; events: () => string[]; now: (t: number) => void; messages: [string, string][] }) => T,
  only?: (channel: string) => boolean,
  settings: [string, string][] = [],
) {
  const config = new ConfigStore();
  expect(config.set("notify-keyspace-events", flags)).toBe(null);
  for (const [name, value] of settings) expect(config.set(name, value)).toBe(null);
  const cap = capturing(only);
  return inDirectShard(
    "notify",
    ({ ks, run }) =>
      fn({
        ks,
        run,
        messages: cap.messages,
        events: () => cap.messages.filter(([c]) => c.startsWith("__keyevent@0__:")).map(([c, k]) => `${c.slice(15)} ${k}`),
        now: (t) => {
          ks.now = t;
        },
      }),
    { pubsub: cap.pubsub, config },
  );
}

describe("keyspace notifications: the shared cases", () => {
  for (const c of NOTIFICATION_CASES) {
    it(c.name, () =>
      withEvents(c.flags ?? "KEA", ({ run, messages }) => {
        for (const argv of c.commands) {
          const dumpAt = argv.findIndex((a) => typeof a === "string" && a.startsWith("DUMP:"));
          if (dumpAt < 0) run(...argv);
          else run(...argv.map((a, j) => (j === dumpAt ? (run("DUMP", (a as string).slice(5)) as Uint8Array) : a)));
        }
        expect(messages).toEqual(expectedMessages(c));
      }));
  }
});

describe("keyspace notifications: the clock, eviction, misses", () => {
  it("a key deleted by lazy expiry raises expired, once", () =>
    withEvents("KEA", ({ run, events, now }) => {
      now(1_000_000);
      run("SET", "k", "v", "PX", 100);
      now(1_000_200);
      expect(run("GET", "k")).toBe(null);
      expect(run("GET", "k")).toBe(null);
      expect(events()).toEqual(["set k", "expire k", "expired k"]);
    }));

  it("the active sweep (the alarm's) raises expired for each key it deletes", () =>
    withEvents("Ex", ({ ks, run, events, now }) => {
      now(1_000_000);
      run("SET", "a", "v", "PX", 10);
      run("SET", "b", "v", "PX", 20);
      run("SET", "c", "v", "PX", 5000);
      now(1_000_100);
      expect(ks.sweepExpired(100)).toBe(2);
      expect(events()).toEqual(["expired a", "expired b"]);
    }));

  it("eviction raises evicted for each key it deletes", () =>
    withEvents(
      "Ee",
      ({ run, events }) => {
        for (let i = 0; i < 20; i++) run("SET", `k${i}`, "x".repeat(200));
        const evicted = events();
        expect(evicted.length).toBeGreaterThan(0);
        for (const e of evicted) expect(e).toMatch(/^evicted k\d+$/);
      },
      undefined,
      [["maxmemory", "2000"], ["maxmemory-policy", "allkeys-random"]],
    ));

  it("a write on an expired key raises expired first, then new and set", () =>
    withEvents("KEAn", ({ run, events, now }) => {
      now(1_000_000);
      run("SET", "k", "v", "PX", 100);
      now(1_000_200);
      run("SET", "k", "w");
      expect(events()).toEqual(["new k", "set k", "expire k", "expired k", "new k", "set k"]);
    }));

  it("hash fields expiring raise hexpired, then del when the hash empties", () =>
    withEvents("KEA", ({ run, events, now }) => {
      now(1_000_000);
      run("HSET", "h", "a", "1", "b", "2");
      run("HPEXPIRE", "h", 100, "FIELDS", 1, "a");
      run("HPERSIST", "h", "FIELDS", 1, "a");
      run("HPEXPIRE", "h", 100, "FIELDS", 2, "a", "b");
      now(1_000_200);
      expect(run("HGETALL", "h")).toEqual([]);
      expect(events()).toEqual(["hset h", "hexpire h", "hpersist h", "hexpire h", "hexpired h", "del h"]);
    }));

  it("HEXPIRE with a past time deletes the fields: hdel, then del", () =>
    withEvents("KEA", ({ run, events }) => {
      run("HSET", "h", "a", "1");
      run("HEXPIREAT", "h", 1, "FIELDS", 1, "a");
      expect(events()).toEqual(["hset h", "hdel h", "del h"]);
    }));

  it("SET with a time already past stores nothing, and says so as Redis does: set, expire, expired", () =>
    withEvents("KEA", ({ run, events }) => {
      run("SET", "k", "v", "PXAT", 1);
      expect(run("EXISTS", "k")).toBe(0);
      expect(events()).toEqual(["set k", "expire k", "expired k"]);
    }));

  it("m: a read of a missing key raises keymiss; a write does not", () =>
    withEvents("KEm", ({ run, events }) => {
      run("GET", "nope");
      run("SET", "k", "v");
      run("INCR", "other");
      expect(events()).toEqual(["keymiss nope"]);
    }));

  it("K only, E only", async () => {
    await withEvents("K$", ({ run, messages }) => {
      run("SET", "k", "v");
      expect(messages).toEqual([["__keyspace@0__:k", "set"]]);
    });
    await withEvents("E$", ({ run, messages }) => {
      run("SET", "k", "v");
      expect(messages).toEqual([["__keyevent@0__:set", "k"]]);
    });
  });

  it("builds no message for a channel nobody listens to", () =>
    withEvents(
      "KEA",
      ({ run, messages }) => {
        run("SET", "k", "v");
        run("SET", "other", "v");
        expect(messages).toEqual([["__keyspace@0__:k", "set"]]);
      },
      (c) => c === "__keyspace@0__:k",
    ));

  it("off (the default): nothing is asked of the Publisher", async () => {
    const cap = capturing();
    await inDirectShard(
      "notify-off",
      ({ run }) => {
        run("SET", "k", "v");
        run("LPUSH", "l", "x");
        run("DEL", "k", "l");
      },
      { pubsub: cap.pubsub },
    );
    expect(cap.asked).toEqual([]);
    expect(cap.messages).toEqual([]);
  });

  it("a command that fails half-way raises nothing it did not do", () =>
    withEvents("KEA", ({ run, events }) => {
      run("SET", "s", "x");
      expect(run("INCR", "s")).toMatchObject({ error: expect.stringContaining("not an integer") });
      expect(events()).toEqual(["set s"]);
    }));
});
