/**
 * A shard's settings: values in Redis's canonical form (checked against redis-server 7.0.15:
 * `CONFIG SET maxmemory 100mb` then GET shows 104857600), defaults from wrangler vars, and what
 * CONFIG SET persisted winning over both.
 */
import { describe, expect, it } from "vitest";
import { Notify } from "../pubsub/notify";
import { ConfigStore, defaultsFromVars, normalizeEvents, varName } from "./store";

describe("ConfigStore", () => {
  it("shows memory values in bytes, as Redis does", () => {
    const c = new ConfigStore();
    for (const [given, shown] of [["100mb", "104857600"], ["1gb", "1073741824"], ["5k", "5000"], ["1KB", "1024"], ["5B", "5"], ["010", "10"]]) {
      expect(c.set("maxmemory", given!)).toBe(null);
      expect(c.text("maxmemory")).toBe(shown);
    }
    expect(c.maxmemory).toBe(10);
    expect(c.set("maxmemory", "1.5mb")).toBe("argument must be a memory value");
    expect(c.text("maxmemory")).toBe("10");
  });

  it("keeps integers as Redis's string2ll reads them, enums in lower case", () => {
    const c = new ConfigStore();
    expect(c.set("slowlog-max-len", "007")).toBe("argument couldn't be parsed into an integer");
    expect(c.set("slowlog-max-len", "9223372036854775808")).toBe("argument couldn't be parsed into an integer");
    expect(c.set("slowlog-max-len", "9223372036854775807")).toBe(null);
    expect(c.set("maxmemory-policy", "ALLKEYS-LRU")).toBe(null);
    expect(c.maxmemoryPolicy).toBe("allkeys-lru");
    expect(c.set("lua-time-limit", "250")).toBe(null);
    expect(c.busyReplyThreshold).toBe(250);
    expect(c.text("busy-reply-threshold")).toBe("250");
    expect(c.set("proto-max-bulk-len", "2mb")).toBe("can't set immutable config");
  });

  it("shows notify-keyspace-events as Redis does, keeping every flag", () => {
    const c = new ConfigStore();
    expect(c.notifyFlags).toBe(0);
    // What redis-server 7.0.15 answers CONFIG GET after CONFIG SET of each value.
    const shown: [string, string][] = [
      ["KEA", "AKE"], ["AKEn", "AKE"], ["n", "n"], ["", ""], ["Kg$", "g$K"], ["K$g", "g$K"], ["m", "m"], ["A", "A"],
      ["xe", "xe"], ["Ag$lshzxeKEtmdn", "AKEm"], ["tdn", "tdn"], ["g$lshzxetd", "A"], ["g$lshzxetdn", "A"], ["KEx", "xKE"], ["mn", "nm"],
    ];
    for (const [given, text] of shown) {
      expect(c.set("notify-keyspace-events", given)).toBe(null);
      expect(c.text("notify-keyspace-events")).toBe(text);
    }
    expect(c.set("notify-keyspace-events", "AKEn")).toBe(null);
    expect(c.notifyFlags & Notify.New).toBe(Notify.New);
    expect(c.notifyFlags & Notify.KeyMiss).toBe(0);
    for (const bad of ["q", "KE ", "a"]) expect(c.set("notify-keyspace-events", bad)).toBe("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    expect(c.text("notify-keyspace-events")).toBe("AKE");
    expect(normalizeEvents("Q")).toBe(null);
  });

  it("keeps n with A across a restart (the persisted form loses no flag)", () => {
    const saved = new Map<string, string>();
    const a = new ConfigStore();
    a.attach([], { save: (n, v) => saved.set(n, v) });
    a.set("notify-keyspace-events", "AKEn");
    const b = new ConfigStore();
    b.attach(saved, { save: () => {} });
    expect(b.notifyFlags).toBe(a.notifyFlags);
    expect(b.text("notify-keyspace-events")).toBe("AKE");
    // A row written in the shown form (`AKE`) still reads.
    const c = new ConfigStore();
    c.attach([["notify-keyspace-events", "AKE"]], { save: () => {} });
    expect(c.notifyFlags & (Notify.Keyspace | Notify.Generic | Notify.New)).toBe(Notify.Keyspace | Notify.Generic);
  });

  it("samples at most 64 keys per eviction step whatever maxmemory-samples says", () => {
    const c = new ConfigStore();
    expect(c.set("maxmemory-samples", "1000")).toBe(null);
    expect(c.text("maxmemory-samples")).toBe("1000");
    expect(c.maxmemorySamples).toBe(64);
  });

  it("takes defaults from wrangler vars; a persisted CONFIG SET wins over the var", () => {
    expect(varName("maxmemory-policy")).toBe("MAXMEMORY_POLICY");
    const vars = defaultsFromVars({ MAXMEMORY: "100mb", MAXMEMORY_POLICY: "allkeys-lfu", SLOWLOG_MAX_LEN: "oops", DATABASES: "4" }, 1 << 20);
    const c = new ConfigStore(vars);
    expect(c.text("maxmemory")).toBe("104857600");
    expect(c.maxmemoryPolicy).toBe("allkeys-lfu");
    expect(c.slowlogMaxLen).toBe(128);
    expect(c.text("databases")).toBe("1");
    expect(c.protoMaxBulkLen).toBe(1 << 20);
    const saved = new Map<string, string>([["maxmemory-policy", "volatile-ttl"]]);
    c.attach(saved, { save: (n, v) => saved.set(n, v) });
    expect(c.maxmemoryPolicy).toBe("volatile-ttl");
    expect(c.text("maxmemory")).toBe("104857600");
    expect(c.set("maxmemory", "1mb")).toBe(null);
    expect(saved.get("maxmemory")).toBe("1048576");
  });
});
