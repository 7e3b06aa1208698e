/**
 * Set keys: typed operations and the element store. Nothing here knows argv.
 *
 * Storage: one row per member in `set_member` (key_id, member) WITHOUT ROWID, plus one row per
 * set in `set_meta` (key_id → card, next_seq). Members are bytes (BLOBs, compared as memcmp).
 * Each member row carries two integers, each with an index:
 * - `ord`, a dense ordinal: the members of a set hold exactly 0..card-1. SADD appends
 *   ord = card; SREM moves the member holding ord card-1 into the hole it leaves (swap-remove,
 *   as in an array-backed set), so the ordinals stay dense at O(log n) per removal. A uniformly
 *   random member is then "the member at ord r" for r uniform in [0, card): one index seek.
 *   SRANDMEMBER/SPOP pick k ordinals (distinct ones, or with repetition for a negative count)
 *   and read only those rows: O(k log n), never the whole set; SPOP swap-removes each pick.
 * - `seq`, a per-set counter assigned at insertion and never changed: SSCAN walks members in
 *   seq order with the cursor "next seq", so a member present for the whole iteration is
 *   returned exactly once whatever else is added or removed (ords move; seqs do not).
 * SCARD reads `card` (O(1)); SISMEMBER/SADD/SREM are primary-key operations (O(log n)).
 *
 * Set algebra (SINTER, SUNION, SDIFF, their STORE forms, SINTERCARD): set-algebra.ts.
 */
import { Notify } from "../pubsub/notify";
import { CommandError } from "../reply";
import { Errors } from "../errors";
import { globMatch } from "./glob";
import { KeyType, type ElementStore, type Keyspace, type KeyRow } from "./keyspace";
import { checkSize } from "./strings";
import { rowsChanged } from "./lazy-free";

/** Migration that creates this type's element tables (appended to schema.ts's list). */
export const SET_MIGRATION = `
  CREATE TABLE set_meta (
    key_id INTEGER PRIMARY KEY,
    card INTEGER NOT NULL,
    next_seq INTEGER NOT NULL
  );
  CREATE TABLE set_member (
    key_id INTEGER NOT NULL,
    member BLOB NOT NULL,
    ord INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key_id, member)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX set_member_by_ord ON set_member(key_id, ord);
  CREATE INDEX set_member_by_seq ON set_member(key_id, seq);`;

/**
 * Most elements SRANDMEMBER, HRANDFIELD and ZRANDMEMBER return for a negative count (repeats
 * allowed, so the reply is that long whatever the size). Redis streams such a reply until the
 * client buffer limit closes the connection; a shard builds its reply in memory, so it refuses.
 */
export const MAX_RANDOM_REPEATS = 100_000;

/** Ordinals looked up per statement when reading picks. */
const PICK_CHUNK = 1000;

export function setElements(sql: SqlStorage): ElementStore {
  return {
    drop(row, limit) {
      const card = sql.exec<{ card: number }>("DELETE FROM set_meta WHERE key_id = ? RETURNING card", row.id).toArray()[0]?.card ?? 0;
      if (card > limit) return false;
      sql.exec("DELETE FROM set_member WHERE key_id = ?", row.id);
      return true;
    },
    dropSome(id, limit) {
      sql.exec("DELETE FROM set_meta WHERE key_id = ?", id);
      sql.exec(
        "DELETE FROM set_member WHERE key_id = ? AND member IN (SELECT member FROM set_member WHERE key_id = ? LIMIT ?)",
        id,
        id,
        limit,
      );
      return rowsChanged(sql);
    },
    dropAll() {
      sql.exec("DELETE FROM set_member");
      sql.exec("DELETE FROM set_meta");
    },
    copy(from, to) {
      sql.exec("INSERT INTO set_member (key_id, member, ord, seq) SELECT ?, member, ord, seq FROM set_member WHERE key_id = ?", to, from);
      sql.exec("INSERT INTO set_meta (key_id, card, next_seq) SELECT ?, card, next_seq FROM set_meta WHERE key_id = ?", to, from);
    },
  };
}

function blob(v: ArrayBuffer): Uint8Array {
  return new Uint8Array(v);
}

function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

/** A live set: its key row, cardinality and next seq, written back by `save`. */
export class SetKey {
  constructor(
    readonly ks: Keyspace,
    readonly row: KeyRow,
    public card: number,
    public nextSeq: number,
  ) {}

  private get sql(): SqlStorage {
    return this.ks.sql;
  }

  get id(): number {
    return this.row.id;
  }

  /** Writes card/next_seq back, or deletes the key when the set is empty. */
  save(): void {
    if (this.card === 0) this.ks.deleteEmptied(this.row);
    else this.sql.exec("UPDATE set_meta SET card = ?, next_seq = ? WHERE key_id = ?", this.card, this.nextSeq, this.id);
  }

  has(member: Uint8Array): boolean {
    return this.sql.exec("SELECT 1 FROM set_member WHERE key_id = ? AND member = ?", this.id, member).toArray().length > 0;
  }

  /** Adds `member`; true if it was not there. */
  add(member: Uint8Array): boolean {
    const added = this.sql
      .exec(
        "INSERT INTO set_member (key_id, member, ord, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1",
        this.id,
        member,
        this.card,
        this.nextSeq,
      )
      .toArray().length > 0;
    if (added) {
      this.card++;
      this.nextSeq++;
    }
    return added;
  }

  /**
   * Adds members known to be new and distinct (a restored payload), NEW_BATCH to a statement,
   * with the ordinals and seqs `add` would give them one by one; `save` must follow.
   */
  addAllNew(members: Uint8Array[]): void {
    for (let i = 0; i < members.length; i += NEW_BATCH) {
      const batch = members.slice(i, i + NEW_BATCH);
      const params: (Uint8Array | number)[] = [];
      for (const m of batch) params.push(m, this.card++, this.nextSeq++);
      this.sql.exec(`INSERT INTO set_member (key_id, member, ord, seq) VALUES ${batch.map(() => `(${this.id}, ?, ?, ?)`).join(", ")}`, ...params);
    }
  }

  /** Removes `member`; true if it was there. */
  remove(member: Uint8Array): boolean {
    const gone = this.sql
      .exec<{ ord: number }>("DELETE FROM set_member WHERE key_id = ? AND member = ? RETURNING ord", this.id, member)
      .toArray()[0];
    if (!gone) return false;
    this.fillHole(gone.ord);
    return true;
  }

  /** After the member at `ord` went: the last ordinal moves into the hole. */
  private fillHole(ord: number): void {
    this.card--;
    if (ord !== this.card) this.sql.exec("UPDATE set_member SET ord = ? WHERE key_id = ? AND ord = ?", ord, this.id, this.card);
  }

  /** Every member, in member order. */
  members(): Uint8Array[] {
    return this.sql
      .exec<{ member: ArrayBuffer }>("SELECT member FROM set_member WHERE key_id = ?", this.id)
      .toArray()
      .map((r) => blob(r.member));
  }

  /** The members at the given ordinals, one per ordinal (repeats included), in no particular order. */
  atOrds(ords: number[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < ords.length; i += PICK_CHUNK) {
      const chunk = ords.slice(i, i + PICK_CHUNK);
      const byOrd = new Map<number, Uint8Array>();
      // `ord IN (…)` probes the ord index once per distinct ordinal (a join on json_each may scan the set).
      const rows = this.sql.exec<{ ord: number; member: ArrayBuffer }>(
        "SELECT ord, member FROM set_member WHERE key_id = ? AND ord IN (SELECT value FROM json_each(?))",
        this.id,
        JSON.stringify(chunk),
      );
      for (const r of rows) byOrd.set(r.ord, blob(r.member));
      for (const o of chunk) out.push(byOrd.get(o)!);
    }
    return out;
  }

  /** Removes and returns one uniformly random member (the set is not empty). */
  popRandom(): Uint8Array {
    const r = randomBelow(this.card);
    const row = this.sql
      .exec<{ member: ArrayBuffer }>("DELETE FROM set_member WHERE key_id = ? AND ord = ? RETURNING member", this.id, r)
      .one();
    this.fillHole(r);
    return blob(row.member);
  }

  /** `count` distinct random members (count < card). */
  randomDistinct(count: number): Uint8Array[] {
    if (count * 2 <= this.card) {
      const picked = new Set<number>();
      while (picked.size < count) picked.add(randomBelow(this.card));
      return this.atOrds([...picked]);
    }
    // Most of the set: pick the ordinals to leave out, then read the rest.
    const left = new Set<number>();
    while (left.size < this.card - count) left.add(randomBelow(this.card));
    const out: Uint8Array[] = [];
    for (const r of this.sql.exec<{ member: ArrayBuffer; ord: number }>("SELECT member, ord FROM set_member WHERE key_id = ?", this.id)) {
      if (!left.has(r.ord)) out.push(blob(r.member));
    }
    return out;
  }

  /** `count` random members, repeats allowed. */
  randomRepeating(count: number): Uint8Array[] {
    return this.atOrds(Array.from({ length: count }, () => randomBelow(this.card)));
  }

  /** Up to `count` members from seq `cursor` on, and the cursor after them (0 at the end). */
  scan(cursor: number, count: number): { members: Uint8Array[]; next: number } {
    const rows = this.sql
      .exec<{ member: ArrayBuffer; seq: number }>(
        "SELECT member, seq FROM set_member WHERE key_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
        this.id,
        cursor,
        count + 1,
      )
      .toArray();
    const next = rows.length > count ? rows.pop()!.seq : 0;
    return { members: rows.map((r) => blob(r.member)), next };
  }
}

/** The set at `key`, or null; WRONGTYPE for another type. */
export function findSet(ks: Keyspace, key: string): SetKey | null {
  return setOfRow(ks, ks.findOfType(key, KeyType.Set));
}

/** The set of a key row already looked up (null for none); the row must be a set's. */
export function setOfRow(ks: Keyspace, row: KeyRow | null): SetKey | null {
  if (!row) return null;
  const m = ks.sql.exec<{ card: number; next_seq: number }>("SELECT card, next_seq FROM set_meta WHERE key_id = ?", row.id).one();
  return new SetKey(ks, row, m.card, m.next_seq);
}

/** Creates an empty set at `key` (which must not exist); `save` must follow an add. */
function createSet(ks: Keyspace, key: string): SetKey {
  const id = ks.insert(key, KeyType.Set, null, null);
  ks.sql.exec("INSERT INTO set_meta (key_id, card, next_seq) VALUES (?, 0, 1)", id);
  return new SetKey(ks, { id, key, type: KeyType.Set, value: null, expire_at: null }, 0, 1);
}

/** Rows per multi-row INSERT of new members: three bound parameters each, under the limit of 100. */
const NEW_BATCH = 33;

/** Writes a new set at `key` (absent) of `members`, all distinct (RESTORE), in batched INSERTs. */
export function createSetOf(ks: Keyspace, key: string, members: Uint8Array[]): void {
  for (const m of members) checkSize(m.length);
  const set = createSet(ks, key);
  set.addAllNew(members);
  set.save();
}

/** SADD: how many members were new. */
export function setAdd(ks: Keyspace, key: string, members: Uint8Array[]): number {
  for (const m of members) checkSize(m.length);
  const set = findSet(ks, key) ?? createSet(ks, key);
  let n = 0;
  for (const m of members) if (set.add(m)) n++;
  if (n > 0) ks.notify(Notify.Set, "sadd", key);
  set.save();
  return n;
}

/** SREM: how many members were there. */
export function setRemove(ks: Keyspace, key: string, members: Uint8Array[]): number {
  const set = findSet(ks, key);
  if (!set) return 0;
  let n = 0;
  for (const m of members) if (set.remove(m)) n++;
  if (n > 0) ks.notify(Notify.Set, "srem", key);
  set.save();
  return n;
}

export function setMembers(ks: Keyspace, key: string): Uint8Array[] {
  return findSet(ks, key)?.members() ?? [];
}

export function setCard(ks: Keyspace, key: string): number {
  return findSet(ks, key)?.card ?? 0;
}

/** SISMEMBER/SMISMEMBER: 1 or 0 per member. */
export function setHas(ks: Keyspace, key: string, members: Uint8Array[]): number[] {
  const set = findSet(ks, key);
  return members.map((m) => (set?.has(m) ? 1 : 0));
}

/** SPOP: up to `count` random members, removed; null when there is no set. */
export function setPop(ks: Keyspace, key: string, count: number): Uint8Array[] | null {
  const set = findSet(ks, key);
  if (!set) return null;
  let out: Uint8Array[];
  if (count >= set.card) {
    out = set.members();
    set.card = 0;
  } else {
    out = [];
    for (let i = 0; i < count; i++) out.push(set.popRandom());
  }
  if (out.length > 0) ks.notify(Notify.Set, "spop", key);
  set.save();
  return out;
}

/** SRANDMEMBER: `count` ≥ 0 distinct members (at most all), < 0 that many with repeats. */
export function setRandom(ks: Keyspace, key: string, count: number): Uint8Array[] | null {
  const set = findSet(ks, key);
  if (!set) return null;
  if (count < 0) {
    if (-count > MAX_RANDOM_REPEATS) throw new CommandError(Errors.randomCountTooLarge(MAX_RANDOM_REPEATS));
    return set.randomRepeating(-count);
  }
  if (count >= set.card) return set.members();
  return set.randomDistinct(count);
}

/**
 * SMOVE's move, once its rule (commands/sets.ts smoveOutcome) says to: `member` leaves the set at
 * `src` for the one at `dst` (created when missing). 1 if it moved, else 0.
 */
export function setMove(ks: Keyspace, src: string, dst: string, member: Uint8Array): number {
  const source = findSet(ks, src);
  if (!source || src === dst) return 0;
  const existing = findSet(ks, dst);
  if (!source.remove(member)) return 0;
  // As Redis: the source's srem (and del when it emptied), then the destination's creation and sadd.
  ks.notify(Notify.Set, "srem", src);
  source.save();
  const target = existing ?? createSet(ks, dst);
  if (target.add(member)) ks.notify(Notify.Set, "sadd", dst);
  target.save();
  return 1;
}

/** SSCAN: members from `cursor` on (at most `count` looked at), filtered by `match`. */
export function setScan(
  ks: Keyspace,
  key: string,
  cursor: number,
  count: number,
  match: Uint8Array | null,
): { next: number; members: Uint8Array[] } | null {
  const set = findSet(ks, key);
  if (!set) return null;
  const page = set.scan(cursor, count);
  return { next: page.next, members: match ? page.members.filter((m) => globMatch(match, m)) : page.members };
}
