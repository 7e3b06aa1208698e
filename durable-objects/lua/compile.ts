/**
 * The compiler: a luaparse syntax tree becomes a tree of JS closures, once per script; running
 * the script calls them. No source text is generated and nothing is evaluated at run time.
 *
 * Scopes are resolved at compile time. Each local lives in a `Cell` created when its
 * declaration runs (so a closure made in a loop captures that iteration's variable); a
 * function's frame holds its cells by slot, and a closure copies the cells of the variables
 * it captures (its upvalues) when it is created, as Lua does.
 *
 * A statement returns a signal: NORMAL, BREAK, or RETURN (the values are in `frame.ret`).
 * Every loop iteration and every call costs one unit of the runtime's instruction budget.
 *
 * Longer than our usual file on purpose: it is one recursive walk over the syntax tree, and
 * the scope resolution it shares between statements and expressions reads best in one place.
 */
import type * as AST from "luaparse";
import { parse } from "luaparse";
import type { Runtime } from "./runtime";
import { LOCAL_BYTES, LuaError, LuaFunction, LuaTable, SMALL_STRING, allocate, charge, hold, memory, recharge, sizeOf, toNumber, type LuaValue } from "./value";

interface Cell {
  v: LuaValue;
}

class Frame {
  s: Cell[];
  ret: LuaValue[] = NONE;
  /** Bytes of the strings in this call's own (uncaptured) locals, counted until it returns. */
  held = 0;
  constructor(
    n: number,
    readonly up: Cell[],
    readonly va: LuaValue[],
    /** The arguments: the caller's values (counted by the caller while the call runs). */
    readonly args: LuaValue[],
  ) {
    this.s = new Array<Cell>(n);
  }
}

/*
 * Memory (docs/lua-engine.md, "Memory"). A local that no closure captures is this call's
 * own: only this call reads or writes it, so its string counts while it is stored and is
 * credited when overwritten (as a temporary of the current statement, which may still hold
 * it) or when the call returns. A captured local is shared, like a table slot: its strings
 * count for the rest of the run (only the chunk itself, which no other function can be
 * waiting on, credits an overwritten value). A parameter's first value is the caller's.
 */

/** A declaration: `v` in a new cell of `slot`, crediting the cell it replaces (a loop's). */
function declare(f: Frame, slot: number, v: LuaValue, shared: boolean): void {
  const n = sizeOf(v);
  if (shared) {
    if (n !== 0) hold(n);
  } else {
    const old = f.s[slot];
    if (old !== undefined) release(f, old.v);
    if (n >= SMALL_STRING) {
      hold(n);
      f.held += n;
    }
  }
  f.s[slot] = { v };
}

/** An assignment to an existing local. */
function assign(f: Frame, c: Cell, v: LuaValue, shared: boolean, param: number): void {
  if (shared) recharge(v, c.v);
  else {
    if (param < 0 || c.v !== f.args[param]) release(f, c.v);
    const n = sizeOf(v);
    if (n >= SMALL_STRING) {
      hold(n);
      f.held += n;
    }
  }
  c.v = v;
}

/** An own local's value leaves it: it stays counted until the current statement ends. */
function release(f: Frame, old: LuaValue): void {
  const m = sizeOf(old);
  if (m >= SMALL_STRING) {
    f.held -= m;
    memory.temp += m;
  }
}

/**
 * Runs a function body in its own statement count. When it ends, its locals and its
 * temporaries are released; what it returns (or raises) counts as a temporary of the caller.
 */
function runBody(body: Stmt, fr: Frame, nslots: number): LuaValue[] {
  hold(nslots * LOCAL_BYTES);
  fr.held = nslots * LOCAL_BYTES;
  const outer = memory.temp;
  memory.temp = 0;
  let r: number;
  try {
    r = body(fr);
  } catch (e) {
    memory.alloc += fr.held + memory.temp;
    memory.temp = outer;
    if (e instanceof LuaError) temporary(e.value);
    throw e;
  }
  memory.alloc += fr.held + memory.temp;
  memory.temp = outer;
  if (r !== RETURN) return NONE;
  const ret = fr.ret;
  for (let i = 0; i < ret.length; i++) temporary(ret[i]);
  return ret;
}

/**
 * Not checked against the cap: the value was counted in the call (made there, or held by
 * its locals) until the moment it returned, so the count does not grow.
 */
function temporary(v: LuaValue): void {
  const n = sizeOf(v);
  if (n !== 0) {
    memory.temp += n;
    memory.alloc -= n;
  }
}

type Expr = (f: Frame) => LuaValue;
type Multi = (f: Frame) => LuaValue[];
type Stmt = (f: Frame) => number;

const NORMAL = 0;
const BREAK = 1;
const RETURN = 2;
const NONE: LuaValue[] = [];
/** The upvalues of a chunk: none (it is never indexed). */
const NO_UPVALUES: Cell[] = [];

type Resolved = { kind: "local"; slot: number } | { kind: "upvalue"; index: number } | { kind: "global" };

class FuncState {
  readonly scopes: Map<string, number>[] = [new Map()];
  nslots = 0;
  /** The parameters' slots are 0..nparams-1. */
  nparams = 0;
  /** By slot: whether a closure captures the local (known once the whole chunk is compiled). */
  readonly captured: boolean[] = [];
  readonly upvals: { name: string; fromLocal: boolean; index: number }[] = [];
  constructor(
    readonly parent: FuncState | undefined,
    readonly vararg: boolean,
  ) {}

  declare(name: string): number {
    const slot = this.nslots++;
    this.scopes[this.scopes.length - 1]!.set(name, slot);
    return slot;
  }

  findLocal(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i]!.get(name);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  resolve(name: string): Resolved {
    const slot = this.findLocal(name);
    if (slot !== undefined) return { kind: "local", slot };
    const index = this.findUpvalue(name);
    return index === undefined ? { kind: "global" } : { kind: "upvalue", index };
  }

  private findUpvalue(name: string): number | undefined {
    const existing = this.upvals.findIndex((u) => u.name === name);
    if (existing >= 0) return existing;
    if (!this.parent) return undefined;
    const slot = this.parent.findLocal(name);
    if (slot !== undefined) {
      this.parent.captured[slot] = true;
      return this.upvals.push({ name, fromLocal: true, index: slot }) - 1;
    }
    const up = this.parent.findUpvalue(name);
    if (up === undefined) return undefined;
    return this.upvals.push({ name, fromLocal: false, index: up }) - 1;
  }
}

export class LuaSyntaxError extends Error {}

/** Parses and compiles a chunk (source as a byte string) into a function of the runtime. */
export function compileChunk(rt: Runtime, source: string, name: string): LuaFunction {
  let ast: AST.Chunk;
  try {
    ast = parse(source, { luaVersion: "5.1", encodingMode: "pseudo-latin1", comments: false, locations: true, ranges: true });
  } catch (e) {
    const m = e instanceof Error ? /^\[(\d+):\d+\] (.*)$/s.exec(e.message) : null;
    const index = (e as { index?: unknown }).index;
    throw new LuaSyntaxError(m ? `${name}:${m[1]}: ${luaMessage(m[2]!, source, typeof index === "number" ? index : -1)}` : `${name}: ${String(e)}`);
  }
  const c = new Compiler(rt, source);
  const fs = new FuncState(undefined, true);
  c.fs = fs;
  let body: Stmt;
  try {
    body = c.block(ast.body);
  } catch (e) {
    if (e instanceof RangeError) throw new LuaSyntaxError(`${name}: chunk has too many syntax levels`);
    throw e;
  }
  const nslots = () => fs.nslots;
  return new LuaFunction(
    name,
    (args) => {
      const n = nslots();
      return runBody(body, new Frame(n, NO_UPVALUES, args, args), n);
    },
    false,
  );
}

/** Tokens that end a block: at the top level Lua 5.1 expects the end of the chunk there. */
const BLOCK_FOLLOW = new Set(["end", "else", "elseif", "until"]);

/**
 * luaparse's wording → Lua 5.1's, for the common syntax errors. `index` is where luaparse met
 * the offending token (-1 if unknown). Where luaparse says "unexpected <kind> 'T'", Lua 5.1 says
 * "unexpected symbol near 'T'" for a token that cannot start a statement, and "'<eof>' expected
 * near 'T'" at the top level after a finished `return` (nothing may follow it) or for a block's closing
 * keyword with no block open. An unfinished string is reported near '<eof>' when it runs to the
 * end of the source (near its text when a newline cuts it).
 */
function luaMessage(m: string, source: string, index: number): string {
  const unexpected = /^unexpected (?:[a-z]+ )?('(.*?)') near .*$/s.exec(m);
  if (unexpected) {
    const [, quoted, token] = unexpected;
    if (BLOCK_FOLLOW.has(token!) || (index >= 0 && endsWithReturn(source.slice(0, index)))) return `'<eof>' expected near ${quoted}`;
    return `unexpected symbol near ${quoted}`;
  }
  // `f(` with no argument: Lua 5.1 wants an expression there, luaparse the closing parenthesis.
  const close = /^'\)' expected near ('.*')$/s.exec(m);
  if (close && index >= 0 && source.slice(0, index).trimEnd().endsWith("(")) return `unexpected symbol near ${close[1]}`;
  const unfinished = /^unfinished string near '(.*)'$/s.exec(m);
  if (unfinished && source.endsWith(unfinished[1]!)) return "unfinished string near '<eof>'";
  return m
    .replace(/^<expression> expected near (.*)$/s, "unexpected symbol near $1")
    .replace(/^<name> expected near (.*)$/s, "'<name>' expected near $1")
    .replace(/^unfinished (long string|long comment) \(starting at line \d+\) near/s, "unfinished $1 near");
}

/** Whether `prefix` is a whole chunk whose last statement is a finished `return` (values or `;` after it). */
function endsWithReturn(prefix: string): boolean {
  try {
    const body = parse(prefix, { luaVersion: "5.1", encodingMode: "pseudo-latin1", comments: false }).body;
    const last = body[body.length - 1];
    return last?.type === "ReturnStatement" && (last.arguments.length > 0 || /;\s*$/.test(prefix));
  } catch {
    return false;
  }
}

function lineOf(n: AST.Node): number {
  return n.loc ? n.loc.start.line : 0;
}

class Compiler {
  fs!: FuncState;
  constructor(
    readonly rt: Runtime,
    readonly src: string,
  ) {}

  block(body: AST.Statement[], scoped = true): Stmt {
    if (scoped) this.fs.scopes.push(new Map());
    const stmts = body.map((s) => this.stmt(s));
    if (scoped) this.fs.scopes.pop();
    const n = stmts.length;
    if (n === 0) return () => NORMAL;
    if (n === 1) return stmts[0]!;
    return (f) => {
      for (let i = 0; i < n; i++) {
        const r = stmts[i]!(f);
        if (r !== NORMAL) return r;
      }
      return NORMAL;
    };
  }

  stmt(s: AST.Statement): Stmt {
    const rt = this.rt;
    const line = lineOf(s);
    const inner = this.stmtInner(s);
    return (f) => {
      rt.line = line;
      // A new statement: the previous one's temporaries are gone.
      const t = memory.temp;
      if (t !== 0) {
        memory.alloc += t;
        memory.temp = 0;
      }
      return inner(f);
    };
  }

  stmtInner(s: AST.Statement): Stmt {
    const rt = this.rt;
    switch (s.type) {
      case "LocalStatement": {
        // The initializers are compiled before the new locals are declared: in `local x = x`
        // the right-hand x is the outer one. One name and one expression (a call or `...`
        // included: expr() takes its first value, as Lua adjusts it) skip the list.
        const single = s.variables.length === 1 && s.init.length === 1 ? this.expr(s.init[0]!) : null;
        const init = single === null ? this.exprList(s.init, s.variables.length) : null;
        const slots = s.variables.map((v) => this.fs.declare(v.name));
        const cap = this.fs.captured;
        if (single !== null) {
          const slot = slots[0]!;
          return (f) => {
            declare(f, slot, single(f), cap[slot] === true);
            return NORMAL;
          };
        }
        return (f) => {
          const vals = init!(f);
          for (let i = 0; i < slots.length; i++) declare(f, slots[i]!, vals[i], cap[slots[i]!] === true);
          return NORMAL;
        };
      }
      case "AssignmentStatement": {
        const targets = s.variables.map((v) => this.assignTarget(v));
        if (targets.length === 1 && s.init.length === 1) {
          const t = targets[0]!;
          const e = this.expr(s.init[0]!);
          return (f) => {
            t(f, e(f));
            return NORMAL;
          };
        }
        const init = this.exprList(s.init, targets.length);
        return (f) => {
          const vals = init(f);
          for (let i = 0; i < targets.length; i++) targets[i]!(f, vals[i]);
          return NORMAL;
        };
      }
      case "CallStatement": {
        const call = this.multi(s.expression);
        return (f) => {
          call(f);
          return NORMAL;
        };
      }
      case "FunctionDeclaration": {
        if (s.isLocal && s.identifier?.type === "Identifier") {
          const slot = this.fs.declare(s.identifier.name);
          const fn = this.functionExpr(s, s.identifier.name);
          return (f) => {
            const cell: Cell = { v: undefined };
            f.s[slot] = cell;
            cell.v = fn(f);
            return NORMAL;
          };
        }
        const id = s.identifier!;
        let target: (f: Frame, v: LuaValue) => void;
        let fn: Expr;
        if (id.type === "MemberExpression" && id.indexer === ":") {
          const base = this.expr(id.base);
          const key = id.identifier.name;
          fn = this.functionExpr(s, key, true);
          target = (f, v) => rt.setIndex(base(f), key, v, describe(id.base, this.fs));
        } else {
          target = this.assignTarget(id as AST.Identifier | AST.MemberExpression);
          fn = this.functionExpr(s, id.type === "Identifier" ? id.name : id.identifier.name);
        }
        return (f) => {
          target(f, fn(f));
          return NORMAL;
        };
      }
      case "ReturnStatement": {
        if (s.arguments.length === 1 && !this.isMulti(s.arguments[0]!)) {
          const e = this.expr(s.arguments[0]!);
          return (f) => {
            f.ret = [e(f)];
            return RETURN;
          };
        }
        const list = this.exprList(s.arguments, -1);
        return (f) => {
          f.ret = list(f);
          return RETURN;
        };
      }
      case "IfStatement": {
        const clauses = s.clauses.map((c) => ({
          cond: c.type === "ElseClause" ? null : this.expr(c.condition),
          body: this.block(c.body),
        }));
        return (f) => {
          for (const c of clauses) {
            if (c.cond === null) return c.body(f);
            const v = c.cond(f);
            if (v !== undefined && v !== false) return c.body(f);
          }
          return NORMAL;
        };
      }
      case "WhileStatement": {
        const cond = this.expr(s.condition);
        const body = this.block(s.body);
        return (f) => {
          for (;;) {
            const v = cond(f);
            if (v === undefined || v === false) return NORMAL;
            rt.tick();
            const r = body(f);
            if (r === BREAK) return NORMAL;
            if (r === RETURN) return r;
          }
        };
      }
      case "RepeatStatement": {
        this.fs.scopes.push(new Map());
        const body = this.block(s.body, false);
        const cond = this.expr(s.condition);
        this.fs.scopes.pop();
        return (f) => {
          for (;;) {
            rt.tick();
            const r = body(f);
            if (r === BREAK) return NORMAL;
            if (r === RETURN) return r;
            const v = cond(f);
            if (v !== undefined && v !== false) return NORMAL;
          }
        };
      }
      case "DoStatement":
        return this.block(s.body);
      case "BreakStatement":
        return () => BREAK;
      case "ForNumericStatement": {
        const start = this.expr(s.start);
        const end = this.expr(s.end);
        const step = s.step ? this.expr(s.step) : () => 1;
        this.fs.scopes.push(new Map());
        const slot = this.fs.declare(s.variable.name);
        const body = this.block(s.body);
        this.fs.scopes.pop();
        return (f) => {
          const a = toNumber(start(f));
          if (a === undefined) return rt.error("'for' initial value must be a number");
          const b = toNumber(end(f));
          if (b === undefined) return rt.error("'for' limit must be a number");
          const c = toNumber(step(f));
          if (c === undefined) return rt.error("'for' step must be a number");
          for (let i = a; c > 0 ? i <= b : i >= b; i += c) {
            rt.tick();
            f.s[slot] = { v: i };
            const r = body(f);
            if (r === BREAK) return NORMAL;
            if (r === RETURN) return r;
          }
          return NORMAL;
        };
      }
      case "ForGenericStatement": {
        const init = this.exprList(s.iterators, 3);
        this.fs.scopes.push(new Map());
        const slots = s.variables.map((v) => this.fs.declare(v.name));
        const cap = this.fs.captured;
        const body = this.block(s.body);
        this.fs.scopes.pop();
        const loop = (f: Frame, iter: LuaValue, st: LuaValue, first: LuaValue): number => {
          let ctl: LuaValue = first;
          for (;;) {
            const rs = rt.call(iter, [st, ctl]);
            const v0 = rs[0];
            if (v0 === undefined) return NORMAL;
            ctl = v0;
            for (let i = 0; i < slots.length; i++) declare(f, slots[i]!, rs[i], cap[slots[i]!] === true);
            const r = body(f);
            if (r === BREAK) return NORMAL;
            if (r === RETURN) return r;
          }
        };
        return (f) => {
          const [iter, st, first] = init(f);
          // The iterator, its state and what they hold (a gmatch subject) live as long as the
          // loop: the header's temporaries stay counted until it ends.
          const kept = memory.temp;
          memory.temp = 0;
          f.held += kept;
          const r = loop(f, iter, st, first);
          f.held -= kept;
          memory.temp += kept;
          return r;
        };
      }
      default:
        throw new LuaSyntaxError(`${this.rt.chunkName}:${lineOf(s)}: unsupported statement ${s.type}`);
    }
  }

  assignTarget(v: AST.Expression): (f: Frame, value: LuaValue) => void {
    const rt = this.rt;
    if (v.type === "Identifier") {
      const r = this.fs.resolve(v.name);
      if (r.kind === "local") {
        const slot = r.slot;
        const cap = this.fs.captured;
        const param = slot < this.fs.nparams ? slot : -1;
        return (f, x) => {
          assign(f, f.s[slot]!, x, cap[slot] === true, param);
        };
      }
      if (r.kind === "upvalue") {
        const index = r.index;
        return (f, x) => {
          const c = f.up[index]!;
          recharge(x, c.v);
          c.v = x;
        };
      }
      const name = v.name;
      const g = rt.globals;
      return (_f, x) => rt.setIndex(g, name, x);
    }
    if (v.type === "MemberExpression") {
      const base = this.expr(v.base);
      const key = v.identifier.name;
      const desc = describe(v.base, this.fs);
      return (f, x) => rt.setIndex(base(f), key, x, desc);
    }
    if (v.type === "IndexExpression") {
      const base = this.expr(v.base);
      const key = this.expr(v.index);
      const desc = describe(v.base, this.fs);
      return (f, x) => rt.setIndex(base(f), key(f), x, desc);
    }
    throw new LuaSyntaxError(`${rt.chunkName}:${lineOf(v)}: cannot assign to ${v.type}`);
  }

  /**
   * Whether `e` yields all its values: a call or `...` not wrapped in parentheses. luaparse
   * keeps no node for parentheses, so they are found in the source around the node.
   */
  isMulti(e: AST.Expression, firstCallArg = false): boolean {
    const range = (e as { range?: [number, number] }).range;
    if (!isCallOrVararg(e) || !range) return isCallOrVararg(e);
    const src = this.src;
    let i = range[0] - 1;
    let open = 0;
    while (i >= 0 && (src[i] === "(" || /\s/.test(src[i]!))) if (src[i--] === "(") open++;
    if (firstCallArg) open--;
    if (open <= 0) return true;
    let j = range[1];
    while (j < src.length && /\s/.test(src[j]!)) j++;
    return src[j] !== ")";
  }

  /** An expression list adjusted to `want` values (-1: all; the last expression expands). */
  exprList(list: AST.Expression[], want: number, callArgs = false): Multi {
    if (list.length === 0) return () => (want > 0 ? new Array<LuaValue>(want).fill(undefined) : []);
    const last = list[list.length - 1]!;
    const expands = this.isMulti(last, callArgs && list.length === 1);
    const singles = (expands ? list.slice(0, -1) : list).map((e) => this.expr(e));
    const tail = expands ? this.multi(last) : null;
    if (tail === null) {
      // A fixed number of values (call arguments, most often): one array of its final length.
      const n = want >= 0 && want < singles.length ? want : singles.length;
      const all = singles.length;
      return (f) => {
        const out = new Array<LuaValue>(n);
        for (let i = 0; i < all; i++) {
          const v = singles[i]!(f);
          if (i < n) out[i] = v;
        }
        return out;
      };
    }
    const fn = (f: Frame): LuaValue[] => {
      const out: LuaValue[] = [];
      for (let i = 0; i < singles.length; i++) out.push(singles[i]!(f));
      if (tail) {
        const t = tail(f);
        for (let i = 0; i < t.length; i++) out.push(t[i]);
      }
      if (want >= 0 && out.length > want) out.length = want;
      return out;
    };
    return fn;
  }

  /** A multi-valued expression (a call or `...`), all its values. */
  multi(e: AST.Expression): Multi {
    if (e.type === "VarargLiteral") {
      if (!this.fs.vararg) throw new LuaSyntaxError(`${this.rt.chunkName}:${lineOf(e)}: cannot use '...' outside a vararg function near '...'`);
      return (f) => f.va;
    }
    const rt = this.rt;
    const line = lineOf(e);
    if (e.type === "CallExpression" || e.type === "StringCallExpression" || e.type === "TableCallExpression") {
      const argNodes = e.type === "CallExpression" ? e.arguments : e.type === "StringCallExpression" ? [e.argument] : [e.arguments];
      const args = this.exprList(argNodes, -1, e.type === "CallExpression");
      const callee = e.base;
      if (callee.type === "MemberExpression" && callee.indexer === ":") {
        const obj = this.expr(callee.base);
        const name = callee.identifier.name;
        const desc = `method '${name}'`;
        const objDesc = describe(callee.base, this.fs);
        return (f) => {
          const o = obj(f);
          const fn = rt.index(o, name, objDesc);
          const a = args(f);
          a.unshift(o);
          rt.line = line;
          return rt.call(fn, a, desc);
        };
      }
      const fnExpr = this.expr(callee);
      const desc = describe(callee, this.fs);
      return (f) => {
        const fn = fnExpr(f);
        const a = args(f);
        rt.line = line;
        return rt.call(fn, a, desc);
      };
    }
    const single = this.expr(e);
    return (f) => [single(f)];
  }

  expr(e: AST.Expression): Expr {
    const rt = this.rt;
    switch (e.type) {
      case "NilLiteral":
        return () => undefined;
      case "BooleanLiteral": {
        const v = e.value;
        return () => v;
      }
      case "NumericLiteral": {
        const v = e.value;
        return () => v;
      }
      case "StringLiteral": {
        const v = e.value as string;
        return () => v;
      }
      case "VarargLiteral": {
        const m = this.multi(e);
        return (f) => m(f)[0];
      }
      case "Identifier": {
        const r = this.fs.resolve(e.name);
        if (r.kind === "local") {
          const slot = r.slot;
          return (f) => f.s[slot]!.v;
        }
        if (r.kind === "upvalue") {
          const index = r.index;
          return (f) => f.up[index]!.v;
        }
        const name = e.name;
        const g = rt.globals;
        return () => {
          const v = g.getStr(name);
          return v !== undefined || g.metatable === undefined ? v : rt.index(g, name);
        };
      }
      case "MemberExpression": {
        const base = this.expr(e.base);
        const key = e.identifier.name;
        const desc = describe(e.base, this.fs);
        return (f) => {
          const o = base(f);
          if (o instanceof LuaTable) {
            const v = o.getStr(key);
            if (v !== undefined || o.metatable === undefined) return v;
          }
          return rt.index(o, key, desc);
        };
      }
      case "IndexExpression": {
        const base = this.expr(e.base);
        const key = this.expr(e.index);
        const desc = describe(e.base, this.fs);
        return (f) => {
          const o = base(f);
          const k = key(f);
          if (o instanceof LuaTable) {
            const v = o.get(k);
            if (v !== undefined || o.metatable === undefined) return v;
          }
          return rt.index(o, k, desc);
        };
      }
      case "CallExpression":
      case "StringCallExpression":
      case "TableCallExpression": {
        const m = this.multi(e);
        return (f) => m(f)[0];
      }
      case "FunctionDeclaration":
        return this.functionExpr(e, "anonymous");
      case "LogicalExpression": {
        const a = this.expr(e.left);
        const b = this.expr(e.right);
        if (e.operator === "and") {
          return (f) => {
            const v = a(f);
            return v === undefined || v === false ? v : b(f);
          };
        }
        return (f) => {
          const v = a(f);
          return v === undefined || v === false ? b(f) : v;
        };
      }
      case "UnaryExpression": {
        const a = this.expr(e.argument);
        const desc = describe(e.argument, this.fs);
        switch (e.operator) {
          case "not":
            return (f) => {
              const v = a(f);
              return v === undefined || v === false;
            };
          case "-":
            return (f) => {
              const v = a(f);
              return typeof v === "number" ? -v : rt.unm(v, desc);
            };
          case "#":
            return (f) => rt.len(a(f), desc);
          default:
            throw new LuaSyntaxError(`${rt.chunkName}:${lineOf(e)}: unexpected symbol near '${e.operator}'`);
        }
      }
      case "BinaryExpression":
        return this.binary(e);
      case "TableConstructorExpression":
        return this.table(e);
      default:
        throw new LuaSyntaxError(`${rt.chunkName}:${lineOf(e)}: unsupported expression ${(e as AST.Node).type}`);
    }
  }

  binary(e: AST.BinaryExpression): Expr {
    const rt = this.rt;
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    const op = e.operator;
    const da = describe(e.left, this.fs);
    const db = describe(e.right, this.fs);
    switch (op) {
      case "+":
        return (f) => {
          const x = a(f);
          const y = b(f);
          return typeof x === "number" && typeof y === "number" ? x + y : rt.arithMeta(op, x, y, da, db);
        };
      case "-":
        return (f) => {
          const x = a(f);
          const y = b(f);
          return typeof x === "number" && typeof y === "number" ? x - y : rt.arithMeta(op, x, y, da, db);
        };
      case "*":
        return (f) => {
          const x = a(f);
          const y = b(f);
          return typeof x === "number" && typeof y === "number" ? x * y : rt.arithMeta(op, x, y, da, db);
        };
      case "/":
      case "%":
      case "^":
        return (f) => rt.arithMeta(op, a(f), b(f), da, db);
      case "..":
        return (f) => {
          const x = a(f);
          const y = b(f);
          if (typeof x !== "string" || typeof y !== "string") return rt.concat(x, y, da, db);
          allocate(x.length + y.length);
          return x + y;
        };
      case "==":
        return (f) => rt.eq(a(f), b(f));
      case "~=":
        return (f) => !rt.eq(a(f), b(f));
      case "<":
        return (f) => rt.lt(a(f), b(f));
      case "<=":
        return (f) => rt.le(a(f), b(f));
      case ">":
        return (f) => {
          const x = a(f);
          return rt.lt(b(f), x);
        };
      case ">=":
        return (f) => {
          const x = a(f);
          return rt.le(b(f), x);
        };
      default:
        throw new LuaSyntaxError(`${rt.chunkName}:${lineOf(e)}: unexpected symbol near '${op}'`);
    }
  }

  table(e: AST.TableConstructorExpression): Expr {
    const rt = this.rt;
    type Field = { kind: "pos"; v: Expr } | { kind: "tail"; m: Multi } | { kind: "key"; k: Expr; v: Expr };
    const fields: Field[] = e.fields.map((fl, i) => {
      if (fl.type === "TableValue") {
        if (i === e.fields.length - 1 && this.isMulti(fl.value)) return { kind: "tail", m: this.multi(fl.value) };
        return { kind: "pos", v: this.expr(fl.value) };
      }
      if (fl.type === "TableKeyString") {
        const name = fl.key.name;
        return { kind: "key", k: () => name, v: this.expr(fl.value) };
      }
      return { kind: "key", k: this.expr(fl.key), v: this.expr(fl.value) };
    });
    const positional = fields.filter((fl) => fl.kind === "pos").length;
    return (f) => {
      const t = new LuaTable();
      let n = 1;
      for (const fl of fields) {
        if (fl.kind === "pos") {
          const v = fl.v(f);
          if (t.arr.length === n - 1 && (v !== undefined || n < positional)) {
            charge(v);
            t.arr.push(v);
          }
          else t.rawSet(n, v);
          n++;
        }
        else if (fl.kind === "tail") {
          const vs = fl.m(f);
          for (const v of vs) t.rawSet(n++, v);
        } else {
          const k = fl.k(f);
          if (k === undefined) return rt.error("table index is nil");
          if (typeof k === "number" && Number.isNaN(k)) rt.error("table index is NaN");
          t.rawSet(k, fl.v(f));
        }
      }
      const a = t.arr;
      while (a.length > 0 && a[a.length - 1] === undefined) a.length--;
      return t;
    };
  }

  functionExpr(node: AST.FunctionDeclaration, name: string, method = false): Expr {
    const rt = this.rt;
    const parent = this.fs;
    const vararg = node.parameters.some((p) => p.type === "VarargLiteral");
    const fs = new FuncState(parent, vararg);
    this.fs = fs;
    const params: number[] = [];
    if (method) params.push(fs.declare("self"));
    for (const p of node.parameters) if (p.type === "Identifier") params.push(fs.declare(p.name));
    fs.nparams = params.length;
    const body = this.block(node.body, false);
    this.fs = parent;
    const upvals = fs.upvals;
    const np = params.length;
    const cap = fs.captured;
    void rt;
    return (f) => {
      const up: Cell[] = upvals.map((u) => (u.fromLocal ? f.s[u.index]! : f.up[u.index]!));
      return new LuaFunction(
        name,
        (args) => {
          const fr = new Frame(fs.nslots, up, vararg && args.length > np ? args.slice(np) : NONE, args);
          for (let i = 0; i < np; i++) {
            const v = args[i];
            // A captured parameter may outlive the call (and the caller's count of it).
            if (cap[i] === true) temporaryHeld(v);
            fr.s[params[i]!] = { v };
          }
          return runBody(body, fr, fs.nslots);
        },
        false,
      );
    };
  }
}

function temporaryHeld(v: LuaValue): void {
  const n = sizeOf(v);
  if (n !== 0) hold(n);
}

function isCallOrVararg(e: AST.Expression): boolean {
  return e.type === "CallExpression" || e.type === "StringCallExpression" || e.type === "TableCallExpression" || e.type === "VarargLiteral";
}

/** How Lua 5.1 names a value in an error: `local 'x'`, `global 'x'`, `field 'x'`, `upvalue 'x'`. */
function describe(e: AST.Expression, fs: FuncState): string | undefined {
  if (e.type === "Identifier") {
    const r = fs.resolve(e.name);
    return `${r.kind} '${e.name}'`;
  }
  if (e.type === "MemberExpression" && e.indexer === ".") return `field '${e.identifier.name}'`;
  if (e.type === "IndexExpression") return `field '${e.index.type === "StringLiteral" ? (e.index.value as string) : "?"}'`;
  return undefined;
}

export { LuaError };
