/**
 * What a command sees of Pub/Sub (docs/pubsub.md): PUBLISH, SPUBLISH and keyspace notifications
 * publish through the batch's Publisher. A message is counted at once (the reply of PUBLISH)
 * and delivered only after the batch's writes are durable, in publish order; the messages of a
 * command whose writes are rolled back are dropped with them.
 */
export interface Publisher {
  /** Publishes `message` on `channel` (`sharded`: a shard channel, SPUBLISH); how many subscribers it reaches. */
  publish(channel: Uint8Array, message: Uint8Array, sharded: boolean): number;
  /** Whether a message on `channel` would reach anyone: keyspace notifications skip building it otherwise. */
  interested(channel: Uint8Array): boolean;
}

/** What PUBSUB CHANNELS, NUMSUB and NUMPAT read of a shard's interest table (interest.ts). */
export interface Subscriptions {
  /** Channels (or shard channels) of this home with subscribers, optionally those matching a glob. */
  channels(sharded: boolean, pattern?: string): string[];
  /** Subscribers of a channel (or shard channel) on every gateway; 0 where this shard is not its home. */
  numsub(channel: string, sharded: boolean): number;
  /** Distinct patterns with subscribers (every shard holds them all). */
  numpat(): number;
  /** Sockets open at this gateway (WebSocket clients and SSE streams): INFO's connected_clients. */
  clients(): number;
}
