/**
 * Key specifications, as Redis 7 declares them (src/commands/*.json `key_specs`) and COMMAND
 * INFO and COMMAND GETKEYSANDFLAGS report them: where a command's keys start (`begin_search`,
 * an argv index) and how to find them from there (`find_keys`: a range, or a count of keys
 * at a position), with flags saying what the command does with them:
 * - `RO` reads, `RW` reads and writes, `OW` overwrites, `RM` removes;
 * - `access` returns or uses the data, `update` changes it, `insert` adds, `delete` removes;
 * - `variable_flags`: which of these apply depends on the arguments (SET … GET);
 * - `not_key`: a channel routed like a key, not a key (SPUBLISH, SSUBSCRIBE).
 *
 * A search begins at an argv index, or (`keyword`) right after the first argument equal to a
 * keyword (in any case), looked for from an index on (XREAD's and XREADGROUP's `STREAMS`). A
 * range may end at a fraction of what follows (`limit`: with `lastkey` -1, the first 1/limit of
 * the arguments from its start: XREAD's keys are the first half of what follows STREAMS).
 *
 * An entry may declare its specs (`keySpecs`); otherwise one spec is derived from its key
 * range and its flags (RO access for a read-only command, RW update for a write). Routing
 * reads the entry's key finder (`keys`); where an entry declares both, they agree (table.test.ts).
 */
import { parseI64, text, type Arg } from "./args";
import { status, type Reply } from "./reply";
import type { CommandSpec } from "./table";

export type KeySpecFlag = "RO" | "RW" | "OW" | "RM" | "access" | "update" | "insert" | "delete" | "variable_flags" | "not_key";

export interface KeySpec {
  notes?: string;
  flags: KeySpecFlag[];
  /** argv index where the search starts (with `keyword`, where the keyword is looked for: negative, from the end backwards). */
  index: number;
  /** The keys begin right after this argument (any case), the first found from `index`. */
  keyword?: string;
  /** `range`: keys from `index` to `index + lastkey` (negative: from the end; -1 with `limit` > 1: to
   *  the last of the first 1/limit of the arguments from `index`) by `step`;
   *  `keynum`: the count is at `index + keynumidx`, keys from `index + firstkey` by `step`. */
  find: { type: "range"; lastkey: number; step: number; limit: number } | { type: "keynum"; keynumidx: number; firstkey: number; step: number };
}

/** A range spec: keys from argv[index] to argv[index + lastkey] (lastkey < 0: counted from the end). */
export function rangeSpec(flags: KeySpecFlag[], index: number, lastkey = 0, step = 1, notes?: string): KeySpec {
  return { ...(notes ? { notes } : {}), flags, index, find: { type: "range", lastkey, step, limit: 0 } };
}

/** A keynum spec: the count of keys at argv[index], the keys right after it. */
export function keynumSpec(flags: KeySpecFlag[], index: number, notes?: string): KeySpec {
  return { ...(notes ? { notes } : {}), flags, index, find: { type: "keynum", keynumidx: 0, firstkey: 1, step: 1 } };
}

/** A keyword spec: the keys begin after `keyword`, looked for from argv[startfrom], and run as a range. */
export function keywordSpec(flags: KeySpecFlag[], keyword: string, startfrom: number, lastkey: number, step: number, limit: number): KeySpec {
  return { flags, index: startfrom, keyword, find: { type: "range", lastkey, step, limit } };
}

/** Where a spec's keys begin: its index, or the argument after its keyword (null when the keyword is not there). */
function beginOf(ks: KeySpec, argv: Arg[]): number | null {
  if (ks.keyword === undefined) return ks.index;
  // As Redis: forwards from the index up to the last argument but one, or backwards from the end down to argv[1].
  const forward = ks.index > 0;
  const from = forward ? ks.index : argv.length + ks.index;
  for (let i = from; forward ? i < argv.length - 1 : i >= 1; i += forward ? 1 : -1) {
    if (i >= argv.length) break;
    if (text(argv[i]!).toLowerCase() === ks.keyword.toLowerCase()) return i + 1;
  }
  return null;
}

/** The entry's key specs: declared, or derived from its key range. */
export function keySpecsOf(spec: CommandSpec): KeySpec[] {
  if (spec.keySpecs) return spec.keySpecs;
  const k = spec.keys;
  if (!k || typeof k === "function") return [];
  const flags: KeySpecFlag[] = spec.flags.includes("write") ? ["RW", "update"] : ["RO", "access"];
  return [rangeSpec(flags, k.first, k.last < 0 ? k.last : k.last - k.first, k.step)];
}

/** The argv indices one spec finds; null when its key count is not an integer or exceeds the arguments. */
export function specKeyIndices(ks: KeySpec, argv: Arg[]): number[] | null {
  const f = ks.find;
  const begin = beginOf(ks, argv);
  // A keyword that is not there: this spec finds no keys (Redis goes on to the next one).
  if (begin === null) return [];
  let first: number;
  let last: number;
  if (f.type === "range") {
    first = begin;
    if (f.lastkey >= 0) last = begin + f.lastkey;
    else if (f.limit > 1) last = begin + Math.trunc((argv.length - begin) / f.limit) + f.lastkey;
    else last = argv.length + f.lastkey;
  } else {
    const n = argv[begin + f.keynumidx] === undefined ? null : parseI64(text(argv[begin + f.keynumidx]!));
    first = begin + f.firstkey;
    if (n === null || n < 0n || first + (Number(n) - 1) * f.step >= argv.length) return null;
    last = first + (Number(n) - 1) * f.step;
  }
  const out: number[] = [];
  for (let i = first; i <= last && i < argv.length; i += f.step) out.push(i);
  return out;
}

/** The flags of the key at argv index `at`: those of the first spec that finds it. */
export function keyFlagsAt(spec: CommandSpec, argv: Arg[], at: number): KeySpecFlag[] {
  for (const ks of keySpecsOf(spec)) if (specKeyIndices(ks, argv)?.includes(at)) return ks.flags;
  return spec.flags.includes("write") ? ["RW", "update"] : ["RO", "access"];
}

/**
 * The argv indices of the keys, from the entry's specs (COMMAND GETKEYS); null when a key count
 * is invalid. An entry with no specs of its own uses its key finder.
 */
export function keysBySpecs(spec: CommandSpec, argv: Arg[], finder: (spec: CommandSpec, argv: Arg[]) => number[]): number[] | null {
  if (!spec.keySpecs) return finder(spec, argv);
  const out = new Set<number>();
  for (const ks of spec.keySpecs) {
    const found = specKeyIndices(ks, argv);
    if (found === null) return null;
    for (const i of found) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** One key spec as COMMAND INFO answers it. */
export function keySpecReply(ks: KeySpec): Reply {
  const f = ks.find;
  const find: Reply[] =
    f.type === "range"
      ? ["type", "range", "spec", ["lastkey", f.lastkey, "keystep", f.step, "limit", f.limit]]
      : ["type", "keynum", "spec", ["keynumidx", f.keynumidx, "firstkey", f.firstkey, "keystep", f.step]];
  const begin: Reply[] = ks.keyword === undefined ? ["type", "index", "spec", ["index", ks.index]] : ["type", "keyword", "spec", ["keyword", ks.keyword, "startfrom", ks.index]];
  const out: Reply[] = ks.notes ? ["notes", ks.notes] : [];
  out.push("flags", ks.flags.map(status), "begin_search", begin, "find_keys", find);
  return out;
}

/**
 * COMMAND INFO's legacy first/last/step key positions and whether the keys move with the
 * arguments (`movablekeys`): from the key range, else from range specs as Redis derives them.
 */
export function legacyKeyRange(spec: CommandSpec): { range: [number, number, number]; movable: boolean } {
  const k = spec.keys;
  if (k && typeof k !== "function") return { range: [k.first, k.last, k.step], movable: false };
  const specs = keySpecsOf(spec);
  // Only index-begun ranges make the legacy range; any other spec moves the keys.
  const fixed = (s: KeySpec) => s.find.type === "range" && s.keyword === undefined;
  const movable = typeof k === "function" || specs.some((s) => !fixed(s));
  const ranges = specs.filter(fixed);
  if (ranges.length === 0) return { range: [0, 0, 0], movable };
  const r0 = ranges[0]!.find as Extract<KeySpec["find"], { type: "range" }>;
  let first = ranges[0]!.index;
  let last = r0.lastkey < 0 ? r0.lastkey : first + r0.lastkey;
  for (const s of ranges.slice(1)) {
    const f = s.find as Extract<KeySpec["find"], { type: "range" }>;
    if (last < 0 || s.index !== last + 1) break;
    last = f.lastkey < 0 ? f.lastkey : s.index + f.lastkey;
  }
  first = Math.min(first, ...ranges.map((s) => s.index));
  return { range: [first, last, r0.step], movable };
}
