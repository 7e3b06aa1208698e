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

/**
 * RedisJSON 2.x's events (class `d`, raised by the module once per command that changed the
 * document, through RedisModule_NotifyKeyspaceEvent): checked here at the shard only, since the
 * reference redis-server has no RedisJSON.
 */
describe("keyspace notifications: RedisJSON's events (class d)", () => {
  const json = (flags: string, fn: (run: (...argv: (Arg | number)[]) => unknown, events: () => string[]) => void) =>
    withEvents(flags, ({ run, events }) => fn(run, events));

  it("JSON.SET: new and json.set for a new document, json.set for each change, nothing when NX/XX write nothing", () =>
    json("KEAn", (run, events) => {
      run("JSON.SET", "j", "$", '{"a":1,"arr":[1,2],"s":"x","b":true,"o":{"x":1}}');
      run("JSON.SET", "j", "$.a", "2");
      run("JSON.SET", "j", "$", "{}", "NX");
      run("JSON.SET", "j", "$.missing.deep", "1");
      run("JSON.SET", "missing", "$", "1", "XX");
      run("JSON.SET", "j", "$", '{"a":1}', "XX");
      expect(events()).toEqual(["new j", "json.set j", "json.set j", "json.set j"]);
    }));

  it("JSON.MERGE, JSON.MSET (one event per document), JSON.DEL and JSON.FORGET", () =>
    json("KEA", (run, events) => {
      run("JSON.MERGE", "j", "$", '{"a":1,"b":{"c":2}}');
      run("JSON.MERGE", "j", "$.b", '{"d":3}');
      run("JSON.MSET", "j", "$.a", "5", "k", "$", "[]");
      run("JSON.DEL", "j", "$.nothing");
      run("JSON.DEL", "j", "$.b.c");
      run("JSON.FORGET", "j", "$.b");
      // The whole document: json.del only (a module's key deleted raises no generic del).
      run("JSON.DEL", "j");
      run("JSON.DEL", "j");
      expect(events()).toEqual(["json.merge j", "json.merge j", "json.mset j", "json.mset k", "json.del j", "json.del j", "json.del j"]);
    }));

  it("the per-match writes: raised when a match applied, not for matches of the wrong type", () =>
    json("KEA", (run, events) => {
      run("JSON.SET", "j", "$", '{"n":1,"s":"x","b":true,"arr":[1,2,3],"e":[],"o":{"x":1}}');
      const before = events().length;
      run("JSON.NUMINCRBY", "j", "$.n", "2");
      run("JSON.NUMMULTBY", "j", "$.n", "3");
      run("JSON.NUMPOWBY", "j", "$.n", "2");
      run("JSON.NUMINCRBY", "j", "$.s", "1");
      run("JSON.TOGGLE", "j", "$.b");
      run("JSON.TOGGLE", "j", "$.n");
      run("JSON.STRAPPEND", "j", "$.s", '"y"');
      run("JSON.ARRAPPEND", "j", "$.arr", "4");
      run("JSON.ARRINSERT", "j", "$.arr", "0", "0");
      run("JSON.ARRPOP", "j", "$.arr");
      run("JSON.ARRPOP", "j", "$.e");
      run("JSON.ARRPOP", "j", ".e");
      run("JSON.ARRTRIM", "j", "$.arr", "0", "1");
      run("JSON.CLEAR", "j", "$.o");
      run("JSON.CLEAR", "j", "$.o");
      expect(events().slice(before)).toEqual([
        "json.numincrby j",
        "json.nummultby j",
        "json.numpowby j",
        "json.toggle j",
        "json.strappend j",
        "json.arrappend j",
        "json.arrinsert j",
        "json.arrpop j",
        // A legacy path raises it once an array matched, even an empty one, as RedisJSON does.
        "json.arrpop j",
        "json.arrtrim j",
        "json.clear j",
      ]);
    }));

  it("class d alone, K only, and a class without d", () =>
    withEvents("Kd", ({ run, messages }) => {
      run("JSON.SET", "j", "$", "[1]");
      run("JSON.ARRAPPEND", "j", "$", "2");
      run("SET", "s", "v");
      expect(messages).toEqual([
        ["__keyspace@0__:j", "json.set"],
        ["__keyspace@0__:j", "json.arrappend"],
      ]);
    }).then(() =>
      json("KEg$", (run, events) => {
        run("JSON.SET", "j", "$", "[1]");
        run("JSON.DEL", "j");
        expect(events()).toEqual([]);
      }),
    ));

  it("a JSON write refused half-way raises nothing", () =>
    json("KEA", (run, events) => {
      run("JSON.SET", "j", "$", '{"a":[1],"b":[1,2,3,4,5]}');
      const before = events().length;
      expect(run("JSON.ARRINSERT", "j", "$.*", "3", "0")).toMatchObject({ error: expect.stringContaining("index out of bounds") });
      expect(events().slice(before)).toEqual([]);
    }));
});
