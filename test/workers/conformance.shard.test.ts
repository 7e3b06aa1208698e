/** The conformance suite against one shard Durable Object, called directly over RPC. */
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { shard } from "./shard-client";

runConformance((): Target => ({ name: "shard", shards: 1, call: shard("conformance-shard").r }), ALL_GROUPS);
