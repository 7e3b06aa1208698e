/**
 * Pub/Sub's tables (one migration, store/schema.ts):
 * - `pubsub_interest`: the interest table of this shard as a home (interest.ts);
 * - `pubsub_subscriptions`: what each socket of this shard as a gateway is subscribed to, by the
 *   socket's id (its attachment holds the id only: an attachment is limited to a few KiB, a
 *   socket may hold thousands of subscriptions). Rows of sockets that are gone (the object
 *   restarted, which closes its sockets) are removed when the gateway next rebuilds its index.
 */
export const INTEREST_MIGRATION = `CREATE TABLE pubsub_interest (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  gateway INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (kind, name, gateway)
) WITHOUT ROWID`;

export const SUBSCRIPTION_MIGRATION = `CREATE TABLE pubsub_subscriptions (
  socket INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (socket, kind, name)
) WITHOUT ROWID`;
