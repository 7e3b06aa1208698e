/** The conformance suite against one shard Durable Object, called directly over RPC. */
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { fromReplyBinary } from "../conformance/normalize";
import { shard } from "./shard-client";

const target = shard("conformance-shard");

runConformance(
  (): Target => ({
    name: "shard",
    shards: 1,
    call: target.r,
    callBinary: async (...args) => fromReplyBinary(await target.call(...args.map((a) => (a instanceof Uint8Array ? a : String(a))))),
  }),
  ALL_GROUPS,
);
