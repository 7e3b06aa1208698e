/**
 * RedisJSON's paths: the JSONPath dialect of its json_path crate, and the legacy `.`-paths of
 * RedisJSON 1, which it translates to JSONPath (`.` → `$`, `.a` → `$.a`, `a[0]` → `$.a[0]`).
 * A path is JSONPath when it is `$` or starts with `$.` or `$[`; anything else is legacy, and
 * legacy paths answer differently (one value, or an error when nothing matches).
 *
 * Grammar (as the crate's): `$` then elements — `.name`, `..name`, `..*`, `..[…]`, `.*`, `[…]`
 * (optionally `.[…]`); inside brackets: `*`, indexes `0,-1`, a slice `start:end:step`, quoted
 * names `'a','b'`, or a filter `?(…)` of comparisons (`== != < <= > >= =~`) between `@…`,
 * `$…`, numbers, strings, `true`, `false`, `null`, joined by `&&` / `||` (AND binds tighter)
 * with parentheses. A bare term (`?(@.a)`) tests existence. Spaces are allowed between tokens.
 *
 * Evaluation follows the crate: `..` visits the node, then each child and its descendants, in
 * document order; an index past the end matches nothing, a negative one below the start is
 * clamped to 0; a filter applies to the elements of an array or the values of an object.
 * Every match carries its concrete path (keys and indexes), which writes use.
 *
 * Bounds: a path is at most MAX_PATH_BYTES long and filters nest at most MAX_FILTER_DEPTH
 * parentheses deep; evaluation recursion follows the document's depth, which the store bounds.
 */
import { JFloat, JInt, equal, isNumber, toDouble, type JObject, type JValue } from "./value";

export const MAX_PATH_BYTES = 8 * 1024;
const MAX_FILTER_DEPTH = 32;

type Seg =
  | { t: "key"; name: string }
  | { t: "keys"; names: string[] }
  | { t: "all" }
  | { t: "scan" }
  | { t: "idx"; list: number[] }
  | { t: "range"; start: number | null; end: number | null; step: number }
  | { t: "filter"; f: Filter };

type Term =
  | { t: "path"; root: "@" | "$"; segs: Seg[] }
  | { t: "num"; v: JInt | JFloat }
  | { t: "str"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "null" };
type Cmp = { t: "cmp"; a: Term; op?: string; b?: Term };
type Filter = { t: "and" | "or"; items: Filter[] } | Cmp;

export interface Query {
  segs: Seg[];
}

export class PathSyntaxError extends Error {}

const LITERAL = /[A-Za-z0-9\-_`~+#%$^/:]/;

/** The JSONPath a command's path argument means, and whether it was a legacy path. */
export function normalizePath(path: string): { path: string; legacy: boolean } {
  if (path.startsWith("$") && (path.length < 2 || path[1] === "." || path[1] === "[")) return { path, legacy: false };
  if (path === ".") return { path: "$", legacy: true };
  if (path.startsWith(".")) return { path: "$" + path, legacy: true };
  return { path: "$." + path, legacy: true };
}

/** Compiles a JSONPath; PathSyntaxError with the crate's "Error occurred on position N" shape. */
export function compile(path: string): Query {
  if (path.length > MAX_PATH_BYTES) throw new PathSyntaxError(`ERR path is longer than ${MAX_PATH_BYTES} bytes`);
  const p = new PathParser(path);
  return { segs: p.query() };
}

class PathParser {
  pos = 0;
  filterDepth = 0;
  constructor(private readonly s: string) {}

  fail(expected: string): never {
    const { s, pos } = this;
    const shown = pos >= s.length ? `"${s} <<<<----"` : `"${s.slice(0, pos)} ---->>>> ${s.slice(pos)}"`;
    throw new PathSyntaxError(`Error occurred on position ${pos}, ${shown}, expected one of the following: ${expected}.`);
  }

  ws(): void {
    while (this.s[this.pos] === " ") this.pos++;
  }
  peek(str: string): boolean {
    return this.s.startsWith(str, this.pos);
  }
  eat(str: string): boolean {
    this.ws();
    if (!this.peek(str)) return false;
    this.pos += str.length;
    return true;
  }

  query(): Seg[] {
    this.ws();
    if (this.s[this.pos] !== "$") this.fail("'$'");
    this.pos++;
    const segs = this.elements(true);
    this.ws();
    if (this.pos < this.s.length) this.fail("'..', '.', '['");
    return segs;
  }

  /** Elements after `$` or `@`; `first` allows a bare literal or `*` right after it. */
  elements(first: boolean): Seg[] {
    const segs: Seg[] = [];
    for (;;) {
      this.ws();
      const c = this.s[this.pos];
      if (c === "." && this.s[this.pos + 1] === ".") {
        this.pos += 2;
        segs.push({ t: "scan" });
        segs.push(this.child());
      } else if (c === ".") {
        this.pos++;
        segs.push(this.child());
      } else if (c === "[") {
        segs.push(this.bracket());
      } else if (first && c === "*") {
        this.pos++;
        segs.push({ t: "all" });
      } else if (first && c !== undefined && LITERAL.test(c)) {
        segs.push({ t: "key", name: this.literal() });
      } else return segs;
      first = false;
    }
  }

  literal(): string {
    const start = this.pos;
    while (this.pos < this.s.length && LITERAL.test(this.s[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail("<string>, '*', '[', '..'");
    return this.s.slice(start, this.pos);
  }

  /** What follows `.` or `..`: `*`, a bracket, or a member name. */
  child(): Seg {
    this.ws();
    if (this.s[this.pos] === "*") {
      this.pos++;
      return { t: "all" };
    }
    if (this.s[this.pos] === "[") return this.bracket();
    return { t: "key", name: this.literal() };
  }

  bracket(): Seg {
    this.pos++; // [
    this.ws();
    let seg: Seg;
    const c = this.s[this.pos];
    if (c === "*") {
      this.pos++;
      seg = { t: "all" };
    } else if (c === "?") {
      this.pos++;
      seg = { t: "filter", f: this.filter() };
    } else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      while (this.eat(",")) {
        this.ws();
        names.push(this.quoted());
      }
      seg = { t: "keys", names };
    } else seg = this.numbers();
    if (!this.eat("]")) this.fail("']'");
    return seg;
  }

  quoted(): string {
    const q = this.s[this.pos];
    if (q !== "'" && q !== '"') this.fail("<string>");
    this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`'${q}'`);
      const c = this.s[this.pos]!;
      if (c === q) {
        this.pos++;
        return out;
      }
      if (c === "\\" && (this.s[this.pos + 1] === q || this.s[this.pos + 1] === "\\")) {
        out += this.s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /** An integer as the grammar's `number`: `-`? then `0` or a non-zero digit and digits. */
  int(): number | null {
    this.ws();
    const m = /^-?(0|[1-9][0-9]*)/.exec(this.s.slice(this.pos, this.pos + 24));
    if (!m) return null;
    this.pos += m[0].length;
    const v = Number(m[0]);
    return Number.isSafeInteger(v) ? v : v < 0 ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  }

  numbers(): Seg {
    const first = this.int();
    this.ws();
    if (this.s[this.pos] === ":") {
      this.pos++;
      const end = this.int();
      let step = 1;
      if (this.eat(":")) {
        const st = this.int();
        if (st !== null) {
          if (st <= 0) this.fail("'<number>'");
          step = st;
        }
      }
      return { t: "range", start: first, end, step };
    }
    if (first === null) this.fail("'[?(filter_expression)]', ['start:end:steps'], '<number>[,<number>,...]', '<string>[,<string>,...]', '*'");
    const list = [first];
    while (this.eat(",")) {
      const n = this.int();
      if (n === null) this.fail("'<number>'");
      list.push(n);
    }
    return { t: "idx", list };
  }

  filter(): Filter {
    if (++this.filterDepth > MAX_FILTER_DEPTH) this.fail("a shallower filter");
    this.ws();
    const f = this.orExpr();
    this.filterDepth--;
    return f;
  }

  orExpr(): Filter {
    const items = [this.andExpr()];
    while (this.eat("||")) items.push(this.andExpr());
    return items.length === 1 ? items[0]! : { t: "or", items };
  }

  andExpr(): Filter {
    const items = [this.unit()];
    while (this.eat("&&")) items.push(this.unit());
    return items.length === 1 ? items[0]! : { t: "and", items };
  }

  unit(): Filter {
    this.ws();
    if (this.s[this.pos] === "(") {
      this.pos++;
      if (++this.filterDepth > MAX_FILTER_DEPTH) this.fail("a shallower filter");
      const f = this.orExpr();
      this.filterDepth--;
      if (!this.eat(")")) this.fail("')'");
      return f;
    }
    const a = this.term();
    this.ws();
    const op = ["==", "!=", "<=", ">=", "=~", "<", ">"].find((o) => this.peek(o));
    if (!op) return { t: "cmp", a };
    this.pos += op.length;
    return { t: "cmp", a, op, b: this.term() };
  }

  term(): Term {
    this.ws();
    const c = this.s[this.pos];
    if (c === "@" || c === "$") {
      this.pos++;
      return { t: "path", root: c, segs: this.elements(true) };
    }
    if (c === "'" || c === '"') return { t: "str", v: this.quoted() };
    if (this.peek("true")) {
      this.pos += 4;
      return { t: "bool", v: true };
    }
    if (this.peek("false")) {
      this.pos += 5;
      return { t: "bool", v: false };
    }
    if (this.peek("null")) {
      this.pos += 4;
      return { t: "null" };
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) this.fail("'@', '$', <number>, <string>, 'true', 'false', 'null'");
    this.pos += m[0].length;
    return { t: "num", v: m[2] ? new JFloat(Number(m[0])) : new JInt(BigInt(m[0])) };
  }
}

/**
 * A match: the value and where it sits (parent and key; no parent for the root), its depth, and
 * the match it was reached from (`up`), so its concrete path is built only when asked for
 * (pathOf): a walk allocates a constant per visited value, never a path per value.
 */
export interface Match {
  value: JValue;
  parent: JValue[] | JObject | null;
  key: string | number;
  depth: number;
  up: Match | null;
}

/** The concrete path of a match from the root: keys and indexes. */
export function pathOf(m: Match): (string | number)[] {
  const out: (string | number)[] = new Array<string | number>(m.depth);
  for (let x: Match | null = m; x !== null && x.up !== null; x = x.up) out[x.depth - 1] = x.key;
  return out;
}

/** A static path (names and single indexes only) says where one value is, or would be added. */
export function isStatic(q: Query): boolean {
  return q.segs.every((s) => s.t === "key" || (s.t === "keys" && s.names.length === 1) || (s.t === "idx" && s.list.length === 1));
}

/**
 * The most values one command's evaluations may visit together (every path, every key, filters'
 * sub-queries included): `$..a..a..a` over a deep document stops here. A command starts with
 * resetEvalBudget().
 */
export const MAX_EVAL_STEPS = 2_000_000;

export class PathTooCostlyError extends Error {
  constructor() {
    super(`ERR path evaluation visits more than ${MAX_EVAL_STEPS} values`);
  }
}

let steps = 0;

/** Gives the next command a whole MAX_EVAL_STEPS of visits (commands run one at a time). */
export function resetEvalBudget(): void {
  steps = 0;
}

/** Every match of `q` in `root`, in the crate's order; PathTooCostlyError once the command's visits pass MAX_EVAL_STEPS. */
export function evaluate(q: Query, root: JValue): Match[] {
  const out: Match[] = [];
  walk(q.segs, 0, { value: root, parent: null, key: "", depth: 0, up: null }, root, out);
  return out;
}

function child(m: Match, key: string | number, value: JValue): Match {
  return { value, parent: m.value as JValue[] | JObject, key, depth: m.depth + 1, up: m };
}

function children(m: Match): Match[] {
  const v = m.value;
  if (Array.isArray(v)) return v.map((e, i) => child(m, i, e));
  if (v instanceof Map) return [...v].map(([k, e]) => child(m, k, e));
  return [];
}

function absIndex(i: number, n: number): number {
  return i >= 0 ? Math.min(i, n) : Math.max(i + n, 0);
}

function walk(segs: Seg[], i: number, m: Match, root: JValue, out: Match[]): void {
  if (++steps > MAX_EVAL_STEPS) throw new PathTooCostlyError();
  if (i === segs.length) {
    out.push(m);
    return;
  }
  const seg = segs[i]!;
  const v = m.value;
  switch (seg.t) {
    case "scan":
      walk(segs, i + 1, m, root, out);
      scan(segs, i + 1, m, root, out);
      return;
    case "all":
      for (const c of children(m)) walk(segs, i + 1, c, root, out);
      return;
    case "key":
      if (v instanceof Map && v.has(seg.name)) walk(segs, i + 1, child(m, seg.name, v.get(seg.name)!), root, out);
      return;
    case "keys":
      if (v instanceof Map) for (const name of seg.names) if (v.has(name)) walk(segs, i + 1, child(m, name, v.get(name)!), root, out);
      return;
    case "idx":
      if (!Array.isArray(v)) return;
      for (const raw of seg.list) {
        const j = absIndex(raw, v.length);
        if (j < v.length) walk(segs, i + 1, child(m, j, v[j]!), root, out);
      }
      return;
    case "range": {
      if (!Array.isArray(v)) return;
      const start = seg.start === null ? 0 : absIndex(seg.start, v.length);
      const end = seg.end === null ? v.length : absIndex(seg.end, v.length);
      for (let j = start; j < end; j += seg.step) walk(segs, i + 1, child(m, j, v[j]!), root, out);
      return;
    }
    case "filter":
      for (const c of children(m)) if (test(seg.f, c.value, root)) walk(segs, i + 1, c, root, out);
      return;
  }
}

function scan(segs: Seg[], i: number, m: Match, root: JValue, out: Match[]): void {
  for (const c of children(m)) {
    walk(segs, i, c, root, out);
    scan(segs, i, c, root, out);
  }
}

type Operand = { t: "values"; vs: JValue[] } | { t: "lit"; v: JValue } | { t: "invalid" };

function operand(term: Term, current: JValue, root: JValue): Operand {
  switch (term.t) {
    case "path": {
      const base = term.root === "@" ? current : root;
      const found = evaluate({ segs: term.segs }, base).map((m) => m.value);
      return found.length === 0 ? { t: "invalid" } : { t: "values", vs: found };
    }
    case "num":
    case "str":
    case "bool":
      return { t: "lit", v: term.v };
    case "null":
      return { t: "lit", v: null };
  }
}

/** -1, 0, 1, or null when the two are not comparable (crate's rules: numbers with numbers, strings, booleans, nulls). */
function compare(a: JValue, b: JValue): number | null {
  if (isNumber(a) && isNumber(b)) {
    if (a instanceof JInt && b instanceof JInt) return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
    const x = toDouble(a);
    const y = toDouble(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : null;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a === null && b === null) return 0;
  return null;
}

const MAX_REGEX_CHARS = 256;

function regexMatch(value: JValue, pattern: JValue): boolean {
  if (typeof value !== "string" || typeof pattern !== "string" || pattern.length > MAX_REGEX_CHARS) return false;
  // JavaScript's engine backtracks: refuse the nested quantifiers that make it exponential.
  if (/\([^)]*[*+}][^)]*\)[*+{?]/.test(pattern)) return false;
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return false;
  }
}

function holds(op: string, a: JValue, b: JValue, literalB: boolean): boolean {
  switch (op) {
    case "==":
      if (!literalB) return equal(a, b) || compare(a, b) === 0;
      return compare(a, b) === 0;
    case "!=":
      return !holds("==", a, b, literalB);
    case "=~":
      return regexMatch(a, b);
    default: {
      const c = compare(a, b);
      if (c === null) return false;
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    }
  }
}

function test(f: Filter, current: JValue, root: JValue): boolean {
  if (f.t !== "cmp") return f.t === "and" ? f.items.every((x) => test(x, current, root)) : f.items.some((x) => test(x, current, root));
  const a = operand(f.a, current, root);
  if (!f.op) return a.t !== "invalid";
  const b = operand(f.b!, current, root);
  if (a.t === "invalid" || b.t === "invalid") return f.op === "!=";
  const as = a.t === "values" ? a.vs : [a.v];
  const bs = b.t === "values" ? b.vs : [b.v];
  if (f.op === "!=") return !as.some((x) => bs.some((y) => holds("==", x, y, b.t === "lit")));
  return as.some((x) => bs.some((y) => holds(f.op!, x, y, b.t === "lit")));
}

/**
 * Orders concrete paths as RedisJSON mutates them: at the first step where they differ, object
 * keys ascending and array indexes descending (later siblings first, so indexes stay valid);
 * a path before its own prefix (deeper values first).
 */
export function comparePathsForUpdate(a: (string | number)[], b: (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    if (typeof x === "number") return 1;
    if (typeof y === "number") return -1;
    return x < y ? -1 : 1;
  }
  return b.length - a.length;
}
