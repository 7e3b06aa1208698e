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
