/**
 * Operations on a parsed document that the JSON.* handlers share: finding where a path points
 * (or where JSON.SET would add a key), writing at a match, deleting, merging (RFC 7386), the
 * numeric operations, and RESP and memory views of a value. They change the in-memory value
 * only; the handler writes the document once afterwards (store/json.ts).
 */
import { JsonErrors } from "../errors";
import { CommandError, int, status, type Reply } from "../reply";
import { compile, comparePathsForUpdate, evaluate, isStatic, normalizePath, pathOf, PathSyntaxError, PathTooCostlyError, type Match, type Query } from "./path";
import { JFloat, JInt, I64_MAX, I64_MIN, JsonTooManyValuesError, jint, MAX_DOCUMENT_VALUES, countValues, clone, depthOf, formatRespDouble, isObject, toDouble, type JObject, type JValue } from "./value";
import { MAX_DOCUMENT_DEPTH } from "../store/json";

/** A command's path argument: what it was, the JSONPath it means, whether legacy, its compiled form. */
export interface ParsedPath {
  original: string;
  path: string;
  legacy: boolean;
  root: boolean;
}

export function parsePath(original: string): ParsedPath {
  const { path, legacy } = normalizePath(original);
  return { original, path, legacy, root: path === "$" };
}

/** Compiles a path; its syntax error is the command's error reply (the crate's text). */
export function query(p: ParsedPath): Query {
  try {
    return compile(p.path);
  } catch (e) {
    if (e instanceof PathSyntaxError) throw new CommandError(e.message);
    throw e;
  }
}

/** Every match of `p` in `root`; a path too costly to evaluate is the command's error. */
export function matches(p: ParsedPath, root: JValue): Match[] {
  return guarded(() => evaluate(query(p), root));
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PathTooCostlyError) throw new CommandError(e.message);
    throw e;
  }
}

/**
 * Refuses a write that would copy `bytes` of new values into `count` places past the value
 * limit, before any copy is made (JSON.SET `$..a` with a large value on many matches).
 */
export function checkGrowth(count: number, bytes: number, maxBytes: number, values: JValue[] = []): void {
  if (count * bytes > maxBytes) throw new CommandError(JsonErrors.tooLarge(maxBytes));
  const each = values.reduce<number>((n, v) => n + countValues(v), 0);
  if (count * each > MAX_DOCUMENT_VALUES) throw new CommandError(new JsonTooManyValuesError().message);
}

/** The most path steps the matches of one write may add up to (their paths are built to order them). */
const MAX_UPDATE_PATH_STEPS = 4_000_000;

function checkUpdateCost(items: { m: Match }[]): void {
  const steps = items.reduce((n, { m }) => n + m.depth, 0);
  if (steps > MAX_UPDATE_PATH_STEPS) throw new CommandError(new PathTooCostlyError().message);
}

/** Matches sorted in the order RedisJSON mutates them (later indexes and deeper values first). */
export function forUpdate<T extends { m: Match }>(items: T[]): T[] {
  if (items.length < 2) return items;
  checkUpdateCost(items);
  const keyed = items.map((item) => ({ item, path: pathOf(item.m) }));
  keyed.sort((a, b) => comparePathsForUpdate(a.path, b.path));
  return keyed.map(({ item }) => item);
}

/**
 * As forUpdate, keeping only the topmost of nested matches (RedisJSON's DEL and SET: a value
 * inside one deleted or replaced is not counted or written again). A location is its parent
 * container and key (the root: no parent).
 */
export function topmostForUpdate<T extends { m: Match }>(items: T[]): T[] {
  if (items.length < 2) return items;
  checkUpdateCost(items);
  const locations = new Map<object | null, Set<string | number>>();
  for (const { m } of items) {
    let keys = locations.get(m.parent);
    if (!keys) locations.set(m.parent, (keys = new Set()));
    keys.add(m.key);
  }
  const nested = (m: Match) => {
    for (let x = m.up; x !== null; x = x.up) if (locations.get(x.parent)?.has(x.key)) return true;
    return false;
  };
  return forUpdate(items.filter(({ m }) => !nested(m)));
}

/** Refuses a value that would make the document nest deeper than MAX_DOCUMENT_DEPTH, put at depth `at`. */
export function checkDepth(at: number, v: JValue): void {
  if (at + depthOf(v) > MAX_DOCUMENT_DEPTH) throw new CommandError(JsonErrors.tooDeep(MAX_DOCUMENT_DEPTH));
}

/** Puts `v` where `m` is (the root when `m` has no parent); the new root. */
export function replaceAt(root: JValue, m: Match, v: JValue): JValue {
  if (m.parent === null) return v;
  if (Array.isArray(m.parent)) m.parent[m.key as number] = v;
  else m.parent.set(m.key as string, v);
  return root;
}

/** Removes the value at `m` from its parent; false if it was no longer there. */
export function removeAt(m: Match): boolean {
  if (m.parent === null) return false;
  if (Array.isArray(m.parent)) {
    const i = m.key as number;
    if (i >= m.parent.length) return false;
    m.parent.splice(i, 1);
    return true;
  }
  return m.parent.delete(m.key as string);
}

/** Where JSON.SET / JSON.MERGE add a new key: parents (objects) and the key, as RedisJSON's find_add_paths; `depth` is the new key's. */
export type Target = { kind: "match"; m: Match } | { kind: "add"; parent: JObject; key: string; depth: number };

/**
 * The places a write at `p` touches: existing matches (unless `nx`), else — for a static path
 * ending in a key — that key under each parent match that is an object; `xx` adds nothing.
 */
export function writeTargets(p: ParsedPath, root: JValue, mode: "nx" | "xx" | "merge" | null): Target[] {
  return guarded(() => targetsOf(p, root, mode));
}

function targetsOf(p: ParsedPath, root: JValue, mode: "nx" | "xx" | "merge" | null): Target[] {
  const q = query(p);
  if (mode !== "nx") {
    const found = evaluate(q, root);
    if (found.length > 0) {
      const ms = found.map((m) => ({ m }));
      return (mode === "merge" ? ms : topmostForUpdate(ms)).map(({ m }) => ({ kind: "match", m }) as Target);
    }
  }
  if (mode === "xx") return [];
  if (!isStatic(q)) throw new CommandError(JsonErrors.wrongStaticPath);
  if (q.segs.length < 1) throw new CommandError(JsonErrors.mustEndWithKey);
  const last = q.segs[q.segs.length - 1]!;
  if (last.t === "idx") {
    if (evaluate(q, root).length === 0) throw new CommandError(JsonErrors.indexOutOfRange);
    return [];
  }
  const key = last.t === "key" ? last.name : (last as { names: string[] }).names[0]!;
  const parents = evaluate({ segs: q.segs.slice(0, -1) }, root);
  const out: Target[] = [];
  for (const m of parents) if (isObject(m.value) && !m.value.has(key)) out.push({ kind: "add", parent: m.value, key, depth: m.depth + 1 });
  return out;
}

/**
 * Writes at every target of a JSON.SET, JSON.MSET or JSON.MERGE: `valueFor(old)` is the new
 * value (`old`: the match's value, undefined for a new key), checked for depth where it lands.
 * Answers the new root (a match at the root replaces it).
 */
export function writeAt(root: JValue, targets: Target[], valueFor: (old: JValue | undefined) => JValue): JValue {
  for (const t of targets) {
    if (t.kind === "match") {
      const v = valueFor(t.m.value);
      checkDepth(t.m.depth, v);
      root = replaceAt(root, t.m, v);
    } else {
      const v = valueFor(undefined);
      checkDepth(t.depth, v);
      t.parent.set(t.key, v);
    }
  }
  return root;
}

/** RFC 7386 JSON Merge Patch of `patch` into `doc`: the merged value. */
export function mergePatch(doc: JValue, patch: JValue): JValue {
  if (!isObject(patch)) return clone(patch);
  const target: JObject = isObject(doc) ? doc : new Map();
  for (const [k, v] of patch) {
    if (v === null) target.delete(k);
    else target.set(k, mergePatch(target.has(k) ? target.get(k)! : null, v));
  }
  return target;
}

/**
 * NUMINCRBY / NUMMULTBY of one number by `by` (a JSON number): integer with integer stays an
 * integer (an i64 result, else ERR numeric overflow), anything else is a double (an infinite
 * result is RedisJSON's "result is not a number").
 */
export function numberOp(current: JInt | JFloat, by: JInt | JFloat, op: "incr" | "mult" | "pow"): JInt | JFloat {
  const inI64 = (v: bigint) => v >= I64_MIN && v <= I64_MAX;
  if (current instanceof JInt && by instanceof JInt && inI64(current.v) && inI64(by.v) && (op !== "pow" || by.v >= 0n)) {
    let r: bigint;
    if (op === "pow") r = intPow(current.v, by.v);
    else r = op === "incr" ? current.v + by.v : current.v * by.v;
    if (!inI64(r)) throw new CommandError(JsonErrors.numericOverflow);
    return jint(r);
  }
  const a = toDouble(current);
  const b = toDouble(by);
  const r = op === "incr" ? a + b : op === "mult" ? a * b : Math.pow(a, b);
  if (!Number.isFinite(r)) throw new CommandError(JsonErrors.notANumber);
  return new JFloat(r);
}

/** base^exp for exp ≥ 0, or ERR numeric overflow past i64; |base| ≥ 2 leaves i64 within 64 steps. */
function intPow(base: bigint, exp: bigint): bigint {
  if (base === 0n || base === 1n) return exp === 0n ? 1n : base;
  if (base === -1n) return exp % 2n === 0n ? 1n : -1n;
  let r = 1n;
  for (let i = 0n; i < exp; i++) {
    r *= base;
    if (r < I64_MIN || r > I64_MAX) throw new CommandError(JsonErrors.numericOverflow);
  }
  return r;
}

/** JSON.RESP's view of a value. */
export function toResp(v: JValue): Reply {
  if (v === null) return null;
  if (typeof v === "boolean") return status(v ? "true" : "false");
  if (typeof v === "string") return v;
  if (v instanceof JInt) return int(v.v);
  if (v instanceof JFloat) return formatRespDouble(v.v);
  if (Array.isArray(v)) return [status("["), ...v.map(toResp)];
  const out: Reply[] = [status("{")];
  for (const [k, e] of v) out.push(k, toResp(e));
  return out;
}

const utf8 = new TextEncoder();

/** UTF-8 length (RedisJSON's string lengths are bytes). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** JSON.DEBUG MEMORY's estimate of a value, after RedisJSON's accounting of its in-memory form (8 bytes a word). */
export function memoryOf(v: JValue, top = true): number {
  const word = 8;
  let n = 0;
  if (v instanceof JFloat) n = 16;
  else if (v instanceof JInt) n = v.v >= -128n && v.v < 384n ? 0 : v.v >= -(1n << 23n) && v.v < 1n << 23n ? 4 : 16;
  else if (typeof v === "string") n = utf8.encode(v).length;
  else if (Array.isArray(v)) n = v.length === 0 ? 0 : v.reduce<number>((s, e) => s + memoryOf(e, false), 0) + (v.length + 2) * word;
  else if (v instanceof Map) {
    if (v.size > 0) {
      for (const [k, e] of v) n += byteLength(k) + memoryOf(e, false);
      n += (v.size * 3 + 2) * word;
    }
  }
  return top ? n + word : n;
}
