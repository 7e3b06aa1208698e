/**
 * What the change log (docs/global.md §1) relies on from Durable Object SQLite: triggers may be
 * created and fire on writes, a rolled-back transactionSync takes a trigger's rows with it, and
 * PRAGMA table_info answers a table's columns.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshShard } from "../../test/workers/shard-client";

describe("SQLite triggers in Durable Object storage", () => {
  it("fire on writes, roll back with their savepoint, and PRAGMA table_info answers", async () => {
    const { stub } = freshShard("triggers");
    await runInDurableObject(stub, (_s: unknown, state: DurableObjectState) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE probe_data (id INTEGER PRIMARY KEY, v BLOB)");
      sql.exec("CREATE TABLE probe_log (seq INTEGER PRIMARY KEY, op INTEGER, c0, c1)");
      sql.exec(`CREATE TRIGGER probe_ins AFTER INSERT ON probe_data BEGIN INSERT INTO probe_log (op, c0, c1) VALUES (1, NEW.id, NEW.v); END`);
      sql.exec(`CREATE TRIGGER probe_del AFTER DELETE ON probe_data BEGIN INSERT INTO probe_log (op, c0) VALUES (2, OLD.id); END`);
      sql.exec("INSERT INTO probe_data (id, v) VALUES (1, x'0102')");
      expect(sql.exec("SELECT op, c0, c1 FROM probe_log").toArray()).toEqual([{ op: 1, c0: 1, c1: new Uint8Array([1, 2]).buffer }]);
      expect(() =>
        state.storage.transactionSync(() => {
          sql.exec("DELETE FROM probe_data WHERE id = 1");
          expect(sql.exec("SELECT count(*) AS n FROM probe_log").one().n).toBe(2);
          throw new Error("roll back");
        }),
      ).toThrow("roll back");
      expect(sql.exec("SELECT count(*) AS n FROM probe_log").one().n).toBe(1);
      expect(sql.exec("SELECT count(*) AS n FROM probe_data").one().n).toBe(1);
      const cols = sql.exec<{ name: string; pk: number }>("PRAGMA table_info(probe_data)").toArray();
      expect(cols.map((c) => [c.name, c.pk])).toEqual([["id", 1], ["v", 0]]);
      // A JS number always binds as REAL: a row image carries its integers as text, cast back on
      // replay (log.ts), so that a column without affinity keeps the type it had.
      expect(sql.exec("SELECT typeof(?) AS a, typeof(CAST(? AS INTEGER)) AS b", 5, "9007199254740993").one()).toEqual({ a: "real", b: "integer" });
      sql.exec("DROP TRIGGER probe_ins");
      sql.exec("INSERT INTO probe_data (id, v) VALUES (2, NULL)");
      expect(sql.exec("SELECT count(*) AS n FROM probe_log").one().n).toBe(1);
    });
  });
});
