/** The conformance suite against the Worker over HTTP (Upstash REST body form), all shards. */
import { env, SELF } from "cloudflare:test";
import { ALL_GROUPS } from "../conformance/cases";
import { runConformance, type Target } from "../conformance/harness";
import { fromEntry, fromEntryBase64, parseJsonExact } from "../conformance/normalize";

/**
 * A binary-safe call in the path form: the arguments before the one byte argument are path
 * segments, it is the raw body, the ones after it are bare query parameters (`?FLUSH`).
 */
async function callBinary(...args: (string | number | Uint8Array)[]) {
  const at = args.findIndex((a) => a instanceof Uint8Array);
  const head = (at === -1 ? args : args.slice(0, at)).map((a) => encodeURIComponent(String(a)));
  const tail = at === -1 ? [] : args.slice(at + 1).map((a) => encodeURIComponent(String(a)));
  const res = await SELF.fetch(`http://edgekv/${head.join("/")}${tail.length ? "?" + tail.join("&") : ""}`, {
    method: "POST",
    headers: { authorization: "Bearer test-token", "upstash-encoding": "base64" },
    body: at === -1 ? undefined : (args[at] as Uint8Array),
  });
  return fromEntryBase64(parseJsonExact(await res.text()));
}

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
    callBinary,
  }),
  ALL_GROUPS,
);
