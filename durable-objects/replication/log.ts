/**
 * The change log of a shard (docs/global.md §1): row images of what its commits changed in the
 * data tables (tables.ts), written by SQLite triggers in the same transaction as the change, so
 * the log holds exactly what was committed and a rolled-back savepoint takes its rows with it.
 *
 * A log row is `changelog(seq, tbl, op, c0..c9)`:
 * - op 1: the new image of a row of table `tbl`, its columns in declared order;
 * - op 2: the deletion of the row of `tbl` whose primary key is c0..ck (an UPDATE that changes a
 *   primary key logs the deletion of the old one, then the new image);
 * - op 0: a step boundary, written by `mark` after each synchronous step that logged rows (c0:
 *   the time). The position is the seq of the newest boundary, so every position a reader sees
 *   ends a step: a state of the keyspace a reader of the primary could have seen.
 *
 * The log runs while replicas are configured (`REPLICA_REGIONS`): `start` creates the triggers
 * and draws an epoch when there is none, `stop` drops them, the rows and the epoch, so a shard
 * without replicas pays nothing. Trimming (`trim`, from the alarm) deletes, in bounded steps,
 * the rows older than the retention window that every replica holding them back has applied; the
 * newest boundary is always kept, so a position is never reused (seq is max(rowid) + 1).
 *
 * Values cross RPC as JS values, and a JS number always binds as REAL: rows are read with their
 * integers as text and a mask of which columns were integers (`ints`, bit i), cast back on replay
 * (`applyStatement`), so every value keeps its SQLite type exactly, 64-bit integers included.
 * Text crosses as its bytes (a BLOB) with bit TEXT_BIT + i set, cast back to TEXT on replay: a key
 * that is not UTF-8 is text SQLite keeps byte for byte but reads back with U+FFFD
 * (store/keyspace.ts exactKey), so read as text it would reach the replica changed.
 */
import { LOG_COLUMNS, LOGGED, LOGGED_BY_NAME, LOGGED_BY_TBL, type LoggedTable } from "./tables";

export const CHANGELOG_MIGRATION = `CREATE TABLE changelog (
     seq INTEGER PRIMARY KEY,
     tbl INTEGER NOT NULL,
     op INTEGER NOT NULL,
     ${Array.from({ length: LOG_COLUMNS }, (_, i) => `c${i}`).join(", ")}
   );
   CREATE INDEX changelog_steps ON changelog(seq) WHERE op = 0;`;

export const enum LogOp {
  Step = 0,
  Image = 1,
  Delete = 2,
}

/** A log row as it crosses: `[seq, tbl, op, ints, ...values]` (values: the table's columns, or its primary key). */
export type LogRow = [number, number, LogOp, number, ...unknown[]];
/** A data row as it crosses: `[ints, ...values]`. */
export type EncodedRow = [number, ...unknown[]];

/**
 * `upTo`: the position after `rows`, a step boundary unless `partial` (a step whose images take
 * more than MAX_CHANGE_BYTES comes in several answers; a copy in the middle of one is not read).
 */
export type ChangesAnswer = { epoch: string; position: number; rows: LogRow[]; upTo: number; partial?: true } | { rebuild: true };
export interface SnapshotPage {
  rows: EncodedRow[];
  /** The primary key of the last row, to pass as `after` for the next page; null after the last page. */
  next: EncodedRow | null;
}

/** Bytes of values one answer of `changes` or `snapshot` carries at most (beyond its first row): well inside one RPC message. */
export const MAX_CHANGE_BYTES = 8 * 1024 * 1024;

/** About how many bytes a row's values take as they cross. */
function rowBytes(row: readonly unknown[]): number {
  let n = 8 * row.length;
  for (const v of row) {
    if (v instanceof ArrayBuffer) n += v.byteLength;
    else if (typeof v === "string") n += v.length * 2;
  }
  return n;
}

const EPOCH = "changelog_epoch";
const TRIMMED = "changelog_trimmed";
const VERSION = "changelog_triggers";
const UPSERT_META = "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value";

/** Where a row's mask marks its text columns: bit TEXT_BIT + i for column i (bit i marks an integer). */
const TEXT_BIT = 16;
/** `x` as it crosses: an integer as text, text as its bytes (the mask tells). */
const encoded = (x: string) => `CASE typeof(${x}) WHEN 'integer' THEN CAST(${x} AS TEXT) WHEN 'text' THEN CAST(${x} AS BLOB) ELSE ${x} END`;
const intsMask = (cols: readonly string[]) =>
  cols.map((c, i) => `((typeof(${c}) = 'integer') << ${i}) | ((typeof(${c}) = 'text') << ${TEXT_BIT + i})`).join(" | ") || "0";

const LOG_CS = Array.from({ length: LOG_COLUMNS }, (_, i) => `c${i}`);
const SELECT_CHANGES = `SELECT seq, tbl, op, ${intsMask(LOG_CS)} AS ints, ${LOG_CS.map(encoded).join(", ")}
  FROM changelog WHERE seq > ? AND seq <= ? AND op != 0 ORDER BY seq`;

function triggerNames(t: LoggedTable): string[] {
  return [`changelog_${t.name}_i`, `changelog_${t.name}_u`, `changelog_${t.name}_d`];
}

function triggersOf(t: LoggedTable): string[] {
  const [ins, upd, del] = triggerNames(t);
  const cols = t.columns.map((_, i) => `c${i}`).join(", ");
  const pks = t.pk.map((_, i) => `c${i}`).join(", ");
  const newVals = t.columns.map((c) => `NEW.${c}`).join(", ");
  const oldPk = t.pk.map((c) => `OLD.${c}`).join(", ");
  const pkChanged = t.pk.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(" OR ");
  const image = `INSERT INTO changelog (tbl, op, ${cols}) VALUES (${t.tbl}, 1, ${newVals});`;
  return [
    `CREATE TRIGGER IF NOT EXISTS ${ins} AFTER INSERT ON ${t.name} BEGIN ${image} END`,
    `CREATE TRIGGER IF NOT EXISTS ${upd} AFTER UPDATE ON ${t.name} BEGIN
       INSERT INTO changelog (tbl, op, ${pks}) SELECT ${t.tbl}, 2, ${oldPk} WHERE ${pkChanged};
       ${image} END`,
    `CREATE TRIGGER IF NOT EXISTS ${del} AFTER DELETE ON ${t.name} BEGIN INSERT INTO changelog (tbl, op, ${pks}) VALUES (${t.tbl}, 2, ${oldPk}); END`,
  ];
}

const TRIGGERS = LOGGED.flatMap(triggersOf);
/** Which set of triggers a log was started with (a hash of their text, in `meta`): another set starts a new epoch. */
const TRIGGERS_VERSION = (() => {
  let h = 5381;
  // The rows' encoding counts too: a log read with another one starts a new epoch.
  for (const c of TRIGGERS.join("\n") + encoded("x")) h = (Math.imul(h, 33) + c.charCodeAt(0)) >>> 0;
  return h.toString(36);
})();

/** The SELECT of a snapshot page of `t` after a primary key (or from the start). */
function snapshotQuery(t: LoggedTable, ints: number | null): string {
  const cols = `${intsMask(t.columns)} AS ints, ${t.columns.map(encoded).join(", ")}`;
  const order = t.pk.join(", ");
  if (ints === null) return `SELECT ${cols} FROM ${t.name} ORDER BY ${order} LIMIT ?`;
  const after = t.pk.map((_, i) => param(ints, i)).join(", ");
  return `SELECT ${cols} FROM ${t.name} WHERE (${order}) > (${after}) ORDER BY ${order} LIMIT ?`;
}

/** The placeholder of value `i` of a row with mask `ints`. */
const param = (ints: number, i: number) => ((ints >> i) & 1 ? "CAST(? AS INTEGER)" : (ints >> (TEXT_BIT + i)) & 1 ? "CAST(? AS TEXT)" : "?");

const statements = new Map<string, string>();
/** The statement that replays a log row (op Image or Delete) of `t` whose integer mask is `ints`. */
export function applyStatement(t: LoggedTable, op: LogOp, ints: number): string {
  const id = `${t.tbl}:${op}:${ints}`;
  let s = statements.get(id);
  if (s === undefined) {
    s =
      op === LogOp.Image
        ? `INSERT OR REPLACE INTO ${t.name} (${t.columns.join(", ")}) VALUES (${t.columns.map((_, i) => param(ints, i)).join(", ")})`
        : `DELETE FROM ${t.name} WHERE ${t.pk.map((c, i) => `${c} = ${param(ints, i)}`).join(" AND ")}`;
    statements.set(id, s);
  }
  return s;
}

/** Applies an encoded row image of `t` (a snapshot page's row, or a log row's `[ints, ...values]`). */
export function applyRow(sql: SqlStorage, t: LoggedTable, op: LogOp, ints: number, values: unknown[]): void {
  sql.exec(applyStatement(t, op, ints), ...(values as SqlStorageValue[]));
}

/** Applies log rows in order (inside the caller's transaction). */
export function applyLogRows(sql: SqlStorage, rows: readonly LogRow[]): void {
  for (const row of rows) {
    const t = LOGGED_BY_TBL.get(row[1]);
    if (!t) throw new Error(`change log: unknown table ${row[1]}`);
    applyRow(sql, t, row[2], row[3], row.slice(4));
  }
}

/** Whether the log's triggers exist (tests, INFO). */
export function logTriggers(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'changelog_%' ORDER BY name")
    .toArray()
    .map((r) => r.name);
}

export class ChangeLog {
  /** The seq of the newest step boundary (0: none yet). */
  position = 0;
  /** Rows up to this seq were trimmed: a reader behind it must rebuild. */
  private trimmedThrough = 0;

  private constructor(
    private readonly sql: SqlStorage,
    readonly epoch: string,
    readonly retentionMs: number,
  ) {
    this.position = sql.exec<{ p: number | null }>("SELECT max(seq) AS p FROM changelog WHERE op = 0").one().p ?? 0;
    const t = sql.exec<{ value: number }>("SELECT value FROM meta WHERE name = ?", TRIMMED).toArray()[0];
    this.trimmedThrough = t ? Number(t.value) : 0;
  }

  /**
   * Starts the log: its triggers and an epoch when it has none (or was started with other
   * triggers); run in the shard's constructor, after the migrations.
   */
  static start(sql: SqlStorage, retentionMs: number): ChangeLog {
    const meta = (name: string) => sql.exec<{ value: string }>("SELECT value FROM meta WHERE name = ?", name).toArray()[0]?.value;
    // Triggers of another version (a logged table's columns changed): their rows are of another shape, so a new epoch.
    if (meta(EPOCH) && String(meta(VERSION)) !== TRIGGERS_VERSION) ChangeLog.stop(sql);
    let epoch = meta(EPOCH);
    if (!epoch) {
      for (const t of TRIGGERS) sql.exec(t);
      epoch = crypto.randomUUID();
      sql.exec(UPSERT_META, EPOCH, epoch);
      sql.exec(UPSERT_META, TRIMMED, 0);
      sql.exec(UPSERT_META, VERSION, TRIGGERS_VERSION);
    }
    return new ChangeLog(sql, String(epoch), retentionMs);
  }

  /** Starts the log over: no rows, a new epoch (its replicas rebuild). */
  static restart(sql: SqlStorage, retentionMs: number): ChangeLog {
    ChangeLog.stop(sql);
    return ChangeLog.start(sql, retentionMs);
  }

  /** Stops the log: no triggers, no rows, no epoch (a later start draws a new one). Costs one query when it is off. */
  static stop(sql: SqlStorage): void {
    const present = logTriggers(sql);
    for (const name of present) sql.exec(`DROP TRIGGER ${name}`);
    if (present.length === 0 && sql.exec("SELECT 1 FROM meta WHERE name = ?", EPOCH).toArray().length === 0) return;
    sql.exec("DELETE FROM changelog");
    sql.exec("DELETE FROM meta WHERE name IN (?, ?, ?)", EPOCH, TRIMMED, VERSION);
  }

  /**
   * Ends the current step: when rows were logged since the last boundary, writes one (in the
   * step's own transaction) and answers true. Called after every step that may have written;
   * costs one lookup of the newest seq otherwise.
   */
  mark(now: number): boolean {
    const top = this.sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM changelog").one().s ?? 0;
    if (top <= this.position) return false;
    this.position = this.sql.exec<{ seq: number }>("INSERT INTO changelog (tbl, op, c0) VALUES (0, 0, ?) RETURNING seq", now).one().seq;
    return true;
  }

  /**
   * The rows after position `after`, up to a step boundary: the newest boundary within `limit`
   * rows of `after`, or the first one past it when a step alone is larger; `{ rebuild: true }`
   * when `epoch` is not this log's or the rows after `after` were trimmed.
   */
  changes(epoch: string, after: number, limit: number, now = Date.now()): ChangesAnswer {
    this.mark(now);
    if (epoch !== this.epoch || after < this.trimmedThrough || after > this.position || !(after >= 0)) return { rebuild: true };
    const sql = this.sql;
    let upTo =
      sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM changelog WHERE op = 0 AND seq > ? AND seq <= ?", after, after + Math.max(1, limit)).one().s ??
      sql.exec<{ s: number | null }>("SELECT min(seq) AS s FROM changelog WHERE op = 0 AND seq > ?", after).one().s ??
      after;
    if (upTo > this.position) upTo = this.position;
    const rows: LogRow[] = [];
    let bytes = 0;
    for (const r of sql.exec(SELECT_CHANGES, after, upTo).raw() as Iterable<unknown[]>) {
      const t = LOGGED_BY_TBL.get(r[1] as number)!;
      const n = (r[2] as LogOp) === LogOp.Image ? t.columns.length : t.pk.length;
      const row = r.slice(0, 4 + n) as LogRow;
      bytes += rowBytes(row);
      if (bytes > MAX_CHANGE_BYTES && rows.length > 0) {
        // A step too large for one answer: this part ends inside it.
        return { epoch: this.epoch, position: this.position, rows, upTo: rows[rows.length - 1]![0], partial: true };
      }
      rows.push(row);
    }
    return { epoch: this.epoch, position: this.position, rows, upTo };
  }

  /** Up to `limit` rows of data table `table` after primary key `after` (null: from the first), in key order. */
  snapshot(table: string, after: EncodedRow | null, limit: number): SnapshotPage {
    const t = LOGGED_BY_NAME.get(table);
    if (!t) throw new Error(`snapshot: '${table}' is not a logged table`);
    return snapshotPage(this.sql, t, after, limit);
  }

  /**
   * Deletes up to `limit` rows that are older than the retention window and at most `hold` (the
   * lowest position a replica still needs), never the newest boundary; answers how many.
   */
  trim(now: number, limit: number, hold: number): number {
    const bound = this.trimBound(now, hold);
    if (bound <= this.trimmedThrough) return 0;
    const sql = this.sql;
    const upper =
      sql.exec<{ s: number }>("SELECT seq AS s FROM changelog WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT 1 OFFSET ?", this.trimmedThrough, bound, limit - 1).toArray()[0]?.s ?? bound;
    const n = sql.exec("DELETE FROM changelog WHERE seq > ? AND seq <= ? RETURNING seq", this.trimmedThrough, upper).toArray().length;
    this.trimmedThrough = upper;
    sql.exec(UPSERT_META, TRIMMED, upper);
    return n;
  }

  /** When trimming has work next (ms since the epoch), or null when the log holds nothing to trim. */
  earliestTrim(now: number, hold: number): number | null {
    const oldest = this.sql
      .exec<{ at: number }>("SELECT c0 AS at FROM changelog WHERE op = 0 AND seq > ? AND seq < ? ORDER BY seq LIMIT 1", this.trimmedThrough, this.position)
      .toArray()[0];
    if (!oldest) return null;
    const due = Number(oldest.at) + this.retentionMs;
    if (due > now) return due;
    // Due by age: now if a replica lets it go, else look again later (holds move with acknowledgements).
    return this.trimBound(now, hold) > this.trimmedThrough ? now : now + Math.min(this.retentionMs, 60_000);
  }

  /** The highest seq that may go now: below the newest boundary, at most `hold`, through the newest boundary past the retention window. */
  private trimBound(now: number, hold: number): number {
    const aged =
      this.sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM changelog WHERE op = 0 AND c0 <= ?", now - this.retentionMs).one().s ?? 0;
    return Math.min(aged, hold, this.position - 1);
  }

  /** Rows in the log (tests, INFO). */
  size(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM changelog").one().n;
  }
}

/** A snapshot page of `t` (the primary's log need not run: a table reads the same either way). */
export function snapshotPage(sql: SqlStorage, t: LoggedTable, after: EncodedRow | null, limit: number): SnapshotPage {
  const n = Math.max(1, Math.min(limit, 10_000));
  const q = snapshotQuery(t, after === null ? null : after[0]);
  const cursor = (after === null ? sql.exec(q, n) : sql.exec(q, ...(after.slice(1) as SqlStorageValue[]), n)).raw() as Iterable<EncodedRow>;
  const rows: EncodedRow[] = [];
  let bytes = 0;
  let full = false;
  for (const row of cursor) {
    rows.push(row);
    bytes += rowBytes(row);
    // A page is cut at MAX_CHANGE_BYTES (large chunk rows): the next one continues after its last row.
    if (bytes > MAX_CHANGE_BYTES) {
      full = true;
      break;
    }
  }
  const last = full || rows.length === n ? rows[rows.length - 1]! : null;
  if (last === null) return { rows, next: null };
  // The last row's primary key, with its own mask.
  const idx = t.pk.map((c) => t.columns.indexOf(c));
  const ints = idx.reduce((m, ci, i) => m | (((last[0] >> ci) & 1) << i) | (((last[0] >> (TEXT_BIT + ci)) & 1) << (TEXT_BIT + i)), 0);
  return { rows, next: [ints, ...idx.map((ci) => last[1 + ci])] };
}
