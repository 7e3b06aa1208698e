/**
 * Every table of the shard's schema is either logged (with its columns as declared) or named as
 * not logged (tables.ts): a new table or column fails here until it is placed.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshShard } from "../../test/workers/shard-client";
import { isInternalTable, LOG_COLUMNS, LOGGED, NOT_LOGGED } from "./tables";

describe("the change log's tables", () => {
  it("name every table of the schema, with its columns in declared order and its primary key", async () => {
    const { stub } = freshShard("log-tables");
    await runInDurableObject(stub, (_s: unknown, state: DurableObjectState) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((r) => r.name)
        .filter((n) => !isInternalTable(n));
      const named = new Set([...LOGGED.map((t) => t.name), ...NOT_LOGGED]);
      expect(tables.filter((n) => !named.has(n))).toEqual([]);
      expect([...named].filter((n) => !tables.includes(n))).toEqual([]);
      for (const t of LOGGED) {
        const info = sql.exec<{ name: string; pk: number }>(`PRAGMA table_info(${t.name})`).toArray();
        const declared = info.map((c) => c.name);
        const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
        // A table without a declared primary key is logged by its rowid.
        expect(t.columns).toEqual(pk.length === 0 ? ["rowid", ...declared] : declared);
        expect(t.pk).toEqual(pk.length === 0 ? ["rowid"] : pk);
        expect(t.columns.length).toBeLessThanOrEqual(LOG_COLUMNS);
      }
      expect(new Set(LOGGED.map((t) => t.tbl)).size).toBe(LOGGED.length);
    });
  });
});
