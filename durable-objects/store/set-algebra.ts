/**
 * Set algebra: SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD. Nothing here knows argv.
 *
 * Set algebra runs inside SQLite: SINTER walks the smallest set and probes the others by
 * primary key (a CROSS JOIN each, which keeps the smallest outermost), SDIFF walks the first
 * and probes the rest (NOT EXISTS each), SUNION merges the sets' primary keys (UNION … ORDER BY
 * member); past MAX_NAMED_INPUTS sets, the others are listed in json_each. SINTERSTORE and
 * SDIFFSTORE insert the result with fresh dense ordinals (row_number); SUNIONSTORE copies the
 * first set's rows and adds each next set's new members after them, so that no row is
 * written twice; nothing brings members into JavaScript. A destination that is also a source
 * is built under a scratch id first, then moved into place.
 */
import { Notify } from "../pubsub/notify";
import { KeyType, type Keyspace } from "./keyspace";
import { rowsChanged } from "./lazy-free";
import { findSet, type SetKey } from "./sets";

/** Key id under which a STORE builds its result when the destination is also a source. */
const SCRATCH_ID = -1;

export type SetOp = "inter" | "union" | "diff";

/** Inputs a statement names one by one (a join or a probe each); more go through json_each. */
const MAX_NAMED_INPUTS = 32;

/** The SQL selecting the members of `op` over `sets` (all live), or null when it is empty. */
function algebraQuery(op: SetOp, sets: (SetKey | null)[]): { sql: string; params: (number | string)[] } | null {
  const live = sets.filter((s): s is SetKey => s !== null);
  if (op === "inter") {
    if (live.length < sets.length) return null;
    // Smallest first (stably): it is walked, the others probed by primary key.
    const [first, ...rest] = [...live].sort((a, b) => a.card - b.card);
    if (live.length <= MAX_NAMED_INPUTS) {
      // CROSS JOIN keeps the smallest set the outer loop.
      const joins = rest.map((s, j) => ` CROSS JOIN set_member AS i${j + 1} ON i${j + 1}.key_id = ${s.id} AND i${j + 1}.member = i0.member`);
      return { sql: `SELECT i0.member AS member FROM set_member AS i0${joins.join("")} WHERE i0.key_id = ${first!.id}`, params: [] };
    }
    return {
      sql: `SELECT a.member AS member FROM set_member AS a WHERE a.key_id = ? AND NOT EXISTS (
              SELECT 1 FROM json_each(?) AS j WHERE NOT EXISTS (
                SELECT 1 FROM set_member AS b WHERE b.key_id = j.value AND b.member = a.member))`,
      params: [first!.id, JSON.stringify(rest.map((s) => s.id))],
    };
  }
  if (op === "union") {
    if (live.length === 0) return null;
    if (live.length <= MAX_NAMED_INPUTS) {
      // A UNION ordered by member merges the sets' primary keys (no temporary B-tree).
      const each = live.map((s) => `SELECT member FROM set_member WHERE key_id = ${s.id}`);
      return { sql: live.length === 1 ? each[0]! : `${each.join(" UNION ")} ORDER BY member`, params: [] };
    }
    return {
      sql: "SELECT DISTINCT member FROM set_member WHERE key_id IN (SELECT value FROM json_each(?))",
      params: [JSON.stringify(live.map((s) => s.id))],
    };
  }
  const [first, ...rest] = sets;
  if (!first) return null;
  const others = rest.filter((s): s is SetKey => s !== null);
  if (others.length < MAX_NAMED_INPUTS) {
    const probes = others.map((s) => ` AND NOT EXISTS (SELECT 1 FROM set_member WHERE key_id = ${s.id} AND member = a.member)`);
    return { sql: `SELECT a.member AS member FROM set_member AS a WHERE a.key_id = ${first.id}${probes.join("")}`, params: [] };
  }
  return {
    sql: `SELECT a.member AS member FROM set_member AS a WHERE a.key_id = ? AND NOT EXISTS (
            SELECT 1 FROM json_each(?) AS j JOIN set_member AS b ON b.key_id = j.value AND b.member = a.member)`,
    params: [first.id, JSON.stringify(others.map((s) => s.id))],
  };
}

/** Every key looked up in order: a key of another type is WRONGTYPE even after a missing one. */
function findSets(ks: Keyspace, keys: string[]): (SetKey | null)[] {
  return keys.map((k) => findSet(ks, k));
}

/** SINTER/SUNION/SDIFF. */
export function setAlgebra(ks: Keyspace, op: SetOp, keys: string[]): Uint8Array[] {
  const q = algebraQuery(op, findSets(ks, keys));
  if (!q) return [];
  return ks.sql
    .exec<{ member: ArrayBuffer }>(q.sql, ...q.params)
    .toArray()
    .map((r) => new Uint8Array(r.member));
}

/** SINTERCARD: the size of the intersection, counting stops at `limit` (0: no limit). */
export function setInterCard(ks: Keyspace, keys: string[], limit: number): number {
  const q = algebraQuery("inter", findSets(ks, keys));
  if (!q) return 0;
  return ks.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM (${q.sql} LIMIT ?)`, ...q.params, limit === 0 ? -1 : limit).one().n;
}

/** SINTERSTORE/SUNIONSTORE/SDIFFSTORE: `dst` becomes the result (deleted when empty); its size. */
export function setAlgebraStore(ks: Keyspace, op: SetOp, dst: string, keys: string[]): number {
  const sets = findSets(ks, keys);
  const sql = ks.sql;
  let fill: ((id: number) => number) | null = null;
  if (op === "union") {
    const live = sets.filter((s): s is SetKey => s !== null);
    if (live.length > 0) fill = (id) => unionInto(sql, id, live);
  } else {
    const q = algebraQuery(op, sets);
    if (q) {
      fill = (id) => {
        sql.exec(`INSERT INTO set_member (key_id, member, ord, seq) SELECT ?, member, row_number() OVER () - 1, row_number() OVER () FROM (${q.sql})`, id, ...q.params);
        return rowsChanged(sql);
      };
    }
  }
  const viaScratch = keys.includes(dst);
  let id = SCRATCH_ID;
  let existed = false;
  if (!viaScratch) {
    existed = ks.delete(dst);
    if (!fill) return storedEmpty(ks, dst, existed);
    id = ks.insert(dst, KeyType.Set, null, null, null, true);
  } else if (fill) {
    sql.exec("DELETE FROM set_member WHERE key_id = ?", SCRATCH_ID);
  }
  const n = fill ? fill(id) : 0;
  if (viaScratch) {
    existed = ks.delete(dst);
    if (n === 0) return storedEmpty(ks, dst, existed);
    id = ks.insert(dst, KeyType.Set, null, null, null, true);
    sql.exec("UPDATE set_member SET key_id = ? WHERE key_id = ?", id, SCRATCH_ID);
  } else if (n === 0) {
    ks.delete(dst);
    return storedEmpty(ks, dst, existed);
  }
  const nextSeq = sql.exec<{ s: number }>("SELECT coalesce(max(seq), 0) + 1 AS s FROM set_member WHERE key_id = ?", id).one().s;
  sql.exec("INSERT INTO set_meta (key_id, card, next_seq) VALUES (?, ?, ?)", id, n, nextSeq);
  // The key is told as created only once it is known not to be empty.
  if (!existed) ks.notify(Notify.New, "new", dst);
  ks.notify(Notify.Set, `s${op}store`, dst);
  return n;
}

/**
 * A union written under key id `id`: the first set's rows copied (ords and seqs as they are),
 * then each next set's members not yet there, with the next ords (dense: 0 … card-1) and their
 * seqs shifted past the sets' before. Each member row is written once; answers how many.
 */
function unionInto(sql: SqlStorage, id: number, live: SetKey[]): number {
  let n = 0;
  let offset = 0;
  live.forEach((s, i) => {
    if (i === 0) sql.exec("INSERT INTO set_member (key_id, member, ord, seq) SELECT ?, member, ord, seq FROM set_member WHERE key_id = ?", id, s.id);
    else {
      sql.exec(
        `INSERT INTO set_member (key_id, member, ord, seq)
         SELECT ?, b.member, ? + row_number() OVER () - 1, b.seq + ? FROM set_member AS b
         WHERE b.key_id = ? AND NOT EXISTS (SELECT 1 FROM set_member AS t WHERE t.key_id = ? AND t.member = b.member)`,
        id,
        n,
        offset,
        s.id,
        id,
      );
    }
    n += rowsChanged(sql);
    offset += s.nextSeq;
  });
  return n;
}

/** A *STORE whose result is empty: no key, and a `del` event when one was there. */
function storedEmpty(ks: Keyspace, dst: string, existed: boolean): 0 {
  if (existed) ks.notify(Notify.Generic, "del", dst);
  return 0;
}
