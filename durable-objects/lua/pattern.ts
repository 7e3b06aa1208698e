/**
 * Lua 5.1 patterns (string.find/match/gmatch/gsub), a backtracking matcher over byte strings
 * following the reference implementation's structure: single-char classes (`%a %c %d %l %p
 * %s %u %w %x %z` and their complements), sets `[...]`, quantifiers `* + - ?`, anchors,
 * captures (with position captures `()`), back-references `%1`, `%b()` and `%f[set]`.
 */
import { LuaError, allocate, substring, work } from "./value";

const MAXCAPTURES = 32;
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const MAXCCALLS = 200;

export class MatchState {
  level = 0;
  capStart: number[] = [];
  capLen: number[] = [];
  depth = 0;
  constructor(
    readonly src: string,
    readonly pat: string,
    /** Charged once per matcher step, so that a pathological pattern spends the script's budget. */
    readonly tick: () => void = () => {},
  ) {}

  /** The capture `i` (0-based): a string, or a 1-based position for `()`. */
  capture(i: number, s: number, e: number): string | number {
    if (i >= this.level) {
      if (i === 0) return slice(this.src, s, e);
      throw new LuaError("invalid capture index", true);
    }
    const l = this.capLen[i]!;
    if (l === CAP_UNFINISHED) throw new LuaError("unfinished capture", true);
    if (l === CAP_POSITION) return this.capStart[i]! + 1;
    return slice(this.src, this.capStart[i]!, this.capStart[i]! + l);
  }

  /** All captures (or the whole match when the pattern has none). */
  captures(s: number, e: number, wholeIfNone: boolean): (string | number)[] {
    const n = this.level === 0 && wholeIfNone ? 1 : this.level;
    const out: (string | number)[] = [];
    for (let i = 0; i < n; i++) out.push(this.capture(i, s, e));
    return out;
  }
}

/** A capture: a new string, counted against the run's allocation. */
function slice(src: string, s: number, e: number): string {
  allocate(e - s);
  return substring(src, s, e);
}

function classEnd(ms: MatchState, p: number): number {
  const pat = ms.pat;
  if (p >= pat.length) throw new LuaError("malformed pattern (ends with '%')", true);
  const c = pat[p++]!;
  if (c === "%") {
    if (p >= pat.length) throw new LuaError("malformed pattern (ends with '%')", true);
    return p + 1;
  }
  if (c === "[") {
    if (pat[p] === "^") p++;
    do {
      if (p >= pat.length) throw new LuaError("malformed pattern (missing ']')", true);
      const cc = pat[p++];
      if (cc === "%") {
        if (p >= pat.length) throw new LuaError("malformed pattern (missing ']')", true);
        p++;
      }
    } while (pat[p] !== "]");
    return p + 1;
  }
  return p;
}

function isClass(c: number, cl: string): boolean {
  let res: boolean;
  switch (cl.toLowerCase()) {
    case "a":
      res = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      break;
    case "c":
      res = c < 32 || c === 127;
      break;
    case "d":
      res = c >= 48 && c <= 57;
      break;
    case "l":
      res = c >= 97 && c <= 122;
      break;
    case "p":
      res = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
      break;
    case "s":
      res = c === 32 || (c >= 9 && c <= 13);
      break;
    case "u":
      res = c >= 65 && c <= 90;
      break;
    case "w":
      res = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      break;
    case "x":
      res = (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
      break;
    case "z":
      res = c === 0;
      break;
    default:
      return cl.charCodeAt(0) === c;
  }
  return cl >= "A" && cl <= "Z" ? !res : res;
}

function matchBracketClass(ms: MatchState, c: number, p: number, ec: number): boolean {
  const pat = ms.pat;
  let sig = true;
  if (pat[p + 1] === "^") {
    sig = false;
    p++;
  }
  while (++p < ec) {
    if (pat[p] === "%") {
      p++;
      if (isClass(c, pat[p]!)) return sig;
    } else if (pat[p + 1] === "-" && p + 2 < ec) {
      p += 2;
      if (pat.charCodeAt(p - 2) <= c && c <= pat.charCodeAt(p)) return sig;
    } else if (pat.charCodeAt(p) === c) return sig;
  }
  return !sig;
}

function singleMatch(ms: MatchState, s: number, p: number, ep: number): boolean {
  if (s >= ms.src.length) return false;
  const c = ms.src.charCodeAt(s);
  switch (ms.pat[p]) {
    case ".":
      return true;
    case "%":
      return isClass(c, ms.pat[p + 1]!);
    case "[":
      return matchBracketClass(ms, c, p, ep - 1);
    default:
      return ms.pat.charCodeAt(p) === c;
  }
}

function matchBalance(ms: MatchState, s: number, p: number): number {
  if (p + 1 >= ms.pat.length) throw new LuaError("unbalanced pattern", true);
  const src = ms.src;
  if (s >= src.length || src[s] !== ms.pat[p]) return -1;
  const b = ms.pat[p]!;
  const e = ms.pat[p + 1]!;
  let cont = 1;
  const from = s;
  while (++s < src.length) {
    if (src[s] === e) {
      if (--cont === 0) {
        work(s - from);
        return s + 1;
      }
    } else if (src[s] === b) cont++;
  }
  work(s - from);
  return -1;
}

function maxExpand(ms: MatchState, s: number, p: number, ep: number): number {
  let i = 0;
  while (singleMatch(ms, s + i, p, ep)) i++;
  work(i);
  while (i >= 0) {
    ms.tick();
    const res = doMatch(ms, s + i, ep + 1);
    if (res !== -1) return res;
    i--;
  }
  return -1;
}

function minExpand(ms: MatchState, s: number, p: number, ep: number): number {
  for (;;) {
    ms.tick();
    const res = doMatch(ms, s, ep + 1);
    if (res !== -1) return res;
    if (singleMatch(ms, s, p, ep)) s++;
    else return -1;
  }
}

function startCapture(ms: MatchState, s: number, p: number, what: number): number {
  if (ms.level >= MAXCAPTURES) throw new LuaError("too many captures", true);
  ms.capStart[ms.level] = s;
  ms.capLen[ms.level] = what;
  ms.level++;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.level--;
  return res;
}

function endCapture(ms: MatchState, s: number, p: number): number {
  let l = -1;
  for (let level = ms.level - 1; level >= 0; level--) {
    if (ms.capLen[level] === CAP_UNFINISHED) {
      l = level;
      break;
    }
  }
  if (l < 0) throw new LuaError("invalid pattern capture", true);
  ms.capLen[l] = s - ms.capStart[l]!;
  const res = doMatch(ms, s, p);
  if (res === -1) ms.capLen[l] = CAP_UNFINISHED;
  return res;
}

function matchCapture(ms: MatchState, s: number, l: number): number {
  const idx = l - 49;
  if (idx < 0 || idx >= ms.level || ms.capLen[idx] === CAP_UNFINISHED) throw new LuaError("invalid capture index", true);
  const len = ms.capLen[idx]!;
  work(len);
  const cap = ms.src.substr(ms.capStart[idx]!, len);
  if (ms.src.length - s >= len && ms.src.substr(s, len) === cap) return s + len;
  return -1;
}

/** Matches the pattern from `p` against the subject from `s`: the end of the match or -1. */
export function doMatch(ms: MatchState, s: number, p: number): number {
  if (++ms.depth > MAXCCALLS * 50) throw new LuaError("pattern too complex", true);
  ms.tick();
  try {
    const pat = ms.pat;
    for (;;) {
      if (p >= pat.length) return s;
      switch (pat[p]) {
        case "(":
          if (pat[p + 1] === ")") return startCapture(ms, s, p + 2, CAP_POSITION);
          return startCapture(ms, s, p + 1, CAP_UNFINISHED);
        case ")":
          return endCapture(ms, s, p + 1);
        case "%": {
          const n = pat[p + 1];
          if (n === "b") {
            s = matchBalance(ms, s, p + 2);
            if (s === -1) return -1;
            p += 4;
            continue;
          }
          if (n === "f") {
            p += 2;
            if (pat[p] !== "[") throw new LuaError("missing '[' after '%f' in pattern", true);
            const ep = classEnd(ms, p);
            const prev = s === 0 ? 0 : ms.src.charCodeAt(s - 1);
            const cur = s < ms.src.length ? ms.src.charCodeAt(s) : 0;
            if (matchBracketClass(ms, prev, p, ep - 1) || !matchBracketClass(ms, cur, p, ep - 1)) return -1;
            p = ep;
            continue;
          }
          if (n !== undefined && n >= "0" && n <= "9") {
            s = matchCapture(ms, s, pat.charCodeAt(p + 1));
            if (s === -1) return -1;
            p += 2;
            continue;
          }
          break;
        }
        case "$":
          if (p + 1 === pat.length) return s === ms.src.length ? s : -1;
          break;
      }
      const ep = classEnd(ms, p);
      const m = s < ms.src.length && singleMatch(ms, s, p, ep);
      switch (pat[ep]) {
        case "?": {
          if (m) {
            const res = doMatch(ms, s + 1, ep + 1);
            if (res !== -1) return res;
          }
          p = ep + 1;
          continue;
        }
        case "*":
          return maxExpand(ms, s, p, ep);
        case "+":
          return m ? maxExpand(ms, s + 1, p, ep) : -1;
        case "-":
          return minExpand(ms, s, p, ep);
        default:
          if (!m) return -1;
          s++;
          p = ep;
          continue;
      }
    }
  } finally {
    ms.depth--;
  }
}

export const SPECIALS = /[\^$*+?.()[\]%-]/;
