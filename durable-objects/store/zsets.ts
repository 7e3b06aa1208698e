/**
 * Sorted set keys: typed operations and the element store. Nothing here knows argv.
 *
 * Storage: one row per member in `zset_member` (key_id, member) → score, seq; an index on
 * (key_id, score, member) for order, one on (key_id, seq) for ZSCAN (a member's seq is fixed
 * while it stays, so a scan cursor survives inserts, removals and score changes), and the
 * order-statistics tree of zset-tree.ts in `zset_node` for ranks. Members are bytes (BLOBs, compared as memcmp, as Redis compares
 * them); scores are doubles (never NaN; -0 is stored as 0). Every range is first turned into
 * an interval of ranks (O(log n) each end), then read as "the member at rank i, then k
 * along the index", so any range, count or rank costs O(log n + k).
 *
 * Lex ranges assume, as Redis does, that all members share one score (then a lex bound is a
 * position in the member index). With several scores Redis leaves the answer unspecified, but a
 * small set (Redis's listpack, up to 128 members) answers deterministically: a walk in rank
 * order from the first member not below min (ZREVRANGEBYLEX: from the last not above max) for
 * as long as members stay on the near side of the other bound; small sets walk the same way
 * (`lexWalk`). Larger ones binary-search the rank order.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { KeyType, type ElementStore, type Keyspace, type KeyRow } from "./keyspace";
import { checkSize } from "./strings";
import { ZsetTree, toEntry, type Entry } from "./zset-tree";

export type { Entry } from "./zset-tree";

/** Migration that creates this type's element tables (appended to schema.ts's list). */
export const ZSET_MIGRATION = `
  CREATE TABLE zset_member (
    key_id INTEGER NOT NULL,
    member BLOB NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (key_id, member)
  ) WITHOUT ROWID;
  CREATE INDEX zset_member_by_score ON zset_member(key_id, score, member);
  CREATE TABLE zset_node (
    id INTEGER PRIMARY KEY,
    key_id INTEGER NOT NULL,
    parent INTEGER,
    seq INTEGER NOT NULL,
    level INTEGER NOT NULL,
    size INTEGER NOT NULL,
    cnt INTEGER NOT NULL,
    lo_score REAL,
    lo_member BLOB
  );
  CREATE INDEX zset_node_by_key ON zset_node(key_id, level, lo_score, lo_member);
  CREATE INDEX zset_node_children ON zset_node(parent, seq, cnt);`;

/**
 * Migration 7: `seq`, a member's place in ZSCAN order, given at insertion (one more than the
 * key's largest) and kept while the member stays, whatever its score does; so a ZSCAN cursor
 * (the next seq) returns every member present for the whole scan, as Redis guarantees.
 */
export const ZSET_SEQ_MIGRATION = `
  ALTER TABLE zset_member ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX zset_member_by_seq ON zset_member(key_id, seq);`;

const trees = new WeakMap<SqlStorage, ZsetTree>();
export function treeOf(sql: SqlStorage): ZsetTree {
  let t = trees.get(sql);
  if (!t) trees.set(sql, (t = new ZsetTree(sql)));
  return t;
}

export function zsetElements(sql: SqlStorage): ElementStore {
  const tree = treeOf(sql);
  return {
    drop: (row, limit) => tree.dropIfSmall(row.id, limit),
    dropSome: (id, limit) => tree.dropSome(id, limit),
    dropAll: () => tree.dropAll(),
    copy: (from, to) => tree.copy(from, to),
  };
}

/** A bound of a score range: `(v` is exclusive. */
export interface ScoreBound {
  value: number;
  exclusive: boolean;
}
/** A bound of a lex range: `-`, `+`, `[v` or `(v`. */
export type LexBound = { kind: "min" } | { kind: "max" } | { kind: "value"; value: Uint8Array; exclusive: boolean };

export type Range =
  | { by: "rank"; start: number; stop: number }
  | { by: "score"; min: ScoreBound; max: ScoreBound }
  | { by: "lex"; min: LexBound; max: LexBound };

export interface RangeOptions {
  rev?: boolean;
  /** LIMIT offset count (count < 0: all). */
  limit?: { offset: number; count: number };
}

const EMPTY = new Uint8Array(0);

/** A live sorted set: its key row and the tree. */
export class SortedSet {
  constructor(
    readonly ks: Keyspace,
    readonly row: KeyRow,
    readonly tree: ZsetTree,
  ) {}

  get id(): number {
    return this.row.id;
  }

  card(): number {
    return this.tree.card(this.id);
  }

  score(member: Uint8Array): number | null {
    const r = this.ks.sql
      .exec<{ score: number }>("SELECT score FROM zset_member WHERE key_id = ? AND member = ?", this.id, member)
      .toArray()[0];
    return r ? r.score : null;
  }

  /** Adds or re-scores a member; returns "added", "updated" or "same". */
  put(member: Uint8Array, score: number, old: number | null = this.score(member)): "added" | "updated" | "same" {
    score = score + 0;
    if (old === null) {
      this.tree.insert(this.id, { score, member });
      return "added";
    }
    if (old === score) return "same";
    this.tree.move(this.id, member, old, score);
    return "updated";
  }

  /** Removes a member; true if it was there. The caller deletes the key once it is empty. */
  remove(member: Uint8Array): boolean {
    const old = this.score(member);
    if (old === null) return false;
    this.tree.remove(this.id, { score: old, member });
    return true;
  }

  /** Deletes the key if the last member went; true if it did. */
  deleteIfEmpty(): boolean {
    if (this.card() > 0) return false;
    this.ks.deleteEmptied(this.row);
    return true;
  }

  /** 0-based rank of a member in ascending order, with its score; null if absent. */
  rankOf(member: Uint8Array): { rank: number; score: number } | null {
    const score = this.score(member);
    if (score === null) return null;
    return { rank: this.tree.rank(this.id, score, member), score };
  }

  /** Rank of the first member satisfying `cond` in (score, member) order, or card. */
  private firstRank(cond: string, ...params: unknown[]): number {
    const r = this.ks.sql
      .exec<{ score: number; member: ArrayBuffer }>(
        `SELECT score, member FROM zset_member WHERE key_id = ? AND ${cond} ORDER BY score, member LIMIT 1`,
        this.id,
        ...params,
      )
      .toArray()[0];
    return r ? this.tree.rank(this.id, r.score, new Uint8Array(r.member)) : this.card();
  }

  private endScore(last: boolean): number | null {
    const r = this.ks.sql
      .exec<{ score: number }>(
        `SELECT score FROM zset_member WHERE key_id = ? ORDER BY score ${last ? "DESC" : ""}, member ${last ? "DESC" : ""} LIMIT 1`,
        this.id,
      )
      .toArray()[0];
    return r ? r.score : null;
  }

  /**
   * The rank where a lex bound falls: the first member not below a min bound (isMax false) or
   * the first member above a max bound. When every member has one score, it is a rank of the
   * position (score, bound); otherwise a binary search over ranks, which is what Redis's
   * skiplist walk amounts to (and as unspecified when members are not in lex order).
   */
  private lexRank(b: LexBound, isMax: boolean, oneScore: number | null): number {
    if (b.kind === "min") return 0;
    if (b.kind === "max") return this.card();
    const includeSelf = isMax ? !b.exclusive : b.exclusive;
    if (oneScore !== null) {
      const before = this.tree.rank(this.id, oneScore, b.value);
      if (!includeSelf) return before;
      const present = this.ks.sql
        .exec("SELECT 1 FROM zset_member WHERE key_id = ? AND member = ? AND score = ?", this.id, b.value, oneScore)
        .toArray().length;
      return before + present;
    }
    let lo = 0;
    let hi = this.card();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const c = compareBytes(this.tree.at(this.id, mid)!.member, b.value);
      if (includeSelf ? c > 0 : c >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The ranks [from, to) a score or lex range covers (from ≥ to: empty). Rank ranges are not normalized here. */
  span(range: Exclude<Range, { by: "rank" }>): [number, number] {
    if (range.by === "score") {
      const { min, max } = range;
      if (min.value > max.value || (min.value === max.value && (min.exclusive || max.exclusive))) return [0, 0];
      const from = min.exclusive ? this.firstRank("score > ?", min.value) : this.tree.rank(this.id, min.value, EMPTY);
      const to = max.exclusive ? this.tree.rank(this.id, max.value, EMPTY) : this.firstRank("score > ?", max.value);
      return [from, to];
    }
    if (lexEmpty(range.min, range.max)) return [0, 0];
    const low = this.endScore(false);
    if (low === null) return [0, 0];
    const oneScore = low === this.endScore(true) ? low : null;
    if (oneScore === null && this.card() <= LEX_WALK_MAX) return this.lexWalk(range, false);
    return [this.lexRank(range.min, false, oneScore), this.lexRank(range.max, true, oneScore)];
  }

  /** True if a lex range over this set must walk (`lexWalk`): several scores, at most LEX_WALK_MAX members. */
  private walksLex(range: Range): range is Extract<Range, { by: "lex" }> {
    if (range.by !== "lex" || this.card() > LEX_WALK_MAX) return false;
    const low = this.endScore(false);
    return low !== null && low !== this.endScore(true);
  }

  /**
   * A lex range over members of several scores, as Redis walks a listpack: nothing unless the
   * last member is not below min and the first not above max; then from the first member not
   * below min (rev: the last not above max), past `offset` members, for up to `count` members
   * while each stays not above max (rev: not below min). The ranks [from, to).
   */
  private lexWalk(range: Extract<Range, { by: "lex" }>, rev: boolean, limit?: { offset: number; count: number }): [number, number] {
    if (lexEmpty(range.min, range.max)) return [0, 0];
    const members = this.read(0, this.card()).map((e) => e.member);
    const n = members.length;
    const gteMin = (m: Uint8Array) => lexGteMin(m, range.min);
    const lteMax = (m: Uint8Array) => lexLteMax(m, range.max);
    if (n === 0 || !gteMin(members[n - 1]!) || !lteMax(members[0]!)) return [0, 0];
    const offset = limit?.offset ?? 0;
    const count = limit && limit.count >= 0 ? limit.count : n;
    if (offset < 0) return [0, 0];
    if (!rev) {
      const first = members.findIndex(gteMin);
      if (first === -1 || !lteMax(members[first]!)) return [0, 0];
      const from = first + offset;
      let to = from;
      while (to < n && to - from < count && lteMax(members[to]!)) to++;
      return from < n ? [from, to] : [0, 0];
    }
    const last = members.findLastIndex(lteMax);
    if (last === -1 || !gteMin(members[last]!)) return [0, 0];
    const to = last + 1 - offset;
    let from = to;
    while (from > 0 && to - from < count && gteMin(members[from - 1]!)) from--;
    return to > 0 ? [from, to] : [0, 0];
  }

  /** The rank interval [from, to) selected by a range with its options, in reply order. */
  window(range: Range, opts: RangeOptions = {}): { from: number; to: number; rev: boolean } {
    const card = this.card();
    const rev = !!opts.rev;
    let from: number, to: number;
    if (range.by === "rank") {
      let start = range.start < 0 ? card + range.start : range.start;
      let stop = range.stop < 0 ? card + range.stop : range.stop;
      if (start < 0) start = 0;
      if (start > stop || start >= card) return { from: 0, to: 0, rev };
      if (stop >= card) stop = card - 1;
      [from, to] = rev ? [card - 1 - stop, card - start] : [start, stop + 1];
    } else if (this.walksLex(range)) {
      [from, to] = this.lexWalk(range, rev, opts.limit);
      if (from >= to) return { from: 0, to: 0, rev };
    } else {
      [from, to] = this.span(range);
      if (from >= to) return { from: 0, to: 0, rev };
      if (opts.limit) {
        const { offset, count } = opts.limit;
        if (offset < 0) return { from: 0, to: 0, rev };
        if (rev) {
          to = Math.max(from, to - offset);
          if (count >= 0) from = Math.max(from, to - count);
        } else {
          from = Math.min(to, from + offset);
          if (count >= 0) to = Math.min(to, from + count);
        }
      }
    }
    return { from, to, rev };
  }

  /** Members of ranks [from, to), ascending, or descending when `rev`. */
  read(from: number, to: number, rev = false): Entry[] {
    if (from >= to) return [];
    const first = this.tree.at(this.id, rev ? to - 1 : from);
    if (!first) return [];
    const q = rev
      ? "SELECT score, member FROM zset_member WHERE key_id = ? AND (score, member) <= (?, ?) ORDER BY score DESC, member DESC LIMIT ?"
      : "SELECT score, member FROM zset_member WHERE key_id = ? AND (score, member) >= (?, ?) ORDER BY score, member LIMIT ?";
    return this.ks.sql
      .exec<{ score: number; member: ArrayBuffer }>(q, this.id, first.score, first.member, to - from)
      .toArray()
      .map(toEntry);
  }

  range(range: Range, opts: RangeOptions = {}): Entry[] {
    const w = this.window(range, opts);
    return this.read(w.from, w.to, w.rev);
  }

  /**
   * Removes the members of ranks [from, to), in chunks (nothing big is held in memory); returns
   * how many. `event`: the command's keyspace event, raised when something went (before the key's `del`).
   */
  removeRanks(from: number, to: number, event?: string): number {
    const n = Math.max(0, to - from);
    if (n > 0 && event) this.ks.notify(Notify.ZSet, event, this.row.key);
    if (n > 0 && n >= this.card()) {
      this.ks.deleteEmptied(this.row);
      return n;
    }
    for (let left = n; left > 0; ) {
      const chunk = this.read(from, from + Math.min(left, 512));
      for (const e of chunk) this.tree.remove(this.id, e);
      left -= chunk.length;
      if (chunk.length === 0) break;
    }
    this.deleteIfEmpty();
    return n;
  }

  /** Removes and returns up to `count` members from the low (or high) end (a zpopmin/zpopmax event when any). */
  pop(count: number, max: boolean): Entry[] {
    const card = this.card();
    const n = Math.min(count, card);
    const out = max ? this.read(card - n, card, true) : this.read(0, n);
    for (const e of out) this.tree.remove(this.id, e);
    if (out.length > 0) this.ks.notify(Notify.ZSet, max ? "zpopmax" : "zpopmin", this.row.key);
    this.deleteIfEmpty();
    return out;
  }

  /** Up to `count` members in scan order from seq `cursor` on, and the cursor after them (0 at the end). */
  scanPage(cursor: number, count: number): { entries: Entry[]; next: number } {
    const rows = this.ks.sql
      .exec<{ score: number; member: ArrayBuffer; seq: number }>(
        "SELECT score, member, seq FROM zset_member WHERE key_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
        this.id,
        cursor,
        count + 1,
      )
      .toArray();
    const next = rows.length > count ? rows.pop()!.seq : 0;
    return { entries: rows.map(toEntry), next };
  }

  /**
   * The members with min <= score < max, ascending, `chunk` rows per query: one walk of the
   * score index with no ranks (a geo search reads up to 9 such ranges; store/geohash.ts).
   */
  scoreRange(min: number, maxExclusive: number, chunk = 512): Generator<Entry> {
    return this.walk(min, maxExclusive, chunk);
  }

  /** Every member in ascending order, `chunk` at a time (for set algebra over big sets). */
  scan(chunk = 512): Generator<Entry> {
    return this.walk(null, null, chunk);
  }

  /** Members in (score, member) order from `min` (null: the first) below `maxExclusive` (null: no end), paged by `chunk`. */
  private *walk(min: number | null, maxExclusive: number | null, chunk: number): Generator<Entry> {
    const below = maxExclusive === null ? "" : " AND score < ?";
    const bound = maxExclusive === null ? [] : [maxExclusive];
    let after: Entry | null = null;
    for (;;) {
      const rows: Entry[] = (
        after
          ? this.ks.sql.exec<{ score: number; member: ArrayBuffer }>(
              `SELECT score, member FROM zset_member WHERE key_id = ? AND (score, member) > (?, ?)${below} ORDER BY score, member LIMIT ?`,
              this.id,
              after.score,
              after.member,
              ...bound,
              chunk,
            )
          : this.ks.sql.exec<{ score: number; member: ArrayBuffer }>(
              `SELECT score, member FROM zset_member WHERE key_id = ?${min === null ? "" : " AND score >= ?"}${below} ORDER BY score, member LIMIT ?`,
              this.id,
              ...(min === null ? [] : [min]),
              ...bound,
              chunk,
            )
      )
        .toArray()
        .map(toEntry);
      yield* rows;
      if (rows.length < chunk) return;
      after = rows[rows.length - 1]!;
    }
  }
}

/** Sorted sets up to this size walk a lex range over several scores as Redis's listpack does. */
const LEX_WALK_MAX = 128;

/** True if member `m` is not below the lex bound `min` (as Redis's zslLexValueGteMin). */
function lexGteMin(m: Uint8Array, min: LexBound): boolean {
  if (min.kind !== "value") return min.kind === "min";
  const c = compareBytes(m, min.value);
  return min.exclusive ? c > 0 : c >= 0;
}

/** True if member `m` is not above the lex bound `max` (as Redis's zslLexValueLteMax). */
function lexLteMax(m: Uint8Array, max: LexBound): boolean {
  if (max.kind !== "value") return max.kind === "max";
  const c = compareBytes(m, max.value);
  return max.exclusive ? c < 0 : c <= 0;
}

function lexEmpty(min: LexBound, max: LexBound): boolean {
  if (min.kind === "max" || max.kind === "min") return true;
  if (min.kind === "value" && max.kind === "value") {
    const c = compareBytes(min.value, max.value);
    return c > 0 || (c === 0 && (min.exclusive || max.exclusive));
  }
  return false;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The sorted set at `key`, null if absent; WRONGTYPE for another type. */
export function findZset(ks: Keyspace, key: string): SortedSet | null {
  const row = ks.findOfType(key, KeyType.ZSet);
  return row ? new SortedSet(ks, row, treeOf(ks.sql)) : null;
}

/** The sorted set at `key`, created empty if absent (the caller must add a member or delete it). */
export function findOrCreateZset(ks: Keyspace, key: string, replacing = false): SortedSet {
  const found = findZset(ks, key);
  if (found) return found;
  const id = ks.insert(key, KeyType.ZSet, null, null, null, replacing);
  return new SortedSet(ks, { id, key, type: KeyType.ZSet, value: null, expire_at: null }, treeOf(ks.sql));
}

export interface ZaddOptions {
  mode?: "nx" | "xx";
  cmp?: "gt" | "lt";
  ch?: boolean;
  incr?: boolean;
}

/**
 * ZADD's generic operation (ZADD, ZINCRBY). Returns the reply count (added, or changed with
 * CH), or with `incr` the new score (null when a condition refused the update).
 */
export function zadd(ks: Keyspace, key: string, items: Entry[], opts: ZaddOptions = {}): number | { score: number | null } {
  for (const e of items) checkSize(e.member.length);
  let set = findZset(ks, key);
  if (!set && opts.mode === "xx") return opts.incr ? { score: null } : 0;
  set ??= findOrCreateZset(ks, key);
  let added = 0;
  let updated = 0;
  let result: number | null = null;
  for (const { member, score: given } of items) {
    const old = set.score(member);
    let score = given;
    if (old === null ? opts.mode === "xx" : opts.mode === "nx") continue;
    if (opts.incr && old !== null) {
      score = old + given;
      if (Number.isNaN(score)) throw new CommandError(Errors.zsetNaN);
    }
    if (old !== null && ((opts.cmp === "gt" && score <= old) || (opts.cmp === "lt" && score >= old))) continue;
    const r = set.put(member, score, old);
    if (r === "added") added++;
    else if (r === "updated") updated++;
    result = score;
  }
  if (added + updated > 0) ks.notify(Notify.ZSet, opts.incr ? "zincr" : "zadd", key);
  set.deleteIfEmpty();
  if (opts.incr) return { score: result };
  return opts.ch ? added + updated : added;
}
