/**
 * Test-only: a simulated point-in-time restore, since workerd's storage cannot restore. It
 * replaces a shard's restore storage calls (durable-objects/pitr/pending.ts `storage`) through
 * runInDurableObject, the only way to reach them; production code never assigns that field.
 *
 * - getCurrentBookmark copies every table of the shard's SQLite into `pitrsim_<n>_<table>` (in
 *   the same database, SQLite's own copy, so every value keeps its type), remembers the KV
 *   entries and the triggers, and answers `sim-<n>`;
 * - onNextSessionRestoreBookmark remembers the bookmark and answers `undo-<n>` (the state just
 *   before the restart: restoring to it changes nothing);
 * - beforeRestart, just before the object ends, rewinds every table, the KV entries and the
 *   triggers to the copy of the pending bookmark, as the real restore does at the next start.
 */
import { runInDurableObject } from "cloudflare:test";
import type { RestoreStorage } from "../../durable-objects/pitr/pending";

interface Copy {
  n: number;
  tables: string[];
  triggers: { name: string; sql: string }[];
  kv: [string, unknown][];
}

/** The copies, by shard name and bookmark (the test and the objects share this isolate). */
const copies = new Map<string, Copy>();
let taken = 0;

const tablesOf = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'pitrsim_%'")
    .toArray()
    .map((r) => r.name);

export function simulatedRestoreStorage(name: string, storage: DurableObjectStorage): RestoreStorage {
  const sql = storage.sql;
  let pending: string | null = null;
  return {
    getCurrentBookmark: async () => {
      const n = ++taken;
      const tables = tablesOf(sql);
      for (const t of tables) sql.exec(`CREATE TABLE pitrsim_${n}_${t} AS SELECT * FROM ${t}`);
      const triggers = sql.exec<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").toArray();
      copies.set(`${name}:sim-${n}`, { n, tables, triggers, kv: [...storage.kv.list()] });
      return `sim-${n}`;
    },
    onNextSessionRestoreBookmark: async (bookmark) => {
      if (!bookmark.startsWith("undo-") && !copies.has(`${name}:${bookmark}`)) throw new Error(`no such bookmark ${bookmark}`);
      pending = bookmark;
      return `undo-${++taken}`;
    },
    beforeRestart: () => {
      const copy = pending === null ? undefined : copies.get(`${name}:${pending}`);
      pending = null;
      if (!copy) return;
      const n = copy.n;
      storage.transactionSync(() => {
        for (const { name: trigger } of sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").toArray()) sql.exec(`DROP TRIGGER ${trigger}`);
        for (const t of tablesOf(sql)) {
          sql.exec(`DELETE FROM ${t}`);
          if (copy.tables.includes(t)) sql.exec(`INSERT INTO ${t} SELECT * FROM pitrsim_${n}_${t}`);
        }
        for (const t of copy.triggers) sql.exec(t.sql);
        for (const [k] of storage.kv.list()) storage.kv.delete(k);
        for (const [k, v] of copy.kv) storage.kv.put(k, v);
      });
    },
  };
}

/** Installs the simulated restore on shard `name` (its current instance). */
export function simulateRestores(stub: DurableObjectStub, name: string): Promise<void> {
  return runInDurableObject(stub, (instance: unknown, state: DurableObjectState) => {
    (instance as { restore: { storage: RestoreStorage } }).restore.storage = simulatedRestoreStorage(name, state.storage);
  });
}
