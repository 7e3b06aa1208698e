/**
 * RedisJSON 2.x commands (JSON.*) over documents stored by store/json.ts, with its two reply
 * shapes: a JSONPath (`$…`) answers one entry per match (nil where a match has the wrong type);
 * a legacy path (`.a`, `a[0]`, `.`) answers one value and an error when nothing matches. Error
 * texts are RedisJSON's (errors.ts JsonErrors); docs/json.md lists what differs.
 *
 * This file is over 500 lines: it is the one table of the JSON group (25 commands and JSON.DEBUG's
 * two subcommands, each handler beside its syntax line), like the other group files; the shared
 * document operations live in json/ops.ts.
 */
import { text, type Arg } from "../args";
import type { ExecContext } from "../context";
import { Errors, JsonErrors } from "../errors";
import { CommandError, OK, type Reply } from "../reply";
import { resetEvalBudget, type Match } from "../json/path";
import {
  byteLength,
  checkDepth,
  checkGrowth,
  forUpdate,
  matches,
  topmostForUpdate,
  memoryOf,
  mergePatch,
  numberOp,
  parsePath,
  removeAt,
  replaceAt,
  toResp,
  writeAt,
  writeTargets,
  type ParsedPath,
} from "../json/ops";
import { JInt, JsonSyntaxError, JsonTextTooLongError, JsonTooManyValuesError, jint, clone, equal, formatFloat, isNumber, parseJson, serialize, typeName, type Format, type JValue } from "../json/value";
import { findJsonRow, loadJson, maxDocumentBytes, readJson, writeJson, type JsonDoc } from "../store/json";
import { KeyType, type Keyspace } from "../store/keyspace";
import type { CommandSpec } from "../table";
import { Notify } from "../pubsub/notify";

const LEGACY_ROOT = ".";

/** A JSON text argument; a parse error is the command's reply (serde_json's text, `ERR ` when `prefixed`). */
function parseValue(a: Arg, prefixed = false): JValue {
  try {
    return parseJson(text(a));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new CommandError(prefixed ? `ERR ${e.message}` : e.message);
    if (e instanceof JsonTooManyValuesError) throw new CommandError(e.message);
    throw e;
  }
}

/** The document of a command that needs one: RedisJSON's error for a missing key. */
function mustRead(ks: Keyspace, key: string): JsonDoc {
  const doc = readJson(ks, key);
  if (!doc) throw new CommandError(JsonErrors.noKey);
  return doc;
}

function argBytes(a: Arg): number {
  return typeof a === "string" ? byteLength(a) : a.length;
}

function save(ctx: ExecContext, key: string, doc: JsonDoc): void {
  writeJson(ctx.keyspace, key, doc.row, doc.root);
}

/** RedisJSON's keyspace event (class `d`, a module's): `json.set`, `json.del`, … once per command that changed the document. */
function notifyJson(ctx: ExecContext, event: string, key: string): void {
  ctx.keyspace.notify(Notify.Module, event, key);
}

function first(p: ParsedPath, root: JValue): JValue {
  const found = matches(p, root);
  if (found.length === 0) throw new CommandError(JsonErrors.pathMissing(p.path));
  return found[0]!.value;
}

// JSON.SET key path value [NX | XX] [FORMAT JSON|STRING]
function jsonSet(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  let mode: "nx" | "xx" | null = null;
  for (let i = 4; i < argv.length; i++) {
    const opt = text(argv[i]!).toUpperCase();
    if (opt === "NX" && mode === null) mode = "nx";
    else if (opt === "XX" && mode === null) mode = "xx";
    else if (opt === "FORMAT" && i + 1 < argv.length) {
      const f = text(argv[++i]!);
      if (f !== "JSON" && f !== "STRING") throw new CommandError("ERR wrong format");
    } else throw new CommandError(Errors.syntax);
  }
  const ks = ctx.keyspace;
  const row = findJsonRow(ks, key);
  const value = parseValue(argv[3]!);
  const p = parsePath(text(argv[2]!));
  if (!row) {
    if (mode === "xx") return null;
    if (!p.root) throw new CommandError(JsonErrors.newAtRoot);
    writeJson(ks, key, null, value);
    notifyJson(ctx, "json.set", key);
    return OK;
  }
  const doc = loadJson(ks, row);
  if (p.root) {
    if (mode === "nx") return null;
    doc.root = value;
    save(ctx, key, doc);
    notifyJson(ctx, "json.set", key);
    return OK;
  }
  const targets = writeTargets(p, doc.root, mode);
  if (targets.length === 0) return null;
  checkGrowth(targets.length, argBytes(argv[3]!), maxDocumentBytes(ks), [value]);
  doc.root = writeAt(doc.root, targets, () => clone(value));
  save(ctx, key, doc);
  notifyJson(ctx, "json.set", key);
  return OK;
}

/** JSON.GET's reply for its paths (RedisJSON's to_json): one path, or an object keyed by path. */
function getPaths(root: JValue, paths: ParsedPath[], fmt: Format): string {
  if (paths.length === 1) {
    const p = paths[0]!;
    if (p.legacy) return serialize(first(p, root), fmt);
    return serialize(matches(p, root).map((m) => m.value), fmt);
  }
  const legacy = paths.every((p) => p.legacy);
  const out = new Map<string, JValue>();
  let missing: string | null = null;
  for (const p of paths) {
    let found: Match[];
    try {
      found = matches(p, root);
    } catch (e) {
      if (e instanceof CommandError) continue; // a path that does not compile is left out, as RedisJSON does
      throw e;
    }
    if (legacy && found.length === 0) missing ??= p.original;
    out.set(p.original, legacy ? (found[0]?.value ?? null) : found.map((m) => m.value));
  }
  if (missing !== null) throw new CommandError(JsonErrors.pathMissing(missing));
  return serialize(out, fmt);
}

// JSON.GET key [INDENT indent] [NEWLINE newline] [SPACE space] [path ...]
function jsonGet(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  const fmt: Format = {};
  const paths: ParsedPath[] = [];
  for (let i = 2; i < argv.length; i++) {
    const a = text(argv[i]!);
    const upper = a.length <= 8 ? a.toUpperCase() : "";
    const next = () => {
      if (i + 1 >= argv.length) throw new CommandError(Errors.wrongArity("json.get"));
      return text(argv[++i]!);
    };
    if (upper === "INDENT") fmt.indent = next();
    else if (upper === "NEWLINE") fmt.newline = next();
    else if (upper === "SPACE") fmt.space = next();
    else if (upper === "NOESCAPE") continue;
    else if (upper === "FORMAT") throw new CommandError(JsonErrors.formatResp2);
    else paths.push(parsePath(a));
  }
  if (paths.length === 0) paths.push(parsePath(LEGACY_ROOT));
  const doc = readJson(ctx.keyspace, key);
  if (!doc) return null;
  return getPaths(doc.root, paths, fmt);
}

/** The most document text one JSON.MGET parses (on one shard): its cost is the documents it reads. */
export const MAX_MGET_BYTES = 32 * 1024 * 1024;

// JSON.MGET key [key ...] path
function jsonMget(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(text(argv[argv.length - 1]!));
  let read = 0;
  return argv.slice(1, -1).map((k) => {
    const row = ctx.keyspace.find(text(k));
    if (!row || row.type !== KeyType.Json) return null;
    read += row.size ?? row.value?.byteLength ?? 0;
    if (read > MAX_MGET_BYTES) throw new CommandError(JsonErrors.mgetTooLarge(MAX_MGET_BYTES));
    const doc = loadJson(ctx.keyspace, row);
    try {
      const found = matches(p, doc.root);
      if (p.legacy) return found.length === 0 ? null : serialize(found[0]!.value);
      return serialize(found.map((m) => m.value));
    } catch (e) {
      // A path error answers nil for the key, as RedisJSON; a reply too large is the command's error.
      if (e instanceof CommandError && !(e instanceof JsonTextTooLongError)) return null;
      throw e;
    }
  });
}

// JSON.MSET key path value [key path value ...]
function jsonMset(ctx: ExecContext, argv: Arg[]): Reply {
  if ((argv.length - 1) % 3 !== 0) throw new CommandError(Errors.wrongArity("json.mset"));
  const ks = ctx.keyspace;
  // Check every triple before writing any: a refusal changes nothing.
  const triples: { key: string; p: ParsedPath; value: JValue }[] = [];
  for (let i = 1; i < argv.length; i += 3) {
    const key = text(argv[i]!);
    const row = findJsonRow(ks, key);
    const p = parsePath(text(argv[i + 1]!));
    if (!p.root) {
      if (!row) throw new CommandError(JsonErrors.newAtRoot);
      writeTargets(p, loadJson(ks, row).root, null);
    }
    triples.push({ key, p, value: parseValue(argv[i + 2]!) });
  }
  for (const { key, p, value } of triples) {
    const doc = readJson(ks, key);
    if (!doc || p.root) {
      writeJson(ks, key, doc?.row ?? null, value);
      notifyJson(ctx, "json.mset", key);
      continue;
    }
    const targets = writeTargets(p, doc.root, null);
    if (targets.length === 0) continue;
    checkGrowth(targets.length, byteLength(serialize(value)), maxDocumentBytes(ks), [value]);
    doc.root = writeAt(doc.root, targets, () => clone(value));
    save(ctx, key, doc);
    notifyJson(ctx, "json.mset", key);
  }
  return OK;
}

/** The path argument at 2 when given, else the legacy root (RedisJSON's default). */
function optionalPath(argv: Arg[]): ParsedPath {
  return parsePath(argv.length > 2 ? text(argv[2]!) : LEGACY_ROOT);
}

// JSON.MERGE key path value [FORMAT JSON|STRING]
function jsonMerge(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  for (let i = 4; i < argv.length; i++) {
    if (text(argv[i]!).toUpperCase() === "FORMAT" && i + 1 < argv.length) i++;
    else throw new CommandError(Errors.syntax);
  }
  const ks = ctx.keyspace;
  const row = findJsonRow(ks, key);
  const patch = parseValue(argv[3]!);
  const p = parsePath(text(argv[2]!));
  if (!row) {
    if (!p.root) throw new CommandError(JsonErrors.newAtRoot);
    writeJson(ks, key, null, patch);
    notifyJson(ctx, "json.merge", key);
    return OK;
  }
  const doc = loadJson(ks, row);
  if (p.root) {
    doc.root = mergePatch(doc.root, patch);
    checkDepth(0, doc.root);
    save(ctx, key, doc);
    notifyJson(ctx, "json.merge", key);
    return OK;
  }
  const targets = writeTargets(p, doc.root, "merge");
  if (targets.length === 0) return null;
  checkGrowth(targets.length, argBytes(argv[3]!), maxDocumentBytes(ks), [patch]);
  doc.root = writeAt(doc.root, targets, (old) => (old === undefined ? clone(patch) : mergePatch(old, patch)));
  save(ctx, key, doc);
  notifyJson(ctx, "json.merge", key);
  return OK;
}

// JSON.DEL key [path] / JSON.FORGET key [path]
function jsonDel(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  const p = optionalPath(argv);
  const doc = readJson(ctx.keyspace, key);
  if (!doc) return 0;
  // RedisJSON raises `json.del` (JSON.FORGET too), also when the whole document goes: a module's key deleted raises no `del`.
  if (p.root) {
    ctx.keyspace.deleteRow(doc.row);
    notifyJson(ctx, "json.del", key);
    return 1;
  }
  let deleted = 0;
  for (const { m } of topmostForUpdate(matches(p, doc.root).map((m) => ({ m })))) if (removeAt(m)) deleted++;
  if (deleted > 0) {
    save(ctx, key, doc);
    notifyJson(ctx, "json.del", key);
  }
  return deleted;
}

// JSON.TYPE key [path]
function jsonType(ctx: ExecContext, argv: Arg[]): Reply {
  const p = optionalPath(argv);
  const doc = readJson(ctx.keyspace, text(argv[1]!));
  if (!doc) return null;
  const found = matches(p, doc.root);
  if (p.legacy) return found.length === 0 ? null : typeName(found[0]!.value);
  return found.map((m) => typeName(m.value));
}

/**
 * The shared shape of the per-match write commands: `apply` answers a match's reply entry (null
 * for a match of the wrong type) and changes it in place. JSONPath: one entry per match;
 * legacy: the last applicable match's entry, or `legacyMissing` when none applies. `event` is
 * raised when a match applied (with `onlyNonNull`, JSONPath counts only a match answering non-nil:
 * JSON.ARRPOP of empty arrays changed nothing).
 */
function perMatch(
  ctx: ExecContext,
  event: string,
  key: string,
  p: ParsedPath,
  applies: (v: JValue) => boolean,
  apply: (m: Match, doc: JsonDoc) => Reply,
  legacyMissing: string,
  legacyReply: (r: Reply) => Reply = (r) => r,
  growth = 0,
  copies: JValue[] = [],
  onlyNonNull = false,
): Reply {
  const doc = mustRead(ctx.keyspace, key);
  const found = matches(p, doc.root);
  const replies: Reply[] = new Array<Reply>(found.length).fill(null);
  let changed = false;
  const usable = forUpdate(found.map((m, i) => ({ m, i })).filter(({ m }) => applies(m.value)));
  if (p.legacy && usable.length === 0) throw new CommandError(legacyMissing);
  checkGrowth(usable.length, growth, maxDocumentBytes(ctx.keyspace), copies);
  for (const { m, i } of usable) {
    replies[i] = apply(m, doc);
    changed = true;
  }
  if (changed) save(ctx, key, doc);
  if (changed && (p.legacy || !onlyNonNull || replies.some((r) => r !== null))) notifyJson(ctx, event, key);
  if (!p.legacy) return replies;
  return legacyReply(replies[usable[usable.length - 1]!.i]!);
}

function numOp(op: "incr" | "mult" | "pow", event: string) {
  // JSON.NUMINCRBY key path value / JSON.NUMMULTBY key path value / JSON.NUMPOWBY key path value
  return (ctx: ExecContext, argv: Arg[]): Reply => {
    const p = parsePath(text(argv[2]!));
    let by: JValue | undefined;
    const number = () => {
      if (by === undefined) by = parseValue(argv[3]!, true);
      if (!isNumber(by)) throw new CommandError(JsonErrors.badNumber);
      return by;
    };
    const results: JValue[] = [];
    const doc = mustRead(ctx.keyspace, text(argv[1]!));
    const found = matches(p, doc.root);
    const numeric = found.map((m, i) => ({ m, i })).filter(({ m }) => isNumber(m.value));
    if (p.legacy && numeric.length === 0) throw new CommandError(JsonErrors.pathMissingOr(p.path, "does not contains a number"));
    const out: JValue[] = found.map(() => null);
    for (const { m, i } of numeric) {
      const next = numberOp(m.value as JInt, number(), op);
      doc.root = replaceAt(doc.root, m, next);
      out[i] = next;
      results.push(next);
    }
    if (numeric.length > 0) {
      save(ctx, text(argv[1]!), doc);
      notifyJson(ctx, event, text(argv[1]!));
    }
    if (p.legacy) {
      const last = results[results.length - 1]!;
      return last instanceof JInt ? last.v.toString() : formatFloat((last as { v: number }).v);
    }
    return serialize(out);
  };
}

// JSON.TOGGLE key path
function jsonToggle(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(text(argv[2]!));
  return perMatch(
    ctx,
    "json.toggle",
    text(argv[1]!),
    p,
    (v) => typeof v === "boolean",
    (m, doc) => {
      const next = !(m.value as boolean);
      doc.root = replaceAt(doc.root, m, next);
      return next ? 1 : 0;
    },
    JsonErrors.pathMissingOr(p.path, "not a bool"),
    (r) => (r === 1 ? "true" : "false"),
  );
}

// JSON.STRAPPEND key [path] value
function jsonStrappend(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(argv.length > 3 ? text(argv[2]!) : LEGACY_ROOT);
  const raw = argv[argv.length - 1]!;
  let suffix: string | undefined;
  const value = () => {
    if (suffix !== undefined) return suffix;
    const v = parseValue(raw, true);
    if (typeof v !== "string") throw new CommandError(JsonErrors.expected("string", text(raw)));
    return (suffix = v);
  };
  return perMatch(
    ctx,
    "json.strappend",
    text(argv[1]!),
    p,
    (v) => typeof v === "string",
    (m, doc) => {
      const next = (m.value as string) + value();
      doc.root = replaceAt(doc.root, m, next);
      return byteLength(next);
    },
    JsonErrors.pathMissingOr(p.path, "not a string"),
    undefined,
    argBytes(raw),
  );
}

/** The read-only per-match commands: JSONPath answers one entry per match; legacy answers per `legacy`. */
function readPerMatch(
  ctx: ExecContext,
  argv: Arg[],
  entry: (v: JValue) => Reply,
  legacy: (doc: JsonDoc | null, p: ParsedPath) => Reply,
  missingJsonPath: (p: ParsedPath) => Reply = () => {
    throw new CommandError(JsonErrors.noKey);
  },
): Reply {
  const p = optionalPath(argv);
  const doc = readJson(ctx.keyspace, text(argv[1]!));
  if (p.legacy) return legacy(doc, p);
  if (!doc) return missingJsonPath(p);
  return matches(p, doc.root).map((m) => entry(m.value));
}

// JSON.STRLEN key [path]
function jsonStrlen(ctx: ExecContext, argv: Arg[]): Reply {
  return readPerMatch(
    ctx,
    argv,
    (v) => (typeof v === "string" ? byteLength(v) : null),
    (doc, p) => {
      if (!doc) return null;
      const v = first(p, doc.root);
      if (typeof v !== "string") throw new CommandError(JsonErrors.expected("string", typeName(v)));
      return byteLength(v);
    },
  );
}

// JSON.OBJKEYS key [path]
function jsonObjkeys(ctx: ExecContext, argv: Arg[]): Reply {
  return readPerMatch(
    ctx,
    argv,
    (v) => (v instanceof Map ? [...v.keys()] : null),
    (doc, p) => {
      if (!doc) return null;
      const found = matches(p, doc.root);
      if (found.length === 0) return null;
      const v = found[0]!.value;
      if (!(v instanceof Map)) throw new CommandError(JsonErrors.pathMissingOr(p.path, "not an object"));
      return [...v.keys()];
    },
  );
}

// JSON.OBJLEN key [path]
function jsonObjlen(ctx: ExecContext, argv: Arg[]): Reply {
  return readPerMatch(
    ctx,
    argv,
    (v) => (v instanceof Map ? v.size : null),
    (doc, p) => {
      if (!doc) return null;
      const found = matches(p, doc.root);
      if (found.length === 0) return null;
      const v = found[0]!.value;
      if (!(v instanceof Map)) throw new CommandError(JsonErrors.expected("object", typeName(v)));
      return v.size;
    },
    (p) => {
      throw new CommandError(JsonErrors.pathMissingOr(p.path, "not an object"));
    },
  );
}

// JSON.ARRLEN key [path]
function jsonArrlen(ctx: ExecContext, argv: Arg[]): Reply {
  return readPerMatch(
    ctx,
    argv,
    (v) => (Array.isArray(v) ? v.length : null),
    (doc, p) => {
      if (!doc) return null;
      const found = matches(p, doc.root);
      if (found.length === 0) throw new CommandError(JsonErrors.pathMissing(p.original));
      const v = found[0]!.value;
      if (!Array.isArray(v)) throw new CommandError(JsonErrors.pathMissingOr(p.original, "not an array"));
      return v.length;
    },
  );
}

function values(argv: Arg[], from: number): JValue[] {
  return argv.slice(from).map((a) => parseValue(a));
}

// JSON.ARRAPPEND key path value [value ...]
function jsonArrappend(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(text(argv[2]!));
  const items = values(argv, 3);
  return perMatch(
    ctx,
    "json.arrappend",
    text(argv[1]!),
    p,
    Array.isArray,
    (m) => {
      const arr = m.value as JValue[];
      for (const v of items) {
        checkDepth(m.depth + 1, v);
        arr.push(clone(v));
      }
      return arr.length;
    },
    JsonErrors.pathMissingOr(p.original, "not an array"),
    undefined,
    argv.slice(3).reduce((n, a) => n + argBytes(a), 0),
    items,
  );
}

// JSON.ARRINSERT key path index value [value ...]
function jsonArrinsert(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(text(argv[2]!));
  const index = parseI64Arg(argv[3]!);
  const items = values(argv, 4);
  return perMatch(
    ctx,
    "json.arrinsert",
    text(argv[1]!),
    p,
    Array.isArray,
    (m) => {
      const arr = m.value as JValue[];
      const len = BigInt(arr.length);
      const at = index < 0n ? len + index : index;
      if (at < 0n || at > len) throw new CommandError(JsonErrors.indexOutOfBounds);
      for (const v of items) checkDepth(m.depth + 1, v);
      arr.splice(Number(at), 0, ...items.map(clone));
      return arr.length;
    },
    JsonErrors.pathMissingOr(p.path, "not an array"),
    undefined,
    argv.slice(4).reduce((n, a) => n + argBytes(a), 0),
    items,
  );
}

function parseI64Arg(a: Arg): bigint {
  const s = text(a);
  if (!/^[+-]?[0-9]{1,19}$/.test(s)) throw new CommandError(Errors.notInteger);
  const v = BigInt(s);
  if (v < -(2n ** 63n) || v > 2n ** 63n - 1n) throw new CommandError(Errors.notInteger);
  return v;
}

// JSON.ARRINDEX key path value [start [stop]]
function jsonArrindex(ctx: ExecContext, argv: Arg[]): Reply {
  if (argv.length > 6) throw new CommandError(Errors.wrongArity("json.arrindex"));
  const p = parsePath(text(argv[2]!));
  const start = argv.length > 4 ? parseI64Arg(argv[4]!) : 0n;
  const stop = argv.length > 5 ? parseI64Arg(argv[5]!) : 0n;
  const doc = readJson(ctx.keyspace, text(argv[1]!));
  const needle = parseValue(argv[3]!, true);
  if (!doc) throw new CommandError(JsonErrors.pathMissing(p.original));
  const indexIn = (v: JValue): Reply => {
    if (!Array.isArray(v)) return null;
    const len = BigInt(v.length);
    if (len === 0n) return -1;
    const s = start < 0n ? (len + start < 0n ? 0n : len + start) : start < len - 1n ? start : len - 1n;
    const e = stop === 0n ? len : stop < 0n ? (len + stop < 0n ? 0n : len + stop) : stop < len ? stop : len;
    for (let i = Number(s); i < Number(e); i++) if (equal(v[i]!, needle)) return i;
    return -1;
  };
  if (!p.legacy) return matches(p, doc.root).map((m) => indexIn(m.value));
  const v = first(p, doc.root);
  if (!Array.isArray(v)) throw new CommandError(JsonErrors.expected("array", typeName(v)));
  return indexIn(v);
}

// JSON.ARRPOP key [path [index]]
function jsonArrpop(ctx: ExecContext, argv: Arg[]): Reply {
  let i = 2;
  if (argv.length > 3 && text(argv[2]!).toUpperCase() === "FORMAT") {
    const f = text(argv[3]!);
    if (!["STRINGS", "EXPAND1", "EXPAND"].includes(f)) throw new CommandError("ERR wrong reply format");
    throw new CommandError(JsonErrors.formatResp2);
  }
  const p = parsePath(argv.length > i ? text(argv[i]!) : LEGACY_ROOT);
  let index: bigint = argv.length > i ? -1n : 2n ** 63n - 1n;
  if (argv.length > i + 1) {
    try {
      index = parseI64Arg(argv[i + 1]!);
    } catch {
      index = -1n; // RedisJSON reads an index that is not an integer as -1
    }
  }
  i = 0;
  return perMatch(
    ctx,
    "json.arrpop",
    text(argv[1]!),
    p,
    Array.isArray,
    (m) => {
      const arr = m.value as JValue[];
      if (arr.length === 0) return null;
      const len = BigInt(arr.length);
      const at = index < 0n ? (len + index < 0n ? 0n : len + index) : index < len - 1n ? index : len - 1n;
      const [popped] = arr.splice(Number(at), 1);
      return serialize(popped!);
    },
    JsonErrors.pathMissingOr(p.path, "not an array"),
    undefined,
    0,
    [],
    true,
  );
}

// JSON.ARRTRIM key path start stop
function jsonArrtrim(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(text(argv[2]!));
  const start = parseI64Arg(argv[3]!);
  const stop = parseI64Arg(argv[4]!);
  const normalize = (x: bigint, len: bigint): bigint => (x < 0n ? len - (len < -x ? len : -x) : len > 0n ? (len - 1n < x ? len - 1n : x) : 0n);
  return perMatch(
    ctx,
    "json.arrtrim",
    text(argv[1]!),
    p,
    Array.isArray,
    (m) => {
      const arr = m.value as JValue[];
      const len = BigInt(arr.length);
      const e = normalize(stop, len);
      const s = start < 0n || start < len ? normalize(start, len) : e + 1n;
      if (s > e || len === 0n) arr.length = 0;
      else arr.splice(0, arr.length, ...arr.slice(Number(s), Number(e) + 1));
      return arr.length;
    },
    JsonErrors.pathMissingOr(p.path, "not an array"),
  );
}

// JSON.CLEAR key [path]
function jsonClear(ctx: ExecContext, argv: Arg[]): Reply {
  const key = text(argv[1]!);
  const p = optionalPath(argv);
  const doc = mustRead(ctx.keyspace, key);
  let cleared = 0;
  const found = matches(p, doc.root).filter(({ value: v }) =>
    Array.isArray(v) ? v.length > 0 : v instanceof Map ? v.size > 0 : isNumber(v) ? (v instanceof JInt ? v.v !== 0n : v.v !== 0) : false,
  );
  for (const m of found) {
    const v = m.value;
    if (Array.isArray(v)) v.length = 0;
    else if (v instanceof Map) v.clear();
    else doc.root = replaceAt(doc.root, m, jint(0n));
    cleared++;
  }
  if (cleared > 0) {
    save(ctx, key, doc);
    notifyJson(ctx, "json.clear", key);
  }
  return cleared;
}

// JSON.RESP key [path]
function jsonResp(ctx: ExecContext, argv: Arg[]): Reply {
  const p = optionalPath(argv);
  const doc = readJson(ctx.keyspace, text(argv[1]!));
  if (!doc) return null;
  if (p.legacy) return toResp(first(p, doc.root));
  return matches(p, doc.root).map((m) => toResp(m.value));
}

// JSON.DEBUG MEMORY key [path]
function jsonDebugMemory(ctx: ExecContext, argv: Arg[]): Reply {
  const p = parsePath(argv.length > 3 ? text(argv[3]!) : LEGACY_ROOT);
  const doc = readJson(ctx.keyspace, text(argv[2]!));
  if (p.legacy) return doc ? memoryOf(first(p, doc.root)) : 0;
  if (!doc) return [];
  return matches(p, doc.root).map((m) => memoryOf(m.value));
}

// JSON.DEBUG HELP
function jsonDebugHelp(): Reply {
  return ["MEMORY <key> [path] - reports memory usage", "HELP                - this message"];
}

const ONE_KEY = { first: 1, last: 1, step: 1 };
const W = ["write", "denyoom"] as const;
const R = ["readonly"] as const;

/** A handler with a fresh path-evaluation budget (path.ts MAX_EVAL_STEPS) for its command. */
function budgeted(run: CommandSpec["run"]): CommandSpec["run"] {
  return (ctx, argv) => {
    resetEvalBudget();
    return run(ctx, argv);
  };
}

function entry(name: string, arity: number, flags: readonly ("write" | "denyoom" | "readonly" | "fast")[], run: CommandSpec["run"], summary: string): CommandSpec {
  return { name, arity, flags: [...flags], keys: ONE_KEY, run: budgeted(run), summary };
}

export const jsonCommands: CommandSpec[] = [
  entry("json.set", -4, W, jsonSet, "JSON.SET key path value [NX | XX]"),
  entry("json.get", -2, R, jsonGet, "JSON.GET key [INDENT indent] [NEWLINE newline] [SPACE space] [path [path ...]]"),
  {
    name: "json.mget",
    arity: -3,
    flags: ["readonly"],
    keys: { first: 1, last: -2, step: 1 },
    cluster: { kind: "fanout", merge: "concat", tail: 1 },
    run: budgeted(jsonMget),
    summary: "JSON.MGET key [key ...] path",
  },
  {
    name: "json.mset",
    arity: -4,
    flags: ["write", "denyoom"],
    keys: { first: 1, last: -1, step: 3 },
    cluster: { kind: "cross", gather: true },
    run: budgeted(jsonMset),
    summary: "JSON.MSET key path value [key path value ...]",
  },
  entry("json.merge", -4, W, jsonMerge, "JSON.MERGE key path value"),
  entry("json.del", -2, ["write"], jsonDel, "JSON.DEL key [path]"),
  entry("json.forget", -2, ["write"], jsonDel, "JSON.FORGET key [path]"),
  entry("json.type", -2, R, jsonType, "JSON.TYPE key [path]"),
  entry("json.clear", -2, ["write"], jsonClear, "JSON.CLEAR key [path]"),
  entry("json.toggle", 3, ["write"], jsonToggle, "JSON.TOGGLE key path"),
  entry("json.numincrby", 4, ["write"], numOp("incr", "json.numincrby"), "JSON.NUMINCRBY key path value"),
  entry("json.nummultby", 4, ["write"], numOp("mult", "json.nummultby"), "JSON.NUMMULTBY key path value"),
  entry("json.numpowby", 4, ["write"], numOp("pow", "json.numpowby"), "JSON.NUMPOWBY key path value"),
  entry("json.strappend", -3, W, jsonStrappend, "JSON.STRAPPEND key [path] value"),
  entry("json.strlen", -2, R, jsonStrlen, "JSON.STRLEN key [path]"),
  entry("json.objkeys", -2, R, jsonObjkeys, "JSON.OBJKEYS key [path]"),
  entry("json.objlen", -2, R, jsonObjlen, "JSON.OBJLEN key [path]"),
  entry("json.arrappend", -4, W, jsonArrappend, "JSON.ARRAPPEND key path value [value ...]"),
  entry("json.arrindex", -4, R, jsonArrindex, "JSON.ARRINDEX key path value [start [stop]]"),
  entry("json.arrinsert", -5, W, jsonArrinsert, "JSON.ARRINSERT key path index value [value ...]"),
  entry("json.arrlen", -2, R, jsonArrlen, "JSON.ARRLEN key [path]"),
  entry("json.arrpop", -2, ["write"], jsonArrpop, "JSON.ARRPOP key [path [index]]"),
  entry("json.arrtrim", 5, ["write"], jsonArrtrim, "JSON.ARRTRIM key path start stop"),
  entry("json.resp", -2, R, jsonResp, "JSON.RESP key [path]"),
  {
    name: "json.debug",
    arity: -2,
    flags: ["readonly"],
    run: () => {
      throw new CommandError(JsonErrors.debugUnknown);
    },
    summary: "JSON.DEBUG <subcommand> [arg ...]",
    subcommands: [
      { name: "json.debug|memory", arity: -3, flags: ["readonly"], keys: { first: 2, last: 2, step: 1 }, run: budgeted(jsonDebugMemory), summary: "JSON.DEBUG MEMORY key [path]" },
      { name: "json.debug|help", arity: 2, flags: ["readonly"], run: jsonDebugHelp, summary: "JSON.DEBUG HELP" },
    ],
  },
];
