/**
 * Argument parsing shared by the sorted set commands: score and lex range bounds, numkeys key
 * lists, and the reply shape of members with scores.
 */
import { bytes, parseFloatArg, parseI64, parseRedisFloat, text, type Arg } from "../args";
import { Errors } from "../errors";
import { formatDouble } from "../format";
import { CommandError, type Reply } from "../reply";
import type { Entry, LexBound, ScoreBound } from "../store/zsets";

/**
 * A score, weight or increment argument, as Redis's getDoubleFromObject: like parseFloatArg,
 * but a finite literal that overflows to infinity or underflows to zero is refused.
 */
export function parseScore(a: Arg, error: string = Errors.notFloat): number {
  const s = text(a);
  const v = parseFloatArg(a, error);
  if (!Number.isFinite(v) && /\d/.test(s)) throw new CommandError(error);
  if (v === 0 && /[1-9]/.test(s.split(/[eE]/)[0]!)) throw new CommandError(error);
  return v;
}

/** `1.5`, `(1.5`, `-inf`, `+inf`: a score range bound (an empty number is 0, as strtod reads it). */
export function parseScoreBound(a: Arg): ScoreBound {
  const s = text(a);
  const exclusive = s.startsWith("(");
  const body = exclusive ? s.slice(1) : s;
  const v = body === "" ? 0 : parseRedisFloat(body);
  if (v === null) throw new CommandError(Errors.zsetMinMaxNotFloat);
  return { value: v, exclusive };
}

/** `-`, `+`, `[a`, `(a`: a lex range bound. */
export function parseLexBound(a: Arg): LexBound {
  const b = bytes(a);
  if (b.length === 1 && b[0] === 0x2d) return { kind: "min" };
  if (b.length === 1 && b[0] === 0x2b) return { kind: "max" };
  if (b.length >= 1 && (b[0] === 0x5b || b[0] === 0x28)) return { kind: "value", value: b.slice(1), exclusive: b[0] === 0x28 };
  throw new CommandError(Errors.zsetMinMaxNotLex);
}

/** Members (and scores) as Redis replies them: flat `[m, s, m, s]` or `[m, m]`. */
export function entriesReply(entries: Entry[], withScores: boolean): Reply[] {
  const out: Reply[] = [];
  for (const e of entries) {
    out.push(e.member);
    if (withScores) out.push(formatDouble(e.score));
  }
  return out;
}

/** Members with scores as pairs `[[m, s], …]` (ZMPOP). */
export function pairsReply(entries: Entry[]): Reply[] {
  return entries.map((e) => [e.member, formatDouble(e.score)]);
}

/**
 * The key indices of a `numkeys key [key …]` command for routing: `numkeysAt` is the index of
 * numkeys, `fixed` the indices of keys before it (a destination). Bad numkeys gives only the
 * fixed keys: the handler then replies with the error.
 */
export function numkeysFinder(numkeysAt: number, fixed: number[] = []) {
  return (argv: Arg[]): number[] => {
    const n = argv[numkeysAt] === undefined ? null : parseI64(text(argv[numkeysAt]!));
    if (n === null || n < 1n || Number(n) > argv.length - numkeysAt - 1) return fixed;
    const out = [...fixed];
    for (let i = 0; i < Number(n); i++) out.push(numkeysAt + 1 + i);
    return out;
  };
}
