/**
 * XREAD's `+` when it waits (BLOCK), the keyspace notifications of XDELEX, XACKDEL and trimming
 * with KEEPREF / DELREF / ACKED, and their cost: rows read per ID on a long stream with long
 * pending entries lists (docs/streams.md).
 */
import { describe, expect, it } from "vitest";
import { ConfigStore } from "../../durable-objects/config/store";
import type { Publisher } from "../../durable-objects/pubsub/publisher";
import { cmd, freshKey, multiExec, untilBlocked } from "./http-helpers";
import { inDirectShard } from "./shard-client";

const entry = (id: string, ...fv: string[]) => [id, fv];

describe("XREAD BLOCK with +", () => {
  it("on a missing key waits, and gets every entry of the XADDs that serve it, not only the last", async () => {
    const k = freshKey("xread-plus");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "+");
    await untilBlocked(k, 1);
    const res = await multiExec([["XADD", k, "1-0", "a", "1"], ["XADD", k, "2-0", "b", "2"]]);
    expect(await res.json()).toEqual([{ result: "1-0" }, { result: "2-0" }]);
    expect(await waiting).toEqual({ result: [[k, [entry("1-0", "a", "1"), entry("2-0", "b", "2")]]] });
  });

  it("on an emptied stream waits for entries after its last ID, as `$`", async () => {
    const k = freshKey("xread-plus-empty");
    await cmd("XADD", k, "5-0", "f", "v");
    await cmd("XDEL", k, "5-0");
    const waiting = cmd("XREAD", "BLOCK", 0, "STREAMS", k, "+");
    await untilBlocked(k, 1);
    await cmd("XADD", k, "6-0", "g", "w");
    expect(await waiting).toEqual({ result: [[k, [entry("6-0", "g", "w")]]] });
  });
});

const decoder = new TextDecoder();

/** Runs `commands` on a fresh shard with `notify-keyspace-events KEA`; answers the keyevent events as `"<event> <key>"`. */
function events(commands: (string | number)[][]): Promise<string[]> {
  const seen: string[] = [];
  const pubsub: Publisher = {
    publish(channel, message) {
      const c = decoder.decode(channel);
      if (c.startsWith("__keyevent@0__:")) seen.push(`${c.slice(15)} ${decoder.decode(message)}`);
      return 1;
    },
    interested: () => true,
  };
  const config = new ConfigStore();
  expect(config.set("notify-keyspace-events", "KEA")).toBe(null);
  return inDirectShard(
    "stream-delex-notify",
    ({ run }) => {
      for (const argv of commands) run(...argv);
      return seen;
    },
    { pubsub, config },
  );
}

describe("keyspace notifications", () => {
  it("XDELEX raises xdel when it deletes entries, nothing when it deletes none (DELREF dropping references only)", async () => {
    expect(
      await events([
        ["XADD", "s", "1-0", "f", "v"],
        ["XADD", "s", "2-0", "f", "v"],
        ["XGROUP", "CREATE", "s", "g", "0"],
        ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        ["XDELEX", "s", "IDS", "1", "9-0"],
        ["XDELEX", "s", "ACKED", "IDS", "1", "1-0"],
        ["XDELEX", "s", "IDS", "2", "1-0", "9-0"],
        ["XDELEX", "s", "DELREF", "IDS", "1", "1-0"],
        ["XDELEX", "missing", "IDS", "1", "1-0"],
      ]),
    ).toEqual(["xadd s", "xadd s", "xgroup-create s", "xgroup-createconsumer s", "xdel s"]);
  });

  it("XACKDEL raises xdel when it deletes entries, nothing for acknowledgements alone", async () => {
    expect(
      await events([
        ["XADD", "s", "1-0", "f", "v"],
        ["XADD", "s", "2-0", "f", "v"],
        ["XGROUP", "CREATE", "s", "g", "0"],
        ["XGROUP", "CREATE", "s", "h", "0"],
        ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        ["XREADGROUP", "GROUP", "h", "c", "STREAMS", "s", ">"],
        ["XACKDEL", "s", "g", "ACKED", "IDS", "1", "1-0"],
        ["XACKDEL", "s", "h", "IDS", "1", "1-0"],
        ["XACKDEL", "s", "nog", "IDS", "1", "2-0"],
      ]),
    ).toEqual(["xadd s", "xadd s", "xgroup-create s", "xgroup-create s", "xgroup-createconsumer s", "xgroup-createconsumer s", "xdel s"]);
  });

  it("XTRIM and XADD with ACKED raise xtrim only when something went", async () => {
    expect(
      await events([
        ["XADD", "s", "1-0", "f", "v"],
        ["XGROUP", "CREATE", "s", "g", "0"],
        ["XTRIM", "s", "MAXLEN", "0", "ACKED"],
        ["XADD", "s", "MAXLEN", "0", "DELREF", "2-0", "f", "v"],
      ]),
    ).toEqual(["xadd s", "xgroup-create s", "xadd s", "xtrim s"]);
  });
});

/** A stream `s` of `n` entries `<i>-0`, read whole by the groups g1 and g2 (every entry pending twice). */
const LOADED = `
  for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], i .. '-0', 'f', 'v') end
  for _, g in ipairs({'g1', 'g2'}) do
    redis.call('XGROUP', 'CREATE', KEYS[1], g, '0')
    redis.call('XREADGROUP', 'GROUP', g, 'c', 'STREAMS', KEYS[1], '>')
  end
  return redis.call('XLEN', KEYS[1])`;

describe("cost", () => {
  it("XDELEX, XACKDEL and ACKED trimming read O(log n) rows per ID, not the stream or its pending lists", async () => {
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    let counting = false;
    const wrap = (sql: SqlStorage) =>
      ({
        exec(query: string, ...bindings: SqlStorageValue[]) {
          const c = sql.exec(query, ...bindings);
          if (counting) cursors.push(c);
          return c;
        },
      }) as unknown as SqlStorage;
    const reads = await inDirectShard(
      "stream-delex-cost",
      ({ run }) => {
        expect(run("EVAL", LOADED, 1, "s", 3000)).toBe(3000);
        const measure = (...argv: (string | number)[]) => {
          cursors.length = 0;
          counting = true;
          const reply = run(...argv);
          counting = false;
          return { reply, rows: cursors.reduce((sum, c) => sum + c.rowsRead, 0) };
        };
        const out = {
          // The baseline: a command that looks one entry up.
          xdel: measure("XDEL", "s", "1600-0"),
          acked: measure("XDELEX", "s", "ACKED", "IDS", "1", "1500-0"),
          delref: measure("XDELEX", "s", "DELREF", "IDS", "1", "1500-0"),
          ackdel: measure("XACKDEL", "s", "g1", "ACKED", "IDS", "1", "1501-0"),
          ackdelref: measure("XACKDEL", "s", "g2", "DELREF", "IDS", "1", "1501-0"),
        };
        // A group that read nothing holds every entry: ACKED trimming stops at the first node.
        expect(run("XGROUP", "CREATE", "s", "late", "0")).toEqual({ status: "OK" });
        return { ...out, trim: measure("XTRIM", "s", "MINID", "~", "3001", "ACKED") };
      },
      { wrap },
    );
    expect(reads.xdel.reply).toBe(1);
    expect(reads.acked.reply).toEqual([2]);
    expect(reads.delref.reply).toEqual([1]);
    expect(reads.ackdel.reply).toEqual([2]);
    expect(reads.ackdelref.reply).toEqual([1]);
    expect(reads.trim.reply).toBe(0);
    // A few more statements than XDEL (the groups' least last-delivered ID, one lookup per group).
    for (const [name, { rows }] of Object.entries(reads)) expect(rows, name).toBeLessThan(reads.xdel.rows + 20);
  });
});
