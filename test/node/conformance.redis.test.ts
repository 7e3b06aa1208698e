/** The conformance suite against a real redis-server: the reference every other target must match. */
import { afterAll, describe, inject } from "vitest";
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { RespClient } from "./resp-client";

const port = inject("redisPort");

describe.runIf(port > 0)("redis-server (reference)", () => {
  const client = new RespClient(port);
  afterAll(() => client.close());
  runConformance((): Target => ({ name: "redis", shards: 1, reference: true, call: (...args) => client.call(...args), callBinary: (...args) => client.callBinary(...args) }), ALL_GROUPS);
});
