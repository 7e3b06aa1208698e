/** The conformance suite against one shard Durable Object, called directly over RPC. */
import { env } from "cloudflare:test";
import type { Arg } from "../../durable-objects/args";
import type { Reply } from "../../durable-objects/reply";
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { fromReply } from "../conformance/normalize";

interface ShardRpc {
  exec(batch: Arg[][]): Promise<Reply[]>;
}

runConformance((): Target => {
  const stub = env.SHARD.getByName("conformance-shard") as unknown as ShardRpc;
  return {
    name: "shard",
    shards: 1,
    call: async (...args) => fromReply((await stub.exec([args.map(String)]))[0]!),
  };
}, ALL_GROUPS);
