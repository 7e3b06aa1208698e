/**
 * The RDB string writer (integer, LZF and verbatim forms) against a real redis-server: for
 * seeded random strings, redis-server's DUMP of a string key holding one must equal what
 * durable-objects/rdb writes, byte for byte, and read back to the same bytes. FUNCTION DUMP
 * stores each library's code this way, so this is what makes our dumps redis-server's.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { RdbReader, RdbWriter } from "../../durable-objects/rdb/encoding";
import { RespClient } from "./resp-client";

const port = inject("redisPort");

/** xorshift32: the same strings on every run. */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function sample(next: (n: number) => number): Uint8Array {
  const kind = next(5);
  const length = [next(40), 20 + next(300), next(5000), next(70000)][next(4)]!;
  if (kind === 4) {
    // Runs of one byte: matches as long as a back reference can be, far apart or near.
    const out = new Uint8Array(length);
    for (let i = 0; i < length; ) {
      const run = 1 + next(next(2) ? 600 : 12);
      out.fill(97 + next(3), i, i + run);
      i += run;
    }
    return out;
  }
  const alphabet = [2, 4, 26, 256][kind]!;
  const words = ["redis", ".register_function(", "'", "return ", "keys[1]", " end)\n", "local ", "x"];
  const out: number[] = [];
  while (out.length < length) {
    if (kind === 2 && next(3) === 0) out.push(...new TextEncoder().encode(words[next(words.length)]!));
    else out.push(kind === 2 ? 97 + next(alphabet) : next(alphabet) + (alphabet < 256 ? 97 : 0));
  }
  return Uint8Array.from(out.slice(0, length));
}

describe.runIf(port > 0)("RDB strings against redis-server's DUMP", () => {
  const client = new RespClient(port);
  afterAll(() => client.close());

  it("300 seeded random strings are written as redis-server writes them", async () => {
    const next = rng(20261201);
    const key = `rdb-strings:${Math.random().toString(36).slice(2)}`;
    for (let i = 0; i < 300; i++) {
      const s = i < 40 ? new TextEncoder().encode(String(i * 997 - 20000)) : sample(next);
      expect(await client.callBinary("SET", key, s)).toBe("OK");
      const dump = (await client.callBinary("DUMP", key)) as Uint8Array;
      const ours = new RdbWriter().byte(0).string(s).payload();
      expect(Buffer.from(ours).toString("hex"), `string ${i} (${s.length} bytes)`).toBe(Buffer.from(dump).toString("hex"));
      const back = new RdbReader(dump, dump.length - 10);
      back.byte();
      expect(Buffer.from(back.string()).equals(Buffer.from(s))).toBe(true);
    }
    await client.call("DEL", key);
  });
});
