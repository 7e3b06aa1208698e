/**
 * The shard's script cache and function libraries, kept in SQLite so that a script loaded
 * once survives the object's eviction (clients expect SCRIPT LOAD to last until SCRIPT FLUSH).
 *
 * Every shard keeps its own copy: SCRIPT LOAD and FUNCTION LOAD run on all shards (the Worker
 * fans them out), EVAL caches its script on the shard that ran it. An EVALSHA that reaches a
 * shard without the script gets NOSCRIPT and the client falls back to EVAL, as with Redis
 * Cluster.
 */

/** Migration that creates the script cache and the function libraries (schema.ts's list). */
export const SCRIPT_MIGRATION = `CREATE TABLE scripts (sha TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE function_libraries (name TEXT PRIMARY KEY, code BLOB NOT NULL);`;

export class ScriptStore {
  constructor(private readonly sql: SqlStorage) {}

  getScript(sha: string): Uint8Array | null {
    const row = this.sql.exec<{ body: ArrayBuffer }>("SELECT body FROM scripts WHERE sha = ?", sha).toArray()[0];
    return row ? new Uint8Array(row.body) : null;
  }

  hasScript(sha: string): boolean {
    return this.sql.exec("SELECT 1 FROM scripts WHERE sha = ?", sha).toArray().length > 0;
  }

  putScript(sha: string, body: Uint8Array): void {
    this.sql.exec("INSERT INTO scripts (sha, body) VALUES (?, ?) ON CONFLICT(sha) DO NOTHING", sha, body);
  }

  flushScripts(): void {
    this.sql.exec("DELETE FROM scripts");
  }

  libraries(): { name: string; code: Uint8Array }[] {
    return this.sql
      .exec<{ name: string; code: ArrayBuffer }>("SELECT name, code FROM function_libraries ORDER BY name")
      .toArray()
      .map((r) => ({ name: r.name, code: new Uint8Array(r.code) }));
  }

  putLibrary(name: string, code: Uint8Array): void {
    this.sql.exec("INSERT INTO function_libraries (name, code) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET code = excluded.code", name, code);
  }

  deleteLibrary(name: string): boolean {
    return this.sql.exec("DELETE FROM function_libraries WHERE name = ?", name).rowsWritten > 0;
  }

  flushLibraries(): void {
    this.sql.exec("DELETE FROM function_libraries");
  }
}
