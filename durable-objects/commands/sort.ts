/**
 * SORT and SORT_RO: the elements of a list, a set or a sorted set, sorted by their value (as
 * doubles, or bytes with ALPHA) or by the values of keys their patterns form (BY), optionally
 * replaced by such values (GET), cut by LIMIT and stored as a list (STORE), as Redis's sort.c:
 *
 * - A value sorts as a double parsed like C's strtod over the whole value (leading spaces, hex
 *   and `inf` accepted, "" is 0); one that does not parse, overflows, underflows or is NaN makes
 *   the command answer `ERR One or more scores can't be converted into double`, nothing stored.
 *   Equal scores are ordered by the elements' bytes. With ALPHA, bytes compare as memcmp, and
 *   BY values that are missing sort first (ties keep the order the elements were read in).
 * - BY a pattern with no `*` (`BY nosort`) does not sort: a list keeps its order, a sorted set
 *   its score order (DESC reverses both), and LIMIT reads only the range it selects. A set has no
 *   order of its own: it is sorted ALPHA, as Redis does when it STOREs or runs in a script.
 * - A pattern's first `*` is replaced by the element; `key->field` reads a hash's field; `#`
 *   (GET only) is the element itself. A formed key of another type, or missing, reads as nil.
 * - Our keyspace is sharded as a cluster, so the rule of Redis Cluster holds: a BY or GET
 *   pattern is refused unless every key it forms hashes to the sorted key's slot (it carries
 *   the key's hash tag, `{tag}:w_*` for `{tag}:list`); `GET #` forms no key and is always allowed.
 *   A STORE destination on another shard runs gathered (worker/cross-gathered.ts): the sorted
 *   key's shard runs the command, so its pattern keys are its own; in a gathered transaction
 *   whose home is another slot, patterns that form keys are refused.
 * - Redis sorts in memory; so does a shard, up to SORT_MAX_BYTES of elements, BY values and
 *   results (each element counted with ELEMENT_OVERHEAD bytes more), then a clear error.
 */
import { bytes, parseI64, text, utf8, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors } from "../errors";
import { SHARD_REPLY_MAX_BYTES } from "../reply-budget";
import { CommandError, type Reply } from "../reply";
import { patternSlot, slotOf } from "../slots";
import { openHash } from "../store/hashes";
import { KeyType, type Keyspace } from "../store/keyspace";
import { findList, storeList } from "../store/lists";
import { findSet } from "../store/sets";
import { getString } from "../store/strings";
import { compareBytes, findZset } from "../store/zsets";
import { MAX_KEY_BYTES, type CommandSpec } from "../table";

/** The most bytes one SORT holds in memory: the shard's reply budget for one batch. */
export const SORT_MAX_BYTES = SHARD_REPLY_MAX_BYTES;
/** What one element costs beyond its bytes (its slot in the vector, score, references). */
const ELEMENT_OVERHEAD = 64;
/** Elements read per statement. */
const WINDOW = 1024;

const STAR = 0x2a;
const EMPTY = new Uint8Array(0);

interface SortRequest {
  key: string;
  desc: boolean;
  alpha: boolean;
  limitStart: bigint;
  limitCount: bigint;
  by: Uint8Array | null;
  dontsort: boolean;
  gets: Uint8Array[];
  store: string | null;
}

interface Item {
  value: Uint8Array;
  score: number;
  /** ALPHA with BY: the BY value, null when missing. */
  cmp: Uint8Array | null;
}

/** Counts the bytes a SORT holds and refuses past SORT_MAX_BYTES. */
class Memory {
  private used = 0;
  add(n: number): void {
    this.used += n;
    if (this.used > SORT_MAX_BYTES) throw new CommandError(Errors.sortTooLarge(SORT_MAX_BYTES));
  }
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const HEX_RE = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?/;
const HEX_EXP_RE = /^[pP]([+-]?\d+)/;
const DEC_RE = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const SPECIAL_RE = /^(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/i;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * A value as SORT's score: C's strtod over the value up to its first NUL byte, which must
 * consume all of it; null when it does not, or the result is NaN or out of range (ERANGE:
 * overflow, or a non-zero value below the smallest normal double). "" is 0.
 */
export function sortScore(value: Uint8Array): number | null {
  const nul = value.indexOf(0);
  const b = nul < 0 ? value : value.subarray(0, nul);
  if (b.length === 0) return 0;
  let s = "";
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  let i = 0;
  while (i < s.length && SPACE.has(s.charCodeAt(i))) i++;
  let sign = 1;
  if (s[i] === "+" || s[i] === "-") sign = s[i++] === "-" ? -1 : 1;
  const rest = s.slice(i);
  let v: number;
  let used: number;
  let nonZero: boolean;
  const special = SPECIAL_RE.exec(rest);
  const hex = HEX_RE.exec(rest);
  if (special) {
    if (special[0][0]!.toLowerCase() === "n") return null;
    v = Infinity;
    used = special[0].length;
    nonZero = true;
  } else if (hex && (hex[1]!.length > 0 || (hex[2] ?? "").length > 0)) {
    const digits = hex[1]! + (hex[2] ?? "");
    used = hex[0].length;
    let exp = -4 * (hex[2] ?? "").length;
    const e = HEX_EXP_RE.exec(rest.slice(used));
    if (e) {
      exp += Math.max(-1e6, Math.min(1e6, Number(e[1])));
      used += e[0].length;
    }
    nonZero = /[1-9a-fA-F]/.test(digits);
    v = Number(BigInt(`0x${digits}`));
    for (; exp > 1000 && v !== Infinity; exp -= 1000) v *= 2 ** 1000;
    for (; exp < -1000 && v !== 0; exp += 1000) v *= 2 ** -1000;
    v *= 2 ** exp;
  } else {
    const d = DEC_RE.exec(rest);
    if (!d) return null; // no conversion: strtod stops at the start
    used = d[0].length;
    v = Number(d[0]);
    nonZero = /[1-9]/.test(d[0].replace(/[eE].*$/, ""));
  }
  if (i + used !== s.length) return null;
  if (Number.isNaN(v)) return null;
  if (nonZero && (v === 0 || (Number.isFinite(v) && v < MIN_NORMAL))) return null;
  if (!special && !Number.isFinite(v)) return null;
  return sign * v;
}

/**
 * The value a pattern reads for one element (Redis's lookupKeyByPattern): `#` is the element;
 * the first `*` is replaced by it; `->field` after the `*` reads that field of a hash; a string
 * key reads its value; anything else, or no `*`, is nil.
 */
function lookupByPattern(ks: Keyspace, pattern: Uint8Array, element: Uint8Array): Uint8Array | null {
  if (pattern.length === 1 && pattern[0] === 0x23) return element;
  const star = pattern.indexOf(STAR);
  if (star < 0) return null;
  let arrow = -1;
  for (let i = star + 1; i + 1 < pattern.length; i++) {
    if (pattern[i] === 0x2d && pattern[i + 1] === 0x3e) {
      arrow = i + 2 < pattern.length ? i : -1;
      break;
    }
  }
  const suffix = pattern.subarray(star + 1, arrow >= 0 ? arrow : pattern.length);
  if (star + element.length + suffix.length > MAX_KEY_BYTES) return null;
  const formed = new Uint8Array(star + element.length + suffix.length);
  formed.set(pattern.subarray(0, star));
  formed.set(element, star);
  formed.set(suffix, star + element.length);
  const key = utf8(formed);
  const row = ks.find(key);
  if (!row) return null;
  if (arrow >= 0) return row.type === KeyType.Hash ? (openHash(ks, key)?.get(pattern.subarray(arrow + 2)) ?? null) : null;
  return row.type === KeyType.String ? getString(ks, key) : null;
}

/** Refuses a BY/GET pattern whose keys may live in another slot than the sorted key (see the file's comment). */
function checkPattern(ctx: ExecContext, option: "BY" | "GET", pattern: Uint8Array, key: string): void {
  if (option === "GET" && pattern.length === 1 && pattern[0] === 0x23) return;
  if (patternSlot(pattern) !== slotOf(key)) throw new CommandError(Errors.sortPatternCrossSlot(option));
  const home = ctx.gatheredHome;
  if (home !== undefined && pattern.includes(STAR) && slotOf(home) !== slotOf(key)) {
    throw new CommandError(Errors.sortPatternGathered(option));
  }
}

function takeLong(a: Arg): bigint {
  const v = parseI64(text(a));
  if (v === null) throw new CommandError(Errors.notInteger);
  return v;
}

/** Parses the options in order, as Redis does: the first bad one answers its error. */
function parseSort(ctx: ExecContext, argv: Arg[], readonly: boolean): SortRequest {
  const req: SortRequest = {
    key: text(argv[1]!),
    desc: false,
    alpha: false,
    limitStart: 0n,
    limitCount: -1n,
    by: null,
    dontsort: false,
    gets: [],
    store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = text(argv[j]!).toLowerCase();
    if (opt === "asc") req.desc = false;
    else if (opt === "desc") req.desc = true;
    else if (opt === "alpha") req.alpha = true;
    else if (opt === "limit" && left >= 2) {
      req.limitStart = takeLong(argv[j + 1]!);
      req.limitCount = takeLong(argv[j + 2]!);
      j += 2;
    } else if (!readonly && opt === "store" && left >= 1) {
      req.store = text(argv[++j]!);
    } else if (opt === "by" && left >= 1) {
      req.by = bytes(argv[++j]!);
      // As Redis: a BY without `*` turns sorting off for good, even if a later BY has one.
      if (!req.by.includes(STAR)) req.dontsort = true;
      else checkPattern(ctx, "BY", req.by, req.key);
    } else if (opt === "get" && left >= 1) {
      const pattern = bytes(argv[++j]!);
      checkPattern(ctx, "GET", pattern, req.key);
      req.gets.push(pattern);
    } else {
      throw new CommandError(Errors.syntax);
    }
  }
  return req;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** LIMIT as Redis clamps it to a collection of `len`: the inclusive range [start, end] (end < start: empty). */
function clampLimit(req: SortRequest, len: number): { start: number; end: number } {
  const n = BigInt(len);
  let start = min(max(req.limitStart, 0n), n);
  const count = min(max(req.limitCount, -1n), n);
  let end = count < 0n ? n - 1n : start + count - 1n;
  if (start >= n) {
    start = n - 1n;
    end = n - 2n;
  }
  if (end >= n) end = n - 1n;
  return { start: Number(start), end: Number(end) };
}

function item(mem: Memory, value: Uint8Array): Item {
  mem.add(value.length + ELEMENT_OVERHEAD);
  return { value, score: 0, cmp: null };
}

/**
 * The elements to sort, and the inclusive range [start, end] of them to answer. Unsorted (BY
 * nosort) lists and sorted sets read only the LIMIT range, in order (reversed with DESC), and the
 * range is then all of what was read.
 */
function loadItems(ks: Keyspace, req: SortRequest, mem: Memory): { items: Item[]; start: number; end: number } {
  const row = ks.find(req.key);
  if (row && row.type !== KeyType.List && row.type !== KeyType.Set && row.type !== KeyType.ZSet) {
    throw new CommandError(Errors.wrongType);
  }
  const items: Item[] = [];
  if (!row) return { items, ...clampLimit(req, 0) };
  if (row.type === KeyType.List) {
    const list = findList(ks, req.key)!;
    let { start, end } = clampLimit(req, list.len);
    const [lo, hi] = req.dontsort ? (req.desc ? [list.len - 1 - end, list.len - 1 - start] : [start, end]) : [0, list.len - 1];
    for (let i = lo; i <= hi; i += WINDOW) for (const v of list.slice(i, Math.min(hi, i + WINDOW - 1))) items.push(item(mem, v));
    if (req.dontsort) {
      if (req.desc) items.reverse();
      [start, end] = [0, end - start];
    }
    return { items, start, end };
  }
  if (row.type === KeyType.ZSet) {
    const zset = findZset(ks, req.key)!;
    const card = zset.card();
    let { start, end } = clampLimit(req, card);
    if (req.dontsort) {
      const [from, to] = req.desc ? [card - 1 - end, card - start] : [start, end + 1];
      if (req.desc) for (let t = to; t > from; t -= WINDOW) for (const e of zset.read(Math.max(from, t - WINDOW), t, true)) items.push(item(mem, e.member));
      else for (let f = from; f < to; f += WINDOW) for (const e of zset.read(f, Math.min(to, f + WINDOW))) items.push(item(mem, e.member));
      return { items, start: 0, end: end - start };
    }
    for (const e of zset.scan(WINDOW)) items.push(item(mem, e.member));
    return { items, start, end };
  }
  const set = findSet(ks, req.key)!;
  let cursor = 0;
  do {
    const page = set.scan(cursor, WINDOW);
    for (const m of page.members) items.push(item(mem, m));
    cursor = page.next;
  } while (cursor !== 0);
  return { items, ...clampLimit(req, set.card) };
}

function compareItems(req: SortRequest, byPattern: boolean): (a: Item, b: Item) => number {
  const cmp = (a: Item, b: Item): number => {
    if (!req.alpha) return a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.value, b.value);
    if (!byPattern) return compareBytes(a.value, b.value);
    if (!a.cmp || !b.cmp) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
    return compareBytes(a.cmp, b.cmp);
  };
  return req.desc ? (a, b) => -cmp(a, b) : cmp;
}

/**
 * SORT's generic function:
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
 * SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
 */
function sortGeneric(readonly: boolean) {
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const ks = ctx.keyspace;
    const req = parseSort(ctx, argv, readonly);
    const sortsSet = ks.find(req.key)?.type === KeyType.Set;
    if (req.dontsort && sortsSet) {
      req.dontsort = false;
      req.alpha = true;
      req.by = null;
    }
    const mem = new Memory();
    const { items, start, end } = loadItems(ks, req, mem);
    if (!req.dontsort) {
      for (const it of items) {
        const by = req.by ? lookupByPattern(ks, req.by, it.value) : it.value;
        if (!by) continue;
        if (req.by) mem.add(by.length);
        if (req.alpha) {
          if (req.by) it.cmp = by;
        } else {
          const score = sortScore(by);
          if (score === null) throw new CommandError(Errors.sortScoreNotDouble);
          it.score = score;
        }
      }
      items.sort(compareItems(req, req.by !== null));
    }
    const out: (Uint8Array | null)[] = [];
    for (let j = start; j <= end; j++) {
      const element = items[j]!.value;
      if (req.gets.length === 0) {
        out.push(element);
        continue;
      }
      for (const pattern of req.gets) {
        const v = lookupByPattern(ks, pattern, element);
        mem.add((v?.length ?? 0) + ELEMENT_OVERHEAD);
        out.push(v ?? (req.store === null ? null : EMPTY));
      }
    }
    if (req.store === null) return out;
    return storeList(ks, req.store, out as Uint8Array[]);
  };
}

/** SORT's keys, found as Redis's sortGetKeys finds them: the sorted key, and the last STORE's destination. */
function sortKeys(argv: Arg[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = text(argv[i]!).toLowerCase();
    if (a === "limit") i += 2;
    else if (a === "get" || a === "by") i += 1;
    else if (a === "store" && i + 1 < argv.length) store = i + 1;
  }
  return store > 0 ? [1, store] : [1];
}

export const sortCommands: CommandSpec[] = [
  { name: "sort", arity: -2, flags: ["write", "denyoom"], keys: sortKeys, cluster: { kind: "cross", gather: true }, run: sortGeneric(false), summary: "SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]" },
  { name: "sort_ro", arity: -2, flags: ["readonly"], keys: { first: 1, last: 1, step: 1 }, run: sortGeneric(true), summary: "SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]" },
];
