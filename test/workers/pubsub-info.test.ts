/** INFO's Pub/Sub figures merged over the shards: open sockets, channels, patterns, shard channels. */
import { describe, expect, it } from "vitest";
import { cmd } from "./http-helpers";
import { connect } from "./ws-client";

async function infoFields(section: string): Promise<Record<string, number>> {
  const text = (await cmd("INFO", section)).result as string;
  return Object.fromEntries(
    text
      .split("\r\n")
      .filter((l) => l.includes(":") && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf(":")), Number(l.slice(l.indexOf(":") + 1))]),
  );
}

describe("INFO and Pub/Sub", () => {
  it("counts sockets as connected_clients and each channel and pattern once", async () => {
    const [clients0, stats0] = [await infoFields("clients"), await infoFields("stats")];
    const a = await connect();
    const b = await connect();
    await a.call(["SUBSCRIBE", "i:one", "i:two"], 2);
    await b.call(["SUBSCRIBE", "i:one"]);
    await b.call(["PSUBSCRIBE", "i:*"]);
    await a.call(["PSUBSCRIBE", "i:*"]);
    await b.call(["SSUBSCRIBE", "i:shard"]);
    const [clients, stats] = [await infoFields("clients"), await infoFields("stats")];
    expect(clients.connected_clients! - clients0.connected_clients!).toBe(2);
    expect(stats.pubsub_channels! - stats0.pubsub_channels!).toBe(2);
    // One pattern, though every shard holds it and two sockets subscribe to it.
    expect(stats.pubsub_patterns! - stats0.pubsub_patterns!).toBe(1);
    expect(stats.pubsubshard_channels! - stats0.pubsubshard_channels!).toBe(1);
    a.ws.close();
    b.ws.close();
    // The gateways forget the sockets asynchronously: wait for it, so nothing is left in flight.
    let after = await infoFields("stats");
    const settled = (f: Record<string, number>) =>
      f.pubsub_channels === stats0.pubsub_channels && f.pubsub_patterns === stats0.pubsub_patterns && f.pubsubshard_channels === stats0.pubsubshard_channels;
    for (let i = 0; i < 50 && !settled(after); i++) after = await infoFields("stats");
    expect(settled(after)).toBe(true);
  });
});
