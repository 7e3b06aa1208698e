/**
 * A line split into arguments by redis-cli's rules (sdssplitargs): spaces separate; `"…"` with
 * `\n \r \t \b \a \\ \" \xNN` escapes (another backslash pair stands for the character);
 * `'…'` with only `\'`; a closing quote must be followed by a space or the end. Returns the
 * arguments as Buffers, or null for unbalanced quotes.
 */
const isHex = (c) => /[0-9a-fA-F]/.test(c);

/** @param {string} line @returns {Buffer[] | null} */
export function splitArgs(line) {
  const out = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) return out;
    const bytes = [];
    const push = (s) => {
      for (const b of Buffer.from(s, "utf8")) bytes.push(b);
    };
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = line[i];
      if (inq) {
        if (i >= n) return null;
        if (c === "\\" && line[i + 1] === "x" && isHex(line[i + 2] ?? "") && isHex(line[i + 3] ?? "")) {
          bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < n) {
          i++;
          const e = line[i];
          push({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" }[e] ?? e);
        } else if (c === '"') {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          done = true;
        } else push(c);
      } else if (insq) {
        if (i >= n) return null;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          push("'");
        } else if (c === "'") {
          if (i + 1 < n && !/\s/.test(line[i + 1])) return null;
          done = true;
        } else push(c);
      } else {
        if (i >= n || /\s/.test(c)) done = true;
        else if (c === '"') inq = true;
        else if (c === "'") insq = true;
        else push(c);
        if (done) break;
      }
      i++;
    }
    out.push(Buffer.from(bytes));
  }
}
