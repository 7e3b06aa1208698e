/** The conformance suite against the Worker over HTTP (Upstash REST body form), all shards. */
import { env, SELF } from "cloudflare:test";
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { fromEntry, parseJsonExact } from "../conformance/normalize";

runConformance(
  (): Target => ({
    name: "http",
    shards: Number((env as { SHARDS?: string }).SHARDS ?? 16),
    call: async (...args) => {
      const res = await SELF.fetch("http://edgekv/", {
        method: "POST",
        headers: { authorization: "Bearer test-token" },
        body: JSON.stringify(args),
      });
      return fromEntry(parseJsonExact(await res.text()));
    },
  }),
  ALL_GROUPS,
);
