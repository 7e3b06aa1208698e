/**
 * Progress on stderr: on a terminal one line redrawn (a bar when the total is known, the rate
 * and the ETA), otherwise a plain line every `every` units. `done()` prints the last state.
 */
export class Progress {
  /** @param {string} what @param {number | undefined} total @param {number} every */
  constructor(what, total, every = 10_000) {
    this.what = what;
    this.total = total;
    this.every = every;
    this.count = 0;
    this.unit = 0;
    this.lastPlain = 0;
    this.start = Date.now();
    this.tty = Boolean(process.stderr.isTTY);
  }

  /** `count`: commands or keys so far; `unit`: the measure of the total (bytes of input, say). */
  update(count, unit = count) {
    this.count = count;
    this.unit = unit;
    if (this.tty) this.draw();
    else if (count - this.lastPlain >= this.every) {
      this.lastPlain = count;
      process.stderr.write(`${this.what}: ${count}\n`);
    }
  }

  draw() {
    const secs = Math.max((Date.now() - this.start) / 1000, 0.001);
    const rate = Math.round(this.count / secs);
    let line = `${this.what}: ${this.count} (${rate}/s)`;
    if (this.total) {
      const f = Math.min(this.unit / this.total, 1);
      const w = 30;
      const full = Math.round(f * w);
      const eta = f > 0 ? Math.round(secs / f - secs) : 0;
      line = `[${"#".repeat(full)}${".".repeat(w - full)}] ${Math.floor(f * 100)}% ` + line + ` ETA ${eta}s`;
    }
    process.stderr.write(`\r${line}\x1b[K`);
  }

  done() {
    if (this.tty) {
      this.draw();
      process.stderr.write("\n");
    }
  }
}
