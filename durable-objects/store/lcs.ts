/**
 * The longest common subsequence of two byte strings, as Redis's LCS command computes it: the
 * classic dynamic-programming table over every prefix pair, then one walk back from the end
 * that yields the subsequence and its matching ranges (last match first), taking the same
 * path as Redis where several subsequences are equally long.
 *
 * The table has (|a|+1)·(|b|+1) cells; it is refused above MAX_LCS_CELLS (16-bit cells:
 * 16 MB at the limit) so one command cannot exhaust an isolate's memory or CPU.
 */
import { CommandError } from "../reply";
import { Errors } from "../errors";

export const MAX_LCS_CELLS = 8 * 1024 * 1024;

export interface LcsOptions {
  /** Also find the subsequence itself and its ranges (else only the length). */
  walk: boolean;
  /** Ranges shorter than this are left out of `matches`. */
  minMatchLen: number;
}

/** One match: [startA, endA] in a and [startB, endB] in b (inclusive), and its length. */
export interface LcsMatch {
  a: [number, number];
  b: [number, number];
  len: number;
}

export interface LcsResult {
  len: number;
  /** The subsequence (when walked). */
  sequence: Uint8Array;
  matches: LcsMatch[];
}

export function longestCommonSubsequence(a: Uint8Array, b: Uint8Array, opts: LcsOptions): LcsResult {
  const rows = a.length + 1;
  const cols = b.length + 1;
  if (rows * cols > MAX_LCS_CELLS) throw new CommandError(Errors.lcsTooLarge(MAX_LCS_CELLS));
  if (!opts.walk) return { len: lengthOnly(a, b), sequence: new Uint8Array(0), matches: [] };
  // Each cell is at most min(|a|, |b|) < 2^16 under the cell limit.
  const t = new Uint16Array(rows * cols);
  for (let i = 1; i < rows; i++) {
    const ai = a[i - 1];
    const row = i * cols;
    const up = row - cols;
    for (let j = 1; j < cols; j++) {
      t[row + j] = ai === b[j - 1] ? t[up + j - 1]! + 1 : Math.max(t[up + j]!, t[row + j - 1]!);
    }
  }
  const len = t[rows * cols - 1]!;
  const sequence = new Uint8Array(len);
  const matches: LcsMatch[] = [];
  let idx = len;
  let i = a.length;
  let j = b.length;
  // Current range being grown backwards; start === -1 means none.
  let aStart = -1;
  let aEnd = -1;
  let bStart = -1;
  let bEnd = -1;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      sequence[--idx] = a[i - 1]!;
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (t[(i - 1) * cols + j]! > t[i * cols + j - 1]!) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (opts.minMatchLen === 0 || matchLen >= opts.minMatchLen) {
        matches.push({ a: [aStart, aEnd], b: [bStart, bEnd], len: matchLen });
      }
      aStart = -1;
    }
  }
  return { len, sequence, matches };
}

/** The length alone, with two rows instead of the whole table. */
function lengthOnly(a: Uint8Array, b: Uint8Array): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ai === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
