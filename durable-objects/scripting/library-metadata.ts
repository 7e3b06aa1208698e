/**
 * The first line of a function library, `#!<engine> name=<library>`, read as Redis 7.0 reads it
 * (functions.c functionExtractLibMetaData, then the checks of functionsCreateWithLibraryCtx):
 * the line is split like a redis-cli command line (sds.c sdssplitargs: blanks separate, double
 * quotes with `\n`/`\xHH` escapes, single quotes), `name=` is matched without regard to case, the
 * engine is looked up without regard to case (`#!LUA` works), and the errors come in Redis's
 * order: missing `#!`, no newline or unbalanced quotes, a repeated or unknown option, no name,
 * a name that is not `[A-Za-z0-9_]+`, an unknown engine.
 */
import { ScriptErrors } from "../errors";
import { CommandError } from "../reply";

/** Engines this server runs (Redis 7.0 has only Lua, listed upper-case by FUNCTION STATS). */
export const ENGINES = ["LUA"] as const;

export interface LibraryMetadata {
  engine: (typeof ENGINES)[number];
  name: string;
  /** The code after the first line, starting at its newline (line numbers stay as written). */
  body: string;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;

/** Parses a library's first line; `code` is a byte string (one char per byte). */
export function parseLibraryMetadata(code: string): LibraryMetadata {
  if (!code.startsWith("#!")) throw new CommandError(ScriptErrors.missingMetadata);
  // C strings: the line ends at the first newline, and nothing after a NUL is seen.
  const nul = code.indexOf("\0");
  const nl = code.indexOf("\n");
  if (nl === -1 || (nul !== -1 && nul < nl)) throw new CommandError(ScriptErrors.invalidLibraryMetadata);
  const parts = splitArgs(code.slice(0, nl));
  if (parts === null || parts.length === 0) throw new CommandError(ScriptErrors.invalidLibraryMetadata);
  const engineName = parts[0]!.slice(2);
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== "name=") throw new CommandError(ScriptErrors.badMetadata(part));
    if (name !== undefined) throw new CommandError(ScriptErrors.libraryNameTwice);
    name = part.slice(5);
  }
  if (name === undefined) throw new CommandError(ScriptErrors.libraryNameMissing);
  if (!NAME_RE.test(name)) throw new CommandError(ScriptErrors.badLibraryName);
  const engine = ENGINES.find((e) => e === engineName.toUpperCase());
  if (!engine) throw new CommandError(ScriptErrors.engineNotFound(engineName));
  return { engine, name, body: code.slice(nl) };
}

const BLANK = /[ \t\n\v\f\r]/;
const HEX = /^[0-9a-fA-F]{2}$/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

/** sdssplitargs: the words of `line`, or null for unbalanced quotes or a quote not followed by a blank. */
export function splitArgs(line: string): string[] | null {
  const cut = line.indexOf("\0");
  const s = cut === -1 ? line : line.slice(0, cut);
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && BLANK.test(s[i]!)) i++;
    if (i >= s.length) return out;
    let word = "";
    let quote: '"' | "'" | null = null;
    for (;;) {
      const c = s[i];
      if (quote === '"') {
        if (c === undefined) return null;
        if (c === "\\" && s[i + 1] === "x" && HEX.test(s.slice(i + 2, i + 4))) {
          word += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (c === "\\" && i + 1 < s.length) {
          word += ESCAPES[s[i + 1]!] ?? s[i + 1];
          i += 2;
        } else if (c === '"') {
          if (i + 1 < s.length && !BLANK.test(s[i + 1]!)) return null;
          i++;
          break;
        } else {
          word += c;
          i++;
        }
      } else if (quote === "'") {
        if (c === undefined) return null;
        if (c === "\\" && s[i + 1] === "'") {
          word += "'";
          i += 2;
        } else if (c === "'") {
          if (i + 1 < s.length && !BLANK.test(s[i + 1]!)) return null;
          i++;
          break;
        } else {
          word += c;
          i++;
        }
      } else if (c === undefined || c === " " || c === "\n" || c === "\r" || c === "\t") {
        break;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else {
        word += c;
        i++;
      }
    }
    out.push(word);
  }
}
