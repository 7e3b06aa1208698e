/**
 * What CONFIG SET applied on this shard, one row per parameter (its own name, the value as
 * CONFIG GET shows it), so that a restart keeps it: the shard loads these rows over its
 * defaults when it starts (config/store.ts `attach`). A parameter never set has no row and
 * follows its default (or wrangler var). Rows are written inside the command's transaction:
 * every shard of a CONFIG SET writes them in the same cross-shard transaction (docs/config.md).
 */
import type { ConfigPersistence } from "../config/store";

export const CONFIG_MIGRATION = `CREATE TABLE config (name TEXT PRIMARY KEY, value TEXT NOT NULL);`;

export class ConfigTable implements ConfigPersistence {
  constructor(private readonly sql: SqlStorage) {}

  /** Every persisted setting (a handful of rows). */
  load(): [string, string][] {
    return this.sql.exec<{ name: string; value: string }>("SELECT name, value FROM config").toArray().map((r) => [r.name, r.value]);
  }

  save(name: string, value: string): void {
    this.sql.exec("INSERT INTO config (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value", name, value);
  }
}
