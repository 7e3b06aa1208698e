/**
 * The sorted set algebra of ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, run in
 * SQLite. Nothing here knows argv.
 *
 * Semantics are Redis's zunionInterDiffGenericCommand, to the bit: for a union or an
 * intersection the inputs are taken smallest first (a stable sort by cardinality: inputs of
 * one size keep their order); each score is multiplied by its input's weight, and a product
 * that is NaN (0 × inf) counts as 0. A union folds each member's values in input order with
 * SUM (a sum that is NaN, inf + -inf, becomes 0), MIN or MAX (a tie keeps the value already
 * there). An intersection starts from the smallest input's weighted score (NaN as 0) and
 * folds in the others' products as they come: a NaN product turns a SUM to 0 and leaves a MIN
 * or a MAX as it was. A difference keeps the first input's scores. A plain set is an input
 * whose members score 1.
 *
 * How it runs:
 * - A read (ZUNION, ZINTER, ZDIFF) is one SELECT ordered by score then member. A union merges
 *   the inputs' rows in member order (UNION ALL … ORDER BY member: a merge of their primary
 *   keys, no temporary B-tree) and groups them by member along it, each input's value taken
 *   out of its group (`unionSelect`: no input is probed); an intersection walks the smallest
 *   input and probes the others (CROSS JOIN keeps it outermost); a difference walks the first
 *   with NOT EXISTS probes. The fold is one SQL expression per input, nested (`foldUnion`,
 *   `foldInter`); SQLite turns a NaN into NULL, which is what the coalesce(…, 0.0) of each step
 *   catches. Its floating point is IEEE double, as Redis's, and no aggregate function does the
 *   arithmetic (SQLite's sum() is compensated, so it rounds differently; a union's max() only
 *   picks the one value an input has).
 * - A union STORE inserts that SELECT: each member's row written once, in member order (with
 *   the values folded before the write, no row is updated). An intersection or difference
 *   STORE inserts the read's SELECT. Then zset-bulk.ts builds the order-statistics tree in one pass.
 * - A STORE onto one of its own inputs changes that input in place where this is exact:
 *   ZUNIONSTORE onto a sorted set upserts the other inputs into its rows (when the fold may
 *   start from it: MIN or MAX, or a SUM with it among the first two inputs, which commute);
 *   ZDIFFSTORE onto its first input deletes the others' members from it. The cost is then the
 *   other inputs'; otherwise the result is built under a scratch id and moved (zset-bulk.ts).
 * - ZINTERCARD counts the intersection's SELECT, stopping at LIMIT.
 * - Beyond MAX_SQL_INPUTS inputs (a join over more tables than SQLite takes in one statement)
 *   reads, intersections and differences run in memory (`combineInMemory`), the same fold in
 *   JavaScript; a union STORE accumulates in SQL instead, whatever the number of inputs: the
 *   first input copied into the destination's rows, each next one upserted (ON CONFLICT DO
 *   UPDATE with the aggregate), one statement per input.
 *
 * Zero's sign: a read keeps it (SQLite's expressions keep -0, as Redis's replies show "-0");
 * stored scores lose it (-0 is stored as 0, zsets.ts). A fold over stored values (the upserts
 * of a union STORE) still ends where Redis's does, but for that sign: x + -0 and x + 0 differ
 * only when x is a zero, and MIN or MAX of 0 and -0 is a tie.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { KeyType, type Keyspace } from "./keyspace";
import { setOfRow, type SetKey } from "./sets";
import { replaceZset, storeZset } from "./zset-bulk";
import { compareBytes, SortedSet, treeOf, type Entry } from "./zsets";
import { rowsChanged } from "./lazy-free";
import { toEntry } from "./zset-tree";

export type Aggregate = "sum" | "min" | "max";
export type AlgebraOp = "union" | "inter" | "diff";

/** An input of the algebra: a sorted set, or a plain set whose members score 1. */
export type AlgebraInput = { kind: "zset"; set: SortedSet } | { kind: "set"; set: SetKey };

/** What to compute: the inputs in argument order (null: a missing key), a weight each, how scores meet. */
export interface AlgebraSpec {
  op: AlgebraOp;
  inputs: (AlgebraInput | null)[];
  weights: number[];
  how: Aggregate;
}

/** Inputs one statement takes (each is a table of its join; SQLite joins at most 64). */
export const MAX_SQL_INPUTS = 32;

/** The input at `key`: null if absent, WRONGTYPE unless a sorted set or a set (one lookup). */
export function openAlgebraInput(ks: Keyspace, key: string): AlgebraInput | null {
  const row = ks.find(key);
  if (!row) return null;
  if (row.type === KeyType.ZSet) return { kind: "zset", set: new SortedSet(ks, row, treeOf(ks.sql)) };
  if (row.type === KeyType.Set) return { kind: "set", set: setOfRow(ks, row)! };
  throw new CommandError(Errors.wrongType);
}

/** A live input with its weight and cardinality. */
interface Source {
  input: AlgebraInput;
  weight: number;
  card: number;
}

const tableOf = (s: Source) => (s.input.kind === "zset" ? "zset_member" : "set_member");
/** The input's raw score, from its row under `alias` (a plain set's members score 1). */
const scoreOf = (s: Source, alias: string) => (s.input.kind === "zset" ? `${alias}.score` : "1.0");

/** The inputs as Redis takes them: union and intersection smallest first (stably), a difference in order; null for a missing key. */
function sources(spec: AlgebraSpec): (Source | null)[] {
  const all = spec.inputs.map((input, i) =>
    input ? { input, weight: spec.weights[i] ?? 1, card: input.kind === "zset" ? input.set.card() : input.set.card } : null,
  );
  if (spec.op === "diff") return all;
  return all.map((s, i) => ({ s, i })).sort((a, b) => (a.s?.card ?? 0) - (b.s?.card ?? 0) || a.i - b.i).map((x) => x.s);
}

/** The aggregate's identity: a union's value of an input that lacks the member. */
const ABSENT: Record<Aggregate, string> = { sum: "-0.0", min: "1e999", max: "-1e999" };

/**
 * The union's fold over `values` in order. -0 is the identity of IEEE addition (-0 + x = x
 * for every x, ±0 included), so a member's first value comes out as itself, as Redis's first
 * assignment. min(v, acc) answers acc on a tie and max(acc, v) too (SQLite's min() keeps the
 * last of equal arguments, max() the first), as Redis keeps the value already there.
 */
function foldUnion(values: string[], how: Aggregate): string {
  let acc = ABSENT[how];
  for (const v of values) acc = how === "sum" ? `coalesce(${acc} + ${v}, 0.0)` : how === "min" ? `min(${v}, ${acc})` : `max(${acc}, ${v})`;
  return acc;
}

/** The intersection's fold: the first product with NaN as 0, then each raw product (NULL when NaN) as Redis's zunionInterAggregate takes it. */
function foldInter(first: string, products: string[], how: Aggregate): string {
  let acc = `coalesce(${first}, 0.0)`;
  for (const p of products) {
    if (how === "sum") acc = `coalesce(${acc} + ${p}, 0.0)`;
    else if (how === "min") acc = `min(coalesce(${p}, 1e999), ${acc})`;
    else acc = `max(${acc}, coalesce(${p}, -1e999))`;
  }
  return acc;
}

type Plan = { kind: "empty" } | { kind: "memory" } | { kind: "sql"; select: string; params: number[] };

/**
 * The SELECT (member, score) of `spec`, unordered; empty when the result must be, memory past
 * MAX_SQL_INPUTS inputs. With `seq` (an intersection or a difference to store), also each
 * member's seq in the input walked, which is one of its own there.
 */
function plan(spec: AlgebraSpec, ordered: (Source | null)[], seq = false): Plan {
  const withSeq = seq ? ", i0.seq AS seq" : "";
  if (spec.op === "union") {
    const live = ordered.filter((s): s is Source => s !== null);
    if (live.length === 0) return { kind: "empty" };
    if (live.length > MAX_SQL_INPUTS) return { kind: "memory" };
    return { kind: "sql", select: unionSelect(live, spec.how, null), params: live.map((s) => s.weight) };
  }
  if (spec.op === "inter") {
    if (ordered.some((s) => s === null)) return { kind: "empty" };
    const live = ordered as Source[];
    if (live.length > MAX_SQL_INPUTS) return { kind: "memory" };
    const products = live.map((s, i) => `${scoreOf(s, `i${i}`)} * ?${i + 1}`);
    return {
      kind: "sql",
      select: `SELECT i0.member AS member, ${foldInter(products[0]!, products.slice(1), spec.how)} AS score${withSeq} ${interFrom(live)}`,
      params: live.map((s) => s.weight),
    };
  }
  const [first, ...rest] = ordered;
  if (!first) return { kind: "empty" };
  const others = rest.filter((s): s is Source => s !== null);
  if (others.length + 1 > MAX_SQL_INPUTS) return { kind: "memory" };
  const probes = others.map((s) => ` AND NOT EXISTS (SELECT 1 FROM ${tableOf(s)} WHERE key_id = ${s.input.set.id} AND member = i0.member)`);
  return {
    kind: "sql",
    select: `SELECT i0.member AS member, ${scoreOf(first, "i0")} AS score${withSeq} FROM ${tableOf(first)} AS i0 WHERE i0.key_id = ${first.input.set.id}${probes.join("")}`,
    params: [],
  };
}

/** FROM … WHERE of an intersection: the first (smallest) input walked, each other probed by primary key. */
function interFrom(live: Source[]): string {
  const joins = live
    .slice(1)
    .map((s, j) => `CROSS JOIN ${tableOf(s)} AS i${j + 1} ON i${j + 1}.key_id = ${s.input.set.id} AND i${j + 1}.member = i0.member`);
  return `FROM ${tableOf(live[0]!)} AS i0 ${joins.join(" ")} WHERE i0.key_id = ${live[0]!.input.set.id}`;
}

/**
 * A union's SELECT (member, score, and with `offsets` seq): the inputs' rows merged in member
 * order (UNION ALL … ORDER BY member: a merge of their primary keys, no temporary B-tree), each
 * tagged with its input and its weighted value (?1 … ?n, NaN as 0), grouped by member along that
 * order (no sort, no probe of any input), each input's value picked out of its group (NULL when
 * it lacks the member), then folded in input order. A member's seq is the one it has in its
 * first input, shifted by that input's `offsets` entry (the sum of the earlier inputs' largest seqs).
 */
function unionSelect(live: Source[], how: Aggregate, offsets: number[] | null): string {
  const arms = live.map(
    (s, i) =>
      `SELECT member, coalesce(${scoreOf(s, tableOf(s))} * ?${i + 1}, 0.0) AS v, ${i} AS i${offsets ? `, seq + ${offsets[i]} AS q` : ""} FROM ${tableOf(s)} WHERE key_id = ${s.input.set.id}`,
  );
  const values = live.map((_, i) => `max(CASE WHEN i = ${i} THEN v END) AS v${i}`);
  const grouped = `SELECT member, ${values.join(", ")}${offsets ? ", min(q) AS seq" : ""} FROM (${arms.join(" UNION ALL ")} ORDER BY member) GROUP BY member`;
  const score = foldUnion(live.map((_, i) => `CASE WHEN v${i} IS NULL THEN ${ABSENT[how]} ELSE v${i} END`), how);
  return `SELECT member, ${score} AS score${offsets ? ", seq" : ""} FROM (${grouped})`;
}

/** ZUNION/ZINTER/ZDIFF: the result, sorted by score then member. */
export function algebraRead(ks: Keyspace, spec: AlgebraSpec): Entry[] {
  const ordered = sources(spec);
  const p = plan(spec, ordered);
  if (p.kind === "empty") return [];
  if (p.kind === "memory") return combineInMemory(spec.op, ordered, spec.how);
  return ks.sql
    .exec<{ member: ArrayBuffer; score: number }>(`${p.select} ORDER BY score, member`, ...p.params)
    .toArray()
    .map(toEntry);
}

/** ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE: `dst` becomes the result (deleted when empty); its cardinality. */
export function algebraStore(ks: Keyspace, dst: string, spec: AlgebraSpec, event: string): number {
  const ordered = sources(spec);
  const live = ordered.filter((s): s is Source => s !== null);
  const sql = ks.sql;
  const readers = live.filter((s) => s.input.set.row.key === dst);
  if (spec.op === "union") {
    const base = readers.length === 1 ? live.indexOf(readers[0]!) : -1;
    // The destination as the union's base, changed in place: exact when the fold may start
    // from it (MIN and MAX in any order; a sum's first two terms commute).
    if (base >= 0 && readers[0]!.input.kind === "zset" && (spec.how !== "sum" || base <= 1)) return unionInPlace(ks, live, base, spec.how, event);
    const write = live.length > MAX_SQL_INPUTS ? accumulateUnion : insertUnion;
    return replaceZset(ks, dst, event, live.length === 0 ? null : (id) => write(sql, id, live, spec.how), readers.length > 0);
  }
  const first = ordered[0];
  if (spec.op === "diff" && first?.input.kind === "zset" && readers.length === 1 && readers[0] === first) return diffInPlace(ks, first, live.slice(1), event);
  const p = plan(spec, ordered, true);
  if (p.kind === "empty") return replaceZset(ks, dst, event, null);
  if (p.kind === "memory") return storeZset(ks, dst, combineInMemory(spec.op, ordered, spec.how), event);
  const fill = (id: number) => {
    sql.exec(`INSERT INTO zset_member (key_id, member, score, seq) SELECT ${id}, member, score, seq FROM (${p.select})`, ...p.params);
    return rowsChanged(sql);
  };
  return replaceZset(ks, dst, event, fill, readers.length > 0);
}

/**
 * A union written under key id `id` in one INSERT … SELECT (unionSelect): each member's row
 * inserted once, never updated, in member order. A member keeps the seq it has in its first
 * input, shifted past the seqs of the inputs before that one, as accumulateUnion does. Answers
 * the members written.
 */
function insertUnion(sql: SqlStorage, id: number, live: Source[], how: Aggregate): number {
  let offset = 0;
  const offsets = live.map((s) => {
    const at = offset;
    offset += maxSeq(sql, tableOf(s), s.input.set.id);
    return at;
  });
  sql.exec(`INSERT INTO zset_member (key_id, member, score, seq) SELECT ${id}, member, score, seq FROM (${unionSelect(live, how, offsets)})`, ...live.map((s) => s.weight));
  return rowsChanged(sql);
}

/** How an upsert meets a member's value so far (`score`) and the next input's (`excluded.score`), as foldUnion. */
const MEET: Record<Aggregate, string> = {
  sum: "coalesce(score + excluded.score, 0.0)",
  min: "min(excluded.score, score)",
  max: "max(score, excluded.score)",
};

/**
 * A union written under key id `id`: the first input's rows copied with their weighted scores,
 * each next input's upserted. A member keeps the seq it came with (ZSCAN order), shifted past
 * the seqs of the inputs before its own so that no two members share one. Answers the members written.
 */
function accumulateUnion(sql: SqlStorage, id: number, live: Source[], how: Aggregate): number {
  let offset = 0;
  live.forEach((s, i) => (offset += addInput(sql, id, s, offset, i === 0 ? null : how)));
  return countMembers(sql, id);
}

/**
 * Writes input `s` into key id `id`, seqs shifted by `offset`: inserted as it is (`how` null),
 * or upserted, a member already there meeting its value by `how`. Answers the input's largest seq.
 */
function addInput(sql: SqlStorage, id: number, s: Source, offset: number, how: Aggregate | null): number {
  const table = tableOf(s);
  const score = s.input.kind === "zset" ? "score" : "1.0";
  const upsert = how === null ? "" : ` ON CONFLICT (key_id, member) DO UPDATE SET score = ${MEET[how]}`;
  sql.exec(
    `INSERT INTO zset_member (key_id, member, score, seq)
     SELECT ?, member, coalesce(${score} * ?, 0.0), seq + ? FROM ${table} WHERE key_id = ?${upsert}`,
    id,
    s.weight,
    offset,
    s.input.set.id,
  );
  return maxSeq(sql, table, s.input.set.id);
}

const maxSeq = (sql: SqlStorage, table: string, id: number) => sql.exec<{ m: number | null }>(`SELECT max(seq) AS m FROM ${table} WHERE key_id = ?`, id).one().m ?? 0;
const countMembers = (sql: SqlStorage, id: number) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM zset_member WHERE key_id = ?", id).one().n;

/**
 * ZUNIONSTORE onto one of its inputs (a sorted set, `live[base]`): its rows stay where they
 * are, weighted in place, and the other inputs are upserted into them in order, so the cost is
 * the other inputs', not a copy of the destination and a move of the result. The key is
 * overwritten as Redis overwrites it (its TTL goes, its access data stays), its tree built again.
 */
function unionInPlace(ks: Keyspace, live: Source[], base: number, how: Aggregate, event: string): number {
  const sql = ks.sql;
  const target = live[base]!;
  const id = target.input.set.id;
  sql.exec("DELETE FROM zset_node WHERE key_id = ?", id);
  if (target.weight !== 1) sql.exec("UPDATE zset_member SET score = coalesce(score * ?, 0.0) WHERE key_id = ?", target.weight, id);
  let offset = maxSeq(sql, "zset_member", id);
  live.forEach((s, i) => {
    if (i !== base) offset += addInput(sql, id, s, offset, how);
  });
  return overwritten(ks, target, event, true);
}

/**
 * ZDIFFSTORE onto its first input: the members of the others are deleted from it in place (the
 * cost is theirs); the key is overwritten as in unionInPlace, or deleted when nothing is left.
 */
function diffInPlace(ks: Keyspace, first: Source, others: Source[], event: string): number {
  const sql = ks.sql;
  const id = first.input.set.id;
  let removed = 0;
  for (const s of others) {
    sql.exec(`DELETE FROM zset_member WHERE key_id = ? AND member IN (SELECT member FROM ${tableOf(s)} WHERE key_id = ?)`, id, s.input.set.id);
    removed += rowsChanged(sql);
  }
  if (removed > 0) sql.exec("DELETE FROM zset_node WHERE key_id = ?", id);
  return overwritten(ks, first, event, removed > 0);
}

/** The end of an in-place STORE: no TTL, the tree built again when `rebuild`, the command's event; an emptied key deleted (a `del`). */
function overwritten(ks: Keyspace, target: Source, event: string, rebuild: boolean): number {
  const { id, row } = target.input.set;
  const card = countMembers(ks.sql, id);
  if (card === 0) {
    ks.deleteEmptied(row);
    return 0;
  }
  if (row.expire_at !== null) ks.setExpire(row, null);
  if (rebuild) treeOf(ks.sql).build(id, card);
  ks.notify(Notify.ZSet, event, row.key);
  return card;
}

/** ZINTERCARD: how many members every input has, counting stops at `limit` (0: no limit). */
export function algebraInterCard(ks: Keyspace, inputs: (AlgebraInput | null)[], limit: number): number {
  const ordered = sources({ op: "inter", inputs, weights: [], how: "sum" });
  if (ordered.some((s) => s === null)) return 0;
  const live = ordered as Source[];
  if (live.length > MAX_SQL_INPUTS) {
    const [first, ...rest] = live;
    let n = 0;
    for (const e of scanOf(first!)) {
      if (rest.every((s) => scoreIn(s, e.member) !== null) && ++n === limit) break;
    }
    return n;
  }
  return ks.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 ${interFrom(live)} LIMIT ?)`, limit === 0 ? -1 : limit).one().n;
}

/** Every member of an input with its raw score, a page at a time. */
function* scanOf(s: Source): Generator<Entry> {
  if (s.input.kind === "zset") {
    yield* s.input.set.scan();
    return;
  }
  let cursor = 0;
  do {
    const page = s.input.set.scan(cursor, 512);
    for (const member of page.members) yield { member, score: 1 };
    cursor = page.next;
  } while (cursor !== 0);
}

function scoreIn(s: Source, member: Uint8Array): number | null {
  return s.input.kind === "zset" ? s.input.set.score(member) : s.input.set.has(member) ? 1 : null;
}

/** A member's bytes as a Map key. */
function memberKey(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

/** Redis's zunionInterAggregate: `v` met with the value so far. */
function meet(acc: number, v: number, how: Aggregate): number {
  if (how === "min") return v < acc ? v : acc;
  if (how === "max") return v > acc ? v : acc;
  const s = acc + v;
  return Number.isNaN(s) ? 0 : s;
}

const cleaned = (v: number) => (Number.isNaN(v) ? 0 : v);

/** The algebra in memory, for more inputs than one statement takes: the same fold as the SQL, sorted by score then member. */
function combineInMemory(op: AlgebraOp, ordered: (Source | null)[], how: Aggregate): Entry[] {
  const out = new Map<string, Entry>();
  if (op === "union") {
    for (const s of ordered) {
      if (!s) continue;
      for (const e of scanOf(s)) {
        const k = memberKey(e.member);
        const v = cleaned(e.score * s.weight);
        const cur = out.get(k);
        if (cur) cur.score = meet(cur.score, v, how);
        else out.set(k, { member: e.member, score: v });
      }
    }
  } else if (op === "inter") {
    if (ordered.some((s) => !s)) return [];
    const [first, ...rest] = ordered as Source[];
    for (const e of scanOf(first!)) {
      let score = cleaned(e.score * first!.weight);
      let inAll = true;
      for (const s of rest) {
        const x = scoreIn(s, e.member);
        if (x === null) {
          inAll = false;
          break;
        }
        score = meet(score, x * s.weight, how);
      }
      if (inAll) out.set(memberKey(e.member), { member: e.member, score });
    }
  } else {
    const [first, ...rest] = ordered;
    if (!first) return [];
    for (const e of scanOf(first)) {
      if (!rest.some((s) => s && scoreIn(s, e.member) !== null)) out.set(memberKey(e.member), e);
    }
  }
  return [...out.values()].sort((a, b) => a.score - b.score || compareBytes(a.member, b.member));
}
