/**
 * Set keys: typed operations and the element store (not implemented yet).
 */
import type { ElementStore } from "./keyspace";

/** Migration that creates this type's element tables (appended to schema.ts's list). */
export const SET_MIGRATION = "SELECT 1";

export function setElements(sql: SqlStorage): ElementStore {
  void sql;
  return { drop() {}, dropAll() {}, copy() {} };
}
