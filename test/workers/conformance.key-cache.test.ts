/**
 * The conformance suite against one shard with its key cache at the two extremes: so small that
 * nearly every row it records evicts another (room for about one entry), and turned off
 * (`key-cache-bytes 0`). The default cache runs under conformance.shard.test.ts.
 */
import { describe } from "vitest";
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { fromReplyBinary } from "../conformance/normalize";
import { shard } from "./shard-client";

for (const [name, bytes] of [
  ["tiny", "300"],
  ["off", "0"],
] as const) {
  describe(`key cache ${name}`, () => {
    const target = shard(`conformance-key-cache-${name}`);
    let configured: Promise<unknown> | null = null;
    const ready = () => (configured ??= target.r("CONFIG", "SET", "key-cache-bytes", bytes));
    runConformance(
      (): Target => ({
        name: `shard, key cache ${name}`,
        shards: 1,
        call: async (...args) => (await ready(), target.r(...args)),
        callBinary: async (...args) => (await ready(), fromReplyBinary(await target.call(...args.map((a) => (a instanceof Uint8Array ? a : String(a)))))),
      }),
      ALL_GROUPS,
    );
  });
}
