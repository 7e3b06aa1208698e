/**
 * `struct` as Redis bundles lua-struct: pack(fmt, ...), unpack(fmt, s [, pos]) (the values,
 * then the position after them) and size(fmt). Options: `<` `>` `=` endianness, `!n`
 * alignment, `x` padding, `b B h H l L T i[n] I[n]` integers (l, L, T are 8 bytes), `f` `d`
 * floats, `s` zero-terminated and `c[n]` fixed-size strings (`c0` in unpack: the size is the
 * previous value).
 */
import { argError, checkNumber, checkString, lib, optInt } from "./args";
import { LuaError, Pieces, allocate, substring, work, type LuaTable, type LuaValue } from "./value";

interface Spec {
  opt: string;
  size: number;
}

class Format {
  pos = 0;
  little = true;
  align = 1;
  constructor(
    readonly fmt: string,
    readonly fname: string,
  ) {}

  private num(def: number): number {
    const m = /^\d+/.exec(this.fmt.slice(this.pos));
    if (!m) return def;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** The next data option (controls are applied on the way), or null at the end. */
  next(): Spec | null {
    while (this.pos < this.fmt.length) {
      const opt = this.fmt[this.pos++]!;
      switch (opt) {
        case " ":
          continue;
        case "<":
        case "=":
          this.little = true;
          continue;
        case ">":
          this.little = false;
          continue;
        case "!":
          this.align = this.num(8);
          continue;
        case "x":
        case "b":
        case "B":
          return { opt, size: 1 };
        case "h":
        case "H":
          return { opt, size: 2 };
        case "l":
        case "L":
        case "T":
        case "d":
          return { opt, size: 8 };
        case "f":
          return { opt, size: 4 };
        case "i":
        case "I": {
          const size = this.num(4);
          if (size > 8) throw new LuaError(`integral size ${size} is larger than limit of 8`, true);
          return { opt, size };
        }
        case "c":
          return { opt, size: this.num(1) };
        case "s":
          return { opt, size: 0 };
        default:
          throw new LuaError(`bad argument #1 to '${this.fname}' (invalid format option '${opt}')`, true);
      }
    }
    return null;
  }

  padding(len: number, size: number): number {
    const a = Math.min(size, this.align);
    if (a <= 1 || !["b", "B", "h", "H", "l", "L", "T", "i", "I", "f", "d"].includes(this.fmt[this.pos - 1] ?? "")) return 0;
    return (a - (len % a)) % a;
  }
}

function intBytes(n: number, size: number, little: boolean): string {
  let v = BigInt.asUintN(64, BigInt(Math.trunc(Number.isFinite(n) ? n : 0)));
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  if (!little) out.reverse();
  return String.fromCharCode(...out);
}

function floatBytes(n: number, size: number, little: boolean): string {
  const dv = new DataView(new ArrayBuffer(8));
  if (size === 4) dv.setFloat32(0, n, little);
  else dv.setFloat64(0, n, little);
  return String.fromCharCode(...new Uint8Array(dv.buffer, 0, size));
}

export function structLib(): LuaTable {
  return lib({
    pack: (a) => {
      const f = new Format(checkString(a, 0, "pack"), "pack");
      const out = new Pieces();
      let length = 0;
      const add = (piece: string) => {
        out.push(piece);
        length += piece.length;
      };
      let arg = 1;
      for (let s = f.next(); s; s = f.next()) {
        work(1, 1);
        const padding = f.padding(length, s.size);
        if (padding > 0) add("\0".repeat(padding));
        if (s.opt !== "x" && arg >= a.length) a.length = arg + 1;
        switch (s.opt) {
          case "x":
            add("\0");
            break;
          case "f":
          case "d":
            add(floatBytes(checkNumber(a, arg++, "pack"), s.size, f.little));
            break;
          case "c":
          case "s": {
            const str = checkString(a, arg, "pack");
            let size = s.size;
            if (s.opt === "c") {
              if (size === 0) size = str.length;
              if (str.length < size) argError(arg, "pack", "string too short");
              add(str.slice(0, size));
            } else add(str + "\0");
            arg++;
            break;
          }
          default:
            add(intBytes(checkNumber(a, arg++, "pack"), s.size, f.little));
        }
      }
      return [out.join()];
    },
    unpack: (a) => {
      const f = new Format(checkString(a, 0, "unpack"), "unpack");
      const data = checkString(a, 1, "unpack");
      let pos = optInt(a, 2, "unpack", 1) - 1;
      if (pos < 0) argError(2, "unpack", "offset must be 1 or greater");
      const out: LuaValue[] = [];
      const need = (n: number) => {
        if (pos + n > data.length) argError(1, "unpack", "data string too short");
      };
      for (let s = f.next(); s; s = f.next()) {
        work(1, 1);
        pos += f.padding(pos, s.size);
        switch (s.opt) {
          case "x":
            need(1);
            pos++;
            break;
          case "f":
          case "d": {
            need(s.size);
            const dv = new DataView(new ArrayBuffer(8));
            for (let i = 0; i < s.size; i++) dv.setUint8(i, data.charCodeAt(pos + i));
            out.push(s.size === 4 ? dv.getFloat32(0, f.little) : dv.getFloat64(0, f.little));
            pos += s.size;
            break;
          }
          case "c": {
            let size = s.size;
            if (size === 0) {
              const prev = out.pop();
              if (typeof prev !== "number") argError(1, "unpack", "format `c0' needs a previous size");
              size = prev;
            }
            need(size);
            allocate(size);
            out.push(substring(data, pos, pos + size));
            pos += size;
            break;
          }
          case "s": {
            const end = data.indexOf("\0", pos);
            work(end === -1 ? data.length - pos : end - pos);
            if (end === -1) argError(1, "unpack", "unfinished string in data");
            allocate(end - pos);
            out.push(substring(data, pos, end));
            pos = end + 1;
            break;
          }
          default: {
            need(s.size);
            let v = 0n;
            for (let i = 0; i < s.size; i++) {
              const byte = BigInt(data.charCodeAt(pos + (f.little ? s.size - 1 - i : i)));
              v = (v << 8n) | byte;
            }
            if (s.opt === s.opt.toLowerCase()) v = BigInt.asIntN(s.size * 8, v);
            out.push(Number(v));
            pos += s.size;
          }
        }
      }
      out.push(pos + 1);
      return out;
    },
    size: (a) => {
      const f = new Format(checkString(a, 0, "size"), "size");
      let total = 0;
      for (let s = f.next(); s; s = f.next()) {
        if (s.opt === "s" || (s.opt === "c" && s.size === 0)) argError(0, "size", "options 'c0' - 's' have undefined sizes");
        total += f.padding(total, s.size) + s.size;
      }
      return [total];
    },
  });
}
