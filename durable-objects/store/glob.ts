/**
 * Glob-style pattern matching with Redis's semantics (KEYS, SCAN MATCH, and later PSUBSCRIBE,
 * HSCAN, …), case-sensitive, on the UTF-8 bytes of the pattern and the subject:
 *
 * - `*` any run of bytes (also empty), `?` exactly one byte;
 * - `[abc]` one of the listed bytes, `[^abc]` none of them, `[a-z]` a range (ends in either
 *   order), `\x` inside a class a literal `x`; an unterminated class ends at the pattern's end;
 * - `\x` outside a class a literal `x` (a trailing `\` matches itself).
 *
 * Bytes compare as C `char` (signed on the platforms Redis is built for), which only shows in
 * ranges whose ends straddle 0x80. Like Redis, once a `*` has tried every position for the rest
 * of the pattern, earlier stars are not retried, so a pathological pattern stays polynomial.
 */
import { textBytes } from "../args";


/** Byte as a C signed char. */
function sc(b: number): number {
  return b > 127 ? b - 256 : b;
}

interface State {
  /** Set once a star exhausted the subject: longer matches for earlier stars cannot help. */
  giveUp: boolean;
}

function matchAt(p: Uint8Array, pi: number, s: Uint8Array, si: number, st: State): boolean {
  const STAR = 0x2a, QUESTION = 0x3f, OPEN = 0x5b, CLOSE = 0x5d, CARET = 0x5e, BACKSLASH = 0x5c, DASH = 0x2d;
  while (pi < p.length && si < s.length) {
    switch (p[pi]) {
      case STAR: {
        while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
        if (pi + 1 === p.length) return true;
        for (; si < s.length; si++) {
          if (matchAt(p, pi + 1, s, si, st)) return true;
          if (st.giveUp) return false;
        }
        st.giveUp = true;
        return false;
      }
      case QUESTION:
        si++;
        break;
      case OPEN: {
        pi++;
        const negate = p[pi] === CARET;
        if (negate) pi++;
        let matched = false;
        const c = s[si]!;
        for (;;) {
          if (pi >= p.length) {
            pi--;
            break;
          }
          if (p[pi] === BACKSLASH && p.length - pi >= 2) {
            pi++;
            if (p[pi] === c) matched = true;
          } else if (p[pi] === CLOSE) {
            break;
          } else if (p.length - pi >= 3 && p[pi + 1] === DASH) {
            let lo = sc(p[pi]!);
            let hi = sc(p[pi + 2]!);
            if (lo > hi) [lo, hi] = [hi, lo];
            pi += 2;
            if (sc(c) >= lo && sc(c) <= hi) matched = true;
          } else if (p[pi] === c) {
            matched = true;
          }
          pi++;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default:
        if (p[pi] === BACKSLASH && p.length - pi >= 2) pi++;
        if (p[pi] !== s[si]) return false;
        si++;
        break;
    }
    pi++;
    if (si === s.length) {
      while (pi < p.length && p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === p.length && si === s.length;
}

/** True if `subject` matches the glob `pattern` (Redis's stringmatchlen, case-sensitive). */
export function globMatch(pattern: string | Uint8Array, subject: string | Uint8Array): boolean {
  const p = typeof pattern === "string" ? textBytes(pattern) : pattern;
  const s = typeof subject === "string" ? textBytes(subject) : subject;
  return matchAt(p, 0, s, 0, { giveUp: false });
}

/**
 * A compiled matcher for matching one pattern against many subjects. `prefix` is the literal
 * text every match starts with (up to the first special character), so a caller can narrow
 * an ordered scan to keys `>= prefix`; `all` is true for `*`, which (as in Redis's KEYS and
 * SCAN) matches every key, the empty one included.
 */
export interface Glob {
  readonly prefix: string;
  readonly all: boolean;
  test(subject: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  const p = textBytes(pattern);
  const special = pattern.search(/[*?[\\]/);
  const prefix = special < 0 ? pattern : pattern.slice(0, special);
  const all = pattern === "*";
  return {
    prefix,
    all,
    test: (subject) => all || matchAt(p, 0, textBytes(subject), 0, { giveUp: false }),
  };
}
