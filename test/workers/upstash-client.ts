/** The official `@upstash/redis` client, its requests sent to the Worker in this test runtime. */
import { SELF } from "cloudflare:test";
import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll } from "vitest";

const HOST = "edgekv.test";

/**
 * A client with the library's defaults (auto-pipelining, base64 responses) for the tests of the
 * calling file: while they run, `fetch` to http://edgekv.test goes to SELF and anything else to
 * the real fetch. Call it at the top level of a test file.
 */
export function upstashClient(): Redis {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      new URL(input instanceof Request ? input.url : input.toString()).host === HOST
        ? SELF.fetch(input, init)
        : realFetch(input, init)) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  return new Redis({ url: `http://${HOST}`, token: "test-token", UPSTASH_DISABLE_TELEMETRY: "1" });
}
