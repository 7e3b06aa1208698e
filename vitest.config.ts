import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Two projects:
 * - `workers`: unit, shard and HTTP tests inside workerd (the real runtime), with the Worker and
 *   its Durable Objects from wrangler.toml.
 * - `replication`: the same, with read replicas configured (REPLICA_REGIONS), for the tests of the
 *   change log and the replicas (test/workers/replication*.test.ts); the `workers` project runs
 *   with replication off, as a deployment without the var does.
 * - `node`: tests that drive real servers from Node: the conformance suite against a real
 *   redis-server, and end-to-end tests against `wrangler dev` with the official client.
 * - `global`: read replicas and sessions (test/global/, docs/global.md): the same Worker with
 *   replicas in two regions, the request's region named by a header, and a simulated distance.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { EDGEKV_TOKEN: "test-token", EDGEKV_READONLY_TOKEN: "test-readonly-token" },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["durable-objects/**/*.test.ts", "worker/**/*.test.ts", "test/workers/**/*.test.ts"],
          exclude: ["test/workers/replication*.test.ts"],
          // A conformance case over HTTP that takes ~1 s on a quiet machine can take several on a
          // loaded one; a hang still fails, later.
          testTimeout: 20_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                EDGEKV_TOKEN: "test-token",
                EDGEKV_READONLY_TOKEN: "test-readonly-token",
                REPLICA_REGIONS: "weur,apac",
                REPLICA_LOG_RETENTION_MS: "60000",
              },
            },
          }),
        ],
        test: {
          name: "replication",
          include: ["test/workers/replication*.test.ts"],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                EDGEKV_TOKEN: "test-token",
                EDGEKV_READONLY_TOKEN: "test-readonly-token",
                REPLICA_REGIONS: "weur,apac",
                REGION_HEADER: "x-edgekv-region",
                SIMULATED_RTT: JSON.stringify({ primary: "wnam", local: 2, far: 50 }),
              },
            },
          }),
        ],
        test: {
          name: "global",
          include: ["test/global/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          globalSetup: ["test/node/redis-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
