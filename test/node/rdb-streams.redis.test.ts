/**
 * Stream DUMP payloads against a real redis-server 7.0: for seeded random streams (IDs given
 * and generated, entries with the node's field names and without, values of every listpack
 * encoding, entries past 4 KiB that make Redis close its nodes early, groups, consumers and
 * pending entries), redis-server's DUMP decodes here to what XRANGE and XPENDING show there,
 * and encodes back to the same bytes. After XDEL and exact trims, whose deleted entries Redis
 * keeps in its nodes, the payload encoded here restores on redis-server to the same stream
 * (XINFO STREAM FULL alike but for the node counts).
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { decodePayload, encodePayload } from "../../durable-objects/rdb/dump";
import type { StreamSnapshot } from "../../durable-objects/store/stream-snapshot";
import { formatId } from "../../durable-objects/store/streams";
import { seededRandom } from "../random";
import { RespClient } from "./resp-client";

const port = inject("redisPort");
const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const str = (b: unknown) => Buffer.from(b as Uint8Array).toString("latin1");

describe.runIf(port > 0)("stream payloads against redis-server's DUMP and RESTORE", () => {
  const client = new RespClient(port);
  afterAll(() => client.close());
  const rand = seededRandom(20261207);
  const below = (n: number) => Math.floor(rand() * n);
  const prefix = `rdb-streams:${Math.random().toString(36).slice(2)}`;
  let n = 0;
  const fresh = () => `${prefix}:${n++}`;

  /** A value of any listpack encoding; `long` ones (up to 5000 bytes) with `longOdds` in 6. */
  function value(longOdds: number): Uint8Array {
    if (below(6) < longOdds) return enc.encode("v".repeat(below(5000)));
    switch (below(5)) {
      case 0:
        return enc.encode(String(below(300) - 100));
      case 1:
        return enc.encode(String(BigInt(below(2 ** 31)) * BigInt(below(2 ** 31)) * (below(2) ? 1n : -1n)));
      case 2:
        return Uint8Array.from({ length: below(90) }, () => below(256));
      default:
        return enc.encode("x" + below(1000));
    }
  }

  /** A stream of `count` entries; most share field names, some have others; long values close Redis's nodes early. */
  async function build(key: string, count: number, longOdds = below(2)): Promise<void> {
    let ms = 1 + below(1000);
    for (let i = 0; i < count; i++) {
      const fields = below(4) === 0 ? ["other", `f${below(3)}`] : ["a", "b"];
      const args: (string | Uint8Array)[] = [];
      for (const f of fields.slice(0, 1 + below(2))) args.push(f, value(longOdds));
      let id = "*";
      if (below(3) > 0) {
        ms += below(3);
        id = below(2) ? `${ms}-*` : `${ms}-${below(5) + i}`;
      }
      const got = await client.callBinary("XADD", key, id, ...args);
      if (got !== null && typeof got === "object" && "error" in got) await client.callBinary("XADD", key, "*", ...args);
    }
  }

  async function groups(key: string): Promise<void> {
    const g = 1 + below(3);
    for (let i = 0; i < g; i++) {
      await client.call("XGROUP", "CREATE", key, `g${i}`, below(2) ? "0" : "$");
      for (let c = 0; c < 1 + below(3); c++) {
        await client.call("XREADGROUP", "GROUP", `g${i}`, `c${c}`, "COUNT", 1 + below(40), "STREAMS", key, ">");
      }
      if (below(2)) await client.call("XGROUP", "CREATECONSUMER", key, `g${i}`, "idle");
      const pending = (await client.call("XPENDING", key, `g${i}`, "-", "+", 10)) as [string][];
      for (const [id] of pending.slice(0, below(pending.length + 1))) await client.call("XACK", key, `g${i}`, id);
    }
  }

  function decode(dump: Uint8Array): StreamSnapshot {
    const d = decodePayload(dump, 1 << 30, 1 << 30);
    expect(d?.type.name).toBe("stream");
    return d!.value as StreamSnapshot;
  }

  /** What XRANGE and XPENDING show of the stream at `key`, and what the decoded value holds. */
  async function shown(key: string) {
    const entries = ((await client.callBinary("XRANGE", key, "-", "+")) as [Uint8Array, Uint8Array[]][]).map(([id, f]) => [str(id), f.map(str)]);
    const info = (await client.call("XINFO", "GROUPS", key)) as string[][];
    const groups = [];
    for (const g of info) {
      const name = g[1]!;
      const pending = ((await client.call("XPENDING", key, name, "-", "+", 1_000_000)) as [string, string, number, number][]).map(([id, c, , count]) => [id, c, count]);
      groups.push([name, pending]);
    }
    return { entries, groups };
  }

  function held(v: StreamSnapshot) {
    return {
      entries: v.nodes.flatMap((node) => node.entries.map((e) => [formatId(e.id), e.fields.map(str)])),
      groups: v.groups.map((g) => [g.name, g.pending.map((p) => [formatId(p.id), p.consumer, p.deliveryCount])]),
    };
  }

  /** XINFO STREAM FULL as a comparable value, without what depends on the nodes' layout. */
  async function full(key: string): Promise<unknown> {
    const reply = (await client.call("XINFO", "STREAM", key, "FULL")) as unknown[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    delete out["radix-tree-keys"];
    delete out["radix-tree-nodes"];
    return out;
  }

  it("streams without deleted entries: decoded as shown there, encoded to the same bytes", async () => {
    for (let i = 0; i < 40; i++) {
      const key = fresh();
      await build(key, [1 + below(10), 100 + below(250), 1 + below(3), 0][i % 4]!);
      if (i % 4 === 3) await client.call("XGROUP", "CREATE", key, "g", "$", "MKSTREAM");
      if (i % 2 === 1) await groups(key);
      const dump = (await client.callBinary("DUMP", key)) as Uint8Array;
      const v = decode(dump);
      expect(held(v)).toEqual(await shown(key));
      expect(v.length).toBe(await client.call("XLEN", key));
      expect(hex(encodePayload(decodePayload(dump, 1 << 30, 1 << 30)!.type, v))).toBe(hex(dump));
    }
  });

  it("after XDEL and exact trims: the payload encoded here restores there to the same stream", async () => {
    for (let i = 0; i < 30; i++) {
      const key = fresh();
      await build(key, 20 + below(300));
      await groups(key);
      const ids = ((await client.call("XRANGE", key, "-", "+")) as [string][]).map(([id]) => id);
      for (let k = 0; k < below(ids.length); k++) await client.call("XDEL", key, ids[below(ids.length)]!);
      if (i % 3 === 0) await client.call("XTRIM", key, "MAXLEN", below(ids.length));
      if (i % 3 === 1) await client.call("XTRIM", key, "MINID", ids[below(ids.length)]!);
      if (i % 5 === 0) for (const id of ids) await client.call("XDEL", key, id);
      const dump = (await client.callBinary("DUMP", key)) as Uint8Array;
      const v = decode(dump);
      expect(held(v)).toEqual(await shown(key));
      const ours = encodePayload(decodePayload(dump, 1 << 30, 1 << 30)!.type, v);
      const back = fresh();
      expect(await client.callBinary("RESTORE", back, 0, ours)).toBe("OK");
      expect(await full(back)).toEqual(await full(key));
      // What redis-server then dumps is what was encoded here: the same nodes, none with deleted entries.
      expect(hex((await client.callBinary("DUMP", back)) as Uint8Array)).toBe(hex(ours));
    }
  });
});
